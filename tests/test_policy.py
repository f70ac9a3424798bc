"""Tests for mediation.policy."""

from __future__ import annotations

import math
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest

from mediation import events as ev
from mediation.errors import InvalidInput
from mediation.model import NON_MEDIABLE_FLAGS, Mediator, Party, RelationKind, ScreeningDomain
from mediation.policy import (
    CaucusBalance,
    CaucusParity,
    Confidentiality,
    ConflictOfInterest,
    Limits,
    MediatorConduct,
    MediatorStyle,
    Policy,
    PowerImbalance,
    Pressure,
    RelationshipSafeguards,
    Safeguard,
    Screening,
    ScreeningResponse,
    Style,
    TranscriptMarkers,
    VoiceBalance,
)


def _opened_under(policy: Policy) -> ev.CaseOpened:
    """A two-party case's first event, recording ``policy``."""
    return ev.CaseOpened(
        seq=1,
        at=datetime(2026, 1, 1, tzinfo=timezone.utc),
        actor="m",
        stage="intake",
        case_id="c",
        process="default",
        parties=(Party("a", "A"), Party("b", "B")),
        mediator=Mediator("m", "M"),
        policy=policy,
    )


def test_default_policy() -> None:
    policy = Policy.default()
    assert policy.non_mediable_flags == NON_MEDIABLE_FLAGS
    assert policy.authorities == ("line_manager", "hr", "legal", "ethics")
    assert dict(policy.deadlines) == {}
    assert Policy.default() is policy


def test_host_defined_flags_authorities_and_deadlines() -> None:
    policy = Policy(
        non_mediable_flags={"harassment", "whistleblowing"},
        authorities=["hr", "works_council"],
        deadlines={"intake": 3600, "listening": timedelta(days=2)},
    )
    assert policy.is_non_mediable({"whistleblowing", "budget"}) == {"whistleblowing"}
    assert "works_council" in policy.authorities
    assert policy.deadlines["intake"] == timedelta(hours=1)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"non_mediable_flags": "harassment"}, "not the string"),
        ({"authorities": ["hr", "hr"]}, "duplicate"),
        ({"authorities": ["h r"]}, "authority"),
        ({"deadlines": {"intake": -5}}, "positive"),
        ({"deadlines": {"intake": "soon"}}, "timedelta"),
        ({"deadlines": {"intake": True}}, "timedelta"),
    ],
)
def test_bad_policies_are_refused_with_the_reason(kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(InvalidInput, match=message):
        Policy(**kwargs)  # type: ignore[arg-type]


def test_the_example_hr_policy_loads() -> None:
    from pathlib import Path

    policy = Policy.load(Path(__file__).parent.parent / "examples" / "hr_policy.toml")
    assert "whistleblowing" in policy.non_mediable_flags
    assert policy.deadlines["intake"] == timedelta(days=5)
    assert policy.voice_balance.max_gini == 0.3
    assert policy.responsiveness.escalate_to == "hr"
    assert policy.mode_of("house_rule").value == "warn"
    assert policy.mode_of("mediator_conduct").value == "warn"
    assert sorted(s.value for s in policy.power_imbalance.safeguards) == [
        "caucus_offer",
        "support_person",
    ]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("colour = 'red'", "^policy: unknown keys \\['colour'\\]"),
        ("[voice_balance]\nmax_gini = 2", "^policy.voice_balance: max_gini .*Gini bound"),
        ("[voice_balance]\nmode = 'loud'", "^policy.voice_balance.mode: expected one of"),
        ("[voice_balance]\nfoo = 1", "^policy.voice_balance: unknown keys \\['foo'\\]"),
        ("[deadlines]\nintake = -5", "positive"),
        ("[responsiveness]\nescalate_to = 'ceo'", "escalate_to 'ceo'"),
        ("authorities = 'hr'", "^policy.authorities: expected a list, got 'hr' \\(str\\)"),
        ("[power_imbalance]\nsafeguards = 'caucus_offer'", "expected a list"),
        ("[custom_checks]\nmine = 'sometimes'", "^policy.custom_checks.mine: .*'sometimes'"),
        ("this is not toml", "not valid TOML"),
    ],
)
def test_bad_policy_files_name_the_key_and_value(text: str, message: str) -> None:
    with pytest.raises(InvalidInput, match=message):
        Policy.from_toml(text)


def test_from_dict_refuses_a_non_mapping() -> None:
    with pytest.raises(InvalidInput, match="table of settings"):
        Policy.from_dict(["voice_balance"])  # type: ignore[arg-type]


def test_nothing_in_a_policy_is_evaluated() -> None:
    policy = Policy.from_toml('non_mediable_flags = ["os.system"]')
    assert policy.non_mediable_flags == frozenset({"os.system"})


@pytest.mark.parametrize(
    ("data", "message"),
    [
        # The coercions issue 15 found: each would have changed what the policy means.
        ({"supervisor_reads_text": "false"}, "supervisor_reads_text: expected true or false"),
        ({"supervisor_reads_text": 0}, "supervisor_reads_text: expected true or false"),
        ({"voice_balance": {"max_gini": "0.2"}}, "max_gini: expected a number, got '0.2'"),
        ({"mediator_conduct": {"min_interventions": 1.5}}, "expected a whole number, got 1.5"),
        ({"mediator_conduct": {"min_interventions": True}}, "expected a whole number"),
        ({"authorities": [1, 2]}, r"policy.authorities: item 0: expected text, got 1 \(int\)"),
        ({"voice_balance": {"max_ratio": math.inf}}, "max_ratio: expected a finite number"),
        ({"caucus_parity": {"max_time_ratio": math.nan}}, "expected a finite number"),
        ({"deadlines": {"intake": math.inf}}, "deadlines.intake: expected a finite number"),
        ({"deadlines": {"intake": 1e30}}, "deadlines.intake: expected a number of seconds"),
        ({"deadlines": {"intake": "5"}}, "deadlines.intake: expected a number"),
        ({"voice_balance": {"stage": 5}}, "voice_balance.stage: expected text"),
        ({"responsiveness": {"escalate_to": 5}}, "escalate_to: expected text"),
        ({"custom_checks": []}, "custom_checks: expected a table"),
        ({"voice_balance": []}, "voice_balance: expected a table"),
        ({"non_mediable_flags": "harassment"}, "non_mediable_flags: expected a list"),
        ({"limits": {"statement_bytes": "10"}}, "limits.statement_bytes: expected a whole"),
        ({"limits": {"statement_bytes": 0}}, "statement_bytes must be a whole number >= 1"),
        ({"limits": {"max_amount": math.inf}}, "limits.max_amount: expected a finite"),
        ({"limits": {"latest_date": "someday"}}, "expected a date like"),
        ({"limits": {"earliest_date": "2030-01-01", "latest_date": "2020-01-01"}}, "before"),
        ({"limits": {"depth": 3}}, r"policy.limits: unknown keys \['depth'\]"),
    ],
)
def test_policies_refuse_wrong_types_instead_of_converting_them(
    data: dict[str, Any], message: str
) -> None:
    with pytest.raises(InvalidInput, match=message):
        Policy.from_dict(data)


def test_errors_start_with_the_file_name(tmp_path: Path) -> None:
    path = tmp_path / "house.toml"
    path.write_text("supervisor_reads_text = 'false'\n", encoding="utf-8")
    with pytest.raises(InvalidInput, match=r"^.*house.toml: policy.supervisor_reads_text: "):
        Policy.load(path)
    path.write_bytes(b"\xff\xfe")
    with pytest.raises(InvalidInput, match=r"house\.toml: not UTF-8 text"):
        Policy.load(path)


@pytest.mark.parametrize(
    "text",
    [
        "a = " + "[" * 100_000,
        "a = " + "[" * 40 + "]" * 40,
        "a = " + "{b = " * 40 + "}" * 40,
    ],
)
def test_deeply_nested_toml_is_invalid_input_not_a_recursion_error(text: str) -> None:
    with pytest.raises(InvalidInput, match="nested deeper than 32"):
        Policy.from_toml(text)


def test_deeply_nested_data_is_invalid_input() -> None:
    data: dict[str, Any] = {}
    node = data
    for _ in range(100_000):
        node["x"] = {}
        node = node["x"]
    with pytest.raises(InvalidInput, match="nested deeper than 32"):
        Policy.from_dict(data)


def test_limits_have_documented_defaults_and_are_read_from_toml() -> None:
    assert Policy.default().limits == Limits()
    assert Limits().statement_bytes == 65_536
    policy = Policy.from_toml(
        "[limits]\nstatement_bytes = 1000\nlatest_date = 2100-12-31\nmax_duration_seconds = 60"
    )
    assert policy.limits.statement_bytes == 1000
    assert policy.limits.latest_date == date(2100, 12, 31)
    assert policy.limits.max_duration_seconds == 60
    assert Policy.from_dict({"limits": {"earliest_date": "2000-01-01"}}).limits.earliest_date == (
        date(2000, 1, 1)
    )


def test_whole_numbers_are_read_as_numbers_and_the_policy_survives_a_round_trip() -> None:
    from mediation import audit
    from mediation.case import Mediation
    from mediation.clocks import ManualClock

    policy = Policy.from_toml("[voice_balance]\nmax_ratio = 3\n[limits]\nmax_amount = 10")
    assert isinstance(policy.voice_balance.max_ratio, float)
    assert isinstance(policy.limits.max_amount, float)
    with pytest.raises(InvalidInput, match="expected a finite number"):
        Policy.from_dict({"voice_balance": {"max_ratio": 10**400}})
    case = Mediation.open(
        "round-trip",
        [Party("a", "A"), Party("b", "B")],
        Mediator("m", "M"),
        clock=ManualClock(datetime(2026, 3, 1, tzinfo=timezone.utc)),
        policy=policy,
    )
    records = audit.record_events(case.case_id, case.events, salts=bytes)
    assert audit.verify(records, case_id=case.case_id, deep=True).ok
    assert ev.from_dict(ev.to_dict(case.events[0])) == case.events[0]


def test_a_policy_built_in_python_with_whole_numbers_verifies_deeply() -> None:
    from mediation import audit
    from mediation.case import Mediation
    from mediation.clocks import ManualClock
    from mediation.policy import VoiceBalance

    policy = Policy(voice_balance=VoiceBalance(max_ratio=3), limits=Limits(max_amount=10))
    assert isinstance(policy.voice_balance.max_ratio, float)
    case = Mediation.open(
        "python-built",
        [Party("a", "A"), Party("b", "B")],
        Mediator("m", "M"),
        clock=ManualClock(datetime(2026, 3, 1, tzinfo=timezone.utc)),
        policy=policy,
    )
    records = audit.record_events(case.case_id, case.events, salts=bytes)
    assert audit.verify(records, case_id=case.case_id, deep=True).ok


def test_the_python_constructor_does_not_convert_authorities_either() -> None:
    with pytest.raises(InvalidInput, match="authority"):
        Policy(authorities=[1, 2])  # type: ignore[list-item]


def test_transcript_markers_and_confidentiality_settings() -> None:
    policy = Policy.from_toml(
        """
[transcript_markers]
alpha = 0.05
min_marked = 4
language = "zh"

[transcript_markers.lexicons.en.categories.blame]
terms = ["on your head"]

[transcript_markers.lexicons.fr]
[transcript_markers.lexicons.fr.categories.loaded]
terms = ["ridicule"]

[confidentiality]
mode = "warn"
leak_threshold = 0.6
"""
    )
    settings = policy.transcript_markers
    assert (settings.alpha, settings.min_marked, settings.language) == (0.05, 4, "zh")
    assert settings.lexicons["fr"]["categories"]["loaded"]["terms"] == ("ridicule",)
    assert policy.confidentiality.leak_threshold == 0.6
    assert policy.confidentiality.mode.value == "warn"


def test_a_policy_with_lexicons_survives_the_event_round_trip() -> None:
    policy = Policy.from_dict(
        {"transcript_markers": {"lexicons": {"en": {"categories": {"blame": {"terms": ["x y"]}}}}}}
    )
    opened = _opened_under(policy)
    again = ev.from_dict(ev.to_dict(opened))
    assert isinstance(again, ev.CaseOpened)
    assert again.policy == policy


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"transcript_markers": {"alpha": 0.7}}, "significance"),
        ({"transcript_markers": {"min_marked": 0}}, "whole number >= 1"),
        ({"transcript_markers": {"language": "not a tag"}}, "language"),
        ({"transcript_markers": {"builtin_lexicons": False}}, "gives no lexicons"),
        ({"transcript_markers": {"builtin_lexicons": "no"}}, "true or false"),
        ({"transcript_markers": {"lexicons": ["en"]}}, r"policy\.transcript_markers\.lexicons"),
        (
            {"transcript_markers": {"lexicons": {"en": {"categories": {"b": {"terms": [1]}}}}}},
            r"transcript_markers\.lexicons\.en\.categories\.b\.terms",
        ),
        (
            {"transcript_markers": {"lexicons": {"en": {"language": "zh", "categories": {}}}}},
            "in a table for 'en'",
        ),
        ({"confidentiality": {"leak_threshold": 1.5}}, "share"),
        ({"confidentiality": {"shingle_words": 0}}, "whole number"),
        ({"confidentiality": {"colour": 1}}, "unknown keys"),
    ],
)
def test_bad_marker_settings_are_refused_naming_the_key(
    data: dict[str, object], message: str
) -> None:
    with pytest.raises(InvalidInput, match=message):
        Policy.from_dict(data)


@pytest.mark.parametrize("limit", [0, 0.0, timedelta(0), -1, timedelta(seconds=-1)])
def test_a_deadline_must_be_positive(limit: object) -> None:
    with pytest.raises(InvalidInput, match="must be positive"):
        Policy(deadlines={"listening": limit})


def test_the_shortest_deadline_is_accepted() -> None:
    assert Policy(deadlines={"listening": 1}).deadlines == {"listening": timedelta(seconds=1)}
    microsecond = timedelta(microseconds=1)
    assert Policy(deadlines={"listening": microsecond}).deadlines["listening"] == microsecond


@pytest.mark.parametrize(
    ("value", "ok"),
    [(0.0, False), (-0.5, False), (1e-9, True), (0.5, True), (1.0, True), (1.01, False),
     (float("nan"), False), (float("inf"), False), (True, False), ("0.3", False)],
)  # fmt: skip
def test_a_gini_bound_lies_in_zero_to_one(value: object, ok: bool) -> None:
    if ok:
        assert VoiceBalance(max_gini=value).max_gini == value  # type: ignore[arg-type]
    else:
        with pytest.raises(InvalidInput, match="max_gini"):
            VoiceBalance(max_gini=value)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("value", "ok"),
    [(0.99, False), (1, True), (1.0, True), (1.5, True), (2.5, True), (0, False),
     (float("inf"), False)],
)  # fmt: skip
def test_a_ratio_limit_is_at_least_one(value: float, ok: bool) -> None:
    if ok:
        assert CaucusParity(max_time_ratio=value).max_time_ratio == value
    else:
        with pytest.raises(InvalidInput, match="max_time_ratio"):
            CaucusParity(max_time_ratio=value)


@pytest.mark.parametrize(("value", "ok"), [(0, True), (1, True), (-1, False), (True, False),
                                           (1.5, False)])  # fmt: skip
def test_a_count_is_a_whole_number_from_zero(value: object, ok: bool) -> None:
    if ok:
        assert MediatorConduct(min_interventions=value).min_interventions == value  # type: ignore[arg-type]
    else:
        with pytest.raises(InvalidInput, match="min_interventions"):
            MediatorConduct(min_interventions=value)  # type: ignore[arg-type]


def test_the_documented_defaults() -> None:
    conduct = MediatorConduct()
    assert (conduct.max_ratio, conduct.min_interventions) == (2.0, 6)
    voice = VoiceBalance()
    assert (voice.max_gini, voice.max_ratio, voice.stage) == (0.3, 3.0, "listening")


# -- values checked when a policy is built in code (not only from a file) ----------------------


@pytest.mark.parametrize("value", [0, -1.0, math.inf, math.nan, True, "10"])
def test_a_limit_on_amounts_or_durations_is_a_positive_finite_number(value: object) -> None:
    with pytest.raises(InvalidInput, match=r"limits\.max_amount must be a positive finite number"):
        Limits(max_amount=value)  # type: ignore[arg-type]
    with pytest.raises(
        InvalidInput, match=r"limits\.max_duration_seconds must be a positive finite number"
    ):
        Limits(max_duration_seconds=value)  # type: ignore[arg-type]


def test_the_smallest_positive_limit_is_accepted() -> None:
    assert Limits(max_amount=0.001).max_amount == 0.001


def test_collections_given_as_one_string_are_refused() -> None:
    with pytest.raises(InvalidInput, match="safeguards must be a list, not the string"):
        PowerImbalance(safeguards="support_person")
    with pytest.raises(InvalidInput, match="authorities must be a collection of names"):
        Policy(authorities="hr")


@pytest.mark.parametrize("value", ["yes", 1, None])
def test_switches_are_true_or_false(value: object) -> None:
    with pytest.raises(InvalidInput, match="supervisor_reads_text must be True or False"):
        Policy(supervisor_reads_text=value)  # type: ignore[arg-type]
    with pytest.raises(InvalidInput, match="builtin_lexicons must be True or False"):
        TranscriptMarkers(builtin_lexicons=value)  # type: ignore[arg-type]
    with pytest.raises(InvalidInput, match="allow_waiver must be True or False"):
        ConflictOfInterest(allow_waiver=value)  # type: ignore[arg-type]


def test_lexicons_are_a_table_of_language_to_lexicon() -> None:
    with pytest.raises(InvalidInput, match="lexicons must be a table of language -> lexicon"):
        TranscriptMarkers(lexicons=["en"])  # type: ignore[arg-type]


# -- every validator at its boundary: just below, at and just above ----------------------------


@pytest.mark.parametrize(
    ("value", "ok"),
    [(0.5, True), (math.nextafter(0.5, 1), False), (1e-9, True), (0, False), (0.6, False)],
)
def test_a_significance_level_lies_in_zero_to_a_half(value: float, ok: bool) -> None:
    for build in (
        lambda: MediatorConduct(alpha=value),
        lambda: TranscriptMarkers(alpha=value),
    ):
        if ok:
            assert build().alpha == value
        else:
            with pytest.raises(InvalidInput, match=r"alpha (is a significance|must be a positive)"):
                build()


@pytest.mark.parametrize(
    ("value", "ok"), [(1.0, True), (math.nextafter(1.0, 2), False), (1e-9, True), (0, False)]
)
def test_a_leak_threshold_is_a_share_in_zero_to_one(value: float, ok: bool) -> None:
    if ok:
        assert Confidentiality(leak_threshold=value).leak_threshold == value
    else:
        with pytest.raises(InvalidInput, match="leak_threshold"):
            Confidentiality(leak_threshold=value)


@pytest.mark.parametrize("field", ["reflection", "min_decision_time", "fresh_deadline", "min_gap"])
def test_a_duration_is_zero_or_more_seconds_or_a_timedelta(field: str) -> None:
    def build(value: object) -> Any:
        owner: Any = CaucusBalance if field == "min_gap" else Pressure
        return owner(**{field: value})

    assert getattr(build(0), field) == timedelta(0)
    assert getattr(build(timedelta(0)), field) == timedelta(0)
    assert getattr(build(1), field) == timedelta(seconds=1)
    assert getattr(build(0.5), field) == timedelta(milliseconds=500)
    tiny = timedelta(microseconds=1)
    assert getattr(build(tiny), field) == tiny
    for negative in (-tiny, -1, -0.5):
        with pytest.raises(InvalidInput, match="a duration cannot be negative"):
            build(negative)
    for wrong in (True, False, "10", None):
        with pytest.raises(InvalidInput, match="expected a duration"):
            build(wrong)


@pytest.mark.parametrize("field", ["min_marked", "shingle_words", "min_shingles"])
def test_a_count_of_marked_texts_or_words_starts_at_one(field: str) -> None:
    owner: Any = TranscriptMarkers if field == "min_marked" else Confidentiality
    assert getattr(owner(**{field: 1}), field) == 1
    for bad in (0, -1, True, 1.0):
        with pytest.raises(InvalidInput, match=f"{field} must be a whole number >= 1"):
            owner(**{field: bad})


def test_the_documented_defaults_of_every_section() -> None:
    assert MediatorConduct().alpha == 0.1
    assert CaucusBalance().min_gap == timedelta(minutes=90)
    assert CaucusBalance().max_time_ratio == 2.0
    pressure = Pressure()
    assert (pressure.reflection, pressure.min_decision_time, pressure.fresh_deadline) == (
        timedelta(hours=1),
        timedelta(minutes=10),
        timedelta(days=1),
    )
    markers = TranscriptMarkers()
    assert (markers.alpha, markers.min_marked, markers.min_weight) == (0.1, 3, 1.0)
    confidentiality = Confidentiality()
    assert (
        confidentiality.leak_threshold,
        confidentiality.shingle_words,
        confidentiality.min_shingles,
    ) == (0.5, 3, 3)


def test_screening_responses_and_safeguards_are_validated() -> None:
    custom = Screening(responses={"capacity": "note"}, safeguards=["shuttle"])
    assert custom.responses[ScreeningDomain.CAPACITY] is ScreeningResponse.NOTE
    assert custom.responses[ScreeningDomain.SAFETY] is ScreeningResponse.ESCALATE  # default kept
    assert custom.safeguards == {Safeguard.SHUTTLE}
    assert Screening().safeguards == {Safeguard.SHUTTLE, Safeguard.SUPPORT_PERSON}
    for responses, message in [
        (["safety"], "screening responses must be a table"),
        ({"weather": "note"}, "unknown screening domain 'weather'"),
        ({"safety": "shrug"}, "screening response for safety must be one of"),
    ]:
        with pytest.raises(InvalidInput, match=message):
            Screening(responses=responses)  # type: ignore[arg-type]
    for safeguards in ([], ["caucus_offer"], ["shuttle", "caucus_offer"]):
        with pytest.raises(InvalidInput, match="screening safeguards must be one or more of"):
            Screening(safeguards=safeguards)


def test_relationship_safeguards_are_a_table_without_the_power_relations() -> None:
    table = RelationshipSafeguards(safeguards={"client": ["caucus_offer"]}).safeguards
    assert table == {RelationKind.CLIENT: {Safeguard.CAUCUS_OFFER}}
    with pytest.raises(InvalidInput, match="relationship safeguards must be a table"):
        RelationshipSafeguards(safeguards=["caucus_offer"])  # type: ignore[arg-type]
    for kind in ("manages", "reports_to"):
        with pytest.raises(InvalidInput, match=f"safeguards for {kind} are set in power_imbalance"):
            RelationshipSafeguards(safeguards={kind: ["caucus_offer"]})


def test_one_relation_kind_or_style_given_wrongly_is_refused() -> None:
    with pytest.raises(InvalidInput, match="relation kinds must be a list, not the string"):
        ConflictOfInterest(disqualifying="manages")
    with pytest.raises(InvalidInput, match="style must be facilitative or evaluative"):
        MediatorStyle(style="bossy")
    assert MediatorStyle(style="evaluative").style is Style.EVALUATIVE


def test_limits_have_their_documented_defaults_and_bounds() -> None:
    limits = Limits()
    assert (
        limits.statement_bytes,
        limits.max_duration_seconds,
        limits.max_amount,
        limits.max_nesting_depth,
        limits.import_max_lines,
        limits.import_max_line_bytes,
    ) == (65_536, 86_400.0, 1e12, 32, 1_000_000, 4_194_304)
    assert (limits.earliest_date, limits.latest_date) == (date(1970, 1, 1), date(2999, 12, 31))
    assert Limits(statement_bytes=1).statement_bytes == 1
    for bad in (0, -1, True, 1.0):
        with pytest.raises(
            InvalidInput, match=r"limits\.statement_bytes must be a whole number >= 1"
        ):
            Limits(statement_bytes=bad)  # type: ignore[arg-type]
    day = date(2000, 1, 1)
    assert Limits(earliest_date=day, latest_date=date(2000, 1, 2)).latest_date == date(2000, 1, 2)
    for latest in (day, date(1999, 12, 31)):
        with pytest.raises(
            InvalidInput, match=r"limits\.earliest_date 2000-01-01 must come before"
        ):
            Limits(earliest_date=day, latest_date=latest)


def test_errors_name_the_source_or_else_the_policy() -> None:
    deep: dict[str, Any] = {}
    node = deep
    for _ in range(40):
        node["x"] = {}
        node = node["x"]
    for source, start in ((None, "policy: "), ("hr.toml", "hr.toml: ")):
        with pytest.raises(InvalidInput) as too_deep:
            Policy.from_dict(deep, source)
        assert str(too_deep.value).startswith(start + "nested deeper than 32")
        with pytest.raises(InvalidInput) as not_toml:
            Policy.from_toml("this is not toml", source)
        assert str(not_toml.value).startswith(start + "not valid TOML")


def _policy_with_every_table() -> Policy:
    return Policy.from_dict(
        {
            "custom_checks": {"house_rule": "block"},
            "deadlines": {"listening": 3600},
            "screening": {"responses": {"capacity": "escalate"}},
            "relationship_safeguards": {"safeguards": {"client": []}},
            "transcript_markers": {
                "lexicons": {"en": {"categories": {"blame": {"terms": ["on your head"]}}}}
            },
        }
    )


def test_a_policys_tables_cannot_be_changed_in_place() -> None:
    # A case records its policy when it opens and then runs by it: a table changed in
    # place afterwards would make the two part ways, so every table is read-only.
    policy = _policy_with_every_table()
    tables: list[Any] = [
        policy.custom_checks,
        policy.deadlines,
        policy.screening.responses,
        policy.relationship_safeguards.safeguards,
        policy.transcript_markers.lexicons,
        policy.transcript_markers.lexicons["en"],
        policy.transcript_markers.lexicons["en"]["categories"]["blame"],
    ]
    for table in tables:
        with pytest.raises(TypeError):
            table["anything"] = 1
        assert not hasattr(table, "update")
    terms = policy.transcript_markers.lexicons["en"]["categories"]["blame"]["terms"]
    assert terms == ("on your head",)
    assert policy.mode_of("house_rule") == "block"
    assert policy.deadlines == {"listening": timedelta(hours=1)}
    assert policy.screening.responses[ScreeningDomain.CAPACITY] == ScreeningResponse.ESCALATE
    assert policy.relationship_safeguards.safeguards == {RelationKind.CLIENT: frozenset()}


def test_a_table_given_in_python_is_copied_not_shared() -> None:
    modes = {"house_rule": "warn"}
    deadlines = {"listening": timedelta(hours=1)}
    policy = Policy(custom_checks=modes, deadlines=deadlines)
    modes["house_rule"] = "off"
    deadlines["listening"] = timedelta(seconds=1)
    assert policy.mode_of("house_rule") == "warn"
    assert policy.deadlines["listening"] == timedelta(hours=1)
    assert Policy.default().custom_checks == {}


def test_a_policy_with_every_table_pickles_and_writes_the_same_canonical_text() -> None:
    import json
    import pickle

    from mediation._canonical import canonical_text

    policy = _policy_with_every_table()
    assert pickle.loads(pickle.dumps(policy)) == policy
    opened = _opened_under(policy)
    plain = ev.to_dict(opened)["policy"]
    assert plain["custom_checks"] == {"house_rule": "block"}
    assert type(plain["custom_checks"]) is dict
    lexicon = plain["transcript_markers"]["lexicons"]["en"]
    assert lexicon == {"categories": {"blame": {"terms": ["on your head"]}}}
    expected = json.dumps(
        ev.to_dict(opened), sort_keys=True, separators=(",", ":"), ensure_ascii=False
    )
    assert canonical_text(opened) == expected
    again = ev.from_dict(json.loads(expected))
    assert isinstance(again, ev.CaseOpened)
    assert again.policy == policy
