"""The case aggregate: a mediation driven command by command.

A :class:`Mediation` is the state of one case (a pure fold of its events) plus the
commands that move it on. Every command names its actor; it checks who the actor is, the
input, the stage and the process guards, and only then records events. A refused command
raises a typed error that says why and leaves the case exactly as it was.

Who may issue each command, and what blocks it, is the action table in
:mod:`mediation.rules`; :meth:`Mediation.allowed_actions` reads the same table. The
commands themselves are grouped by concept in private modules (intake, joint session,
caucus, settlement suggestions, the mediator's conduct, stage moves) and gathered here
into the one public aggregate.

The core is pure and synchronous: time comes from the injected ``clock``; there is no
I/O, no randomness, no thread. Stage changes run through the process's one shared
:class:`transitions.Machine`.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import TypeVar

import attrs

from mediation import events as ev
from mediation import rules
from mediation._case.arguments import guard_commands
from mediation._case.caucus import Caucus
from mediation._case.commands import CommandAPI, action_schema
from mediation._case.conduct import Conduct
from mediation._case.core import DEFAULT_PROCESS, Clock, Deadline
from mediation._case.intake import Intake
from mediation._case.joint import JointSession
from mediation._case.stages import StageMoves
from mediation._case.suggestion import Suggestion
from mediation._case.validate import aware
from mediation.errors import InvalidInput
from mediation.i18n import stage_label
from mediation.model import Issue, Mediator, Party, Relation, check_id, shown, unique_ids
from mediation.policy import Policy
from mediation.process import Process
from mediation.rules import ActionStatus, Role

__all__ = [
    "COMMANDS",
    "DEFAULT_PROCESS",
    "ActionStatus",
    "Clock",
    "Deadline",
    "Listener",
    "Mediation",
    "Role",
    "action_schema",
]

T = TypeVar("T")

Listener = Callable[["Mediation", ev.Event], None]
"""Called with the case and each event, after the command has recorded all its events."""


class Mediation(Intake, JointSession, Caucus, Suggestion, Conduct, StageMoves, CommandAPI):
    """One mediation case.

    Create one with :meth:`open`, rebuild one from stored events with :meth:`replay`.
    Read the state through the properties and :attr:`state`; change it only through the
    command methods, each of which returns the event it recorded. Which commands an actor
    may issue now, and why the others are blocked, is :meth:`allowed_actions`.
    """

    __slots__ = ()

    # -- construction ---------------------------------------------------------------------

    @classmethod
    def open(
        cls,
        case_id: str,
        parties: Sequence[Party],
        mediator: Mediator,
        *,
        clock: Clock,
        supervisors: Iterable[str] = (),
        relations: Iterable[Relation] = (),
        issues: Iterable[Issue] = (),
        policy: Policy | None = None,
        process: Process = DEFAULT_PROCESS,
        actor: str | None = None,
    ) -> Mediation:
        """Open a case at the process's first stage.

        Args:
            case_id: Identifier of the case.
            parties: Two or more parties, with distinct ids.
            mediator: The mediator; their relationships must be disclosed at intake.
            clock: Returns the current timezone-aware time.
            supervisors: Ids of people who may override, reassign and escalate.
            relations: Relationships between parties (e.g. who manages whom). A relation
                that names the mediator is one of the mediator's ties: it is added to
                ``mediator.relationships`` (disclosed, classed and waived like them), never
                kept as a tie between parties.
            issues: Issues on the table from the start (screening flags included).
            policy: Rules in force; :meth:`Policy.default` if omitted.
            process: The compiled process to follow.
            actor: Who opens the case (default: the mediator).

        Raises:
            InvalidInput: fewer than two parties, duplicate ids, a relation naming someone
                not in the case, or a clock that returns a naive time.
        """
        check_id(case_id, "case id")
        parties = _members(parties, Party, "parties")
        if len(parties) < 2:
            raise InvalidInput(f"a mediation needs at least two parties; got {len(parties)}")
        if not isinstance(mediator, Mediator):
            raise InvalidInput(f"mediator must be a Mediator; got {shown(mediator)}")
        if not callable(clock):
            raise InvalidInput(f"clock must be a callable returning the time; got {shown(clock)}")
        if policy is not None and not isinstance(policy, Policy):
            raise InvalidInput(f"policy must be a Policy; got {shown(policy)}")
        supervisors = tuple(
            check_id(s, "supervisor id") for s in _members(supervisors, str, "supervisors")
        )
        unique_ids([*(p.id for p in parties), mediator.id, *supervisors], "participant")
        relations = _members(relations, Relation, "relations")
        issues = _members(issues, Issue, "issues")
        unique_ids((issue.id for issue in issues), "issue")
        mediator = _with_ties_named_in(relations, mediator)
        relations = tuple(r for r in relations if mediator.id not in (r.source, r.target))
        people = {party.id for party in parties} | {mediator.id}
        for relation in (*relations, *mediator.relationships):
            for person in (relation.source, relation.target):
                if person not in people:
                    raise InvalidInput(
                        f"relation {relation.kind.value} names {person!r}, who is not in the case"
                    )
        opened = ev.CaseOpened(
            seq=1,
            at=aware(clock(), "clock()"),
            actor=check_id(actor, "actor") if actor is not None else mediator.id,
            stage=process.definition.initial,
            case_id=case_id,
            process=process.name,
            parties=parties,
            mediator=mediator,
            supervisors=supervisors,
            relations=relations,
            issues=issues,
            policy=policy if policy is not None else Policy.default(),
        )
        case = cls(opened, clock=clock, process=process)
        case._log(opened)
        return case

    @classmethod
    def replay(
        cls, events: Iterable[ev.Event], *, clock: Clock, process: Process = DEFAULT_PROCESS
    ) -> Mediation:
        """Rebuild a case from its events (as loaded from a store).

        Raises:
            InvalidInput: the history is empty, does not start with ``case_opened``, has
                gaps, or names another process.
        """
        iterator = iter(events)
        first = next(iterator, None)
        if not isinstance(first, ev.CaseOpened) or first.seq != 1:
            raise InvalidInput("a case history must start with a case_opened event at seq 1")
        case = cls(first, clock=clock, process=process)
        fold, keep = case._state.apply, case._events.append
        for event in iterator:
            fold(event)
            keep(event)
        return case

    # -- reading --------------------------------------------------------------------------

    def events_since(self, version: int) -> tuple[ev.Event, ...]:
        """The events after ``version`` (e.g. those not yet saved to a store)."""
        if version < 0:
            raise InvalidInput(f"version must be >= 0; got {version}")
        return tuple(self._events[version:])

    def stage_label(self, language: str = "en") -> str:
        """Display label of the current stage in ``"en"`` or ``"zh"``, from the catalogs
        (see :func:`mediation.i18n.stage_label`; a host's stage keeps its own label).

        Raises:
            InvalidInput: an unknown language.
        """
        return stage_label(self._process.definition.stage(self.stage), language)

    def subscribe(self, listener: Listener) -> Callable[[], None]:
        """Call ``listener(case, event)`` for every event recorded from now on.

        Returns:
            A function that unsubscribes the listener.
        """
        if self._listeners is None:
            self._listeners = []
        self._listeners.append(listener)
        listeners = self._listeners

        def unsubscribe() -> None:
            if listener in listeners:
                listeners.remove(listener)

        return unsubscribe

    def allowed_actions(self, actor: str) -> tuple[ActionStatus, ...]:
        """What ``actor`` may do now, and for each blocked action the reasons.

        Covers every command of the actor's role, as listed in :data:`mediation.rules.ACTIONS`;
        each name is a method of the case. Argument checks (which party, which proposal)
        happen when the command is issued. A stranger gets an empty tuple.
        """
        return rules.action_statuses(self._situation(), actor)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Mediation):
            return NotImplemented
        return (
            self._process.name == other._process.name
            and self._events == other._events
            and self._state == other._state
        )

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"<Mediation {self.case_id!r} stage={self.stage!r} version={self.version}>"


def _members(values: object, kind: type[T], what: str) -> tuple[T, ...]:
    """``values`` as a tuple if it is a collection of ``kind``.

    Raises:
        InvalidInput: it is not a collection, or holds something else.
    """
    if isinstance(values, (str, bytes, Mapping)) or not isinstance(values, Iterable):
        raise InvalidInput(f"{what} must be a collection; got {shown(values)}")
    members = tuple(values)
    for member in members:
        if not isinstance(member, kind):
            raise InvalidInput(f"{what} must hold {kind.__name__} values; got {shown(member)}")
    return members


COMMANDS: tuple[str, ...] = tuple(
    sorted(
        name
        for name in dir(Mediation)
        if not name.startswith("_")
        and name not in {"open", "replay"}
        and callable(getattr(Mediation, name))
        and not isinstance(inspect.getattr_static(Mediation, name), (property, classmethod))
    )
)
"""The public methods of a case that take arguments from a caller: each is wrapped so it
checks its arguments (:mod:`mediation._case.arguments`) and reads the clock once."""

guard_commands(Mediation, COMMANDS)


def _with_ties_named_in(relations: Sequence[Relation], mediator: Mediator) -> Mediator:
    """``mediator`` with every relation of ``relations`` that names them among their
    relationships (a host may list the mediator's ties with the others; they must not
    escape disclosure and the conflict-of-interest check)."""
    ties = [r for r in relations if mediator.id in (r.source, r.target)]
    new = [r for r in dict.fromkeys(ties) if r not in mediator.relationships]
    if not new:
        return mediator
    return attrs.evolve(mediator, relationships=(*mediator.relationships, *new))
