"""``mediation.fairness``: audits across cases, to find systematic bias in a whole store.

Neutrality checks look inside one case; this looks across many. Per group — by the
party's role or position, the relation between the parties, the mediator, or any
attribute the host supplies at audit time (department, grade, ...; never written into
the immutable log) — and overall, it reports settlement, withdrawal, escalation and
pause rates, time to close, whose proposal became the agreement, airtime and attention
shares, findings per mediator and overrides per supervisor, each with an interval; it
compares the groups with exact or permutation tests, gives effect sizes beside the
p-values, controls the false discovery rate across every comparison shown, and
suppresses groups with fewer than five people.

Layers: :mod:`mediation.stats` (pure statistics) ← :func:`project` and
:class:`FairnessAudit` (pure metric definitions over per-case :class:`CaseRecord`
projections, used for stores and simulations alike) ← :func:`audit_store` (a streaming
pass over any :class:`~mediation.store.EventStore`) and the HTML/JSON writers.
"""

from mediation.fairness._audit import (
    BUILTIN_DIMENSIONS,
    DEFAULT_DIMENSIONS,
    METRICS,
    AttributeLookup,
    Comparison,
    EmptyAudit,
    FairnessAudit,
    FairnessReport,
    GroupFigure,
    MediatorFindings,
    Metric,
    MissingAttributes,
    SupervisorOverrides,
    UnknownDimension,
    audit_records,
)
from mediation.fairness._example import EXAMPLE_MEDIATORS, example_attributes, example_cases
from mediation.fairness._records import CaseRecord, PartyRecord, position_of, project
from mediation.fairness._render import render_html, to_json
from mediation.fairness._source import AttributesError, audit_store, load_attributes

__all__ = [
    "BUILTIN_DIMENSIONS",
    "DEFAULT_DIMENSIONS",
    "EXAMPLE_MEDIATORS",
    "METRICS",
    "AttributeLookup",
    "AttributesError",
    "CaseRecord",
    "Comparison",
    "EmptyAudit",
    "FairnessAudit",
    "FairnessReport",
    "GroupFigure",
    "MediatorFindings",
    "Metric",
    "MissingAttributes",
    "PartyRecord",
    "SupervisorOverrides",
    "UnknownDimension",
    "audit_records",
    "audit_store",
    "example_attributes",
    "example_cases",
    "load_attributes",
    "position_of",
    "project",
    "render_html",
    "to_json",
]
