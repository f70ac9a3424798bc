"""The case aggregate: a mediation driven command by command.

A :class:`Mediation` is the state of one case (a pure fold of its events) plus the
commands that move it on. Every command names its actor; it checks who the actor is, the
input, the stage and the process guards, and only then records events. A refused command
raises a typed error that says why and leaves the case exactly as it was.

The core is pure and synchronous: time comes from the injected ``clock``; there is no
I/O, no randomness, no thread. Stage changes run through the process's one shared
:class:`transitions.Machine`.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import datetime, timedelta
from decimal import Decimal
from enum import Enum
from fractions import Fraction
from typing import Any, TypeVar

import attrs
import structlog

from mediation import events as ev
from mediation import settlement
from mediation.errors import (
    CaseClosed,
    CommandRefused,
    InvalidInput,
    NotAuthorized,
    Reason,
    TransitionRefused,
)
from mediation.guards import BUILTIN_GUARDS
from mediation.model import (
    Issue,
    Mediator,
    Outcome,
    Party,
    Relation,
    Severity,
    check_duration,
    check_id,
    check_text,
    unique_ids,
)
from mediation.neutrality import (
    CHECKED_TRIGGERS,
    SOURCES,
    Check,
    Finding,
    checks_in_force,
    evaluate,
    finding_fields,
)
from mediation.policy import Mode, Policy
from mediation.process import CLOSING_TRIGGERS, DEFAULT_DEFINITION, Guard, Process, Stage, StageKind
from mediation.state import CaseState

__all__ = [
    "DEFAULT_PROCESS",
    "ActionStatus",
    "Clock",
    "Deadline",
    "Listener",
    "Mediation",
    "Role",
]

Clock = Callable[[], datetime]
"""Returns the current time, timezone-aware. Injected: the core never reads the wall clock."""

Listener = Callable[["Mediation", ev.Event], None]
"""Called with the case and each event, after the command has recorded all its events."""

DEFAULT_PROCESS = Process(DEFAULT_DEFINITION, BUILTIN_GUARDS)
"""The default process, compiled once and shared by every case that uses it."""

_log = structlog.get_logger("mediation")

E = TypeVar("E", bound=ev.Event)


class Role(str, Enum):
    """What an actor is in a case."""

    PARTY = "party"
    MEDIATOR = "mediator"
    SUPERVISOR = "supervisor"


_P, _M, _S = Role.PARTY, Role.MEDIATOR, Role.SUPERVISOR


@attrs.frozen
class ActionStatus:
    """Whether an actor may take an action now, and if not, why.

    Attributes:
        name: The command's method name on :class:`Mediation`.
        allowed: True when nothing blocks it (its arguments aside).
        reasons: Why it is blocked (empty when allowed).
    """

    name: str
    allowed: bool
    reasons: tuple[Reason, ...] = ()


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


class _Cursor:
    """The throwaway model the shared machine moves; guards read the real state."""

    __slots__ = ("failures", "guards", "paused_from", "stage", "state")

    def __init__(self, state: CaseState, guards: Mapping[str, Guard]) -> None:
        self.state = state
        self.guards = guards
        self.stage = state.stage
        self.paused_from = state.paused_from
        self.failures: list[Reason] = []

    def passes(self, guard: str) -> bool:
        reasons = self.guards[guard](self.state)
        if reasons:
            self.failures.extend(reasons)
            return False
        return True


_PROCEDURES = frozenset({"adjusted_winner", "knaster"})


def _exact_valuations(valuations: object) -> dict[str, Fraction]:
    if not isinstance(valuations, Mapping) or not valuations:
        raise InvalidInput(
            f"valuations must be a non-empty mapping item -> number; got {valuations!r}"
        )
    exact: dict[str, Fraction] = {}
    for item, value in valuations.items():
        check_id(item, "item id")
        if isinstance(value, bool) or not isinstance(value, (int, float, Fraction, Decimal)):
            raise InvalidInput(f"valuation of {item!r} must be a number; got {value!r}")
        finite = value.is_finite() if isinstance(value, Decimal) else math.isfinite(value)
        if not finite:
            raise InvalidInput(f"valuation of {item!r} must be finite; got {value!r}")
        if value < 0:
            raise InvalidInput(f"valuation of {item!r} must not be negative; got {value!r}")
        exact[item] = Fraction(value)
    if not any(exact.values()):
        raise InvalidInput("at least one item must be worth something")
    return exact


def _fraction_text(value: Fraction) -> str:
    return str(value.numerator) if value.denominator == 1 else f"{value}"


def _describe_terms(
    state: CaseState,
    procedure: str,
    shares: Mapping[str, Mapping[str, Fraction]],
    payments: Mapping[str, Fraction],
) -> str:
    parts = []
    for party, items in shares.items():
        held = [
            item if share == 1 else f"{_fraction_text(share)} of {item}"
            for item, share in items.items()
            if share > 0
        ]
        line = f"{state.parties[party].name}: {', '.join(held) or 'no items'}"
        money = payments.get(party)
        if money:
            line += f", {'receives' if money > 0 else 'pays'} {_fraction_text(abs(money))}"
        parts.append(line)
    return f"Suggested by {procedure.replace('_', ' ')}: " + "; ".join(sorted(parts))


def _reason(code: str, message: str, *parties: str) -> Reason:
    return Reason(code, message, parties)


def _aware(value: object, what: str) -> datetime:
    if not isinstance(value, datetime) or value.tzinfo is None or value.utcoffset() is None:
        raise InvalidInput(f"{what} must be a timezone-aware datetime; got {value!r}")
    return value


class Mediation:
    """One mediation case.

    Create one with :meth:`open`, rebuild one from stored events with :meth:`replay`.
    Read the state through the properties and :attr:`state`; change it only through the
    command methods, each of which returns the event it recorded.
    """

    __slots__ = ("_checks", "_clock", "_events", "_listeners", "_process", "_state")

    def __init__(
        self, opened: ev.CaseOpened, *, clock: Clock, process: Process = DEFAULT_PROCESS
    ) -> None:
        if opened.process != process.name:
            raise InvalidInput(
                f"case {opened.case_id!r} follows process {opened.process!r}, not {process.name!r}"
            )
        self._clock = clock
        self._process = process
        self._checks = checks_in_force(process.checks)
        self._state = CaseState.open(opened)
        self._events: list[ev.Event] = [opened]
        self._listeners: list[Listener] | None = None

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
            relations: Relationships between parties (e.g. who manages whom).
            issues: Issues on the table from the start (screening flags included).
            policy: Rules in force; :meth:`Policy.default` if omitted.
            process: The compiled process to follow.
            actor: Who opens the case (default: the mediator).

        Raises:
            InvalidInput: fewer than two parties, duplicate ids, a relation naming someone
                not in the case, or a clock that returns a naive time.
        """
        check_id(case_id, "case id")
        parties = tuple(parties)
        if len(parties) < 2:
            raise InvalidInput(f"a mediation needs at least two parties; got {len(parties)}")
        for party in parties:
            if not isinstance(party, Party):
                raise InvalidInput(f"parties must be Party values; got {party!r}")
        if not isinstance(mediator, Mediator):
            raise InvalidInput(f"mediator must be a Mediator; got {mediator!r}")
        supervisors = tuple(check_id(s, "supervisor id") for s in supervisors)
        unique_ids([*(p.id for p in parties), mediator.id, *supervisors], "participant")
        relations = tuple(relations)
        issues = tuple(issues)
        unique_ids((issue.id for issue in issues), "issue")
        people = {party.id for party in parties} | {mediator.id}
        for relation in (*relations, *mediator.relationships):
            for person in (relation.source, relation.target):
                if person not in people:
                    raise InvalidInput(
                        f"relation {relation.kind.value} names {person!r}, who is not in the case"
                    )
        opened = ev.CaseOpened(
            seq=1,
            at=_aware(clock(), "clock()"),
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
        for event in iterator:
            case._state.apply(event)
            case._events.append(event)
        return case

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

    def events_since(self, version: int) -> tuple[ev.Event, ...]:
        """The events after ``version`` (e.g. those not yet saved to a store)."""
        if version < 0:
            raise InvalidInput(f"version must be >= 0; got {version}")
        return tuple(self._events[version:])

    def stage_label(self, language: str = "en") -> str:
        """Display label of the current stage in ``"en"`` or ``"zh"``."""
        spec = self._process.definition.stage(self.stage)
        if language == "en":
            return spec.label_en
        if language == "zh":
            return spec.label_zh
        raise InvalidInput(f"language must be 'en' or 'zh'; got {language!r}")

    def role_of(self, actor: str) -> Role | None:
        """The actor's role in this case, or None for a stranger."""
        state = self._state
        if actor in state.parties:
            return Role.PARTY
        if actor == state.mediator.id:
            return Role.MEDIATOR
        if actor in state.supervisors:
            return Role.SUPERVISOR
        return None

    def overdue(self, now: datetime) -> tuple[Deadline, ...]:
        """Deadlines of the current stage (and of the stage a pause left) passed at ``now``.

        Deadlines are data: nothing happens by itself when one passes; a host (or a
        scheduled job) asks this and acts.
        """
        now = _aware(now, "now")
        found: list[Deadline] = []
        for stage in (self._state.stage, self._state.paused_from):
            due = self._state.deadlines.get(stage) if stage is not None else None
            if stage is not None and due is not None and due < now and not self.is_closed:
                found.append(Deadline(stage=stage, due=due, overdue_by=now - due))
        return tuple(found)

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

        Covers every command of the actor's role; argument checks (which party, which
        proposal) happen when the command is issued. A stranger gets an empty tuple.
        """
        role = self.role_of(actor)
        if role is None:
            return ()
        statuses: list[ActionStatus] = []
        for name, (roles, blockers) in _ACTIONS.items():
            if role not in roles:
                continue
            reasons = self._closed_reasons() or tuple(blockers(self, actor))
            statuses.append(ActionStatus(name, not reasons, reasons))
        return tuple(statuses)

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

    # -- intake ---------------------------------------------------------------------------

    def disclose(
        self, actor: str, statement: str, relationships: Iterable[Relation] | None = None
    ) -> ev.DisclosureMade:
        """The mediator discloses relationships to every party (continuing duty).

        Args:
            actor: The mediator.
            statement: What the mediator told the parties, in plain words.
            relationships: What is disclosed; default: every relationship on record for
                the mediator. An empty iterable discloses that there is none.
        """
        self._authorize("disclose", actor)
        statement = check_text(statement, "statement")
        disclosed = tuple(
            self._state.mediator.relationships if relationships is None else relationships
        )
        for relation in disclosed:
            if not isinstance(relation, Relation) or self._state.mediator.id not in (
                relation.source,
                relation.target,
            ):
                raise InvalidInput(
                    f"a disclosure lists the mediator's own relationships; got {relation!r}"
                )
        self._check("disclose", actor)
        return self._record(ev.DisclosureMade, actor, relationships=disclosed, statement=statement)

    def consent(self, actor: str) -> ev.ConsentGiven:
        """A party consents to mediation, informed by the latest disclosure."""
        self._authorize("consent", actor)
        self._check("consent", actor)
        return self._record(ev.ConsentGiven, actor)

    def raise_issue(self, actor: str, issue: Issue) -> ev.IssueRaised:
        """A party or the mediator puts an issue on the table."""
        self._authorize("raise_issue", actor)
        if not isinstance(issue, Issue):
            raise InvalidInput(f"issue must be an Issue; got {issue!r}")
        if issue.id in self._state.issues:
            raise InvalidInput(f"duplicate issue id {issue.id!r}")
        self._check("raise_issue", actor)
        return self._record(ev.IssueRaised, actor, issue=issue)

    def flag_issue(self, actor: str, issue_id: str, flag: str) -> ev.IssueFlagged:
        """Screening: the mediator or a supervisor flags an issue (e.g. ``"harassment"``).

        A flag the policy treats as non-mediable blocks every forward move until the
        case is escalated.
        """
        self._authorize("flag_issue", actor)
        if issue_id not in self._state.issues:
            raise InvalidInput(f"unknown issue {issue_id!r}")
        flag = check_id(flag, "flag")
        self._check("flag_issue", actor)
        return self._record(ev.IssueFlagged, actor, issue_id=issue_id, flag=flag)

    # -- joint session --------------------------------------------------------------------

    def speak(self, actor: str, text: str, seconds: float) -> ev.StatementMade:
        """A party speaks in the joint session for ``seconds``."""
        self._authorize("speak", actor)
        text = check_text(text)
        seconds = check_duration(seconds, "seconds")
        self._check("speak", actor)
        return self._record(ev.StatementMade, actor, text=text, seconds=seconds)

    def restate(
        self, actor: str, about: str, text: str, *, restatement_id: str | None = None
    ) -> ev.RestatementMade:
        """A party restates another party's view in their own words."""
        self._authorize("restate", actor)
        self._require_other_party(actor, about, "about")
        text = check_text(text)
        restatement_id = self._new_id(restatement_id, self._state.restatements, "rs")
        self._check("restate", actor)
        return self._record(
            ev.RestatementMade, actor, restatement_id=restatement_id, about=about, text=text
        )

    def review_restatement(
        self, actor: str, restatement_id: str, *, accurate: bool, comment: str = ""
    ) -> ev.RestatementReviewed:
        """The restated party says whether the restatement is accurate; a rejected one
        is simply restated again."""
        self._authorize("review_restatement", actor)
        restatement = self._state.restatements.get(restatement_id)
        if restatement is None:
            raise InvalidInput(f"unknown restatement {restatement_id!r}")
        if restatement.about != actor:
            raise NotAuthorized(
                f"only {restatement.about} can review a restatement of their own view"
            )
        if not isinstance(accurate, bool):
            raise InvalidInput(f"accurate must be True or False; got {accurate!r}")
        extra = (
            []
            if restatement.accurate is None
            else [
                _reason("already_reviewed", f"restatement {restatement_id!r} was already reviewed")
            ]
        )
        self._check("review_restatement", actor, extra)
        return self._record(
            ev.RestatementReviewed,
            actor,
            restatement_id=restatement_id,
            accurate=accurate,
            comment=comment.strip(),
        )

    def propose_common_ground(
        self, actor: str, text: str, *, item_id: str | None = None
    ) -> ev.CommonGroundProposed:
        """Put forward a point of common ground (party or mediator)."""
        self._authorize("propose_common_ground", actor)
        text = check_text(text)
        item_id = self._new_id(item_id, self._state.common_ground, "cg")
        self._check("propose_common_ground", actor)
        return self._record(ev.CommonGroundProposed, actor, item_id=item_id, text=text)

    def assent(self, actor: str, item_id: str) -> ev.CommonGroundAssented:
        """A party assents to a common-ground item."""
        self._authorize("assent", actor)
        item = self._state.common_ground.get(item_id)
        if item is None:
            raise InvalidInput(f"unknown common-ground item {item_id!r}")
        extra = (
            [_reason("already_assented", f"{actor} already assented to {item_id!r}", actor)]
            if actor in item.assents
            else []
        )
        self._check("assent", actor, extra)
        return self._record(ev.CommonGroundAssented, actor, item_id=item_id)

    def reserve_difference(
        self, actor: str, text: str, severity: Severity | str, *, difference_id: str | None = None
    ) -> ev.DifferenceReserved:
        """List a difference and reserve it, as ``major`` (principle) or ``minor`` (style)."""
        self._authorize("reserve_difference", actor)
        text = check_text(text)
        try:
            severity = Severity(severity)
        except ValueError:
            raise InvalidInput(f"severity must be 'major' or 'minor'; got {severity!r}") from None
        difference_id = self._new_id(difference_id, self._state.differences, "df")
        self._check("reserve_difference", actor)
        return self._record(
            ev.DifferenceReserved, actor, difference_id=difference_id, text=text, severity=severity
        )

    def park_difference(self, actor: str, difference_id: str) -> ev.DifferenceParked:
        """The mediator parks a minor difference: it does not go on to compromise."""
        self._authorize("park_difference", actor)
        difference = self._state.differences.get(difference_id)
        if difference is None:
            raise InvalidInput(f"unknown difference {difference_id!r}")
        extra: list[Reason] = []
        if difference.severity is Severity.MAJOR:
            extra.append(
                _reason(
                    "major_difference",
                    f"difference {difference_id!r} is a matter of principle; it goes on to "
                    "compromise and cannot be parked",
                )
            )
        elif difference.parked:
            extra.append(_reason("already_parked", f"difference {difference_id!r} is parked"))
        self._check("park_difference", actor, extra)
        return self._record(ev.DifferenceParked, actor, difference_id=difference_id)

    def confirm_differences(self, actor: str) -> ev.DifferencesConfirmed:
        """A party confirms that the list of differences is complete."""
        self._authorize("confirm_differences", actor)
        self._check("confirm_differences", actor)
        return self._record(ev.DifferencesConfirmed, actor)

    def propose(self, actor: str, text: str, *, proposal_id: str | None = None) -> ev.ProposalMade:
        """Put forward a proposal. A party's own proposal counts as accepted by that party;
        a mediator's proposal is a suggestion every party must accept themselves."""
        self._authorize("propose", actor)
        text = check_text(text)
        proposal_id = self._new_id(proposal_id, self._state.proposals, "pr")
        self._check("propose", actor)
        return self._record(ev.ProposalMade, actor, proposal_id=proposal_id, text=text)

    def answer_proposal(self, actor: str, proposal_id: str, *, accept: bool) -> ev.ProposalAnswered:
        """A party accepts or rejects a proposal (the latest answer counts)."""
        self._authorize("answer_proposal", actor)
        if proposal_id not in self._state.proposals:
            raise InvalidInput(f"unknown proposal {proposal_id!r}")
        if not isinstance(accept, bool):
            raise InvalidInput(f"accept must be True or False; got {accept!r}")
        self._check("answer_proposal", actor)
        return self._record(ev.ProposalAnswered, actor, proposal_id=proposal_id, accepted=accept)

    def sign(self, actor: str) -> ev.Signed:
        """A party signs the agreement (the proposal every party accepted)."""
        self._authorize("sign", actor)
        self._check("sign", actor)
        agreed = self._state.agreed_proposal()
        assert agreed is not None  # the "sign" blockers guarantee it
        return self._record(ev.Signed, actor, proposal_id=agreed)

    # -- caucus ---------------------------------------------------------------------------

    def open_caucus(
        self, actor: str, party: str, *, caucus_id: str | None = None
    ) -> ev.CaucusOpened:
        """The mediator opens a private session with one party."""
        self._authorize("open_caucus", actor)
        self._require_party_id(party, "party")
        caucus_id = (
            check_id(caucus_id, "caucus id")
            if caucus_id is not None
            else (f"cc-{self._state.caucus_count + 1}")
        )
        extra = (
            []
            if party in self._state.active
            else [_reason("withdrawn", f"{party} has withdrawn", party)]
        )
        self._check("open_caucus", actor, extra)
        return self._record(ev.CaucusOpened, actor, caucus_id=caucus_id, party=party)

    def caucus_note(
        self, actor: str, text: str, *, note_id: str | None = None
    ) -> ev.CaucusNoteRecorded:
        """Record what is said in the open caucus (by the mediator or the caucus party);
        confidential to that party unless they allow sharing."""
        self._authorize("caucus_note", actor)
        caucus = self._state.caucus
        if caucus is not None and self.role_of(actor) is Role.PARTY and actor != caucus[1].party:
            raise NotAuthorized(f"{actor} is not in caucus {caucus[0]!r}")
        text = check_text(text)
        note_id = self._new_id(note_id, self._state.caucus_notes, "cn")
        self._check("caucus_note", actor)
        assert caucus is not None
        return self._record(
            ev.CaucusNoteRecorded, actor, caucus_id=caucus[0], note_id=note_id, text=text
        )

    def close_caucus(self, actor: str) -> ev.CaucusClosed:
        """The mediator ends the private session; its length comes from the clock."""
        self._authorize("close_caucus", actor)
        self._check("close_caucus", actor)
        caucus = self._state.caucus
        assert caucus is not None
        now = self._now()
        seconds = max((now - caucus[1].opened_at).total_seconds(), 0.0)
        return self._record(ev.CaucusClosed, actor, caucus_id=caucus[0], seconds=seconds, at=now)

    def allow_sharing(self, actor: str, note_id: str) -> ev.SharingAllowed:
        """The caucus party allows one of its caucus notes to be shared with everyone."""
        self._authorize("allow_sharing", actor)
        note = self._state.caucus_notes.get(note_id)
        if note is None:
            raise InvalidInput(f"unknown caucus note {note_id!r}")
        if note.party != actor:
            raise NotAuthorized(f"only {note.party} can allow sharing of note {note_id!r}")
        extra = (
            [_reason("already_shared", f"note {note_id!r} is already shared")]
            if note.shared
            else []
        )
        self._check("allow_sharing", actor, extra)
        return self._record(ev.SharingAllowed, actor, note_id=note_id)

    # -- settlement suggestions ---------------------------------------------------------------

    def give_valuations(
        self, actor: str, valuations: Mapping[str, int | float | Fraction | Decimal]
    ) -> ev.ValuationsGiven:
        """In its own caucus, a party tells the mediator what each item is worth to it.

        The valuations stay confidential to that party; they are used only to compute a
        settlement suggestion. Numbers are converted exactly (floats included).

        Raises:
            InvalidInput: no items, a bad item id, or a negative, non-finite or all-zero
                valuation.
        """
        self._authorize("give_valuations", actor)
        exact = _exact_valuations(valuations)
        self._check("give_valuations", actor)
        caucus = self._state.caucus
        assert caucus is not None
        return self._record(ev.ValuationsGiven, actor, caucus_id=caucus[0], valuations=exact)

    def request_suggestion(self, actor: str) -> ev.SuggestionRequested:
        """A party asks for (or agrees to) an evaluative settlement suggestion. The
        mediator may only suggest once every party has."""
        self._authorize("request_suggestion", actor)
        self._check("request_suggestion", actor)
        return self._record(ev.SuggestionRequested, actor)

    def suggest_settlement(
        self, actor: str, procedure: str = "adjusted_winner", *, proposal_id: str | None = None
    ) -> ev.ProposalMade:
        """The mediator proposes a settlement computed from the parties' confidential
        valuations by a fair-division procedure (see :mod:`mediation.settlement`).

        Offered only when every party asked for or agreed to a suggestion, so a
        facilitative mediation never turns evaluative by surprise. The suggestion is a
        mediator proposal: the parties still accept or reject it. The valuations do not
        appear in it; only the resulting shares (and payments) do.

        Args:
            actor: The mediator.
            procedure: ``"adjusted_winner"`` (two parties) or ``"knaster"`` (valuations
                are sealed bids in money; any number of parties).
            proposal_id: Optional id for the proposal.

        Raises:
            InvalidInput: an unknown procedure or a duplicate proposal id.
            CommandRefused: a party has not asked for a suggestion or given valuations, or
                the valuations do not fit the procedure (e.g. different item sets).
        """
        self._authorize("suggest_settlement", actor)
        if procedure not in _PROCEDURES:
            raise InvalidInput(f"unknown procedure {procedure!r}; one of {sorted(_PROCEDURES)}")
        proposal_id = self._new_id(proposal_id, self._state.proposals, "pr")
        self._check("suggest_settlement", actor)
        state = self._state
        parties = list(state.active)
        valuations = {party: state.valuations[party] for party in parties}
        try:
            if procedure == "adjusted_winner":
                if len(parties) != 2:
                    raise InvalidInput(
                        f"adjusted_winner divides between two parties; {len(parties)} take part"
                    )
                winner = settlement.adjusted_winner(valuations)
                shares, payments = winner.shares, {}
            else:
                bids = settlement.knaster(valuations)
                shares, payments = bids.shares, dict(bids.payments)
        except InvalidInput as error:
            raise CommandRefused([_reason("valuations_unusable", str(error))]) from error
        plain_shares = {
            p: {i: Fraction(v) for i, v in items.items()} for p, items in shares.items()
        }
        text = _describe_terms(state, procedure, plain_shares, payments)
        return self._record(
            ev.ProposalMade,
            actor,
            proposal_id=proposal_id,
            text=text,
            procedure=procedure,
            shares=plain_shares,
            payments={p: Fraction(v) for p, v in payments.items()},
        )

    # -- the mediator's conduct and safeguards ---------------------------------------------

    def invite_to_speak(self, actor: str, party: str) -> ev.MediatorIntervened:
        """The mediator invites a party to speak (an even-handedness marker)."""
        return self._intervene("invite_to_speak", actor, "invite", party, "")

    def paraphrase(self, actor: str, party: str, text: str) -> ev.MediatorIntervened:
        """The mediator paraphrases what a party said (an even-handedness marker)."""
        return self._intervene("paraphrase", actor, "paraphrase", party, check_text(text))

    def ask(self, actor: str, party: str, text: str) -> ev.MediatorIntervened:
        """The mediator asks a party a question (an even-handedness marker)."""
        return self._intervene("ask", actor, "question", party, check_text(text))

    def _intervene(
        self, action: str, actor: str, kind: str, party: str, text: str
    ) -> ev.MediatorIntervened:
        self._authorize(action, actor)
        self._require_party_id(party, "party")
        extra = (
            []
            if party in self._state.active
            else [_reason("withdrawn", f"{party} has withdrawn", party)]
        )
        self._check(action, actor, extra)
        return self._record(ev.MediatorIntervened, actor, kind=kind, party=party, text=text)

    def offer_caucus(self, actor: str, party: str) -> ev.CaucusOffered:
        """The mediator offers a party a private session (it may decline)."""
        self._authorize("offer_caucus", actor)
        self._require_party_id(party, "party")
        extra: list[Reason] = []
        if party not in self._state.active:
            extra.append(_reason("withdrawn", f"{party} has withdrawn", party))
        elif party in self._state.caucus_offered:
            extra.append(_reason("already_offered", f"{party} was already offered a caucus", party))
        self._check("offer_caucus", actor, extra)
        return self._record(ev.CaucusOffered, actor, party=party)

    def add_support_person(self, actor: str, party: str, name: str) -> ev.SupportPersonJoined:
        """A support person joins to accompany ``party`` (recorded by that party or the
        mediator)."""
        self._authorize("add_support_person", actor)
        self._require_party_id(party, "party")
        if self.role_of(actor) is Role.PARTY and actor != party:
            raise NotAuthorized(f"{actor} cannot bring a support person for {party}")
        name = check_text(name, "name")
        self._check("add_support_person", actor)
        return self._record(ev.SupportPersonJoined, actor, party=party, name=name)

    def override(self, actor: str, codes: Iterable[str], reason: str) -> ev.BlockOverridden:
        """A supervisor overrides blocking findings for the next move from this stage.

        The findings are then recorded (marked overridden) when the case moves on.

        Raises:
            InvalidInput: no codes, no reason, or a code that blocks nothing now.
        """
        self._authorize("override", actor)
        if isinstance(codes, str) or not isinstance(codes, Iterable):
            raise InvalidInput(f"codes must be a list of finding codes; got {codes!r}")
        wanted = tuple(dict.fromkeys(check_id(code, "finding code") for code in codes))
        if not wanted:
            raise InvalidInput("name at least one blocking finding code to override")
        reason = check_text(reason, "reason")
        blocking = {f.code for f in self.pending_findings() if f.blocking}
        unknown = [code for code in wanted if code not in blocking]
        if unknown:
            raise InvalidInput(
                f"nothing blocks with {unknown} now; blocking codes: {sorted(blocking)}"
            )
        self._check("override", actor)
        return self._record(ev.BlockOverridden, actor, codes=wanted, reason=reason)

    def review_deadlines(self, actor: str) -> tuple[ev.Event, ...]:
        """Record a finding for each stage deadline that has passed (once per due time),
        and escalate when the policy's responsiveness check says so.

        Deadlines are data: a host calls this from its own scheduler (or a button).

        Returns:
            The events recorded (empty when nothing is overdue or the check is off).
        """
        self._authorize("review_deadlines", actor)
        self._check("review_deadlines", actor)
        settings = self._state.policy.responsiveness
        if settings.mode is Mode.OFF:
            return ()
        now = self._now()
        late = [
            deadline
            for deadline in self.overdue(now)
            if self._state.deadline_findings.get(deadline.stage) != deadline.due
        ]
        recorded: list[ev.Event] = []
        for deadline in late:
            recorded.append(
                self._record(
                    ev.FindingRecorded,
                    actor,
                    notify=False,
                    at=now,
                    check="responsiveness",
                    code="deadline_passed",
                    message=(
                        f"stage {deadline.stage!r} was due {deadline.due.isoformat()}; "
                        f"overdue by {deadline.overdue_by}"
                    ),
                    source=SOURCES["responsiveness"],
                    mode=settings.mode.value,
                    about_stage=deadline.stage,
                )
            )
        self._notify(recorded)
        if late and settings.escalate_to is not None and not self._blocks_escalate(actor):
            recorded.append(
                self._move(
                    "escalate",
                    actor,
                    ev.Escalated,
                    authority=settings.escalate_to,
                    reason=f"deadline passed in stage {late[0].stage!r}",
                )
            )
        return tuple(recorded)

    # -- stage changes --------------------------------------------------------------------

    def advance(self, actor: str, to: str | None = None) -> ev.StageChanged:
        """The mediator moves the case to the next stage, if every guard holds.

        Args:
            actor: The mediator.
            to: Optionally, the stage the caller expects to enter; refused if different.

        Raises:
            TransitionRefused: with every failing guard's reasons.
        """
        self._authorize("advance", actor)
        expected = (
            self._process.definition.next_stage(self.stage)
            if (self.stage in self._process.definition.active_stages)
            else None
        )
        if to is not None and expected is not None and to != expected:
            raise TransitionRefused(
                [
                    _reason(
                        "wrong_stage", f"the stage after {self.stage!r} is {expected!r}, not {to!r}"
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
            raise InvalidInput(
                f"unknown authority {authority!r}; the policy names "
                f"{list(self._state.policy.authorities)}"
            )
        reason = check_text(reason, "reason")
        self._check("escalate", actor)
        return self._move("escalate", actor, ev.Escalated, authority=authority, reason=reason)

    def close(self, actor: str, outcome: Outcome | str, reason: str = "") -> ev.Closed:
        """Close the case with an outcome.

        ``settled`` and ``partially_settled`` need every signature (from the last active
        stage); ``impasse`` may be declared in any active stage; ``terminated_by_mediator``
        in any open stage and needs a reason; ``escalated`` only once escalated (the
        mediator or a supervisor); ``withdrawn`` is recorded by the parties withdrawing.
        """
        try:
            outcome = Outcome(outcome)
        except ValueError:
            raise InvalidInput(
                f"unknown outcome {outcome!r}; one of {[o.value for o in Outcome]}"
            ) from None
        if outcome is Outcome.WITHDRAWN:
            self._authorize("close", actor)
            raise InvalidInput("'withdrawn' is recorded when the parties withdraw, not by close()")
        self._authorize("close_escalated" if outcome is Outcome.ESCALATED else "close", actor)
        if outcome is Outcome.TERMINATED_BY_MEDIATOR:
            reason = check_text(reason, "reason")
        else:
            reason = reason.strip() if isinstance(reason, str) else check_text(reason, "reason")
        return self._move(
            CLOSING_TRIGGERS[outcome.value], actor, ev.Closed, outcome=outcome, reason=reason
        )

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

    def set_deadline(self, actor: str, stage: str, due: datetime) -> ev.DeadlineSet:
        """Set when ``stage`` is due (mediator or supervisor)."""
        self._authorize("set_deadline", actor)
        spec = self._process.definition.stage(stage)
        if spec.kind is StageKind.TERMINAL:
            raise InvalidInput("the closed stage cannot have a deadline")
        due = _aware(due, "due")
        self._check("set_deadline", actor)
        return self._record(ev.DeadlineSet, actor, for_stage=stage, due=due)

    def reassign_mediator(
        self, actor: str, mediator: Mediator, reason: str
    ) -> ev.MediatorReassigned:
        """A supervisor replaces the mediator; the new one must disclose, and every party
        consent again, before the process can move on."""
        self._authorize("reassign_mediator", actor)
        if not isinstance(mediator, Mediator):
            raise InvalidInput(f"mediator must be a Mediator; got {mediator!r}")
        if mediator.id == self._state.mediator.id:
            raise InvalidInput(f"{mediator.id} is already the mediator")
        if mediator.id in self._state.parties or mediator.id in self._state.supervisors:
            raise InvalidInput(f"{mediator.id} already takes part in the case in another role")
        people = set(self._state.parties) | {mediator.id}
        for relation in mediator.relationships:
            if relation.source not in people or relation.target not in people:
                raise InvalidInput(f"relation {relation!r} names someone not in the case")
        reason = check_text(reason, "reason")
        self._check("reassign_mediator", actor)
        return self._record(ev.MediatorReassigned, actor, mediator=mediator, reason=reason)

    # -- machinery ------------------------------------------------------------------------

    def _now(self) -> datetime:
        now = _aware(self._clock(), "clock()")
        if now < self._state.last_at:
            raise InvalidInput(
                f"the clock went backwards: {now.isoformat()} is before the latest event "
                f"at {self._state.last_at.isoformat()}"
            )
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
        event = event_type(
            seq=state.version + 1,
            at=at if at is not None else self._now(),
            actor=actor,
            stage=state.stage,
            **fields,
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
        _log.info(
            "event_recorded",
            case_id=self._state.case_id,
            seq=event.seq,
            stage=event.stage,
            event_type=event.type_name,
            actor_id=event.actor,
        )

    def _fire(self, trigger: str) -> tuple[str, list[Finding]]:
        """Run ``trigger`` through the shared machine and the neutrality checks.

        Returns:
            The destination stage, and the findings to record (warnings, and blocks a
            supervisor overrode).

        Raises:
            TransitionRefused: with every failing guard and every blocking finding.
        """
        source = self.stage
        cursor = _Cursor(self._state, self._process.guards)
        if not self._process.fire(trigger, cursor):
            raise TransitionRefused(
                self._transition_blockers(trigger)
                or cursor.failures
                or [_reason("guard_failed", f"cannot {trigger.replace('_', ' ')} now")]
            )
        if trigger not in CHECKED_TRIGGERS:
            return cursor.stage, []
        findings = evaluate(self._checks, self._state, trigger, source, cursor.stage)
        overrides = self._state.overrides
        blocking = [f for f in findings if f.blocking and f.code not in overrides]
        if blocking:
            raise TransitionRefused(blocking)
        return cursor.stage, findings

    def _explain(self, trigger: str) -> list[Reason]:
        """Every failing guard's reasons (the machine stops at the first failing one)."""
        reasons: list[Reason] = []
        for row in self._process.table:
            if row.trigger == trigger and row.source == self.stage:
                for guard in row.guards:
                    if not guard.startswith("paused_from_"):
                        for reason in self._process.guards[guard](self._state):
                            if reason not in reasons:
                                reasons.append(reason)
        return reasons

    def _findings_for(self, trigger: str) -> list[Finding]:
        """What the checks find about ``trigger`` from the current stage (modes applied)."""
        for row in self._process.table:
            if row.trigger == trigger and row.source == self.stage:
                return evaluate(self._checks, self._state, trigger, row.source, row.dest)
        return []

    def _transition_blockers(self, trigger: str) -> list[Reason]:
        """Failing guards plus blocking findings not overridden, for ``trigger``."""
        reasons = self._explain(trigger)
        overrides = self._state.overrides
        reasons += [
            f for f in self._findings_for(trigger) if f.blocking and f.code not in overrides
        ]
        return reasons

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

    def pending_findings(self) -> tuple[Finding, ...]:
        """What the neutrality checks find now about the next forward move (``advance``,
        or settling from the last stage); blocking ones not overridden would refuse it."""
        if self.is_closed:
            return ()
        last = self._process.definition.active_stages[-1]
        return tuple(self._findings_for("settle" if self.stage == last else "advance"))

    def _authorize(self, action: str, actor: str) -> Role:
        role = self.role_of(actor) if isinstance(actor, str) else None
        if role is None:
            raise NotAuthorized(f"{actor!r} takes no part in case {self.case_id!r}")
        self._check_closed()
        roles = _ACTIONS[action][0]
        if role not in roles:
            allowed = " or ".join(r.value for r in roles)
            raise NotAuthorized(
                f"{action.replace('_', ' ')} is for the {allowed}; {actor} is the {role.value}"
            )
        return role

    def _closed_reasons(self) -> tuple[Reason, ...]:
        if self._state.outcome is None:
            return ()
        return (
            _reason(
                "case_closed", f"case {self.case_id!r} is closed ({self._state.outcome.value})"
            ),
        )

    def _check_closed(self) -> None:
        reasons = self._closed_reasons()
        if reasons:
            raise CaseClosed(reasons)

    def _check(self, action: str, actor: str, extra: Iterable[Reason] = ()) -> None:
        reasons = [*_ACTIONS[action][1](self, actor), *extra]
        if reasons:
            raise (TransitionRefused if action in _STAGE_CHANGES else CommandRefused)(reasons)

    def _require_party_id(self, party: object, what: str) -> str:
        if not isinstance(party, str) or party not in self._state.parties:
            raise InvalidInput(f"{what} {party!r} is not a party to case {self.case_id!r}")
        return party

    def _require_other_party(self, actor: str, party: object, what: str) -> str:
        self._require_party_id(party, what)
        if party == actor:
            raise InvalidInput(f"{what} must be another party than {actor}")
        return str(party)

    def _new_id(self, given: str | None, existing: dict[str, Any], prefix: str) -> str:
        if given is None:
            return f"{prefix}-{len(existing) + 1}"
        check_id(given, f"{prefix} id")
        if given in existing:
            raise InvalidInput(f"duplicate id {given!r}")
        return given

    # -- blockers: why an action is not possible now (shared with allowed_actions) ---------

    def _activity(self, activity: str) -> list[Reason]:
        stage = self._process.stages[self.stage]
        if activity in stage.activities:
            return []
        return [
            _reason(
                "wrong_stage",
                f"{activity.replace('_', ' ')} is not possible in stage {self.stage!r}",
            )
        ]

    def _joint(self) -> list[Reason]:
        if self._state.caucus is None:
            return []
        caucus_id, caucus = self._state.caucus
        return [
            _reason(
                "caucus_open",
                f"caucus {caucus_id!r} with {caucus.party} is in progress",
                caucus.party,
            )
        ]

    def _taking_part(self, actor: str) -> list[Reason]:
        if self.role_of(actor) is Role.PARTY and actor not in self._state.active:
            return [_reason("withdrawn", f"{actor} has withdrawn from the mediation", actor)]
        return []

    def _in_active_stage(self) -> list[Reason]:
        if self._process.stages[self.stage].kind is StageKind.ACTIVE:
            return []
        return [_reason("wrong_stage", f"not possible while the case is {self.stage}")]

    def _joint_activity(self, actor: str, activity: str) -> list[Reason]:
        return [*self._activity(activity), *self._joint(), *self._taking_part(actor)]

    def _blocks_consent(self, actor: str) -> list[Reason]:
        reasons = self._joint_activity(actor, "consent")
        seq = self._state.disclosure_seq
        if seq is None:
            reasons.append(
                _reason(
                    "disclosure_missing", "the mediator must disclose before anyone can consent"
                )
            )
        elif self._state.consent_seq.get(actor, 0) > seq:
            reasons.append(
                _reason(
                    "already_consented",
                    f"{actor} already consented after the latest disclosure",
                    actor,
                )
            )
        return reasons

    def _blocks_raise_issue(self, actor: str) -> list[Reason]:
        return [*self._in_active_stage(), *self._taking_part(actor)]

    def _blocks_nothing(self, actor: str) -> list[Reason]:
        return []

    def _blocks_sign(self, actor: str) -> list[Reason]:
        reasons = self._joint_activity(actor, "sign")
        agreed = self._state.agreed_proposal()
        if agreed is None:
            reasons.append(_reason("no_agreement", "no proposal is accepted by every party"))
        elif self._state.signatures.get(actor) == agreed:
            reasons.append(_reason("already_signed", f"{actor} already signed", actor))
        return reasons

    def _blocks_confirm_differences(self, actor: str) -> list[Reason]:
        reasons = self._joint_activity(actor, "confirm_differences")
        if not self._state.differences:
            reasons.append(_reason("no_differences", "no difference has been listed yet"))
        return reasons

    def _blocks_open_caucus(self, actor: str) -> list[Reason]:
        return [*self._in_active_stage(), *self._joint()]

    def _blocks_in_caucus(self, actor: str) -> list[Reason]:
        if self._state.caucus is None:
            return [_reason("no_caucus", "no caucus is in progress")]
        return []

    def _blocks_caucus_note(self, actor: str) -> list[Reason]:
        caucus = self._state.caucus
        if caucus is None:
            return [_reason("no_caucus", "no caucus is in progress")]
        if self.role_of(actor) is Role.PARTY and caucus[1].party != actor:
            return [_reason("not_in_caucus", f"the caucus in progress is with {caucus[1].party}")]
        return []

    def _blocks_allow_sharing(self, actor: str) -> list[Reason]:
        for note in self._state.caucus_notes.values():
            if note.party == actor and not note.shared:
                return []
        return [_reason("nothing_to_share", f"{actor} has no unshared caucus note", actor)]

    def _blocks_pause(self, actor: str) -> list[Reason]:
        reasons = [*self._in_active_stage(), *self._joint(), *self._taking_part(actor)]
        if not self._process.has_cooling_off:
            reasons.append(_reason("no_cooling_off", "this process has no cooling-off stage"))
        return reasons

    def _blocks_resume(self, actor: str) -> list[Reason]:
        if self._state.paused_from is None:
            return [_reason("not_paused", "the case is not in cooling-off")]
        return []

    def _blocks_stage_change(self, trigger: str) -> list[Reason]:
        if not self._process.can_fire(trigger, self.stage):
            return [
                _reason("wrong_stage", f"cannot {trigger.replace('_', ' ')} from {self.stage!r}")
            ]
        return self._transition_blockers(trigger)

    def _blocks_advance(self, actor: str) -> list[Reason]:
        return self._blocks_stage_change("advance")

    def _blocks_close(self, actor: str) -> list[Reason]:
        if self._process.can_fire("declare_impasse", self.stage) or self._process.can_fire(
            "terminate", self.stage
        ):
            return []
        return [_reason("wrong_stage", f"cannot close from {self.stage!r}")]

    def _blocks_close_escalated(self, actor: str) -> list[Reason]:
        return self._blocks_stage_change("close_escalated")

    def _blocks_escalate(self, actor: str) -> list[Reason]:
        return [*self._blocks_stage_change("escalate"), *self._joint()]

    def _blocks_withdraw(self, actor: str) -> list[Reason]:
        return self._taking_part(actor)

    def _blocks_intervene(self, actor: str) -> list[Reason]:
        return [*self._in_active_stage(), *self._joint()]

    def _blocks_request_suggestion(self, actor: str) -> list[Reason]:
        reasons = self._joint_activity(actor, "request_suggestion")
        if actor in self._state.suggestion_requests:
            reasons.append(
                _reason("already_requested", f"{actor} already asked for a suggestion", actor)
            )
        return reasons

    def _blocks_give_valuations(self, actor: str) -> list[Reason]:
        caucus = self._state.caucus
        if caucus is None or caucus[1].party != actor:
            return [
                _reason("not_in_caucus", "valuations are given in the party's own caucus", actor)
            ]
        return []

    def _blocks_suggest_settlement(self, actor: str) -> list[Reason]:
        reasons = self._joint_activity(actor, "suggest_settlement")
        state = self._state
        unasked = tuple(p for p in state.active if p not in state.suggestion_requests)
        if unasked:
            reasons.append(
                _reason(
                    "suggestion_not_requested",
                    f"an evaluative suggestion needs every party's request; not yet from "
                    f"{state.names(unasked)}",
                    *unasked,
                )
            )
        unvalued = tuple(p for p in state.active if p not in state.valuations)
        if unvalued:
            reasons.append(
                _reason(
                    "valuations_missing",
                    f"no valuations given in caucus by {state.names(unvalued)}",
                    *unvalued,
                )
            )
        return reasons

    def _blocks_override(self, actor: str) -> list[Reason]:
        overridable = [
            f for f in self.pending_findings() if f.blocking and f.code not in self._state.overrides
        ]
        if overridable:
            return []
        return [_reason("nothing_to_override", "no neutrality finding blocks the next move")]

    def _blocks_reassign(self, actor: str) -> list[Reason]:
        return self._joint()


def _joint(activity: str) -> Callable[[Mediation, str], list[Reason]]:
    def blockers(case: Mediation, actor: str) -> list[Reason]:
        return case._joint_activity(actor, activity)

    blockers.__name__ = f"_blocks_{activity}"
    return blockers


_Blockers = Callable[[Mediation, str], Iterable[Reason]]

_STAGE_CHANGES = frozenset({"advance", "pause", "resume", "escalate", "close", "close_escalated"})

_ACTIONS: dict[str, tuple[frozenset[Role], _Blockers]] = {
    "disclose": (
        frozenset({_M}),
        lambda case, actor: [*case._activity("disclose"), *case._joint()],
    ),
    "consent": (frozenset({_P}), Mediation._blocks_consent),
    "raise_issue": (frozenset({_P, _M}), Mediation._blocks_raise_issue),
    "flag_issue": (frozenset({_M, _S}), Mediation._blocks_nothing),
    "speak": (frozenset({_P}), _joint("speak")),
    "restate": (frozenset({_P}), _joint("restate")),
    "review_restatement": (frozenset({_P}), _joint("review_restatement")),
    "propose_common_ground": (frozenset({_P, _M}), _joint("propose_common_ground")),
    "assent": (frozenset({_P}), _joint("assent")),
    "reserve_difference": (frozenset({_P, _M}), _joint("reserve_difference")),
    "park_difference": (frozenset({_M}), _joint("park_difference")),
    "confirm_differences": (frozenset({_P}), Mediation._blocks_confirm_differences),
    "propose": (frozenset({_P, _M}), _joint("propose")),
    "answer_proposal": (frozenset({_P}), _joint("answer_proposal")),
    "sign": (frozenset({_P}), Mediation._blocks_sign),
    "open_caucus": (frozenset({_M}), Mediation._blocks_open_caucus),
    "caucus_note": (frozenset({_M, _P}), Mediation._blocks_caucus_note),
    "close_caucus": (frozenset({_M}), Mediation._blocks_in_caucus),
    "allow_sharing": (frozenset({_P}), Mediation._blocks_allow_sharing),
    "advance": (frozenset({_M}), Mediation._blocks_advance),
    "pause": (frozenset({_P, _M}), Mediation._blocks_pause),
    "resume": (frozenset({_M}), Mediation._blocks_resume),
    "escalate": (frozenset({_M, _S}), Mediation._blocks_escalate),
    "close": (frozenset({_M}), Mediation._blocks_close),
    "close_escalated": (frozenset({_M, _S}), Mediation._blocks_close_escalated),
    "withdraw": (frozenset({_P}), Mediation._blocks_withdraw),
    "set_deadline": (frozenset({_M, _S}), Mediation._blocks_nothing),
    "reassign_mediator": (frozenset({_S}), Mediation._blocks_reassign),
    "invite_to_speak": (frozenset({_M}), Mediation._blocks_intervene),
    "paraphrase": (frozenset({_M}), Mediation._blocks_intervene),
    "ask": (frozenset({_M}), Mediation._blocks_intervene),
    "offer_caucus": (frozenset({_M}), Mediation._blocks_open_caucus),
    "add_support_person": (frozenset({_P, _M}), Mediation._blocks_raise_issue),
    "override": (frozenset({_S}), Mediation._blocks_override),
    "review_deadlines": (frozenset({_M, _S}), Mediation._blocks_nothing),
    "give_valuations": (frozenset({_P}), Mediation._blocks_give_valuations),
    "request_suggestion": (frozenset({_P}), Mediation._blocks_request_suggestion),
    "suggest_settlement": (frozenset({_M}), Mediation._blocks_suggest_settlement),
}
