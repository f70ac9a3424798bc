"""A reference model of who may do what, written from the documentation, not from the engine.

The state machine asks it, before each command, whether the command must be refused (and
with which kind of error) or must go through, and then checks that the engine agrees. It
does not read the engine's rules table, ``allowed_actions`` or guards: it keeps its own
small record of what happened (folded from the recorded events) and applies the rules as
``docs/concepts.md``, the tutorial and the neutrality pages state them. Where the docs
leave the answer to things it does not model (argument checks, neutrality findings), it
says nothing.

It models the default process (``intake`` → ``listening`` → ``perspective_swap`` →
``common_ground`` → ``compromise`` → ``agreement``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import attrs

from mediation.errors import CaseClosed, CommandRefused, MediationError, NotAuthorized
from mediation.events import Event
from mediation.model import Outcome, Severity

__all__ = ["Oracle", "Prediction"]

ACTIVE_STAGES = ("intake", "listening", "perspective_swap", "common_ground", "compromise",
                 "agreement")  # fmt: skip

# "Who may do what" (docs/concepts.md), completed from the command reference.
_PARTY = frozenset({
    "consent", "speak", "restate", "review_restatement", "assent", "propose",
    "answer_proposal", "sign", "pause", "withdraw", "raise_issue", "propose_common_ground",
    "reserve_difference", "confirm_differences", "caucus_note", "allow_sharing",
    "add_support_person", "give_valuations", "request_suggestion", "waive_conflict",
    "keep_difference_open",
})  # fmt: skip
_MEDIATOR = frozenset({
    "disclose", "advance", "open_caucus", "close_caucus", "caucus_note", "offer_caucus",
    "park_difference", "propose", "pause", "resume", "escalate", "close", "close_escalated",
    "raise_issue", "flag_issue", "propose_common_ground", "reserve_difference",
    "set_deadline", "invite_to_speak", "paraphrase", "ask", "add_support_person",
    "review_deadlines", "suggest_settlement", "screen", "apply_safeguard",
    "escalate_difference",
})  # fmt: skip
_SUPERVISOR = frozenset({
    "escalate", "set_deadline", "close_escalated", "reassign_mediator", "override",
    "flag_issue", "review_deadlines", "escalate_difference",
})  # fmt: skip

# Stage-bound work: what each stage is for (the concepts page's stage table). Disclosure
# and consent stay possible in every active stage (the continuing duty to disclose).
_STAGES_FOR = {
    "disclose": ACTIVE_STAGES,
    "consent": ACTIVE_STAGES,
    "speak": ("listening", "perspective_swap", "common_ground", "compromise"),
    "restate": ("perspective_swap",),
    "review_restatement": ("perspective_swap",),
    "propose_common_ground": ("common_ground",),
    "assent": ("common_ground",),
    "reserve_difference": ("common_ground",),
    "confirm_differences": ("common_ground",),
    "park_difference": ("common_ground", "compromise"),
    "propose": ("compromise",),
    "answer_proposal": ("compromise",),
    "request_suggestion": ("compromise",),
    "suggest_settlement": ("compromise",),
    "sign": ("agreement",),
}

# "While [a caucus] is open, the joint process waits."
_WAITS_FOR_CAUCUS = frozenset({
    *_STAGES_FOR, "advance", "pause", "escalate", "open_caucus", "offer_caucus",
    "invite_to_speak", "paraphrase", "ask", "reassign_mediator", "screen", "apply_safeguard",
    "keep_difference_open", "escalate_difference",
})  # fmt: skip

# Shuttle (caucus-only) format (the screening page): "the parties do not meet in joint
# session": a party's part of joint work happens in its own caucus; the mediator's own
# joint moves are carried in or out of a caucus; the mediator addresses a party (invites,
# paraphrases, asks) only in that party's caucus.
_ADDRESSING = frozenset({"invite_to_speak", "paraphrase", "ask"})
_JOINT_WORK = frozenset({*_STAGES_FOR, "keep_difference_open"})

# Commands the oracle vouches for when nothing in the docs stands in their way.
_MUST_PASS = frozenset({
    "consent", "speak", "assent", "answer_proposal", "sign", "withdraw", "close_caucus",
    "resume", "request_suggestion", "confirm_differences",
})  # fmt: skip


@attrs.frozen
class Prediction:
    """What the docs say about one command attempt.

    Attributes:
        refused: The error the command must raise, or None when it must not be refused
            (only when ``certain``).
        certain: False when the docs leave the answer to things the oracle does not model.
        why: The rule behind a prediction, for the failure message.
    """

    refused: type[MediationError] | None
    certain: bool
    why: str

    @classmethod
    def refuse(cls, error: type[MediationError], why: str) -> Prediction:
        return cls(error, True, why)


_OPEN = Prediction(None, False, "the docs leave it open")
_PASS = Prediction(None, True, "nothing in the docs stands in the way")


@attrs.define
class Oracle:
    """The reference model of one case, updated from its recorded events.

    Attributes:
        non_mediable: Issue flags the case's policy treats as non-mediable.
    """

    parties: set[str]
    mediator: str
    supervisors: set[str]
    non_mediable: frozenset[str]
    major_blocks: bool = True
    """Whether the policy blocks signing while a major difference is open (大事谈原则)."""
    stage: str = "intake"
    paused_from: str | None = None
    closed: bool = False
    active: set[str] = attrs.Factory(set)
    disclosed: bool = False
    consented: set[str] = attrs.Factory(set)
    heard: set[str] = attrs.Factory(set)
    restatements: dict[str, list[Any]] = attrs.Factory(dict)  # id -> [by, about, accurate]
    common_ground: dict[str, set[str]] = attrs.Factory(dict)
    # id -> [severity, parked, escalated, parties who kept it open]
    differences: dict[str, list[Any]] = attrs.Factory(dict)
    settles: dict[str, set[str]] = attrs.Factory(dict)  # proposal id -> differences settled
    differences_confirmed: set[str] = attrs.Factory(set)
    proposals: dict[str, dict[str, bool]] = attrs.Factory(dict)
    signatures: dict[str, str] = attrs.Factory(dict)
    caucus: str | None = None
    caucus_count: int = 0
    notes: dict[str, list[Any]] = attrs.Factory(dict)  # id -> [party, shared]
    requests: set[str] = attrs.Factory(set)
    valued: set[str] = attrs.Factory(set)
    flags: dict[str, set[str]] = attrs.Factory(dict)
    shuttle: set[str] = attrs.Factory(set)
    """Parties a shuttle (caucus-only) safeguard was put in place for."""

    @classmethod
    def for_case(cls, opened: Any) -> Oracle:
        """The model of a case just opened (from its ``case_opened`` event)."""
        parties = {p.id for p in opened.parties}
        oracle = cls(
            parties=parties,
            mediator=opened.mediator.id,
            supervisors=set(opened.supervisors),
            non_mediable=frozenset(opened.policy.non_mediable_flags),
            major_blocks=opened.policy.major_differences.mode.value == "block",
            active=set(parties),
        )
        for issue in opened.issues:
            oracle.flags[issue.id] = set(issue.flags)
        return oracle

    # -- what happened ---------------------------------------------------------------------

    def observe(self, event: Event) -> None:
        """Update the model with one recorded event."""
        kind, actor, e = event.type_name, event.actor, event
        if kind == "disclosure_made":
            self.disclosed, self.consented = True, set()
        elif kind == "consent_given":
            self.consented.add(actor)
        elif kind == "issue_raised":
            self.flags[e.issue.id] = set(e.issue.flags)  # type: ignore[attr-defined]
        elif kind == "issue_flagged":
            self.flags[e.issue_id].add(e.flag)  # type: ignore[attr-defined]
        elif kind == "stage_changed":
            if e.dest == "cooling_off":  # type: ignore[attr-defined]
                self.paused_from = self.stage
            elif self.stage == "cooling_off":
                self.paused_from = None
            self.stage = e.dest  # type: ignore[attr-defined]
        elif kind == "escalated":  # from any stage, cooling-off included: no longer paused
            self.stage, self.paused_from = "escalated", None
        elif kind == "closed":
            self.closed, self.stage = True, "closed"
        elif kind == "statement_made":
            self.heard.add(actor)
        elif kind == "restatement_made":
            self.restatements[e.restatement_id] = [actor, e.about, None]  # type: ignore[attr-defined]
        elif kind == "restatement_reviewed":
            self.restatements[e.restatement_id][2] = e.accurate  # type: ignore[attr-defined]
        elif kind == "common_ground_proposed":
            self.common_ground[e.item_id] = set()  # type: ignore[attr-defined]
        elif kind == "common_ground_assented":
            self.common_ground[e.item_id].add(actor)  # type: ignore[attr-defined]
        elif kind == "difference_reserved":
            self.differences[e.difference_id] = [e.severity, False, False, set()]  # type: ignore[attr-defined]
        elif kind == "difference_parked":
            self.differences[e.difference_id][1] = True  # type: ignore[attr-defined]
        elif kind == "difference_escalated":
            self.differences[e.difference_id][2] = True  # type: ignore[attr-defined]
        elif kind == "difference_kept_open":
            self.differences[e.difference_id][3].add(actor)  # type: ignore[attr-defined]
        elif kind == "differences_confirmed":
            self.differences_confirmed.add(actor)
        elif kind == "proposal_made":
            # "A party's own proposal counts as accepted by that party."
            own = {actor: True} if actor in self.parties else {}
            self.proposals[e.proposal_id] = own  # type: ignore[attr-defined]
            self.settles[e.proposal_id] = set(e.settles)  # type: ignore[attr-defined]
        elif kind == "proposal_answered":
            self.proposals[e.proposal_id][actor] = e.accepted  # type: ignore[attr-defined]
        elif kind == "signed":
            self.signatures[actor] = e.proposal_id  # type: ignore[attr-defined]
        elif kind == "caucus_opened":
            self.caucus, self.caucus_count = e.party, self.caucus_count + 1  # type: ignore[attr-defined]
        elif kind == "caucus_note_recorded":
            self.notes[e.note_id] = [self.caucus, False]  # type: ignore[attr-defined]
        elif kind == "caucus_closed":
            self.caucus = None
        elif kind == "sharing_allowed":
            self.notes[e.note_id][1] = True  # type: ignore[attr-defined]
        elif kind == "withdrew":
            self.active.discard(actor)
            if self.caucus == actor:  # a withdrawing party's caucus ends with them
                self.caucus = None
        elif kind == "mediator_reassigned":
            self.mediator = e.mediator.id  # type: ignore[attr-defined]
            self.disclosed, self.consented = False, set()
        elif kind == "suggestion_requested":
            self.requests.add(actor)
        elif kind == "valuations_given":
            self.valued.add(actor)
        elif kind == "safeguard_applied" and e.safeguard.value == "shuttle":  # type: ignore[attr-defined]
            self.shuttle.add(e.party)  # type: ignore[attr-defined]

    # -- derived facts -----------------------------------------------------------------------

    def agreed(self) -> str | None:
        """The latest proposal every taking-part party accepted."""
        for proposal_id in reversed(list(self.proposals)):
            answers = self.proposals[proposal_id]
            if all(answers.get(party) is True for party in self.active):
                return proposal_id
        return None

    def open_major(self, agreed: str) -> bool:
        """Whether a major difference is neither settled by the agreed proposal, escalated,
        nor kept open by every taking-part party (大事谈原则, the major-differences page)."""
        settled = self.settles.get(agreed, set())
        return any(
            severity is Severity.MAJOR
            and difference_id not in settled
            and not escalated
            and not self.active <= kept
            for difference_id, (severity, _parked, escalated, kept) in self.differences.items()
        )

    def stage_done(self) -> bool:
        """The current stage's completion condition (the concepts page's stage table)."""
        active, stage = self.active, self.stage
        if stage == "intake":
            return self.disclosed
        if stage == "listening":
            return active <= self.heard
        if stage == "perspective_swap":
            confirmed = {about for by, about, ok in self.restatements.values()
                         if ok and by in active}  # fmt: skip
            return active <= confirmed
        if stage == "common_ground":
            return any(active <= assents for assents in self.common_ground.values()) or bool(
                self.differences and active <= self.differences_confirmed
            )
        if stage == "compromise":
            return self.agreed() is not None
        if stage == "agreement":
            agreed = self.agreed()
            return agreed is not None and all(self.signatures.get(p) == agreed for p in active)
        return False

    def may_move_on(self) -> bool:
        """Every forward move needs: no caucus, no non-mediable issue, current consent."""
        blocked = any(flags & self.non_mediable for flags in self.flags.values())
        return (
            self.caucus is None
            and not blocked
            and self.disclosed
            and self.active <= self.consented
            and self.stage_done()
        )

    # -- predictions ---------------------------------------------------------------------------

    def predict(self, name: str, actor: str, kwargs: Mapping[str, Any]) -> Prediction:
        """What the docs say about ``actor`` issuing command ``name`` with ``kwargs``.

        Args:
            name: The command (``close_escalated`` for ``close`` with outcome escalated).
            actor: Who issues it.
            kwargs: Its arguments (the oracle only looks at ids and outcomes).

        Returns:
            The prediction.
        """
        roles = self._roles(actor)
        if not roles:
            return Prediction.refuse(NotAuthorized, "strangers take no part")
        if self.closed:
            return Prediction.refuse(CaseClosed, "a closed case accepts nothing")
        if not any(name in allowed for allowed in roles):
            return Prediction.refuse(NotAuthorized, f"{name} is not for this role")
        if actor in self.parties and actor not in self.active:
            if name == "allow_sharing":  # the docs do not say whether that right outlives them
                return _OPEN
            return Prediction.refuse(CommandRefused, "a withdrawn party takes no more part")
        shuttle = bool(self.shuttle & self.active)
        if shuttle:
            apart = self._shuttle_refusal(name, actor, kwargs)
            if apart is not None:
                return apart
        carried = shuttle and (name in _JOINT_WORK or name in _ADDRESSING)
        if self.caucus is not None and name in _WAITS_FOR_CAUCUS and not carried:
            return Prediction.refuse(CommandRefused, "the joint process waits for the caucus")
        stages = _STAGES_FOR.get(name)
        if stages is not None and self.stage not in stages:
            return Prediction.refuse(CommandRefused, f"{name} is not work of {self.stage}")
        refusal = self._state_refusal(name, actor, kwargs)
        if refusal is not None:
            return Prediction.refuse(CommandRefused, refusal)
        return _PASS if name in _MUST_PASS else _OPEN

    def _shuttle_refusal(
        self, name: str, actor: str, kwargs: Mapping[str, Any]
    ) -> Prediction | None:
        """Under shuttle format: joint work and addressing a party out of place."""
        if name in _JOINT_WORK and actor in self.parties and self.caucus != actor:
            return Prediction.refuse(
                CommandRefused, "shuttle format: a party's joint work is done in its own caucus"
            )
        if name in _ADDRESSING:
            if self.caucus is None:
                return Prediction.refuse(
                    CommandRefused, "shuttle format: the mediator addresses a party in a caucus"
                )
            party = kwargs.get("party")
            if party not in self.parties:
                return _OPEN  # an argument the oracle does not judge
            if party != self.caucus:
                return Prediction.refuse(
                    CommandRefused, "shuttle format: only in the addressed party's caucus"
                )
        return None

    def _roles(self, actor: str) -> list[frozenset[str]]:
        if actor in self.parties:
            return [_PARTY]
        if actor == self.mediator:
            return [_MEDIATOR]
        if actor in self.supervisors:
            return [_SUPERVISOR]
        return []

    def _state_refusal(self, name: str, actor: str, kwargs: Mapping[str, Any]) -> str | None:
        """The documented reason the command cannot happen now, if any."""
        active_stage = self.stage in ACTIVE_STAGES
        if name == "consent":
            if not self.disclosed:
                return "consent is informed by a disclosure"
            if actor in self.consented:
                return "already consented after the latest disclosure"
        elif name == "advance" and not (active_stage and self.may_move_on()):
            return "the stage's completion condition does not hold"
        elif name == "sign":
            agreed = self.agreed()
            if agreed is None:
                return "nothing to sign: no proposal accepted by every party"
            if self.signatures.get(actor) == agreed:
                return "already signed"
            if self.major_blocks and self.open_major(agreed):
                return "a major difference is neither settled, escalated nor kept open by all"
        elif name == "assent":
            if actor in self.common_ground.get(kwargs.get("item_id"), ()):  # type: ignore[arg-type]
                return "already assented"
        elif name == "review_restatement":
            entry = self.restatements.get(kwargs.get("restatement_id"))  # type: ignore[arg-type]
            if entry is not None and entry[2] is not None:
                return "already reviewed"
        elif name == "park_difference":
            entry = self.differences.get(kwargs.get("difference_id"))  # type: ignore[arg-type]
            if entry is not None and (entry[0] is Severity.MAJOR or entry[1]):
                return "a major difference is never parked (and a parked one only once)"
        elif name in ("keep_difference_open", "escalate_difference") and not self.differences:
            return "no difference listed yet"
        elif name == "confirm_differences" and not self.differences:
            return "no difference listed to confirm"
        elif name in ("open_caucus", "offer_caucus", "pause", "invite_to_speak", "paraphrase",
                      "ask", "screen", "apply_safeguard", "keep_difference_open",
                      "escalate_difference", "waive_conflict") and not active_stage:  # fmt: skip
            return "only in an active stage"
        elif name == "close_caucus" and self.caucus is None:
            return "no caucus to close"
        elif name == "resume" and self.paused_from is None:
            return "not paused"
        elif name == "allow_sharing":
            if not any(party == actor and not shared for party, shared in self.notes.values()):
                return "no unshared caucus note of one's own"
        elif name == "caucus_note":
            if self.caucus is None or (actor in self.parties and actor != self.caucus):
                return "notes are taken in one's own caucus"
        elif name == "give_valuations" and self.caucus != actor:
            return "valuations are given in the party's own caucus"
        elif name == "request_suggestion" and actor in self.requests:
            return "already asked for a suggestion"
        elif name == "suggest_settlement":
            if not self.active <= self.requests:
                return "an evaluative suggestion needs every party's request"
            if not self.active <= self.valued:
                return "and every party's valuations"
        elif name == "close_escalated" and self.stage != "escalated":
            return "only an escalated case closes as escalated"
        elif name == "close":
            outcome = kwargs.get("outcome")
            if outcome in (Outcome.SETTLED, Outcome.PARTIALLY_SETTLED) and not (
                self.stage == "agreement" and self.stage_done()
            ):
                return "a settlement needs every party's signature on the agreed proposal"
        elif name == "escalate" and not (active_stage or self.stage == "cooling_off"):
            return "only an open case is escalated"
        return None
