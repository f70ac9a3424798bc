"""Where the audit's input comes from: a store (streamed) and the host's attributes file.

At the edge: :func:`audit_store` reads a store through
:meth:`~mediation.store.EventStore.stream_cases`, one case at a time, and
:func:`load_attributes` reads a CSV file.
"""

from __future__ import annotations

import csv
import os
from collections.abc import Callable, Iterator, Sequence
from random import Random
from typing import Any

from mediation import events as ev
from mediation._catalogs import N_
from mediation.errors import InvalidInput
from mediation.fairness._audit import (
    DEFAULT_DIMENSIONS,
    EmptyAudit,
    FairnessAudit,
    FairnessReport,
)
from mediation.fairness._records import project
from mediation.model import check_id
from mediation.store import EventStore, check_batch_size

__all__ = ["AttributesError", "audit_store", "load_attributes"]

StoreProgress = Callable[[int, int], None]
"""Called as ``progress(cases_read, events_read)`` as the store is read."""


class AttributesError(InvalidInput):
    """An attributes file that cannot be used: missing, not CSV, wrong columns, bad ids."""


def load_attributes(
    path: str | os.PathLike[str], *, id_column: str = "id"
) -> dict[str, dict[str, str]]:
    """Read a CSV file of person id → attributes (department, grade, ...).

    The first row names the columns: ``id_column`` and at least one attribute. Every
    later row gives one person's attributes; ids are unique and valid ids
    (:func:`mediation.model.check_id`); cells may be empty (unknown).

    Args:
        path: The CSV file (UTF-8; a byte-order mark is allowed).
        id_column: The column holding the person's id.

    Returns:
        Id → attribute name → value (empty values left out).

    Raises:
        AttributesError: the file is missing or unreadable, has no ``id_column``, no
            attribute column, a duplicate or blank column name, a row of the wrong length,
            or an invalid or repeated id. The message names the line.
    """
    try:
        with open(path, encoding="utf-8-sig", newline="") as stream:
            rows = list(csv.reader(stream))
    except (OSError, UnicodeDecodeError, csv.Error) as error:
        raise AttributesError.of(
            "cannot_read_attributes",
            N_("{path}: cannot read the attributes: {error}"),
            path=os.fspath(path),
            error=error,
        ) from None
    where = os.fspath(path)
    if not rows:
        raise AttributesError.of(
            "empty_file_expected",
            N_("{where}: empty file; expected a header row with {id_column!r}"),
            where=where,
            id_column=id_column,
        )
    header = [name.strip() for name in rows[0]]
    if id_column not in header:
        raise AttributesError.of(
            "no_column_header",
            N_(
                "{where}: no {id_column!r} column in the header {header}; the first row names the "
                "columns: {id_column!r} and one or more attributes"
            ),
            where=where,
            id_column=id_column,
            header=header,
        )
    if any(not name for name in header) or len(set(header)) != len(header):
        raise AttributesError.of(
            "blank_repeated_column",
            N_("{where}: blank or repeated column names in {header}"),
            where=where,
            header=header,
        )
    if len(header) < 2:
        raise AttributesError.of(
            "no_attribute_columns",
            N_("{where}: no attribute columns besides {id_column!r}"),
            where=where,
            id_column=id_column,
        )
    key = header.index(id_column)
    table: dict[str, dict[str, str]] = {}
    for line, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != len(header):
            raise AttributesError.of(
                "line_cells_where",
                N_("{where}, line {line}: {count} cells where the header has {count2}"),
                where=where,
                line=line,
                count=len(row),
                count2=len(header),
            )
        person = row[key].strip()
        try:
            check_id(person, "id")
        except InvalidInput as error:
            raise AttributesError.of(
                "invalid_line",
                N_("{where}, line {line}: {error}"),
                where=where,
                line=line,
                error=error,
            ) from None
        if person in table:
            raise AttributesError.of(
                "line_id_appears",
                N_("{where}, line {line}: id {person!r} appears twice"),
                where=where,
                line=line,
                person=person,
            )
        table[person] = {
            name: cell.strip()
            for index, (name, cell) in enumerate(zip(header, row, strict=True))
            if index != key and cell.strip()
        }
    if not table:
        raise AttributesError.of(
            "no_rows_after", N_("{where}: no rows after the header"), where=where
        )
    return table


def _histories(store: EventStore, batch_size: int) -> Iterator[tuple[ev.Event, ...]]:
    """Every case's events: the store's streaming read, or — for a store written before
    :meth:`~mediation.store.EventStore.stream_cases` existed — its listing, one load per
    case (the listing's summaries are then held in memory)."""
    stream = getattr(store, "stream_cases", None)
    if stream is not None:
        yield from stream(batch_size=batch_size)
        return
    check_batch_size(batch_size)
    for summary in store.cases():
        yield store.load(summary.case_id)


def audit_store(
    store: EventStore,
    by: Sequence[str] = DEFAULT_DIMENSIONS,
    *,
    batch_size: int = 500,
    progress: StoreProgress | None = None,
    rng: Random | None = None,
    seed: int = 0,
    resamples: int = 999,
    **options: Any,
) -> FairnessReport:
    """Audit every case of a store in one streaming pass.

    Each case's events are projected (:func:`~mediation.fairness.project`) as they are
    read and then dropped: memory holds one case, one batch of rows and the running
    figures per group.

    Args:
        store: The store.
        by: Dimensions to group by (see :class:`~mediation.fairness.FairnessAudit`).
        batch_size: Rows per round trip to the database.
        progress: Called as ``progress(cases_read, events_read)`` after each case.
        rng: The random stream of the permutation tests; default ``Random(seed)``.
        seed: Seed of the default stream.
        resamples: Permutations per permutation test.
        **options: Other keyword arguments of :class:`~mediation.fairness.FairnessAudit`
            (``attributes``, ``min_people``, ``missing``, ``alpha``, ``confidence``).

    Returns:
        The report.

    Raises:
        UnknownDimension: a dimension that is neither built in nor an attribute (before
            anything is read).
        MissingAttributes: a person the attributes do not cover.
        EmptyAudit: the store has no cases.
        InvalidInput: a stored event that is not well-formed, or a bad setting.
    """
    audit = FairnessAudit(by, **options)
    for events in _histories(store, batch_size):
        audit.add(project(events))
        if progress is not None:
            progress(audit.cases, audit.events)
    if audit.cases == 0:
        raise EmptyAudit.of("nothing_audit_store", N_("nothing to audit: the store has no cases"))
    stream = rng if rng is not None else Random(seed)
    note = "caller's random stream" if rng is not None else f"Random({seed})"
    return audit.report(stream, resamples=resamples, seed_note=note)
