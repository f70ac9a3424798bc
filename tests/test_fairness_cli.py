"""The ``mediation fairness`` command: reports, and clean refusals that write nothing."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from mediation.cli import cli
from mediation.fairness import example_attributes, example_cases
from mediation.store.sql import SQLStore


@pytest.fixture(scope="module")
def store_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("fairness") / "cases.db"
    with SQLStore(path) as store:
        for case in example_cases(40, seed=2):
            store.append(case.case_id, case.events, 0)
    return path


@pytest.fixture(scope="module")
def people_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("people") / "people.csv"
    rows = ["id,department"] + [
        f"{p},{row['department']}" for p, row in example_attributes(2).items()
    ]
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return path


def test_writes_json_and_html(store_file: Path, people_file: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    html, data = tmp_path / "report.html", tmp_path / "report.json"
    result = runner.invoke(
        cli,
        [
            "fairness",
            str(store_file),
            "--by",
            "position,mediator,department",
            "--groups",
            str(people_file),
            "--html",
            str(html),
            "--json",
            str(data),
            "--no-charts",
        ],
    )
    assert result.exit_code == 0, result.output
    assert "40 cases and 80 party places audited" in result.stdout
    report = json.loads(data.read_text(encoding="utf-8"))
    assert report["cases"] == 40
    assert set(report["dimensions"]) == {"position", "mediator", "department"}
    assert html.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert not list(tmp_path.glob(".*"))  # no temporary files left


def _refused(args: list[str], tmp_path: Path, message: str) -> None:
    out = tmp_path / "out"
    out.mkdir(exist_ok=True)
    result = CliRunner().invoke(
        cli, ["fairness", *args, "--json", str(out / "r.json"), "--html", str(out / "r.html")]
    )
    assert result.exit_code != 0
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    assert message in lines[0]
    assert "Traceback" not in result.output
    assert list(out.iterdir()) == []  # nothing written


def test_unknown_dimension(store_file: Path, tmp_path: Path) -> None:
    _refused([str(store_file), "--by", "position,departmnt"], tmp_path, "unknown dimension")


def test_attributes_file_with_wrong_columns(store_file: Path, tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("person,department\np-001,sales\n", encoding="utf-8")
    _refused(
        [str(store_file), "--by", "department", "--groups", str(bad)], tmp_path, "no 'id' column"
    )


def test_attributes_file_missing_people(store_file: Path, tmp_path: Path) -> None:
    few = tmp_path / "few.csv"
    few.write_text("id,department\nnobody,sales\n", encoding="utf-8")
    _refused(
        [str(store_file), "--by", "department", "--groups", str(few)], tmp_path, "has no attributes"
    )


def test_empty_store(tmp_path: Path) -> None:
    empty = tmp_path / "empty.db"
    SQLStore(empty).close()
    _refused([str(empty)], tmp_path, "no cases")


def test_missing_store_and_not_a_store(tmp_path: Path) -> None:
    _refused([str(tmp_path / "nowhere.db")], tmp_path, "no such database file")
    text = tmp_path / "notes.txt"
    text.write_text("hello\n", encoding="utf-8")
    _refused([str(text)], tmp_path, str(text))


_LATIN_ALLOWED = {"Benjamini", "Hochberg", "Wilson", "Welch", "Fisher", "Student", "Cohen"} | {
    "Random"
}


def _english_words(text: str) -> set[str]:
    """Words of three letters or more, ids (``m-dana``, ``p-012``) and known names aside."""
    import re

    text = re.sub(r"\b[a-z]+-[a-z0-9]+\b", "", text)
    return set(re.findall(r"[A-Za-z]{3,}", text)) - _LATIN_ALLOWED


def test_the_summary_and_the_page_in_chinese(
    store_file: Path, people_file: Path, tmp_path: Path
) -> None:
    html = tmp_path / "report.zh.html"
    result = CliRunner().invoke(
        cli,
        [
            *("fairness", str(store_file), "--by", "role,position,department"),
            *("--groups", str(people_file), "--html", str(html), "--no-charts", "--lang", "zh"),
        ],
    )
    assert result.exit_code == 0, result.output
    assert "共审计 40 个案件、80 个当事人席位" in result.stdout
    assert not _english_words(result.stdout), result.stdout
    assert "已写入" in result.stderr
    page = html.read_text(encoding="utf-8")
    assert '<html lang="zh">' in page and "<h1>公平性审计</h1>" in page
    assert "当事人的 department（宿主属性）" in page  # a host's attribute keeps its name
    body = page[page.index("<body>") :]
    import re

    texts = " ".join(re.sub(r"<[^>]+>", " ", body).split())
    host_words = {"department", "engineering", "finance", "operations", "sales"}
    assert not _english_words(texts) - host_words, texts


def test_an_unknown_language_writes_nothing(store_file: Path, tmp_path: Path) -> None:
    html = tmp_path / "report.html"
    result = CliRunner().invoke(
        cli, ["fairness", str(store_file), "--html", str(html), "--lang", "fr"]
    )
    assert result.exit_code == 2 and "choose one of: en, zh" in result.output
    assert not list(tmp_path.iterdir())
