"""What an HR case tool writes to drive one mediation with `mediation`.

The tool keeps its own users and screens; it asks the case what each person may do,
calls commands when they click, and reacts to recorded events (here: it "sends" e-mail by
printing). Run it: ``python examples/hr_case.py``.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta, timezone

import structlog

from mediation import (
    NO_CONCERNS,
    Event,
    Issue,
    Mediation,
    MediationError,
    Mediator,
    Party,
    Policy,
    Relation,
)
from mediation.clocks import ManualClock


class HrCaseService:
    """A thin service an HR tool would put around one case."""

    def __init__(self, case: Mediation) -> None:
        self.case = case
        self.outbox: list[str] = []
        case.subscribe(self._on_event)

    def _on_event(self, case: Mediation, event: Event) -> None:
        if event.type_name in ("stage_changed", "escalated", "closed"):
            self.outbox.append(f"to all in {case.case_id}: now at {case.stage_label()}")

    def buttons(self, user: str) -> list[str]:
        """The actions to show as enabled for this user."""
        return [status.name for status in self.case.allowed_actions(user) if status.allowed]

    def click(self, user: str, action: str, **arguments: object) -> str:
        """Run a command for a user; return a message for the screen."""
        try:
            getattr(self.case, action)(user, **arguments)
        except MediationError as error:
            return f"refused: {error}"
        return "done"


def main() -> None:
    """Drive one case from intake to a signed agreement."""
    # The host decides where library logs go; this script only wants warnings.
    structlog.configure(wrapper_class=structlog.make_filtering_bound_logger(logging.WARNING))
    clock = ManualClock(datetime(2026, 5, 4, 9, tzinfo=timezone.utc), tick=timedelta(minutes=5))
    case = Mediation.open(
        "HR-2026-0117",
        [Party("amira", "Amira K.", role="team lead"), Party("ben", "Ben O.", role="engineer")],
        Mediator("hr-med", "R. Silva"),
        clock=clock,
        supervisors=["hr-head"],
        relations=[Relation("manages", "amira", "ben")],
        issues=[Issue("oncall", "On-call rota")],
        policy=Policy(deadlines={"intake": timedelta(days=5), "listening": timedelta(days=10)}),
    )
    service = HrCaseService(case)
    print("Ben may:", ", ".join(service.buttons("ben")))
    print("Ben consents:", service.click("ben", "consent"))
    print("Mediator discloses:", service.click("hr-med", "disclose", statement="No ties."))
    print("Start listening:", service.click("hr-med", "advance"))
    # The mediator screens each party in private (safety, harassment, fear of retaliation,
    # capacity, power); the answers are confidential to the mediator and that party.
    for user in ("ben", "amira"):
        service.click("hr-med", "screen", party=user, answers=NO_CONCERNS)
        service.click(user, "consent")
    print("Start listening:", service.click("hr-med", "advance"))
    service.click("ben", "speak", text="I am on call every other week.", seconds=180)
    service.click("amira", "speak", text="We are short of people until autumn.", seconds=150)
    service.click("hr-med", "advance")
    made = case.restate("amira", "ben", "Every other week is too much for you.")
    case.review_restatement("ben", made.restatement_id, accurate=True)
    made = case.restate("ben", "amira", "You cannot hire before autumn.")
    case.review_restatement("amira", made.restatement_id, accurate=True)
    service.click("hr-med", "advance")
    item = case.propose_common_ground("hr-med", "The rota must be sustainable.")
    case.assent("amira", item.item_id)
    case.assent("ben", item.item_id)
    # Amira manages Ben: the default policy asks that Ben be offered a private session.
    print("Move to compromise:", service.click("hr-med", "advance"))
    service.click("hr-med", "offer_caucus", party="ben")
    print("Move to compromise:", service.click("hr-med", "advance"))
    offer = case.propose("ben", "One week in three, and a contractor until autumn.")
    case.answer_proposal("amira", offer.proposal_id, accept=True)
    service.click("hr-med", "advance")
    case.sign("amira")
    case.sign("ben")
    print("Close:", service.click("hr-med", "close", outcome="settled"))
    print("Outbox:")
    for message in service.outbox:
        print("  ", message)
    print(f"{case.version} events; overdue now: {case.overdue(clock.now)}")


if __name__ == "__main__":
    main()
