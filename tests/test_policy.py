"""Tests for mediation.policy."""

from __future__ import annotations

from datetime import timedelta

import pytest

from mediation.errors import InvalidInput
from mediation.model import NON_MEDIABLE_FLAGS
from mediation.policy import Policy


def test_default_policy() -> None:
    policy = Policy.default()
    assert policy.non_mediable_flags == NON_MEDIABLE_FLAGS
    assert policy.authorities == ("line_manager", "hr", "legal", "ethics")
    assert dict(policy.deadlines) == {}
    assert Policy.default() is policy


def test_host_defined_flags_authorities_and_deadlines() -> None:
    policy = Policy(
        non_mediable_flags={"harassment", "whistleblowing"},
        authorities=["hr", "works_council"],
        deadlines={"intake": 3600, "listening": timedelta(days=2)},
    )
    assert policy.is_non_mediable({"whistleblowing", "budget"}) == {"whistleblowing"}
    assert "works_council" in policy.authorities
    assert policy.deadlines["intake"] == timedelta(hours=1)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"non_mediable_flags": "harassment"}, "not the string"),
        ({"authorities": ["hr", "hr"]}, "duplicate"),
        ({"authorities": ["h r"]}, "authority"),
        ({"deadlines": {"intake": -5}}, "positive"),
        ({"deadlines": {"intake": "soon"}}, "timedelta"),
        ({"deadlines": {"intake": True}}, "timedelta"),
    ],
)
def test_bad_policies_are_refused_with_the_reason(kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(InvalidInput, match=message):
        Policy(**kwargs)  # type: ignore[arg-type]
