"""Tests for mediation.neutrality.mediator_conduct: the mediator-conduct check."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mediation import (
    InvalidInput,
    Mediation,
    Mediator,
    MediatorConduct,
    Party,
    Policy,
)
from mediation.clocks import ManualClock
from mediation.events import FindingRecorded
from mediation.testing import advance_to

Build = Callable[..., Mediation]

AdvanceTo = Callable[[Mediation, str], Mediation]


def test_mediator_conduct_warns_and_is_recorded(new_case: Build, advance_to: AdvanceTo) -> None:
    case = advance_to(new_case(), "listening")
    for _ in range(5):
        case.invite_to_speak("m", "a")
        case.ask("m", "a", "and then?")
    case.paraphrase("m", "b", "you feel unheard")
    case.speak("a", "x", 100)
    case.speak("b", "y", 100)
    moved = case.advance("m")
    assert moved.dest == "perspective_swap"
    recorded = [e for e in case.events if isinstance(e, FindingRecorded)]
    assert {f.code for f in recorded} == {
        "mediator_attention_imbalance",
        "uneven_invitations",
        "uneven_questions",
        "party_never_invited",
        "uneven_attention_in_stage",
    }
    assert all(f.mode == "warn" and f.parties == ("b",) and not f.overridden for f in recorded)
    assert case.events[-len(recorded) - 1 : -1] == tuple(recorded)
    assert case.events[-1] is moved


_ACTS = st.lists(
    st.tuples(st.sampled_from(["invite", "ask", "paraphrase", "offer"]), st.integers(0, 2)),
    max_size=14,
)


def _play(order: list[str], names: dict[str, str], acts: list[tuple[str, int]]) -> Mediation:
    """Open a case listing the roles in ``order`` under ``names``; play ``acts`` by role."""
    roles = ["r0", "r1", "r2"]
    case = Mediation.open(
        "lb",
        [Party(names[r], names[r].title()) for r in order],
        Mediator("m", "M"),
        clock=ManualClock(datetime(2026, 3, 2, 9, tzinfo=timezone.utc), tick=timedelta(minutes=1)),
    )
    advance_to(case, "listening")
    for kind, who in acts:
        party = names[roles[who]]
        if kind == "invite":
            case.invite_to_speak("m", party)
        elif kind == "ask":
            case.ask("m", party, "and then?")
        elif kind == "paraphrase":
            case.paraphrase("m", party, "you mean")
        elif party not in case.state.caucus_offered:
            case.offer_caucus("m", party)
    for role in order:
        case.speak(names[role], "my side", 60)
    return case


def _found(case: Mediation, back: dict[str, str]) -> set[tuple[str, tuple[str, ...]]]:
    return {
        (f.code, tuple(sorted(back[p] for p in f.parties)))
        for f in case.pending_findings()
        if f.check == "mediator_conduct"
    }


@given(_ACTS, st.permutations(["r0", "r1", "r2"]))
def test_conduct_findings_are_label_blind(acts: list[tuple[str, int]], order: list[str]) -> None:
    plain = {"r0": "a", "r1": "b", "r2": "c"}
    other = {"r0": "zed", "r1": "amy", "r2": "kai"}
    first = _play(["r0", "r1", "r2"], plain, acts)
    second = _play(order, other, acts)
    assert _found(first, {v: k for k, v in plain.items()}) == _found(
        second, {v: k for k, v in other.items()}
    )


def test_alpha_is_validated() -> None:
    for bad in (0, 0.6, -1, "x", True):
        with pytest.raises(InvalidInput):
            Policy(mediator_conduct=MediatorConduct(alpha=bad))  # type: ignore[arg-type]


@pytest.mark.parametrize(("talker", "quiet"), [("a", "b"), ("b", "a")])
def test_inviting_a_quiet_party_again_is_not_an_attention_imbalance(
    new_case: Build, advance_to: AdvanceTo, talker: str, quiet: str
) -> None:
    """5:2 is a ratio of 2.5 but no evidence of bias (exact p = 0.23): the mediator who
    invites the quieter party twice more is balancing voice, which voice balance asks.
    Either party may be the quiet one."""
    case = advance_to(new_case(), "listening")
    case.invite_to_speak("m", talker)
    case.speak(talker, "my side", 144)
    for _ in range(3):
        case.invite_to_speak("m", quiet)
        case.speak(quiet, "mine", 40)
    case.paraphrase("m", quiet, "You feel unheard.")
    case.paraphrase("m", quiet, "And you want a fair rota.")
    case.ask("m", talker, "What would help?")
    case.speak(talker, "a rota that rotates", 100)
    case.advance("m")
    assert not [f for f in case.state.findings if f.check == "mediator_conduct"]


@pytest.mark.parametrize("ignored", ["a", "b"])
def test_an_overall_imbalance_is_recorded_once(
    new_case: Build, advance_to: AdvanceTo, ignored: str
) -> None:
    addressed = "b" if ignored == "a" else "a"
    case = advance_to(new_case(), "listening")
    for _ in range(8):
        case.ask("m", addressed, "And then?")
    case.speak("a", "x", 60)
    case.speak("b", "y", 60)
    case.advance("m")
    case = advance_to(case, "common_ground")
    recorded = [f for f in case.state.findings if f.code == "mediator_attention_imbalance"]
    assert len(recorded) == 1 and recorded[0].parties == (ignored,)
