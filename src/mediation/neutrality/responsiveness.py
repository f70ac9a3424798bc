"""Responsiveness (configurable): stage deadlines, reviewed on request.

Page: ``docs/neutrality/responsiveness.md``. It has no check on forward moves: the case
records ``deadline_passed`` findings when deadlines are reviewed
(:meth:`~mediation.Mediation.review_deadlines`), citing :data:`SOURCE`.
"""

from __future__ import annotations

from mediation.i18n import N_
from mediation.neutrality._family import Family
from mediation.neutrality._standards import STD_VI

__all__ = ["FAMILY", "MESSAGES", "SOURCE"]

MESSAGES = {
    "deadline_passed": N_("stage {stage} was due {due}; overdue by {overdue}"),
}
"""Finding code → message template (English; translated through the catalogs)."""

SOURCE = STD_VI
"""Model Standards Std. VI (Quality of the Process: timeliness)."""

FAMILY = Family("responsiveness", N_("Responsiveness"), SOURCE)
