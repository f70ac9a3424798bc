"""Tests of mediation.charts: intervals, ticks, and SVG that can be inlined."""

from __future__ import annotations

import itertools
import math
import sys
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mediation.charts import (
    Estimate,
    GroupRate,
    bars_chart,
    figure_svg,
    mean_interval,
    rates_chart,
    save_figure,
    trend_chart,
    wilson_interval,
)
from mediation.errors import InvalidInput, MissingExtra


@given(st.integers(0, 500), st.integers(1, 500))
def test_wilson_interval_holds_the_rate_and_stays_in_0_1(successes: int, n: int) -> None:
    successes = min(successes, n)
    low, high = wilson_interval(successes, n)
    assert 0.0 <= low <= successes / n <= high <= 1.0


def test_wilson_interval_known_values_and_narrowing() -> None:
    # 8 of 10 at 95 %: the textbook Wilson interval is (0.490, 0.943).
    low, high = wilson_interval(8, 10)
    assert (round(low, 3), round(high, 3)) == (0.49, 0.943)
    wide = wilson_interval(80, 100)
    assert wide[1] - wide[0] < high - low
    assert wilson_interval(0, 0) == (0.0, 1.0)
    assert wilson_interval(0, 10)[0] == 0.0 and wilson_interval(10, 10)[1] == 1.0
    with pytest.raises(InvalidInput):
        wilson_interval(3, 2)
    with pytest.raises(InvalidInput):
        wilson_interval(1, 2, confidence=1.0)


def test_mean_interval() -> None:
    estimate = mean_interval([2.0, 4.0, 6.0])
    assert estimate.value == 4.0
    assert estimate.low is not None and estimate.high is not None
    # s = 2, n = 3: half-width 1.96 * 2 / sqrt(3)
    assert math.isclose(estimate.high - 4.0, 1.959964 * 2 / math.sqrt(3), rel_tol=1e-5)
    assert mean_interval([5.0]) == Estimate(5.0)
    with pytest.raises(InvalidInput):
        mean_interval([])


def test_group_rate_refuses_impossible_counts() -> None:
    with pytest.raises(InvalidInput, match="group 'x'"):
        GroupRate("x", 5, 4)
    assert GroupRate("x", 0, 0).rate == 0.0


def _ticks(svg: str) -> list[str]:
    """The y tick labels matplotlib wrote (text elements inside the ytick groups)."""
    import re

    return re.findall(r'<g id="[^"]*ytick_\d+">.*?<text[^>]*>([^<]*)</text>', svg, re.S)


def test_bars_chart_has_round_ticks_above_the_data() -> None:
    figure = bars_chart(["Ann", "李雷"], {"seconds": [120.0, 95.0]}, title="t", y_label="s")
    axes = figure.axes[0]
    top = axes.get_ylim()[1]
    assert top > 120.0  # the top tick is above the data, not equal to it
    ticks = [t for t in axes.get_yticks() if t <= top]
    steps = {round(b - a, 9) for a, b in itertools.pairwise(ticks)}
    assert len(steps) == 1
    (step,) = steps
    mantissa = step / 10 ** math.floor(math.log10(step))
    assert round(mantissa, 6) in (1.0, 2.0, 2.5, 5.0)


def test_rates_chart_draws_wilson_error_bars_on_a_percent_axis() -> None:
    rates = [GroupRate("fair", 80, 100), GroupRate("biased", 5, 20)]
    figure = rates_chart(rates, title="Settled", y_label="rate", reference=0.6)
    axes = figure.axes[0]
    assert axes.get_ylim() == (0.0, 1.0)
    labels = [t.get_text() for t in axes.get_xticklabels()]
    assert labels == ["fair\nn=100", "biased\nn=20"]
    # The error bar segments span exactly the Wilson intervals.
    (_, _, (bars,)) = axes.containers[0]
    spans = [tuple(round(y, 6) for y in segment[:, 1]) for segment in bars.get_segments()]
    expected = [tuple(round(v, 6) for v in wilson_interval(r.successes, r.n)) for r in rates]
    assert spans == expected
    with pytest.raises(InvalidInput):
        rates_chart([], title="t", y_label="y")


def test_trend_chart_bands_and_gaps() -> None:
    figure = trend_chart(
        ["a", "b", "c"],
        {"blocks": [mean_interval([8, 9, 10]), None, mean_interval([1, 2, 3])]},
        title="t",
        y_label="y",
    )
    axes = figure.axes[0]
    (line,) = axes.get_lines()
    import numpy as np

    assert np.isnan(np.asarray(line.get_ydata(), dtype=float)[1])
    assert len(axes.collections) == 1  # the interval band
    with pytest.raises(InvalidInput):
        trend_chart(["a"], {"x": []}, title="t", y_label="y")


def test_svg_is_inlinable_escaped_and_keeps_ids_apart() -> None:
    figure = bars_chart(["<script>alert(1)</script>"], {"s": [1.0]}, title="t", y_label="y")
    first = figure_svg(figure, id_prefix="one")
    second = figure_svg(figure, id_prefix="two")
    assert first.startswith("<svg") and "<?xml" not in first
    assert "<script>" not in first and "&lt;script&gt;" in first
    import re

    ids_one = set(re.findall(r'id="([^"]+)"', first))
    ids_two = set(re.findall(r'id="([^"]+)"', second))
    assert ids_one and not ids_one & ids_two
    assert all(i.startswith("one-") for i in ids_one)


def test_save_figure_png(tmp_path: Path) -> None:
    path = save_figure(bars_chart(["a"], {"s": [1.0]}, title="t", y_label="y"), tmp_path / "x.png")
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_missing_matplotlib_names_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    with pytest.raises(MissingExtra, match=r"pip install 'mediation\[charts\]'") as caught:
        bars_chart(["a"], {"s": [1.0]}, title="t", y_label="y")
    assert caught.value.extra == "charts"
    assert isinstance(caught.value, ImportError)
    assert caught.value.code == "missing_extra"
    assert caught.value.message_in("zh").startswith(
        "图表需要 matplotlib，但它尚未安装：pip install"
    )
