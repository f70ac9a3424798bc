"""The store conformance suite: what every :class:`~mediation.store.EventStore` must do.

Run it against a third-party store in either of two ways:

- with pytest, subclass :class:`StoreConformance` in a test module, name the subclass
  ``Test...`` and implement :meth:`StoreConformance.make_store`;
- with anything else, call :func:`check_store` with a factory.

The checks use fresh, unique case ids, so a factory may hand back the same (shared,
non-empty) store every time, e.g. one PostgreSQL database.
"""

from __future__ import annotations

import itertools
import threading
import uuid
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta, timezone

from mediation import audit
from mediation import events as ev
from mediation.audit import DataPolicy
from mediation.case import Mediation
from mediation.clocks import ManualClock
from mediation.errors import CaseNotFound, ConcurrencyError, InvalidInput
from mediation.model import (
    ERASED_TEXT,
    NO_CONCERNS,
    Issue,
    Mediator,
    Party,
    Relation,
    RelationKind,
)
from mediation.policy import Policy
from mediation.store import (
    EventStore,
    ManagedStore,
    ReadLog,
    Repository,
    retry_on_conflict,
    spans_of_party,
    verify_case,
)

__all__ = ["StoreConformance", "check_store", "scripted_case"]

_START = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)


def _check_chain(records: Sequence[audit.RecordedEvent], events: Sequence[ev.Event]) -> None:
    assert [record.seq for record in records] == [event.seq for event in events]
    for record, event in zip(records, events, strict=True):
        assert audit.reseal(record, event) == record, f"event {event.seq} is not sealed as defined"
    assert audit.decode_records(records) == list(events)
    assert audit.verify(records, deep=True).ok
    salts = [salt for record in records for salt, _ in record.contents().values()]
    assert len(set(salts)) == len(salts), "a salt was used twice"


def scripted_case(case_id: str, *, policy: Policy | None = None, close: bool = True) -> Mediation:
    """A realistic case touching every kind of content a store must keep intact.

    Two parties and a mediator who reports to one of them (disclosed), statements in
    English and Chinese, a rejected and a retried restatement, common ground, a reserved
    difference, a caucus with each party (with a confidential note from ``zhao``), a
    cooling-off, and a proposal accepted and signed; closed as settled unless ``close``
    is false (then it stops in ``compromise`` after the cooling-off).

    Args:
        case_id: The case's id.
        policy: The policy (default policy when omitted).
        close: Run the case to its signed end.

    Returns:
        The case (not stored).
    """
    clock = ManualClock(_START, tick=timedelta(minutes=2))
    case = Mediation.open(
        case_id,
        [Party("lin", "Lin Wei", role="head"), Party("zhao", "Zhao Min", role="analyst")],
        Mediator(
            "chen", "Chen Jie", relationships=[Relation(RelationKind.REPORTS_TO, "chen", "lin")]
        ),
        clock=clock,
        supervisors=["hr-lead"],
        issues=[Issue("workload", "Workload — 工作量")],
        policy=policy,
    )
    case.disclose("chen", "I report to Lin Wei; I will not take sides.")
    case.consent("lin")
    case.consent("zhao")
    for party in ("lin", "zhao"):
        case.screen("chen", party, NO_CONCERNS)
        case.waive_conflict(
            party, case.state.mediator.relationships[0], "Told that Chen reports to Lin; I agree."
        )
    case.advance("chen")
    case.speak("zhao", "我每天加班到很晚。Since January I carry two workloads.", 240.5)
    case.speak("lin", 'The board dates are fixed: "Q2" cannot move.', 200)
    case.advance("chen")
    first = case.restate("lin", "zhao", "You think I don't value your work.")
    case.review_restatement("zhao", first.restatement_id, accurate=False, comment="Not that.")
    second = case.restate("lin", "zhao", "You were not asked before the deadlines were set.")
    case.review_restatement("zhao", second.restatement_id, accurate=True)
    third = case.restate("zhao", "lin", "The dates are fixed and you answer for them.")
    case.review_restatement("lin", third.restatement_id, accurate=True)
    case.advance("chen")
    item = case.propose_common_ground("chen", "Both want the reports done well.")
    case.assent("lin", item.item_id)
    case.assent("zhao", item.item_id)
    case.reserve_difference("zhao", "Who assigns work.", "major")
    case.open_caucus("chen", "zhao")
    case.caucus_note("zhao", "I am close to resigning. 我想辞职。")
    case.close_caucus("chen")
    case.open_caucus("chen", "lin")
    case.caucus_note("chen", "Lin would accept a planning meeting.")
    case.close_caucus("chen")
    case.advance("chen")
    case.pause("lin", "a short break")
    case.resume("chen")
    if not close:
        return case
    offer = case.propose("lin", "A weekly planning meeting sets deadlines.", settles=["df-1"])
    case.answer_proposal("zhao", offer.proposal_id, accept=True)
    case.advance("chen")
    case.sign("zhao")
    case.sign("lin")
    case.close("chen", "settled")
    return case


def _fresh_id(prefix: str = "conf") -> str:
    return f"{prefix}-{uuid.uuid4().hex[:16]}"


def _raises(error: type[BaseException], call: Callable[[], object]) -> BaseException:
    try:
        call()
    except error as caught:
        return caught
    raise AssertionError(f"expected {error.__name__}")


class StoreConformance:
    """Checks every :class:`~mediation.store.EventStore` must pass.

    Subclass it (as ``TestMyStore``) and implement :meth:`make_store`; pytest then runs
    every ``test_*`` method. Each method builds its cases with fresh ids.
    """

    def make_store(self) -> EventStore:
        """Return the store to check (a fresh one, or a shared one: ids never clash).

        Returns:
            The store.
        """
        raise NotImplementedError("subclasses return the store under test")

    # -- append and load -----------------------------------------------------------------

    def test_round_trip_rebuilds_an_equal_case(self) -> None:
        """Events come back equal, and replaying them rebuilds an equal case."""
        store = self.make_store()
        case = scripted_case(_fresh_id())
        store.append(case.case_id, case.events, 0)
        loaded = store.load(case.case_id)
        assert loaded == case.events
        assert Mediation.replay(loaded, clock=lambda: _START) == case

    def test_records_are_the_canonical_chain(self) -> None:
        """Records carry the sealed bodies, content and chain :mod:`mediation.audit`
        defines, each content field under a salt of its own."""
        store = self.make_store()
        case = scripted_case(_fresh_id())
        returned = store.append(case.case_id, case.events, 0)
        _check_chain(returned, case.events)
        assert store.records(case.case_id) == returned

    def test_batches_chain_like_one_append(self) -> None:
        """However a history is split into appends, the chain is the same."""
        store = self.make_store()
        splits = [[cut] for cut in range(1, len(scripted_case("template").events), 3)]
        splits += [list(range(1, len(scripted_case("template").events))), [2, 3, 17]]
        for cuts in splits:
            case = scripted_case(_fresh_id())
            events = case.events
            bounds = [0, *cuts, len(events)]
            for start, end in itertools.pairwise(bounds):
                store.append(case.case_id, events[start:end], start)
            records = store.records(case.case_id)
            _check_chain(records, events)
            assert verify_case(store, case.case_id, deep=True).ok

    def test_erasure_keeps_the_chain(self) -> None:
        """A store that can erase removes the content and its salt, keeps every hash,
        and the chain verifies with the erased span named (skipped by a store without
        ``erase``)."""
        store = self.make_store()
        if not isinstance(store, ManagedStore):
            return
        case = scripted_case(_fresh_id())
        store.append(case.case_id, case.events, 0)
        before = store.records(case.case_id)
        seq = next(e.seq for e in case.events if isinstance(e, ev.StatementMade))
        erasure = ev.ContentErased(
            seq=case.version + 1,
            at=case.events[-1].at,
            actor="dpo",
            stage="closed",
            spans=(f"{seq}.text",),
            grounds="test",
            role="data_protection_officer",
        )
        store.erase(case.case_id, erasure, case.version)
        after = store.records(case.case_id)
        assert [r.hash for r in after[:-1]] == [r.hash for r in before]
        assert after[seq - 1].content is None
        result = verify_case(store, case.case_id, deep=True)
        assert result.ok and [span.seq for span in result.erased] == [seq]
        erased = store.load(case.case_id)[seq - 1]
        assert isinstance(erased, ev.StatementMade)
        assert erased.text == ""

    def test_erasing_a_party_removes_their_name(self) -> None:
        """Erased per party, a party's name and role go from the stored content and from
        every stored row; the chain verifies with the spans named, the case still loads
        and reads the name as erased (skipped by a store without ``erase``)."""
        store = self.make_store()
        if not isinstance(store, ManagedStore):
            return
        case = scripted_case(_fresh_id())
        store.append(case.case_id, case.events, 0)
        before = store.records(case.case_id)
        erasure = ev.ContentErased(
            seq=case.version + 1,
            at=case.events[-1].at,
            actor="dpo",
            stage="closed",
            spans=tuple(spans_of_party(before, "zhao")),
            grounds="test",
            role="data_protection_officer",
            subject="zhao",
        )
        store.erase(case.case_id, erasure, case.version)
        after = store.records(case.case_id)
        assert [r.hash for r in after[:-1]] == [r.hash for r in before]
        stored = b"".join(r.body + (r.content or b"") for r in after)
        assert b"Zhao Min" not in stored and b"analyst" not in stored
        assert b"Lin Wei" in stored  # the other party's name stays
        result = verify_case(store, case.case_id, deep=True)
        spans = {f"{span.seq}.{field}" for span in result.erased for field in span.fields}
        assert result.ok and {"1.parties.1.name", "1.parties.1.role"} <= spans
        opening = store.load(case.case_id)[0]
        assert isinstance(opening, ev.CaseOpened)
        assert [party.name for party in opening.parties] == ["Lin Wei", ERASED_TEXT]

    def test_summary_is_the_audit_anchor(self) -> None:
        """The summary's version and head are those of the last stored event."""
        store = self.make_store()
        case = scripted_case(_fresh_id())
        store.append(case.case_id, case.events, 0)
        summary = store.summary(case.case_id)
        assert summary is not None
        records = store.records(case.case_id)
        assert (summary.version, summary.head) == (case.version, records[-1].hash)
        assert summary.stage == case.stage == "closed"
        assert summary.outcome == "settled"
        assert summary.opened_at == case.events[0].at
        assert summary.updated_at == case.events[-1].at
        assert verify_case(store, case.case_id).ok

    def test_unicode_and_floats_survive(self) -> None:
        """Text in any script and float durations come back exactly."""
        store = self.make_store()
        case = scripted_case(_fresh_id())
        store.append(case.case_id, case.events, 0)
        statements = [e for e in store.load(case.case_id) if isinstance(e, ev.StatementMade)]
        assert statements[0].text.startswith("我每天加班到很晚。")
        assert statements[0].seconds == 240.5

    # -- concurrency ---------------------------------------------------------------------

    def test_stale_version_conflicts_and_writes_nothing(self) -> None:
        """Appending at a version someone else already moved past raises and stores nothing."""
        store = self.make_store()
        case = scripted_case(_fresh_id())
        store.append(case.case_id, case.events[:5], 0)
        store.append(case.case_id, case.events[5:8], 5)
        _raises(ConcurrencyError, lambda: store.append(case.case_id, case.events[5:10], 5))
        assert store.load(case.case_id) == case.events[:8]
        summary = store.summary(case.case_id)
        assert summary is not None and summary.version == 8

    def test_ahead_version_conflicts(self) -> None:
        """Appending at a version the store has not reached raises."""
        store = self.make_store()
        case = scripted_case(_fresh_id())
        store.append(case.case_id, case.events[:3], 0)
        _raises(ConcurrencyError, lambda: store.append(case.case_id, case.events[4:6], 4))
        unknown = scripted_case(_fresh_id())
        _raises(ConcurrencyError, lambda: store.append(unknown.case_id, unknown.events[1:2], 1))

    def test_opening_a_case_twice_conflicts(self) -> None:
        """Only one writer can create a case."""
        store = self.make_store()
        case = scripted_case(_fresh_id())
        store.append(case.case_id, case.events[:2], 0)
        _raises(ConcurrencyError, lambda: store.append(case.case_id, case.events[:1], 0))
        assert len(store.load(case.case_id)) == 2

    def test_empty_append_checks_the_version(self) -> None:
        """An empty batch stores nothing but still checks the version."""
        store = self.make_store()
        case = scripted_case(_fresh_id())
        store.append(case.case_id, case.events[:2], 0)
        assert store.append(case.case_id, (), 2) == ()
        _raises(ConcurrencyError, lambda: store.append(case.case_id, (), 1))

    def test_threads_lose_nothing_and_every_conflict_is_reported(self) -> None:
        """Threads appending to one case with retries: no event lost or duplicated, and
        every failed try was a reported conflict."""
        store = self.make_store()
        case_id = _fresh_id("threads")
        repository = Repository(store, clock=lambda: _START)
        repository.open(case_id, [Party("a", "A"), Party("b", "B")], Mediator("m", "M"))
        repository.update(case_id, lambda c: c.disclose("m", "No ties.", []))
        repository.update(case_id, lambda c: c.consent("a"))
        repository.update(case_id, lambda c: c.consent("b"))
        repository.update(case_id, lambda c: c.screen("m", "a", NO_CONCERNS))
        repository.update(case_id, lambda c: c.screen("m", "b", NO_CONCERNS))
        repository.update(case_id, lambda c: c.advance("m"))
        base = store.load(case_id)[-1].seq
        workers, each = 4, 5
        tries: list[int] = []
        conflicts: list[int] = []
        failures: list[BaseException] = []
        lock = threading.Lock()

        def work(worker: int) -> None:
            try:
                for index in range(each):
                    text = f"worker {worker} statement {index}"

                    def speak(text: str = text) -> None:
                        with lock:
                            tries.append(1)
                        case = repository.load(case_id)
                        loaded = case.version
                        case.speak("ab"[worker % 2], text, 10)
                        repository.save(case, expected_version=loaded)

                    retry_on_conflict(
                        speak,
                        attempts=1000,
                        on_conflict=lambda _error, _attempt: conflicts.append(1),
                    )
            except BaseException as error:  # pragma: no cover - reported below
                failures.append(error)

        threads = [threading.Thread(target=work, args=(worker,)) for worker in range(workers)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert not failures, failures
        events = store.load(case_id)
        texts = [e.text for e in events if isinstance(e, ev.StatementMade)]
        assert sorted(texts) == sorted(
            f"worker {w} statement {i}" for w in range(workers) for i in range(each)
        )
        assert len(events) == base + workers * each
        assert len(tries) == workers * each + len(conflicts)
        assert verify_case(store, case_id, deep=True).ok

    # -- checks on the batch -------------------------------------------------------------

    def test_batch_must_follow_the_version(self) -> None:
        """Sequence numbers must continue the case one by one."""
        store = self.make_store()
        case = scripted_case(_fresh_id())
        store.append(case.case_id, case.events[:3], 0)
        _raises(InvalidInput, lambda: store.append(case.case_id, case.events[4:6], 3))
        _raises(InvalidInput, lambda: store.append(case.case_id, case.events[3:5][::-1], 3))
        _raises(InvalidInput, lambda: store.append(case.case_id, case.events[3:4], -1))
        assert len(store.load(case.case_id)) == 3

    def test_a_case_starts_with_its_own_opening(self) -> None:
        """The first event is this case's ``case_opened``; no other event is one."""
        store = self.make_store()
        case = scripted_case(_fresh_id())
        other = scripted_case(_fresh_id())
        _raises(InvalidInput, lambda: store.append(case.case_id, other.events[:1], 0))
        _raises(InvalidInput, lambda: store.append(case.case_id, case.events[1:3], 0))
        assert store.summary(case.case_id) is None

    def test_unknown_case(self) -> None:
        """Loading an unknown case raises :class:`~mediation.errors.CaseNotFound`."""
        store = self.make_store()
        missing = _fresh_id("missing")
        _raises(CaseNotFound, lambda: store.load(missing))
        _raises(CaseNotFound, lambda: store.records(missing))
        assert store.summary(missing) is None

    # -- listing and deadlines -----------------------------------------------------------

    def test_cases_are_listed(self) -> None:
        """Every stored case appears in the listing with its summary."""
        store = self.make_store()
        first, second = scripted_case(_fresh_id()), scripted_case(_fresh_id(), close=False)
        store.append(first.case_id, first.events, 0)
        store.append(second.case_id, second.events, 0)
        listed = {summary.case_id: summary for summary in store.cases()}
        assert listed[first.case_id].outcome == "settled"
        assert listed[second.case_id].outcome is None
        assert listed[second.case_id].stage == second.stage

    def test_overdue_cases_are_found(self) -> None:
        """A store finds exactly the cases whose ``Mediation.overdue(now)`` is not empty."""
        store = self.make_store()
        policy = Policy(deadlines={"listening": timedelta(hours=1), "compromise": 3600})
        late = scripted_case(_fresh_id(), policy=policy, close=False)
        done = scripted_case(_fresh_id(), policy=policy)
        plain = scripted_case(_fresh_id(), close=False)
        for case in (late, done, plain):
            store.append(case.case_id, case.events, 0)
        entered = late.state.deadlines["compromise"] - timedelta(hours=1)
        for now in (entered + timedelta(minutes=30), entered + timedelta(hours=2)):
            found = {summary.case_id for summary in store.overdue(now)}
            for case in (late, done, plain):
                assert (case.case_id in found) == bool(case.overdue(now)), (case.case_id, now)
        summary = store.summary(late.case_id)
        assert summary is not None and summary.next_due == late.state.deadlines["compromise"]

    # -- streaming -----------------------------------------------------------------------

    def test_stream_reads_every_case_once_in_order(self) -> None:
        """``stream_cases`` yields each case once, whole, in order of case id, whatever
        the batch size (also smaller than a case)."""
        store = self.make_store()
        prefix = _fresh_id("stream")
        cases = [scripted_case(f"{prefix}-{n}", close=n != 1) for n in (2, 0, 1)]
        for case in cases:
            store.append(case.case_id, case.events, 0)
        expected = {case.case_id: case.events for case in cases}
        for batch_size in (1, 7, 500):
            seen = [
                events
                for events in store.stream_cases(batch_size=batch_size)
                if isinstance(events[0], ev.CaseOpened) and events[0].case_id in expected
            ]
            ids = [events[0].case_id for events in seen]  # type: ignore[attr-defined]
            assert ids == sorted(expected), (batch_size, ids)
            for events in seen:
                assert events == expected[events[0].case_id]  # type: ignore[attr-defined]
        all_ids = [events[0].case_id for events in store.stream_cases()]  # type: ignore[attr-defined]
        assert all_ids == sorted(all_ids)
        assert len(all_ids) == len(set(all_ids))

    def test_stream_refuses_a_bad_batch_size(self) -> None:
        """A batch size that is not a whole number >= 1 is refused at once."""
        store = self.make_store()
        for bad in (0, -1, 1.5, True):
            _raises(InvalidInput, lambda bad=bad: store.stream_cases(batch_size=bad))  # type: ignore[misc]

    # -- read log ------------------------------------------------------------------------

    def test_reads_are_recorded(self) -> None:
        """A store that is also a :class:`~mediation.store.ReadLog` keeps reads in order."""
        store = self.make_store()
        if not isinstance(store, ReadLog):
            return
        case = scripted_case(_fresh_id())
        store.append(case.case_id, case.events, 0)
        repository = Repository(
            store, clock=lambda: _START, policy=DataPolicy(readers=frozenset({"hr"}))
        )
        repository.load(case.case_id, reader="hr-officer", role="hr", purpose="grievance review")
        repository.view(case.case_id, "zhao")
        reads = store.reads(case.case_id)
        assert [(r.reader, r.access, r.purpose) for r in reads] == [
            ("hr-officer", "load", "grievance review"),
            ("zhao", "view", ""),
        ]
        assert reads[0].at == _START
        assert store.read_head(case.case_id) == (2, reads[-1].hash)
        assert repository.verify_reads(case.case_id).ok


def check_store(make_store: Callable[[], EventStore]) -> int:
    """Run every conformance check against stores from ``make_store``.

    Args:
        make_store: Returns the store to check (fresh or shared).

    Returns:
        The number of checks run.

    Raises:
        AssertionError: a check failed (the first failure).
    """

    class _Suite(StoreConformance):
        def make_store(self) -> EventStore:
            return make_store()

    suite = _Suite()
    names = sorted(name for name in dir(StoreConformance) if name.startswith("test_"))
    for name in names:
        getattr(suite, name)()
    return len(names)
