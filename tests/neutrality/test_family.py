"""Tests for mediation.neutrality._family: what the registry knows about a family."""

from __future__ import annotations

from collections.abc import Callable

import attrs
import pytest

from mediation import CheckContext, Mediation, Mode
from mediation.neutrality._family import Family, FamilyCheck
from mediation.state import CaseState

Build = Callable[..., Mediation]


@attrs.frozen
class _Forgetful(FamilyCheck):
    """A check written on the common part that forgot its ``_findings``."""

    code: str = "forgetful"
    source: str = "House rules"
    default_mode: Mode = Mode.WARN


def test_a_check_without_findings_of_its_own_says_so(new_case: Build) -> None:
    """``evaluate`` asks the family's ``_findings``; a check that does not define it is a
    programming error named after the class, not a check that silently finds nothing."""
    case = new_case()
    context = CheckContext(state=case.state, trigger="advance", source="intake", dest="listening")
    with pytest.raises(NotImplementedError, match="_Forgetful"):
        _Forgetful().evaluate(context)


def test_status_waits_only_while_the_obligation_is_open(new_case: Build) -> None:
    state = new_case().state
    calls: list[CaseState] = []

    def waiting(seen: CaseState) -> bool:
        calls.append(seen)
        return seen.disclosure_seq is None

    assert Family("x", "X", "S", waiting=waiting).status(state) == "waiting"
    assert calls == [state]
    assert Family("x", "X", "S", waiting=lambda _: False).status(state) == "ok"
    assert Family("x", "X", "S").status(state) == "ok"
