"""The ``mediation simulate`` command (registered on the ``mediation`` group in cli.py).

At the edge like the rest of the CLI: it prints, shows a progress bar and writes files.
"""

from __future__ import annotations

import itertools
import json
import sys
from pathlib import Path
from typing import Any

import attrs
import click
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from mediation._catalogs import join_list
from mediation._cli_support import LANG_OPTION, check_output_path, checked_language, failure
from mediation.errors import InvalidInput, MissingExtra
from mediation.i18n import translator
from mediation.simulation import (
    DetectionPower,
    RunResult,
    Summary,
    SweepResult,
    detection_power,
    load_scenario,
    run,
    sweep,
)
from mediation.simulation.metrics import word_in

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on Python 3.10 only
    import tomli as tomllib

__all__ = ["simulate"]


def _grid_entry(text: str) -> tuple[str, list[Any]]:
    """``path=v1,v2`` → ``(path, [v1, v2])``; values are TOML values, or plain words."""
    path, sep, values = text.partition("=")
    if not sep or not path.strip() or not values.strip():
        raise click.BadParameter(
            f"expected PATH=VALUE[,VALUE...]; got {text!r}", param_hint="--sweep"
        )
    parsed: list[Any] = []
    for raw in values.split(","):
        item = raw.strip()
        try:
            parsed.append(tomllib.loads(f"v = {item}")["v"])
        except tomllib.TOMLDecodeError:
            parsed.append(item)
    return path.strip(), parsed


def _summary_table(title: str, summary: Summary, lang: str) -> Table:
    _ = translator(lang).gettext
    table = Table(title=title, show_header=True, header_style="bold")
    table.add_column(_("measure"))
    table.add_column(_("value"), overflow="fold")
    for measure, value in summary.rows(lang):
        table.add_row(measure, value)
    return table


def _write(result: RunResult | SweepResult, out: Path) -> None:
    if out.suffix.lower() in (".jsonl", ".ndjson"):
        result.write_jsonl(out)
    else:
        result.write_csv(out)


@click.command()
@click.argument("scenario", metavar="SCENARIO")
@click.option(
    "-n",
    "n",
    type=click.IntRange(min=1),
    default=1000,
    show_default=True,
    help="Mediations to simulate (per sweep point).",
)
@click.option(
    "--workers",
    type=click.IntRange(min=1),
    default=1,
    show_default=True,
    help="Worker processes (1: run in this process).",
)
@click.option(
    "--seed",
    type=int,
    default=0,
    show_default=True,
    help="Run seed: the same seed gives the same results.",
)
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Write one row per mediation: .csv, or .jsonl for JSON Lines.",
)
@click.option(
    "--summary-json",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Write the summary (or one per sweep point) as JSON.",
)
@click.option(
    "--sweep",
    "sweeps",
    multiple=True,
    metavar="PATH=V1,V2",
    help="Sweep a setting, e.g. policy.voice_balance.max_ratio=2,3,4 (repeatable).",
)
@click.option(
    "--detection",
    is_flag=True,
    default=False,
    help="Measure detection power: N fair runs and N runs of each registered bias; per "
    "check family the detection and false-alarm rates with Wilson intervals.",
)
@click.option(
    "--plots",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="With --sweep: write outcomes.svg, neutrality.svg and fairness.svg here "
    "(needs the charts extra).",
)
@LANG_OPTION
def simulate(
    scenario: str,
    n: int,
    workers: int,
    seed: int,
    out: Path | None,
    summary_json: Path | None,
    sweeps: tuple[str, ...],
    plots: Path | None,
    detection: bool,
    lang: str,
) -> None:
    """Simulate mediations of SCENARIO (a TOML file or a built-in scenario name)."""
    lang = checked_language(lang)
    _ = translator(lang).gettext
    check_output_path(out, "'--out'", lang)
    check_output_path(summary_json, "'--summary-json'", lang)
    console = Console(highlight=False, soft_wrap=True)
    if detection:
        if sweeps or out is not None:
            raise click.UsageError(_("--detection takes no --sweep and no --out"))
        _detection(console, scenario, n, seed, workers, summary_json, plots, lang)
        return
    try:
        chosen = load_scenario(scenario)
        grid = dict(_grid_entry(entry) for entry in sweeps)
        if plots is not None and not grid:
            raise click.UsageError(_("--plots needs at least one --sweep or --detection"))
        # Every point is validated before the progress bar takes the terminal.
        for combo in itertools.product(*grid.values()):
            chosen.with_values(dict(zip(grid, combo, strict=True)))
        with Progress(
            TextColumn("[bold]{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=Console(stderr=True),
            transient=True,
        ) as bar:
            total = n * max(1, _points(grid))
            task = bar.add_task(_("simulating {name}").format(name=chosen.name), total=total)

            def progress(done: int, _total: int) -> None:
                bar.update(task, completed=done)

            if grid:
                result: RunResult | SweepResult = sweep(
                    chosen, grid, n, seed, workers=workers, progress=progress
                )
            else:
                result = run(chosen, n, seed, workers=workers, progress=progress)
    except InvalidInput as error:
        raise failure(error, lang) from None
    wrote = _("wrote {path}")
    if isinstance(result, SweepResult):
        summaries = [
            {"params": dict(point.params), "summary": point.run.summary.to_dict()}
            for point in result.points
        ]
        for point in result.points:
            title = f"{chosen.name}: {point.label()}"
            console.print(_summary_table(title, point.run.summary, lang))
    else:
        summaries = [{"params": {}, "summary": result.summary.to_dict()}]
        title = f"{chosen.name} (n={n}, seed={seed})"
        console.print(_summary_table(title, result.summary, lang))
    if out is not None:
        _write(result, out)
        console.print(wrote.format(path=out))
    if summary_json is not None:
        summary_json.write_text(json.dumps(summaries, indent=2) + "\n", encoding="utf-8")
        console.print(wrote.format(path=summary_json))
    if plots is not None and isinstance(result, SweepResult):
        from mediation.simulation.plots import write_sweep_plots

        try:
            written = write_sweep_plots(result, plots, lang=lang)
        except MissingExtra as error:
            raise click.ClickException(error.message_in(lang)) from None
        for path in written:
            console.print(wrote.format(path=path))


def _detection_table(power: DetectionPower, lang: str) -> Table:
    _ = translator(lang).gettext
    title = _("Detection power: {scenario} (n={n} per mediator, seed={seed})")
    table = Table(
        title=title.format(scenario=power.scenario, n=power.n, seed=power.seed),
        show_header=True,
        header_style="bold",
    )
    bias, family, detection, _fair, _targets = power.headers(lang=lang)
    for column in (bias, family, detection, _("false alarms (fair)"), ""):
        table.add_column(column, overflow="fold")
    for row in power.rows(lang=lang):
        table.add_row(
            row["bias"], row["check"], row["detection"], row["false alarms"], row["targets"]
        )
    return table


def _detection(
    console: Console,
    scenario: str,
    n: int,
    seed: int,
    workers: int,
    summary_json: Path | None,
    plots: Path | None,
    lang: str,
) -> None:
    _ = translator(lang).gettext
    wrote = _("wrote {path}")
    try:
        chosen = load_scenario(scenario)
        with Progress(
            TextColumn("[bold]{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=Console(stderr=True),
            transient=True,
        ) as bar:
            task = bar.add_task(_("detection power on {name}").format(name=chosen.name), total=None)

            def progress(done: int, total: int) -> None:
                bar.update(task, completed=done, total=total)

            power = detection_power(chosen, n, seed, workers=workers, progress=progress)
    except InvalidInput as error:
        raise click.ClickException(error.message_in(lang)) from None
    console.print(_detection_table(power, lang))
    others = {
        check: count
        for check, count in power.fair_flags.items()
        if check not in {row.check for row in power.families}
    }
    if others:
        firing = join_list(
            (f"{word_in(check, lang)} {count}/{n}" for check, count in others.items()), lang
        )
        console.print(_("other families firing on fair runs: {families}").format(families=firing))
    if summary_json is not None:
        data = {
            "scenario": power.scenario,
            "n": power.n,
            "seed": power.seed,
            "families": [attrs.asdict(row) for row in power.families],
            "fair_flags": dict(power.fair_flags),
        }
        summary_json.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
        console.print(wrote.format(path=summary_json))
    if plots is not None:
        try:
            for path in power.write_charts(plots, lang=lang):
                console.print(wrote.format(path=path))
        except MissingExtra as error:
            raise click.ClickException(error.message_in(lang)) from None


def _points(grid: dict[str, list[Any]]) -> int:
    count = 1
    for values in grid.values():
        count *= len(values)
    return count if grid else 0
