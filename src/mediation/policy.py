"""The policy a case runs under: host choices that are data, never code.

A :class:`Policy` says which issue flags take a matter out of mediation, which escalation
authorities exist besides the built-in ones, and how long each stage may take. It is
recorded in the case's first event, so a replay and an audit see the rules in force.
"""

from __future__ import annotations

import math
import os
from collections.abc import Iterable, Mapping
from datetime import date, timedelta
from enum import Enum
from typing import Any

import attrs
import cattrs

from mediation._catalogs import N_
from mediation._readonly import ReadOnlyMap
from mediation._strict import (
    DEFAULT_MAX_DEPTH,
    check_nesting,
    describe_errors,
    load_toml,
    strict_converter,
    strict_enum,
    to_date,
)
from mediation.errors import InvalidInput, InvalidLexicon
from mediation.markers import Lexicon
from mediation.model import (
    NON_MEDIABLE_FLAGS,
    Authority,
    RelationKind,
    ScreeningDomain,
    check_id,
    relation_kind,
)

__all__ = [
    "BUILT_IN_CHECKS",
    "CaucusBalance",
    "CaucusParity",
    "Confidentiality",
    "ConflictOfInterest",
    "JointVoice",
    "Limits",
    "MajorDifferences",
    "MediatorConduct",
    "MediatorStyle",
    "Mode",
    "Policy",
    "PowerImbalance",
    "Pressure",
    "Reciprocity",
    "RelationshipSafeguards",
    "Responsiveness",
    "Safeguard",
    "Screening",
    "ScreeningResponse",
    "Style",
    "ThreatLanguage",
    "TranscriptMarkers",
    "VoiceBalance",
]


class Mode(str, Enum):
    """What a neutrality check does when it finds something."""

    BLOCK = "block"
    """Refuse the stage change (a supervisor may override, with a recorded reason)."""
    WARN = "warn"
    """Record the finding as an event and go on."""
    OFF = "off"
    """Do not run the check."""


class Safeguard(str, Enum):
    """Safeguards a policy can require when one party manages another."""

    CAUCUS_OFFER = "caucus_offer"
    """The subordinate is offered a caucus before the compromise stage."""
    SUBORDINATE_SPEAKS_FIRST = "subordinate_speaks_first"
    """In listening, the subordinate speaks before the manager."""
    SUPPORT_PERSON = "support_person"
    """The subordinate has a support person present before listening starts."""
    SHUTTLE = "shuttle"
    """Caucus-only (shuttle) format: the mediator meets the parties apart; chosen with
    :meth:`~mediation.Mediation.apply_safeguard` after screening."""


class ScreeningResponse(str, Enum):
    """What a positive screening answer requires before the case leaves intake."""

    ESCALATE = "escalate"
    """The case must be escalated: mediation is not safe or not appropriate."""
    SAFEGUARD = "safeguard"
    """A safeguard for the screened party (a support person, or shuttle format)."""
    NOTE = "note"
    """Recorded only."""


def _as_float(value: float) -> float:
    # A whole number stands for the same number: stored as a float, so the recorded policy
    # reads back (and re-encodes) exactly. Anything else is left for the validator to refuse.
    if isinstance(value, int) and not isinstance(value, bool):
        try:
            return float(value)
        except OverflowError:
            return value
    return value


def _positive(_instance: Any, attribute: attrs.Attribute[Any], value: object) -> None:
    if (
        isinstance(value, bool)
        or not isinstance(value, (int, float))
        or not (math.isfinite(value) and value > 0)
    ):
        raise InvalidInput.of(
            "positive_finite_number",
            N_("{name} must be a positive finite number; got {value!r}"),
            name=attribute.name,
            value=value,
        )


def _at_least_one(_instance: Any, attribute: attrs.Attribute[Any], value: float) -> None:
    _positive(_instance, attribute, value)
    if float(value) < 1:
        raise InvalidInput.of(
            "max_min_ratio",
            N_("{name} is a max/min ratio and must be >= 1; got {value!r}"),
            name=attribute.name,
            value=value,
        )


def _gini_bound(_instance: Any, attribute: attrs.Attribute[Any], value: float) -> None:
    _positive(_instance, attribute, value)
    if float(value) > 1:
        raise InvalidInput.of(
            "gini_bound",
            N_("{name} is a Gini bound in (0, 1]; got {value!r}"),
            name=attribute.name,
            value=value,
        )


def _alpha(_instance: Any, attribute: attrs.Attribute[Any], value: float) -> None:
    _positive(_instance, attribute, value)
    if float(value) > 0.5:
        raise InvalidInput.of(
            "significance_level",
            N_("{name} is a significance level in (0, 0.5]; got {value!r}"),
            name=attribute.name,
            value=value,
        )


def _duration(value: object) -> timedelta:
    if isinstance(value, bool) or not isinstance(value, (timedelta, int, float)):
        raise InvalidInput.of(
            "expected_duration_timedelta",
            N_("expected a duration (timedelta or seconds); got {value!r}"),
            value=value,
        )
    delta = value if isinstance(value, timedelta) else timedelta(seconds=value)
    if delta < timedelta(0):
        raise InvalidInput.of(
            "duration_cannot_negative",
            N_("a duration cannot be negative; got {value!r}"),
            value=value,
        )
    return delta


def _count(_instance: Any, attribute: attrs.Attribute[Any], value: object) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise InvalidInput.of(
            "not_whole",
            N_("{name} must be a whole number >= 0; got {value!r}"),
            name=attribute.name,
            value=value,
        )


def _stage_name(_instance: Any, attribute: attrs.Attribute[Any], value: object) -> None:
    check_id(value, attribute.name)


def _to_mode(value: object) -> Mode:
    try:
        return Mode(value)
    except ValueError:
        raise InvalidInput.of(
            "unknown_mode",
            N_("mode must be one of block, warn, off; got {value!r}"),
            value=value,
        ) from None


def _to_safeguards(value: Iterable[str]) -> frozenset[Safeguard]:
    if isinstance(value, str):
        raise InvalidInput.of(
            "safeguards_list_string",
            N_("safeguards must be a list, not the string {value!r}"),
            value=value,
        )
    try:
        return frozenset(Safeguard(item) for item in value)
    except ValueError:
        raise InvalidInput.of(
            "unknown_safeguard",
            N_("unknown safeguard in {value}; known: {known}"),
            value=list(value),
            known=[s.value for s in Safeguard],
        ) from None


@attrs.frozen(kw_only=True)
class VoiceBalance:
    """Voice balance: airtime and turns per party in ``stage``, as shares.

    Both measures are checked against both bounds; a party that never spoke still counts
    (with a share of 0, which makes the max/min ratio infinite).

    Attributes:
        mode: Default ``block``: leaving ``stage`` is refused while out of balance.
        stage: The stage whose talk is measured (default ``listening``).
        max_gini: Highest Gini coefficient of the shares allowed (default 0.3).
        max_ratio: Highest ratio of the largest share to the smallest (default 3.0).
    """

    mode: Mode = attrs.field(default=Mode.BLOCK, converter=_to_mode)
    stage: str = attrs.field(default="listening", validator=_stage_name)
    max_gini: float = attrs.field(default=0.3, converter=_as_float, validator=_gini_bound)
    max_ratio: float = attrs.field(default=3.0, converter=_as_float, validator=_at_least_one)


@attrs.frozen(kw_only=True)
class Reciprocity:
    """Perspective-swap reciprocity: every party restated someone's view, and had its own
    view restated, with the restatement confirmed — nobody skipped.

    Attributes:
        mode: Default ``block``.
        stage: The perspective-swap stage (default ``perspective_swap``).
    """

    mode: Mode = attrs.field(default=Mode.BLOCK, converter=_to_mode)
    stage: str = attrs.field(default="perspective_swap", validator=_stage_name)


@attrs.frozen(kw_only=True)
class CaucusParity:
    """Caucus parity: once any party had a caucus, every other party is offered one before
    ``before_stage``; caucus time among the parties who had one stays within a ratio.

    Attributes:
        mode: Default ``block``.
        before_stage: Checked on entering this stage (default ``compromise``).
        max_time_ratio: Highest ratio of the longest total caucus time to the shortest
            (default 2.0).
    """

    mode: Mode = attrs.field(default=Mode.BLOCK, converter=_to_mode)
    before_stage: str = attrs.field(default="compromise", validator=_stage_name)
    max_time_ratio: float = attrs.field(default=2.0, converter=_as_float, validator=_at_least_one)


@attrs.frozen(kw_only=True)
class MediatorConduct:
    """Even-handed mediator conduct: invitations to speak, paraphrases and questions the
    mediator addressed to each party — the observable markers of neutrality.

    Attributes:
        mode: Default ``warn``: markers are evidence, not proof.
        max_ratio: Highest ratio of the most-addressed party's count to the least (default 2.0).
        min_interventions: Below this many interventions in all, nothing is judged (default 6).
        alpha: Significance level of the one-sided exact binomial test per kind and per
            stage (default 0.1: 4:0 is caught, 3:2 and 3:0 are not; see
            :mod:`mediation.neutrality.exact`).
    """

    mode: Mode = attrs.field(default=Mode.WARN, converter=_to_mode)
    max_ratio: float = attrs.field(default=2.0, converter=_as_float, validator=_at_least_one)
    min_interventions: int = attrs.field(default=6, validator=_count)
    alpha: float = attrs.field(default=0.1, converter=_as_float, validator=_alpha)


@attrs.frozen(kw_only=True)
class JointVoice:
    """Voice in every joint stage and over the whole case: airtime and turns per party.

    A stage is judged when it is left, once it holds at least as many statements as there
    are parties (fewer cannot show that anyone was kept from speaking); the whole case is
    judged on every forward move, with the same bounds.

    Attributes:
        mode: Default ``warn``.
        max_gini: Highest Gini coefficient of the shares (default 0.3).
        max_ratio: Highest largest/smallest ratio (default 3.0).
    """

    mode: Mode = attrs.field(default=Mode.WARN, converter=_to_mode)
    max_gini: float = attrs.field(default=0.3, converter=_as_float, validator=_gini_bound)
    max_ratio: float = attrs.field(default=3.0, converter=_as_float, validator=_at_least_one)


@attrs.frozen(kw_only=True)
class CaucusBalance:
    """Caucus time over the whole case, every party counted, at every forward move.

    A party who declined its offer counts with zero time: the offer satisfies caucus
    parity, not a one-sided time balance.

    Attributes:
        mode: Default ``warn``.
        max_time_ratio: Highest longest/shortest ratio of caucus time (default 2.0).
        min_gap: A gap between the longest and the shortest total below this is not judged
            (default 90 minutes: one ordinary caucus, commonly 30 to 60 minutes, with a
            party whose counterpart declined is not an imbalance; hours are).
    """

    mode: Mode = attrs.field(default=Mode.WARN, converter=_to_mode)
    max_time_ratio: float = attrs.field(default=2.0, converter=_as_float, validator=_at_least_one)
    min_gap: timedelta = attrs.field(default=timedelta(minutes=90), converter=_duration)


class Style(str, Enum):
    """The mediator's style on Riskin's grid (Riskin 1996, 1 Harv. Negot. L. Rev. 7)."""

    FACILITATIVE = "facilitative"
    """The mediator helps the parties find their own terms and proposes none unasked."""
    EVALUATIVE = "evaluative"
    """The mediator may assess and propose terms; each such move is recorded and checked."""


def _to_style(value: object) -> Style:
    try:
        return Style(value)
    except ValueError:
        raise InvalidInput.of(
            "unknown_style",
            N_("style must be facilitative or evaluative; got {value!r}"),
            value=value,
        ) from None


@attrs.frozen(kw_only=True)
class MediatorStyle:
    """Facilitative or evaluative: may the mediator propose terms?

    Facilitative (the default): a substantive proposal by the mediator (``propose``) needs
    every party's request (``request_suggestion``), like ``suggest_settlement``; ``block``
    refuses it, ``warn`` records a finding with it. Evaluative: allowed, and every
    mediator proposal must be put to every party (answered by all) before the case moves.

    Attributes:
        mode: Default ``block``.
        style: Default ``facilitative``.
    """

    mode: Mode = attrs.field(default=Mode.BLOCK, converter=_to_mode)
    style: Style = attrs.field(default=Style.FACILITATIVE, converter=_to_style)


@attrs.frozen(kw_only=True)
class Pressure:
    """Pressure and reflection: time to decide on a proposal, time before signing.

    Attributes:
        mode: Default ``warn``.
        reflection: How long the parties have to reflect on a solution the mediator
            proposed before the first signature (EU Directive 2013/11/EU Art. 9(2)(a);
            default 1 hour — the directive leaves the length to the host).
        min_decision_time: An acceptance sooner than this after a deadline was set for
            the stage, or after the proposal when a deadline is pending, is made under
            pressure (default 10 minutes).
        fresh_deadline: A deadline set less than this before it falls due is a pressing
            one (default 1 day).
    """

    mode: Mode = attrs.field(default=Mode.WARN, converter=_to_mode)
    reflection: timedelta = attrs.field(default=timedelta(hours=1), converter=_duration)
    min_decision_time: timedelta = attrs.field(default=timedelta(minutes=10), converter=_duration)
    fresh_deadline: timedelta = attrs.field(default=timedelta(days=1), converter=_duration)


@attrs.frozen(kw_only=True)
class PowerImbalance:
    """Safeguards when one party manages another (leader and subordinate).

    Attributes:
        mode: Default ``block``.
        safeguards: Which safeguards apply; default: a caucus offered to the subordinate.
        caucus_before_stage: The stage a caucus offer must precede (default ``compromise``).
        listening_stage: The stage where the subordinate speaks first (default ``listening``).
    """

    mode: Mode = attrs.field(default=Mode.BLOCK, converter=_to_mode)
    safeguards: frozenset[Safeguard] = attrs.field(
        default=frozenset({Safeguard.CAUCUS_OFFER}), converter=_to_safeguards
    )
    caucus_before_stage: str = attrs.field(default="compromise", validator=_stage_name)
    listening_stage: str = attrs.field(default="listening", validator=_stage_name)


@attrs.frozen(kw_only=True)
class Responsiveness:
    """Responsiveness: stage deadlines (``Policy.deadlines``) are kept.

    Attributes:
        mode: Default ``warn``: an overdue stage is recorded as a finding.
        escalate_to: When set, reviewing an overdue case also escalates it to this authority.
    """

    mode: Mode = attrs.field(default=Mode.WARN, converter=_to_mode)
    escalate_to: str | None = None


def _significance(_instance: Any, attribute: attrs.Attribute[Any], value: float) -> None:
    _positive(_instance, attribute, value)
    if float(value) > 0.5:
        raise InvalidInput.of(
            "significance_level",
            N_("{name} is a significance level in (0, 0.5]; got {value!r}"),
            name=attribute.name,
            value=value,
        )


def _share(_instance: Any, attribute: attrs.Attribute[Any], value: float) -> None:
    _positive(_instance, attribute, value)
    if float(value) > 1:
        raise InvalidInput.of(
            "not_a_share",
            N_("{name} is a share in (0, 1]; got {value!r}"),
            name=attribute.name,
            value=value,
        )


def _whole_from(low: int) -> Any:
    def check(_instance: Any, attribute: attrs.Attribute[Any], value: object) -> None:
        if isinstance(value, bool) or not isinstance(value, int) or value < low:
            raise InvalidInput.of(
                "not_whole",
                N_("{name} must be a whole number >= {low}; got {value!r}"),
                name=attribute.name,
                low=low,
                value=value,
            )

    return check


def _marker_language(_instance: Any, attribute: attrs.Attribute[Any], value: object) -> None:
    if value != "auto":
        check_id(value, attribute.name)


def _check_bool(_instance: Any, attribute: attrs.Attribute[Any], value: object) -> None:
    if not isinstance(value, bool):
        raise InvalidInput.of(
            "not_bool",
            N_("{name} must be True or False; got {value!r}"),
            name=attribute.name,
            value=value,
        )


def _frozen_table(value: Any) -> Any:
    """``value`` with every table read-only and every list a tuple (TOML's and JSON's
    shapes: what a lexicon table is made of)."""
    if isinstance(value, Mapping):
        return ReadOnlyMap({key: _frozen_table(item) for key, item in value.items()})
    if isinstance(value, (list, tuple)):
        return tuple(_frozen_table(item) for item in value)
    return value


def _to_lexicons(value: Mapping[str, Any]) -> Mapping[str, Mapping[str, Any]]:
    if not isinstance(value, Mapping):
        raise InvalidInput.of(
            "transcript_markers_lexicons",
            N_("transcript_markers.lexicons must be a table of language -> lexicon; got {value!r}"),
            value=value,
        )
    tables: dict[str, Mapping[str, Any]] = {}
    for language, table in value.items():
        where = f"transcript_markers.lexicons.{language}"
        try:
            Lexicon.from_dict(table, source="policy", language=str(language))
        except InvalidLexicon as error:
            key = f"{where}.{error.key}" if error.key else where
            raise InvalidLexicon("policy", None, key, error.problem) from None
        tables[str(language)] = _frozen_table(table)
    return ReadOnlyMap(tables)


@attrs.frozen(kw_only=True)
class TranscriptMarkers:
    """Transcript markers: loaded or judgmental wording, blame, sweeping generalizations
    and dismissal in what the mediator says to each party, counted per party and compared.

    A text (a paraphrase, a question, a proposal) is *marked* when the weights of its
    markers add up to ``min_weight``. The check fires when one party received at least
    ``min_marked`` marked texts and an exact one-sided binomial test of its count, against
    an equal share for every party, gives ``p <= alpha``: with two parties 4:0 fires
    (p = 0.0625), 3:2 does not (p = 0.5).

    Attributes:
        mode: Default ``warn``: markers are evidence, not proof.
        alpha: Significance level of the test (default 0.1).
        min_marked: Fewest marked texts at one party before anything is judged (default 3).
        min_weight: Marker weight that makes a text marked (default 1.0: one loaded word,
            or two half-weight generalizations).
        language: ``auto`` (every lexicon; words told apart by script) or a language tag.
        builtin_lexicons: Whether the built-in ``en`` and ``zh`` lexicons apply (default
            true); false leaves only the policy's own.
        lexicons: Language → a lexicon table in the format of the lexicon files (see
            :mod:`mediation.markers`), validated strictly: it extends the built-in lexicon
            of the same language, or adds a language.
    """

    mode: Mode = attrs.field(default=Mode.WARN, converter=_to_mode)
    alpha: float = attrs.field(default=0.1, validator=_significance)
    min_marked: int = attrs.field(default=3, validator=_whole_from(1))
    min_weight: float = attrs.field(default=1.0, validator=_positive)
    language: str = attrs.field(default="auto", validator=_marker_language)
    builtin_lexicons: bool = attrs.field(default=True, validator=_check_bool)
    lexicons: Mapping[str, Mapping[str, Any]] = attrs.field(
        factory=dict, converter=_to_lexicons, hash=False
    )

    def __attrs_post_init__(self) -> None:
        if not self.builtin_lexicons and not self.lexicons:
            raise InvalidInput.of(
                "transcript_markers_builtin",
                N_("transcript_markers.builtin_lexicons is false but the policy gives no lexicons"),
            )


@attrs.frozen(kw_only=True)
class Confidentiality:
    """Caucus confidentiality beyond ownership of notes: a text the mediator says in joint
    session that reproduces a caucus note its party did not allow to be shared.

    Reproduction is measured by shingled containment (:func:`mediation.markers.containment`):
    the share of the note's runs of ``shingle_words`` words that occur in the text.

    Attributes:
        mode: Default ``block``: a leak needs a supervisor's recorded decision to go on.
        leak_threshold: Containment at which a text reproduces a note (default 0.5).
        shingle_words: Words per shingle (default 3).
        min_shingles: Notes with fewer shingles are too short to tell (default 3).
    """

    mode: Mode = attrs.field(default=Mode.BLOCK, converter=_to_mode)
    leak_threshold: float = attrs.field(default=0.5, validator=_share)
    shingle_words: int = attrs.field(default=3, validator=_whole_from(1))
    min_shingles: int = attrs.field(default=3, validator=_whole_from(1))


def _to_relation_kinds(value: Iterable[Any]) -> frozenset[RelationKind]:
    if isinstance(value, str):
        raise InvalidInput.of(
            "relation_kinds_list",
            N_("relation kinds must be a list, not the string {value!r}"),
            value=value,
        )
    return frozenset(relation_kind(item) for item in value)


@attrs.frozen(kw_only=True)
class ConflictOfInterest:
    """Conflicts of interest by severity (Model Standards Std. III).

    A mediator's relationship with a party is *disqualifying* when its kind is in
    ``disqualifying`` (default: the mediator manages or reports to a party, or is family),
    and merely *disclosable* otherwise (disclosure and consent suffice). A disqualifying
    relationship blocks leaving intake until every party has waived it in writing
    (:meth:`~mediation.Mediation.waive_conflict`) — when ``allow_waiver`` — or the case
    is handed to an independent mediator (:meth:`~mediation.Mediation.reassign_mediator`).

    Attributes:
        mode: Default ``block``.
        disqualifying: The relation kinds that disqualify the mediator.
        allow_waiver: Whether an informed written waiver by every party lifts the conflict
            (default True); a strict policy sets False, and only reassignment helps.
    """

    mode: Mode = attrs.field(default=Mode.BLOCK, converter=_to_mode)
    disqualifying: frozenset[RelationKind] = attrs.field(
        default=frozenset({RelationKind.MANAGES, RelationKind.REPORTS_TO, RelationKind.FAMILY}),
        converter=_to_relation_kinds,
    )
    allow_waiver: bool = attrs.field(default=True)

    @allow_waiver.validator
    def _check_allow_waiver(self, attribute: attrs.Attribute[Any], value: object) -> None:
        if not isinstance(value, bool):
            raise InvalidInput.of(
                "not_bool",
                N_("{name} must be True or False; got {value!r}"),
                name=attribute.name,
                value=value,
            )


_DEFAULT_RESPONSES: dict[ScreeningDomain, ScreeningResponse] = {
    ScreeningDomain.SAFETY: ScreeningResponse.ESCALATE,
    ScreeningDomain.HARASSMENT: ScreeningResponse.ESCALATE,
    ScreeningDomain.RETALIATION: ScreeningResponse.SAFEGUARD,
    ScreeningDomain.CAPACITY: ScreeningResponse.SAFEGUARD,
    ScreeningDomain.POWER: ScreeningResponse.SAFEGUARD,
}


def _to_responses(value: Mapping[Any, Any]) -> Mapping[ScreeningDomain, ScreeningResponse]:
    if not isinstance(value, Mapping):
        raise InvalidInput.of(
            "screening_responses_table",
            N_("screening responses must be a table; got {value!r}"),
            value=value,
        )
    responses = dict(_DEFAULT_RESPONSES)
    for domain, response in value.items():
        try:
            key = ScreeningDomain(domain)
        except ValueError:
            raise InvalidInput.of(
                "unknown_screening_domain",
                N_("unknown screening domain {domain!r}; known: {known}"),
                domain=domain,
                known=[d.value for d in ScreeningDomain],
            ) from None
        try:
            responses[key] = ScreeningResponse(response)
        except ValueError:
            raise InvalidInput.of(
                "screening_response",
                N_("screening response for {key} must be one of {known}; got {response!r}"),
                key=key.value,
                known=[r.value for r in ScreeningResponse],
                response=response,
            ) from None
    return ReadOnlyMap(responses)


def _to_screening_safeguards(value: Iterable[str]) -> frozenset[Safeguard]:
    safeguards = _to_safeguards(value)
    allowed = {Safeguard.SUPPORT_PERSON, Safeguard.SHUTTLE}
    if not safeguards or not safeguards <= allowed:
        raise InvalidInput.of(
            "screening_safeguards_more",
            N_("screening safeguards must be one or more of {allowed}; got {safeguards}"),
            allowed=sorted(s.value for s in allowed),
            safeguards=sorted(s.value for s in safeguards),
        )
    return safeguards


@attrs.frozen(kw_only=True)
class Screening:
    """Screening at intake (MASIC; ABA/AFCC guidelines): every party is screened in private
    by the mediator before the case leaves ``stage``, and what a positive answer requires.

    Attributes:
        mode: Default ``block``.
        stage: The stage that cannot be left unscreened (default ``intake``).
        responses: Domain → what a positive answer requires (default: safety and
            harassment escalate; retaliation, capacity and power need a safeguard).
        safeguards: Which safeguards satisfy a ``safeguard`` response (any one of them):
            a support person, shuttle (caucus-only) format. Default both.
    """

    mode: Mode = attrs.field(default=Mode.BLOCK, converter=_to_mode)
    stage: str = attrs.field(default="intake", validator=_stage_name)
    responses: Mapping[ScreeningDomain, ScreeningResponse] = attrs.field(
        factory=lambda: dict(_DEFAULT_RESPONSES), converter=_to_responses, hash=False
    )
    safeguards: frozenset[Safeguard] = attrs.field(
        default=frozenset({Safeguard.SUPPORT_PERSON, Safeguard.SHUTTLE}),
        converter=_to_screening_safeguards,
    )


@attrs.frozen(kw_only=True)
class ThreatLanguage:
    """Threat language: an issue or statement whose text reads like a threat (en and zh)
    asks the mediator to screen the parties again or flag the issue.

    Attributes:
        mode: Default ``warn``: a lexicon is evidence, not proof.
    """

    mode: Mode = attrs.field(default=Mode.WARN, converter=_to_mode)


@attrs.frozen(kw_only=True)
class MajorDifferences:
    """大事谈原则，小事谈风格: no agreement while a major difference is neither settled by
    a term of the agreed proposal, escalated, nor kept open by every party.

    Attributes:
        mode: Default ``block``: the agreement cannot be reached or signed.
    """

    mode: Mode = attrs.field(default=Mode.BLOCK, converter=_to_mode)


_DEFAULT_RELATION_SAFEGUARDS: dict[RelationKind, frozenset[Safeguard]] = {
    RelationKind.CLIENT: frozenset({Safeguard.CAUCUS_OFFER}),
    RelationKind.SUPPLIER: frozenset({Safeguard.CAUCUS_OFFER}),
    RelationKind.OTHER_DEPARTMENT: frozenset({Safeguard.CAUCUS_OFFER}),
    RelationKind.PUBLIC: frozenset({Safeguard.CAUCUS_OFFER, Safeguard.SUBORDINATE_SPEAKS_FIRST}),
}


def _to_relation_safeguards(
    value: Mapping[Any, Iterable[str]],
) -> Mapping[RelationKind, frozenset[Safeguard]]:
    if not isinstance(value, Mapping):
        raise InvalidInput.of(
            "relationship_safeguards_table",
            N_("relationship safeguards must be a table; got {value!r}"),
            value=value,
        )
    table: dict[RelationKind, frozenset[Safeguard]] = {}
    for kind, safeguards in value.items():
        key = relation_kind(kind)
        if key in (RelationKind.MANAGES, RelationKind.REPORTS_TO):
            raise InvalidInput.of(
                "safeguards_are_set",
                N_("safeguards for {key} are set in power_imbalance, not here"),
                key=key.value,
            )
        table[key] = _to_safeguards(safeguards)
    return ReadOnlyMap(table)


@attrs.frozen(kw_only=True)
class RelationshipSafeguards:
    """Default safeguards per relationship between parties — the seed's relationships
    besides leader and subordinate (those are :class:`PowerImbalance`'s).

    The *protected* side of each relation gets the safeguards: the supplier (economic
    dependence on the client), the member of the public (facing the office that serves
    them), and both sides of another department (each may answer to its own head).

    Attributes:
        mode: Default ``warn``.
        safeguards: Relation kind → safeguards; default: client and supplier ``caucus_offer``
            (economic dependence), another department ``caucus_offer``, the public
            ``caucus_offer`` and ``subordinate_speaks_first`` (the member of the public
            speaks first); colleague, friend and the rest none.
        caucus_before_stage: The stage a caucus offer must precede (default ``compromise``).
        listening_stage: The stage where the protected party speaks first.
    """

    mode: Mode = attrs.field(default=Mode.WARN, converter=_to_mode)
    safeguards: Mapping[RelationKind, frozenset[Safeguard]] = attrs.field(
        factory=lambda: dict(_DEFAULT_RELATION_SAFEGUARDS),
        converter=_to_relation_safeguards,
        hash=False,
    )
    caucus_before_stage: str = attrs.field(default="compromise", validator=_stage_name)
    listening_stage: str = attrs.field(default="listening", validator=_stage_name)


def _to_custom_modes(value: Mapping[str, Any]) -> Mapping[str, Mode]:
    return ReadOnlyMap(
        {check_id(code, "check code"): _to_mode(mode) for code, mode in dict(value).items()}
    )


def _to_flags(value: Iterable[str]) -> frozenset[str]:
    if isinstance(value, str):
        raise InvalidInput.of(
            "non_mediable_flags",
            N_("non_mediable_flags must be a collection of flags, not the string {value!r}"),
            value=value,
        )
    return frozenset(check_id(flag, "non-mediable flag") for flag in value)


def _to_authorities(value: Iterable[str]) -> tuple[str, ...]:
    if isinstance(value, str):
        raise InvalidInput.of(
            "authorities_collection_names",
            N_("authorities must be a collection of names, not the string {value!r}"),
            value=value,
        )
    names = tuple(
        check_id(name.value if isinstance(name, Authority) else name, "authority") for name in value
    )
    if len(set(names)) != len(names):
        raise InvalidInput.of(
            "authorities_contain_duplicate",
            N_("authorities contain a duplicate: {names}"),
            names=list(names),
        )
    return names


def _to_deadlines(value: Mapping[str, Any]) -> Mapping[str, timedelta]:
    deadlines: dict[str, timedelta] = {}
    for stage, limit in dict(value).items():
        check_id(str(stage), "deadline stage")
        if isinstance(limit, bool) or not isinstance(limit, (timedelta, int, float)):
            raise InvalidInput.of(
                "deadline_stage_timedelta",
                N_(
                    "deadline for stage {stage!r} must be a timedelta or a number of seconds; got "
                    "{limit!r}"
                ),
                stage=stage,
                limit=limit,
            )
        delta = limit if isinstance(limit, timedelta) else timedelta(seconds=limit)
        if delta <= timedelta(0):
            raise InvalidInput.of(
                "deadline_stage_positive",
                N_("deadline for stage {stage!r} must be positive; got {limit!r}"),
                stage=stage,
                limit=limit,
            )
        deadlines[str(stage)] = delta
    return ReadOnlyMap(deadlines)


def _limit_count(_instance: Any, attribute: attrs.Attribute[Any], value: object) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise InvalidInput.of(
            "limits_whole_number",
            N_("limits.{name} must be a whole number >= 1; got {value!r}"),
            name=attribute.name,
            value=value,
        )


def _limit_number(_instance: Any, attribute: attrs.Attribute[Any], value: object) -> None:
    if (
        isinstance(value, bool)
        or not isinstance(value, (int, float))
        or not (math.isfinite(value) and value > 0)
    ):
        raise InvalidInput.of(
            "limits_positive_finite",
            N_("limits.{name} must be a positive finite number; got {value!r}"),
            name=attribute.name,
            value=value,
        )


@attrs.frozen(kw_only=True)
class Limits:
    """How large and how far the inputs a case accepts may go, as policy data.

    Commands refuse (with :class:`~mediation.errors.InvalidInput`, naming the argument) what
    goes beyond these limits; configuration and import readers refuse deeper or longer
    input. The defaults are generous for any real mediation and small enough that no single
    input can exhaust memory, overflow arithmetic or produce a date that cannot be stored.

    Attributes:
        statement_bytes: Most UTF-8 bytes of one text a person gives: a statement, a note,
            a reason, a proposal's wording (default 65,536 — about 30 pages).
        max_duration_seconds: Longest single duration a command accepts, such as a
            speaking turn or a caucus (default 86,400: one day).
        max_amount: Largest absolute value of an amount or valuation (default 10¹²).
        earliest_date: Earliest date a time given to a command may fall on
            (default 1970-01-01).
        latest_date: Latest such date, deadlines included (default 2999-12-31).
        max_nesting_depth: Deepest nesting of tables and lists in TOML or JSON input
            (policies, scenarios, imported events; default 32).
        import_max_lines: Most lines in one export file read for verification or import
            (default 1,000,000).
        import_max_line_bytes: Most bytes in one line of an export file
            (default 4,194,304: 4 MiB).
    """

    statement_bytes: int = attrs.field(default=65_536, validator=_limit_count)
    max_duration_seconds: float = attrs.field(
        default=86_400.0, converter=_as_float, validator=_limit_number
    )
    max_amount: float = attrs.field(default=1e12, converter=_as_float, validator=_limit_number)
    earliest_date: date = attrs.field(default=date(1970, 1, 1), converter=to_date)
    latest_date: date = attrs.field(default=date(2999, 12, 31), converter=to_date)
    max_nesting_depth: int = attrs.field(default=32, validator=_limit_count)
    import_max_lines: int = attrs.field(default=1_000_000, validator=_limit_count)
    import_max_line_bytes: int = attrs.field(default=4_194_304, validator=_limit_count)

    def __attrs_post_init__(self) -> None:
        if self.earliest_date >= self.latest_date:
            raise InvalidInput.of(
                "limits_earliest_date",
                N_(
                    "limits.earliest_date {earliest_date} must come before limits.latest_date "
                    "{latest_date}"
                ),
                earliest_date=self.earliest_date,
                latest_date=self.latest_date,
            )


@attrs.frozen(kw_only=True)
class Policy:
    """Host-configurable rules for a case.

    Attributes:
        non_mediable_flags: Issue flags that force escalation; a case with such an issue can
            never reach ``listening``. Default: :data:`~mediation.model.NON_MEDIABLE_FLAGS`.
        authorities: Names of the authorities a case may be escalated to. Default: the
            built-in :class:`~mediation.model.Authority` values; a host adds its own.
        deadlines: How long each stage may take, from the moment it is entered, keyed by
            stage name. Stages without an entry have no deadline.
        supervisor_reads_text: Whether a supervisor's redacted view of a case
            (:func:`mediation.audit.view`) shows what was said in joint session (statements,
            restatements, proposals). Default ``False``: supervisors see the process, not
            the words. Caucus notes stay confidential to their party whatever this says.
        limits: How large and how far inputs may go (see :class:`Limits`).
    """

    non_mediable_flags: frozenset[str] = attrs.field(
        default=NON_MEDIABLE_FLAGS, converter=_to_flags
    )
    authorities: tuple[str, ...] = attrs.field(
        default=tuple(authority.value for authority in Authority), converter=_to_authorities
    )
    deadlines: Mapping[str, timedelta] = attrs.field(
        factory=dict, converter=_to_deadlines, hash=False
    )
    supervisor_reads_text: bool = attrs.field(default=False, validator=_check_bool)
    voice_balance: VoiceBalance = attrs.field(factory=VoiceBalance)
    reciprocity: Reciprocity = attrs.field(factory=Reciprocity)
    caucus_parity: CaucusParity = attrs.field(factory=CaucusParity)
    mediator_conduct: MediatorConduct = attrs.field(factory=MediatorConduct)
    power_imbalance: PowerImbalance = attrs.field(factory=PowerImbalance)
    responsiveness: Responsiveness = attrs.field(factory=Responsiveness)
    joint_voice: JointVoice = attrs.field(factory=JointVoice)
    caucus_balance: CaucusBalance = attrs.field(factory=CaucusBalance)
    mediator_style: MediatorStyle = attrs.field(factory=MediatorStyle)
    pressure: Pressure = attrs.field(factory=Pressure)
    transcript_markers: TranscriptMarkers = attrs.field(factory=TranscriptMarkers)
    confidentiality: Confidentiality = attrs.field(factory=Confidentiality)
    conflict_of_interest: ConflictOfInterest = attrs.field(factory=ConflictOfInterest)
    screening: Screening = attrs.field(factory=Screening)
    threat_language: ThreatLanguage = attrs.field(factory=ThreatLanguage)
    major_differences: MajorDifferences = attrs.field(factory=MajorDifferences)
    relationship_safeguards: RelationshipSafeguards = attrs.field(factory=RelationshipSafeguards)
    custom_checks: Mapping[str, Mode] = attrs.field(
        factory=dict, converter=_to_custom_modes, hash=False
    )
    """Modes for checks a host registers (by code); a host check absent here uses its
    own default."""
    limits: Limits = attrs.field(factory=Limits)
    """Sizes, durations, amounts, dates and nesting the case accepts (see :class:`Limits`)."""

    def __attrs_post_init__(self) -> None:
        escalate_to = self.responsiveness.escalate_to
        if escalate_to is not None and escalate_to not in self.authorities:
            raise InvalidInput.of(
                "unknown_authority",
                N_(
                    "responsiveness.escalate_to {escalate_to!r} is not one of the authorities "
                    "{authorities}"
                ),
                escalate_to=escalate_to,
                authorities=list(self.authorities),
            )

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], source: str | None = None) -> Policy:
        """Build a policy from plain data (as read from TOML or JSON).

        Structuring is strict: a value of the wrong type is refused, never converted
        (``"false"`` is not a boolean, ``"0.2"`` not a number, ``1.5`` not a whole number),
        as are unknown keys, non-finite numbers and data nested deeper than
        :attr:`Limits.max_nesting_depth` allows by default. Nothing in the data is
        imported, evaluated or executed.

        Args:
            data: The policy's tables and values.
            source: Where the data came from (e.g. a file name): error messages start
                with it.

        Returns:
            The policy.

        Raises:
            InvalidInput: the message names the source, each bad key by its dotted path
                (``policy.voice_balance.max_gini``) and the type or range expected.
        """
        prefix = f"{source}: " if source else ""
        if not isinstance(data, Mapping):
            raise InvalidInput.of(
                "policy_table_settings",
                N_("{prefix}a policy must be a table of settings; got {data!r}"),
                prefix=prefix,
                data=data,
            )
        check_nesting(data, DEFAULT_MAX_DEPTH, source or "policy")
        try:
            return _policy_converter.structure(dict(data), cls)
        except cattrs.BaseValidationError as error:
            raise InvalidInput.of(
                "invalid_policy",
                N_("{prefix}{problems}"),
                prefix=prefix,
                problems=describe_errors(error, "policy"),
            ) from None
        except InvalidInput as error:
            raise InvalidInput.of(
                "invalid_policy", N_("{prefix}policy: {error}"), prefix=prefix, error=error
            ) from None

    @classmethod
    def from_toml(cls, text: str, source: str | None = None) -> Policy:
        """Build a policy from TOML text (see ``examples/hr_policy.toml``).

        Args:
            text: The TOML document.
            source: Where the text came from (e.g. a file name): error messages start
                with it.

        Returns:
            The policy.

        Raises:
            InvalidInput: malformed or too deeply nested TOML, or an invalid setting.
        """
        return cls.from_dict(load_toml(text, source or "policy"), source)

    @classmethod
    def load(cls, path: str | os.PathLike[str]) -> Policy:
        """Read a policy from a TOML file.

        Args:
            path: The file.

        Returns:
            The policy.

        Raises:
            InvalidInput: as :meth:`from_toml`, or the file is not UTF-8 text; the
                message starts with the file name.
            OSError: the file cannot be read.
        """
        source = os.fspath(path)
        with open(path, "rb") as file:
            raw = file.read()
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            raise InvalidInput.of(
                "not_utf8", N_("{source}: not UTF-8 text"), source=source
            ) from None
        return cls.from_toml(text, source)

    def mode_of(self, code: str, default: Mode = Mode.WARN) -> Mode:
        """The mode of a built-in check family or of a host check registered by ``code``."""
        settings = getattr(self, code, None) if code in BUILT_IN_CHECKS else None
        if settings is not None:
            return settings.mode  # type: ignore[no-any-return]
        return self.custom_checks.get(code, default)

    @classmethod
    def default(cls) -> Policy:
        """The documented defaults: the five non-mediable flags, the four built-in
        authorities, and no stage deadlines."""
        return _DEFAULT

    def is_non_mediable(self, flags: Iterable[str]) -> frozenset[str]:
        """Return the subset of ``flags`` that this policy treats as non-mediable."""
        return self.non_mediable_flags.intersection(flags)


BUILT_IN_CHECKS: tuple[str, ...] = (
    "conflict_of_interest",
    "screening",
    "threat_language",
    "voice_balance",
    "joint_voice",
    "reciprocity",
    "caucus_parity",
    "caucus_balance",
    "mediator_conduct",
    "mediator_style",
    "pressure",
    "transcript_markers",
    "power_imbalance",
    "relationship_safeguards",
    "major_differences",
    "confidentiality",
    "responsiveness",
)
"""The configurable check families, in the order reports list them; each is a
:class:`Policy` field of the same name."""


_policy_converter = strict_converter()
for _enum in (Mode, Safeguard):
    _policy_converter.register_structure_hook(_enum, strict_enum(_enum))
_DEFAULT_LIMITS = Limits()

_DEFAULT = Policy()
