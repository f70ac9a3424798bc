"""Tests for mediation.neutrality.conflict_of_interest and .informed_consent (enforced)."""

from __future__ import annotations

from collections.abc import Callable

from mediation import (
    Mediation,
    neutrality_report,
)
from mediation.neutrality.conflict_of_interest import waiting_for_disclosure
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
