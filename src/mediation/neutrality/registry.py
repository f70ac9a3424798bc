"""The registry of check families, and running the checks for a move.

Adding a family: write its module (its check written against :class:`~mediation.neutrality.Check`
— the built-in ones subclass :class:`~mediation.neutrality._family.FamilyCheck` and build
each finding with ``Finding.of`` from their ``MESSAGES`` table —, its source, its
:class:`~mediation.neutrality.Family` entry), add the entry to :data:`FAMILIES` below, and
add its page under ``docs/neutrality/``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import attrs

from mediation import events as ev
from mediation._catalogs import recover
from mediation._checks import Check, CheckContext, Finding
from mediation.errors import InvalidInput
from mediation.neutrality import (
    caucus_balance,
    caucus_parity,
    confidentiality,
    conflict_of_interest,
    informed_consent,
    joint_voice,
    major_differences,
    measures,
    mediator_conduct,
    mediator_style,
    power_imbalance,
    pressure,
    reciprocity,
    relationship_safeguards,
    responsiveness,
    screening,
    self_determination,
    threat_language,
    transcript_markers,
    voice_balance,
)
from mediation.neutrality._family import Family
from mediation.policy import Mode, Policy
from mediation.state import CaseState

__all__ = [
    "BUILTIN_CHECKS",
    "CHECKED_TRIGGERS",
    "FAMILIES",
    "MESSAGE_TEMPLATES",
    "SOURCES",
    "TITLES",
    "checks_in_force",
    "evaluate",
    "finding_fields",
    "recorded_finding",
    "recorded_message",
]

_FAMILY_MODULES = (
    conflict_of_interest,
    screening,
    threat_language,
    informed_consent,
    self_determination,
    voice_balance,
    joint_voice,
    reciprocity,
    caucus_parity,
    caucus_balance,
    mediator_conduct,
    mediator_style,
    pressure,
    transcript_markers,
    power_imbalance,
    relationship_safeguards,
    major_differences,
    confidentiality,
    responsiveness,
)

FAMILIES: tuple[Family, ...] = tuple(module.FAMILY for module in _FAMILY_MODULES)
"""The registry: every check family, in the order of the docs pages."""

SOURCES: Mapping[str, str] = {family.code: family.source for family in FAMILIES}
"""Check family → the standard it comes from."""

TITLES: Mapping[str, str] = {family.code: family.title for family in FAMILIES}
"""Check family → the heading the report shows."""

BUILTIN_CHECKS: tuple[Check, ...] = tuple(
    family.check for family in FAMILIES if family.check is not None
)
"""The configurable checks run on every forward move (responsiveness runs when deadlines
are reviewed: :meth:`~mediation.Mediation.review_deadlines`)."""

MESSAGE_TEMPLATES: tuple[str, ...] = tuple(
    dict.fromkeys(
        template
        for module in (*_FAMILY_MODULES, measures)
        for template in getattr(module, "MESSAGES", {}).values()
    )
)
"""The English templates of the built-in findings' messages (the catalogs translate
them); a recorded finding's message is matched against them to show it in another
language."""

CHECKED_TRIGGERS = frozenset({"advance", "settle", "settle_partially"})
"""The moves neutrality checks run on: forward moves and settlement."""


def checks_in_force(checks: Iterable[Check] | None) -> tuple[Check, ...]:
    """The checks a case runs: ``checks``, or :data:`BUILTIN_CHECKS` when None.

    Args:
        checks: The checks registered on the process (None: the built-in ones).

    Returns:
        The checks, in order.

    Raises:
        InvalidInput: two checks share a code.
    """
    if checks is None:
        return BUILTIN_CHECKS  # their codes are distinct (tested): nothing to check per case
    resolved = tuple(checks)
    codes = [check.code for check in resolved]
    if len(set(codes)) != len(codes):
        raise InvalidInput(f"checks with the same code: {codes}")
    return resolved


def evaluate(
    checks: Iterable[Check], state: CaseState, trigger: str, source: str, dest: str
) -> list[Finding]:
    """Run ``checks`` for a move and return their findings with the policy's modes.

    Checks whose mode is ``off`` are not run. Moves other than ``advance`` and
    settlement are not checked.

    Args:
        checks: The checks to run.
        state: The case's state before the move.
        trigger: The move, e.g. ``"advance"``.
        source: The stage the case leaves.
        dest: The stage the case would enter.

    Returns:
        The findings, each stamped with its check's code, source and mode.
    """
    if trigger not in CHECKED_TRIGGERS:
        return []
    context = CheckContext(state=state, trigger=trigger, source=source, dest=dest)
    findings: list[Finding] = []
    for check, mode in _checks_on(checks, state.policy):
        for finding in check.evaluate(context):
            findings.append(attrs.evolve(finding, check=check.code, source=check.source, mode=mode))
    return findings


_CHECKS_ON: dict[tuple[int, int], tuple[object, Policy, tuple[tuple[Check, Mode], ...]]] = {}


def _checks_on(checks: Iterable[Check], policy: Policy) -> tuple[tuple[Check, Mode], ...]:
    """The checks of ``checks`` that ``policy`` does not turn off, each with its mode.

    What depends only on the policy and the checks is worked out once per pair (a case
    keeps both for its whole life) rather than at every move: the same tuple of checks
    and the same policy object give the pairs made the first time. Keeping them by
    identity is sound because neither can change: a policy is frozen and its tables are
    read-only, and only a tuple of checks is kept. The memo holds at most 65 pairs and
    is shared by every case in the process (cases with the default policy share one).

    Args:
        checks: The checks to run, in order.
        policy: The policy in force.

    Returns:
        ``(check, mode)`` for each check whose mode is not ``off``, in order.
    """
    key = (id(checks), id(policy))
    cached = _CHECKS_ON.get(key)
    if cached is not None and cached[0] is checks and cached[1] is policy:
        return cached[2]
    pairs = tuple(
        (check, mode)
        for check in checks
        if (mode := policy.mode_of(check.code, check.default_mode)) is not Mode.OFF
    )
    if isinstance(checks, tuple):  # an iterator or a list may change or be used up
        if len(_CHECKS_ON) > 64:
            _CHECKS_ON.clear()
        _CHECKS_ON[key] = (checks, policy, pairs)
    return pairs


def finding_fields(finding: Finding, *, overridden: bool = False) -> dict[str, Any]:
    """The fields of a :class:`~mediation.events.FindingRecorded` event for ``finding``.

    Args:
        finding: The finding to record.
        overridden: Whether a supervisor's override let a blocking finding through.

    Returns:
        Field name → value.
    """
    return {
        "check": finding.check,
        "code": finding.code,
        "message": finding.message,
        "parties": finding.parties,
        "source": finding.source,
        "mode": finding.mode.value,
        "overridden": overridden,
        "evidence": finding.evidence,
    }


def recorded_message(message: str, lang: str) -> str:
    """A recorded finding's English ``message`` in ``lang`` (see :func:`recorded_finding`).

    Args:
        message: The message as recorded.
        lang: ``"en"`` or ``"zh"``.

    Returns:
        The message in ``lang`` when it was rendered from a built-in template, else as
        recorded.

    Raises:
        InvalidInput: an unknown language.
    """
    found = recover(MESSAGE_TEMPLATES, message)
    template, params = found if found is not None else ("", {})
    return Finding("", message, template=template, params=params).message_in(lang)


def recorded_finding(event: ev.FindingRecorded) -> Finding:
    """The :class:`Finding` a ``finding_recorded`` event carries.

    The event records the English message only. When it was rendered from one of the
    built-in templates (:data:`MESSAGE_TEMPLATES`), the template and the text of each
    field are recovered from it, so :meth:`Finding.message_in` can show it in another
    language (names, numbers and quoted texts as recorded); a host check's message stays
    English.

    Args:
        event: The recorded event.

    Returns:
        The finding, with its check, source and mode.
    """
    found = recover(MESSAGE_TEMPLATES, event.message)
    template, params = found if found is not None else ("", {})
    return Finding(
        event.code,
        event.message,
        event.parties,
        check=event.check,
        source=event.source,
        mode=Mode(event.mode),
        evidence=event.evidence,
        template=template,
        params=params,
    )
