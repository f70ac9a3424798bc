"""Tests for mediation.simulation.detection, biases and transcripts: detection power."""

from __future__ import annotations

from random import Random

import pytest
from click.testing import CliRunner

from mediation._cli_simulate import simulate
from mediation.errors import InvalidInput
from mediation.markers import LexiconMarker, containment, shingles
from mediation.simulation import (
    BIASES,
    DETECTION_TARGET,
    Bias,
    DetectionPower,
    FamilyPower,
    bias_named,
    builtin,
    detection_power,
    register_bias,
    run,
    transcripts,
)


def test_every_bias_names_a_check_family_and_a_strength() -> None:
    from mediation.neutrality import FAMILIES

    codes = {family.code for family in FAMILIES}
    assert {"voice", "attention", "caucus_time", "loaded_words", "caucus_leak"} <= set(BIASES)
    for name, bias in BIASES.items():
        assert bias.name == name and bias.check in codes and bias.strength
    assert bias_named("").name == "fair"
    with pytest.raises(InvalidInput, match="unknown bias"):
        bias_named("nope")


def test_the_registry_takes_new_families_and_refuses_clashes() -> None:
    class Silent(Bias):
        name = "silent_test_bias"
        check = "voice_balance"
        strength = "never lets the target speak"

        def speaking_time(self, agent: object, target: object, seconds: float) -> float:
            return 1.0 if agent is target else seconds

    try:
        register_bias(Silent())
        scenario = builtin("two_colleagues").with_values(
            {"strategy.bias_family": "silent_test_bias"}
        )
        assert run(scenario, 3, seed=1, workers=1).n == 3
        with pytest.raises(InvalidInput, match="already registered"):
            register_bias(Silent())
    finally:
        BIASES.pop("silent_test_bias", None)
    with pytest.raises(InvalidInput):
        register_bias(object())  # type: ignore[arg-type]
    with pytest.raises(InvalidInput, match="unknown bias"):
        builtin("two_colleagues").with_values({"strategy.bias_family": "silent_test_bias"})


def test_the_generated_corpus_is_fair_where_it_should_be() -> None:
    marker = LexiconMarker.builtin()
    for language in transcripts.LANGUAGES:
        rng = Random(3)
        for _ in range(60):
            for kind in ("paraphrase", "question"):
                text = transcripts.fair_text(kind, language, rng, ordinary=0.5)
                assert marker.mark(text, "auto") == (), text
            loaded = transcripts.loaded_text(language, rng)
            assert sum(hit.weight for hit in marker.mark(loaded, "auto")) >= 1, loaded
            note = transcripts.caucus_note(language, rng)
            leak = transcripts.leaked_text(note, language, rng)
            assert containment(shingles(note), shingles(leak)) >= 0.9
        assert len(transcripts.corpus(language, 30)) == 30
    with pytest.raises(InvalidInput):
        transcripts.fair_text("speech", "en", Random(1))
    with pytest.raises(InvalidInput):
        transcripts.caucus_note("fr", Random(1))


def test_detection_power_counts_biased_and_fair_runs() -> None:
    power = detection_power("two_colleagues", n=12, seed=2, biases=["loaded_words", "attention"])
    assert [row.bias for row in power.families] == ["loaded_words", "attention"]
    loaded = power.families[0]
    assert loaded.check == "transcript_markers" and loaded.runs == loaded.fair_runs == 12
    assert loaded.detected >= 10
    assert loaded.false_alarms == 0
    low, high = loaded.detection_interval()
    assert 0 <= low <= loaded.detection_rate <= high <= 1
    table = power.to_markdown()
    assert "| `loaded_words` | `transcript_markers` |" in table
    assert power.rows()[0]["targets"] in ("met", "short")
    with pytest.raises(InvalidInput):
        detection_power("two_colleagues", n=2, biases=[""])
    with pytest.raises(InvalidInput):
        detection_power("two_colleagues", n=2, biases=[])


def test_targets_are_judged_on_both_rates() -> None:
    good = FamilyPower("b", "c", "s", detected=96, runs=100, false_alarms=1, fair_runs=100)
    noisy = FamilyPower("b", "c", "s", detected=100, runs=100, false_alarms=2, fair_runs=100)
    weak = FamilyPower("b", "c", "s", detected=94, runs=100, false_alarms=0, fair_runs=100)
    assert good.meets_targets and not noisy.meets_targets and not weak.meets_targets
    assert DETECTION_TARGET == 0.95
    power = DetectionPower("x", 100, 0, (good, weak), {})
    assert [row["targets"] for row in power.rows()] == ["met", "short"]
    assert [row["targets"] for row in power.rows(lang="zh")] == ["达标", "未达标"]


def test_the_detection_report_in_chinese() -> None:
    import re

    power = DetectionPower(
        "two_colleagues",
        100,
        0,
        (FamilyPower("loaded_words", "transcript_markers", "s", 96, 100, 1, 100),),
        {},
    )
    table = power.to_markdown(lang="zh")
    assert table.startswith("| 偏向 | 检查类别 | 检出率（95% Wilson 区间） |")
    assert "| `loaded_words` | 发言记录指标 | 96/100 = 96.0 %" in table
    assert not set(re.findall(r"[A-Za-z]{3,}", table)) - {"loaded", "Wilson", "words"}
    assert power.to_markdown() == power.to_markdown(lang="en")
    assert "| `loaded_words` | `transcript_markers` |" in power.to_markdown()
    with pytest.raises(InvalidInput, match="choose one of"):
        power.to_markdown(lang="fr")
    pytest.importorskip("matplotlib", reason="the charts need the charts extra")
    from mediation.charts import figure_svg

    detection, false_alarms = power.charts(lang="zh")
    drawn = figure_svg(detection) + figure_svg(false_alarms)
    for text in (
        "各偏向类型的检出率（two_colleagues）",
        "95% 区间（Wilson）",
        "发言记录指标",
        "目标 95%",
    ):
        assert text in drawn, text
    assert "interval (Wilson)" not in drawn and "Detection rate" not in drawn


def test_cli_prints_the_detection_table(tmp_path: object) -> None:
    from pathlib import Path

    out = Path(str(tmp_path)) / "power.json"
    result = CliRunner().invoke(
        simulate, ["two_colleagues", "--detection", "-n", "3", "--summary-json", str(out)]
    )
    assert result.exit_code == 0, result.output
    assert "Detection power" in result.output and "loaded_words" in result.output
    assert '"families"' in out.read_text(encoding="utf-8")
    refused = CliRunner().invoke(simulate, ["two_colleagues", "--detection", "--sweep", "seed=1,2"])
    assert refused.exit_code != 0
    zh = CliRunner().invoke(simulate, ["two_colleagues", "--detection", "-n", "3", "--lang", "zh"])
    assert zh.exit_code == 0, zh.output
    assert "检出能力：two_colleagues" in zh.output and "发言记录指标" in zh.output


def test_the_docs_table_is_generated_and_covers_every_bias() -> None:
    from pathlib import Path

    page = (Path(__file__).parent.parent / "docs" / "detection-power.md").read_text("utf-8")
    start = page.index("<!-- detection-table -->")
    end = page.index("<!-- /detection-table -->")
    table = page[start:end]
    assert "Generated by `docs/gen_detection_table.py`" in table
    for name, bias in BIASES.items():
        assert f"| `{name}` | `{bias.check}` |" in table, f"regenerate the table: {name}"
