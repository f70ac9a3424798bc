"""Tests for mediation.simulation.metrics: fairness measures, summaries, tables."""

from __future__ import annotations

import csv
import itertools
import json
import math
import random
from fractions import Fraction
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mediation import settlement
from mediation.errors import InvalidInput
from mediation.simulation import envy, equitability_gap, nash_point, run, summarize

tables = st.lists(st.lists(st.integers(0, 20), min_size=3, max_size=3), min_size=2, max_size=2)


def _exact_nash(values: list[list[list[int]]], batna: list[int]) -> list[Fraction] | None:
    parties = range(len(values))
    options = {
        package: {p: sum(values[p][i][o] for i, o in enumerate(package)) for p in parties}
        for package in itertools.product(*(range(len(row)) for row in values[0]))
    }
    try:
        found = settlement.nash(options, dict(enumerate(batna)))
    except InvalidInput:
        return None
    return [found.utilities[p] for p in parties]


@given(tables, tables, st.integers(0, 20), st.integers(0, 20))
def test_two_party_nash_point_agrees_with_the_exact_solution(
    first: list[list[int]], second: list[list[int]], da: int, db: int
) -> None:
    exact = _exact_nash([first, second], [da, db])
    found = nash_point(
        [[[float(v) for v in row] for row in first], [[float(v) for v in row] for row in second]],
        [float(da), float(db)],
    )
    if exact is None:
        assert found is None
    else:
        assert found is not None
        product_exact = float((exact[0] - da) * (exact[1] - db))
        product_found = (found[0] - da) * (found[1] - db)
        assert product_found == pytest.approx(product_exact, rel=1e-9, abs=1e-9)


def test_three_party_nash_point_is_close_to_the_exact_solution() -> None:
    rng = random.Random(5)
    compared = 0
    for _ in range(12):
        values = [[[rng.randrange(11) for _ in range(3)] for _ in range(2)] for _ in range(3)]
        exact = _exact_nash(values, [2, 2, 2])
        if exact is None:  # irrational (a lower-dimensional face): not comparable exactly
            continue
        found = nash_point([[[float(v) for v in r] for r in p] for p in values], [2.0] * 3)
        assert found is not None
        product_found = math.prod(u - 2 for u in found)
        product_exact = float(math.prod(u - 2 for u in exact))
        assert product_found == pytest.approx(product_exact, rel=5e-3)  # approximate, <= exact
        assert product_found <= product_exact * (1 + 1e-12)
        for a, b in zip(found, exact, strict=True):
            assert a == pytest.approx(float(b), rel=2e-2)
        compared += 1
    assert compared >= 3


def test_no_zone_of_agreement_gives_no_nash_point() -> None:
    values = [[[0.0, 1.0]], [[1.0, 0.0]]]
    assert nash_point(values, [0.6, 0.6]) is None


def test_envy_and_equitability() -> None:
    values = [[[0.0, 0.5], [0.5, 0.0]], [[0.5, 0.0], [0.0, 0.5]]]
    # Each gets its favourite on one issue: nobody envies anybody.
    assert envy(values, (1, 1)) == [0.0, 0.0]
    # Party 0 gets both issues its way: party 1 envies it by the full value.
    assert envy(values, (1, 0)) == [0.0, 1.0]
    assert envy(values, (1, 0), money=[0.0, 1.0]) == [0.0, 0.0]
    assert equitability_gap([0.25, 0.75, 0.5]) == 0.5


def test_summary_counts_and_rates() -> None:
    result = run("leader_subordinate", 30, seed=8, workers=1)
    summary = result.summary
    assert summary == summarize(list(reversed(result.results)))
    assert summary.n == 30
    assert summary.settlement_rate == sum(r.settled for r in result.results) / 30
    assert sum(summary.stages.values()) == 30
    assert summary.withdrawals == sum(1 for r in result.results if r.withdrew)
    assert dict(summary.rows())["mediations"] == "30"
    chinese = dict(summary.rows("zh"))
    assert chinese["调解次数"] == "30"
    assert [value for _, value in summary.rows("zh")][1] == summary.rows()[1][1]  # figures
    assert all(not any("a" <= c <= "z" for c in measure) for measure in chinese)
    with pytest.raises(ValueError, match="no results"):
        summarize([])


def test_tables_are_written_as_csv_and_json_lines(tmp_path: Path) -> None:
    result = run("three_departments", 6, seed=2, workers=1)
    result.write_csv(tmp_path / "r.csv")
    result.write_jsonl(tmp_path / "r.jsonl")
    with open(tmp_path / "r.csv", encoding="utf-8") as file:
        rows = list(csv.DictReader(file))
    assert len(rows) == 6
    assert {"utility.finance", "utility.it", "utility.facilities", "withdrew.it"} <= set(rows[0])
    records = [json.loads(line) for line in (tmp_path / "r.jsonl").read_text().splitlines()]
    assert [record["index"] for record in records] == list(range(6))
    assert records[0] == result.results[0].to_dict()


def test_summary_carries_intervals() -> None:
    from mediation.stats import mean_interval, wilson_interval

    result = run("leader_subordinate", 30, seed=8, workers=1)
    summary = result.summary
    settled = sum(r.settled for r in result.results)
    assert summary.intervals["settlement_rate"] == wilson_interval(settled, 30)
    low, high = summary.intervals["mean_rounds"]
    rounds = [float(r.rounds) for r in result.results]
    mean = sum(rounds) / 30
    variance = sum((x - mean) ** 2 for x in rounds) / 29
    assert (low, high) == pytest.approx(mean_interval(30, mean, variance))
    assert low <= summary.mean_rounds <= high
    row = dict(summary.rows())["settlement rate"]
    assert row == f"{settled / 30:.3f} ({summary.intervals['settlement_rate'][0]:.3f}–" + (
        f"{summary.intervals['settlement_rate'][1]:.3f})"
    )
    assert summary.to_dict()["intervals"]["settlement_rate"] == list(
        summary.intervals["settlement_rate"]
    )
