"""Every attack of issue 14 re-run against the landed code: each is now detected or impossible.

- recovered digest: a reader tests guesses of withheld content against what the export
  carries;
- whole-chain rewrite, truncation with the head rewritten, a dropped case: consistent
  rewrites that pass the store's own head;
- summary edit: hiding a case from ``overdue()``;
- blanked statement: content removed in the database;
- flipped statement: a verified load refuses it;
- a stranger's read.
"""

from __future__ import annotations

import hashlib
import io
import itertools
import json
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from fractions import Fraction
from pathlib import Path

import pytest
import sqlalchemy as sa
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ed25519

from mediation import audit
from mediation import events as ev
from mediation.audit import Signer, Verifier
from mediation.clocks import ManualClock
from mediation.errors import IntegrityError, NotAuthorized
from mediation.store import (
    InMemoryStore,
    Repository,
    anchor_store,
    verify_anchors,
    verify_case,
)
from mediation.store._summary import summarize
from mediation.store.sql import SQLStore, _summary_values, cases_table, events_table
from mediation.testing import screen_all, scripted_case

_NOW = datetime(2026, 3, 2, 12, tzinfo=timezone.utc)


def _keys() -> tuple[Signer, Verifier]:
    key = ed25519.Ed25519PrivateKey.generate()
    private = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    signer = Signer(private)
    return signer, Verifier(signer.public_pem())


def _valuation_case() -> tuple[InMemoryStore, str]:
    """A case where party a gives confidential valuations (62/38) in caucus."""
    from mediation.case import Mediation
    from mediation.model import Mediator, Party

    clock = ManualClock(datetime(2026, 3, 2, 9, tzinfo=timezone.utc), tick=timedelta(minutes=1))
    case = Mediation.open("val-1", [Party("a", "Ann"), Party("b", "Bo")], Mediator("m", "Mo"),
                          clock=clock)  # fmt: skip
    case.disclose("m", "No ties.", [])
    case.consent("a")
    case.consent("b")
    screen_all(case)
    case.advance("m")
    case.speak("a", "I want the car.", 60)
    case.speak("b", "I want the car too.", 60)
    case.open_caucus("m", "a")
    case.give_valuations("a", {"car": Fraction(62), "flat": Fraction(38)})
    case.close_caucus("m")
    store = InMemoryStore()
    store.append(case.case_id, case.events, 0)
    return store, case.case_id


def test_the_recovered_digest_attack_is_impossible() -> None:
    """Party b had recovered a's valuations from an unsalted digest in 6,301 guesses; the
    same search over every split now finds nothing to compare against."""
    store, case_id = _valuation_case()
    repo = Repository(store, clock=lambda: _NOW)
    out = io.BytesIO()
    repo.export_for(out, [case_id], reader="b")
    lines = [json.loads(line) for line in out.getvalue().splitlines()[1:-1]]
    (line,) = [entry for entry in lines if entry["event"]["type"] == "valuations_given"]
    assert line["withheld"] == ["valuations"] and "content" not in line
    committed = line["event"]["valuations"]["commitment"]
    # Everything b could test a guess against: the sealed body and its commitment.
    matches = 0
    for car in range(101):
        guess = {"car": str(Fraction(car)), "flat": str(Fraction(100 - car))}
        text = json.dumps(guess, sort_keys=True, separators=(",", ":"))
        unsalted = hashlib.sha256(text.encode()).hexdigest()
        without_salt = audit.commitment("valuations", b"", text)
        zero_salt = audit.commitment("valuations", bytes(16), text)
        matches += committed in (unsalted, without_salt, zero_salt)
        matches += unsalted.encode() in out.getvalue()
    assert matches == 0
    assert b'"62"' not in out.getvalue() and b'"38"' not in out.getvalue()
    # ... and the salt that would make the search possible is not in the export.
    (record,) = [r for r in store.records(case_id) if r.type_name == "valuations_given"]
    salt, value = record.contents()["valuations"]
    assert value == {"car": "62", "flat": "38"}
    assert salt.hex().encode() not in out.getvalue()
    # The reader still verifies the chain.
    (result,) = audit.verify_export(io.BytesIO(out.getvalue()))
    assert result.ok


def _rewritten(store: SQLStore, case_id: str, tail: int) -> None:
    """Rewrite a case from the start with different statements, recomputing every hash
    and the store's head: a consistent rewrite the store's own head cannot catch."""
    records = store.records(case_id)
    events = audit.decode_records(records)
    changed = [
        ev.from_dict({**ev.to_dict(e), "text": "I never complained."})
        if isinstance(e, ev.StatementMade)
        else e
        for e in events
    ][: len(events) - tail]
    rechained = audit.record_events(case_id, changed, salts=lambda n: bytes(n))
    with store.engine.begin() as conn:
        conn.execute(sa.delete(events_table).where(events_table.c.case_id == case_id))
        for record in rechained:
            conn.execute(
                sa.insert(events_table).values(
                    case_id=case_id,
                    seq=record.seq,
                    hash=record.hash,
                    body=record.body,
                    content=record.content,
                )
            )
        summary, tracker = summarize(case_id, changed, rechained[-1].hash, None, None)
        conn.execute(
            sa.update(cases_table)
            .where(cases_table.c.case_id == case_id)
            .values(**_summary_values(summary, tracker))
        )


@pytest.fixture
def signed_store(tmp_path: Path) -> Iterator[tuple[SQLStore, bytes, Verifier]]:
    store = SQLStore(tmp_path / "cases.db")
    for number in range(3):
        case = scripted_case(f"case-{number}")
        store.append(case.case_id, case.events, 0)
    signer, verifier = _keys()
    anchors = anchor_store(store, signer)
    yield store, anchors, verifier
    store.close()


def test_signed_heads_verify_an_untouched_store(
    signed_store: tuple[SQLStore, bytes, Verifier],
) -> None:
    store, anchors, verifier = signed_store
    results = verify_anchors(store, anchors, verifier)
    assert [r.ok for r in results] == [True, True, True]


@pytest.mark.parametrize(("tail", "code"), [(0, "head_mismatch"), (3, "truncated")])
def test_a_whole_chain_rewrite_and_a_truncation_are_detected(
    signed_store: tuple[SQLStore, bytes, Verifier], tail: int, code: str
) -> None:
    store, anchors, verifier = signed_store
    _rewritten(store, "case-1", tail)
    assert verify_case(store, "case-1", deep=True).ok  # head and summary rewritten too
    results = {r.case_id: r for r in verify_anchors(store, anchors, verifier)}
    broken = results["case-1"].broken
    assert broken is not None and broken.code == code
    assert results["case-0"].ok and results["case-2"].ok


def test_a_dropped_case_is_detected(signed_store: tuple[SQLStore, bytes, Verifier]) -> None:
    store, anchors, verifier = signed_store
    with store.engine.begin() as conn:
        conn.execute(sa.delete(events_table).where(events_table.c.case_id == "case-2"))
        conn.execute(sa.delete(cases_table).where(cases_table.c.case_id == "case-2"))
    results = {r.case_id: r for r in verify_anchors(store, anchors, verifier)}
    broken = results["case-2"].broken
    assert broken is not None and broken.code == "dropped"


def test_a_case_dropped_from_an_export_is_detected(
    signed_store: tuple[SQLStore, bytes, Verifier],
) -> None:
    store, anchors, verifier = signed_store
    out = io.BytesIO()
    from mediation.store import export_store

    export_store(store, out, ["case-0", "case-2"])
    signed = audit.read_anchors(anchors, verifier, store_id=store.store_id)
    results = {
        r.case_id: r for r in audit.verify_export_anchored(io.BytesIO(out.getvalue()), signed)
    }
    assert results["case-0"].ok and results["case-2"].ok
    broken = results["case-1"].broken
    assert broken is not None and broken.code == "dropped"


def test_events_appended_after_signing_are_fine(
    signed_store: tuple[SQLStore, bytes, Verifier],
) -> None:
    store, anchors, verifier = signed_store
    case = scripted_case("case-3", close=False)
    store.append(case.case_id, case.events, 0)
    assert all(r.ok for r in verify_anchors(store, anchors, verifier))


def test_a_summary_edit_that_hides_an_overdue_case_is_detected(tmp_path: Path) -> None:
    store = SQLStore(tmp_path / "cases.db")
    case = scripted_case("late", close=False)
    store.append(case.case_id, case.events, 0)
    with store.engine.begin() as conn:
        conn.execute(
            sa.update(cases_table)
            .where(cases_table.c.case_id == "late")
            .values(next_due=None, stage="closed", outcome="settled")
        )
    result = verify_case(store, "late")
    assert result.broken is not None and result.broken.code == "summary_mismatch"
    assert "stage is 'closed' in the store" in result.broken.message
    store.close()


def test_a_blanked_statement_is_detected_and_an_erased_one_is_not_a_break(
    tmp_path: Path,
) -> None:
    store = SQLStore(tmp_path / "cases.db")
    case = scripted_case("blank")
    store.append(case.case_id, case.events, 0)
    seq = next(e.seq for e in case.events if isinstance(e, ev.StatementMade))
    with store.engine.begin() as conn:  # blank it in the database, no erasure event
        conn.execute(
            sa.update(events_table)
            .where(events_table.c.case_id == "blank", events_table.c.seq == seq)
            .values(content=None)
        )
    result = verify_case(store, "blank")
    assert result.broken is not None
    assert (result.broken.seq, result.broken.code) == (seq, "content_missing")
    store.close()


def test_a_flipped_statement_does_not_load(tmp_path: Path) -> None:
    store = SQLStore(tmp_path / "cases.db")
    case = scripted_case("flip")
    store.append(case.case_id, case.events, 0)
    seq = next(e.seq for e in case.events if isinstance(e, ev.StatementMade))
    record = store.records("flip")[seq - 1]
    assert record.content is not None
    flipped = record.content.replace(b"two workloads", b"one workload.")
    with store.engine.begin() as conn:
        conn.execute(
            sa.update(events_table)
            .where(events_table.c.case_id == "flip", events_table.c.seq == seq)
            .values(content=flipped)
        )
    repo = Repository(store, clock=lambda: _NOW)
    with pytest.raises(IntegrityError) as caught:
        repo.load("flip")
    assert (caught.value.seq, caught.value.code) == (seq, "content_mismatch")
    # The documented opt-out loads what the database holds.
    assert repo.load("flip", verify=False).version == case.version
    assert Repository(store, clock=lambda: _NOW, verify_loads=False).load("flip")
    store.close()


def _statement_seq() -> int:
    return next(e.seq for e in scripted_case("x").events if isinstance(e, ev.StatementMade))


@pytest.mark.parametrize(
    ("edit", "code", "at"),
    [
        ("body", "hash_mismatch", 5),  # a header byte changed (the actor)
        ("delete", "missing", 5),  # an event removed from the middle
        ("last", "truncated", 0),  # the last event removed, the head left as it was
        ("blank", "content_missing", -1),  # a statement's content removed
        ("swap", "content_mismatch", -1),  # another statement's content put in its place
    ],
)
def test_every_change_to_the_stored_rows_stops_a_verified_load(
    tmp_path: Path, edit: str, code: str, at: int
) -> None:
    store = SQLStore(tmp_path / "cases.db")
    case = scripted_case("edited")
    store.append(case.case_id, case.events, 0)
    seq = {0: case.version, -1: _statement_seq()}.get(at, at)
    records = store.records("edited")
    row = events_table.c.case_id == "edited"
    with store.engine.begin() as conn:
        where = sa.update(events_table).where(row, events_table.c.seq == seq)
        if edit == "body":
            conn.execute(
                where.values(body=records[seq - 1].body.replace(b'"actor":"', b'"actor":"x', 1))
            )
        elif edit in ("delete", "last"):
            conn.execute(sa.delete(events_table).where(row, events_table.c.seq == seq))
        elif edit == "blank":
            conn.execute(where.values(content=None))
        else:
            other = next(r for r in records[seq:] if r.type_name == "statement_made" and r.content)
            conn.execute(where.values(content=other.content))
    repo = Repository(store, clock=lambda: _NOW)
    with pytest.raises(IntegrityError) as caught:
        repo.load("edited")
    assert (caught.value.seq, caught.value.code) == (seq, code)
    assert f"{seq}" in str(caught.value)
    store.close()


def test_an_erased_case_loads_verified(tmp_path: Path) -> None:
    """Erased content is not a break: the case loads, the erased text empty."""
    store = SQLStore(tmp_path / "cases.db")
    case = scripted_case("erased")
    store.append(case.case_id, case.events, 0)
    repo = Repository(store, clock=lambda: _NOW, policy=audit.DataPolicy())
    seq = _statement_seq()
    repo.erase("erased", actor="dpo", role="data_protection_officer", grounds="request", seq=seq)
    loaded = repo.load("erased")
    assert loaded.version == case.version + 1
    assert loaded.events[seq - 1].text == ""  # type: ignore[attr-defined]
    assert loaded.events[: seq - 1] == case.events[: seq - 1]
    store.close()


def test_a_stranger_cannot_load_and_nothing_is_recorded() -> None:
    store, case_id = _valuation_case()
    repo = Repository(store, clock=lambda: _NOW)
    with pytest.raises(NotAuthorized):
        repo.load(case_id, reader="stranger")
    assert repo.reads(case_id) == ()
    repo.load(case_id, reader="b")
    assert [r.reader for r in repo.reads(case_id)] == ["b"]


def test_a_tampered_read_log_is_detected(tmp_path: Path) -> None:
    store = SQLStore(tmp_path / "cases.db")
    case = scripted_case("reads")
    store.append(case.case_id, case.events, 0)
    repo = Repository(store, clock=lambda: _NOW)
    for reader in ("lin", "zhao", "chen"):
        repo.load("reads", reader=reader, purpose="check")
    assert repo.verify_reads("reads").ok
    from mediation.store.sql import reads_table

    with store.engine.begin() as conn:  # hide that zhao read it
        conn.execute(sa.delete(reads_table).where(reads_table.c.reader == "zhao"))
    assert not repo.verify_reads("reads").ok
    store.close()


def test_forty_three_consistent_rewrites_all_fail_against_signed_heads(tmp_path: Path) -> None:
    """The issue's figure: 43 of 43 consistent rewrites passed `verify`. Re-run a grid
    of 43 (case x cut point x kind) against signed heads: none passes."""
    store = SQLStore(tmp_path / "cases.db")
    ids = [f"r-{n}" for n in range(3)]
    for case_id in ids:
        case = scripted_case(case_id)
        store.append(case.case_id, case.events, 0)
    signer, verifier = _keys()
    anchors = anchor_store(store, signer)
    pristine = {case_id: store.records(case_id) for case_id in ids}
    attempts = [*list(itertools.product(ids, range(14), ("rewrite",))), ("r-0", 0, "drop")]
    undetected = 0
    for case_id, tail, kind in attempts:
        if kind == "drop":
            with store.engine.begin() as conn:
                conn.execute(sa.delete(events_table).where(events_table.c.case_id == case_id))
                conn.execute(sa.delete(cases_table).where(cases_table.c.case_id == case_id))
        else:
            _rewritten(store, case_id, tail)
        undetected += all(r.ok for r in verify_anchors(store, anchors, verifier))
        _restore(store, case_id, pristine[case_id])
    assert len(attempts) == 43
    assert undetected == 0
    store.close()


def _restore(store: SQLStore, case_id: str, records: tuple[audit.RecordedEvent, ...]) -> None:
    with store.engine.begin() as conn:
        conn.execute(sa.delete(events_table).where(events_table.c.case_id == case_id))
        conn.execute(sa.delete(cases_table).where(cases_table.c.case_id == case_id))
    store.adopt(case_id, records)
    assert verify_case(store, case_id).ok


def test_a_rewritten_stored_hash_loads_but_does_not_verify(tmp_path: Path) -> None:
    """A load checks the events against the store's head: a stored hash rewritten with
    every body and content intact changes no event, so the case loads as recorded;
    ``verify`` checks every stored link and names it."""
    store = SQLStore(tmp_path / "cases.db")
    case = scripted_case("relinked")
    store.append(case.case_id, case.events, 0)
    with store.engine.begin() as conn:
        conn.execute(
            sa.update(events_table)
            .where(events_table.c.case_id == "relinked", events_table.c.seq == 5)
            .values(hash="0" * 64)
        )
    assert Repository(store, clock=lambda: _NOW).load("relinked").events == case.events
    result = verify_case(store, "relinked")
    assert result.broken is not None
    assert (result.broken.seq, result.broken.code) == (5, "hash_mismatch")
    store.close()


def test_reordered_rows_stop_a_verified_load_at_the_first_moved_event(tmp_path: Path) -> None:
    store = SQLStore(tmp_path / "cases.db")
    case = scripted_case("moved")
    store.append(case.case_id, case.events, 0)
    records = store.records("moved")
    with store.engine.begin() as conn:
        for seq, record in ((5, records[5]), (6, records[4])):  # events 5 and 6 swapped
            conn.execute(
                sa.update(events_table)
                .where(events_table.c.case_id == "moved", events_table.c.seq == seq)
                .values(hash=record.hash, body=record.body, content=record.content)
            )
    with pytest.raises(IntegrityError) as caught:
        Repository(store, clock=lambda: _NOW).load("moved")
    assert (caught.value.seq, caught.value.code) == (5, "hash_mismatch")
    store.close()
