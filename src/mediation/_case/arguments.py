"""Argument checks every public command gets before it runs (types, finiteness, ranges,
sizes per the policy's :class:`~mediation.policy.Limits`, encodability), and one clock
reading per command.

:func:`guard_commands` wraps the public commands of :class:`~mediation.case.Mediation`:
each call binds its arguments to the command's signature (a missing or unknown keyword is
:class:`~mediation.errors.InvalidInput`, never a :class:`TypeError`), checks each argument
by its declared type and name, and reads the clock at most once for every event the
command records. A refused command has recorded nothing.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable, Mapping
from datetime import datetime, timezone
from decimal import Decimal
from fractions import Fraction
from typing import Any, TypeVar

from mediation.errors import InvalidInput
from mediation.model import shown
from mediation.policy import Limits

__all__ = ["check_argument", "guard_commands"]

T = TypeVar("T")

_NUMBER = (int, float, Fraction, Decimal)


def _finite_number(value: object, what: str, most: float) -> None:
    if isinstance(value, bool) or not isinstance(value, _NUMBER):
        raise InvalidInput(f"{what} must be a number; got {type(value).__name__}")
    try:
        magnitude = abs(Fraction(value))
    except (ValueError, OverflowError, ArithmeticError):
        raise InvalidInput(f"{what} must be a finite number; got {shown(value)}") from None
    if magnitude > Fraction(most):
        raise InvalidInput(f"{what} must be at most {most:g} in size; got {shown(value)}")


def _text(value: object, what: str, limits: Limits) -> None:
    if not isinstance(value, str):
        raise InvalidInput(f"{what} must be a string; got {type(value).__name__}")
    try:
        size = len(value.encode("utf-8"))
    except UnicodeEncodeError:
        raise InvalidInput(f"{what} is not valid Unicode text (a lone surrogate)") from None
    if size > limits.statement_bytes:
        raise InvalidInput(
            f"{what} is {size} bytes of UTF-8; the policy's limit is {limits.statement_bytes}"
        )


def _moment(value: object, what: str, limits: Limits, *, recorded: bool = True) -> None:
    if not isinstance(value, datetime) or value.tzinfo is None or value.utcoffset() is None:
        raise InvalidInput(f"{what} must be a timezone-aware datetime; got {shown(value)}")
    try:
        day = value.astimezone(timezone.utc).date()
    except (OverflowError, ValueError):
        raise InvalidInput(f"{what} is out of range: {shown(value)}") from None
    if recorded and not limits.earliest_date <= day <= limits.latest_date:
        raise InvalidInput(
            f"{what} must fall between {limits.earliest_date} and {limits.latest_date}; "
            f"got {value.isoformat()}"
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
    kinds = {part.strip() for part in annotation.split("|")}
    if "None" in kinds and value is None:
        return
    if "str" in kinds:
        if isinstance(value, str):
            _text(value, name, limits)
            return
        if not kinds - {"str", "None"}:
            raise InvalidInput(f"{name} must be a string; got {type(value).__name__}")
    if kinds == {"float"}:
        if name == "seconds":
            _finite_number(value, name, limits.max_duration_seconds)
            if value < 0:  # type: ignore[operator]
                raise InvalidInput(f"{name} must not be negative; got {shown(value)}")
        else:
            _finite_number(value, name, limits.max_amount)
    elif kinds == {"int"}:
        if isinstance(value, bool) or not isinstance(value, int):
            raise InvalidInput(f"{name} must be a whole number; got {type(value).__name__}")
    elif kinds == {"bool"}:
        if not isinstance(value, bool):
            raise InvalidInput(f"{name} must be True or False; got {shown(value)}")
    elif kinds == {"datetime"}:
        # ``now`` only asks a question (``overdue``): nothing is recorded from it, so any
        # aware time may be asked about; recorded times must fall within the policy's dates.
        _moment(value, name, limits, recorded=name != "now")
    elif annotation.startswith("Mapping["):
        if not isinstance(value, Mapping):
            raise InvalidInput(f"{name} must be a mapping; got {type(value).__name__}")
        for key, item in value.items():
            if not isinstance(key, str):
                raise InvalidInput(f"{name} keys must be strings; got {shown(key)}")
            if annotation.endswith(", bool]"):  # screening answers: True or False each
                if not isinstance(item, bool):
                    raise InvalidInput(f"{name}[{shown(key)}] must be True or False")
            else:
                _finite_number(item, f"{name}[{shown(key)}]", limits.max_amount)
    elif annotation.startswith(("Iterable[", "Sequence[")) and (
        isinstance(value, (str, bytes, Mapping)) or not hasattr(value, "__iter__")
    ):
        raise InvalidInput(f"{name} must be a collection; got {type(value).__name__}")


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


def _guarded(method: Callable[..., Any]) -> Callable[..., Any]:
    signature = inspect.signature(method)
    # Who acts is the rules' question: a non-string actor is a stranger (NotAuthorized).
    parameters = [p for p in signature.parameters.values() if p.name not in {"self", "actor"}]

    @functools.wraps(method)
    def command(self: Any, /, *args: Any, **kwargs: Any) -> Any:
        try:
            bound = signature.bind(self, *args, **kwargs)
        except TypeError as error:
            raise InvalidInput(f"{method.__name__}: {error}") from None
        limits: Limits = self._state.policy.limits
        for parameter in parameters:
            if parameter.name in bound.arguments:
                check_argument(
                    parameter.name,
                    str(parameter.annotation),
                    bound.arguments[parameter.name],
                    limits,
                )
        outermost = self._moment is None
        try:
            return method(self, *args, **kwargs)
        finally:
            if outermost:
                self._moment = None

    return command
