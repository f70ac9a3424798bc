"""Every script in examples/ runs to the end."""

from __future__ import annotations

import runpy
from pathlib import Path

import pytest

EXAMPLES = sorted((Path(__file__).parent.parent / "examples").glob("*.py"))


@pytest.mark.parametrize("script", EXAMPLES, ids=[path.name for path in EXAMPLES])
def test_example_runs(script: Path, capsys: pytest.CaptureFixture[str]) -> None:
    runpy.run_path(str(script), run_name="__main__")
    assert capsys.readouterr().out.strip()


def test_hr_case_example_settles(capsys: pytest.CaptureFixture[str]) -> None:
    runpy.run_path(str(EXAMPLES[0].parent / "hr_case.py"), run_name="__main__")
    out = capsys.readouterr().out
    assert "Ben consents: refused: the mediator must disclose before anyone can consent" in out
    assert "Move to compromise: refused: Ben O. is managed by another party" in out
    assert "Move to compromise: done" in out
    assert "Close: done" in out
    assert "now at Closed" in out
