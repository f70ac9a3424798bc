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
    "text",
    [
        "erasers = 3",
        "unknown = 1",
        "readers = [1]",
        "[[retention]]\nfields = ['text']\ndays_after_close = 3\n",
        "[[retention]]\nfields = ['seconds']\ndays_after_close = 3\ngrounds = 'x'\n",
        "[[retention]]\nfields = ['text']\ndays_after_close = -1\ngrounds = 'x'\n",
        "[[retention]]\nfields = ['text']\ndays_after_close = true\ngrounds = 'x'\n",
        "[[retention]]\nfields = ['text']\ndays_after_close = 1\ngrounds = 'x'\nextra = 1\n",
        "not toml [",
    ],
)
def test_a_bad_policy_is_refused(text: str) -> None:
    with pytest.raises(InvalidInput):
        DataPolicy.from_toml(text)


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
