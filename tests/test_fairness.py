"""mediation.fairness: projections, metric definitions, statistics, suppression, errors."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path
from random import Random
from typing import Any

import pytest

from mediation import events as ev
from mediation.clocks import ManualClock
from mediation.errors import InvalidInput
from mediation.fairness import (
    AttributesError,
    CaseRecord,
    EmptyAudit,
    FairnessAudit,
    MissingAttributes,
    PartyRecord,
    UnknownDimension,
    audit_records,
    audit_store,
    example_attributes,
    example_cases,
    load_attributes,
    position_of,
    project,
    render_html,
    to_json,
)
from mediation.fairness._audit import _Mean
from mediation.model import Mediator, Party, Relation, RelationKind
from mediation.store import InMemoryStore
from mediation.testing import screen_all, scripted_case

T0 = datetime(2026, 1, 5, 9, tzinfo=timezone.utc)


@pytest.fixture(scope="module")
def example_store() -> InMemoryStore:
    store = InMemoryStore()
    for case in example_cases(300, seed=5):
        store.append(case.case_id, case.events, 0)
    return store


def _record(
    index: int,
    *,
    mediator: str = "m",
    settled: bool = True,
    a_withdrew: bool = False,
    agreement_by: str | None = "a",
) -> CaseRecord:
    a, b = f"a{index}", f"b{index}"
    return CaseRecord(
        case_id=f"c{index}",
        mediator=mediator,
        supervisors=("sup",),
        relation_kinds=("manages",),
        parties=(
            PartyRecord(a, "manager", "manager", a_withdrew, 60.0, 2),
            PartyRecord(b, "staff", "subordinate", False, 40.0, 1),
        ),
        outcome="settled" if settled else "impasse",
        opened_at=T0,
        closed_at=T0 + timedelta(hours=index % 7 + 1),
        agreement_by={"a": a, "b": b}.get(agreement_by or ""),
        findings=index % 3,
        overrides={"sup": 1} if index % 4 == 0 else {},
        events=20,
    )


# -- projection -----------------------------------------------------------------------------


def test_project_reads_what_the_audit_needs() -> None:
    case = scripted_case("proj-1")
    record = project(case.events)
    assert record.case_id == "proj-1"
    assert record.mediator == "chen"
    assert record.outcome == "settled"
    assert record.agreement_by == "lin"  # lin proposed the signed agreement
    assert record.pauses == 1
    assert record.supervisors == ("hr-lead",)
    assert record.events == len(case.events)
    assert record.hours_to_close == pytest.approx(
        (case.events[-1].at - case.events[0].at).total_seconds() / 3600
    )
    airtime = {p.id: p.airtime for p in record.parties}
    assert airtime == {"lin": 200.0, "zhao": 240.5}
    assert [p.role for p in record.parties] == ["head", "analyst"]


def test_project_of_an_open_case_and_a_withdrawal() -> None:
    clock = ManualClock(T0, tick=timedelta(minutes=1))
    from mediation.case import Mediation

    case = Mediation.open(
        "w-1",
        [Party("boss", "Boss", "manager"), Party("junior", "Junior", "staff")],
        Mediator("m", "Mo"),
        clock=clock,
        relations=[Relation(RelationKind.MANAGES, "boss", "junior")],
    )
    assert project(case.events).outcome is None
    assert project(case.events).hours_to_close is None
    case.disclose("m", "No ties.")
    screen_all(case)
    case.consent("boss")
    case.consent("junior")
    case.withdraw("junior", "No.")
    record = project(case.events)
    assert {p.id: p.withdrew for p in record.parties} == {"boss": False, "junior": True}
    assert {p.id: p.position for p in record.parties} == {
        "boss": "manager",
        "junior": "subordinate",
    }
    assert record.relation_kinds == ("manages",)


def test_project_refuses_a_history_without_its_opening() -> None:
    events = scripted_case("proj-2").events
    with pytest.raises(InvalidInput):
        project(events[1:])
    with pytest.raises(InvalidInput):
        project([])


def test_positions_from_relations() -> None:
    relations = [
        Relation(RelationKind.MANAGES, "a", "b"),
        Relation(RelationKind.REPORTS_TO, "c", "b"),
        Relation(RelationKind.CLIENT, "d", "a"),
    ]
    assert position_of("a", relations) == "manager"
    assert position_of("b", relations) == "manager_and_subordinate"
    assert position_of("c", relations) == "subordinate"
    assert position_of("d", relations) == "peer"


# -- metrics and statistics -------------------------------------------------------------------


def test_figures_per_group_match_hand_counts() -> None:
    records = [_record(i, mediator="m1" if i < 10 else "m2", settled=i % 2 == 0) for i in range(20)]
    report = audit_records(records, ["mediator", "position"], min_people=1)
    settlement = {
        f.group: f for f in report.groups if f.metric == "settlement" and f.dimension == "mediator"
    }
    assert settlement["m1"].n == 10 and settlement["m1"].value == 0.5
    low, high = settlement["m1"].low, settlement["m1"].high
    assert low is not None and high is not None and low < 0.5 < high
    proposed = {
        f.group: f.value
        for f in report.groups
        if f.metric == "proposed_agreement" and f.dimension == "position"
    }
    assert proposed == {"manager": 1.0, "subordinate": 0.0}
    shares = {
        f.group: f.value
        for f in report.groups
        if f.metric == "airtime_share" and f.dimension == "position"
    }
    assert shares == {"manager": pytest.approx(0.6), "subordinate": pytest.approx(0.4)}
    overall = {f.metric: f for f in report.overall}
    assert overall["settlement"].n == 20 and overall["settlement"].value == 0.5
    assert overall["overridden"].value == pytest.approx(5 / 20)
    assert overall["findings"].value == pytest.approx(sum(i % 3 for i in range(20)) / 20)
    assert report.supervisors[0].overrides == 5 and report.supervisors[0].cases == 20
    assert report.mediators[0].mediator == "m1" and report.mediators[0].cases == 10


def test_a_real_difference_is_significant_and_none_is_not() -> None:
    biased = [_record(i, mediator="m-bad", settled=i % 10 < 3) for i in range(60)]
    fair = [_record(100 + i, mediator="m-good", settled=i % 10 < 8) for i in range(60)]
    report = audit_records(biased + fair, ["mediator"], seed=3)
    settlement = [c for c in report.comparisons if c.metric == "settlement"]
    assert len(settlement) == 1
    (c,) = settlement
    assert c.group == "m-bad" and c.versus == "m-good"
    assert c.difference == pytest.approx(0.3 - 0.8)
    assert c.low < c.difference < c.high < 0
    assert c.test == "fisher_exact" and c.significant and c.cohens_h is not None
    assert any("settlement rate is lower for mediator m-bad" in line for line in report.summary())
    same = [_record(i, mediator="m-x" if i % 2 else "m-y", settled=i % 3 == 0) for i in range(120)]
    quiet = audit_records(same, ["mediator"], seed=3)
    assert not any(c.significant for c in quiet.comparisons if c.metric == "settlement")


def test_q_values_are_benjamini_hochberg_over_every_comparison() -> None:
    records = [_record(i, mediator=f"m{i % 3}", settled=i % 5 != 0) for i in range(90)]
    report = audit_records(records, ["mediator", "position"], min_people=1)
    from mediation.stats import benjamini_hochberg

    p = [c.p_value for c in report.comparisons]
    assert [c.q_value for c in report.comparisons] == pytest.approx(benjamini_hochberg(p))
    mediator = [c for c in report.comparisons if c.dimension == "mediator"]
    assert {c.versus for c in mediator} == {"rest"}  # three groups: each against the rest


def test_means_use_a_permutation_test_when_small_and_welch_when_large() -> None:
    small = audit_records([_record(i, mediator=f"m{i % 2}") for i in range(40)], ["mediator"])
    hours = [c for c in small.comparisons if c.metric == "hours_to_close"]
    assert [c.test for c in hours] == ["permutation"]
    large = audit_records([_record(i, mediator=f"m{i % 2}") for i in range(400)], ["mediator"])
    hours = [c for c in large.comparisons if c.metric == "hours_to_close"]
    assert [c.test for c in hours] == ["welch"]


def test_the_same_seed_gives_the_same_report() -> None:
    records = [_record(i, mediator=f"m{i % 2}") for i in range(40)]
    first = audit_records(records, ["mediator"], seed=11)
    again = audit_records(records, ["mediator"], rng=Random(11))
    assert [c.p_value for c in first.comparisons] == [c.p_value for c in again.comparisons]


def test_running_means_keep_values_only_while_permutable() -> None:
    acc = _Mean(keep=5)
    for value in range(5):
        acc.add(value)
    assert acc.values == [0.0, 1.0, 2.0, 3.0, 4.0]
    acc.add(5)
    assert acc.values is None  # memory stays bounded however many cases follow
    assert acc.n == 6 and acc.mean == pytest.approx(2.5)
    assert acc.variance == pytest.approx(3.5)
    merged = _Mean(5).merged([acc, acc])
    assert merged.n == 12 and merged.mean == pytest.approx(2.5) and merged.values is None


def test_relabelling_people_changes_no_figure() -> None:
    records = [_record(i, mediator=f"m{i % 2}", settled=i % 3 == 0) for i in range(40)]

    def relabel(record: CaseRecord) -> CaseRecord:
        import attrs

        mapping = {p.id: f"x-{p.id[::-1]}" for p in record.parties}
        parties = tuple(attrs.evolve(p, id=mapping[p.id]) for p in reversed(record.parties))
        return attrs.evolve(
            record, parties=parties, agreement_by=mapping.get(record.agreement_by or "")
        )

    first = audit_records(records, ["position", "mediator"], seed=2)
    second = audit_records([relabel(r) for r in records], ["position", "mediator"], seed=2)
    assert first.groups == second.groups
    assert [c.p_value for c in first.comparisons] == [c.p_value for c in second.comparisons]


# -- suppression --------------------------------------------------------------------------------


def test_small_groups_are_suppressed_and_never_tested() -> None:
    records = [_record(i, mediator="big") for i in range(30)]
    records += [_record(100 + i, mediator="tiny") for i in range(2)]  # 4 people
    report = audit_records(records, ["mediator"])
    tiny = [f for f in report.groups if f.group == "tiny"]
    assert tiny and all(f.suppressed and f.n is None and f.value is None for f in tiny)
    assert not any("tiny" in (c.group, c.versus) for c in report.comparisons)
    assert ("mediator", "tiny") in report.suppressed()
    assert any("suppressed (n<5 people)" in line.lower() for line in report.summary())
    findings = {m.mediator: m for m in report.mediators}
    assert findings["tiny"].suppressed and findings["tiny"].cases is None
    html = render_html(report, charts=False)
    assert "suppressed (n&lt;5)" in html


# -- the store pass ---------------------------------------------------------------------------


def test_store_audit_finds_the_biased_mediator(example_store: InMemoryStore) -> None:
    seen: list[tuple[int, int]] = []
    report = audit_store(
        example_store,
        ["mediator", "mediator*position"],
        progress=lambda cases, events: seen.append((cases, events)),
    )
    assert report.cases == 300 and seen[-1] == (300, report.events)
    found = {(c.dimension, c.group, c.metric) for c in report.significant()}
    assert ("mediator*position", "m-dana × manager", "proposed_agreement") in found
    assert ("mediator*position", "m-dana × manager", "attention_share") in found
    others = {g for d, g, m in found if d == "mediator" and g != "m-dana"}
    assert not others  # the fair mediators are not singled out


def test_a_store_without_a_streaming_read_is_read_case_by_case(
    example_store: InMemoryStore,
) -> None:
    class Older:
        """A third-party store from before ``stream_cases``: listing and loads only."""

        def cases(self) -> tuple[Any, ...]:
            return example_store.cases()

        def load(self, case_id: str) -> tuple[ev.Event, ...]:
            return example_store.load(case_id)

    older = audit_store(Older(), ["mediator"])  # type: ignore[arg-type]
    streamed = audit_store(example_store, ["mediator"])
    assert [(f.group, f.metric, f.n) for f in older.groups] == [
        (f.group, f.metric, f.n) for f in streamed.groups
    ]
    assert [c.p_value for c in older.comparisons] == pytest.approx(
        [c.p_value for c in streamed.comparisons], rel=1e-6
    )


def test_host_attributes_from_a_csv_file(tmp_path: Path, example_store: InMemoryStore) -> None:
    path = tmp_path / "people.csv"
    rows = ["id,department,grade"] + [
        f"{person},{row['department']},{row['grade']}"
        for person, row in example_attributes(1).items()
    ]
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    table = load_attributes(path)
    report = audit_store(example_store, ["department", "grade"], attributes=table)
    departments = {f.group for f in report.groups if f.dimension == "department"}
    assert departments == {"engineering", "finance", "operations", "sales"}


def test_mediator_attributes_and_a_lookup_function(example_store: InMemoryStore) -> None:
    def lookup(person: str) -> dict[str, str] | None:
        if person.startswith("m-"):
            return {"team": "north" if person in ("m-ana", "m-bo") else "south"}
        return {"team": "staff"}

    report = audit_store(example_store, ["mediator.team"], attributes=lookup)
    assert {f.group for f in report.groups} == {"north", "south"}


# -- bad input ------------------------------------------------------------------------------------


def test_unknown_dimension_is_refused_before_anything_is_read() -> None:
    class Exploding(InMemoryStore):
        def stream_cases(self, batch_size: int = 500) -> Iterator[tuple[ev.Event, ...]]:
            raise AssertionError("must not be read")

    with pytest.raises(UnknownDimension, match="unknown dimension 'departmnt'"):
        audit_store(Exploding(), ["departmnt"])
    with pytest.raises(UnknownDimension, match="attributes given are"):
        FairnessAudit(["grade"], attributes={"p": {"department": "x"}})
    with pytest.raises(UnknownDimension):
        FairnessAudit([])
    with pytest.raises(InvalidInput, match="named twice"):
        FairnessAudit(["role", "role"])
    assert issubclass(UnknownDimension, ValueError)


def test_people_missing_from_the_attributes(example_store: InMemoryStore) -> None:
    partial = dict(list(example_attributes(1).items())[:10])
    with pytest.raises(MissingAttributes, match="has no attributes"):
        audit_store(example_store, ["department"], attributes=partial)
    report = audit_store(example_store, ["department"], attributes=partial, missing="group")
    assert "(unknown)" in {f.group for f in report.groups}


def test_an_empty_store_is_refused() -> None:
    with pytest.raises(EmptyAudit, match="no cases"):
        audit_store(InMemoryStore())
    with pytest.raises(EmptyAudit):
        audit_records([])


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "empty file"),
        ("person,department\np1,sales\n", "no 'id' column"),
        ("id\np1\n", "no attribute columns"),
        ("id,dept,dept\np1,a,b\n", "repeated column"),
        ("id,dept\np1,sales\np1,legal\n", "appears twice"),
        ("id,dept\np1,sales,extra\n", "line 2: 3 cells"),
        ("id,dept\nnot an id,sales\n", "line 2"),
        ("id,dept\n", "no rows"),
    ],
)
def test_bad_attribute_files(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "people.csv"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(AttributesError, match=message):
        load_attributes(path)


def test_a_missing_attribute_file(tmp_path: Path) -> None:
    with pytest.raises(AttributesError, match="cannot read"):
        load_attributes(tmp_path / "nowhere.csv")


def test_bad_settings() -> None:
    for options in ({"min_people": 0}, {"missing": "skip"}, {"alpha": 1.5}, {"confidence": 2}):
        with pytest.raises(InvalidInput):
            FairnessAudit(["role"], **options)
    with pytest.raises(InvalidInput):
        InMemoryStore().stream_cases(batch_size=0)


# -- outputs ---------------------------------------------------------------------------------------


def test_json_is_strict_and_complete(example_store: InMemoryStore) -> None:
    report = audit_store(example_store, ["position"])
    data = json.loads(to_json(report))
    assert data["cases"] == 300
    assert {"overall", "groups", "comparisons", "mediators", "supervisors", "summary"} <= set(data)
    assert all(set(c) >= {"p_value", "q_value", "low", "high"} for c in data["comparisons"])


def test_html_escapes_what_the_host_supplies() -> None:
    records = [_record(i) for i in range(12)]
    attributes = {p.id: {"team": "<script>alert(1)</script>"} for r in records for p in r.parties}
    report = audit_records(records, ["team"], attributes=attributes)
    html = render_html(report, charts=False)
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_html_embeds_charts_as_inline_svg(example_store: InMemoryStore) -> None:
    report = audit_store(example_store, ["mediator"])
    html = render_html(report)
    assert html.count("<svg") == 1
    assert "<img" not in html and "src=" not in html  # self-contained


def test_without_matplotlib_the_page_still_renders(monkeypatch: pytest.MonkeyPatch) -> None:
    import sys

    from mediation.errors import MissingExtra
    from mediation.fairness._render import dimension_figure

    report = audit_records([_record(i, mediator=f"m{i % 2}") for i in range(20)], ["mediator"])
    for name in [name for name in sys.modules if name.startswith("matplotlib")]:
        monkeypatch.delitem(sys.modules, name)
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    html = render_html(report)
    assert "<svg" not in html
    assert "Charts need matplotlib: pip install &#39;mediation[charts]&#39;" in html
    with pytest.raises(MissingExtra, match="charts"):
        dimension_figure(report, "mediator")


def test_two_parties_of_one_case_in_one_group_count_the_case_once() -> None:
    peers = [
        CaseRecord(
            case_id=f"c{i}",
            mediator="m",
            parties=(
                PartyRecord(f"a{i}", "staff", "peer", False, 50.0, 1),
                PartyRecord(f"b{i}", "staff", "peer", i % 4 == 0, 50.0, 1),
            ),
            outcome="settled" if i % 2 else "impasse",
            opened_at=T0,
            closed_at=T0 + timedelta(hours=2),
        )
        for i in range(12)
    ]
    report = audit_records(peers, ["position"])
    figures = {f.metric: f for f in report.groups if f.group == "peer"}
    assert figures["settlement"].n == 12  # cases, not party places
    assert figures["hours_to_close"].n == 12
    assert figures["withdrawal"].n == 24  # the party's own: one per party
    assert figures["withdrawal"].value == pytest.approx(3 / 24)
