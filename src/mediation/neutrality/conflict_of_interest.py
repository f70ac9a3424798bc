"""Conflict of interest (enforced): disclosure before listening, consent after it.

Page: ``docs/neutrality/conflict-of-interest.md``. The process enforces it through the
guards ``disclosure_made`` and ``consent_current``; the report shows ``waiting`` while the
disclosure is outstanding.
"""

from __future__ import annotations

from mediation.guards import disclosure_made
from mediation.neutrality._family import Family
from mediation.neutrality._standards import STD_III
from mediation.state import CaseState

__all__ = ["FAMILY", "SOURCE", "waiting_for_disclosure"]

SOURCE = STD_III
"""Model Standards Std. III; Uniform Mediation Act §9; European Code 2.1."""


def waiting_for_disclosure(state: CaseState) -> bool:
    """Whether the mediator still has relationships to disclose.

    Args:
        state: The case's state.

    Returns:
        True while guard ``disclosure_made`` fails.
    """
    return bool(disclosure_made(state))


FAMILY = Family(
    "conflict_of_interest",
    "Conflict of interest",
    SOURCE,
    enforced=True,
    waiting=waiting_for_disclosure,
)
