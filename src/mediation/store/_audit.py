"""Audit helpers that take a store: verify a stored case, export a store, import a file.

They sit with the stores so that :mod:`mediation.audit` never imports
:mod:`mediation.store`; all three are re-exported from :mod:`mediation.store`.
"""

from __future__ import annotations

import contextlib
import shutil
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from typing import IO

import attrs

from mediation import events as ev
from mediation._catalogs import N_
from mediation._logging import get_logger
from mediation.audit import (
    ChainBreak,
    ChainHead,
    ExportedCase,
    RecordedEvent,
    Signer,
    Verification,
    Verifier,
    erase_fields,
    export_case,
    genesis,
    iter_export,
    read_anchors,
    sign_heads,
    sign_trailer,
    verify,
)
from mediation.errors import (
    CaseNotFound,
    ChainBroken,
    ConcurrencyError,
    InvalidInput,
    NothingToErase,
)
from mediation.store._protocol import EventStore, ManagedStore
from mediation.store._summary import CaseSummary, summarize

__all__ = [
    "adoptable",
    "anchor_store",
    "erase_spans",
    "export_store",
    "import_export",
    "summary_mismatch",
    "verify_anchors",
    "verify_case",
]

_log = get_logger("mediation.audit")


def verify_case(
    store: EventStore, case_id: str, *, deep: bool = False, check_summary: bool = True
) -> Verification:
    """Verify a stored case against the head the store keeps for it, and its summary.

    Args:
        store: The store.
        case_id: The case.
        deep: See :func:`mediation.audit.verify`.
        check_summary: Also recompute the stage, outcome, opening time and next deadline
            from the events and compare them with the store's summary columns (a
            mismatch gives code ``summary_mismatch``).

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
    result = verify(records, case_id=case_id, anchor=anchor, deep=deep)
    if result.ok and check_summary and records:
        mismatch = summary_mismatch(summary, [record.event() for record in records])
        if mismatch is not None:
            result = attrs.evolve(result, broken=ChainBreak(None, "summary_mismatch", mismatch))
            _log.warning("summary_mismatch", case_id=case_id)
    return result


def summary_mismatch(summary: CaseSummary, events: Sequence[ev.Event]) -> str | None:
    """Compare a stored summary with the one the events give; say what differs.

    Args:
        summary: What the store keeps.
        events: The case's events.

    Returns:
        ``None`` when they agree, else a sentence naming each differing column.
    """
    folded, _ = summarize(summary.case_id, events, summary.head, None, None)
    differences = [
        f"{name} is {getattr(summary, name)!r} in the store but {getattr(folded, name)!r} "
        "from the events"
        for name in ("version", "stage", "outcome", "opened_at", "next_due")
        if getattr(summary, name) != getattr(folded, name)
    ]
    if not differences:
        return None
    return "the stored summary was changed: " + "; ".join(differences)


def adoptable(case_id: str, records: Sequence[RecordedEvent]) -> list[ev.Event]:
    """Check records of a new case before a store adopts them as they are.

    Args:
        case_id: The case.
        records: Its recorded events, from the first.

    Returns:
        The decoded events.

    Raises:
        ChainBroken: the records do not verify deeply, leave withheld content out (a
            reader's export), or are empty.
    """
    _check_complete(case_id, records)
    anchor = ChainHead(case_id, len(records), records[-1].hash)
    verify(records, case_id=case_id, anchor=anchor, deep=True).raise_if_broken()
    return [record.event() for record in records]


def _check_complete(case_id: str, records: Sequence[RecordedEvent]) -> None:
    if not records:
        raise ChainBroken(case_id, None, "missing", f"case {case_id!r} has no events")
    if any(record.withheld for record in records):
        raise ChainBroken(
            case_id,
            None,
            "redacted",
            f"the records of case {case_id!r} were exported for one reader and leave "
            "content out: they verify, but cannot be imported",
        )


def erase_spans(
    records: Sequence[RecordedEvent], erasure: ev.ContentErased
) -> dict[int, RecordedEvent]:
    """The records an erasure changes, with the named content removed.

    Args:
        records: The case's records, from the first.
        erasure: The erasure event (its ``spans`` name ``"<seq>.<field>"``).

    Returns:
        Sequence number → the record without the erased content.

    Raises:
        NothingToErase: a span names an event that does not exist (or comes after the
            erasure) or content that is not held; nothing is changed.
    """
    wanted: dict[int, list[str]] = {}
    for span in erasure.spans:
        seq_text, _, field = span.partition(".")
        if not seq_text.isdigit() or not field:
            raise NothingToErase(f"{span!r} is not a span of the form '<seq>.<field>'")
        seq = int(seq_text)
        if not 1 <= seq <= len(records) or seq >= erasure.seq:
            raise NothingToErase(f"{span!r} names no earlier event of the case")
        wanted.setdefault(seq, []).append(field)
    if not wanted:
        raise NothingToErase("the erasure names no content")
    return {seq: erase_fields(records[seq - 1], fields) for seq, fields in wanted.items()}


def export_store(
    store: EventStore,
    out: IO[bytes],
    case_ids: Iterable[str] | None = None,
    *,
    allow_broken: bool = False,
    signer: Signer | None = None,
) -> tuple[ChainHead, ...]:
    """Export cases of a store as JSON Lines, verifying each chain first.

    Args:
        store: The store to read.
        out: A binary stream.
        case_ids: The cases to export; default: every case, in the store's listing order.
        allow_broken: Export a case even if its chain does not verify (the export then
            does not verify either); default: refuse.
        signer: Sign each case's trailer with this key.

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
        signature = sign_trailer(anchor, signer) if signer is not None else None
        written.append(export_case(records, anchor, out, signature=signature))
        _log.info("case_exported", case_id=case_id, version=anchor.version)
    return tuple(written)


def anchor_store(store: EventStore, signer: Signer) -> bytes:
    """Sign the heads of every case of a store (after verifying each): an anchors file.

    Keep the file where the store's writers cannot change it; verify the store against
    it later with :func:`verify_anchors`.

    Args:
        store: A store with an id (both built-in ones).
        signer: The private key.

    Returns:
        The anchors file's bytes.

    Raises:
        ChainBroken: a case does not verify (nothing is signed).
        InvalidInput: the store has no id.
    """
    if not isinstance(store, ManagedStore):
        raise InvalidInput(f"{type(store).__name__} has no store id to sign heads for")
    heads: list[ChainHead] = []
    for summary in store.cases():
        verify_case(store, summary.case_id).raise_if_broken()
        heads.append(ChainHead(summary.case_id, summary.version, summary.head))
    _log.info("heads_signed", cases=len(heads))
    return sign_heads(store.store_id, heads, signer)


def verify_anchors(
    store: EventStore, anchors: bytes, verifier: Verifier, *, deep: bool = False
) -> tuple[Verification, ...]:
    """Verify a store against signed heads kept elsewhere.

    Every case the anchors name must be in the store, and its chain must pass through
    the signed head (events appended since are fine). Detects what the store's own head
    cannot: a chain rewritten from the start (``head_mismatch``), a truncated chain
    (``truncated``), a case removed (``dropped``).

    Args:
        store: The store.
        anchors: The anchors file's bytes (:func:`anchor_store`).
        verifier: The public key it was signed with.
        deep: See :func:`mediation.audit.verify`.

    Returns:
        One verification per anchored case, then one per case added since (verified
        against the store's own head).

    Raises:
        SignatureInvalid: the file is not signed by this key (or was altered).
        AnchorsMalformed: the file is malformed or for another store.
    """
    store_id = store.store_id if isinstance(store, ManagedStore) else None
    signed = read_anchors(anchors, verifier, store_id=store_id)
    results: list[Verification] = []
    anchored = set()
    for head in signed.heads:
        anchored.add(head.case_id)
        try:
            records = store.records(head.case_id)
        except CaseNotFound:
            results.append(
                Verification(
                    head.case_id,
                    0,
                    genesis(head.case_id),
                    ChainBreak(
                        None,
                        "dropped",
                        f"case {head.case_id!r} is in the signed heads ({head.version} events) "
                        "but not in the store: it was removed",
                    ),
                )
            )
            continue
        result = verify(
            records, case_id=head.case_id, anchor=head, deep=deep, anchor_is_earlier=True
        )
        if result.ok:
            result = verify_case(store, head.case_id, deep=deep)
        results.append(result)
    for summary in store.cases():
        if summary.case_id not in anchored:
            results.append(verify_case(store, summary.case_id, deep=deep))
    return tuple(results)


def import_export(stream: IO[bytes], store: EventStore) -> tuple[ChainHead, ...]:
    """Import an export file into ``store``, verifying every case first.

    Nothing is stored unless every case in the file verifies (deeply: every event is
    decoded and checked in canonical form), holds all its content (a reader's export
    does not) and is new to the store. Each case is then adopted as it is — the same
    sealed bodies, content, salts and hashes, erased content staying erased — so its
    heads stay valid.

    The file is read twice, one case at a time (a first pass verifies, a second adopts),
    so the memory held is that of the largest case, not of the file. A stream that
    cannot seek (a pipe) is first copied to a temporary file.

    Args:
        stream: A binary stream positioned at the start of the file.
        store: The store to import into (one that can adopt records: both built-in ones).

    Returns:
        The imported cases' anchors.

    Raises:
        ChainBroken: the file is malformed or a chain does not verify; nothing stored.
        ConcurrencyError: a case of the file is already in the store, or appears twice
            in the file; nothing stored (a case added by another writer between the two
            passes is refused when it is reached).
        InvalidInput: the store cannot adopt records.
    """
    if not isinstance(store, ManagedStore):
        raise InvalidInput(f"{type(store).__name__} cannot adopt records (no adopt method)")
    with _rereadable(stream) as source:
        start = source.tell()
        seen: set[str] = set()
        for case in iter_export(source):
            _check_importable(case, store, seen)
        source.seek(start)
        heads: list[ChainHead] = []
        for case in iter_export(source):
            heads.append(store.adopt(case.case_id, case.records))
            _log.info("case_imported", case_id=case.case_id, version=case.anchor.version)
    return tuple(heads)


def _check_importable(case: ExportedCase, store: EventStore, seen: set[str]) -> None:
    if case.case_id in seen:
        raise ConcurrencyError.of(
            "case_twice", N_("case {case} appears twice in the file"), case=repr(case.case_id)
        )
    seen.add(case.case_id)
    _check_complete(case.case_id, case.records)
    verify(case.records, case_id=case.case_id, anchor=case.anchor, deep=True).raise_if_broken()
    if store.summary(case.case_id) is not None:
        raise ConcurrencyError.of(
            "case_exists", N_("case {case} already exists in the store"), case=repr(case.case_id)
        )


@contextlib.contextmanager
def _rereadable(stream: IO[bytes]) -> Iterator[IO[bytes]]:
    if stream.seekable():
        yield stream
        return
    with tempfile.TemporaryFile() as copy:
        shutil.copyfileobj(stream, copy)
        copy.seek(0)
        yield copy
