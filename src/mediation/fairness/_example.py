"""Generated caseloads for trying the audit: real cases, through the real engine.

:func:`example_cases` runs ``n`` workplace mediations command by command with a seeded
:class:`random.Random` and a manual clock: a manager and a subordinate, two colleagues,
or a client and a supplier; one of four mediators; outcomes settled, withdrawn,
escalated or at an impasse, some with a cooling-off pause. One mediator (``m-dana``
by default) is biased towards the senior party: she attends to the manager more, the
agreement in her cases is far more often the manager's proposal, and subordinates
withdraw from her cases more often. The audit should find exactly that.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from random import Random

from mediation.case import Mediation
from mediation.clocks import ManualClock
from mediation.model import NO_CONCERNS, Mediator, Party, Relation, RelationKind

__all__ = ["EXAMPLE_MEDIATORS", "example_attributes", "example_cases"]

EXAMPLE_MEDIATORS: tuple[str, ...] = ("m-ana", "m-bo", "m-chen", "m-dana")
"""The generated mediators' ids."""

_START = datetime(2026, 1, 5, 9, 0, tzinfo=timezone.utc)
_DEPARTMENTS = ("sales", "operations", "finance", "engineering")


def _people(rng: Random, index: int) -> tuple[list[Party], tuple[Relation, ...], str]:
    """The parties, their relations, and the id of the senior one (or "")."""
    kind = rng.choices(("manages", "colleague", "client"), weights=(5, 3, 2))[0]
    first = f"p-{rng.randrange(400):03d}"
    second = f"p-{rng.randrange(400):03d}"
    while second == first:
        second = f"p-{rng.randrange(400):03d}"
    if kind == "manages":
        parties = [
            Party(first, f"Person {first}", "manager"),
            Party(second, f"Person {second}", "staff"),
        ]
        return parties, (Relation(RelationKind.MANAGES, first, second),), first
    if kind == "client":
        parties = [
            Party(first, f"Person {first}", "client"),
            Party(second, f"Person {second}", "supplier"),
        ]
        return parties, (Relation(RelationKind.CLIENT, first, second),), first
    parties = [Party(first, f"Person {first}", "staff"), Party(second, f"Person {second}", "staff")]
    return parties, (Relation(RelationKind.COLLEAGUE, first, second),), ""


def _one(rng: Random, index: int, biased: str, statements: int) -> Mediation:
    mediator = EXAMPLE_MEDIATORS[rng.randrange(len(EXAMPLE_MEDIATORS))]
    parties, relations, senior = _people(rng, index)
    bias = mediator == biased and senior != ""
    clock = ManualClock(_START + timedelta(days=index % 300), tick=timedelta(minutes=3))
    case = Mediation.open(
        f"case-{index:06d}",
        parties,
        Mediator(mediator, f"Mediator {mediator[2:].title()}"),
        clock=clock,
        supervisors=["hr-lead"],
        relations=relations,
    )
    a, b = parties[0].id, parties[1].id
    junior = b if senior else ""
    case.disclose(mediator, "I have no ties to either of you.")
    for party in (a, b):
        case.screen(mediator, party, NO_CONCERNS)
        case.consent(party)
    case.advance(mediator)
    order = [b, a] if junior else [a, b]
    for turn in range(statements):
        speaker = order[turn % 2]
        case.invite_to_speak(mediator, speaker)
        favoured = bias and speaker == senior
        case.speak(speaker, "My side of it.", rng.uniform(100, 180) * (1.3 if favoured else 1))
        if rng.random() < (0.8 if favoured else 0.1 if bias else 0.35):
            case.paraphrase(mediator, speaker, "What matters to you is this.")
    withdraw_risk = 0.25 if bias else 0.06
    if junior and rng.random() < withdraw_risk:
        case.withdraw(junior, "I do not want to go on.")
        return case
    if rng.random() < 0.05:
        case.escalate(mediator, "hr", "Outside what mediation can settle.")
        case.close(mediator, "escalated", "handed over")
        return case
    case.advance(mediator)
    first = case.restate(a, b, "As I understand your view ...")
    case.review_restatement(b, first.restatement_id, accurate=True)
    second = case.restate(b, a, "As I understand your view ...")
    case.review_restatement(a, second.restatement_id, accurate=True)
    case.advance(mediator)
    item = case.propose_common_ground(mediator, "Both want this resolved.")
    case.assent(a, item.item_id)
    case.assent(b, item.item_id)
    if junior:
        case.offer_caucus(mediator, junior)
    case.advance(mediator)
    if rng.random() < 0.15:
        case.pause(a, "A short break.")
        clock.advance(timedelta(minutes=rng.uniform(10, 60)))
        case.resume(mediator)
    if rng.random() < 0.12:
        case.close(mediator, "impasse", "No agreement.")
        return case
    share = 0.85 if bias else 0.5
    proposer, answerer = (a, b) if rng.random() < share else (b, a)
    offer = case.propose(proposer, "Terms that settle it.")
    case.answer_proposal(answerer, offer.proposal_id, accept=True)
    clock.advance(timedelta(hours=rng.expovariate(1 / 24)))
    case.advance(mediator)
    case.sign(a)
    case.sign(b)
    case.close(mediator, "settled")
    return case


def example_cases(
    n: int, seed: int = 0, *, biased: str = "m-dana", statements: int = 4
) -> Iterator[Mediation]:
    """Generate ``n`` closed workplace mediations, reproducibly for a seed.

    Args:
        n: How many cases.
        seed: Seed of the random stream; the same seed gives the same cases.
        biased: Id of the mediator who favours the senior party (``""``: nobody).
        statements: Statements in listening per case (more make longer cases).

    Returns:
        An iterator of the cases (ids ``case-000000`` on), each closed.

    Example:
        >>> cases = list(example_cases(3, seed=1))
        >>> [case.outcome.value for case in cases]
        ['impasse', 'escalated', 'settled']
    """
    rng = Random(seed)
    for index in range(n):
        yield _one(rng, index, biased, statements)


def example_attributes(seed: int = 0) -> dict[str, dict[str, str]]:
    """Department and grade of every person :func:`example_cases` can name.

    Args:
        seed: Seed of the random stream.

    Returns:
        Person id → ``{"department": ..., "grade": ...}``.
    """
    rng = Random(seed)
    return {
        f"p-{number:03d}": {
            "department": _DEPARTMENTS[rng.randrange(len(_DEPARTMENTS))],
            "grade": rng.choice(("junior", "senior")),
        }
        for number in range(400)
    }
