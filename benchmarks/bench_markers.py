"""Transcript-marker benchmark: the cost of reading mediator texts.

Figures (medians of repetitions):

- ``markers_us_per_kb``: microseconds the built-in lexicon marker (en and zh lexicons,
  Chinese segmented with jieba) takes per kilobyte (UTF-8) of text, over a realistic
  corpus of mediator texts that the suite generates (:func:`mediation.simulation.
  transcripts.corpus`: fair paraphrases and questions, ordinary idioms, one in ten
  loaded), half English and half Chinese. jieba's one-off dictionary load is excluded.
  Timed in process CPU time (an absolute figure, not a ratio: CPU time is less
  disturbed than wall time by other work on a shared machine).
- ``markers_us_per_kb_en`` and ``markers_us_per_kb_zh``: the same per language.
- ``shingles_us_per_kb``: the same for the shingles of the caucus-leak measure.
"""

from __future__ import annotations

import json
import statistics
import time
from collections.abc import Callable, Sequence

from mediation.markers import LexiconMarker, shingles
from mediation.simulation.transcripts import corpus


def _us_per_kb(texts: Sequence[str], read: Callable[[str], object], repeats: int = 7) -> float:
    size = sum(len(text.encode("utf-8")) for text in texts) / 1024
    timings = []
    for _ in range(repeats):
        started = time.process_time()
        for text in texts:
            read(text)
        timings.append((time.process_time() - started) * 1e6 / size)
    return statistics.median(timings)


def run() -> dict[str, float]:
    """All marker figures."""
    marker = LexiconMarker.builtin()
    english, chinese = corpus("en", 500, seed=1), corpus("zh", 500, seed=1)
    marker.mark(chinese[0], "auto")  # load jieba's dictionary before timing

    def mark(text: str) -> object:
        return marker.mark(text, "auto")

    mixed = [text for pair in zip(english, chinese, strict=True) for text in pair]
    return {
        "markers_us_per_kb": round(_us_per_kb(mixed, mark), 1),
        "markers_us_per_kb_en": round(_us_per_kb(english, mark), 1),
        "markers_us_per_kb_zh": round(_us_per_kb(chinese, mark), 1),
        "shingles_us_per_kb": round(_us_per_kb(mixed, shingles), 1),
    }


if __name__ == "__main__":
    print(json.dumps(run(), sort_keys=True))
