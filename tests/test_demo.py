"""Tests for mediation.demo: the scripted cases do what the docs say."""

from __future__ import annotations

from mediation import Outcome, demo


def test_workplace_dispute_settles_through_every_stage() -> None:
    lines: list[str] = []
    case = demo.workplace_dispute(lines.append)
    assert case.outcome is Outcome.SETTLED
    entered = [e.dest for e in case.events if e.type_name == "stage_changed"]  # type: ignore[attr-defined]
    assert entered == [
        "listening",
        "perspective_swap",
        "common_ground",
        "compromise",
        "cooling_off",
        "compromise",
        "agreement",
    ]
    assert any("cannot start listening yet" in line for line in lines)
    assert case.state.disclosed == frozenset(demo.SECRETARY.relationships)


def test_non_mediable_case_is_escalated_not_mediated() -> None:
    lines: list[str] = []
    case = demo.non_mediable_case(lines.append)
    assert case.outcome is Outcome.ESCALATED
    assert case.state.escalation is not None and case.state.escalation[0] == "hr"
    assert any("listening refused" in line for line in lines)


def test_describe_never_shows_caucus_content() -> None:
    case = demo.workplace_dispute()
    text = "\n".join(filter(None, (demo.describe(case, e) for e in case.events)))
    assert "resigning" not in text
