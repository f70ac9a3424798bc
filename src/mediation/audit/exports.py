"""The export file format: JSON Lines sections that carry a case's chain, written and read.

One section per case — a header line, one line per event (its sequence number, hash and
canonical bytes, or for a reader's export the redacted entry plus the digest of what was
left out) and a trailer line with the case's anchor. ``docs/audit.md`` gives the lines
byte for byte. Reading is strict: any byte out of place is refused with
:class:`~mediation.errors.ChainBroken` (code ``malformed``).

Functions here read and write the streams they are given; importing a file into a store
is :func:`mediation.store.import_export`.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import IO, Any

import attrs

from mediation.audit.chain import ChainBreak, ChainHead, RecordedEvent, Verification, verify
from mediation.errors import ChainBroken
from mediation.policy import Limits

__all__ = [
    "EXPORT_FORMAT",
    "ExportedCase",
    "export_case",
    "read_export",
    "verify_export",
    "write_section",
]

EXPORT_FORMAT = "mediation-events"
"""Value of the ``format`` key in an export's header line."""

_DEFAULT_LIMITS = Limits()
_EXPORT_VERSION = 1
_EVENT_LINE = re.compile(
    rb'\{"seq":(0|[1-9][0-9]{0,18}),"hash":"([0-9a-f]{64})",'
    rb'(?:"redacted_digest":"([0-9a-f]{64})",)?"event":(.*)\}',
    re.S,
)


@attrs.frozen
class ExportedCase:
    """One case read from an export file.

    Attributes:
        case_id: From the section's header line.
        records: The event lines, as recorded events, in file order.
        anchor: The trailer line's count and head.
    """

    case_id: str
    records: tuple[RecordedEvent, ...]
    anchor: ChainHead


def _json_line(data: Mapping[str, Any]) -> bytes:
    return (
        json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode() + b"\n"
    )


def export_case(records: Sequence[RecordedEvent], anchor: ChainHead, out: IO[bytes]) -> ChainHead:
    """Write one case as a JSON Lines section: header, one line per event, trailer.

    The lines are, byte for byte (see ``docs/audit.md``)::

        {"case_id":"<id>","format":"mediation-events","version":1}
        {"seq":<n>,"hash":"<64 hex>","event":<canonical bytes of event n>}
        {"case_id":"<id>","count":<events>,"end":true,"head":"<64 hex>"}

    Args:
        records: The case's recorded events, in order.
        anchor: The case's head (written as the trailer).
        out: A binary stream.

    Returns:
        The anchor written.
    """
    return write_section(anchor, ((record, None) for record in records), out)


def write_section(
    anchor: ChainHead,
    lines: Iterable[tuple[RecordedEvent, Mapping[str, Any] | None]],
    out: IO[bytes],
) -> ChainHead:
    """Write a case's section: header, one line per event, trailer.

    An event given with a redacted entry is written as that entry plus the SHA-256 of
    its left-out canonical bytes (``"redacted_digest"``), so the chain still verifies.

    Args:
        anchor: The case's head, written as the trailer.
        lines: Each recorded event with its redacted entry, or ``None`` to write the
            event's canonical bytes as they are.
        out: A binary stream.

    Returns:
        The anchor written.
    """
    out.write(
        _json_line({"case_id": anchor.case_id, "format": EXPORT_FORMAT, "version": _EXPORT_VERSION})
    )
    for record, redacted in lines:
        prefix = b'{"seq":%d,"hash":"%s",' % (record.seq, record.hash.encode("ascii"))
        if redacted is None:
            out.write(prefix + b'"event":' + record.body + b"}\n")
        else:
            digest = hashlib.sha256(record.body).hexdigest().encode("ascii")
            out.write(prefix + b'"redacted_digest":"%s","event":' % digest)
            out.write(_json_line(redacted)[:-1] + b"}\n")
    out.write(
        _json_line(
            {"case_id": anchor.case_id, "count": anchor.version, "end": True, "head": anchor.head}
        )
    )
    return anchor


def read_export(stream: IO[bytes], *, limits: Limits | None = None) -> tuple[ExportedCase, ...]:
    """Parse an export file (strictly: every byte is checked) without verifying chains.

    Args:
        stream: A binary stream positioned at the start of the file.
        limits: The most lines and bytes per line read (default: the default
            :class:`~mediation.policy.Limits`); a longer file is refused unread.

    Returns:
        The cases in the file, in order.

    Raises:
        ChainBroken: with code ``malformed`` when a line is not exactly a header, event
            or trailer line in the documented form, or a section is not closed; the
            message names the line.
    """
    cases: list[ExportedCase] = []
    case_id: str | None = None
    records: list[RecordedEvent] = []
    for number, raw in _bounded_lines(stream, limits or _DEFAULT_LIMITS):
        if not raw.endswith(b"\n"):
            raise ChainBroken(case_id or "", None, "malformed", f"line {number} is incomplete")
        line = raw[:-1]
        if case_id is not None:
            match = _EVENT_LINE.fullmatch(line)
            if match is not None:
                seq = int(match.group(1))
                digest = match.group(3).decode() if match.group(3) is not None else None
                if digest is not None:
                    _strict_json(match.group(4), number, case_id)
                records.append(
                    RecordedEvent(case_id, seq, match.group(2).decode(), match.group(4), digest)
                )
                continue
        data = _strict_json(line, number, case_id)
        if case_id is None:
            if set(data) != {"case_id", "format", "version"} or data["format"] != EXPORT_FORMAT:
                raise ChainBroken("", None, "malformed", f"line {number} is not a section header")
            if data["version"] != _EXPORT_VERSION:
                raise ChainBroken(
                    str(data["case_id"]),
                    None,
                    "malformed",
                    f"line {number}: export version {data['version']!r} is not supported",
                )
            if not isinstance(data["case_id"], str):
                raise ChainBroken("", None, "malformed", f"line {number}: case id is not text")
            case_id = data["case_id"]
            records = []
            continue
        if (
            set(data) != {"case_id", "count", "end", "head"}
            or data["end"] is not True
            or data["case_id"] != case_id
            or type(data["count"]) is not int
            or not isinstance(data["head"], str)
        ):
            raise ChainBroken(
                case_id, None, "malformed", f"line {number} is neither an event nor the trailer"
            )
        cases.append(
            ExportedCase(case_id, tuple(records), ChainHead(case_id, data["count"], data["head"]))
        )
        case_id = None
    if case_id is not None:
        raise ChainBroken(
            case_id, None, "truncated", f"the section of case {case_id!r} has no trailer line"
        )
    if not cases:
        raise ChainBroken("", None, "malformed", "the file holds no case")
    return tuple(cases)


def _bounded_lines(stream: IO[bytes], limits: Limits) -> Iterator[tuple[int, bytes]]:
    most = limits.import_max_line_bytes + 1  # the newline
    number = 0
    while True:
        raw = stream.readline(most + 1)
        if not raw:
            return
        number += 1
        if number > limits.import_max_lines:
            raise ChainBroken(
                "",
                None,
                "malformed",
                f"the file has more than {limits.import_max_lines} lines (limits.import_max_lines)",
            )
        if len(raw) > most:
            raise ChainBroken(
                "",
                None,
                "malformed",
                f"line {number} is longer than {limits.import_max_line_bytes} bytes "
                "(limits.import_max_line_bytes)",
            )
        yield number, raw


def _strict_json(line: bytes, number: int, case_id: str | None) -> dict[str, Any]:
    try:
        data = json.loads(line)
    except (ValueError, RecursionError):  # RecursionError: nested beyond the stack
        data = None
    if not isinstance(data, dict) or _json_line(data) != line + b"\n":
        raise ChainBroken(
            case_id or "", None, "malformed", f"line {number} is not in the export format"
        )
    return data


def verify_export(
    stream: IO[bytes], *, deep: bool = True, limits: Limits | None = None
) -> tuple[Verification, ...]:
    """Verify every case of an export file against its own trailer.

    Args:
        stream: A binary stream positioned at the start of the file.
        deep: Also decode every event and check its canonical form (default: yes).
        limits: The most lines and bytes per line read (see :func:`read_export`).

    Returns:
        One :class:`Verification` per case; a file that cannot be parsed gives a single
        failed verification with code ``malformed`` (or ``truncated`` for a missing
        trailer) whose message names the line.
    """
    try:
        cases = read_export(stream, limits=limits)
    except ChainBroken as error:
        return (Verification(error.case_id, 0, "", ChainBreak(None, error.code, str(error))),)
    return tuple(
        verify(case.records, case_id=case.case_id, anchor=case.anchor, deep=deep) for case in cases
    )
