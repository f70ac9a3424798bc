"""The pure hash chain: canonical bytes, salted commitments, chaining, anchors, verification.

Every event of a case is split into a *sealed body* and its *content*. The content is
every personal value of the event, each named by its *path* (see
:mod:`mediation.audit._personal`): the top-level content fields (:data:`CONTENT_FIELDS`:
statements, notes, comments, reasons, valuations, a finding's message) and personal data
nested deeper (a party's ``parties.0.name`` and ``parties.0.role``, ``mediator.name``,
relationship notes, issue titles). Each non-empty value is replaced in the sealed body,
where it stands, by a salted commitment::

    commitment = SHA-256("mediation-commit-v2" 0x00 path 0x00 salt || JSON text of value)

with a fresh 16-byte random salt per value (drawn from the injected ``salts`` source,
one draw per event). The sealed body is the canonical JSON of the event with those
values written as ``{"commitment":"<64 hex>"}``; the content is kept beside it as the
canonical JSON ``{"<path>":{"salt":"<32 hex>","value":<value>}}``. The chain hashes the
sealed bodies only::

    hash_0 = SHA-256("mediation-chain-v2:" + case_id)                 (the genesis value)
    hash_n = SHA-256(hash_{n-1} || SHA-256(sealed_body_n))            (raw 32-byte digests)

so changing, removing, inserting or reordering any stored event changes every hash after
it, and changing any content changes its commitment. Because a commitment is salted, a
reader who is shown the sealed body of an event withheld from them cannot test guesses
of its content; because the chain covers the sealed bodies only, content (and its salt)
can be *erased* — removed for good — and the chain still verifies, the erased fields
named. :func:`verify` recomputes the chain and every commitment and says where they
break; an *anchor* (:class:`ChainHead`) also makes truncation detectable. ``docs/audit.md``
specifies the construction precisely enough to verify a chain without Python.

This module does no I/O, reads no clock and draws no random numbers itself: the salts come
from the caller (a store passes :func:`secrets.token_bytes`). Nothing read from stored
data is ever imported or evaluated: bodies are parsed as JSON and event types are looked
up in :data:`mediation.events.EVENT_TYPES`.
"""

from __future__ import annotations

import hashlib
import json
import re
from binascii import hexlify, unhexlify
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any

import attrs

from mediation import events as ev
from mediation._canonical import canonical_text, json_text, sealed_writer
from mediation._logging import get_logger
from mediation.audit._personal import (
    CONTENT_FIELDS,
    MAPPING_FIELDS,
    NESTED_PATHS,
    erased_value,
    is_commitment,
    personal_slots,
)
from mediation.errors import ChainBroken, InvalidInput, NothingToErase

__all__ = [
    "CANONICAL_VERSION",
    "CHAIN_PREFIX",
    "CONTENT_FIELDS",
    "MAPPING_FIELDS",
    "SALT_BYTES",
    "ChainBreak",
    "ChainHead",
    "ErasedSpan",
    "RecordedEvent",
    "SaltSource",
    "Verification",
    "canonical_bytes",
    "canonical_text_checked",
    "chain_hash",
    "commitment",
    "decode_records",
    "decode_stored",
    "erase_fields",
    "genesis",
    "record_events",
    "reseal",
    "unseal",
    "verified_events",
    "verify",
    "verify_stored",
]

_log = get_logger("mediation.audit")

CANONICAL_VERSION = 3
"""Version of the sealed form (1: unsalted bodies, before commitments; 2: top-level
content fields committed, names and other nested personal data in the clear; 3: every
personal value committed on its own, nested ones included). The hash labels
(:data:`CHAIN_PREFIX`, ``mediation-commit-v2``) name the hash construction, which has
not changed since version 2."""

CHAIN_PREFIX = "mediation-chain-v2:"
"""Text hashed with the case id to give the chain's genesis value (see :func:`genesis`)."""

SALT_BYTES = 16
"""Length of each field's salt."""

SaltSource = Callable[[int], bytes]
"""Gives ``n`` random bytes when called with ``n`` (e.g. :func:`secrets.token_bytes`)."""

_COMMIT_PREFIX = b"mediation-commit-v2\x00"
_HEX64 = re.compile(r"[0-9a-f]{64}")
_sha256 = hashlib.sha256
_CONTENT_OF: dict[type[ev.Event], tuple[str, ...]] = {
    cls: tuple(sorted(f.name for f in attrs.fields(cls) if f.name in CONTENT_FIELDS))
    for cls in ev.EVENT_TYPES.values()
    if cls.type_name not in NESTED_PATHS
}
"""The top-level content fields of each event type without nested personal data (sealed
without walking the JSON form); the others are sealed path by path."""
_SEALED_WRITERS = {
    cls: writer
    for cls, fields in _CONTENT_OF.items()
    if (writer := sealed_writer(cls, frozenset(fields))) is not None
}
"""The generated writers of sealed bodies (see :func:`mediation._canonical.sealed_writer`)."""


def canonical_bytes(event: ev.Event) -> bytes:
    """The canonical bytes of ``event`` in full (content included, nothing sealed).

    They are the UTF-8 encoding of the JSON text of :func:`mediation.events.to_dict`,
    with object keys sorted by code point, no whitespace (separators ``,`` and ``:``),
    non-ASCII characters written as themselves (``ensure_ascii=False``), and numbers as
    Python writes them (integers in decimal; floats in the shortest form that reads back
    exactly, always with a ``.`` or an exponent, e.g. ``240.0``). The sealed body the chain
    hashes is this text with content fields replaced by commitments.

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


def commitment(field: str, salt: bytes, value_json: str) -> str:
    """The salted commitment to one content field.

    Args:
        field: The field's name.
        salt: Its salt (:data:`SALT_BYTES` random bytes).
        value_json: The canonical JSON text of its value.

    Returns:
        ``SHA-256("mediation-commit-v2" 0x00 field 0x00 salt || value_json)`` as 64
        lowercase hex digits.
    """
    return _sha256(
        _COMMIT_PREFIX + field.encode("utf-8") + b"\x00" + salt + value_json.encode("utf-8")
    ).hexdigest()


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
        body: The event's sealed body.

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
    """One stored event: its place in the chain, its sealed body, its content and hash.

    The time, actor, stage and type are carried inside :attr:`body` (the sealed body, in
    the clear) and read from it by the properties of the same names, so the hash covers
    them.

    Attributes:
        case_id: The case it belongs to.
        seq: Its position in the case, from 1.
        hash: ``SHA-256(previous hash || SHA-256(body))`` as 64 lowercase hex digits.
        body: The sealed body: canonical JSON with content fields as commitments.
        content: The canonical JSON of the content still held, ``{"<field>":{"salt":
            "<hex>","value":<value>}}``; ``None`` when the event has none (or all of it
            was erased or withheld).
        withheld: Content fields left out of a reader's export (their commitment is in
            the body; they were not erased).
    """

    case_id: str
    seq: int
    hash: str
    body: bytes
    content: bytes | None = None
    withheld: tuple[str, ...] = ()

    @property
    def leaf(self) -> bytes:
        """The digest the chain commits to: SHA-256 of the sealed body."""
        return _sha256(self.body).digest()

    def envelope(self) -> dict[str, Any]:
        """The sealed body parsed as JSON (a plain dictionary, nothing instantiated).

        Raises:
            InvalidInput: the body is not a JSON object.
        """
        return _json_object(self.body, self.seq, self.case_id)

    def contents(self) -> dict[str, tuple[bytes, Any]]:
        """The content held: field name → (salt, value).

        Raises:
            InvalidInput: the content is not in the documented form.
        """
        if self.content is None:
            return {}
        data = _json_object(self.content, self.seq, self.case_id)
        found: dict[str, tuple[bytes, Any]] = {}
        for field, entry in data.items():
            if (
                not isinstance(entry, dict)
                or set(entry) != {"salt", "value"}
                or not isinstance(entry["salt"], str)
            ):
                raise InvalidInput(f"event {self.seq}: content of {field!r} is malformed")
            try:
                salt = bytes.fromhex(entry["salt"])
            except ValueError:
                raise InvalidInput(f"event {self.seq}: salt of {field!r} is not hex") from None
            found[field] = (salt, entry["value"])
        return found

    def committed(self) -> dict[str, str]:
        """The personal values the sealed body commits to: path → commitment.

        A path is a top-level content field's name (``"text"``) or the keys and list
        indices to a nested value joined with ``.`` (``"parties.0.name"``).
        """
        return {
            path: container[key]["commitment"]
            for path, container, key in personal_slots(self.envelope())
            if is_commitment(container[key])
        }

    def missing(self) -> tuple[str, ...]:
        """Committed paths whose content is not held here (erased, or withheld)."""
        held = self.contents()
        return tuple(field for field in self.committed() if field not in held)

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
        """Decode the event: the sealed body with its content put back.

        A value whose content is not held (erased or withheld) reads as empty (``""``,
        ``{}`` for valuations and answers, :data:`~mediation.model.ERASED_TEXT` for a
        nested name or title).

        Raises:
            InvalidInput: the body or content is not well-formed.
        """
        data = self.envelope()
        held = self.contents()
        for path, container, key in personal_slots(data):
            if is_commitment(container[key]):
                container[key] = held[path][1] if path in held else erased_value(path)
        return ev.from_dict(data)

    def check_content(self) -> ChainBreak | None:
        """Check every content field held against its commitment in the body.

        Returns:
            ``None`` when all match, else the break (code ``content_mismatch`` or
            ``malformed``).
        """
        return _check_content(self)[1]


def _check_content(record: RecordedEvent) -> tuple[int, ChainBreak | None]:
    """(how many content fields are held, the first that does not match its commitment)."""
    content = record.content
    if content is None:
        return 0, None
    body = record.body
    single = _ONE_FIELD.match(content)
    if single is not None and content.endswith(b"}}"):
        # The common case, one field, without parsing JSON: were there more fields, the
        # bytes taken as its value would match no commitment, and the general way below
        # decides.
        field = single.group(1)
        salt = bytes.fromhex(single.group(2).decode("ascii"))
        value = content[single.end() : -2]
        digest = _sha256(_COMMIT_PREFIX + field + b"\x00" + salt + value).hexdigest()
        if b'"%s":{"commitment":"%s"}' % (field, digest.encode("ascii")) in body:
            return 1, None
    try:
        pairs = [
            (field.encode("utf-8"), salt, json_text(value).encode("utf-8"))
            for field, (salt, value) in record.contents().items()
        ]
        nested = record.committed() if any(b"." in field for field, _, _ in pairs) else {}
    except (InvalidInput, ValueError) as error:
        return 0, ChainBreak(record.seq, "malformed", str(error))
    for field, salt, value in pairs:
        digest = _sha256(_COMMIT_PREFIX + field + b"\x00" + salt + value).hexdigest()
        if b"." in field:  # a nested path: its commitment is found where the path leads
            matches = nested.get(field.decode("utf-8")) == digest
        else:
            matches = b'"%s":{"commitment":"%s"}' % (field, digest.encode("ascii")) in body
        if not matches:
            return len(pairs), ChainBreak(
                record.seq,
                "content_mismatch",
                f"the {field.decode()} of event {record.seq} does not match its commitment: "
                "it was changed",
            )
    return len(pairs), None


_ONE_FIELD = re.compile(rb'\{"([a-z]+)":\{"salt":"([0-9a-f]{32})","value":')
"""The start of the content of one field: checked without parsing JSON."""


def _json_object(raw: bytes, seq: int, case_id: str) -> dict[str, Any]:
    try:
        data = json.loads(raw)
    except ValueError as error:
        raise InvalidInput(f"event {seq} of {case_id!r} is not JSON") from error
    if not isinstance(data, dict):
        raise InvalidInput(f"event {seq} of {case_id!r} is not a JSON object")
    return data


def _seal(
    event: ev.Event, salt_for: Callable[[int], bytes] | Mapping[str, bytes]
) -> tuple[bytes, bytes | None]:
    """(sealed body, content) of ``event``; salts drawn from a source or given per field.

    Written in one pass by the class's generated writer when it has one (its top-level
    content fields are text, the rest plain values); else, or when a value is not of its
    declared type, the general way (:func:`_seal_in_json_form`). The two write the same
    bytes (a property test compares them on every event type).
    """
    writer = _SEALED_WRITERS.get(type(event))
    if writer is None:
        return _seal_in_json_form(event, salt_for)
    content: list[str] = []
    keep = content.append
    salts: list[bytes] = []

    def seal(field: str, value_json: str) -> str:
        # Called in key order, the order of the fields in _CONTENT_OF (both sorted); the
        # salts are drawn at the first call, once the writer has checked every value.
        if not content:
            fields = _CONTENT_OF[type(event)]
            salts[:] = _salts([name for name in fields if getattr(event, name)], salt_for)
        salt = salts[len(content)]
        digest = _sha256(
            _COMMIT_PREFIX + field.encode("utf-8") + b"\x00" + salt + value_json.encode("utf-8")
        ).hexdigest()
        keep(f'"{field}":{{"salt":"{salt.hex()}","value":{value_json}}}')
        return f'{{"commitment":"{digest}"}}'

    try:
        text = writer(event, seal)
        if text is None:
            return _seal_in_json_form(event, salt_for)
        body = text.encode("utf-8")
        held = ("{" + ",".join(content) + "}").encode("utf-8") if content else None
    except UnicodeEncodeError as error:
        raise InvalidInput(
            f"event {event.seq} ({event.type_name}) cannot be stored: {error}"
        ) from error
    return body, held


def _salts(present: Sequence[str], salt_for: SaltSource | Mapping[str, bytes]) -> list[bytes]:
    """One salt per path of ``present``: drawn in one call of a source, or looked up."""
    if not present:
        return []
    if isinstance(salt_for, Mapping):
        return [salt_for[field] for field in present]
    count = len(present)
    drawn = salt_for(SALT_BYTES * count)
    if not isinstance(drawn, bytes) or len(drawn) != SALT_BYTES * count:
        raise InvalidInput("the salt source must give the number of random bytes asked for")
    if count == 1:
        return [drawn]
    return [drawn[i * SALT_BYTES : (i + 1) * SALT_BYTES] for i in range(count)]


def _seal_in_json_form(
    event: ev.Event, salt_for: Callable[[int], bytes] | Mapping[str, bytes]
) -> tuple[bytes, bytes | None]:
    """:func:`_seal` the general way: every non-empty personal value, path by path, in
    the event's JSON form, which is then written canonically."""
    data = ev.to_dict(event)  # the canonical text is this, written (see _canonical)
    places = [place for place in personal_slots(data) if place[1][place[2]]]
    if not places:
        return _encoded(event, data), None
    present = [path for path, _, _ in places]
    salts = _salts(present, salt_for)
    content: dict[str, Any] = {}
    for (field, container, key), salt in zip(places, salts, strict=True):
        value = container[key]
        content[field] = {"salt": salt.hex(), "value": value}
        value_json = _encoded(event, value).decode("utf-8")
        container[key] = {"commitment": commitment(field, salt, value_json)}
    return _encoded(event, data), _encoded(event, content)


def _encoded(event: ev.Event, value: Any) -> bytes:
    """The canonical JSON of ``value`` (part of ``event``) as UTF-8.

    Raises:
        InvalidInput: see :func:`canonical_bytes`.
    """
    try:
        return json_text(value).encode("utf-8")
    except (UnicodeEncodeError, ValueError) as error:
        raise InvalidInput(
            f"event {event.seq} ({event.type_name}) cannot be stored: {error}"
        ) from error


def canonical_text_checked(event: ev.Event) -> str:
    """The canonical text of ``event``, checked to be encodable as UTF-8.

    Raises:
        InvalidInput: see :func:`canonical_bytes`.
    """
    try:
        text = canonical_text(event)
        text.encode("utf-8")
    except (UnicodeEncodeError, ValueError) as error:
        raise InvalidInput(
            f"event {event.seq} ({event.type_name}) cannot be stored: {error}"
        ) from error
    return text


def record_events(
    case_id: str,
    events: Iterable[ev.Event],
    previous: str | None = None,
    *,
    salts: SaltSource,
) -> tuple[RecordedEvent, ...]:
    """Seal and chain ``events`` after ``previous``: what a store does on append.

    Args:
        case_id: The case the events belong to.
        events: The events, in order.
        previous: Hash of the event before the first one; the genesis value of
            ``case_id`` when omitted (the events start the case).
        salts: Where the random salts come from (a store passes
            :func:`secrets.token_bytes`; never a seeded generator outside tests).

    Returns:
        One :class:`RecordedEvent` per event.

    Raises:
        InvalidInput: an event cannot be encoded (see :func:`canonical_bytes`), or the
            salt source gave the wrong number of bytes.
    """
    head = bytes.fromhex(genesis(case_id) if previous is None else previous)
    recorded: list[RecordedEvent] = []
    sha = _sha256
    for event in events:
        body, content = _seal(event, salts)
        digest = sha(head + sha(body).digest()).digest()
        recorded.append(RecordedEvent(case_id, event.seq, digest.hex(), body, content))
        head = digest
    return tuple(recorded)


def decode_records(records: Iterable[RecordedEvent]) -> list[ev.Event]:
    """The events of ``records``, content put back (erased or withheld fields empty).

    Raises:
        InvalidInput: a record is not a well-formed event.
    """
    return decode_stored((record.body, record.content) for record in records)


def decode_stored(stored: Iterable[tuple[bytes, bytes | None]]) -> list[ev.Event]:
    """The events of stored ``(sealed body, content)`` pairs, content put back (erased or
    withheld fields empty); what a store's load does with its rows.

    Args:
        stored: Each event's sealed body and content (``None`` when it holds none), in
            order.

    Returns:
        The events.

    Raises:
        InvalidInput: a pair is not a well-formed event.
    """
    decode = _decoder.decode
    from_dict = ev.from_dict
    one_field = _ONE_FIELD_HELD
    names = _FIELD_NAMES
    mark = _MARK
    found: list[ev.Event] = []
    append = found.append
    try:
        for body, content in stored:
            # Canonical bodies are strict UTF-8: decoding them here is cheaper than
            # letting json detect the encoding of every row.
            data = decode(str(body, "utf-8"))
            if content is None:
                if mark in body:
                    _put_back(data, {})
                append(from_dict(data))
                continue
            single = one_field(content)
            if single is not None and body.count(mark) == 1:
                # The common case: one field held, the body's one commitment; only the
                # value is parsed (were there more fields, it would not parse alone).
                name, value = single.groups()
                field = names.get(name)
                committed = data.get(field) if field is not None else None
                if type(committed) is dict and "commitment" in committed:
                    try:
                        data[field] = decode(str(value, "utf-8"))
                    except ValueError:
                        pass
                    else:
                        append(from_dict(data))
                        continue
            _put_back(data, decode(str(content, "utf-8")))
            append(from_dict(data))
    except (UnicodeDecodeError, ValueError, TypeError, KeyError, AttributeError) as error:
        raise InvalidInput(f"a stored event is not well-formed: {error!r}") from error
    return found


_ONE_FIELD_HELD = re.compile(
    rb'\{"([a-z]+)":\{"salt":"[0-9a-f]{32}","value":(.*)\}\}', re.DOTALL
).fullmatch
"""The content of one field: its name and its value's JSON text."""
_FIELD_NAMES = {field.encode("ascii"): field for field in CONTENT_FIELDS}


def _put_back(data: dict[str, Any], held: dict[str, Any]) -> None:
    """Put each held value in place of its commitment; a placeholder for the committed
    values not held (erased or withheld)."""
    for path, container, key in personal_slots(data):
        if is_commitment(container[key]):
            entry = held.get(path)
            container[key] = entry["value"] if entry is not None else erased_value(path)


def unseal(sealed: dict[str, Any], held: Mapping[str, Any]) -> ev.Event:
    """The event of a parsed sealed body and its parsed content (what a store's stream
    does with a row); committed values not held read as placeholders.

    Args:
        sealed: The sealed body parsed as JSON (changed in place).
        held: The content parsed as JSON (``{}`` when the row holds none).

    Returns:
        The event.

    Raises:
        InvalidInput: not a well-formed event.
    """
    try:
        _put_back(sealed, dict(held))
    except (TypeError, KeyError, AttributeError) as error:
        raise InvalidInput(f"a stored event is not well-formed: {error!r}") from error
    return ev.from_dict(sealed)


_decoder = json.JSONDecoder()
_MARK = b'{"commitment":'


def erase_fields(record: RecordedEvent, fields: Iterable[str]) -> RecordedEvent:
    """``record`` without the content (value and salt) of ``fields``: its hash unchanged.

    Args:
        record: A recorded event.
        fields: Content fields it holds.

    Returns:
        The record with those fields' content removed (the commitments stay in its body).

    Raises:
        NothingToErase: a field is not held (already erased, empty, or not content).
    """
    held = record.contents()
    names = tuple(dict.fromkeys(fields))
    absent = [field for field in names if field not in held]
    if absent or not names:
        raise NothingToErase(
            f"event {record.seq} of {record.case_id!r} holds no content in {absent or 'no field'}"
            " to erase (already erased, empty, or not a content field)"
        )
    left = {
        field: {"salt": salt.hex(), "value": value}
        for field, (salt, value) in held.items()
        if field not in names
    }
    return attrs.evolve(record, content=json_text(left).encode("utf-8") if left else None)


def reseal(record: RecordedEvent, event: ev.Event) -> RecordedEvent:
    """``record`` with its content replaced by ``event``'s, under the same salts and hash.

    Used to check canonical form and by tests that tamper with stored content.

    Args:
        record: A recorded event holding all of its content.
        event: The event to write in its place.

    Returns:
        The resealed record (its hash unchanged: it verifies only if nothing changed).

    Raises:
        InvalidInput: the record does not hold the content of a field ``event`` has.
    """
    salts = {field: salt for field, (salt, _) in record.contents().items()}
    missing = [
        path
        for path, container, key in personal_slots(ev.to_dict(event))
        if container[key] and path not in salts
    ]
    if missing:
        raise InvalidInput(f"event {record.seq} holds no salt for {missing}")
    body, content = _seal(event, salts)
    return attrs.evolve(record, body=body, content=content)


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
            ``seq_mismatch``, ``content_mismatch`` (content differs from its commitment),
            ``content_missing`` (content removed without an erasure event),
            ``summary_mismatch`` (a store's summary columns differ from the fold).
        message: A sentence in plain words.
    """

    seq: int | None
    code: str
    message: str


@attrs.frozen
class ErasedSpan:
    """Content erased from one event, and the erasure event that says so.

    Attributes:
        seq: The event whose content was erased.
        fields: The erased fields.
        erasure_seq: The ``content_erased`` event that recorded the erasure.
        at: When it was erased.
        by: Who erased it.
        grounds: Under what (a retention rule, a request).
    """

    seq: int
    fields: tuple[str, ...]
    erasure_seq: int
    at: datetime
    by: str
    grounds: str

    def __str__(self) -> str:
        return (
            f"event {self.seq} ({', '.join(self.fields)}) erased at {self.at.isoformat()} "
            f"by {self.by} under {self.grounds!r} (event {self.erasure_seq})"
        )


@attrs.frozen
class Verification:
    """The result of :func:`verify`.

    Attributes:
        case_id: The case verified.
        count: How many events verified before the break (all of them when intact).
        head: Hash of the last event that verified (the genesis value when none did).
        broken: The first break found, or ``None`` when the chain is intact.
        erased: The content erased from the chain (it still verifies), each span with the
            erasure event that recorded it.
        withheld: ``(seq, fields)`` left out of a reader's export (committed, not erased).
    """

    case_id: str
    count: int
    head: str
    broken: ChainBreak | None = None
    erased: tuple[ErasedSpan, ...] = ()
    withheld: tuple[tuple[int, tuple[str, ...]], ...] = ()

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


_ERASURE_MARK = b'"type":"content_erased"'
_COMMITTED = b'{"commitment":"'


def verify(
    records: Iterable[RecordedEvent],
    *,
    case_id: str | None = None,
    anchor: ChainHead | None = None,
    deep: bool = False,
    anchor_is_earlier: bool = False,
) -> Verification:
    """Recompute a case's hash chain and commitments and report the first place they break.

    Detected: any changed byte of a sealed body, content or hash; a removed, inserted,
    duplicated or reordered event; events of another case; content removed without a
    ``content_erased`` event that names it; and, given an ``anchor``, events removed
    from (or added to) the end, or a chain that does not pass through the anchored head.
    Not detected without an anchor kept out of reach (see :mod:`mediation.audit.signing`):
    a consistent rewrite of the chain from some point on, including truncation.

    Args:
        records: The case's recorded events, in the order they are stored.
        case_id: The case; default: that of the first record.
        anchor: A head the chain must pass through: the chain's last hash when the
            anchor's count is the chain's length (a store's own head, an export's
            trailer), or its hash at that sequence number for an older signed head.
        deep: Also decode every event and check it is well-formed and in canonical
            form, with a sequence number that matches, starting with ``case_opened``
            for this case (slower: parses every event).
        anchor_is_earlier: The anchor may be an earlier head (a signed head taken before
            later appends): events after it are then not ``extra``.

    Returns:
        A :class:`Verification`; check :attr:`Verification.ok` or call
        :meth:`Verification.raise_if_broken`.
    """
    records = records if isinstance(records, Sequence) else tuple(records)
    first = records[0] if records else None
    if case_id is None:
        case_id = first.case_id if first is not None else (anchor.case_id if anchor else "")
    if not deep:
        rows = _plain_rows(records, case_id)
        erased = _verified_common(case_id, rows) if rows is not None else None
        if rows is not None and erased is not None:
            return _intact_result(case_id, rows, anchor, anchor_is_earlier, erased)
    return _verify_each(records, case_id, anchor, deep, anchor_is_earlier)


def _plain_rows(
    records: Sequence[RecordedEvent], case_id: str
) -> list[tuple[int, str, bytes, bytes | None]] | None:
    """``records`` as stored rows, or None when one belongs to another case or withholds
    content (left to the record-by-record check, which names them)."""
    rows = [
        (record.seq, record.hash, record.body, record.content)
        for record in records
        if record.case_id == case_id and not record.withheld
    ]
    return rows if len(rows) == len(records) else None


def verify_stored(
    case_id: str,
    rows: Sequence[tuple[int, str, bytes, bytes | None]],
    *,
    anchor: ChainHead | None = None,
    anchor_is_earlier: bool = False,
) -> tuple[Verification, list[ev.Event]]:
    """Verify a case's stored rows and, when they verify, decode them: a verified load.

    The same checks as :func:`verify` (not ``deep``), on the rows as a store holds them,
    in the same pass that decodes them (as :func:`decode_stored` does), so what is
    returned is what was verified and each row is parsed once. The common row (no
    content, or one content field and its one commitment) is checked inline: the chain
    hash from the stored body, and the commitment from the exact bytes of the stored
    value; at the first row of any other form (a break, erased or withheld content,
    several fields) the rows are verified record by record instead, which names the
    break and the erased spans.

    Args:
        case_id: The case the rows belong to.
        rows: ``(seq, hash, sealed body, content)`` per stored event, in stored order.
        anchor: A head the chain must pass through (see :func:`verify`).
        anchor_is_earlier: The anchor may be an earlier head (see :func:`verify`).

    Returns:
        The verification, and the events (none when it is broken).

    Raises:
        InvalidInput: the rows verify but an event is not well-formed.
    """
    events: list[ev.Event] = []
    erased = _verified_common(case_id, rows, events)
    if erased is not None:
        result = _intact_result(case_id, rows, anchor, anchor_is_earlier, erased)
        return result, (events if result.ok else [])
    records = [
        RecordedEvent(case_id, seq, hash_, body, content) for seq, hash_, body, content in rows
    ]
    result = _verify_each(records, case_id, anchor, False, anchor_is_earlier)
    return result, (decode_records(records) if result.ok else [])


def _verified_common(
    case_id: str,
    rows: Sequence[tuple[int, str, bytes, bytes | None]],
    events: list[ev.Event] | None = None,
) -> tuple[ErasedSpan, ...] | None:
    """The erased spans of ``rows`` if they verify in one pass, else None: the fast path.

    :func:`_one_pass` over the rows, then every stored hash compared with the recomputed
    one, all at once. None at the first break or at anything unexpected: the caller
    then verifies record by record, which names the break. Accepting only what
    :func:`_verify_each` accepts, it reaches the same verdict or none.

    Args:
        case_id: The case.
        rows: ``(seq, hash, sealed body, content)`` per stored event, in stored order.
        events: When given, each row is also decoded into it as :func:`decode_stored`
            decodes it (a verified load: the bodies are parsed in the same pass).
    """
    if not rows:
        return None
    links: list[bytes] = []
    passed = _one_pass(case_id, rows, events, links)
    if passed is None or b"".join(links).hex() != "".join([row[1] for row in rows]):
        return None
    return passed[1]


def _one_pass(
    case_id: str,
    rows: Sequence[tuple[Any, ...]],
    events: list[ev.Event] | None,
    links: list[bytes],
) -> tuple[bytes, tuple[ErasedSpan, ...]] | None:
    """The chain's last hash (raw) and the erased spans of ``rows``, if every row is in
    place and holds what its body commits to; else None.

    The chain is hashed from the stored bodies (each link put in ``links``); the caller
    decides what the hashes are compared with: every stored hash (``verify``)
    or the store's head (a verified load). A row of the common form either holds no
    content and its body no commitment, or holds exactly ``{"<field>":{"salt":"<32
    hex>","value":<value>}}`` and its body exactly one commitment,
    ``"<field>":{"commitment":"<hex>"}``, equal to the salted commitment of those value
    bytes; it is checked from the stored bytes, without parsing them, as
    :func:`_check_content` checks it. Any other row (erased content, several fields) is
    checked as :func:`_verify_each` checks it. None at anything unexpected.

    Args:
        case_id: The case.
        rows: ``(seq, sealed body, content)`` or ``(seq, hash, sealed body, content)``
            per stored event, in stored order (a stored hash is not read here).
        events: When given, each row is also decoded into it as :func:`decode_stored`
            decodes it.
        links: Receives the hash of each row, in order (raw digests).
    """
    decode = _decoder.decode
    from_dict = ev.from_dict
    append = events.append if events is not None else None
    keep = links.append
    sha = _sha256
    unhex = unhexlify
    one_field = _ONE_FIELD_SALTED
    forms = _FIELD_FORMS
    mark = _MARK
    prev = bytes.fromhex(genesis(case_id))
    gaps: list[tuple[int, tuple[str, ...]]] = []
    try:
        for expected, row in enumerate(rows, 1):
            seq: int = row[0]
            body: bytes = row[-2]
            content: bytes | None = row[-1]
            prev = sha(prev + sha(body).digest()).digest()
            keep(prev)
            if seq != expected:
                return None
            if content is not None:
                single = one_field(content)
                if single is not None and body.count(mark) == 1:
                    # One field held and one commitment in the body: is the body's
                    # commitment that field's, to exactly these salt and value bytes?
                    name, salt, value = single.groups()
                    field, committing, needle = forms[name]
                    digest = sha(committing + unhex(salt) + value).digest()
                    at = body.find(needle) + len(needle)
                    if at < len(needle) or body[at : at + 66] != hexlify(digest) + b'"}':
                        return None
                    if append is not None:
                        data = decode(str(body, "utf-8"))
                        committed = data[field]
                        if type(committed) is not dict or "commitment" not in committed:
                            return None  # not what decode_stored decodes this way
                        data[field] = decode(str(value, "utf-8"))
                        append(from_dict(data))
                    continue
            elif mark not in body:
                if append is not None:
                    append(from_dict(decode(str(body, "utf-8"))))
                continue
            # Content erased, or several fields: checked as one record at a time does.
            broken, missing = _content_missing(RecordedEvent(case_id, seq, "", body, content))
            if broken is not None:
                return None
            if missing:
                gaps.append((seq, missing))
            if append is not None:
                data = decode(str(body, "utf-8"))
                _put_back(data, decode(str(content, "utf-8")) if content is not None else {})
                append(from_dict(data))
    except (UnicodeDecodeError, ValueError, TypeError, KeyError, AttributeError):
        return None  # binascii.Error and InvalidInput are ValueErrors
    if not gaps:
        return prev, ()
    erasures = [
        RecordedEvent(case_id, row[0], "", row[-2], row[-1])
        for row in rows
        if _ERASURE_MARK in row[-2]
    ]
    erased, broken = _match_erasures(gaps, erasures)
    return (prev, erased) if broken is None else None


def verified_events(
    case_id: str, rows: Sequence[tuple[int, bytes, bytes | None]], head: ChainHead
) -> list[ev.Event] | None:
    """The events of a case's stored rows if they are exactly the events ``head``
    commits to, else None: how a store's case is loaded verified.

    The chain is hashed from the stored bodies and its last hash compared with ``head``
    (the store's own head, kept with the case); every held content is checked against
    its commitment and every erased one matched with the erasure event that names it,
    as :func:`verify` does. A match proves the bodies are the ones the head commits to,
    so the hashes stored with each row are not needed (nor read): they are what
    :func:`verify` checks, link by link. None means the rows are not those events, or
    not of the form this pass takes (or the head is not at the last row): verify them
    with their stored hashes (:func:`verify_stored`), which names the first break.

    Args:
        case_id: The case.
        rows: ``(seq, sealed body, content)`` per stored event, in order of ``seq``.
        head: The head the store keeps for the case.

    Returns:
        The events, decoded as :func:`decode_stored` decodes them; or None.
    """
    if not rows or head.case_id != case_id or head.version != len(rows):
        return None
    events: list[ev.Event] = []
    passed = _one_pass(case_id, rows, events, [])
    if passed is None or passed[0].hex() != head.head:
        return None
    return events


_ONE_FIELD_SALTED = re.compile(
    rb'\{"([a-z]+)":\{"salt":"([0-9a-f]{32})","value":(.*)\}\}', re.DOTALL
).fullmatch
"""The content of one field: its name, salt and value's JSON text."""
_FIELD_FORMS = {
    name: (field, _COMMIT_PREFIX + name + b"\x00", b'"%s":{"commitment":"' % name)
    for name, field in _FIELD_NAMES.items()
}
"""For each content field's name as bytes: its name as text, the start of what its
commitment hashes, and its commitment as a sealed body writes it, up to the digest."""


def _intact_result(
    case_id: str,
    rows: Sequence[tuple[int, str, bytes, bytes | None]],
    anchor: ChainHead | None,
    anchor_is_earlier: bool,
    erased: tuple[ErasedSpan, ...] = (),
) -> Verification:
    """The verification of rows that verified in one pass: checked against the anchor."""
    count = len(rows)
    head = rows[-1][1]
    broken = None
    if anchor is not None:
        at_anchor = rows[anchor.version - 1][1] if 1 <= anchor.version <= count else head
        broken = _anchor_check(case_id, count, at_anchor, anchor, allow_longer=anchor_is_earlier)
    result = Verification(case_id, count, head, broken, erased)
    if broken is not None:
        _log.warning(
            "chain_broken", case_id=case_id, seq=broken.seq, code=broken.code, verified=count
        )
    return result


def _verify_each(
    records: Sequence[RecordedEvent],
    case_id: str,
    anchor: ChainHead | None,
    deep: bool,
    anchor_is_earlier: bool,
) -> Verification:
    """:func:`verify` one record at a time: names the first break and any erased span."""
    first = records[0] if records else None
    start = genesis(case_id)
    prev = bytes.fromhex(start)
    head = start
    count = 0
    broken: ChainBreak | None = None
    sha = _sha256
    at_anchor: str | None = None
    anchored = anchor.version if anchor is not None else -1
    gaps: list[tuple[int, tuple[str, ...]]] = []
    withheld: list[tuple[int, tuple[str, ...]]] = []
    committed_mark = _COMMITTED
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
            body = record.body
            digest = sha(prev + sha(body).digest()).digest()
            hexed = digest.hex()
            if hexed != record.hash:
                broken = ChainBreak(
                    expected,
                    "hash_mismatch",
                    f"event {expected} does not match its hash: it was changed, or an event "
                    "before it was inserted, removed or moved",
                )
                break
            content = record.content
            if content is not None or committed_mark in body:
                broken, missing = _content_missing(record)
                if broken is not None:
                    break
                if missing:
                    if record.withheld:
                        kept_back = tuple(f for f in missing if f in record.withheld)
                        if kept_back:
                            withheld.append((expected, kept_back))
                        missing = tuple(f for f in missing if f not in record.withheld)
                    if missing:
                        gaps.append((expected, missing))
            if deep:
                broken = _deep_check(case_id, record)
                if broken is not None:
                    break
            prev = digest
            head = hexed
            count = expected
            if expected == anchored:
                at_anchor = hexed
    erasures = (
        [record for record in records[:count] if _ERASURE_MARK in record.body] if gaps else []
    )
    erased: tuple[ErasedSpan, ...] = ()
    if broken is None:
        erased, broken = _match_erasures(gaps, erasures)
    if broken is None and anchor is not None:
        broken = _anchor_check(
            case_id,
            count,
            head if at_anchor is None else at_anchor,
            anchor,
            allow_longer=anchor_is_earlier,
        )
    result = Verification(case_id, count, head, broken, erased, tuple(withheld))
    if broken is not None:
        _log.warning(
            "chain_broken", case_id=case_id, seq=broken.seq, code=broken.code, verified=count
        )
    return result


def _content_missing(record: RecordedEvent) -> tuple[ChainBreak | None, tuple[str, ...]]:
    """Check the content ``record`` holds against its commitments: (the break, or None;
    the committed fields whose content is not held — erased, or withheld)."""
    seq = record.seq
    held, broken = _check_content(record)
    if broken is not None or held == record.body.count(_COMMITTED):
        return broken, ()
    try:  # some content is not here: which?
        missing = record.missing()
    except InvalidInput as error:
        return ChainBreak(seq, "malformed", str(error)), ()
    if not missing and held:
        return ChainBreak(seq, "malformed", f"event {seq} holds content it does not commit to"), ()
    return None, missing


def _match_erasures(
    gaps: list[tuple[int, tuple[str, ...]]], erasures: list[RecordedEvent]
) -> tuple[tuple[ErasedSpan, ...], ChainBreak | None]:
    """Pair each erased span with the ``content_erased`` event that names it."""
    if not gaps:
        return (), None
    recorded: dict[tuple[int, str], tuple[int, datetime, str, str]] = {}
    for record in erasures:
        data = record.envelope()
        at = datetime.fromisoformat(str(data["at"]))
        for span in data.get("spans", ()):
            seq_text, _, field = str(span).partition(".")
            if seq_text.isdigit():
                recorded[(int(seq_text), field)] = (
                    record.seq,
                    at,
                    str(data["actor"]),
                    str(data.get("grounds", "")),
                )
    spans: list[ErasedSpan] = []
    for seq, fields in gaps:
        for field in fields:
            if (seq, field) not in recorded:
                return (), ChainBreak(
                    seq,
                    "content_missing",
                    f"the {field} of event {seq} is missing and no erasure event names it: "
                    "it was removed outside the library",
                )
        by_erasure: dict[int, list[str]] = {}
        for field in fields:  # erased at different times: one span per erasure event
            by_erasure.setdefault(recorded[(seq, field)][0], []).append(field)
        for erasure_seq in sorted(by_erasure):
            _, at, by, grounds = recorded[(seq, by_erasure[erasure_seq][0])]
            spans.append(
                ErasedSpan(seq, tuple(by_erasure[erasure_seq]), erasure_seq, at, by, grounds)
            )
    return tuple(spans), None


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
        data = ev.to_dict(event)
        committed = record.committed()
        held = record.contents()
        for path, container, key in personal_slots(data):
            if path in committed:
                container[key] = {"commitment": committed[path]}
            elif container[key]:
                return ChainBreak(
                    seq,
                    "not_canonical",
                    f"event {seq} holds personal data in the clear at {path} (a sealed form "
                    f"older than version {CANONICAL_VERSION}: migrate the store)",
                )
        canonical = json_text(data).encode("utf-8")
        content = (
            json_text({f: {"salt": s.hex(), "value": v} for f, (s, v) in held.items()}).encode()
            if held
            else None
        )
    except (InvalidInput, ValueError) as error:
        return ChainBreak(seq, "malformed", str(error))
    if canonical != record.body or content != record.content:
        return ChainBreak(seq, "not_canonical", f"event {seq} is not in canonical form")
    return None


def _anchor_check(
    case_id: str, count: int, head: str, anchor: ChainHead, *, allow_longer: bool = False
) -> ChainBreak | None:
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
    if count > anchor.version and not allow_longer:
        return ChainBreak(
            anchor.version + 1,
            "extra",
            f"the chain has {count} events but its anchor records {anchor.version}: events "
            "were added after the anchored head",
        )
    if head != anchor.head:
        return ChainBreak(
            anchor.version or None,
            "head_mismatch",
            f"the chain's hash at event {anchor.version} differs from its anchor's: events up "
            f"to {anchor.version} were rewritten",
        )
    return None
