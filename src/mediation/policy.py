"""The policy a case runs under: host choices that are data, never code.

A :class:`Policy` says which issue flags take a matter out of mediation, which escalation
authorities exist besides the built-in ones, and how long each stage may take. It is
recorded in the case's first event, so a replay and an audit see the rules in force.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import timedelta
from typing import Any

import attrs

from mediation.errors import InvalidInput
from mediation.model import NON_MEDIABLE_FLAGS, Authority, check_id

__all__ = ["Policy"]


def _to_flags(value: Iterable[str]) -> frozenset[str]:
    if isinstance(value, str):
        raise InvalidInput(
            f"non_mediable_flags must be a collection of flags, not the string {value!r}"
        )
    return frozenset(check_id(flag, "non-mediable flag") for flag in value)


def _to_authorities(value: Iterable[str]) -> tuple[str, ...]:
    if isinstance(value, str):
        raise InvalidInput(f"authorities must be a collection of names, not the string {value!r}")
    names = tuple(
        check_id(str(name.value if isinstance(name, Authority) else name), "authority")
        for name in value
    )
    if len(set(names)) != len(names):
        raise InvalidInput(f"authorities contain a duplicate: {list(names)}")
    return names


def _to_deadlines(value: Mapping[str, Any]) -> dict[str, timedelta]:
    deadlines: dict[str, timedelta] = {}
    for stage, limit in dict(value).items():
        check_id(str(stage), "deadline stage")
        if isinstance(limit, bool) or not isinstance(limit, (timedelta, int, float)):
            raise InvalidInput(
                f"deadline for stage {stage!r} must be a timedelta or a number of seconds; "
                f"got {limit!r}"
            )
        delta = limit if isinstance(limit, timedelta) else timedelta(seconds=limit)
        if delta <= timedelta(0):
            raise InvalidInput(f"deadline for stage {stage!r} must be positive; got {limit!r}")
        deadlines[str(stage)] = delta
    return deadlines


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

    @classmethod
    def default(cls) -> Policy:
        """The documented defaults: the five non-mediable flags, the four built-in
        authorities, and no stage deadlines."""
        return _DEFAULT

    def is_non_mediable(self, flags: Iterable[str]) -> frozenset[str]:
        """Return the subset of ``flags`` that this policy treats as non-mediable."""
        return self.non_mediable_flags.intersection(flags)


_DEFAULT = Policy()
