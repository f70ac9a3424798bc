"""Tests for mediation.cli, in process and as real commands."""

from __future__ import annotations

import os
import re
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from mediation._cli_support import ExitCode
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
    assert result.exit_code == ExitCode.USAGE
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


def test_demo_and_report_in_chinese(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(cli, ["demo", "--lang", "zh", "--no-casefile"])
    assert result.exit_code == 0, result.output
    out = result.output
    for line in (
        "案件 workload-2026-03：林伟（数据分析部负责人）与赵敏（分析员）",
        "调解员尚未单独筛查：林伟、赵敏",
        "== 受理 → 倾听",
        "赵敏认为复述不准确：关键是事先征求我的意见。",
        "林伟拒绝赵敏的方案",
        "已记录 45 个事件；结果：达成协议",
        "mediation report mediation-demo.sqlite workload-2026-03 --lang zh",
    ):
        assert line in out, line
    assert "为这件事我都快辞职了" not in out  # caucus content stays private
    english_words = set(re.findall(r"[A-Za-z]{4,}", out))
    assert english_words <= {
        "case",
        "mediation",
        "demo",
        "sqlite",
        "workload",
        "conduct",
        "strict",
        "report",
        "verify",
        "casefile",
        "lead",
        "html",
        "lang",
        "export",
        "zhao",
        "diagram",
        "format",
        "process",
        "remarks",
        "harassment",
    }, english_words
    report = CliRunner().invoke(
        cli, ["report", "mediation-demo.sqlite", "workload-2026-03", "--lang", "zh"]
    )
    assert report.exit_code == 0 and report.output.startswith("# 中立性报告：workload-2026-03")
    bad = CliRunner().invoke(
        cli, ["report", "mediation-demo.sqlite", "workload-2026-03", "--lang", "fr"]
    )
    assert bad.exit_code == ExitCode.USAGE and "choose one of: en, zh" in bad.output
    for command in ("report", "casefile"):
        missing = CliRunner().invoke(cli, [command, "mediation-demo.sqlite", "nope", "--lang=zh"])
        assert missing.exit_code == 1 and "此存储中没有案件 'nope'" in missing.output
        english = CliRunner().invoke(cli, [command, "mediation-demo.sqlite", "nope"])
        assert "no case 'nope' in this store" in english.output


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
    assert absent.exit_code == 3  # store unavailable: no such file, none created
    assert "no such database file" in absent.output
    assert not (tmp_path / "none.db").exists()


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
    assert verified.output.startswith("ok      workload-2026-03  45 events")
    stranger = runner.invoke(cli, ["export", str(path), "--for", "nobody", "-o", str(mine)])
    assert stranger.exit_code == 1


def test_a_refused_import_leaves_no_store_behind(tmp_path: Path) -> None:
    from mediation import demo
    from mediation.store.sql import SQLStore

    case = demo.workplace_dispute()
    with SQLStore(tmp_path / "cases.db") as store:
        store.append(case.case_id, case.events, 0)
    mine, full = tmp_path / "lin.jsonl", tmp_path / "full.jsonl"
    runner = CliRunner()
    for args in (["--for", "lin", "-o", str(mine)], ["-o", str(full)]):
        assert runner.invoke(cli, ["export", str(tmp_path / "cases.db"), *args]).exit_code == 0
    before = sorted(path.name for path in tmp_path.iterdir())
    # A reader's export verifies but cannot be imported: the new target is not left empty.
    refused = runner.invoke(cli, ["import", str(mine), str(tmp_path / "new.db")])
    assert refused.exit_code == ExitCode.FAILED
    assert "cannot be imported" in refused.output
    assert sorted(path.name for path in tmp_path.iterdir()) == before
    # A store that was there before a refused import is kept, with what it held.
    assert runner.invoke(cli, ["import", str(full), str(tmp_path / "kept.db")]).exit_code == 0
    again = runner.invoke(cli, ["import", str(full), str(tmp_path / "kept.db")])
    assert again.exit_code == ExitCode.FAILED
    with SQLStore(tmp_path / "kept.db") as kept:
        assert kept.load(case.case_id) == case.events


# -- bad invocations: one line on stderr, a documented exit code, nothing written ------------

UNREACHABLE_PG = "postgresql://nobody@127.0.0.1:1/none"
"""A PostgreSQL URL on a port nothing listens on: refused at once."""

BAD_INVOCATIONS: list[tuple[list[str], ExitCode, str]] = [
    # general
    (["fly"], ExitCode.USAGE, "No such command"),
    (["--bogus"], ExitCode.USAGE, "No such option"),
    (["demo", "extra"], ExitCode.USAGE, "unexpected extra argument"),
    # diagram
    (["diagram", "--lang", "fr"], ExitCode.USAGE, "unknown language 'fr'"),
    (["diagram", "--format", "gif"], ExitCode.USAGE, "'--format'"),
    (["diagram", "--out", "{tmp}/missing/d.mmd"], ExitCode.USAGE, "does not exist"),
    (["diagram", "--out", "{tmp}/folder"], ExitCode.USAGE, "directory"),
    # verify
    (["verify"], ExitCode.USAGE, "Missing argument 'SOURCE'"),
    (["verify", "sqlite:///{tmp}/new.db"], ExitCode.STORE_UNAVAILABLE, "no such database file"),
    (["verify", "{tmp}/new.db"], ExitCode.STORE_UNAVAILABLE, "no such database file"),
    (["verify", "foo://bar/baz"], ExitCode.USAGE, "unknown kind of database 'foo'"),
    (["verify", "http://[::1"], ExitCode.USAGE, "not a database URL"),
    (["verify", UNREACHABLE_PG], ExitCode.STORE_UNAVAILABLE, "store unavailable"),
    (["verify", "{tmp}/folder"], ExitCode.STORE_UNAVAILABLE, "store unavailable"),
    (["verify", "{tmp}/empty.db"], ExitCode.STORE_UNAVAILABLE, "no mediation schema"),
    (["verify", "{tmp}/torn.db"], ExitCode.STORE_UNAVAILABLE, "store unavailable"),
    (["verify", "{tmp}/notes.txt"], ExitCode.FAILED, ""),  # read as an export: malformed
    (["verify", "{tmp}/binary.bin"], ExitCode.FAILED, ""),
    (["verify", "{tmp}/deep.jsonl"], ExitCode.FAILED, ""),
    (["verify", "{tmp}/good.db", "nope"], ExitCode.FAILED, "no case 'nope'"),
    (["verify", "{tmp}/good.jsonl", "nope"], ExitCode.FAILED, "no case 'nope'"),
    (["verify", "{tmp}/good.db", "--bogus"], ExitCode.USAGE, "No such option"),
    # report
    (["report", "{tmp}/good.db"], ExitCode.USAGE, "Missing argument 'CASE_ID'"),
    (["report", "{tmp}/new.db", "x"], ExitCode.STORE_UNAVAILABLE, "no such database file"),
    (["report", "{tmp}/notes.txt", "x"], ExitCode.STORE_UNAVAILABLE, "not a database"),
    (["report", "{tmp}/good.db", "nope"], ExitCode.FAILED, "no case 'nope'"),
    (["report", "mysql+nodriver://x/y", "c"], ExitCode.USAGE, "unknown kind of database"),
    (["report", UNREACHABLE_PG, "c"], ExitCode.STORE_UNAVAILABLE, "store unavailable"),
    # export
    (["export", "{tmp}/good.db", "-o", "{tmp}/missing/out.jsonl"], ExitCode.USAGE, "not exist"),
    (["export", "{tmp}/good.db", "-o", "{tmp}/folder"], ExitCode.USAGE, "directory"),
    (["export", "{tmp}/new.db"], ExitCode.STORE_UNAVAILABLE, "no such database file"),
    (["export", "sqlite:///{tmp}/new.db", "--reader", "r"], ExitCode.STORE_UNAVAILABLE, "no such"),
    (["export", "{tmp}/notes.txt"], ExitCode.STORE_UNAVAILABLE, "not a database"),
    (["export", "{tmp}/good.db", "nope", "-o", "{tmp}/out.jsonl"], ExitCode.FAILED, "nope"),
    (["export", UNREACHABLE_PG], ExitCode.STORE_UNAVAILABLE, "store unavailable"),
    # import
    (["import", "{tmp}/missing.jsonl", "{tmp}/t.db"], ExitCode.USAGE, "does not exist"),
    (["import", "{tmp}/folder", "{tmp}/t.db"], ExitCode.USAGE, "is a directory"),
    (["import", "{tmp}/notes.txt", "{tmp}/t.db"], ExitCode.FAILED, ""),
    (["import", "{tmp}/deep.jsonl", "{tmp}/t.db"], ExitCode.FAILED, ""),
    (["import", "{tmp}/good.jsonl", "foo://x"], ExitCode.USAGE, "unknown kind of database"),
    (["import", "{tmp}/good.jsonl", "{tmp}/notes.txt"], ExitCode.STORE_UNAVAILABLE, "database"),
    (["import", "{tmp}/good.jsonl", "{tmp}/good.db"], ExitCode.FAILED, "already"),
    (["import", "{tmp}/good.jsonl", UNREACHABLE_PG], ExitCode.STORE_UNAVAILABLE, "unavailable"),
    (["import", "{tmp}/good.jsonl", "{tmp}/missing/t.db"], ExitCode.STORE_UNAVAILABLE, "open"),
    # fairness
    (["fairness", "{tmp}/new.db"], ExitCode.STORE_UNAVAILABLE, "no such database file"),
    (["fairness", "{tmp}/notes.txt"], ExitCode.STORE_UNAVAILABLE, "not a database"),
    (["fairness", "{tmp}/good.db", "--json", "{tmp}/no/f.json"], ExitCode.USAGE, "not exist"),
    (["fairness", UNREACHABLE_PG], ExitCode.STORE_UNAVAILABLE, "store unavailable"),
    # simulate
    (["simulate", "{tmp}/missing.toml"], ExitCode.INVALID_INPUT, "cannot read"),
    (["simulate", "no_such_builtin"], ExitCode.INVALID_INPUT, "neither a scenario file"),
    (["simulate", "{tmp}/folder"], ExitCode.INVALID_INPUT, "cannot read"),
    (["simulate", "{tmp}/latin1.toml"], ExitCode.INVALID_INPUT, "not UTF-8"),
    (["simulate", "{tmp}/coerce.toml"], ExitCode.INVALID_INPUT, "expected true or false"),
    (["simulate", "{tmp}/deep.toml"], ExitCode.INVALID_INPUT, "nested deeper than 32"),
    (["simulate", "two_colleagues", "-n", "0"], ExitCode.USAGE, "'-n'"),
    (["simulate", "two_colleagues", "-n", "many"], ExitCode.USAGE, "'-n'"),
    (["simulate", "two_colleagues", "--out", "{tmp}/missing/r.csv"], ExitCode.USAGE, "not exist"),
    (["simulate", "two_colleagues", "--summary-json", "{tmp}/no/s.json"], ExitCode.USAGE, "exist"),
    (["simulate", "two_colleagues", "--out", "{tmp}/folder"], ExitCode.USAGE, "directory"),
    (["simulate", "two_colleagues", "--sweep", "nonsense"], ExitCode.USAGE, "PATH=VALUE"),
    (
        ["simulate", "two_colleagues", "-n", "2", "--sweep", "policy.voice_balance.max_ratio=x"],
        ExitCode.INVALID_INPUT,
        "max_ratio: expected a number",
    ),
    (["simulate", "two_colleagues", "--plots", "{tmp}/plots"], ExitCode.USAGE, "--sweep"),
    (["simulate", "two_colleagues", "--plots", "{tmp}/notes.txt"], ExitCode.USAGE, "file"),
]


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder with one good store and export, and files that are wrong in every way."""
    from mediation import demo
    from mediation.store.sql import SQLStore

    tmp = tmp_path_factory.mktemp("bad_invocations")
    case = demo.workplace_dispute()
    with SQLStore(tmp / "good.db") as store:
        store.append(case.case_id, case.events, 0)
    assert CliRunner().invoke(cli, ["export", str(tmp / "good.db"), "-o", str(tmp / "good.jsonl")])
    (tmp / "folder").mkdir()
    sqlite3.connect(tmp / "empty.db").execute("CREATE TABLE t (x)").connection.commit()
    (tmp / "torn.db").write_bytes((tmp / "good.db").read_bytes()[:100] + b"\x00" * 4000)
    (tmp / "notes.txt").write_text("just some notes\nnot a store\n", encoding="utf-8")
    (tmp / "binary.bin").write_bytes(bytes(range(256)) * 4)
    (tmp / "deep.jsonl").write_bytes(b"[" * 200_000 + b"\n")
    (tmp / "latin1.toml").write_bytes('name = "caf\xe9"\n'.encode("latin-1"))
    scenario = (Path(__file__).parent.parent / "examples/scenarios/two_colleagues.toml").read_text(
        encoding="utf-8"
    )
    (tmp / "coerce.toml").write_text(
        scenario + '\n[policy]\nsupervisor_reads_text = "false"\n', encoding="utf-8"
    )
    (tmp / "deep.toml").write_text("name = " + "[" * 100_000, encoding="utf-8")
    return tmp


def _snapshot(folder: Path) -> dict[str, tuple[int, int]]:
    # SQLite's -wal and -shm companions of a WAL database are touched by every reader (the
    # shared-memory index); the database files themselves must not change.
    return {
        str(path.relative_to(folder)): (path.stat().st_size, path.stat().st_mtime_ns)
        for path in sorted(folder.rglob("*"))
        if not path.name.endswith(("-wal", "-shm"))
    }


@pytest.mark.parametrize(
    ("args", "code", "message"),
    BAD_INVOCATIONS,
    ids=[" ".join(args)[:60] for args, _code, _message in BAD_INVOCATIONS],
)
def test_every_bad_invocation_is_one_line_and_a_documented_code(
    workspace: Path, args: list[str], code: ExitCode, message: str
) -> None:
    argv = [arg.replace("{tmp}", str(workspace)) for arg in args]
    before = _snapshot(workspace)
    result = CliRunner().invoke(cli, argv)
    assert result.exit_code == code, (result.output, result.stderr)
    assert isinstance(result.exception, SystemExit), result.exception
    assert "Traceback" not in result.output + result.stderr
    assert "internal error" not in result.stderr
    if code != ExitCode.FAILED or message:
        if code == ExitCode.USAGE:  # click shows the usage line and a hint, then the error
            assert result.stderr.strip().splitlines()[-1].startswith("Error: ")
        else:
            assert result.stderr.count("\n") == 1, result.stderr
            assert result.stderr.startswith("Error: "), result.stderr
        assert message in result.stderr
    else:  # a file read as an export that does not verify: the BROKEN line on stdout
        assert result.stdout.startswith("BROKEN"), result.stdout
        assert result.stderr == ""
    assert _snapshot(workspace) == before, "a failed command changed the folder"


@pytest.mark.parametrize(
    ("args", "code"),
    [
        (["verify", "sqlite:///{tmp}/new.db"], ExitCode.STORE_UNAVAILABLE),
        (["export", "{tmp}/good.db", "-o", "{tmp}/missing/x.jsonl"], ExitCode.USAGE),
        (["report", UNREACHABLE_PG, "c"], ExitCode.STORE_UNAVAILABLE),
        (["simulate", "{tmp}/coerce.toml"], ExitCode.INVALID_INPUT),
    ],
)
def test_bad_invocations_of_the_real_command(
    workspace: Path, args: list[str], code: ExitCode
) -> None:
    argv = [arg.replace("{tmp}", str(workspace)) for arg in args]
    before = _snapshot(workspace)
    done = subprocess.run(
        [sys.executable, "-m", "mediation", *argv], capture_output=True, text=True, check=False
    )
    assert done.returncode == code, done.stderr
    assert "Traceback" not in done.stderr
    assert done.stderr.strip().splitlines()[-1].startswith("Error: ")
    if code != ExitCode.USAGE:
        assert done.stderr.count("\n") == 1, done.stderr
    assert done.stdout == ""
    assert _snapshot(workspace) == before


def test_help_documents_the_exit_codes() -> None:
    result = CliRunner().invoke(cli, ["--help"])
    assert "Exit codes: 0 ok; 1" in " ".join(result.output.split())
    assert {code.value for code in ExitCode} == {0, 1, 2, 3, 4, 130}


def test_verify_of_a_new_sqlite_url_creates_nothing(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["verify", f"sqlite:///{tmp_path}/new.db"])
    assert result.exit_code == ExitCode.STORE_UNAVAILABLE
    assert list(tmp_path.iterdir()) == []


def test_an_unexpected_error_is_one_line_too(monkeypatch: pytest.MonkeyPatch) -> None:
    import mediation.diagram

    def broken(*_args: object, **_kwargs: object) -> str:
        raise RuntimeError("boom")

    monkeypatch.setattr(mediation.diagram, "mermaid", broken)
    result = CliRunner().invoke(cli, ["diagram"])
    assert result.exit_code == ExitCode.FAILED
    assert result.stderr.count("\n") == 1
    assert "internal error (RuntimeError: boom); this is a bug" in result.stderr
    monkeypatch.setenv("MEDIATION_TRACEBACK", "1")
    assert isinstance(CliRunner().invoke(cli, ["diagram"]).exception, RuntimeError)


# -- every command in Chinese ------------------------------------------------------------

_COMMANDS_WITH_LANG = [
    ["demo", "--store", "{tmp}/fresh/demo.sqlite"],
    ["diagram", "-o", "{tmp}/fresh/d.mmd"],
    ["verify", "{tmp}/good.db"],
    ["export", "{tmp}/good.db", "-o", "{tmp}/fresh/x.jsonl"],
    ["import", "{tmp}/good.jsonl", "{tmp}/fresh/t.db"],
    ["report", "{tmp}/good.db", "workload-2026-03"],
    ["casefile", "{tmp}/good.db", "workload-2026-03", "-o", "{tmp}/fresh/c.html"],
    ["fairness", "{tmp}/good.db", "--json", "{tmp}/fresh/f.json"],
    ["simulate", "two_colleagues", "-n", "2", "--out", "{tmp}/fresh/r.csv"],
    ["keygen", "-o", "{tmp}/fresh/key.pem"],
    ["anchor", "{tmp}/good.db", "--key", "{tmp}/notes.txt", "-o", "{tmp}/fresh/a.jsonl"],
    [
        *("erase", "{tmp}/good.db", "workload-2026-03", "--party", "lin", "--actor", "a"),
        *("--role", "dpo", "--grounds", "g"),
    ],
    ["retention", "apply", "{tmp}/good.db", "--policy", "{tmp}/notes.txt"],
    ["migrate", "{tmp}/good.db"],
    ["subject", "{tmp}/good.db", "lin"],
    ["research-export", "{tmp}/good.db", "-o", "{tmp}/fresh/r.jsonl"],
]


@pytest.mark.parametrize(
    "args", _COMMANDS_WITH_LANG, ids=[" ".join(args[:2]) for args in _COMMANDS_WITH_LANG]
)
def test_every_command_refuses_an_unknown_language_before_doing_anything(
    workspace: Path, args: list[str]
) -> None:
    (workspace / "fresh").mkdir(exist_ok=True)
    argv = [arg.replace("{tmp}", str(workspace)) for arg in [*args, "--lang", "fr"]]
    before = _snapshot(workspace)
    result = CliRunner().invoke(cli, argv)
    assert result.exit_code == ExitCode.USAGE, result.output
    assert "unknown language 'fr'; choose one of: en, zh" in result.stderr
    assert _snapshot(workspace) == before


_FAILURES_IN_CHINESE = [
    (args, code)
    for args, code, message in BAD_INVOCATIONS
    if code not in (ExitCode.USAGE, ExitCode.FAILED) or (code == ExitCode.FAILED and message)
]


@pytest.mark.parametrize(
    ("args", "code"),
    _FAILURES_IN_CHINESE,
    ids=[" ".join(args)[:60] for args, _code in _FAILURES_IN_CHINESE],
)
def test_every_failure_is_told_in_the_language_asked_for(
    workspace: Path, args: list[str], code: ExitCode
) -> None:
    argv = [arg.replace("{tmp}", str(workspace)) for arg in [*args, "--lang", "zh"]]
    before = _snapshot(workspace)
    result = CliRunner().invoke(cli, argv)
    assert result.exit_code == code, result.stderr
    assert result.stderr.count("\n") == 1, result.stderr
    assert result.stderr.startswith("错误："), result.stderr
    # the words are Chinese; what a driver or the system said is quoted as it said it
    said = result.stderr.split("：", 1)[1]
    assert re.search(r"[\u4e00-\u9fff]", said), result.stderr
    assert _snapshot(workspace) == before


def test_verify_export_and_import_speak_chinese(workspace: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    good = str(workspace / "good.db")
    verified = runner.invoke(cli, ["verify", good, "--lang", "zh"])
    assert verified.exit_code == 0
    assert verified.stdout.startswith("完好    workload-2026-03  45 个事件  链头 ")
    exported = tmp_path / "all.jsonl"
    done = runner.invoke(cli, ["export", good, "-o", str(exported), "--lang", "zh"])
    assert done.exit_code == 0 and "已导出 1 个案件" in done.stderr
    imported = runner.invoke(cli, ["import", str(exported), str(tmp_path / "t.db"), "--lang=zh"])
    assert imported.exit_code == 0 and imported.stdout.startswith("已导入 workload-2026-03")
    again = runner.invoke(cli, ["import", str(exported), str(tmp_path / "t.db"), "--lang=zh"])
    assert again.exit_code == 1
    assert "文件中的一个案件已在存储中（案件'workload-2026-03'已在存储中）" in again.stderr
    # a changed record: the break told by what it means, the code kept
    lines = exported.read_text(encoding="utf-8").splitlines()
    changed = [line.replace("resigning", "RESIGNING") for line in lines]
    tampered = tmp_path / "tampered.jsonl"
    tampered.write_text("\n".join(changed) + "\n", encoding="utf-8")
    broken = runner.invoke(cli, ["verify", str(tampered), "--lang", "zh"])
    english = runner.invoke(cli, ["verify", str(tampered)])
    assert broken.exit_code == english.exit_code == 1
    assert english.stdout.startswith("BROKEN  workload-2026-03 at event ")
    assert broken.stdout.startswith("已损坏  workload-2026-03：第 "), broken.stdout
    code = english.stdout.split("[", 1)[1].split("]", 1)[0]
    assert f"[{code}]" in broken.stdout
    words = set(re.findall(r"[A-Za-z]{3,}", broken.stdout.replace(code, ""))) - {"workload"}
    assert not words, broken.stdout
