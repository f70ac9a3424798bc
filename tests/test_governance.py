"""Data policy as data: erasers, readers, retention rules (mediation.audit.governance)."""

from __future__ import annotations

import os
from datetime import timedelta

import pytest

from mediation import audit
from mediation.audit import DataPolicy, RetentionRule, due_spans
from mediation.errors import InvalidInput
from mediation.testing import scripted_case


def test_a_policy_reads_from_toml() -> None:
    policy = DataPolicy.from_toml(
        'erasers = ["dpo"]\nreaders = ["auditor"]\n'
        '[[retention]]\nfields = ["text"]\ndays_after_close = 30\ngrounds = "rule 1"\n'
    )
    assert policy.erasers == {"dpo"} and policy.readers == {"auditor"}
    assert policy.retention == (RetentionRule(frozenset({"text"}), 30, "rule 1"),)
    assert DataPolicy.from_toml("") == DataPolicy()


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("erasers = 3", "erasers must be a list"),
        ("unknown = 1", r"unknown data policy settings: \['unknown'\]"),
        ("readers = [1]", "readers must be a list of names"),
        ("retention = [1]", "each retention rule is a table"),
        ("[[retention]]\nfields = ['text']\ndays_after_close = 3\n", "needs 'grounds'"),
        (
            "[[retention]]\nfields = ['text']\ndays_after_close = 3\ngrounds = ' '\n",
            "a retention rule says on what grounds it erases",
        ),
        (
            "[[retention]]\nfields = ['seconds']\ndays_after_close = 3\ngrounds = 'x'\n",
            r"names content fields from .*; got \['seconds'\]",
        ),
        (
            "[[retention]]\nfields = ['text']\ndays_after_close = -1\ngrounds = 'x'\n",
            "days_after_close must be a whole number >= 0; got -1",
        ),
        (
            "[[retention]]\nfields = ['text']\ndays_after_close = true\ngrounds = 'x'\n",
            "days_after_close must be a whole number >= 0; got True",
        ),
        (
            "[[retention]]\nfields = ['text']\ndays_after_close = 1\ngrounds = 'x'\nextra = 1\n",
            r"unknown retention rule settings: \['extra'\]",
        ),
        ("not toml [", "the data policy is not valid TOML"),
    ],
)
def test_a_bad_policy_is_refused(text: str, message: str) -> None:
    with pytest.raises(InvalidInput, match=message):
        DataPolicy.from_toml(text)


@pytest.mark.parametrize("data", [[1], "erasers", None])
def test_a_data_policy_from_data_is_a_table(data: object) -> None:
    with pytest.raises(InvalidInput, match="a data policy is a table of settings"):
        DataPolicy.from_dict(data)  # type: ignore[arg-type]


def test_a_retention_rule_of_zero_days_is_accepted() -> None:
    rule = RetentionRule(frozenset({"text"}), 0, "at once")
    assert rule.days_after_close == 0


def test_due_spans_follow_the_close_and_the_rule() -> None:
    case = scripted_case("g-1")
    records = audit.record_events(case.case_id, case.events, salts=os.urandom)
    closed = case.events[-1].at
    rule = RetentionRule(frozenset({"text"}), 10, "ten days")
    assert due_spans(records, [rule], closed + timedelta(days=9)) == {}
    due = due_spans(records, [rule], closed + timedelta(days=10))
    assert list(due) == ["ten days"]
    assert due["ten days"] == [
        f"{r.seq}.text" for r in records if r.content is not None and "text" in r.contents()
    ]
    other = RetentionRule(frozenset({"text", "comment"}), 5, "five days")
    both = due_spans(records, [other, rule], closed + timedelta(days=30))
    assert "ten days" not in both  # each span listed once, under the first rule
    open_case = scripted_case("g-2", close=False)
    open_records = audit.record_events(open_case.case_id, open_case.events, salts=os.urandom)
    assert due_spans(open_records, [rule], closed + timedelta(days=999)) == {}


@pytest.mark.parametrize(
    "text",
    [
        'erasers = ["dpo", 1]',  # one name among others that is not text
        'readers = ["auditor", ""]',  # an empty name
        'erasers = [""]',
    ],
)
def test_every_name_of_a_role_list_is_non_empty_text(text: str) -> None:
    with pytest.raises(InvalidInput, match="must be a list of names"):
        DataPolicy.from_toml(text)


@pytest.mark.parametrize(
    ("fields", "days", "grounds", "message"),
    [
        (frozenset(), 1, "x", "names content fields from"),
        (frozenset({"text", "seconds"}), 1, "x", r"got \['seconds', 'text'\]"),
        (frozenset({"text"}), "3", "x", "days_after_close must be a whole number >= 0; got '3'"),
        (frozenset({"text"}), 1.0, "x", "days_after_close must be a whole number"),
        (frozenset({"text"}), 1, 3, "on what grounds"),
        (frozenset({"text"}), 1, "", "on what grounds"),
    ],
)
def test_a_retention_rule_is_checked_when_made(
    fields: frozenset[str], days: object, grounds: object, message: str
) -> None:
    with pytest.raises(InvalidInput, match=message):
        RetentionRule(fields, days, grounds)  # type: ignore[arg-type]


def test_a_retention_rule_on_names_and_one_on_text_each_take_their_own_spans() -> None:
    case = scripted_case("g-3")
    records = audit.record_events(case.case_id, case.events, salts=os.urandom)
    closed = case.events[-1].at
    names = RetentionRule(frozenset({"name"}), 0, "names at once")
    text = RetentionRule(frozenset({"text"}), 0, "text at once")
    due = due_spans(records, [names, text], closed)
    assert due["names at once"] == [
        "1.mediator.name", "1.parties.0.name", "1.parties.1.name"
    ]  # fmt: skip
    assert all(span.endswith(".text") for span in due["text at once"])
    assert due_spans(records, [names], closed - timedelta(microseconds=1)) == {}
