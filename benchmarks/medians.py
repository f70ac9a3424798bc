"""Median and spread of each figure over several ``make bench`` outputs, as Markdown.

Usage: ``python benchmarks/medians.py RUN1.out RUN2.out RUN3.out ...``, each file holding
what ``make bench`` (or ``benchmarks/run.py``) printed; the last line that is a JSON object
is read from each. Prints one table row per figure: its median, its lowest and highest
value and how many runs gave it.
"""

from __future__ import annotations

import json
import statistics
import sys
from pathlib import Path
from typing import Any


def last_json(path: Path) -> dict[str, Any]:
    """The last line of ``path`` that parses as a JSON object.

    Args:
        path: A file of benchmark output.

    Returns:
        The figures.

    Raises:
        ValueError: no line of the file is a JSON object.
    """
    for line in reversed(path.read_text(encoding="utf-8").splitlines()):
        if line.startswith("{"):
            data = json.loads(line)
            if isinstance(data, dict):
                return data
    raise ValueError(f"{path}: no JSON object line")


def table(runs: list[dict[str, Any]]) -> str:
    """A Markdown table: figure, median, range, number of runs.

    Args:
        runs: The figures of each run.

    Returns:
        The table.
    """
    names = sorted({name for run in runs for name in run})
    rows = ["| figure | median | range | runs |", "|---|---|---|---|"]
    for name in names:
        values = [float(run[name]) for run in runs if name in run]
        rows.append(
            f"| `{name}` | {statistics.median(values):.4g} | "
            f"{min(values):.4g} – {max(values):.4g} | {len(values)} |"
        )
    return "\n".join(rows)


def main() -> None:
    """Print the table for the files named on the command line."""
    print(table([last_json(Path(name)) for name in sys.argv[1:]]))


if __name__ == "__main__":
    main()
