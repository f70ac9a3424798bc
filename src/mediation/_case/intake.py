"""Intake commands: disclosure, waivers, screening, consent, and what is on the table.

The mediator discloses their relationships; a disqualifying one is waived in writing by
every party (when the policy allows it); the mediator screens each party in private; each
party consents, informed by the latest disclosure; parties and the mediator raise issues;
the mediator or a supervisor flags them; safeguards (a support person, shuttle format)
are put in place.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from mediation import events as ev
from mediation._case import validate
from mediation._case.core import CaseCore, refusal
from mediation.errors import InvalidInput, NotAuthorized, Reason
from mediation.i18n import N_
from mediation.model import Issue, Relation, ScreeningDomain, check_id, check_text, shown
from mediation.neutrality import disqualifying_relations, relation_in_words
from mediation.policy import Safeguard
from mediation.rules import Role

__all__ = ["Intake"]


class Intake(CaseCore):
    """The commands of intake: disclose, consent, raise and flag issues, support persons."""

    __slots__ = ()

    def disclose(
        self, actor: str, statement: str, relationships: Iterable[Relation] | None = None
    ) -> ev.DisclosureMade:
        """The mediator discloses relationships to every party (continuing duty).

        Args:
            actor: The mediator.
            statement: What the mediator told the parties, in plain words.
            relationships: What is disclosed; default: every relationship on record for
                the mediator. An empty iterable discloses that there is none.
        """
        self._authorize("disclose", actor)
        statement = check_text(statement, "statement")
        disclosed = tuple(
            self._state.mediator.relationships if relationships is None else relationships
        )
        for relation in disclosed:
            if not isinstance(relation, Relation) or self._state.mediator.id not in (
                relation.source,
                relation.target,
            ):
                raise InvalidInput.of(
                    "disclosure_not_own",
                    N_("a disclosure lists the mediator's own relationships; got {relation}"),
                    relation=shown(relation),
                )
        self._check("disclose", actor)
        return self._record(ev.DisclosureMade, actor, relationships=disclosed, statement=statement)

    def consent(self, actor: str) -> ev.ConsentGiven:
        """A party consents to mediation, informed by the latest disclosure."""
        self._authorize("consent", actor)
        self._check("consent", actor)
        return self._record(ev.ConsentGiven, actor)

    def raise_issue(self, actor: str, issue: Issue) -> ev.IssueRaised:
        """A party or the mediator puts an issue on the table."""
        self._authorize("raise_issue", actor)
        if not isinstance(issue, Issue):
            raise InvalidInput.of(
                "not_an_issue", N_("issue must be an Issue; got {issue}"), issue=shown(issue)
            )
        if issue.id in self._state.issues:
            raise InvalidInput.of(
                "duplicate_issue", N_("duplicate issue id {id}"), id=shown(issue.id)
            )
        self._check("raise_issue", actor)
        return self._record(ev.IssueRaised, actor, issue=issue)

    def flag_issue(self, actor: str, issue_id: str, flag: str) -> ev.IssueFlagged:
        """Screening: the mediator or a supervisor flags an issue (e.g. ``"harassment"``).

        A flag the policy treats as non-mediable blocks every forward move until the
        case is escalated.
        """
        self._authorize("flag_issue", actor)
        if issue_id not in self._state.issues:
            raise InvalidInput.of(
                "unknown_issue", N_("unknown issue {issue_id}"), issue_id=shown(issue_id)
            )
        flag = check_id(flag, "flag")
        self._check("flag_issue", actor)
        return self._record(ev.IssueFlagged, actor, issue_id=issue_id, flag=flag)

    def add_support_person(self, actor: str, party: str, name: str) -> ev.SupportPersonJoined:
        """A support person joins to accompany ``party`` (recorded by that party or the
        mediator)."""
        self._authorize("add_support_person", actor)
        validate.party_id(self._state, party, "party")
        if self.role_of(actor) is Role.PARTY and actor != party:
            raise NotAuthorized.of(
                "support_person_for_other",
                N_("{actor} cannot bring a support person for {party}"),
                actor=actor,
                party=party,
            )
        name = check_text(name, "name")
        self._check("add_support_person", actor)
        return self._record(ev.SupportPersonJoined, actor, party=party, name=name)

    def waive_conflict(self, actor: str, relation: Relation, statement: str) -> ev.ConflictWaived:
        """A party waives, in writing, a disqualifying relationship of the mediator, after
        it was disclosed (Model Standards III). Every party taking part must waive it
        before the case can move on; a strict policy allows no waiver.

        Args:
            actor: The party waiving.
            relation: The mediator's relationship being waived, as on record.
            statement: The party's written waiver, in their own words.

        Returns:
            The recorded ``conflict_waived`` event.

        Raises:
            NotAuthorized: the actor is not a party.
            InvalidInput: ``relation`` is not a disqualifying relationship of the mediator,
                or the statement is empty.
            CommandRefused: the policy allows no waiver, the relationship has not been
                disclosed, or this party already waived it.
        """
        self._authorize("waive_conflict", actor)
        state = self._state
        if not isinstance(relation, Relation):
            raise InvalidInput.of(
                "not_a_relation",
                N_("relation must be a Relation of the mediator; got {relation}"),
                relation=shown(relation),
            )
        if relation not in disqualifying_relations(state):
            raise InvalidInput.of(
                "not_disqualifying",
                N_(
                    "{relation}: not a disqualifying relationship of the mediator {name} "
                    "under the policy"
                ),
                relation=relation_in_words(state, relation),
                name=state.mediator.name,
            )
        statement = check_text(statement, "statement")
        extra: list[Reason] = []
        words = relation_in_words(state, relation)
        if relation not in state.disclosed:
            extra.append(
                refusal(
                    "not_disclosed",
                    N_("{relation}: the mediator has not disclosed it yet"),
                    relation=words,
                )
            )
        if actor in state.waivers.get(relation, {}):
            extra.append(
                refusal(
                    "already_waived",
                    N_("{party} already waived: {relation}"),
                    actor,
                    party=actor,
                    relation=words,
                )
            )
        self._check("waive_conflict", actor, extra)
        return self._record(ev.ConflictWaived, actor, relation=relation, statement=statement)

    def screen(
        self, actor: str, party: str, answers: Mapping[str, bool], note: str = ""
    ) -> ev.PartyScreened:
        """The mediator screens ``party`` in private: safety and violence, harassment, fear
        of retaliation, capacity, power (MASIC; ABA/AFCC guidelines). The answers are
        confidential to the mediator and the screened party.

        Args:
            actor: The mediator.
            party: The party screened.
            answers: Every :class:`~mediation.model.ScreeningDomain` (or its text value)
                → True when the answer raised a concern.
            note: The mediator's confidential note.

        Returns:
            The recorded ``party_screened`` event.

        Raises:
            NotAuthorized: the actor is not the mediator.
            InvalidInput: an unknown party or domain, a domain missing, or an answer that
                is not True or False.
        """
        self._authorize("screen", actor)
        validate.party_id(self._state, party, "party")
        if party not in self._state.active:
            raise InvalidInput.of(
                "screening_withdrawn",
                N_("{party} has withdrawn and cannot be screened"),
                party=party,
            )
        if not isinstance(answers, Mapping):
            raise InvalidInput.of(
                "answers_not_a_mapping",
                N_("answers must be a mapping of domain to True/False; got {answers}"),
                answers=shown(answers),
            )
        parsed: dict[ScreeningDomain, bool] = {}
        for domain, answer in answers.items():
            try:
                key = ScreeningDomain(domain)
            except ValueError:
                raise InvalidInput.of(
                    "unknown_screening_domain",
                    N_("unknown screening domain {domain}; known: {known}"),
                    domain=shown(domain),
                    known=[d.value for d in ScreeningDomain],
                ) from None
            if not isinstance(answer, bool):
                raise InvalidInput.of(
                    "answer_not_bool",
                    N_("the answer on {key} must be True or False; got {answer}"),
                    key=key.value,
                    answer=shown(answer),
                )
            parsed[key] = answer
        missing = [d.value for d in ScreeningDomain if d not in parsed]
        if missing:
            raise InvalidInput.of(
                "screening_incomplete",
                N_("screening must answer every domain; missing {missing}"),
                missing=missing,
            )
        if not isinstance(note, str):
            raise InvalidInput.of(
                "note_not_text", N_("note must be text; got {note}"), note=shown(note)
            )
        self._check("screen", actor)
        ordered = {domain: parsed[domain] for domain in ScreeningDomain}
        return self._record(
            ev.PartyScreened, actor, party=party, answers=ordered, note=note.strip()
        )

    def apply_safeguard(
        self, actor: str, party: str, safeguard: Safeguard | str, reason: str = ""
    ) -> ev.SafeguardApplied:
        """The mediator puts a safeguard in place for ``party`` after screening: shuttle
        (caucus-only) format. A support person joins with :meth:`add_support_person`.

        Args:
            actor: The mediator.
            party: The party protected.
            safeguard: ``"shuttle"``.
            reason: Why, in plain words (optional).

        Returns:
            The recorded ``safeguard_applied`` event.

        Raises:
            NotAuthorized: the actor is not the mediator.
            InvalidInput: an unknown party or safeguard.
        """
        self._authorize("apply_safeguard", actor)
        validate.party_id(self._state, party, "party")
        try:
            chosen = Safeguard(safeguard)
        except ValueError:
            raise InvalidInput.of(
                "unknown_safeguard",
                N_("unknown safeguard {safeguard}; known: ['shuttle']"),
                safeguard=shown(safeguard),
            ) from None
        if chosen is not Safeguard.SHUTTLE:
            raise InvalidInput.of(
                "safeguard_not_applied_here",
                N_(
                    "{chosen} is not applied here: a support person joins with add_support_person, "
                    "caucus offers with offer_caucus"
                ),
                chosen=chosen.value,
            )
        if not isinstance(reason, str):
            raise InvalidInput.of(
                "reason_not_text", N_("reason must be text; got {reason}"), reason=shown(reason)
            )
        self._check("apply_safeguard", actor)
        return self._record(
            ev.SafeguardApplied, actor, party=party, safeguard=chosen, reason=reason.strip()
        )
