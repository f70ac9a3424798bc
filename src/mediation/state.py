"""The state of a case as a pure fold of its events.

:class:`CaseState` is rebuilt by :meth:`CaseState.fold` from a case's events and kept up
to date by :meth:`CaseState.apply`, one event at a time in O(1) (no re-scan of history).
Only :mod:`mediation.case` applies events to a live state; everyone else reads it.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Mapping, Sequence, Set
from datetime import datetime, timedelta
from fractions import Fraction
from types import MappingProxyType
from typing import Any, TypeVar

import attrs

from mediation import events as ev
from mediation.errors import InvalidInput
from mediation.i18n import Names
from mediation.markers import (
    Lexicon,
    LexiconMarker,
    TextMarker,
    builtin_lexicon,
    is_cjk,
    key_of,
    mark_text,
    threat_phrases,
    words,
)
from mediation.markers import shingles as _shingles
from mediation.model import Issue, Mediator, Outcome, Party, Relation, ScreeningDomain, Severity
from mediation.policy import Mode, Policy, TranscriptMarkers

__all__ = [
    "EVIDENCE_PER_KEY",
    "CaseState",
    "Caucus",
    "CaucusNote",
    "CommonGroundItem",
    "Difference",
    "Proposal",
    "Restatement",
    "Schedule",
    "Threat",
    "Transcript",
    "TranscriptLeak",
    "policy_marker",
]

EVIDENCE_PER_KEY = 20
"""How many of the latest events of one kind and key a finding names as its evidence."""

K = TypeVar("K")
V = TypeVar("V")

# Most of a state's mappings stay empty for most of a case (an open case at intake has
# recorded nothing in ~35 of them). Rather than one empty dict each (64 bytes apiece, most
# of an open case's memory), they all start as this one read-only empty mapping, and a
# handler takes a dict of its own the first time it records something there (_owned,
# _put). Readers see an ordinary Mapping either way.
_EMPTY: Mapping[Any, Any] = MappingProxyType({})


def _owned(mapping: Mapping[K, V]) -> dict[K, V]:
    """``mapping`` if it is the state's own dict, else a new dict of its entries (the
    caller stores it back on the state before writing to it)."""
    return mapping if type(mapping) is dict else dict(mapping)


def _appended(items: Sequence[V], item: V) -> list[V]:
    """``items`` with ``item`` appended, in place when it is the state's own list (as
    :func:`_put` for sequences, which start as the shared empty tuple)."""
    own = items if type(items) is list else list(items)
    own.append(item)
    return own


def _put(mapping: Mapping[K, V], key: K, value: V) -> dict[K, V]:
    """``mapping`` with ``key`` set to ``value``: written in place when it is the state's
    own dict (O(1)), else a new dict; store the result back on the state."""
    own = mapping if type(mapping) is dict else dict(mapping)
    own[key] = value
    return own


@attrs.define(slots=True)
class Restatement:
    """One party's restatement of another's view, and the restated party's verdict."""

    by: str
    about: str
    text: str
    accurate: bool | None = None


@attrs.define(slots=True)
class CommonGroundItem:
    """A point of common ground and the parties who assented to it."""

    proposer: str
    text: str
    assents: dict[str, None] = attrs.Factory(dict)


@attrs.define(slots=True)
class Difference:
    """A reserved difference, and what became of it.

    Attributes:
        text: What the difference is.
        severity: Major (principle) or minor (style).
        parked: A minor difference the mediator parked.
        seq: The event that reserved it.
        escalated: The seq of the event that escalated it on its own, if any.
        kept_open: Party → seq of its explicit agreement to leave it open.
    """

    text: str
    severity: Severity
    parked: bool = False
    seq: int = 0
    escalated: int | None = None
    kept_open: dict[str, int] = attrs.Factory(dict)


@attrs.define(slots=True)
class Threat:
    """Text that reads like a threat (see :func:`mediation.markers.threat_phrases`).

    Attributes:
        seq: The event whose text it is.
        by: Who wrote or said it (a party, or whoever raised the issue).
        phrases: The phrases found.
    """

    seq: int
    by: str
    phrases: tuple[str, ...]


@attrs.define(slots=True)
class Proposal:
    """A proposal and each party's latest answer (True accept, False reject)."""

    by: str
    text: str
    by_mediator: bool
    answers: dict[str, bool] = attrs.Factory(dict)
    made_at: datetime | None = None
    seq: int = 0
    accepted_at: dict[str, tuple[datetime, int]] = attrs.Factory(dict)
    """Party → when (and at which seq) it last accepted."""
    settles: tuple[str, ...] = ()
    """Ids of the reserved differences its terms settle."""


@attrs.define(slots=True)
class Caucus:
    """A private session with one party."""

    party: str
    opened_at: datetime


@attrs.define(slots=True)
class CaucusNote:
    """Something said in caucus; visible to others only when ``shared``."""

    caucus_id: str
    party: str
    author: str
    text: str
    shared: bool = False


_MARKERS: dict[int, tuple[TranscriptMarkers, LexiconMarker]] = {}


@functools.lru_cache(maxsize=1024)
def _label_key(label: str) -> tuple[str, bool]:
    """A party's name or id as :meth:`CaseState.named_in` matches it: its key, and whether
    that holds Chinese characters (the same names are looked for in every text)."""
    key = key_of(label)
    return key, any(is_cjk(character) for character in key)


def policy_marker(settings: TranscriptMarkers) -> LexiconMarker:
    """The lexicon marker a policy's ``transcript_markers`` settings describe: the built-in
    lexicons (unless turned off) extended by the policy's own, built once per settings.

    Args:
        settings: The policy's ``transcript_markers`` section.

    Returns:
        The marker.
    """
    cached = _MARKERS.get(id(settings))
    if cached is not None and cached[0] is settings:
        return cached[1]
    lexicons: dict[str, Lexicon] = {}
    if settings.builtin_lexicons:
        lexicons = {language: builtin_lexicon(language) for language in ("en", "zh")}
    for language, table in settings.lexicons.items():
        own = Lexicon.from_dict(table, source="policy", language=language)
        lexicons[language] = lexicons[language].merged(own) if language in lexicons else own
    marker = LexiconMarker(lexicons.values())
    if len(_MARKERS) > 64:
        _MARKERS.clear()
    _MARKERS[id(settings)] = (settings, marker)
    return marker


@attrs.frozen
class TranscriptLeak:
    """A joint-session text by the mediator that reproduces a party's unshared caucus note.

    Attributes:
        text_seq: The event of the text.
        note_seq: The event of the note.
        party: Whose note it is.
        containment: The share of the note's shingles found in the text.
    """

    text_seq: int
    note_seq: int
    party: str
    containment: float


@attrs.define(slots=True)
class _Note:
    seq: int
    party: str
    shingles: frozenset[str]


@attrs.define(slots=True)
class Transcript:
    """Running figures of what the mediator said, kept in O(1) per text: the transcript
    markers are run once on each text as it is recorded, never again.

    Attributes:
        marked: Party → the seqs of mediator texts addressed to it that were marked
            (their markers weigh at least the policy's ``min_weight``).
        texts: Party → how many mediator texts were addressed to it.
        hits: Party → marker category → hits in texts addressed to it.
        unaddressed: Seqs of marked mediator texts addressed to no party in particular
            (a proposal or a common-ground item naming nobody).
        leaks: Joint-session texts that reproduce an unshared caucus note, in order.
        leaks_on_record: How many of :attr:`leaks` a recorded finding already covers.
    """

    marked: Mapping[str, list[int]] = _EMPTY
    texts: Mapping[str, int] = _EMPTY
    hits: Mapping[str, dict[str, int]] = _EMPTY
    unaddressed: Sequence[int] = ()
    leaks: Sequence[TranscriptLeak] = ()
    leaks_on_record: int = 0
    notes: Mapping[str, _Note] = _EMPTY
    """Unshared caucus notes: note id → seq, party and shingles."""
    index: Mapping[str, dict[str, None]] = _EMPTY
    """Shingle → the unshared notes that contain it."""


_NO_TRANSCRIPT = Transcript()
"""The transcript every state shares until the mediator says something (never written
to: ``CaseState._own_transcript`` gives a state its own first)."""


@attrs.define(slots=True, kw_only=True)
class Schedule:
    """Where a case stands in its process and what is due: the part of the fold that a
    store also keeps (to find overdue cases without replaying them).

    Attributes:
        stage: The current stage.
        limits: How long each stage may take (the policy's ``deadlines``).
        paused_from: The stage a cooling-off pause left, while paused.
        outcome: How the case ended, once closed.
        deadlines: Stage → due time (from ``limits`` on entering it, or set explicitly).
    """

    stage: str
    limits: Mapping[str, timedelta] = _EMPTY
    paused_from: str | None = None
    outcome: Outcome | None = None
    deadlines: Mapping[str, datetime] = _EMPTY

    def enter(self, stage: str, at: datetime) -> None:
        """The case enters ``stage`` at ``at``; its deadline starts unless one is set."""
        self.stage = stage
        limit = self.limits.get(stage)
        if limit is not None and stage not in self.deadlines:
            self.deadlines = _put(self.deadlines, stage, at + limit)

    def follow(self, event: ev.Event) -> None:
        """Update with an event if it moves the case or sets a deadline; ignore others."""
        if isinstance(event, ev.StageChanged):
            if event.trigger == "pause":
                self.paused_from = event.source
            elif event.trigger == "resume":
                self.paused_from = None
            self.enter(event.dest, event.at)
        elif isinstance(event, ev.Escalated):
            self.paused_from = None
            self.enter("escalated", event.at)
        elif isinstance(event, ev.Closed):
            self.outcome = event.outcome
            self.paused_from = None
            self.enter("closed", event.at)
        elif isinstance(event, ev.DeadlineSet):
            self.deadlines = _put(self.deadlines, event.for_stage, event.due)

    def next_due(self) -> datetime | None:
        """The earliest deadline that counts now (the current stage's, or the paused
        stage's), or None; None once closed."""
        if self.outcome is not None:
            return None
        dues = [
            self.deadlines[stage]
            for stage in (self.stage, self.paused_from)
            if stage is not None and stage in self.deadlines
        ]
        return min(dues) if dues else None


@attrs.define(slots=True, kw_only=True)
class CaseState(Schedule):
    """Everything the process decides on, derived from events only.

    Attributes are public for reading; treat them as read-only (the mappings are typed
    ``Mapping``: a mapping nothing was recorded in yet is one read-only empty mapping that
    every state shares, which keeps an open case small). Per-party mappings are keyed by
    party id in the order parties were given when the case was opened.
    """

    case_id: str
    process: str
    policy: Policy
    parties: Mapping[str, Party]
    mediator: Mediator
    supervisors: tuple[str, ...]
    relations: tuple[Relation, ...]
    version: int
    opened_at: datetime
    last_at: datetime
    active: Mapping[str, Party]
    """Parties taking part (not withdrawn), in case order: party id → party. The same
    mapping as :attr:`parties` until a party withdraws."""
    issues: Mapping[str, Issue]
    escalation: tuple[str, str] | None = None
    """``(authority, reason)`` once escalated."""
    disclosure_seq: int | None = None
    """Sequence number of the latest disclosure by the current mediator."""
    disclosed: frozenset[Relation] = frozenset()
    consent_seq: Mapping[str, int] = _EMPTY
    restatements: Mapping[str, Restatement] = _EMPTY
    common_ground: Mapping[str, CommonGroundItem] = _EMPTY
    differences: Mapping[str, Difference] = _EMPTY
    differences_confirmed: Mapping[str, None] = _EMPTY
    proposals: Mapping[str, Proposal] = _EMPTY
    signatures: Mapping[str, str] = _EMPTY
    """Party id → id of the proposal it signed."""
    caucus: tuple[str, Caucus] | None = None
    """``(caucus_id, caucus)`` while a caucus is open."""
    caucus_count: int = 0
    caucus_seconds: Mapping[str, float] = _EMPTY
    caucus_notes: Mapping[str, CaucusNote] = _EMPTY
    stage_airtime: Mapping[str, dict[str, float]] = _EMPTY
    """Stage → party → seconds spoken in that stage."""
    stage_turns: Mapping[str, dict[str, int]] = _EMPTY
    """Stage → party → statements made in that stage."""
    first_speaker: Mapping[str, str] = _EMPTY
    """Stage → the party who spoke first in it."""
    confirmed_restaters: Mapping[str, None] = _EMPTY
    """Parties who gave a restatement that the restated party confirmed."""
    caucus_offered: Mapping[str, None] = _EMPTY
    """Parties offered a caucus (or who had one)."""
    interventions: Mapping[str, dict[str, int]] = _EMPTY
    """Party → kind (invite, paraphrase, question) → count of mediator interventions."""
    support_persons: Mapping[str, list[str]] = _EMPTY
    valuations: Mapping[str, dict[str, Fraction]] = _EMPTY
    """Party → its latest confidential valuation of the items (given in caucus)."""
    suggestion_requests: Mapping[str, None] = _EMPTY
    """Parties who asked for or agreed to an evaluative settlement suggestion."""
    findings: Sequence[ev.FindingRecorded] = ()
    """Findings on record, in order."""
    overrides: Mapping[str, str] = _EMPTY
    """Blocking finding code → the supervisor's reason, for the next move from this stage."""
    deadline_findings: Mapping[str, datetime] = _EMPTY
    """Stage → the due time already recorded as missed (so it is recorded once)."""
    stage_interventions: Mapping[str, dict[str, dict[str, int]]] = _EMPTY
    """Stage → party → kind → count of mediator interventions in that stage."""
    caucus_sessions: Mapping[str, int] = _EMPTY
    """Party → caucuses opened with it."""
    caucus_offers: Mapping[str, int] = _EMPTY
    """Party → caucus offers made to it."""
    deadline_pressure: Mapping[str, tuple[datetime, datetime, int]] = _EMPTY
    """Stage → (when, due, seq) of the latest deadline set for it by someone."""
    mediator_proposals: Mapping[str, list[str]] = _EMPTY
    """Stage → ids of the proposals the mediator made in it."""
    signed_at: Mapping[str, datetime] = _EMPTY
    """Party → when it signed."""
    recorded_keys: Set[tuple[str, str, tuple[str, ...]]] = frozenset()
    """``(check, code, parties)`` of every finding on record (for checks that report a
    running figure once rather than at every move)."""
    transcript: Transcript = _NO_TRANSCRIPT
    """Markers and caucus leaks in what the mediator said (see :class:`Transcript`)."""
    text_marker: TextMarker | None = attrs.field(default=None, eq=False, repr=False)
    """The host's text marker, or None for the policy's lexicon marker."""
    seqs: dict[tuple[str, str], list[int]] = attrs.Factory(dict)
    """Evidence index: ``(kind, key)`` → the seqs of the events of that kind, in order,
    appended in O(1) as events arrive, so a finding can name the events it rests on.
    Kinds: ``statement`` (key: stage), ``intervention`` (key: party), ``caucus`` (key:
    party; offers, openings and closings), ``restatement`` (key: stage), ``entered`` (key:
    stage; the event that entered it), ``deadline`` (key: stage; deadlines set)."""

    def evidence(self, *keys: tuple[str, str]) -> tuple[int, ...]:
        """The seqs of the latest events indexed under ``keys``, sorted, without repeats.

        At most :data:`EVIDENCE_PER_KEY` seqs are taken from each key (the latest ones), so
        naming the evidence costs the same in a case of 10 events as in one of 100,000.

        Args:
            keys: ``(kind, key)`` pairs of :attr:`seqs`.

        Returns:
            The event seqs (empty when none were indexed).
        """
        found: set[int] = set()
        for key in keys:
            found.update(self.seqs.get(key, ())[-EVIDENCE_PER_KEY:])
        return tuple(sorted(found))

    def _index(self, kind: str, key: str, seq: int) -> None:
        self.seqs.setdefault((kind, key), []).append(seq)

    def _own_transcript(self) -> Transcript:
        """The state's own :attr:`transcript`, made on the first text worth keeping."""
        if self.transcript is _NO_TRANSCRIPT:
            self.transcript = Transcript()
        return self.transcript

    waivers: Mapping[Relation, dict[str, int]] = _EMPTY
    """Mediator relationship → party → seq of that party's written waiver of it."""
    screenings: Mapping[str, int] = _EMPTY
    """Party → seq of its latest private screening by the mediator."""
    screening_positive: Mapping[str, tuple[ScreeningDomain, ...]] = _EMPTY
    """Party → the domains its latest screening answered positively."""
    safeguards_applied: Mapping[str, dict[str, int]] = _EMPTY
    """Party → safeguard (``support_person``, ``shuttle``) → seq of the latest event
    putting it in place."""
    open_threats: Mapping[int, Threat] = _EMPTY
    """Threat texts since the latest screening or issue flag (which address them), by seq."""
    threat_count: int = 0
    """Threat texts recorded over the whole case."""

    @classmethod
    def open(cls, event: ev.CaseOpened, text_marker: TextMarker | None = None) -> CaseState:
        """The state right after ``event``, the first event of every case.

        Args:
            event: The case's first event.
            text_marker: A host's :class:`~mediation.markers.TextMarker` for the transcript
                markers (None: the lexicon marker the policy describes).

        Returns:
            The state.
        """
        parties = {party.id: party for party in event.parties}
        state = cls(
            text_marker=text_marker,
            case_id=event.case_id,
            process=event.process,
            policy=event.policy,
            parties=parties,
            mediator=event.mediator,
            supervisors=event.supervisors,
            relations=event.relations,
            stage=event.stage,
            limits=event.policy.deadlines,
            version=event.seq,
            opened_at=event.at,
            last_at=event.at,
            active=parties,
            issues={issue.id: issue for issue in event.issues} if event.issues else _EMPTY,
        )
        state.enter(event.stage, event.at)
        state._index("entered", event.stage, event.seq)
        for issue in event.issues:
            state._scan(event.seq, event.actor, issue.title)
        return state

    @classmethod
    def fold(cls, events: Iterable[ev.Event], text_marker: TextMarker | None = None) -> CaseState:
        """Rebuild the state from a case's events.

        Args:
            events: The case's events, in order.
            text_marker: As for :meth:`open`.

        Returns:
            The state.

        Raises:
            MarkerFailed: the text marker failed on a text.
            InvalidInput: the history does not start with ``case_opened`` or has a gap in
                its sequence numbers.
        """
        iterator = iter(events)
        first = next(iterator, None)
        if not isinstance(first, ev.CaseOpened) or first.seq != 1:
            raise InvalidInput("a case history must start with a case_opened event at seq 1")
        state = cls.open(first, text_marker)
        for event in iterator:
            state.apply(event)
        return state

    def apply(self, event: ev.Event) -> None:
        """Update the state with one more event (O(1) in the length of the history).

        Raises:
            InvalidInput: ``event.seq`` is not the next sequence number.
            MarkerFailed: the text marker failed on the event's text (the state is left
                as it was).
        """
        if event.seq != self.version + 1:
            raise InvalidInput(
                f"event seq {event.seq} does not follow {self.version} in case {self.case_id!r}"
            )
        handler = _HANDLERS.get(type(event))
        if handler is None:
            raise InvalidInput(f"event type {event.type_name!r} cannot follow the opening")
        try:
            handler(self, event)
        except (KeyError, AssertionError) as error:
            raise InvalidInput(
                f"event {event.seq} ({event.type_name}) does not fit the case history: {error!r}"
            ) from error
        self.version = event.seq
        self.last_at = event.at

    # -- derived views ------------------------------------------------------------------

    @property
    def airtime(self) -> dict[str, float]:
        """Seconds each party spoke in joint session, over all stages."""
        totals: dict[str, float] = {}
        for per_party in self.stage_airtime.values():
            for party, seconds in per_party.items():
                totals[party] = totals.get(party, 0.0) + seconds
        return totals

    @property
    def turns(self) -> dict[str, int]:
        """Statements each party made in joint session, over all stages."""
        totals: dict[str, int] = {}
        for per_party in self.stage_turns.values():
            for party, count in per_party.items():
                totals[party] = totals.get(party, 0) + count
        return totals

    def agreed_proposal(self) -> str | None:
        """Id of the latest proposal every taking-part party has accepted, if any."""
        active, proposals = self.active, self.proposals
        for proposal_id in reversed(tuple(proposals)):
            answers = proposals[proposal_id].answers
            for party in active:
                if answers.get(party) is not True:
                    break
            else:  # every party taking part accepted it
                return proposal_id
        return None

    def disqualifying_relations(self) -> tuple[Relation, ...]:
        """The current mediator's relationships with a party taking part whose kind the
        policy classes as disqualifying, in the order the mediator lists them."""
        kinds = self.policy.conflict_of_interest.disqualifying
        me = self.mediator.id
        return tuple(
            relation
            for relation in self.mediator.relationships
            if relation.kind in kinds
            and (relation.target if relation.source == me else relation.source) in self.active
        )

    def shuttle_safeguards(self) -> dict[str, int]:
        """The shuttle (caucus-only) safeguards standing: party taking part → seq of the
        ``safeguard_applied`` event that put it in place. Empty when the parties may meet.

        Once in place, a shuttle safeguard stands for the rest of the case (while the
        protected party takes part)."""
        if not self.safeguards_applied:  # the common case, asked before most moves
            return {}
        return {
            party: kinds["shuttle"]
            for party, kinds in self.safeguards_applied.items()
            if "shuttle" in kinds and party in self.active
        }

    def open_major_differences(self) -> tuple[str, ...]:
        """The major differences the agreement (the agreed proposal, if any) leaves open:
        not among the proposal's ``settles``, not escalated, not kept open by every party
        taking part (大事谈原则), in the order they were reserved."""
        agreed = self.agreed_proposal()
        settled = frozenset(self.proposals[agreed].settles) if agreed is not None else frozenset()
        return tuple(
            difference_id
            for difference_id, difference in self.differences.items()
            if difference.severity is Severity.MAJOR
            and difference_id not in settled
            and difference.escalated is None
            and not all(party in difference.kept_open for party in self.active)
        )

    def names(self, parties: Iterable[str]) -> Names:
        """Display names of ``parties`` for messages, in alphabetical order (an order that
        does not depend on the parties' labels or on the order they were listed in); a
        text joined with commas that other languages join their own way (:class:`Names`)."""
        return Names(sorted(self.parties[p].name if p in self.parties else p for p in parties))

    def non_mediable_issues(self) -> dict[str, frozenset[str]]:
        """Issue id → the non-mediable flags it carries under the policy."""
        found: dict[str, frozenset[str]] = {}
        for issue in self.issues.values():
            if not issue.flags:  # no flag, nothing non-mediable: the policy need not be asked
                continue
            flags = self.policy.is_non_mediable(issue.flags)
            if flags:
                found[issue.id] = flags
        return found

    # -- event handlers -----------------------------------------------------------------

    def enter(self, stage: str, at: datetime) -> None:
        """As :meth:`Schedule.enter`; overrides apply to one move only."""
        Schedule.enter(self, stage, at)
        if self.overrides:
            self.overrides = _EMPTY

    def _scan(self, seq: int, by: str, text: str) -> None:
        phrases = threat_phrases(text)
        if phrases:
            self.open_threats = _put(
                self.open_threats, seq, Threat(seq=seq, by=by, phrases=phrases)
            )
            self.threat_count += 1

    def _on_disclosure(self, event: ev.DisclosureMade) -> None:
        self.disclosure_seq = event.seq
        self.disclosed = self.disclosed.union(event.relationships)

    def _on_consent(self, event: ev.ConsentGiven) -> None:
        self.consent_seq = _put(self.consent_seq, event.actor, event.seq)

    def _on_issue_raised(self, event: ev.IssueRaised) -> None:
        self.issues = _put(self.issues, event.issue.id, event.issue)
        self._scan(event.seq, event.actor, event.issue.title)

    def _on_issue_flagged(self, event: ev.IssueFlagged) -> None:
        issue = self.issues[event.issue_id]
        flagged = attrs.evolve(issue, flags=issue.flags.union((event.flag,)))
        self.issues = _put(self.issues, event.issue_id, flagged)
        if self.open_threats:
            self.open_threats = _EMPTY

    def _on_stage_changed(self, event: ev.StageChanged) -> None:
        self.follow(event)
        self._index("entered", event.dest, event.seq)

    def _on_escalated(self, event: ev.Escalated) -> None:
        self.escalation = (event.authority, event.reason)
        self.follow(event)
        self._index("entered", "escalated", event.seq)

    def _on_closed(self, event: ev.Closed) -> None:
        self.follow(event)
        self.caucus = None
        self._index("entered", "closed", event.seq)

    def _on_statement(self, event: ev.StatementMade) -> None:
        party = event.actor
        stage = event.stage
        airtime = self.stage_airtime.get(stage)
        if airtime is None:
            airtime = {}
            self.stage_airtime = _put(self.stage_airtime, stage, airtime)
            self.stage_turns = _put(self.stage_turns, stage, {})
            self.first_speaker = _put(self.first_speaker, stage, party)
        airtime[party] = airtime.get(party, 0.0) + event.seconds
        turns = self.stage_turns[stage]
        turns[party] = turns.get(party, 0) + 1
        self._index("statement", stage, event.seq)
        self._scan(event.seq, party, event.text)

    def _on_restatement(self, event: ev.RestatementMade) -> None:
        restatement = Restatement(by=event.actor, about=event.about, text=event.text)
        self.restatements = _put(self.restatements, event.restatement_id, restatement)
        self._index("restatement", event.stage, event.seq)

    def _on_restatement_reviewed(self, event: ev.RestatementReviewed) -> None:
        restatement = self.restatements[event.restatement_id]
        restatement.accurate = event.accurate
        self._index("restatement", event.stage, event.seq)
        if event.accurate:
            self.confirmed_restaters = _put(self.confirmed_restaters, restatement.by, None)

    def _on_common_ground_proposed(self, event: ev.CommonGroundProposed) -> None:
        if event.actor == self.mediator.id:
            self.said(event.seq, event.text, self.named_in(event.text))
        item = CommonGroundItem(proposer=event.actor, text=event.text)
        self.common_ground = _put(self.common_ground, event.item_id, item)

    def _on_common_ground_assented(self, event: ev.CommonGroundAssented) -> None:
        self.common_ground[event.item_id].assents[event.actor] = None

    def _on_difference_reserved(self, event: ev.DifferenceReserved) -> None:
        difference = Difference(text=event.text, severity=event.severity, seq=event.seq)
        self.differences = _put(self.differences, event.difference_id, difference)

    def _on_difference_parked(self, event: ev.DifferenceParked) -> None:
        self.differences[event.difference_id].parked = True

    def _on_differences_confirmed(self, event: ev.DifferencesConfirmed) -> None:
        self.differences_confirmed = _put(self.differences_confirmed, event.actor, None)

    def _on_proposal_made(self, event: ev.ProposalMade) -> None:
        by_mediator = event.actor not in self.parties
        if by_mediator:
            self.said(event.seq, event.text, self.named_in(event.text))
        proposal = Proposal(
            by=event.actor,
            text=event.text,
            by_mediator=by_mediator,
            made_at=event.at,
            settles=event.settles,
            seq=event.seq,
        )
        if not by_mediator:
            proposal.answers[event.actor] = True
            proposal.accepted_at[event.actor] = (event.at, event.seq)
        else:
            in_stage = self.mediator_proposals = _owned(self.mediator_proposals)
            in_stage.setdefault(event.stage, []).append(event.proposal_id)
        self.proposals = _put(self.proposals, event.proposal_id, proposal)

    def _on_proposal_answered(self, event: ev.ProposalAnswered) -> None:
        proposal = self.proposals[event.proposal_id]
        proposal.answers[event.actor] = event.accepted
        if event.accepted:
            proposal.accepted_at[event.actor] = (event.at, event.seq)
        else:
            proposal.accepted_at.pop(event.actor, None)

    def _on_signed(self, event: ev.Signed) -> None:
        self.signatures = _put(self.signatures, event.actor, event.proposal_id)
        self.signed_at = _put(self.signed_at, event.actor, event.at)
        self._index("signed", event.proposal_id, event.seq)

    def _on_caucus_opened(self, event: ev.CaucusOpened) -> None:
        self.caucus = (event.caucus_id, Caucus(party=event.party, opened_at=event.at))
        self.caucus_count += 1
        self.caucus_offered = _put(self.caucus_offered, event.party, None)
        sessions = self.caucus_sessions.get(event.party, 0) + 1
        self.caucus_sessions = _put(self.caucus_sessions, event.party, sessions)
        self._index("caucus", event.party, event.seq)

    def _on_caucus_note(self, event: ev.CaucusNoteRecorded) -> None:
        assert self.caucus is not None
        party = self.caucus[1].party
        self.caucus_notes = _put(
            self.caucus_notes,
            event.note_id,
            CaucusNote(caucus_id=event.caucus_id, party=party, author=event.actor, text=event.text),
        )
        settings = self.policy.confidentiality
        if self.policy.mode_of("confidentiality") is not Mode.OFF:
            note = _Note(event.seq, party, _shingles(event.text, settings.shingle_words))
            if len(note.shingles) >= settings.min_shingles:
                transcript = self._own_transcript()
                transcript.notes = _put(transcript.notes, event.note_id, note)
                index = transcript.index = _owned(transcript.index)
                for shingle in note.shingles:
                    index.setdefault(shingle, {})[event.note_id] = None

    def _on_caucus_closed(self, event: ev.CaucusClosed) -> None:
        assert self.caucus is not None
        party = self.caucus[1].party
        seconds = self.caucus_seconds.get(party, 0.0) + event.seconds
        self.caucus_seconds = _put(self.caucus_seconds, party, seconds)
        self.caucus = None
        self._index("caucus", party, event.seq)

    def _on_sharing_allowed(self, event: ev.SharingAllowed) -> None:
        self.caucus_notes[event.note_id].shared = True
        if event.note_id not in self.transcript.notes:
            return
        transcript = self._own_transcript()
        notes = transcript.notes = _owned(transcript.notes)
        index = transcript.index = _owned(transcript.index)
        note = notes.pop(event.note_id)
        for shingle in note.shingles:
            holders = index[shingle]
            del holders[event.note_id]
            if not holders:
                del index[shingle]

    # -- what the mediator says -----------------------------------------------------------

    def named_in(self, text: str) -> tuple[str, ...]:
        """The parties taking part whom ``text`` names (by name or id, as whole words;
        a Chinese name anywhere in the text)."""
        keys = {word.key for word in words(text)}
        joined: str | None = None  # the text's words as one key, made when a name needs it
        named = []
        for party_id in self.active:
            party = self.parties[party_id]
            for label in (party.name, party_id):
                key, chinese = _label_key(label)
                if not key:
                    continue
                if chinese:
                    # Matched in the text's key, not its raw characters, so that a name
                    # mixing scripts ("Anna 李") is found whatever the case of its letters.
                    joined = key_of(text) if joined is None else joined
                    found = key in joined
                else:
                    found = all(part in keys for part in key.split(" "))
                if found:
                    named.append(party_id)
                    break
        return tuple(named)

    def said(self, seq: int, text: str, to: tuple[str, ...]) -> None:
        """The mediator said ``text`` (event ``seq``) in joint session, addressed to ``to``:
        run the text marker once and look for reproduced caucus notes.

        Raises:
            MarkerFailed: the text marker failed (nothing is changed).
        """
        policy = self.policy
        settings = policy.transcript_markers
        marked = False
        hits: tuple[Any, ...] = ()
        if policy.mode_of("transcript_markers") is not Mode.OFF:
            marker = self.text_marker if self.text_marker is not None else policy_marker(settings)
            hits = mark_text(marker, text, settings.language)
            marked = sum(hit.weight for hit in hits) >= settings.min_weight
        if self.transcript.index and self.caucus is None:
            self._find_leaks(seq, text)
        if not to and not marked:
            return
        transcript = self._own_transcript()
        if not to:
            transcript.unaddressed = _appended(transcript.unaddressed, seq)
            return
        texts = transcript.texts = _owned(transcript.texts)
        for party in to:
            texts[party] = texts.get(party, 0) + 1
            if hits:
                by_party = transcript.hits = _owned(transcript.hits)
                categories = by_party.setdefault(party, {})
                for hit in hits:
                    categories[hit.category] = categories.get(hit.category, 0) + 1
            if marked:
                marked_for = transcript.marked = _owned(transcript.marked)
                marked_for.setdefault(party, []).append(seq)

    def _find_leaks(self, seq: int, text: str) -> None:
        settings = self.policy.confidentiality
        transcript = self.transcript
        found = _shingles(text, settings.shingle_words)
        shared: dict[str, int] = {}
        for shingle in found:
            for note_id in transcript.index.get(shingle, ()):
                shared[note_id] = shared.get(note_id, 0) + 1
        # In the order the notes were taken: the shingles are a set, so the order they
        # were met in depends on the process's string hashing.
        for note_id, count in sorted(shared.items(), key=lambda kv: transcript.notes[kv[0]].seq):
            note = transcript.notes[note_id]
            share = count / len(note.shingles)
            if share >= settings.leak_threshold:
                leak = TranscriptLeak(seq, note.seq, note.party, share)
                transcript = self._own_transcript()
                transcript.leaks = _appended(transcript.leaks, leak)

    def _on_withdrew(self, event: ev.Withdrew) -> None:
        self.active = {
            party_id: party for party_id, party in self.active.items() if party_id != event.actor
        }
        if self.caucus is not None and self.caucus[1].party == event.actor:
            self.caucus = None

    def _on_deadline_set(self, event: ev.DeadlineSet) -> None:
        self.follow(event)
        self._index("deadline", event.for_stage, event.seq)
        pressure = (event.at, event.due, event.seq)
        self.deadline_pressure = _put(self.deadline_pressure, event.for_stage, pressure)

    def _on_mediator_reassigned(self, event: ev.MediatorReassigned) -> None:
        self.mediator = event.mediator
        self.disclosure_seq = None
        self.disclosed = frozenset()


def _on_intervened(state: CaseState, event: ev.MediatorIntervened) -> None:
    if event.text:
        state.said(event.seq, event.text, (event.party,))
    interventions = state.interventions = _owned(state.interventions)
    counts = interventions.setdefault(event.party, {})
    counts[event.kind] = counts.get(event.kind, 0) + 1
    by_stage = state.stage_interventions = _owned(state.stage_interventions)
    in_stage = by_stage.setdefault(event.stage, {}).setdefault(event.party, {})
    in_stage[event.kind] = in_stage.get(event.kind, 0) + 1
    state._index("intervention", event.party, event.seq)


def _on_caucus_offered(state: CaseState, event: ev.CaucusOffered) -> None:
    state.caucus_offered = _put(state.caucus_offered, event.party, None)
    offers = state.caucus_offers.get(event.party, 0) + 1
    state.caucus_offers = _put(state.caucus_offers, event.party, offers)
    state._index("caucus", event.party, event.seq)


def _on_support_person(state: CaseState, event: ev.SupportPersonJoined) -> None:
    persons = state.support_persons = _owned(state.support_persons)
    persons.setdefault(event.party, []).append(event.name)
    _safeguard(state, event.party, "support_person", event.seq)


def _safeguard(state: CaseState, party: str, kind: str, seq: int) -> None:
    safeguards = state.safeguards_applied = _owned(state.safeguards_applied)
    safeguards.setdefault(party, {})[kind] = seq


def _on_conflict_waived(state: CaseState, event: ev.ConflictWaived) -> None:
    waivers = state.waivers = _owned(state.waivers)
    waivers.setdefault(event.relation, {})[event.actor] = event.seq


def _on_screened(state: CaseState, event: ev.PartyScreened) -> None:
    state.screenings = _put(state.screenings, event.party, event.seq)
    positive = tuple(domain for domain in ScreeningDomain if event.answers.get(domain))
    state.screening_positive = _put(state.screening_positive, event.party, positive)
    # A routine "no concern" with nothing written down does not answer a threat on
    # record: the screening must find a concern or say in its note how it was looked at.
    if state.open_threats and (positive or event.note.strip()):
        state.open_threats = _EMPTY


def _on_safeguard_applied(state: CaseState, event: ev.SafeguardApplied) -> None:
    _safeguard(state, event.party, event.safeguard.value, event.seq)


def _on_difference_escalated(state: CaseState, event: ev.DifferenceEscalated) -> None:
    state.differences[event.difference_id].escalated = event.seq


def _on_difference_kept_open(state: CaseState, event: ev.DifferenceKeptOpen) -> None:
    state.differences[event.difference_id].kept_open[event.actor] = event.seq


def _on_finding(state: CaseState, event: ev.FindingRecorded) -> None:
    state.findings = _appended(state.findings, event)
    keys = state.recorded_keys
    if type(keys) is not set:
        keys = state.recorded_keys = set(keys)
    keys.add((event.check, event.code, event.parties))
    if event.check == "confidentiality" and event.code == "caucus_leak":
        # The check reports every leak not yet on record at once, before the move.
        transcript = state._own_transcript()
        transcript.leaks_on_record = len(transcript.leaks)
    if event.check == "responsiveness" and event.code == "deadline_passed":
        stage = event.about_stage or event.stage
        due = state.deadlines.get(stage)
        if due is not None:
            state.deadline_findings = _put(state.deadline_findings, stage, due)


def _on_valuations(state: CaseState, event: ev.ValuationsGiven) -> None:
    state.valuations = _put(state.valuations, event.actor, dict(event.valuations))


def _on_suggestion_requested(state: CaseState, event: ev.SuggestionRequested) -> None:
    state.suggestion_requests = _put(state.suggestion_requests, event.actor, None)


def _on_override(state: CaseState, event: ev.BlockOverridden) -> None:
    overrides = state.overrides = _owned(state.overrides)
    for code in event.codes:
        overrides[code] = event.reason


def _on_content_erased(state: CaseState, event: ev.ContentErased) -> None:
    """Erasure changes no figure of the fold (content is not counted)."""


_HANDLERS: dict[type[ev.Event], Callable[[CaseState, Any], None]] = {
    ev.ContentErased: _on_content_erased,
    ev.DisclosureMade: CaseState._on_disclosure,
    ev.ConsentGiven: CaseState._on_consent,
    ev.IssueRaised: CaseState._on_issue_raised,
    ev.IssueFlagged: CaseState._on_issue_flagged,
    ev.StageChanged: CaseState._on_stage_changed,
    ev.Escalated: CaseState._on_escalated,
    ev.Closed: CaseState._on_closed,
    ev.StatementMade: CaseState._on_statement,
    ev.RestatementMade: CaseState._on_restatement,
    ev.RestatementReviewed: CaseState._on_restatement_reviewed,
    ev.CommonGroundProposed: CaseState._on_common_ground_proposed,
    ev.CommonGroundAssented: CaseState._on_common_ground_assented,
    ev.DifferenceReserved: CaseState._on_difference_reserved,
    ev.DifferenceParked: CaseState._on_difference_parked,
    ev.DifferencesConfirmed: CaseState._on_differences_confirmed,
    ev.ProposalMade: CaseState._on_proposal_made,
    ev.ProposalAnswered: CaseState._on_proposal_answered,
    ev.Signed: CaseState._on_signed,
    ev.CaucusOpened: CaseState._on_caucus_opened,
    ev.CaucusNoteRecorded: CaseState._on_caucus_note,
    ev.CaucusClosed: CaseState._on_caucus_closed,
    ev.SharingAllowed: CaseState._on_sharing_allowed,
    ev.Withdrew: CaseState._on_withdrew,
    ev.DeadlineSet: CaseState._on_deadline_set,
    ev.MediatorReassigned: CaseState._on_mediator_reassigned,
    ev.MediatorIntervened: _on_intervened,
    ev.CaucusOffered: _on_caucus_offered,
    ev.SupportPersonJoined: _on_support_person,
    ev.FindingRecorded: _on_finding,
    ev.BlockOverridden: _on_override,
    ev.ValuationsGiven: _on_valuations,
    ev.SuggestionRequested: _on_suggestion_requested,
    ev.ConflictWaived: _on_conflict_waived,
    ev.PartyScreened: _on_screened,
    ev.SafeguardApplied: _on_safeguard_applied,
    ev.DifferenceEscalated: _on_difference_escalated,
    ev.DifferenceKeptOpen: _on_difference_kept_open,
}
