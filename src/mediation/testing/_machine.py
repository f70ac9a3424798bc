"""A hypothesis state machine that drives real cases with random commands by random actors."""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
)

from mediation.case import DEFAULT_PROCESS, Mediation
from mediation.clocks import ManualClock
from mediation.errors import CaseClosed, CommandRefused, MediationError, NotAuthorized
from mediation.guards import (
    all_signed,
    consent_current,
    no_non_mediable_issue,
    no_open_caucus,
)
from mediation.model import NO_CONCERNS, Issue, Mediator, Outcome, ScreeningDomain, Severity
from mediation.neutrality import disqualifying_relations
from mediation.policy import Policy
from mediation.process import Process, StageKind
from mediation.testing._drive import advance_to
from mediation.testing._oracle import ACTIVE_STAGES, Oracle
from mediation.testing._strategies import clock_starts, mediators, parties, texts, ticks

__all__ = ["MediationMachine"]

_ENDINGS = frozenset({"withdraw", "close", "escalate", "close_escalated", "reassign_mediator"})


class MediationMachine(RuleBasedStateMachine):
    """Drives one real :class:`~mediation.Mediation` per example with random commands by
    random actors (parties, the mediator, a supervisor and a stranger) and checks after
    every step:

    - replaying the events rebuilds an equal case;
    - no exception other than a :class:`~mediation.errors.MediationError` escapes;
    - a refused command changes nothing;
    - a closed case accepts nothing;
    - an action that :meth:`~mediation.Mediation.allowed_actions` reports as allowed is
      not refused when given valid arguments;
    - an independent reference model of who may do what, written from the documentation
      (:class:`~mediation.testing._oracle.Oracle`), agrees with the engine on every command:
      what it says must be refused is refused (with the documented kind of error), and what
      it says must go through goes through. It is used when the process has the default
      stages.

    Hosts subclass it: set :attr:`process` or :attr:`policy`, add ``@rule`` methods for
    their own commands and ``@invariant`` methods for their own invariants, and expose it
    to pytest with ``TestMine = MyMachine.TestCase``.
    """

    process: Process = DEFAULT_PROCESS
    """The process the cases follow."""
    policy: Policy | None = None
    """The policy the cases run under (default policy when None)."""

    def __init__(self) -> None:
        super().__init__()
        self.case: Mediation | None = None
        self.clock: ManualClock | None = None
        self.oracle: Oracle | None = None
        self._reassignments = 0

    # -- set-up ---------------------------------------------------------------------------

    @initialize(data=st.data())
    def open_case(self, data: st.DataObject) -> None:
        """Open a case with 2-4 parties, a mediator (maybe with relationships) and a
        supervisor."""
        drawn = data.draw(parties(max_size=4), label="parties")
        mediator = data.draw(mediators(tuple(p.id for p in drawn)), label="mediator")
        self.clock = ManualClock(data.draw(clock_starts()), tick=data.draw(ticks()))
        self.case = Mediation.open(
            "case-under-test",
            drawn,
            mediator,
            clock=self.clock,
            supervisors=["sup"],
            policy=self.policy,
            process=self.process,
        )
        definition = self.process.definition
        if definition.active_stages == ACTIVE_STAGES and "cooling_off" in self.process.stages:
            # Start some cases further on (driven there cooperatively), so that random
            # commands reach the later stages too.
            start = data.draw(st.sampled_from(ACTIVE_STAGES), label="start at")
            with contextlib.suppress(MediationError):  # a host's policy may stop it early
                advance_to(self.case, start)
            self.oracle = Oracle.for_case(self.case.events[0])
            for event in self.case.events[1:]:
                self.oracle.observe(event)

    # -- helpers --------------------------------------------------------------------------

    @property
    def live(self) -> Mediation:
        """The case under test."""
        assert self.case is not None
        return self.case

    def actors(self) -> list[str]:
        """Everyone who might act, a stranger included."""
        state = self.live.state
        return [*state.parties, state.mediator.id, *state.supervisors, "stranger"]

    def execute(
        self,
        name: str,
        actor: str,
        kwargs: dict[str, Any],
        *,
        expect_ok: bool,
        garbage: bool = False,
    ) -> None:
        """Run command ``name``, check the refusal invariants and the oracle's prediction."""
        case = self.live
        assert self.clock is not None
        before = Mediation.replay(case.events, clock=self.clock, process=self.process)
        was_closed = case.is_closed
        predicted = None if self.oracle is None else self.oracle.predict(name, actor, kwargs)
        method: Callable[..., object] = getattr(case, name)
        try:
            method(actor, **kwargs)
        except MediationError as error:
            assert case == before, f"{name} by {actor} was refused ({error}) but changed the case"
            if predicted is not None and not garbage:
                assert not (predicted.certain and predicted.refused is None), (
                    f"the docs say {name} by {actor} must go through "
                    f"({predicted.why}), but it was refused: {error!r}"
                )
                if predicted.refused in (NotAuthorized, CaseClosed):
                    assert isinstance(error, predicted.refused), (
                        f"the docs say {name} by {actor} is refused with "
                        f"{predicted.refused.__name__} ({predicted.why}); got {error!r}"
                    )
            if expect_ok:
                assert not isinstance(error, CommandRefused), (
                    f"allowed_actions said {name} is allowed for {actor}, but it was refused: "
                    f"{error}"
                )
                raise
            return
        assert not was_closed, f"closed case accepted {name} by {actor}"
        if predicted is not None:
            assert predicted.refused is None, (
                f"the docs say {name} by {actor} must be refused ({predicted.why}), "
                f"but it went through"
            )
        if self.oracle is not None:
            for event in case.events[before.version :]:
                self.oracle.observe(event)

    # -- rules ----------------------------------------------------------------------------

    @rule(data=st.data())
    def any_command_by_anyone(self, data: st.DataObject) -> None:
        """A random command by a random actor, with arguments that may be wrong."""
        names = sorted(_ARGUMENTS)
        if data.draw(st.integers(0, 7), label="allow ending") != 0:
            names = [name for name in names if name not in _ENDINGS]
        name = data.draw(st.sampled_from(names), label="command")
        actor = data.draw(st.sampled_from(self.actors()), label="actor")
        kwargs = _ARGUMENTS[name](self, actor, data)
        garbage = kwargs is None or data.draw(st.integers(0, 9), label="garble") == 0
        if garbage:
            kwargs = _garbage(name, data)
        assert kwargs is not None
        self.execute(name, actor, kwargs, expect_ok=False, garbage=garbage)

    @rule(data=st.data())
    def an_allowed_command(self, data: st.DataObject) -> None:
        """An action that allowed_actions reports as allowed, with valid arguments."""
        actor = data.draw(st.sampled_from(self.actors()[:-1]), label="actor")
        allowed = [status.name for status in self.live.allowed_actions(actor) if status.allowed]
        if not allowed:
            return
        if data.draw(st.integers(0, 15), label="allow ending") != 0:
            allowed = [name for name in allowed if name not in _ENDINGS] or allowed
        name = data.draw(st.sampled_from(allowed), label="command")
        kwargs = _ARGUMENTS[name](self, actor, data)
        if kwargs is None:
            return
        self.execute(name, actor, kwargs, expect_ok=True)

    @rule(data=st.data())
    def cooperative_step(self, data: st.DataObject) -> None:
        """Someone does what the stage needs, so that examples reach the later stages."""
        for _ in range(data.draw(st.integers(min_value=1, max_value=8), label="steps")):
            if not self._cooperate_once(data):
                return

    def _cooperate_once(self, data: st.DataObject) -> bool:
        case = self.live
        state = case.state
        plan: list[tuple[str, str]] = []
        for actor in (state.mediator.id, *state.active, *state.supervisors):
            for status in case.allowed_actions(actor):
                if status.allowed and status.name in _PRODUCTIVE:
                    if status.name == "disclose" and state.disclosure_seq is not None:
                        continue
                    plan.append((status.name, actor))
        urgent = [step for step in plan if step[0] in _URGENT]
        if state.shuttle_safeguards():
            # Shuttle format: each party's part is done in its own caucus. Open one when
            # none is; keep it open while its party has work to do there.
            if state.caucus is None:
                if any(s.allowed for s in case.allowed_actions(state.mediator.id)
                       if s.name == "open_caucus"):  # fmt: skip
                    plan.append(("open_caucus", state.mediator.id))
            elif any(actor == state.caucus[1].party for _name, actor in plan):
                urgent = [step for step in urgent if step[0] != "close_caucus"]
        if not plan:
            return False
        name, actor = urgent[0] if urgent else data.draw(st.sampled_from(plan), label="step")
        kwargs = _ARGUMENTS[name](self, actor, data)
        if kwargs is None:
            return False
        if name == "review_restatement":
            kwargs["accurate"] = True
        elif name == "answer_proposal":
            kwargs["accept"] = True
        elif name == "close":
            last = self.process.definition.active_stages[-1]
            # settling needs what every forward move needs, and every signature; and no
            # blocking neutrality finding about settling (e.g. a screening that calls for
            # escalation): ``close`` is allowed with its outcome aside, which it depends on
            forward = (consent_current, no_non_mediable_issue, no_open_caucus, all_signed)
            if case.stage != last or any(guard(state) for guard in forward):
                return False
            if any(f.blocking and f.code not in state.overrides for f in case.pending_findings()):
                return False
            kwargs["outcome"] = Outcome.SETTLED
        self.execute(name, actor, kwargs, expect_ok=True)
        return True

    @precondition(lambda self: self.case is not None and self.case.stage == "compromise")
    @rule(data=st.data())
    def evaluative_round(self, data: st.DataObject) -> None:
        """In compromise: each party gives valuations in a caucus of its own, some ask for a
        suggestion, and the mediator tries to suggest a settlement (allowed only once every
        party asked and gave valuations)."""
        case = self.live
        mediator = case.state.mediator.id
        for party in list(case.state.active):
            if party in case.state.valuations:
                continue
            self.execute("open_caucus", mediator, {"party": party}, expect_ok=False)
            if case.state.caucus is None:
                return
            self.execute("give_valuations", party, _valuations(self, party, data), expect_ok=False)
            self.execute("close_caucus", mediator, {}, expect_ok=False)
        for party in list(case.state.active):
            if data.draw(st.integers(0, 3), label="asks") != 0:
                self.execute("request_suggestion", party, {}, expect_ok=False)
        suggestion = _suggest(self, mediator, data)
        self.execute("suggest_settlement", mediator, suggestion, expect_ok=False)

    @rule(minutes=st.integers(min_value=0, max_value=24 * 60))
    def time_passes(self, minutes: int) -> None:
        """Time passes between commands."""
        assert self.clock is not None
        self.clock.advance(timedelta(minutes=minutes))

    # -- invariants -----------------------------------------------------------------------

    @invariant()
    def replay_rebuilds_an_equal_case(self) -> None:
        """Replaying the events gives an equal case."""
        if self.case is None:
            return
        assert self.clock is not None
        rebuilt = Mediation.replay(self.case.events, clock=self.clock, process=self.process)
        assert rebuilt == self.case

    @invariant()
    def state_is_consistent(self) -> None:
        """Version, stage and outcome agree with the events."""
        if self.case is None:
            return
        case = self.case
        assert case.version == len(case.events)
        assert [event.seq for event in case.events] == list(range(1, case.version + 1))
        kind = self.process.definition.stage(case.stage).kind
        assert (kind is StageKind.TERMINAL) == case.is_closed
        assert (case.stage == "cooling_off") == (case.state.paused_from is not None)


_URGENT = ("advance", "resume", "close_caucus")
_PRODUCTIVE = frozenset(
    {
        *_URGENT,
        "disclose",
        "consent",
        "screen",
        "waive_conflict",
        "keep_difference_open",
        "speak",
        "restate",
        "review_restatement",
        "propose_common_ground",
        "assent",
        "propose",
        "answer_proposal",
        "sign",
        "close",
        "invite_to_speak",
        "offer_caucus",
        "override",
        "give_valuations",
        "request_suggestion",
        "suggest_settlement",
    }
)

ArgumentBuilder = Callable[[MediationMachine, str, st.DataObject], "dict[str, Any] | None"]


def _text(data: st.DataObject) -> str:
    return data.draw(texts, label="text")


def _none(_machine: MediationMachine, _actor: str, _data: st.DataObject) -> dict[str, Any]:
    return {}


def _with_text(key: str) -> ArgumentBuilder:
    def build(_machine: MediationMachine, _actor: str, data: st.DataObject) -> dict[str, Any]:
        return {key: _text(data)}

    return build


def _pick(data: st.DataObject, options: list[str], label: str) -> str | None:
    return data.draw(st.sampled_from(options), label=label) if options else None


def _restate(machine: MediationMachine, actor: str, data: st.DataObject) -> dict[str, Any] | None:
    about = _pick(data, [p for p in machine.live.state.active if p != actor], "about")
    return None if about is None else {"about": about, "text": _text(data)}


def _review(machine: MediationMachine, actor: str, data: st.DataObject) -> dict[str, Any] | None:
    options = [
        rid
        for rid, r in machine.live.state.restatements.items()
        if r.about == actor and r.accurate is None
    ]
    chosen = _pick(data, options, "restatement")
    if chosen is None:
        return None
    return {"restatement_id": chosen, "accurate": data.draw(st.booleans(), label="accurate")}


def _assent(machine: MediationMachine, actor: str, data: st.DataObject) -> dict[str, Any] | None:
    options = [
        i for i, item in machine.live.state.common_ground.items() if actor not in item.assents
    ]
    chosen = _pick(data, options, "item")
    return None if chosen is None else {"item_id": chosen}


def _reserve(_machine: MediationMachine, _actor: str, data: st.DataObject) -> dict[str, Any]:
    return {"text": _text(data), "severity": data.draw(st.sampled_from(list(Severity)))}


def _park(machine: MediationMachine, _actor: str, data: st.DataObject) -> dict[str, Any] | None:
    options = [
        d
        for d, diff in machine.live.state.differences.items()
        if diff.severity is Severity.MINOR and not diff.parked
    ]
    chosen = _pick(data, options, "difference")
    return None if chosen is None else {"difference_id": chosen}


def _answer(machine: MediationMachine, _actor: str, data: st.DataObject) -> dict[str, Any] | None:
    chosen = _pick(data, list(machine.live.state.proposals), "proposal")
    if chosen is None:
        return None
    accept = data.draw(st.integers(0, 3), label="accept") != 0
    return {"proposal_id": chosen, "accept": accept}


def _open_caucus(
    machine: MediationMachine, _actor: str, data: st.DataObject
) -> dict[str, Any] | None:
    chosen = _pick(data, list(machine.live.state.active), "party")
    return None if chosen is None else {"party": chosen}


def _share(machine: MediationMachine, actor: str, data: st.DataObject) -> dict[str, Any] | None:
    options = [
        n
        for n, note in machine.live.state.caucus_notes.items()
        if note.party == actor and not note.shared
    ]
    chosen = _pick(data, options, "note")
    return None if chosen is None else {"note_id": chosen}


def _raise(machine: MediationMachine, _actor: str, data: st.DataObject) -> dict[str, Any]:
    number = len(machine.live.state.issues) + 1
    flags = data.draw(
        st.sampled_from([(), (), (), ("budget",), ()] * 3 + [("harassment",)]), label="flags"
    )
    return {"issue": Issue(f"issue-{number}", _text(data), flags)}


def _flag(machine: MediationMachine, _actor: str, data: st.DataObject) -> dict[str, Any] | None:
    chosen = _pick(data, list(machine.live.state.issues), "issue")
    if chosen is None:
        return None
    return {"issue_id": chosen, "flag": data.draw(st.sampled_from(["budget", "safety"]))}


def _escalate(machine: MediationMachine, _actor: str, data: st.DataObject) -> dict[str, Any]:
    authority = data.draw(st.sampled_from(list(machine.live.state.policy.authorities)))
    return {"authority": authority, "reason": _text(data)}


def _close(machine: MediationMachine, _actor: str, data: st.DataObject) -> dict[str, Any]:
    case = machine.live
    definition = machine.process.definition
    options = [Outcome.TERMINATED_BY_MEDIATOR]
    if definition.stage(case.stage).kind is StageKind.ACTIVE:
        options.append(Outcome.IMPASSE)
    can_settle = (
        case.stage == definition.active_stages[-1]
        and not all_signed(case.state)
        and case.state.caucus is None
    )
    if can_settle:
        options += [Outcome.SETTLED, Outcome.PARTIALLY_SETTLED]
    return {"outcome": data.draw(st.sampled_from(options)), "reason": _text(data)}


def _close_escalated(
    _machine: MediationMachine, _actor: str, data: st.DataObject
) -> dict[str, Any]:
    return {"reason": _text(data)}


def _deadline(machine: MediationMachine, _actor: str, data: st.DataObject) -> dict[str, Any]:
    assert machine.clock is not None
    stage = data.draw(st.sampled_from(machine.process.definition.active_stages))
    hours = data.draw(st.integers(min_value=-48, max_value=240))
    return {"stage": stage, "due": machine.clock.now + timedelta(hours=hours)}


def _reassign(machine: MediationMachine, _actor: str, data: st.DataObject) -> dict[str, Any]:
    machine._reassignments += 1
    return {
        "mediator": Mediator(f"m{machine._reassignments + 1}", _text(data)),
        "reason": _text(data),
    }


def _some_party(
    machine: MediationMachine, _actor: str, data: st.DataObject
) -> dict[str, Any] | None:
    state = machine.live.state
    if state.shuttle_safeguards() and state.caucus is not None:
        return {"party": state.caucus[1].party}  # shuttle format: only the caucus's party
    chosen = _pick(data, list(state.active), "party")
    return None if chosen is None else {"party": chosen}


def _addressed(machine: MediationMachine, actor: str, data: st.DataObject) -> dict[str, Any] | None:
    kwargs = _some_party(machine, actor, data)
    if kwargs is not None:
        kwargs["text"] = _text(data)
    return kwargs


def _offer(machine: MediationMachine, _actor: str, data: st.DataObject) -> dict[str, Any] | None:
    state = machine.live.state
    chosen = _pick(data, [p for p in state.active if p not in state.caucus_offered], "party")
    return None if chosen is None else {"party": chosen}


def _support(machine: MediationMachine, actor: str, data: st.DataObject) -> dict[str, Any] | None:
    party = actor if actor in machine.live.state.parties else None
    if party is None:
        picked = _some_party(machine, actor, data)
        party = None if picked is None else picked["party"]
    return None if party is None else {"party": party, "name": _text(data)}


def _screen(machine: MediationMachine, _actor: str, data: st.DataObject) -> dict[str, Any] | None:
    state = machine.live.state
    unscreened = [p for p in state.active if p not in state.screenings]
    chosen = _pick(data, unscreened or list(state.active), "party")
    if chosen is None:
        return None
    # Mostly no concern, so cooperative examples get past intake; sometimes one.
    concern = data.draw(st.sampled_from([None, None, None, *ScreeningDomain]), label="concern")
    answers = {**NO_CONCERNS, **({concern.value: True} if concern is not None else {})}
    return {"party": chosen, "answers": answers}


def _safeguard(machine: MediationMachine, actor: str, data: st.DataObject) -> dict[str, Any] | None:
    picked = _some_party(machine, actor, data)
    return None if picked is None else {"party": picked["party"], "safeguard": "shuttle"}


def _waive(machine: MediationMachine, actor: str, data: st.DataObject) -> dict[str, Any] | None:
    state = machine.live.state
    open_ = [
        relation
        for relation in disqualifying_relations(state)
        if actor not in state.waivers.get(relation, {}) and relation in state.disclosed
    ]
    if not open_:
        return None
    return {
        "relation": data.draw(st.sampled_from(open_), label="relation"),
        "statement": _text(data),
    }


def _difference(
    machine: MediationMachine, actor: str, data: st.DataObject
) -> dict[str, Any] | None:
    differences = machine.live.state.differences
    open_ = [d for d, difference in differences.items() if actor not in difference.kept_open]
    chosen = _pick(data, open_, "difference")
    return None if chosen is None else {"difference_id": chosen}


def _escalatable(
    machine: MediationMachine, _actor: str, data: st.DataObject
) -> dict[str, Any] | None:
    differences = machine.live.state.differences
    chosen = _pick(data, [d for d, diff in differences.items() if diff.escalated is None], "d")
    return None if chosen is None else {"difference_id": chosen}


def _escalate_difference(
    machine: MediationMachine, actor: str, data: st.DataObject
) -> dict[str, Any] | None:
    kwargs = _escalatable(machine, actor, data)
    if kwargs is not None:
        kwargs.update(_escalate(machine, actor, data))
    return kwargs


def _override(machine: MediationMachine, _actor: str, data: st.DataObject) -> dict[str, Any] | None:
    codes = sorted({f.code for f in machine.live.pending_findings() if f.blocking})
    if not codes:
        return None
    chosen = data.draw(st.lists(st.sampled_from(codes), min_size=1, unique=True), label="codes")
    return {"codes": chosen, "reason": _text(data)}


def _valuations(_machine: MediationMachine, _actor: str, data: st.DataObject) -> dict[str, Any]:
    values = data.draw(
        st.lists(st.integers(0, 100), min_size=3, max_size=3).filter(any), label="valuations"
    )
    return {"valuations": {f"item-{i}": v for i, v in enumerate(values)}}


def _suggest(machine: MediationMachine, _actor: str, data: st.DataObject) -> dict[str, Any]:
    options = ["knaster"] + (["adjusted_winner"] if len(machine.live.state.active) == 2 else [])
    return {"procedure": data.draw(st.sampled_from(options), label="procedure")}


_ARGUMENTS: dict[str, ArgumentBuilder] = {
    "disclose": _with_text("statement"),
    "consent": _none,
    "screen": _screen,
    "apply_safeguard": _safeguard,
    "waive_conflict": _waive,
    "keep_difference_open": _difference,
    "escalate_difference": _escalate_difference,
    "raise_issue": _raise,
    "flag_issue": _flag,
    "speak": lambda m, a, data: {
        "text": _text(data),
        "seconds": data.draw(st.floats(0, 600), label="seconds"),
    },
    "restate": _restate,
    "review_restatement": _review,
    "propose_common_ground": _with_text("text"),
    "assent": _assent,
    "reserve_difference": _reserve,
    "park_difference": _park,
    "confirm_differences": _none,
    "propose": _with_text("text"),
    "answer_proposal": _answer,
    "sign": _none,
    "open_caucus": _open_caucus,
    "caucus_note": _with_text("text"),
    "close_caucus": _none,
    "allow_sharing": _share,
    "advance": _none,
    "pause": _with_text("reason"),
    "resume": _none,
    "escalate": _escalate,
    "close": _close,
    "close_escalated": _close_escalated,
    "withdraw": _with_text("reason"),
    "set_deadline": _deadline,
    "reassign_mediator": _reassign,
    "invite_to_speak": _some_party,
    "paraphrase": _addressed,
    "ask": _addressed,
    "offer_caucus": _offer,
    "add_support_person": _support,
    "override": _override,
    "review_deadlines": _none,
    "give_valuations": _valuations,
    "request_suggestion": _none,
    "suggest_settlement": _suggest,
}


def _garbage(name: str, data: st.DataObject) -> dict[str, Any]:
    """Arguments of the right names with wrong values: blanks, unknown ids, NaN, negatives."""
    bad = st.sampled_from(["", "   ", "no-such-id", "p99", float("nan"), -1.0, None, 3])
    keys = {
        "disclose": ["statement"],
        "screen": ["party", "answers"],
        "apply_safeguard": ["party", "safeguard"],
        "waive_conflict": ["relation", "statement"],
        "keep_difference_open": ["difference_id"],
        "escalate_difference": ["difference_id", "authority", "reason"],
        "raise_issue": ["issue"],
        "flag_issue": ["issue_id", "flag"],
        "speak": ["text", "seconds"],
        "restate": ["about", "text"],
        "review_restatement": ["restatement_id"],
        "propose_common_ground": ["text"],
        "assent": ["item_id"],
        "reserve_difference": ["text", "severity"],
        "park_difference": ["difference_id"],
        "propose": ["text"],
        "answer_proposal": ["proposal_id"],
        "open_caucus": ["party"],
        "caucus_note": ["text"],
        "allow_sharing": ["note_id"],
        "pause": ["reason"],
        "escalate": ["authority", "reason"],
        "close": ["outcome"],
        "close_escalated": ["reason"],
        "withdraw": ["reason"],
        "set_deadline": ["stage", "due"],
        "reassign_mediator": ["mediator", "reason"],
        "invite_to_speak": ["party"],
        "paraphrase": ["party", "text"],
        "ask": ["party", "text"],
        "offer_caucus": ["party"],
        "add_support_person": ["party", "name"],
        "override": ["codes", "reason"],
        "give_valuations": ["valuations"],
        "suggest_settlement": ["procedure"],
    }.get(name, [])
    kwargs: dict[str, Any] = {key: data.draw(bad, label=key) for key in keys}
    if name == "review_restatement":
        kwargs["accurate"] = True
    if name == "answer_proposal":
        kwargs["accept"] = True
    return kwargs
