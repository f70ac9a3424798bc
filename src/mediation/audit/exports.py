"""The export file format: JSON Lines sections that carry a case's chain, written and read.

One section per case — a header line, one line per event (its sequence number, hash,
sealed body and the content it holds; a reader's export leaves out the content the reader
may not see and names those fields under ``"withheld"``) and a trailer line with the
case's anchor (signed when a key was given). ``docs/audit.md`` gives the lines
byte for byte. Reading is strict: any byte out of place is refused with
:class:`~mediation.errors.ChainBroken` (code ``malformed``).

Functions here read and write the streams they are given; importing a file into a store
is :func:`mediation.store.import_export`.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import IO, Any

import attrs

from mediation._canonical import json_text
from mediation.audit.chain import ChainBreak, ChainHead, RecordedEvent, Verification, verify
from mediation.audit.signing import SignedHeads, Verifier, unsigned_or_bad
from mediation.errors import ChainBroken
from mediation.policy import Limits

__all__ = [
    "EXPORT_FORMAT",
    "EXPORT_VERSION",
    "ExportedCase",
    "export_case",
    "iter_export",
    "read_export",
    "verify_export",
    "verify_export_anchored",
    "write_section",
]

EXPORT_FORMAT = "mediation-events"
"""Value of the ``format`` key in an export's header line."""

EXPORT_VERSION = 3
"""The export format version written and read: the version of the sealed bodies it
carries (1: unsalted, before commitments; 2: names and other nested personal data in
the clear; see :data:`mediation.audit.CANONICAL_VERSION`)."""

_DEFAULT_LIMITS = Limits()


@attrs.frozen
class ExportedCase:
    """One case read from an export file.

    Attributes:
        case_id: From the section's header line.
        records: The event lines, as recorded events, in file order.
        anchor: The trailer line's count and head.
        signature: The trailer's signature (hex), when the export was signed.
    """

    case_id: str
    records: tuple[RecordedEvent, ...]
    anchor: ChainHead
    signature: str | None = None


def _json_line(data: Mapping[str, Any]) -> bytes:
    return json_text(data).encode("utf-8") + b"\n"


def export_case(
    records: Sequence[RecordedEvent],
    anchor: ChainHead,
    out: IO[bytes],
    *,
    signature: str | None = None,
) -> ChainHead:
    """Write one case as a JSON Lines section: header, one line per event, trailer.

    The lines are, byte for byte (see ``docs/audit.md``)::

        {"case_id":"<id>","format":"mediation-events","version":3}
        {"event":<sealed body>,"hash":"<64 hex>","seq":<n>,"content":<content>}
        {"case_id":"<id>","count":<events>,"end":true,"head":"<64 hex>"}

    (``"content"`` only when the event holds content; ``"signature"`` in the trailer when
    the export is signed, see :mod:`mediation.audit.signing`.)

    Args:
        records: The case's recorded events, in order.
        anchor: The case's head (written as the trailer).
        out: A binary stream.
        signature: A signature of the anchor to write in the trailer.

    Returns:
        The anchor written.
    """
    return write_section(anchor, ((record, ()) for record in records), out, signature=signature)


def write_section(
    anchor: ChainHead,
    lines: Iterable[tuple[RecordedEvent, Sequence[str]]],
    out: IO[bytes],
    *,
    signature: str | None = None,
) -> ChainHead:
    """Write a case's section: header, one line per event, trailer.

    An event given with fields to withhold is written without their content (their
    commitments stay in the sealed body, so the chain still verifies, and nothing can be
    guessed: the salt goes with the content) and lists them under ``"withheld"``.

    Args:
        anchor: The case's head, written as the trailer.
        lines: Each recorded event with the content fields to leave out.
        out: A binary stream.
        signature: A signature of the anchor to write in the trailer.

    Returns:
        The anchor written.
    """
    out.write(
        _json_line({"case_id": anchor.case_id, "format": EXPORT_FORMAT, "version": EXPORT_VERSION})
    )
    for record, withhold in lines:
        content = record.content
        kept_back: list[str] = []
        if withhold and content is not None:
            held = record.contents()
            kept_back = sorted(field for field in withhold if field in held)
            left = {
                field: {"salt": salt.hex(), "value": value}
                for field, (salt, value) in held.items()
                if field not in kept_back
            }
            content = json_text(left).encode("utf-8") if left else None
        line = (
            b'{"event":'
            + record.body
            + b',"hash":"%s","seq":%d'
            % (
                record.hash.encode("ascii"),
                record.seq,
            )
        )
        if content is not None:
            line += b',"content":' + content
        if kept_back:
            line += b',"withheld":' + json_text(kept_back).encode("utf-8")
        out.write(line + b"}\n")
    trailer: dict[str, Any] = {
        "case_id": anchor.case_id,
        "count": anchor.version,
        "end": True,
        "head": anchor.head,
    }
    if signature is not None:
        trailer["signature"] = signature
    out.write(_json_line(trailer))
    return anchor


def read_export(stream: IO[bytes], *, limits: Limits | None = None) -> tuple[ExportedCase, ...]:
    """Parse an export file (strictly: every byte is checked) without verifying chains.

    Holds every case of the file at once; :func:`iter_export` reads one case at a time.

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
    return tuple(iter_export(stream, limits=limits))


def iter_export(stream: IO[bytes], *, limits: Limits | None = None) -> Iterator[ExportedCase]:
    """Parse an export file one case at a time, strictly, without verifying chains.

    The stream is read line by line and each case is given as soon as its trailer is
    read, so the memory held is that of the largest case, not of the file.

    Args:
        stream: A binary stream positioned at the start of the file.
        limits: The most lines and bytes per line read (see :func:`read_export`).

    Yields:
        The cases in the file, in order.

    Raises:
        ChainBroken: as :func:`read_export`, when the bad line is reached (cases before
            it have been given already).
    """
    case_id: str | None = None
    records: list[RecordedEvent] = []
    given = 0
    for number, raw in _bounded_lines(stream, limits or _DEFAULT_LIMITS):
        if not raw.endswith(b"\n"):
            raise ChainBroken(case_id or "", None, "malformed", f"line {number} is incomplete")
        if case_id is not None and raw.startswith(b'{"event":'):
            records.append(_event_line(raw[:-1], number, case_id))
            continue
        data = _strict_json(raw[:-1], number, case_id)
        if case_id is None:
            case_id = _section_header(data, number)
            records = []
            continue
        keys = set(data) - {"signature"}
        if (
            keys != {"case_id", "count", "end", "head"}
            or data["end"] is not True
            or data["case_id"] != case_id
            or type(data["count"]) is not int
            or not isinstance(data["head"], str)
            or not isinstance(data.get("signature", ""), str)
        ):
            raise ChainBroken(
                case_id, None, "malformed", f"line {number} is neither an event nor the trailer"
            )
        case = ExportedCase(
            case_id,
            tuple(records),
            ChainHead(case_id, data["count"], data["head"]),
            data.get("signature"),
        )
        records = []
        case_id = None
        given += 1
        yield case
    if case_id is not None:
        raise ChainBroken(
            case_id, None, "truncated", f"the section of case {case_id!r} has no trailer line"
        )
    if not given:
        raise ChainBroken("", None, "malformed", "the file holds no case")


def _section_header(data: dict[str, Any], number: int) -> str:
    if set(data) != {"case_id", "format", "version"} or data["format"] != EXPORT_FORMAT:
        raise ChainBroken("", None, "malformed", f"line {number} is not a section header")
    if data["version"] != EXPORT_VERSION:
        older = (
            "; it was written by an older version of the library: migrate the store it "
            "came from (`mediation migrate STORE`) and export it again"
            if data["version"] in (1, 2)
            else ""
        )
        raise ChainBroken(
            str(data["case_id"]),
            None,
            "malformed",
            f"line {number}: export version {data['version']!r} is not supported "
            f"(this library reads version {EXPORT_VERSION}){older}",
        )
    if not isinstance(data["case_id"], str):
        raise ChainBroken("", None, "malformed", f"line {number}: case id is not text")
    return data["case_id"]


_EVENT_LINE = re.compile(
    rb'\{"event":(\{.*\}),"hash":"([0-9a-f]{64})","seq":(0|[1-9][0-9]{0,18})'
    rb'(?:,"content":(\{.*\}))?(?:,"withheld":(\[[^\]]*\]))?\}',
    re.S,
)


def _event_line(line: bytes, number: int, case_id: str) -> RecordedEvent:
    match = _EVENT_LINE.fullmatch(line)
    if match is None:
        raise ChainBroken(case_id, None, "malformed", f"line {number} is not an event line")
    body, hash_, seq, content, withheld = match.groups()
    _canonical_part(body, number, case_id)
    if content is not None:
        _canonical_part(content, number, case_id)
    fields: list[str] = []
    if withheld is not None:
        fields = json.loads(withheld) if _canonical_part(withheld, number, case_id) else []
        if not fields or not all(isinstance(field, str) for field in fields):
            raise ChainBroken(case_id, None, "malformed", f"line {number}: bad withheld list")
    return RecordedEvent(case_id, int(seq), hash_.decode(), body, content, tuple(fields))


def _canonical_part(part: bytes, number: int, case_id: str) -> bool:
    try:
        value = json.loads(part)
    except ValueError:
        value = None
    if value is None or json_text(value).encode("utf-8") != part:
        raise ChainBroken(
            case_id, None, "malformed", f"line {number} holds JSON that is not canonical"
        )
    return True


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
    stream: IO[bytes],
    *,
    deep: bool = True,
    verifier: Verifier | None = None,
    limits: Limits | None = None,
) -> tuple[Verification, ...]:
    """Verify every case of an export file against its own trailer.

    Args:
        stream: A binary stream positioned at the start of the file.
        deep: Also decode every event and check its canonical form (default: yes).
        verifier: A public key every trailer must be signed with (code ``unsigned`` for
            a trailer without a valid signature).
        limits: The most lines and bytes per line read (see :func:`read_export`).

    Returns:
        One :class:`Verification` per case; a file that cannot be parsed gives a single
        failed verification with code ``malformed`` (or ``truncated`` for a missing
        trailer) whose message names the line.
    """
    results = []
    try:
        for case in iter_export(stream, limits=limits):
            result = verify(case.records, case_id=case.case_id, anchor=case.anchor, deep=deep)
            if (
                result.ok
                and verifier is not None
                and unsigned_or_bad([(case.anchor, case.signature)], verifier)
            ):
                result = attrs.evolve(
                    result,
                    broken=ChainBreak(
                        None,
                        "unsigned",
                        "the trailer carries no signature that verifies under the public key given",
                    ),
                )
            results.append(result)
    except ChainBroken as error:
        return (Verification(error.case_id, 0, "", ChainBreak(None, error.code, str(error))),)
    return tuple(results)


def verify_export_anchored(
    stream: IO[bytes], signed: SignedHeads, *, deep: bool = True
) -> tuple[Verification, ...]:
    """Verify an export file against signed heads (:func:`~mediation.audit.read_anchors`).

    Each case of the file is verified against its trailer and must pass through its
    signed head; a case the heads name that the file lacks is reported (code
    ``dropped``); cases of the file the heads do not name are verified against their
    trailer only.

    Args:
        stream: A binary stream positioned at the start of the file.
        signed: The signed heads, their signature already checked.
        deep: See :func:`verify_export`.

    Returns:
        One verification per case of the file, then one per dropped case.
    """
    heads = {head.case_id: head for head in signed.heads}
    results = []
    try:
        for case in iter_export(stream):
            result = verify(case.records, case_id=case.case_id, anchor=case.anchor, deep=deep)
            head = heads.pop(case.case_id, None)
            if result.ok and head is not None:
                result = verify(
                    case.records,
                    case_id=case.case_id,
                    anchor=head,
                    deep=False,
                    anchor_is_earlier=True,
                )
            results.append(result)
    except ChainBroken as error:
        return (Verification(error.case_id, 0, "", ChainBreak(None, error.code, str(error))),)
    results.extend(
        Verification(
            case_id,
            0,
            "",
            ChainBreak(
                None,
                "dropped",
                f"case {case_id!r} is in the signed heads ({head.version} events) but not in "
                "the file: it was left out",
            ),
        )
        for case_id, head in heads.items()
    )
    return tuple(results)
