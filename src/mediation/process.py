"""The process definition: stages, transitions and guard names, as data.

A :class:`ProcessDefinition` lists the stages of a mediation in order, with the guards
(completion conditions, by name) that must hold to leave each one. The transition table
is derived from it and can be inspected. A :class:`Process` compiles a definition into
ONE :class:`transitions.Machine` shared by every case that follows it: cases never get a
machine of their own and are never added to the machine's model list. A command consults
that machine's transitions directly (:meth:`Process.fire`: the same conditions, tried in
the same order), and :meth:`Process.fire_on_machine` runs the machine itself; a property
test holds the two to the same moves, refusals and guard calls.

Hosts define variants without touching the library::

    variant = DEFAULT_DEFINITION.with_stage(
        StageSpec("fact_finding", "Fact finding", "调查", activities=("speak",)),
        after="listening",
    ).with_guard("listening", "my_guard")
    process = Process(variant, guards={**BUILTIN_GUARDS, "my_guard": my_guard})

Four stage names are fixed in every process because the library itself enters them:
``cooling_off`` (optional), ``escalated`` and ``closed`` (required), plus the initial stage.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable, Mapping, Sequence
from enum import Enum
from typing import Any, Protocol

import attrs
from transitions import Machine, MachineError

from mediation._checks import Check
from mediation.errors import InvalidInput, Reason, TransitionRefused
from mediation.i18n import N_, Term
from mediation.markers import TextMarker
from mediation.model import check_id

__all__ = [
    "ACTIVITIES",
    "CLOSING_TRIGGERS",
    "DEFAULT_DEFINITION",
    "Guard",
    "GuardSubject",
    "Process",
    "ProcessDefinition",
    "Stage",
    "StageKind",
    "StageSpec",
    "TransitionSpec",
]


class Stage(str, Enum):
    """The stages of the default process. Their values are API: keep them."""

    INTAKE = "intake"
    LISTENING = "listening"
    PERSPECTIVE_SWAP = "perspective_swap"
    COMMON_GROUND = "common_ground"
    COMPROMISE = "compromise"
    AGREEMENT = "agreement"
    ESCALATED = "escalated"
    COOLING_OFF = "cooling_off"
    CLOSED = "closed"


class StageKind(str, Enum):
    """What role a stage plays in the process."""

    ACTIVE = "active"
    """A working stage; active stages run in the order given."""
    PAUSE = "pause"
    """``cooling_off``: entered from any active stage, resumes into the stage it left."""
    ESCALATION = "escalation"
    """``escalated``: the hand-off to a named authority."""
    TERMINAL = "terminal"
    """``closed``."""


ACTIVITIES: frozenset[str] = frozenset(
    {
        "disclose",
        "consent",
        "speak",
        "restate",
        "review_restatement",
        "propose_common_ground",
        "assent",
        "reserve_difference",
        "park_difference",
        "confirm_differences",
        "propose",
        "answer_proposal",
        "sign",
        "request_suggestion",
        "suggest_settlement",
    }
)
"""Stage-bound commands a stage may allow. Other commands (caucus, pause, escalate,
withdraw, issues, deadlines) are available in every active stage."""


def _check_activities(value: Iterable[str]) -> tuple[str, ...]:
    activities = tuple(value)
    unknown = sorted(set(activities) - ACTIVITIES)
    if unknown:
        raise InvalidInput(f"unknown activities {unknown}; known: {sorted(ACTIVITIES)}")
    return activities


def _check_guard_names(value: Iterable[str]) -> tuple[str, ...]:
    return tuple(check_id(name, "guard name") for name in value)


def _to_stages(value: Iterable[StageSpec]) -> tuple[StageSpec, ...]:
    stages = tuple(value)
    for stage in stages:
        if not isinstance(stage, StageSpec):
            raise InvalidInput(f"stages must be StageSpec values; got {stage!r}")
    return stages


def _check_stage_name(_instance: Any, _attribute: Any, value: str) -> None:
    check_id(value, "stage name")


@attrs.frozen
class StageSpec:
    """One stage of a process.

    Attributes:
        name: Stable name, used in events and stores.
        label_en: English display label; the catalogs translate the built-in stages'
            labels (:func:`mediation.i18n.stage_label`).
        label_zh: A host's own Chinese label for a stage the catalogs do not know
            (optional: without it the stage shows its English label in Chinese too).
        kind: The stage's role; see :class:`StageKind`.
        exit_guards: Names of the guards that must hold to move on from this stage.
        activities: Stage-bound commands allowed here (see :data:`ACTIVITIES`).
        description: One sentence for people.
    """

    name: str = attrs.field(validator=_check_stage_name)
    label_en: str
    label_zh: str = ""
    kind: StageKind = attrs.field(default=StageKind.ACTIVE, converter=StageKind)
    exit_guards: tuple[str, ...] = attrs.field(default=(), converter=_check_guard_names)
    activities: tuple[str, ...] = attrs.field(default=(), converter=_check_activities)
    description: str = ""


@attrs.frozen
class TransitionSpec:
    """One row of the transition table."""

    trigger: str
    source: str
    dest: str
    guards: tuple[str, ...] = ()


CLOSING_TRIGGERS: Mapping[str, str] = {
    "settled": "settle",
    "partially_settled": "settle_partially",
    "impasse": "declare_impasse",
    "terminated_by_mediator": "terminate",
    "escalated": "close_escalated",
    "withdrawn": "close_withdrawn",
}
"""Outcome value → trigger that closes a case with it."""

_RUNNING_GUARDS: tuple[str, ...] = ("no_open_caucus", "no_non_mediable_issue", "consent_current")


@attrs.frozen
class ProcessDefinition:
    """A mediation process as data.

    Attributes:
        name: Identifies the definition in events (``case_opened.process``).
        stages: Every stage. Active stages run in the order listed; exactly one
            ``escalated`` (:attr:`StageKind.ESCALATION`) and one ``closed``
            (:attr:`StageKind.TERMINAL`) stage; at most one ``cooling_off``.
        running_guards: Guards that must hold for every forward move and settlement
            (default: no caucus in progress, no non-mediable issue, every party's consent
            given after the latest disclosure).
    """

    name: str = attrs.field(validator=_check_stage_name)
    stages: tuple[StageSpec, ...] = attrs.field(converter=_to_stages)
    running_guards: tuple[str, ...] = attrs.field(
        default=_RUNNING_GUARDS, converter=_check_guard_names
    )

    def __attrs_post_init__(self) -> None:
        names = [stage.name for stage in self.stages]
        if len(set(names)) != len(names):
            raise InvalidInput(f"process {self.name!r} has duplicate stage names: {names}")
        kinds = [stage.kind for stage in self.stages]
        if not any(kind is StageKind.ACTIVE for kind in kinds):
            raise InvalidInput(f"process {self.name!r} needs at least one active stage")
        expected = {
            StageKind.ESCALATION: Stage.ESCALATED.value,
            StageKind.TERMINAL: Stage.CLOSED.value,
            StageKind.PAUSE: Stage.COOLING_OFF.value,
        }
        for kind, fixed_name in expected.items():
            found = [stage.name for stage in self.stages if stage.kind is kind]
            if kind is not StageKind.PAUSE and len(found) != 1:
                raise InvalidInput(
                    f"process {self.name!r} needs exactly one {kind.value} stage named "
                    f"{fixed_name!r}; found {found}"
                )
            if len(found) > 1 or any(name != fixed_name for name in found):
                raise InvalidInput(
                    f"the {kind.value} stage must be named {fixed_name!r}; found {found}"
                )

    # -- queries ---------------------------------------------------------------------------

    @property
    def initial(self) -> str:
        """The first active stage."""
        return self.active_stages[0]

    @property
    def active_stages(self) -> tuple[str, ...]:
        """Names of the active stages, in order."""
        return tuple(stage.name for stage in self.stages if stage.kind is StageKind.ACTIVE)

    @property
    def has_cooling_off(self) -> bool:
        """Whether the process can pause into ``cooling_off``."""
        return any(stage.kind is StageKind.PAUSE for stage in self.stages)

    def stage(self, name: str) -> StageSpec:
        """The spec of stage ``name``.

        Raises:
            InvalidInput: no such stage in this process.
        """
        for stage in self.stages:
            if stage.name == name:
                return stage
        raise InvalidInput(f"process {self.name!r} has no stage {name!r}")

    def next_stage(self, name: str) -> str | None:
        """The active stage after ``name``, or None for the last one."""
        active = self.active_stages
        index = active.index(name)
        return active[index + 1] if index + 1 < len(active) else None

    def transitions(self) -> tuple[TransitionSpec, ...]:
        """The full transition table, derived from the stages."""
        active = self.active_stages
        running = self.running_guards
        rows: list[TransitionSpec] = []
        for source, dest in itertools.pairwise(active):
            rows.append(
                TransitionSpec("advance", source, dest, running + self.stage(source).exit_guards)
            )
        last = active[-1]
        settle_guards = running + self.stage(last).exit_guards
        rows.append(TransitionSpec("settle", last, Stage.CLOSED.value, settle_guards))
        rows.append(TransitionSpec("settle_partially", last, Stage.CLOSED.value, settle_guards))
        paused = (Stage.COOLING_OFF.value,) if self.has_cooling_off else ()
        if self.has_cooling_off:
            for source in active:
                rows.append(TransitionSpec("pause", source, Stage.COOLING_OFF.value))
            for dest in active:
                rows.append(
                    TransitionSpec(
                        "resume", Stage.COOLING_OFF.value, dest, (f"paused_from_{dest}",)
                    )
                )
        for source in (*active, *paused):
            rows.append(TransitionSpec("escalate", source, Stage.ESCALATED.value))
        for source in active:
            rows.append(TransitionSpec("declare_impasse", source, Stage.CLOSED.value))
        for source in (*active, *paused, Stage.ESCALATED.value):
            rows.append(TransitionSpec("terminate", source, Stage.CLOSED.value))
            rows.append(TransitionSpec("close_withdrawn", source, Stage.CLOSED.value))
        rows.append(TransitionSpec("close_escalated", Stage.ESCALATED.value, Stage.CLOSED.value))
        return tuple(rows)

    def guard_names(self) -> frozenset[str]:
        """Every guard name the table uses (``paused_from_*`` guards excluded)."""
        return frozenset(
            guard
            for row in self.transitions()
            for guard in row.guards
            if not guard.startswith("paused_from_")
        )

    # -- variants -------------------------------------------------------------------------

    def with_stage(
        self, stage: StageSpec, *, after: str, name: str | None = None
    ) -> ProcessDefinition:
        """A copy with ``stage`` inserted after the active stage ``after``."""
        if self.stage(after).kind is not StageKind.ACTIVE:
            raise InvalidInput(f"a stage can only be inserted after an active stage, not {after!r}")
        stages = list(self.stages)
        stages.insert(stages.index(self.stage(after)) + 1, stage)
        return attrs.evolve(
            self, name=name or f"{self.name}.with-{stage.name}", stages=tuple(stages)
        )

    def without_stage(self, name: str, *, new_name: str | None = None) -> ProcessDefinition:
        """A copy without stage ``name`` (an active stage other than the first, or
        ``cooling_off``). The previous stage's exit guards are kept; the dropped stage's
        exit guards are dropped with it."""
        spec = self.stage(name)
        if spec.kind in (StageKind.ESCALATION, StageKind.TERMINAL) or name == self.initial:
            raise InvalidInput(f"stage {name!r} cannot be dropped")
        stages = tuple(stage for stage in self.stages if stage.name != name)
        return attrs.evolve(self, name=new_name or f"{self.name}.without-{name}", stages=stages)

    def with_guard(self, stage: str, guard: str, *, name: str | None = None) -> ProcessDefinition:
        """A copy where leaving ``stage`` also requires the guard named ``guard``."""
        spec = self.stage(stage)
        if spec.kind is not StageKind.ACTIVE:
            raise InvalidInput(
                f"guards apply to leaving active stages; {stage!r} is {spec.kind.value}"
            )
        stages = tuple(
            attrs.evolve(s, exit_guards=(*s.exit_guards, guard)) if s.name == stage else s
            for s in self.stages
        )
        return attrs.evolve(self, name=name or f"{self.name}.guard-{guard}", stages=stages)


DEFAULT_DEFINITION = ProcessDefinition(
    name="default",
    stages=(
        StageSpec(
            Stage.INTAKE.value,
            N_("Intake"),
            exit_guards=("disclosure_made",),
            activities=("disclose", "consent"),
            description="Screening, the mediator's disclosure, and every party's informed consent.",
        ),
        StageSpec(
            Stage.LISTENING.value,
            N_("Listening"),
            exit_guards=("all_heard",),
            activities=("disclose", "consent", "speak"),
            description="Every party is heard, quickly, accurately and remembered.",
        ),
        StageSpec(
            Stage.PERSPECTIVE_SWAP.value,
            N_("Perspective swap"),
            exit_guards=("all_views_restated",),
            activities=("disclose", "consent", "speak", "restate", "review_restatement"),
            description="Each party restates another's view until the restated party confirms it.",
        ),
        StageSpec(
            Stage.COMMON_GROUND.value,
            N_("Common ground"),
            exit_guards=("common_ground_or_differences_listed",),
            activities=(
                "disclose",
                "consent",
                "speak",
                "propose_common_ground",
                "assent",
                "reserve_difference",
                "park_difference",
                "confirm_differences",
            ),
            description="Seek the common ground, reserve the differences: major or minor.",
        ),
        StageSpec(
            Stage.COMPROMISE.value,
            N_("Compromise"),
            exit_guards=("proposal_accepted_by_all",),
            activities=(
                "disclose",
                "consent",
                "speak",
                "propose",
                "answer_proposal",
                "park_difference",
                "request_suggestion",
                "suggest_settlement",
            ),
            description="Find the balance point: one proposal every party accepts.",
        ),
        StageSpec(
            Stage.AGREEMENT.value,
            N_("Agreement"),
            exit_guards=("all_signed",),
            activities=("disclose", "consent", "sign"),
            description="Only the parties decide: every party signs the accepted proposal.",
        ),
        StageSpec(
            Stage.ESCALATED.value,
            N_("Escalated"),
            kind=StageKind.ESCALATION,
            description="Handed to a named authority: beyond the mediator's authority.",
        ),
        StageSpec(
            Stage.COOLING_OFF.value,
            N_("Cooling off"),
            kind=StageKind.PAUSE,
            description="A pause to keep calm; resumes into the stage it left.",
        ),
        StageSpec(
            Stage.CLOSED.value,
            N_("Closed"),
            kind=StageKind.TERMINAL,
            description="The outcome is recorded; nothing more can happen.",
        ),
    ),
)
"""The default process: intake → listening → perspective swap → common ground →
compromise → agreement → closed, with escalation, cooling-off, and closing outcomes."""


class GuardSubject(Protocol):
    """What a guard condition sees when the shared machine evaluates a transition."""

    stage: str
    paused_from: str | None

    def passes(self, guard: str) -> bool:
        """Evaluate guard ``guard``; record why when it fails."""
        ...


Guard = Callable[[Any], Sequence[Reason]]
"""A guard: takes the case state, returns why it fails (empty when it holds)."""


class _GuardCondition:
    """A transitions condition that delegates to the subject; named for diagrams."""

    __slots__ = ("__name__", "guard")

    def __init__(self, guard: str) -> None:
        self.guard = guard
        self.__name__ = guard

    def holds(self, subject: GuardSubject) -> bool:
        """Whether the guard holds for ``subject`` (the subject records why not)."""
        return subject.passes(self.guard)

    def __call__(self, event_data: Any) -> bool:
        return self.holds(event_data.model)


class _PausedFrom:
    __slots__ = ("__name__", "stage")

    def __init__(self, stage: str) -> None:
        self.stage = stage
        self.__name__ = f"paused_from_{stage}"

    def holds(self, subject: GuardSubject) -> bool:
        """Whether the pause being resumed left ``stage``."""
        return subject.paused_from == self.stage

    def __call__(self, event_data: Any) -> bool:
        return self.holds(event_data.model)


_Condition = _GuardCondition | _PausedFrom


class Process:
    """A compiled process: its definition, its guard functions and its one Machine.

    Build one per definition and share it: it is immutable after construction and holds
    no per-case data.

    Args:
        definition: The process as data.
        guards: Guard name → guard function for every guard the definition names.
        checks: Neutrality checks run on every forward move; None (the default): the
            built-in ones, which the case supplies
            (:data:`~mediation.neutrality.BUILTIN_CHECKS`). Pass
            ``(*BUILTIN_CHECKS, my_check)`` to add a host check. The process only holds
            them: it never imports :mod:`mediation.neutrality`.
        text_marker: A :class:`~mediation.markers.TextMarker` (a host's classifier) the
            transcript markers use instead of the lexicon marker the policy describes;
            None (the default): the policy's. Run once on each text as it is recorded.

    Raises:
        InvalidInput: the definition names a guard that ``guards`` lacks, or two checks
            share a code.
    """

    def __init__(
        self,
        definition: ProcessDefinition,
        guards: Mapping[str, Guard],
        checks: Sequence[Check] | None = None,
        text_marker: TextMarker | None = None,
    ) -> None:
        missing = sorted(definition.guard_names() - set(guards))
        if missing:
            raise InvalidInput(f"process {definition.name!r} uses undefined guards: {missing}")
        self.definition = definition
        self.guards: Mapping[str, Guard] = dict(guards)
        if text_marker is not None and not isinstance(text_marker, TextMarker):
            raise InvalidInput(
                f"text_marker must have a name and a mark(text, language) method; "
                f"got {text_marker!r}"
            )
        self.text_marker = text_marker
        """The host's text marker, or None for the policy's lexicon marker."""
        self.checks: tuple[Check, ...] | None = None if checks is None else tuple(checks)
        """The neutrality checks registered on the process; None: the built-in ones
        (:attr:`mediation.Mediation.checks` resolves them)."""
        codes = [check.code for check in self.checks or ()]
        if len(set(codes)) != len(codes):
            raise InvalidInput(
                f"process {definition.name!r} has checks with the same code: {codes}"
            )
        self.stages: Mapping[str, StageSpec] = {stage.name: stage for stage in definition.stages}
        """Stage name → spec, for O(1) look-ups on the hot path."""
        active = definition.active_stages
        self.next_active: Mapping[str, str | None] = {
            stage: active[index + 1] if index + 1 < len(active) else None
            for index, stage in enumerate(active)
        }
        """Active stage → the active stage after it (None after the last): what
        :meth:`ProcessDefinition.next_stage` says, looked up in O(1) at every ``advance``."""
        self.has_cooling_off = definition.has_cooling_off
        self.table = definition.transitions()
        conditions = [
            tuple(
                _PausedFrom(row.dest)
                if guard.startswith("paused_from_")
                else _GuardCondition(guard)
                for guard in row.guards
            )
            for row in self.table
        ]
        routes: dict[tuple[str, str], list[tuple[str, tuple[_Condition, ...]]]] = {}
        for row, row_conditions in zip(self.table, conditions, strict=True):
            routes.setdefault((row.trigger, row.source), []).append((row.dest, row_conditions))
        self._routes = {key: tuple(found) for key, found in routes.items()}
        """(trigger, source) → (destination, conditions) in table order: the machine's own
        transitions, consulted directly by :meth:`fire`."""
        self._machine = Machine(
            model=None,
            states=[stage.name for stage in definition.stages],
            initial=definition.initial,
            transitions=[
                {
                    "trigger": row.trigger,
                    "source": row.source,
                    "dest": row.dest,
                    "conditions": list(row_conditions),
                }
                for row, row_conditions in zip(self.table, conditions, strict=True)
            ],
            send_event=True,
            auto_transitions=False,
            ignore_invalid_triggers=False,
            model_attribute="stage",
        )
        self._events = dict(self._machine.events)

    @property
    def name(self) -> str:
        """The definition's name."""
        return self.definition.name

    def can_fire(self, trigger: str, source: str) -> bool:
        """Whether the table has a ``trigger`` transition out of ``source`` (guards aside)."""
        return (trigger, source) in self._routes

    def fire(self, trigger: str, subject: GuardSubject) -> bool:
        """Run ``trigger`` on ``subject`` by the shared machine's transition table.

        The machine's transitions are consulted directly, as the machine itself would:
        the transitions out of the subject's stage are tried in table order, each
        condition in turn until one fails (the subject records why), and the first
        transition whose conditions all hold moves the subject. :meth:`fire_on_machine`
        runs the same trigger through :class:`transitions.Machine`; a property test
        checks that the two agree, so the machine stays the reference while a command
        costs no event objects of its own.

        On success ``subject.stage`` is set to the destination and the result is True;
        when guards fail it is False (the subject has recorded why).

        Raises:
            TransitionRefused: the trigger does not exist or has no transition from the
                subject's stage (the machine never silently ignores an invalid trigger).
        """
        routes = self._routes.get((trigger, subject.stage))
        if routes is None:
            raise _wrong_stage(trigger, subject.stage)
        for dest, conditions in routes:
            if all(condition.holds(subject) for condition in conditions):
                subject.stage = dest
                return True
        return False

    def fire_on_machine(self, trigger: str, subject: GuardSubject) -> bool:
        """Run ``trigger`` on ``subject`` through the shared :class:`transitions.Machine`
        (the general path :meth:`fire` agrees with).

        Returns:
            As :meth:`fire`.

        Raises:
            TransitionRefused: as :meth:`fire`.
        """
        event = self._events.get(trigger)
        if event is None or subject.stage not in event.transitions:
            raise _wrong_stage(trigger, subject.stage)
        try:
            return bool(event.trigger(subject))
        except MachineError as error:  # pragma: no cover - guarded above
            raise TransitionRefused([Reason("wrong_stage", str(error.value))]) from error


def _wrong_stage(trigger: str, stage: str) -> TransitionRefused:
    return TransitionRefused(
        [
            Reason.of(
                "wrong_stage",
                N_("cannot {move} from stage {stage}"),
                params={
                    "move": Term(trigger.replace("_", " ")),
                    "stage": Term(stage, quoted=True),
                },
            )
        ]
    )
