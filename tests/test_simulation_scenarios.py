"""Tests for mediation.simulation.scenarios and strategies: validation with clear errors."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import pytest

from mediation.simulation import (
    BUILTIN_SCENARIOS,
    MediatorStrategy,
    Scenario,
    ScenarioError,
    Style,
    builtin,
    load_scenario,
)

EXAMPLE = Path(__file__).parent.parent / "examples" / "scenarios" / "two_colleagues.toml"

MINIMAL = """
name = "tiny"
[[parties]]
id = "a"
[[parties]]
id = "b"
[[issues]]
id = "x"
options = 3
"""


def test_builtins_are_valid_and_named_after_their_key() -> None:
    for name in BUILTIN_SCENARIOS:
        assert builtin(name).name == name
    assert len(builtin("three_departments").parties) == 3
    plain = builtin("plain_5x5")
    assert [len(issue.options) for issue in plain.issues] == [5] * 5


def test_defaults_fill_a_minimal_scenario() -> None:
    scenario = Scenario.from_toml(MINIMAL)
    assert scenario.party_ids() == ("a", "b")
    assert scenario.parties[0].styles == {Style.COMPROMISING: 1.0}
    assert scenario.strategy == MediatorStrategy()
    assert scenario.issues[0].options == ("option 1", "option 2", "option 3")


@pytest.mark.parametrize(
    ("patch", "message"),
    [
        ('colour = "red"', "unknown keys ['colour']"),
        ('[strategy]\napproach = "bossy"', "approach must be one of"),
        ("[strategy]\npatience = 0", "patience must be a whole number in [1, 1000]"),
        ("[strategy]\nspeed = 2", "strategy: unknown keys ['speed']"),
        ("[policy.voice_balance]\nmax_ratio = 0.5", "max_ratio"),
        ("[policy]\nvoice = 1", "unknown keys"),
        ("[valuations]\nopposition = 2", "valuations.opposition must be a number in [0, 1]"),
        ("[screening]\nharassment = -1", "screening.harassment"),
        ('escalate_to = "king"', "escalate_to: 'king' is not one of the policy's authorities"),
    ],
)
def test_bad_settings_are_named(patch: str, message: str) -> None:
    text = patch + "\n" + MINIMAL if not patch.startswith("[") else MINIMAL + "\n" + patch
    with pytest.raises(ScenarioError) as caught:
        Scenario.from_toml(text, "tiny.toml")
    assert str(caught.value).startswith("tiny.toml: ")
    assert message in str(caught.value)


def test_bad_parties_and_issues_are_named() -> None:
    with pytest.raises(ScenarioError, match=r"parties\[1\]\.style: unknown style 'angry'"):
        Scenario.from_toml(MINIMAL.replace('id = "b"', 'id = "b"\nstyle = "angry"'))
    with pytest.raises(ScenarioError, match=r"parties\[0\]\.manages: 'c' is not another party"):
        Scenario.from_toml(MINIMAL.replace('id = "a"', 'id = "a"\nmanages = ["c"]'))
    with pytest.raises(ScenarioError, match=r"parties\[0\]\.batna: low 0.5 is above high 0.2"):
        Scenario.from_toml(MINIMAL.replace('id = "a"', 'id = "a"\nbatna = [0.5, 0.2]'))
    with pytest.raises(ScenarioError, match="at least two"):
        Scenario.from_toml(MINIMAL.replace('[[parties]]\nid = "b"', ""))
    with pytest.raises(ScenarioError, match=r"issues\[0\]\.options must be 2 to 50"):
        Scenario.from_toml(MINIMAL.replace("options = 3", "options = 1"))
    with pytest.raises(ScenarioError, match="must be distinct"):
        Scenario.from_toml(MINIMAL.replace('id = "b"', 'id = "a"'))
    with pytest.raises(ScenarioError, match="adjusted_winner divides between two parties"):
        Scenario.from_toml(
            MINIMAL + '[[parties]]\nid = "c"\n[strategy]\nprocedure = "adjusted_winner"'
        )


def test_files_and_names_load_with_clear_errors(tmp_path: Path) -> None:
    assert load_scenario(EXAMPLE).name == "two_colleagues"
    assert load_scenario("plain_5x5").name == "plain_5x5"
    bad = tmp_path / "bad.toml"
    bad.write_text("name = [", encoding="utf-8")
    with pytest.raises(ScenarioError, match=r"bad\.toml: not valid TOML"):
        load_scenario(bad)
    with pytest.raises(ScenarioError, match="cannot read the scenario file"):
        load_scenario(tmp_path / "missing.toml")
    with pytest.raises(ScenarioError, match="neither a scenario file nor a built-in"):
        load_scenario("no_such_scenario")


def test_nothing_in_a_scenario_is_evaluated() -> None:
    text = MINIMAL.replace('id = "a"', "id = \"__import__('os')\"")
    with pytest.raises(ScenarioError, match="letters, digits"):
        Scenario.from_toml(text)


def test_with_values_changes_settings_by_dotted_path() -> None:
    scenario = builtin("leader_subordinate")
    changed = scenario.with_values(
        {"policy.voice_balance.max_ratio": 5.0, "parties.1.style": "competing"}
    )
    assert changed.policy.voice_balance.max_ratio == 5.0
    assert changed.parties[1].styles == {Style.COMPETING: 1.0}
    assert scenario.policy.voice_balance.max_ratio == 3.0  # the original is untouched
    with pytest.raises(ScenarioError, match="no item '7'"):
        scenario.with_values({"parties.7.style": "competing"})
    with pytest.raises(ScenarioError, match="unknown keys"):
        scenario.with_values({"strategy.bogus": 1})


def test_strategy_round_trips_through_plain_data() -> None:
    strategy = MediatorStrategy.from_dict({"approach": "evaluative", "on_block": "escalate"})
    assert MediatorStrategy.from_dict(strategy.to_dict()) == strategy
    assert strategy.to_dict()["approach"] == "evaluative"


@pytest.mark.parametrize(
    ("path", "value", "message"),
    [
        ("policy.supervisor_reads_text", "false", "policy.supervisor_reads_text: expected true"),
        ("policy.voice_balance.max_gini", "0.2", "max_gini: expected a number, got '0.2'"),
        ("policy.mediator_conduct.min_interventions", 1.5, "expected a whole number, got 1.5"),
        ("policy.authorities", [1, 2], "policy.authorities: item 0: expected text"),
        ("parties.0.style", {"competing": math.inf}, r"parties\[0\].style.competing .* finite"),
        ("parties.0.role", 5, r"parties\[0\].role must be text; got 5 \(int\)"),
        ("description", 7, "description must be text"),
        ("strategy.caucus", "false", "caucus must be true or false"),
        ("screening.harassment", "0.1", "screening.harassment must be a number"),
        ("valuations.opposition", math.nan, "valuations.opposition must be a number"),
    ],
)
def test_scenarios_refuse_wrong_types_naming_the_key(path: str, value: Any, message: str) -> None:
    with pytest.raises(ScenarioError, match=message):
        builtin("two_colleagues").with_values({path: value})


def test_deeply_nested_scenario_files_are_refused_not_a_recursion_error(tmp_path: Path) -> None:
    path = tmp_path / "deep.toml"
    path.write_text("name = " + "[" * 50_000, encoding="utf-8")
    with pytest.raises(ScenarioError, match=r"deep\.toml: nested deeper than 32"):
        load_scenario(path)
    data: dict[str, Any] = dict(builtin("two_colleagues").data)
    node: dict[str, Any] = {}
    data["valuations"] = node
    for _ in range(50_000):
        node["x"] = {}
        node = node["x"]
    with pytest.raises(ScenarioError, match="nested deeper than 32"):
        Scenario.from_dict(data, "deep data")
