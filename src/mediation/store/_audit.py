"""Audit helpers that take a store: verify a stored case, export a store, import a file.

They sit with the stores so that :mod:`mediation.audit` never imports
:mod:`mediation.store`; all three are re-exported from :mod:`mediation.store`.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import IO

import attrs

from mediation import events as ev
from mediation._logging import get_logger
from mediation.audit import (
    ChainBreak,
    ChainHead,
    ExportedCase,
    Verification,
    export_case,
    genesis,
    read_export,
    verify,
)
from mediation.errors import CaseNotFound, ChainBroken
from mediation.store._protocol import EventStore

__all__ = ["export_store", "import_export", "verify_case"]

_log = get_logger("mediation.audit")


def verify_case(store: EventStore, case_id: str, *, deep: bool = False) -> Verification:
    """Verify a stored case against the head the store keeps for it.

    Args:
        store: The store.
        case_id: The case.
        deep: See :func:`mediation.audit.verify`.

    Returns:
        The :class:`~mediation.audit.Verification`; a case with events but no head gives code
        ``no_anchor``.

    Raises:
        CaseNotFound: the store has neither events nor a head for the case.
    """
    summary = store.summary(case_id)
    try:
        records = store.records(case_id)
    except CaseNotFound:
        if summary is None:
            raise
        records = ()
    if summary is None:
        result = verify(records, case_id=case_id, deep=deep)
        if result.ok:
            result = attrs.evolve(
                result,
                broken=ChainBreak(
                    None, "no_anchor", "the store keeps no head for this case (summary removed)"
                ),
            )
        return result
    anchor = ChainHead(case_id, summary.version, summary.head)
    return verify(records, case_id=case_id, anchor=anchor, deep=deep)


def export_store(
    store: EventStore,
    out: IO[bytes],
    case_ids: Iterable[str] | None = None,
    *,
    allow_broken: bool = False,
) -> tuple[ChainHead, ...]:
    """Export cases of a store as JSON Lines, verifying each chain first.

    Args:
        store: The store to read.
        out: A binary stream.
        case_ids: The cases to export; default: every case, in the store's listing order.
        allow_broken: Export a case even if its chain does not verify (the export then
            does not verify either); default: refuse.

    Returns:
        The anchors written, one per case.

    Raises:
        CaseNotFound: a requested case is not in the store.
        ChainBroken: a case's chain does not verify (unless ``allow_broken``).
    """
    ids = [summary.case_id for summary in store.cases()] if case_ids is None else list(case_ids)
    written: list[ChainHead] = []
    for case_id in ids:
        summary = store.summary(case_id)
        if summary is None:
            raise CaseNotFound(case_id)
        records = store.records(case_id)
        anchor = ChainHead(case_id, summary.version, summary.head)
        if not allow_broken:
            verify(records, case_id=case_id, anchor=anchor).raise_if_broken()
        written.append(export_case(records, anchor, out))
        _log.info("case_exported", case_id=case_id, version=anchor.version)
    return tuple(written)


def import_export(stream: IO[bytes], store: EventStore) -> tuple[ChainHead, ...]:
    """Import an export file into ``store``, verifying every case first.

    Nothing is stored unless every case in the file verifies (deeply: every event is
    decoded and re-encoded). Each case is then appended as a new case in one atomic
    append, and the store's resulting head is checked against the file's.

    Args:
        stream: A binary stream positioned at the start of the file.
        store: The store to import into.

    Returns:
        The imported cases' anchors.

    Raises:
        ChainBroken: the file is malformed or a chain does not verify; nothing stored.
        ConcurrencyError: a case with the same id already exists in the store.
    """
    cases = read_export(stream)
    for case in cases:
        if any(record.redacted_digest is not None for record in case.records):
            raise ChainBroken(
                case.case_id,
                None,
                "redacted",
                f"the export of case {case.case_id!r} was made for one reader and leaves "
                "content out: it verifies, but cannot be imported",
            )
    decoded: list[tuple[ExportedCase, list[ev.Event]]] = []
    for case in cases:
        verify(case.records, case_id=case.case_id, anchor=case.anchor, deep=True).raise_if_broken()
        decoded.append((case, [record.event() for record in case.records]))
    heads: list[ChainHead] = []
    for case, events in decoded:
        stored = store.append(case.case_id, events, 0)
        head = stored[-1].hash if stored else genesis(case.case_id)
        if head != case.anchor.head:  # pragma: no cover - a store that re-encodes differently
            raise ChainBroken(
                case.case_id, None, "head_mismatch", "the store's chain differs from the file's"
            )
        heads.append(case.anchor)
        _log.info("case_imported", case_id=case.case_id, version=case.anchor.version)
    return tuple(heads)
