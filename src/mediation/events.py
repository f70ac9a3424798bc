"""Event records: everything that ever happens to a case, as immutable data.

Each event type has a stable ``type_name`` (never a module path) and a ``schema_version``.
:func:`to_dict` and :func:`from_dict` convert events to and from plain JSON-compatible
dictionaries through cattrs; nothing named in stored data is ever imported or evaluated:
the type name is looked up in :data:`EVENT_TYPES`, a fixed table.

Every event carries the envelope fields ``seq`` (1-based position in its case), ``at``
(timezone-aware time from the case's injected clock), ``actor`` (who issued the command)
and ``stage`` (the stage the case was in when the event was recorded).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date, datetime, timedelta
from enum import Enum
from fractions import Fraction
from typing import Any, ClassVar, TypeVar

import attrs
import cattrs
from cattrs.gen import make_dict_structure_fn

from mediation.errors import InvalidInput
from mediation.model import (
    Issue,
    Mediator,
    Outcome,
    Party,
    Relation,
    RelationKind,
    ScreeningDomain,
    Severity,
)
from mediation.policy import Mode, Policy, Safeguard, ScreeningResponse, Style

__all__ = [
    "EVENT_TYPES",
    "BlockOverridden",
    "CaseOpened",
    "CaucusClosed",
    "CaucusNoteRecorded",
    "CaucusOffered",
    "CaucusOpened",
    "Closed",
    "CommonGroundAssented",
    "CommonGroundProposed",
    "ConflictWaived",
    "ConsentGiven",
    "ContentErased",
    "DeadlineSet",
    "DifferenceEscalated",
    "DifferenceKeptOpen",
    "DifferenceParked",
    "DifferenceReserved",
    "DifferencesConfirmed",
    "DisclosureMade",
    "Escalated",
    "Event",
    "FindingRecorded",
    "IssueFlagged",
    "IssueRaised",
    "MediatorIntervened",
    "MediatorReassigned",
    "PartyScreened",
    "ProposalAnswered",
    "ProposalMade",
    "RestatementMade",
    "RestatementReviewed",
    "SafeguardApplied",
    "SharingAllowed",
    "Signed",
    "StageChanged",
    "StatementMade",
    "SuggestionRequested",
    "SupportPersonJoined",
    "ValuationsGiven",
    "Withdrew",
    "from_dict",
    "to_dict",
]


@attrs.frozen(kw_only=True)
class Event:
    """Base of every event: the envelope fields.

    Attributes:
        seq: Position of the event in its case, starting at 1.
        at: When it was recorded (timezone-aware).
        actor: Id of who issued the command that recorded it.
        stage: The stage the case was in when it was recorded.
    """

    type_name: ClassVar[str] = "event"
    schema_version: ClassVar[int] = 1

    seq: int
    at: datetime
    actor: str
    stage: str


@attrs.frozen(kw_only=True)
class CaseOpened(Event):
    """A case was opened with its parties, mediator and rules."""

    type_name: ClassVar[str] = "case_opened"

    case_id: str
    process: str
    parties: tuple[Party, ...]
    mediator: Mediator
    supervisors: tuple[str, ...] = ()
    relations: tuple[Relation, ...] = ()
    issues: tuple[Issue, ...] = ()
    policy: Policy = attrs.field(factory=Policy.default)


@attrs.frozen(kw_only=True)
class DisclosureMade(Event):
    """The mediator disclosed relationships (possibly none) to every party."""

    type_name: ClassVar[str] = "disclosure_made"

    relationships: tuple[Relation, ...]
    statement: str


@attrs.frozen(kw_only=True)
class ConsentGiven(Event):
    """A party (the actor) consented to mediation after the latest disclosure."""

    type_name: ClassVar[str] = "consent_given"


@attrs.frozen(kw_only=True)
class ConflictWaived(Event):
    """A party (the actor) waived, in writing and informed by the disclosure, a
    disqualifying relationship of the mediator."""

    type_name: ClassVar[str] = "conflict_waived"

    relation: Relation
    statement: str


@attrs.frozen(kw_only=True)
class PartyScreened(Event):
    """The mediator (the actor) screened ``party`` in private.

    Confidential: reader views show it only to the mediator and the screened party.
    ``answers[domain]`` is True when the answer is positive (a concern was found).
    """

    type_name: ClassVar[str] = "party_screened"

    party: str
    answers: Mapping[ScreeningDomain, bool] = attrs.field(hash=False)
    note: str = ""


@attrs.frozen(kw_only=True)
class SafeguardApplied(Event):
    """The mediator put a safeguard in place for ``party`` (e.g. shuttle format)."""

    type_name: ClassVar[str] = "safeguard_applied"

    party: str
    safeguard: Safeguard
    reason: str = ""


@attrs.frozen(kw_only=True)
class IssueRaised(Event):
    """An issue was put on the table."""

    type_name: ClassVar[str] = "issue_raised"

    issue: Issue


@attrs.frozen(kw_only=True)
class IssueFlagged(Event):
    """A screening flag was set on an issue."""

    type_name: ClassVar[str] = "issue_flagged"

    issue_id: str
    flag: str


@attrs.frozen(kw_only=True)
class StageChanged(Event):
    """The case moved from ``source`` to ``dest`` through ``trigger``."""

    type_name: ClassVar[str] = "stage_changed"

    trigger: str
    source: str
    dest: str
    reason: str = ""


@attrs.frozen(kw_only=True)
class Escalated(Event):
    """The matter was handed to a named authority; the case is now ``escalated``."""

    type_name: ClassVar[str] = "escalated"

    authority: str
    reason: str


@attrs.frozen(kw_only=True)
class Closed(Event):
    """The case closed with an outcome."""

    type_name: ClassVar[str] = "closed"

    outcome: Outcome
    reason: str = ""


@attrs.frozen(kw_only=True)
class StatementMade(Event):
    """A party (the actor) spoke in a joint session for ``seconds``."""

    type_name: ClassVar[str] = "statement_made"

    text: str
    seconds: float


@attrs.frozen(kw_only=True)
class RestatementMade(Event):
    """The actor restated the view of party ``about`` in their own words."""

    type_name: ClassVar[str] = "restatement_made"

    restatement_id: str
    about: str
    text: str


@attrs.frozen(kw_only=True)
class RestatementReviewed(Event):
    """The restated party (the actor) said whether a restatement was accurate."""

    type_name: ClassVar[str] = "restatement_reviewed"

    restatement_id: str
    accurate: bool
    comment: str = ""


@attrs.frozen(kw_only=True)
class CommonGroundProposed(Event):
    """Someone put forward a point of common ground."""

    type_name: ClassVar[str] = "common_ground_proposed"

    item_id: str
    text: str


@attrs.frozen(kw_only=True)
class CommonGroundAssented(Event):
    """A party (the actor) assented to a common-ground item."""

    type_name: ClassVar[str] = "common_ground_assented"

    item_id: str


@attrs.frozen(kw_only=True)
class DifferenceReserved(Event):
    """A difference was listed and reserved, marked major or minor."""

    type_name: ClassVar[str] = "difference_reserved"

    difference_id: str
    text: str
    severity: Severity


@attrs.frozen(kw_only=True)
class DifferenceParked(Event):
    """A minor difference was parked: it does not go on to compromise."""

    type_name: ClassVar[str] = "difference_parked"

    difference_id: str


@attrs.frozen(kw_only=True)
class DifferenceEscalated(Event):
    """The mediator handed one difference to a named authority (the rest goes on)."""

    type_name: ClassVar[str] = "difference_escalated"

    difference_id: str
    authority: str
    reason: str


@attrs.frozen(kw_only=True)
class DifferenceKeptOpen(Event):
    """A party (the actor) agreed, explicitly, to leave a major difference open in the
    agreement."""

    type_name: ClassVar[str] = "difference_kept_open"

    difference_id: str


@attrs.frozen(kw_only=True)
class DifferencesConfirmed(Event):
    """A party (the actor) confirmed that the list of differences is complete."""

    type_name: ClassVar[str] = "differences_confirmed"


@attrs.frozen(kw_only=True)
class ProposalMade(Event):
    """A proposal was put forward (by a party, or by the mediator as a suggestion).

    A mediator's settlement suggestion also names the ``procedure`` that computed it and
    its exact terms: ``shares[party][item]`` and, for money-balancing procedures,
    ``payments[party]`` (received; negative when paid).
    """

    type_name: ClassVar[str] = "proposal_made"

    proposal_id: str
    text: str
    procedure: str = ""
    shares: Mapping[str, Mapping[str, Fraction]] = attrs.field(factory=dict, hash=False)
    payments: Mapping[str, Fraction] = attrs.field(factory=dict, hash=False)
    settles: tuple[str, ...] = ()
    """Ids of the reserved differences the proposal's terms settle."""


@attrs.frozen(kw_only=True)
class ValuationsGiven(Event):
    """In caucus, a party (the actor) told the mediator how much each item is worth to it.

    Confidential to that party: used only to compute a settlement suggestion.
    """

    type_name: ClassVar[str] = "valuations_given"

    caucus_id: str
    valuations: Mapping[str, Fraction] = attrs.field(hash=False)


@attrs.frozen(kw_only=True)
class SuggestionRequested(Event):
    """A party (the actor) asked for, or agreed to, an evaluative settlement suggestion."""

    type_name: ClassVar[str] = "suggestion_requested"


@attrs.frozen(kw_only=True)
class ProposalAnswered(Event):
    """A party (the actor) accepted or rejected a proposal."""

    type_name: ClassVar[str] = "proposal_answered"

    proposal_id: str
    accepted: bool


@attrs.frozen(kw_only=True)
class Signed(Event):
    """A party (the actor) signed the agreement (the accepted proposal)."""

    type_name: ClassVar[str] = "signed"

    proposal_id: str


@attrs.frozen(kw_only=True)
class CaucusOpened(Event):
    """The mediator opened a private session with one party."""

    type_name: ClassVar[str] = "caucus_opened"

    caucus_id: str
    party: str


@attrs.frozen(kw_only=True)
class CaucusNoteRecorded(Event):
    """Something said in caucus; confidential to the caucus party unless shared."""

    type_name: ClassVar[str] = "caucus_note_recorded"

    caucus_id: str
    note_id: str
    text: str


@attrs.frozen(kw_only=True)
class CaucusClosed(Event):
    """The private session ended."""

    type_name: ClassVar[str] = "caucus_closed"

    caucus_id: str
    seconds: float


@attrs.frozen(kw_only=True)
class SharingAllowed(Event):
    """The caucus party (the actor) allowed a caucus note to be shared with everyone."""

    type_name: ClassVar[str] = "sharing_allowed"

    note_id: str


@attrs.frozen(kw_only=True)
class Withdrew(Event):
    """A party (the actor) withdrew from the mediation."""

    type_name: ClassVar[str] = "withdrew"

    reason: str = ""


@attrs.frozen(kw_only=True)
class DeadlineSet(Event):
    """A due time was set for a stage."""

    type_name: ClassVar[str] = "deadline_set"

    for_stage: str
    due: datetime


@attrs.frozen(kw_only=True)
class MediatorReassigned(Event):
    """A supervisor replaced the mediator; the new one must disclose afresh."""

    type_name: ClassVar[str] = "mediator_reassigned"

    mediator: Mediator
    reason: str


@attrs.frozen(kw_only=True)
class MediatorIntervened(Event):
    """The mediator addressed a party: invited them to speak, paraphrased or asked them."""

    type_name: ClassVar[str] = "mediator_intervened"

    kind: str
    """``invite``, ``paraphrase`` or ``question``."""
    party: str
    text: str = ""


@attrs.frozen(kw_only=True)
class CaucusOffered(Event):
    """The mediator offered a party a private session."""

    type_name: ClassVar[str] = "caucus_offered"

    party: str


@attrs.frozen(kw_only=True)
class SupportPersonJoined(Event):
    """A support person joined to accompany a party."""

    type_name: ClassVar[str] = "support_person_joined"

    party: str
    name: str


@attrs.frozen(kw_only=True)
class FindingRecorded(Event):
    """A neutrality check found something and the process went on (``warn``, or a
    ``block`` a supervisor overrode)."""

    type_name: ClassVar[str] = "finding_recorded"

    check: str
    code: str
    message: str
    parties: tuple[str, ...] = ()
    source: str = ""
    mode: str = "warn"
    overridden: bool = False
    about_stage: str = ""
    """The stage the finding concerns, when not the stage it was recorded in."""
    evidence: tuple[int, ...] = ()
    """The seqs of the events the finding rests on. Left out of the stored form when
    empty, so findings recorded before the field existed keep their canonical bytes."""


@attrs.frozen(kw_only=True)
class BlockOverridden(Event):
    """A supervisor overrode blocking findings for the next move from this stage."""

    type_name: ClassVar[str] = "block_overridden"

    codes: tuple[str, ...]
    reason: str


@attrs.frozen(kw_only=True)
class ContentErased(Event):
    """Personal content was erased from earlier events (a request, or a retention rule).

    The erased fields' commitments stay in the chain, so it still verifies; their content
    and salts are gone. Recorded by the store, not by a command of the case.

    Attributes:
        spans: What was erased, each ``"<seq>.<field>"`` (e.g. ``"6.text"``).
        grounds: Under what: the retention rule or the request, in words.
        role: The role the actor erased in (one the data policy allows to erase).
        subject: The party whose content was erased, when the erasure was per party.
    """

    type_name: ClassVar[str] = "content_erased"

    spans: tuple[str, ...]
    grounds: str
    role: str
    subject: str = ""


_ALL_EVENT_CLASSES: tuple[type[Event], ...] = (
    CaseOpened,
    DisclosureMade,
    ConsentGiven,
    IssueRaised,
    IssueFlagged,
    StageChanged,
    Escalated,
    Closed,
    StatementMade,
    RestatementMade,
    RestatementReviewed,
    CommonGroundProposed,
    CommonGroundAssented,
    DifferenceReserved,
    DifferenceParked,
    DifferencesConfirmed,
    ProposalMade,
    ProposalAnswered,
    Signed,
    CaucusOpened,
    CaucusNoteRecorded,
    CaucusClosed,
    SharingAllowed,
    Withdrew,
    DeadlineSet,
    MediatorReassigned,
    MediatorIntervened,
    CaucusOffered,
    SupportPersonJoined,
    FindingRecorded,
    BlockOverridden,
    ValuationsGiven,
    SuggestionRequested,
    ContentErased,
    ConflictWaived,
    PartyScreened,
    SafeguardApplied,
    DifferenceEscalated,
    DifferenceKeptOpen,
)

EVENT_TYPES: Mapping[str, type[Event]] = {cls.type_name: cls for cls in _ALL_EVENT_CLASSES}
"""Stable type name → event class. The only way stored data selects a class."""

E = TypeVar("E", bound=Event)


def _direct_maker(cls: type[E]) -> Callable[[int, datetime, str, str, dict[str, Any]], E]:
    """A function ``make(seq, at, actor, stage, fields)`` that makes the same ``cls`` as
    ``cls(seq=seq, at=at, actor=actor, stage=stage, **fields)``, setting its slots
    directly.

    A case builds each event from values its command has checked, and the events' classes
    have no validators or converters, so the class call does nothing but store the
    fields — through a dictionary that gathers the keywords, the generated ``__init__``
    and the frozen class's guarded ``object.__setattr__``. The function made here reads
    the command's fields from their dictionary and stores each through its slot's own
    descriptor: about half the work. Fields it does not know, or a missing one, go to
    the class call, which says what is wrong. It is generated from the class's fields
    (names, order, defaults and factories); a class with a field that has a validator, a
    converter, a factory that takes the instance, an alias or no place in ``__init__``
    gets the class call itself. Tests hold the two to equal events.

    Args:
        cls: An event class.

    Returns:
        The maker.
    """
    fields = attrs.fields(cls)
    namespace: dict[str, Any] = {"_new": object.__new__, "_cls": cls, "_NOTHING": attrs.NOTHING}
    call = "_cls(seq=seq, at=at, actor=actor, stage=stage, **fields)"
    if [field.name for field in fields[:4]] != ["seq", "at", "actor", "stage"] or any(
        not field.init
        or field.alias != field.name
        or field.validator is not None
        or field.converter is not None
        or (isinstance(field.default, attrs.Factory) and field.default.takes_self)  # type: ignore[arg-type]
        for field in fields
    ):
        lines = ["def make(seq, at, actor, stage, fields):", f"    return {call}"]
    else:
        namespace["_names"] = frozenset(field.name for field in fields[4:])
        namespace["_required"] = frozenset(
            field.name for field in fields[4:] if field.default is attrs.NOTHING
        )
        lines = [
            "def make(seq, at, actor, stage, fields):",
            "    given = fields.keys()",
            "    if not (given >= _required and given <= _names):",
            f"        return {call}",
            "    self = _new(_cls)",
        ]
        for index, field in enumerate(fields):
            name, default = field.name, field.default
            namespace[f"_set{index}"] = getattr(cls, name).__set__
            if index < 4:  # the envelope: seq, at, actor, stage
                value = name
            elif default is attrs.NOTHING:
                value = f"fields[{name!r}]"
            elif isinstance(default, attrs.Factory):  # type: ignore[arg-type]
                # As attrs does: a new value from the factory for each event not given one.
                namespace[f"_factory{index}"] = default.factory
                value = f"fields[{name!r}] if {name!r} in fields else _factory{index}()"
            else:
                namespace[f"_default{index}"] = default
                value = f"fields.get({name!r}, _default{index})"
            lines.append(f"    _set{index}(self, {value})")
        lines.append("    return self")
    source = "\n".join(lines) + "\n"
    exec(compile(source, f"<direct maker of {cls.__name__}>", "exec"), namespace)
    maker: Callable[[int, datetime, str, str, dict[str, Any]], E] = namespace["make"]
    return maker


DIRECT_MAKERS: Mapping[type[Event], Callable[[int, datetime, str, str, dict[str, Any]], Event]] = {
    cls: _direct_maker(cls) for cls in _ALL_EVENT_CLASSES
}
"""Event class → the function a case builds its events with (see :func:`_direct_maker`)."""


def _enum_value(member: Enum) -> Any:
    return member.value


_converter = cattrs.Converter(forbid_extra_keys=True)
_converter.register_unstructure_hook(datetime, datetime.isoformat)
_converter.register_structure_hook(datetime, lambda value, _: _parse_time(value))
_converter.register_unstructure_hook(date, date.isoformat)
_converter.register_structure_hook(date, lambda value, _: _parse_date(value))
_converter.register_unstructure_hook(timedelta, timedelta.total_seconds)
_converter.register_structure_hook(timedelta, lambda value, _: timedelta(seconds=value))
_converter.register_unstructure_hook_func(
    lambda cls: getattr(cls, "__origin__", cls) is frozenset, sorted
)
_converter.register_unstructure_hook(Fraction, str)
_converter.register_structure_hook(Fraction, lambda value, _: _parse_fraction(value))
for _enum in (
    RelationKind,
    Severity,
    Outcome,
    Mode,
    Safeguard,
    Style,
    ScreeningDomain,
    ScreeningResponse,
):
    # str-valued enums would otherwise pass through as enum members (str's hook wins).
    _converter.register_unstructure_hook(_enum, _enum_value)


def _parse_fraction(value: Any) -> Fraction:
    if not isinstance(value, str):
        raise InvalidInput(f"an exact number is written as a string like '5/6'; got {value!r}")
    try:
        return Fraction(value)
    except (ValueError, ZeroDivisionError):
        raise InvalidInput(f"not an exact number: {value!r}") from None


def _parse_date(value: Any) -> date:
    if not isinstance(value, str):
        raise InvalidInput(f"a date must be an ISO 8601 string; got {value!r}")
    return date.fromisoformat(value)


def _parse_time(value: Any) -> datetime:
    if not isinstance(value, str):
        raise InvalidInput(f"time must be an ISO 8601 string; got {value!r}")
    parsed = datetime.fromisoformat(value)
    if parsed.tzinfo is None:
        raise InvalidInput(f"time must carry a UTC offset; got {value!r}")
    return parsed


def _finding_recorded_unstructure() -> Callable[[FindingRecorded], dict[str, Any]]:
    general = _converter.gen_unstructure_attrs_fromdict(FindingRecorded)

    def unstructure(event: FindingRecorded) -> dict[str, Any]:
        fields: dict[str, Any] = general(event)
        if not event.evidence:
            del fields["evidence"]
        return fields

    return unstructure


_converter.register_unstructure_hook(FindingRecorded, _finding_recorded_unstructure())


def _proposal_made_unstructure() -> Callable[[ProposalMade], dict[str, Any]]:
    general = _converter.gen_unstructure_attrs_fromdict(ProposalMade)

    def unstructure(event: ProposalMade) -> dict[str, Any]:
        # ``settles`` is left out of the stored form when empty, so proposals recorded
        # before the field existed keep their canonical bytes.
        fields: dict[str, Any] = general(event)
        if not event.settles:
            del fields["settles"]
        return fields

    return unstructure


_converter.register_unstructure_hook(ProposalMade, _proposal_made_unstructure())

# Each class's generated unstructure function, looked up once rather than dispatched on
# every call (to_dict runs on every append, for the canonical bytes).
_UNSTRUCTURE: Mapping[type[Event], Callable[[Event], dict[str, Any]]] = {
    cls: _converter.get_unstructure_hook(cls) for cls in _ALL_EVENT_CLASSES
}


def to_dict(event: Event) -> dict[str, Any]:
    """Return a JSON-compatible dictionary for ``event``, with ``type`` and ``v`` keys first.

    Args:
        event: Any event.

    Returns:
        ``{"type": type_name, "v": schema_version, <fields>...}``.
    """
    unstructure = _UNSTRUCTURE.get(type(event)) or _converter.unstructure
    return {"type": event.type_name, "v": event.schema_version, **unstructure(event)}


_Structure = Callable[[Mapping[str, Any], Any], Event]


def _quick_structure(cls: type[Event]) -> tuple[frozenset[str], _Structure]:
    # Generated by cattrs without per-field error collection: the common case (a valid
    # stored event) is decoded at replay speed; anything wrong is decoded again by the
    # detailed converter, which says what is wrong.
    names = frozenset(field.name for field in attrs.fields(cls)) | {"type", "v"}
    function = make_dict_structure_fn(
        cls, _converter, _cattrs_forbid_extra_keys=False, _cattrs_detailed_validation=False
    )
    return names, function


_QUICK: Mapping[type[Event], tuple[frozenset[str], _Structure]] = {
    cls: _quick_structure(cls) for cls in _ALL_EVENT_CLASSES
}


def from_dict(data: Mapping[str, Any]) -> Event:
    """Rebuild an event from :func:`to_dict` output.

    Raises:
        InvalidInput: unknown type name, unsupported schema version, or malformed fields.
    """
    if type(data) is not dict and not isinstance(data, Mapping):  # a dict: no ABC check
        raise InvalidInput(f"an event is a mapping of fields; got {type(data).__name__}")
    cls = EVENT_TYPES.get(data.get("type"))  # type: ignore[arg-type]
    if cls is not None and data.get("v") == cls.schema_version:
        names, quick = _QUICK[cls]
        if names.issuperset(data):
            try:
                return quick(data, cls)
            except Exception:  # the detailed decoding below says what is wrong
                pass
    fields = dict(data)
    type_name = fields.pop("type", None)
    version = fields.pop("v", None)
    cls = EVENT_TYPES.get(type_name) if isinstance(type_name, str) else None
    if cls is None:
        raise InvalidInput(f"unknown event type {type_name!r}")
    if version != cls.schema_version:
        raise InvalidInput(
            f"event type {type_name!r} has schema version {cls.schema_version}; got {version!r}"
        )
    try:
        return _converter.structure(fields, cls)
    except cattrs.BaseValidationError as error:
        problems = cattrs.transform_error(error, format_exception=_describe_problem)
        raise InvalidInput(f"malformed {type_name!r} event: {'; '.join(problems)}") from error
    except (TypeError, KeyError, ValueError) as error:
        raise InvalidInput(f"malformed {type_name!r} event: {error}") from error


def _describe_problem(error: BaseException, _type: Any) -> str:
    if isinstance(error, KeyError):
        return "required field missing"
    if isinstance(error, cattrs.ForbiddenExtraKeysError):
        return f"unexpected fields {sorted(error.extra_fields)}"
    return str(error)
