"""Argument checks every public command gets before it runs (types, finiteness, ranges,
sizes per the policy's :class:`~mediation.policy.Limits`, encodability), and one clock
reading per command.

:func:`guard_commands` wraps the public commands of :class:`~mediation.case.Mediation`:
each call binds its arguments to the command's signature (a missing or unknown keyword is
:class:`~mediation.errors.InvalidInput`, never a :class:`TypeError`), checks each argument
by its declared type and name, and reads the clock at most once for every event the
command records. A refused command has recorded nothing.

The work that depends only on the command is done once, when the class is built: each
parameter's annotation is turned into its check (:func:`argument_check`), and the
signature into a :class:`Binding` that sorts a call's arguments by name. A call that the
binding cannot sort plainly (a missing, unknown or repeated argument) goes to
:meth:`inspect.Signature.bind`, the general path, which says why it fails; a property test
checks that the two agree.
"""

from __future__ import annotations

import functools
import inspect
import math
from collections.abc import Callable, Iterable, Mapping
from datetime import datetime, timezone
from decimal import Decimal
from fractions import Fraction
from typing import Any, TypeVar

from mediation.errors import InvalidInput
from mediation.i18n import N_
from mediation.model import shown
from mediation.policy import Limits

__all__ = [
    "ArgumentCheck",
    "Binding",
    "CommandArguments",
    "argument_check",
    "check_argument",
    "guard_commands",
]

T = TypeVar("T")

ArgumentCheck = Callable[[object, Limits], None]
"""Checks one argument's value against the case policy's limits; raises InvalidInput."""

_NUMBER = (int, float, Fraction, Decimal)


def _finite_number(value: object, what: str, most: float) -> None:
    if isinstance(value, bool) or not isinstance(value, _NUMBER):
        raise InvalidInput.of(
            "argument_not_number",
            N_("{what} must be a number; got {kind}"),
            what=what,
            kind=type(value).__name__,
        )
    if _beyond(value, what, most):
        raise InvalidInput.of(
            "argument_too_large",
            N_("{what} must be at most {most:g} in size; got {value}"),
            what=what,
            most=most,
            value=shown(value),
        )


def _beyond(value: int | float | Fraction | Decimal, what: str, most: float) -> bool:
    """Whether a number's magnitude exceeds ``most``, compared exactly.

    Raises:
        InvalidInput: the number is not finite.
    """
    if type(value) is int:
        return abs(value) > most  # int and float compare exactly in Python
    if type(value) is float:
        if not math.isfinite(value):
            raise _not_finite(value, what)
        return abs(value) > most
    return _beyond_exactly(value, what, most)


def _beyond_exactly(value: int | float | Fraction | Decimal, what: str, most: float) -> bool:
    """:func:`_beyond` for any number, by way of exact fractions (the general path; a
    plain ``int`` or ``float`` takes the comparison Python already makes exactly)."""
    try:
        magnitude = abs(Fraction(value))
    except (ValueError, OverflowError, ArithmeticError):
        raise _not_finite(value, what) from None
    return magnitude > Fraction(most)


def _not_finite(value: object, what: str) -> InvalidInput:
    return InvalidInput.of(
        "argument_not_finite",
        N_("{what} must be a finite number; got {value}"),
        what=what,
        value=shown(value),
    )


def _not_a_string(what: str, value: object) -> InvalidInput:
    return InvalidInput.of(
        "argument_not_string",
        N_("{what} must be a string; got {kind}"),
        what=what,
        kind=type(value).__name__,
    )


def _text(value: object, what: str, limits: Limits) -> None:
    if not isinstance(value, str):
        raise _not_a_string(what, value)
    try:
        # An ASCII text is one byte a character in UTF-8 (a lone surrogate is not ASCII).
        size = len(value) if value.isascii() else len(value.encode("utf-8"))
    except UnicodeEncodeError:
        raise InvalidInput.of(
            "argument_surrogate",
            N_("{what} is not valid Unicode text (a lone surrogate)"),
            what=what,
        ) from None
    if size > limits.statement_bytes:
        raise InvalidInput.of(
            "argument_text_too_long",
            N_("{what} is {size} bytes of UTF-8; the policy's limit is {limit}"),
            what=what,
            size=size,
            limit=limits.statement_bytes,
        )


def _moment(value: object, what: str, limits: Limits, *, recorded: bool = True) -> None:
    if not isinstance(value, datetime) or value.tzinfo is None or value.utcoffset() is None:
        raise InvalidInput.of(
            "argument_naive_datetime",
            N_("{what} must be a timezone-aware datetime; got {value}"),
            what=what,
            value=shown(value),
        )
    try:
        day = value.astimezone(timezone.utc).date()
    except (OverflowError, ValueError):
        raise InvalidInput.of(
            "argument_moment_out_of_range",
            N_("{what} is out of range: {value}"),
            what=what,
            value=shown(value),
        ) from None
    if recorded and not limits.earliest_date <= day <= limits.latest_date:
        raise InvalidInput.of(
            "argument_date_outside_policy",
            N_("{what} must fall between {earliest} and {latest}; got {value}"),
            what=what,
            earliest=str(limits.earliest_date),
            latest=str(limits.latest_date),
            value=value.isoformat(),
        )


def check_argument(name: str, annotation: str, value: object, limits: Limits) -> None:
    """Check one command argument by its parameter ``name`` and declared ``annotation``.

    Args:
        name: The parameter's name (named in the message; ``seconds`` is a duration).
        annotation: The parameter's annotation as written (``"str | None"``, ...).
        value: What the caller passed.
        limits: The case policy's limits.

    Raises:
        InvalidInput: the value has the wrong type, is not finite, is out of range or too
            large, or cannot be encoded.
    """
    check = argument_check(name, annotation)
    if check is not None:
        check(value, limits)


def argument_check(name: str, annotation: str) -> ArgumentCheck | None:
    """The check :func:`check_argument` makes for parameter ``name`` declared
    ``annotation``, decided once.

    Args:
        name: The parameter's name.
        annotation: The parameter's annotation as written.

    Returns:
        The check, or None when the annotation asks for none (``Any``, a model type).
    """
    kinds = {part.strip() for part in annotation.split("|")}
    check: ArgumentCheck | None
    if "str" in kinds:
        check = _text_check(name, kinds, _typed_check(name, annotation, kinds))
    else:
        check = _typed_check(name, annotation, kinds)
    if check is None or "None" not in kinds:
        return check
    return _or_none(check)


def _or_none(check: ArgumentCheck) -> ArgumentCheck:
    def optional(value: object, limits: Limits) -> None:
        if value is not None:
            check(value, limits)

    return optional


def _text_check(name: str, kinds: set[str], other: ArgumentCheck | None) -> ArgumentCheck:
    text_only = not kinds - {"str", "None"}

    def text(value: object, limits: Limits) -> None:
        if isinstance(value, str):
            _text(value, name, limits)
        elif text_only:
            raise _not_a_string(name, value)
        elif other is not None:
            other(value, limits)

    return text


def _typed_check(name: str, annotation: str, kinds: set[str]) -> ArgumentCheck | None:
    """The check of a value that is not a string (a string-typed parameter's text check
    comes first)."""
    if kinds == {"float"}:
        return _duration_check(name) if name == "seconds" else _amount_check(name)
    if kinds == {"int"}:
        return _whole_check(name)
    if kinds == {"bool"}:
        return _bool_check(name)
    if kinds == {"datetime"}:
        # ``now`` only asks a question (``overdue``): nothing is recorded from it, so any
        # aware time may be asked about; recorded times must fall within the policy's dates.
        return _moment_check(name, recorded=name != "now")
    if annotation.startswith("Mapping["):
        return _mapping_check(name, answers=annotation.endswith(", bool]"))
    if annotation.startswith(("Iterable[", "Sequence[")):
        return _collection_check(name)
    return None


def _duration_check(name: str) -> ArgumentCheck:
    def duration(value: object, limits: Limits) -> None:
        _finite_number(value, name, limits.max_duration_seconds)
        if value < 0:  # type: ignore[operator]
            raise InvalidInput.of(
                "argument_negative",
                N_("{what} must not be negative; got {value}"),
                what=name,
                value=shown(value),
            )

    return duration


def _amount_check(name: str) -> ArgumentCheck:
    def amount(value: object, limits: Limits) -> None:
        _finite_number(value, name, limits.max_amount)

    return amount


def _whole_check(name: str) -> ArgumentCheck:
    def whole(value: object, _limits: Limits) -> None:
        if isinstance(value, bool) or not isinstance(value, int):
            raise InvalidInput.of(
                "argument_not_whole",
                N_("{what} must be a whole number; got {kind}"),
                what=name,
                kind=type(value).__name__,
            )

    return whole


def _bool_check(name: str) -> ArgumentCheck:
    def flag(value: object, _limits: Limits) -> None:
        if not isinstance(value, bool):
            raise InvalidInput.of(
                "argument_not_bool",
                N_("{what} must be True or False; got {value}"),
                what=name,
                value=shown(value),
            )

    return flag


def _moment_check(name: str, *, recorded: bool) -> ArgumentCheck:
    def moment(value: object, limits: Limits) -> None:
        _moment(value, name, limits, recorded=recorded)

    return moment


def _mapping_check(name: str, *, answers: bool) -> ArgumentCheck:
    def mapping(value: object, limits: Limits) -> None:
        if not isinstance(value, Mapping):
            raise InvalidInput.of(
                "argument_not_mapping",
                N_("{what} must be a mapping; got {kind}"),
                what=name,
                kind=type(value).__name__,
            )
        for key, item in value.items():
            if not isinstance(key, str):
                raise InvalidInput.of(
                    "argument_key_type",
                    N_("{what} keys must be strings; got {key}"),
                    what=name,
                    key=shown(key),
                )
            if answers:  # screening answers: True or False each
                if not isinstance(item, bool):
                    raise InvalidInput.of(
                        "argument_not_bool",
                        N_("{what}[{key}] must be True or False"),
                        what=name,
                        key=shown(key),
                    )
            else:
                _finite_number(item, f"{name}[{shown(key)}]", limits.max_amount)

    return mapping


def _collection_check(name: str) -> ArgumentCheck:
    def collection(value: object, _limits: Limits) -> None:
        if isinstance(value, (str, bytes, Mapping)) or not isinstance(value, Iterable):
            raise InvalidInput.of(
                "argument_not_collection",
                N_("{what} must be a collection; got {kind}"),
                what=name,
                kind=type(value).__name__,
            )

    return collection


class Binding:
    """A command signature's arguments by name, sorted the plain way (no ``*args`` or
    ``**kwargs`` in the signature).

    Args:
        signature: The command's signature, ``self`` first.
    """

    __slots__ = ("fewest", "keywords", "positional", "required")

    def __init__(self, signature: inspect.Signature) -> None:
        parameters = list(signature.parameters.values())[1:]  # self is bound by the caller
        self.positional = tuple(
            p.name for p in parameters if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)
        )
        self.keywords = frozenset(
            p.name for p in parameters if p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY)
        )
        self.required = frozenset(p.name for p in parameters if p.default is p.empty)
        # Without keywords: how many positional arguments a call needs at least (the
        # required parameters come first); more than there are when one is keyword-only.
        self.fewest = (
            len(self.required)
            if self.required.issubset(self.positional)
            else len(self.positional) + 1
        )

    @classmethod
    def of(cls, signature: inspect.Signature) -> Binding | None:
        """The binding of ``signature``, or None when it takes ``*args`` or ``**kwargs``.

        Args:
            signature: A method's signature, ``self`` first.

        Returns:
            The binding, or None.
        """
        kinds = {p.kind for p in signature.parameters.values()}
        if kinds & {inspect.Parameter.VAR_POSITIONAL, inspect.Parameter.VAR_KEYWORD}:
            return None
        return cls(signature)

    def arguments(self, args: tuple[Any, ...], kwargs: dict[str, Any]) -> dict[str, Any] | None:
        """The arguments given, by parameter name (defaults not filled in), as
        :meth:`inspect.Signature.bind` would sort them after ``self``.

        Args:
            args: The positional arguments after ``self``.
            kwargs: The keyword arguments.

        Returns:
            Name → value; None when the call does not bind plainly (too many positional
            arguments, an unknown or repeated keyword, a required one missing): the
            general path then says why.
        """
        if len(args) > len(self.positional):
            return None
        given = dict(zip(self.positional, args, strict=False))  # fewer args than names: fine
        if not kwargs:
            return given if len(given) >= self.fewest else None
        for name, value in kwargs.items():
            if name not in self.keywords or name in given:
                return None
            given[name] = value
        return given if self.required <= given.keys() else None


def guard_commands(cls: type[T], names: tuple[str, ...]) -> type[T]:
    """Wrap the commands ``names`` of ``cls`` so each checks its arguments first and reads
    the clock once.

    Args:
        cls: The case class.
        names: The public methods to wrap.

    Returns:
        ``cls``, changed in place.
    """
    for name in names:
        method = getattr(cls, name)
        setattr(cls, name, _guarded(method))
    return cls


class CommandArguments:
    """The argument checks of one command, prepared once from its signature.

    Args:
        method: The command (a function taking the case first).
    """

    __slots__ = ("binding", "by_position", "checks", "name", "signature")

    def __init__(self, method: Callable[..., Any]) -> None:
        self.name = method.__name__
        self.signature = inspect.signature(method)
        self.binding = Binding.of(self.signature)
        # Who acts is the rules' question: a non-string actor is a stranger (NotAuthorized).
        self.checks = tuple(
            (parameter.name, check)
            for parameter in self.signature.parameters.values()
            if parameter.name not in {"self", "actor"}
            and (check := argument_check(parameter.name, str(parameter.annotation))) is not None
        )
        # For a call by position alone (the commonest): each check with the index of its
        # argument, in the signature's order (positional parameters come first in it).
        positional = self.binding.positional if self.binding is not None else ()
        self.by_position = tuple(
            (positional.index(name), check) for name, check in self.checks if name in positional
        )

    def check(
        self, case: object, args: tuple[Any, ...], kwargs: dict[str, Any], limits: Limits
    ) -> None:
        """Check a call's arguments, in the signature's order.

        Args:
            case: What the command is called on.
            args: The positional arguments after it.
            kwargs: The keyword arguments.
            limits: The case policy's limits.

        Raises:
            InvalidInput: the arguments do not fit the signature (a missing, unknown or
                repeated one), or one fails its check.
        """
        binding = self.binding
        if not kwargs and binding is not None and binding.fewest <= len(args):
            count = len(args)
            if count <= len(binding.positional):  # binds plainly: what arguments() checks
                for index, check in self.by_position:
                    if index < count:
                        check(args[index], limits)
                return
        given = None if binding is None else binding.arguments(args, kwargs)
        if given is None:
            try:
                given = self.signature.bind(case, *args, **kwargs).arguments
            except TypeError as error:
                raise InvalidInput(f"{self.name}: {error}") from None
        for name, check in self.checks:
            if name in given:
                check(given[name], limits)


def _guarded(method: Callable[..., Any]) -> Callable[..., Any]:
    arguments = CommandArguments(method)

    @functools.wraps(method)
    def command(self: Any, /, *args: Any, **kwargs: Any) -> Any:
        arguments.check(self, args, kwargs, self._state.policy.limits)
        outermost = self._moment is None
        try:
            return method(self, *args, **kwargs)
        finally:
            if outermost:
                self._moment = None

    return command
