"""Tests for mediation.neutrality: the checks, their semantics, the report, label-blindness."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import timedelta
from fractions import Fraction

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from mediation import (
    BUILTIN_CHECKS,
    BUILTIN_GUARDS,
    DEFAULT_DEFINITION,
    CheckContext,
    CommandRefused,
    Finding,
    InvalidInput,
    Mediation,
    Mode,
    NotAuthorized,
    Policy,
    Process,
    Relation,
    TransitionRefused,
    neutrality_report,
)
from mediation.clocks import ManualClock
from mediation.events import Event, FindingRecorded, StatementMade
from mediation.neutrality import NeutralityReport, gini, max_min_ratio
from mediation.policy import (
    CaucusParity,
    MediatorConduct,
    PowerImbalance,
    Reciprocity,
    Responsiveness,
    VoiceBalance,
)
from mediation.testing import mirrored, party_ids, relabelled, transcripts

Build = Callable[..., Mediation]
AdvanceTo = Callable[[Mediation, str], Mediation]


def replay(events: Sequence[Event]) -> Mediation:
    return Mediation.replay(events, clock=ManualClock(events[-1].at))


def codes(error: pytest.ExceptionInfo[TransitionRefused]) -> set[str]:
    return set(error.value.codes)


# -- measures ------------------------------------------------------------------------------

shares = st.lists(st.integers(min_value=0, max_value=10**6), min_size=2, max_size=8)


@given(shares)
def test_gini_lies_in_its_range_and_is_zero_exactly_when_equal(values: list[int]) -> None:
    coefficient = gini(values)
    n = len(values)
    assert 0 <= coefficient <= Fraction(n - 1, n)
    if sum(values):
        assert (coefficient == 0) == (len(set(values)) == 1)


@given(shares, st.integers(min_value=1, max_value=1000))
def test_gini_and_ratio_are_scale_invariant(values: list[int], factor: int) -> None:
    scaled = [value * factor for value in values]
    assert gini(scaled) == gini(values)
    assert max_min_ratio(scaled) == max_min_ratio(values)


@given(shares.filter(lambda v: max(v) - min(v) >= 2), st.data())
def test_moving_airtime_from_richer_to_poorer_lowers_gini(
    values: list[int], data: st.DataObject
) -> None:
    rich = values.index(max(values))
    poor = values.index(min(values))
    amount = data.draw(st.integers(min_value=1, max_value=(values[rich] - values[poor]) // 2))
    moved = list(values)
    moved[rich] -= amount
    moved[poor] += amount
    assert gini(moved) < gini(values)


@given(shares, st.permutations(range(8)))
def test_measures_are_symmetric(values: list[int], order: list[int]) -> None:
    permuted = [values[i] for i in order if i < len(values)]
    assert gini(permuted) == gini(values)
    assert max_min_ratio(permuted) == max_min_ratio(values)


def test_max_min_ratio_edges() -> None:
    assert max_min_ratio([0, 0]) == 1
    assert max_min_ratio([0, 5]) is None
    assert max_min_ratio([2, 6]) == 3


# -- label-blindness ------------------------------------------------------------------------


def _mapped_report(report: NeutralityReport, mapping: dict[str, str]) -> dict[str, object]:
    """The parts of a report that must permute with the labels, keyed by (new) party id."""
    return {
        "figures": {
            mapping[f.party]: attrs.evolve(f, party=mapping[f.party]) for f in report.parties
        },
        "pending": sorted(
            (f.check, f.code, tuple(sorted(mapping[p] for p in f.parties)), f.mode)
            for f in report.pending
        ),
        "recorded": sorted(
            (f.check, f.code, tuple(sorted(mapping[p] for p in f.parties))) for f in report.recorded
        ),
        "numbers": (
            report.airtime_gini,
            report.airtime_ratio,
            report.turns_gini,
            report.turns_ratio,
            report.mediator_proposals,
        ),
        "verdict": report.verdict,
        "checks": report.checks,
    }


@given(transcripts(), st.data())
def test_relabelling_parties_permutes_every_figure_and_finding(
    events: tuple[Event, ...], data: st.DataObject
) -> None:
    ids = list(party_ids(events))
    mapping = dict(zip(ids, data.draw(st.permutations(ids)), strict=True))
    original = replay(events)
    renamed = replay(relabelled(events, mapping))
    identity = {p: p for p in ids}
    assert _mapped_report(neutrality_report(original), mapping) == _mapped_report(
        neutrality_report(renamed), identity
    )
    assert [f.code for f in original.pending_findings()] == [
        f.code for f in renamed.pending_findings()
    ]
    assert {s.name: s.allowed for s in original.allowed_actions("m")} == {
        s.name: s.allowed for s in renamed.allowed_actions("m")
    }


@given(transcripts(max_parties=2))
def test_the_report_of_a_mirrored_transcript_is_the_mirrored_report(
    events: tuple[Event, ...],
) -> None:
    report = neutrality_report(replay(events))
    flipped = neutrality_report(replay(mirrored(events)))
    assert [f.airtime_share for f in flipped.parties] == [
        f.airtime_share for f in reversed(report.parties)
    ]
    assert flipped.verdict == report.verdict
    assert flipped.airtime_gini == report.airtime_gini


@given(transcripts(integer_seconds=True), st.integers(min_value=2, max_value=50))
def test_scaling_all_durations_changes_no_figure(events: tuple[Event, ...], factor: int) -> None:
    scaled = [
        attrs.evolve(event, seconds=event.seconds * factor)
        if isinstance(event, StatementMade)
        else event
        for event in events
    ]
    before, after = neutrality_report(replay(events)), neutrality_report(replay(scaled))
    assert [f.airtime_share for f in before.parties] == [f.airtime_share for f in after.parties]
    assert (before.airtime_gini, before.airtime_ratio, before.verdict) == (
        after.airtime_gini,
        after.airtime_ratio,
        after.verdict,
    )


@given(transcripts(), st.lists(st.sampled_from(["invite", "paraphrase", "question"]), max_size=6))
def test_mediator_only_events_change_no_party_balance_figure(
    events: tuple[Event, ...], kinds: list[str]
) -> None:
    case = replay(events)
    before = neutrality_report(case)
    party = party_ids(events)[0]
    for kind in kinds:
        {
            "invite": lambda: case.invite_to_speak("m", party),
            "paraphrase": lambda: case.paraphrase("m", party, "so you mean"),
            "question": lambda: case.ask("m", party, "and then?"),
        }[kind]()
    after = neutrality_report(case)
    assert [(f.airtime_share, f.turns_share) for f in before.parties] == [
        (f.airtime_share, f.turns_share) for f in after.parties
    ]
    assert (before.airtime_gini, before.turns_gini) == (after.airtime_gini, after.turns_gini)


# -- each check blocking a realistic case ----------------------------------------------------


def test_voice_balance_blocks_leaving_listening(new_case: Build, advance_to: AdvanceTo) -> None:
    case = advance_to(new_case(), "listening")
    case.speak("a", "A long account of everything that went wrong since March.", 1500)
    case.speak("b", "I disagree.", 60)
    with pytest.raises(TransitionRefused) as refused:
        case.advance("m")
    assert codes(refused) == {"airtime_imbalance"}
    (finding,) = refused.value.reasons
    assert isinstance(finding, Finding)
    assert finding.parties == ("b",) and finding.check == "voice_balance"
    assert "Std. II" in finding.source and finding.blocking
    case.invite_to_speak("m", "b")
    case.speak("b", "Since you ask: I was moved off the project without a word.", 900)
    assert case.advance("m").dest == "perspective_swap"


def test_a_party_with_no_airtime_still_counts(new_case: Build, advance_to: AdvanceTo) -> None:
    process = Process(DEFAULT_DEFINITION.without_stage("perspective_swap"), BUILTIN_GUARDS)
    case = advance_to(new_case(3, process=process), "intake")
    case.disclose("m", "none")
    for party in "abc":
        case.consent(party)
    case.advance("m")
    case.speak("a", "x", 100)
    case.speak("b", "y", 100)
    case.speak("c", "z", 0)
    with pytest.raises(TransitionRefused) as refused:
        case.advance("m")
    assert "∞" in str(refused.value)
    assert refused.value.reasons[0].parties == ("c",)


def test_reciprocity_blocks_when_a_party_never_restated(
    new_case: Build, advance_to: AdvanceTo
) -> None:
    case = advance_to(new_case(), "perspective_swap")
    first = case.restate("a", "b", "B wants fairness")
    case.review_restatement("b", first.restatement_id, accurate=True)
    second = case.restate("a", "b", "again, in other words")  # a restates twice
    case.review_restatement("b", second.restatement_id, accurate=True)
    # b's view is confirmed but a's is not: the guard says so; reciprocity too.
    with pytest.raises(TransitionRefused) as refused:
        case.advance("m")
    assert codes(refused) == {"view_not_restated", "restatement_missing"}
    made = case.restate("b", "a", "A wants the deadline kept")
    case.review_restatement("a", made.restatement_id, accurate=True)
    assert case.advance("m").dest == "common_ground"


def test_caucus_parity_blocks_until_every_party_is_offered(
    new_case: Build, advance_to: AdvanceTo, clock: ManualClock
) -> None:
    case = advance_to(new_case(3), "common_ground")
    item = case.propose_common_ground("m", "All want calm")
    for party in "abc":
        case.assent(party, item.item_id)
    case.open_caucus("m", "a")
    clock.advance(timedelta(minutes=30))
    case.close_caucus("m")
    with pytest.raises(TransitionRefused) as refused:
        case.advance("m")
    assert codes(refused) == {"caucus_not_offered"}
    assert refused.value.reasons[0].parties == ("b", "c")
    case.offer_caucus("m", "b")
    case.open_caucus("m", "c")
    case.close_caucus("m")
    with pytest.raises(TransitionRefused) as refused:
        case.advance("m")
    assert codes(refused) == {"caucus_time_imbalance"}
    assert refused.value.reasons[0].parties == ("c",)


def test_mediator_conduct_warns_and_is_recorded(new_case: Build, advance_to: AdvanceTo) -> None:
    case = advance_to(new_case(), "listening")
    for _ in range(5):
        case.invite_to_speak("m", "a")
        case.ask("m", "a", "and then?")
    case.paraphrase("m", "b", "you feel unheard")
    case.speak("a", "x", 100)
    case.speak("b", "y", 100)
    moved = case.advance("m")
    assert moved.dest == "perspective_swap"
    (finding,) = [e for e in case.events if isinstance(e, FindingRecorded)]
    assert finding.code == "mediator_attention_imbalance" and finding.mode == "warn"
    assert finding.parties == ("b",) and not finding.overridden
    assert case.events[-2] is finding and case.events[-1] is moved


def test_power_imbalance_safeguards(new_case: Build, clock: ManualClock) -> None:
    policy = Policy(
        power_imbalance=PowerImbalance(
            safeguards=["caucus_offer", "subordinate_speaks_first", "support_person"]
        )
    )
    case = new_case(relations=[Relation("manages", "a", "b")], policy=policy)
    case.disclose("m", "none")
    case.consent("a")
    case.consent("b")
    with pytest.raises(TransitionRefused) as refused:
        case.advance("m")
    assert codes(refused) == {"support_person_missing"}
    with pytest.raises(NotAuthorized):
        case.add_support_person("a", "b", "Someone A picked")
    case.add_support_person("b", "b", "Works council member")
    case.advance("m")
    case.speak("a", "As head of the team I decide the rota.", 100)
    case.speak("b", "I was not asked.", 100)
    with pytest.raises(TransitionRefused) as refused:
        case.advance("m")
    assert codes(refused) == {"subordinate_not_first"}
    assert refused.value.reasons[0].parties == ("b",)


def test_power_imbalance_counts_reports_to_as_well(new_case: Build, advance_to: AdvanceTo) -> None:
    case = advance_to(new_case(relations=[Relation("reports_to", "b", "a")]), "common_ground")
    item = case.propose_common_ground("m", "x")
    case.assent("a", item.item_id)
    case.assent("b", item.item_id)
    with pytest.raises(TransitionRefused) as refused:
        case.advance("m")
    assert codes(refused) == {"subordinate_caucus_not_offered"}
    case.offer_caucus("m", "b")
    assert case.advance("m").dest == "compromise"


# -- modes, overrides, host checks ------------------------------------------------------------


def _lopsided(case: Mediation) -> None:
    case.speak("a", "long", 1000)
    case.speak("b", "short", 10)


def test_warn_mode_records_and_goes_on(new_case: Build, advance_to: AdvanceTo) -> None:
    case = advance_to(new_case(policy=Policy(voice_balance=VoiceBalance(mode="warn"))), "listening")
    _lopsided(case)
    case.advance("m")
    recorded = [e for e in case.events if isinstance(e, FindingRecorded)]
    assert {e.code for e in recorded} == {"airtime_imbalance"}
    report = neutrality_report(case)
    assert [f.code for f in report.recorded] == ["airtime_imbalance"]
    # Nobody has restated yet: the next move is blocked for reciprocity, not for voice.
    assert report.verdict == "blocked"
    assert {f.check for f in report.pending} == {"reciprocity"}


def test_off_mode_skips_the_check(new_case: Build, advance_to: AdvanceTo) -> None:
    case = advance_to(new_case(policy=Policy(voice_balance=VoiceBalance(mode="off"))), "listening")
    _lopsided(case)
    case.advance("m")
    assert not any(isinstance(e, FindingRecorded) for e in case.events)
    statuses = {c.check: c.status for c in neutrality_report(case).checks}
    assert statuses["voice_balance"] == "off"


def test_a_supervisor_overrides_a_block_with_a_recorded_reason(
    new_case: Build, advance_to: AdvanceTo
) -> None:
    case = advance_to(new_case(), "listening")
    _lopsided(case)
    with pytest.raises(InvalidInput, match="nothing blocks"):
        case.override("sup", ["caucus_not_offered"], "x")
    with pytest.raises(NotAuthorized):
        case.override("m", ["airtime_imbalance"], "I say so")
    with pytest.raises(InvalidInput):
        case.override("sup", [], "x")
    case.override("sup", ["airtime_imbalance"], "B declined to say more, in writing")
    allowed = {s.name: s for s in case.allowed_actions("m")}
    assert allowed["advance"].allowed
    case.advance("m")
    (finding,) = [e for e in case.events if isinstance(e, FindingRecorded)]
    assert finding.overridden and finding.mode == "block"
    assert case.state.overrides == {}


def test_allowed_actions_and_pending_show_blocking_findings(
    new_case: Build, advance_to: AdvanceTo
) -> None:
    case = advance_to(new_case(), "listening")
    _lopsided(case)
    advance = {s.name: s for s in case.allowed_actions("m")}["advance"]
    assert not advance.allowed and advance.reasons[0].code == "airtime_imbalance"
    assert [f.code for f in case.pending_findings()] == ["airtime_imbalance"]
    assert {s.name: s.allowed for s in case.allowed_actions("sup")}["override"]
    assert neutrality_report(case).verdict == "blocked"


@attrs.frozen
class FirstPartyMustNotDominate:
    """A house rule: a deliberately fair host check."""

    code: str = "house_rule"
    source: str = "House rules §4"
    default_mode: Mode = Mode.BLOCK

    def evaluate(self, context: CheckContext) -> Iterable[Finding]:
        turns = context.state.turns
        counts = [turns.get(p, 0) for p in context.parties]
        if context.trigger == "advance" and max(counts) > 2 * min(counts):
            return [Finding("turn_hog", "one party took more than twice the turns")]
        return []


def test_hosts_register_their_own_checks(new_case: Build, advance_to: AdvanceTo) -> None:
    process = Process(
        DEFAULT_DEFINITION, BUILTIN_GUARDS, checks=(*BUILTIN_CHECKS, FirstPartyMustNotDominate())
    )
    case = advance_to(new_case(process=process), "listening")
    for _ in range(3):
        case.speak("a", "x", 10)
    case.speak("b", "y", 30)
    with pytest.raises(TransitionRefused) as refused:
        case.advance("m")
    assert codes(refused) == {"turn_hog"}
    assert refused.value.reasons[0].source == "House rules §4"  # type: ignore[attr-defined]
    warned = advance_to(
        new_case(process=process, policy=Policy(custom_checks={"house_rule": "warn"})),
        "listening",
    )
    for _ in range(3):
        warned.speak("a", "x", 10)
    warned.speak("b", "y", 30)
    warned.advance("m")
    assert [f.code for f in warned.state.findings] == ["turn_hog"]
    with pytest.raises(InvalidInput, match="same code"):
        Process(DEFAULT_DEFINITION, BUILTIN_GUARDS, checks=(*BUILTIN_CHECKS, *BUILTIN_CHECKS))


# -- responsiveness ----------------------------------------------------------------------------


def test_review_deadlines_records_once_and_can_escalate(
    new_case: Build, clock: ManualClock
) -> None:
    policy = Policy(
        deadlines={"intake": timedelta(days=2)},
        responsiveness=Responsiveness(escalate_to="hr"),
    )
    case = new_case(policy=policy)
    assert case.review_deadlines("m") == ()
    clock.advance(timedelta(days=3))
    recorded = case.review_deadlines("sup")
    assert [e.type_name for e in recorded] == ["finding_recorded", "escalated"]
    assert case.stage == "escalated"
    assert case.review_deadlines("sup") == ()
    with pytest.raises(NotAuthorized):
        case.review_deadlines("a")


def test_review_deadlines_warns_without_escalation(new_case: Build, clock: ManualClock) -> None:
    case = new_case(policy=Policy(deadlines={"intake": timedelta(hours=1)}))
    clock.advance(timedelta(hours=2))
    (finding,) = case.review_deadlines("m")
    assert isinstance(finding, FindingRecorded) and finding.code == "deadline_passed"
    assert case.stage == "intake"
    assert case.review_deadlines("m") == ()
    report = neutrality_report(case)
    assert {c.check: c.status for c in report.checks}["responsiveness"] == "findings"


def test_responsiveness_must_name_a_known_authority() -> None:
    with pytest.raises(InvalidInput, match="escalate_to"):
        Policy(responsiveness=Responsiveness(escalate_to="ceo"))


# -- the report -------------------------------------------------------------------------------


def test_report_of_the_demo_is_even_handed_and_renders_markdown() -> None:
    from mediation import demo

    report = neutrality_report(demo.workplace_dispute())
    assert report.verdict == "even-handed"
    lin, zhao = report.parties
    assert (lin.party, zhao.party) == ("lin", "zhao")
    assert zhao.invitations == 1 and zhao.caucus_offered and lin.caucus_offered
    text = report.to_markdown()
    assert text.startswith("# Neutrality report: workload-2026-03")
    assert "| zhao | 330 | 0.54 |" in text
    assert "Std. III" in text and "resigning" not in text


def test_report_of_a_fresh_case_waits_for_disclosure(new_case: Build) -> None:
    report = neutrality_report(new_case())
    statuses = {c.check: c.status for c in report.checks}
    assert statuses["conflict_of_interest"] == "waiting"
    assert report.verdict == "even-handed"


def test_policy_settings_are_validated() -> None:
    with pytest.raises(InvalidInput, match="Gini"):
        VoiceBalance(max_gini=1.5)
    with pytest.raises(InvalidInput, match="ratio"):
        CaucusParity(max_time_ratio=0.5)
    with pytest.raises(InvalidInput, match="mode"):
        Reciprocity(mode="loud")
    with pytest.raises(InvalidInput, match="whole number"):
        MediatorConduct(min_interventions=-1)
    with pytest.raises(InvalidInput, match="safeguard"):
        PowerImbalance(safeguards=["bodyguard"])
    with pytest.raises(CommandRefused):
        raise CommandRefused([Finding("x", "y")])


def test_a_refusal_separates_findings_from_guard_reasons(
    new_case: Build, advance_to: AdvanceTo
) -> None:
    case = advance_to(new_case(), "perspective_swap")
    with pytest.raises(TransitionRefused) as refused:
        case.advance("m")
    assert [f.code for f in refused.value.findings] == ["restatement_missing"]
    assert set(refused.value.codes) == {"view_not_restated", "restatement_missing"}


@given(shares)
def test_gini_equals_the_mean_absolute_difference_over_twice_the_mean(values: list[int]) -> None:
    total = sum(values)
    n = len(values)
    pairwise = sum(abs(a - b) for a in values for b in values)
    expected = Fraction(pairwise, 2 * n * total) if total else Fraction(0)
    assert gini(values) == expected
