"""Checks on command arguments that need the case (which party, which id)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

from mediation._catalogs import N_, Term
from mediation.errors import InvalidInput
from mediation.model import check_id, shown
from mediation.state import CaseState

__all__ = ["aware", "difference_ids", "new_id", "other_party", "party_id"]


def aware(value: object, what: str) -> datetime:
    """``value`` if it is a timezone-aware datetime.

    Raises:
        InvalidInput: it is not.
    """
    if not isinstance(value, datetime) or value.tzinfo is None or value.utcoffset() is None:
        raise InvalidInput.of(
            "naive_datetime",
            N_("{what} must be a timezone-aware datetime; got {value}"),
            what=Term(what),
            value=shown(value),
        )
    return value


def party_id(state: CaseState, party: object, what: str) -> str:
    """``party`` if it is the id of a party to the case.

    Raises:
        InvalidInput: it is not.
    """
    if not isinstance(party, str) or party not in state.parties:
        raise InvalidInput.of(
            "not_a_party",
            N_("{what} {party} is not a party to case {case_id}"),
            what=Term(what),
            party=shown(party),
            case_id=shown(state.case_id),
        )
    return party


def other_party(state: CaseState, actor: str, party: object, what: str) -> str:
    """``party`` if it is a party to the case other than ``actor``.

    Raises:
        InvalidInput: it is not.
    """
    party_id(state, party, what)
    if party == actor:
        raise InvalidInput.of(
            "same_party",
            N_("{what} must be another party than {actor}"),
            what=Term(what),
            actor=actor,
        )
    return str(party)


def new_id(given: str | None, existing: Mapping[str, Any], prefix: str) -> str:
    """The id for a new item: ``given`` if free, else ``prefix-N`` for the next N.

    Raises:
        InvalidInput: ``given`` is malformed or already used.
    """
    if given is None:
        return f"{prefix}-{len(existing) + 1}"
    check_id(given, f"{prefix} id")
    if given in existing:
        raise InvalidInput.of("duplicate_id", N_("duplicate id {given}"), given=shown(given))
    return given


def difference_ids(state: CaseState, ids: Iterable[str]) -> tuple[str, ...]:
    """``ids`` as a tuple of reserved differences' ids, each once, in the given order.

    Raises:
        InvalidInput: a bare string, or an id that is not a reserved difference.
    """
    if isinstance(ids, str):
        raise InvalidInput.of(
            "settles_not_a_collection",
            N_("settles is a collection of difference ids, not the string {ids}"),
            ids=shown(ids),
        )
    found: dict[str, None] = {}
    for difference_id in ids:
        if not isinstance(difference_id, str) or difference_id not in state.differences:
            raise InvalidInput.of(
                "unknown_difference",
                N_("unknown difference {difference_id}"),
                difference_id=shown(difference_id),
            )
        found[difference_id] = None
    return tuple(found)
