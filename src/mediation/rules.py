"""Who may do what, and when: the action table of a case.

Each command of :class:`~mediation.case.Mediation` has one row in :data:`ACTIONS`: the
roles that may issue it and a *blockers* function that says why it cannot be done now.
Blockers are plain functions of a :class:`Situation` (the case's state and process) and
the actor; they return :class:`~mediation.errors.Reason` values, and an empty tuple means
nothing blocks. The case asks these rules before it records anything, and
:meth:`Mediation.allowed_actions <mediation.case.Mediation.allowed_actions>` reads the same
table, so what a host shows as possible is exactly what a command accepts (arguments
aside: which party, which proposal, is checked when the command is issued).

The rules read; they never record. They know nothing of the neutrality checks themselves:
the case hands them, in the :class:`Situation`, the blocking findings still in force for a
stage change.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from enum import Enum
from types import MappingProxyType

import attrs

from mediation.errors import CaseClosed, CommandRefused, NotAuthorized, Reason, TransitionRefused
from mediation.i18n import N_, Names, Term
from mediation.model import shown
from mediation.policy import Mode, Style
from mediation.process import Process, StageKind
from mediation.state import CaseState

__all__ = [
    "ACTIONS",
    "Action",
    "ActionStatus",
    "Blockers",
    "Role",
    "Situation",
    "action_statuses",
    "authorize",
    "blockers",
    "check",
    "closed_reasons",
    "failing_guards",
    "forward_trigger",
    "role_of",
    "shuttle_addressee",
    "transition_blockers",
    "unrequested_evaluation",
]


class Role(str, Enum):
    """What an actor is in a case."""

    PARTY = "party"
    MEDIATOR = "mediator"
    SUPERVISOR = "supervisor"


@attrs.frozen
class ActionStatus:
    """Whether an actor may take an action now, and if not, why.

    Attributes:
        name: The command's method name on :class:`~mediation.case.Mediation`.
        allowed: True when nothing blocks it (its arguments aside).
        reasons: Why it is blocked (empty when allowed).
    """

    name: str
    allowed: bool
    reasons: tuple[Reason, ...] = ()


def _no_blocks(_trigger: str) -> Sequence[Reason]:
    return ()


@attrs.frozen
class Situation:
    """What the rules read about a case.

    Attributes:
        state: The case's folded state.
        process: The compiled process the case follows.
        unresolved_blocks: For a trigger fired from the current stage, the blocking
            neutrality findings no supervisor has overridden (the case supplies it; by
            default nothing blocks).
    """

    state: CaseState
    process: Process
    unresolved_blocks: Callable[[str], Sequence[Reason]] = _no_blocks


Blockers = Callable[[Situation, str], tuple[Reason, ...]]
"""Why ``actor`` cannot take an action in a situation (empty: nothing blocks)."""


@attrs.frozen
class Action:
    """One row of the action table.

    Attributes:
        name: The command's method name on :class:`~mediation.case.Mediation`.
        roles: The roles that may issue it.
        blockers: Why it cannot be done now.
        moves_stage: True for commands that change the stage; they are refused with
            :class:`~mediation.errors.TransitionRefused` rather than
            :class:`~mediation.errors.CommandRefused`.
    """

    name: str
    roles: frozenset[Role]
    blockers: Blockers
    moves_stage: bool = False


def role_of(state: CaseState, actor: object) -> Role | None:
    """The actor's role in the case, or None for a stranger.

    Args:
        state: The case's state.
        actor: Who is acting (anything that is not a participant's id is a stranger).

    Returns:
        The role, or None.
    """
    if not isinstance(actor, str):
        return None
    if actor in state.parties:
        return Role.PARTY
    if actor == state.mediator.id:
        return Role.MEDIATOR
    if actor in state.supervisors:
        return Role.SUPERVISOR
    return None


def closed_reasons(state: CaseState) -> tuple[Reason, ...]:
    """Why nothing can be done once the case is closed (empty while it is open)."""
    if state.outcome is None:
        return ()
    return (
        _reason(
            "case_closed",
            N_("case {case} is closed ({outcome})"),
            case=repr(state.case_id),
            outcome=Term(state.outcome.value),
        ),
    )


def authorize(state: CaseState, action: str, actor: object) -> Role:
    """Check that ``actor`` takes part, the case is open, and the role may ``action``.

    Args:
        state: The case's state.
        action: A name in :data:`ACTIONS`.
        actor: Who is acting.

    Returns:
        The actor's role.

    Raises:
        NotAuthorized: a stranger, or a role the action is not for.
        CaseClosed: the case is closed.
    """
    role = role_of(state, actor)
    if role is None:
        raise NotAuthorized.of(
            "actor_not_in_case",
            N_("{actor} takes no part in case {case_id!r}"),
            actor=shown(actor),
            case_id=state.case_id,
        )
    if state.outcome is not None:
        raise CaseClosed(closed_reasons(state))
    roles = ACTIONS[action].roles
    if role not in roles:
        allowed = [Term(r.value) for r in sorted(roles, key=_ROLE_ORDER.index)]
        raise NotAuthorized.of(
            "wrong_role",
            N_("{action} is for the {allowed}; {actor} is the {role}"),
            action=Term(action.replace("_", " ")),
            allowed=Names(allowed, either=True),
            actor=actor,
            role=Term(role.value),
        )
    return role


def blockers(situation: Situation, action: str, actor: str) -> tuple[Reason, ...]:
    """Why ``actor`` cannot take ``action`` now (its role and arguments aside).

    Args:
        situation: The case as the rules see it.
        action: A name in :data:`ACTIONS`.
        actor: Who would act.

    Returns:
        The reasons; empty when nothing blocks.
    """
    return ACTIONS[action].blockers(situation, actor)


def check(situation: Situation, action: str, actor: str, extra: Iterable[Reason] = ()) -> None:
    """Refuse ``action`` if anything blocks it.

    Args:
        situation: The case as the rules see it.
        action: A name in :data:`ACTIONS`.
        actor: Who acts.
        extra: Reasons the command found in its arguments (e.g. "already assented").

    Raises:
        TransitionRefused: a stage change is blocked.
        CommandRefused: any other command is blocked.
    """
    row = ACTIONS[action]
    reasons = [*row.blockers(situation, actor), *extra]
    if reasons:
        raise (TransitionRefused if row.moves_stage else CommandRefused)(reasons)


def action_statuses(situation: Situation, actor: str) -> tuple[ActionStatus, ...]:
    """Every action of ``actor``'s role, each with whether it is possible now and why not.

    Args:
        situation: The case as the rules see it.
        actor: Who would act.

    Returns:
        One status per action the role may issue, in table order; empty for a stranger.
    """
    role = role_of(situation.state, actor)
    if role is None:
        return ()
    closed = closed_reasons(situation.state)
    statuses: list[ActionStatus] = []
    for action in ACTIONS.values():
        if role in action.roles:
            reasons = closed or action.blockers(situation, actor)
            statuses.append(ActionStatus(action.name, not reasons, reasons))
    return tuple(statuses)


def failing_guards(state: CaseState, process: Process, trigger: str) -> list[Reason]:
    """Every failing guard's reasons for ``trigger`` from the current stage.

    The shared machine stops at the first failing guard; this lists them all, so a
    refusal says everything that stands in the way.
    """
    reasons: list[Reason] = []
    for row in process.table:
        if row.trigger == trigger and row.source == state.stage:
            for guard in row.guards:
                if not guard.startswith("paused_from_"):
                    for reason in process.guards[guard](state):
                        if reason not in reasons:
                            reasons.append(reason)
    return reasons


def transition_blockers(situation: Situation, trigger: str) -> list[Reason]:
    """Failing guards plus blocking findings not overridden, for ``trigger``."""
    return [
        *failing_guards(situation.state, situation.process, trigger),
        *situation.unresolved_blocks(trigger),
    ]


def forward_trigger(state: CaseState, process: Process) -> str | None:
    """The trigger of the next forward move: ``advance``, or ``settle`` from the last
    active stage; None once the case is closed."""
    if state.outcome is not None:
        return None
    last = process.definition.active_stages[-1]
    return "settle" if state.stage == last else "advance"


# -- the preconditions --------------------------------------------------------------------


def _reason(code: str, template: str, *parties: str, **params: object) -> Reason:
    return Reason.of(code, template, parties, params=params)


def _activity(s: Situation, activity: str) -> tuple[Reason, ...]:
    """The current stage must offer ``activity``."""
    if activity in s.process.stages[s.state.stage].activities:
        return ()
    return (
        _reason(
            "wrong_stage",
            N_("{activity} is not possible in stage {stage}"),
            activity=Term(activity.replace("_", " ")),
            stage=Term(s.state.stage, quoted=True),
        ),
    )


def _no_caucus(s: Situation) -> tuple[Reason, ...]:
    """Joint work waits while a caucus is in progress."""
    if s.state.caucus is None:
        return ()
    caucus_id, caucus = s.state.caucus
    return (
        _reason(
            "caucus_open",
            N_("caucus {caucus} with {party} is in progress"),
            caucus.party,
            caucus=repr(caucus_id),
            party=caucus.party,
        ),
    )


def _shuttle_format(state: CaseState, template: str, *parties: str, **params: object) -> Reason:
    """The refusal of a move that would bring the parties together under shuttle format:
    ``template`` names the safeguard (``names``, ``events``) and says where the move
    belongs."""
    standing = state.shuttle_safeguards()
    events = ", ".join(str(seq) for seq in sorted(standing.values()))
    return _reason(
        "shuttle_format",
        template,
        *parties,
        names=state.names(standing),
        events=events,
        **params,
    )


def _joint_setting(s: Situation, actor: str) -> tuple[Reason, ...]:
    """Where joint-session work happens. Normally in joint session: no caucus in progress.
    Under a shuttle (caucus-only) safeguard the parties never meet: a party does its part
    in its own caucus with the mediator, who carries it to the others; the mediator's own
    moves (a proposal, a listed difference) are carried in or out of a caucus."""
    state = s.state
    if not state.shuttle_safeguards():
        return _no_caucus(s)
    if role_of(state, actor) is not Role.PARTY:
        return ()
    if state.caucus is not None and state.caucus[1].party == actor:
        return ()
    return (
        _shuttle_format(
            state,
            N_(
                "the shuttle (caucus-only) safeguard for {names} stands (event {events}): the "
                "parties do not meet in joint session; {party} takes part only in their own "
                "caucus with the mediator"
            ),
            actor,
            party=state.names((actor,)),
        ),
    )


def shuttle_addressee(state: CaseState, party: str) -> tuple[Reason, ...]:
    """Under a shuttle (caucus-only) safeguard, the mediator addresses a party (invites,
    paraphrases, asks) only in that party's own caucus.

    Args:
        state: The case's state.
        party: The party addressed.

    Returns:
        A ``shuttle_format`` refusal when the caucus in progress is another party's; empty
        when no shuttle safeguard stands, when it is ``party``'s, or when no caucus is in
        progress (the action's blockers refuse that).
    """
    caucus = state.caucus
    if not state.shuttle_safeguards() or caucus is None or caucus[1].party == party:
        return ()
    return (
        _shuttle_format(
            state,
            N_(
                "the shuttle (caucus-only) safeguard for {names} stands (event {events}): the "
                "parties do not meet in joint session; the mediator addresses {party} only in "
                "their own caucus, not in {other}'s"
            ),
            party,
            party=state.names((party,)),
            other=state.names((caucus[1].party,)),
        ),
    )


def _taking_part(s: Situation, actor: str) -> tuple[Reason, ...]:
    """A party who withdrew takes no further part."""
    if actor not in s.state.active and role_of(s.state, actor) is Role.PARTY:
        return (
            _reason(
                "withdrawn", N_("{party} has withdrawn from the mediation"), actor, party=actor
            ),
        )
    return ()


def _in_active_stage(s: Situation) -> tuple[Reason, ...]:
    if s.process.stages[s.state.stage].kind is StageKind.ACTIVE:
        return ()
    return (
        _reason(
            "wrong_stage", N_("not possible while the case is {stage}"), stage=Term(s.state.stage)
        ),
    )


def _stage_change(s: Situation, trigger: str) -> tuple[Reason, ...]:
    if not s.process.can_fire(trigger, s.state.stage):
        return (
            _reason(
                "wrong_stage",
                N_("cannot {move} from {stage}"),
                move=Term(trigger.replace("_", " ")),
                stage=Term(s.state.stage, quoted=True),
            ),
        )
    return tuple(transition_blockers(s, trigger))


def _joint(activity: str) -> Blockers:
    """Blockers of a joint-session activity: the stage offers it, no caucus is in
    progress (under shuttle format: the acting party's own caucus is), and the actor has
    not withdrawn."""

    def blocks(s: Situation, actor: str) -> tuple[Reason, ...]:
        return (
            *_activity(s, activity),
            *_joint_setting(s, actor),
            *_taking_part(s, actor),
        )

    blocks.__name__ = f"blocks_{activity}"
    return blocks


def _blocks_nothing(_s: Situation, _actor: str) -> tuple[Reason, ...]:
    return ()


def _blocks_disclose(s: Situation, actor: str) -> tuple[Reason, ...]:
    return (*_activity(s, "disclose"), *_joint_setting(s, actor))


def _blocks_consent(s: Situation, actor: str) -> tuple[Reason, ...]:
    reasons = _joint("consent")(s, actor)
    seq = s.state.disclosure_seq
    if seq is None:
        return (
            *reasons,
            _reason(
                "disclosure_missing", N_("the mediator must disclose before anyone can consent")
            ),
        )
    if s.state.consent_seq.get(actor, 0) > seq:
        return (
            *reasons,
            _reason(
                "already_consented",
                N_("{party} already consented after the latest disclosure"),
                actor,
                party=actor,
            ),
        )
    return reasons


def _blocks_active_participant(s: Situation, actor: str) -> tuple[Reason, ...]:
    return (*_in_active_stage(s), *_taking_part(s, actor))


def _blocks_sign(s: Situation, actor: str) -> tuple[Reason, ...]:
    reasons = _joint("sign")(s, actor)
    agreed = s.state.agreed_proposal()
    if agreed is None:
        return (*reasons, _reason("no_agreement", N_("no proposal is accepted by every party")))
    if s.state.signatures.get(actor) == agreed:
        return (
            *reasons,
            _reason("already_signed", N_("{party} already signed"), actor, party=actor),
        )
    return (*reasons, *_major_open(s))


def _major_open(s: Situation) -> tuple[Reason, ...]:
    """大事谈原则: under a blocking policy, no signature while a major difference is open."""
    state = s.state
    if state.policy.major_differences.mode is not Mode.BLOCK or not state.differences:
        return ()
    found = state.open_major_differences()
    if not found:
        return ()
    listed = Names(f"“{state.differences[d].text}”" for d in found)
    return (
        _reason(
            "major_difference_open",
            N_(
                "major difference(s) {differences} are neither settled by a term of the agreed "
                "proposal, escalated, nor kept open by every party"
            ),
            differences=listed,
        ),
    )


def _blocks_waive_conflict(s: Situation, actor: str) -> tuple[Reason, ...]:
    reasons = (*_in_active_stage(s), *_taking_part(s, actor))
    relations = s.state.disqualifying_relations()
    if not relations:
        return (
            *reasons,
            _reason("no_conflict", N_("the mediator has no disqualifying relationship to waive")),
        )
    if not s.state.policy.conflict_of_interest.allow_waiver:
        return (
            *reasons,
            _reason(
                "waiver_not_allowed",
                N_(
                    "the policy allows no waiver of a disqualifying conflict of interest; a "
                    "supervisor must hand the case to an independent mediator"
                ),
            ),
        )
    return reasons


def _blocks_keep_difference_open(s: Situation, actor: str) -> tuple[Reason, ...]:
    reasons = (
        *_in_active_stage(s),
        *_joint_setting(s, actor),
        *_taking_part(s, actor),
    )
    if not s.state.differences:
        return (*reasons, _reason("no_differences", N_("no difference has been listed yet")))
    return reasons


def _blocks_escalate_difference(s: Situation, _actor: str) -> tuple[Reason, ...]:
    reasons = (*_in_active_stage(s), *_no_caucus(s))
    if not s.state.differences:
        return (*reasons, _reason("no_differences", N_("no difference has been listed yet")))
    return reasons


def _blocks_confirm_differences(s: Situation, actor: str) -> tuple[Reason, ...]:
    reasons = _joint("confirm_differences")(s, actor)
    if not s.state.differences:
        return (*reasons, _reason("no_differences", N_("no difference has been listed yet")))
    return reasons


def _blocks_open_caucus(s: Situation, _actor: str) -> tuple[Reason, ...]:
    return (*_in_active_stage(s), *_no_caucus(s))


def _blocks_address_party(s: Situation, _actor: str) -> tuple[Reason, ...]:
    """Inviting, paraphrasing, asking: in joint session; under shuttle format, in a
    caucus (the command checks that it is the addressed party's)."""
    if not s.state.shuttle_safeguards():
        return _blocks_open_caucus(s, _actor)
    if s.state.caucus is None:
        return (
            *_in_active_stage(s),
            _shuttle_format(
                s.state,
                N_(
                    "the shuttle (caucus-only) safeguard for {names} stands (event {events}): "
                    "the parties do not meet in joint session; the mediator addresses a party "
                    "only in that party's own caucus"
                ),
            ),
        )
    return _in_active_stage(s)


def _blocks_close_caucus(s: Situation, _actor: str) -> tuple[Reason, ...]:
    if s.state.caucus is None:
        return (_reason("no_caucus", N_("no caucus is in progress")),)
    return ()


def _blocks_caucus_note(s: Situation, actor: str) -> tuple[Reason, ...]:
    caucus = s.state.caucus
    if caucus is None:
        return (_reason("no_caucus", N_("no caucus is in progress")),)
    if role_of(s.state, actor) is Role.PARTY and caucus[1].party != actor:
        return (
            _reason(
                "not_in_caucus",
                N_("the caucus in progress is with {party}"),
                party=caucus[1].party,
            ),
        )
    return ()


def _blocks_allow_sharing(s: Situation, actor: str) -> tuple[Reason, ...]:
    for note in s.state.caucus_notes.values():
        if note.party == actor and not note.shared:
            return ()
    return (
        _reason("nothing_to_share", N_("{party} has no unshared caucus note"), actor, party=actor),
    )


def _blocks_pause(s: Situation, actor: str) -> tuple[Reason, ...]:
    reasons = (*_in_active_stage(s), *_no_caucus(s), *_taking_part(s, actor))
    if not s.process.has_cooling_off:
        return (*reasons, _reason("no_cooling_off", N_("this process has no cooling-off stage")))
    return reasons


def _blocks_resume(s: Situation, _actor: str) -> tuple[Reason, ...]:
    if s.state.paused_from is None:
        return (_reason("not_paused", N_("the case is not in cooling-off")),)
    return ()


def _blocks_advance(s: Situation, _actor: str) -> tuple[Reason, ...]:
    return _stage_change(s, "advance")


def _blocks_close(s: Situation, _actor: str) -> tuple[Reason, ...]:
    stage = s.state.stage
    if s.process.can_fire("declare_impasse", stage) or s.process.can_fire("terminate", stage):
        return ()
    return (
        _reason("wrong_stage", N_("cannot close from {stage}"), stage=Term(stage, quoted=True)),
    )


def _blocks_close_escalated(s: Situation, _actor: str) -> tuple[Reason, ...]:
    return _stage_change(s, "close_escalated")


def _blocks_escalate(s: Situation, _actor: str) -> tuple[Reason, ...]:
    return (*_stage_change(s, "escalate"), *_no_caucus(s))


def _blocks_withdraw(s: Situation, actor: str) -> tuple[Reason, ...]:
    return _taking_part(s, actor)


def unrequested_evaluation(state: CaseState, actor: str) -> tuple[str, ...]:
    """The parties who did not ask for it, when ``actor``'s proposal would be a mediator's
    unrequested evaluation under a facilitative policy (whose ``mediator_style`` is not
    off); else empty.

    Args:
        state: The case's state.
        actor: Who would propose.

    Returns:
        The parties taking part who have not requested a suggestion.
    """
    settings = state.policy.mediator_style
    if (
        actor in state.parties
        or settings.style is not Style.FACILITATIVE
        or settings.mode is Mode.OFF
    ):
        return ()
    return tuple(p for p in state.active if p not in state.suggestion_requests)


def _blocks_propose(s: Situation, actor: str) -> tuple[Reason, ...]:
    reasons = _joint("propose")(s, actor)
    state = s.state
    if state.policy.mediator_style.mode is Mode.BLOCK:
        unasked = unrequested_evaluation(state, actor)
        if unasked:
            return (
                *reasons,
                _reason(
                    "evaluation_not_requested",
                    N_(
                        "under a facilitative policy the mediator proposes terms only at every "
                        "party's request (request_suggestion); not yet from {names}"
                    ),
                    *unasked,
                    names=state.names(unasked),
                ),
            )
    return reasons


def _blocks_request_suggestion(s: Situation, actor: str) -> tuple[Reason, ...]:
    reasons = _joint("request_suggestion")(s, actor)
    if actor in s.state.suggestion_requests:
        return (
            *reasons,
            _reason(
                "already_requested",
                N_("{party} already asked for a suggestion"),
                actor,
                party=actor,
            ),
        )
    return reasons


def _blocks_give_valuations(s: Situation, actor: str) -> tuple[Reason, ...]:
    caucus = s.state.caucus
    if caucus is None or caucus[1].party != actor:
        return (
            _reason("not_in_caucus", N_("valuations are given in the party's own caucus"), actor),
        )
    return ()


def _blocks_suggest_settlement(s: Situation, actor: str) -> tuple[Reason, ...]:
    reasons = list(_joint("suggest_settlement")(s, actor))
    state = s.state
    unasked = tuple(p for p in state.active if p not in state.suggestion_requests)
    if unasked:
        reasons.append(
            _reason(
                "suggestion_not_requested",
                N_("an evaluative suggestion needs every party's request; not yet from {names}"),
                *unasked,
                names=state.names(unasked),
            )
        )
    unvalued = tuple(p for p in state.active if p not in state.valuations)
    if unvalued:
        reasons.append(
            _reason(
                "valuations_missing",
                N_("no valuations given in caucus by {names}"),
                *unvalued,
                names=state.names(unvalued),
            )
        )
    return tuple(reasons)


def _blocks_override(s: Situation, _actor: str) -> tuple[Reason, ...]:
    trigger = forward_trigger(s.state, s.process)
    if trigger is not None and s.unresolved_blocks(trigger):
        return ()
    return (_reason("nothing_to_override", N_("no neutrality finding blocks the next move")),)


def _blocks_reassign(s: Situation, _actor: str) -> tuple[Reason, ...]:
    return _no_caucus(s)


_P, _M, _S = Role.PARTY, Role.MEDIATOR, Role.SUPERVISOR
_ROLE_ORDER = (_P, _M, _S)


def _table(*rows: tuple[str, frozenset[Role], Blockers]) -> Mapping[str, Action]:
    stage_moves = {"advance", "pause", "resume", "escalate", "close", "close_escalated"}
    return MappingProxyType(
        {name: Action(name, roles, blocks, name in stage_moves) for name, roles, blocks in rows}
    )


ACTIONS: Mapping[str, Action] = _table(
    # intake
    ("disclose", frozenset({_M}), _blocks_disclose),
    ("consent", frozenset({_P}), _blocks_consent),
    ("raise_issue", frozenset({_P, _M}), _blocks_active_participant),
    ("flag_issue", frozenset({_M, _S}), _blocks_nothing),
    ("screen", frozenset({_M}), _blocks_open_caucus),
    ("apply_safeguard", frozenset({_M}), _blocks_open_caucus),
    ("waive_conflict", frozenset({_P}), _blocks_waive_conflict),
    # joint session
    ("speak", frozenset({_P}), _joint("speak")),
    ("restate", frozenset({_P}), _joint("restate")),
    ("review_restatement", frozenset({_P}), _joint("review_restatement")),
    ("propose_common_ground", frozenset({_P, _M}), _joint("propose_common_ground")),
    ("assent", frozenset({_P}), _joint("assent")),
    ("reserve_difference", frozenset({_P, _M}), _joint("reserve_difference")),
    ("park_difference", frozenset({_M}), _joint("park_difference")),
    ("confirm_differences", frozenset({_P}), _blocks_confirm_differences),
    ("keep_difference_open", frozenset({_P}), _blocks_keep_difference_open),
    ("escalate_difference", frozenset({_M, _S}), _blocks_escalate_difference),
    ("propose", frozenset({_P, _M}), _blocks_propose),
    ("answer_proposal", frozenset({_P}), _joint("answer_proposal")),
    ("sign", frozenset({_P}), _blocks_sign),
    # caucus
    ("open_caucus", frozenset({_M}), _blocks_open_caucus),
    ("caucus_note", frozenset({_M, _P}), _blocks_caucus_note),
    ("close_caucus", frozenset({_M}), _blocks_close_caucus),
    ("allow_sharing", frozenset({_P}), _blocks_allow_sharing),
    # stage moves
    ("advance", frozenset({_M}), _blocks_advance),
    ("pause", frozenset({_P, _M}), _blocks_pause),
    ("resume", frozenset({_M}), _blocks_resume),
    ("escalate", frozenset({_M, _S}), _blocks_escalate),
    ("close", frozenset({_M}), _blocks_close),
    ("close_escalated", frozenset({_M, _S}), _blocks_close_escalated),
    ("withdraw", frozenset({_P}), _blocks_withdraw),
    # the mediator's conduct and safeguards
    ("set_deadline", frozenset({_M, _S}), _blocks_nothing),
    ("reassign_mediator", frozenset({_S}), _blocks_reassign),
    ("invite_to_speak", frozenset({_M}), _blocks_address_party),
    ("paraphrase", frozenset({_M}), _blocks_address_party),
    ("ask", frozenset({_M}), _blocks_address_party),
    ("offer_caucus", frozenset({_M}), _blocks_open_caucus),
    ("add_support_person", frozenset({_P, _M}), _blocks_active_participant),
    ("override", frozenset({_S}), _blocks_override),
    ("review_deadlines", frozenset({_M, _S}), _blocks_nothing),
    # settlement suggestions
    ("give_valuations", frozenset({_P}), _blocks_give_valuations),
    ("request_suggestion", frozenset({_P}), _blocks_request_suggestion),
    ("suggest_settlement", frozenset({_M}), _blocks_suggest_settlement),
)
"""The action table: every command's name, the roles that may issue it, its blockers."""
