"""Caucus commands: private sessions between the mediator and one party.

What is said in caucus stays with that party unless they allow it to be shared.
"""

from __future__ import annotations

from mediation import events as ev
from mediation._case import validate
from mediation._case.core import CaseCore, refusal
from mediation.errors import InvalidInput, NotAuthorized, Reason
from mediation.i18n import N_
from mediation.model import check_id, check_text, shown
from mediation.rules import Role

__all__ = ["Caucus"]


class Caucus(CaseCore):
    """The commands of caucus: offer, open, note, share, close."""

    __slots__ = ()

    def open_caucus(
        self, actor: str, party: str, *, caucus_id: str | None = None
    ) -> ev.CaucusOpened:
        """The mediator opens a private session with one party."""
        self._authorize("open_caucus", actor)
        validate.party_id(self._state, party, "party")
        caucus_id = (
            check_id(caucus_id, "caucus id")
            if caucus_id is not None
            else (f"cc-{self._state.caucus_count + 1}")
        )
        extra = (
            []
            if party in self._state.active
            else [refusal("withdrawn", N_("{party} has withdrawn"), party, party=party)]
        )
        self._check("open_caucus", actor, extra)
        return self._record(ev.CaucusOpened, actor, caucus_id=caucus_id, party=party)

    def caucus_note(
        self, actor: str, text: str, *, note_id: str | None = None
    ) -> ev.CaucusNoteRecorded:
        """Record what is said in the open caucus (by the mediator or the caucus party);
        confidential to that party unless they allow sharing."""
        self._authorize("caucus_note", actor)
        caucus = self._state.caucus
        if caucus is not None and self.role_of(actor) is Role.PARTY and actor != caucus[1].party:
            raise NotAuthorized.of(
                "not_in_caucus",
                N_("{actor} is not in caucus {caucus}"),
                actor=actor,
                caucus=shown(caucus[0]),
            )
        text = check_text(text)
        note_id = validate.new_id(note_id, self._state.caucus_notes, "cn")
        self._check("caucus_note", actor)
        assert caucus is not None
        return self._record(
            ev.CaucusNoteRecorded, actor, caucus_id=caucus[0], note_id=note_id, text=text
        )

    def close_caucus(self, actor: str) -> ev.CaucusClosed:
        """The mediator ends the private session; its length comes from the clock."""
        self._authorize("close_caucus", actor)
        self._check("close_caucus", actor)
        caucus = self._state.caucus
        assert caucus is not None
        now = self._now()
        seconds = max((now - caucus[1].opened_at).total_seconds(), 0.0)
        return self._record(ev.CaucusClosed, actor, caucus_id=caucus[0], seconds=seconds, at=now)

    def allow_sharing(self, actor: str, note_id: str) -> ev.SharingAllowed:
        """The caucus party allows one of its caucus notes to be shared with everyone."""
        self._authorize("allow_sharing", actor)
        note = self._state.caucus_notes.get(note_id)
        if note is None:
            raise InvalidInput.of(
                "unknown_caucus_note", N_("unknown caucus note {note_id}"), note_id=shown(note_id)
            )
        if note.party != actor:
            raise NotAuthorized.of(
                "allow_sharing_note",
                N_("only {party} can allow sharing of note {note_id}"),
                party=note.party,
                note_id=shown(note_id),
            )
        extra = (
            [refusal("already_shared", N_("note {note} is already shared"), note=shown(note_id))]
            if note.shared
            else []
        )
        self._check("allow_sharing", actor, extra)
        return self._record(ev.SharingAllowed, actor, note_id=note_id)

    def offer_caucus(self, actor: str, party: str) -> ev.CaucusOffered:
        """The mediator offers a party a private session (it may decline)."""
        self._authorize("offer_caucus", actor)
        validate.party_id(self._state, party, "party")
        extra: list[Reason] = []
        if party not in self._state.active:
            extra.append(refusal("withdrawn", N_("{party} has withdrawn"), party, party=party))
        elif party in self._state.caucus_offered:
            extra.append(
                refusal(
                    "already_offered",
                    N_("{party} was already offered a caucus"),
                    party,
                    party=party,
                )
            )
        self._check("offer_caucus", actor, extra)
        return self._record(ev.CaucusOffered, actor, party=party)
