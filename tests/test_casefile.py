"""Tests of mediation.casefile: contents, redaction exactly as export_for, escaping,
self-containment, languages, and clean refusals."""

from __future__ import annotations

import io
import json
import re
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from click.testing import CliRunner

from mediation import Mediation, Mediator, Party, audit
from mediation.casefile import (
    build_casefile,
    casefile_from_store,
    render,
    render_casefile,
    render_html,
    render_markdown,
    write_casefile,
)
from mediation.cli import cli
from mediation.clocks import ManualClock
from mediation.demo import non_mediable_case, workplace_dispute
from mediation.errors import CaseNotFound, InvalidInput, NotAuthorized
from mediation.store import InMemoryStore, Repository
from mediation.store.sql import SQLStore
from mediation.testing import screen_all, seeded_salts

HOSTILE = "<script>alert('x')</script> & | pipes"


def _hostile_case() -> Mediation:
    """A case whose party name and statements carry markup."""
    clock = ManualClock(datetime(2026, 4, 1, 9, tzinfo=timezone.utc), tick=timedelta(minutes=1))
    case = Mediation.open(
        "hostile-1",
        [Party("p1", "Ann <b>bold</b>"), Party("p2", "Bo")],
        Mediator("m", "Mia"),
        clock=clock,
        supervisors=["sup"],
    )
    case.disclose("m", "No relationship.", [])
    screen_all(case)
    case.consent("p1")
    case.consent("p2")
    case.advance("m")
    case.speak("p1", HOSTILE, 60)
    case.speak("p2", "Fine.", 60)
    return case


@pytest.fixture(scope="module")
def settled() -> Mediation:
    return workplace_dispute()


def test_contents_of_the_full_record(settled: Mediation) -> None:
    casefile = build_casefile(settled)
    assert casefile.reader is None and casefile.reader_role == "full"
    assert [p.name for p in casefile.parties] == ["Lin Wei", "Zhao Min"]
    assert casefile.mediators[0].name == "Chen Jie"
    assert casefile.mediators[0].relations == (("reports_to", "Lin Wei", "office secretary"),)
    assert casefile.parties[0].relations == (("manages", "Zhao Min", ""),)
    assert [m.dest for m in casefile.path][-1] == "closed"
    assert len(casefile.timeline) == settled.version
    assert [s.party for s in casefile.signatures] == ["Zhao Min", "Lin Wei"]
    assert casefile.agreement_text is not None and "weekly planning" in casefile.agreement_text
    assert casefile.agreement_by == "Lin Wei"
    assert {row.name for row in casefile.figures} == {"Lin Wei", "Zhao Min"}
    assert casefile.verified is None  # not from a store
    notes = [e for e in casefile.timeline if e.type == "caucus_note_recorded"]
    assert notes and notes[0].text == "I am close to resigning over this."


def _withheld_in_export(case: Mediation, reader: str) -> dict[int, tuple[str, ...]]:
    out = io.BytesIO()
    records = audit.record_events(case.case_id, case.events, salts=seeded_salts(0))
    audit.export_view(case, records, reader, out)
    withheld = {}
    for line in out.getvalue().splitlines()[1:-1]:
        record = json.loads(line)
        if "withheld" in record:
            withheld[record["seq"]] = tuple(record["withheld"])
    return withheld


@pytest.mark.parametrize("reader", ["lin", "zhao", "chen", "hr-lead"])
def test_redaction_is_exactly_that_of_export_for(settled: Mediation, reader: str) -> None:
    casefile = build_casefile(settled, reader=reader)
    shown = {e.seq: e.withheld for e in casefile.timeline if e.withheld}
    assert shown == _withheld_in_export(settled, reader)
    html = render_html(casefile)
    markdown = render_markdown(casefile)
    secret = "I am close to resigning over this."  # Zhao Min's caucus note
    if reader in ("zhao", "chen"):
        assert secret in html and secret in markdown
    else:
        assert secret not in html and secret not in markdown
    if reader == "hr-lead":  # a supervisor sees no spoken text by default
        for text in ("Since January I carry", "weekly planning meeting sets deadlines"):
            assert text not in html and text not in markdown
        assert casefile.agreement_withheld and "withheld from this reader" in html


def test_a_stranger_may_not_read() -> None:
    with pytest.raises(NotAuthorized, match="takes no part"):
        build_casefile(workplace_dispute(), reader="stranger")


def test_markup_in_a_partys_text_renders_as_text() -> None:
    case = _hostile_case()
    html = render_html(build_casefile(case))
    assert "<script" not in html.lower()
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;" in html
    assert "<b>bold</b>" not in html and "Ann &lt;b&gt;bold&lt;/b&gt;" in html
    markdown = render_markdown(build_casefile(case))
    assert "<script" not in markdown and "&lt;script&gt;" in markdown
    row = next(line for line in markdown.splitlines() if "&lt;script&gt;" in line)
    assert "\\|" in row and row.count(" | ") == 4  # a '|' in text does not break the table


def test_html_is_self_contained_and_printable(settled: Mediation) -> None:
    html = render_html(build_casefile(settled))
    assert "<style>" in html and "@media print" in html
    assert "<link" not in html and "<script" not in html and "@import" not in html
    # Nothing fetched: every URL is an SVG/XML namespace or an in-page anchor.
    urls = set(re.findall(r"""(?:src|href)\s*=\s*["']([^"']+)""", html))
    assert all(url.startswith("#") for url in urls), urls
    external = set(re.findall(r"https?://[^\s\"'<>)]+", html))
    assert external <= {"http://www.w3.org/2000/svg", "http://www.w3.org/1999/xlink"}, external


def test_charts_and_diagram_are_inline_svg(settled: Mediation) -> None:
    pytest.importorskip("matplotlib")
    html = render_html(build_casefile(settled))
    for key in ("airtime", "turns", "attention", "caucus"):
        assert f'id="chart-{key}"' in html
    assert html.count("<svg") >= 4


def test_without_matplotlib_the_file_says_what_to_install(
    settled: Mediation, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    html = render_html(build_casefile(settled))
    assert "pip install &#39;mediation[charts]&#39;" in html
    assert 'id="figures-table"' in html  # the figures are still there, as a table


def test_without_graphviz_the_path_is_a_list(
    settled: Mediation, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "graphviz", None)
    html = render_html(build_casefile(settled))
    assert "mediation[diagrams]" in html and '<p class="path">Intake → Listening' in html


def test_chinese(settled: Mediation) -> None:
    casefile = build_casefile(settled, reader="hr-lead")
    html = render_html(casefile, lang="zh")
    for text in ("案卷", "各方当事人与调解员", "时间线", "求同存异", "管理Zhao Min", "主管"):
        assert text in html, text
    assert 'lang="zh-Hans"' in html
    markdown = render_markdown(casefile, lang="zh")
    assert markdown.startswith("# 案卷：workload-2026-03")
    # Chinese labels take the full-width colon, never the English ": ".
    for rendered in (html, markdown):
        assert "：" in rendered
        assert re.search(r"[\u4e00-\u9fff]:\s", rendered) is None
    english = render_markdown(casefile, lang="en")
    assert english.startswith("# Case file: workload-2026-03")
    assert "**Disclosure:** " in english
    with pytest.raises(InvalidInput, match="unknown language"):
        render_html(casefile, lang="de")
    with pytest.raises(InvalidInput, match="html or md"):
        render(casefile, file_format="pdf")


def test_an_escalation_is_listed() -> None:
    casefile = build_casefile(non_mediable_case())
    assert casefile.escalations and casefile.escalations[0][1] == "hr"
    markdown = render_markdown(casefile)
    assert "**hr**: harassment allegation" in markdown
    assert casefile.outcome == "escalated"


def test_from_a_store_verifies_and_records_the_read(settled: Mediation) -> None:
    store = InMemoryStore()
    clock = ManualClock(datetime(2026, 5, 1, tzinfo=timezone.utc))
    repository = Repository(store, clock=clock)
    repository.save(settled, expected_version=0)
    casefile = casefile_from_store(repository, settled.case_id, reader="zhao")
    assert casefile.verified is True and len(casefile.verification) == 64
    assert [(r.reader, r.purpose) for r in repository.reads(settled.case_id)] == [
        ("zhao", "casefile")
    ]
    with pytest.raises(NotAuthorized):
        casefile_from_store(repository, settled.case_id, reader="stranger")
    assert len(repository.reads(settled.case_id)) == 1  # a refusal records nothing
    with pytest.raises(CaseNotFound):
        render_casefile(repository, "nope")
    text = render_casefile(repository, settled.case_id, file_format="md", lang="zh")
    assert "审计链：验证通过" in text


def test_write_casefile_writes_nothing_on_bad_input(settled: Mediation, tmp_path: Path) -> None:
    repository = Repository(
        InMemoryStore(), clock=ManualClock(datetime(2026, 5, 1, tzinfo=timezone.utc))
    )
    repository.save(settled, expected_version=0)
    target = tmp_path / "case.html"
    for arguments, error in (
        ({"lang": "fr"}, InvalidInput),
        ({"reader": "stranger"}, NotAuthorized),
        ({"file_format": "pdf"}, InvalidInput),
    ):
        with pytest.raises(error):
            write_casefile(repository, settled.case_id, target, **arguments)
    with pytest.raises(CaseNotFound):
        write_casefile(repository, "nope", target)
    with pytest.raises(InvalidInput, match="does not exist"):
        write_casefile(repository, settled.case_id, tmp_path / "missing" / "x.html")
    assert list(tmp_path.iterdir()) == []
    assert write_casefile(repository, settled.case_id, target).read_text(encoding="utf-8")


@pytest.fixture
def stored(tmp_path: Path, settled: Mediation) -> Path:
    path = tmp_path / "cases.sqlite"
    with SQLStore(str(path)) as store:
        Repository(store, clock=ManualClock(datetime(2026, 5, 1, tzinfo=timezone.utc))).save(
            settled, expected_version=0
        )
    return path


def test_cli_writes_the_case_file(stored: Path, tmp_path: Path) -> None:
    out = tmp_path / "zhao.md"
    result = CliRunner().invoke(
        cli,
        [
            "casefile",
            str(stored),
            "workload-2026-03",
            "--format",
            "md",
            "--for",
            "zhao",
            "--out",
            str(out),
        ],
    )
    assert result.exit_code == 0, result.output
    text = out.read_text(encoding="utf-8")
    assert text.startswith("# Case file: workload-2026-03")
    assert "Prepared for Zhao Min (party)" in text
    shown = CliRunner().invoke(cli, ["casefile", str(stored), "workload-2026-03", "--lang", "zh"])
    assert shown.exit_code == 0 and "<!DOCTYPE html>" in shown.output and "案卷" in shown.output


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["nope"], "no case 'nope'"),
        (["workload-2026-03", "--for", "stranger"], "'stranger' takes no part"),
        (["workload-2026-03", "--lang", "fr"], "unknown language 'fr'"),
        (["workload-2026-03", "--out", "missing/case.html"], "does not exist"),
    ],
)
def test_cli_bad_input_is_one_clean_line_and_writes_nothing(
    stored: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    arguments: list[str],
    message: str,
) -> None:
    monkeypatch.chdir(tmp_path)

    def listing() -> list[str]:  # SQLite's -wal/-shm companions are touched by any reader
        return sorted(p.name for p in tmp_path.iterdir() if not p.name.endswith(("-wal", "-shm")))

    before = listing()
    command = ["casefile", str(stored), *arguments]
    if "--out" not in arguments:
        command += ["--out", "case.html"]
    result = CliRunner().invoke(cli, command)
    usage = "--lang" in arguments or "--out" in arguments  # exit 2, after the usage line
    assert result.exit_code == (2 if usage else 1)
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert lines[-1].startswith("Error:") and message in lines[-1]
    assert usage or len(lines) == 1
    assert listing() == before


def test_findings_link_the_events_they_rest_on() -> None:
    from mediation import Policy, VoiceBalance

    clock = ManualClock(datetime(2026, 4, 1, 9, tzinfo=timezone.utc), tick=timedelta(minutes=1))
    case = Mediation.open(
        "voice-1",
        [Party("a", "Ann"), Party("b", "Bo")],
        Mediator("m", "Mia"),
        clock=clock,
        supervisors=["sup"],
        policy=Policy(voice_balance=VoiceBalance(mode="warn")),
    )
    case.disclose("m", "No relationship.", [])
    screen_all(case)
    case.consent("a")
    case.consent("b")
    case.advance("m")
    long = case.speak("a", "A long account.", 1000)
    short = case.speak("b", "Short.", 10)
    case.advance("m")
    casefile = build_casefile(case, reader="sup")
    assert casefile.findings and casefile.findings[0].check == "voice_balance"
    assert casefile.findings[0].evidence == (long.seq, short.seq)
    assert casefile.verdict != "even-handed"
    html = render_html(casefile)
    row = html[html.index('<tr class="finding">') :].split("</tr>", 1)[0]
    assert f'href="#event-{long.seq}"' in row and f'href="#event-{short.seq}"' in row
    assert f'id="event-{long.seq}"' in html  # the anchor exists in the timeline
    assert "A long account." not in html  # the supervisor sees the evidence, not the text


def test_chinese_shows_no_english_label(settled: Mediation) -> None:
    """Every word the case file itself writes is Chinese; names and what people wrote
    (the issue's title, the disclosure) are shown as recorded."""
    markdown = render_markdown(build_casefile(settled, reader="hr-lead"), lang="zh")
    recorded = ["Lin Wei", "Zhao Min", "Chen Jie", "hr-lead", "workload-2026-03", "UTC"]
    recorded += ["head of analytics", "analyst", "office secretary"]  # roles, a note
    written = [settled.state.issues["workload"].title]
    for event in settled.events:
        for field in ("statement", "text", "comment", "reason"):
            written.append(getattr(event, field, "") or settled.state.issues["workload"].title)
    leaks = []
    for line in markdown.splitlines():
        if any(text in line for text in written):
            continue
        for text in recorded:
            line = line.replace(text, "")
        leaks += re.findall(r"[A-Za-z]{3,}", line.replace("default", ""))
    assert not leaks
