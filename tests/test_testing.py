"""Tests for mediation.testing: the strategies and helpers hosts rely on can fail."""

from __future__ import annotations

from collections.abc import Callable

import attrs
import pytest
from hypothesis import find, given
from hypothesis import strategies as st

from mediation import Mediation, Policy, demo, neutrality_report, rules, settlement
from mediation.clocks import ManualClock
from mediation.errors import CaseClosed, CommandRefused, InvalidInput, NotAuthorized
from mediation.events import Event, Signed
from mediation.testing import (
    STAGES_IN_ORDER,
    MediationMachine,
    advance_to,
    assert_confidential,
    assert_label_blind,
    assert_replay_equal,
    assert_self_determined,
    cases,
    event_histories,
    issues,
    mirrored,
    party_ids,
    policies,
    relabelled,
    transcripts,
    valuations,
)
from mediation.testing._oracle import Oracle

Build = Callable[..., Mediation]


@pytest.mark.parametrize("stage", STAGES_IN_ORDER)
@given(data=st.data())
def test_cases_reach_the_stage_asked_for(stage: str, data: st.DataObject) -> None:
    case = data.draw(cases(stage))
    assert case.stage == stage
    if stage == "closed":
        assert case.outcome is not None and case.outcome.value == "settled"


@given(policies(), st.data())
def test_cases_reach_agreement_under_any_generated_policy(
    policy: Policy, data: st.DataObject
) -> None:
    case = data.draw(cases("agreement", policy=policy))
    assert case.stage == "agreement"
    assert_self_determined(case)


@given(event_histories())
def test_event_histories_are_valid_histories(events: tuple[Event, ...]) -> None:
    assert [event.seq for event in events] == list(range(1, len(events) + 1))
    case = Mediation.replay(events, clock=lambda: events[-1].at)
    assert case.events == events
    assert case.stage in STAGES_IN_ORDER


@given(cases())
def test_the_library_keeps_its_own_invariants(case: Mediation) -> None:
    assert_replay_equal(case)
    assert_self_determined(case)
    assert_confidential(case)
    assert_label_blind(neutrality_report, case)
    assert_label_blind(lambda c: c.pending_findings(), case)


@given(valuations(("a", "b")))
def test_valuations_feed_the_settlement_procedures(points: dict[str, dict[str, int]]) -> None:
    result = settlement.adjusted_winner(points)
    assert result.points["a"] == result.points["b"]


def test_issues_cover_screening_flags() -> None:
    flagged = find(issues(), lambda issue: bool(Policy.default().is_non_mediable(issue.flags)))
    plain = find(issues(), lambda issue: not issue.flags)
    assert flagged.flags & {"harassment", "safety"}
    assert plain.flags == frozenset()


@given(transcripts())
def test_relabelling_twice_with_inverse_mappings_gives_the_history_back(
    events: tuple[Event, ...],
) -> None:
    ids = party_ids(events)
    forward = dict(zip(ids, reversed(ids), strict=True))
    back = {new: old for old, new in forward.items()}
    assert relabelled(relabelled(events, forward), back) == list(events)
    assert mirrored(mirrored(events)) == list(events)


def test_relabelled_refuses_a_mapping_that_is_not_a_permutation() -> None:
    events = demo.workplace_dispute().events
    with pytest.raises(ValueError, match="permute"):
        relabelled(events, {"lin": "zhao"})


def test_assert_label_blind_catches_a_positional_rule() -> None:
    case = demo.workplace_dispute()
    with pytest.raises(AssertionError, match="not label-blind"):
        assert_label_blind(lambda c: next(iter(c.state.parties)), case)


def test_assert_confidential_catches_a_mediator_repeating_caucus_content(
    new_case: Build,
) -> None:
    case = advance_to(new_case(), "listening")
    case.open_caucus("m", "a")
    case.caucus_note("a", "I have another job offer")
    case.close_caucus("m")
    assert_confidential(case)
    case.paraphrase("m", "b", "I have another job offer")
    with pytest.raises(AssertionError, match="b can see confidential content of a"):
        assert_confidential(case)


def test_assert_self_determined_catches_a_forged_signature() -> None:
    case = demo.workplace_dispute()
    assert_self_determined(case)
    forged = [
        attrs.evolve(e, actor="chen") if isinstance(e, Signed) and e.actor == "lin" else e
        for e in case.events
    ]
    rebuilt = Mediation.replay(forged, clock=lambda: case.state.last_at)
    with pytest.raises(AssertionError, match=r"signed #\d+ was made by chen"):
        assert_self_determined(rebuilt)


def test_assert_replay_equal_passes_on_the_demo() -> None:
    assert_replay_equal(demo.workplace_dispute())


def test_valuations_stay_with_the_party_that_gave_them(new_case: Build) -> None:
    case = advance_to(new_case(), "compromise")
    for party in "ab":
        case.open_caucus("m", party)
        case.give_valuations(party, {"car": 70 if party == "a" else 20, "flat": 30})
        case.close_caucus("m")
        case.request_suggestion(party)
    case.suggest_settlement("m")
    assert_confidential(case)


_WITHOUT_HYPOTHESIS = """
import sys

class HideHypothesis:
    def find_spec(self, name, path=None, target=None):
        if name == "hypothesis" or name.startswith("hypothesis."):
            raise ModuleNotFoundError(f"No module named {name!r}", name=name)
        return None

sys.meta_path.insert(0, HideHypothesis())

from mediation.testing import advance_to, assert_replay_equal, check_store, scripted_case
from mediation.store import InMemoryStore
from mediation.errors import MissingExtra

assert "hypothesis" not in sys.modules
case = scripted_case("no-hypothesis")
assert_replay_equal(case)
check_store(InMemoryStore)
for name in ("cases", "MediationMachine", "register_profiles"):
    try:
        getattr(__import__("mediation.testing", fromlist=[name]), name)
    except MissingExtra as error:
        assert isinstance(error, ImportError) and error.extra == "testing"
        print(name, "->", error)
    else:
        raise AssertionError(f"{name} imported without hypothesis")
assert "hypothesis" not in sys.modules
"""


def test_the_helpers_import_without_hypothesis_and_strategies_say_how_to_get_it() -> None:
    import subprocess
    import sys

    done = subprocess.run(
        [sys.executable, "-c", _WITHOUT_HYPOTHESIS], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert len(lines) == 3
    for line in lines:
        assert "needs hypothesis, which is not installed: pip install 'mediation[testing]'" in line


def test_an_unknown_name_is_still_an_attribute_error() -> None:
    import mediation.testing

    with pytest.raises(AttributeError, match="no attribute 'nothing_here'"):
        mediation.testing.nothing_here  # noqa: B018


def test_assert_no_seat_effect_catches_a_planted_advantage() -> None:
    from mediation.simulation import run
    from mediation.testing import assert_no_seat_effect, seat_effect

    results = run("two_colleagues", 120, seed=4, workers=1).results
    fair = assert_no_seat_effect(results)
    low, high = fair.interval(0.99)
    assert low < 0 < high
    favoured = [
        attrs.evolve(r, utility={**r.utility, "ana": r.utility["ana"] + 0.1}) for r in results
    ]
    with pytest.raises(AssertionError, match="seat effect at 99% confidence: ana - ben"):
        assert_no_seat_effect(favoured)
    assert seat_effect(favoured).mean == pytest.approx(fair.mean + 0.1)
    assert seat_effect(favoured, "ben", "ana").mean == pytest.approx(-fair.mean - 0.1)
    with pytest.raises(InvalidInput):
        seat_effect(results, "ana", "ana")
    with pytest.raises(InvalidInput):
        assert_no_seat_effect(results, confidence=1.5)
    with pytest.raises(InvalidInput):
        seat_effect([r for r in results if not r.settled][:3])


# -- the stateful test's oracle ------------------------------------------------------------


def _machine_at(case: Mediation, clock: ManualClock) -> MediationMachine:
    machine = MediationMachine()
    machine.case, machine.clock = case, clock
    machine.oracle = Oracle.for_case(case.events[0])
    for event in case.events[1:]:
        machine.oracle.observe(event)
    return machine


def _valued_compromise(
    new_case: Callable[..., Mediation], advance_to: Callable[[Mediation, str], Mediation]
) -> Mediation:
    case = advance_to(new_case(3), "compromise")
    for party in ("a", "b", "c"):
        case.open_caucus("m", party)
        case.give_valuations(party, {"car": 3, "flat": 5})
        case.close_caucus("m")
    case.request_suggestion("a")
    case.request_suggestion("b")
    return case


def test_the_oracle_predicts_from_the_docs(
    new_case: Callable[..., Mediation],
    advance_to: Callable[[Mediation, str], Mediation],
    clock: ManualClock,
) -> None:
    case = _valued_compromise(new_case, advance_to)
    oracle = _machine_at(case, clock).oracle
    assert oracle is not None
    assert oracle.predict("speak", "stranger", {}).refused is NotAuthorized
    assert oracle.predict("advance", "a", {}).refused is NotAuthorized
    assert oracle.predict("sign", "m", {}).refused is NotAuthorized  # never for a party
    suggest = oracle.predict("suggest_settlement", "m", {"procedure": "knaster"})
    assert suggest.refused is CommandRefused and "every party's request" in suggest.why
    assert oracle.predict("request_suggestion", "c", {}).certain
    assert oracle.predict("request_suggestion", "a", {}).refused is CommandRefused  # twice
    assert oracle.predict("restate", "a", {"about": "b"}).refused is CommandRefused  # stage
    case.request_suggestion("c")
    oracle.observe(case.events[-1])
    assert oracle.predict("suggest_settlement", "m", {}).refused is None
    case.withdraw("a")
    oracle.observe(case.events[-1])
    assert oracle.predict("speak", "a", {}).refused is CommandRefused
    case.close("m", "impasse", "stuck")
    for event in case.events[-2:]:
        oracle.observe(event)
    assert oracle.predict("speak", "b", {}).refused is CaseClosed


def test_a_dropped_refusal_fails_the_machine(
    new_case: Callable[..., Mediation],
    advance_to: Callable[[Mediation, str], Mediation],
    clock: ManualClock,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    case = _valued_compromise(new_case, advance_to)
    machine = _machine_at(case, clock)
    machine.execute("suggest_settlement", "m", {"procedure": "knaster"}, expect_ok=False)
    assert case.version == len(case.events)  # refused, as the docs say: nothing recorded
    monkeypatch.setattr(rules, "check", lambda *_args, **_kwargs: None)  # every refusal gone
    with pytest.raises(AssertionError, match="must be refused"):
        machine.execute("suggest_settlement", "m", {"procedure": "knaster"}, expect_ok=False)
