"""The ``mediation fairness`` command (registered on the ``mediation`` group in cli.py).

At the edge: it opens a store, shows a progress bar on stderr, prints the plain-words
summary and writes the HTML and JSON reports. Both reports are rendered in full before
either file is written, and each is written to a temporary file then moved into place,
so a failure leaves nothing behind.
"""

from __future__ import annotations

import os
import tempfile
import time
from pathlib import Path

import click
from rich.console import Console
from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from sqlalchemy.exc import SQLAlchemyError

from mediation._cli_support import LANG_OPTION, check_output_path, checked_language, failure
from mediation.errors import InvalidInput, MediationError, SchemaVersionError, StoreUnavailable
from mediation.fairness import (
    DEFAULT_DIMENSIONS,
    FairnessAudit,
    audit_store,
    load_attributes,
    render_html,
    to_json,
)
from mediation.i18n import translator

__all__ = ["fairness"]


def _write_atomically(path: Path, text: str) -> None:
    directory = path.parent if str(path.parent) else Path(".")
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=directory)
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="\n") as stream:
            stream.write(text)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _one_line(error: BaseException) -> str:
    return " ".join(str(error).split())


@click.command()
@click.argument("store")
@click.option(
    "--by",
    default=",".join(DEFAULT_DIMENSIONS),
    show_default=True,
    help="Dimensions to group by, comma-separated: role, position, relation, mediator, or "
    "an attribute from --groups (a mediator's: mediator.NAME).",
)
@click.option(
    "--groups",
    "groups_file",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="CSV file of person id -> attributes (a header row with 'id' and attribute names).",
)
@click.option(
    "--missing-as-group",
    is_flag=True,
    help="Put people missing from --groups in a group '(unknown)' instead of stopping.",
)
@click.option(
    "--min-people",
    type=click.IntRange(min=1),
    default=5,
    show_default=True,
    help="Suppress groups with fewer distinct people.",
)
@click.option(
    "--alpha",
    type=click.FloatRange(min=0, max=1, min_open=True, max_open=True),
    default=0.05,
    show_default=True,
    help="False discovery rate (Benjamini-Hochberg) across the comparisons shown.",
)
@click.option("--seed", type=int, default=0, show_default=True, help="Seed of the permutations.")
@click.option(
    "--html",
    "html_out",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Write a self-contained HTML report here.",
)
@click.option(
    "--json",
    "json_out",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Write the report as JSON here.",
)
@click.option("--no-charts", is_flag=True, help="Leave the charts out of the HTML report.")
@click.option(
    "--batch-size",
    type=click.IntRange(min=1),
    default=500,
    show_default=True,
    help="Rows read from the database per round trip.",
)
@LANG_OPTION
def fairness(
    store: str,
    by: str,
    groups_file: Path | None,
    missing_as_group: bool,
    min_people: int,
    alpha: float,
    seed: int,
    html_out: Path | None,
    json_out: Path | None,
    no_charts: bool,
    batch_size: int,
    lang: str,
) -> None:
    """Audit every case in STORE (a SQLite file or a database URL) for systematic
    differences between groups, with intervals, exact or permutation tests and
    false-discovery control. Prints what is and is not significant."""
    from mediation.store.sql import SQLStore

    lang = checked_language(lang)
    _ = translator(lang).gettext
    dimensions = [part.strip() for part in by.split(",") if part.strip()]
    try:
        attributes = load_attributes(groups_file) if groups_file is not None else None
        options = {
            "attributes": attributes,
            "min_people": min_people,
            "missing": "group" if missing_as_group else "error",
            "alpha": alpha,
        }
        FairnessAudit(dimensions, **options)  # type: ignore[arg-type]  # checks before opening
    except MediationError as error:
        raise click.ClickException(failure(error, lang).message) from None
    check_output_path(html_out, "'--html'", lang)
    check_output_path(json_out, "'--json'", lang)
    began = time.perf_counter()
    try:
        with (
            SQLStore(store, read_only=True) as opened,
            Progress(
                SpinnerColumn(),
                BarColumn(),
                TextColumn(
                    _("[bold]auditing[/bold] {cases} cases, {events} events").format(
                        cases="{task.fields[cases]}", events="{task.fields[events]}"
                    )
                ),
                TimeElapsedColumn(),
                console=Console(stderr=True),
                transient=True,
            ) as bar,
        ):
            task = bar.add_task("audit", total=None, cases=0, events=0)

            def progress(cases: int, events: int) -> None:
                if cases % 200 == 0:
                    bar.update(task, cases=cases, events=events)

            report = audit_store(
                opened,
                dimensions,
                batch_size=batch_size,
                progress=progress,
                seed=seed,
                **options,  # type: ignore[arg-type]
            )
        texts: list[tuple[Path, str]] = []
        if json_out is not None:
            texts.append((json_out, to_json(report)))
        if html_out is not None:
            texts.append((html_out, render_html(report, charts=not no_charts, lang=lang)))
    except (StoreUnavailable, SchemaVersionError, InvalidInput) as error:
        raise failure(error, lang) from None
    except MediationError as error:
        raise click.ClickException(f"{store}: {failure(error, lang).message}") from None
    except SQLAlchemyError as error:
        raise click.ClickException(f"{store}: {_one_line(error)}") from None
    elapsed = time.perf_counter() - began
    for line in report.summary(lang):
        click.echo(line)
    read = _("({events} events read in {seconds:.1f} s)")
    click.echo(read.format(events=report.events, seconds=elapsed), err=True)
    for path, text in texts:
        _write_atomically(path, text)
        click.echo(_("wrote {path}").format(path=path), err=True)
