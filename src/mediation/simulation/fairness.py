"""The fairness audit's metric definitions over simulation results.

:func:`fairness_records` turns each simulated mediation into the same
:class:`~mediation.fairness.CaseRecord` the store audit projects from events, so
:func:`audit_run` and :func:`audit_sweep` compute the very same rates, means, intervals
and tests as ``mediation fairness`` does on a store. A simulated party is a new person
in every mediation (its profile is drawn anew), so each gets its own id
(``<case>:<seat>``), and the attribute ``seat`` — the scenario's party id — lets the
audit compare the seats: is the party the mediator favours better off?
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from datetime import timedelta
from random import Random
from typing import Any

from mediation.fairness import CaseRecord, FairnessReport, PartyRecord, audit_records
from mediation.fairness import position_of as _position_of
from mediation.simulation.runner import RunResult, SweepResult
from mediation.simulation.session import START

__all__ = ["audit_run", "audit_sweep", "fairness_records", "seat_attributes"]


def _person(case_id: str, seat: str) -> str:
    return f"{case_id}:{seat}"


def seat_attributes(person: str) -> Mapping[str, str] | None:
    """The attributes of a simulated person id from :func:`fairness_records`.

    Args:
        person: ``<case>:<seat>``.

    Returns:
        ``{"seat": <the scenario's party id>}``, or None for an id of another form.
    """
    case, sep, seat = person.rpartition(":")
    return {"seat": seat} if sep and case and seat else None


def fairness_records(run: RunResult) -> Iterator[CaseRecord]:
    """One :class:`~mediation.fairness.CaseRecord` per simulated mediation of ``run``.

    Known from the results: outcome, escalation, pauses, withdrawals, time to close,
    who proposed the agreement, airtime and attention per party, findings. Overrides per
    supervisor are not kept by simulation results and are left unknown.

    Args:
        run: A run's results.

    Returns:
        The records, in index order.
    """
    scenario = run.scenario
    relations = scenario.relations()
    kinds = tuple(sorted({relation.kind.value for relation in relations}))
    for result in run.results:
        case_id = f"{scenario.name}-{result.index}"
        parties = tuple(
            PartyRecord(
                id=_person(case_id, spec.id),
                role=spec.role,
                position=_position_of(spec.id, relations),
                withdrew=spec.id in result.withdrew,
                airtime=result.airtime.get(spec.id),
                attention=result.attention.get(spec.id) if result.attention else None,
            )
            for spec in scenario.parties
        )
        agreed = result.agreed_by
        yield CaseRecord(
            case_id=case_id,
            mediator=scenario.mediator.id,
            supervisors=(scenario.supervisor,),
            relation_kinds=kinds,
            parties=parties,
            outcome=None if result.outcome == "open" else result.outcome,
            escalated=bool(result.escalation),
            pauses=result.pauses,
            opened_at=START,
            closed_at=(
                START + timedelta(hours=result.hours_to_close)
                if result.hours_to_close is not None
                else None
            ),
            agreement_by=_person(case_id, agreed) if agreed in result.utility else agreed or None,
            findings=sum(result.findings.values()),
            overrides=None,
            events=result.events,
        )


def audit_run(
    run: RunResult, by: Sequence[str] = ("seat",), *, seed: int = 0, **options: Any
) -> FairnessReport:
    """Audit a run's mediations with the store audit's definitions.

    Args:
        run: A run's results.
        by: Dimensions (``seat`` — the scenario's party id — and the built-in ones).
        seed: Seed of the permutation tests.
        **options: Other keyword arguments of :class:`~mediation.fairness.FairnessAudit`.

    Returns:
        The report.
    """
    options.setdefault("attributes", seat_attributes)
    return audit_records(fairness_records(run), by, rng=Random(seed), **options)


def audit_sweep(
    sweep: SweepResult, by: Sequence[str] = ("seat",), *, seed: int = 0, **options: Any
) -> tuple[tuple[Mapping[str, Any], FairnessReport], ...]:
    """Audit each point of a sweep (see :func:`audit_run`).

    Returns:
        ``(params, report)`` per point, in grid order.
    """
    return tuple(
        (point.params, audit_run(point.run, by, seed=seed, **options)) for point in sweep.points
    )
