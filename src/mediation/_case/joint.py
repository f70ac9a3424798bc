"""Joint-session commands: speaking, restating, common ground, differences, proposals,
signatures.

Each records one event once the actor is authorized, the arguments are valid and
:mod:`mediation.rules` finds nothing in the way.
"""

from __future__ import annotations

from collections.abc import Iterable

from mediation import events as ev
from mediation import rules
from mediation._case import validate
from mediation._case.core import CaseCore, refusal
from mediation.errors import InvalidInput, NotAuthorized, Reason
from mediation.i18n import N_
from mediation.model import Severity, check_duration, check_text, shown
from mediation.neutrality import mediator_style
from mediation.neutrality._messages import render

__all__ = ["JointSession"]


class JointSession(CaseCore):
    """The commands of the joint session, from speaking to signing."""

    __slots__ = ()

    def speak(self, actor: str, text: str, seconds: float) -> ev.StatementMade:
        """A party speaks in the joint session for ``seconds``."""
        self._authorize("speak", actor)
        text = check_text(text)
        seconds = check_duration(seconds, "seconds")
        self._check("speak", actor)
        return self._record(ev.StatementMade, actor, text=text, seconds=seconds)

    def restate(
        self, actor: str, about: str, text: str, *, restatement_id: str | None = None
    ) -> ev.RestatementMade:
        """A party restates another party's view in their own words."""
        self._authorize("restate", actor)
        validate.other_party(self._state, actor, about, "about")
        text = check_text(text)
        restatement_id = validate.new_id(restatement_id, self._state.restatements, "rs")
        self._check("restate", actor)
        return self._record(
            ev.RestatementMade, actor, restatement_id=restatement_id, about=about, text=text
        )

    def review_restatement(
        self, actor: str, restatement_id: str, *, accurate: bool, comment: str = ""
    ) -> ev.RestatementReviewed:
        """The restated party says whether the restatement is accurate; a rejected one
        is simply restated again."""
        self._authorize("review_restatement", actor)
        restatement = self._state.restatements.get(restatement_id)
        if restatement is None:
            raise InvalidInput.of(
                "unknown_restatement",
                N_("unknown restatement {restatement_id}"),
                restatement_id=shown(restatement_id),
            )
        if restatement.about != actor:
            raise NotAuthorized.of(
                "not_own_restatement",
                N_("only {about} can review a restatement of their own view"),
                about=restatement.about,
            )
        if not isinstance(accurate, bool):
            raise InvalidInput.of(
                "accurate_not_bool",
                N_("accurate must be True or False; got {accurate}"),
                accurate=shown(accurate),
            )
        extra = (
            []
            if restatement.accurate is None
            else [
                refusal(
                    "already_reviewed",
                    N_("restatement {restatement} was already reviewed"),
                    restatement=shown(restatement_id),
                )
            ]
        )
        self._check("review_restatement", actor, extra)
        return self._record(
            ev.RestatementReviewed,
            actor,
            restatement_id=restatement_id,
            accurate=accurate,
            comment=comment.strip(),
        )

    def propose_common_ground(
        self, actor: str, text: str, *, item_id: str | None = None
    ) -> ev.CommonGroundProposed:
        """Put forward a point of common ground (party or mediator)."""
        self._authorize("propose_common_ground", actor)
        text = check_text(text)
        item_id = validate.new_id(item_id, self._state.common_ground, "cg")
        self._check("propose_common_ground", actor)
        return self._record(ev.CommonGroundProposed, actor, item_id=item_id, text=text)

    def assent(self, actor: str, item_id: str) -> ev.CommonGroundAssented:
        """A party assents to a common-ground item."""
        self._authorize("assent", actor)
        item = self._state.common_ground.get(item_id)
        if item is None:
            raise InvalidInput.of(
                "unknown_common_ground",
                N_("unknown common-ground item {item_id}"),
                item_id=shown(item_id),
            )
        extra = (
            [
                refusal(
                    "already_assented",
                    N_("{party} already assented to {item}"),
                    actor,
                    party=actor,
                    item=shown(item_id),
                )
            ]
            if actor in item.assents
            else []
        )
        self._check("assent", actor, extra)
        return self._record(ev.CommonGroundAssented, actor, item_id=item_id)

    def reserve_difference(
        self, actor: str, text: str, severity: Severity | str, *, difference_id: str | None = None
    ) -> ev.DifferenceReserved:
        """List a difference and reserve it, as ``major`` (principle) or ``minor`` (style)."""
        self._authorize("reserve_difference", actor)
        text = check_text(text)
        try:
            severity = Severity(severity)
        except ValueError:
            raise InvalidInput.of(
                "unknown_severity",
                N_("severity must be 'major' or 'minor'; got {severity}"),
                severity=shown(severity),
            ) from None
        difference_id = validate.new_id(difference_id, self._state.differences, "df")
        self._check("reserve_difference", actor)
        return self._record(
            ev.DifferenceReserved, actor, difference_id=difference_id, text=text, severity=severity
        )

    def park_difference(self, actor: str, difference_id: str) -> ev.DifferenceParked:
        """The mediator parks a minor difference: it does not go on to compromise."""
        self._authorize("park_difference", actor)
        difference = self._state.differences.get(difference_id)
        if difference is None:
            raise InvalidInput.of(
                "unknown_difference",
                N_("unknown difference {difference_id}"),
                difference_id=shown(difference_id),
            )
        extra: list[Reason] = []
        if difference.severity is Severity.MAJOR:
            extra.append(
                refusal(
                    "major_difference",
                    N_(
                        "difference {difference} is a matter of principle; it goes on to "
                        "compromise and cannot be parked"
                    ),
                    difference=shown(difference_id),
                )
            )
        elif difference.parked:
            extra.append(
                refusal(
                    "already_parked",
                    N_("difference {difference} is parked"),
                    difference=shown(difference_id),
                )
            )
        self._check("park_difference", actor, extra)
        return self._record(ev.DifferenceParked, actor, difference_id=difference_id)

    def confirm_differences(self, actor: str) -> ev.DifferencesConfirmed:
        """A party confirms that the list of differences is complete."""
        self._authorize("confirm_differences", actor)
        self._check("confirm_differences", actor)
        return self._record(ev.DifferencesConfirmed, actor)

    def propose(
        self,
        actor: str,
        text: str,
        *,
        proposal_id: str | None = None,
        settles: Iterable[str] = (),
    ) -> ev.ProposalMade:
        """Put forward a proposal. A party's own proposal counts as accepted by that party;
        a mediator's proposal is a suggestion every party must accept themselves.

        Args:
            actor: A party or the mediator.
            text: The terms, in plain words.
            proposal_id: Its id (default ``pr-N``).
            settles: Ids of the reserved differences its terms settle (大事谈原则: a major
                difference must be settled, escalated or kept open by every party).

        Raises:
            InvalidInput: empty text, a duplicate id or an unknown difference.
        """
        self._authorize("propose", actor)
        text = check_text(text)
        proposal_id = validate.new_id(proposal_id, self._state.proposals, "pr")
        settled = validate.difference_ids(self._state, settles)
        self._check("propose", actor)
        unasked = rules.unrequested_evaluation(self._state, actor)
        if not unasked:
            return self._record(
                ev.ProposalMade, actor, proposal_id=proposal_id, text=text, settles=settled
            )
        made = self._record(
            ev.ProposalMade,
            actor,
            notify=False,
            proposal_id=proposal_id,
            text=text,
            settles=settled,
        )
        settings = self._state.policy.mediator_style
        finding = self._record(
            ev.FindingRecorded,
            actor,
            notify=False,
            check="mediator_style",
            code="unrequested_evaluation",
            message=render(
                mediator_style.MESSAGES["unrequested_evaluation"],
                parties=self._state.names(unasked),
            ),
            parties=unasked,
            source=mediator_style.SOURCE,
            mode=settings.mode.value,
            evidence=(made.seq,),
        )
        self._notify([made, finding])
        return made

    def keep_difference_open(self, actor: str, difference_id: str) -> ev.DifferenceKeptOpen:
        """A party agrees, explicitly, to leave a difference open in the agreement (a major
        difference needs every party's agreement to stay open).

        Raises:
            InvalidInput: an unknown difference.
            CommandRefused: the party already did.
        """
        self._authorize("keep_difference_open", actor)
        difference = self._state.differences.get(difference_id)
        if difference is None:
            raise InvalidInput.of(
                "unknown_difference",
                N_("unknown difference {difference_id}"),
                difference_id=shown(difference_id),
            )
        extra: list[Reason] = []
        if actor in difference.kept_open:
            extra.append(
                refusal(
                    "already_kept_open",
                    N_("{party} already agreed to keep it open"),
                    actor,
                    party=actor,
                )
            )
        self._check("keep_difference_open", actor, extra)
        return self._record(ev.DifferenceKeptOpen, actor, difference_id=difference_id)

    def escalate_difference(
        self, actor: str, difference_id: str, authority: str, reason: str
    ) -> ev.DifferenceEscalated:
        """Hand one difference to a named authority; the rest of the case goes on.

        Raises:
            InvalidInput: an unknown difference or authority, or an empty reason.
            CommandRefused: it is already escalated.
        """
        self._authorize("escalate_difference", actor)
        difference = self._state.differences.get(difference_id)
        if difference is None:
            raise InvalidInput.of(
                "unknown_difference",
                N_("unknown difference {difference_id}"),
                difference_id=shown(difference_id),
            )
        if authority not in self._state.policy.authorities:
            raise InvalidInput.of(
                "unknown_authority",
                N_("unknown authority {authority}; the policy knows {authorities}"),
                authority=shown(authority),
                authorities=list(self._state.policy.authorities),
            )
        reason = check_text(reason, "reason")
        extra: list[Reason] = []
        if difference.escalated is not None:
            extra.append(
                refusal(
                    "already_escalated",
                    N_("difference {difference} is escalated"),
                    difference=shown(difference_id),
                )
            )
        self._check("escalate_difference", actor, extra)
        return self._record(
            ev.DifferenceEscalated,
            actor,
            difference_id=difference_id,
            authority=authority,
            reason=reason,
        )

    def answer_proposal(self, actor: str, proposal_id: str, *, accept: bool) -> ev.ProposalAnswered:
        """A party accepts or rejects a proposal (the latest answer counts)."""
        self._authorize("answer_proposal", actor)
        if proposal_id not in self._state.proposals:
            raise InvalidInput.of(
                "unknown_proposal",
                N_("unknown proposal {proposal_id}"),
                proposal_id=shown(proposal_id),
            )
        if not isinstance(accept, bool):
            raise InvalidInput.of(
                "accept_not_bool",
                N_("accept must be True or False; got {accept}"),
                accept=shown(accept),
            )
        self._check("answer_proposal", actor)
        return self._record(ev.ProposalAnswered, actor, proposal_id=proposal_id, accepted=accept)

    def sign(self, actor: str) -> ev.Signed:
        """A party signs the agreement (the proposal every party accepted)."""
        self._authorize("sign", actor)
        self._check("sign", actor)
        agreed = self._state.agreed_proposal()
        assert agreed is not None  # the "sign" blockers guarantee it
        return self._record(ev.Signed, actor, proposal_id=agreed)
