"""Privacy operations on a store: erasure, retention, subject access, research exports.

All of them keep the audit chain verifiable: erasure removes content and its salt but
leaves the commitments (and an erasure event naming what went, when, by whom, under
what); a research export is a chain of its own that verifies from its own trailer.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import datetime
from typing import IO, Any

import attrs
import structlog

from mediation import audit
from mediation import events as ev
from mediation._catalogs import N_
from mediation.audit import (
    ChainHead,
    DataPolicy,
    RecordedEvent,
    SaltSource,
    due_spans,
    export_case,
)
from mediation.errors import CaseNotFound, InvalidInput, NotAuthorized, NothingToErase
from mediation.model import check_id, display_name
from mediation.store._audit import erase_spans, verify_case
from mediation.store._protocol import EventStore, ManagedStore

__all__ = [
    "RetentionResult",
    "SubjectAccess",
    "apply_retention",
    "erase",
    "export_research",
    "export_subject",
    "people_of",
    "spans_of_party",
]

_log = structlog.get_logger("mediation.store")

_ABOUT = ("about", "party")
_DEFAULT_POLICY = DataPolicy()


def _managed(store: EventStore) -> ManagedStore:
    if not isinstance(store, ManagedStore):
        raise InvalidInput.of(
            "store_cannot_erase",
            N_("{kind} cannot erase content (no erase method)"),
            kind=type(store).__name__,
        )
    return store


def people_of(records: Sequence[RecordedEvent]) -> frozenset[str]:
    """The ids of everyone a case names as a party or mediator (a reassigned one too).

    Args:
        records: A case's records.

    Returns:
        The ids.
    """
    found: set[str] = set()
    for record in records:
        if b'"type":"case_opened"' in record.body or b'"type":"mediator_reassigned"' in record.body:
            data = record.envelope()
            found.update(str(p.get("id")) for p in data.get("parties", ()) if isinstance(p, dict))
            mediator = data.get("mediator")
            if isinstance(mediator, dict):
                found.add(str(mediator.get("id")))
    return frozenset(found)


def spans_of_party(records: Sequence[RecordedEvent], party: str) -> list[str]:
    """Personal data still held about one person (a party or the mediator).

    That is, for content in events about the case as a whole (the case's opening, a
    mediator's reassignment, a disclosure, a waiver, an issue raised), the values nested
    under their own entry — their name and role, the notes on relationships that
    involve them — and the event's other content when they recorded it (a statement
    they made, an issue they raised); and for every other event, all of its content
    when they recorded it (a screening excepted: its answers are the screened party's),
    when its ``about`` or ``party`` names them, when it is a note
    of a caucus with them, or when it is a finding about them. A case's opening counts as
    nobody's: other people's entries in it are never erased with the person who opened
    it.

    Any other text that names them — their name as the case recorded it, whole, letters
    in any case: a colleague's statement, a finding's message, a disclosure — is about
    them too, and goes whole (a committed value cannot be cut). A name written otherwise
    (a first name, a nickname) is not found: erase such spans one by one (``spans=``).

    Args:
        records: A case's records.
        party: The person's id.

    Returns:
        Spans ``"<seq>.<path>"``, in order.
    """
    return [f"{seq}.{path}" for seq, path, held in _about(records, party) if held]


_ROSTERS = (b'"type":"case_opened"', b'"type":"mediator_reassigned"')
_NOT_THE_ACTORS = frozenset({"case_opened", "party_screened"})


def _about(records: Sequence[RecordedEvent], party: str) -> list[tuple[int, str, bool]]:
    """Every committed value about ``party`` (see :func:`spans_of_party`): (seq, path,
    whether its content is still held), in order."""
    names = {
        str(value)
        for record in records
        if any(mark in record.body for mark in _ROSTERS)
        for path, (_, value) in record.contents().items()
        if path.endswith(".name") and _owner(record.envelope(), path) == frozenset({party})
    }
    mentions = _mentioning(names)
    caucuses: set[str] = set()
    found: list[tuple[int, str, bool]] = []
    for record in records:
        data = record.envelope()
        kind = data.get("type")
        if kind == "caucus_opened" and data.get("party") == party:
            caucuses.add(str(data.get("caucus_id")))
        if record.content is None and b'{"commitment":' not in record.body:
            continue
        # The opening is nobody's; a screening's answers are the screened party's, not
        # the screener's.
        recorded_by = data.get("actor") == party and kind not in _NOT_THE_ACTORS
        concerns = (
            recorded_by
            or any(data.get(key) == party for key in _ABOUT)
            or (kind == "caucus_note_recorded" and data.get("caucus_id") in caucuses)
            or (kind == "finding_recorded" and party in data.get("parties", ()))
        )
        held = record.contents()
        for path in sorted(record.committed()):
            owner = _owner(data, path) if "." in path else None
            about = party in owner if owner is not None else concerns
            if not about and path in held and mentions is not None:
                value = held[path][1]  # a text that names them, as the case recorded it
                about = isinstance(value, str) and mentions.search(value) is not None
            if about:
                found.append((record.seq, path, path in held))
    return found


def _mentioning(names: Iterable[str]) -> re.Pattern[str] | None:
    """A pattern finding any of ``names`` in a text, whole (not inside a longer Latin
    word), letters in any case; None when there is no name."""
    parts = []
    for name in sorted(names, key=len, reverse=True):
        if not name.strip():
            continue
        before = r"(?<![A-Za-z0-9])" if name[0].isascii() and name[0].isalnum() else ""
        after = r"(?![A-Za-z0-9])" if name[-1].isascii() and name[-1].isalnum() else ""
        parts.append(before + re.escape(name) + after)
    return re.compile("|".join(parts), re.IGNORECASE) if parts else None


def _owner(data: Mapping[str, Any], path: str) -> frozenset[str] | None:
    """Whom a nested value is about: the party whose entry holds it, the mediator for
    their name, or both people of the relationship whose note it is; None when it names
    no one in particular (an issue's title)."""
    keys = path.split(".")
    node: Any = data
    for key in keys[:-1]:
        try:
            node = node[int(key)] if isinstance(node, list) else node[key]
        except (KeyError, IndexError, ValueError, TypeError):
            return None
    if not isinstance(node, dict):
        return None
    person = keys[0] in ("parties", "mediator") and len(keys) == (3 if keys[0] == "parties" else 2)
    if person and isinstance(node.get("id"), str):
        return frozenset({node["id"]})
    if keys[-1] == "note" and isinstance(node.get("source"), str):
        return frozenset({node["source"], str(node.get("target"))})
    return None


def erase(
    store: EventStore,
    case_id: str,
    *,
    actor: str,
    role: str,
    grounds: str,
    at: datetime,
    party: str | None = None,
    seq: int | None = None,
    fields: Iterable[str] | None = None,
    spans: Iterable[str] | None = None,
    policy: DataPolicy = _DEFAULT_POLICY,
) -> RecordedEvent:
    """Erase content from a stored case, by an authorised role, with grounds.

    Say what to erase in one of three ways: ``party`` (everything they said or that is
    about them, :func:`spans_of_party`), ``seq`` (with ``fields``, or all content of that
    event), or ``spans`` (``"<seq>.<field>"``). The content and its salts are removed and
    a ``content_erased`` event appended, in one transaction; the chain still verifies and
    :func:`~mediation.store.verify_case` names the erased spans.

    Args:
        store: A store that can erase (both built-in ones).
        case_id: The case.
        actor: Who erases.
        role: The role they erase in; must be one of ``policy.erasers``.
        grounds: Under what (a request, a rule), recorded in the erasure event.
        at: When (timezone-aware; the erasure event's time).
        party: Erase everything of this party.
        seq: Erase content of this event.
        fields: With ``seq``: only these fields.
        spans: Erase exactly these spans.
        policy: Who may erase.

    Returns:
        The recorded erasure event.

    Raises:
        NotAuthorized: ``role`` may not erase.
        NothingToErase: nothing (left) to erase there — e.g. erasing twice; nothing
            changed.
        InvalidInput: not exactly one of ``party``, ``seq``, ``spans`` given, or empty
            grounds.
        CaseNotFound: no such case.
    """
    check_id(actor, "actor")
    if role not in policy.erasers:
        raise NotAuthorized.of(
            "may_not_erase",
            N_("role {role!r} may not erase content; the data policy allows {erasers}"),
            role=role,
            erasers=sorted(policy.erasers),
        )
    if not isinstance(grounds, str) or not grounds.strip():
        raise InvalidInput.of(
            "erasure_without_grounds", N_("an erasure says on what grounds it is made")
        )
    if sum(option is not None for option in (party, seq, spans)) != 1:
        raise InvalidInput.of(
            "erasure_target", N_("say what to erase: exactly one of party, seq or spans")
        )
    managed = _managed(store)
    summary = store.summary(case_id)
    if summary is None:
        raise CaseNotFound(case_id)
    records = store.records(case_id)
    if party is not None:
        check_id(party, "party")
        if party not in people_of(records):
            raise NothingToErase.of(
                "unknown_person",
                N_("case {case_id!r} names no party or mediator {party!r}; nothing was erased"),
                case_id=case_id,
                party=party,
            )
        wanted = spans_of_party(records, party)
    elif seq is not None:
        if not 1 <= seq <= len(records):
            raise NothingToErase.of(
                "unknown_event", N_("case {case_id!r} has no event {seq}"), case_id=case_id, seq=seq
            )
        names = tuple(fields) if fields is not None else tuple(records[seq - 1].contents())
        wanted = [f"{seq}.{field}" for field in names]
    else:
        assert spans is not None
        wanted = list(spans)
    if not wanted:
        raise NothingToErase.of(
            "nothing_to_erase",
            N_("case {case_id!r} holds no content to erase there"),
            case_id=case_id,
        )
    erasure = ev.ContentErased(
        seq=summary.version + 1,
        at=at,
        actor=actor,
        stage=summary.stage,
        spans=tuple(wanted),
        grounds=grounds,
        role=role,
        subject=party or "",
    )
    erase_spans(records, erasure)  # refuse before writing anything
    recorded = managed.erase(case_id, erasure, summary.version)
    _log.info("case_content_erased", case_id=case_id, spans=len(wanted), role=role)
    return recorded


@attrs.frozen
class RetentionResult:
    """What a retention run did (or would do, on a dry run).

    Attributes:
        cases: Case id → spans erased (or due) in it.
        dry_run: Whether nothing was changed.
    """

    cases: Mapping[str, tuple[str, ...]]
    dry_run: bool

    @property
    def span_count(self) -> int:
        """How many spans were erased (or are due)."""
        return sum(len(spans) for spans in self.cases.values())


def apply_retention(
    store: EventStore,
    policy: DataPolicy,
    *,
    at: datetime,
    actor: str = "retention",
    role: str | None = None,
    dry_run: bool = False,
    batch_size: int = 100,
    progress: Callable[[int, int], None] | None = None,
) -> RetentionResult:
    """Erase what the policy's retention rules make due at ``at``, case by case in batches.

    Each case gets one erasure event per rule that applies (its grounds recorded). A
    case that changes while the run goes on is skipped (a conflict) and left for the
    next run.

    Args:
        store: A store that can erase.
        policy: The data policy with its retention rules.
        at: The time to judge at and to record (timezone-aware).
        actor: Who runs it (recorded).
        role: The role it runs in; default: the policy's first eraser role.
        dry_run: Only say what is due.
        batch_size: How many cases to look at between progress reports.
        progress: Called with (cases done, cases in all) after each batch.

    Returns:
        A :class:`RetentionResult`.

    Raises:
        NotAuthorized: ``role`` may not erase.
        InvalidInput: ``batch_size`` is not a positive int.
    """
    if isinstance(batch_size, bool) or not isinstance(batch_size, int) or batch_size < 1:
        raise InvalidInput.of(
            "invalid_batch_size",
            N_("batch_size must be an int >= 1; got {batch_size!r}"),
            batch_size=batch_size,
        )
    chosen = role if role is not None else min(policy.erasers, default="")
    if chosen not in policy.erasers:
        raise NotAuthorized.of(
            "may_not_erase", N_("role {chosen!r} may not erase content"), chosen=chosen
        )
    summaries = [s for s in store.cases() if s.outcome is not None]
    done: dict[str, tuple[str, ...]] = {}
    for start in range(0, len(summaries), batch_size):
        for summary in summaries[start : start + batch_size]:
            records = store.records(summary.case_id)
            due = due_spans(records, policy.retention, at)
            if not due:
                continue
            erased: list[str] = []
            for grounds, spans in due.items():
                if not dry_run:
                    erase(
                        store,
                        summary.case_id,
                        actor=actor,
                        role=chosen,
                        grounds=grounds,
                        at=at,
                        spans=spans,
                        policy=policy,
                    )
                erased.extend(spans)
            done[summary.case_id] = tuple(erased)
        if progress is not None:
            progress(min(start + batch_size, len(summaries)), len(summaries))
    _log.info("retention_applied", cases=len(done), dry_run=dry_run)
    return RetentionResult(done, dry_run)


@attrs.frozen
class SubjectAccess:
    """Everything a store holds about one person (GDPR Art. 15).

    Attributes:
        subject: The person's id.
        cases: One entry per case they are a party to: its id, stage, outcome, their
            name as recorded, and every event they recorded or that concerns them, with
            the content still held (erased spans named).
        reads: The recorded reads of those cases (who read them, when, why).
    """

    subject: str
    cases: tuple[Mapping[str, Any], ...]
    reads: tuple[Mapping[str, Any], ...]

    def to_json(self) -> str:
        """The machine-readable form (JSON, keys sorted)."""
        return json.dumps(
            {"subject": self.subject, "cases": self.cases, "reads": self.reads},
            sort_keys=True,
            ensure_ascii=False,
            indent=2,
        )

    def to_text(self) -> str:
        """The readable form (Markdown)."""
        lines = [f"# What is held about {self.subject}", ""]
        if not self.cases:
            lines.append("No case names this person.")
        for case in self.cases:
            lines.append(f"## Case {case['case_id']}")
            lines.append("")
            lines.append(
                f"Recorded as {case['name']!r}; stage {case['stage']}; "
                f"outcome {case['outcome'] or 'open'}."
            )
            lines.append("")
            for entry in case["events"]:
                said = "; ".join(f"{k}: {v}" for k, v in entry["content"].items())
                erased = f" (erased: {', '.join(entry['erased'])})" if entry["erased"] else ""
                lines.append(
                    f"- {entry['at']} event {entry['seq']} {entry['type']} by "
                    f"{entry['actor']}{': ' + said if said else ''}{erased}"
                )
            lines.append("")
        if self.reads:
            lines.append("## Reads of these cases")
            lines.append("")
            lines.extend(
                f"- {read['at']} {read['reader']} ({read['access']}) case {read['case_id']}"
                for read in self.reads
            )
        return "\n".join(lines).rstrip() + "\n"


def export_subject(store: EventStore, party_id: str) -> SubjectAccess:
    """Everything the store holds about one party, across cases (subject access).

    Args:
        store: The store.
        party_id: The person's party id.

    Returns:
        The :class:`SubjectAccess` (``to_json()`` and ``to_text()``).

    Raises:
        ChainBroken: a case naming them does not verify.
    """
    check_id(party_id, "party id")
    cases: list[Mapping[str, Any]] = []
    reads: list[Mapping[str, Any]] = []
    for summary in store.cases():
        records = store.records(summary.case_id)
        opening = records[0].event()
        if not isinstance(opening, ev.CaseOpened):  # pragma: no cover - verified below
            continue
        names = {party.id: party.name for party in opening.parties}
        if party_id not in names:
            continue
        verify_case(store, summary.case_id).raise_if_broken()
        concerned: dict[int, set[str]] = {}
        for seq, path, _ in _about(records, party_id):
            concerned.setdefault(seq, set()).add(path)
        entries = []
        for record in records:
            data = record.envelope()
            if data.get("actor") != party_id and record.seq not in concerned:
                continue
            theirs = concerned.get(record.seq, set())  # not other people's names
            entries.append(
                {
                    "seq": record.seq,
                    "type": data["type"],
                    "at": data["at"],
                    "actor": data["actor"],
                    "content": {f: v for f, (_, v) in record.contents().items() if f in theirs},
                    "erased": [f for f in record.missing() if f in theirs],
                }
            )
        cases.append(
            {
                "case_id": summary.case_id,
                "name": display_name(names[party_id]),
                "stage": summary.stage,
                "outcome": summary.outcome,
                "events": entries,
            }
        )
        reads.extend(
            {
                "case_id": read.case_id,
                "reader": read.reader,
                "at": read.at.isoformat(),
                "access": read.access,
                "purpose": read.purpose,
            }
            for read in (store.reads(summary.case_id) if hasattr(store, "reads") else ())
        )
    return SubjectAccess(party_id, tuple(cases), tuple(reads))


def export_research(
    store: EventStore,
    out: IO[bytes],
    case_ids: Iterable[str] | None = None,
    *,
    keep_text: bool = False,
    salts: SaltSource,
) -> dict[str, str]:
    """Export cases pseudonymised for research: ids replaced, text removed (or kept).

    Every id of a person (parties, mediators, supervisors, actors) and every case id is
    replaced by a pseudonym (``person-1``, ``case-1``, … in order of first appearance,
    the same in every case of the export); names become the pseudonym; content fields are
    emptied unless ``keep_text``. Each case is then sealed and chained anew, so the file
    verifies (:func:`mediation.audit.verify_export`) on its own — it cannot be traced to
    the store's chain, which is the point. Each source case is verified first.

    Args:
        store: The store.
        out: A binary stream.
        case_ids: The cases; default: every closed case.
        keep_text: Keep what was said (still pseudonymised ids; names inside the text are
            not found).
        salts: Salt source for the new chains.

    Returns:
        The pseudonym map (original id → pseudonym): keep it away from the export.
    """
    ids = (
        [s.case_id for s in store.cases() if s.outcome is not None]
        if case_ids is None
        else list(case_ids)
    )
    mapping: dict[str, str] = {}
    people = 0
    for number, case_id in enumerate(ids, start=1):
        verify_case(store, case_id).raise_if_broken()
        records = store.records(case_id)
        events = [record.event() for record in records]
        opening = events[0]
        assert isinstance(opening, ev.CaseOpened)
        mapping[case_id] = f"case-{number}"
        known = [p.id for p in opening.parties] + [opening.mediator.id, *opening.supervisors]
        known += [e.mediator.id for e in events if isinstance(e, ev.MediatorReassigned)]
        for person in known:
            if person not in mapping:
                people += 1
                mapping[person] = f"person-{people}"
        renamed = [_pseudonymised(event, mapping, keep_text) for event in events]
        new_id = mapping[case_id]
        chained = audit.record_events(new_id, renamed, salts=salts)
        export_case(chained, ChainHead(new_id, len(chained), chained[-1].hash), out)
    _log.info("research_export", cases=len(ids))
    return mapping


def _pseudonymised(event: ev.Event, mapping: Mapping[str, str], keep_text: bool) -> ev.Event:
    data = _rename(ev.to_dict(event), None, mapping)
    if not keep_text:  # every personal value but the names, which are pseudonyms now
        for path, container, key in audit.personal_slots(data):
            if "." not in path or not path.endswith(".name"):
                container[key] = audit.erased_value(path)
    return ev.from_dict(data)


def _rename(value: Any, key: str | None, mapping: Mapping[str, str]) -> Any:
    if isinstance(value, dict):
        renamed = {mapping.get(k, k): _rename(v, k, mapping) for k, v in value.items()}
        if "id" in value and "name" in value and isinstance(value["id"], str):
            renamed["name"] = mapping.get(value["id"], "")
        return renamed
    if isinstance(value, list):
        return [_rename(item, key, mapping) for item in value]
    if isinstance(value, str):
        return mapping.get(value, value)
    return value
