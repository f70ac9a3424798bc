"""Tests for mediation.neutrality.reciprocity: the reciprocity check."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from mediation import (
    Mediation,
    TransitionRefused,
)
from tests.refusal import nothing_recorded

Build = Callable[..., Mediation]

AdvanceTo = Callable[[Mediation, str], Mediation]


def codes(error: pytest.ExceptionInfo[TransitionRefused]) -> set[str]:
    return set(error.value.codes)


def test_reciprocity_blocks_when_a_party_never_restated(
    new_case: Build, advance_to: AdvanceTo
) -> None:
    case = advance_to(new_case(), "perspective_swap")
    first = case.restate("a", "b", "B wants fairness")
    case.review_restatement("b", first.restatement_id, accurate=True)
    second = case.restate("a", "b", "again, in other words")  # a restates twice
    case.review_restatement("b", second.restatement_id, accurate=True)
    # b's view is confirmed but a's is not: the guard says so; reciprocity too.
    with nothing_recorded(case, TransitionRefused) as refused:
        case.advance("m")
    assert codes(refused) == {"view_not_restated", "restatement_missing"}
    made = case.restate("b", "a", "A wants the deadline kept")
    case.review_restatement("a", made.restatement_id, accurate=True)
    assert case.advance("m").dest == "common_ground"


def test_a_rejected_restatement_does_not_count(new_case: Build, advance_to: AdvanceTo) -> None:
    case = advance_to(new_case(), "perspective_swap")
    of_b = case.restate("a", "b", "B wants fairness")
    case.review_restatement("b", of_b.restatement_id, accurate=True)
    of_a = case.restate("b", "a", "A wants to win")
    case.review_restatement("a", of_a.restatement_id, accurate=False)
    with nothing_recorded(case, TransitionRefused) as refused:
        case.advance("m")
    assert codes(refused) == {"view_not_restated", "restatement_missing"}
    (finding,) = refused.value.findings
    assert finding.parties == ("b",)
