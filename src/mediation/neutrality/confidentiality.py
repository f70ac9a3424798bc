"""Confidentiality (enforced): caucus notes belong to their party.

Page: ``docs/neutrality/confidentiality.md``. The case's reader views enforce it; there is
nothing to configure and nothing to wait for.
"""

from __future__ import annotations

from mediation.neutrality._family import Family
from mediation.neutrality._standards import STD_V

__all__ = ["FAMILY", "SOURCE"]

SOURCE = STD_V
"""Model Standards Std. V (Confidentiality); Uniform Mediation Act §7."""

FAMILY = Family("confidentiality", "Confidentiality", SOURCE, enforced=True)
