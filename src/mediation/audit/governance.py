"""Data governance as policy data: who may erase, who may read, and how long content is kept.

A :class:`DataPolicy` is the host's choice, written as data (a dictionary or TOML):

.. code-block:: toml

    erasers = ["data_protection_officer"]   # roles that may erase content
    readers = ["hr_auditor"]                # roles that may read cases they take no part in

    [[retention]]                            # one table per rule
    fields = ["text", "comment"]            # content fields to erase ...
    days_after_close = 365                  # ... this long after the case closed
    grounds = "HR records policy 4.2: statements kept one year"

Nothing here reads a clock or a store: :func:`due_spans` says which content of one
closed case a rule makes due at a time the caller gives.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any

import attrs

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on Python 3.10 only
    import tomli as tomllib

from mediation.audit._personal import PERSONAL_LEAVES, leaf
from mediation.audit.chain import RecordedEvent
from mediation.errors import InvalidInput

__all__ = ["DataPolicy", "RetentionRule", "due_spans"]


@attrs.frozen
class RetentionRule:
    """Erase some content fields a number of days after a case closed.

    Attributes:
        fields: The personal values to erase, by the last key of their path (names from
            :data:`mediation.audit.PERSONAL_LEAVES`: ``text``, ``note``, ``name``,
            ``role``, ``title``, ...); ``name`` erases the parties' and mediator's names.
        days_after_close: How many whole days after the case's ``closed`` event.
        grounds: The rule in words, recorded in each erasure event.
    """

    fields: frozenset[str]
    days_after_close: int
    grounds: str

    def __attrs_post_init__(self) -> None:
        unknown = sorted(self.fields - PERSONAL_LEAVES)
        if not self.fields or unknown:
            raise InvalidInput(
                f"a retention rule names content fields from {sorted(PERSONAL_LEAVES)}; "
                f"got {sorted(self.fields)}"
            )
        if (
            isinstance(self.days_after_close, bool)
            or not isinstance(self.days_after_close, int)
            or self.days_after_close < 0
        ):
            raise InvalidInput(
                f"days_after_close must be a whole number >= 0; got {self.days_after_close!r}"
            )
        if not isinstance(self.grounds, str) or not self.grounds.strip():
            raise InvalidInput("a retention rule says on what grounds it erases")


@attrs.frozen
class DataPolicy:
    """Who may erase, who may read beyond the participants, and the retention rules.

    Attributes:
        erasers: Roles allowed to erase content.
        readers: Roles allowed to load cases they take no part in (an auditor, HR).
        retention: The retention rules.
    """

    erasers: frozenset[str] = frozenset({"data_protection_officer"})
    readers: frozenset[str] = frozenset()
    retention: tuple[RetentionRule, ...] = ()

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> DataPolicy:
        """Build a policy from plain data (strictly: unknown keys are refused).

        Raises:
            InvalidInput: a key is unknown or a value has the wrong type.
        """
        if not isinstance(data, Mapping):
            raise InvalidInput("a data policy is a table of settings")
        unknown = sorted(set(data) - {"erasers", "readers", "retention"})
        if unknown:
            raise InvalidInput(f"unknown data policy settings: {unknown}")
        rules: list[RetentionRule] = []
        for entry in _list(data.get("retention", []), "retention"):
            if not isinstance(entry, Mapping):
                raise InvalidInput("each retention rule is a table")
            extra = sorted(set(entry) - {"fields", "days_after_close", "grounds"})
            if extra:
                raise InvalidInput(f"unknown retention rule settings: {extra}")
            try:
                rules.append(
                    RetentionRule(
                        frozenset(_strings(entry["fields"], "fields")),
                        entry["days_after_close"],
                        entry["grounds"],
                    )
                )
            except KeyError as missing:
                raise InvalidInput(f"a retention rule needs {missing}") from None
        return cls(
            erasers=frozenset(
                _strings(data.get("erasers", ["data_protection_officer"]), "erasers")
            ),
            readers=frozenset(_strings(data.get("readers", []), "readers")),
            retention=tuple(rules),
        )

    @classmethod
    def from_toml(cls, text: str) -> DataPolicy:
        """Read a policy from TOML text (see the module's docstring).

        Raises:
            InvalidInput: the text is not TOML or not a valid policy.
        """
        try:
            data = tomllib.loads(text)
        except tomllib.TOMLDecodeError as error:
            raise InvalidInput(f"the data policy is not valid TOML: {error}") from error
        return cls.from_dict(data)


def _list(value: Any, name: str) -> list[Any]:
    if not isinstance(value, list):
        raise InvalidInput(f"{name} must be a list")
    return value


def _strings(value: Any, name: str) -> list[str]:
    items = _list(value, name)
    if not all(isinstance(item, str) and item for item in items):
        raise InvalidInput(f"{name} must be a list of names")
    return items


def due_spans(
    records: Sequence[RecordedEvent], rules: Iterable[RetentionRule], now: datetime
) -> dict[str, list[str]]:
    """The content of one case that retention rules make due for erasure at ``now``.

    Args:
        records: The case's records.
        rules: The retention rules.
        now: The time to judge at (timezone-aware).

    Returns:
        Grounds → spans (``"<seq>.<field>"``) still held that are due under it; empty when
        the case is open or nothing is due. A span due under several rules is listed
        under the first.
    """
    closed_at = None
    for record in reversed(records):
        if b'"type":"closed"' in record.body:
            closed_at = record.at
            break
    if closed_at is None:
        return {}
    due: dict[str, list[str]] = {}
    taken: set[str] = set()
    for rule in rules:
        if now < closed_at + timedelta(days=rule.days_after_close):
            continue
        for record in records:
            if record.content is None:
                continue
            for field in sorted(record.contents()):
                span = f"{record.seq}.{field}"
                if leaf(field) in rule.fields and span not in taken:
                    taken.add(span)
                    due.setdefault(rule.grounds, []).append(span)
    return due
