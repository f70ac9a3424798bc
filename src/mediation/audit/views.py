"""Reader views: what each reader of a case may see, the outside-authority report, and reads.

:func:`view` redacts a case for one reader (party, mediator, supervisor);
:func:`export_view` writes that view as an export that still verifies against the case's
chain; :func:`authority_report` is all an outside authority may be told (UMA §7);
:class:`ReadRecord` is one entry of a read log (who read which case, when, how).
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from datetime import datetime
from enum import Enum
from typing import IO, Any

import attrs

from mediation import events as ev
from mediation._canonical import json_text
from mediation._catalogs import N_
from mediation._logging import get_logger
from mediation.audit.chain import ChainBreak, ChainHead, RecordedEvent, Verification
from mediation.audit.exports import write_section
from mediation.audit.signing import Signer, sign_trailer
from mediation.case import Mediation
from mediation.errors import InvalidInput, NotAuthorized
from mediation.i18n import join_list, translator
from mediation.model import Outcome, display_name

__all__ = [
    "READS_PREFIX",
    "Attendee",
    "AuthorityReport",
    "CaseView",
    "ReadRecord",
    "ReaderRole",
    "authority_report",
    "chain_read",
    "export_view",
    "read_genesis",
    "verify_reads",
    "view",
]

_log = get_logger("mediation.audit")


class ReaderRole(str, Enum):
    """What a reader is to a case, which decides what a view shows."""

    PARTY = "party"
    """Sees the joint session, its own caucus content, and others' notes only once shared."""
    MEDIATOR = "mediator"
    """Sees everything."""
    SUPERVISOR = "supervisor"
    """Sees the process; what was said only if the policy allows; never unshared caucus
    notes."""


_SPOKEN = ("text", "comment")
"""Fields that hold what someone said (in any event type, present or future): statements,
restatements and their review comments, common ground, differences, proposals, the
mediator's paraphrases and questions, caucus notes."""


@attrs.frozen
class CaseView:
    """What one reader may see of a case.

    Attributes:
        case_id: The case.
        reader: The reader's id.
        role: The reader's role in the case.
        entries: One dictionary per event, as :func:`mediation.events.to_dict` gives it,
            except that withheld fields are ``None`` and listed under ``"redacted"``.
    """

    case_id: str
    reader: str
    role: ReaderRole
    entries: tuple[Mapping[str, Any], ...]

    @property
    def redacted_count(self) -> int:
        """How many entries had something withheld."""
        return sum(1 for entry in self.entries if "redacted" in entry)


def view(case: Mediation, reader: str) -> CaseView:
    """The case as ``reader`` may see it.

    - a party sees the joint session, everything said in its own caucuses (and its own
      valuations and screening answers), and another party's caucus notes only once that
      party allowed sharing — never another party's valuations or screening answers;
    - the mediator sees everything;
    - a supervisor sees every process event (findings included), but not what was said
      (the ``text`` and ``comment`` fields of any event: statements, restatements,
      proposals, common ground, differences, the mediator's paraphrases) unless the
      case's policy sets ``supervisor_reads_text``, and never a caucus note that was not
      shared, nor any party's screening answers.

    An outside authority gets no view: see :func:`authority_report`.

    Args:
        case: The case.
        reader: Id of a party, the (current) mediator or a supervisor of the case.

    Returns:
        The redacted view.

    Raises:
        NotAuthorized: the reader takes no part in the case.
    """
    state = case.state
    if reader in state.parties:
        role = ReaderRole.PARTY
    elif reader == state.mediator.id:
        role = ReaderRole.MEDIATOR
    elif reader in state.supervisors:
        role = ReaderRole.SUPERVISOR
    else:
        raise NotAuthorized.of(
            "reader_not_in_case",
            N_(
                "{reader!r} takes no part in case {case_id!r}; an outside authority gets "
                "authority_report() only"
            ),
            reader=reader,
            case_id=case.case_id,
        )
    spoken_visible = role is not ReaderRole.SUPERVISOR or state.policy.supervisor_reads_text
    entries: list[Mapping[str, Any]] = []
    for event in case.events:
        entry = ev.to_dict(event)
        withheld: tuple[str, ...] = ()
        if role is ReaderRole.MEDIATOR:
            pass
        elif isinstance(event, ev.CaucusNoteRecorded):
            note = state.caucus_notes.get(event.note_id)
            own = note is not None and role is ReaderRole.PARTY and note.party == reader
            shared = note is not None and note.shared and spoken_visible
            if not (own or shared):
                withheld = ("text",)
        elif isinstance(event, ev.PartyScreened):
            # Screening is private: only the mediator and the screened party see answers.
            if not (role is ReaderRole.PARTY and event.party == reader):
                withheld = tuple(name for name in ("answers", "note") if entry.get(name))
        elif isinstance(event, ev.ValuationsGiven):
            # Confidential to the party that gave them, like its caucus notes.
            if not (role is ReaderRole.PARTY and event.actor == reader):
                withheld = ("valuations",)
        elif not spoken_visible:
            withheld = tuple(name for name in _SPOKEN if entry.get(name))
        if withheld:
            for name in withheld:
                entry[name] = None
            entry["redacted"] = list(withheld)
        entries.append(entry)
    return CaseView(case.case_id, reader, role, tuple(entries))


def export_view(
    case: Mediation,
    records: Sequence[RecordedEvent],
    reader: str,
    out: IO[bytes],
    *,
    signer: Signer | None = None,
) -> ChainHead:
    """Export ``case`` as ``reader`` may see it (see :func:`view`), still verifiable.

    Events the reader sees in full are written as in :func:`export_case`. From an event
    with something withheld, the withheld fields' content and salts are left out and the
    fields listed under ``"withheld"``; their salted commitments stay in the sealed body,
    so the chain still verifies against the trailer and nothing withheld can be guessed.
    Such an export cannot be imported.

    Args:
        case: The case (replayed from ``records``).
        records: The case's stored records.
        reader: Id of a party, the mediator or a supervisor of the case.
        out: A binary stream.
        signer: Sign the trailer with this key.

    Returns:
        The anchor written (the case's head).

    Raises:
        NotAuthorized: the reader takes no part in the case.
        InvalidInput: ``records`` are not the case's.
    """
    seen = view(case, reader)
    if len(records) != len(seen.entries) or any(
        record.case_id != case.case_id for record in records
    ):
        raise InvalidInput.of(
            "wrong_records",
            N_("the records given are not those of case {case_id!r}"),
            case_id=case.case_id,
        )
    anchor = ChainHead(case.case_id, len(records), records[-1].hash)
    lines = (
        (record, tuple(entry.get("redacted", ())))
        for record, entry in zip(records, seen.entries, strict=True)
    )
    signature = sign_trailer(anchor, signer) if signer is not None else None
    write_section(anchor, lines, out, signature=signature)
    _log.info("case_exported_for_reader", case_id=case.case_id, role=seen.role.value)
    return anchor


@attrs.frozen
class Attendee:
    """Someone who took part in a mediation.

    Attributes:
        id: Their id in the case.
        name: Their display name.
        role: ``"party"`` or ``"mediator"``.
    """

    id: str
    name: str
    role: str


@attrs.frozen
class AuthorityReport:
    """All an outside authority (a court, an agency) may be told (UMA §7(b)(1)).

    Attributes:
        case_id: The case.
        took_place: Whether a mediation session took place (the case left intake for its
            first joint stage).
        concluded: Whether the mediation has ended.
        settled: Whether a settlement was reached (``True`` for a full or partial
            settlement); ``None`` while the mediation has not ended.
        attended: The parties and mediators who took part (recorded at least one event).
    """

    case_id: str
    took_place: bool
    concluded: bool
    settled: bool | None
    attended: tuple[Attendee, ...]

    def to_markdown(self, lang: str = "en") -> str:
        """The report as a short Markdown text for the authority, in ``lang``.

        Args:
            lang: ``"en"`` or ``"zh"``.

        Returns:
            The text: the three answers and who attended, nothing else.

        Raises:
            InvalidInput: an unknown language.
        """
        _ = translator(lang).gettext
        yes, no = _("yes"), _("no")
        answers = {None: _("not yet ended"), True: yes, False: no}
        settled = answers[self.settled]
        attended = [
            _("{name} ({role})").format(name=display_name(person.name, lang), role=_(person.role))
            for person in self.attended
        ]
        lines = [
            _("# Mediation report: {case}").format(case=self.case_id),
            "",
            _("- Mediation took place: {answer}").format(answer=yes if self.took_place else no),
            _("- Mediation ended: {answer}").format(answer=yes if self.concluded else no),
            _("- Settlement reached: {answer}").format(answer=settled),
            _("- Attended: {names}").format(names=join_list(attended, lang) or "—"),
            "",
            _(
                "Nothing else about the mediation may be reported to an outside authority "
                "(Uniform Mediation Act §7)."
            ),
        ]
        return "\n".join(lines) + "\n"


def authority_report(case: Mediation) -> AuthorityReport:
    """What may be reported to an outside authority: whether the mediation took place,
    whether it settled, and who attended — nothing else (UMA §7).

    Args:
        case: The case.

    Returns:
        The report.
    """
    state = case.state
    initial = case.process.definition.initial
    names: dict[str, tuple[str, str]] = {
        party_id: (party.name, "party") for party_id, party in state.parties.items()
    }
    took_place = False
    acted: dict[str, None] = {}
    for event in case.events:
        if isinstance(event, ev.CaseOpened):
            names.setdefault(event.mediator.id, (event.mediator.name, "mediator"))
            continue
        if isinstance(event, ev.MediatorReassigned):
            names.setdefault(event.mediator.id, (event.mediator.name, "mediator"))
        if (
            isinstance(event, ev.StageChanged)
            and event.trigger == "advance"
            and event.source == initial
        ):
            took_place = True
        if event.actor in names:
            acted[event.actor] = None
    outcome = state.outcome
    settled = None if outcome is None else outcome in (Outcome.SETTLED, Outcome.PARTIALLY_SETTLED)
    attended = tuple(Attendee(who, *names[who]) for who in acted)
    return AuthorityReport(case.case_id, took_place, outcome is not None, settled, attended)


# -- read log ----------------------------------------------------------------------------


@attrs.frozen
class ReadRecord:
    """One read of a case through the library: who read which case, when, and how.

    Attributes:
        case_id: The case read.
        reader: Who read it (an id the host chooses: a user, a service).
        at: When (timezone-aware, from the repository's clock).
        access: What was read: ``"load"``, ``"view"``, ``"authority_report"``,
            ``"export"``, or a host-defined word.
        purpose: Why, in the reader's words (optional).
    """

    case_id: str
    reader: str
    at: datetime
    access: str
    purpose: str = ""
    hash: str = ""
    """Its place in the case's read log chain (:func:`chain_read`), set by the store."""

    def canonical(self) -> bytes:
        """The canonical bytes the read log chains (everything but :attr:`hash`)."""
        return json_text(
            {
                "access": self.access,
                "at": self.at.isoformat(),
                "case_id": self.case_id,
                "purpose": self.purpose,
                "reader": self.reader,
            }
        ).encode("utf-8")


READS_PREFIX = "mediation-reads-v2:"
"""Text hashed with the case id to give the read log's genesis value."""


def read_genesis(case_id: str) -> str:
    """The starting value of ``case_id``'s read log chain (hex SHA-256 of the prefix + id)."""
    return hashlib.sha256((READS_PREFIX + case_id).encode("utf-8")).hexdigest()


def chain_read(previous: str | None, record: ReadRecord) -> ReadRecord:
    """``record`` chained after ``previous`` (the last read's hash, or ``None`` for the first).

    ``hash = SHA-256(previous || SHA-256(canonical bytes of the read))``, like events.

    Args:
        previous: The hash of the case's previous read, or ``None``.
        record: The read (its :attr:`ReadRecord.hash` is ignored).

    Returns:
        The read with its hash set.
    """
    start = bytes.fromhex(read_genesis(record.case_id) if previous is None else previous)
    digest = hashlib.sha256(start + hashlib.sha256(record.canonical()).digest()).hexdigest()
    return attrs.evolve(record, hash=digest)


def verify_reads(
    case_id: str, reads: Sequence[ReadRecord], anchor: tuple[int, str | None] | None = None
) -> Verification:
    """Recompute a case's read log chain: a changed, removed or reordered read breaks it.

    Args:
        case_id: The case.
        reads: Its reads, oldest first.
        anchor: ``(count, head)`` the store keeps for the read log, to detect truncation.

    Returns:
        A :class:`~mediation.audit.Verification` of the read log (``seq`` = position of
        the read, from 1).
    """
    previous: str | None = None
    head = read_genesis(case_id)
    for position, read in enumerate(reads, start=1):
        expected = chain_read(previous, read).hash
        if read.case_id != case_id or expected != read.hash:
            return Verification(
                case_id,
                position - 1,
                head,
                ChainBreak(
                    position,
                    "hash_mismatch",
                    f"read {position} of the read log does not match its hash: a read was "
                    "changed, removed or reordered",
                ),
            )
        previous = head = read.hash
    if anchor is not None and (anchor[0], anchor[1] or read_genesis(case_id)) != (
        len(reads),
        head,
    ):
        return Verification(
            case_id,
            len(reads),
            head,
            ChainBreak(
                None,
                "truncated" if anchor[0] > len(reads) else "head_mismatch",
                f"the read log holds {len(reads)} reads but the store's head records {anchor[0]}",
            ),
        )
    return Verification(case_id, len(reads), head)
