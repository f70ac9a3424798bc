"""Strict reading of configuration: TOML and plain data structured without coercion.

Policies and scenarios are read through here, so both refuse the same things the same
way: a value of the wrong type (never converted), an unknown key, a non-finite number,
and input nested deeper than the limit — with a message naming the source, the dotted
path of the key and what was expected.
"""

from __future__ import annotations

import math
import sys
from collections.abc import Callable, Iterable, Mapping
from datetime import date, datetime, timedelta
from enum import Enum
from typing import Any

import attrs
import cattrs
from cattrs.gen import make_dict_structure_fn, make_mapping_structure_fn

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on Python 3.10 only
    import tomli as tomllib

from mediation.errors import InvalidInput

__all__ = [
    "DEFAULT_MAX_DEPTH",
    "check_nesting",
    "describe_errors",
    "load_toml",
    "strict_converter",
    "strict_enum",
    "to_date",
]

DEFAULT_MAX_DEPTH = 32
"""The default of :attr:`mediation.policy.Limits.max_nesting_depth`."""


def to_date(value: object) -> date:
    # A TOML date arrives as a date; JSON has none, so an ISO 8601 date string is read too.
    if isinstance(value, str):
        try:
            value = date.fromisoformat(value)
        except ValueError:
            raise InvalidInput(f"expected a date like 2026-01-31; got {value!r}") from None
    if isinstance(value, datetime) or not isinstance(value, date):
        raise InvalidInput(f"expected a date like 2026-01-31; got {value!r}")
    return value


def check_nesting(data: object, max_depth: int, source: str = "input") -> None:
    """Refuse data nested deeper than ``max_depth`` tables and lists.

    Walks without recursion, so arbitrarily deep data is refused, never a
    :class:`RecursionError`.

    Args:
        data: Plain data as read from TOML or JSON.
        max_depth: The deepest nesting allowed (the top-level table is depth 1).
        source: What the data is, for the message (e.g. a file name).

    Raises:
        InvalidInput: the data is nested deeper than ``max_depth``.
    """
    pending: list[tuple[object, int]] = [(data, 1)]
    while pending:
        node, depth = pending.pop()
        if isinstance(node, Mapping):
            children: Iterable[object] = node.values()
        elif isinstance(node, (list, tuple)):
            children = node
        else:
            continue
        if depth > max_depth:
            raise InvalidInput(
                f"{source}: nested deeper than {max_depth} tables and lists "
                "(limits.max_nesting_depth)"
            )
        pending.extend((child, depth + 1) for child in children)


def load_toml(text: str, source: str = "input") -> dict[str, Any]:
    """Parse TOML text, refusing input nested deeper than the default limit.

    Args:
        text: The TOML document.
        source: What the text is (e.g. a file name), for error messages.

    Returns:
        The parsed tables.

    Raises:
        InvalidInput: the text is not TOML, or is nested deeper than
            :attr:`~mediation.policy.Limits.max_nesting_depth` (by default);
            never a ``RecursionError``.
    """
    if not isinstance(text, str):
        raise InvalidInput(f"{source}: TOML must be text; got {type(text).__name__}")
    # The parser recurses once per level of inline arrays and tables: bound the nesting
    # before it runs (brackets in strings and comments only make the bound stricter).
    _bracket_depth(text, DEFAULT_MAX_DEPTH, source)
    try:
        data: dict[str, Any] = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise InvalidInput(f"{source}: not valid TOML: {error}") from None
    except RecursionError:  # pragma: no cover - bounded above
        raise InvalidInput(f"{source}: nested too deeply") from None
    check_nesting(data, DEFAULT_MAX_DEPTH, source)
    return data


def _bracket_depth(text: str, max_depth: int, source: str) -> None:
    depth = deepest = 0
    for char in text:
        if char in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif char in "]}":
            depth = max(0, depth - 1)
    # Table headers ([a.b]) add one bracket pair per line without nesting; allow slack.
    if deepest > max_depth + 2:
        raise InvalidInput(
            f"{source}: nested deeper than {max_depth} tables and lists (limits.max_nesting_depth)"
        )


def describe_errors(error: cattrs.BaseValidationError, root: str) -> str:
    """One line naming every problem of a strict structuring by its dotted path.

    Args:
        error: What cattrs raised.
        root: The name of the top-level value (``policy``, ``scenario``).

    Returns:
        ``"policy.voice_balance.max_gini: expected a number, got '0.2' (str); ..."``.
    """
    problems = []
    for line in cattrs.transform_error(error, path=root, format_exception=_problem):
        message, _, path = line.rpartition(" @ ")
        path = path.replace("['", ".").replace("']", "").replace("[", ".").replace("]", "")
        problems.append(f"{path}: {message}")
    return "; ".join(problems)


def _problem(error: BaseException, _type: Any) -> str:
    if isinstance(error, KeyError):
        return "required"
    if isinstance(error, cattrs.ForbiddenExtraKeysError):
        return f"unknown keys {sorted(error.extra_fields)}"
    if isinstance(error, InvalidInput):
        return str(error)
    return f"invalid value ({error})"


# -- strict structuring: a value of the wrong type is refused, never converted ---------------


def _shown(value: object) -> str:
    text = repr(value)
    if len(text) > 60:
        text = text[:57] + "..."
    return f"{text} ({type(value).__name__})"


def _strict_bool(value: object, _type: Any) -> bool:
    if not isinstance(value, bool):
        raise InvalidInput(f"expected true or false, got {_shown(value)}")
    return value


def _strict_int(value: object, _type: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidInput(f"expected a whole number, got {_shown(value)}")
    return value


def _strict_float(value: object, _type: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise InvalidInput(f"expected a number, got {_shown(value)}")
    try:
        number = float(value)  # a whole number is a number (as in TOML and JSON)
    except OverflowError:
        raise InvalidInput(f"expected a finite number, got {_shown(value)}") from None
    if not math.isfinite(number):
        raise InvalidInput(f"expected a finite number, got {_shown(value)}")
    return number


def _strict_str(value: object, _type: Any) -> str:
    if not isinstance(value, str):
        raise InvalidInput(f"expected text, got {_shown(value)}")
    return value


def _seconds(value: object, _type: Any) -> timedelta:
    if isinstance(value, timedelta):
        return value
    seconds = _strict_float(value, float)
    try:
        return timedelta(seconds=seconds)
    except OverflowError:
        raise InvalidInput(f"expected a number of seconds in range, got {_shown(value)}") from None


def _strict_date(value: object, _type: Any) -> date:
    return to_date(value)


def strict_enum(enum: type[Enum]) -> Callable[[object, Any], Enum]:
    known = ", ".join(str(member.value) for member in enum)

    def structure(value: object, _type: Any) -> Enum:
        if isinstance(value, enum):
            return value
        if not isinstance(value, str):
            raise InvalidInput(f"expected one of {known}, got {_shown(value)}")
        try:
            return enum(value)
        except ValueError:
            raise InvalidInput(f"expected one of {known}, got {_shown(value)}") from None

    return structure


def _is_collection(cls: Any) -> bool:
    return getattr(cls, "__origin__", None) in (tuple, frozenset, list, set)


def _is_mapping(cls: Any) -> bool:
    return getattr(cls, "__origin__", None) in (dict, Mapping)


def strict_converter() -> cattrs.Converter:
    """A cattrs converter that refuses what it would otherwise coerce.

    Booleans must be booleans, whole numbers ints (not bools or floats), numbers finite
    ints or floats, text ``str``; lists must be lists (a string is not a list of
    characters), tables mappings; enums take their exact values; unknown keys are refused.
    Durations are a number of seconds, dates a TOML date or an ISO 8601 date string.

    Returns:
        A new converter; register more hooks on it as needed.
    """
    converter = cattrs.Converter(forbid_extra_keys=True)
    converter.register_structure_hook(bool, _strict_bool)
    converter.register_structure_hook(int, _strict_int)
    converter.register_structure_hook(float, _strict_float)
    converter.register_structure_hook(str, _strict_str)
    converter.register_structure_hook(timedelta, _seconds)
    converter.register_structure_hook(date, _strict_date)

    def collection(value: Any, cls: Any) -> Any:
        if isinstance(value, (str, bytes)) or not isinstance(value, (list, tuple, set, frozenset)):
            raise InvalidInput(f"expected a list, got {_shown(value)}")
        args = getattr(cls, "__args__", ())
        item_type = args[0] if args else Any
        items = []
        for index, item in enumerate(value):
            try:
                items.append(converter.structure(item, item_type))
            except InvalidInput as error:
                raise InvalidInput(f"item {index}: {error}") from None
        origin = cls.__origin__
        return origin(items) if origin is not tuple else tuple(items)

    converter.register_structure_hook_func(_is_collection, collection)

    def mapping_factory(cls: Any) -> Callable[[Any, Any], Any]:
        structure = make_mapping_structure_fn(cls, converter)

        def checked(value: Any, type_: Any) -> Any:
            if not isinstance(value, Mapping):
                raise InvalidInput(f"expected a table, got {_shown(value)}")
            return structure(value, type_)

        return checked

    converter.register_structure_hook_factory(_is_mapping, mapping_factory)

    def attrs_factory(cls: Any) -> Callable[[Any, Any], Any]:
        structure = make_dict_structure_fn(cls, converter, _cattrs_forbid_extra_keys=True)

        def checked(value: Any, type_: Any) -> Any:
            if not isinstance(value, Mapping):
                raise InvalidInput(f"expected a table, got {_shown(value)}")
            return structure(value, type_)

        return checked

    converter.register_structure_hook_factory(attrs.has, attrs_factory)
    return converter
