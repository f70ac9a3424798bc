"""Value types: who takes part in a mediation and what it is about.

Every type here is a frozen, slotted attrs class: cheap to share between cases, hashable,
and safe to put in events. Constructors validate their input and raise
:class:`~mediation.errors.InvalidInput` with the reason.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping
from enum import Enum
from types import MappingProxyType
from typing import Any

import attrs

from mediation._catalogs import LANGUAGES, N_, Phrase, Term, catalog
from mediation.errors import InvalidInput

__all__ = [
    "ERASED_TEXT",
    "NON_MEDIABLE_FLAGS",
    "NO_CONCERNS",
    "SEED_RELATIONSHIPS",
    "Authority",
    "Issue",
    "Mediator",
    "Outcome",
    "Party",
    "Relation",
    "RelationKind",
    "ScreeningDomain",
    "Severity",
    "check_duration",
    "check_id",
    "check_text",
    "describe_relation",
    "display_name",
    "relation_kind",
    "shown",
    "unique_ids",
]

_ID_PATTERN = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.:@-]{0,127}")


def shown(value: object, width: int = 80) -> str:
    """``repr(value)`` cut to ``width`` characters, for messages about bad input; never
    fails (a huge integer's repr raises :class:`ValueError`)."""
    try:
        text = repr(value)
    except Exception:
        return f"<{type(value).__name__}>"
    return text if len(text) <= width else text[: width - 3] + "..."


def check_id(value: object, what: str = "id") -> str:
    """Return ``value`` if it is a valid identifier, else raise :class:`InvalidInput`.

    An identifier is 1 to 128 characters: letters, digits and ``_ . : @ -``, starting with
    a letter or digit. Identifiers appear in logs and exports, so they are kept plain.
    """
    if not isinstance(value, str) or _ID_PATTERN.fullmatch(value) is None:
        raise InvalidInput.of(
            "invalid_id",
            N_(
                "{what} must be 1-128 characters of letters, digits and _.:@- starting with "
                "a letter or digit; got {value}"
            ),
            what=Term(what),
            value=shown(value),
        )
    return value


def check_text(value: object, what: str = "text") -> str:
    """Return ``value`` stripped of surrounding whitespace; refuse empty or non-text input."""
    if not isinstance(value, str):
        raise InvalidInput.of(
            "not_text",
            N_("{what} must be a string; got {kind}"),
            what=Term(what),
            kind=type(value).__name__,
        )
    stripped = value.strip()
    if not stripped:
        raise InvalidInput.of(
            "empty_text", N_("{what} must not be empty or whitespace"), what=Term(what)
        )
    try:
        stripped.encode("utf-8")
    except UnicodeEncodeError:
        # Lone surrogates cannot be stored, hashed or exported: refuse them up front.
        raise InvalidInput.of(
            "invalid_unicode",
            N_("{what} is not valid Unicode text: {value}"),
            what=Term(what),
            value=shown(value),
        ) from None
    return stripped


def check_duration(value: object, what: str = "duration") -> float:
    """Return ``value`` as a float number of seconds; refuse negative, NaN and infinite values."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise InvalidInput.of(
            "not_a_duration",
            N_("{what} must be a number of seconds; got {value}"),
            what=Term(what),
            value=shown(value),
        )
    seconds = float(value)
    if math.isnan(seconds) or math.isinf(seconds) or seconds < 0:
        raise InvalidInput.of(
            "invalid_duration",
            N_("{what} must be a finite number of seconds >= 0; got {value}"),
            what=Term(what),
            value=shown(value),
        )
    return seconds


def _validate_id(_instance: Any, attribute: attrs.Attribute[Any], value: object) -> None:
    check_id(value, attribute.name)


def _validate_text(_instance: Any, attribute: attrs.Attribute[Any], value: object) -> None:
    check_text(value, attribute.name)
    _validate_optional_text(_instance, attribute, value)


_TEXT_BYTES = 65_536  # the default of Limits.statement_bytes (policy imports model)


def _validate_optional_text(_instance: Any, attribute: attrs.Attribute[Any], value: object) -> None:
    # Free text that may be empty (a role, a note): a string that can be stored.
    if not isinstance(value, str):
        raise InvalidInput.of(
            "not_text",
            N_("{name} must be a string; got {kind}"),
            name=Term(attribute.name),
            kind=type(value).__name__,
        )
    try:
        size = len(value.encode("utf-8"))
    except UnicodeEncodeError:
        raise InvalidInput.of(
            "invalid_unicode",
            N_("{name} is not valid Unicode text: {value}"),
            name=Term(attribute.name),
            value=shown(value),
        ) from None
    if size > _TEXT_BYTES:
        raise InvalidInput.of(
            "text_too_long",
            N_("{name} is {size} bytes; at most {most}"),
            name=Term(attribute.name),
            size=size,
            most=_TEXT_BYTES,
        )


def _collection(value: object, what: str) -> tuple[object, ...]:
    if isinstance(value, (str, bytes, Mapping)) or not isinstance(value, Iterable):
        raise InvalidInput.of(
            "not_a_collection",
            N_("{what} must be a collection; got {kind}"),
            what=Term(what),
            kind=type(value).__name__,
        )
    return tuple(value)


def _to_flags(value: Iterable[str]) -> frozenset[str]:
    if isinstance(value, str):
        raise InvalidInput.of(
            "flags_not_a_collection",
            N_("flags must be a collection of flags, not the string {value}"),
            value=shown(value),
        )
    return frozenset(check_id(flag, "issue flag") for flag in _collection(value, "flags"))


def _to_relations(value: Iterable[Relation]) -> tuple[Relation, ...]:
    relations = _collection(value, "relationships")
    for relation in relations:
        if not isinstance(relation, Relation):
            raise InvalidInput.of(
                "not_a_relation",
                N_("relationships must be Relation values; got {relation}"),
                relation=shown(relation),
            )
    return relations  # type: ignore[return-value]


class RelationKind(str, Enum):
    """How two people in a case are related: ``Relation(kind, source, target)`` reads
    "*source* <kind> *target*".

    The seed's seven relationships are here (see :data:`SEED_RELATIONSHIPS`): the leader
    (``MANAGES``: *source* manages *target*), the subordinate (``REPORTS_TO``: *source*
    reports to *target*), the colleague, the client (*source* is a client of *target*),
    the supplier (*source* supplies *target*), another department (*source* works in
    another department than *target*) and the public (*source* is a member of the public
    served by *target*). Mediator standards add financial and personal ties that must be
    disclosed. ``"leader"`` and ``"subordinate"`` are accepted as the seed's words for
    ``MANAGES`` and ``REPORTS_TO``.
    """

    MANAGES = "manages"
    REPORTS_TO = "reports_to"
    COLLEAGUE = "colleague"
    CLIENT = "client"
    SUPPLIER = "supplier"
    OTHER_DEPARTMENT = "other_department"
    PUBLIC = "public"
    FRIEND = "friend"
    FAMILY = "family"
    FINANCIAL = "financial"
    PRIOR_REPRESENTATION = "prior_representation"
    OTHER = "other"

    @classmethod
    def _missing_(cls, value: object) -> RelationKind | None:
        return _SEED_ALIASES.get(value) if isinstance(value, str) else None


_SEED_ALIASES: dict[str, RelationKind] = {
    "leader": RelationKind.MANAGES,
    "subordinate": RelationKind.REPORTS_TO,
}

SEED_RELATIONSHIPS: dict[str, RelationKind] = {
    "leader": RelationKind.MANAGES,
    "colleague": RelationKind.COLLEAGUE,
    "subordinate": RelationKind.REPORTS_TO,
    "client": RelationKind.CLIENT,
    "supplier": RelationKind.SUPPLIER,
    "another department": RelationKind.OTHER_DEPARTMENT,
    "the public": RelationKind.PUBLIC,
}
"""The seed's seven relationships (领导、同事、下属、客户、供应商、其他部门、公众), each as
the relation kind from the first person's side: "the other party is my leader" is
``Relation(MANAGES, other, me)``."""


def relation_kind(value: object) -> RelationKind:
    """Return ``value`` as a :class:`RelationKind`, or raise :class:`InvalidInput`.

    Args:
        value: A kind, its text value, or the seed's ``"leader"`` / ``"subordinate"``.

    Returns:
        The kind.

    Raises:
        InvalidInput: an unknown kind, naming the known ones.
    """
    try:
        return RelationKind(value)
    except (ValueError, TypeError):
        kinds = ", ".join(kind.value for kind in RelationKind)
        raise InvalidInput.of(
            "unknown_relation_kind",
            N_("unknown relation kind {value}; kind must be one of {kinds}"),
            value=shown(value),
            kinds=kinds,
        ) from None


_RELATION_WORDS: dict[RelationKind, str] = {
    RelationKind.MANAGES: N_("{source} manages {target}"),
    RelationKind.REPORTS_TO: N_("{source} reports to {target}"),
    RelationKind.COLLEAGUE: N_("{source} is a colleague of {target}"),
    RelationKind.CLIENT: N_("{source} is a client of {target}"),
    RelationKind.SUPPLIER: N_("{source} is a supplier to {target}"),
    RelationKind.OTHER_DEPARTMENT: N_("{source} works in another department than {target}"),
    RelationKind.PUBLIC: N_("{source} is a member of the public served by {target}"),
    RelationKind.FRIEND: N_("{source} is a friend of {target}"),
    RelationKind.FAMILY: N_("{source} is family of {target}"),
    RelationKind.FINANCIAL: N_("{source} has financial ties with {target}"),
    RelationKind.PRIOR_REPRESENTATION: N_("{source} has represented {target} before"),
    RelationKind.OTHER: N_("{source} is related to {target}"),
}


def describe_relation(relation: Relation, source: str, target: str, lang: str = "en") -> str:
    """The relationship in words, e.g. ``"Wang Fang reports to Lin Wei"``.

    Args:
        relation: The relationship.
        source: The display name of ``relation.source``.
        target: The display name of ``relation.target``.
        lang: ``"en"`` or ``"zh"``.

    Returns:
        One sentence fragment naming both people.

    Raises:
        InvalidInput: an unknown language.
    """
    if lang not in LANGUAGES:
        raise InvalidInput.of(
            "unknown_language", N_("language must be 'en' or 'zh'; got {lang!r}"), lang=lang
        )
    phrase = Phrase(_RELATION_WORDS[relation.kind], source=source, target=target)
    return phrase if lang == "en" else phrase.localized(lang)


class ScreeningDomain(str, Enum):
    """What a party is asked about, in private, at intake screening.

    Modelled on published screening instruments (MASIC, Holtzworth-Munroe et al. 2010;
    the ABA/AFCC guidelines on screening for violence and power imbalance).
    """

    SAFETY = "safety"
    """Violence, threats of it, or fear for one's safety (安全/暴力)."""
    HARASSMENT = "harassment"
    """Harassment or intimidation by another party (骚扰)."""
    RETALIATION = "retaliation"
    """Fear of retaliation for taking part or for what is said (担心报复)."""
    CAPACITY = "capacity"
    """Doubts about the party's capacity to take part and decide (能力)."""
    POWER = "power"
    """A power imbalance the party feels unable to speak up against (权力不对等)."""


@attrs.frozen
class Relation:
    """A relationship from ``source`` to ``target`` (ids of parties or of the mediator).

    Attributes:
        kind: What the relationship is.
        source: Id of the person the relationship starts from.
        target: Id of the person it points to.
        note: Optional plain-words detail ("reports to her for budget matters").
    """

    kind: RelationKind = attrs.field(converter=relation_kind)
    source: str = attrs.field(validator=_validate_id)
    target: str = attrs.field(validator=_validate_id)
    note: str = attrs.field(default="", validator=_validate_optional_text)

    def __attrs_post_init__(self) -> None:
        if self.source == self.target:
            raise InvalidInput.of(
                "relation_to_self",
                N_("a relation needs two different people; got {source!r} twice"),
                source=self.source,
            )


@attrs.frozen
class Party:
    """A person (or a unit acting through a person) in the dispute.

    Attributes:
        id: Stable identifier, unique within a case.
        name: Display name.
        role: Free-text role for display ("department head", "client").
    """

    id: str = attrs.field(validator=_validate_id)
    name: str = attrs.field(validator=_validate_text)
    role: str = attrs.field(default="", validator=_validate_optional_text)


@attrs.frozen
class Mediator:
    """The neutral third party running the process.

    Attributes:
        id: Stable identifier, distinct from every party's.
        name: Display name.
        relationships: The mediator's ties to parties; each must be disclosed at intake.
    """

    id: str = attrs.field(validator=_validate_id)
    name: str = attrs.field(validator=_validate_text)
    relationships: tuple[Relation, ...] = attrs.field(default=(), converter=_to_relations)

    def __attrs_post_init__(self) -> None:
        for relation in self.relationships:
            if self.id not in (relation.source, relation.target):
                raise InvalidInput.of(
                    "relation_without_mediator",
                    N_(
                        "mediator relationship {kind} between {source!r} and {target!r} does not "
                        "involve the mediator {id!r}"
                    ),
                    kind=relation.kind.value,
                    source=relation.source,
                    target=relation.target,
                    id=self.id,
                )


ERASED_TEXT = "[erased]"
"""What an erased name or title reads as once its content is gone (a name may not be
empty). Renderers show it in the reader's language (:func:`display_name`)."""

_ERASED_LABEL = N_("(erased)")


def display_name(name: str, lang: str = "en") -> str:
    """A name (or title) as shown to a reader: itself, or the word for erased content.

    Args:
        name: A name as recorded (:data:`ERASED_TEXT` once erased).
        lang: ``"en"`` or ``"zh"``.

    Returns:
        ``name``, or ``(erased)`` / ``（已删除）`` when it was erased.

    Raises:
        InvalidInput: an unknown language.
    """
    if lang not in LANGUAGES:
        raise InvalidInput.of(
            "unknown_language", N_("language must be 'en' or 'zh'; got {lang!r}"), lang=lang
        )
    if name != ERASED_TEXT:
        return name
    return str(catalog(lang).gettext(_ERASED_LABEL))


NON_MEDIABLE_FLAGS: frozenset[str] = frozenset(
    {"harassment", "violence", "discrimination", "safety", "legal_violation"}
)
"""Issue flags that, by default, take a matter out of mediation and force escalation."""


@attrs.frozen
class Issue:
    """A matter on the table.

    Attributes:
        id: Identifier unique within the case.
        title: Short description.
        flags: Screening flags, e.g. ``{"harassment"}``; which flags are non-mediable is
            decided by the policy (default: :data:`NON_MEDIABLE_FLAGS`).
    """

    id: str = attrs.field(validator=_validate_id)
    title: str = attrs.field(validator=_validate_text)
    flags: frozenset[str] = attrs.field(default=frozenset(), converter=_to_flags)


NO_CONCERNS: Mapping[str, bool] = MappingProxyType(
    {domain.value: False for domain in ScreeningDomain}
)
"""Screening answers with no concern in any domain: what most screenings record."""


class Severity(str, Enum):
    """How much a reserved difference matters.

    求同存异: principle for big matters, style for small ones.
    """

    MAJOR = "major"
    """A matter of principle: it goes on to the compromise stage."""
    MINOR = "minor"
    """A matter of style: it may be parked without blocking."""


class Outcome(str, Enum):
    """How a closed case ended."""

    SETTLED = "settled"
    PARTIALLY_SETTLED = "partially_settled"
    ESCALATED = "escalated"
    WITHDRAWN = "withdrawn"
    IMPASSE = "impasse"
    TERMINATED_BY_MEDIATOR = "terminated_by_mediator"


class Authority(str, Enum):
    """Built-in escalation authorities; a policy may add host-defined ones by name."""

    LINE_MANAGER = "line_manager"
    HR = "hr"
    LEGAL = "legal"
    ETHICS = "ethics"


def unique_ids(ids: Iterable[str], what: str) -> None:
    """Raise :class:`InvalidInput` naming the first id that appears twice."""
    seen: set[str] = set()
    for item in ids:
        if item in seen:
            raise InvalidInput.of(
                "duplicate_id", N_("duplicate {what} id {item!r}"), what=Term(what), item=item
            )
        seen.add(item)
