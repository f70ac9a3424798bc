"""Tests for mediation.neutrality.mediator_conduct: the mediator-conduct check."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mediation import (
    Finding,
    InvalidInput,
    Mediation,
    Mediator,
    MediatorConduct,
    Party,
    Policy,
)
from mediation.clocks import ManualClock
from mediation.events import FindingRecorded
from mediation.neutrality.exact import lower_tail
from mediation.testing import advance_to

Build = Callable[..., Mediation]

AdvanceTo = Callable[[Mediation, str], Mediation]


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
    recorded = [e for e in case.events if isinstance(e, FindingRecorded)]
    assert {f.code for f in recorded} == {
        "mediator_attention_imbalance",
        "uneven_invitations",
        "uneven_questions",
        "party_never_invited",
        "uneven_attention_in_stage",
    }
    assert all(f.mode == "warn" and f.parties == ("b",) and not f.overridden for f in recorded)
    assert case.events[-len(recorded) - 1 : -1] == tuple(recorded)
    assert case.events[-1] is moved


_ACTS = st.lists(
    st.tuples(st.sampled_from(["invite", "ask", "paraphrase", "offer"]), st.integers(0, 2)),
    max_size=14,
)


def _play(order: list[str], names: dict[str, str], acts: list[tuple[str, int]]) -> Mediation:
    """Open a case listing the roles in ``order`` under ``names``; play ``acts`` by role."""
    roles = ["r0", "r1", "r2"]
    case = Mediation.open(
        "lb",
        [Party(names[r], names[r].title()) for r in order],
        Mediator("m", "M"),
        clock=ManualClock(datetime(2026, 3, 2, 9, tzinfo=timezone.utc), tick=timedelta(minutes=1)),
    )
    advance_to(case, "listening")
    for kind, who in acts:
        party = names[roles[who]]
        if kind == "invite":
            case.invite_to_speak("m", party)
        elif kind == "ask":
            case.ask("m", party, "and then?")
        elif kind == "paraphrase":
            case.paraphrase("m", party, "you mean")
        elif party not in case.state.caucus_offered:
            case.offer_caucus("m", party)
    for role in order:
        case.speak(names[role], "my side", 60)
    return case


def _found(case: Mediation, back: dict[str, str]) -> set[tuple[str, tuple[str, ...]]]:
    return {
        (f.code, tuple(sorted(back[p] for p in f.parties)))
        for f in case.pending_findings()
        if f.check == "mediator_conduct"
    }


@given(_ACTS, st.permutations(["r0", "r1", "r2"]))
def test_conduct_findings_are_label_blind(acts: list[tuple[str, int]], order: list[str]) -> None:
    plain = {"r0": "a", "r1": "b", "r2": "c"}
    other = {"r0": "zed", "r1": "amy", "r2": "kai"}
    first = _play(["r0", "r1", "r2"], plain, acts)
    second = _play(order, other, acts)
    assert _found(first, {v: k for k, v in plain.items()}) == _found(
        second, {v: k for k, v in other.items()}
    )


def test_alpha_is_validated() -> None:
    for bad in (0, 0.6, -1, "x", True):
        with pytest.raises(InvalidInput):
            Policy(mediator_conduct=MediatorConduct(alpha=bad))  # type: ignore[arg-type]


@pytest.mark.parametrize(("talker", "quiet"), [("a", "b"), ("b", "a")])
def test_inviting_a_quiet_party_again_is_not_an_attention_imbalance(
    new_case: Build, advance_to: AdvanceTo, talker: str, quiet: str
) -> None:
    """5:2 is a ratio of 2.5 but no evidence of bias (exact p = 0.23): the mediator who
    invites the quieter party twice more is balancing voice, which voice balance asks.
    Either party may be the quiet one."""
    case = advance_to(new_case(), "listening")
    case.invite_to_speak("m", talker)
    case.speak(talker, "my side", 144)
    for _ in range(3):
        case.invite_to_speak("m", quiet)
        case.speak(quiet, "mine", 40)
    case.paraphrase("m", quiet, "You feel unheard.")
    case.paraphrase("m", quiet, "And you want a fair rota.")
    case.ask("m", talker, "What would help?")
    case.speak(talker, "a rota that rotates", 100)
    case.advance("m")
    assert not [f for f in case.state.findings if f.check == "mediator_conduct"]


@pytest.mark.parametrize("ignored", ["a", "b"])
def test_an_overall_imbalance_is_recorded_once(
    new_case: Build, advance_to: AdvanceTo, ignored: str
) -> None:
    addressed = "b" if ignored == "a" else "a"
    case = advance_to(new_case(), "listening")
    for _ in range(8):
        case.ask("m", addressed, "And then?")
    case.speak("a", "x", 60)
    case.speak("b", "y", 60)
    case.advance("m")
    case = advance_to(case, "common_ground")
    recorded = [f for f in case.state.findings if f.code == "mediator_attention_imbalance"]
    assert len(recorded) == 1 and recorded[0].parties == (ignored,)


def _conduct(case: Mediation) -> dict[str, Finding]:
    return {f.code: f for f in case.pending_findings() if f.check == "mediator_conduct"}


@pytest.mark.parametrize(("questions", "judged"), [(5, False), (6, True)])
def test_the_overall_comparison_starts_at_min_interventions(
    new_case: Build, advance_to: AdvanceTo, questions: int, judged: bool
) -> None:
    """Six interventions in all (``min_interventions``) are judged; five are not."""
    case = advance_to(new_case(), "listening")
    for _ in range(questions):
        case.ask("m", "a", "And then?")
    found = _conduct(case)
    assert ("mediator_attention_imbalance" in found) is judged
    if judged:
        finding = found["mediator_attention_imbalance"]
        assert finding.parties == ("b",)
        assert finding.figures == {"ratio": float("inf"), "p_value": 1 / 64}


@pytest.mark.parametrize(("to_a", "flagged"), [(40, False), (41, True)])
def test_the_overall_ratio_is_judged_at_max_ratio(
    new_case: Build, advance_to: AdvanceTo, to_a: int, flagged: bool
) -> None:
    """40:20 is a ratio of exactly 2.0, within ``max_ratio``, however significant the
    count; 41:20 is above it, and significant."""
    case = advance_to(new_case(), "listening")
    for _ in range(to_a):
        case.ask("m", "a", "And then?")
    for _ in range(20):
        case.ask("m", "b", "And then?")
    found = _conduct(case)
    assert ("mediator_attention_imbalance" in found) is flagged
    if flagged:
        finding = found["mediator_attention_imbalance"]
        assert finding.parties == ("b",)
        assert finding.figures["ratio"] == 41 / 20
        assert finding.figures["p_value"] == pytest.approx(lower_tail(20, 61, 2))


def test_two_underserved_parties_are_reported_with_the_larger_p_value(
    new_case: Build, advance_to: AdvanceTo
) -> None:
    """Twelve questions to A, one to B, none to C: B and C are both below an equal share;
    the finding names both and gives the larger (weaker) p-value, B's."""
    case = advance_to(new_case(3), "listening")
    for _ in range(12):
        case.ask("m", "a", "And then?")
    case.ask("m", "b", "And you?")
    found = _conduct(case)
    weaker = lower_tail(1, 13, 3)
    assert weaker > lower_tail(0, 13, 3)
    for code in (
        "mediator_attention_imbalance",
        "uneven_questions",
        "uneven_engagement",
        "uneven_attention_in_stage",
    ):
        assert found[code].parties == ("b", "c"), code
        assert found[code].figures["p_value"] == pytest.approx(weaker), code
        assert f"p = {weaker:.3g}" in found[code].message, code
    assert found["party_never_addressed"].parties == ("c",)


def test_questions_alone_are_engagement(new_case: Build, advance_to: AdvanceTo) -> None:
    """Four questions to A and nothing to B: questions and engagement (questions and
    paraphrases together) are both 4:0; B was never addressed at all."""
    case = advance_to(new_case(), "listening")
    for _ in range(4):
        case.ask("m", "a", "And then?")
    found = _conduct(case)
    assert set(found) == {
        "uneven_questions",
        "uneven_engagement",
        "party_never_addressed",
        "uneven_attention_in_stage",
    }
    assert all(f.parties == ("b",) for f in found.values())
    case.paraphrase("m", "b", "You mean the rota.")
    found = _conduct(case)
    assert "uneven_engagement" not in found and "party_never_addressed" not in found


def test_caucus_sessions_count_as_caucuses(new_case: Build, advance_to: AdvanceTo) -> None:
    """Four caucuses with A and none offered to B: uneven caucuses, resting on the caucus
    events."""
    case = advance_to(new_case(), "common_ground")
    before = set(case.state.evidence(("caucus", "a"), ("caucus", "b")))
    for _ in range(4):
        case.open_caucus("m", "a")
        case.close_caucus("m")
    found = _conduct(case)
    finding = found["uneven_caucuses"]
    assert finding.parties == ("b",)
    caucus_seqs = set(case.state.evidence(("caucus", "a"), ("caucus", "b")))
    assert set(finding.evidence) == caucus_seqs and len(caucus_seqs - before) >= 4
    assert "caucuses went unevenly: A 4, B 0;" in finding.message


def test_in_stage_evidence_is_the_stage_interventions(
    new_case: Build, advance_to: AdvanceTo
) -> None:
    """The per-stage comparison rests on the interventions of the stage being left, not
    on those of earlier stages."""
    case = advance_to(new_case(), "listening")
    for _ in range(4):
        case.ask("m", "a", "And then?")
    case.speak("a", "x", 60)
    case.speak("b", "y", 60)
    case.paraphrase("m", "b", "You mean the rota.")
    case.advance("m")
    asked = [case.ask("m", "b", "And you?").seq for _ in range(4)]
    finding = _conduct(case)["uneven_attention_in_stage"]
    assert finding.parties == ("a",)
    assert finding.evidence == tuple(asked)


@given(_ACTS, st.permutations(["r0", "r1", "r2"]))
def test_the_counts_of_every_kind_at_once_are_each_kinds_count(
    acts: list[tuple[str, int]], order: list[str]
) -> None:
    from mediation.neutrality.mediator_conduct import KINDS, _kind_count, _kind_counts

    case = _play(order, {"r0": "a", "r1": "b", "r2": "c"}, acts)
    parties = tuple(case.state.active)
    assert _kind_counts(case.state, parties) == {
        kind: {party: _kind_count(case.state, party, kind) for party in parties} for kind in KINDS
    }
