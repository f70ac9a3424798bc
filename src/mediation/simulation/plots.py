"""Charts of a sweep: what moves from one point to the next, with its uncertainty.

Drawn with :mod:`mediation.charts` (matplotlib, the optional extra ``charts``). The runner
returns results and knows nothing of plots; a caller (the ``mediation simulate --plots``
command, a notebook) draws them from a :class:`~mediation.simulation.runner.SweepResult`.

:func:`sweep_figures` gives the figures; :func:`write_sweep_plots` writes them:

- ``outcomes``: settlement and escalation rates per point, each with its Wilson interval;
- ``neutrality``: refused moves (blocks) and recorded findings per mediation, with
  95 % intervals of the mean;
- ``fairness``: equitability gap, envy and distance from the Nash point over settled
  mediations, with 95 % intervals of the mean.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from mediation.charts import Estimate, GroupRate, mean_interval, save_figure, trend_chart
from mediation.errors import InvalidInput
from mediation.i18n import N_, check_language, translator
from mediation.simulation.metrics import MediationResult
from mediation.simulation.runner import SweepResult

if TYPE_CHECKING:
    from matplotlib.figure import Figure

__all__ = ["SWEEP_PLOTS", "sweep_figures", "sweep_series", "write_sweep_plots"]

SWEEP_PLOTS = ("outcomes", "neutrality", "fairness")
"""The names of the charts of a sweep, in order (file names without suffix)."""


def _mean(values: Sequence[float]) -> Estimate | None:
    return mean_interval(values) if values else None


def _rate(results: Sequence[MediationResult], hit: int) -> Estimate:
    return GroupRate("", hit, len(results)).estimate()


def sweep_series(sweep: SweepResult) -> dict[str, dict[str, list[Estimate | None]]]:
    """The estimates drawn by :func:`sweep_figures`, per chart and series, one per point.

    Needs no plotting library: use it for tables or your own charts.

    Args:
        sweep: The sweep's results.

    Returns:
        Chart name → series name (in English) → one estimate (with its interval) per
        sweep point.
    """
    charts: dict[str, dict[str, list[Estimate | None]]] = {
        "outcomes": {N_("settled"): [], N_("escalated"): []},
        "neutrality": {N_("blocked moves"): [], N_("findings recorded"): []},
        "fairness": {N_("equitability gap"): [], N_("envy"): [], N_("distance from Nash"): []},
    }
    for point in sweep.points:
        results = point.run.results
        outcomes = charts["outcomes"]
        outcomes["settled"].append(_rate(results, sum(r.settled for r in results)))
        outcomes["escalated"].append(_rate(results, sum(bool(r.escalation) for r in results)))
        neutrality = charts["neutrality"]
        neutrality["blocked moves"].append(_mean([sum(r.blocks.values()) for r in results]))
        neutrality["findings recorded"].append(_mean([sum(r.findings.values()) for r in results]))
        fairness = charts["fairness"]
        fairness["equitability gap"].append(
            _mean([r.equitability_gap for r in results if r.equitability_gap is not None])
        )
        fairness["envy"].append(_mean([r.envy for r in results if r.envy is not None]))
        fairness["distance from Nash"].append(
            _mean([r.nash_distance for r in results if r.nash_distance is not None])
        )
    return charts


def sweep_figures(sweep: SweepResult, *, lang: str = "en") -> dict[str, Figure]:
    """The charts of a sweep (see the module's description), by name.

    Args:
        sweep: The sweep's results.
        lang: Language of the titles and labels (``"en"`` or ``"zh"``).

    Returns:
        ``{"outcomes": ..., "neutrality": ..., "fairness": ...}``.

    Raises:
        InvalidInput: the sweep has no points, or an unknown language.
        MissingExtra: matplotlib is not installed (``pip install 'mediation[charts]'``).
    """
    if not sweep.points:
        raise InvalidInput("the sweep has no points to plot")
    check_language(lang)
    _ = translator(lang).gettext
    labels = [point.label() for point in sweep.points]
    series = {
        chart: {_(name): values for name, values in named.items()}
        for chart, named in sweep_series(sweep).items()
    }
    n = sorted({point.run.n for point in sweep.points})
    per_point = _("n={n} per point").format(n=n[0]) if len(n) == 1 else _("n varies per point")
    return {
        "outcomes": trend_chart(
            labels,
            series["outcomes"],
            title=_("Outcomes across the sweep ({per_point}; 95 % Wilson intervals)").format(
                per_point=per_point
            ),
            y_label=_("share of mediations"),
            rate=True,
        ),
        "neutrality": trend_chart(
            labels,
            series["neutrality"],
            title=_("Neutrality checks across the sweep ({per_point}; 95 % intervals)").format(
                per_point=per_point
            ),
            y_label=_("per mediation (mean)"),
        ),
        "fairness": trend_chart(
            labels,
            series["fairness"],
            title=_("Fairness of settlements (lower is fairer; 95 % intervals)"),
            y_label=_("mean over settled mediations"),
        ),
    }


def write_sweep_plots(
    sweep: SweepResult,
    directory: str | os.PathLike[str],
    *,
    image_format: str = "svg",
    lang: str = "en",
) -> list[Path]:
    """Write ``outcomes``, ``neutrality`` and ``fairness`` charts of a sweep.

    Args:
        sweep: The sweep's results.
        directory: Where to write (created if missing).
        image_format: ``"svg"``, ``"png"`` or ``"pdf"``.
        lang: Language of the titles and labels (``"en"`` or ``"zh"``).

    Returns:
        The paths written.

    Raises:
        InvalidInput: an unknown format or language, or a sweep without points.
        MissingExtra: matplotlib is not installed (``pip install 'mediation[charts]'``).
    """
    if image_format not in ("svg", "png", "pdf"):
        raise InvalidInput(f"image format must be svg, png or pdf; got {image_format!r}")
    figures = sweep_figures(sweep, lang=lang)
    folder = Path(directory)
    folder.mkdir(parents=True, exist_ok=True)
    return [
        save_figure(figure, folder / f"{name}.{image_format}") for name, figure in figures.items()
    ]
