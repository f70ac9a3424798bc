"""Tests for mediation.neutrality.relationship_safeguards: what each relation is owed."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from mediation import Finding, Mediation, Policy, Relation, RelationshipSafeguards
from mediation.neutrality.relationship_safeguards import protected
from mediation.testing import screen_all

Build = Callable[..., Mediation]
AdvanceTo = Callable[[Mediation, str], Mediation]


def _owed(case: Mediation) -> dict[str, Finding]:
    return {f.code: f for f in case.pending_findings() if f.check == "relationship_safeguards"}


def _ready_to_listen(case: Mediation) -> Mediation:
    case.disclose("m", "none")
    screen_all(case)
    for party in case.state.active:
        case.consent(party)
    return case


@pytest.mark.parametrize(
    ("kind", "owed"),
    [
        ("client", ("b",)),  # a is b's client: b, the supplier, depends on a
        ("supplier", ("a",)),  # a supplies b
        ("public", ("a",)),  # a is the member of the public
        ("other_department", ("a", "b")),
        ("colleague", ("a", "b")),
    ],
)
def test_the_protected_side_of_each_relation(kind: str, owed: tuple[str, ...]) -> None:
    assert protected(Relation(kind, "a", "b")) == owed


def test_a_member_of_the_public_speaks_first_and_is_offered_a_caucus(
    new_case: Build, advance_to: AdvanceTo
) -> None:
    """B, a member of the public facing the office A: nothing is owed on leaving intake;
    in listening B speaks first; before compromise B is offered a caucus."""
    case = _ready_to_listen(new_case(relations=[Relation("public", "b", "a")]))
    assert not _owed(case)
    case.advance("m")
    case.speak("a", "The office followed its procedure.", 100)
    case.speak("b", "I was sent from desk to desk for a month.", 100)
    finding = _owed(case)["relation_not_first"]
    assert finding.parties == ("b",) and finding.evidence == (1,)
    assert finding.message == (
        "B is a member of the public served by A (a member of the public facing the office): "
        "in listening, B should have spoken first"
    )
    advance_to(case, "common_ground")
    item = case.propose_common_ground("m", "Both want the file closed.")
    case.assent("a", item.item_id)
    case.assent("b", item.item_id)
    case.offer_caucus("m", "a")
    finding = _owed(case)["relation_caucus_not_offered"]
    assert finding.parties == ("b",) and finding.evidence == (1,)
    assert finding.message.endswith("B was not offered a caucus before compromise")
    case.offer_caucus("m", "b")
    assert not _owed(case)


def test_the_public_speaking_first_is_no_finding(new_case: Build) -> None:
    case = _ready_to_listen(new_case(relations=[Relation("public", "b", "a")]))
    case.advance("m")
    case.speak("b", "I was sent from desk to desk for a month.", 100)
    case.speak("a", "The office followed its procedure.", 100)
    assert not _owed(case)


def test_a_support_person_when_the_policy_asks_for_one(new_case: Build) -> None:
    policy = Policy(
        relationship_safeguards=RelationshipSafeguards(safeguards={"supplier": ["support_person"]})
    )
    case = _ready_to_listen(new_case(relations=[Relation("supplier", "b", "a")], policy=policy))
    finding = _owed(case)["relation_support_person_missing"]
    assert finding.parties == ("b",) and finding.evidence == (1,)
    assert finding.message == (
        "B is a supplier to A (economic dependence): B has no support person present"
    )
    case.add_support_person("b", "b", "A friend from the trade association")
    assert not _owed(case)


def test_speaking_first_is_owed_only_to_a_single_protected_side(new_case: Build) -> None:
    """Between two departments both sides are protected: neither can be owed the first
    word over the other."""
    policy = Policy(
        relationship_safeguards=RelationshipSafeguards(
            safeguards={"other_department": ["subordinate_speaks_first"]}
        )
    )
    case = _ready_to_listen(
        new_case(relations=[Relation("other_department", "a", "b")], policy=policy)
    )
    case.advance("m")
    case.speak("a", "Our side", 100)
    case.speak("b", "Our side too", 100)
    assert not _owed(case)


def test_a_relation_with_a_party_who_withdrew_is_owed_nothing(
    new_case: Build, advance_to: AdvanceTo
) -> None:
    case = new_case(3, relations=[Relation("supplier", "b", "c")])
    case.withdraw("c")
    advance_to(case, "common_ground")
    item = case.propose_common_ground("m", "Both want the work to go on.")
    case.assent("a", item.item_id)
    case.assent("b", item.item_id)
    case.offer_caucus("m", "a")
    assert not _owed(case)
