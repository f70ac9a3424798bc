"""The audit trail: canonical bytes, the hash chain, verify, export/import, views, reads."""

from __future__ import annotations

import hashlib
import io
import json
import os
import shutil
import subprocess
from collections.abc import Callable
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st
from structlog.testing import capture_logs

from mediation import audit
from mediation import events as ev
from mediation._canonical import json_text
from mediation.audit import ChainHead, ReaderRole, RecordedEvent, chain
from mediation.audit.exports import write_section
from mediation.case import Mediation
from mediation.demo import non_mediable_case
from mediation.errors import (
    CaseNotFound,
    ChainBroken,
    ConcurrencyError,
    InvalidInput,
    NotAuthorized,
    NothingToErase,
)
from mediation.policy import Limits, Policy
from mediation.store import InMemoryStore, Repository, export_store, import_export
from mediation.testing import event_histories, screen_all, scripted_case, seeded_salts

CASE = scripted_case("workload-2026-03")
COUNT = len(CASE.events)
NOTE_SEQ = next(e.seq for e in CASE.events if isinstance(e, ev.CaucusNoteRecorded))
NOTE = "I am close to resigning. 我想辞职。"
SPOKEN = "我每天加班到很晚。Since January I carry two workloads."
RECORDS = audit.record_events(CASE.case_id, CASE.events, salts=seeded_salts(7))
ANCHOR = ChainHead(CASE.case_id, RECORDS[-1].seq, RECORDS[-1].hash)


def _export(records: tuple[RecordedEvent, ...] = RECORDS, anchor: ChainHead = ANCHOR) -> bytes:
    out = io.BytesIO()
    audit.export_case(records, anchor, out)
    return out.getvalue()


EXPORTED = _export()


# -- canonical bytes and chain ------------------------------------------------------------


def test_canonical_bytes_are_sorted_compact_utf8_json() -> None:
    consent = ev.ConsentGiven(
        seq=3, at=datetime(2026, 3, 2, 9, 6, tzinfo=timezone.utc), actor="lin", stage="intake"
    )
    assert audit.canonical_bytes(consent) == (
        b'{"actor":"lin","at":"2026-03-02T09:06:00+00:00","seq":3,"stage":"intake",'
        b'"type":"consent_given","v":1}'
    )
    for event in CASE.events:
        body = audit.canonical_bytes(event)
        data = json.loads(body)
        assert data == ev.to_dict(event)
        assert body == json.dumps(
            data, sort_keys=True, separators=(",", ":"), ensure_ascii=False
        ).encode("utf-8")
        assert ev.from_dict(data) == event


@given(event_histories())
def test_canonical_bytes_are_what_json_dumps_writes_for_every_event(
    events: tuple[ev.Event, ...],
) -> None:
    for event in events:
        assert audit.canonical_bytes(event) == json.dumps(
            ev.to_dict(event),
            sort_keys=True,
            separators=(",", ":"),
            ensure_ascii=False,
            allow_nan=False,
        ).encode("utf-8")


def test_canonical_bytes_keep_non_ascii_as_utf8() -> None:
    statement = next(e for e in CASE.events if isinstance(e, ev.StatementMade))
    body = audit.canonical_bytes(statement)
    assert "我每天加班到很晚".encode() in body
    assert b"\\u" not in body


def test_canonical_bytes_refuse_what_utf8_cannot_hold() -> None:
    statement = next(e for e in CASE.events if isinstance(e, ev.StatementMade))
    with pytest.raises(InvalidInput, match="cannot be stored"):
        audit.canonical_bytes(attrs.evolve(statement, text="lone \ud800 surrogate"))


def test_the_checked_canonical_text_is_refused_when_utf8_cannot_hold_it() -> None:
    """``chain.canonical_text_checked``: the canonical text as it is, or ``InvalidInput``
    naming the event for a lone surrogate (an event without content as much as one with)."""
    statement = next(e for e in CASE.events if isinstance(e, ev.StatementMade))
    assert chain.canonical_text_checked(statement).encode() == audit.canonical_bytes(statement)
    opened = CASE.events[0]
    assert isinstance(opened, ev.CaseOpened)
    broken = attrs.evolve(opened, case_id="lone \ud800 surrogate")
    with pytest.raises(InvalidInput, match=r"event 1 \(case_opened\) cannot be stored"):
        chain.canonical_text_checked(broken)
    with pytest.raises(InvalidInput, match="cannot be stored"):
        chain.canonical_text_checked(attrs.evolve(statement, text="lone \ud800 surrogate"))


def _sealed_by_hand(record: RecordedEvent, event: ev.Event) -> bytes:
    """The sealed body as docs/audit.md defines it, computed with hashlib and json only."""
    data = json.loads(audit.canonical_bytes(event))
    for field, entry in json.loads(record.content or b"{}").items():
        # A path: keys and list indices joined with "." ("text", "parties.0.name").
        *steps, last = field.split(".")
        container = data
        for step in steps:
            container = container[int(step)] if isinstance(container, list) else container[step]
        key = int(last) if isinstance(container, list) else last
        value = json.dumps(
            container[key], sort_keys=True, separators=(",", ":"), ensure_ascii=False
        )
        salt = bytes.fromhex(entry["salt"])
        digest = hashlib.sha256(
            b"mediation-commit-v2\x00" + field.encode() + b"\x00" + salt + value.encode()
        ).hexdigest()
        assert entry["value"] == container[key]
        container[key] = {"commitment": digest}
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def test_genesis_and_chain_follow_the_documented_formula() -> None:
    genesis = hashlib.sha256(b"mediation-chain-v2:" + CASE.case_id.encode()).hexdigest()
    assert audit.genesis(CASE.case_id) == genesis
    previous = genesis
    committed = 0
    for record, event in zip(RECORDS, CASE.events, strict=True):
        body = _sealed_by_hand(record, event)
        committed += body != audit.canonical_bytes(event)
        leaf = hashlib.sha256(body).digest()
        expected = hashlib.sha256(bytes.fromhex(previous) + leaf).hexdigest()
        assert (record.seq, record.body, record.hash) == (event.seq, body, expected)
        assert audit.chain_hash(previous, body) == expected
        previous = expected
    assert committed >= 10  # statements, notes, restatements, proposals, reasons...
    with pytest.raises(InvalidInput):
        audit.chain_hash("not hex", b"")


def test_recorded_event_reads_its_envelope_from_the_body() -> None:
    record = RECORDS[2]
    assert record.actor == "lin"
    assert record.stage == "intake"
    assert record.type_name == "consent_given"
    assert record.at == CASE.events[2].at
    assert record.event() == CASE.events[2]
    broken = attrs.evolve(record, body=b"[1]")
    with pytest.raises(InvalidInput):
        broken.envelope()


# -- verify -------------------------------------------------------------------------------


def test_an_intact_chain_verifies() -> None:
    result = audit.verify(RECORDS, anchor=ANCHOR, deep=True)
    assert result.ok
    assert (result.case_id, result.count, result.head) == (CASE.case_id, COUNT, ANCHOR.head)
    result.raise_if_broken()


def _broken(records: list[RecordedEvent], anchor: ChainHead | None = ANCHOR) -> audit.ChainBreak:
    result = audit.verify(records, case_id=CASE.case_id, anchor=anchor)
    assert result.broken is not None
    return result.broken


def test_a_changed_byte_is_found_at_its_event() -> None:
    records = list(RECORDS)
    body = records[11].body
    records[11] = attrs.evolve(records[11], body=body.replace(b'"actor":"', b'"actor":"x', 1))
    broken = _broken(records)
    assert (broken.seq, broken.code) == (12, "hash_mismatch")


def test_a_changed_hash_is_found() -> None:
    records = list(RECORDS)
    records[5] = attrs.evolve(records[5], hash="0" * 64)
    assert (_broken(records).seq, _broken(records).code) == (6, "hash_mismatch")


def test_a_deleted_event_is_found() -> None:
    records = list(RECORDS)
    del records[20]
    broken = _broken(records)
    assert (broken.seq, broken.code) == (21, "missing")
    renumbered = [*RECORDS[:20], *(attrs.evolve(r, seq=r.seq - 1) for r in RECORDS[21:])]
    assert (_broken(renumbered).seq, _broken(renumbered).code) == (21, "hash_mismatch")


def test_an_inserted_event_is_found() -> None:
    records = list(RECORDS)
    records.insert(10, records[9])
    broken = _broken(records)
    assert (broken.seq, broken.code) == (11, "duplicate")
    forged = audit.record_events(
        CASE.case_id, [attrs.evolve(CASE.events[10], actor="chen")], salts=os.urandom
    )[0]
    spliced = [*RECORDS[:10], forged, *(attrs.evolve(r, seq=r.seq + 1) for r in RECORDS[10:])]
    assert (_broken(spliced).seq, _broken(spliced).code) == (11, "hash_mismatch")


def test_reordered_events_are_found() -> None:
    records = list(RECORDS)
    records[7], records[8] = records[8], records[7]
    assert (_broken(records).seq, _broken(records).code) == (8, "out_of_order")
    swapped = list(RECORDS)
    swapped[7] = attrs.evolve(RECORDS[8], seq=8)
    swapped[8] = attrs.evolve(RECORDS[7], seq=9)
    assert (_broken(swapped).seq, _broken(swapped).code) == (8, "hash_mismatch")


def test_truncation_is_found_only_with_an_anchor() -> None:
    records = list(RECORDS[:-2])
    assert audit.verify(records).ok
    broken = _broken(records)
    assert (broken.seq, broken.code) == (COUNT - 1, "truncated")
    assert f"events {COUNT - 1} to {COUNT} were removed" in broken.message


def test_extra_events_and_a_rewritten_head_are_found_with_an_anchor() -> None:
    early = ChainHead(CASE.case_id, 30, RECORDS[29].hash)
    assert _broken(list(RECORDS), early).code == "extra"
    other = ChainHead(CASE.case_id, COUNT, "f" * 64)
    assert _broken(list(RECORDS), other).code == "head_mismatch"
    elsewhere = ChainHead("elsewhere", COUNT, ANCHOR.head)
    assert _broken(list(RECORDS), elsewhere).code == "wrong_case"


def test_events_of_another_case_are_found() -> None:
    other = non_mediable_case()
    records = [
        *RECORDS[:3],
        *audit.record_events(other.case_id, other.events, salts=os.urandom)[3:5],
    ]
    records[3] = attrs.evolve(records[3], seq=4)
    assert _broken(records, None).code == "wrong_case"


def test_a_relabelled_chain_fails_at_the_first_event() -> None:
    relabelled = [attrs.evolve(r, case_id="another-case") for r in RECORDS]
    broken = audit.verify(relabelled).broken
    assert broken is not None and (broken.seq, broken.code) == (1, "hash_mismatch")


def test_deep_verification_finds_well_hashed_garbage() -> None:
    garbage = audit.record_events(CASE.case_id, CASE.events[:2], salts=os.urandom)
    body = b'{"type":"nonsense"}'
    forged = RecordedEvent(CASE.case_id, 3, audit.chain_hash(garbage[-1].hash, body), body)
    assert audit.verify([*garbage, forged]).ok
    broken = audit.verify([*garbage, forged], deep=True).broken
    assert broken is not None and (broken.seq, broken.code) == (3, "malformed")
    spaced = b'{"actor": "lin"' + RECORDS[2].body[len(b'{"actor":"lin"') :]
    forged = RecordedEvent(CASE.case_id, 3, audit.chain_hash(garbage[-1].hash, spaced), spaced)
    broken = audit.verify([*garbage, forged], deep=True).broken
    assert broken is not None and broken.code == "not_canonical"


def _one_by_one(
    records: list[RecordedEvent], anchor: ChainHead | None, *, earlier: bool = False
) -> audit.Verification:
    """What the general record-by-record verifier says (``verify`` without its fast path)."""
    return chain._verify_each(records, CASE.case_id, anchor, False, earlier)


_FIELDS = (
    "seq",
    "hash",
    "body",
    "content",
    "value",
    "drop",
    "swap_content",
    "strip_content",
    "strip_field",
    "reorder",
    "relabel",
)


@st.composite
def _tampered(draw: st.DrawFn) -> list[RecordedEvent]:
    """The case's records (or those with a note erased, or with two content fields to a
    screening, one of them erased) with up to two edits of a stored field (or none)."""
    records = list(draw(st.sampled_from([RECORDS, ERASED, SCREENED, SCREENED_ERASED])))
    for _ in range(draw(st.integers(0, 2))):
        at = draw(st.integers(0, len(records) - 1))
        kind = draw(st.sampled_from(_FIELDS))
        record = records[at]
        if kind == "seq":
            records[at] = attrs.evolve(record, seq=draw(st.integers(0, COUNT + 1)))
        elif kind == "hash":
            records[at] = attrs.evolve(
                record, hash=draw(st.sampled_from(["0" * 64, RECORDS[0].hash]))
            )
        elif kind in ("body", "content", "value"):
            raw = getattr(record, "body" if kind == "body" else "content")
            if raw:
                # "value": a byte of the content's value (the text people said)
                low = raw.find(b'"value":') + 9 if kind == "value" else 0
                spot = draw(st.integers(min(low, len(raw) - 1), len(raw) - 1))
                flipped = (
                    raw[:spot] + bytes([raw[spot] ^ draw(st.integers(1, 255))]) + raw[spot + 1 :]
                )
                records[at] = attrs.evolve(
                    record, **{"body" if kind == "body" else "content": flipped}
                )
        elif kind == "drop" and len(records) > 1:
            del records[at]
        elif kind == "swap_content":
            other = records[draw(st.integers(0, len(records) - 1))]
            records[at] = attrs.evolve(record, content=other.content)
        elif kind == "strip_content":
            records[at] = attrs.evolve(record, content=None)
        elif kind == "strip_field" and record.content is not None:
            try:
                held = json.loads(record.content)
            except ValueError:  # an earlier edit already flipped a byte of it
                continue
            if not isinstance(held, dict) or not held:
                continue
            del held[draw(st.sampled_from(sorted(held)))]
            records[at] = attrs.evolve(record, content=json_text(held).encode() if held else None)
        elif kind == "reorder":
            there = draw(st.integers(0, len(records) - 1))
            records[at], records[there] = records[there], records[at]
        elif kind == "relabel":
            records[at] = attrs.evolve(record, case_id="another-case")
    return records


@given(_tampered(), st.sampled_from([None, ANCHOR, ChainHead(CASE.case_id, 20, RECORDS[19].hash)]))
def test_verify_says_what_checking_one_by_one_says(
    records: list[RecordedEvent], anchor: ChainHead | None
) -> None:
    """``verify``'s fast path over the whole chain agrees with the record-by-record
    check on every edit, and takes the chain on its own whenever that check finds it
    intact (so the fast path is what verifies an intact chain)."""
    for earlier in (False, True):
        expected = _one_by_one(records, anchor, earlier=earlier)
        found = audit.verify(
            records, case_id=CASE.case_id, anchor=anchor, anchor_is_earlier=earlier
        )
        assert found == expected
    rows = chain._plain_rows(records, CASE.case_id)
    fast = chain._verified_common(CASE.case_id, rows) if rows is not None else None
    assert (fast is not None) == _one_by_one(records, None).ok


@given(_tampered(), st.booleans())
def test_the_verified_load_pass_says_what_checking_one_by_one_says(
    records: list[RecordedEvent], anchored: bool
) -> None:
    """The verified load's single pass over the stored rows agrees with the
    record-by-record check on every edit: same result, same break, same erased spans,
    and its events are those of the records."""
    anchor = ANCHOR if anchored else None
    rows = [(r.seq, r.hash, r.body, r.content) for r in records]
    stored = [RecordedEvent(CASE.case_id, *row) for row in rows]  # rows carry no case id
    expected = _one_by_one(stored, anchor)
    found, events = audit.verify_stored(CASE.case_id, rows, anchor=anchor)
    assert found == expected
    assert events == (audit.decode_records(stored) if expected.ok else [])
    assert (chain._verified_common(CASE.case_id, rows, []) is not None) == (
        _one_by_one(stored, None).ok
    )


def _flip_last(row: tuple[Any, ...]) -> tuple[Any, ...]:
    """The row with the last character of its content's text changed (to ``X``)."""
    content = row[3]
    return (*row[:3], content[:-4] + b"X" + content[-3:])


def test_the_verified_load_pass_names_each_break() -> None:
    rows = [(r.seq, r.hash, r.body, r.content) for r in RECORDS]
    found, events = audit.verify_stored(CASE.case_id, rows, anchor=ANCHOR)
    assert found.ok and events == list(CASE.events)
    statement = next(e.seq for e in CASE.events if isinstance(e, ev.StatementMade))
    edits: dict[str, tuple[Callable[[list[Any]], None], int]] = {
        "hash_mismatch": (lambda rs: rs.__setitem__(4, (5, "0" * 64, *rs[4][2:])), 5),
        "missing": (lambda rs: rs.__delitem__(6), 7),
        "content_mismatch": (
            lambda rs: rs.__setitem__(statement - 1, _flip_last(rs[statement - 1])),
            statement,
        ),
        "content_missing": (
            lambda rs: rs.__setitem__(statement - 1, (*rs[statement - 1][:3], None)),
            statement,
        ),
        "truncated": (lambda rs: rs.__delitem__(slice(-2, None)), COUNT - 1),
    }
    for code, (edit, seq) in edits.items():
        changed = list(rows)
        edit(changed)
        result, events = audit.verify_stored(CASE.case_id, changed, anchor=ANCHOR)
        assert result.broken is not None
        assert (result.broken.code, result.broken.seq) == (code, seq)
        assert events == []


def _erased(records: tuple[RecordedEvent, ...], seq: int, field: str) -> tuple[RecordedEvent, ...]:
    """``records`` with ``field`` of event ``seq`` erased and the erasure recorded."""
    erased = list(records)
    erased[seq - 1] = audit.erase_fields(erased[seq - 1], [field])
    erasure = ev.ContentErased(
        seq=len(records) + 1,
        at=CASE.state.last_at,
        actor="dpo",
        stage=CASE.state.stage,
        spans=(f"{seq}.{field}",),
        grounds="request",
        role="dpo",
    )
    erased += audit.record_events(CASE.case_id, [erasure], records[-1].hash, salts=seeded_salts(3))
    return tuple(erased)


ERASED = _erased(RECORDS, NOTE_SEQ, "text")
"""The case's records with the caucus note erased and the erasure recorded."""
SCREENED = audit.record_events(
    CASE.case_id,
    [
        attrs.evolve(e, note=f"Spoke with {e.party} alone.")
        if isinstance(e, ev.PartyScreened)
        else e
        for e in CASE.events
    ],
    salts=seeded_salts(11),
)
"""The case with a note to each screening: events holding two content fields."""
SCREENING_SEQ = next(e.seq for e in CASE.events if isinstance(e, ev.PartyScreened))
SCREENED_ERASED = _erased(SCREENED, SCREENING_SEQ, "note")
"""One screening's note erased, its answers kept."""


def test_a_verified_load_of_erased_content_still_decodes_in_one_pass() -> None:
    """Rows outside the common form (here an erased field) are checked on their own in
    the same pass, and the case still loads, the erased span named."""
    rows = [(r.seq, r.hash, r.body, r.content) for r in ERASED]
    assert chain._verified_common(CASE.case_id, rows) is not None  # no fallback needed
    result, events = audit.verify_stored(CASE.case_id, rows)
    assert result == _one_by_one(list(ERASED), None)
    assert result.ok and [span.seq for span in result.erased] == [NOTE_SEQ]
    assert events == audit.decode_records(ERASED)
    assert events[NOTE_SEQ - 1].text == ""  # type: ignore[attr-defined]


def test_a_changed_field_of_two_is_named_by_the_fast_path_and_one_by_one() -> None:
    """A row holding two content fields is checked as one record at a time checks it,
    inside the fast pass: a changed note, or a note removed without an erasure event,
    is named at its event by ``verify`` and by the verified load alike."""
    screened = list(SCREENED)
    record = screened[SCREENING_SEQ - 1]
    assert record.content is not None and record.body.count(b'{"commitment":') == 2
    changed = record.content.replace(b"alone.", b"alone!")
    held = json.loads(record.content)
    del held["note"]
    stripped = json.dumps(held, separators=(",", ":")).encode()
    for content, code in ((changed, "content_mismatch"), (stripped, "content_missing")):
        screened[SCREENING_SEQ - 1] = attrs.evolve(record, content=content)
        rows = [(r.seq, r.hash, r.body, r.content) for r in screened]
        for result in (audit.verify(screened), audit.verify_stored(CASE.case_id, rows)[0]):
            assert result.broken is not None
            assert (result.broken.code, result.broken.seq) == (code, SCREENING_SEQ)
    rows = [(r.seq, r.hash, r.body, r.content) for r in SCREENED_ERASED]
    assert chain._verified_common(CASE.case_id, rows) is not None
    assert [span.fields for span in audit.verify(SCREENED_ERASED).erased] == [("note",)]


def test_a_forged_body_that_repeats_its_committed_field_loads_as_decoded_one_by_one() -> None:
    """A chain forged whole (every hash recomputed) around a body that names its
    committed field twice verifies either way; the verified load then returns what
    decoding the rows one by one returns, not the committed value."""
    statement = next(e.seq for e in CASE.events if isinstance(e, ev.StatementMade))
    forged = list(RECORDS)
    original = forged[statement - 1]
    forged[statement - 1] = attrs.evolve(
        original, body=original.body[:-1] + b',"text":"something else"}'
    )
    previous = audit.genesis(CASE.case_id)
    for index, record in enumerate(forged):
        previous = audit.chain_hash(previous, record.body)
        forged[index] = attrs.evolve(record, hash=previous)
    rows = [(r.seq, r.hash, r.body, r.content) for r in forged]
    result, events = audit.verify_stored(CASE.case_id, rows)
    assert result.ok and result == _one_by_one(forged, None)
    assert events == audit.decode_records(forged)
    assert events[statement - 1].text == "something else"  # type: ignore[attr-defined]


def test_raise_if_broken_says_where() -> None:
    records = list(RECORDS)
    del records[4]
    with pytest.raises(ChainBroken, match="event 5 is missing") as caught:
        audit.verify(records, anchor=ANCHOR).raise_if_broken()
    assert (caught.value.case_id, caught.value.seq, caught.value.code) == (
        CASE.case_id,
        5,
        "missing",
    )
    assert isinstance(caught.value, ValueError)


def test_a_broken_chain_is_logged_without_content() -> None:
    records = list(RECORDS)
    note = records[NOTE_SEQ - 1]
    assert note.content is not None
    records[NOTE_SEQ - 1] = attrs.evolve(note, content=note.content.replace(b"resign", b"stay"))
    with capture_logs() as logs:
        audit.verify(records)
    assert [entry["event"] for entry in logs] == ["chain_broken"]
    assert (logs[0]["seq"], logs[0]["code"]) == (NOTE_SEQ, "content_mismatch")
    assert "resign" not in repr(logs)


# -- export and import --------------------------------------------------------------------


def test_export_lines_are_exactly_the_documented_form() -> None:
    lines = EXPORTED.split(b"\n")
    assert lines[0] == b'{"case_id":"workload-2026-03","format":"mediation-events","version":3}'
    opening = RECORDS[0]  # the names in it are content too
    assert opening.content is not None
    assert lines[1] == (
        b'{"event":'
        + opening.body
        + b',"hash":"'
        + opening.hash.encode()
        + b'","seq":1,"content":'
        + opening.content
        + b"}"
    )
    statement = RECORDS[5]
    assert statement.content is not None
    assert lines[6] == (
        b'{"event":'
        + statement.body
        + b',"hash":"'
        + statement.hash.encode()
        + b'","seq":6,"content":'
        + statement.content
        + b"}"
    )
    assert lines[-2] == (
        b'{"case_id":"workload-2026-03","count":%d,"end":true,"head":"' % COUNT
        + ANCHOR.head.encode()
        + b'"}'
    )
    assert lines[-1] == b""
    for line in lines[:-1]:
        json.loads(line)  # every line is plain JSON too


def test_an_export_reads_back_and_verifies() -> None:
    (case,) = audit.read_export(io.BytesIO(EXPORTED))
    assert case.records == RECORDS
    assert case.anchor == ANCHOR
    (result,) = audit.verify_export(io.BytesIO(EXPORTED))
    assert result.ok and result.count == COUNT


def test_a_store_exports_and_imports_every_case() -> None:
    source = InMemoryStore()
    other = non_mediable_case()
    for case in (CASE, other):
        source.append(case.case_id, case.events, 0)
    out = io.BytesIO()
    heads = export_store(source, out)
    assert [head.case_id for head in heads] == [other.case_id, CASE.case_id]  # same time: by id
    target = InMemoryStore()
    imported = import_export(io.BytesIO(out.getvalue()), target)
    assert imported == heads
    assert target.load(CASE.case_id) == CASE.events
    assert target.records(other.case_id) == source.records(other.case_id)
    with pytest.raises(ConcurrencyError):
        import_export(io.BytesIO(out.getvalue()), target)


def test_export_refuses_a_broken_store_unless_asked() -> None:
    store = InMemoryStore()
    store.append(CASE.case_id, CASE.events, 0)
    store._records[CASE.case_id][3] = attrs.evolve(RECORDS[3], hash="a" * 64)
    with pytest.raises(ChainBroken) as caught:
        export_store(store, io.BytesIO())
    assert caught.value.seq == 4
    out = io.BytesIO()
    export_store(store, out, [CASE.case_id], allow_broken=True)
    (result,) = audit.verify_export(io.BytesIO(out.getvalue()))
    assert result.broken is not None and result.broken.seq == 4
    with pytest.raises(CaseNotFound):
        export_store(store, io.BytesIO(), ["nobody"])


def test_import_refuses_a_broken_file_and_stores_nothing() -> None:
    other = non_mediable_case()
    other_records = audit.record_events(other.case_id, other.events, salts=os.urandom)
    good = _export(other_records, ChainHead(other.case_id, other.version, other_records[-1].hash))
    tampered = EXPORTED.replace(b"I am close to resigning", b"I am happy here, really", 1)
    assert tampered != EXPORTED
    store = InMemoryStore()
    with pytest.raises(ChainBroken) as caught:
        import_export(io.BytesIO(good + tampered), store)
    assert (caught.value.case_id, caught.value.seq, caught.value.code) == (
        CASE.case_id,
        NOTE_SEQ,
        "content_mismatch",
    )
    assert store.cases() == ()


def _two_case_export() -> tuple[bytes, str]:
    other = non_mediable_case()
    other_records = audit.record_events(other.case_id, other.events, salts=os.urandom)
    good = _export(other_records, ChainHead(other.case_id, other.version, other_records[-1].hash))
    return good + EXPORTED, other.case_id


class _Pipe(io.RawIOBase):
    """A stream that cannot seek, like a pipe."""

    def __init__(self, data: bytes) -> None:
        self._data = io.BytesIO(data)

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        chunk = self._data.read(len(buffer))
        buffer[: len(chunk)] = chunk
        return len(chunk)


def test_an_export_is_read_one_case_at_a_time() -> None:
    data, first = _two_case_export()
    stream = io.BytesIO(data)
    cases = audit.iter_export(stream)
    assert next(cases).case_id == first
    assert stream.tell() < len(data)  # the second case is not read yet
    assert [case.case_id for case in cases] == [CASE.case_id]
    assert audit.read_export(io.BytesIO(data)) == tuple(audit.iter_export(io.BytesIO(data)))


def test_import_reads_a_stream_that_cannot_seek() -> None:
    data, first = _two_case_export()
    pipe = io.BufferedReader(_Pipe(data))
    assert not pipe.seekable()
    store = InMemoryStore()
    heads = import_export(pipe, store)
    assert [head.case_id for head in heads] == [first, CASE.case_id]
    assert store.records(CASE.case_id) == RECORDS


def test_import_refuses_a_case_already_stored_before_storing_any() -> None:
    data, first = _two_case_export()
    store = InMemoryStore()
    store.append(CASE.case_id, CASE.events, 0)  # the second case of the file
    with pytest.raises(ConcurrencyError):
        import_export(io.BytesIO(data), store)
    assert [summary.case_id for summary in store.cases()] == [CASE.case_id]
    assert store.summary(first) is None  # the first case verified, but was not stored


def test_import_refuses_a_case_twice_in_the_file_and_stores_nothing() -> None:
    store = InMemoryStore()
    with pytest.raises(ConcurrencyError, match="twice"):
        import_export(io.BytesIO(EXPORTED + EXPORTED), store)
    assert store.cases() == ()


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (b"", "malformed"),
        (EXPORTED[:-1], "malformed"),
        (EXPORTED.rsplit(b"\n", 2)[0] + b"\n", "truncated"),
        (b"{}\n", "malformed"),
        (EXPORTED.replace(b'"version":3', b'"version":1', 1), "malformed"),
        (EXPORTED.replace(b'"version":3', b'"version":2', 1), "malformed"),
        (EXPORTED.replace(b'"end":true', b'"end":false', 1), "malformed"),
        (EXPORTED.replace(b"\n", b"\n\n", 1), "malformed"),
        (EXPORTED.replace(b'"format"', b' "format"', 1), "malformed"),
    ],
)
def test_malformed_files_are_refused_with_their_line(data: bytes, code: str) -> None:
    with pytest.raises(ChainBroken) as caught:
        audit.read_export(io.BytesIO(data))
    assert caught.value.code == code
    (result,) = audit.verify_export(io.BytesIO(data))
    assert not result.ok and result.broken is not None and result.broken.code == code


@st.composite
def _edits(draw: st.DrawFn, size: int) -> tuple[str, int, int]:
    kind = draw(st.sampled_from(["replace", "delete", "insert"]))
    position = draw(st.integers(min_value=0, max_value=size - (0 if kind == "insert" else 1)))
    return kind, position, draw(st.integers(min_value=0, max_value=255))


def _apply(data: bytes, edit: tuple[str, int, int]) -> bytes:
    kind, position, value = edit
    if kind == "replace":
        new = value if value != data[position] else (value + 1) % 256
        return data[:position] + bytes([new]) + data[position + 1 :]
    if kind == "delete":
        return data[:position] + data[position + 1 :]
    return data[:position] + bytes([value]) + data[position:]


@given(edits=st.lists(_edits(len(EXPORTED)), min_size=1, max_size=3))
def test_every_edit_of_an_export_is_detected(edits: list[tuple[str, int, int]]) -> None:
    data = EXPORTED
    for edit in edits:
        edited = _apply(data, (edit[0], min(edit[1], len(data) - 1), edit[2]))
        data = edited if edited else data
    if data == EXPORTED:  # e.g. an insert undone by a delete
        return
    results = audit.verify_export(io.BytesIO(data))
    assert not all(result.ok for result in results)
    store = InMemoryStore()
    with pytest.raises(ChainBroken):
        import_export(io.BytesIO(data), store)
    assert store.cases() == ()


# -- redacted views -----------------------------------------------------------------------


def _texts(view: audit.CaseView) -> set[str]:
    return {
        entry[key]
        for entry in view.entries
        for key in ("text", "comment")
        if isinstance(entry.get(key), str) and entry[key]
    }


def test_the_mediator_sees_everything() -> None:
    seen = audit.view(CASE, "chen")
    assert seen.role is ReaderRole.MEDIATOR
    assert seen.redacted_count == 0
    assert [dict(entry) for entry in seen.entries] == [ev.to_dict(e) for e in CASE.events]


def test_a_party_sees_its_own_caucus_only() -> None:
    zhao = audit.view(CASE, "zhao")
    lin = audit.view(CASE, "lin")
    assert zhao.role is ReaderRole.PARTY
    assert NOTE in _texts(zhao)
    assert NOTE not in _texts(lin)
    notes = [e for e in lin.entries if e["type"] == "caucus_note_recorded"]
    assert [note.get("redacted") for note in notes] == [["text"], None]
    assert notes[0]["text"] is None and notes[0]["note_id"] == "cn-1"
    assert "Lin would accept a planning meeting." in _texts(lin)  # lin's own caucus
    assert "Lin would accept a planning meeting." not in _texts(zhao)
    assert SPOKEN in _texts(lin)


def test_a_shared_note_is_seen_by_every_party() -> None:
    case = _case_with_caucus_notes(share=True)
    assert "Party a would accept a later date." in _texts(audit.view(case, "b"))
    assert "Only a knows this." not in _texts(audit.view(case, "b"))
    assert "Only a knows this." in _texts(audit.view(case, "a"))


def test_a_supervisor_sees_the_process_not_the_words() -> None:
    seen = audit.view(CASE, "hr-lead")
    assert seen.role is ReaderRole.SUPERVISOR
    assert _texts(seen) == set()
    types = [entry["type"] for entry in seen.entries]
    assert types == [event.type_name for event in CASE.events]
    disclosure = seen.entries[1]
    assert disclosure["statement"].startswith("I report to Lin Wei")  # process, not speech
    assert any(entry.get("redacted") == ["comment"] for entry in seen.entries)
    closed = seen.entries[-1]
    assert closed["outcome"] == "settled"


def test_a_supervisor_reads_joint_text_when_the_policy_allows_but_never_private_notes() -> None:
    case = _case_with_caucus_notes(share=True, policy=Policy(supervisor_reads_text=True))
    texts = _texts(audit.view(case, "sup"))
    assert "a explains" in texts
    assert "Party a would accept a later date." in texts
    assert "Only a knows this." not in texts


def test_the_policy_that_lets_supervisors_read_survives_a_store() -> None:
    case = _case_with_caucus_notes(share=True, policy=Policy(supervisor_reads_text=True))
    store = InMemoryStore()
    store.append(case.case_id, case.events, 0)
    replayed = Mediation.replay(
        [record.event() for record in store.records(case.case_id)], clock=lambda: case.state.last_at
    )
    assert replayed.state.policy.supervisor_reads_text


def test_strangers_get_no_view() -> None:
    with pytest.raises(NotAuthorized, match="authority_report"):
        audit.view(CASE, "someone-else")


def test_the_outside_authority_learns_only_what_uma_7_allows() -> None:
    report = audit.authority_report(CASE)
    assert report.took_place and report.concluded and report.settled
    assert [(a.id, a.name, a.role) for a in report.attended] == [
        ("chen", "Chen Jie", "mediator"),
        ("lin", "Lin Wei", "party"),
        ("zhao", "Zhao Min", "party"),
    ]
    assert set(attrs.asdict(report)) == {
        "case_id",
        "took_place",
        "concluded",
        "settled",
        "attended",
    }
    escalated = audit.authority_report(non_mediable_case())
    assert not escalated.took_place and escalated.concluded and escalated.settled is False
    open_case = scripted_case("still-open", close=False)
    assert audit.authority_report(open_case).settled is None


def _case_with_caucus_notes(*, share: bool, policy: Policy | None = None) -> Mediation:
    from mediation.clocks import ManualClock
    from mediation.model import Mediator, Party

    clock = ManualClock(datetime(2026, 3, 2, 9, tzinfo=timezone.utc))
    case = Mediation.open(
        "caucus-case",
        [Party("a", "A"), Party("b", "B")],
        Mediator("m", "M"),
        clock=clock,
        supervisors=["sup"],
        policy=policy,
    )
    case.disclose("m", "No ties.", [])
    screen_all(case)
    case.consent("a")
    case.consent("b")
    case.advance("m")
    case.speak("a", "a explains", 30)
    case.open_caucus("m", "a")
    shared = case.caucus_note("a", "Party a would accept a later date.")
    case.caucus_note("m", "Only a knows this.")
    case.close_caucus("m")
    if share:
        case.allow_sharing("a", shared.note_id)
    return case


# -- read log through the repository ------------------------------------------------------


def test_reads_through_the_repository_are_recorded_and_logged() -> None:
    store = InMemoryStore()
    store.append(CASE.case_id, CASE.events, 0)
    moments = iter(datetime(2026, 4, 1, hour, tzinfo=timezone.utc) for hour in range(9, 20))
    repository = Repository(
        store,
        clock=lambda: next(moments),
        policy=audit.DataPolicy(readers=frozenset({"hr", "audit"})),
    )
    with capture_logs() as logs:
        repository.load(CASE.case_id, reader="hr-officer", role="hr", purpose="appeal")
        repository.view(CASE.case_id, "zhao")
        repository.authority_report(CASE.case_id, "labour-court")
        repository.export(io.BytesIO(), [CASE.case_id], reader="auditor", role="audit")
        # Refusals say why and record nothing.
        with pytest.raises(NotAuthorized):
            repository.view(CASE.case_id, "curious-colleague")
        with pytest.raises(NotAuthorized, match="takes no part"):
            repository.load(CASE.case_id, reader="stranger")
        with pytest.raises(NotAuthorized):
            repository.load(CASE.case_id, reader="stranger", role="friend")
        with pytest.raises(NotAuthorized):
            repository.export(io.BytesIO(), [CASE.case_id], reader="stranger")
    reads = repository.reads(CASE.case_id)
    assert [(r.reader, r.access, r.at.hour) for r in reads] == [
        ("hr-officer", "load", 9),
        ("zhao", "view", 10),
        ("labour-court", "authority_report", 11),
        ("auditor", "export", 12),
    ]
    assert repository.verify_reads(CASE.case_id).ok
    assert reads[0].purpose == "appeal"
    read_logs = [entry for entry in logs if entry["event"] == "case_read"]
    assert [entry["reader"] for entry in read_logs] == [r.reader for r in reads]
    with pytest.raises(CaseNotFound):
        repository.load("nobody", reader="hr-officer")


def test_a_repository_can_require_a_reader() -> None:
    store = InMemoryStore()
    store.append(CASE.case_id, CASE.events, 0)
    repository = Repository(store, clock=lambda: CASE.state.last_at, require_reader=True)
    with pytest.raises(InvalidInput, match="who reads"):
        repository.load(CASE.case_id)
    assert repository.load(CASE.case_id, reader="zhao").version == COUNT


def test_logs_never_carry_what_was_said() -> None:
    store = InMemoryStore()
    repository = Repository(store, clock=lambda: CASE.state.last_at)
    with capture_logs() as logs:
        store.append(CASE.case_id, CASE.events, 0)
        repository.view(CASE.case_id, "chen")
        repository.verify(CASE.case_id)
        import_export(io.BytesIO(EXPORTED), InMemoryStore())
    assert logs
    spoken = [e.text for e in CASE.events if isinstance(e, ev.StatementMade)]
    dumped = repr(logs)
    assert not any(text in dumped for text in spoken)
    assert NOTE not in dumped


def _documented_script(tmp_path: Path) -> Path:
    text = (Path(__file__).parent.parent / "docs" / "audit.md").read_text(encoding="utf-8")
    script = text.split("```sh\n", 1)[1].split("```", 1)[0]
    path = tmp_path / "verify-chain.sh"
    path.write_text(script, encoding="utf-8")
    return path


@pytest.mark.skipif(
    not os.environ.get("CI") and (shutil.which("xxd") is None or shutil.which("sha256sum") is None),
    reason="the documented shell check needs xxd and sha256sum (in CI it must run)",
)
def test_the_documented_shell_script_checks_full_and_reader_exports(tmp_path: Path) -> None:
    script = _documented_script(tmp_path)
    full = io.BytesIO()
    audit.export_case(RECORDS, audit.ChainHead(CASE.case_id, len(RECORDS), RECORDS[-1].hash), full)
    reader = io.BytesIO()
    audit.export_view(CASE, RECORDS, "lin", reader)
    assert b'"withheld":["text"]' in reader.getvalue()
    for name, data in (("full", full.getvalue()), ("reader", reader.getvalue())):
        path = tmp_path / f"{name}.jsonl"
        path.write_bytes(data)
        done = subprocess.run(["sh", str(script), str(path)], capture_output=True, text=True)
        assert done.returncode == 0, done.stdout + done.stderr
        assert done.stdout.startswith(f"ok {CASE.case_id} {len(RECORDS)} events")
        tampered = tmp_path / f"{name}-tampered.jsonl"
        tampered.write_bytes(data.replace(b'"seconds":240.0', b'"seconds":241.0', 1))
        assert tampered.read_bytes() != data
        done = subprocess.run(["sh", str(script), str(tampered)], capture_output=True, text=True)
        assert done.returncode == 1
        assert "chain breaks at event" in done.stdout


def test_a_reader_export_verifies_but_hides_and_cannot_be_imported() -> None:
    out = io.BytesIO()
    audit.export_view(CASE, RECORDS, "lin", out)
    data = out.getvalue()
    assert b"resigning" not in data
    note = RECORDS[NOTE_SEQ - 1]
    (salt, _) = note.contents()["text"]
    assert salt.hex().encode() not in data  # the salt goes with the content
    (result,) = audit.verify_export(io.BytesIO(data))
    assert result.ok and result.count == len(RECORDS)
    assert (NOTE_SEQ, ("text",)) in result.withheld
    with pytest.raises(ChainBroken) as refused:
        import_export(io.BytesIO(data), InMemoryStore())
    assert refused.value.code == "redacted"
    at = data.index(b'{"commitment":"') + len(b'{"commitment":"')
    other = b"1" if data[at : at + 1] == b"0" else b"0"
    (result,) = audit.verify_export(io.BytesIO(data[:at] + other + data[at + 1 :]))
    assert not result.ok
    assert result.broken is not None and result.broken.code == "hash_mismatch"


def test_a_partial_settlement_is_reported_as_settled(
    new_case: Callable[..., Mediation], advance_to: Callable[[Mediation, str], Mediation]
) -> None:
    case = advance_to(new_case(3), "agreement")
    for party in ("a", "b", "c"):
        case.sign(party)
    case.close("m", "partially_settled")
    report = audit.authority_report(case)
    assert report.concluded and report.settled is True
    impasse = advance_to(new_case(), "listening")
    impasse.close("m", "impasse", "no movement")
    assert audit.authority_report(impasse).settled is False


@pytest.mark.parametrize("reads_text", [False, True])
@pytest.mark.parametrize("share", [False, True])
@pytest.mark.parametrize("reader", ["a", "b", "m", "sup"])
def test_redaction_under_every_policy_switch(reads_text: bool, share: bool, reader: str) -> None:
    case = _case_with_caucus_notes(share=share, policy=Policy(supervisor_reads_text=reads_text))
    texts = _texts(audit.view(case, reader))
    hears_joint = reader != "sup" or reads_text
    expected = {
        "a explains": hears_joint,
        # a's note: a and the mediator always; others once a shared it (a supervisor only
        # when the policy lets supervisors read what is said)
        "Party a would accept a later date.": reader in ("a", "m") or (share and hears_joint),
        # the mediator's note in a's caucus, never shared: a and the mediator only
        "Only a knows this.": reader in ("a", "m"),
    }
    assert {text: text in texts for text in expected} == expected


def test_valuations_are_seen_by_the_party_that_gave_them_and_the_mediator_only() -> None:
    case = _case_with_caucus_notes(share=True, policy=Policy(supervisor_reads_text=True))
    case.open_caucus("m", "b")
    case.give_valuations("b", {"car": 7})
    case.close_caucus("m")
    for reader, sees in (("a", False), ("b", True), ("m", True), ("sup", False)):
        (entry,) = [e for e in audit.view(case, reader).entries if e["type"] == "valuations_given"]
        assert (entry["valuations"] is not None) == sees, reader
        assert (entry.get("redacted") == ["valuations"]) == (not sees)


def test_the_authority_report_reads_in_english_and_chinese() -> None:
    report = audit.authority_report(non_mediable_case())
    english = report.to_markdown()
    assert "- Mediation took place: no" in english and "- Settlement reached: no" in english
    assert "Chen Jie (mediator)" in english and "Wang Fang (party)" in english
    chinese = report.to_markdown(lang="zh")
    assert "- 是否进行了调解：否" in chinese and "- 是否达成协议：否" in chinese
    assert "Chen Jie（调解员）" in chinese and "Wang Fang（当事人）" in chinese
    assert "harassment" not in english + chinese  # nothing beyond UMA §7
    with pytest.raises(InvalidInput):
        report.to_markdown(lang="fr")


def test_an_export_is_read_within_its_line_limits_at_the_boundary() -> None:
    lines = EXPORTED.splitlines()
    longest = max(len(line) for line in lines)
    fits = Limits(import_max_lines=len(lines), import_max_line_bytes=longest)
    (case,) = audit.read_export(io.BytesIO(EXPORTED), limits=fits)
    assert case.records == RECORDS
    with pytest.raises(ChainBroken, match=f"more than {len(lines) - 1} lines") as caught:
        audit.read_export(
            io.BytesIO(EXPORTED), limits=attrs.evolve(fits, import_max_lines=len(lines) - 1)
        )
    assert caught.value.code == "malformed"
    with pytest.raises(ChainBroken, match=f"is longer than {longest - 1} bytes") as caught:
        audit.read_export(
            io.BytesIO(EXPORTED), limits=attrs.evolve(fits, import_max_line_bytes=longest - 1)
        )
    assert caught.value.code == "malformed"


def test_an_export_whose_case_id_is_not_text_is_malformed() -> None:
    data = EXPORTED.replace(b'"case_id":"workload-2026-03"', b'"case_id":7', 1)
    with pytest.raises(ChainBroken, match="line 1: case id is not text"):
        audit.read_export(io.BytesIO(data))
    (result,) = audit.verify_export(io.BytesIO(data))
    assert not result.ok and result.count == 0


# -- nested personal data (sealed form 3) --------------------------------------------------


def test_a_body_holding_a_name_in_the_clear_is_not_canonical() -> None:
    """A version-2 body (names in the clear) chained as it is verifies by its hashes,
    but not deeply: the deep check names the path and says to migrate."""
    opening = RECORDS[0]
    clear = audit.canonical_bytes(CASE.events[0])  # every value in the clear
    forged = [RecordedEvent(CASE.case_id, 1, audit.chain_hash(audit.genesis(CASE.case_id),
              clear), clear)]  # fmt: skip
    assert audit.verify(forged).ok
    result = audit.verify(forged, deep=True)
    assert result.broken is not None and result.broken.code == "not_canonical"
    assert "parties.0.name" in result.broken.message and "migrate" in result.broken.message
    assert "a sealed form older than version 3: migrate the store" in result.broken.message
    assert audit.verify([opening], deep=True).ok


def test_a_name_withheld_from_a_reader_leaves_only_its_salted_commitment() -> None:
    out = io.BytesIO()
    anchor = ChainHead(CASE.case_id, len(RECORDS), RECORDS[-1].hash)
    lines = [(RECORDS[0], ("parties.1.name",))] + [(r, ()) for r in RECORDS[1:]]
    write_section(anchor, lines, out)
    data = out.getvalue()
    salt, name = RECORDS[0].contents()["parties.1.name"]
    assert name.encode() not in data and salt.hex().encode() not in data
    # Without the salt, the right guess does not reproduce the commitment.
    committed = RECORDS[0].committed()["parties.1.name"]
    assert audit.commitment("parties.1.name", b"", json.dumps(name)) != committed
    (result,) = audit.verify_export(io.BytesIO(data))
    assert result.ok and result.withheld == ((1, ("parties.1.name",)),)


def test_erased_paths_of_one_event_are_named_with_each_erasure() -> None:
    first = audit.erase_fields(RECORDS[0], ["parties.0.name"])
    erasure = ev.ContentErased(seq=len(RECORDS) + 1, at=CASE.events[-1].at, actor="dpo",
                               stage="closed", spans=("1.parties.0.name",), grounds="a",
                               role="dpo")  # fmt: skip
    second = ev.ContentErased(seq=len(RECORDS) + 2, at=CASE.events[-1].at, actor="dpo",
                              stage="closed", spans=("1.mediator.name",), grounds="b",
                              role="dpo")  # fmt: skip
    tail = audit.record_events(CASE.case_id, [erasure, second], RECORDS[-1].hash,
                               salts=seeded_salts(3))  # fmt: skip
    records = [audit.erase_fields(first, ["mediator.name"]), *RECORDS[1:], *tail]
    result = audit.verify(records, deep=True)
    assert result.ok
    assert [(s.seq, s.fields, s.grounds) for s in result.erased] == [
        (1, ("parties.0.name",), "a"),
        (1, ("mediator.name",), "b"),
    ]
    rows = [(r.seq, r.hash, r.body, r.content) for r in records]
    stored, events = audit.verify_stored(CASE.case_id, rows)
    assert stored == result and events == audit.decode_records(records)
    opening = events[0]
    assert isinstance(opening, ev.CaseOpened)
    assert (opening.parties[0].name, opening.mediator.name) == ("[erased]", "[erased]")


# -- what each reader sees, exactly (issue 19) ----------------------------------------------


def _redactions(case: Mediation, reader: str) -> list[tuple[int, list[str]]]:
    seen = audit.view(case, reader)
    found = [(entry["seq"], entry["redacted"]) for entry in seen.entries if "redacted" in entry]
    assert seen.redacted_count == len(found)
    for entry in seen.entries:
        assert all(entry[name] is None for name in entry.get("redacted", ()))
    return found


def test_each_reader_of_the_scripted_case_misses_exactly_what_is_not_theirs() -> None:
    """Each party misses the other's screening answers and caucus note, nothing else; the
    supervisor misses every screening and everything said; the mediator misses nothing."""
    screenings = {"lin": 5, "zhao": 7}
    notes = {"lin": 28, "zhao": 25}  # the note recorded in each party's own caucus
    for party, other in (("lin", "zhao"), ("zhao", "lin")):
        assert _redactions(CASE, party) == [
            *sorted([(screenings[other], ["answers"]), (notes[other], ["text"])]),
        ]
    assert _redactions(CASE, "chen") == []
    supervisor = _redactions(CASE, "hr-lead")
    assert len(supervisor) == 13
    assert supervisor[:3] == [(5, ["answers"]), (7, ["answers"]), (10, ["text"])]
    assert (14, ["comment"]) in supervisor


def test_a_screening_note_is_seen_by_the_screened_party_and_the_mediator_only() -> None:
    events = [
        attrs.evolve(e, note=f"Spoke with {e.party} alone.") if isinstance(e, ev.PartyScreened)
        else e
        for e in CASE.events
    ]  # fmt: skip
    case = Mediation.replay(events, clock=lambda: CASE.state.last_at)
    assert _redactions(case, "lin")[0] == (7, ["answers", "note"])
    assert _redactions(case, "zhao")[0] == (5, ["answers", "note"])
    assert _redactions(case, "hr-lead")[:2] == [(5, ["answers", "note"]), (7, ["answers", "note"])]
    lin = audit.view(case, "lin").entries[4]
    assert (lin["type"], lin["note"]) == ("party_screened", "Spoke with lin alone.")
    assert _redactions(case, "chen") == []


def test_a_reader_export_refuses_records_of_another_case_and_writes_nothing() -> None:
    other = [attrs.evolve(RECORDS[0], case_id="other"), *RECORDS[1:]]
    last_other = [*RECORDS[:-1], attrs.evolve(RECORDS[-1], case_id="other")]
    for records in (RECORDS[:-1], [*RECORDS, RECORDS[-1]], other, last_other):
        out = io.BytesIO()
        with pytest.raises(InvalidInput, match="not those of case"):
            audit.export_view(CASE, records, "lin", out)
        assert out.getvalue() == b""


def test_a_reader_export_signed_verifies_under_the_key() -> None:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ed25519

    pem = ed25519.Ed25519PrivateKey.generate().private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    signer = audit.Signer(pem)
    out = io.BytesIO()
    anchor = audit.export_view(CASE, RECORDS, "zhao", out, signer=signer)
    assert anchor == ANCHOR
    verifier = audit.Verifier(signer.public_pem())
    (result,) = audit.verify_export(io.BytesIO(out.getvalue()), verifier=verifier)
    assert result.ok and result.withheld == ((5, ("answers",)), (28, ("text",)))


def test_a_mediation_that_left_intake_once_took_place(
    new_case: Callable[..., Mediation], advance_to: Callable[[Mediation, str], Mediation]
) -> None:
    case = advance_to(new_case(), "listening")
    advances = [e for e in case.events if isinstance(e, ev.StageChanged)]
    assert [(e.trigger, e.source) for e in advances] == [("advance", "intake")]
    case.close("m", "impasse", "no movement")
    report = audit.authority_report(case)
    assert report.took_place and report.concluded and report.settled is False
    assert not audit.authority_report(advance_to(new_case(), "intake")).took_place


# -- the read log chain (issue 19) ----------------------------------------------------------


def _reads(case_id: str = CASE.case_id, count: int = 3) -> list[audit.ReadRecord]:
    chained: list[audit.ReadRecord] = []
    for hour in range(count):
        read = audit.ReadRecord(
            case_id, f"reader-{hour}", datetime(2026, 4, 1, 9 + hour, tzinfo=timezone.utc), "load"
        )
        chained.append(audit.chain_read(chained[-1].hash if chained else None, read))
    return chained


def test_a_read_is_chained_by_the_documented_formula() -> None:
    first, second = _reads(count=2)
    genesis = hashlib.sha256(b"mediation-reads-v2:" + CASE.case_id.encode()).hexdigest()
    assert audit.read_genesis(CASE.case_id) == genesis
    assert first.canonical() == (
        b'{"access":"load","at":"2026-04-01T09:00:00+00:00","case_id":"workload-2026-03",'
        b'"purpose":"","reader":"reader-0"}'
    )
    for previous, read in ((genesis, first), (first.hash, second)):
        leaf = hashlib.sha256(read.canonical()).digest()
        assert read.hash == hashlib.sha256(bytes.fromhex(previous) + leaf).hexdigest()


def test_an_intact_read_log_verifies_with_and_without_its_head() -> None:
    reads = _reads()
    for anchor in (None, (3, reads[-1].hash)):
        result = audit.verify_reads(CASE.case_id, reads, anchor)
        assert result == audit.Verification(CASE.case_id, 3, reads[-1].hash)
    empty = audit.verify_reads(CASE.case_id, [], (0, None))
    assert empty == audit.Verification(CASE.case_id, 0, audit.read_genesis(CASE.case_id))


def test_a_changed_removed_or_foreign_read_is_named_at_its_place() -> None:
    reads = _reads()
    changed = [reads[0], attrs.evolve(reads[1], purpose="curiosity"), reads[2]]
    removed = [reads[0], reads[2]]
    foreign = _reads("another-case", 1)  # a read chained as another case's first read
    for log, position, head in (
        (changed, 2, reads[0].hash),
        (removed, 2, reads[0].hash),
        (foreign, 1, audit.read_genesis(CASE.case_id)),
    ):
        result = audit.verify_reads(CASE.case_id, log)
        assert (result.count, result.head) == (position - 1, head)
        assert result.broken is not None
        assert (result.broken.seq, result.broken.code) == (position, "hash_mismatch")


def test_a_read_log_that_ends_before_or_after_its_head_is_named() -> None:
    reads = _reads()
    truncated = audit.verify_reads(CASE.case_id, reads[:2], (3, reads[-1].hash))
    assert (truncated.count, truncated.head) == (2, reads[1].hash)
    assert truncated.broken is not None
    assert (truncated.broken.seq, truncated.broken.code) == (None, "truncated")
    assert truncated.broken.message == ("the read log holds 2 reads but the store's head records 3")
    for anchor in ((3, "f" * 64), (2, reads[1].hash), (3, None)):
        result = audit.verify_reads(CASE.case_id, reads, anchor)
        assert result.broken is not None and result.broken.code == "head_mismatch", anchor
        assert (result.count, result.head) == (3, reads[-1].hash)
    emptied = audit.verify_reads(CASE.case_id, [], (1, reads[0].hash))
    assert emptied.broken is not None and emptied.broken.code == "truncated"


# -- upgrading sealed form 2 (issue 19) -----------------------------------------------------


def _in_the_clear(events: tuple[ev.Event, ...] = CASE.events) -> list[RecordedEvent]:
    """The events chained with every value in the clear (what form 2 kept nested)."""
    records, previous = [], audit.genesis(CASE.case_id)
    for event in events:
        body = audit.canonical_bytes(event)
        previous = audit.chain_hash(previous, body)
        records.append(RecordedEvent(CASE.case_id, event.seq, previous, body))
    return records


def test_upgrading_values_in_the_clear_seals_them_as_recording_them_does() -> None:
    """Every non-empty personal value is committed under the next 16 bytes the salt
    source gives, in the order recording draws them: the result is what recording the
    events anew gives, byte for byte; a chain already in form 3 comes out unchanged."""
    from mediation.audit.migration import FROM_VERSION, upgrade_v2

    assert FROM_VERSION == audit.CANONICAL_VERSION - 1 == 2  # the form before the current one
    assert tuple(upgrade_v2(CASE.case_id, _in_the_clear(), salts=seeded_salts(7))) == RECORDS
    assert upgrade_v2(CASE.case_id, RECORDS, salts=seeded_salts(1)) == RECORDS
    # the anchor is checked before anything is upgraded
    with pytest.raises(ChainBroken):
        upgrade_v2(CASE.case_id, RECORDS, anchor=ChainHead(CASE.case_id, COUNT, "f" * 64),
                   salts=seeded_salts(1))  # fmt: skip


@pytest.mark.parametrize(
    "salts", [lambda n: bytes(n - 1), lambda n: bytes(n + 1), lambda n: "0" * n]
)
def test_upgrading_refuses_a_salt_source_that_gives_the_wrong_bytes(
    salts: Callable[[int], Any],
) -> None:
    from mediation.audit.migration import upgrade_v2

    with pytest.raises(InvalidInput, match="number of random bytes"):
        upgrade_v2(CASE.case_id, _in_the_clear(), salts=salts)


# -- reading an export strictly (issue 19) --------------------------------------------------


def _refused(data: bytes, message: str) -> ChainBroken:
    with pytest.raises(ChainBroken, match=message) as caught:
        audit.read_export(io.BytesIO(data))
    assert caught.value.code == "malformed"
    return caught.value


def test_a_bad_line_inside_a_section_is_refused_with_the_case_it_belongs_to() -> None:
    assert _refused(EXPORTED[:-1], f"line {COUNT + 2} is incomplete").case_id == CASE.case_id
    spaced = EXPORTED.replace(b'"end":true', b'"end": true', 1)
    assert _refused(spaced, f"line {COUNT + 2} is not in the export format").case_id == (
        CASE.case_id
    )
    assert _refused(EXPORTED.split(b"\n", 1)[0][:-1], "line 1 is incomplete").case_id == ""


def test_a_line_that_starts_as_an_event_but_is_not_one_is_refused() -> None:
    line = EXPORTED.split(b"\n")[2]  # event 2
    head, _, tail = line.rpartition(b',"seq":2')  # the line's own seq, after the body's
    for changed in (
        line.replace(b'"hash":"', b'"hash":"0', 1),  # 65 hex digits
        head + b',"seq":02' + tail,
        head + b',"seq":"2"' + tail,
        line[:-1] + b',"extra":1}',
    ):
        _refused(EXPORTED.replace(line, changed), "line 3 is not an event line")


def test_an_event_line_before_any_header_is_refused() -> None:
    event_line = EXPORTED.split(b"\n")[1] + b"\n"
    assert _refused(event_line + EXPORTED, "line 1").case_id == ""


def test_a_withheld_list_is_a_non_empty_list_of_field_names() -> None:
    out = io.BytesIO()
    audit.export_view(CASE, RECORDS, "lin", out)
    data = out.getvalue()
    assert data.count(b'"withheld":["text"]') == 1
    for bad in (b'"withheld":[]', b'"withheld":["text",1]', b'"withheld":[1]'):
        _refused(data.replace(b'"withheld":["text"]', bad), f"line {NOTE_SEQ + 1}: bad withheld")
    spaced = data.replace(b'"withheld":["text"]', b'"withheld":[ "text"]')
    _refused(spaced, f"line {NOTE_SEQ + 1} holds JSON that is not canonical")


def test_the_body_and_the_content_of_an_event_line_are_canonical_json() -> None:
    line = EXPORTED.split(b"\n")[NOTE_SEQ]
    assert b'"salt":"' in line  # the note's content
    for changed in (
        line.replace(b'"actor":"', b'"actor": "', 1),  # the body
        line.replace(b'"salt":"', b'"salt": "', 1),  # the content
        line.replace(b'"actor":"', b'"actor":', 1),  # not JSON
    ):
        _refused(EXPORTED.replace(line, changed), f"line {NOTE_SEQ + 1} holds JSON that is not")


@pytest.mark.parametrize(("version", "hint"), [(1, True), (2, True), (4, False), (0, False)])
def test_an_export_of_another_version_says_whether_migrating_helps(
    version: int, hint: bool
) -> None:
    data = EXPORTED.replace(b'"version":3', b'"version":%d' % version, 1)
    error = _refused(data, f"line 1: export version {version} is not supported")
    assert ("migrate the store it came from" in str(error)) == hint
    assert error.case_id == CASE.case_id


# -- an export against signed heads (issue 19) ----------------------------------------------


def _heads(*heads: ChainHead) -> audit.SignedHeads:
    return audit.SignedHeads("store-1", heads, "00" * 32)


def test_an_export_passes_through_its_signed_heads_or_is_named() -> None:
    earlier = ChainHead(CASE.case_id, 20, RECORDS[19].hash)
    for head in (earlier, ANCHOR):
        (result,) = audit.verify_export_anchored(io.BytesIO(EXPORTED), _heads(head))
        assert result.ok and result.count == COUNT
    (rewritten,) = audit.verify_export_anchored(
        io.BytesIO(EXPORTED), _heads(ChainHead(CASE.case_id, 20, "f" * 64))
    )
    assert rewritten.broken is not None
    assert (rewritten.broken.seq, rewritten.broken.code) == (20, "head_mismatch")
    mine, dropped = audit.verify_export_anchored(
        io.BytesIO(EXPORTED), _heads(ChainHead("gone", 4, "ab" * 32))
    )
    assert mine.ok
    assert (dropped.case_id, dropped.count, dropped.head) == ("gone", 0, "")
    assert dropped.broken is not None and dropped.broken.code == "dropped"
    assert "(4 events)" in dropped.broken.message


def test_an_export_whose_own_trailer_fails_fails_whatever_the_signed_heads_say() -> None:
    longer = _export(RECORDS, ChainHead(CASE.case_id, COUNT + 1, ANCHOR.head))
    (result,) = audit.verify_export_anchored(io.BytesIO(longer), _heads(ANCHOR))
    assert result.broken is not None and result.broken.code == "truncated"
    (unreadable,) = audit.verify_export_anchored(io.BytesIO(b""), _heads(ANCHOR))
    assert (unreadable.count, unreadable.head) == (0, "")
    assert unreadable.broken is not None and unreadable.broken.code == "malformed"


def test_an_export_carries_each_record_as_stored_even_when_it_is_broken() -> None:
    """Exporting a broken store (``allow_broken``) writes what is stored, byte for byte,
    so that whoever verifies the file sees the same break."""
    records = list(RECORDS)
    records[NOTE_SEQ - 1] = attrs.evolve(records[NOTE_SEQ - 1], content=b'{"text":"x"}')
    out = io.BytesIO()
    audit.export_case(records, ANCHOR, out)
    line = out.getvalue().split(b"\n")[NOTE_SEQ]
    assert line.endswith(b',"content":{"text":"x"}}')
    (case,) = audit.read_export(io.BytesIO(out.getvalue()))
    assert list(case.records) == records
    (result,) = audit.verify_export(io.BytesIO(out.getvalue()))
    assert result.broken is not None
    assert (result.broken.seq, result.broken.code) == (NOTE_SEQ, "malformed")


# -- sealing, decoding and checking one record (issue 19) ------------------------------------


def _slot_order(record: RecordedEvent) -> list[str]:
    """The paths of the content ``record`` holds, in the order its sealing drew salts."""
    from mediation.audit import personal_slots

    held = record.contents()
    return [path for path, _, _ in personal_slots(record.envelope()) if path in held]


def test_each_value_is_salted_with_the_next_16_bytes_of_one_draw_per_event() -> None:
    drawn: list[bytes] = []

    def source(count: int) -> bytes:
        drawn.append(os.urandom(count))
        return drawn[-1]

    records = audit.record_events(CASE.case_id, CASE.events, salts=source)
    holding = [record for record in records if record.content is not None]
    assert len(drawn) == len(holding) == 18
    for record, draw in zip(holding, drawn, strict=True):
        salts = [record.contents()[path][0] for path in _slot_order(record)]
        assert all(len(salt) == audit.SALT_BYTES == 16 for salt in salts)
        assert b"".join(salts) == draw
    assert len(drawn[0]) == 16 * 6  # case_opened: three names, two roles, an issue title


@pytest.mark.parametrize("salts", [lambda n: bytes(n - 1), lambda n: bytes(n + 16), str])
def test_recording_refuses_a_salt_source_that_gives_the_wrong_bytes(
    salts: Callable[[int], Any],
) -> None:
    for events in (CASE.events[:1], CASE.events[9:10]):  # nested names; a statement
        with pytest.raises(InvalidInput, match="number of random bytes"):
            audit.record_events(CASE.case_id, events, salts=salts)


def test_an_event_that_cannot_be_encoded_is_refused_by_name() -> None:
    disclosure, statement = CASE.events[1], CASE.events[9]
    assert isinstance(disclosure, ev.DisclosureMade)  # sealed path by path
    assert isinstance(statement, ev.StatementMade)  # sealed field by field
    for event in (
        attrs.evolve(statement, text="lone \ud800 surrogate"),
        attrs.evolve(disclosure, statement="lone \ud800 surrogate"),
    ):
        with pytest.raises(InvalidInput, match=rf"event {event.seq} \({event.type_name}\) cannot"):
            audit.record_events(CASE.case_id, [event], salts=os.urandom)


def test_an_event_whose_one_value_is_nested_decodes_from_its_stored_row(
    new_case: Callable[..., Mediation],
) -> None:
    """A raised issue holds one personal value, its title, under a nested path: the row's
    content is that one path, and loading the rows gives the events back."""
    from mediation.model import Issue

    case = new_case()
    case.raise_issue("a", Issue("overtime", "Unpaid overtime since May"))
    records = audit.record_events(case.case_id, case.events, salts=os.urandom)
    raised = records[-1]
    assert raised.type_name == "issue_raised"
    assert list(raised.contents()) == ["issue.title"]
    assert raised.body.count(b'{"commitment":') == 1
    rows = [(r.body, r.content) for r in records]
    assert audit.decode_stored(rows) == list(case.events)
    assert audit.decode_records(records) == list(case.events)
    stored = [(r.seq, r.hash, r.body, r.content) for r in records]
    assert chain._verified_common(case.case_id, stored) == ()  # checked in the one pass
    result, events = audit.verify_stored(case.case_id, stored)
    assert result.ok and events == list(case.events)


def test_an_event_that_cannot_be_written_as_json_is_refused_by_name() -> None:
    consent = next(e for e in CASE.events if isinstance(e, ev.ConsentGiven))
    statement = next(e for e in CASE.events if isinstance(e, ev.StatementMade))
    for event in (
        attrs.evolve(consent, actor="lin \ud800"),  # no content: sealed as written
        attrs.evolve(statement, seconds=float("nan")),
    ):
        with pytest.raises(InvalidInput, match=rf"event {event.seq} \({event.type_name}\) cannot"):
            audit.record_events(CASE.case_id, [event], salts=os.urandom)


def test_a_relationship_note_is_committed_beside_the_statement_of_a_disclosure() -> None:
    from mediation.model import Relation

    disclosure = CASE.events[1]
    assert isinstance(disclosure, ev.DisclosureMade)
    noted = attrs.evolve(
        disclosure, relationships=(Relation("reports_to", "lin", "chen", note="since 2024"),)
    )
    records = audit.record_events(CASE.case_id, [CASE.events[0], noted], salts=os.urandom)
    assert sorted(records[1].contents()) == ["relationships.0.note", "statement"]
    assert b"since 2024" not in records[1].body
    for result in (audit.verify(records), audit.verify(records, deep=True)):
        assert result.ok and result.count == 2
    rows = [(r.seq, r.hash, r.body, r.content) for r in records]
    assert audit.verify_stored(CASE.case_id, rows)[1] == [CASE.events[0], noted]
    assert records[1].check_content() is None
    changed = attrs.evolve(
        records[1], content=(records[1].content or b"").replace(b"since 2024", b"since 2025")
    )
    broken = changed.check_content()
    assert broken is not None and (broken.seq, broken.code) == (2, "content_mismatch")
    assert "relationships.0.note of event 2" in broken.message


def test_check_content_names_a_changed_or_malformed_field() -> None:
    assert all(record.check_content() is None for record in (*RECORDS, *ERASED, *SCREENED))
    note = RECORDS[NOTE_SEQ - 1]
    assert note.content is not None
    changed = attrs.evolve(note, content=note.content.replace(b"resign", b"stay"))
    broken = changed.check_content()
    assert broken is not None
    assert (broken.seq, broken.code) == (NOTE_SEQ, "content_mismatch")
    assert broken.message == (
        f"the text of event {NOTE_SEQ} does not match its commitment: it was changed"
    )
    garbled = attrs.evolve(note, content=b'{"text":"no salt"}').check_content()
    assert garbled is not None and (garbled.seq, garbled.code) == (NOTE_SEQ, "malformed")


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"not json", "is not JSON"),
        (b"[1]", "is not a JSON object"),
        (b'{"text":"no salt"}', "content of 'text' is malformed"),
        (b'{"text":{"salt":"00","value":"x","more":1}}', "content of 'text' is malformed"),
        (b'{"text":{"salt":7,"value":"x"}}', "content of 'text' is malformed"),
        (b'{"text":{"salt":"zz","value":"x"}}', "salt of 'text' is not hex"),
    ],
)
def test_malformed_content_is_refused_and_verifies_as_malformed(
    content: bytes, message: str
) -> None:
    records = list(RECORDS)
    records[NOTE_SEQ - 1] = attrs.evolve(RECORDS[NOTE_SEQ - 1], content=content)
    with pytest.raises(InvalidInput, match=message):
        records[NOTE_SEQ - 1].contents()
    for deep in (False, True):
        broken = audit.verify(records, deep=deep).broken
        assert broken is not None and (broken.seq, broken.code) == (NOTE_SEQ, "malformed")


def test_a_body_that_is_not_json_is_refused_by_its_event() -> None:
    record = attrs.evolve(RECORDS[2], body=b'{"actor":')
    with pytest.raises(InvalidInput, match="event 3 of 'workload-2026-03' is not JSON"):
        record.envelope()
    with pytest.raises(InvalidInput, match="not a JSON object"):
        attrs.evolve(RECORDS[2], body=b'"text"').event()


def test_a_body_with_more_commitments_than_personal_values_is_malformed() -> None:
    """A chain forged whole around a body holding a commitment outside any personal path:
    the content held matches every personal value, yet the body commits to more."""
    records = _forged(NOTE_SEQ, b',"zzz":{"commitment":"00"}}')
    for result in (audit.verify(records), _one_by_one(records, None)):
        assert result.broken is not None
        assert (result.broken.seq, result.broken.code) == (NOTE_SEQ, "malformed")
        assert "holds content it does not commit to" in result.broken.message


def test_content_beside_a_body_that_commits_to_nothing_does_not_match() -> None:
    records = list(RECORDS)
    consent = records[2]
    assert consent.content is None and b'{"commitment":' not in consent.body
    records[2] = attrs.evolve(consent, content=RECORDS[NOTE_SEQ - 1].content)
    rows = [(r.seq, r.hash, r.body, r.content) for r in records]
    for result in (audit.verify(records), audit.verify_stored(CASE.case_id, rows)[0]):
        assert result.broken is not None
        assert (result.broken.seq, result.broken.code) == (3, "content_mismatch")


def test_a_stray_commitment_in_a_header_is_left_to_the_deep_check() -> None:
    """A body forged with a ``{"commitment": ...}`` outside any personal path commits to no
    content, so none is missing: the hashes verify, and the deep check (which reads the
    event and writes it back) finds the body is not what the event's canonical form is."""
    consent = next(e.seq for e in CASE.events if isinstance(e, ev.ConsentGiven))
    records = _forged(consent, b',"zzz":{"commitment":"00"}}')
    assert records[consent - 1].content is None
    for result in (audit.verify(records), _one_by_one(records, None)):
        assert result.ok and result.erased == ()
    broken = audit.verify(records, deep=True).broken
    assert broken is not None and (broken.seq, broken.code) == (consent, "malformed")


def test_reseal_puts_an_event_back_under_the_same_salts() -> None:
    for record, event in zip((*RECORDS, *SCREENED), (*CASE.events, *SCREENED_EVENTS), strict=True):
        assert audit.reseal(record, event) == record
    note = RECORDS[NOTE_SEQ - 1]
    event = CASE.events[NOTE_SEQ - 1]
    assert isinstance(event, ev.CaucusNoteRecorded)
    changed = audit.reseal(note, attrs.evolve(event, text="I will stay."))
    assert changed.body != note.body and changed.hash == note.hash
    assert changed.contents()["text"] == (note.contents()["text"][0], "I will stay.")
    with pytest.raises(InvalidInput, match=rf"event {NOTE_SEQ} holds no salt for \['text'\]"):
        audit.reseal(ERASED[NOTE_SEQ - 1], event)


SCREENED_EVENTS = audit.decode_records(SCREENED)


def test_decoding_puts_back_the_held_field_and_a_placeholder_for_the_erased_one() -> None:
    screening = audit.decode_records(SCREENED_ERASED)[SCREENING_SEQ - 1]
    original = SCREENED_EVENTS[SCREENING_SEQ - 1]
    assert isinstance(screening, ev.PartyScreened) and isinstance(original, ev.PartyScreened)
    assert original.note and screening.note == ""
    assert screening.answers == original.answers
    assert screening == attrs.evolve(original, note="")


def test_stored_rows_that_are_not_events_are_refused() -> None:
    body, content = RECORDS[NOTE_SEQ - 1].body, RECORDS[NOTE_SEQ - 1].content
    for stored in ([(b"not json", None)], [(body, b"not json")], [(body, b'{"text":"x"}')]):
        with pytest.raises(InvalidInput, match="a stored event is not well-formed"):
            audit.decode_stored(stored)
    assert audit.decode_stored([(body, content)]) == [CASE.events[NOTE_SEQ - 1]]


def test_unseal_puts_back_what_is_held_and_refuses_malformed_content() -> None:
    record = RECORDS[NOTE_SEQ - 1]
    held = json.loads(record.content or b"{}")
    assert audit.unseal(json.loads(record.body), held) == CASE.events[NOTE_SEQ - 1]
    erased = audit.unseal(json.loads(record.body), {})
    note = CASE.events[NOTE_SEQ - 1]
    assert isinstance(note, ev.CaucusNoteRecorded)
    assert erased == attrs.evolve(note, text="")
    with pytest.raises(InvalidInput, match="a stored event is not well-formed"):
        audit.unseal(json.loads(record.body), {"text": "not an entry"})


def _forged(statement: int, tail: bytes) -> list[RecordedEvent]:
    """The case rechained whole around a statement body ending in ``tail`` (a repeated
    key: JSON readers keep the last)."""
    forged = list(RECORDS)
    original = forged[statement - 1]
    forged[statement - 1] = attrs.evolve(original, body=original.body[:-1] + tail)
    previous = audit.genesis(CASE.case_id)
    for index, record in enumerate(forged):
        previous = audit.chain_hash(previous, record.body)
        forged[index] = attrs.evolve(record, hash=previous)
    return forged


def test_a_repeated_field_is_decoded_as_written_whatever_it_says() -> None:
    statement = next(e.seq for e in CASE.events if isinstance(e, ev.StatementMade))
    forged = _forged(statement, b',"text":"my commitment stands"}')
    rows = [(r.seq, r.hash, r.body, r.content) for r in forged]
    result, events = audit.verify_stored(CASE.case_id, rows)
    assert result.ok
    for decoded in (events, audit.decode_records(forged)):
        assert decoded[statement - 1].text == "my commitment stands"  # type: ignore[attr-defined]
    forged = _forged(statement, b',"text":{"said":"x"}}')  # a table, not a commitment
    rows = [(r.seq, r.hash, r.body, r.content) for r in forged]
    result, events = audit.verify_stored(CASE.case_id, rows)
    assert result.ok and events == audit.decode_records(forged)
    committed = CASE.events[statement - 1]
    assert events[statement - 1] != committed  # what the body says, not what it committed
    assert events[: statement - 1] == list(CASE.events[: statement - 1])


def test_erasing_what_is_not_held_says_which_and_changes_nothing() -> None:
    note = RECORDS[NOTE_SEQ - 1]
    erased = audit.erase_fields(note, ["text", "text"])
    assert erased.content is None and erased.hash == note.hash and erased.body == note.body
    with pytest.raises(NothingToErase, match=r"holds no content in \['text'\] to erase"):
        audit.erase_fields(erased, ["text"])
    with pytest.raises(NothingToErase, match="holds no content in no field to erase"):
        audit.erase_fields(note, [])
    with pytest.raises(NothingToErase, match=r"in \['comment'\]"):
        audit.erase_fields(note, ["text", "comment"])
    opening = RECORDS[0]
    left = audit.erase_fields(opening, ["parties.0.name"])
    assert sorted(left.contents()) == sorted(set(opening.contents()) - {"parties.0.name"})


# -- verify: where and how a chain breaks (issue 19) -----------------------------------------


def test_a_chain_verified_without_its_case_id_takes_the_first_records() -> None:
    other = non_mediable_case()
    stranger = audit.record_events(other.case_id, other.events, salts=os.urandom)[3]
    records = [*RECORDS[:3], attrs.evolve(stranger, seq=4)]
    broken = audit.verify(records).broken
    assert broken is not None and (broken.seq, broken.code) == (4, "wrong_case")
    empty = audit.verify([], anchor=ChainHead("nothing-yet", 0, audit.genesis("nothing-yet")))
    assert empty.ok and (empty.case_id, empty.count) == ("nothing-yet", 0)


def test_the_gap_of_missing_events_is_named() -> None:
    records = [*RECORDS[:4], *RECORDS[6:]]
    broken = audit.verify(records).broken
    assert broken is not None and (broken.seq, broken.code) == (5, "missing")
    assert broken.message == "events 5 to 6 are missing (the next one stored is 7)"


def test_an_anchor_names_where_the_chain_and_it_part() -> None:
    one_short = audit.verify(RECORDS[:-1], anchor=ANCHOR).broken
    assert one_short is not None and (one_short.seq, one_short.code) == (COUNT, "truncated")
    assert f"event {COUNT} was removed" in one_short.message
    early = audit.verify(RECORDS, anchor=ChainHead(CASE.case_id, 30, RECORDS[29].hash)).broken
    assert early is not None and (early.seq, early.code) == (31, "extra")
    rewritten = audit.verify(RECORDS, anchor=ChainHead(CASE.case_id, COUNT, "f" * 64)).broken
    assert rewritten is not None and (rewritten.seq, rewritten.code) == (COUNT, "head_mismatch")
    assert f"at event {COUNT} differs" in rewritten.message


@pytest.mark.parametrize("earlier", [False, True])
def test_a_chain_passes_through_a_head_taken_after_its_first_event(earlier: bool) -> None:
    first = ChainHead(CASE.case_id, 1, RECORDS[0].hash)
    result = audit.verify(RECORDS, anchor=first, anchor_is_earlier=earlier)
    assert result == _one_by_one(list(RECORDS), first, earlier=earlier)
    assert result.ok == earlier
    wrong = audit.verify(RECORDS, anchor=attrs.evolve(first, head="f" * 64), anchor_is_earlier=True)
    assert wrong.broken is not None and (wrong.broken.seq, wrong.broken.code) == (
        1,
        "head_mismatch",
    )
    nothing = audit.verify([], case_id=CASE.case_id, anchor=ChainHead(CASE.case_id, 0, "f" * 64))
    assert nothing.broken is not None
    assert (nothing.broken.seq, nothing.broken.code) == (None, "head_mismatch")


def test_every_erasure_of_one_event_is_named_with_its_own_event() -> None:
    first = audit.erase_fields(RECORDS[0], ["parties.0.name"])
    erasures = [
        ev.ContentErased(seq=COUNT + n, at=CASE.events[-1].at, actor="dpo", stage="closed",
                         spans=(span,), grounds=grounds, role="dpo")
        for n, span, grounds in ((1, "1.parties.0.name", "a"), (2, "1.mediator.name", "a"))
    ]  # fmt: skip
    tail = audit.record_events(CASE.case_id, erasures, RECORDS[-1].hash, salts=seeded_salts(3))
    records = [audit.erase_fields(first, ["mediator.name"]), *RECORDS[1:], *tail]
    result = audit.verify(records)
    assert [(s.seq, s.fields, s.erasure_seq) for s in result.erased] == [
        (1, ("parties.0.name",), COUNT + 1),
        (1, ("mediator.name",), COUNT + 2),
    ]


def test_deep_verification_names_an_event_out_of_its_place() -> None:
    opening = CASE.events[0]
    consent = CASE.events[2]
    recorded = audit.record_events(
        CASE.case_id, [opening, attrs.evolve(consent, seq=5)], salts=os.urandom
    )
    misnumbered = [recorded[0], attrs.evolve(recorded[1], seq=2)]
    previous = audit.chain_hash(misnumbered[0].hash, misnumbered[1].body)
    misnumbered[1] = attrs.evolve(misnumbered[1], hash=previous)
    broken = audit.verify(misnumbered, deep=True).broken
    assert broken is not None and (broken.seq, broken.code) == (2, "seq_mismatch")
    assert broken.message == "event 2 says it is event 5"
    not_opening = audit.record_events(
        CASE.case_id, [attrs.evolve(consent, seq=1)], salts=os.urandom
    )
    other = non_mediable_case()
    elsewhere = audit.record_events(CASE.case_id, other.events[:1], salts=os.urandom)
    for records in (not_opening, elsewhere):
        assert audit.verify(records).ok
        broken = audit.verify(records, deep=True).broken
        assert broken is not None and (broken.seq, broken.code) == (1, "malformed")
        assert broken.message == f"event 1 does not open case {CASE.case_id!r}"


def test_content_not_in_canonical_form_fails_deep_verification() -> None:
    records = list(RECORDS)
    note = records[NOTE_SEQ - 1]
    assert note.content is not None
    spaced = note.content.replace(b'"value":', b'"value": ', 1)
    records[NOTE_SEQ - 1] = attrs.evolve(note, content=spaced)
    assert audit.verify(records).ok  # the value's JSON is the same
    broken = audit.verify(records, deep=True).broken
    assert broken is not None and (broken.seq, broken.code) == (NOTE_SEQ, "not_canonical")


@pytest.mark.parametrize("mediator", [["name"], "name", None, 7])
def test_a_well_hashed_opening_of_the_wrong_shape_is_malformed_not_an_error(
    mediator: object,
) -> None:
    """Deep verification reads a body of any shape: a forged ``mediator`` that is not a
    table (a list, text, null) is reported as malformed, never raised."""
    data = ev.to_dict(CASE.events[0])
    data["mediator"] = mediator
    body = json_text(data).encode()
    forged = [
        RecordedEvent(CASE.case_id, 1, audit.chain_hash(audit.genesis(CASE.case_id), body), body)
    ]
    assert audit.verify(forged).ok
    broken = audit.verify(forged, deep=True).broken
    assert broken is not None and (broken.seq, broken.code) == (1, "malformed")


# -- sealing in one pass (the generated writers) agrees with the documented construction


def _sealed_as_documented(event: ev.Event, salts: bytes) -> tuple[bytes, bytes | None]:
    """The sealed body and content as ``docs/audit.md`` defines them, from the event's
    JSON form with ``json.dumps``: the oracle for the store's sealing."""
    from mediation.audit._personal import personal_slots  # the paths' table

    data = ev.to_dict(event)
    places = [place for place in personal_slots(data) if place[1][place[2]]]
    content: dict[str, Any] = {}
    for index, (path, container, key) in enumerate(places):
        salt = salts[16 * index : 16 * (index + 1)]
        value = json.dumps(
            container[key], sort_keys=True, separators=(",", ":"), ensure_ascii=False
        )
        digest = hashlib.sha256(
            b"mediation-commit-v2\x00" + path.encode() + b"\x00" + salt + value.encode()
        ).hexdigest()
        content[path] = {"salt": salt.hex(), "value": container[key]}
        container[key] = {"commitment": digest}

    def dumps(value: Any) -> bytes:
        return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()

    return dumps(data), (dumps(content) if content else None)


def _every_type_of_event() -> list[ev.Event]:
    from tests.test_events import _all_recorded_events  # one case of each type

    return _all_recorded_events()


_EVERY_TYPE = _every_type_of_event()


@given(
    st.sampled_from(_EVERY_TYPE) | event_histories().flatmap(st.sampled_from),
    st.text(),
    st.binary(min_size=16 * 40, max_size=16 * 40),
)
def test_sealing_writes_the_documented_bytes_for_every_event_type(
    event: ev.Event, text: str, salts: bytes
) -> None:
    """The store's sealing (a generated writer with a hook at the content fields, or the
    JSON form) writes byte for byte what the documented construction gives, with any
    text in a content field, and draws one salt per non-empty personal value."""
    texts: dict[str, Any] = {
        name: text
        for name in chain._CONTENT_OF.get(type(event), ())
        if isinstance(getattr(event, name), str)
    }
    for candidate in (event, attrs.evolve(event, **texts)) if texts else (event,):
        asked: list[int] = []

        def draw(count: int, asked: list[int] = asked) -> bytes:
            asked.append(count)
            return salts[:count]

        try:
            expected = _sealed_as_documented(candidate, salts)
        except UnicodeEncodeError:  # a lone surrogate: refused either way
            with pytest.raises(InvalidInput):
                chain._seal(candidate, draw)
            continue
        assert chain._seal(candidate, draw) == expected
        assert chain._seal_in_json_form(candidate, draw) == expected
        held = RecordedEvent("c", candidate.seq, "0" * 64, *expected).contents()
        assert asked == ([16 * len(held)] * 2 if held else [])  # _seal, then the JSON form
        salt_of = {path: salt for path, (salt, _) in held.items()}
        assert chain._seal(candidate, salt_of) == expected  # salts given per path (reseal)


def test_a_value_not_of_its_declared_type_is_sealed_the_general_way() -> None:
    at = datetime(2026, 3, 2, 9, tzinfo=timezone.utc)
    odd = ev.StatementMade(seq=4, at=at, actor="a", stage="listening", text="t", seconds=1.0)
    object.__setattr__(odd, "seconds", 3)  # an int where a float is declared
    assert chain._SEALED_WRITERS[ev.StatementMade](odd, lambda name, text: text) is None
    salts = bytes(range(16))
    assert chain._seal(odd, lambda count: salts) == _sealed_as_documented(odd, salts)
    assert b'"seconds":3,' in chain._seal(odd, lambda count: salts)[0]


# -- a verified load checks the stored bodies against the store's head


def _relinked(records: list[RecordedEvent]) -> list[RecordedEvent]:
    """The rows as a load reads them (no case id, no stored hash), with each hash the
    one their bodies give: what the head-only check amounts to, record by record."""
    previous = audit.genesis(CASE.case_id)
    relinked = []
    for record in records:
        previous = audit.chain_hash(previous, record.body)
        relinked.append(
            RecordedEvent(CASE.case_id, record.seq, previous, record.body, record.content)
        )
    return relinked


_BASES = (RECORDS, ERASED, SCREENED, SCREENED_ERASED)
_HEADS = [ChainHead(CASE.case_id, base[-1].seq, base[-1].hash) for base in _BASES]


@given(_tampered(), st.sampled_from(range(len(_BASES))))
def test_a_load_against_the_head_takes_exactly_the_events_the_head_commits_to(
    records: list[RecordedEvent], which: int
) -> None:
    """``verified_events`` (the verified load) returns events exactly when the rows'
    bodies and contents verify record by record up to the store's head — whatever the
    stored hashes say — and then they are the events of the records that head was
    written for."""
    head = _HEADS[which]
    rows = [(r.seq, r.body, r.content) for r in records]
    events = audit.verified_events(CASE.case_id, rows, head)
    expected = _one_by_one(_relinked(records), head)
    assert (events is not None) == expected.ok
    if events is not None:
        assert events == audit.decode_records(_BASES[which])


def test_a_load_against_the_head_refuses_a_head_of_another_case_or_length() -> None:
    rows = [(r.seq, r.body, r.content) for r in RECORDS]
    assert audit.verified_events(CASE.case_id, rows, ANCHOR) == list(CASE.events)
    assert audit.verified_events(CASE.case_id, [], ANCHOR) is None
    assert audit.verified_events(CASE.case_id, rows[:-1], ANCHOR) is None
    assert audit.verified_events("another", rows, ANCHOR) is None
    earlier = ChainHead(CASE.case_id, RECORDS[-2].seq, RECORDS[-2].hash)
    assert audit.verified_events(CASE.case_id, rows, earlier) is None  # a later append
    moved = ChainHead(CASE.case_id, COUNT, RECORDS[-2].hash)
    assert audit.verified_events(CASE.case_id, rows, moved) is None
    # The right last hash is not enough: the head must name this case and this length.
    longer = ChainHead(CASE.case_id, COUNT + 1, RECORDS[-1].hash)
    assert audit.verified_events(CASE.case_id, rows, longer) is None
    elsewhere = ChainHead("another", COUNT, RECORDS[-1].hash)
    assert audit.verified_events(CASE.case_id, rows, elsewhere) is None
