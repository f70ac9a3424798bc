"""Self-determination (enforced): only parties consent, accept and sign.

Page: ``docs/neutrality/self-determination.md``. The case's role rules enforce it; there
is nothing to configure and nothing to wait for.
"""

from __future__ import annotations

from mediation.i18n import N_
from mediation.neutrality._family import Family
from mediation.neutrality._standards import STD_I

__all__ = ["FAMILY", "SOURCE"]

SOURCE = STD_I
"""Model Standards Std. I (Self-Determination)."""

FAMILY = Family("self_determination", N_("Self-determination"), SOURCE, enforced=True)
