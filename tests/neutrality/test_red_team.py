"""Red team: biased mediations driven through the public API must be caught; their fair
counterparts must not be flagged — under other labels and with the parties listed in
another order too.

Each script plays a case with *roles* (``favoured``, ``other`` and, for three-party
scripts, ``third``); the parametrisation decides which ids and names play them and in
which order the case lists its parties. "Caught" means a finding of the family on record
or pending, or a refusal naming the family's reason; "flagged" means any finding at all.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta, timezone

import pytest

from mediation import (
    NO_CONCERNS,
    CommandRefused,
    Finding,
    Mediation,
    Mediator,
    MediatorStyle,
    Party,
    Policy,
    Pressure,
    TransitionRefused,
    neutrality_report,
)
from mediation.clocks import ManualClock
from mediation.testing import advance_to

START = datetime(2026, 3, 2, 9, tzinfo=timezone.utc)
MEDIATOR = "med"
SUPERVISOR = "sup"

LABELS = [
    ("ana", "ben", "cai"),
    ("zoe", "adam", "mei"),
]
"""Who plays favoured, other and third."""

ORDERS = ["as_listed", "reversed"]


class Run:
    """A case and the ids that play each role."""

    def __init__(self, labels: tuple[str, ...], order: str, parties: int, **options: object):
        self.favoured, self.other, self.third = labels
        cast = list(labels[:parties])
        listed = cast if order == "as_listed" else list(reversed(cast))
        self.clock = ManualClock(START, tick=timedelta(seconds=30))
        self.case = Mediation.open(
            "red-team",
            [Party(pid, pid.title()) for pid in listed],
            Mediator(MEDIATOR, "Mo"),
            clock=self.clock,
            supervisors=[SUPERVISOR],
            **options,  # type: ignore[arg-type]
        )
        self.refusals: list[str] = []
        self.blocked: list[Finding] = []

    def wait(self, **delta: float) -> None:
        self.clock.advance(timedelta(**delta))

    def to(self, stage: str) -> None:
        advance_to(self.case, stage)

    def advance(self) -> None:
        """The mediator moves on; a refusal by a neutrality check is noted, not raised."""
        try:
            self.case.advance(MEDIATOR)
        except TransitionRefused as refused:
            self.blocked += [r for r in refused.reasons if isinstance(r, Finding)]
            if not self.blocked:
                raise

    def codes(self, families: frozenset[str] | None = None) -> dict[str, set[str]]:
        """Check family → finding codes on record, blocked, and pending (of ``families``
        only, when given: a pending finding of another family is work not yet done, such
        as the restatements of a stage just entered), plus refusal codes."""
        report = neutrality_report(self.case)
        found: dict[str, set[str]] = {}
        pending = [f for f in report.pending if families is None or f.check in families]
        for finding in (*report.recorded, *self.blocked, *pending):
            found.setdefault(finding.check, set()).add(finding.code)
        if self.refusals:
            found.setdefault("refused", set()).update(self.refusals)
        return found


Script = Callable[[Run], None]


# -- mediator conduct ------------------------------------------------------------------


def conduct_kinds_biased(run: Run) -> None:
    """Totals look even: one side gets paraphrases and questions, the other invitations."""
    run.to("listening")
    c, m = run.case, MEDIATOR
    for _ in range(3):
        c.paraphrase(m, run.favoured, "What matters to you is fairness.")
    for _ in range(2):
        c.ask(m, run.favoured, "What would help?")
    for _ in range(5):
        c.invite_to_speak(m, run.other)
    c.speak(run.favoured, "My side.", 120)
    c.speak(run.other, "Mine.", 120)
    run.advance()


def conduct_kinds_fair(run: Run) -> None:
    run.to("listening")
    c, m = run.case, MEDIATOR
    for party in (run.favoured, run.other):
        c.invite_to_speak(m, party)
        c.speak(party, "My side.", 120)
        c.paraphrase(m, party, "What matters to you is this.")
        c.ask(m, party, "What would help?")
    c.paraphrase(m, run.other, "You want to be asked first.")
    run.advance()


def conduct_stage_biased(run: Run) -> None:
    """Balanced in listening, one-sided in perspective swap."""
    run.to("perspective_swap")
    c, m = run.case, MEDIATOR
    for _ in range(4):
        c.ask(m, run.favoured, "How did that feel?")
    for a, b in ((run.favoured, run.other), (run.other, run.favoured)):
        made = c.restate(a, b, "your view")
        c.review_restatement(b, made.restatement_id, accurate=True)
    run.advance()


def conduct_stage_fair(run: Run) -> None:
    run.to("perspective_swap")
    c, m = run.case, MEDIATOR
    for party in (run.favoured, run.other, run.other, run.favoured):
        c.ask(m, party, "How did that feel?")
    for a, b in ((run.favoured, run.other), (run.other, run.favoured)):
        made = c.restate(a, b, "your view")
        c.review_restatement(b, made.restatement_id, accurate=True)
    run.advance()


def never_invited_biased(run: Run) -> None:
    """Three parties; the mediator never invites the third one to speak."""
    run.to("intake")
    c, m = run.case, MEDIATOR
    c.disclose(m, "No relationships.", [])
    for party in c.state.active:
        c.screen(m, party, NO_CONCERNS)
        c.consent(party)
    run.advance()
    for party in (run.favoured, run.other):
        c.invite_to_speak(m, party)
        c.speak(party, "My side.", 100)
    c.speak(run.third, "Me too.", 100)
    run.advance()


def never_invited_fair(run: Run) -> None:
    run.to("listening")
    c, m = run.case, MEDIATOR
    for party in (run.favoured, run.other, run.third):
        c.invite_to_speak(m, party)
        c.speak(party, "My side.", 100)
    run.advance()


def _agree_unhurried(run: Run) -> None:
    """The favoured party proposes; the other accepts two hours later; the case moves on."""
    made = run.case.propose(run.favoured, "The Fridays alternate.")
    run.wait(hours=2)
    run.case.answer_proposal(run.other, made.proposal_id, accept=True)
    run.advance()


def _attention_in_compromise(run: Run, addressed: tuple[str, ...]) -> None:
    run.to("compromise")
    for party in addressed:
        run.case.ask(MEDIATOR, party, "What could you live with?")
        run.case.paraphrase(MEDIATOR, party, "You need a fair rota.")
    _agree_unhurried(run)


def conduct_compromise_biased(run: Run) -> None:
    """Balanced until compromise; there only the favoured party is asked and paraphrased."""
    _attention_in_compromise(run, (run.favoured, run.favoured))


def conduct_compromise_fair(run: Run) -> None:
    _attention_in_compromise(run, (run.favoured, run.other))


# -- voice in every joint stage --------------------------------------------------------


def _floor_in_compromise(run: Run, favoured_seconds: float, other_seconds: float) -> None:
    run.to("compromise")
    run.case.speak(run.favoured, "Here is what I need, point by point.", favoured_seconds)
    run.case.speak(run.other, "And here is what I need.", other_seconds)
    _agree_unhurried(run)


def voice_compromise_biased(run: Run) -> None:
    """Balanced until compromise; there one party holds the floor 40:1."""
    _floor_in_compromise(run, 800, 20)


def voice_compromise_fair(run: Run) -> None:
    _floor_in_compromise(run, 90, 80)


def voice_common_ground_biased(run: Run) -> None:
    """Balanced listening, then one party holds the floor 40:1 in common ground."""
    run.to("common_ground")
    c, m = run.case, MEDIATOR
    c.speak(run.favoured, "Let me explain at length.", 400)
    c.speak(run.other, "Ok.", 10)
    item = c.propose_common_ground(m, "Both want this settled.")
    for party in c.state.active:
        c.assent(party, item.item_id)
    for party in c.state.active:
        c.offer_caucus(m, party)
    run.advance()


def voice_common_ground_fair(run: Run) -> None:
    run.to("common_ground")
    c, m = run.case, MEDIATOR
    c.speak(run.favoured, "We agree on the deadline.", 60)
    c.speak(run.other, "And on the budget.", 50)
    item = c.propose_common_ground(m, "Both want this settled.")
    for party in c.state.active:
        c.assent(party, item.item_id)
    for party in c.state.active:
        c.offer_caucus(m, party)
    run.advance()


# -- caucus over the whole case --------------------------------------------------------


def _caucus(run: Run, party: str, minutes: float) -> None:
    run.case.open_caucus(MEDIATOR, party)
    run.wait(minutes=minutes)
    run.case.close_caucus(MEDIATOR)


def caucus_after_compromise_biased(run: Run) -> None:
    """Parity on entering compromise, then 165 min against 15 min."""
    run.to("common_ground")
    _caucus(run, run.favoured, 10)
    _caucus(run, run.other, 10)
    run.to("compromise")
    _caucus(run, run.favoured, 155)
    _caucus(run, run.other, 5)
    run.to("agreement")


def caucus_after_compromise_fair(run: Run) -> None:
    run.to("common_ground")
    _caucus(run, run.favoured, 10)
    _caucus(run, run.other, 12)
    run.to("compromise")
    _caucus(run, run.favoured, 20)
    _caucus(run, run.other, 15)
    run.to("agreement")


def caucus_declined_biased(run: Run) -> None:
    """The other party declines its offer; the favoured one then gets hours."""
    run.to("common_ground")
    run.case.offer_caucus(MEDIATOR, run.other)
    _caucus(run, run.favoured, 180)
    run.to("agreement")


def caucus_declined_fair(run: Run) -> None:
    run.to("common_ground")
    run.case.offer_caucus(MEDIATOR, run.other)
    _caucus(run, run.favoured, 10)
    run.to("agreement")


# -- style ------------------------------------------------------------------------------


def style_unasked_biased(run: Run) -> None:
    """Facilitative policy (default): the mediator proposes terms nobody asked for."""
    run.to("compromise")
    try:
        run.case.propose(MEDIATOR, "Ben takes the Friday shifts.")
    except CommandRefused as refused:
        run.refusals += [reason.code for reason in refused.reasons]


def style_unasked_fair(run: Run) -> None:
    run.to("compromise")
    for party in run.case.state.active:
        run.case.request_suggestion(party)
    made = run.case.propose(MEDIATOR, "Shifts alternate weekly.")
    for party in run.case.state.active:
        run.case.answer_proposal(party, made.proposal_id, accept=True)
    run.advance()


def style_evaluative_biased(run: Run) -> None:
    """Evaluative policy: the mediator's proposal is not put to the other party."""
    run.to("compromise")
    made = run.case.propose(MEDIATOR, "Shifts alternate weekly.")
    run.case.answer_proposal(run.favoured, made.proposal_id, accept=True)
    own = run.case.propose(run.favoured, "Shifts alternate weekly, from May.")
    run.case.answer_proposal(run.other, own.proposal_id, accept=True)
    run.advance()


def style_evaluative_fair(run: Run) -> None:
    run.to("compromise")
    made = run.case.propose(MEDIATOR, "Shifts alternate weekly.")
    for party in run.case.state.active:
        run.case.answer_proposal(party, made.proposal_id, accept=True)
    run.advance()


# -- pressure and reflection -----------------------------------------------------------


def pressure_deadline_biased(run: Run) -> None:
    """A two-minute deadline right after a proposal, accepted ten seconds later."""
    run.to("compromise")
    made = run.case.propose(run.favoured, "I keep the Friday off.")
    run.case.set_deadline(MEDIATOR, "compromise", run.clock.now + timedelta(minutes=2))
    run.clock.advance(timedelta(seconds=10))
    run.case.answer_proposal(run.other, made.proposal_id, accept=True)
    run.advance()


def pressure_deadline_fair(run: Run) -> None:
    run.to("compromise")
    made = run.case.propose(run.favoured, "I keep the Friday off.")
    run.case.set_deadline(MEDIATOR, "compromise", run.clock.now + timedelta(days=3))
    run.wait(hours=2)
    run.case.answer_proposal(run.other, made.proposal_id, accept=True)
    run.advance()


def _mediator_solution(run: Run, wait_minutes: float) -> None:
    run.to("compromise")
    for party in run.case.state.active:
        run.case.request_suggestion(party)
    made = run.case.propose(MEDIATOR, "Shifts alternate weekly.")
    for party in run.case.state.active:
        run.case.answer_proposal(party, made.proposal_id, accept=True)
    run.advance()
    run.wait(minutes=wait_minutes)
    for party in run.case.state.active:
        run.case.sign(party)


def reflection_biased(run: Run) -> None:
    """The mediator's solution is signed five minutes after it was proposed."""
    _mediator_solution(run, 5)


def reflection_fair(run: Run) -> None:
    _mediator_solution(run, 90)


# -- shuttle format ----------------------------------------------------------------------


def _shuttle_for_other(run: Run) -> None:
    """Screening finds that the other party fears retaliation: shuttle format for them."""
    c, m = run.case, MEDIATOR
    c.disclose(m, "No relationships.", [])
    for party in c.state.active:
        c.screen(m, party, {**NO_CONCERNS, "retaliation": party == run.other})
        c.consent(party)
    c.apply_safeguard(m, run.other, "shuttle", "fears retaliation")


def shuttle_ignored_biased(run: Run) -> None:
    """Shuttle format was chosen, then the mediator holds a joint session anyway."""
    _shuttle_for_other(run)
    run.advance()
    c, m = run.case, MEDIATOR
    for move in (
        lambda: c.invite_to_speak(m, run.favoured),
        lambda: c.speak(run.favoured, "Now that we are all here.", 120),
        lambda: c.speak(run.other, "I did not want to be in the room.", 30),
    ):
        try:
            move()
        except CommandRefused as refused:
            run.refusals += [reason.code for reason in refused.reasons]


def shuttle_ignored_fair(run: Run) -> None:
    """The same case carried through caucuses, each party on its own, to a settlement."""
    _shuttle_for_other(run)
    run.to("closed")


# -- the suite ---------------------------------------------------------------------------

PAIRS: dict[str, tuple[str, Script, Script, int, dict[str, object]]] = {
    "conduct_kinds": ("mediator_conduct", conduct_kinds_biased, conduct_kinds_fair, 2, {}),
    "conduct_stage": ("mediator_conduct", conduct_stage_biased, conduct_stage_fair, 2, {}),
    "conduct_compromise": (
        "mediator_conduct",
        conduct_compromise_biased,
        conduct_compromise_fair,
        2,
        {},
    ),
    "never_invited": ("mediator_conduct", never_invited_biased, never_invited_fair, 3, {}),
    "voice_common_ground": (
        "joint_voice",
        voice_common_ground_biased,
        voice_common_ground_fair,
        2,
        {},
    ),
    "voice_compromise": ("joint_voice", voice_compromise_biased, voice_compromise_fair, 2, {}),
    "caucus_after_compromise": (
        "caucus_balance",
        caucus_after_compromise_biased,
        caucus_after_compromise_fair,
        2,
        {},
    ),
    "caucus_declined": ("caucus_balance", caucus_declined_biased, caucus_declined_fair, 2, {}),
    "style_unasked": ("refused", style_unasked_biased, style_unasked_fair, 2, {}),
    "style_unasked_warn": (
        "mediator_style",
        style_unasked_biased,
        style_unasked_fair,
        2,
        {"policy": Policy(mediator_style=MediatorStyle(mode="warn"))},
    ),
    "style_evaluative": (
        "mediator_style",
        style_evaluative_biased,
        style_evaluative_fair,
        2,
        {"policy": Policy(mediator_style=MediatorStyle(style="evaluative"))},
    ),
    "pressure_deadline": ("pressure", pressure_deadline_biased, pressure_deadline_fair, 2, {}),
    "reflection": (
        "pressure",
        reflection_biased,
        reflection_fair,
        2,
        {"policy": Policy(pressure=Pressure(reflection=timedelta(hours=1)))},
    ),
    "shuttle_ignored": ("shuttle_format", shuttle_ignored_biased, shuttle_ignored_fair, 2, {}),
}

FAMILIES = frozenset({family for family, *_ in PAIRS.values()})
"""The families this suite exercises (a fair script may leave other work pending)."""

CASES = [
    pytest.param(name, labels, order, id=f"{name}-{labels[0]}-{order}")
    for name in PAIRS
    for labels in LABELS
    for order in ORDERS
]


@pytest.mark.parametrize(("name", "labels", "order"), CASES)
def test_the_biased_script_is_caught(name: str, labels: tuple[str, ...], order: str) -> None:
    family, biased, _fair, parties, options = PAIRS[name]
    run = Run(labels, order, parties, **options)
    biased(run)
    found = run.codes()
    # A family's finding, or a refusal with the family's reason (``refused``: any).
    assert family in found or family in found.get("refused", set()), found


@pytest.mark.parametrize(("name", "labels", "order"), CASES)
def test_the_fair_counterpart_is_not_flagged(
    name: str, labels: tuple[str, ...], order: str
) -> None:
    _family, _biased, fair, parties, options = PAIRS[name]
    run = Run(labels, order, parties, **options)
    fair(run)
    assert run.codes(FAMILIES) == {}, run.codes(FAMILIES)
