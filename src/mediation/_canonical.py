"""The canonical JSON text of an event, written fast (see :func:`mediation.audit.canonical_bytes`).

The canonical text is, by definition, what ``json.dumps(events.to_dict(event),
sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False)`` writes.
Two ways to the same text:

- the general one: :func:`mediation.events.to_dict`, then json's C encoder, built once
  with exactly the arguments ``JSONEncoder.iterencode`` would give it;
- for an event class whose fields are all text, integers, finite floats, booleans,
  timezone-aware times or text-valued enums (most of them): a function generated once per
  class, as attrs and cattrs generate theirs, that writes the keys in sorted order and
  each value with the function json itself uses for it (``encode_basestring`` for text,
  ``int.__repr__`` and ``float.__repr__`` for numbers). It checks each value's exact type
  first and returns ``None`` when one is not what the class declares, so the general way
  is taken: the two can only ever write the same text.

Appending an event computes this text, so it is on the hot path of every store. The
sealed body of an event (:mod:`mediation.audit.chain`) is the same text with each
non-empty personal field's value replaced by a commitment to it: :func:`sealed_writer`
generates, for a class with a generated writer, the same function with a hook at those
fields, so that a store writes the sealed body in the same one pass.
"""

from __future__ import annotations

import json
import json.encoder
import math
import typing
from collections.abc import Callable
from datetime import datetime
from enum import Enum
from typing import Any

import attrs

from mediation import events as ev

__all__ = ["SealedWriter", "canonical_text", "json_text", "sealed_writer"]

_Direct = Callable[[ev.Event], "str | None"]

SealedWriter = Callable[[ev.Event, Callable[[str, str], str]], "str | None"]
"""``write(event, seal)``: the canonical text of ``event`` with the JSON text of each
non-empty sealed field replaced by ``seal(field name, JSON text)``, called in key order;
``None`` (before any call of ``seal``) when a value is not of its declared type."""

_settings = json.JSONEncoder(
    sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
)


def _general_function() -> Callable[[Any], str]:
    make = getattr(json.encoder, "c_make_encoder", None)
    if make is None:  # pragma: no cover - CPython always has the accelerator
        return _settings.encode
    encode = make(
        None,  # no circularity markers: an unstructured event is a tree
        _settings.default,
        json.encoder.encode_basestring,
        None,
        _settings.key_separator,
        _settings.item_separator,
        True,  # sort_keys
        False,  # skipkeys
        False,  # allow_nan
    )

    def text(value: Any) -> str:
        return "".join(encode(value, 0))

    return text


_general = _general_function()


def json_text(value: Any) -> str:
    """The canonical JSON text of any JSON-compatible value (keys sorted, compact, UTF-8
    characters as themselves, no NaN).

    Raises:
        ValueError: a float is NaN or an infinity.
    """
    return _general(value)


# Names the generated functions see; nothing else is in their namespace.
_NAMESPACE: dict[str, Any] = {
    "_string": json.encoder.encode_basestring,
    "_int": int.__repr__,
    "_float": float.__repr__,
    "_finite": math.isfinite,
    "datetime": datetime,
}


def _value(name: str, kind: Any, namespace: dict[str, Any]) -> tuple[str, str] | None:
    """(the type check, the JSON text expression) for field ``name`` of type ``kind``."""
    if kind is str:
        return f"type({name}) is str", f"_string({name})"
    if kind is bool:
        return f"type({name}) is bool", f"('true' if {name} else 'false')"
    if kind is int:
        return f"type({name}) is int", f"_int({name})"
    if kind is float:
        return f"type({name}) is float and _finite({name})", f"_float({name})"
    if kind is datetime:
        # isoformat() is ASCII digits and -:T.+ only: nothing json would escape.
        return f"type({name}) is datetime", f"'\"' + {name}.isoformat() + '\"'"
    if isinstance(kind, type) and issubclass(kind, Enum):
        if not all(type(member.value) is str for member in kind):
            return None
        namespace[kind.__name__] = kind
        return f"type({name}) is {kind.__name__}", f"_string({name}.value)"
    return None


def _direct_function(
    cls: type[ev.Event], sealed: frozenset[str] = frozenset()
) -> Callable[..., str | None] | None:
    """The generated writer of ``cls``'s canonical text, or None if a field needs more.

    With ``sealed`` field names, the writer takes a second argument, ``seal``, and writes
    ``seal(name, text)`` instead of the JSON ``text`` of each of those fields whose value
    is not empty (see :data:`SealedWriter`). Every type check comes before the text is
    put together, so a writer that returns None has not called ``seal``.
    """
    hints = typing.get_type_hints(cls)
    namespace = dict(_NAMESPACE)
    checks: list[str] = []
    parts: dict[str, str] = {
        "type": repr(json.dumps(cls.type_name)),
        "v": repr(str(int(cls.schema_version))),
    }
    for position, field in enumerate(attrs.fields(cls)):
        local = f"f{position}"
        written = _value(local, hints[field.name], namespace)
        if written is None or field.name in parts:
            return None
        check, expression = written
        if field.name in sealed:
            expression = f"(seal({field.name!r}, {expression}) if {local} else {expression})"
        checks.append(f"    {local} = event.{field.name}\n    if not ({check}):\n")
        checks.append("        return None\n")
        parts[field.name] = expression
    pieces: list[str] = []
    for number, key in enumerate(sorted(parts)):
        opening = "{" if number == 0 else ","
        pieces.append(repr(opening + json.dumps(key) + ":"))
        pieces.append(parts[key])
    source = (
        "def write(event, seal=None):\n"
        + "".join(checks)
        + "    return ''.join((\n        "
        + ",\n        ".join(pieces)
        + ",\n        '}',\n    ))\n"
    )
    kind = "sealed" if sealed else "canonical"
    exec(compile(source, f"<{kind} writer of {cls.__name__}>", "exec"), namespace)
    function: Callable[..., str | None] = namespace["write"]
    return function


_DIRECT: dict[type[ev.Event], _Direct] = {}
for _cls in ev.EVENT_TYPES.values():
    _function = _direct_function(_cls)
    if _function is not None:
        _DIRECT[_cls] = _function


def sealed_writer(cls: type[ev.Event], sealed: frozenset[str]) -> SealedWriter | None:
    """A generated writer of ``cls``'s canonical text with a hook at the ``sealed`` fields.

    Args:
        cls: An event class.
        sealed: Names of its fields whose non-empty values are handed to the hook.

    Returns:
        The writer (see :data:`SealedWriter`), or None when ``cls`` has no generated
        writer (a field needs the general path) or a sealed field is not one of its
        fields.
    """
    if cls not in _DIRECT or not sealed <= {field.name for field in attrs.fields(cls)}:
        return None
    writer: SealedWriter | None = _direct_function(cls, sealed)
    return writer


def canonical_text(event: ev.Event) -> str:
    """The canonical JSON text of ``event`` (see the module's docstring).

    Raises:
        ValueError: a float field holds NaN or an infinity.
    """
    direct = _DIRECT.get(type(event))
    if direct is not None:
        text = direct(event)
        if text is not None:
            return text
    return _general(ev.to_dict(event))
