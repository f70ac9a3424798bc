"""Stage moves: advancing, cooling-off, escalating, closing and withdrawing.

These run through the process's shared machine (:meth:`CaseCore._move`), so every guard
and neutrality check applies; a refusal is a :class:`~mediation.errors.TransitionRefused`.
"""

from __future__ import annotations

from mediation import events as ev
from mediation._case.core import CaseCore, refusal
from mediation.errors import InvalidInput, TransitionRefused
from mediation.i18n import N_, Term
from mediation.model import Outcome, check_text, shown
from mediation.process import CLOSING_TRIGGERS, Stage

__all__ = ["StageMoves"]


class StageMoves(CaseCore):
    """The commands that move the case between stages or close it."""

    __slots__ = ()

    def advance(self, actor: str, to: str | None = None) -> ev.StageChanged:
        """The mediator moves the case to the next stage, if every guard holds.

        Args:
            actor: The mediator.
            to: Optionally, the stage the caller expects to enter; refused if different.

        Raises:
            TransitionRefused: with every failing guard's reasons.
        """
        self._authorize("advance", actor)
        expected = self._process.next_active.get(self.stage)
        if to is not None and expected is not None and to != expected:
            raise TransitionRefused(
                [
                    refusal(
                        "wrong_stage",
                        N_("the stage after {stage} is {expected}, not {asked}"),
                        stage=Term(self.stage, quoted=True),
                        expected=Term(expected, quoted=True),
                        asked=shown(to),
                    )
                ]
            )
        return self._change_stage("advance", actor)

    def pause(self, actor: str, reason: str) -> ev.StageChanged:
        """Cooling-off: a party or the mediator pauses the process to keep calm."""
        self._authorize("pause", actor)
        reason = check_text(reason, "reason")
        self._check("pause", actor)
        return self._change_stage("pause", actor, reason=reason)

    def resume(self, actor: str) -> ev.StageChanged:
        """The mediator resumes into exactly the stage the pause left."""
        self._authorize("resume", actor)
        self._check("resume", actor)
        return self._change_stage("resume", actor)

    def escalate(self, actor: str, authority: str, reason: str) -> ev.Escalated:
        """Hand the matter to a named authority (mediator or supervisor).

        Raises:
            InvalidInput: the authority is not one the policy names, or no reason given.
        """
        self._authorize("escalate", actor)
        if authority not in self._state.policy.authorities:
            raise InvalidInput.of(
                "unknown_authority",
                N_("unknown authority {authority}; the policy names {authorities}"),
                authority=shown(authority),
                authorities=list(self._state.policy.authorities),
            )
        reason = check_text(reason, "reason")
        self._check("escalate", actor)
        return self._move("escalate", actor, ev.Escalated, authority=authority, reason=reason)

    def close(self, actor: str, outcome: Outcome | str, reason: str = "") -> ev.Closed:
        """Close the case with an outcome.

        ``settled`` and ``partially_settled`` need every signature (from the last active
        stage); ``impasse`` may be declared in any active stage; ``terminated_by_mediator``
        in any open stage and needs a reason; ``escalated`` only once escalated (the
        mediator or a supervisor; :meth:`close_escalated` says it by name); ``withdrawn``
        is recorded by the parties withdrawing.
        """
        try:
            outcome = Outcome(outcome)
        except ValueError:
            raise InvalidInput.of(
                "unknown_outcome",
                N_("unknown outcome {outcome}; one of {known}"),
                outcome=shown(outcome),
                known=[o.value for o in Outcome],
            ) from None
        if outcome is Outcome.WITHDRAWN:
            self._authorize("close", actor)
            raise InvalidInput.of(
                "close_withdrawn",
                N_("'withdrawn' is recorded when the parties withdraw, not by close()"),
            )
        self._authorize("close_escalated" if outcome is Outcome.ESCALATED else "close", actor)
        if outcome is Outcome.TERMINATED_BY_MEDIATOR:
            reason = check_text(reason, "reason")
        else:
            reason = reason.strip() if isinstance(reason, str) else check_text(reason, "reason")
        return self._move(
            CLOSING_TRIGGERS[outcome.value], actor, ev.Closed, outcome=outcome, reason=reason
        )

    def close_escalated(self, actor: str, reason: str = "") -> ev.Closed:
        """Close an escalated case as ``escalated``: the hand-off to the authority stands.

        The same as ``close(actor, "escalated", reason)``; the mediator or a supervisor may
        do it, and only once the case is escalated.
        """
        return self.close(actor, Outcome.ESCALATED, reason)

    def withdraw(self, actor: str, reason: str = "") -> ev.Withdrew:
        """A party withdraws (never refused while the case is open). When fewer than two
        parties remain, the case closes as ``withdrawn`` (unless it is escalated, where
        the hand-off stands)."""
        self._authorize("withdraw", actor)
        reason = reason.strip() if isinstance(reason, str) else check_text(reason, "reason")
        self._check("withdraw", actor)
        remaining = len(self._state.active) - 1
        closes = remaining < 2 and self.stage != Stage.ESCALATED.value
        if closes:
            self._fire("close_withdrawn")
        withdrew = self._record(ev.Withdrew, actor, reason=reason, notify=not closes)
        if closes:
            # close_withdrawn has no guards and no checks: _fire above cleared the way.
            self._record(
                ev.Closed,
                actor,
                notify=False,
                outcome=Outcome.WITHDRAWN,
                reason="fewer than two parties remain",
            )
            self._notify(self._events[-2:])
        return withdrew
