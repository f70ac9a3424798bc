"""Driving a case cooperatively to a stage, through real commands."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager

from mediation.case import Mediation
from mediation.errors import InvalidInput
from mediation.model import NO_CONCERNS
from mediation.neutrality import disqualifying_relations, subordinates
from mediation.process import DEFAULT_DEFINITION, Stage

__all__ = ["STAGES_IN_ORDER", "advance_to", "as_party", "screen_all", "waive_all"]


def screen_all(case: Mediation, answers: Mapping[str, bool] = NO_CONCERNS) -> None:
    """The mediator screens, in private, every party taking part not yet screened.

    Args:
        case: A case in an active stage.
        answers: The answers recorded for each (default: no concern in any domain).
    """
    state = case.state
    for party in list(state.active):
        if party not in state.screenings:
            case.screen(state.mediator.id, party, answers)


def waive_all(case: Mediation) -> None:
    """Every party taking part waives, in writing, each disqualifying relationship of the
    mediator it has not yet waived (after the disclosure; the policy must allow waivers).

    Args:
        case: A case whose mediator has disclosed.
    """
    state = case.state
    for relation in disqualifying_relations(state):
        for party in list(state.active):
            if party not in state.waivers.get(relation, {}):
                case.waive_conflict(
                    party, relation, "I was told of this relationship and waive it."
                )


STAGES_IN_ORDER: tuple[str, ...] = (*DEFAULT_DEFINITION.active_stages, Stage.CLOSED.value)
"""The stages of the default process a cooperative case goes through, in order."""


def advance_to(case: Mediation, stage: str) -> Mediation:
    """Drive ``case`` from its current stage to ``stage`` of the default process, with
    every party cooperating and every built-in safeguard met on the way (disclosure, a
    written waiver by every party of any disqualifying relationship of the mediator, a
    private screening of every party with no concern found, consents, support persons and
    the first word for subordinates, equal airtime, a confirmed restatement of every
    party's view by the next party, common ground, a caucus offered to every party, an
    accepted proposal — unless one is already agreed — whose terms settle every reserved
    difference not parked).

    Args:
        case: A case of the default process, in an active stage at or before ``stage``.
        stage: An active stage of the default process (``intake`` … ``agreement``), or
            ``closed`` to settle the case.

    Returns:
        The same case, now at ``stage``.

    Raises:
        InvalidInput: ``stage`` is not one the default process can reach from here.
    """
    order = STAGES_IN_ORDER
    if (
        stage not in order
        or case.stage not in order
        or order.index(stage) < order.index(case.stage)
    ):
        raise InvalidInput(f"cannot drive a case from {case.stage!r} to {stage!r}")
    mediator = case.state.mediator.id
    while case.stage != stage:
        _do_stage_work(case, mediator)
        if case.stage == "agreement":
            case.close(mediator, "settled")
        else:
            case.advance(mediator)
    return case


@contextmanager
def as_party(case: Mediation, party: str) -> Iterator[None]:
    """The setting of a party's part of joint work (or of the mediator addressing it): the
    joint session, or — under a shuttle (caucus-only) safeguard — that party's own caucus,
    which the mediator opens before the block and closes after it.

    Args:
        case: A case in an active stage, no caucus in progress.
        party: The party whose part it is.

    Yields:
        Nothing: run the party's commands in the block.
    """
    if not case.state.shuttle_safeguards():
        yield
        return
    mediator = case.state.mediator.id
    case.open_caucus(mediator, party)
    yield
    case.close_caucus(mediator)


def _do_stage_work(case: Mediation, mediator: str) -> None:
    state = case.state
    parties = list(state.active)
    juniors = subordinates(state)
    if case.stage == "intake":
        for party in juniors:
            if not state.support_persons.get(party):
                case.add_support_person(party, party, "a colleague")
        if state.disclosure_seq is None or any(
            rel not in state.disclosed for rel in state.mediator.relationships
        ):
            case.disclose(mediator, "My relationships with the parties are on record.")
        if state.policy.conflict_of_interest.allow_waiver:
            waive_all(case)
        screen_all(case)
        for party in parties:
            if state.consent_seq.get(party, 0) < (state.disclosure_seq or 0):
                with as_party(case, party):
                    case.consent(party)
    elif case.stage == "listening":
        first = [p for p in parties if p in juniors] + [p for p in parties if p not in juniors]
        for party in first:
            with as_party(case, party):
                case.invite_to_speak(mediator, party)
                case.speak(party, f"{state.parties[party].name} explains the dispute.", 120)
    elif case.stage == "perspective_swap":
        for index, party in enumerate(parties):
            other = parties[(index + 1) % len(parties)]
            with as_party(case, other):
                made = case.restate(other, party, f"{other} restates the view of {party}.")
            with as_party(case, party):
                case.review_restatement(party, made.restatement_id, accurate=True)
    elif case.stage == "common_ground":
        item = case.propose_common_ground(mediator, "Everyone wants this resolved.")
        for party in parties:
            with as_party(case, party):
                case.assent(party, item.item_id)
        for party in parties:
            if party not in state.caucus_offered:
                case.offer_caucus(mediator, party)
    elif case.stage == "compromise" and state.agreed_proposal() is None:
        # The terms settle every difference not parked (大事谈原则).
        settles = [d for d, difference in state.differences.items() if not difference.parked]
        with as_party(case, parties[0]):
            proposal = case.propose(parties[0], "A balanced arrangement.", settles=settles)
        for party in parties[1:]:
            with as_party(case, party):
                case.answer_proposal(party, proposal.proposal_id, accept=True)
    elif case.stage == "agreement":
        for party in parties:
            if state.signatures.get(party) != state.agreed_proposal():
                with as_party(case, party):
                    case.sign(party)
