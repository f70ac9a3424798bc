"""Tests for mediation.neutrality.conflict_of_interest and .informed_consent (enforced)."""

from __future__ import annotations

from collections.abc import Callable

from mediation import (
    ConflictOfInterest,
    Finding,
    Mediation,
    Policy,
    Relation,
    neutrality_report,
)
from mediation.neutrality.conflict_of_interest import relation_in_words, waiting_for_disclosure
from mediation.neutrality.informed_consent import waiting_for_consent
from mediation.testing import waive_all

Build = Callable[..., Mediation]


def test_report_of_a_fresh_case_waits_for_disclosure(new_case: Build) -> None:
    report = neutrality_report(new_case())
    statuses = {c.check: c.status for c in report.checks}
    assert statuses["conflict_of_interest"] == "waiting"
    # Nothing was done yet, so nothing one-sided was done; the parties are not yet
    # screened, which blocks leaving intake.
    assert [f.code for f in report.pending] == ["screening_missing"]
    assert report.verdict == "blocked"


def test_the_process_waits_for_disclosure_then_for_consent(new_case: Build) -> None:
    case = new_case(related=True)
    assert waiting_for_disclosure(case.state)
    assert waiting_for_consent(case.state)  # nobody consented yet
    case.disclose("m", "I report to A.", [case.state.mediator.relationships[0]])
    assert not waiting_for_disclosure(case.state)
    assert waiting_for_consent(case.state)
    statuses = {c.check: c.status for c in neutrality_report(case).checks}
    # Reporting to a party is disqualifying: disclosure does not cure it.
    assert statuses["conflict_of_interest"] == "findings"
    assert statuses["informed_consent"] == "waiting"
    waive_all(case)
    statuses = {c.check: c.status for c in neutrality_report(case).checks}
    assert statuses["conflict_of_interest"] == "ok"
    for party in ("a", "b"):
        case.consent(party)
    assert not waiting_for_consent(case.state)


def _conflict(case: Mediation) -> list[Finding]:
    return [f for f in case.pending_findings() if f.check == "conflict_of_interest"]


def test_a_disqualifying_conflict_names_who_has_still_to_waive(new_case: Build) -> None:
    """The mediator reports to A: disclosure does not cure it; every party must waive it
    in writing, and the finding names those who have not, citing the opening and the
    waivers given."""
    case = new_case(related=True)
    (relation,) = case.state.mediator.relationships
    case.disclose("m", "I report to A.", [relation])
    (finding,) = _conflict(case)
    assert finding.code == "disqualifying_conflict" and finding.parties == ("a", "b")
    assert "conflict of interest: Mediator reports to A;" in finding.message
    assert "no written waiver yet from A, B" in finding.message
    assert finding.figures == {"waivers": 0.0, "parties": 2.0}
    assert finding.evidence == (1,)
    waived = case.waive_conflict("b", relation, "I was told and waive it.")
    (finding,) = _conflict(case)
    assert finding.parties == ("a",)
    assert finding.figures == {"waivers": 1.0, "parties": 2.0}
    assert finding.evidence == (1, waived.seq)
    case.waive_conflict("a", relation, "So do I.")
    assert not _conflict(case)


def test_without_waivers_the_related_party_is_named(new_case: Build) -> None:
    policy = Policy(conflict_of_interest=ConflictOfInterest(allow_waiver=False))
    case = new_case(related=True, policy=policy)
    (relation,) = case.state.mediator.relationships
    case.disclose("m", "I report to A.", [relation])
    (finding,) = _conflict(case)
    assert finding.code == "disqualifying_conflict_unwaivable"
    assert finding.parties == ("a",) and finding.evidence == (1,)
    assert "conflict of interest: Mediator reports to A; the policy allows no" in finding.message


def test_relations_are_worded_with_display_names(new_case: Build) -> None:
    """The mediator and parties by their names; anyone else by their id."""
    state = new_case().state
    assert relation_in_words(state, Relation("manages", "m", "b")) == "Mediator manages B"
    assert relation_in_words(state, Relation("manages", "a", "m")) == "A manages Mediator"
    assert relation_in_words(state, Relation("family", "m", "zoe")) == (
        relation_in_words(state, Relation("family", "m", "a")).replace("A", "zoe")
    )
