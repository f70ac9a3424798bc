"""Run every benchmark module (``benchmarks/bench_*.py``) and print one JSON object.

Each module exposes ``run() -> dict[str, float]``; figures are ratios against a baseline
measured in the same process (medians of repetitions), so they survive noisy machines.
The last line printed is the merged JSON object. Names given on the command line pick
modules (``python benchmarks/run.py core store`` runs ``bench_core.py`` and
``bench_store.py``); none: every module.
"""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path
from typing import Any


def main() -> None:
    """Import each ``bench_*.py`` beside this file, run it and print the merged figures."""
    figures: dict[str, Any] = {}
    wanted = set(sys.argv[1:])
    for path in sorted(Path(__file__).parent.glob("bench_*.py")):
        if wanted and path.stem.removeprefix("bench_") not in wanted:
            continue
        spec = importlib.util.spec_from_file_location(path.stem, path)
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        print(f"running {path.name} ...", file=sys.stderr, flush=True)
        figures.update(module.run())
    print(json.dumps(figures, sort_keys=True))


if __name__ == "__main__":
    main()
