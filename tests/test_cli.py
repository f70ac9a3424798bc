"""Tests for mediation.cli, in process and as real commands."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from mediation.cli import cli


def test_demo_tells_the_story_in_plain_words() -> None:
    result = CliRunner().invoke(cli, ["demo"])
    assert result.exit_code == 0, result.output
    out = result.output
    for line in (
        "Intake -> Listening (倾听)",
        "Listening -> Perspective swap (换位思考)",
        "Zhao Min rejects it",
        "Perspective swap -> Common ground (求同存异)",
        "difference reserved (minor)",
        "Common ground -> Compromise (妥协)",
        "Compromise -> Cooling off (冷静)",
        "Compromise -> Agreement",
        "Closed: settled",
        "Escalated (上报) to hr",
        "Closed: escalated",
    ):
        assert line in out, line
    assert "I am close to resigning" not in out  # caucus content stays private


def test_diagram_prints_mermaid() -> None:
    result = CliRunner().invoke(cli, ["diagram"])
    assert result.exit_code == 0
    assert "stateDiagram-v2" in result.output
    assert "cooling_off --> compromise: resume\n" in result.output
    zh = CliRunner().invoke(cli, ["diagram", "--lang", "zh"])
    assert zh.exit_code == 0 and "求同存异" in zh.output


def test_diagram_renders_svg_to_a_file(tmp_path: Path) -> None:
    import shutil

    if shutil.which("dot") is None:
        if os.environ.get("CI"):
            pytest.fail("CI is set but Graphviz's dot program is missing")
        pytest.skip("Graphviz's dot program is not installed (apt-get install graphviz)")
    out = tmp_path / "process.svg"
    result = CliRunner().invoke(cli, ["diagram", "--format", "svg", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "<svg" in out.read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--lang", "fr"], "unknown language 'fr'"),
        (["--format", "svg", "--out", "missing-dir/x.svg"], "does not exist"),
    ],
)
def test_diagram_bad_input_fails_cleanly(
    arguments: list[str], message: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(cli, ["diagram", *arguments])
    assert result.exit_code == 1
    assert message in result.output and "Traceback" not in result.output
    assert list(tmp_path.iterdir()) == []


def test_python_dash_m_runs_the_demo_without_log_noise() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "mediation", "demo"], capture_output=True, text=True, check=True
    )
    assert "Closed: settled" in done.stdout
    assert "event_recorded" not in done.stdout + done.stderr


def test_unknown_command_fails_cleanly() -> None:
    result = CliRunner().invoke(cli, ["fly"])
    assert result.exit_code == 2
    assert "No such command" in result.output


def test_report_prints_the_neutrality_report_of_a_stored_case(tmp_path: Path) -> None:
    from mediation import demo
    from mediation.store.sql import SQLStore

    case = demo.workplace_dispute()
    path = tmp_path / "cases.db"
    store = SQLStore(str(path))
    store.append(case.case_id, case.events, 0)
    store.close()
    result = CliRunner().invoke(cli, ["report", str(path), case.case_id])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("# Neutrality report: workload-2026-03")
    assert "Verdict: **even-handed**" in result.output
    assert "resigning" not in result.output
    missing = CliRunner().invoke(cli, ["report", str(path), "nope"])
    assert missing.exit_code == 1
    assert "no case 'nope'" in missing.output
    absent = CliRunner().invoke(cli, ["report", str(tmp_path / "none.db"), "x"])
    assert absent.exit_code == 1
    assert "no such file" in absent.output


def test_export_for_a_reader_leaves_out_what_they_may_not_see(tmp_path: Path) -> None:
    from mediation import demo
    from mediation.store.sql import SQLStore

    case = demo.workplace_dispute()
    path = tmp_path / "cases.db"
    store = SQLStore(str(path))
    store.append(case.case_id, case.events, 0)
    store.close()
    full, mine = tmp_path / "full.jsonl", tmp_path / "lin.jsonl"
    runner = CliRunner()
    assert runner.invoke(cli, ["export", str(path), "-o", str(full)]).exit_code == 0
    result = runner.invoke(cli, ["export", str(path), "--for", "lin", "-o", str(mine)])
    assert result.exit_code == 0, result.output
    assert b"resigning" in full.read_bytes()
    assert b"resigning" not in mine.read_bytes()
    verified = runner.invoke(cli, ["verify", str(mine)])
    assert verified.exit_code == 0
    assert verified.output.startswith("ok      workload-2026-03  41 events")
    stranger = runner.invoke(cli, ["export", str(path), "--for", "nobody", "-o", str(mine)])
    assert stranger.exit_code == 1
