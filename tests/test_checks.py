"""Tests for mediation._checks: the protocol between a case and its checks."""

from __future__ import annotations

from mediation import Finding, Mode, Reason, TransitionRefused
from mediation._checks import Check


def test_a_finding_is_a_reason_that_says_so() -> None:
    finding = Finding("x", "y", ("a",), check="house", mode=Mode.BLOCK)
    assert isinstance(finding, Reason)
    assert finding.is_finding and finding.blocking
    assert not Reason("x", "y").is_finding
    refused = TransitionRefused([Reason("guard", "a guard failed"), finding])
    assert refused.findings == (finding,)
    assert refused.codes == ("guard", "x")


def test_the_protocol_is_structural() -> None:
    class Nothing:
        pass

    class HouseRule:
        code, source, default_mode = "house", "House rules §1", Mode.WARN

        def evaluate(self, context: object) -> list[Finding]:
            return []

    assert isinstance(HouseRule(), Check)
    assert not isinstance(Nothing(), Check)
