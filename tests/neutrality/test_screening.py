"""Tests for mediation.neutrality.screening: every party screened in private, and what a
positive answer requires."""

from __future__ import annotations

from collections.abc import Callable

from mediation import Finding, Mediation, Policy, Screening
from mediation.model import ScreeningDomain

Build = Callable[..., Mediation]

CLEAR = {domain.value: False for domain in ScreeningDomain}


def _concern(*domains: str) -> dict[str, bool]:
    return {**CLEAR, **dict.fromkeys(domains, True)}


def _screening(case: Mediation) -> dict[str, Finding]:
    return {f.code: f for f in case.pending_findings() if f.check == "screening"}


def test_leaving_intake_waits_for_every_screening(new_case: Build) -> None:
    case = new_case(3)
    finding = _screening(case)["screening_missing"]
    assert finding.parties == ("a", "b", "c") and finding.evidence == (1,)
    assert finding.figures == {"unscreened": 3.0}
    case.screen("m", "b", CLEAR)
    finding = _screening(case)["screening_missing"]
    assert finding.parties == ("a", "c") and finding.figures == {"unscreened": 2.0}
    assert finding.message.startswith("not yet screened in private by the mediator: A, C;")
    case.screen("m", "a", CLEAR)
    case.screen("m", "c", CLEAR)
    assert not _screening(case)


def test_escalation_names_the_parties_and_domains_found(new_case: Build) -> None:
    case = new_case(3)
    a = case.screen("m", "a", _concern("safety"))
    case.screen("m", "b", CLEAR)
    c = case.screen("m", "c", _concern("harassment", "retaliation"))
    found = _screening(case)
    escalate = found["screening_escalation_required"]
    assert escalate.parties == ("a", "c") and escalate.evidence == (a.seq, c.seq)
    assert escalate.figures == {"parties": 2.0}
    assert "found harassment, safety:" in escalate.message
    guard = found["screening_safeguard_missing"]
    assert guard.parties == ("c",) and guard.evidence == (c.seq,)
    assert "found retaliation: a safeguard (shuttle or support person)" in guard.message


def test_one_safeguard_in_place_is_enough(new_case: Build) -> None:
    """Either safeguard the policy names will do: a support person, without shuttle."""
    case = new_case()
    case.screen("m", "a", CLEAR)
    case.screen("m", "b", _concern("power"))
    assert _screening(case)["screening_safeguard_missing"].parties == ("b",)
    case.add_support_person("b", "b", "A colleague B trusts")
    assert not _screening(case)


def test_a_domain_the_policy_only_notes_asks_nothing(new_case: Build) -> None:
    case = new_case(policy=Policy(screening=Screening(responses={"power": "note"})))
    case.screen("m", "a", CLEAR)
    case.screen("m", "b", _concern("power"))
    assert not _screening(case)
