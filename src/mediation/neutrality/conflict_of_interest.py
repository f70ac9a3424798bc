"""Conflict of interest (configurable, plus the disclosure the process enforces).

Page: ``docs/neutrality/conflict-of-interest.md``. Settings:
:class:`~mediation.policy.ConflictOfInterest`.

Two layers. The process itself enforces disclosure before listening and every party's
consent after it (guards ``disclosure_made`` and ``consent_current``). On top of that,
the check classes each of the mediator's relationships with a party by severity: a
*disqualifying* one (by default the mediator manages or reports to a party, or is family)
is not cured by disclosure and consent — Model Standards III: where a conflict might
reasonably be viewed as undermining the integrity of the mediation, the mediator
withdraws regardless of the parties' consent. It blocks every forward move until every
party taking part has waived it in writing (when the policy allows waivers) or a
supervisor hands the case to an independent mediator (``reassign_mediator``: 不能越位).

The mediator's relationships are fixed per mediator and few; the waivers are kept by the
fold per relationship and party, so the check costs O(relationships × parties).
"""

from __future__ import annotations

import attrs

from mediation._checks import CheckContext, Finding
from mediation.guards import disclosure_made
from mediation.i18n import N_
from mediation.model import Relation, describe_relation
from mediation.neutrality._family import Family, FamilyCheck
from mediation.neutrality._standards import STD_III
from mediation.policy import Mode
from mediation.state import CaseState

__all__ = [
    "FAMILY",
    "MESSAGES",
    "SOURCE",
    "ConflictOfInterestCheck",
    "disqualifying_relations",
    "relation_in_words",
    "unwaived",
    "waiting_for_disclosure",
]

SOURCE = STD_III
"""Model Standards Std. III; Uniform Mediation Act §9; European Code 2.1."""

MESSAGES: dict[str, str] = {
    "disqualifying_conflict": N_(
        "the mediator has a disqualifying conflict of interest: {relation}; disclosure and consent"
        " do not cure it — every party must waive it in writing, or the case goes to an "
        "independent mediator; no written waiver yet from {names}"
    ),
    "disqualifying_conflict_unwaivable": N_(
        "the mediator has a disqualifying conflict of interest: {relation}; the policy allows no "
        "waiver — a supervisor must hand the case to an independent mediator"
    ),
}
"""Finding code → message template (English; translated through the catalogs)."""


def waiting_for_disclosure(state: CaseState) -> bool:
    """Whether the mediator still has relationships to disclose.

    Args:
        state: The case's state.

    Returns:
        True while guard ``disclosure_made`` fails.
    """
    return bool(disclosure_made(state))


def relation_in_words(state: CaseState, relation: Relation, lang: str = "en") -> str:
    """A relationship in words with display names, e.g. ``"Wang Fang reports to Lin Wei"``.

    Args:
        state: The case's state (for the names).
        relation: One of the mediator's relationships (or between parties).
        lang: ``"en"`` or ``"zh"``.

    Returns:
        The sentence fragment.
    """

    def name(person: str) -> str:
        if person == state.mediator.id:
            return state.mediator.name
        party = state.parties.get(person)
        return party.name if party is not None else person

    return describe_relation(relation, name(relation.source), name(relation.target), lang)


def disqualifying_relations(state: CaseState) -> tuple[Relation, ...]:
    """The current mediator's relationships with a party taking part whose kind the
    policy classes as disqualifying, in the order the mediator lists them.

    Args:
        state: The case's state.

    Returns:
        The relationships.
    """
    return state.disqualifying_relations()


def unwaived(state: CaseState, relation: Relation) -> tuple[str, ...]:
    """The parties taking part who have not waived ``relation`` in writing.

    Args:
        state: The case's state.
        relation: A relationship of the mediator.

    Returns:
        The party ids, in case order.
    """
    waived = state.waivers.get(relation, {})
    return tuple(party for party in state.active if party not in waived)


@attrs.frozen
class ConflictOfInterestCheck(FamilyCheck):
    """Disqualifying relationships of the mediator, unless every party waived them in
    writing (and the policy allows waivers).

    :meth:`evaluate` returns one finding per disqualifying relationship not waived by every party.
    ``disqualifying_conflict`` (waivers allowed, some missing) or
    ``disqualifying_conflict_unwaivable`` findings; the parties named are those still to
    waive (or the related party, when no waiver is possible); the evidence is the case
    opening (where the relationship is on record) and the waivers given.
    """

    code: str = "conflict_of_interest"
    source: str = SOURCE
    default_mode: Mode = Mode.BLOCK

    def _findings(self, context: CheckContext) -> list[Finding]:
        state = context.state
        allow = state.policy.conflict_of_interest.allow_waiver
        findings: list[Finding] = []
        for relation in disqualifying_relations(state):
            words = relation_in_words(state, relation)
            other = relation.target if relation.source == state.mediator.id else relation.source
            waivers = state.waivers.get(relation, {})
            evidence = tuple(sorted({1, *(waivers[p] for p in state.active if p in waivers)}))
            if not allow:
                findings.append(
                    Finding.of(
                        "disqualifying_conflict_unwaivable",
                        MESSAGES["disqualifying_conflict_unwaivable"],
                        (other,),
                        params={"relation": words},
                        figures={"waivers": 0.0},
                        evidence=evidence,
                    )
                )
                continue
            missing = unwaived(state, relation)
            if missing:
                findings.append(
                    Finding.of(
                        "disqualifying_conflict",
                        MESSAGES["disqualifying_conflict"],
                        missing,
                        params={"relation": words, "names": state.names(missing)},
                        figures={
                            "waivers": float(len(state.active) - len(missing)),
                            "parties": float(len(state.active)),
                        },
                        evidence=evidence,
                    )
                )
        return findings


FAMILY = Family(
    "conflict_of_interest",
    N_("Conflict of interest"),
    SOURCE,
    check=ConflictOfInterestCheck(),
    waiting=waiting_for_disclosure,
)
