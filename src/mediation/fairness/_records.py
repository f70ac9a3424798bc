"""Per-case projections: the few figures of a case a fairness audit needs.

:class:`CaseRecord` is what the audit's metric definitions read. It is built from a
case's events by :func:`project` (one pass, one small dictionary lookup per event, no
replay of the whole :class:`~mediation.state.CaseState`), or by an adapter from another
source (:func:`mediation.simulation.fairness_records` builds them from simulation
results). Everything here is pure.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from datetime import datetime
from typing import Any

import attrs

from mediation import events as ev
from mediation._catalogs import N_
from mediation.errors import InvalidInput
from mediation.model import Relation, RelationKind

__all__ = ["CaseRecord", "PartyRecord", "position_of", "project"]


@attrs.frozen
class PartyRecord:
    """One party of one case, as the audit sees it.

    Attributes:
        id: The party's id.
        role: The free-text role the case gave it (``""`` when none).
        position: ``manager``, ``subordinate``, ``manager_and_subordinate`` or ``peer``,
            from the case's ``manages`` / ``reports_to`` relations (:func:`position_of`).
        withdrew: Whether it withdrew.
        airtime: Seconds it spoke in joint session (None when not known).
        attention: Mediator interventions addressed to it: invitations, paraphrases,
            questions (None when not known).
    """

    id: str
    role: str = ""
    position: str = "peer"
    withdrew: bool = False
    airtime: float | None = None
    attention: int | None = None


@attrs.frozen
class CaseRecord:
    """One case, as the audit sees it.

    Attributes:
        case_id: The case.
        mediator: The mediator at the end (after any reassignment).
        supervisors: The case's supervisors.
        relation_kinds: Kinds of the relations between the parties, sorted, distinct.
        parties: The parties, in case order.
        outcome: How it closed (an :class:`~mediation.Outcome` value), None while open.
        escalated: Whether it was escalated.
        pauses: Cooling-off pauses taken.
        opened_at: When it opened (None when not known).
        closed_at: When it closed (None while open or not known).
        agreement_by: Who proposed the agreement the parties signed: a party id, the
            mediator's id, or None (not settled, or not known).
        findings: Neutrality findings recorded.
        overrides: Supervisor id → blocks it overrode in this case (None when not
            known, e.g. for simulation results).
        events: Events recorded.
    """

    case_id: str
    mediator: str
    supervisors: tuple[str, ...] = ()
    relation_kinds: tuple[str, ...] = ()
    parties: tuple[PartyRecord, ...] = ()
    outcome: str | None = None
    escalated: bool = False
    pauses: int = 0
    opened_at: datetime | None = None
    closed_at: datetime | None = None
    agreement_by: str | None = None
    findings: int = 0
    overrides: Mapping[str, int] | None = attrs.field(factory=dict, hash=False)
    events: int = 0

    @property
    def closed(self) -> bool:
        """Whether the case has closed."""
        return self.outcome is not None

    @property
    def hours_to_close(self) -> float | None:
        """Hours from opening to closing; None while open or when times are unknown."""
        if self.opened_at is None or self.closed_at is None:
            return None
        return (self.closed_at - self.opened_at).total_seconds() / 3600.0


def position_of(party: str, relations: Iterable[Relation]) -> str:
    """A party's position from the case's management relations.

    ``Relation(MANAGES, a, b)`` makes *a* a manager and *b* a subordinate;
    ``Relation(REPORTS_TO, a, b)`` the reverse. Other kinds leave it a ``peer``.

    Args:
        party: The party's id.
        relations: The case's relations.

    Returns:
        ``manager``, ``subordinate``, ``manager_and_subordinate`` or ``peer``.
    """
    manages = reports = False
    for relation in relations:
        if relation.kind is RelationKind.MANAGES:
            manages = manages or relation.source == party
            reports = reports or relation.target == party
        elif relation.kind is RelationKind.REPORTS_TO:
            reports = reports or relation.source == party
            manages = manages or relation.target == party
    if manages and reports:
        return "manager_and_subordinate"
    if manages:
        return "manager"
    return "subordinate" if reports else "peer"


class _Projection:
    """The running figures of one case while its events go by."""

    __slots__ = (
        "agreement_by",
        "airtime",
        "attention",
        "closed_at",
        "escalated",
        "events",
        "findings",
        "mediator",
        "opened",
        "outcome",
        "overrides",
        "pauses",
        "proposals",
        "signed",
        "withdrew",
    )

    def __init__(self, opened: ev.CaseOpened) -> None:
        self.opened = opened
        self.mediator = opened.mediator.id
        self.airtime: dict[str, float] = {party.id: 0.0 for party in opened.parties}
        self.attention: dict[str, int] = {party.id: 0 for party in opened.parties}
        self.withdrew: set[str] = set()
        self.proposals: dict[str, str] = {}
        self.signed: str | None = None
        self.outcome: str | None = None
        self.closed_at: datetime | None = None
        self.escalated = False
        self.pauses = 0
        self.findings = 0
        self.overrides: dict[str, int] = {}
        self.events = 1
        self.agreement_by: str | None = None

    def record(self) -> CaseRecord:
        opened = self.opened
        relations = opened.relations
        parties = tuple(
            PartyRecord(
                id=party.id,
                role=party.role,
                position=position_of(party.id, relations),
                withdrew=party.id in self.withdrew,
                airtime=self.airtime[party.id],
                attention=self.attention[party.id],
            )
            for party in opened.parties
        )
        agreement = self.proposals.get(self.signed) if self.signed is not None else None
        return CaseRecord(
            case_id=opened.case_id,
            mediator=self.mediator,
            supervisors=opened.supervisors,
            relation_kinds=tuple(sorted({relation.kind.value for relation in relations})),
            parties=parties,
            outcome=self.outcome,
            escalated=self.escalated,
            pauses=self.pauses,
            opened_at=opened.at,
            closed_at=self.closed_at,
            agreement_by=agreement if self.outcome == "settled" else None,
            findings=self.findings,
            overrides=self.overrides,
            events=self.events,
        )


def _statement(p: _Projection, event: Any) -> None:
    if event.actor in p.airtime:
        p.airtime[event.actor] += event.seconds


def _intervened(p: _Projection, event: Any) -> None:
    if event.party in p.attention:
        p.attention[event.party] += 1


def _stage_changed(p: _Projection, event: Any) -> None:
    if event.trigger == "pause":
        p.pauses += 1


def _escalated(p: _Projection, _event: Any) -> None:
    p.escalated = True


def _closed(p: _Projection, event: Any) -> None:
    p.outcome = event.outcome.value
    p.closed_at = event.at


def _proposal(p: _Projection, event: Any) -> None:
    p.proposals[event.proposal_id] = event.actor


def _signed(p: _Projection, event: Any) -> None:
    p.signed = event.proposal_id


def _withdrew(p: _Projection, event: Any) -> None:
    p.withdrew.add(event.actor)


def _finding(p: _Projection, _event: Any) -> None:
    p.findings += 1


def _override(p: _Projection, event: Any) -> None:
    p.overrides[event.actor] = p.overrides.get(event.actor, 0) + 1


def _reassigned(p: _Projection, event: Any) -> None:
    p.mediator = event.mediator.id


_HANDLERS: dict[type[ev.Event], Callable[[_Projection, Any], None]] = {
    ev.StatementMade: _statement,
    ev.MediatorIntervened: _intervened,
    ev.StageChanged: _stage_changed,
    ev.Escalated: _escalated,
    ev.Closed: _closed,
    ev.ProposalMade: _proposal,
    ev.Signed: _signed,
    ev.Withdrew: _withdrew,
    ev.FindingRecorded: _finding,
    ev.BlockOverridden: _override,
    ev.MediatorReassigned: _reassigned,
}


def project(events: Iterable[ev.Event]) -> CaseRecord:
    """Project one case's events (in order) onto a :class:`CaseRecord`.

    Args:
        events: The case's events, starting with its ``case_opened``.

    Returns:
        The record.

    Raises:
        InvalidInput: the history does not start with ``case_opened``.

    Example:
        >>> from mediation.testing import scripted_case
        >>> record = project(scripted_case("c-1").events)
        >>> record.outcome, record.agreement_by, [p.position for p in record.parties]
        ('settled', 'lin', ['peer', 'peer'])
    """
    iterator = iter(events)
    first = next(iterator, None)
    if not isinstance(first, ev.CaseOpened):
        raise InvalidInput.of(
            "case_history_start", N_("a case history must start with a case_opened event")
        )
    projection = _Projection(first)
    handlers = _HANDLERS
    count = 1
    for event in iterator:
        count += 1
        handler = handlers.get(type(event))
        if handler is not None:
            handler(projection, event)
    projection.events = count
    return projection.record()
