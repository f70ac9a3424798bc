"""The contract between a case and its neutrality checks: findings, context, protocol.

This module sits just above :mod:`mediation.state` so that :mod:`mediation.process` can
accept a host's checks (``Process(..., checks=...)``) without importing the checks
themselves. Users import these names from :mod:`mediation.neutrality` (or ``mediation``);
the built-in checks, written against exactly this protocol, live there too.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Protocol, runtime_checkable

import attrs

from mediation.errors import Reason
from mediation.policy import Mode, Policy
from mediation.state import CaseState

__all__ = ["Check", "CheckContext", "Finding"]


@attrs.frozen
class Finding(Reason):
    """Something a neutrality check found.

    Attributes:
        check: The check family, e.g. ``"voice_balance"``.
        source: The standard the check comes from.
        mode: ``block`` or ``warn`` under the case's policy.
        figures: The measured values behind the finding (for reports).
        evidence: The seqs of the events the finding rests on, ascending (recorded with
            it, shown by the report).

    Build one with :meth:`Finding.of <mediation.errors.Reason.of>` (a code, an ``N_``-marked
    template and its parameters) so :meth:`message_in` can show it in every language the
    library has a catalog for; a finding given as plain text is shown in English only.
    """

    check: str = attrs.field(default="", kw_only=True)
    source: str = attrs.field(default="", kw_only=True)
    mode: Mode = attrs.field(default=Mode.WARN, kw_only=True)
    figures: Mapping[str, float] = attrs.field(factory=dict, kw_only=True, eq=False, hash=False)
    evidence: tuple[int, ...] = attrs.field(default=(), kw_only=True, eq=False)

    @property
    def blocking(self) -> bool:
        """Whether the finding refuses the stage change."""
        return self.mode is Mode.BLOCK

    @property
    def is_finding(self) -> bool:
        """Always True: this reason comes from a neutrality check."""
        return True


def _policy_in_force(context: CheckContext) -> Policy:
    return context.state.policy


def _parties_taking_part(context: CheckContext) -> tuple[str, ...]:
    return tuple(context.state.active)


@attrs.frozen
class CheckContext:
    """What a check sees: the state, the policy and the move being attempted.

    A context is made for one evaluation of the checks; ``policy`` and ``parties`` are
    read from the state when it is made (every check of the move reads them: about twenty
    times a move).

    Attributes:
        state: The case's state before the move.
        trigger: The move, e.g. ``"advance"`` or ``"settle"``.
        source: The stage the case leaves.
        dest: The stage the case would enter.
        policy: The policy in force.
        parties: The parties taking part, in case order.
    """

    state: CaseState
    trigger: str
    source: str
    dest: str
    policy: Policy = attrs.field(
        init=False,
        eq=False,
        repr=False,
        default=attrs.Factory(_policy_in_force, takes_self=True),
    )
    parties: tuple[str, ...] = attrs.field(
        init=False,
        eq=False,
        repr=False,
        default=attrs.Factory(_parties_taking_part, takes_self=True),
    )


@runtime_checkable
class Check(Protocol):
    """A neutrality check: the built-in ones and a host's are written the same way.

    Register a host check on the process (``Process(definition, guards,
    checks=(*BUILTIN_CHECKS, my_check))``); the policy's ``custom_checks`` sets its mode.

    Attributes:
        code: Stable identifier of the check; the policy's ``custom_checks`` may set its mode.
        source: The standard or house rule it comes from.
        default_mode: The mode used when the policy does not name the check.
    """

    @property
    def code(self) -> str:
        """Stable identifier of the check."""
        ...

    @property
    def source(self) -> str:
        """The standard or house rule the check comes from."""
        ...

    @property
    def default_mode(self) -> Mode:
        """The mode used when the policy does not name the check."""
        ...

    def evaluate(self, context: CheckContext) -> Iterable[Finding]:
        """Return findings for the move in ``context`` (modes are set by the caller).

        Args:
            context: The state and the move being attempted.

        Returns:
            The findings, without modes (the caller applies the policy's).
        """
        ...
