"""Informed consent and voluntariness (enforced): current consent, withdrawal any time.

Page: ``docs/neutrality/informed-consent.md``. The process enforces it through the guard
``consent_current`` and by never refusing a withdrawal; the report shows ``waiting``
while a party's consent is outstanding.
"""

from __future__ import annotations

from mediation.guards import consent_current
from mediation.i18n import N_
from mediation.neutrality._family import Family
from mediation.neutrality._standards import STD_I
from mediation.state import CaseState

__all__ = ["FAMILY", "SOURCE", "waiting_for_consent"]

SOURCE = STD_I + "; voluntary participation, withdrawal at any time"
"""Model Standards Std. I, with voluntary participation."""


def waiting_for_consent(state: CaseState) -> bool:
    """Whether a party has yet to consent after the latest disclosure.

    Args:
        state: The case's state.

    Returns:
        True while guard ``consent_current`` fails.
    """
    return bool(consent_current(state))


FAMILY = Family(
    "informed_consent",
    N_("Informed consent and voluntariness"),
    SOURCE,
    enforced=True,
    waiting=waiting_for_consent,
)
