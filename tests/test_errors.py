"""Tests for mediation.errors."""

from __future__ import annotations

import pytest

from mediation.errors import (
    CaseClosed,
    CommandRefused,
    ConcurrencyError,
    InvalidInput,
    MediationError,
    NotAuthorized,
    Reason,
    TransitionRefused,
)


def test_every_error_derives_from_the_root() -> None:
    for error in (
        InvalidInput,
        NotAuthorized,
        ConcurrencyError,
        CommandRefused,
        TransitionRefused,
        CaseClosed,
    ):
        assert issubclass(error, MediationError)


def test_errors_also_derive_from_the_matching_builtin() -> None:
    assert issubclass(InvalidInput, ValueError)
    assert issubclass(NotAuthorized, PermissionError)
    assert issubclass(TransitionRefused, CommandRefused)
    assert issubclass(CaseClosed, CommandRefused)


def test_a_refusal_carries_its_reasons_and_says_them() -> None:
    refused = TransitionRefused(
        [Reason("not_heard", "not yet heard: b", ("b",)), Reason("caucus_open", "a caucus is open")]
    )
    assert refused.codes == ("not_heard", "caucus_open")
    assert str(refused) == "not yet heard: b; a caucus is open"
    assert refused.reasons[0].parties == ("b",)


def test_a_refusal_without_a_reason_is_a_programming_error() -> None:
    with pytest.raises(ValueError, match="at least one reason"):
        CommandRefused([])
