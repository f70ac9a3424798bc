"""Where personal data sits in an event: the paths that are committed one by one.

Personal data is not only in an event's top-level content fields (what someone said:
``text``, ``note``, ``valuations``, ...). It is also nested: the parties' names and roles
in ``case_opened``, the mediator's name, the notes on relationships, issue titles, the
names a finding's message mentions. Each such value has a *path* — the keys and list
indices from the top of the event's JSON form, joined with ``.`` (``"text"``,
``"parties.0.name"``, ``"mediator.relationships.1.note"``) — and is committed, salted,
erased and withheld on its own (see :mod:`mediation.audit.chain`).

:data:`PERSONAL_PATHS` says, per event type, which paths hold personal data, as patterns
in which ``*`` stands for every index of a list. The table is fixed data: nothing read
from a store chooses what is looked up.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

import attrs

from mediation import events as ev
from mediation.model import ERASED_TEXT

__all__ = [
    "CONTENT_FIELDS",
    "MAPPING_FIELDS",
    "NESTED_PATHS",
    "PERSONAL_LEAVES",
    "PERSONAL_PATHS",
    "erased_value",
    "is_commitment",
    "leaf",
    "personal_slots",
]

CONTENT_FIELDS = frozenset(
    {"text", "comment", "statement", "reason", "valuations", "name", "answers", "note", "message"}
)
"""Names of the *top-level* event fields that hold personal content.

Everything else at the top level (type, sequence number, time, actor, stage, ids,
outcomes, durations) is the event's header, kept in the clear so that a case still
replays after an erasure. Personal data nested deeper is named by :data:`NESTED_PATHS`."""

MAPPING_FIELDS = frozenset({"valuations", "answers"})
"""The content fields that hold a mapping (erased to ``{}``; text is erased to ``""``)."""

NESTED_PATHS: Mapping[str, tuple[str, ...]] = {
    "case_opened": (
        "parties.*.name",
        "parties.*.role",
        "mediator.name",
        "mediator.relationships.*.note",
        "relations.*.note",
        "issues.*.title",
    ),
    "disclosure_made": ("relationships.*.note",),
    "conflict_waived": ("relation.note",),
    "issue_raised": ("issue.title",),
    "mediator_reassigned": ("mediator.name", "mediator.relationships.*.note"),
}
"""Event type name → patterns of the nested paths that hold personal data (``*``: every
index of a list)."""

PERSONAL_PATHS: Mapping[str, tuple[tuple[str, ...], ...]] = {
    cls.type_name: tuple(
        (field.name,)
        for field in sorted(attrs.fields(cls), key=lambda f: f.name)
        if field.name in CONTENT_FIELDS
    )
    + tuple(tuple(pattern.split(".")) for pattern in NESTED_PATHS.get(cls.type_name, ()))
    for cls in ev.EVENT_TYPES.values()
}
"""Event type name → every pattern of a path holding personal data, split into keys:
its top-level content fields first, then its nested paths."""

PERSONAL_LEAVES = frozenset(
    pattern[-1] for patterns in PERSONAL_PATHS.values() for pattern in patterns
)
"""The last key of every personal path (``text``, ``name``, ``role``, ``title``, ...): what
a retention rule names."""

_REQUIRED_TEXT = frozenset({"name", "title"})
"""Nested text that may not be empty (a party's or mediator's name, an issue's title):
erased, it reads as :data:`~mediation.model.ERASED_TEXT`."""


def leaf(path: str) -> str:
    """The last key of ``path`` (``"parties.0.name"`` → ``"name"``)."""
    return path.rpartition(".")[2]


def erased_value(path: str) -> Any:
    """What an erased (or withheld) value at ``path`` reads as when the event is decoded.

    ``{}`` for a mapping field, :data:`~mediation.model.ERASED_TEXT` for a nested name or
    title (they may not be empty), ``""`` for any other text.
    """
    if "." not in path:
        return {} if path in MAPPING_FIELDS else ""
    return ERASED_TEXT if leaf(path) in _REQUIRED_TEXT else ""


def is_commitment(value: Any) -> bool:
    """Whether ``value`` is a commitment as a sealed body writes it: ``{"commitment": hex}``."""
    return type(value) is dict and len(value) == 1 and type(value.get("commitment")) is str


def personal_slots(data: Mapping[str, Any]) -> Iterator[tuple[str, Any, Any]]:
    """Every place in an event's JSON form that may hold personal data.

    Args:
        data: An event's JSON form (:func:`mediation.events.to_dict`, or a sealed body
            parsed); its ``type`` selects the patterns.

    Yields:
        ``(path, container, key)`` with ``container[key]`` the value at ``path``, in the
        order of the patterns, then of list indices.
    """
    patterns = PERSONAL_PATHS.get(data.get("type"), ())  # type: ignore[arg-type]
    for pattern in patterns:
        if len(pattern) == 1:
            if pattern[0] in data:
                yield pattern[0], data, pattern[0]
            continue
        yield from _walk(data, pattern, 0, "")


def _walk(
    node: Any, pattern: tuple[str, ...], depth: int, prefix: str
) -> Iterator[tuple[str, Any, Any]]:
    key = pattern[depth]
    last = depth == len(pattern) - 1
    if key == "*":
        if type(node) is not list:
            return
        for index, child in enumerate(node):
            path = f"{prefix}{index}"
            if last:
                yield path, node, index
            else:
                yield from _walk(child, pattern, depth + 1, path + ".")
        return
    if type(node) is not dict or key not in node:
        return
    path = prefix + key
    if last:
        yield path, node, key
    else:
        yield from _walk(node[key], pattern, depth + 1, path + ".")
