"""The pure hash chain: canonical bytes, chaining, anchors and verification.

Every event of a case is stored as its *canonical bytes* (see :func:`canonical_bytes`)
together with a hash that chains it to the event before it::

    hash_0 = SHA-256("mediation-chain-v1:" + case_id)                  (the genesis value)
    hash_n = SHA-256(hash_{n-1} || SHA-256(canonical_bytes(event_n)))  (raw 32-byte digests)

so changing, removing, inserting or reordering any stored event changes every hash after
it. Because the chain commits to each body's digest, an export for one reader can leave
out what that reader may not see — carrying the digest instead — and still verify
(:func:`mediation.audit.views.export_view`). :func:`verify` recomputes the chain and says
where it breaks; an *anchor* (:class:`ChainHead`: the head hash and event count a store
keeps per case, or an export's trailer line, or a copy kept anywhere else) also makes
truncation detectable. ``docs/audit.md`` specifies the format precisely enough to verify
a chain without Python.

This module does no I/O and knows nothing of stores: it works on events and recorded
events given to it. Nothing read from stored data is ever imported or evaluated: bodies
are parsed as JSON and event types are looked up in :data:`mediation.events.EVENT_TYPES`.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

import attrs

from mediation import events as ev
from mediation._canonical import canonical_text
from mediation._logging import get_logger
from mediation.errors import ChainBroken, InvalidInput

__all__ = [
    "CHAIN_PREFIX",
    "ChainBreak",
    "ChainHead",
    "RecordedEvent",
    "Verification",
    "canonical_bytes",
    "chain_hash",
    "genesis",
    "record_events",
    "verify",
]

_log = get_logger("mediation.audit")

CHAIN_PREFIX = "mediation-chain-v1:"
"""Text hashed with the case id to give the chain's genesis value (see :func:`genesis`)."""

_HEX64 = re.compile(r"[0-9a-f]{64}")
_sha256 = hashlib.sha256


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
