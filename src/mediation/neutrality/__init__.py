"""Neutrality: checks grounded in mediator standards, findings, and the report.

Checks run when a case is about to move on (``advance`` and settlement). Each returns
:class:`Finding` values — a stable code, a plain-words message, the parties concerned and
the standard it comes from. What happens next is the policy's choice, per check:
``block`` refuses the stage change with :class:`~mediation.errors.TransitionRefused`
listing the findings (a supervisor may override with a recorded reason), ``warn`` records
the findings as events and goes on, ``off`` skips the check.

The checks read running figures that the state fold keeps up to date in O(1) per event
(airtime and turns per stage and party, confirmed restatements, caucus offers and time,
mediator interventions per party); nothing re-scans the history.

Some obligations are enforced by the process itself rather than by a configurable check
(they are not thresholds): disclosure and consent (guards ``disclosure_made`` and
``consent_current``; conflicts that disclosure does not cure are the configurable
``conflict_of_interest`` check), informed and voluntary participation
(withdrawal is never refused), self-determination (only parties consent, accept and sign)
and caucus confidentiality (notes belong to their party). The report shows them too.

Label-blindness: every figure is a symmetric function of the per-party values, so
renaming the parties renames every per-party figure and finding and changes no verdict.

The package has one module per check family, named like its page under
``docs/neutrality/``, each holding the family's check (a class written against the same
:class:`Check` protocol as a host's), its source and its :class:`Family` entry;
:mod:`~mediation.neutrality.registry` lists the families and runs the checks,
:mod:`~mediation.neutrality.measures` holds the shared measures and
:mod:`~mediation.neutrality.report` the report. Adding a family means adding a module, a
line in :data:`~mediation.neutrality.registry.FAMILIES` and a docs page. Everything is
importable from ``mediation.neutrality`` itself.
"""

from __future__ import annotations

from mediation._checks import Check, CheckContext, Finding
from mediation.neutrality._family import Family
from mediation.neutrality._standards import STD_I, STD_II, STD_III, STD_V, STD_VI
from mediation.neutrality.caucus_balance import CaucusBalanceCheck
from mediation.neutrality.caucus_parity import CaucusParityCheck
from mediation.neutrality.conflict_of_interest import (
    ConflictOfInterestCheck,
    disqualifying_relations,
    relation_in_words,
)
from mediation.neutrality.exact import lower_tail, underserved
from mediation.neutrality.joint_voice import JointVoiceCheck
from mediation.neutrality.major_differences import MajorDifferencesCheck, open_major
from mediation.neutrality.measures import gini, max_min_ratio
from mediation.neutrality.mediator_conduct import MediatorConductCheck
from mediation.neutrality.mediator_style import MediatorStyleCheck
from mediation.neutrality.power_imbalance import PowerImbalanceCheck, subordinates
from mediation.neutrality.pressure import PressureCheck
from mediation.neutrality.reciprocity import ReciprocityCheck
from mediation.neutrality.registry import (
    BUILTIN_CHECKS,
    CHECKED_TRIGGERS,
    FAMILIES,
    SOURCES,
    TITLES,
    checks_in_force,
    evaluate,
    finding_fields,
    recorded_finding,
)
from mediation.neutrality.relationship_safeguards import RelationshipSafeguardsCheck
from mediation.neutrality.report import (
    CheckStatus,
    NeutralityReport,
    PartyFigures,
    ReportedCase,
    neutrality_report,
)
from mediation.neutrality.screening import ScreeningCheck, unscreened
from mediation.neutrality.threat_language import ThreatLanguageCheck
from mediation.neutrality.voice_balance import VoiceBalanceCheck

__all__ = [
    "BUILTIN_CHECKS",
    "CHECKED_TRIGGERS",
    "FAMILIES",
    "SOURCES",
    "STD_I",
    "STD_II",
    "STD_III",
    "STD_V",
    "STD_VI",
    "TITLES",
    "CaucusBalanceCheck",
    "CaucusParityCheck",
    "Check",
    "CheckContext",
    "CheckStatus",
    "ConflictOfInterestCheck",
    "Family",
    "Finding",
    "JointVoiceCheck",
    "MajorDifferencesCheck",
    "MediatorConductCheck",
    "MediatorStyleCheck",
    "NeutralityReport",
    "PartyFigures",
    "PowerImbalanceCheck",
    "PressureCheck",
    "ReciprocityCheck",
    "RelationshipSafeguardsCheck",
    "ReportedCase",
    "ScreeningCheck",
    "ThreatLanguageCheck",
    "VoiceBalanceCheck",
    "checks_in_force",
    "disqualifying_relations",
    "evaluate",
    "finding_fields",
    "gini",
    "lower_tail",
    "max_min_ratio",
    "neutrality_report",
    "open_major",
    "recorded_finding",
    "relation_in_words",
    "subordinates",
    "underserved",
    "unscreened",
]
