"""Charts with matplotlib: rates with confidence intervals, grouped bars, sweep trends.

An optional extra: ``pip install 'mediation[charts]'``. Matplotlib is imported only when
a chart is drawn; without it every drawing function raises
:class:`~mediation.errors.MissingExtra`, which says what to install.

The statistics (:func:`wilson_interval`, :func:`mean_interval`, :class:`Estimate`,
:class:`GroupRate`) need nothing beyond the standard library, so callers can compute and
report intervals whether or not charts can be drawn.

Figures are built through matplotlib's object interface (:class:`matplotlib.figure.Figure`),
never ``pyplot``: no global figure registry, no global style change. Settings (fonts,
SVG text as text) are applied through :func:`matplotlib.rc_context` around each drawing.

The three chart kinds:

- :func:`rates_chart` — one rate per group (a settlement rate per policy, a finding rate
  per party or per mediator) with its Wilson interval as an error bar; the chart a
  fairness audit across groups uses;
- :func:`bars_chart` — grouped bars: several figures per category (per-party airtime,
  turns, attention, caucus time);
- :func:`trend_chart` — quantities across the points of a sweep, each with an interval
  band.
"""

from __future__ import annotations

import functools
import io
import math
import os
import re
import warnings
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from statistics import NormalDist
from typing import TYPE_CHECKING, Any

import attrs

from mediation._catalogs import N_, Phrase, fill
from mediation.errors import InvalidInput, MissingExtra
from mediation.stats import wilson_interval

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

__all__ = [
    "INSTALL_HINT",
    "Estimate",
    "GroupRate",
    "bars_chart",
    "figure_svg",
    "mean_interval",
    "rates_chart",
    "save_figure",
    "trend_chart",
    "wilson_interval",
]

INSTALL_HINT = "pip install 'mediation[charts]'"
"""What to run when matplotlib is missing."""

PALETTE = ("#1f6f8b", "#c8553d", "#588b5b", "#7d5ba6", "#d8a031", "#5c6b73")
"""Colours of the series, in order (distinguishable in print and for most colour vision)."""

_CJK_FONTS = ("Noto Sans CJK SC", "Noto Sans CJK JP", "Noto Sans SC", "WenQuanYi Zen Hei")
"""Fonts for Chinese text, the first one installed is used (Debian: ``fonts-noto-cjk``)."""


# -- statistics (standard library only) ---------------------------------------------------


def _z(confidence: float) -> float:
    if not 0.0 < confidence < 1.0:
        raise InvalidInput(f"confidence must be between 0 and 1; got {confidence!r}")
    return NormalDist().inv_cdf(0.5 + confidence / 2)


def mean_interval(values: Sequence[float], confidence: float = 0.95) -> Estimate:
    """The mean of ``values`` with a normal-approximation interval (mean ± z·s/√n).

    Fit for means of counts over many simulated mediations; with one value the interval
    is unknown (``None``).

    >>> estimate = mean_interval([1, 2, 3, 4])
    >>> estimate.value, round(estimate.low or 0, 3), round(estimate.high or 0, 3)
    (2.5, 1.235, 3.765)

    Args:
        values: The observations.
        confidence: Coverage, e.g. 0.95.

    Returns:
        The estimate.

    Raises:
        InvalidInput: no values, or a confidence outside (0, 1).
    """
    if not values:
        raise InvalidInput("a mean needs at least one value")
    z = _z(confidence)
    n = len(values)
    mean = math.fsum(values) / n
    if n == 1:
        return Estimate(mean)
    variance = math.fsum((v - mean) ** 2 for v in values) / (n - 1)
    half = z * math.sqrt(variance / n)
    return Estimate(mean, mean - half, mean + half)


@attrs.frozen
class Estimate:
    """A value with an optional interval around it.

    Attributes:
        value: The point estimate.
        low: Lower end of the interval (``None`` when unknown).
        high: Upper end of the interval (``None`` when unknown).
    """

    value: float
    low: float | None = None
    high: float | None = None


@attrs.frozen
class GroupRate:
    """A rate observed in one group: ``successes`` out of ``n``.

    Attributes:
        group: The group's label (a policy, a mediator, a party's role ...).
        successes: How many times the event happened.
        n: Out of how many.
    """

    group: str
    successes: int
    n: int

    def __attrs_post_init__(self) -> None:
        if self.n < 0 or self.successes < 0 or self.successes > self.n:
            raise InvalidInput(
                f"group {self.group!r}: need 0 <= successes <= n; got {self.successes} of {self.n}"
            )

    @property
    def rate(self) -> float:
        """``successes / n`` (0 when ``n`` is 0)."""
        return self.successes / self.n if self.n else 0.0

    def estimate(self, confidence: float = 0.95) -> Estimate:
        """The rate with its Wilson interval."""
        low, high = wilson_interval(self.successes, self.n, confidence)
        return Estimate(self.rate, low, high)


# -- drawing --------------------------------------------------------------------------------


def _require_matplotlib() -> None:
    try:
        import matplotlib  # noqa: F401
    except ImportError as error:
        raise MissingExtra(
            "charts",
            Phrase(N_("charts need matplotlib, which is not installed: {hint}"), hint=INSTALL_HINT),
        ) from error


@functools.cache
def _font_families() -> tuple[str, ...]:
    from matplotlib import font_manager

    installed = {font.name for font in font_manager.fontManager.ttflist}
    return ("DejaVu Sans", *[name for name in _CJK_FONTS if name in installed][:1])


@contextmanager
def _style() -> Iterator[None]:
    import matplotlib

    with matplotlib.rc_context(
        {
            # A list of families (not the "sans-serif" alias, which resolves to one font)
            # lets matplotlib fall back per glyph: Latin from DejaVu, Chinese from Noto.
            "font.family": _font_families(),
            "font.size": 10,
            "axes.spines.top": False,
            "axes.spines.right": False,
            "axes.grid": True,
            "axes.grid.axis": "y",
            "grid.color": "#dddddd",
            "axes.axisbelow": True,
            "svg.fonttype": "none",
            "figure.dpi": 100,
        }
    ):
        yield


def _new_figure(width: float, height: float) -> tuple[Figure, Axes]:
    from matplotlib.figure import Figure

    figure = Figure(figsize=(width, height), layout="constrained")
    return figure, figure.add_subplot()


def _nice_top(axes: Axes, top: float, *, integer: bool) -> None:
    """Put the y axis from 0 to the first round tick strictly above ``top``."""
    from matplotlib.ticker import MaxNLocator

    # With integer counts a small range still gets integer ticks (0, 1, 2), not 0.25 steps.
    locator = MaxNLocator(
        nbins=6, steps=[1, 2, 2.5, 5, 10], integer=integer, min_n_ticks=2 if integer else 3
    )
    upper = top if top > 0 else 1.0
    ticks = [float(t) for t in locator.tick_values(0.0, upper)]
    while ticks[-1] <= upper:
        ticks.append(ticks[-1] + (ticks[-1] - ticks[-2]))
    axes.yaxis.set_major_locator(locator)
    axes.set_ylim(0.0, ticks[-1])


def _percent_axis(axes: Axes) -> None:
    from matplotlib.ticker import MultipleLocator, PercentFormatter

    axes.set_ylim(0.0, 1.0)
    axes.yaxis.set_major_locator(MultipleLocator(0.2))
    axes.yaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))


def _rotate_if_long(axes: Axes, labels: Sequence[str]) -> None:
    if sum(len(label) for label in labels) > 60:
        for tick in axes.get_xticklabels():
            tick.set_rotation(25)
            tick.set_horizontalalignment("right")


def rates_chart(
    rates: Sequence[GroupRate],
    *,
    title: str,
    y_label: str,
    confidence: float = 0.95,
    reference: float | None = None,
    reference_label: str = "",
    lang: str = "en",
) -> Figure:
    """One rate per group as a point with its Wilson interval as an error bar.

    The y axis is a percentage from 0 to 100 %. Each group's label carries its ``n``.

    Args:
        rates: The groups' rates, drawn in this order.
        title: Chart title.
        y_label: Label of the y axis.
        confidence: Coverage of the intervals.
        reference: A rate to draw as a dashed horizontal line (e.g. the overall rate).
        reference_label: Legend text for the reference line.
        lang: Language of the interval's legend (``"en"``, ``"zh"``; checked by the
            caller).

    Returns:
        The figure (save it with :func:`save_figure` or :func:`figure_svg`).

    Raises:
        InvalidInput: no groups, or a confidence outside (0, 1).
        MissingExtra: matplotlib is not installed.
    """
    if not rates:
        raise InvalidInput("a rates chart needs at least one group")
    estimates = [rate.estimate(confidence) for rate in rates]
    _require_matplotlib()
    with _style():
        figure, axes = _new_figure(max(4.0, 1.1 * len(rates) + 2.0), 3.4)
        positions = list(range(len(rates)))
        values = [e.value for e in estimates]
        below = [e.value - (e.low if e.low is not None else e.value) for e in estimates]
        above = [(e.high if e.high is not None else e.value) - e.value for e in estimates]
        axes.errorbar(
            positions,
            values,
            yerr=[below, above],
            fmt="o",
            color=PALETTE[0],
            ecolor=PALETTE[0],
            elinewidth=1.5,
            capsize=5,
            markersize=7,
            label=fill(N_("{level} interval (Wilson)"), lang, {"level": f"{confidence:.0%}"}),
        )
        if reference is not None:
            axes.axhline(
                reference, color=PALETTE[1], linestyle="--", linewidth=1, label=reference_label
            )
        labels = [f"{rate.group}\nn={rate.n}" for rate in rates]
        axes.set_xticks(positions, labels)
        axes.set_xlim(-0.6, len(rates) - 0.4)
        _rotate_if_long(axes, labels)
        _percent_axis(axes)
        axes.set_ylabel(y_label)
        axes.set_title(title)
        axes.legend(loc="best", frameon=False, fontsize=8)
    return figure


def bars_chart(
    categories: Sequence[str],
    series: Mapping[str, Sequence[float]],
    *,
    title: str,
    y_label: str,
    integer: bool = False,
) -> Figure:
    """Grouped bars: one group of bars per category, one bar per series.

    Args:
        categories: The x categories (e.g. the parties' names).
        series: Series name → one value per category.
        title: Chart title.
        y_label: Label of the y axis.
        integer: Whether the values are counts (integer ticks).

    Returns:
        The figure.

    Raises:
        InvalidInput: no categories or series, or a series of the wrong length.
        MissingExtra: matplotlib is not installed.
    """
    if not categories or not series:
        raise InvalidInput("a bar chart needs at least one category and one series")
    for name, values in series.items():
        if len(values) != len(categories):
            raise InvalidInput(
                f"series {name!r} has {len(values)} values for {len(categories)} categories"
            )
    _require_matplotlib()
    with _style():
        figure, axes = _new_figure(max(3.6, 0.9 * len(categories) * len(series) + 1.8), 3.0)
        width = 0.8 / len(series)
        top = 0.0
        for number, (name, values) in enumerate(series.items()):
            offset = (number - (len(series) - 1) / 2) * width
            positions = [index + offset for index in range(len(categories))]
            bars = axes.bar(
                positions, list(values), width * 0.92, label=name, color=PALETTE[number % 6]
            )
            axes.bar_label(bars, fmt="%g", fontsize=8, padding=2)
            top = max([top, *values])
        axes.set_xticks(list(range(len(categories))), list(categories))
        _rotate_if_long(axes, categories)
        _nice_top(axes, top * 1.08, integer=integer)
        axes.set_ylabel(y_label)
        axes.set_title(title)
        if len(series) > 1:
            axes.legend(loc="best", frameon=False, fontsize=8)
    return figure


def trend_chart(
    labels: Sequence[str],
    series: Mapping[str, Sequence[Estimate | None]],
    *,
    title: str,
    y_label: str,
    rate: bool = False,
    x_label: str = "",
) -> Figure:
    """Quantities across ordered points (a sweep): a line per series, its interval as
    a shaded band. A missing estimate (``None``) leaves a gap.

    Args:
        labels: One label per point.
        series: Series name → one estimate per point.
        title: Chart title.
        y_label: Label of the y axis.
        rate: Whether the values are rates (y axis 0-100 %).
        x_label: Label of the x axis.

    Returns:
        The figure.

    Raises:
        InvalidInput: no points, or a series of the wrong length.
        MissingExtra: matplotlib is not installed.
    """
    if not labels:
        raise InvalidInput("a trend chart needs at least one point")
    for name, values in series.items():
        if len(values) != len(labels):
            raise InvalidInput(f"series {name!r} has {len(values)} values for {len(labels)} points")
    _require_matplotlib()
    with _style():
        figure, axes = _new_figure(max(5.0, 0.9 * len(labels) + 3.0), 3.4)
        positions = list(range(len(labels)))
        top = 0.0
        for number, (name, estimates) in enumerate(series.items()):
            colour = PALETTE[number % len(PALETTE)]
            points = [math.nan if e is None else e.value for e in estimates]
            lows = [math.nan if e is None or e.low is None else e.low for e in estimates]
            highs = [math.nan if e is None or e.high is None else e.high for e in estimates]
            axes.plot(positions, points, marker="o", color=colour, label=name, linewidth=1.8)
            axes.fill_between(positions, lows, highs, color=colour, alpha=0.18, linewidth=0)
            present = [v for v in (*points, *highs) if not math.isnan(v)]
            top = max([top, *present])
        axes.set_xticks(positions, list(labels))
        axes.set_xlim(-0.3, len(labels) - 0.7)
        _rotate_if_long(axes, labels)
        if rate:
            _percent_axis(axes)
        else:
            _nice_top(axes, top * 1.05, integer=False)
        axes.set_ylabel(y_label)
        if x_label:
            axes.set_xlabel(x_label)
        axes.set_title(title)
        axes.legend(loc="best", frameon=False, fontsize=8)
    return figure


_SVG_START = re.compile(rb"<svg\b")


def figure_svg(figure: Figure, *, id_prefix: str = "chart") -> str:
    """The figure as an SVG element to inline in HTML (no XML declaration or doctype).

    Text stays text (the viewer's fonts draw it, so names in any script show), and the
    element ids start with ``id_prefix`` so several charts can share one page.

    Args:
        figure: A figure from this module.
        id_prefix: Distinct per chart on a page.

    Returns:
        The ``<svg>`` element.

    Raises:
        MissingExtra: matplotlib is not installed.
    """
    _require_matplotlib()
    buffer = io.BytesIO()
    with _style():
        import matplotlib

        with (
            matplotlib.rc_context({"svg.hashsalt": id_prefix}),
            warnings.catch_warnings(),
        ):
            # Text stays text in the SVG and the viewer's fonts draw it: a glyph missing
            # from matplotlib's fonts only affects its size estimate.
            warnings.filterwarnings("ignore", message="Glyph .* missing from font")
            figure.savefig(buffer, format="svg", metadata={"Date": None})
    data = buffer.getvalue()
    match = _SVG_START.search(data)
    start = match.start() if match else 0
    text = data[start:].decode("utf-8")
    # The RDF metadata names outside vocabularies by URL; a page that inlines the chart
    # has no use for it.
    text = re.sub(r"<metadata>.*?</metadata>\s*", "", text, flags=re.S)
    # matplotlib's ids are hashes salted with id_prefix; prefix them to keep them apart
    # from any other chart's even when the hashes would coincide.
    text = re.sub(r'id="([^"]+)"', lambda m: f'id="{id_prefix}-{m.group(1)}"', text)
    text = re.sub(r"url\(#([^)]+)\)", lambda m: f"url(#{id_prefix}-{m.group(1)})", text)
    return re.sub(r'href="#([^"]+)"', lambda m: f'href="#{id_prefix}-{m.group(1)}"', text)


def save_figure(figure: Figure, path: str | os.PathLike[str], **options: Any) -> Path:
    """Save the figure; the format follows the file's suffix (``.svg``, ``.png``, ``.pdf``).

    Args:
        figure: A figure from this module.
        path: Where to write; its directory must exist.
        **options: Passed to :meth:`matplotlib.figure.Figure.savefig` (e.g. ``dpi``).

    Returns:
        The path written.

    Raises:
        MissingExtra: matplotlib is not installed.
    """
    _require_matplotlib()
    target = Path(path)
    with _style():
        metadata = {"Date": None} if target.suffix == ".svg" else None
        figure.savefig(target, metadata=metadata, **options)
    return target
