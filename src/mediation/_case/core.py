"""What every command shares: the case's fields, reading them, asking the rules, and
recording events.

:class:`CaseCore` is the base of each command mixin and of
:class:`~mediation.case.Mediation`. A command reads the same way everywhere: authorize the
actor (:meth:`CaseCore._authorize`), validate its arguments, ask the rules
(:meth:`CaseCore._check`), then record (:meth:`CaseCore._record`, or :meth:`CaseCore._move`
for a stage change).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Sequence
from datetime import datetime, timedelta
from typing import Any, TypeVar

import attrs

from mediation import events as ev
from mediation import rules
from mediation._case import transitions
from mediation._case.validate import aware
from mediation._catalogs import N_
from mediation._logging import get_logger
from mediation.errors import InvalidInput, Reason
from mediation.guards import BUILTIN_GUARDS
from mediation.model import Outcome, shown
from mediation.neutrality import Check, Finding, checks_in_force, finding_fields
from mediation.process import DEFAULT_DEFINITION, Process
from mediation.rules import Role
from mediation.state import CaseState

__all__ = ["DEFAULT_PROCESS", "CaseCore", "Clock", "Deadline", "refusal"]

Clock = Callable[[], datetime]
"""Returns the current time, timezone-aware. Injected: the core never reads the wall clock."""

DEFAULT_PROCESS = Process(DEFAULT_DEFINITION, BUILTIN_GUARDS)
"""The default process, compiled once and shared by every case that uses it."""

_log = get_logger("mediation")

E = TypeVar("E", bound=ev.Event)


def refusal(code: str, template: str, *parties: str, **params: object) -> Reason:
    """A :class:`~mediation.errors.Reason` a command found in its arguments, its message
    rendered from ``template`` (marked with ``N_``) and ``params``."""
    return Reason.of(code, template, parties, params=params)


@attrs.frozen
class Deadline:
    """A stage deadline that has passed.

    Attributes:
        stage: The stage it applies to.
        due: When it was due.
        overdue_by: How long ago that was.
    """

    stage: str
    due: datetime
    overdue_by: timedelta


class CaseCore:
    """The fields of a case, the reads every command needs, and the recording machinery."""

    __slots__ = (
        "_checks",
        "_clock",
        "_events",
        "_listeners",
        "_moment",
        "_process",
        "_situation_made",
        "_state",
    )

    def __init__(
        self, opened: ev.CaseOpened, *, clock: Clock, process: Process = DEFAULT_PROCESS
    ) -> None:
        if opened.process != process.name:
            raise InvalidInput.of(
                "wrong_process",
                N_("case {case_id} follows process {process}, not {name}"),
                case_id=shown(opened.case_id),
                process=shown(opened.process),
                name=shown(process.name),
            )
        self._clock = clock
        self._process = process
        self._checks = checks_in_force(process.checks)
        self._state = CaseState.open(opened, process.text_marker)
        self._events: list[ev.Event] = [opened]
        self._listeners: list[Callable[[Any, ev.Event], None]] | None = None
        # The clock's reading for the command under way: read once, shared by every event
        # the command records (cleared when the command returns or raises).
        self._moment: datetime | None = None
        # The case as the rules see it: its state (one object, folded in place), process
        # and checks never change, so it is made on the first command and kept.
        self._situation_made: rules.Situation | None = None

    # -- reading --------------------------------------------------------------------------

    @property
    def case_id(self) -> str:
        """The case's identifier."""
        return self._state.case_id

    @property
    def stage(self) -> str:
        """The current stage's name (a :class:`Stage` value in the default process)."""
        return self._state.stage

    @property
    def version(self) -> int:
        """Sequence number of the latest event (the number of events)."""
        return self._state.version

    @property
    def outcome(self) -> Outcome | None:
        """How the case ended, once closed."""
        return self._state.outcome

    @property
    def is_closed(self) -> bool:
        """Whether the case is closed."""
        return self._state.outcome is not None

    @property
    def state(self) -> CaseState:
        """The folded state. Read it; never modify it."""
        return self._state

    @property
    def process(self) -> Process:
        """The compiled process the case follows."""
        return self._process

    @property
    def checks(self) -> tuple[Check, ...]:
        """The neutrality checks run on every forward move: the process's, or the
        built-in ones (:data:`~mediation.neutrality.BUILTIN_CHECKS`) when it names none.
        The case brings process and checks together; the process never imports them."""
        return self._checks

    @property
    def events(self) -> tuple[ev.Event, ...]:
        """Every event of the case, in order."""
        return tuple(self._events)

    def role_of(self, actor: str) -> Role | None:
        """The actor's role in this case, or None for a stranger."""
        return rules.role_of(self._state, actor)

    def overdue(self, now: datetime) -> tuple[Deadline, ...]:
        """Deadlines of the current stage (and of the stage a pause left) passed at ``now``.

        Deadlines are data: nothing happens by itself when one passes; a host (or a
        scheduled job) asks this and acts.
        """
        now = aware(now, "now")
        found: list[Deadline] = []
        for stage in (self._state.stage, self._state.paused_from):
            due = self._state.deadlines.get(stage) if stage is not None else None
            if stage is not None and due is not None and due < now and not self.is_closed:
                found.append(Deadline(stage=stage, due=due, overdue_by=now - due))
        return tuple(found)

    def pending_findings(self) -> tuple[Finding, ...]:
        """What the neutrality checks find now about the next forward move (``advance``,
        or settling from the last stage); blocking ones not overridden would refuse it."""
        trigger = rules.forward_trigger(self._state, self._process)
        if trigger is None:
            return ()
        return tuple(transitions.findings_for(self._state, self._process, self._checks, trigger))

    # -- asking the rules -----------------------------------------------------------------

    def _situation(self) -> rules.Situation:
        made = self._situation_made
        if made is None:
            made = self._situation_made = transitions.situation(
                self._state, self._process, self._checks
            )
        return made

    def _authorize(self, action: str, actor: str) -> Role:
        return rules.authorize(self._state, action, actor)

    def _check(self, action: str, actor: str, extra: Iterable[Reason] = ()) -> None:
        rules.check(self._situation(), action, actor, extra)

    # -- recording ------------------------------------------------------------------------

    def _now(self) -> datetime:
        if self._moment is not None:
            return self._moment
        now = aware(self._clock(), "clock()")
        if now < self._state.last_at:
            raise InvalidInput.of(
                "clock_went_backwards",
                N_("the clock went backwards: {now} is before the latest event at {last_at}"),
                now=now.isoformat(),
                last_at=self._state.last_at.isoformat(),
            )
        self._moment = now
        return now

    def _record(
        self,
        event_type: type[E],
        actor: str,
        *,
        notify: bool = True,
        at: datetime | None = None,
        **fields: Any,
    ) -> E:
        state = self._state
        # The same event as ``event_type(seq=..., at=..., actor=..., stage=..., **fields)``,
        # made by the class's direct maker from the values the command has checked.
        event: E = ev.DIRECT_MAKERS[event_type](  # type: ignore[assignment]
            state.version + 1,
            at if at is not None else self._now(),
            actor,
            state.stage,
            fields,
        )
        state.apply(event)
        self._events.append(event)
        self._log(event)
        if notify:
            self._notify((event,))
        return event

    def _notify(self, recorded: Sequence[ev.Event]) -> None:
        if not self._listeners:
            return
        for event in recorded:
            for listener in tuple(self._listeners or ()):
                listener(self, event)

    def _log(self, event: ev.Event) -> None:
        # Never the text of statements, notes or proposals: logs leave the case's protection.
        if not _log.enabled_for(logging.INFO):
            return
        _log.info(
            "event_recorded",
            case_id=self._state.case_id,
            seq=event.seq,
            stage=event.stage,
            event_type=event.type_name,
            actor_id=event.actor,
        )

    # -- moving the stage -----------------------------------------------------------------

    def _fire(self, trigger: str) -> tuple[str, list[Finding]]:
        return transitions.fire(self._state, self._process, self._checks, trigger)

    def _move(self, trigger: str, actor: str, event_type: type[E], **fields: Any) -> E:
        """Fire ``trigger``, record its findings and the event that moves the case."""
        source = self.stage
        dest, findings = self._fire(trigger)
        if event_type is ev.StageChanged:
            fields["trigger"] = trigger
            fields["source"] = source
            fields["dest"] = dest
        if not findings:
            return self._record(event_type, actor, **fields)
        recorded: list[ev.Event] = [
            self._record(
                ev.FindingRecorded, actor, notify=False, **finding_fields(f, overridden=f.blocking)
            )
            for f in findings
        ]
        moved = self._record(event_type, actor, notify=False, **fields)
        recorded.append(moved)
        self._notify(recorded)
        return moved

    def _change_stage(self, trigger: str, actor: str, reason: str = "") -> ev.StageChanged:
        return self._move(trigger, actor, ev.StageChanged, reason=reason)
