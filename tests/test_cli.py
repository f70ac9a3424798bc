"""Tests for mediation.cli, in process and as real commands."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from mediation.cli import cli


def test_demo_tells_the_story_in_plain_words(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
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


def test_python_dash_m_runs_the_demo_without_log_noise(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "mediation", "demo"],
        capture_output=True,
        text=True,
        check=True,
        cwd=tmp_path,
    )
    assert "Closed: settled" in done.stdout
    assert "event_recorded" not in done.stdout + done.stderr


def test_demo_saves_its_cases_writes_the_case_file_and_says_what_next(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(cli, ["demo"])
    assert result.exit_code == 0, result.output
    out = result.output
    assert "'pr-" not in out and "'df-" not in out  # names, not internal ids
    assert "Lin Wei rejects Zhao Min's proposal" in out
    assert "mediation-demo.sqlite" in out
    for command in ("mediation report", "mediation verify", "mediation casefile"):
        assert command in out
    html = (tmp_path / "workload-2026-03.en.html").read_text(encoding="utf-8")
    assert "Lin Wei" in html and "Agreement" in html
    assert "求同存异" in (tmp_path / "workload-2026-03.zh.html").read_text(encoding="utf-8")
    # The next commands work on what the demo saved.
    verified = CliRunner().invoke(cli, ["verify", "mediation-demo.sqlite"])
    assert verified.exit_code == 0 and verified.output.count("ok ") == 2
    report = CliRunner().invoke(cli, ["report", "mediation-demo.sqlite", "workload-2026-03"])
    assert report.exit_code == 0 and "Neutrality report" in report.output
    # A second run replaces its own store.
    again = CliRunner().invoke(cli, ["demo", "--no-casefile"])
    assert again.exit_code == 0, again.output


def test_demo_refuses_to_replace_a_store_it_did_not_write(tmp_path: Path) -> None:
    from datetime import datetime, timezone

    from mediation import Mediation, Mediator, Party
    from mediation.clocks import ManualClock
    from mediation.store import Repository
    from mediation.store.sql import SQLStore

    notes = tmp_path / "notes.txt"
    notes.write_text("mine", encoding="utf-8")
    result = CliRunner().invoke(cli, ["demo", "--store", str(notes)])
    assert result.exit_code == 1 and "not a demo store" in result.output
    assert notes.read_text(encoding="utf-8") == "mine"
    other = tmp_path / "other.sqlite"
    clock = ManualClock(datetime(2026, 1, 5, tzinfo=timezone.utc))
    case = Mediation.open(
        "mine-1", [Party("a", "A"), Party("b", "B")], Mediator("m", "M"), clock=clock
    )
    with SQLStore(str(other)) as store:
        Repository(store, clock=clock).save(case, expected_version=0)
    before = other.read_bytes()
    result = CliRunner().invoke(cli, ["demo", "--store", str(other)])
    assert result.exit_code == 1 and "other cases than the demo's" in result.output
    assert other.read_bytes() == before
    missing = CliRunner().invoke(cli, ["demo", "--store", str(tmp_path / "no" / "x.sqlite")])
    assert missing.exit_code == 1 and "does not exist" in missing.output


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
