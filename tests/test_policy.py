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


def test_the_example_hr_policy_loads() -> None:
    from pathlib import Path

    policy = Policy.load(Path(__file__).parent.parent / "examples" / "hr_policy.toml")
    assert "whistleblowing" in policy.non_mediable_flags
    assert policy.deadlines["intake"] == timedelta(days=5)
    assert policy.voice_balance.max_gini == 0.3
    assert policy.responsiveness.escalate_to == "hr"
    assert policy.mode_of("house_rule").value == "warn"
    assert policy.mode_of("mediator_conduct").value == "warn"
    assert sorted(s.value for s in policy.power_imbalance.safeguards) == [
        "caucus_offer",
        "support_person",
    ]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("colour = 'red'", "unknown keys \\['colour'\\] @ policy"),
        ("[voice_balance]\nmax_gini = 2", "Gini bound .* @ policy.voice_balance"),
        ("[voice_balance]\nmode = 'loud'", "policy.voice_balance.mode"),
        ("[voice_balance]\nfoo = 1", "unknown keys \\['foo'\\] @ policy.voice_balance"),
        ("[deadlines]\nintake = -5", "positive"),
        ("[responsiveness]\nescalate_to = 'ceo'", "escalate_to 'ceo'"),
        ("authorities = 'hr'", "expected a list; got 'hr' @ policy.authorities"),
        ("[power_imbalance]\nsafeguards = 'caucus_offer'", "expected a list"),
        ("[custom_checks]\nmine = 'sometimes'", "'sometimes' .* @ policy.custom_checks"),
        ("this is not toml", "not valid TOML"),
    ],
)
def test_bad_policy_files_name_the_key_and_value(text: str, message: str) -> None:
    with pytest.raises(InvalidInput, match=message):
        Policy.from_toml(text)


def test_from_dict_refuses_a_non_mapping() -> None:
    with pytest.raises(InvalidInput, match="table of settings"):
        Policy.from_dict(["voice_balance"])  # type: ignore[arg-type]


def test_nothing_in_a_policy_is_evaluated() -> None:
    policy = Policy.from_toml('non_mediable_flags = ["os.system"]')
    assert policy.non_mediable_flags == frozenset({"os.system"})
