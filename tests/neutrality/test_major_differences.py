"""Tests for mediation.neutrality.major_differences: 大事谈原则 — no agreement leaves a
major difference open."""

from __future__ import annotations

from collections.abc import Callable

from mediation import Finding, Mediation

Build = Callable[..., Mediation]
AdvanceTo = Callable[[Mediation, str], Mediation]


def _open_major(case: Mediation) -> list[Finding]:
    return [f for f in case.pending_findings() if f.check == "major_differences"]


def test_every_party_must_keep_every_open_difference_open(
    new_case: Build, advance_to: AdvanceTo
) -> None:
    """Two major differences left out of the agreed terms: a party who kept only one of
    them open is still named; the finding rests on both reservations and the proposal."""
    case = advance_to(new_case(), "common_ground")
    rota = case.reserve_difference("b", "Who sets the weekend rota.", "major")
    pay = case.reserve_difference("a", "Overtime pay.", "major")
    assert not _open_major(case)  # judged only on the way to agreement
    advance_to(case, "compromise")
    offer = case.propose("a", "B gets two Fridays off a month.")
    case.answer_proposal("b", offer.proposal_id, accept=True)
    case.keep_difference_open("a", rota.difference_id)
    (finding,) = _open_major(case)
    assert finding.code == "major_difference_open"
    assert finding.parties == ("a", "b")
    assert finding.evidence == (rota.seq, pay.seq, offer.seq)
    assert finding.figures == {"open_major": 2.0}
    assert "“Who sets the weekend rota.”, “Overtime pay.”" in finding.message
    case.keep_difference_open("a", pay.difference_id)
    (finding,) = _open_major(case)
    assert finding.parties == ("b",)
    case.keep_difference_open("b", rota.difference_id)
    case.keep_difference_open("b", pay.difference_id)
    assert not _open_major(case)


def test_without_an_agreed_proposal_the_reservations_are_the_evidence(
    new_case: Build, advance_to: AdvanceTo
) -> None:
    case = advance_to(new_case(), "common_ground")
    rota = case.reserve_difference("b", "Who sets the weekend rota.", "major")
    advance_to(case, "compromise")
    assert case.state.agreed_proposal() is None
    (finding,) = _open_major(case)
    assert finding.parties == ("a", "b") and finding.evidence == (rota.seq,)
