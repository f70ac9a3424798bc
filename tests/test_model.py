"""Tests for mediation.model."""

from __future__ import annotations

import math
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mediation.errors import InvalidInput
from mediation.model import (
    Issue,
    Mediator,
    Party,
    Relation,
    RelationKind,
    check_duration,
    check_id,
    check_text,
    unique_ids,
)
from mediation.testing import ids, texts


@given(ids)
def test_valid_ids_pass(value: str) -> None:
    assert check_id(value) == value


@pytest.mark.parametrize("value", ["", " ", "a b", "-lead", "x" * 129, None, 3, "é"])
def test_bad_ids_are_refused(value: object) -> None:
    with pytest.raises(InvalidInput, match="id"):
        check_id(value)


@given(texts)
def test_text_is_stripped(value: str) -> None:
    assert check_text(value) == value.strip()


@pytest.mark.parametrize("value", ["", "   ", "\n\t", None, 5])
def test_empty_or_non_text_is_refused(value: object) -> None:
    with pytest.raises(InvalidInput):
        check_text(value)


@pytest.mark.parametrize("value", [-1, -0.001, math.nan, math.inf, "5", True, None])
def test_bad_durations_are_refused(value: object) -> None:
    with pytest.raises(InvalidInput, match="seconds"):
        check_duration(value)


@given(st.floats(min_value=0, max_value=1e9) | st.integers(min_value=0, max_value=10**9))
def test_good_durations_become_floats(value: float) -> None:
    assert check_duration(value) == float(value)


def test_party_validates_fields() -> None:
    assert Party("a", "Ann").role == ""
    with pytest.raises(InvalidInput):
        Party("a", "  ")
    with pytest.raises(InvalidInput):
        Party("a b", "Ann")


def test_relation_needs_two_people_and_a_known_kind() -> None:
    assert Relation("manages", "a", "b").kind is RelationKind.MANAGES
    with pytest.raises(InvalidInput, match="two different"):
        Relation("manages", "a", "a")
    with pytest.raises(InvalidInput, match="unknown relation kind 'owns'; kind must be one of"):
        Relation("owns", "a", "b")
    # The seed's words for the leader and the subordinate.
    assert Relation("leader", "a", "b").kind is RelationKind.MANAGES
    assert Relation("subordinate", "a", "b").kind is RelationKind.REPORTS_TO


@pytest.mark.parametrize(
    ("build", "named"),
    [
        (
            lambda: Party("lin", "Lin", role=5),  # type: ignore[arg-type]
            "role",
        ),
        (
            lambda: Party(["lin"], "Lin"),  # type: ignore[arg-type]
            "id",
        ),
        (
            lambda: Party({"id": "lin"}, "Lin"),  # type: ignore[arg-type]
            "id",
        ),
        (
            lambda: Party("lin", "x\ud800"),
            "name",
        ),
        (
            lambda: Relation("manages", "a", "b", note=None),  # type: ignore[arg-type]
            "note",
        ),
        (
            lambda: Issue("pay", "Pay", flags=None),  # type: ignore[arg-type]
            "flags",
        ),
        (
            lambda: Mediator("chen", "Chen", relationships=5),  # type: ignore[arg-type]
            "relationships",
        ),
        (
            lambda: Party(10**5000, "Lin"),  # type: ignore[arg-type]
            "id",
        ),
    ],
)
def test_constructors_refuse_wrong_types_naming_the_field(build: Any, named: str) -> None:
    with pytest.raises(InvalidInput, match=named):
        build()


def test_mediator_relationships_must_involve_the_mediator() -> None:
    Mediator("m", "Mia", relationships=[Relation("reports_to", "m", "a")])
    with pytest.raises(InvalidInput, match="does not involve"):
        Mediator("m", "Mia", relationships=[Relation("manages", "a", "b")])
    with pytest.raises(InvalidInput, match="Relation values"):
        Mediator("m", "Mia", relationships=["reports_to a"])  # type: ignore[list-item]


def test_issue_flags_are_a_set_of_ids() -> None:
    assert Issue("i", "Pay", ["safety", "safety"]).flags == frozenset({"safety"})
    with pytest.raises(InvalidInput, match="not the string"):
        Issue("i", "Pay", "safety")
    with pytest.raises(InvalidInput):
        Issue("i", "Pay", ["bad flag"])


def test_unique_ids_names_the_duplicate() -> None:
    unique_ids(["a", "b"], "party")
    with pytest.raises(InvalidInput, match="duplicate party id 'a'"):
        unique_ids(["a", "b", "a"], "party")


def test_text_that_cannot_be_stored_is_refused() -> None:
    with pytest.raises(InvalidInput, match="not valid Unicode"):
        check_text("half a pair \ud800")
