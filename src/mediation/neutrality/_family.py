"""What the registry knows about a check family: its code, title, source and check."""

from __future__ import annotations

from collections.abc import Callable

import attrs

from mediation._checks import Check, CheckContext, Finding
from mediation.state import CaseState

__all__ = ["Family", "FamilyCheck"]


@attrs.frozen
class Family:
    """One check family, as listed in the registry and the report.

    A family is either *configurable* (a policy field of the same name sets its mode; its
    :attr:`check`, if any, runs on every forward move) or *enforced* by the process itself
    (an obligation, not a threshold: the report shows whether the process waits for it).

    Attributes:
        code: Stable identifier, e.g. ``"voice_balance"``; the docs page and the module
            of the family carry the same name.
        title: The heading the report shows.
        source: The standard the family comes from.
        check: The check run on forward moves (None for enforced families and for checks
            run elsewhere, such as responsiveness).
        enforced: Whether the process enforces the obligation (not configurable).
        waiting: Whether the process waits for the family's obligation now (for an
            enforced family, or a configurable one with an enforced part, such as the
            disclosure of conflicts of interest).
    """

    code: str
    title: str
    source: str
    check: Check | None = None
    enforced: bool = False
    waiting: Callable[[CaseState], bool] | None = None

    def status(self, state: CaseState) -> str:
        """The report status of a family without findings: ``waiting`` or ``ok``.

        Args:
            state: The case's state.

        Returns:
            ``waiting`` while the process waits for the obligation, else ``ok``.
        """
        return "waiting" if self.waiting is not None and self.waiting(state) else "ok"


class FamilyCheck:
    """The common part of the built-in checks: :meth:`evaluate` asks the family.

    A built-in check is an attrs-frozen subclass with the :class:`~mediation.neutrality.Check`
    fields ``code``, ``source`` and ``default_mode``; its ``_findings(context)`` returns the
    findings its class docstring lists, each built with :meth:`Finding.of
    <mediation.errors.Reason.of>` from the family's ``MESSAGES`` table.
    """

    __slots__ = ()

    def evaluate(self, context: CheckContext) -> list[Finding]:
        """Return the family's findings for the move in ``context`` (which ones, and
        when, the family's class says).

        Args:
            context: The state and the move being attempted.

        Returns:
            The findings, without modes (the registry applies the policy's).
        """
        return self._findings(context)

    def _findings(self, context: CheckContext) -> list[Finding]:
        raise NotImplementedError(type(self).__name__)
