"""Detection power: how often each check family catches its bias, and how often it
fires on fair mediations.

A check family is a detector. :func:`detection_power` simulates a scenario with a fair
mediator and with each registered bias (:mod:`mediation.simulation.biases`) on the same
disputes (common random numbers: the same seed), and counts, per family, the biased runs
in which the family fired (a finding recorded or a move refused) — its *detection rate*
— and the fair runs in which it fired — its *false-alarm rate*, each with a Wilson
interval. The targets the library sets itself are :data:`DETECTION_TARGET` and
:data:`FALSE_ALARM_TARGET`.

The runs use :data:`DETECTION_SETTINGS` on top of the scenario's strategy: the mediator
paraphrases and questions every statement in listening, in English or Chinese drawn per
case, so that the words and the attention of every mediator can be measured.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping, Sequence
from concurrent.futures import Executor
from pathlib import Path
from typing import TYPE_CHECKING, Any

import attrs

from mediation._catalogs import N_, fill
from mediation.charts import GroupRate, wilson_interval
from mediation.errors import InvalidInput
from mediation.i18n import check_language
from mediation.simulation.biases import BIASES, bias_named
from mediation.simulation.metrics import word_in
from mediation.simulation.runner import Progress, sweep
from mediation.simulation.scenarios import Scenario, load_scenario

if TYPE_CHECKING:
    from matplotlib.figure import Figure

__all__ = [
    "DETECTION_SETTINGS",
    "DETECTION_TARGET",
    "FALSE_ALARM_TARGET",
    "DetectionPower",
    "FamilyPower",
    "detection_power",
]

DETECTION_TARGET = 0.95
"""Each bias family is to be caught in at least this share of biased runs."""
FALSE_ALARM_TARGET = 0.01
"""Each check family is to fire in at most this share of fair runs."""

DETECTION_SETTINGS: Mapping[str, Any] = {
    "strategy.paraphrase": 1.0,
    "strategy.questions": 1.0,
    "strategy.language": "mixed",
}
"""Strategy settings of every detection run (fair and biased alike)."""


@attrs.frozen
class FamilyPower:
    """One bias family against the check family meant to catch it.

    Attributes:
        bias: The bias's name.
        check: The check family.
        strength: What the biased mediator does.
        detected: Biased runs in which ``check`` fired.
        runs: Biased runs.
        false_alarms: Fair runs in which ``check`` fired.
        fair_runs: Fair runs.
    """

    bias: str
    check: str
    strength: str
    detected: int
    runs: int
    false_alarms: int
    fair_runs: int

    @property
    def detection_rate(self) -> float:
        """``detected / runs``."""
        return self.detected / self.runs if self.runs else 0.0

    @property
    def false_alarm_rate(self) -> float:
        """``false_alarms / fair_runs``."""
        return self.false_alarms / self.fair_runs if self.fair_runs else 0.0

    def detection_interval(self, confidence: float = 0.95) -> tuple[float, float]:
        """Wilson interval of the detection rate."""
        return wilson_interval(self.detected, self.runs, confidence)

    def false_alarm_interval(self, confidence: float = 0.95) -> tuple[float, float]:
        """Wilson interval of the false-alarm rate."""
        return wilson_interval(self.false_alarms, self.fair_runs, confidence)

    @property
    def meets_targets(self) -> bool:
        """Whether both point estimates meet the targets."""
        return (
            self.detection_rate >= DETECTION_TARGET and self.false_alarm_rate <= FALSE_ALARM_TARGET
        )


def _percent(value: float) -> str:
    return f"{100 * value:.1f} %"


@attrs.frozen
class DetectionPower:
    """The measured detection power of the check families.

    Attributes:
        scenario: The scenario's name.
        n: Runs per mediator (fair, and each bias).
        seed: The run seed.
        families: One row per bias family, in registry order.
        fair_flags: Check family → fair runs in which it fired (every family that did).
    """

    scenario: str
    n: int
    seed: int
    families: tuple[FamilyPower, ...]
    fair_flags: Mapping[str, int] = attrs.field(hash=False)

    def rows(self, confidence: float = 0.95, lang: str = "en") -> list[dict[str, str]]:
        """The table as text cells: bias, check, detection and false alarms with their
        intervals, and whether the targets are met.

        Args:
            confidence: The intervals' confidence.
            lang: ``"en"`` or ``"zh"``: the check families by their labels, the verdict
                in words (bias names stay as they are).

        Returns:
            One dict per family, keys ``bias``, ``check``, ``detection``,
            ``false alarms``, ``targets``.
        """
        table = []
        for row in self.families:
            d_low, d_high = row.detection_interval(confidence)
            f_low, f_high = row.false_alarm_interval(confidence)
            table.append(
                {
                    "bias": row.bias,
                    "check": word_in(row.check, lang),
                    "detection": f"{row.detected}/{row.runs} = {_percent(row.detection_rate)} "
                    f"[{_percent(d_low)}, {_percent(d_high)}]",
                    "false alarms": f"{row.false_alarms}/{row.fair_runs} = "
                    f"{_percent(row.false_alarm_rate)} [{_percent(f_low)}, {_percent(f_high)}]",
                    "targets": fill(N_("met") if row.meets_targets else N_("short"), lang, {}),
                }
            )
        return table

    def headers(self, confidence: float = 0.95, lang: str = "en") -> tuple[str, ...]:
        """The table's column headings.

        Args:
            confidence: The intervals' confidence.
            lang: ``"en"`` or ``"zh"``.

        Returns:
            bias, check family, detection, false alarms on fair runs, targets.
        """
        level = f"{confidence:.0%}"
        return (
            fill(N_("bias"), lang, {}),
            fill(N_("check family"), lang, {}),
            fill(N_("detection ({level} Wilson)"), lang, {"level": level}),
            fill(N_("false alarms on fair runs ({level} Wilson)"), lang, {"level": level}),
            fill(N_("targets"), lang, {}),
        )

    def to_markdown(self, confidence: float = 0.95, lang: str = "en") -> str:
        """The table as Markdown (what the docs show).

        Args:
            confidence: The intervals' confidence.
            lang: ``"en"`` or ``"zh"``.

        Returns:
            The Markdown table.

        Raises:
            InvalidInput: an unknown language.
        """
        check_language(lang)
        lines = ["| " + " | ".join(self.headers(confidence, lang)) + " |", "|---|---|---|---|---|"]
        for row in self.rows(confidence, lang):
            check = f"`{row['check']}`" if lang == "en" else row["check"]
            lines.append(
                f"| `{row['bias']}` | {check} | {row['detection']} "
                f"| {row['false alarms']} | {row['targets']} |"
            )
        return "\n".join(lines) + "\n"

    def charts(self, confidence: float = 0.95, lang: str = "en") -> tuple[Figure, Figure]:
        """Two charts: detection rates per family with the target line, and false-alarm
        rates per family on fair runs with theirs (needs the ``charts`` extra).

        Args:
            confidence: The intervals' confidence.
            lang: ``"en"`` or ``"zh"``: titles, axis labels and check families.

        Returns:
            The detection chart and the false-alarm chart.

        Raises:
            MissingExtra: matplotlib is not installed.
        """
        from mediation.charts import rates_chart

        detection = rates_chart(
            [GroupRate(row.bias, row.detected, row.runs) for row in self.families],
            title=fill(
                N_("Detection rate per bias family ({scenario})"), lang, {"scenario": self.scenario}
            ),
            y_label=fill(N_("biased runs caught"), lang, {}),
            confidence=confidence,
            lang=lang,
            reference=DETECTION_TARGET,
            reference_label=fill(N_("target {level}"), lang, {"level": f"{DETECTION_TARGET:.0%}"}),
        )
        false_alarms = rates_chart(
            [
                GroupRate(word_in(row.check, lang), row.false_alarms, row.fair_runs)
                for row in self.families
            ],
            title=fill(
                N_("False alarms per check family on fair runs ({scenario})"),
                lang,
                {"scenario": self.scenario},
            ),
            y_label=fill(N_("fair runs flagged"), lang, {}),
            confidence=confidence,
            lang=lang,
            reference=FALSE_ALARM_TARGET,
            reference_label=fill(
                N_("target {level}"), lang, {"level": f"{FALSE_ALARM_TARGET:.0%}"}
            ),
        )
        return detection, false_alarms

    def write_charts(self, directory: str | os.PathLike[str], *, lang: str = "en") -> list[Path]:
        """Write ``detection.svg`` and ``false_alarms.svg`` into ``directory``.

        Args:
            directory: Where to write (created if missing).
            lang: ``"en"`` or ``"zh"``.

        Returns:
            The paths written.

        Raises:
            MissingExtra: matplotlib is not installed.
        """
        from mediation.charts import save_figure

        folder = Path(directory)
        folder.mkdir(parents=True, exist_ok=True)
        detection, false_alarms = self.charts(lang=lang)
        return [
            save_figure(detection, folder / "detection.svg"),
            save_figure(false_alarms, folder / "false_alarms.svg"),
        ]


def detection_power(
    scenario: Scenario | str | os.PathLike[str] = "two_colleagues",
    n: int = 200,
    seed: int = 0,
    biases: Iterable[str] | None = None,
    executor: Executor | None = None,
    *,
    workers: int | None = None,
    progress: Progress | None = None,
) -> DetectionPower:
    """Measure each check family's detection rate on its bias and false-alarm rate.

    Args:
        scenario: A scenario (object, TOML path or built-in name).
        n: Runs per mediator: ``n`` fair runs and ``n`` runs of each bias.
        seed: The run seed (the fair and biased runs face the same disputes).
        biases: Bias names to measure (default: every registered bias).
        executor: As for :func:`~mediation.simulation.run`.
        workers: As for :func:`~mediation.simulation.run`.
        progress: Called as ``progress(done, total)``.

    Returns:
        The :class:`DetectionPower` table.

    Raises:
        InvalidInput: an unknown bias, or as :func:`~mediation.simulation.run`.
    """
    chosen = scenario if isinstance(scenario, Scenario) else load_scenario(scenario)
    names: Sequence[str] = list(BIASES) if biases is None else list(biases)
    if not names:
        raise InvalidInput("detection power needs at least one bias")
    for name in names:
        if name == "":
            raise InvalidInput("the fair mediator is always run; name biases only")
        bias_named(name)
    base = chosen.with_values(dict(DETECTION_SETTINGS))
    result = sweep(
        base,
        {"strategy.bias_family": ["", *names]},
        n,
        seed,
        executor,
        workers=workers,
        progress=progress,
    )
    fair, *biased = result.points
    fair_flags: dict[str, int] = {}
    for record in fair.run.results:
        for check in record.flagged:
            fair_flags[check] = fair_flags.get(check, 0) + 1
    families = []
    for name, point in zip(names, biased, strict=True):
        bias = bias_named(name)
        detected = sum(1 for record in point.run.results if record.flagged.get(bias.check))
        families.append(
            FamilyPower(
                bias=name,
                check=bias.check,
                strength=bias.strength,
                detected=detected,
                runs=n,
                false_alarms=fair_flags.get(bias.check, 0),
                fair_runs=n,
            )
        )
    return DetectionPower(
        scenario=chosen.name,
        n=n,
        seed=seed,
        families=tuple(families),
        fair_flags=dict(sorted(fair_flags.items())),
    )
