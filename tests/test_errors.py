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


# -- errors in any language --------------------------------------------------------------


def test_an_error_made_of_a_template_keeps_its_english_and_renders_in_chinese() -> None:
    from mediation.i18n import N_, Term

    error = InvalidInput.of(
        "empty_text", N_("{what} must not be empty or whitespace"), what=Term("reason")
    )
    assert str(error) == "reason must not be empty or whitespace"  # as the f-string said
    assert error.args == ("reason must not be empty or whitespace",)
    assert (error.code, error.template) == ("empty_text", "{what} must not be empty or whitespace")
    assert error.message_in("en") == str(error)
    assert error.message_in("zh") == "原因不能为空，也不能只有空白"
    with pytest.raises(InvalidInput, match="choose one of: en, zh"):
        error.message_in("fr")
    with pytest.raises(TypeError):
        error.params["what"] = "x"  # type: ignore[index]  # kept read-only


def test_an_error_of_plain_text_is_shown_as_it_is_in_every_language() -> None:
    error = NotAuthorized("a host's own words")
    assert (error.code, error.template) == ("", "")
    assert error.message_in("zh") == "a host's own words"


def test_conversions_and_specs_of_a_template_work_as_in_an_f_string() -> None:
    from mediation.i18n import N_

    error = NotAuthorized.of(
        "actor_not_in_case", N_("{actor} takes no part in case {case_id!r}"), actor="x", case_id="c"
    )
    assert str(error) == "x takes no part in case 'c'"
    assert error.message_in("zh") == "x不是案件'c'的参与者"


def test_a_refusal_and_a_missing_case_render_in_chinese() -> None:
    from mediation.errors import CaseNotFound
    from mediation.i18n import N_, Names

    refused = CommandRefused(
        [
            Reason.of("not_heard", N_("not yet heard: {names}"), params={"names": Names(["b"])}),
            Reason("own", "a host's reason"),
        ]
    )
    assert refused.message_in("en") == str(refused) == "not yet heard: b; a host's reason"
    assert refused.message_in("zh") == "尚未陈述：b；a host's reason"
    missing = CaseNotFound("c-9")
    assert str(missing) == "no case 'c-9' in this store"
    assert missing.code == "case_not_found"
    assert missing.message_in("zh") == "此存储中没有案件 'c-9'"
