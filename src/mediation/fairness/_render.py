"""The audit's outputs: JSON for machines, a self-contained HTML page for people.

The HTML page comes from a Jinja2 template shipped with the package
(``mediation/templates/fairness.html.j2``) with autoescaping on; charts — each group's
rate or mean with its interval, per dimension — are drawn with matplotlib when it is
installed (``pip install 'mediation[charts]'``) and embedded as inline SVG through
:func:`mediation.charts.figure_svg` (text kept as text, ids distinct per chart). Without
matplotlib the page says so and shows the same figures in its tables.
"""

from __future__ import annotations

import json
import math
from typing import TYPE_CHECKING, Any

import attrs

from mediation._catalogs import N_, Phrase, fill
from mediation.charts import INSTALL_HINT
from mediation.errors import MissingExtra
from mediation.fairness._audit import (
    METRICS,
    FairnessReport,
    GroupFigure,
    Metric,
    dimension_label,
    group_text,
    test_name,
)
from mediation.i18n import check_language, translator

if TYPE_CHECKING:
    from matplotlib.figure import Figure

__all__ = ["charts_available", "dimension_figure", "render_html", "to_json"]


def to_json(report: FairnessReport) -> str:
    """The report as a JSON document (see :meth:`FairnessReport.to_dict`).

    Args:
        report: The audit's report.

    Returns:
        Indented JSON text, ending with a newline; NaN and infinities written as null.
    """
    return json.dumps(report.to_dict(), indent=2, ensure_ascii=False, allow_nan=False) + "\n"


def charts_available() -> bool:
    """Whether matplotlib can be imported (charts in the HTML page)."""
    try:
        import matplotlib  # noqa: F401
    except ImportError:
        return False
    return True


def _format(metric: Metric, value: float | None) -> str:
    if value is None or not math.isfinite(value):
        return "–"
    if metric.kind == "rate" or metric.name.endswith("_share"):
        return f"{100 * value:.1f}%"
    return f"{value:.3g}"


def _chart(report: FairnessReport, dimension: str, number: int, lang: str) -> str:
    """The dimension's figure as inline SVG (``""`` when it has nothing to show)."""
    from mediation.charts import figure_svg

    figure = dimension_figure(report, dimension, lang=lang)
    return "" if figure is None else figure_svg(figure, id_prefix=f"fairness-{number}")


def dimension_figure(report: FairnessReport, dimension: str, *, lang: str = "en") -> Figure | None:
    """One matplotlib figure for a dimension: a panel per metric, each shown group's
    value with its interval, everyone's value as a dashed line.

    Args:
        report: The audit's report.
        dimension: One of ``report.dimensions``.
        lang: The language of the titles and group names (``"en"``, ``"zh"``).

    Returns:
        The figure, or None when no group of the dimension has a figure to show.

    Raises:
        MissingExtra: matplotlib is not installed.
    """
    from mediation.charts import PALETTE

    try:
        from matplotlib import rc_context
        from matplotlib.figure import Figure
    except ImportError as error:
        raise MissingExtra(
            "charts", Phrase(N_("charts need matplotlib: {hint}"), hint=INSTALL_HINT)
        ) from error

    by_metric: dict[str, list[GroupFigure]] = {}
    for figure in report.groups:
        if figure.dimension == dimension and not figure.suppressed and figure.value is not None:
            by_metric.setdefault(figure.metric, []).append(figure)
    metrics = [m for m in METRICS if m.name in by_metric]
    if not metrics:
        return None
    overall = {f.metric: f.value for f in report.overall}
    groups = sorted({f.group for figures in by_metric.values() for f in figures})
    columns = 2
    rows = math.ceil(len(metrics) / columns)
    height = max(1.6, 0.32 * len(groups) + 0.9)
    with rc_context({"font.size": 8}):
        chart = Figure(figsize=(9, height * rows + 0.3))
        axes = chart.subplots(rows, columns, squeeze=False)
        longest = max(len(group_text(group, lang)) for group in groups)
        chart.subplots_adjust(
            left=min(0.3, 0.04 + 0.0085 * longest),
            right=0.98,
            top=1 - 0.25 / (height * rows + 0.3),
            bottom=0.35 / (height * rows + 0.3),
            wspace=0.25 + min(0.3, 0.012 * longest),
            hspace=0.9 / height,
        )
        for index, metric in enumerate(metrics):
            ax = axes[index // columns][index % columns]
            figures = {f.group: f for f in by_metric[metric.name]}
            ys = list(range(len(groups)))
            scale = 100.0 if metric.kind == "rate" or metric.name.endswith("_share") else 1.0
            for y, group in zip(ys, groups, strict=True):
                shown = figures.get(group)
                if shown is None or shown.value is None:
                    continue
                value = shown.value * scale
                low = shown.low * scale if shown.low is not None else value
                high = shown.high * scale if shown.high is not None else value
                low = value if not math.isfinite(low) else low
                high = value if not math.isfinite(high) else high
                ax.errorbar(
                    [value],
                    [y],
                    xerr=[[value - low], [high - value]],
                    fmt="o",
                    color=PALETTE[0],
                    ecolor=PALETTE[0],
                    capsize=3,
                )
            everyone = overall.get(metric.name)
            if everyone is not None:
                ax.axvline(everyone * scale, color="#888888", linestyle="--", linewidth=0.8)
            ax.set_yticks(ys, [group_text(group, lang) for group in groups])
            ax.set_ylim(-0.6, len(groups) - 0.4)
            ax.invert_yaxis()
            unit = " (%)" if scale == 100.0 else ""
            ax.set_title(fill(metric.label, lang, {}) + unit, fontsize=8)
            ax.grid(axis="x", color="#dddddd", linewidth=0.5)
        for index in range(len(metrics), rows * columns):
            axes[index // columns][index % columns].set_visible(False)
    return chart


def _table_rows(report: FairnessReport, lang: str) -> list[dict[str, Any]]:
    metrics = {m.name: m for m in METRICS}
    rows = []
    for figure in (*report.overall, *report.groups):
        metric = metrics[figure.metric]
        if figure.dimension == "" and figure.n == 0:
            continue
        rows.append(
            {
                "dimension": group_text(figure.dimension or "everyone", lang),
                "group": group_text(figure.group, lang),
                "metric": fill(metric.label, lang, {}),
                "n": figure.n,
                "value": _format(metric, figure.value),
                "interval": (
                    f"{_format(metric, figure.low)} – {_format(metric, figure.high)}"
                    if figure.value is not None
                    else ""
                ),
                "suppressed": figure.suppressed,
            }
        )
    return rows


def render_html(report: FairnessReport, *, charts: bool = True, lang: str = "en") -> str:
    """The report as one self-contained HTML page (no external files or scripts).

    Args:
        report: The audit's report.
        charts: Draw charts (needs matplotlib; without it the page says how to get them).
        lang: The page's language, ``"en"`` or ``"zh"``: every heading, sentence,
            metric and built-in group name; ids and a host's own attributes as they are.

    Returns:
        The HTML text.

    Raises:
        InvalidInput: an unknown language.
    """
    import jinja2
    import markupsafe

    check_language(lang)
    translations = translator(lang)
    _ = translations.gettext
    environment = jinja2.Environment(
        loader=jinja2.PackageLoader("mediation", "templates"),
        autoescape=True,
        extensions=["jinja2.ext.i18n"],
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    environment.install_gettext_translations(translations, newstyle=True)  # type: ignore[attr-defined]
    template = environment.get_template("fairness.html.j2")
    metrics = {m.name: m for m in METRICS}
    drawn: list[tuple[str, Any]] = []
    note = ""
    if charts and charts_available():
        for number, dimension in enumerate(report.dimensions):
            svg = _chart(report, dimension, number, lang)
            if svg:
                drawn.append((group_text(dimension, lang), markupsafe.Markup(svg)))
    elif charts:
        note = _("Charts need matplotlib: {hint}. The tables below hold every figure.").format(
            hint=INSTALL_HINT
        )
    comparisons = [
        {
            **attrs.asdict(c),
            "label": fill(metrics[c.metric].label, lang, {}),
            "dimension_text": group_text(c.dimension, lang),
            "group_text": group_text(c.group, lang),
            "versus_group": group_text(c.versus, lang) if c.versus != "rest" else _("rest"),
            "test_text": test_name(c.test, lang),
            "value_text": _format(metrics[c.metric], c.value),
            "versus_text": _format(metrics[c.metric], c.value_versus),
            "difference_text": (
                fill(
                    N_("{difference:+.1f} pts ({low:+.1f} to {high:+.1f})"),
                    lang,
                    {"difference": 100 * c.difference, "low": 100 * c.low, "high": 100 * c.high},
                )
                if metrics[c.metric].kind == "rate" or c.metric.endswith("_share")
                else fill(
                    N_("{difference:+.3g} ({low:+.3g} to {high:+.3g})"),
                    lang,
                    {"difference": c.difference, "low": c.low, "high": c.high},
                )
            ),
        }
        for c in report.comparisons
    ]
    dimensions = [
        (group_text(name, lang), dimension_label(name, lang) if lang != "en" else label)
        for name, label in report.dimensions.items()
    ]
    seed_note = _(report.seed_note) if report.seed_note == _CALLERS_STREAM else report.seed_note
    return template.render(
        lang=lang,
        report=report,
        summary=report.summary(lang),
        rows=_table_rows(report, lang),
        comparisons=comparisons,
        dimensions=dimensions,
        charts=drawn,
        chart_note=note,
        seed_note=seed_note,
        suppressed=_("suppressed (n<{least})").format(least=report.min_people),
        confidence=f"{100 * report.confidence:.0f}%",
    )


_CALLERS_STREAM = N_("caller's random stream")
