"""Intake commands: disclosure, consent, and what is on the table.

The mediator discloses their relationships; each party consents, informed by the latest
disclosure; parties and the mediator raise issues; the mediator or a supervisor flags
them at screening; a support person may join a party.
"""

from __future__ import annotations

from collections.abc import Iterable

from mediation import events as ev
from mediation._case import validate
from mediation._case.core import CaseCore
from mediation.errors import InvalidInput, NotAuthorized
from mediation.model import Issue, Relation, check_id, check_text, shown
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
                raise InvalidInput(
                    f"a disclosure lists the mediator's own relationships; got {shown(relation)}"
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
            raise InvalidInput(f"issue must be an Issue; got {shown(issue)}")
        if issue.id in self._state.issues:
            raise InvalidInput(f"duplicate issue id {shown(issue.id)}")
        self._check("raise_issue", actor)
        return self._record(ev.IssueRaised, actor, issue=issue)

    def flag_issue(self, actor: str, issue_id: str, flag: str) -> ev.IssueFlagged:
        """Screening: the mediator or a supervisor flags an issue (e.g. ``"harassment"``).

        A flag the policy treats as non-mediable blocks every forward move until the
        case is escalated.
        """
        self._authorize("flag_issue", actor)
        if issue_id not in self._state.issues:
            raise InvalidInput(f"unknown issue {shown(issue_id)}")
        flag = check_id(flag, "flag")
        self._check("flag_issue", actor)
        return self._record(ev.IssueFlagged, actor, issue_id=issue_id, flag=flag)

    def add_support_person(self, actor: str, party: str, name: str) -> ev.SupportPersonJoined:
        """A support person joins to accompany ``party`` (recorded by that party or the
        mediator)."""
        self._authorize("add_support_person", actor)
        validate.party_id(self._state, party, "party")
        if self.role_of(actor) is Role.PARTY and actor != party:
            raise NotAuthorized(f"{actor} cannot bring a support person for {party}")
        name = check_text(name, "name")
        self._check("add_support_person", actor)
        return self._record(ev.SupportPersonJoined, actor, party=party, name=name)
