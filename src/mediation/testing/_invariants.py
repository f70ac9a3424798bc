"""Ready-made invariant checks a host calls in its own tests."""

from __future__ import annotations

import io
import itertools
import json
from collections.abc import Callable, Iterable, Mapping
from enum import Enum
from fractions import Fraction
from typing import Any

import attrs

from mediation import events as ev
from mediation.audit import authority_report, export_view, record_events, view
from mediation.case import Mediation
from mediation.testing._relabel import party_ids, relabelled
from mediation.testing._salts import seeded_salts

__all__ = [
    "assert_confidential",
    "assert_label_blind",
    "assert_replay_equal",
    "assert_self_determined",
]


def _plain(value: Any) -> Any:
    """Reduce a result to plain data: attrs instances to dicts, enums to values, sets and
    sequences to lists, exact numbers kept exact."""
    if attrs.has(type(value)):
        return {
            field.name: _plain(getattr(value, field.name)) for field in attrs.fields(type(value))
        }
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, Mapping):
        return {_plain(key): _plain(item) for key, item in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        return [_plain(item) for item in value]
    if isinstance(value, (str, int, float, bool, Fraction)) or value is None:
        return value
    return repr(value)


def _rename(value: Any, mapping: Mapping[str, str]) -> Any:
    if isinstance(value, str):
        return mapping.get(value, value)
    if isinstance(value, dict):
        return {_rename(key, mapping): _rename(item, mapping) for key, item in value.items()}
    if isinstance(value, list):
        return [_rename(item, mapping) for item in value]
    return value


def _canonical(value: Any) -> Any:
    """Sequences compared as multisets: relabelling may reorder per-party lists."""
    if isinstance(value, dict):
        return {key: _canonical(item) for key, item in value.items()}
    if isinstance(value, list):
        items = [_canonical(item) for item in value]
        return sorted(items, key=lambda item: json.dumps(item, sort_keys=True, default=str))
    return value


def _permutations(ids: tuple[str, ...]) -> Iterable[dict[str, str]]:
    if len(ids) <= 4:
        for order in itertools.permutations(ids):
            if order != ids:
                yield dict(zip(ids, order, strict=True))
    else:
        yield dict(zip(ids, reversed(ids), strict=True))
        yield dict(zip(ids, (*ids[1:], ids[0]), strict=True))


def assert_label_blind(fn: Callable[[Mediation], Any], case: Mediation) -> None:
    """Assert that ``fn`` is blind to the parties' labels on ``case``.

    For each permutation of the party ids (all of them up to four parties), the case's
    history is relabelled — ids renamed and the parties listed in the permuted order —
    and replayed; ``fn`` of the relabelled case must equal ``fn`` of the original with
    the ids renamed. Results are compared as plain data (attrs classes as dicts), with
    sequences compared as multisets, since relabelling reorders per-party lists.

    Raises:
        AssertionError: naming the permutation under which ``fn`` changed.
    """
    ids = party_ids(case.events)
    expected_base = _plain(fn(case))
    for mapping in _permutations(ids):
        renamed = Mediation.replay(
            relabelled(case.events, mapping),
            clock=lambda: case.state.last_at,
            process=case.process,
        )
        expected = _canonical(_rename(expected_base, mapping))
        actual = _canonical(_plain(fn(renamed)))
        assert actual == expected, (
            f"not label-blind: relabelling the parties {mapping} changed the result\n"
            f"expected (original, relabelled): {expected!r}\nactual: {actual!r}"
        )


def assert_replay_equal(case: Mediation) -> None:
    """Assert that replaying the case's events — directly and through their JSON form —
    rebuilds an equal case."""
    again = Mediation.replay(case.events, clock=lambda: case.state.last_at, process=case.process)
    assert again == case, "replaying the events did not rebuild an equal case"
    through_json = [ev.from_dict(json.loads(json.dumps(ev.to_dict(e)))) for e in case.events]
    again = Mediation.replay(through_json, clock=lambda: case.state.last_at, process=case.process)
    assert again == case, "replaying the events through JSON did not rebuild an equal case"


def assert_confidential(case: Mediation) -> None:
    """Assert that no caucus content or confidential valuation reaches anyone it does not
    belong to: another party's or a supervisor's view, an export made for them, or the
    outside-authority report.
    """
    state = case.state
    # seq -> (owner, field) of every confidential event: unshared caucus notes, valuations.
    confidential: dict[int, tuple[str, str]] = {}
    secrets: list[tuple[str, str]] = []
    for event in case.events:
        if isinstance(event, ev.CaucusNoteRecorded):
            note = state.caucus_notes[event.note_id]
            if not note.shared:
                confidential[event.seq] = (note.party, "text")
                secrets.append((note.party, note.text))
        elif isinstance(event, ev.ValuationsGiven):
            confidential[event.seq] = (event.actor, "valuations")
    records = record_events(case.case_id, case.events, salts=seeded_salts(0))
    for reader in (*state.parties, *state.supervisors):
        entries = view(case, reader).entries
        exported = io.BytesIO()
        export_view(case, records, reader, exported)
        lines = [json.loads(line) for line in exported.getvalue().splitlines()[1:-1]]
        for seq, (owner, field) in confidential.items():
            if reader == owner:
                continue
            entry, line = entries[seq - 1], lines[seq - 1]
            assert entry.get(field) is None, (
                f"{reader} can see the {field} of event {seq}, which belongs to {owner}"
            )
            held = line.get("content", {})
            committed = line["event"].get(field)
            assert field not in held and (
                not committed or (field in line.get("withheld", []) and "commitment" in committed)
            ), f"the export for {reader} holds the {field} of event {seq}, which belongs to {owner}"
        seen = json.dumps([dict(entry) for entry in entries], ensure_ascii=False)
        seen += exported.getvalue().decode("utf-8")
        for owner, secret in secrets:
            if reader != owner:
                assert secret not in seen, (
                    f"{reader} can see confidential content of {owner}: {secret!r}"
                )
    outside = json.dumps(_plain(authority_report(case)), ensure_ascii=False, default=str)
    for owner, secret in secrets:
        assert secret not in outside, f"the authority report shows {owner}'s {secret!r}"


_PARTY_ONLY = (
    ev.ConsentGiven,
    ev.ProposalAnswered,
    ev.Signed,
    ev.SuggestionRequested,
    ev.ValuationsGiven,
    ev.Withdrew,
    ev.CommonGroundAssented,
    ev.DifferencesConfirmed,
    ev.SharingAllowed,
)


def assert_self_determined(case: Mediation) -> None:
    """Assert that every consent, acceptance, signature and other self-determined act was
    made by the party itself, and that nobody reviewed a restatement of someone else's
    view."""
    parties = case.state.parties
    restated: dict[str, str] = {}
    for event in case.events:
        if isinstance(event, _PARTY_ONLY):
            assert event.actor in parties, (
                f"{event.type_name} #{event.seq} was made by {event.actor}, who is not a party"
            )
        if isinstance(event, ev.RestatementMade):
            restated[event.restatement_id] = event.about
        if isinstance(event, ev.RestatementReviewed):
            assert restated.get(event.restatement_id) == event.actor, (
                f"restatement {event.restatement_id} was reviewed by {event.actor}, not by "
                "the party whose view it restates"
            )
