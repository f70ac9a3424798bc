"""The metric definitions and statistics of the fairness audit, over case records.

Pure: :class:`FairnessAudit` takes :class:`~mediation.fairness.CaseRecord` values one at
a time (from a store, from simulation results, from anywhere) and keeps only running
figures per group — counts for rates; count, mean and sum of squares for means, plus the
values themselves while a group is small enough to permute — so its memory does not grow
with the number of cases. :meth:`FairnessAudit.report` then computes intervals, tests,
effect sizes and the false-discovery correction with an injected random stream.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from random import Random
from typing import Any

import attrs

from mediation import stats
from mediation._catalogs import N_, Phrase, Term, fill, join_list
from mediation.errors import InvalidInput
from mediation.fairness._records import CaseRecord, PartyRecord

__all__ = [
    "BUILTIN_DIMENSIONS",
    "DEFAULT_DIMENSIONS",
    "METRICS",
    "AttributeLookup",
    "Comparison",
    "EmptyAudit",
    "FairnessAudit",
    "FairnessReport",
    "GroupFigure",
    "MediatorFindings",
    "Metric",
    "MissingAttributes",
    "SupervisorOverrides",
    "UnknownDimension",
    "audit_records",
]


class UnknownDimension(InvalidInput):
    """A dimension to group by is neither built in nor an attribute the host gave."""


class MissingAttributes(InvalidInput):
    """Someone in the cases has no attributes (or lacks the one grouped by)."""


class EmptyAudit(InvalidInput):
    """There is nothing to audit: no cases."""


AttributeLookup = Callable[[str], "Mapping[str, str] | None"]
"""``lookup(person_id)`` → that person's attributes (name → value), or None if unknown."""


# -- metrics ---------------------------------------------------------------------------------

Value = "bool | float | None"


@attrs.frozen
class Metric:
    """One measure the audit computes per group.

    Attributes:
        name: Stable key (in JSON and on the command line).
        label: Plain words, e.g. "settlement rate".
        kind: ``rate`` (a share of yes/no units, with a Wilson interval and Fisher's
            exact test) or ``mean`` (a mean, with a t interval and a permutation test).
        levels: Where it applies: ``case`` (one unit per case), ``party`` (one unit per
            party in a case), or both.
        unit: What a unit is counted over, in plain words.
        value: ``value(case, party)`` → the unit's value, or None when the unit does not
            count for this metric (``party`` is None at case level).
        case_wide: Whether the value is the case's whatever the party.
    """

    name: str
    label: str
    kind: str
    levels: frozenset[str]
    unit: str
    value: Callable[[CaseRecord, PartyRecord | None], bool | float | None] = attrs.field(
        eq=False, repr=False
    )
    case_wide: bool = False
    """The value is the same for every party of a case (settlement, escalation, ...)."""


def _settled(case: CaseRecord, _party: PartyRecord | None) -> bool | None:
    return None if case.outcome is None else case.outcome == "settled"


def _withdrew(case: CaseRecord, party: PartyRecord | None) -> bool:
    if party is not None:
        return party.withdrew
    return any(p.withdrew for p in case.parties)


def _escalated(case: CaseRecord, _party: PartyRecord | None) -> bool:
    return case.escalated


def _paused(case: CaseRecord, _party: PartyRecord | None) -> bool:
    return case.pauses > 0


def _hours(case: CaseRecord, _party: PartyRecord | None) -> float | None:
    return case.hours_to_close


def _proposed_agreement(case: CaseRecord, party: PartyRecord | None) -> bool | None:
    if party is None or case.agreement_by is None:
        return None
    return case.agreement_by == party.id


def _share(
    case: CaseRecord, party: PartyRecord | None, field: Callable[[PartyRecord], float | None]
) -> float | None:
    if party is None:
        return None
    own = field(party)
    if own is None:
        return None
    total = 0.0
    for other in case.parties:
        value = field(other)
        if value is None:
            return None
        total += value
    return own / total if total > 0 else None


def _airtime_share(case: CaseRecord, party: PartyRecord | None) -> float | None:
    return _share(case, party, lambda p: p.airtime)


def _attention_share(case: CaseRecord, party: PartyRecord | None) -> float | None:
    return _share(case, party, lambda p: None if p.attention is None else float(p.attention))


def _findings(case: CaseRecord, _party: PartyRecord | None) -> float:
    return float(case.findings)


def _overridden(case: CaseRecord, _party: PartyRecord | None) -> bool | None:
    return None if case.overrides is None else bool(case.overrides)


_BOTH = frozenset({"case", "party"})
_CASE = frozenset({"case"})
_PARTY = frozenset({"party"})

METRICS: tuple[Metric, ...] = (
    Metric("settlement", N_("settlement rate"), "rate", _BOTH, "closed cases", _settled, True),
    Metric("withdrawal", N_("withdrawal rate"), "rate", _BOTH, "cases", _withdrew),
    Metric("escalation", N_("escalation rate"), "rate", _BOTH, "cases", _escalated, True),
    Metric("pause", N_("cooling-off pause rate"), "rate", _BOTH, "cases", _paused, True),
    Metric("hours_to_close", N_("hours to close"), "mean", _BOTH, "closed cases", _hours, True),
    Metric(
        "proposed_agreement",
        N_("share of agreements they proposed"),
        "rate",
        _PARTY,
        "parties in settled cases",
        _proposed_agreement,
    ),
    Metric(
        "airtime_share",
        N_("share of airtime"),
        "mean",
        _PARTY,
        "parties in cases with statements",
        _airtime_share,
    ),
    Metric(
        "attention_share",
        N_("share of the mediator's attention"),
        "mean",
        _PARTY,
        "parties in cases with interventions",
        _attention_share,
    ),
    Metric("findings", N_("neutrality findings per case"), "mean", _CASE, "cases", _findings),
    Metric("overridden", N_("rate of cases with an override"), "rate", _CASE, "cases", _overridden),
)
"""Every metric, in report order. The same definitions serve stores and simulations."""

_METRIC_BY_NAME = {metric.name: metric for metric in METRICS}


# -- dimensions ------------------------------------------------------------------------------


@attrs.frozen
class _Dimension:
    name: str
    level: str
    label: str
    attribute: str = ""
    """For host attributes: the attribute's name (of the party, or of the mediator)."""
    parts: tuple[_Dimension, ...] = ()
    """For a crossed dimension (``mediator*position``): its components."""


BUILTIN_DIMENSIONS: Mapping[str, str] = {
    "role": N_("the party's role as the case names it"),
    "position": N_(
        "manager / subordinate / peer, from the case's manages and reports_to relations"
    ),
    "mediator": N_("the case's mediator"),
    "relation": N_("the kinds of relation between the parties"),
}
"""Dimensions that come from the events; anything else is a host attribute."""

DEFAULT_DIMENSIONS: tuple[str, ...] = ("role", "position", "relation", "mediator")
"""What the audit groups by when not told. Dimensions can be crossed with ``*``:
``mediator*position`` groups by both (``m-dana × manager``)."""


def _dimension(name: str, columns: frozenset[str] | None) -> _Dimension:
    if not isinstance(name, str) or not name.strip():
        raise UnknownDimension.of(
            "dimension_non_empty", N_("a dimension is a non-empty name; got {name!r}"), name=name
        )
    name = name.strip()
    if "*" in name:
        parts = [_dimension(part, columns) for part in name.split("*")]
        if len(parts) != len({part.name for part in parts}):
            raise UnknownDimension.of(
                "crossed_dimension_names",
                N_("a crossed dimension names a dimension twice: {name!r}"),
                name=name,
            )
        level = "party" if any(part.level == "party" for part in parts) else "case"
        label = " × ".join(part.label for part in parts)
        return _Dimension("*".join(p.name for p in parts), level, label, parts=tuple(parts))
    if name in ("role", "position"):
        return _Dimension(name, "party", BUILTIN_DIMENSIONS[name])
    if name in ("mediator", "relation"):
        return _Dimension(name, "case", BUILTIN_DIMENSIONS[name])
    known = sorted(BUILTIN_DIMENSIONS)
    level, attribute = "party", name
    if name.startswith("mediator."):
        level, attribute = "case", name[len("mediator.") :]
    if columns is None:
        raise UnknownDimension.of(
            "unknown_dimension_built",
            N_(
                "unknown dimension {name!r}: built-in dimensions are {known}; other names are "
                "attributes the host gives (none given)"
            ),
            name=name,
            known=known,
        )
    if columns and attribute not in columns:
        raise UnknownDimension.of(
            "unknown_dimension_built",
            N_(
                "unknown dimension {name!r}: built-in dimensions are {known}; the attributes "
                "given are {columns} (a mediator's attribute is 'mediator.<name>')"
            ),
            name=name,
            known=known,
            columns=sorted(columns),
        )
    return _Dimension(name, level, dimension_label(name, "en"), attribute)


def dimension_label(name: str, lang: str) -> str:
    """What a dimension groups by, in ``lang`` (``role``: the party's role as the case
    names it; ``department``: the party's department (host attribute)).

    Args:
        name: A dimension's name, built in, a host attribute (``mediator.NAME`` for a
            mediator's) or crossed (``a*b``).
        lang: ``"en"`` or ``"zh"``.

    Returns:
        The words.
    """
    if "*" in name:
        return " × ".join(dimension_label(part, lang) for part in name.split("*"))
    if name in BUILTIN_DIMENSIONS:
        return fill(BUILTIN_DIMENSIONS[name], lang, {})
    if name.startswith("mediator."):
        template = N_("the mediator's {attribute} (host attribute)")
        return fill(template, lang, {"attribute": name[len("mediator.") :]})
    return fill(N_("the party's {attribute} (host attribute)"), lang, {"attribute": name})


# -- accumulators ----------------------------------------------------------------------------


class _Rate:
    __slots__ = ("n", "yes")

    def __init__(self) -> None:
        self.n = 0
        self.yes = 0

    def add(self, value: bool | float) -> None:
        self.n += 1
        if value:
            self.yes += 1

    def merged(self, others: Iterable[_Rate]) -> _Rate:
        out = _Rate()
        for one in (self, *others):
            out.n += one.n
            out.yes += one.yes
        return out


class _Mean:
    __slots__ = ("keep", "m2", "mean", "n", "values")

    def __init__(self, keep: int) -> None:
        self.n = 0
        self.mean = 0.0
        self.m2 = 0.0
        self.keep = keep
        self.values: list[float] | None = []

    def add(self, value: bool | float) -> None:
        x = float(value)
        self.n += 1
        delta = x - self.mean
        self.mean += delta / self.n
        self.m2 += delta * (x - self.mean)
        if self.values is not None:
            if len(self.values) < self.keep:
                self.values.append(x)
            else:
                self.values = None  # too many to permute: Welch's test from the moments

    @property
    def variance(self) -> float:
        return self.m2 / (self.n - 1) if self.n > 1 else 0.0

    def merged(self, others: Iterable[_Mean]) -> _Mean:
        out = _Mean(self.keep)
        values: list[float] | None = []
        for one in (self, *others):
            if one.n == 0:
                continue
            n = out.n + one.n
            delta = one.mean - out.mean
            out.m2 += one.m2 + delta * delta * out.n * one.n / n
            out.mean += delta * one.n / n
            out.n = n
            if values is not None and one.values is not None:
                values.extend(one.values)
            else:
                values = None
        out.values = values
        return out


_Accumulator = "_Rate | _Mean"


class _People:
    """Distinct people, counted up to the suppression threshold (then just 'enough')."""

    __slots__ = ("cap", "ids")

    def __init__(self, cap: int) -> None:
        self.cap = cap
        self.ids: set[str] | None = set()

    def add(self, person: str) -> None:
        if self.ids is not None:
            self.ids.add(person)
            if len(self.ids) >= self.cap:
                self.ids = None

    @property
    def enough(self) -> bool:
        return self.ids is None


# -- report values ---------------------------------------------------------------------------


@attrs.frozen
class GroupFigure:
    """One metric for one group (or for everyone: dimension ``""``, group ``"all"``).

    Attributes:
        dimension: What the groups are formed by.
        group: The group's label.
        metric: The metric's name.
        n: Units counted (None when suppressed).
        value: The rate or the mean (None when suppressed or when n is 0).
        low: Lower end of its interval.
        high: Upper end of its interval.
        suppressed: Whether the group has fewer people than the minimum and is not shown.
    """

    dimension: str
    group: str
    metric: str
    n: int | None
    value: float | None
    low: float | None
    high: float | None
    suppressed: bool = False

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready data."""
        return _plain(attrs.asdict(self))


@attrs.frozen
class Comparison:
    """One group against another (or against the rest) on one metric.

    Attributes:
        dimension: What the groups are formed by.
        metric: The metric's name.
        group: The group compared.
        versus: The other group's label, or ``"rest"`` (every other shown group).
        n: Units in ``group``.
        n_versus: Units in the other side.
        value: The group's rate or mean.
        value_versus: The other side's.
        difference: ``value - value_versus`` (risk difference, or difference of means).
        low: Lower end of the difference's interval.
        high: Upper end of the difference's interval.
        cohens_h: Cohen's h for rates (None for means).
        test: ``fisher_exact``, ``permutation`` or ``welch``.
        p_value: The test's two-sided p-value.
        q_value: Benjamini–Hochberg adjusted across every comparison in the report.
        significant: ``q_value <= alpha``.
    """

    dimension: str
    metric: str
    group: str
    versus: str
    n: int
    n_versus: int
    value: float
    value_versus: float
    difference: float
    low: float
    high: float
    cohens_h: float | None
    test: str
    p_value: float
    q_value: float
    significant: bool

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready data."""
        return _plain(attrs.asdict(self))


@attrs.frozen
class MediatorFindings:
    """Neutrality findings in one mediator's cases.

    Attributes:
        mediator: The mediator's id.
        cases: Cases (None when suppressed).
        findings: Findings recorded in them (None when suppressed).
        per_case: Mean findings per case (None when suppressed).
        low: Lower end of its t interval.
        high: Upper end.
        suppressed: Fewer people in these cases than the minimum.
    """

    mediator: str
    cases: int | None
    findings: int | None
    per_case: float | None
    low: float | None
    high: float | None
    suppressed: bool = False

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready data."""
        return _plain(attrs.asdict(self))


@attrs.frozen
class SupervisorOverrides:
    """Blocks one supervisor overrode, over the cases it supervised.

    Attributes:
        supervisor: The supervisor's id.
        cases: Cases naming it as a supervisor (None when suppressed).
        overrides: Overrides it recorded (None when suppressed).
        cases_overridden: Cases in which it overrode at least once.
        rate: ``cases_overridden / cases``.
        low: Lower end of the rate's Wilson interval.
        high: Upper end.
        suppressed: Fewer people in these cases than the minimum.
    """

    supervisor: str
    cases: int | None
    overrides: int | None
    cases_overridden: int | None
    rate: float | None
    low: float | None
    high: float | None
    suppressed: bool = False

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready data."""
        return _plain(attrs.asdict(self))


def _plain(data: dict[str, Any]) -> dict[str, Any]:
    return {
        key: (None if isinstance(value, float) and not math.isfinite(value) else value)
        for key, value in data.items()
    }


def _is_share(metric: Metric) -> bool:
    return metric.kind == "rate" or metric.name.endswith("_share")


def _value_text(metric: Metric, value: float) -> str:
    return f"{100 * value:.0f}%" if _is_share(metric) else f"{value:.3g}"


def group_text(group: str, lang: str) -> str:
    """A dimension's or a group's name in ``lang``: built-in words (``role``, ``manager``,
    ``reports_to``) translated, crossed (``a × b``) and joined (``a+b``) names part by
    part, anything else (a mediator's id, a host's attribute or value) as it is.

    Args:
        group: The name as the audit gives it.
        lang: ``"en"`` or ``"zh"``.

    Returns:
        The name to show.
    """
    if lang == "en":
        return group
    crossed = [
        "+".join(Term(part).localized(lang) for part in piece.split("+"))
        for piece in group.replace("*", " × ").split(" × ")
    ]
    return " × ".join(crossed)


def test_name(test: str, lang: str) -> str:
    """The name of a statistical test (``fisher_exact``, ``welch``, ``permutation``).

    Args:
        test: As a comparison names it.
        lang: ``"en"`` or ``"zh"``.

    Returns:
        ``fisher exact`` in English, the catalog's words in another language.
    """
    return fill(_TESTS.get(test, test.replace("_", " ")), lang, {})


_TESTS = {
    "fisher_exact": N_("fisher exact"),
    "welch": N_("welch"),
    "permutation": N_("permutation"),
}

#: Words the audit's names are made of, marked so the catalogs translate them.
_GROUP_WORDS = (
    N_("role"),
    N_("position"),
    N_("relation"),
    N_("everyone"),
    N_("all"),
    N_("manager"),
    N_("subordinate"),
    N_("peer"),
    N_("manager and subordinate"),
    N_("staff"),
    N_("client"),
    N_("supplier"),
    N_("colleague"),
    N_("manages"),
    N_("reports to"),
    N_("other department"),
    N_("public"),
    N_("none"),
    N_("(unknown)"),
    N_("(no role)"),
)


def _probability_text(name: str, value: float) -> str:
    return f"{name} < 0.0001" if value < 0.0001 else f"{name} = {value:.2g}"


@attrs.frozen
class FairnessReport:
    """The result of a fairness audit: figures, comparisons and plain-words findings.

    Attributes:
        cases: Cases audited.
        parties: Party units (parties counted once per case).
        events: Events read.
        dimensions: Dimension name → what it groups by.
        metrics: The metrics reported (in order).
        overall: Every metric over everyone (dimension ``""``, group ``"all"``).
        groups: Every metric per group per dimension (suppressed groups included,
            without figures).
        comparisons: Tests, in report order, with q-values across all of them.
        mediators: Findings per mediator.
        supervisors: Overrides per supervisor.
        alpha: The false discovery rate the comparisons are held to.
        confidence: Coverage of every interval.
        min_people: Groups with fewer distinct people are suppressed.
        resamples: Permutations per permutation test.
        seed_note: How the random stream was given (for the reader's reproducibility).
    """

    cases: int
    parties: int
    events: int
    dimensions: Mapping[str, str]
    metrics: tuple[Metric, ...]
    overall: tuple[GroupFigure, ...]
    groups: tuple[GroupFigure, ...]
    comparisons: tuple[Comparison, ...]
    mediators: tuple[MediatorFindings, ...]
    supervisors: tuple[SupervisorOverrides, ...]
    alpha: float
    confidence: float
    min_people: int
    resamples: int
    seed_note: str = ""

    def metric(self, name: str) -> Metric:
        """The metric called ``name``.

        Raises:
            InvalidInput: no such metric.
        """
        try:
            return _METRIC_BY_NAME[name]
        except KeyError:
            raise InvalidInput.of(
                "unknown_metric", N_("unknown metric {name!r}"), name=name
            ) from None

    def significant(self) -> tuple[Comparison, ...]:
        """The comparisons that are significant after the false-discovery correction."""
        return tuple(c for c in self.comparisons if c.significant)

    def suppressed(self) -> tuple[tuple[str, str], ...]:
        """``(dimension, group)`` of every suppressed group."""
        seen: dict[tuple[str, str], None] = {}
        for figure in self.groups:
            if figure.suppressed:
                seen[(figure.dimension, figure.group)] = None
        return tuple(seen)

    def summary(self, lang: str = "en") -> list[str]:
        """What is and is not significant, in plain words (one sentence each).

        Args:
            lang: ``"en"`` or ``"zh"`` (checked by the caller).

        Returns:
            The sentences.
        """
        confidence = f"{100 * self.confidence:.0f}%"
        lines = [
            fill(
                N_(
                    "{cases} cases and {parties} party places audited. Intervals are "
                    "{confidence} intervals; differences count as significant when their "
                    "Benjamini–Hochberg q-value is at most {alpha:g} across all {compared} "
                    "comparisons shown."
                ),
                lang,
                {
                    "cases": self.cases,
                    "parties": self.parties,
                    "confidence": confidence,
                    "alpha": self.alpha,
                    "compared": len(self.comparisons),
                },
            )
        ]
        found = self.significant()
        for c in found:
            metric = _METRIC_BY_NAME[c.metric]
            direction = N_("higher") if c.difference > 0 else N_("lower")
            dimension = group_text(c.dimension, lang)
            other = (
                fill(N_("the other groups"), lang, {})
                if c.versus == "rest"
                else fill(
                    N_("{dimension} {group}"),
                    lang,
                    {"dimension": dimension, "group": group_text(c.versus, lang)},
                )
            )
            lines.append(
                fill(
                    N_(
                        "Significant: {metric} is {direction} for {dimension} {group} than "
                        "for {other}: {value} vs {versus} (difference {difference}; "
                        "{p}, {q}; {test})."
                    ),
                    lang,
                    {
                        "metric": fill(metric.label, lang, {}),
                        "direction": fill(direction, lang, {}),
                        "dimension": dimension,
                        "group": group_text(c.group, lang),
                        "other": other,
                        "value": _value_text(metric, c.value),
                        "versus": _value_text(metric, c.value_versus),
                        "difference": self._difference_text(metric, c, lang),
                        "p": _probability_text("p", c.p_value),
                        "q": _probability_text("q", c.q_value),
                        "test": test_name(c.test, lang),
                    },
                )
            )
        tested: dict[tuple[str, str], list[Comparison]] = {}
        for c in self.comparisons:
            tested.setdefault((c.dimension, c.metric), []).append(c)
        quiet = [
            (dimension, name)
            for (dimension, name), items in tested.items()
            if not any(item.significant for item in items)
        ]
        if not found:
            lines.append(
                fill(
                    N_(
                        "No difference between groups is significant. That is not proof that "
                        "there is none: small groups have wide intervals."
                    ),
                    lang,
                    {},
                )
            )
        elif quiet:
            by_dimension: dict[str, list[str]] = {}
            for dimension, name in quiet:
                label = fill(_METRIC_BY_NAME[name].label, lang, {})
                by_dimension.setdefault(dimension, []).append(label)
            for dimension, labels in by_dimension.items():
                lines.append(
                    fill(
                        N_("Not significant by {dimension}: {metrics}."),
                        lang,
                        {
                            "dimension": group_text(dimension, lang),
                            "metrics": join_list(labels, lang),
                        },
                    )
                )
        suppressed = self.suppressed()
        if suppressed:
            names = join_list(
                (
                    fill(
                        N_("{dimension} {group}"),
                        lang,
                        {
                            "dimension": group_text(dimension, lang),
                            "group": group_text(group, lang),
                        },
                    )
                    for dimension, group in suppressed
                ),
                lang,
            )
            lines.append(
                fill(
                    N_("Suppressed (n<{least} people), not shown or tested: {names}."),
                    lang,
                    {"least": self.min_people, "names": names},
                )
            )
        return lines

    @staticmethod
    def _difference_text(metric: Metric, c: Comparison, lang: str = "en") -> str:
        if metric.kind == "rate" or metric.name.endswith("_share"):
            points = fill(
                N_("{difference:+.0f} points, {low:+.0f} to {high:+.0f}"),
                lang,
                {"difference": 100 * c.difference, "low": 100 * c.low, "high": 100 * c.high},
            )
            if c.cohens_h is not None:
                points += fill(N_(", Cohen's h {h:+.2f}"), lang, {"h": c.cohens_h})
            return points
        return fill(
            N_("{difference:+.3g}, {low:+.3g} to {high:+.3g}"),
            lang,
            {"difference": c.difference, "low": c.low, "high": c.high},
        )

    def to_dict(self) -> dict[str, Any]:
        """The report as plain JSON-ready data (no NaN or infinity: those become null)."""
        return {
            "cases": self.cases,
            "parties": self.parties,
            "events": self.events,
            "alpha": self.alpha,
            "confidence": self.confidence,
            "min_people": self.min_people,
            "resamples": self.resamples,
            "seed": self.seed_note,
            "dimensions": dict(self.dimensions),
            "metrics": [
                {"name": m.name, "label": m.label, "kind": m.kind, "unit": m.unit}
                for m in self.metrics
            ],
            "overall": [figure.to_dict() for figure in self.overall],
            "groups": [figure.to_dict() for figure in self.groups],
            "comparisons": [c.to_dict() for c in self.comparisons],
            "mediators": [m.to_dict() for m in self.mediators],
            "supervisors": [s.to_dict() for s in self.supervisors],
            "summary": self.summary(),
        }


# -- the audit -------------------------------------------------------------------------------


class FairnessAudit:
    """Accumulates case records and reports per-group figures with honest statistics.

    Args:
        by: Dimensions to group by: built-in ones (:data:`BUILTIN_DIMENSIONS`) or host
            attributes (a party's ``department``; a mediator's ``mediator.grade``), or
            two crossed with ``*`` (``mediator*position``).
        attributes: Person id → attributes, as a mapping or a lookup function; needed
            for host-attribute dimensions. Kept out of the immutable log on purpose.
        min_people: Groups with fewer distinct people are suppressed (default 5).
        missing: What to do with a person the attributes do not cover: ``error``
            (default) or ``group`` (put them in the group ``(unknown)``).
        alpha: False discovery rate for the Benjamini–Hochberg correction.
        confidence: Coverage of the intervals.
        permutation_limit: Largest number of units (both sides together) a mean is
            compared by a permutation test; beyond it Welch's t-test is used.

    Raises:
        UnknownDimension: a dimension is not built in and not among the attributes.
        InvalidInput: a bad setting.
    """

    def __init__(
        self,
        by: Sequence[str] = DEFAULT_DIMENSIONS,
        *,
        attributes: Mapping[str, Mapping[str, str]] | AttributeLookup | None = None,
        min_people: int = 5,
        missing: str = "error",
        alpha: float = 0.05,
        confidence: float = 0.95,
        permutation_limit: int = 200,
    ) -> None:
        if isinstance(by, str):
            by = [part for part in by.split(",") if part.strip()]
        if not by:
            raise UnknownDimension.of(
                "give_least_dimension", N_("give at least one dimension to group by")
            )
        if isinstance(min_people, bool) or not isinstance(min_people, int) or min_people < 1:
            raise InvalidInput.of(
                "min_people_whole",
                N_("min_people must be a whole number >= 1; got {min_people!r}"),
                min_people=min_people,
            )
        if missing not in ("error", "group"):
            raise InvalidInput.of(
                "missing_error_group",
                N_("missing must be 'error' or 'group'; got {missing!r}"),
                missing=missing,
            )
        if not isinstance(alpha, (int, float)) or not 0 < alpha < 1:
            raise InvalidInput.of(
                "alpha_between", N_("alpha must be between 0 and 1; got {alpha!r}"), alpha=alpha
            )
        stats.wilson_interval(0, 0, confidence)  # validates the confidence
        if (
            isinstance(permutation_limit, bool)
            or not isinstance(permutation_limit, int)
            or permutation_limit < 2
        ):
            raise InvalidInput.of(
                "permutation_limit",
                N_("permutation_limit must be >= 2; got {permutation_limit!r}"),
                permutation_limit=permutation_limit,
            )
        columns: frozenset[str] | None
        lookup: AttributeLookup | None
        if attributes is None:
            columns, lookup = None, None
        elif isinstance(attributes, Mapping):
            table = attributes
            columns = frozenset(key for row in table.values() for key in row)
            lookup = table.get
        elif callable(attributes):
            columns, lookup = frozenset(), attributes
        else:
            raise InvalidInput.of(
                "attributes_mapping_function",
                N_("attributes must be a mapping or a function of an id; got {attributes!r}"),
                attributes=attributes,
            )
        dimensions = [_dimension(name, columns) for name in by]
        names = [d.name for d in dimensions]
        duplicates = sorted({name for name in names if names.count(name) > 1})
        if duplicates:
            raise InvalidInput.of(
                "dimension_named_twice",
                N_("dimension named twice: {duplicates}"),
                duplicates=duplicates,
            )
        self._dimensions = tuple(dimensions)
        self._lookup = lookup
        self._missing = missing
        self.min_people = min_people
        self.alpha = float(alpha)
        self.confidence = float(confidence)
        self._keep = permutation_limit
        self._level_metrics = {
            level: tuple(m for m in METRICS if level in m.levels) for level in ("case", "party")
        }
        self._case_wide = frozenset(m for m in self._level_metrics["party"] if m.case_wide)
        """Metrics whose value is the case's, not the party's: counted once per case in
        each group of a party dimension (two peers of one case are not two cases)."""
        self._cells: dict[tuple[str, str], dict[str, _Rate | _Mean]] = {}
        self._people: dict[tuple[str, str], _People] = {}
        self._overall: dict[str, _Rate | _Mean] = {m.name: self._new(m) for m in METRICS}
        self._mediators: dict[str, tuple[_Mean, _People]] = {}
        self._supervisors: dict[str, list[Any]] = {}
        self.cases = 0
        self.parties = 0
        self.events = 0

    def _new(self, metric: Metric) -> _Rate | _Mean:
        return _Rate() if metric.kind == "rate" else _Mean(self._keep)

    def _attribute(self, person: str, attribute: str, case_id: str) -> str:
        assert self._lookup is not None
        row = self._lookup(person)
        value = row.get(attribute) if row is not None else None
        if value is None or value == "":
            if self._missing == "group":
                return "(unknown)"
            what = (
                Phrase(N_("no attributes"))
                if row is None
                else Phrase(N_("no {attribute} attribute"), attribute=repr(attribute))
            )
            raise MissingAttributes.of(
                "missing_attributes",
                N_(
                    "{person!r} (in case {case_id!r}) has {what} in the attributes given; add "
                    "them, or group unknown people together (missing='group', --missing-as-group)"
                ),
                person=person,
                case_id=case_id,
                what=what,
            )
        return str(value)

    def _group(self, dimension: _Dimension, case: CaseRecord, party: PartyRecord | None) -> str:
        if dimension.parts:
            return " × ".join(self._group(part, case, party) for part in dimension.parts)
        name = dimension.name
        if name == "role":
            assert party is not None
            return party.role or "(no role)"
        if name == "position":
            assert party is not None
            return party.position
        if name == "mediator":
            return case.mediator
        if name == "relation":
            return "+".join(case.relation_kinds) or "none"
        if dimension.level == "party":
            assert party is not None
            return self._attribute(party.id, dimension.attribute, case.case_id)
        return self._attribute(case.mediator, dimension.attribute, case.case_id)

    def _cell(self, key: tuple[str, str], level: str) -> dict[str, _Rate | _Mean]:
        cell = self._cells.get(key)
        if cell is None:
            cell = self._cells[key] = {m.name: self._new(m) for m in self._level_metrics[level]}
            self._people[key] = _People(self.min_people)
        return cell

    def add(self, case: CaseRecord) -> None:
        """Count one case.

        Raises:
            MissingAttributes: someone in it is not covered by the attributes (unless
                ``missing='group'``).
        """
        self.cases += 1
        self.events += case.events
        self.parties += len(case.parties)
        case_values = [(m, m.value(case, None)) for m in self._level_metrics["case"]]
        overall = self._overall
        for metric, value in case_values:
            if value is not None:
                overall[metric.name].add(value)
        party_values = [
            (party, [(m, m.value(case, party)) for m in self._level_metrics["party"]])
            for party in case.parties
        ]
        for _party, values in party_values:
            for metric, value in values:
                if value is not None and "case" not in metric.levels:
                    overall[metric.name].add(value)
        for dimension in self._dimensions:
            if dimension.level == "case":
                key = (dimension.name, self._group(dimension, case, None))
                cell = self._cell(key, "case")
                people = self._people[key]
                for party in case.parties:
                    people.add(party.id)
                for metric, value in case_values:
                    if value is not None:
                        cell[metric.name].add(value)
            else:
                counted: set[tuple[str, str]] = set()
                for party, values in party_values:
                    key = (dimension.name, self._group(dimension, case, party))
                    cell = self._cell(key, "party")
                    self._people[key].add(party.id)
                    once = key in counted  # a second party of this case in this group
                    counted.add(key)
                    for metric, value in values:
                        if value is None or (once and metric in self._case_wide):
                            continue
                        cell[metric.name].add(value)
        entry = self._mediators.get(case.mediator)
        if entry is None:
            entry = self._mediators[case.mediator] = (_Mean(0), _People(self.min_people))
        entry[0].add(float(case.findings))
        for party in case.parties:
            entry[1].add(party.id)
        for supervisor in case.supervisors if case.overrides is not None else ():
            row = self._supervisors.get(supervisor)
            if row is None:
                row = self._supervisors[supervisor] = [0, 0, 0, _People(self.min_people)]
            overrides = case.overrides.get(supervisor, 0)  # type: ignore[union-attr]
            row[0] += 1
            row[1] += overrides
            row[2] += 1 if overrides else 0
            for party in case.parties:
                row[3].add(party.id)

    def add_all(self, cases: Iterable[CaseRecord]) -> FairnessAudit:
        """Count every case of ``cases`` (see :meth:`add`); returns the audit itself."""
        for case in cases:
            self.add(case)
        return self

    # -- reporting -------------------------------------------------------------------------

    def _figure(
        self, dimension: str, group: str, metric: Metric, acc: _Rate | _Mean
    ) -> GroupFigure:
        if isinstance(acc, _Rate):
            if acc.n == 0:
                return GroupFigure(dimension, group, metric.name, 0, None, None, None)
            low, high = stats.wilson_interval(acc.yes, acc.n, self.confidence)
            return GroupFigure(dimension, group, metric.name, acc.n, acc.yes / acc.n, low, high)
        if acc.n == 0:
            return GroupFigure(dimension, group, metric.name, 0, None, None, None)
        low, high = stats.mean_interval(acc.n, acc.mean, acc.variance, self.confidence)
        return GroupFigure(dimension, group, metric.name, acc.n, acc.mean, low, high)

    def _compare(
        self,
        dimension: str,
        metric: Metric,
        group: str,
        versus: str,
        a: _Rate | _Mean,
        b: _Rate | _Mean,
        rng: Random,
        resamples: int,
    ) -> dict[str, Any] | None:
        if a.n == 0 or b.n == 0:
            return None
        if isinstance(a, _Rate) and isinstance(b, _Rate):
            difference, low, high = stats.risk_difference(a.yes, a.n, b.yes, b.n, self.confidence)
            p = stats.fisher_exact(a.yes, a.n - a.yes, b.yes, b.n - b.yes)
            h = stats.cohens_h(a.yes / a.n, b.yes / b.n)
            return {
                "dimension": dimension,
                "metric": metric.name,
                "group": group,
                "versus": versus,
                "n": a.n,
                "n_versus": b.n,
                "value": a.yes / a.n,
                "value_versus": b.yes / b.n,
                "difference": difference,
                "low": low,
                "high": high,
                "cohens_h": h,
                "test": "fisher_exact",
                "p_value": p,
            }
        assert isinstance(a, _Mean) and isinstance(b, _Mean)
        if a.n < 2 or b.n < 2:
            return None
        p_welch, low, high = stats.welch_test(
            a.n, a.mean, a.variance, b.n, b.mean, b.variance, self.confidence
        )
        test, p = "welch", p_welch
        if a.values is not None and b.values is not None and a.n + b.n <= self._keep:
            test, p = "permutation", stats.permutation_test(a.values, b.values, rng, resamples)
        return {
            "dimension": dimension,
            "metric": metric.name,
            "group": group,
            "versus": versus,
            "n": a.n,
            "n_versus": b.n,
            "value": a.mean,
            "value_versus": b.mean,
            "difference": a.mean - b.mean,
            "low": low,
            "high": high,
            "cohens_h": None,
            "test": test,
            "p_value": p,
        }

    def report(self, rng: Random, *, resamples: int = 999, seed_note: str = "") -> FairnessReport:
        """Compute the figures, tests and corrections.

        Args:
            rng: The random stream of the permutation tests (seed it: the same seed
                gives the same p-values).
            resamples: Permutations per permutation test.
            seed_note: How ``rng`` was seeded, recorded in the report.

        Returns:
            The report.

        Raises:
            EmptyAudit: no case was added.
        """
        if self.cases == 0:
            raise EmptyAudit.of("nothing_audit_there", N_("nothing to audit: there are no cases"))
        if isinstance(resamples, bool) or not isinstance(resamples, int) or resamples < 1:
            raise InvalidInput.of(
                "resamples_whole_number",
                N_("resamples must be a whole number >= 1; got {resamples!r}"),
                resamples=resamples,
            )
        overall = tuple(
            self._figure("", "all", metric, self._overall[metric.name]) for metric in METRICS
        )
        groups: list[GroupFigure] = []
        pending: list[dict[str, Any]] = []
        for dimension in self._dimensions:
            labels = sorted(group for (name, group) in self._cells if name == dimension.name)
            shown = [g for g in labels if self._people[(dimension.name, g)].enough]
            for metric in self._level_metrics[dimension.level]:
                for group in labels:
                    acc = self._cells[(dimension.name, group)][metric.name]
                    if group in shown:
                        groups.append(self._figure(dimension.name, group, metric, acc))
                    else:
                        groups.append(
                            GroupFigure(
                                dimension.name, group, metric.name, None, None, None, None, True
                            )
                        )
                cells = {g: self._cells[(dimension.name, g)][metric.name] for g in shown}
                pairs: list[tuple[str, str, _Rate | _Mean, _Rate | _Mean]] = []
                if len(shown) == 2:
                    first, second = shown
                    pairs.append((first, second, cells[first], cells[second]))
                elif len(shown) > 2:
                    for group in shown:
                        rest = [cells[g] for g in shown if g != group]
                        merged = rest[0].merged(rest[1:])  # type: ignore[arg-type]
                        pairs.append((group, "rest", cells[group], merged))
                for group, versus, a, b in pairs:
                    done = self._compare(
                        dimension.name, metric, group, versus, a, b, rng, resamples
                    )
                    if done is not None:
                        pending.append(done)
        q_values = stats.benjamini_hochberg([item["p_value"] for item in pending])
        comparisons = tuple(
            Comparison(**item, q_value=q, significant=q <= self.alpha)
            for item, q in zip(pending, q_values, strict=True)
        )
        mediators = []
        for mediator in sorted(self._mediators):
            acc, people = self._mediators[mediator]
            if not people.enough:
                mediators.append(MediatorFindings(mediator, None, None, None, None, None, True))
                continue
            low, high = stats.mean_interval(acc.n, acc.mean, acc.variance, self.confidence)
            mediators.append(
                MediatorFindings(mediator, acc.n, round(acc.mean * acc.n), acc.mean, low, high)
            )
        supervisors = []
        for supervisor in sorted(self._supervisors):
            cases, overrides, overridden, people = self._supervisors[supervisor]
            if not people.enough:
                supervisors.append(
                    SupervisorOverrides(supervisor, None, None, None, None, None, None, True)
                )
                continue
            low, high = stats.wilson_interval(overridden, cases, self.confidence)
            supervisors.append(
                SupervisorOverrides(
                    supervisor, cases, overrides, overridden, overridden / cases, low, high
                )
            )
        return FairnessReport(
            cases=self.cases,
            parties=self.parties,
            events=self.events,
            dimensions={d.name: d.label for d in self._dimensions},
            metrics=METRICS,
            overall=overall,
            groups=tuple(groups),
            comparisons=comparisons,
            mediators=tuple(mediators),
            supervisors=tuple(supervisors),
            alpha=self.alpha,
            confidence=self.confidence,
            min_people=self.min_people,
            resamples=resamples,
            seed_note=seed_note,
        )


def audit_records(
    records: Iterable[CaseRecord],
    by: Sequence[str] = DEFAULT_DIMENSIONS,
    *,
    rng: Random | None = None,
    seed: int = 0,
    resamples: int = 999,
    **options: Any,
) -> FairnessReport:
    """Audit case records in one call (see :class:`FairnessAudit` for ``options``).

    Args:
        records: The cases, e.g. ``map(project, histories)``; read once, in one pass.
        by: Dimensions to group by.
        rng: The random stream of the permutation tests; default ``Random(seed)``.
        seed: Seed of the default stream.
        resamples: Permutations per permutation test.
        **options: Keyword arguments of :class:`FairnessAudit`.

    Returns:
        The report.

    Raises:
        UnknownDimension: a dimension that is neither built in nor an attribute.
        MissingAttributes: a person the attributes do not cover.
        EmptyAudit: no records.
    """
    audit = FairnessAudit(by, **options)
    audit.add_all(records)
    stream = rng if rng is not None else Random(seed)
    note = "caller's random stream" if rng is not None else f"Random({seed})"
    return audit.report(stream, resamples=resamples, seed_note=note)
