"""The store protocol, the in-memory store, the repository and the retry helper."""

from __future__ import annotations

import io
from datetime import datetime, timedelta, timezone, tzinfo

import attrs
import pytest
from hypothesis import settings
from hypothesis.stateful import invariant

from mediation import audit
from mediation import events as ev
from mediation.audit import RecordedEvent
from mediation.case import Mediation
from mediation.errors import (
    CaseNotFound,
    ChainBroken,
    CommandRefused,
    ConcurrencyError,
    IntegrityError,
    InvalidInput,
    NotAuthorized,
    NothingToErase,
)
from mediation.model import Mediator, Party
from mediation.policy import Policy
from mediation.store import (
    EventStore,
    InMemoryStore,
    ReadLog,
    Repository,
    Updated,
    open_store,
    retry_on_conflict,
    verify_case,
)
from mediation.store._summary import CaseSummary, DeadlineTracker, iso, parse_iso
from mediation.testing import (
    MediationMachine,
    StoreConformance,
    check_store,
    screen_all,
    scripted_case,
)

START = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)


class TestInMemoryStore(StoreConformance):
    """The conformance suite, as a third-party store's test module would run it."""

    def make_store(self) -> EventStore:
        return InMemoryStore()


def test_check_store_runs_every_check_with_a_shared_store() -> None:
    shared = InMemoryStore()
    count = check_store(lambda: shared)
    assert count == len([name for name in dir(StoreConformance) if name.startswith("test_")])
    assert len(shared.cases()) > count  # the checks used fresh ids in one store


def test_check_store_fails_a_store_that_loses_events() -> None:
    class Forgetful(InMemoryStore):
        def load(self, case_id: str) -> tuple[ev.Event, ...]:
            return super().load(case_id)[:-1]

    with pytest.raises(AssertionError):
        check_store(Forgetful)


def test_stores_satisfy_the_protocols() -> None:
    store = open_store("memory:")
    assert isinstance(store, InMemoryStore)
    assert isinstance(store, EventStore)
    assert isinstance(store, ReadLog)


def test_the_in_memory_store_refuses_a_second_event_at_a_place() -> None:
    store = InMemoryStore()
    case = scripted_case("unique")
    store.append(case.case_id, case.events[:3], 0)
    store._keys.add((case.case_id, 4))  # as if a concurrent writer got there first
    with pytest.raises(ConcurrencyError):
        store.append(case.case_id, case.events[3:5], 3)
    assert len(store.load(case.case_id)) == 3


def test_overdue_needs_an_aware_time() -> None:
    with pytest.raises(InvalidInput):
        InMemoryStore().overdue(datetime(2026, 1, 1))


# -- repository ---------------------------------------------------------------------------


def _repository(store: EventStore | None = None) -> Repository:
    return Repository(store if store is not None else InMemoryStore(), clock=lambda: START)


def _open(repository: Repository, case_id: str = "c-1") -> None:
    repository.open(case_id, [Party("a", "Ann"), Party("b", "Bo")], Mediator("m", "Mo"))


def test_stored_times_are_fixed_width_utc_whatever_the_offset() -> None:
    berlin = timezone(timedelta(hours=1))
    for moment in (START, START.replace(microsecond=5), START.astimezone(berlin)):
        text = iso(moment)
        assert text.endswith("+00:00") and len(text) == len("2026-03-02T09:00:00.000000+00:00")
        assert parse_iso(text) == moment
    assert iso(START.astimezone(berlin)) == iso(START)
    with pytest.raises(InvalidInput, match="timezone-aware"):
        iso(START.replace(tzinfo=None))


def test_the_repository_opens_updates_and_loads() -> None:
    repository = _repository()
    _open(repository)
    disclosed = repository.update("c-1", lambda case: case.disclose("m", "No ties.", []))
    assert disclosed.seq == 2
    repository.update("c-1", lambda case: case.consent("a"))
    case = repository.load("c-1")
    assert case.version == 3
    assert case.state.consent_seq == {"a": 3}
    assert repository.verify("c-1").ok


def test_a_refused_command_saves_nothing() -> None:
    repository = _repository()
    _open(repository)
    with pytest.raises(CommandRefused):
        repository.update("c-1", lambda case: case.consent("a"))  # before disclosure
    assert repository.load("c-1").version == 1


def test_opening_an_existing_case_conflicts() -> None:
    repository = _repository()
    _open(repository)
    with pytest.raises(ConcurrencyError):
        _open(repository)


def test_loading_an_unknown_case() -> None:
    with pytest.raises(CaseNotFound):
        _repository().load("nobody")


def test_update_retries_against_fresh_state() -> None:
    store = InMemoryStore()
    repository = _repository(store)
    _open(repository)
    repository.update("c-1", lambda case: case.disclose("m", "No ties.", []))
    calls: list[int] = []

    def consent_after_someone_else(case: Mediation) -> int:
        calls.append(1)
        if len(calls) == 1:  # someone else consents in between
            repository.update("c-1", lambda other: other.consent("b"))
        return case.consent("a").seq

    assert repository.update("c-1", consent_after_someone_else) == 4
    assert len(calls) == 2
    assert [type(e).__name__ for e in store.load("c-1")[2:]] == ["ConsentGiven"] * 2


def test_update_gives_up_after_its_attempts() -> None:
    repository = _repository()
    _open(repository)
    repository.update("c-1", lambda case: case.disclose("m", "No ties.", []))

    def always_beaten(case: Mediation) -> None:
        repository.update("c-1", lambda other: other.disclose("m", "Still no ties.", []))
        case.disclose("m", "No ties, again.", [])

    with pytest.raises(ConcurrencyError):
        repository.update("c-1", always_beaten, attempts=2)


# -- updates keep the folded case: no replay per command --------------------------------


class CountingStore(InMemoryStore):
    """An in-memory store that counts how often a whole case is read."""

    def __init__(self) -> None:
        super().__init__()
        self.whole_reads = 0

    def load(self, case_id: str) -> tuple[ev.Event, ...]:
        self.whole_reads += 1
        return super().load(case_id)

    def records(self, case_id: str) -> tuple[RecordedEvent, ...]:
        self.whole_reads += 1
        return super().records(case_id)


def _disclosed(repository: Repository) -> None:
    _open(repository)
    repository.update("c-1", lambda case: case.disclose("m", "No ties.", []))


def test_apply_returns_the_result_and_the_saved_case() -> None:
    repository = _repository()
    _disclosed(repository)
    updated = repository.apply("c-1", lambda case: case.consent("a"))
    assert isinstance(updated, Updated)
    assert updated.result.seq == 3 and updated.version == 3
    assert updated.stage == "intake" == updated.case.stage
    assert [type(e).__name__ for e in updated.events] == ["ConsentGiven"]
    assert updated.case == repository.load("c-1")
    nothing = repository.apply("c-1", lambda case: case.version)
    assert nothing.result == 3 and nothing.events == () and nothing.version == 3


def test_updates_read_the_whole_case_once_then_only_its_head() -> None:
    store = CountingStore()
    repository = _repository(store)
    _disclosed(repository)  # opened here: kept from the start
    assert store.whole_reads == 0
    repository.update("c-1", screen_all)
    repository.update("c-1", lambda case: case.consent("a"))
    repository.update("c-1", lambda case: case.consent("b"))
    repository.update("c-1", lambda case: case.advance("m"))
    assert store.whole_reads == 0
    assert repository.load("c-1").stage == "listening"
    assert store.whole_reads == 1  # a load still verifies the whole chain


def test_a_case_kept_by_one_repository_follows_another_writer() -> None:
    store = CountingStore()
    first, second = _repository(store), _repository(store)
    _disclosed(first)
    second.update("c-1", lambda case: case.consent("a"))  # second loads it
    reads = store.whole_reads
    event = first.update("c-1", lambda case: case.consent("b"))  # first's copy is stale
    assert event.seq == 4
    assert store.whole_reads == reads + 1  # reloaded (and verified) once
    assert first.load("c-1").state.consent_seq == {"a": 3, "b": 4}
    assert verify_case(store, "c-1").ok


def test_a_refused_command_leaves_nothing_kept() -> None:
    store = CountingStore()
    repository = _repository(store)
    _disclosed(repository)

    def consent_then_refused(case: Mediation) -> None:
        case.consent("a")  # recorded in memory ...
        case.consent("a")  # ... then refused: nothing may be saved or kept

    with pytest.raises(CommandRefused):
        repository.update("c-1", consent_then_refused)
    updated = repository.apply("c-1", lambda case: case.consent("b"))
    assert updated.case.state.consent_seq == {"b": 3}
    assert store.whole_reads == 1
    assert [type(e).__name__ for e in store.load("c-1")] == [
        "CaseOpened",
        "DisclosureMade",
        "ConsentGiven",
    ]


def test_a_kept_case_changed_by_its_holder_is_loaded_afresh() -> None:
    store = CountingStore()
    repository = _repository(store)
    _disclosed(repository)
    updated = repository.apply("c-1", lambda case: case.consent("a"))
    updated.case.consent("b")  # not saved: the stored case has no such event
    after = repository.apply("c-1", lambda case: case.version)
    assert after.result == 3 and store.whole_reads == 1


def test_an_erasure_moves_the_head_so_the_kept_case_is_reloaded() -> None:
    store = CountingStore()
    repository = _repository(store)
    _disclosed(repository)
    repository.update("c-1", screen_all)
    repository.update("c-1", lambda case: case.consent("a"))
    repository.update("c-1", lambda case: case.consent("b"))
    repository.update("c-1", lambda case: case.advance("m"))
    speech = repository.update("c-1", lambda case: case.speak("a", "My private words.", 10))
    repository.erase(
        "c-1", actor="dpo", role="data_protection_officer", grounds="request", seq=speech.seq
    )
    kept = repository.apply("c-1", lambda case: case.events[speech.seq - 1])
    assert isinstance(kept.result, ev.StatementMade)
    assert kept.result.text == ""  # the erased text is gone from the case updates see


def test_without_a_cache_every_update_loads_the_case() -> None:
    store = CountingStore()
    repository = Repository(store, clock=lambda: START, cache_size=0)
    _disclosed(repository)
    repository.update("c-1", lambda case: case.consent("a"))
    assert store.whole_reads == 2
    for wrong in (-1, 1.5, True, "9"):
        with pytest.raises(InvalidInput, match="cache_size"):
            Repository(store, clock=lambda: START, cache_size=wrong)  # type: ignore[arg-type]


def test_the_cache_keeps_at_most_cache_size_cases() -> None:
    store = CountingStore()
    repository = Repository(store, clock=lambda: START, cache_size=1)
    _disclosed(repository)
    _open(repository, "c-2")  # c-1 is dropped
    repository.update("c-2", lambda case: case.disclose("m", "No ties.", []))
    assert store.whole_reads == 0
    repository.update("c-1", lambda case: case.consent("a"))
    assert store.whole_reads == 1


def test_an_unverified_repository_keeps_cases_too() -> None:
    store = CountingStore()
    repository = Repository(store, clock=lambda: START, verify_loads=False, cache_size=4)
    _open(repository)
    other = _repository(store)
    other.update("c-1", lambda case: case.disclose("m", "No ties.", []))
    repository.update("c-1", lambda case: case.consent("a"))  # stale: replayed
    reads = store.whole_reads
    repository.update("c-1", lambda case: case.consent("b"))
    assert store.whole_reads == reads
    assert verify_case(store, "c-1").ok


def test_threads_updating_one_kept_case_lose_nothing() -> None:
    # One repository shared by threads (a web server's workers): a kept case is taken out
    # of the cache while a command runs on it, so no two threads change the same object;
    # the others load, conflict and retry. Every statement is saved once, in a sound chain.
    import threading

    store = InMemoryStore()
    repository = _repository(store)
    _disclosed(repository)
    repository.update("c-1", screen_all)
    repository.update("c-1", lambda case: case.consent("a"))
    repository.update("c-1", lambda case: case.consent("b"))
    repository.update("c-1", lambda case: case.advance("m"))
    before = repository.load("c-1").version

    def worker(number: int) -> None:
        for turn in range(5):
            text = f"thread {number} statement {turn}"

            def statement(case: Mediation, text: str = text) -> ev.StatementMade:
                return case.speak("ab"[number % 2], text, 1)

            repository.update("c-1", statement, attempts=200)

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    events = store.load("c-1")
    texts = sorted(e.text for e in events[before:] if isinstance(e, ev.StatementMade))
    assert texts == sorted(f"thread {n} statement {t}" for n in range(6) for t in range(5))
    assert verify_case(store, "c-1").ok
    assert repository.apply("c-1", lambda case: case.version).case == repository.load("c-1")


# -- after-commit hooks -----------------------------------------------------------------


def test_subscribers_hear_of_each_change_after_it_is_stored() -> None:
    store = InMemoryStore()
    repository = _repository(store)
    heard: list[tuple[str, int, int, tuple[str, ...]]] = []

    def subscriber(updated: Updated[object]) -> None:
        summary = store.summary(updated.case.case_id)
        assert summary is not None  # stored before anyone hears of it
        heard.append(
            (
                updated.case.case_id,
                updated.version,
                summary.version,
                tuple(e.type_name for e in updated.events),
            )
        )

    repository.subscribe(subscriber)
    _disclosed(repository)
    case = repository.load("c-1")
    case.consent("a")
    repository.save(case, expected_version=2)
    assert heard == [
        ("c-1", 1, 1, ("case_opened",)),
        ("c-1", 2, 2, ("disclosure_made",)),
        ("c-1", 3, 3, ("consent_given",)),
    ]


def test_subscribers_hear_nothing_of_refusals_and_conflicting_tries() -> None:
    repository = _repository()
    _disclosed(repository)
    heard: list[int] = []
    unsubscribe = repository.subscribe(lambda updated: heard.append(updated.version))
    with pytest.raises(CommandRefused):
        repository.update("c-1", lambda case: case.advance("m"))  # nobody consented
    assert heard == []
    calls: list[int] = []

    def consent_after_someone_else(case: Mediation) -> int:
        calls.append(1)
        if len(calls) == 1:  # the first try conflicts: only the second is saved
            repository.update("c-1", lambda other: other.consent("b"))
        return case.consent("a").seq

    repository.update("c-1", consent_after_someone_else)
    assert heard == [3, 4]
    repository.update("c-1", lambda case: case.version)  # records nothing: no news
    unsubscribe()
    unsubscribe()  # twice is harmless
    repository.update("c-1", screen_all)
    assert heard == [3, 4]
    with pytest.raises(InvalidInput, match="callable"):
        repository.subscribe("not a function")  # type: ignore[arg-type]


def test_a_failing_subscriber_is_logged_and_the_others_still_hear() -> None:
    from structlog.testing import capture_logs

    repository = _repository()
    _disclosed(repository)
    heard: list[int] = []

    def broken(updated: Updated[object]) -> None:
        raise RuntimeError("mail server down")

    repository.subscribe(broken)
    repository.subscribe(lambda updated: heard.append(updated.version))
    with capture_logs() as logs:
        assert repository.update("c-1", lambda case: case.consent("a")).seq == 3
    assert heard == [3]
    assert any(
        entry["event"] == "subscriber_failed" and entry["error"] == "RuntimeError" for entry in logs
    )


def test_a_store_in_a_host_transaction_waits_for_the_commit() -> None:
    class HostTransactionStore(InMemoryStore):
        commits_itself = False

    repository = _repository(HostTransactionStore())
    heard: list[int] = []
    repository.subscribe(lambda updated: heard.append(updated.version))
    _disclosed(repository)
    assert heard == []
    assert repository.committed() == 2
    assert heard == [1, 2]
    repository.update("c-1", lambda case: case.consent("a"))
    assert repository.rolled_back() == 1
    assert repository.committed() == 0
    assert heard == [1, 2]
    with pytest.raises(InvalidInput, match="SQL store"), repository.transaction(object()):
        pass


def test_retry_on_conflict_reports_each_conflict() -> None:
    seen: list[int] = []
    results: list[ConcurrencyError | str] = [
        ConcurrencyError("first"),
        ConcurrencyError("second"),
        "done",
    ]

    def operation() -> str:
        result = results.pop(0)
        if isinstance(result, Exception):
            raise result
        return result

    assert retry_on_conflict(operation, on_conflict=lambda _e, n: seen.append(n)) == "done"
    assert seen == [1, 2]
    with pytest.raises(InvalidInput):
        retry_on_conflict(lambda: None, attempts=0)
    with pytest.raises(ValueError, match="other"):
        retry_on_conflict(lambda: (_ for _ in ()).throw(ValueError("other")))


# -- the summary's deadline tracker follows the case exactly -------------------------------


class StoredMediationMachine(MediationMachine):
    """Random histories, saved after every step: the store's summary (and so its overdue
    query) agrees with the case, and the chain verifies."""

    policy = Policy(
        deadlines={
            "intake": timedelta(hours=1),
            "listening": timedelta(hours=2),
            "cooling_off": timedelta(minutes=10),
            "compromise": timedelta(minutes=30),
        }
    )

    def __init__(self) -> None:
        super().__init__()
        self.store: EventStore = InMemoryStore()
        self.saved = 0

    @invariant()
    def store_agrees_with_the_case(self) -> None:
        if self.case is None:
            return
        case = self.case
        self.save(case)
        summary = self.store.summary(case.case_id)
        assert isinstance(summary, CaseSummary)
        assert (summary.version, summary.stage) == (case.version, case.stage)
        assert summary.outcome == (case.outcome.value if case.outcome else None)
        far = datetime(9999, 1, 1, tzinfo=timezone.utc)
        dues = [deadline.due for deadline in case.overdue(far)]
        assert summary.next_due == (min(dues) if dues else None)
        for due in dues:
            for now in (due, due + timedelta(microseconds=1)):
                found = {s.case_id for s in self.store.overdue(now)}
                assert (case.case_id in found) == bool(case.overdue(now))
        if isinstance(self.store, InMemoryStore):
            stored = self.store._summaries[case.case_id][1]
            tracker = DeadlineTracker.from_json(stored.to_json())
            assert tracker.next_due() == summary.next_due

    def save(self, case: Mediation) -> None:
        """Append what the case recorded since the last step, as one batch."""
        self.store.append(case.case_id, case.events_since(self.saved), self.saved)
        self.saved = case.version

    def teardown(self) -> None:
        if self.case is not None:
            assert verify_case(self.store, self.case.case_id, deep=True).ok


StoredMediationMachine.TestCase.settings = settings(settings(), stateful_step_count=30)
TestStoredMediationMachine = StoredMediationMachine.TestCase


def test_a_corrupt_summary_is_a_typed_error() -> None:
    with pytest.raises(InvalidInput, match="corrupt"):
        DeadlineTracker.from_json("[]")


# -- defaults and boundaries the mutation run probed ----------------------------------------


def test_retry_on_conflict_tries_three_times_by_default() -> None:
    calls: list[int] = []
    seen: list[int] = []

    def always_conflicts() -> None:
        calls.append(1)
        raise ConcurrencyError(f"try {len(calls)}")

    with pytest.raises(ConcurrencyError, match="try 3"):
        retry_on_conflict(always_conflicts, on_conflict=lambda _e, n: seen.append(n))
    assert len(calls) == 3
    assert seen == [1, 2]  # the last conflict is raised, not reported
    calls.clear()
    with pytest.raises(ConcurrencyError, match="try 1"):
        retry_on_conflict(always_conflicts, attempts=1)
    assert len(calls) == 1


def test_update_and_apply_try_three_times_by_default() -> None:
    repository = _repository()
    _disclosed(repository)
    for run in (repository.update, repository.apply):
        tries: list[int] = []

        def always_beaten(case: Mediation, tries: list[int] = tries) -> None:
            tries.append(1)
            repository.update("c-1", lambda other: other.disclose("m", "Still no ties.", []))
            case.disclose("m", "No ties, again.", [])

        with pytest.raises(ConcurrencyError):
            run("c-1", always_beaten)
        assert len(tries) == 3


@pytest.mark.parametrize(("opened", "reloads"), [(128, 0), (129, 1)])
def test_the_default_cache_keeps_128_cases(opened: int, reloads: int) -> None:
    store = CountingStore()
    repository = _repository(store)
    for number in range(opened):
        _open(repository, f"c-{number}")
    repository.update("c-0", lambda case: case.disclose("m", "No ties.", []))
    assert store.whole_reads == reloads  # the first opened is the first dropped


def test_without_a_read_log_reads_verify_as_an_empty_log() -> None:
    class Unlogged:
        """A store that keeps events but no read log."""

        def __init__(self) -> None:
            self._inner = InMemoryStore()

        def __getattr__(self, name: str) -> object:
            if name in ("record_read", "reads", "read_head"):
                raise AttributeError(name)
            return getattr(self._inner, name)

    repository = Repository(Unlogged(), clock=lambda: START)  # type: ignore[arg-type]
    assert repository.read_log is None
    _open(repository)
    repository.load("c-1", reader="a")
    assert repository.reads("c-1") == ()
    verification = repository.verify_reads("c-1")
    assert verification.ok and verification.count == 0
    assert verification.head == audit.read_genesis("c-1")


def test_adopting_a_case_the_store_holds_conflicts_and_changes_nothing() -> None:
    source = InMemoryStore()
    case = scripted_case("adopted")
    source.append(case.case_id, case.events, 0)
    records = source.records(case.case_id)
    store = InMemoryStore()
    head = store.adopt(case.case_id, records)
    assert (head.version, head.head) == (len(records), records[-1].hash)
    assert store.records(case.case_id) == records
    with pytest.raises(ConcurrencyError, match="already exists"):
        store.adopt(case.case_id, records[:2])
    assert store.records(case.case_id) == records
    summary = store.summary(case.case_id)
    assert summary is not None and summary.version == len(records)


def _erasure(store: EventStore, case_id: str, seq: int) -> ev.ContentErased:
    summary = store.summary(case_id)
    assert summary is not None
    return ev.ContentErased(
        seq=seq,
        at=START,
        actor="dpo",
        stage=summary.stage,
        spans=tuple(f"2.{field}" for field in store.records(case_id)[1].contents()),
        grounds="request",
        role="data_protection_officer",
    )


def test_an_erasure_at_a_stale_version_or_of_an_unknown_case_conflicts_and_changes_nothing() -> (
    None
):
    store = InMemoryStore()
    case = scripted_case("erased")
    store.append(case.case_id, case.events, 0)
    version = case.version
    records = store.records(case.case_id)
    for stale in (version - 1, version + 1):
        erasure = _erasure(store, case.case_id, stale + 1)
        with pytest.raises(ConcurrencyError, match=f"at version {version}, not {stale}"):
            store.erase(case.case_id, erasure, stale)
        assert store.records(case.case_id) == records
    with pytest.raises(ConcurrencyError, match=f"'nobody' is at version 0, not {version}"):
        store.erase("nobody", _erasure(store, case.case_id, version + 1), version)
    assert store.summary("nobody") is None
    recorded = store.erase(case.case_id, _erasure(store, case.case_id, version + 1), version)
    assert recorded.seq == version + 1
    assert store.records(case.case_id)[1].missing()


class _NoOffset(tzinfo):
    """A time zone that does not know its offset: such a time is naive in all but name."""

    def utcoffset(self, dt: datetime | None) -> timedelta | None:
        return None

    def dst(self, dt: datetime | None) -> timedelta | None:
        return None

    def tzname(self, dt: datetime | None) -> str:
        return "nowhere"


def test_a_time_without_an_offset_or_not_a_time_is_refused() -> None:
    unknown = START.replace(tzinfo=_NoOffset())
    with pytest.raises(InvalidInput, match="timezone-aware"):
        iso(unknown)
    store = InMemoryStore()
    case = scripted_case("late", close=False)
    store.append(case.case_id, case.events, 0)
    for wrong in (unknown, START.replace(tzinfo=None), "2026-03-02T09:00:00+00:00"):
        with pytest.raises(InvalidInput, match="timezone-aware"):
            store.overdue(wrong)  # type: ignore[arg-type]


def test_events_in_the_opening_batch_after_the_opening_are_summarized() -> None:
    due = START + timedelta(hours=5)
    for sizes in ((2,), (1, 1)):
        case = Mediation.open(
            "c-1", [Party("a", "Ann"), Party("b", "Bo")], Mediator("m", "Mo"), clock=lambda: START
        )
        case.set_deadline("m", "intake", due)  # event 2, in the opening batch or after it
        store = InMemoryStore()
        saved = 0
        for size in sizes:
            store.append(case.case_id, case.events[saved : saved + size], saved)
            saved += size
        summary = store.summary("c-1")
        assert summary is not None
        assert (summary.version, summary.stage, summary.next_due) == (2, "intake", due)
        assert [s.case_id for s in store.overdue(due + timedelta(microseconds=1))] == ["c-1"]
        assert store.overdue(due) == ()


def test_a_summary_says_whether_the_case_is_closed() -> None:
    store = InMemoryStore()
    for case in (scripted_case("open", close=False), scripted_case("closed")):
        store.append(case.case_id, case.events, 0)
    closed, still_open = store.summary("closed"), store.summary("open")
    assert closed is not None and closed.is_closed is True and closed.outcome == "settled"
    assert still_open is not None and still_open.is_closed is False


def test_reads_go_to_the_read_log_given_not_to_the_store() -> None:
    store, log = InMemoryStore(), InMemoryStore()
    repository = Repository(store, clock=lambda: START, read_log=log)
    assert repository.read_log is log
    _open(repository)
    repository.load("c-1", reader="a", purpose="check")
    repository.update("c-1", lambda case: case.disclose("m", "No ties.", []), reader="m")
    assert [(r.reader, r.access, r.purpose) for r in log.reads("c-1")] == [
        ("a", "load", "check"),
        ("m", "load", "update"),
    ]
    assert store.reads("c-1") == ()
    assert repository.reads("c-1") == log.reads("c-1")
    assert repository.verify_reads("c-1").count == 2


def _tampered(store: InMemoryStore, case_id: str, seq: int) -> None:
    """Change a stored event's sealed body behind the store's back (the head stays)."""
    records = store._records[case_id]
    record = records[seq - 1]
    records[seq - 1] = attrs.evolve(record, body=record.body.replace(b'"actor":', b'"actor" :'))


def test_a_repository_that_requires_a_reader_refuses_loads_and_updates_without_one() -> None:
    store = InMemoryStore()
    repository = Repository(store, clock=lambda: START, require_reader=True)
    _open(repository)
    with pytest.raises(InvalidInput, match="say who reads"):
        repository.load("c-1")
    with pytest.raises(InvalidInput, match="say who reads"):
        repository.apply("c-1", lambda case: case.disclose("m", "No ties.", []))
    assert store.reads("c-1") == () and len(store.load("c-1")) == 1
    repository.apply("c-1", lambda case: case.disclose("m", "No ties.", []), reader="m")
    assert repository.load("c-1", reader="a").version == 2
    assert [(r.reader, r.purpose) for r in store.reads("c-1")] == [("m", "update"), ("a", "")]
    free = _repository(store)  # one that does not require a reader records none
    assert free.load("c-1").version == 2
    free.update("c-1", lambda case: case.consent("a"))
    assert len(store.reads("c-1")) == 2


def test_loads_verify_unless_told_not_to() -> None:
    store = InMemoryStore()
    repository = _repository(store)
    _disclosed(repository)
    _tampered(store, "c-1", 2)
    with pytest.raises(IntegrityError) as refused:
        repository.load("c-1")
    assert refused.value.seq == 2
    assert repository.load("c-1", verify=False).version == 2
    unverified = Repository(store, clock=lambda: START, verify_loads=False)
    assert unverified.load("c-1").version == 2
    with pytest.raises(IntegrityError):
        unverified.load("c-1", verify=True)
    with pytest.raises(IntegrityError):
        repository.view("c-1", "a")


def test_a_case_with_events_but_no_head_does_not_load() -> None:
    store = InMemoryStore()
    repository = _repository(store)
    _disclosed(repository)
    del store._summaries["c-1"]  # the summary row removed behind the store's back
    with pytest.raises(IntegrityError) as refused:
        repository.load("c-1")
    assert refused.value.code == "no_anchor"
    assert repository.load("c-1", verify=False).version == 2


@pytest.mark.parametrize(
    ("reader", "role", "allowed"),
    [
        ("a", None, True),  # a party
        ("b", "auditor", True),  # a party, whatever role they name
        ("m", None, True),  # the mediator
        ("sup", None, True),  # a supervisor
        ("hr-1", "hr", True),  # a role the policy grants
        ("hr-1", None, False),
        ("hr-1", "auditor", False),  # a role it does not grant
        ("stranger", None, False),
    ],
)
def test_who_may_read_a_case(reader: str, role: str | None, allowed: bool) -> None:
    store = InMemoryStore()
    repository = Repository(
        store, clock=lambda: START, policy=audit.DataPolicy(readers=frozenset({"hr"}))
    )
    repository.open(
        "c-1", [Party("a", "Ann"), Party("b", "Bo")], Mediator("m", "Mo"), supervisors=["sup"]
    )
    if allowed:
        assert repository.load("c-1", reader=reader, role=role).version == 1
        assert [r.reader for r in store.reads("c-1")] == [reader]
    else:
        with pytest.raises(NotAuthorized, match="takes no part"):
            repository.load("c-1", reader=reader, role=role)
        with pytest.raises(NotAuthorized):
            repository.update("c-1", lambda case: case.version, reader=reader, role=role)
        assert store.reads("c-1") == ()  # a refused read records nothing


def test_a_case_kept_unverified_is_verified_once_loads_must_be() -> None:
    store = CountingStore()
    repository = Repository(store, clock=lambda: START, verify_loads=False)
    _disclosed(repository)
    _repository(store).update("c-1", lambda case: case.consent("a"))  # another writer
    store.whole_reads = 0
    repository.update("c-1", screen_all)  # replayed, and kept unverified
    repository.update("c-1", lambda case: case.version)
    assert store.whole_reads == 1
    store.whole_reads = 0
    repository.verify_loads = True
    repository.update("c-1", lambda case: case.consent("b"))
    assert store.whole_reads == 1  # verified before the command ran
    repository.update("c-1", lambda case: case.version)
    assert store.whole_reads == 1  # then kept as verified


def test_a_stale_kept_case_is_reloaded_before_the_command_runs_once() -> None:
    store = InMemoryStore()
    first, second = _repository(store), _repository(store)
    _disclosed(first)
    second.update("c-1", lambda case: case.consent("a"))
    runs: list[int] = []

    def consent(case: Mediation) -> int:
        runs.append(case.version)
        return case.consent("b").seq

    assert first.update("c-1", consent) == 4
    assert runs == [3]  # run once, on the fresh case: no conflicting try on the stale one


def test_a_batch_is_checked_before_anything_is_stored() -> None:
    store = InMemoryStore()
    case = scripted_case("checked")
    events = case.events
    refused: list[tuple[tuple[object, ...], int | object, str]] = [
        ((), -1, "must be >= 0"),  # even an empty batch
        (events[:1], True, "must be an int"),
        (events[:1], 0.0, "must be an int"),
        (events[:1], "0", "must be an int"),
        (("not an event",), 0, "only events"),
        ((attrs.evolve(events[1], seq=1),), 0, "starts with case_opened"),
        ((events[0], attrs.evolve(events[0], seq=2)), 0, "only its first event"),
        (scripted_case("another").events[:1], 0, "for case 'another'"),
    ]
    for batch, version, message in refused:
        with pytest.raises(InvalidInput, match=message):
            store.append(case.case_id, batch, version)  # type: ignore[arg-type]
    assert store.summary(case.case_id) is None
    store.append(case.case_id, events[:1], 0)
    assert store.append(case.case_id, (), 1) == ()
    with pytest.raises(InvalidInput, match="starts with case_opened"):
        store.append(case.case_id, (attrs.evolve(events[0], seq=2),), 1)
    assert len(store.load(case.case_id)) == 1


def test_an_unverified_repository_keeps_a_reloaded_case_a_command_left_unchanged() -> None:
    store = CountingStore()
    repository = Repository(store, clock=lambda: START, verify_loads=False)
    _disclosed(repository)
    _repository(store).update("c-1", lambda case: case.consent("a"))  # another writer
    store.whole_reads = 0
    assert repository.update("c-1", lambda case: case.version) == 3  # replayed, nothing new
    assert repository.update("c-1", lambda case: case.version) == 3  # kept at the head
    assert store.whole_reads == 1


def test_a_case_read_while_another_writer_appends_is_not_kept() -> None:
    class Lagging(CountingStore):
        """Gives, once, the summary as it was before another writer's append."""

        stale: CaseSummary | None = None

        def summary(self, case_id: str) -> CaseSummary | None:
            if self.stale is not None and case_id == "c-1":
                stale, self.stale = self.stale, None
                return stale
            return super().summary(case_id)

    store = Lagging()
    repository = Repository(store, clock=lambda: START, verify_loads=False, cache_size=1)
    _disclosed(repository)
    _open(repository, "c-2")  # kept: the one place in the cache
    before = store.summary("c-1")
    _repository(store).update("c-1", lambda case: case.consent("a"))
    store.stale = before  # as if that append landed between the summary and the load
    store.whole_reads = 0
    assert repository.update("c-1", lambda case: case.version) == 3  # read, not kept
    repository.update("c-2", lambda case: case.disclose("m", "No ties.", []))
    assert store.whole_reads == 1  # c-2 was still kept


def test_a_read_of_a_case_the_store_keeps_no_head_for_is_refused_and_not_recorded() -> None:
    store = InMemoryStore()
    repository = _repository(store)
    _disclosed(repository)
    del store._summaries["c-1"]  # the summary row removed behind the store's back
    with pytest.raises(CaseNotFound):
        repository.load("c-1", reader="a", verify=False)
    assert store.reads("c-1") == ()


def test_verifying_an_unknown_case_or_one_whose_events_are_gone() -> None:
    store = InMemoryStore()
    with pytest.raises(CaseNotFound):
        verify_case(store, "nobody")
    case = scripted_case("gone")
    store.append(case.case_id, case.events, 0)
    del store._records["gone"]  # the events removed, the summary (the head) kept
    result = verify_case(store, "gone")
    assert not result.ok and result.count == 0
    assert result.broken is not None and result.broken.code == "truncated"


def test_a_changed_summary_is_named_unless_the_summary_check_is_off() -> None:
    store = InMemoryStore()
    case = scripted_case("edited", close=False)
    store.append(case.case_id, case.events, 0)
    summary, tracker = store._summaries["edited"]
    store._summaries["edited"] = (attrs.evolve(summary, stage="closed"), tracker)
    result = verify_case(store, "edited")
    assert result.broken is not None and result.broken.code == "summary_mismatch"
    assert "stage is 'closed' in the store" in result.broken.message
    assert verify_case(store, "edited", check_summary=False).ok
    _tampered(store, "edited", 3)  # a broken chain is named as such, not as the summary
    broken = verify_case(store, "edited").broken
    assert broken is not None and broken.seq == 3 and broken.code != "summary_mismatch"


def test_adopting_no_records_is_refused_as_missing() -> None:
    store = InMemoryStore()
    with pytest.raises(ChainBroken) as refused:
        store.adopt("empty", ())
    assert refused.value.code == "missing"
    assert store.summary("empty") is None


def test_an_erasure_names_only_content_that_comes_before_it() -> None:
    from mediation.store import erase_spans

    store = InMemoryStore()
    case = scripted_case("spans")
    store.append(case.case_id, case.events, 0)
    records = store.records("spans")

    def erasure(seq: int, *spans: str) -> ev.ContentErased:
        return attrs.evolve(_erasure(store, "spans", seq), spans=spans)

    with pytest.raises(NothingToErase, match="names no earlier event"):
        erase_spans(records, erasure(10, "10.text"))  # the erasure's own place
    assert set(erase_spans(records, erasure(11, "10.text"))) == {10}
    with pytest.raises(NothingToErase, match="names no content"):
        store.erase("spans", erasure(len(records) + 1), len(records))
    assert store.records("spans") == records


def test_exporting_a_case_the_store_keeps_no_head_for_is_refused() -> None:
    from mediation.store import export_store

    store = InMemoryStore()
    case = scripted_case("headless")
    store.append(case.case_id, case.events, 0)
    del store._summaries["headless"]  # its events are there, its head is not
    out = io.BytesIO()
    with pytest.raises(CaseNotFound):
        export_store(store, out, ["headless"])
    assert out.getvalue() == b""


def test_signing_heads_or_importing_needs_a_store_that_manages_its_cases() -> None:
    from mediation.store import anchor_store, import_export

    class Plain:
        """A store that keeps events but has no id and cannot adopt or erase."""

        def __init__(self) -> None:
            self._inner = InMemoryStore()

        def __getattr__(self, name: str) -> object:
            if name in ("store_id", "adopt", "erase"):
                raise AttributeError(name)
            return getattr(self._inner, name)

    plain = Plain()
    with pytest.raises(InvalidInput, match="Plain has no store id to sign heads for"):
        anchor_store(plain, signer=None)  # type: ignore[arg-type]
    with pytest.raises(InvalidInput, match="Plain cannot adopt records"):
        import_export(io.BytesIO(b""), plain)  # type: ignore[arg-type]


def test_a_case_dropped_since_its_head_was_signed_verifies_as_zero_events() -> None:
    pytest.importorskip("cryptography")
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ed25519

    from mediation.store import anchor_store, verify_anchors

    key = ed25519.Ed25519PrivateKey.generate().private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    signer = audit.Signer(key)
    store = InMemoryStore()
    case = scripted_case("dropped")
    store.append(case.case_id, case.events, 0)
    anchors = anchor_store(store, signer)
    for table in (store._records, store._events, store._summaries):
        del table["dropped"]
    (result,) = verify_anchors(store, anchors, audit.Verifier(signer.public_pem()))
    assert result.broken is not None and result.broken.code == "dropped"
    assert (result.count, result.head) == (0, audit.genesis("dropped"))
