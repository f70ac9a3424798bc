"""Tests of mediation.diagram: mermaid and DOT text, and pictures drawn by Graphviz."""

from __future__ import annotations

import os
import shutil
import sys

import pytest

from mediation.diagram import Move, dot, mermaid, moves, render
from mediation.errors import InvalidInput, MissingExtra
from mediation.process import DEFAULT_DEFINITION

_REQUIRED = bool(os.environ.get("CI"))


def _need_dot() -> None:
    if shutil.which("dot") is None:
        if _REQUIRED:
            pytest.fail(
                "CI is set but Graphviz's dot program is missing (apt-get install graphviz)"
            )
        pytest.skip("Graphviz's dot program is not installed (Debian: apt-get install graphviz)")


def test_mermaid_has_no_active_stage_and_lists_running_guards_once() -> None:
    text = mermaid(DEFAULT_DEFINITION)
    assert "stateDiagram-v2" in text
    assert "active" not in text and "red" not in text
    # The guards every forward move needs are named once (in the note), not per edge.
    assert text.count("no caucus in progress") == 1
    assert text.count("every party consented after the latest disclosure") == 1
    # Each transition names only its own guard.
    assert "intake --> listening: advance [the mediator disclosed relationships]" in text
    assert "listening --> perspective_swap: advance [every party heard]" in text
    assert "agreement --> closed: settle | settle partially [every party signed]" in text
    assert "cooling_off --> compromise: resume\n" in text
    assert "paused_from" not in text


def test_mermaid_in_chinese() -> None:
    text = mermaid(DEFAULT_DEFINITION, lang="zh")
    assert 'state "倾听" as listening' in text
    assert "listening --> perspective_swap: 推进 [各方均已陈述]" in text
    assert "advance" not in text
    with pytest.raises(InvalidInput, match="unknown language 'fr'"):
        mermaid(DEFAULT_DEFINITION, lang="fr")


def test_a_path_is_highlighted() -> None:
    path = [Move("intake", "listening", "advance"), Move("listening", "escalated", "escalate")]
    text = mermaid(DEFAULT_DEFINITION, path=path)
    assert "class intake visited" in text and "class listening visited" in text
    assert "class escalated current" in text
    assert "class compromise" not in text
    source = dot(DEFAULT_DEFINITION, path=path)
    assert 'escalated [label="Escalated", fillcolor="#f3f3f3", fillcolor="#1f6f8b"' in source
    # The escalate move taken is drawn in the highlight colour, from the box of stages.
    assert any("ltail=cluster_active" in line and "#c8553d" in line for line in source.splitlines())
    # Only the moves made are highlighted: settling does not light the impasse edge.
    settled = dot(
        DEFAULT_DEFINITION,
        path=[Move("intake", "listening", "advance"), Move("listening", "closed", "terminate")],
    )
    closing = [line for line in settled.splitlines() if "-> closed [ltail" in line]
    assert len(closing) == 1 and "#c8553d" in closing[0]
    resumed = [line for line in settled.splitlines() if "cooling_off -> " in line]
    assert resumed and not any("#c8553d" in line for line in resumed)
    with pytest.raises(InvalidInput, match="lacks"):
        dot(DEFAULT_DEFINITION, path=[Move("intake", "nowhere", "advance")])


def test_moves_from_events() -> None:
    from mediation.demo import workplace_dispute

    case = workplace_dispute(lambda _line: None)
    found = moves(case.events)
    assert found[0] == Move("intake", "listening", "advance")
    assert found[-1].dest == "closed"


def test_dot_quotes_labels() -> None:
    source = dot(DEFAULT_DEFINITION, title='say "hi" \\ there')
    assert 'label="say \\"hi\\" \\\\ there"' in source


def test_render_svg_and_png() -> None:
    _need_dot()
    svg = render(DEFAULT_DEFINITION, "svg", lang="zh").decode("utf-8")
    assert "<svg" in svg and "倾听" in svg and "求同存异" in svg
    png = render(DEFAULT_DEFINITION, "png")
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    with pytest.raises(InvalidInput):
        render(DEFAULT_DEFINITION, "gif")  # type: ignore[arg-type]


def test_render_without_the_package_names_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "graphviz", None)
    with pytest.raises(MissingExtra, match=r"mediation\[diagrams\]") as caught:
        render(DEFAULT_DEFINITION, "svg")
    assert caught.value.extra == "diagrams"
    assert caught.value.message_in("zh").startswith("绘制图形需要 graphviz 软件包：")
    assert MissingExtra("diagrams", "a host's words").message_in("zh") == "a host's words"


def test_render_without_dot_names_graphviz(monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("graphviz")
    monkeypatch.setenv("PATH", "/nonexistent")
    with pytest.raises(MissingExtra, match="apt-get install graphviz"):
        render(DEFAULT_DEFINITION, "png")
