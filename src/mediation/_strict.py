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

from mediation._catalogs import N_, Phrase, fill

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on Python 3.10 only
    import tomli as tomllib

from mediation.errors import InvalidInput

__all__ = [
    "DEFAULT_MAX_DEPTH",
    "Problems",
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
            raise InvalidInput.of(
                "expected_date_like",
                N_("expected a date like 2026-01-31; got {value!r}"),
                value=value,
            ) from None
    if isinstance(value, datetime) or not isinstance(value, date):
        raise InvalidInput.of(
            "expected_date_like", N_("expected a date like 2026-01-31; got {value!r}"), value=value
        )
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
            raise _too_deep(source, max_depth)
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
        raise InvalidInput.of(
            "not_text",
            N_("{source}: TOML must be text; got {kind}"),
            source=source,
            kind=type(text).__name__,
        )
    # The parser recurses once per level of inline arrays and tables: bound the nesting
    # before it runs (brackets in strings and comments only make the bound stricter).
    _bracket_depth(text, DEFAULT_MAX_DEPTH, source)
    try:
        data: dict[str, Any] = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise InvalidInput.of(
            "not_toml", N_("{source}: not valid TOML: {error}"), source=source, error=error
        ) from None
    except RecursionError:  # pragma: no cover - bounded above
        raise InvalidInput.of(
            "nested_too_deeply", N_("{source}: nested too deeply"), source=source
        ) from None
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
        raise _too_deep(source, max_depth)


def _too_deep(source: str, max_depth: int) -> InvalidInput:
    return InvalidInput.of(
        "nested_deeper_than",
        N_("{source}: nested deeper than {max_depth} tables and lists (limits.max_nesting_depth)"),
        source=source,
        max_depth=max_depth,
    )


class Problems(str):
    """Every problem of a strict structuring, each by its dotted path, as one line: the
    English text, and :meth:`message_in` for another language.

    Args:
        items: ``(path, problem)`` pairs; a problem is an error or a :class:`Phrase`.
    """

    items: tuple[tuple[str, object], ...]

    def __new__(cls, items: Iterable[tuple[str, object]]) -> Problems:
        listed = tuple(items)
        made = super().__new__(cls, "; ".join(f"{path}: {problem}" for path, problem in listed))
        made.items = listed
        return made

    def message_in(self, lang: str) -> str:
        """The problems in ``lang``.

        Args:
            lang: ``"en"`` or ``"zh"``.

        Returns:
            The line.
        """
        separator = fill(N_("; "), lang, {})
        return separator.join(
            f"{path}: {fill('{problem}', lang, {'problem': problem})}"
            for path, problem in self.items
        )


def describe_errors(error: cattrs.BaseValidationError, root: str) -> Problems:
    """One line naming every problem of a strict structuring by its dotted path.

    Args:
        error: What cattrs raised.
        root: The name of the top-level value (``policy``, ``scenario``).

    Returns:
        ``"policy.voice_balance.max_gini: expected a number, got '0.2' (str); ..."``, which
        renders in another language too (:meth:`Problems.message_in`).
    """
    found: list[object] = []

    def problem(error: BaseException, _type: Any) -> str:
        found.append(_problem(error))
        return f"#{len(found) - 1}"

    items = []
    for line in cattrs.transform_error(error, path=root, format_exception=problem):
        token, _, path = line.rpartition(" @ ")
        path = path.replace("['", ".").replace("']", "").replace("[", ".").replace("]", "")
        items.append((path, found[int(token[1:])]))
    return Problems(items)


def _problem(error: BaseException) -> object:
    if isinstance(error, KeyError):
        return Phrase(N_("required"))
    if isinstance(error, cattrs.ForbiddenExtraKeysError):
        return Phrase(N_("unknown keys {keys}"), keys=sorted(error.extra_fields))
    if isinstance(error, InvalidInput):
        return error
    return Phrase(N_("invalid value ({error})"), error=str(error))


# -- strict structuring: a value of the wrong type is refused, never converted ---------------


def _shown(value: object) -> str:
    text = repr(value)
    if len(text) > 60:
        text = text[:57] + "..."
    return f"{text} ({type(value).__name__})"


def _strict_bool(value: object, _type: Any) -> bool:
    if not isinstance(value, bool):
        raise InvalidInput.of(
            "expected_true_false", N_("expected true or false, got {got}"), got=_shown(value)
        )
    return value


def _strict_int(value: object, _type: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidInput.of(
            "expected_whole_number",
            N_("expected a whole number, got {got}"),
            got=_shown(value),
        )
    return value


def _strict_float(value: object, _type: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise InvalidInput.of(
            "expected_number", N_("expected a number, got {got}"), got=_shown(value)
        )
    try:
        number = float(value)  # a whole number is a number (as in TOML and JSON)
    except OverflowError:
        raise InvalidInput.of(
            "expected_finite_number",
            N_("expected a finite number, got {got}"),
            got=_shown(value),
        ) from None
    if not math.isfinite(number):
        raise InvalidInput.of(
            "expected_finite_number",
            N_("expected a finite number, got {got}"),
            got=_shown(value),
        )
    return number


def _strict_str(value: object, _type: Any) -> str:
    if not isinstance(value, str):
        raise InvalidInput.of("expected_text", N_("expected text, got {got}"), got=_shown(value))
    return value


def _seconds(value: object, _type: Any) -> timedelta:
    if isinstance(value, timedelta):
        return value
    seconds = _strict_float(value, float)
    try:
        return timedelta(seconds=seconds)
    except OverflowError:
        raise InvalidInput.of(
            "expected_number_seconds",
            N_("expected a number of seconds in range, got {got}"),
            got=_shown(value),
        ) from None


def _strict_date(value: object, _type: Any) -> date:
    return to_date(value)


def strict_enum(enum: type[Enum]) -> Callable[[object, Any], Enum]:
    known = ", ".join(str(member.value) for member in enum)

    def structure(value: object, _type: Any) -> Enum:
        if isinstance(value, enum):
            return value
        if not isinstance(value, str):
            raise InvalidInput.of(
                "expected_one_of",
                N_("expected one of {known}, got {got}"),
                known=known,
                got=_shown(value),
            )
        try:
            return enum(value)
        except ValueError:
            raise InvalidInput.of(
                "expected_one_of",
                N_("expected one of {known}, got {got}"),
                known=known,
                got=_shown(value),
            ) from None

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
            raise InvalidInput.of(
                "expected_list", N_("expected a list, got {got}"), got=_shown(value)
            )
        args = getattr(cls, "__args__", ())
        item_type = args[0] if args else Any
        items = []
        for index, item in enumerate(value):
            try:
                items.append(converter.structure(item, item_type))
            except InvalidInput as error:
                raise InvalidInput.of(
                    "invalid_item", N_("item {index}: {error}"), index=index, error=error
                ) from None
        origin = cls.__origin__
        return origin(items) if origin is not tuple else tuple(items)

    converter.register_structure_hook_func(_is_collection, collection)

    def mapping_factory(cls: Any) -> Callable[[Any, Any], Any]:
        structure = make_mapping_structure_fn(cls, converter)

        def checked(value: Any, type_: Any) -> Any:
            if not isinstance(value, Mapping):
                raise InvalidInput.of(
                    "expected_table", N_("expected a table, got {got}"), got=_shown(value)
                )
            return structure(value, type_)

        return checked

    converter.register_structure_hook_factory(_is_mapping, mapping_factory)

    def attrs_factory(cls: Any) -> Callable[[Any, Any], Any]:
        structure = make_dict_structure_fn(cls, converter, _cattrs_forbid_extra_keys=True)

        def checked(value: Any, type_: Any) -> Any:
            if not isinstance(value, Mapping):
                raise InvalidInput.of(
                    "expected_table", N_("expected a table, got {got}"), got=_shown(value)
                )
            return structure(value, type_)

        return checked

    converter.register_structure_hook_factory(attrs.has, attrs_factory)
    return converter
