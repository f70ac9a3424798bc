"""Red team for the intake families: conflicts of interest by severity, screening, threat
language, the seed's relationships and major differences.

Each family has biased scripts that must be caught and fair counterparts that must not
be flagged. Every script is also run with the parties listed in the other order, and its
history relabelled (every permutation of the party ids, the parties reordered) and
replayed: the verdict must not change, and the parties a finding names must follow the
relabelling.

"Caught" means a finding of the family was recorded (``warn``) or is pending (``block``:
the move it concerns was refused).
"""

from __future__ import annotations

import contextlib
import functools
import itertools
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mediation import (
    NO_CONCERNS,
    CommandRefused,
    ConflictOfInterest,
    InvalidInput,
    Issue,
    Mediation,
    MediationError,
    Mediator,
    NotAuthorized,
    Party,
    Policy,
    Relation,
    TransitionRefused,
)
from mediation.clocks import ManualClock
from mediation.testing import (
    advance_to,
    assert_label_blind,
    relabelled,
    screen_all,
    waive_all,
)
from tests.refusal import nothing_recorded

START = datetime(2026, 3, 2, 9, tzinfo=timezone.utc)
IDS = ("a", "b", "c")

Script = Callable[[tuple[str, ...]], Mediation]


def _open(
    order: tuple[str, ...],
    *,
    mediator: Mediator | None = None,
    relations: tuple[Relation, ...] = (),
    issues: tuple[Issue, ...] = (),
    policy: Policy | None = None,
) -> Mediation:
    return Mediation.open(
        "red-team",
        [Party(pid, f"Party {pid.upper()}") for pid in order],
        mediator if mediator is not None else Mediator("m", "Mo"),
        clock=ManualClock(START, tick=timedelta(minutes=1)),
        supervisors=["sup"],
        relations=relations,
        issues=issues,
        policy=policy,
    )


def _try(move: Callable[[], object]) -> None:
    with contextlib.suppress(TransitionRefused):
        move()


def _caught(case: Mediation, family: str) -> set[tuple[str, tuple[str, ...]]]:
    """The family's findings on record or pending, as (code, sorted parties)."""
    found = {(f.code, tuple(sorted(f.parties))) for f in case.state.findings if f.check == family}
    found |= {
        (f.code, tuple(sorted(f.parties))) for f in case.pending_findings() if f.check == family
    }
    return found


# -- the scripts ------------------------------------------------------------------------------

TIE = Relation("reports_to", "m", "a")
SECRETARY = Mediator("m", "Mo", relationships=[TIE])


def _intake_with_tie(case: Mediation, waivers: tuple[str, ...]) -> None:
    case.disclose("m", "I report to Party A.")
    screen_all(case)
    for party in waivers:
        case.waive_conflict(party, TIE, "I was told and I accept.")
    for party in case.state.parties:
        case.consent(party)
    _try(lambda: case.advance("m"))


def coi_no_waiver(order: tuple[str, ...]) -> Mediation:
    case = _open(order, mediator=SECRETARY)
    _intake_with_tie(case, ())
    return case


def coi_one_waiver(order: tuple[str, ...]) -> Mediation:
    # Only the party the mediator reports to waives: the other one is never asked.
    case = _open(order, mediator=SECRETARY)
    _intake_with_tie(case, ("a",))
    return case


def coi_strict_proceeds(order: tuple[str, ...]) -> Mediation:
    strict = Policy(conflict_of_interest=ConflictOfInterest(allow_waiver=False))
    case = _open(order, mediator=SECRETARY, policy=strict)
    case.disclose("m", "I report to Party A.")
    screen_all(case)
    for party in case.state.parties:
        case.consent(party)
    _try(lambda: case.advance("m"))
    return case


def coi_family_tie(order: tuple[str, ...]) -> Mediation:
    cousin = Mediator("m", "Mo", relationships=[Relation("family", "m", "b")])
    case = _open(order, mediator=cousin)
    case.disclose("m", "Party B is my cousin.")
    screen_all(case)
    for party in case.state.parties:
        case.consent(party)
    _try(lambda: case.advance("m"))
    return case


def coi_fair_waived(order: tuple[str, ...]) -> Mediation:
    case = _open(order, mediator=SECRETARY)
    _intake_with_tie(case, tuple(sorted(order, reverse=order[0] == "b")))
    advance_to(case, "closed")
    return case


def coi_fair_handover(order: tuple[str, ...]) -> Mediation:
    strict = Policy(conflict_of_interest=ConflictOfInterest(allow_waiver=False))
    case = _open(order, mediator=SECRETARY, policy=strict)
    case.disclose("m", "I report to Party A.")
    case.reassign_mediator("sup", Mediator("ida", "Ida"), "Mo reports to Party A.")
    advance_to(case, "closed")
    return case


def coi_fair_disclosable(order: tuple[str, ...]) -> Mediation:
    colleague = Mediator("m", "Mo", relationships=[Relation("colleague", "m", "b")])
    case = _open(order, mediator=colleague)
    advance_to(case, "closed")
    return case


def screening_one_party_only(order: tuple[str, ...]) -> Mediation:
    case = _open(order)
    case.disclose("m", "No relationships.", [])
    case.screen("m", order[0], NO_CONCERNS)
    for party in order:
        case.consent(party)
    _try(lambda: case.advance("m"))
    return case


def screening_safety_ignored(order: tuple[str, ...]) -> Mediation:
    case = _open(order)
    case.disclose("m", "No relationships.", [])
    case.screen("m", "b", {**NO_CONCERNS, "safety": True}, note="afraid of A")
    case.screen("m", "a", NO_CONCERNS)
    for party in order:
        case.consent(party)
    _try(lambda: case.advance("m"))
    return case


def screening_no_safeguard(order: tuple[str, ...]) -> Mediation:
    case = _open(order)
    case.disclose("m", "No relationships.", [])
    for party in order:
        answers = {**NO_CONCERNS, "retaliation": party == "b"}
        case.screen("m", party, answers)
        case.consent(party)
    _try(lambda: case.advance("m"))
    return case


def screening_fair_clear(order: tuple[str, ...]) -> Mediation:
    return advance_to(_open(order), "closed")


def screening_fair_safeguarded(order: tuple[str, ...]) -> Mediation:
    case = _open(order)
    case.disclose("m", "No relationships.", [])
    for party in order:
        case.screen("m", party, {**NO_CONCERNS, "retaliation": party == "b"})
        case.consent(party)
    case.apply_safeguard("m", "b", "shuttle", "B fears retaliation")
    advance_to(case, "closed")
    return case


def screening_fair_escalated(order: tuple[str, ...]) -> Mediation:
    case = _open(order)
    case.disclose("m", "No relationships.", [])
    for party in order:
        case.screen("m", party, {**NO_CONCERNS, "safety": party == "b"})
    case.escalate("m", "hr", "screening: a safety concern")
    return case


def threat_ignored_en(order: tuple[str, ...]) -> Mediation:
    case = advance_to(_open(order), "listening")
    case.speak("a", "Report me again and you'll regret it. Watch your back.", 60)
    case.speak("b", "I only want the rota fixed.", 60)
    _try(lambda: case.advance("m"))
    return case


def threat_ignored_zh(order: tuple[str, ...]) -> Mediation:
    case = advance_to(_open(order), "listening")
    case.speak("a", "我只是想把排班说清楚。", 60)
    case.speak("b", "你再去告状，你给我等着，让你好看！", 60)
    _try(lambda: case.advance("m"))
    return case


def threat_in_issue(order: tuple[str, ...]) -> Mediation:
    # The threat is raised after the parties were screened, and nobody looks again.
    case = _open(order)
    case.disclose("m", "No relationships.", [])
    screen_all(case)
    case.raise_issue("b", Issue("rota", "A said he would beat you if the rota changes"))
    for party in order:
        case.consent(party)
    _try(lambda: case.advance("m"))
    return case


def _threat_described_in_issue(order: tuple[str, ...], title: str) -> Mediation:
    # A party describes a threat made to them; screened before, nobody looks again.
    case = _open(order)
    case.disclose("m", "No relationships.", [])
    screen_all(case)
    case.raise_issue("b", Issue("conduct", title))
    for party in order:
        case.consent(party)
    _try(lambda: case.advance("m"))
    return case


def threat_described_en(order: tuple[str, ...]) -> Mediation:
    return _threat_described_in_issue(order, "He said he would beat me up if I complain")


def threat_described_zh(order: tuple[str, ...]) -> Mediation:
    return _threat_described_in_issue(order, "他说如果我投诉就打我")


def threat_fair_described_plainly(order: tuple[str, ...]) -> Mediation:
    # The same sentence shape, no harm in it: not a threat, not flagged.
    case = _open(order)
    case.disclose("m", "No relationships.", [])
    screen_all(case)
    case.raise_issue("b", Issue("conduct", "He said he would change the rota if I complain"))
    case.raise_issue("a", Issue("calls", "她说有事就打我电话"))
    for party in order:
        case.consent(party)
    advance_to(case, "closed")
    return case


def threat_opened_with_routine_screening(order: tuple[str, ...]) -> Mediation:
    # The issue's own example: the case opens on a described threat, intake screens
    # everyone "no concern" with nothing written down, and it goes on to settlement.
    case = _open(order, issues=(Issue("rota", "B threatened to hit me after the meeting"),))
    _try(lambda: advance_to(case, "closed"))
    return case


def threat_fair_opened_and_looked_at(order: tuple[str, ...]) -> Mediation:
    case = _open(order, issues=(Issue("rota", "B threatened to hit me after the meeting"),))
    case.disclose("m", "No relationships.", [])
    case.screen("m", "a", NO_CONCERNS, note="A: a remark in anger, B apologised; A feels safe")
    case.screen("m", "b", NO_CONCERNS, note="B regrets the remark; no history of violence")
    advance_to(case, "closed")
    return case


def threat_fair_rescreened(order: tuple[str, ...]) -> Mediation:
    case = advance_to(_open(order), "listening")
    case.speak("a", "Report me again and you'll regret it.", 60)
    case.speak("b", "I only want the rota fixed.", 60)
    case.screen("m", "b", NO_CONCERNS, note="B feels safe; A withdrew the remark")
    case.screen("m", "a", NO_CONCERNS)
    advance_to(case, "closed")
    return case


def threat_fair_plain_words(order: tuple[str, ...]) -> Mediation:
    case = advance_to(_open(order), "listening")
    case.speak("a", "We should kill the old rota and beat the deadline together.", 60)
    case.speak("b", "我们一起把排班打理好，不要再拖了。", 60)
    advance_to(case, "closed")
    return case


SUPPLY = Relation("supplier", "b", "a")
PUBLIC = Relation("public", "b", "a")


def relation_supplier_no_caucus(order: tuple[str, ...]) -> Mediation:
    case = advance_to(_open(order, relations=(SUPPLY,)), "common_ground")
    item = case.propose_common_ground("m", "Both want the contract to continue.")
    for party in order:
        case.assent(party, item.item_id)
    case.offer_caucus("m", "a")  # only the client is offered a private session
    _try(lambda: case.advance("m"))
    return case


def relation_public_not_first(order: tuple[str, ...]) -> Mediation:
    case = advance_to(_open(order, relations=(PUBLIC,)), "listening")
    case.speak("a", "The office followed its procedure.", 100)
    case.speak("b", "I was sent from desk to desk for a month.", 100)
    _try(lambda: case.advance("m"))
    return case


def relation_fair_supplier(order: tuple[str, ...]) -> Mediation:
    return advance_to(_open(order, relations=(SUPPLY,)), "closed")


def relation_fair_public(order: tuple[str, ...]) -> Mediation:
    case = advance_to(_open(order, relations=(PUBLIC,)), "listening")
    case.speak("b", "I was sent from desk to desk for a month.", 100)
    case.speak("a", "The office followed its procedure.", 100)
    advance_to(case, "closed")
    return case


def relation_fair_colleagues(order: tuple[str, ...]) -> Mediation:
    return advance_to(_open(order, relations=(Relation("colleague", "a", "b"),)), "closed")


CLIENT = Relation("client", "a", "b")
DEPARTMENTS = Relation("other_department", "a", "b")


def _caucus_offered_to_a_only(order: tuple[str, ...], relation: Relation) -> Mediation:
    case = advance_to(_open(order, relations=(relation,)), "common_ground")
    item = case.propose_common_ground("m", "Both want the work to go on.")
    for party in order:
        case.assent(party, item.item_id)
    case.offer_caucus("m", "a")
    _try(lambda: case.advance("m"))
    return case


def relation_client_no_caucus(order: tuple[str, ...]) -> Mediation:
    # A is B's client: B, the supplier, depends on A and is never offered a caucus.
    return _caucus_offered_to_a_only(order, CLIENT)


def relation_departments_no_caucus(order: tuple[str, ...]) -> Mediation:
    # Two departments: each side is owed a private session; only A gets one.
    return _caucus_offered_to_a_only(order, DEPARTMENTS)


def relation_fair_client(order: tuple[str, ...]) -> Mediation:
    return advance_to(_open(order, relations=(CLIENT,)), "closed")


def relation_fair_departments(order: tuple[str, ...]) -> Mediation:
    return advance_to(_open(order, relations=(DEPARTMENTS,)), "closed")


MANAGES = Relation("manages", "a", "b")


def leader_subordinate_unguarded(order: tuple[str, ...]) -> Mediation:
    # The leader (A) is offered a private session; B, whom A manages, never is.
    return _caucus_offered_to_a_only(order, MANAGES)


def leader_subordinate_fair(order: tuple[str, ...]) -> Mediation:
    return advance_to(_open(order, relations=(MANAGES,)), "closed")


def _to_compromise_with_major(order: tuple[str, ...]) -> tuple[Mediation, str]:
    case = advance_to(_open(order), "common_ground")
    major = case.reserve_difference("b", "Who sets the weekend rota.", "major")
    minor = case.reserve_difference("a", "Rota by e-mail or chat.", "minor")
    case.park_difference("m", minor.difference_id)
    advance_to(case, "compromise")
    return case, major.difference_id


def major_left_out(order: tuple[str, ...]) -> Mediation:
    case, _major = _to_compromise_with_major(order)
    offer = case.propose("a", "B gets two Fridays off a month.")
    case.answer_proposal("b", offer.proposal_id, accept=True)
    _try(lambda: case.advance("m"))
    return case


def major_kept_open_by_one(order: tuple[str, ...]) -> Mediation:
    case, major = _to_compromise_with_major(order)
    case.keep_difference_open("a", major)  # only the party it suits
    offer = case.propose("a", "B gets two Fridays off a month.")
    case.answer_proposal("b", offer.proposal_id, accept=True)
    _try(lambda: case.advance("m"))
    return case


def major_fair_settled(order: tuple[str, ...]) -> Mediation:
    case, major = _to_compromise_with_major(order)
    offer = case.propose("a", "Two Fridays off; the team sets the rota.", settles=[major])
    case.answer_proposal("b", offer.proposal_id, accept=True)
    advance_to(case, "closed")
    return case


def major_fair_escalated(order: tuple[str, ...]) -> Mediation:
    case, major = _to_compromise_with_major(order)
    case.escalate_difference("m", major, "hr", "rota rules are HR's")
    offer = case.propose("a", "B gets two Fridays off a month.")
    case.answer_proposal("b", offer.proposal_id, accept=True)
    advance_to(case, "agreement")
    for party in order:
        case.sign(party)
    case.close("m", "partially_settled", "the rota rules went to HR")
    return case


def major_fair_kept_open(order: tuple[str, ...]) -> Mediation:
    case, major = _to_compromise_with_major(order)
    for party in order:
        case.keep_difference_open(party, major)
    offer = case.propose("a", "B gets two Fridays off a month.")
    case.answer_proposal("b", offer.proposal_id, accept=True)
    advance_to(case, "closed")
    return case


BIASED: dict[str, list[Callable[[tuple[str, ...]], Mediation]]] = {
    "conflict_of_interest": [coi_no_waiver, coi_one_waiver, coi_strict_proceeds, coi_family_tie],
    "screening": [screening_one_party_only, screening_safety_ignored, screening_no_safeguard],
    "threat_language": [
        threat_ignored_en,
        threat_ignored_zh,
        threat_in_issue,
        threat_described_en,
        threat_described_zh,
        threat_opened_with_routine_screening,
    ],
    "relationship_safeguards": [
        relation_supplier_no_caucus,
        relation_public_not_first,
        relation_client_no_caucus,
        relation_departments_no_caucus,
    ],
    "power_imbalance": [leader_subordinate_unguarded],
    "major_differences": [major_left_out, major_kept_open_by_one],
}
FAIR: dict[str, list[Callable[[tuple[str, ...]], Mediation]]] = {
    "conflict_of_interest": [coi_fair_waived, coi_fair_handover, coi_fair_disclosable],
    "screening": [screening_fair_clear, screening_fair_safeguarded, screening_fair_escalated],
    "threat_language": [
        threat_fair_rescreened,
        threat_fair_plain_words,
        threat_fair_described_plainly,
        threat_fair_opened_and_looked_at,
    ],
    "relationship_safeguards": [
        relation_fair_supplier,
        relation_fair_public,
        relation_fair_colleagues,
        relation_fair_client,
        relation_fair_departments,
    ],
    "power_imbalance": [leader_subordinate_fair],
    "major_differences": [major_fair_settled, major_fair_escalated, major_fair_kept_open],
}
ORDERS = (("a", "b"), ("b", "a"))


def _variants(
    script: Callable[[tuple[str, ...]], Mediation],
) -> list[tuple[str, Mediation, dict[str, str]]]:
    """The script in both party orders, and each history relabelled by every permutation
    of the ids (parties reordered) and replayed."""
    found = []
    for order in ORDERS:
        case = script(order)
        found.append((f"order {order}", case, {p: p for p in order}))
        for permutation in itertools.permutations(order):
            mapping = dict(zip(order, permutation, strict=True))
            clock = ManualClock(case.state.last_at)
            replayed = Mediation.replay(relabelled(case.events, mapping), clock=clock)
            found.append((f"order {order}, relabelled {mapping}", replayed, mapping))
    return found


def _renamed(found: set[tuple[str, tuple[str, ...]]], mapping: dict[str, str]) -> set[object]:
    return {(code, tuple(sorted(mapping[p] for p in parties))) for code, parties in found}


@pytest.mark.parametrize(
    ("family", "script"),
    [(family, script) for family, scripts in BIASED.items() for script in scripts],
    ids=lambda value: value if isinstance(value, str) else value.__name__,
)
def test_a_biased_script_is_caught_in_every_order_and_labelling(
    family: str, script: Script
) -> None:
    variants = _variants(script)
    base = _caught(variants[0][1], family)
    assert base, f"{script.__name__} was not caught by {family}"
    for name, case, mapping in variants:
        found = _caught(case, family)
        assert found, f"{script.__name__} not caught ({name})"
        if name.startswith("order ('a', 'b'), relabelled"):
            assert found == _renamed(base, mapping), name


@pytest.mark.parametrize(
    ("family", "script"),
    [(family, script) for family, scripts in FAIR.items() for script in scripts],
    ids=lambda value: value if isinstance(value, str) else value.__name__,
)
def test_a_fair_script_is_not_flagged_in_any_order_or_labelling(
    family: str, script: Script
) -> None:
    for name, case, _mapping in _variants(script):
        assert not _caught(case, family), f"{script.__name__} flagged ({name})"
        # No other family flags the fair intake scripts either.
        assert not case.state.findings, (name, case.state.findings)


def test_the_tally() -> None:
    """The figures the closing note reports: every biased script caught, no fair one flagged."""
    biased = [(family, s) for family, scripts in BIASED.items() for s in scripts]
    fair = [(family, s) for family, scripts in FAIR.items() for s in scripts]
    caught = sum(bool(_caught(s(ORDERS[0]), family)) for family, s in biased)
    flagged = sum(bool(_caught(s(ORDERS[0]), family)) for family, s in fair)
    assert (caught, len(biased), flagged, len(fair)) == (len(biased), 20, 0, 19)


# -- label-blindness as a property ---------------------------------------------------------------


def _findings(case: Mediation) -> list[tuple[str, tuple[str, ...]]]:
    return sorted((f.code, tuple(sorted(f.parties))) for f in case.pending_findings())


@settings(max_examples=25, deadline=None)
@given(
    count=st.integers(min_value=2, max_value=3),
    screened=st.lists(st.booleans(), min_size=3, max_size=3),
    concerns=st.lists(
        st.sampled_from([None, "safety", "harassment", "retaliation", "capacity", "power"]),
        min_size=3,
        max_size=3,
    ),
    shuttle=st.lists(st.booleans(), min_size=3, max_size=3),
    waived=st.lists(st.booleans(), min_size=3, max_size=3),
    tie_to=st.integers(min_value=0, max_value=2),
    kind=st.sampled_from(["reports_to", "manages", "family", "colleague"]),
)
def test_the_intake_checks_are_label_blind(
    count: int,
    screened: list[bool],
    concerns: list[str | None],
    shuttle: list[bool],
    waived: list[bool],
    tie_to: int,
    kind: str,
) -> None:
    ids = IDS[:count]
    tie = Relation(kind, "m", ids[tie_to % count])
    case = _open(ids, mediator=Mediator("m", "Mo", relationships=[tie]))
    case.disclose("m", "My relationship is on record.")
    for index, party in enumerate(ids):
        if screened[index]:
            concern = concerns[index]
            case.screen("m", party, {**NO_CONCERNS, **({concern: True} if concern else {})})
        if shuttle[index]:
            case.apply_safeguard("m", party, "shuttle")
        if waived[index] and case.state.disqualifying_relations():
            case.waive_conflict(party, tie, "I accept.")
    assert_label_blind(_findings, case)


@settings(max_examples=25, deadline=None)
@given(
    threat_by=st.integers(min_value=0, max_value=2),
    kept=st.lists(st.booleans(), min_size=3, max_size=3),
    settled=st.booleans(),
    relation=st.sampled_from(["supplier", "client", "public", "other_department", "colleague"]),
    offered=st.lists(st.booleans(), min_size=3, max_size=3),
)
def test_the_later_checks_are_label_blind(
    threat_by: int, kept: list[bool], settled: bool, relation: str, offered: list[bool]
) -> None:
    ids = IDS
    case = advance_to(_open(ids, relations=(Relation(relation, "a", "b"),)), "listening")
    for index, party in enumerate(ids):
        text = "You'll regret this." if index == threat_by else "My side of it."
        case.speak(party, text, 60)
    assert_label_blind(_findings, case)
    for party in ids:
        case.screen("m", party, NO_CONCERNS)
    advance_to(case, "common_ground")
    major = case.reserve_difference("a", "A matter of principle.", "major")
    item = case.propose_common_ground("m", "We agree on something.")
    for index, party in enumerate(ids):
        case.assent(party, item.item_id)
        if kept[index]:
            case.keep_difference_open(party, major.difference_id)
        if offered[index]:
            case.offer_caucus("m", party)
    assert_label_blind(_findings, case)
    _try(lambda: case.advance("m"))
    if case.stage == "compromise":
        offer = case.propose("a", "Terms.", settles=[major.difference_id] if settled else [])
        for party in ids[1:]:
            case.answer_proposal(party, offer.proposal_id, accept=True)
        assert_label_blind(_findings, case)


# -- bad input: typed errors, nothing recorded ---------------------------------------------------


def _unchanged(case: Mediation, command: Callable[[], object], error: type[Exception]) -> None:
    before = case.version
    with pytest.raises(error):
        command()
    assert case.version == before


def test_a_waiver_by_anyone_but_a_party_is_refused_and_records_nothing() -> None:
    case = _open(("a", "b"), mediator=SECRETARY)
    case.disclose("m", "I report to Party A.")
    for actor in ("m", "sup", "stranger"):
        _unchanged(case, functools.partial(case.waive_conflict, actor, TIE, "x"), NotAuthorized)
    not_a_tie = Relation("colleague", "m", "b")
    _unchanged(case, lambda: case.waive_conflict("b", not_a_tie, "x"), InvalidInput)
    _unchanged(case, lambda: case.waive_conflict("b", "reports_to", "x"), InvalidInput)  # type: ignore[arg-type]
    _unchanged(case, lambda: case.waive_conflict("b", TIE, "   "), InvalidInput)
    case.waive_conflict("b", TIE, "I accept.")
    _unchanged(case, lambda: case.waive_conflict("b", TIE, "again"), CommandRefused)


def test_a_waiver_before_the_disclosure_is_refused() -> None:
    case = _open(("a", "b"), mediator=SECRETARY)
    _unchanged(case, lambda: case.waive_conflict("a", TIE, "I accept."), CommandRefused)


def test_screening_by_anyone_but_the_mediator_is_refused_and_records_nothing() -> None:
    case = _open(("a", "b"))
    for actor in ("a", "b", "sup", "stranger"):
        _unchanged(case, functools.partial(case.screen, actor, "b", NO_CONCERNS), NotAuthorized)
    bad_answers: list[Any] = [
        {**NO_CONCERNS, "weather": False},
        {"safety": False},
        {**NO_CONCERNS, "safety": "no"},
        "all clear",
    ]
    for answers in bad_answers:
        _unchanged(case, functools.partial(case.screen, "m", "b", answers), InvalidInput)
    _unchanged(case, lambda: case.screen("m", "zed", NO_CONCERNS), InvalidInput)
    _unchanged(case, lambda: case.apply_safeguard("m", "b", "moat"), InvalidInput)
    _unchanged(case, lambda: case.apply_safeguard("a", "b", "shuttle"), NotAuthorized)


def test_unknown_relation_kinds_are_typed_errors() -> None:
    with pytest.raises(InvalidInput, match="unknown relation kind"):
        Relation("boss_of", "a", "b")
    with pytest.raises(InvalidInput, match="unknown relation kind"):
        Policy.from_dict({"conflict_of_interest": {"disqualifying": ["neighbour"]}})
    with pytest.raises(InvalidInput):
        Policy.from_dict({"relationship_safeguards": {"safeguards": {"cousin": []}}})
    with pytest.raises(InvalidInput, match="weather"):
        Policy.from_dict({"screening": {"responses": {"weather": "escalate"}}})


def test_settles_and_escalations_name_known_differences() -> None:
    case, major = _to_compromise_with_major(("a", "b"))
    _unchanged(case, lambda: case.propose("a", "Terms.", settles=["df-9"]), InvalidInput)
    _unchanged(case, lambda: case.propose("a", "Terms.", settles=major), InvalidInput)
    _unchanged(case, lambda: case.escalate_difference("m", major, "mars", "x"), InvalidInput)
    _unchanged(case, lambda: case.escalate_difference("a", major, "hr", "x"), NotAuthorized)
    case.escalate_difference("m", major, "hr", "HR's matter")
    _unchanged(case, lambda: case.escalate_difference("m", major, "hr", "x"), CommandRefused)


def test_signing_is_refused_while_a_major_difference_is_open() -> None:
    lax = Policy.from_dict({"major_differences": {"mode": "warn"}})
    case = advance_to(_open(("a", "b"), policy=lax), "common_ground")
    case.reserve_difference("b", "Who sets the rota.", "major")
    advance_to(case, "compromise")
    offer = case.propose("a", "Fridays off.")
    case.answer_proposal("b", offer.proposal_id, accept=True)
    case.advance("m")  # warn: recorded, the process goes on
    assert [f.code for f in case.state.findings] == ["major_difference_open"]
    assert case.state.findings[0].evidence  # the reservation and the proposal
    case.sign("a")  # warn does not refuse the signature
    strict = advance_to(_open(("a", "b")), "common_ground")
    major = strict.reserve_difference("b", "Who sets the rota.", "major")
    advance_to(strict, "compromise")
    offer = strict.propose("a", "Fridays off.")
    strict.answer_proposal("b", offer.proposal_id, accept=True)
    refused = next(s for s in strict.allowed_actions("m") if s.name == "advance")
    assert "major_difference_open" in {r.code for r in refused.reasons}
    strict.keep_difference_open("a", major.difference_id)
    strict.keep_difference_open("b", major.difference_id)
    assert strict.advance("m").dest == "agreement"


def test_threat_phrases_en_and_zh() -> None:
    from mediation.markers import threat_phrases

    assert threat_phrases("I KNOW WHERE YOU LIVE.") == ("i know where you live",)
    assert threat_phrases("You’ll regret this") == ("you'll regret",)
    assert threat_phrases("我饶不了你") == ("饶不了你",)
    assert threat_phrases("Thanks, this will hurt your budget less.") == ()
    assert threat_phrases("请给我打电话") == ()


def test_findings_name_the_relationship_in_words_in_english_and_chinese() -> None:
    from mediation.i18n import Term
    from mediation.neutrality import conflict_of_interest, screening
    from mediation.neutrality._messages import render

    case = _open(("a", "b"), mediator=SECRETARY)
    case.disclose("m", "I report to Party A.")
    (finding,) = [f for f in case.pending_findings() if f.check == "conflict_of_interest"]
    assert "Mo reports to Party A" in finding.message
    assert finding.parties == ("a", "b") and finding.evidence == (1,)
    zh = finding.message_in("zh")
    assert "Mo向Party A汇报" in zh and "书面" in zh and "Party A、Party B" in zh
    words = conflict_of_interest.relation_in_words(case.state, TIE, "zh")
    assert words == "Mo向Party A汇报（下属）"
    for code, template in screening.MESSAGES.items():
        text = render(template, "zh", names="x", stage=Term("intake"), domains="z", safeguards="w")
        assert "受理" in text or code != "screening_missing"


def test_the_demo_secretary_waives_in_writing_and_the_strict_one_hands_over() -> None:
    from mediation import demo, neutrality_report

    case = demo.workplace_dispute()
    waivers = [e for e in case.events if e.type_name == "conflict_waived"]
    assert sorted(e.actor for e in waivers) == ["lin", "zhao"]
    report = neutrality_report(case)
    assert report.verdict == "even-handed"
    assert {c.check: c.status for c in report.checks}["conflict_of_interest"] == "ok"
    handed = demo.strict_handover()
    assert handed.state.mediator.id == "he" and handed.stage == "listening"
    assert not [e for e in handed.events if e.type_name == "conflict_waived"]


def test_a_mediator_with_a_disqualifying_tie_cannot_just_proceed() -> None:
    """The issue's own example: disclose, bare consent, go — refused, naming the tie."""
    case = _open(("a", "b"), mediator=SECRETARY)
    case.disclose("m", "I report to Party A.")
    screen_all(case)
    for party in ("a", "b"):
        case.consent(party)
    with nothing_recorded(case, TransitionRefused) as refused:
        case.advance("m")
    assert refused.match("Mo reports to Party A")
    assert refused.value.codes == ("disqualifying_conflict",)
    waive_all(case)
    assert case.advance("m").dest == "listening"


def test_every_refusal_here_is_a_mediation_error() -> None:
    assert issubclass(NotAuthorized, MediationError) and issubclass(InvalidInput, ValueError)


def test_threat_phrases_are_in_lexicon_order_each_once() -> None:
    from mediation.markers import BUILTIN_LANGUAGES, THREATS, builtin_lexicon, threat_phrases

    lexicon = tuple(
        term
        for language in BUILTIN_LANGUAGES
        for category in builtin_lexicon(language, THREATS).categories.values()
        for term in category.terms
    )
    text = " / ".join(reversed(lexicon)) + " " + lexicon[0]
    assert threat_phrases(text) == lexicon
    assert threat_phrases("The workload this quarter is too high.") == ()
