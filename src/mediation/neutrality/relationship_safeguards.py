"""Relationship safeguards (configurable): the seed's relationships between parties.

Page: ``docs/neutrality/relationship-safeguards.md``. Settings:
:class:`~mediation.policy.RelationshipSafeguards`.

The seed names seven relationships a dispute may run along: leader, colleague,
subordinate, client, supplier, another department, the public. Leader and subordinate
are :mod:`~mediation.neutrality.power_imbalance`'s. For the others the policy gives
default safeguards per kind, owed to the *protected* side of the relation: the supplier
(economically dependent on its client), the member of the public (facing the office that
serves them), and both sides of a dispute between departments. A colleague relation needs
none by default.

The relations are fixed when the case opens; the check reads the fold's caucus offers,
first speakers and support persons, so it costs O(relations).
"""

from __future__ import annotations

import attrs

from mediation._checks import CheckContext, Finding
from mediation.i18n import N_, Term
from mediation.model import Relation, RelationKind
from mediation.neutrality._family import Family, FamilyCheck
from mediation.neutrality._standards import STD_VI
from mediation.neutrality.conflict_of_interest import relation_in_words
from mediation.policy import Mode, Safeguard
from mediation.state import CaseState

__all__ = ["FAMILY", "MESSAGES", "SOURCE", "RelationshipSafeguardsCheck", "protected"]

SOURCE = (
    STD_VI + "; the seed's relationships (leader, colleague, subordinate, client, supplier, "
    "another department, the public)"
)
"""Where the check comes from."""

MESSAGES: dict[str, str] = {
    "relation_caucus_not_offered": N_(
        "{relation} ({why}): {names} was not offered a caucus before {stage}"
    ),
    "relation_support_person_missing": N_(
        "{relation} ({why}): {names} has no support person present"
    ),
    "relation_not_first": N_("{relation} ({why}): in {stage}, {names} should have spoken first"),
}
"""Finding code → message template (English; translated through the catalogs)."""

WHY: dict[RelationKind, str] = {
    RelationKind.CLIENT: N_("economic dependence"),
    RelationKind.SUPPLIER: N_("economic dependence"),
    RelationKind.OTHER_DEPARTMENT: N_("loyalties to another department"),
    RelationKind.PUBLIC: N_("a member of the public facing the office"),
    RelationKind.COLLEAGUE: N_("colleagues"),
}
"""Relation kind → why it calls for a safeguard (translated through the catalogs)."""


def protected(relation: Relation) -> tuple[str, ...]:
    """The side(s) of a relation between parties that its safeguards protect.

    Args:
        relation: ``Relation(kind, source, target)``.

    Returns:
        The supplier for client/supplier relations, the member of the public for
        ``public``, both sides otherwise.
    """
    if relation.kind is RelationKind.CLIENT:
        return (relation.target,)
    if relation.kind in (RelationKind.SUPPLIER, RelationKind.PUBLIC):
        return (relation.source,)
    return (relation.source, relation.target)


@attrs.frozen
class RelationshipSafeguardsCheck(FamilyCheck):
    """The policy's safeguards per relation kind, owed to the protected side.

    :meth:`evaluate` returns a finding per relation and safeguard the move would skip.
    ``relation_caucus_not_offered``, ``relation_support_person_missing`` and
    ``relation_not_first`` findings, as they apply.
    """

    code: str = "relationship_safeguards"
    source: str = SOURCE
    default_mode: Mode = Mode.WARN

    def _findings(self, context: CheckContext) -> list[Finding]:
        settings = context.policy.relationship_safeguards
        state = context.state
        findings: list[Finding] = []
        for relation in state.relations:
            safeguards = settings.safeguards.get(relation.kind)
            if not safeguards:
                continue
            if relation.source not in state.active or relation.target not in state.active:
                continue
            owed = tuple(p for p in state.active if p in protected(relation))
            findings.extend(_skipped(context, state, relation, safeguards, owed))
        return findings


def _skipped(
    context: CheckContext,
    state: CaseState,
    relation: Relation,
    safeguards: frozenset[Safeguard],
    owed: tuple[str, ...],
) -> list[Finding]:
    settings = context.policy.relationship_safeguards
    words = relation_in_words(state, relation)
    why = Term(WHY.get(relation.kind, relation.kind.value.replace("_", " ")))
    found: list[Finding] = []
    if Safeguard.CAUCUS_OFFER in safeguards and context.dest == settings.caucus_before_stage:
        missing = tuple(p for p in owed if p not in state.caucus_offered)
        if missing:
            found.append(
                Finding.of(
                    "relation_caucus_not_offered",
                    MESSAGES["relation_caucus_not_offered"],
                    missing,
                    params={
                        "relation": words,
                        "why": why,
                        "names": state.names(missing),
                        "stage": Term(settings.caucus_before_stage),
                    },
                    evidence=(1,),
                )
            )
    if Safeguard.SUPPORT_PERSON in safeguards and context.dest == settings.listening_stage:
        missing = tuple(p for p in owed if not state.support_persons.get(p))
        if missing:
            found.append(
                Finding.of(
                    "relation_support_person_missing",
                    MESSAGES["relation_support_person_missing"],
                    missing,
                    params={"relation": words, "why": why, "names": state.names(missing)},
                    evidence=(1,),
                )
            )
    if (
        Safeguard.SUBORDINATE_SPEAKS_FIRST in safeguards
        and context.source == settings.listening_stage
        and len(owed) == 1
        and state.first_speaker.get(settings.listening_stage) not in owed
    ):
        found.append(
            Finding.of(
                "relation_not_first",
                MESSAGES["relation_not_first"],
                owed,
                params={
                    "relation": words,
                    "why": why,
                    "names": state.names(owed),
                    "stage": Term(settings.listening_stage),
                },
                evidence=(1,),
            )
        )
    return found


FAMILY = Family(
    "relationship_safeguards",
    N_("Relationship safeguards"),
    SOURCE,
    check=RelationshipSafeguardsCheck(),
)
