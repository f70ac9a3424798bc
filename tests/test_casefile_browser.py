"""The HTML case file in a real browser: headless Chromium loads it from a file (no
network), the DOM holds what it should, and a screenshot is not blank.

Skips with a message when Chromium is not installed; with ``CI`` set it fails instead
(``.ci/run`` installs Debian's ``chromium``, ``graphviz`` and ``fonts-noto-cjk``).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from mediation import Mediation
from mediation.casefile import build_casefile, render_html
from mediation.demo import workplace_dispute

_BROWSERS = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--hide-scrollbars",
)


@pytest.fixture(scope="module")
def browser() -> str:
    for name in _BROWSERS:
        found = shutil.which(name)
        if found:
            return found
    if os.environ.get("CI"):
        pytest.fail("CI is set but Chromium is missing: .ci/run installs Debian's chromium")
    pytest.skip(
        "Chromium is not installed, so the case file is not checked in a browser "
        "(Debian: apt-get install chromium fonts-noto-cjk)"
    )


def _run(
    browser: str, profile: Path, *arguments: str, width: int = 1100
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [browser, *_FLAGS, f"--window-size={width},1600", f"--user-data-dir={profile}", *arguments],
        capture_output=True,
        text=True,
        timeout=180,
        check=True,
    )


@pytest.fixture(scope="module")
def case() -> Mediation:
    return workplace_dispute()


@pytest.fixture(scope="module")
def pages(tmp_path_factory: pytest.TempPathFactory, case: Mediation) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("casefile-browser")
    written = {}
    for name, reader, lang in (
        ("en", None, "en"),
        ("zh", "hr-lead", "zh"),
        ("zhao", "zhao", "en"),
        ("zh-full", None, "zh"),
    ):
        path = folder / f"{name}.html"
        path.write_text(render_html(build_casefile(case, reader=reader), lang=lang), "utf-8")
        written[name] = path
    return written


@pytest.mark.parametrize(
    ("page", "expected", "absent"),
    [
        (
            "en",
            [
                "Case file: workload-2026-03",
                "Parties and mediator",
                "Lin Wei",
                "Zhao Min",
                "reports to Lin Wei (office secretary)",
                "A weekly planning meeting sets deadlines",
                "I am close to resigning over this.",  # the full record has caucus notes
                'id="chart-airtime"',
                'id="diagram"',
                "Timeline",
            ],
            [],
        ),
        (
            "zh",
            ["案卷", "各方当事人与调解员", "求同存异", "时间线", "管理Zhao Min", "验证"],
            ["I am close to resigning", "Since January I carry"],
        ),
        (
            "zhao",
            ["Prepared for Zhao Min (party)", "I am close to resigning over this."],
            [],
        ),
    ],
)
def test_the_dom_holds_the_case_file(
    browser: str,
    pages: dict[str, Path],
    tmp_path: Path,
    page: str,
    expected: list[str],
    absent: list[str],
) -> None:
    done = _run(browser, tmp_path / "profile", "--dump-dom", pages[page].as_uri())
    dom = done.stdout
    assert "<main>" in dom, done.stderr[-2000:]
    for text in expected:
        assert text in dom, text
    for text in absent:
        assert text not in dom, text
    assert "<script" not in dom


def _pixels(path: Path) -> tuple[float, float]:
    """(standard deviation of the grey levels, share of pixels that are not white)."""
    image = pytest.importorskip("matplotlib.image").imread(str(path))
    grey = image[..., :3].mean(axis=2)
    return float(grey.std()), float((grey < 0.95).mean())


@pytest.mark.parametrize("page", ["en", "zh"])
def test_a_screenshot_is_not_blank(
    browser: str, pages: dict[str, Path], tmp_path: Path, page: str
) -> None:
    shot = tmp_path / f"{page}.png"
    _run(browser, tmp_path / "profile", f"--screenshot={shot}", pages[page].as_uri())
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    spread, inked = _pixels(shot)
    # A blank (all white) or failed page has no spread; the case file's text, tables and
    # charts ink a few percent of the first screen.
    assert spread > 0.05, spread
    assert 0.02 < inked < 0.9, inked


_LINE_PROBE = """<script>
const wrapped = [];
const cells = document.querySelectorAll(
  "#timeline thead th, #timeline tbody td:nth-child(3), #timeline tbody td:nth-child(4)");
for (const cell of cells) {
  const range = document.createRange();
  range.selectNodeContents(cell);
  const lines = new Set([...range.getClientRects()].map((r) => Math.round(r.top)));
  if (lines.size > 1) wrapped.push(cell.textContent.trim());
}
const out = document.createElement("pre");
out.id = "layout-probe";
out.textContent = "cells:" + cells.length + " wrapped:" + JSON.stringify(wrapped);
document.body.appendChild(out);
</script>"""


@pytest.mark.parametrize("width", [800, 1100])
@pytest.mark.parametrize("page", ["en", "zh", "zh-full"])
def test_timeline_names_and_stages_stay_on_one_line(
    browser: str, pages: dict[str, Path], tmp_path: Path, page: str, width: int
) -> None:
    # A narrow column once broke 陈洁 into 陈 / 洁 and 换位思考 over two lines.
    probed = tmp_path / f"{page}-probe.html"
    probed.write_text(
        pages[page].read_text("utf-8").replace("</body>", _LINE_PROBE + "</body>"), "utf-8"
    )
    dom = _run(browser, tmp_path / "profile", "--dump-dom", probed.as_uri(), width=width).stdout
    assert 'id="layout-probe"' in dom, dom[-2000:]
    probe = dom[dom.index('id="layout-probe"') :][:500]
    cells = re.search(r"cells:(\d+)", probe)
    assert cells is not None and int(cells[1]) > 20
    assert "wrapped:[]" in probe, probe
