"""Tests for mediation._checks: the protocol between a case and its checks."""

from __future__ import annotations

from datetime import datetime, timezone

import attrs

from mediation import Finding, Mediation, Mediator, Mode, Party, Reason, TransitionRefused
from mediation._checks import Check, CheckContext
from mediation.clocks import ManualClock


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


def test_a_context_reads_the_policy_and_the_parties_taking_part_once() -> None:
    clock = ManualClock(datetime(2026, 3, 2, 9, tzinfo=timezone.utc))
    parties = [Party("c", "C"), Party("a", "A"), Party("b", "B")]
    case = Mediation.open("case-1", parties, Mediator("m", "M"), clock=clock)
    context = CheckContext(state=case.state, trigger="advance", source="intake", dest="listening")
    assert context.parties == ("c", "a", "b")  # case order, not sorted
    assert context.policy is case.state.policy
    assert repr(context).endswith("trigger='advance', source='intake', dest='listening')")
    same = CheckContext(state=case.state, trigger="advance", source="intake", dest="listening")
    assert same == context
    case.withdraw("a", "I leave.")
    later = attrs.evolve(context, dest="closed")
    assert later.parties == ("c", "b") and later.dest == "closed"
    assert context.parties == ("c", "a", "b")  # what the evaluation it was made for saw
