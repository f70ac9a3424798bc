"""Tests for mediation.neutrality.mediator_style: facilitative or evaluative."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from mediation import (
    CommandRefused,
    Finding,
    InvalidInput,
    Mediation,
    MediatorStyle,
    Policy,
    Style,
    TransitionRefused,
    neutrality_report,
)
from mediation.events import FindingRecorded, ProposalMade
from mediation.neutrality import mediator_style
from mediation.neutrality._messages import render
from tests.refusal import nothing_recorded

Build = Callable[..., Mediation]
AdvanceTo = Callable[[Mediation, str], Mediation]


def test_facilitative_block_refuses_and_records_nothing(
    new_case: Build, advance_to: AdvanceTo
) -> None:
    case = advance_to(new_case(), "compromise")
    with nothing_recorded(case, CommandRefused) as refused:
        case.propose("m", "b takes Fridays")
    (reason,) = [r for r in refused.value.reasons if r.code == "evaluation_not_requested"]
    assert set(reason.parties) == {"a", "b"}
    assert not {s.name: s for s in case.allowed_actions("m")}["propose"].allowed


def test_a_partial_request_is_not_enough(new_case: Build, advance_to: AdvanceTo) -> None:
    case = advance_to(new_case(), "compromise")
    case.request_suggestion("a")
    with nothing_recorded(case, CommandRefused) as refused:
        case.propose("m", "b takes Fridays")
    assert refused.match("not yet from B")
    (reason,) = [r for r in refused.value.reasons if r.code == "evaluation_not_requested"]
    assert reason.parties == ("b",)


def test_facilitative_warn_records_the_finding_with_the_proposal(
    new_case: Build, advance_to: AdvanceTo
) -> None:
    case = advance_to(
        new_case(policy=Policy(mediator_style=MediatorStyle(mode="warn"))), "compromise"
    )
    made = case.propose("m", "b takes Fridays")
    finding = case.events[-1]
    assert isinstance(made, ProposalMade) and isinstance(finding, FindingRecorded)
    assert finding.code == "unrequested_evaluation" and finding.evidence == (made.seq,)


def test_evaluative_style_allows_it_and_a_party_proposes_freely(
    new_case: Build, advance_to: AdvanceTo
) -> None:
    policy = Policy(mediator_style=MediatorStyle(style="evaluative"))
    case = advance_to(new_case(policy=policy), "compromise")
    case.propose("m", "alternate weekly")
    case.propose("a", "my own idea")
    assert not case.state.findings


def test_off_mode_lets_the_mediator_propose(new_case: Build, advance_to: AdvanceTo) -> None:
    case = advance_to(
        new_case(policy=Policy(mediator_style=MediatorStyle(mode="off"))), "compromise"
    )
    case.propose("m", "alternate weekly")
    assert not case.state.findings


def test_styles_are_validated() -> None:
    with pytest.raises(InvalidInput, match="facilitative or evaluative"):
        MediatorStyle(style="directive")
    assert Policy.from_dict({"mediator_style": {"style": "evaluative"}}).mediator_style.style is (
        Style.EVALUATIVE
    )


def test_messages_have_chinese_text() -> None:
    text = render(mediator_style.MESSAGES["unrequested_evaluation"], "zh", parties="B")
    assert "促进式" in text


def test_the_report_says_which_style_the_case_runs(new_case: Build) -> None:
    assert neutrality_report(new_case()).style == "facilitative"
    evaluative = new_case(policy=Policy(mediator_style=MediatorStyle(style="evaluative")))
    assert "Mediator style: evaluative." in neutrality_report(evaluative).to_markdown()


def test_a_mediator_proposal_nobody_took_up_is_left(new_case: Build, advance_to: AdvanceTo) -> None:
    policy = Policy(mediator_style=MediatorStyle(style="evaluative"))
    case = advance_to(new_case(policy=policy), "compromise")
    case.propose("m", "alternate weekly")
    own = case.propose("a", "my own idea")
    case.answer_proposal("b", own.proposal_id, accept=True)
    case.advance("m")
    assert not case.state.findings


def test_a_mediator_proposal_one_party_answered_must_be_put_to_every_party(
    new_case: Build, advance_to: AdvanceTo
) -> None:
    """Three parties, one answered the mediator's proposal: leaving the stage is refused
    (block, the default) naming the two who did not, with the proposal as evidence, and
    nothing is recorded; once every party answered, the case moves on."""
    policy = Policy(mediator_style=MediatorStyle(style="evaluative"))
    case = advance_to(new_case(3, policy=policy), "compromise")
    made = case.propose("m", "alternate weekly")
    case.answer_proposal("a", made.proposal_id, accept=True)
    with nothing_recorded(case, TransitionRefused) as refused:
        case.advance("m")
    (finding,) = [r for r in refused.value.reasons if r.code == "evaluation_not_put_to_all"]
    assert isinstance(finding, Finding)
    assert finding.parties == ("b", "c")
    assert finding.evidence == (made.seq,)
    case.answer_proposal("b", made.proposal_id, accept=True)
    with nothing_recorded(case, TransitionRefused) as refused:
        case.advance("m")
    (finding,) = [r for r in refused.value.reasons if r.code == "evaluation_not_put_to_all"]
    assert finding.parties == ("c",)
    case.answer_proposal("c", made.proposal_id, accept=True)
    assert case.advance("m").dest == "agreement"
