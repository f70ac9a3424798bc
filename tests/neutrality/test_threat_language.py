"""Tests for mediation.neutrality.threat_language: text that reads like a threat."""

from __future__ import annotations

from collections.abc import Callable

from mediation import Finding, Mediation

Build = Callable[..., Mediation]
AdvanceTo = Callable[[Mediation, str], Mediation]


def _threats(case: Mediation) -> list[Finding]:
    return [f for f in case.pending_findings() if f.check == "threat_language"]


def test_the_finding_names_who_wrote_the_threats_and_no_one_else(
    new_case: Build, advance_to: AdvanceTo
) -> None:
    """Three parties, threats by c then a, a plain statement by b between them: one
    finding naming a and c (in the case's order of parties), with both statements as
    evidence; b is not named."""
    case = advance_to(new_case(3), "listening")
    by_c = case.speak("c", "Report me again and you'll regret it.", 30)
    case.speak("b", "I only want the rota fixed.", 30)
    by_a = case.speak("a", "Watch your back.", 30)
    (finding,) = _threats(case)
    assert finding.code == "threat_language"
    assert finding.parties == ("a", "c")
    assert finding.evidence == (by_c.seq, by_a.seq)
    assert finding.figures == {"texts": 2.0, "in_case": 2.0}


def test_a_threat_by_one_of_two_parties_names_that_party(
    new_case: Build, advance_to: AdvanceTo
) -> None:
    case = advance_to(new_case(), "listening")
    case.speak("a", "I only want the rota fixed.", 30)
    threat = case.speak("b", "Report me again and you'll regret it.", 30)
    (finding,) = _threats(case)
    assert finding.parties == ("b",)
    assert finding.evidence == (threat.seq,)


def test_no_threat_no_finding(new_case: Build, advance_to: AdvanceTo) -> None:
    case = advance_to(new_case(), "listening")
    case.speak("a", "I only want the rota fixed.", 30)
    case.speak("b", "So do I.", 30)
    assert not _threats(case)
