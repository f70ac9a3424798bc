"""Tests for mediation.guards: each guard says what is missing and for whom."""

from __future__ import annotations

from collections.abc import Callable

from mediation import Issue, Mediation, Outcome
from mediation import guards as g
from mediation.errors import TransitionRefused
from tests.refusal import nothing_recorded


def test_disclosure_and_consent(new_case: Callable[..., Mediation]) -> None:
    case = new_case(3, related=True)
    assert [r.code for r in g.disclosure_made(case.state)] == ["disclosure_missing"]
    assert [r.code for r in g.consent_current(case.state)] == ["disclosure_missing"]
    case.disclose("m", "partial", [])
    (incomplete,) = g.disclosure_made(case.state)
    assert incomplete.code == "disclosure_incomplete" and incomplete.parties == ("a",)
    case.disclose("m", "I report to A.")
    assert g.disclosure_made(case.state) == ()
    case.consent("b")
    (missing,) = g.consent_current(case.state)
    assert missing.parties == ("a", "c")
    case.consent("a")
    case.consent("c")
    assert g.consent_current(case.state) == ()


def test_non_mediable_issue_and_caucus(new_case: Callable[..., Mediation]) -> None:
    case = new_case(issues=[Issue("pay", "Pay gap", {"discrimination", "budget"})])
    (reason,) = g.no_non_mediable_issue(case.state)
    assert "discrimination" in reason.message and "budget" not in reason.message
    case.disclose("m", "none")
    case.open_caucus("m", "b")
    (open_caucus,) = g.no_open_caucus(case.state)
    assert open_caucus.parties == ("b",)


def test_listening_swap_common_ground_and_agreement_guards(
    new_case: Callable[..., Mediation], advance_to: Callable[[Mediation, str], Mediation]
) -> None:
    case = advance_to(new_case(3), "listening")
    case.speak("b", "hello", 5)
    assert g.all_heard(case.state)[0].parties == ("a", "c")
    case.speak("a", "hi", 5)
    case.speak("c", "hey", 5)
    assert g.all_heard(case.state) == ()
    case.advance("m")
    made = case.restate("a", "b", "B thinks so")
    assert g.all_views_restated(case.state)[0].parties == ("a", "b", "c")
    case.review_restatement("b", made.restatement_id, accurate=False)
    assert "b" in g.all_views_restated(case.state)[0].parties
    again = case.restate("c", "b", "B means this")
    case.review_restatement("b", again.restatement_id, accurate=True)
    assert g.all_views_restated(case.state)[0].parties == ("a", "c")


def test_common_ground_by_differences_confirmed(
    new_case: Callable[..., Mediation], advance_to: Callable[[Mediation, str], Mediation]
) -> None:
    case = advance_to(new_case(), "common_ground")
    assert g.common_ground_or_differences_listed(case.state)[0].code == "no_common_ground"
    case.reserve_difference("a", "the budget", "major")
    case.confirm_differences("a")
    (reason,) = g.common_ground_or_differences_listed(case.state)
    assert reason.parties == ("b",)
    case.confirm_differences("b")
    assert g.common_ground_or_differences_listed(case.state) == ()


def test_proposal_and_signature_guards(
    new_case: Callable[..., Mediation], advance_to: Callable[[Mediation, str], Mediation]
) -> None:
    case = advance_to(new_case(), "compromise")
    assert g.proposal_accepted_by_all(case.state)[0].code == "no_proposal"
    case.request_suggestion("a")
    case.request_suggestion("b")  # a facilitative mediator proposes only when asked
    made = case.propose("m", "split it")
    assert g.proposal_accepted_by_all(case.state)[0].parties == ("a", "b")
    case.answer_proposal("a", made.proposal_id, accept=True)
    case.answer_proposal("b", made.proposal_id, accept=True)
    assert g.proposal_accepted_by_all(case.state) == ()
    assert g.all_signed(case.state)[0].parties == ("a", "b")


def test_common_ground_needs_every_party_not_just_some(
    new_case: Callable[..., Mediation], advance_to: Callable[[Mediation, str], Mediation]
) -> None:
    case = advance_to(new_case(3), "common_ground")
    item = case.propose_common_ground("m", "We all want the project shipped.")
    case.assent("a", item.item_id)
    case.assent("b", item.item_id)
    (reason,) = g.common_ground_or_differences_listed(case.state)
    assert reason.code == "no_common_ground" and reason.message.endswith("not listed")
    case.assent("c", item.item_id)
    assert g.common_ground_or_differences_listed(case.state) == ()


def test_differences_need_every_party_to_confirm_them(
    new_case: Callable[..., Mediation], advance_to: Callable[[Mediation, str], Mediation]
) -> None:
    case = advance_to(new_case(3), "common_ground")
    (unlisted,) = g.common_ground_or_differences_listed(case.state)
    assert unlisted.parties == () and "not listed" in unlisted.message
    case.reserve_difference("a", "the budget", "minor")
    case.confirm_differences("a")
    case.confirm_differences("c")
    (reason,) = g.common_ground_or_differences_listed(case.state)
    assert reason.parties == ("b",) and reason.message.endswith("confirmed by B")
    case.confirm_differences("b")
    assert g.common_ground_or_differences_listed(case.state) == ()


def test_nothing_to_sign_without_an_agreed_proposal(
    new_case: Callable[..., Mediation], advance_to: Callable[[Mediation, str], Mediation]
) -> None:
    case = advance_to(new_case(), "compromise")
    (reason,) = g.all_signed(case.state)
    assert reason.code == "no_agreement" and reason.parties == ()
    made = case.propose("a", "split it")
    case.answer_proposal("b", made.proposal_id, accept=False)
    assert [r.code for r in g.all_signed(case.state)] == ["no_agreement"]
    (latest,) = g.proposal_accepted_by_all(case.state)
    assert latest.code == "proposal_not_accepted" and latest.parties == ("b",)


def test_signatures_count_only_on_the_proposal_agreed_now(
    new_case: Callable[..., Mediation], advance_to: Callable[[Mediation, str], Mediation]
) -> None:
    # Three parties: pr-1 accepted by all, pr-2 by a and b only (c rejects it), so pr-1
    # is agreed and signed by a and b. When c withdraws, pr-2 is the latest proposal every
    # remaining party accepted: the signatures on pr-1 no longer settle the case.
    case = advance_to(new_case(3), "compromise")
    first = case.propose("a", "first")
    case.answer_proposal("b", first.proposal_id, accept=True)
    case.answer_proposal("c", first.proposal_id, accept=True)
    second = case.propose("a", "second")
    case.answer_proposal("b", second.proposal_id, accept=True)
    case.answer_proposal("c", second.proposal_id, accept=False)
    assert case.state.agreed_proposal() == first.proposal_id
    case.advance("m")
    assert case.sign("a").proposal_id == first.proposal_id
    case.sign("b")
    case.withdraw("c", "I leave it to them")
    assert case.state.agreed_proposal() == second.proposal_id
    (missing,) = g.all_signed(case.state)
    assert missing.code == "signature_missing" and missing.parties == ("a", "b")
    with nothing_recorded(case, TransitionRefused, codes={"signature_missing"}):
        case.close("m", "settled")
    assert case.sign("a").proposal_id == second.proposal_id
    case.sign("b")
    assert g.all_signed(case.state) == ()
    assert case.close("m", "settled").outcome is Outcome.SETTLED
