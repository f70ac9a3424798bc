"""The ``mediation`` command line: demo and diagram (more commands join as they land).

This module is at the edge: it may print, configure logging for its own process, and
read the wall clock; the library's core does none of these.
"""

from __future__ import annotations

import logging

import click
import structlog
from rich.console import Console

from mediation.case import DEFAULT_PROCESS
from mediation.demo import non_mediable_case, workplace_dispute

__all__ = ["cli", "main"]


@click.group()
@click.version_option(package_name="mediation")
def cli() -> None:
    """Conflict mediation workflows: auditable, neutral by construction."""


@cli.command()
def demo() -> None:
    """Run a realistic workplace dispute end to end, then a mandatory escalation."""
    console = Console(highlight=False, soft_wrap=True)
    console.print("[bold]1. A workload dispute between a department head and an analyst[/bold]")
    case = workplace_dispute(console.print)
    console.print(f"   {case.version} events recorded; outcome: {case.outcome.value}\n")  # type: ignore[union-attr]
    console.print("[bold]2. Screening finds a non-mediable issue[/bold]")
    escalated = non_mediable_case(console.print)
    console.print(
        f"   {escalated.version} events recorded; outcome: {escalated.outcome.value}"  # type: ignore[union-attr]
    )


@cli.command()
def diagram() -> None:
    """Print the default process as a mermaid stateDiagram-v2."""
    click.echo(DEFAULT_PROCESS.mermaid())


def main() -> None:
    """Entry point of the ``mediation`` console script."""
    # A command-line program is an application: it may choose its own log output.
    structlog.configure(
        wrapper_class=structlog.make_filtering_bound_logger(logging.WARNING),
        cache_logger_on_first_use=True,
    )
    cli()
