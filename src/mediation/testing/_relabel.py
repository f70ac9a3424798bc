"""Relabelling event histories: the tool behind label-blindness tests."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from mediation.errors import InvalidInput
from mediation.events import CaseOpened, Event, from_dict, to_dict

__all__ = ["mirrored", "party_ids", "relabelled"]

# Fields whose value is a party id (when it is one), and fields keyed or listed by party.
_ID_FIELDS = frozenset({"actor", "about", "party", "source", "target", "id"})
_KEYED_BY_PARTY = frozenset({"shares", "payments"})
_LISTS_OF_PARTIES = frozenset({"parties"})


def party_ids(events: Sequence[Event]) -> tuple[str, ...]:
    """The party ids of a history, in the order its ``case_opened`` event lists them."""
    first = events[0] if events else None
    if not isinstance(first, CaseOpened):
        raise InvalidInput("a history starts with a case_opened event")
    return tuple(party.id for party in first.parties)


def _rename(value: Any, key: str | None, mapping: Mapping[str, str]) -> Any:
    if isinstance(value, dict):
        return {
            (mapping.get(k, k) if key in _KEYED_BY_PARTY else k): _rename(v, k, mapping)
            for k, v in value.items()
        }
    if isinstance(value, list):
        if key in _LISTS_OF_PARTIES and all(isinstance(item, str) for item in value):
            return [mapping.get(item, item) for item in value]
        return [_rename(item, key, mapping) for item in value]
    if isinstance(value, str) and key in _ID_FIELDS:
        return mapping.get(value, value)
    return value


def relabelled(
    events: Iterable[Event], mapping: Mapping[str, str], *, reorder: bool = True
) -> list[Event]:
    """The same history with party ids renamed by ``mapping`` (a permutation of them).

    Args:
        events: A case history.
        mapping: Old party id → new party id; must be a permutation of the party ids.
        reorder: Also list the parties in ``case_opened`` in the order of their new ids'
            old positions, so that "the first party" changes too (default).

    Raises:
        InvalidInput: ``mapping`` is not a permutation of the history's party ids.
    """
    history = list(events)
    ids = party_ids(history)
    if sorted(mapping) != sorted(ids) or sorted(mapping.values()) != sorted(ids):
        raise InvalidInput(f"mapping must permute the party ids {list(ids)}; got {dict(mapping)}")
    result = []
    for event in history:
        data = _rename(to_dict(event), None, mapping)
        if reorder and data["type"] == CaseOpened.type_name:
            data["parties"] = sorted(data["parties"], key=lambda party: ids.index(party["id"]))
        result.append(from_dict(data))
    return result


def mirrored(events: Iterable[Event]) -> list[Event]:
    """The history with the parties' labels reversed (first ↔ last, and so on)."""
    history = list(events)
    ids = party_ids(history)
    return relabelled(history, dict(zip(ids, reversed(ids), strict=True)))
