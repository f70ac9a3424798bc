"""Plots of a sweep as plain SVG files (no plotting library needed).

:func:`line_chart` draws one chart as SVG text; :func:`write_sweep_plots` writes the
settlement rate and the fairness measures across a sweep's points.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from html import escape
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from mediation.simulation.runner import SweepResult

__all__ = ["line_chart", "write_sweep_plots"]

_COLOURS = ("#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b")
_WIDTH, _HEIGHT = 720, 420
_LEFT, _RIGHT, _TOP, _BOTTOM = 70, 180, 50, 110


def line_chart(
    title: str,
    labels: Sequence[str],
    series: Mapping[str, Sequence[float | None]],
    y_label: str = "",
    y_max: float | None = None,
) -> str:
    """One line chart as SVG text: a line (with markers) per series over the labels.

    Missing values (None) leave a gap. The y axis starts at 0 and ends at ``y_max``
    (default: the largest value, at least 1e-9).

    Args:
        title: Chart title.
        labels: One label per x position.
        series: Series name → one value per label.
        y_label: Label of the y axis.
        y_max: Top of the y axis.

    Returns:
        A complete SVG document.

    Raises:
        ValueError: no labels, or a series whose length differs from the labels'.
    """
    if not labels:
        raise ValueError("a chart needs at least one x label")
    for name, values in series.items():
        if len(values) != len(labels):
            raise ValueError(f"series {name!r} has {len(values)} values for {len(labels)} labels")
    present = [v for values in series.values() for v in values if v is not None]
    top = y_max if y_max is not None else max([*present, 1e-9])
    plot_w = _WIDTH - _LEFT - _RIGHT
    plot_h = _HEIGHT - _TOP - _BOTTOM
    step = plot_w / max(len(labels) - 1, 1)

    def x(position: int) -> float:
        return _LEFT + (position * step if len(labels) > 1 else plot_w / 2)

    def y(value: float) -> float:
        return _TOP + plot_h - plot_h * (value / top if top else 0.0)

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{_WIDTH}" height="{_HEIGHT}" '
        f'viewBox="0 0 {_WIDTH} {_HEIGHT}" font-family="sans-serif" font-size="12">',
        f'<rect width="{_WIDTH}" height="{_HEIGHT}" fill="white"/>',
        f'<text x="{_WIDTH / 2:.1f}" y="24" text-anchor="middle" font-size="15">'
        f"{escape(title)}</text>",
    ]
    for tick in range(6):
        value = top * tick / 5
        parts.append(
            f'<line x1="{_LEFT}" y1="{y(value):.1f}" x2="{_LEFT + plot_w}" y2="{y(value):.1f}" '
            'stroke="#dddddd"/>'
        )
        parts.append(
            f'<text x="{_LEFT - 6}" y="{y(value) + 4:.1f}" text-anchor="end">{value:.2f}</text>'
        )
    parts.append(
        f'<text x="16" y="{_TOP + plot_h / 2:.1f}" text-anchor="middle" '
        f'transform="rotate(-90 16 {_TOP + plot_h / 2:.1f})">{escape(y_label)}</text>'
    )
    for position, label in enumerate(labels):
        parts.append(
            f'<text x="{x(position):.1f}" y="{_TOP + plot_h + 16}" text-anchor="end" '
            f'transform="rotate(-30 {x(position):.1f} {_TOP + plot_h + 16})">'
            f"{escape(label)}</text>"
        )
    for number, (name, values) in enumerate(series.items()):
        colour = _COLOURS[number % len(_COLOURS)]
        runs: list[list[str]] = [[]]
        for position, point in enumerate(values):
            if point is None:
                runs.append([])
                continue
            runs[-1].append(f"{x(position):.1f},{y(point):.1f}")
            parts.append(
                f'<circle cx="{x(position):.1f}" cy="{y(point):.1f}" r="3.5" fill="{colour}">'
                f"<title>{escape(name)}: {point:.4f}</title></circle>"
            )
        for run in runs:
            if len(run) > 1:
                parts.append(
                    f'<polyline points="{" ".join(run)}" fill="none" stroke="{colour}" '
                    'stroke-width="2"/>'
                )
        legend_y = _TOP + 18 * number
        parts.append(
            f'<rect x="{_WIDTH - _RIGHT + 16}" y="{legend_y}" width="12" height="12" '
            f'fill="{colour}"/>'
        )
        parts.append(f'<text x="{_WIDTH - _RIGHT + 34}" y="{legend_y + 10}">{escape(name)}</text>')
    parts.append(
        f'<line x1="{_LEFT}" y1="{_TOP + plot_h}" x2="{_LEFT + plot_w}" y2="{_TOP + plot_h}" '
        'stroke="black"/>'
    )
    parts.append(
        f'<line x1="{_LEFT}" y1="{_TOP}" x2="{_LEFT}" y2="{_TOP + plot_h}" stroke="black"/>'
    )
    parts.append("</svg>")
    return "\n".join(parts) + "\n"


def write_sweep_plots(sweep: SweepResult, directory: str | os.PathLike[str]) -> list[Path]:
    """Write ``settlement_rate.svg`` and ``fairness.svg`` for a sweep.

    Args:
        sweep: The sweep's results.
        directory: Where to write (created if missing).

    Returns:
        The paths written.
    """
    folder = Path(directory)
    folder.mkdir(parents=True, exist_ok=True)
    labels = [point.label() for point in sweep.points]
    summaries = [point.run.summary for point in sweep.points]
    rate = folder / "settlement_rate.svg"
    rate.write_text(
        line_chart(
            "Settlement rate across the sweep",
            labels,
            {"settlement rate": [s.settlement_rate for s in summaries]},
            y_label="share settled",
            y_max=1.0,
        ),
        encoding="utf-8",
    )
    fairness = folder / "fairness.svg"
    fairness.write_text(
        line_chart(
            "Fairness of settlements across the sweep",
            labels,
            {
                "equitability gap": [s.mean_equitability_gap for s in summaries],
                "envy": [s.mean_envy for s in summaries],
                "distance from Nash": [s.mean_nash_distance for s in summaries],
            },
            y_label="mean (lower is fairer)",
        ),
        encoding="utf-8",
    )
    return [rate, fairness]
