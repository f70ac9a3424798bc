"""Tests for the ``mediation simulate`` command, in process and as a real command."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner

from mediation._cli_simulate import simulate


def test_a_small_run_prints_a_summary_and_writes_the_table(tmp_path: Path) -> None:
    out = tmp_path / "results.csv"
    summary = tmp_path / "summary.json"
    result = CliRunner().invoke(
        simulate,
        [
            "two_colleagues",
            "-n",
            "20",
            "--seed",
            "1",
            "--out",
            str(out),
            "--summary-json",
            str(summary),
        ],
    )
    assert result.exit_code == 0, result.output
    assert "settlement rate" in result.output
    assert "two_colleagues (n=20, seed=1)" in result.output
    assert len(out.read_text().splitlines()) == 21
    assert '"settlement_rate"' in summary.read_text()


def test_a_scenario_file_and_json_lines(tmp_path: Path) -> None:
    example = Path(__file__).parent.parent / "examples" / "scenarios" / "two_colleagues.toml"
    out = tmp_path / "results.jsonl"
    result = CliRunner().invoke(simulate, [str(example), "-n", "5", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert len(out.read_text().splitlines()) == 5


def test_a_sweep_writes_plots(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        simulate,
        [
            "plain_5x5",
            "-n",
            "6",
            "--sweep",
            "strategy.patience=3,8",
            "--sweep",
            "strategy.approach=facilitative,evaluative",
            "--plots",
            str(tmp_path),
        ],
    )
    assert result.exit_code == 0, result.output
    assert "plain_5x5: patience=3, approach=evaluative" in result.output
    for name in ("outcomes", "neutrality", "fairness"):
        assert "<svg" in (tmp_path / f"{name}.svg").read_text(encoding="utf-8")


def test_a_bad_scenario_file_fails_cleanly(tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text('name = "x"\ncolour = "red"\n', encoding="utf-8")
    result = CliRunner().invoke(simulate, [str(bad), "-n", "3"])
    assert result.exit_code == 4  # invalid input data
    assert "Error:" in result.output and "unknown keys ['colour']" in result.output
    assert "Traceback" not in result.output
    unknown = CliRunner().invoke(simulate, ["nowhere", "-n", "3"])
    assert unknown.exit_code == 4
    assert "neither a scenario file nor a built-in scenario" in unknown.output
    sweep = CliRunner().invoke(simulate, ["plain_5x5", "--sweep", "strategy.patience"])
    assert sweep.exit_code == 2
    assert "expected PATH=VALUE" in sweep.output


def test_as_a_real_command_with_two_workers(tmp_path: Path) -> None:
    code = "from mediation._cli_simulate import simulate; simulate()"
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            code,
            "plain_5x5",
            "-n",
            "12",
            "--workers",
            "2",
            "--out",
            str(tmp_path / "r.csv"),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "settlement rate" in done.stdout
    assert len((tmp_path / "r.csv").read_text().splitlines()) == 13
    failed = subprocess.run(
        [sys.executable, "-c", code, str(tmp_path / "missing.toml")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert failed.returncode == 4
    assert "cannot read the scenario file" in failed.stderr
    assert "Traceback" not in failed.stderr


def test_sweep_plots_in_chinese(tmp_path: Path) -> None:
    from mediation.simulation import sweep, sweep_figures, write_sweep_plots

    result = sweep("plain_5x5", {"strategy.patience": [3, 8]}, 4, 1, workers=1)
    figures = sweep_figures(result, lang="zh")
    axes = figures["outcomes"].axes[0]
    assert axes.get_title().startswith("各扫描点的结果（每点 n=4")
    legend = axes.get_legend()
    assert legend is not None
    assert [t.get_text() for t in legend.get_texts()] == ["达成协议", "已上报"]
    paths = write_sweep_plots(result, tmp_path, image_format="png", lang="zh")
    assert [p.name for p in paths] == ["outcomes.png", "neutrality.png", "fairness.png"]
