"""The audit trail: canonical bytes, a SHA-256 hash chain, verification, export and views.

Every event of a case is stored as its *canonical bytes* (see :func:`canonical_bytes`)
together with a hash that chains it to the event before it::

    hash_0 = SHA-256("mediation-chain-v1:" + case_id)                  (the genesis value)
    hash_n = SHA-256(hash_{n-1} || SHA-256(canonical_bytes(event_n)))  (raw 32-byte digests)

so changing, removing, inserting or reordering any stored event changes every hash after
it. Because the chain commits to each body's digest, an export for one reader can leave
out what that reader may not see — carrying the digest instead — and still verify
(:func:`export_view`). :func:`verify` recomputes the chain and says where it breaks; an
*anchor* (the head hash and event count a store keeps per case, or an export's trailer
line, or a copy kept anywhere else) also makes truncation detectable. ``docs/audit.md``
specifies the format precisely enough to verify a chain without Python.

The module also provides JSON Lines export and import (:func:`export_case`,
:func:`read_export`, :func:`verify_export`, :func:`import_export`), redacted views of a
case per reader (:func:`view`), the outside-authority report that UMA §7 allows
(:func:`authority_report`) and the read-log record type (:class:`ReadRecord`).

Nothing read from stored data is ever imported or evaluated: bodies are parsed as JSON
and event types are looked up in :data:`mediation.events.EVENT_TYPES`.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from enum import Enum
from typing import IO, TYPE_CHECKING, Any

import attrs
import structlog

from mediation import events as ev
from mediation._canonical import canonical_text
from mediation.errors import CaseNotFound, ChainBroken, InvalidInput, NotAuthorized
from mediation.model import Outcome

if TYPE_CHECKING:
    from mediation.case import Mediation
    from mediation.store import EventStore

__all__ = [
    "CHAIN_PREFIX",
    "EXPORT_FORMAT",
    "Attendee",
    "AuthorityReport",
    "CaseView",
    "ChainBreak",
    "ChainHead",
    "ExportedCase",
    "ReadRecord",
    "ReaderRole",
    "RecordedEvent",
    "Verification",
    "authority_report",
    "canonical_bytes",
    "chain_hash",
    "export_case",
    "export_store",
    "export_view",
    "genesis",
    "import_export",
    "read_export",
    "record_events",
    "verify",
    "verify_case",
    "verify_export",
    "view",
]

_log = structlog.get_logger("mediation.audit")

CHAIN_PREFIX = "mediation-chain-v1:"
"""Text hashed with the case id to give the chain's genesis value (see :func:`genesis`)."""

EXPORT_FORMAT = "mediation-events"
"""Value of the ``format`` key in an export's header line."""

_EXPORT_VERSION = 1
_HEX64 = re.compile(r"[0-9a-f]{64}")
_EVENT_LINE = re.compile(
    rb'\{"seq":(0|[1-9][0-9]{0,18}),"hash":"([0-9a-f]{64})",'
    rb'(?:"redacted_digest":"([0-9a-f]{64})",)?"event":(.*)\}',
    re.S,
)
_sha256 = hashlib.sha256


# -- canonical form and chain ------------------------------------------------------------


def canonical_bytes(event: ev.Event) -> bytes:
    """The canonical bytes of ``event``: what is hashed, stored and exported.

    They are the UTF-8 encoding of the JSON text of :func:`mediation.events.to_dict`,
    with object keys sorted by code point, no whitespace (separators ``,`` and ``:``),
    non-ASCII characters written as themselves (``ensure_ascii=False``), and numbers as
    Python writes them (integers in decimal; floats in the shortest form that reads back
    exactly, always with a ``.`` or an exponent, e.g. ``240.0``).

    Args:
        event: Any event.

    Returns:
        The bytes.

    Raises:
        InvalidInput: the event holds text that cannot be encoded as UTF-8 (a lone
            surrogate) or a float that JSON cannot represent (NaN, infinity).
    """
    try:
        return canonical_text(event).encode("utf-8")
    except (UnicodeEncodeError, ValueError) as error:
        raise InvalidInput(
            f"event {event.seq} ({event.type_name}) cannot be stored: {error}"
        ) from error


def genesis(case_id: str) -> str:
    """The chain's starting value for ``case_id``: hex SHA-256 of ``CHAIN_PREFIX + case_id``.

    Binding the genesis to the case id means a chain cannot be relabelled as another case.

    Args:
        case_id: The case's identifier.

    Returns:
        64 lowercase hexadecimal digits.
    """
    return _sha256((CHAIN_PREFIX + case_id).encode("utf-8")).hexdigest()


def chain_hash(previous: str, body: bytes) -> str:
    """``SHA-256(previous digest || SHA-256(body))`` as lowercase hex.

    Args:
        previous: The previous hash (or the genesis value), 64 hex digits.
        body: The event's canonical bytes.

    Returns:
        The new hash, 64 lowercase hex digits.

    Raises:
        InvalidInput: ``previous`` is not 64 hex digits.
    """
    if not isinstance(previous, str) or _HEX64.fullmatch(previous) is None:
        raise InvalidInput(f"a chain hash is 64 lowercase hex digits; got {previous!r}")
    return _sha256(bytes.fromhex(previous) + _sha256(body).digest()).hexdigest()


@attrs.frozen
class RecordedEvent:
    """One stored event: its place in the chain, its canonical bytes and its hash.

    The time, actor, stage and type are carried inside :attr:`body` (the canonical bytes)
    and read from it by the properties of the same names, so the hash covers them.

    Attributes:
        case_id: The case it belongs to.
        seq: Its position in the case, from 1.
        hash: ``SHA-256(previous hash || body)`` as 64 lowercase hex digits.
        body: The event's canonical bytes (:func:`canonical_bytes`).
    """

    case_id: str
    seq: int
    hash: str
    body: bytes
    redacted_digest: str | None = None
    """For a record read from a reader's export: the SHA-256 (hex) of the canonical bytes
    that were left out; :attr:`body` is then the reader's redacted entry, not canonical."""

    @property
    def leaf(self) -> bytes:
        """The digest the chain commits to: SHA-256 of the canonical bytes."""
        if self.redacted_digest is not None:
            return bytes.fromhex(self.redacted_digest)
        return _sha256(self.body).digest()

    def envelope(self) -> dict[str, Any]:
        """The body parsed as JSON (a plain dictionary, nothing instantiated).

        Raises:
            InvalidInput: the body is not a JSON object.
        """
        try:
            data = json.loads(self.body)
        except ValueError as error:
            raise InvalidInput(f"event {self.seq} of {self.case_id!r} is not JSON") from error
        if not isinstance(data, dict):
            raise InvalidInput(f"event {self.seq} of {self.case_id!r} is not a JSON object")
        return data

    @property
    def at(self) -> datetime:
        """When the event was recorded (from the body)."""
        return datetime.fromisoformat(str(self.envelope()["at"]))

    @property
    def actor(self) -> str:
        """Who issued the command that recorded the event (from the body)."""
        return str(self.envelope()["actor"])

    @property
    def stage(self) -> str:
        """The stage the case was in when the event was recorded (from the body)."""
        return str(self.envelope()["stage"])

    @property
    def type_name(self) -> str:
        """The event's stable type name (from the body)."""
        return str(self.envelope()["type"])

    def event(self) -> ev.Event:
        """Decode the body into an event (JSON, then :func:`mediation.events.from_dict`).

        Raises:
            InvalidInput: the body is not a well-formed event.
        """
        return ev.from_dict(self.envelope())


def record_events(
    case_id: str, events: Iterable[ev.Event], previous: str | None = None
) -> tuple[RecordedEvent, ...]:
    """Chain ``events`` after ``previous``: what a store does on append.

    Args:
        case_id: The case the events belong to.
        events: The events, in order.
        previous: Hash of the event before the first one; the genesis value of
            ``case_id`` when omitted (the events start the case).

    Returns:
        One :class:`RecordedEvent` per event.

    Raises:
        InvalidInput: an event cannot be encoded (see :func:`canonical_bytes`).
    """
    head = bytes.fromhex(genesis(case_id) if previous is None else previous)
    recorded: list[RecordedEvent] = []
    for event in events:
        body = canonical_bytes(event)
        digest = _sha256(head + _sha256(body).digest()).digest()
        recorded.append(RecordedEvent(case_id, event.seq, digest.hex(), body))
        head = digest
    return tuple(recorded)


@attrs.frozen
class ChainHead:
    """An anchor: how long a case's chain is and what its last hash is.

    A store keeps one per case (updated in the same transaction as each append); an
    export writes one as its trailer line. Kept somewhere the store's writers cannot
    reach (printed on the signed agreement, sent to HR), it also protects against a
    rewrite of the whole store.

    Attributes:
        case_id: The case.
        version: Number of events (sequence number of the last one).
        head: Hash of the last event (the genesis value when there is none).
    """

    case_id: str
    version: int
    head: str


@attrs.frozen
class ChainBreak:
    """Where and how a chain is broken.

    Attributes:
        seq: The sequence number where the break is found (``None`` when it concerns the
            chain as a whole).
        code: Stable identifier of the kind of break: ``hash_mismatch``, ``missing``,
            ``duplicate``, ``out_of_order``, ``wrong_case``, ``truncated``, ``extra``,
            ``head_mismatch``, ``no_anchor``, ``malformed``, ``not_canonical``,
            ``seq_mismatch``.
        message: A sentence in plain words.
    """

    seq: int | None
    code: str
    message: str


@attrs.frozen
class Verification:
    """The result of :func:`verify`.

    Attributes:
        case_id: The case verified.
        count: How many events verified before the break (all of them when intact).
        head: Hash of the last event that verified (the genesis value when none did).
        broken: The first break found, or ``None`` when the chain is intact.
    """

    case_id: str
    count: int
    head: str
    broken: ChainBreak | None = None

    @property
    def ok(self) -> bool:
        """Whether the chain is intact (and matches its anchor, when one was given)."""
        return self.broken is None

    def raise_if_broken(self) -> None:
        """Raise :class:`~mediation.errors.ChainBroken` if the chain is broken.

        Raises:
            ChainBroken: with the case id, sequence number and code of the break.
        """
        if self.broken is not None:
            raise ChainBroken(
                self.case_id,
                self.broken.seq,
                self.broken.code,
                f"case {self.case_id!r}: {self.broken.message}",
            )


def verify(
    records: Iterable[RecordedEvent],
    *,
    case_id: str | None = None,
    anchor: ChainHead | None = None,
    deep: bool = False,
) -> Verification:
    """Recompute a case's hash chain and report the first place it breaks.

    Detected: any changed byte of a body or hash; a removed, inserted, duplicated or
    reordered event; events of another case; and, given an ``anchor``, events removed
    from (or added to) the end. Not detected without an anchor kept out of reach: a
    consistent rewrite of the chain from some point on, including truncation.

    Args:
        records: The case's recorded events, in the order they are stored.
        case_id: The case; default: that of the first record.
        anchor: The head the chain must end at (e.g. the store's or an export's).
        deep: Also decode every body and check it is a well-formed event in canonical
            form whose sequence number matches, starting with ``case_opened`` for this
            case (slower: parses every event).

    Returns:
        A :class:`Verification`; check :attr:`Verification.ok` or call
        :meth:`Verification.raise_if_broken`.
    """
    records = records if isinstance(records, Sequence) else tuple(records)
    first = records[0] if records else None
    if case_id is None:
        case_id = first.case_id if first is not None else (anchor.case_id if anchor else "")
    start = genesis(case_id)
    prev = bytes.fromhex(start)
    head = start
    count = 0
    broken: ChainBreak | None = None
    sha = _sha256
    if first is not None:
        for index, record in enumerate(records):
            expected = count + 1
            if record.seq != expected:
                broken = _seq_break(expected, record.seq, records, index)
                break
            if record.case_id != case_id:
                broken = ChainBreak(
                    expected, "wrong_case", f"event {expected} belongs to case {record.case_id!r}"
                )
                break
            digest = sha(prev + record.leaf).digest()
            hexed = digest.hex()
            if hexed != record.hash:
                broken = ChainBreak(
                    expected,
                    "hash_mismatch",
                    f"event {expected} does not match its hash: it was changed, or an event "
                    "before it was inserted, removed or moved",
                )
                break
            if deep and record.redacted_digest is None:
                broken = _deep_check(case_id, record)
                if broken is not None:
                    break
            prev = digest
            head = hexed
            count = expected
    if broken is None and anchor is not None:
        broken = _anchor_check(case_id, count, head, anchor)
    result = Verification(case_id, count, head, broken)
    if broken is not None:
        _log.warning(
            "chain_broken", case_id=case_id, seq=broken.seq, code=broken.code, verified=count
        )
    return result


def verify_case(store: EventStore, case_id: str, *, deep: bool = False) -> Verification:
    """Verify a stored case against the head the store keeps for it.

    Args:
        store: The store.
        case_id: The case.
        deep: See :func:`verify`.

    Returns:
        The :class:`Verification`; a case with events but no head gives code
        ``no_anchor``.

    Raises:
        CaseNotFound: the store has neither events nor a head for the case.
    """
    summary = store.summary(case_id)
    try:
        records = store.records(case_id)
    except CaseNotFound:
        if summary is None:
            raise
        records = ()
    if summary is None:
        result = verify(records, case_id=case_id, deep=deep)
        if result.ok:
            result = attrs.evolve(
                result,
                broken=ChainBreak(
                    None, "no_anchor", "the store keeps no head for this case (summary removed)"
                ),
            )
        return result
    anchor = ChainHead(case_id, summary.version, summary.head)
    return verify(records, case_id=case_id, anchor=anchor, deep=deep)


def _seq_break(
    expected: int, found: int, records: Sequence[RecordedEvent], index: int
) -> ChainBreak:
    if found < expected:
        return ChainBreak(
            expected, "duplicate", f"event {found} appears again where event {expected} belongs"
        )
    if any(record.seq == expected for record in records[index + 1 :]):
        return ChainBreak(
            expected,
            "out_of_order",
            f"event {found} appears where event {expected} belongs (events were reordered)",
        )
    missing = (
        f"event {expected} is" if found == expected + 1 else f"events {expected} to {found - 1} are"
    )
    return ChainBreak(expected, "missing", f"{missing} missing (the next one stored is {found})")


def _deep_check(case_id: str, record: RecordedEvent) -> ChainBreak | None:
    seq = record.seq
    try:
        event = record.event()
    except InvalidInput as error:
        return ChainBreak(seq, "malformed", f"event {seq} is not a well-formed event: {error}")
    if event.seq != seq:
        return ChainBreak(seq, "seq_mismatch", f"event {seq} says it is event {event.seq}")
    if seq == 1 and not (isinstance(event, ev.CaseOpened) and event.case_id == case_id):
        return ChainBreak(seq, "malformed", f"event 1 does not open case {case_id!r}")
    try:
        canonical = canonical_bytes(event)
    except InvalidInput as error:
        return ChainBreak(seq, "malformed", str(error))
    if canonical != record.body:
        return ChainBreak(seq, "not_canonical", f"event {seq} is not in canonical form")
    return None


def _anchor_check(case_id: str, count: int, head: str, anchor: ChainHead) -> ChainBreak | None:
    if anchor.case_id != case_id:
        return ChainBreak(None, "wrong_case", f"the anchor is for case {anchor.case_id!r}")
    if count < anchor.version:
        missing = (
            f"event {anchor.version} was"
            if count + 1 == anchor.version
            else f"events {count + 1} to {anchor.version} were"
        )
        return ChainBreak(
            count + 1,
            "truncated",
            f"the chain ends at event {count} but its anchor records {anchor.version} "
            f"events: {missing} removed",
        )
    if count > anchor.version:
        return ChainBreak(
            anchor.version + 1,
            "extra",
            f"the chain has {count} events but its anchor records {anchor.version}: events "
            "were added after the anchored head",
        )
    if head != anchor.head:
        return ChainBreak(
            count or None,
            "head_mismatch",
            f"the chain's last hash differs from its anchor's: events up to {count} were rewritten",
        )
    return None


# -- export and import -------------------------------------------------------------------


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
    return _write_section(anchor, ((record, None) for record in records), out)


def _write_section(
    anchor: ChainHead,
    lines: Iterable[tuple[RecordedEvent, Mapping[str, Any] | None]],
    out: IO[bytes],
) -> ChainHead:
    """Write a case's section: header, one line per event, trailer. An event given with
    a redacted entry is written as that entry plus the digest of its left-out bytes."""
    out.write(
        _json_line({"case_id": anchor.case_id, "format": EXPORT_FORMAT, "version": _EXPORT_VERSION})
    )
    for record, redacted in lines:
        prefix = b'{"seq":%d,"hash":"%s",' % (record.seq, record.hash.encode("ascii"))
        if redacted is None:
            out.write(prefix + b'"event":' + record.body + b"}\n")
        else:
            digest = _sha256(record.body).hexdigest().encode("ascii")
            out.write(prefix + b'"redacted_digest":"%s","event":' % digest)
            out.write(_json_line(redacted)[:-1] + b"}\n")
    out.write(
        _json_line(
            {"case_id": anchor.case_id, "count": anchor.version, "end": True, "head": anchor.head}
        )
    )
    return anchor


def export_view(case: Mediation, reader: str, out: IO[bytes]) -> ChainHead:
    """Export ``case`` as ``reader`` may see it (see :func:`view`), still verifiable.

    Events the reader sees in full are written as in :func:`export_case`. An event with
    something withheld is written as the reader's redacted entry (canonical JSON, withheld
    fields ``null`` and listed under ``"redacted"``) with the SHA-256 of the left-out
    canonical bytes in ``"redacted_digest"``, so the chain still verifies against the
    trailer. Such an export cannot be imported.

    Args:
        case: The case.
        reader: Id of a party, the mediator or a supervisor of the case.
        out: A binary stream.

    Returns:
        The anchor written (the case's head).

    Raises:
        NotAuthorized: the reader takes no part in the case.
    """
    seen = view(case, reader)
    records = record_events(case.case_id, case.events)
    anchor = ChainHead(case.case_id, len(records), records[-1].hash)
    lines = (
        (record, entry if "redacted" in entry else None)
        for record, entry in zip(records, seen.entries, strict=True)
    )
    _write_section(anchor, lines, out)
    _log.info("case_exported_for_reader", case_id=case.case_id, role=seen.role.value)
    return anchor


def export_store(
    store: EventStore,
    out: IO[bytes],
    case_ids: Iterable[str] | None = None,
    *,
    allow_broken: bool = False,
) -> tuple[ChainHead, ...]:
    """Export cases of a store as JSON Lines, verifying each chain first.

    Args:
        store: The store to read.
        out: A binary stream.
        case_ids: The cases to export; default: every case, in the store's listing order.
        allow_broken: Export a case even if its chain does not verify (the export then
            does not verify either); default: refuse.

    Returns:
        The anchors written, one per case.

    Raises:
        CaseNotFound: a requested case is not in the store.
        ChainBroken: a case's chain does not verify (unless ``allow_broken``).
    """
    ids = [summary.case_id for summary in store.cases()] if case_ids is None else list(case_ids)
    written: list[ChainHead] = []
    for case_id in ids:
        summary = store.summary(case_id)
        if summary is None:
            raise CaseNotFound(case_id)
        records = store.records(case_id)
        anchor = ChainHead(case_id, summary.version, summary.head)
        if not allow_broken:
            verify(records, case_id=case_id, anchor=anchor).raise_if_broken()
        written.append(export_case(records, anchor, out))
        _log.info("case_exported", case_id=case_id, version=anchor.version)
    return tuple(written)


def read_export(stream: IO[bytes]) -> tuple[ExportedCase, ...]:
    """Parse an export file (strictly: every byte is checked) without verifying chains.

    Args:
        stream: A binary stream positioned at the start of the file.

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
    for number, raw in enumerate(stream, start=1):
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


def _strict_json(line: bytes, number: int, case_id: str | None) -> dict[str, Any]:
    try:
        data = json.loads(line)
    except ValueError:
        data = None
    if not isinstance(data, dict) or _json_line(data) != line + b"\n":
        raise ChainBroken(
            case_id or "", None, "malformed", f"line {number} is not in the export format"
        )
    return data


def verify_export(stream: IO[bytes], *, deep: bool = True) -> tuple[Verification, ...]:
    """Verify every case of an export file against its own trailer.

    Args:
        stream: A binary stream positioned at the start of the file.
        deep: Also decode every event and check its canonical form (default: yes).

    Returns:
        One :class:`Verification` per case; a file that cannot be parsed gives a single
        failed verification with code ``malformed`` (or ``truncated`` for a missing
        trailer) whose message names the line.
    """
    try:
        cases = read_export(stream)
    except ChainBroken as error:
        return (Verification(error.case_id, 0, "", ChainBreak(None, error.code, str(error))),)
    return tuple(
        verify(case.records, case_id=case.case_id, anchor=case.anchor, deep=deep) for case in cases
    )


def import_export(stream: IO[bytes], store: EventStore) -> tuple[ChainHead, ...]:
    """Import an export file into ``store``, verifying every case first.

    Nothing is stored unless every case in the file verifies (deeply: every event is
    decoded and re-encoded). Each case is then appended as a new case in one atomic
    append, and the store's resulting head is checked against the file's.

    Args:
        stream: A binary stream positioned at the start of the file.
        store: The store to import into.

    Returns:
        The imported cases' anchors.

    Raises:
        ChainBroken: the file is malformed or a chain does not verify; nothing stored.
        ConcurrencyError: a case with the same id already exists in the store.
    """
    cases = read_export(stream)
    for case in cases:
        if any(record.redacted_digest is not None for record in case.records):
            raise ChainBroken(
                case.case_id,
                None,
                "redacted",
                f"the export of case {case.case_id!r} was made for one reader and leaves "
                "content out: it verifies, but cannot be imported",
            )
    decoded: list[tuple[ExportedCase, list[ev.Event]]] = []
    for case in cases:
        verify(case.records, case_id=case.case_id, anchor=case.anchor, deep=True).raise_if_broken()
        decoded.append((case, [record.event() for record in case.records]))
    heads: list[ChainHead] = []
    for case, events in decoded:
        stored = store.append(case.case_id, events, 0)
        head = stored[-1].hash if stored else genesis(case.case_id)
        if head != case.anchor.head:  # pragma: no cover - a store that re-encodes differently
            raise ChainBroken(
                case.case_id, None, "head_mismatch", "the store's chain differs from the file's"
            )
        heads.append(case.anchor)
        _log.info("case_imported", case_id=case.case_id, version=case.anchor.version)
    return tuple(heads)


# -- redacted views ----------------------------------------------------------------------


class ReaderRole(str, Enum):
    """What a reader is to a case, which decides what a view shows."""

    PARTY = "party"
    """Sees the joint session, its own caucus content, and others' notes only once shared."""
    MEDIATOR = "mediator"
    """Sees everything."""
    SUPERVISOR = "supervisor"
    """Sees the process; what was said only if the policy allows; never unshared caucus
    notes."""


_SPOKEN = ("text", "comment")
"""Fields that hold what someone said (in any event type, present or future): statements,
restatements and their review comments, common ground, differences, proposals, the
mediator's paraphrases and questions, caucus notes."""


@attrs.frozen
class CaseView:
    """What one reader may see of a case.

    Attributes:
        case_id: The case.
        reader: The reader's id.
        role: The reader's role in the case.
        entries: One dictionary per event, as :func:`mediation.events.to_dict` gives it,
            except that withheld fields are ``None`` and listed under ``"redacted"``.
    """

    case_id: str
    reader: str
    role: ReaderRole
    entries: tuple[Mapping[str, Any], ...]

    @property
    def redacted_count(self) -> int:
        """How many entries had something withheld."""
        return sum(1 for entry in self.entries if "redacted" in entry)


def view(case: Mediation, reader: str) -> CaseView:
    """The case as ``reader`` may see it.

    - a party sees the joint session, everything said in its own caucuses (and its own
      valuations), and another party's caucus notes only once that party allowed sharing
      — never another party's valuations;
    - the mediator sees everything;
    - a supervisor sees every process event (findings included), but not what was said
      (the ``text`` and ``comment`` fields of any event: statements, restatements,
      proposals, common ground, differences, the mediator's paraphrases) unless the
      case's policy sets ``supervisor_reads_text``, and never a caucus note that was not
      shared.

    An outside authority gets no view: see :func:`authority_report`.

    Args:
        case: The case.
        reader: Id of a party, the (current) mediator or a supervisor of the case.

    Returns:
        The redacted view.

    Raises:
        NotAuthorized: the reader takes no part in the case.
    """
    state = case.state
    if reader in state.parties:
        role = ReaderRole.PARTY
    elif reader == state.mediator.id:
        role = ReaderRole.MEDIATOR
    elif reader in state.supervisors:
        role = ReaderRole.SUPERVISOR
    else:
        raise NotAuthorized(
            f"{reader!r} takes no part in case {case.case_id!r}; an outside authority gets "
            "authority_report() only"
        )
    spoken_visible = role is not ReaderRole.SUPERVISOR or state.policy.supervisor_reads_text
    entries: list[Mapping[str, Any]] = []
    for event in case.events:
        entry = ev.to_dict(event)
        withheld: tuple[str, ...] = ()
        if role is ReaderRole.MEDIATOR:
            pass
        elif isinstance(event, ev.CaucusNoteRecorded):
            note = state.caucus_notes.get(event.note_id)
            own = note is not None and role is ReaderRole.PARTY and note.party == reader
            shared = note is not None and note.shared and spoken_visible
            if not (own or shared):
                withheld = ("text",)
        elif isinstance(event, ev.ValuationsGiven):
            # Confidential to the party that gave them, like its caucus notes.
            if not (role is ReaderRole.PARTY and event.actor == reader):
                withheld = ("valuations",)
        elif not spoken_visible:
            withheld = tuple(name for name in _SPOKEN if entry.get(name))
        if withheld:
            for name in withheld:
                entry[name] = None
            entry["redacted"] = list(withheld)
        entries.append(entry)
    return CaseView(case.case_id, reader, role, tuple(entries))


@attrs.frozen
class Attendee:
    """Someone who took part in a mediation.

    Attributes:
        id: Their id in the case.
        name: Their display name.
        role: ``"party"`` or ``"mediator"``.
    """

    id: str
    name: str
    role: str


@attrs.frozen
class AuthorityReport:
    """All an outside authority (a court, an agency) may be told (UMA §7(b)(1)).

    Attributes:
        case_id: The case.
        took_place: Whether a mediation session took place (the case left intake for its
            first joint stage).
        concluded: Whether the mediation has ended.
        settled: Whether a settlement was reached (``True`` for a full or partial
            settlement); ``None`` while the mediation has not ended.
        attended: The parties and mediators who took part (recorded at least one event).
    """

    case_id: str
    took_place: bool
    concluded: bool
    settled: bool | None
    attended: tuple[Attendee, ...]


def authority_report(case: Mediation) -> AuthorityReport:
    """What may be reported to an outside authority: whether the mediation took place,
    whether it settled, and who attended — nothing else (UMA §7).

    Args:
        case: The case.

    Returns:
        The report.
    """
    state = case.state
    initial = case.process.definition.initial
    names: dict[str, tuple[str, str]] = {
        party_id: (party.name, "party") for party_id, party in state.parties.items()
    }
    took_place = False
    acted: dict[str, None] = {}
    for event in case.events:
        if isinstance(event, ev.CaseOpened):
            names.setdefault(event.mediator.id, (event.mediator.name, "mediator"))
            continue
        if isinstance(event, ev.MediatorReassigned):
            names.setdefault(event.mediator.id, (event.mediator.name, "mediator"))
        if (
            isinstance(event, ev.StageChanged)
            and event.trigger == "advance"
            and event.source == initial
        ):
            took_place = True
        if event.actor in names:
            acted[event.actor] = None
    outcome = state.outcome
    settled = None if outcome is None else outcome in (Outcome.SETTLED, Outcome.PARTIALLY_SETTLED)
    attended = tuple(Attendee(who, *names[who]) for who in acted)
    return AuthorityReport(case.case_id, took_place, outcome is not None, settled, attended)


# -- read log ----------------------------------------------------------------------------


@attrs.frozen
class ReadRecord:
    """One read of a case through the library: who read which case, when, and how.

    Attributes:
        case_id: The case read.
        reader: Who read it (an id the host chooses: a user, a service).
        at: When (timezone-aware, from the repository's clock).
        access: What was read: ``"load"``, ``"view"``, ``"authority_report"``,
            ``"export"``, or a host-defined word.
        purpose: Why, in the reader's words (optional).
    """

    case_id: str
    reader: str
    at: datetime
    access: str
    purpose: str = ""
