"""The mediator's conduct and the safeguards around it: even-handedness markers,
supervisor overrides, deadlines and reassignment.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from mediation import events as ev
from mediation import rules
from mediation._case import validate
from mediation._case.core import CaseCore, refusal
from mediation.errors import InvalidInput
from mediation.i18n import N_, Term
from mediation.model import Mediator, check_id, check_text, shown
from mediation.neutrality import SOURCES, responsiveness
from mediation.neutrality._messages import render
from mediation.policy import Mode
from mediation.process import StageKind

__all__ = ["Conduct"]


class Conduct(CaseCore):
    """The commands of the mediator's conduct and of supervision."""

    __slots__ = ()

    def invite_to_speak(self, actor: str, party: str) -> ev.MediatorIntervened:
        """The mediator invites a party to speak (an even-handedness marker)."""
        return self._intervene("invite_to_speak", actor, "invite", party, "")

    def paraphrase(self, actor: str, party: str, text: str) -> ev.MediatorIntervened:
        """The mediator paraphrases what a party said (an even-handedness marker)."""
        return self._intervene("paraphrase", actor, "paraphrase", party, check_text(text))

    def ask(self, actor: str, party: str, text: str) -> ev.MediatorIntervened:
        """The mediator asks a party a question (an even-handedness marker)."""
        return self._intervene("ask", actor, "question", party, check_text(text))

    def _intervene(
        self, action: str, actor: str, kind: str, party: str, text: str
    ) -> ev.MediatorIntervened:
        self._authorize(action, actor)
        validate.party_id(self._state, party, "party")
        extra = [
            *(
                []
                if party in self._state.active
                else [refusal("withdrawn", N_("{party} has withdrawn"), party, party=party)]
            ),
            *rules.shuttle_addressee(self._state, party),
        ]
        self._check(action, actor, extra)
        return self._record(ev.MediatorIntervened, actor, kind=kind, party=party, text=text)

    def override(self, actor: str, codes: Iterable[str], reason: str) -> ev.BlockOverridden:
        """A supervisor overrides blocking findings for the next move from this stage.

        The findings are then recorded (marked overridden) when the case moves on.

        Raises:
            InvalidInput: no codes, no reason, or a code that blocks nothing now.
        """
        self._authorize("override", actor)
        if isinstance(codes, str) or not isinstance(codes, Iterable):
            raise InvalidInput.of(
                "codes_not_a_list",
                N_("codes must be a list of finding codes; got {codes}"),
                codes=shown(codes),
            )
        wanted = tuple(dict.fromkeys(check_id(code, "finding code") for code in codes))
        if not wanted:
            raise InvalidInput.of(
                "no_override_codes", N_("name at least one blocking finding code to override")
            )
        reason = check_text(reason, "reason")
        blocking = {f.code for f in self.pending_findings() if f.blocking}
        unknown = [code for code in wanted if code not in blocking]
        if unknown:
            raise InvalidInput.of(
                "not_blocking",
                N_("nothing blocks with {unknown} now; blocking codes: {blocking}"),
                unknown=unknown,
                blocking=sorted(blocking),
            )
        self._check("override", actor)
        return self._record(ev.BlockOverridden, actor, codes=wanted, reason=reason)

    def review_deadlines(self, actor: str) -> tuple[ev.Event, ...]:
        """Record a finding for each stage deadline that has passed (once per due time),
        and escalate when the policy's responsiveness check says so.

        Deadlines are data: a host calls this from its own scheduler (or a button).

        Returns:
            The events recorded (empty when nothing is overdue or the check is off).
        """
        self._authorize("review_deadlines", actor)
        self._check("review_deadlines", actor)
        settings = self._state.policy.responsiveness
        if settings.mode is Mode.OFF:
            return ()
        now = self._now()
        late = [
            deadline
            for deadline in self.overdue(now)
            if self._state.deadline_findings.get(deadline.stage) != deadline.due
        ]
        recorded: list[ev.Event] = []
        for deadline in late:
            recorded.append(
                self._record(
                    ev.FindingRecorded,
                    actor,
                    notify=False,
                    at=now,
                    check="responsiveness",
                    code="deadline_passed",
                    message=render(
                        responsiveness.MESSAGES["deadline_passed"],
                        stage=Term(deadline.stage, quoted=True),
                        due=deadline.due.isoformat(),
                        overdue=str(deadline.overdue_by),
                    ),
                    source=SOURCES["responsiveness"],
                    mode=settings.mode.value,
                    about_stage=deadline.stage,
                    evidence=self._state.evidence(
                        ("entered", deadline.stage), ("deadline", deadline.stage)
                    ),
                )
            )
        self._notify(recorded)
        if (
            late
            and settings.escalate_to is not None
            and not rules.blockers(self._situation(), "escalate", actor)
        ):
            recorded.append(
                self._move(
                    "escalate",
                    actor,
                    ev.Escalated,
                    authority=settings.escalate_to,
                    reason=f"deadline passed in stage {shown(late[0].stage)}",
                )
            )
        return tuple(recorded)

    def set_deadline(self, actor: str, stage: str, due: datetime) -> ev.DeadlineSet:
        """Set when ``stage`` is due (mediator or supervisor)."""
        self._authorize("set_deadline", actor)
        spec = self._process.definition.stage(stage)
        if spec.kind is StageKind.TERMINAL:
            raise InvalidInput.of(
                "deadline_on_closed", N_("the closed stage cannot have a deadline")
            )
        due = validate.aware(due, "due")
        self._check("set_deadline", actor)
        return self._record(ev.DeadlineSet, actor, for_stage=stage, due=due)

    def reassign_mediator(
        self, actor: str, mediator: Mediator, reason: str
    ) -> ev.MediatorReassigned:
        """A supervisor replaces the mediator; the new one must disclose, and every party
        consent again, before the process can move on."""
        self._authorize("reassign_mediator", actor)
        if not isinstance(mediator, Mediator):
            raise InvalidInput.of(
                "not_a_mediator",
                N_("mediator must be a Mediator; got {mediator}"),
                mediator=shown(mediator),
            )
        if mediator.id == self._state.mediator.id:
            raise InvalidInput.of(
                "already_mediator", N_("{id} is already the mediator"), id=mediator.id
            )
        if mediator.id in self._state.parties or mediator.id in self._state.supervisors:
            raise InvalidInput.of(
                "already_in_case",
                N_("{id} already takes part in the case in another role"),
                id=mediator.id,
            )
        people = set(self._state.parties) | {mediator.id}
        for relation in mediator.relationships:
            if relation.source not in people or relation.target not in people:
                raise InvalidInput.of(
                    "relation_outside_case",
                    N_("relation {relation} names someone not in the case"),
                    relation=shown(relation),
                )
        reason = check_text(reason, "reason")
        self._check("reassign_mediator", actor)
        return self._record(ev.MediatorReassigned, actor, mediator=mediator, reason=reason)
