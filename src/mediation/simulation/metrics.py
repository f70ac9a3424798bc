"""Metrics of simulated mediations: per mediation, aggregated, and written as tables.

Per mediation (:class:`MediationResult`): the outcome and the furthest stage reached,
compromise rounds, events, proposals, caucuses and pauses; fairness of a settlement
(equitability gap, envy, distance from the Nash bargaining point); neutrality findings
recorded by code and blocked moves by code; the escalation reason; who withdrew; and
per-party figures keyed by party id (style, BATNA, utility reached, airtime, envy).

Utilities are on each party's own normalised scale: 0 for its worst package, 1 for its
best. Every aggregate is a symmetric function of the parties, so renaming the parties
renames the per-party figures and changes no aggregate.

Fairness measures (for settled mediations):

- *equitability gap*: the largest minus the smallest utility reached;
- *envy*: party p envies q when, weighing issues by p's priorities, q came closer to
  its own wishes than p did (plus the money each received, on p's scale); the figure
  is the largest such margin (0: envy-free);
- *Nash distance*: Euclidean distance from the utilities reached to the Nash
  bargaining solution over lotteries of packages with the BATNAs as disagreement point
  (Nash, 1950). For two parties it is computed on the exact frontier (the Minkowski
  sum of the issues' frontiers); for more, by a fixed number of Frank–Wolfe steps
  (approximate: within about half a percent of the maximal Nash product).
  Both are deterministic floats; :func:`mediation.settlement.nash` gives the exact
  value on small problems and the tests check that these agree with it.
"""

from __future__ import annotations

import csv
import itertools
import json
import math
import os
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import attrs

from mediation import stats
from mediation._catalogs import N_, Term, fill, join_list

__all__ = [
    "MediationResult",
    "Summary",
    "envy",
    "equitability_gap",
    "nash_point",
    "result_row",
    "summarize",
    "write_csv",
    "write_jsonl",
]

Values = Sequence[Sequence[float]]
"""``values[issue][option]``: one party's additive utility contributions."""


@attrs.frozen
class MediationResult:
    """What happened in one simulated mediation.

    Attributes:
        index: The mediation's index in its run (its random streams derive from it).
        outcome: The :class:`~mediation.Outcome` value the case closed with.
        stage_reached: The furthest active stage the case entered.
        settled: Whether every party signed an agreement.
        settled_by: ``"parties"`` (a party's proposal), ``"suggestion"`` (a mediator's
            suggestion by a procedure), or ``""``.
        rounds: Compromise rounds held.
        events: Events recorded in the case.
        proposals: Proposals made (by parties and by the mediator).
        caucuses: Caucuses held.
        pauses: Cooling-off pauses.
        zopa: Whether some lottery of packages gave every party more than its BATNA.
        equitability_gap: Largest minus smallest utility reached (settled only).
        envy: Largest envy among the parties (settled only).
        nash_distance: Distance from the Nash bargaining point (settled with a ZOPA).
        escalation: Why the case was escalated (``non_mediable:<flag>``,
            ``party_request``, ``neutrality_block``, ``deadline``), or ``""``.
        findings: Neutrality finding code → how many were recorded (warnings and
            overridden blocks).
        blocks: Finding or guard code → how many times it refused a move.
        withdrew: Parties who withdrew, in the order they did.
        styles: Party → the style drawn.
        batna: Party → its BATNA.
        utility: Party → its utility at the end (the agreement's worth to it when
            settled, else its BATNA).
        airtime: Party → seconds spoken in joint session.
        party_envy: Party → its envy of the others (settled only; else empty).
        agreed_by: Who proposed the agreement signed (a party id, or the mediator's id
            for a suggestion); ``""`` when not settled.
        attention: Party → the mediator's interventions addressed to it (invitations,
            paraphrases, questions).
        hours_to_close: Simulated hours from opening to closing (None while open).
        seating: The parties in the order the mediator took them (who opened, who
            proposed first), drawn per mediation from its seed: not the order the
            scenario lists them in, so that listing first is no advantage.
        flagged: Check family → how often it fired: findings recorded plus moves it
            refused (what :func:`~mediation.simulation.detection_power` counts).
    """

    index: int
    outcome: str
    stage_reached: str
    settled: bool
    settled_by: str
    rounds: int
    events: int
    proposals: int
    caucuses: int
    pauses: int
    zopa: bool
    equitability_gap: float | None
    envy: float | None
    nash_distance: float | None
    escalation: str
    findings: Mapping[str, int] = attrs.field(hash=False)
    blocks: Mapping[str, int] = attrs.field(hash=False)
    withdrew: tuple[str, ...]
    styles: Mapping[str, str] = attrs.field(hash=False)
    batna: Mapping[str, float] = attrs.field(hash=False)
    utility: Mapping[str, float] = attrs.field(hash=False)
    airtime: Mapping[str, float] = attrs.field(hash=False)
    party_envy: Mapping[str, float] = attrs.field(hash=False)
    agreed_by: str = ""
    attention: Mapping[str, int] = attrs.field(factory=dict, hash=False)
    hours_to_close: float | None = None
    seating: tuple[str, ...] = ()
    flagged: Mapping[str, int] = attrs.field(factory=dict, hash=False)

    def to_dict(self) -> dict[str, Any]:
        """The result as plain JSON-ready data."""
        data: dict[str, Any] = {}
        for name, value in attrs.asdict(self, recurse=False).items():
            if isinstance(value, Mapping):
                value = dict(value)
            elif isinstance(value, tuple):
                value = list(value)
            data[name] = value
        return data


# -- fairness -------------------------------------------------------------------------------


def equitability_gap(utilities: Iterable[float]) -> float:
    """Largest minus smallest of the parties' utilities (0: perfectly equitable)."""
    values = list(utilities)
    return max(values) - min(values) if values else 0.0


def envy(
    values: Sequence[Values],
    package: Sequence[int],
    money: Sequence[float] | None = None,
) -> list[float]:
    """Each party's envy of the others for an agreed package.

    Party p's satisfaction on issue i is how far the agreed option goes towards its
    favourite (``value / best value``; 1 when it does not care). p envies q by the
    margin by which q's satisfactions, weighed by p's issue priorities, exceed p's own,
    plus the difference in money received (on p's scale).

    Args:
        values: Per party, ``values[issue][option]``.
        package: The agreed option of each issue.
        money: Per party, money received on its own normalised scale (default none).

    Returns:
        Per party, its envy (>= 0).
    """
    parties = len(values)
    bests = [[max(row) for row in party] for party in values]
    satisfaction = [
        [
            (party[issue][option] / best[issue]) if best[issue] > 0 else 1.0
            for issue, option in enumerate(package)
        ]
        for party, best in zip(values, bests, strict=True)
    ]
    paid = list(money) if money is not None else [0.0] * parties
    result = []
    for p in range(parties):
        weights = bests[p]
        own = sum(w * s for w, s in zip(weights, satisfaction[p], strict=True)) + paid[p]
        worst = 0.0
        for q in range(parties):
            if q != p:
                theirs = sum(w * s for w, s in zip(weights, satisfaction[q], strict=True))
                worst = max(worst, theirs + paid[q] - own)
        result.append(worst)
    return result


def _chain(points: list[tuple[float, float]]) -> list[tuple[float, float]]:
    """The upper-right convex chain of 2-D points, from most x to most y."""
    ordered = sorted(points, key=lambda p: (-p[0], -p[1]))
    front: list[tuple[float, float]] = []
    for point in ordered:
        if front and point[1] <= front[-1][1]:
            continue
        while len(front) >= 2:
            (ax, ay), (bx, by) = front[-2], front[-1]
            if (bx - ax) * (point[1] - ay) - (by - ay) * (point[0] - ax) <= 0:
                front.pop()
            else:
                break
        front.append(point)
    return front


def _nash_two(values: Sequence[Values], disagreement: Sequence[float]) -> tuple[float, ...] | None:
    first, second = values
    start_x = start_y = 0.0
    edges: list[tuple[float, float, float]] = []
    for row_a, row_b in zip(first, second, strict=True):
        chain = _chain(list(zip(row_a, row_b, strict=True)))
        start_x += chain[0][0]
        start_y += chain[0][1]
        for (ax, ay), (bx, by) in itertools.pairwise(chain):
            dx, dy = bx - ax, by - ay
            edges.append((dy / -dx if dx < 0 else math.inf, dx, dy))
    edges.sort(key=lambda edge: -edge[0])
    da, db = disagreement
    best: tuple[float, float] | None = None
    best_product = 0.0
    x, y = start_x, start_y
    vertices = [(x, y)]
    for _rate, dx, dy in edges:
        x, y = x + dx, y + dy
        vertices.append((x, y))
    for (px, py), (qx, qy) in zip(vertices, vertices[1:] or vertices, strict=False):
        dx, dy = qx - px, qy - py
        gx, gy = px - da, py - db
        candidates = [0.0, 1.0]
        if dx * dy != 0:
            candidates.append(min(1.0, max(0.0, -(dx * gy + dy * gx) / (2 * dx * dy))))
        for t in candidates:
            u, v = gx + t * dx, gy + t * dy
            if u > 0 and v > 0 and u * v > best_product:
                best_product, best = u * v, (da + u, db + v)
    return best


def _nash_many(
    values: Sequence[Values], disagreement: Sequence[float], steps: int
) -> tuple[float, ...] | None:
    parties = len(values)
    issues = len(values[0])

    def vertex(weights: Sequence[float]) -> list[float]:
        totals = [0.0] * parties
        for issue in range(issues):
            options = len(values[0][issue])
            best_option, best_score = 0, -math.inf
            for option in range(options):
                score = sum(weights[p] * values[p][issue][option] for p in range(parties))
                if score > best_score + 1e-15:
                    best_option, best_score = option, score
            for p in range(parties):
                totals[p] += values[p][issue][best_option]
        return totals

    corners = [vertex([1.0 if q == p else 1e-9 for q in range(parties)]) for p in range(parties)]
    corners.append(vertex([1.0] * parties))
    point = [sum(corner[p] for corner in corners) / len(corners) for p in range(parties)]
    if any(point[p] <= disagreement[p] for p in range(parties)):
        return None
    for _ in range(steps):
        gradient = [1.0 / (point[p] - disagreement[p]) for p in range(parties)]
        target = vertex(gradient)
        delta = [target[p] - point[p] for p in range(parties)]
        if sum(g * d for g, d in zip(gradient, delta, strict=True)) <= 1e-12:
            break
        low, high = 0.0, 1.0
        for _ in range(40):
            middle = (low + high) / 2
            slope = sum(
                delta[p] / (point[p] + middle * delta[p] - disagreement[p]) for p in range(parties)
            )
            if slope > 0:
                low = middle
            else:
                high = middle
        point = [point[p] + low * delta[p] for p in range(parties)]
    return tuple(point)


def nash_point(
    values: Sequence[Values], disagreement: Sequence[float], steps: int = 60
) -> tuple[float, ...] | None:
    """The Nash bargaining solution's utilities over lotteries of packages.

    Args:
        values: Per party, ``values[issue][option]`` (additive utilities).
        disagreement: Per party, its BATNA.
        steps: Frank–Wolfe steps for three or more parties.

    Returns:
        Per party, its utility at the Nash point; None when no lottery gives every party
        more than its BATNA (for three or more parties: when none was found).
    """
    if len(values) == 2:
        return _nash_two(values, disagreement)
    return _nash_many(values, disagreement, steps)


# -- aggregation ----------------------------------------------------------------------------


def _mean(values: Sequence[float]) -> float | None:
    return sum(values) / len(values) if values else None


def _count(into: dict[str, int], key: str, amount: int = 1) -> None:
    into[key] = into.get(key, 0) + amount


@attrs.frozen
class Summary:
    """Aggregates over a run's mediations.

    Attributes:
        n: Mediations.
        settlement_rate: Share that settled.
        outcomes: Outcome → count.
        stages: Furthest stage reached → count.
        settled_by: ``parties`` / ``suggestion`` → count (settled only).
        mean_rounds: Mean compromise rounds.
        mean_events: Mean events per case.
        zopa_rate: Share with a zone of possible agreement.
        mean_equitability_gap: Mean over settled mediations.
        mean_envy: Mean largest envy over settled mediations.
        envy_free_rate: Share of settled mediations without envy (below 1e-9).
        mean_nash_distance: Mean over settled mediations with a ZOPA.
        findings: Finding code → total recorded.
        blocks: Code → total refusals.
        escalations: Escalation reason → count.
        withdrawals: Mediations in which someone withdrew.
        withdrawal_rate: Their share.
        mean_utility: Party → mean utility at the end.
        intervals: Measure name → its 95% interval ``[low, high]``: Wilson intervals for
            the rates, Student's t intervals for the means (:mod:`mediation.stats`).
    """

    n: int
    settlement_rate: float
    outcomes: Mapping[str, int] = attrs.field(hash=False)
    stages: Mapping[str, int] = attrs.field(hash=False)
    settled_by: Mapping[str, int] = attrs.field(hash=False)
    mean_rounds: float
    mean_events: float
    zopa_rate: float
    mean_equitability_gap: float | None
    mean_envy: float | None
    envy_free_rate: float | None
    mean_nash_distance: float | None
    findings: Mapping[str, int] = attrs.field(hash=False)
    blocks: Mapping[str, int] = attrs.field(hash=False)
    escalations: Mapping[str, int] = attrs.field(hash=False)
    withdrawals: int
    withdrawal_rate: float
    mean_utility: Mapping[str, float] = attrs.field(hash=False)
    intervals: Mapping[str, tuple[float, float]] = attrs.field(factory=dict, hash=False)

    def to_dict(self) -> dict[str, Any]:
        """The summary as plain JSON-ready data."""
        data = {
            name: dict(value) if isinstance(value, Mapping) else value
            for name, value in attrs.asdict(self, recurse=False).items()
        }
        data["intervals"] = {name: list(pair) for name, pair in self.intervals.items()}
        return data

    def rows(self, lang: str = "en") -> list[tuple[str, str]]:
        """``(measure, value)`` pairs in plain words, for a table.

        Args:
            lang: ``"en"`` or ``"zh"`` (checked by the caller): the measures, outcomes,
                stages and check families in that language; ids as they are.

        Returns:
            The rows.
        """

        def number(value: float | None, digits: int = 3, name: str = "") -> str:
            if value is None:
                return "-"
            interval = self.intervals.get(name)
            if interval is None:
                return f"{value:.{digits}f}"
            low, high = interval
            return f"{value:.{digits}f} ({low:.{digits}f}–{high:.{digits}f})"

        def counts(table: Mapping[str, int]) -> str:
            ordered = sorted(table.items(), key=lambda item: (-item[1], item[0]))
            shown = [f"{word_in(key, lang)} {count}" for key, count in ordered]
            return join_list(shown, lang) or fill(N_("none"), lang, {})

        rows = [
            (N_("mediations"), str(self.n)),
            (N_("settlement rate"), number(self.settlement_rate, name="settlement_rate")),
            (N_("outcomes"), counts(self.outcomes)),
            (N_("stage reached"), counts(self.stages)),
            (N_("settled by"), counts(self.settled_by)),
            (N_("mean compromise rounds"), number(self.mean_rounds, 2, name="mean_rounds")),
            (N_("mean events per case"), number(self.mean_events, 1)),
            (N_("zone of possible agreement"), number(self.zopa_rate, name="zopa_rate")),
            (
                N_("mean equitability gap"),
                number(self.mean_equitability_gap, name="mean_equitability_gap"),
            ),
            (N_("mean envy"), number(self.mean_envy, name="mean_envy")),
            (N_("envy-free rate"), number(self.envy_free_rate, name="envy_free_rate")),
            (
                N_("mean distance from Nash point"),
                number(self.mean_nash_distance, name="mean_nash_distance"),
            ),
            (N_("neutrality findings"), counts(self.findings)),
            (N_("blocked moves"), counts(self.blocks)),
            (N_("escalations"), counts(self.escalations)),
            (N_("withdrawal rate"), number(self.withdrawal_rate, name="withdrawal_rate")),
            (
                N_("mean utility"),
                join_list(
                    (f"{party} {value:.3f}" for party, value in self.mean_utility.items()), lang
                ),
            ),
        ]
        return [(fill(measure, lang, {}), value) for measure, value in rows]


def word_in(key: str, lang: str) -> str:
    """A key of the summary's counts in ``lang``: a check family by its label, a stage,
    an outcome or a move through the catalog, anything else (an id) as it is.

    Args:
        key: The key (``voice_balance``, ``common_ground``, ``settled``...).
        lang: ``"en"`` or ``"zh"``.

    Returns:
        The key in English as it is; in another language, in words.
    """
    if lang == "en":
        return key
    from mediation.neutrality.registry import FAMILIES

    for family in FAMILIES:
        if family.code == key:
            return fill(family.title, lang, {})
    return Term(key).localized(lang)


def summarize(results: Sequence[MediationResult]) -> Summary:
    """Aggregate results (in index order, so the floats are the same to the bit).

    Raises:
        ValueError: no results.
    """
    if not results:
        raise ValueError("nothing to summarize: no results")
    ordered = sorted(results, key=lambda result: result.index)
    outcomes: dict[str, int] = {}
    stages: dict[str, int] = {}
    settled_by: dict[str, int] = {}
    findings: dict[str, int] = {}
    blocks: dict[str, int] = {}
    escalations: dict[str, int] = {}
    utility: dict[str, list[float]] = {}
    gaps, envies, distances = [], [], []
    for result in ordered:
        _count(outcomes, result.outcome)
        _count(stages, result.stage_reached)
        if result.settled_by:
            _count(settled_by, result.settled_by)
        if result.escalation:
            _count(escalations, result.escalation)
        for code, count in result.findings.items():
            _count(findings, code, count)
        for code, count in result.blocks.items():
            _count(blocks, code, count)
        for party, value in result.utility.items():
            utility.setdefault(party, []).append(value)
        if result.equitability_gap is not None:
            gaps.append(result.equitability_gap)
        if result.envy is not None:
            envies.append(result.envy)
        if result.nash_distance is not None:
            distances.append(result.nash_distance)
    n = len(ordered)
    settled = sum(1 for result in ordered if result.settled)
    withdrawals = sum(1 for result in ordered if result.withdrew)
    return Summary(
        n=n,
        settlement_rate=settled / n,
        outcomes=dict(sorted(outcomes.items())),
        stages=dict(sorted(stages.items())),
        settled_by=dict(sorted(settled_by.items())),
        mean_rounds=sum(result.rounds for result in ordered) / n,
        mean_events=sum(result.events for result in ordered) / n,
        zopa_rate=sum(1 for result in ordered if result.zopa) / n,
        mean_equitability_gap=_mean(gaps),
        mean_envy=_mean(envies),
        envy_free_rate=(
            sum(1 for value in envies if value < 1e-9) / len(envies) if envies else None
        ),
        mean_nash_distance=_mean(distances),
        findings=dict(sorted(findings.items())),
        blocks=dict(sorted(blocks.items())),
        escalations=dict(sorted(escalations.items())),
        withdrawals=withdrawals,
        withdrawal_rate=withdrawals / n,
        mean_utility={party: sum(values) / len(values) for party, values in utility.items()},
        intervals=_intervals(
            n,
            {
                "settlement_rate": settled,
                "zopa_rate": sum(1 for result in ordered if result.zopa),
                "withdrawal_rate": withdrawals,
            },
            (len(envies), sum(1 for value in envies if value < 1e-9)),
            {
                "mean_rounds": [float(result.rounds) for result in ordered],
                "mean_equitability_gap": gaps,
                "mean_envy": envies,
                "mean_nash_distance": distances,
            },
        ),
    )


def _intervals(
    n: int,
    counts: Mapping[str, int],
    envy_free: tuple[int, int],
    samples: Mapping[str, Sequence[float]],
) -> dict[str, tuple[float, float]]:
    """95% intervals: Wilson for the rates, Student's t for the means (n >= 2)."""
    out = {name: stats.wilson_interval(count, n) for name, count in counts.items()}
    if envy_free[0]:
        out["envy_free_rate"] = stats.wilson_interval(envy_free[1], envy_free[0])
    for name, values in samples.items():
        if len(values) >= 2:
            mean = sum(values) / len(values)
            variance = sum((value - mean) ** 2 for value in values) / (len(values) - 1)
            out[name] = stats.mean_interval(len(values), mean, variance)
    return out


# -- tables ---------------------------------------------------------------------------------

_SCALARS = (
    "index",
    "outcome",
    "stage_reached",
    "settled",
    "settled_by",
    "rounds",
    "events",
    "proposals",
    "caucuses",
    "pauses",
    "zopa",
    "equitability_gap",
    "envy",
    "nash_distance",
    "escalation",
)
_PER_PARTY = ("styles", "batna", "utility", "airtime", "party_envy")


def result_row(
    result: MediationResult, parties: Sequence[str], codes: Iterable[str] = ()
) -> dict[str, Any]:
    """One flat table row: scalars, per-party columns ``<measure>.<party>``, a
    ``withdrew.<party>`` flag, and ``finding.<code>`` / ``block.<code>`` counts.

    Args:
        result: The mediation's result.
        parties: The parties' ids, in the column order wanted.
        codes: Finding and block codes to give columns to (others are left out).
    """
    row: dict[str, Any] = {name: getattr(result, name) for name in _SCALARS}
    for measure in _PER_PARTY:
        table: Mapping[str, Any] = getattr(result, measure)
        for party in parties:
            row[f"{measure}.{party}"] = table.get(party)
    for party in parties:
        row[f"withdrew.{party}"] = party in result.withdrew
    for code in codes:
        row[f"finding.{code}"] = result.findings.get(code, 0)
    for code in codes:
        row[f"block.{code}"] = result.blocks.get(code, 0)
    return row


def _columns(results: Sequence[MediationResult]) -> tuple[list[str], list[str]]:
    parties: dict[str, None] = {}
    codes: set[str] = set()
    for result in results:
        parties.update(dict.fromkeys(result.utility))
        codes.update(result.findings)
        codes.update(result.blocks)
    return list(parties), sorted(codes)


def write_csv(
    results: Sequence[MediationResult],
    path: str | os.PathLike[str],
    extra: Mapping[int, Mapping[str, Any]] | None = None,
) -> None:
    """Write one row per mediation (see :func:`result_row`) as CSV.

    Args:
        results: The results, written in the order given.
        path: The file to write.
        extra: Optional leading columns per result position (e.g. sweep parameters).
    """
    parties, codes = _columns(results)
    with open(path, "w", encoding="utf-8", newline="") as file:
        writer: csv.DictWriter[str] | None = None
        for position, result in enumerate(results):
            row = {**(extra or {}).get(position, {}), **result_row(result, parties, codes)}
            if writer is None:
                writer = csv.DictWriter(file, fieldnames=list(row), lineterminator="\n")
                writer.writeheader()
            writer.writerow({k: "" if v is None else v for k, v in row.items()})


def write_jsonl(
    results: Sequence[MediationResult],
    path: str | os.PathLike[str],
    extra: Mapping[int, Mapping[str, Any]] | None = None,
) -> None:
    """Write one JSON object per line per mediation (:meth:`MediationResult.to_dict`).

    Args:
        results: The results, written in the order given.
        path: The file to write.
        extra: Optional fields to add per result position (e.g. sweep parameters).
    """
    with open(path, "w", encoding="utf-8") as file:
        for position, result in enumerate(results):
            data = {**(extra or {}).get(position, {}), **result.to_dict()}
            file.write(json.dumps(data, ensure_ascii=False, allow_nan=False) + "\n")
