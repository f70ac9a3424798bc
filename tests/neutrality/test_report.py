"""Tests for mediation.neutrality.report: the neutrality report and label-blindness."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from mediation import (
    Mediation,
    MediatorStyle,
    Mode,
    Policy,
    VoiceBalance,
    neutrality_report,
)
from mediation.clocks import ManualClock
from mediation.errors import InvalidInput
from mediation.events import Event, StatementMade
from mediation.neutrality import NeutralityReport
from mediation.testing import mirrored, party_ids, relabelled, transcripts


def replay(events: Sequence[Event]) -> Mediation:
    return Mediation.replay(events, clock=ManualClock(events[-1].at))


def _mapped_report(report: NeutralityReport, mapping: dict[str, str]) -> dict[str, object]:
    """The parts of a report that must permute with the labels, keyed by (new) party id."""
    return {
        "figures": {
            mapping[f.party]: attrs.evolve(f, party=mapping[f.party]) for f in report.parties
        },
        "pending": sorted(
            (f.check, f.code, tuple(sorted(mapping[p] for p in f.parties)), f.mode)
            for f in report.pending
        ),
        "recorded": sorted(
            (f.check, f.code, tuple(sorted(mapping[p] for p in f.parties))) for f in report.recorded
        ),
        "numbers": (
            report.airtime_gini,
            report.airtime_ratio,
            report.turns_gini,
            report.turns_ratio,
            report.mediator_proposals,
        ),
        "verdict": report.verdict,
        "checks": report.checks,
    }


@given(transcripts(), st.data())
def test_relabelling_parties_permutes_every_figure_and_finding(
    events: tuple[Event, ...], data: st.DataObject
) -> None:
    ids = list(party_ids(events))
    mapping = dict(zip(ids, data.draw(st.permutations(ids)), strict=True))
    original = replay(events)
    renamed = replay(relabelled(events, mapping))
    identity = {p: p for p in ids}
    assert _mapped_report(neutrality_report(original), mapping) == _mapped_report(
        neutrality_report(renamed), identity
    )
    assert [f.code for f in original.pending_findings()] == [
        f.code for f in renamed.pending_findings()
    ]
    assert {s.name: s.allowed for s in original.allowed_actions("m")} == {
        s.name: s.allowed for s in renamed.allowed_actions("m")
    }


@given(transcripts(max_parties=2))
def test_the_report_of_a_mirrored_transcript_is_the_mirrored_report(
    events: tuple[Event, ...],
) -> None:
    report = neutrality_report(replay(events))
    flipped = neutrality_report(replay(mirrored(events)))
    assert [f.airtime_share for f in flipped.parties] == [
        f.airtime_share for f in reversed(report.parties)
    ]
    assert flipped.verdict == report.verdict
    assert flipped.airtime_gini == report.airtime_gini


@given(transcripts(integer_seconds=True), st.integers(min_value=2, max_value=50))
def test_scaling_all_durations_changes_no_figure(events: tuple[Event, ...], factor: int) -> None:
    scaled = [
        attrs.evolve(event, seconds=event.seconds * factor)
        if isinstance(event, StatementMade)
        else event
        for event in events
    ]
    before, after = neutrality_report(replay(events)), neutrality_report(replay(scaled))
    assert [f.airtime_share for f in before.parties] == [f.airtime_share for f in after.parties]
    assert (before.airtime_gini, before.airtime_ratio, before.verdict) == (
        after.airtime_gini,
        after.airtime_ratio,
        after.verdict,
    )


@given(transcripts(), st.lists(st.sampled_from(["invite", "paraphrase", "question"]), max_size=6))
def test_mediator_only_events_change_no_party_balance_figure(
    events: tuple[Event, ...], kinds: list[str]
) -> None:
    case = replay(events)
    before = neutrality_report(case)
    party = party_ids(events)[0]
    for kind in kinds:
        {
            "invite": lambda: case.invite_to_speak("m", party),
            "paraphrase": lambda: case.paraphrase("m", party, "so you mean"),
            "question": lambda: case.ask("m", party, "and then?"),
        }[kind]()
    after = neutrality_report(case)
    assert [(f.airtime_share, f.turns_share) for f in before.parties] == [
        (f.airtime_share, f.turns_share) for f in after.parties
    ]
    assert (before.airtime_gini, before.turns_gini) == (after.airtime_gini, after.turns_gini)


def test_report_of_the_demo_is_even_handed_and_renders_markdown() -> None:
    from mediation import demo

    report = neutrality_report(demo.workplace_dispute())
    assert report.verdict == "even-handed"
    lin, zhao = report.parties
    assert (lin.party, zhao.party) == ("lin", "zhao")
    assert zhao.invitations == 1 and zhao.caucus_offered and lin.caucus_offered
    text = report.to_markdown()
    assert text.startswith("# Neutrality report: workload-2026-03")
    assert "| zhao | 330 | 0.54 |" in text
    assert "Std. III" in text and "resigning" not in text


def test_report_in_chinese_translates_words_titles_and_findings(
    new_case: Callable[..., Mediation], advance_to: Callable[[Mediation, str], Mediation]
) -> None:
    case = advance_to(new_case(), "listening")
    case.speak("a", "one", 600)
    case.speak("b", "two", 10)
    report = neutrality_report(case)
    assert report.pending  # airtime is one-sided
    english = report.to_markdown()
    chinese = report.to_markdown(lang="zh")
    assert english.startswith("# Neutrality report: case-1")
    assert chinese.startswith("# 中立性报告：case-1")
    assert "阶段：`倾听`" in chinese and "发言均衡" in chinese and "## 待处理" in chinese
    assert "发言时长" in chinese and "不均衡" in chinese  # the finding, rendered in Chinese
    for line in chinese.splitlines():
        if line.startswith("- `"):  # a finding: no English words but its code and names
            words = set(re.findall(r"[A-Za-z]{2,}", line.split(")", 1)[1]))
            assert words <= {"Gini", "A", "B"}, line
    with pytest.raises(InvalidInput, match="unknown language"):
        report.to_markdown(lang="fr")


def test_a_party_the_mediator_never_addressed_counts_zero_of_each(
    new_case: Callable[..., Mediation], advance_to: Callable[[Mediation, str], Mediation]
) -> None:
    case = advance_to(new_case(3), "listening")
    case.invite_to_speak("m", "a")
    case.paraphrase("m", "a", "you want the rota fixed")
    case.ask("m", "b", "what would help?")
    figures = {f.party: f for f in neutrality_report(case).parties}
    assert (figures["a"].invitations, figures["a"].paraphrases, figures["a"].questions) == (
        1,
        1,
        0,
    )
    assert (figures["b"].invitations, figures["b"].paraphrases, figures["b"].questions) == (
        0,
        0,
        1,
    )
    untouched = figures["c"]
    assert (untouched.invitations, untouched.paraphrases, untouched.questions) == (0, 0, 0)
    assert (untouched.turns, untouched.proposals, untouched.caucus_seconds) == (0, 0, 0.0)
    assert untouched.airtime_seconds == 0.0 and not untouched.caucus_offered


Build = Callable[..., Mediation]
AdvanceTo = Callable[[Mediation, str], Mediation]


def test_shares_and_measures_count_a_silent_party_as_zero(
    new_case: Build, advance_to: AdvanceTo
) -> None:
    case = advance_to(new_case(3), "listening")
    case.speak("a", "at length", 300)
    case.speak("b", "briefly", 100)
    report = neutrality_report(case)
    a, b, c = report.parties
    assert (a.airtime_share, b.airtime_share, c.airtime_share) == (0.75, 0.25, 0.0)
    assert (a.turns_share, b.turns_share, c.turns_share) == (0.5, 0.5, 0.0)
    assert (a.turns, b.turns, c.turns) == (1, 1, 0)
    assert report.airtime_gini == 0.5
    assert report.turns_gini == pytest.approx(1 / 3)
    assert report.airtime_ratio == report.turns_ratio == float("inf")
    text = report.to_markdown()
    assert "| c | 0 | 0.00 | 0 |" in text
    assert "Airtime Gini 0.50, max/min ∞; turns Gini 0.33, max/min ∞;" in text


def test_a_report_before_anyone_spoke_has_no_shares(new_case: Build) -> None:
    report = neutrality_report(new_case())
    assert [(f.airtime_share, f.turns_share) for f in report.parties] == [(0.0, 0.0)] * 2
    assert (report.airtime_ratio, report.airtime_gini) == (1.0, 0.0)
    assert "max/min 1.00;" in report.to_markdown()


def test_proposals_are_counted_per_party_and_for_the_mediator(
    new_case: Build, advance_to: AdvanceTo
) -> None:
    policy = Policy(mediator_style=MediatorStyle(style="evaluative"))
    case = advance_to(new_case(policy=policy), "compromise")
    case.propose("a", "I keep Fridays")
    case.propose("a", "I keep every other Friday")
    case.propose("m", "alternate weekly")
    report = neutrality_report(case)
    assert [f.proposals for f in report.parties] == [2, 0]
    assert report.mediator_proposals == 1
    assert "| 2 |" in report.to_markdown() and "proposals by the mediator: 1." in (
        report.to_markdown()
    )


def test_a_view_is_confirmed_by_an_accurate_restatement_by_a_party_taking_part(
    new_case: Build, advance_to: AdvanceTo
) -> None:
    case = advance_to(new_case(3), "perspective_swap")

    def confirmed() -> dict[str, tuple[bool, bool]]:
        return {
            f.party: (f.restated_another, f.view_confirmed) for f in neutrality_report(case).parties
        }

    wrong = case.restate("b", "a", "A just wants Fridays off.")
    case.review_restatement("a", wrong.restatement_id, accurate=False)
    assert confirmed()["a"] == (False, False) and confirmed()["b"] == (False, False)
    right = case.restate("c", "a", "A wants the rota to be fair to everyone.")
    case.review_restatement("a", right.restatement_id, accurate=True)
    assert confirmed()["a"] == (False, True) and confirmed()["c"] == (True, False)
    case.withdraw("c")
    assert confirmed()["a"] == (False, False)


def test_the_verdict(new_case: Build, advance_to: AdvanceTo) -> None:
    """Even-handed with nothing found; concerns with warnings only; blocked as soon as one
    pending finding would refuse the move, whatever warns beside it."""
    case = advance_to(new_case(), "listening")
    case.speak("a", "my side", 100)
    case.speak("b", "mine", 100)
    assert neutrality_report(case).verdict == "even-handed"
    for _ in range(4):
        case.ask("m", "a", "You are being unreasonable.")
    report = neutrality_report(case)
    assert {f.mode for f in report.pending} == {Mode.WARN}
    assert report.verdict == "concerns"
    case.speak("a", "at length", 2000)
    report = neutrality_report(case)
    assert {f.mode for f in report.pending} == {Mode.WARN, Mode.BLOCK}
    assert report.verdict == "blocked"


def test_a_check_is_off_exactly_when_its_mode_is_off(
    new_case: Build, advance_to: AdvanceTo
) -> None:
    """A check turned off reads ``off`` whatever the case holds (40:1 in listening here);
    every other built-in check reads its mode and its own status, never ``off``."""
    policy = Policy(voice_balance=VoiceBalance(mode="off"))
    case = advance_to(new_case(policy=policy), "listening")
    case.speak("a", "at length", 2000)
    case.speak("b", "ok", 50)
    checks = {c.check: c for c in neutrality_report(case).checks}
    assert (checks["voice_balance"].mode, checks["voice_balance"].status) == ("off", "off")
    others = [c for code, c in checks.items() if code != "voice_balance"]
    assert others and all(c.mode != "off" and c.status != "off" for c in others)
    assert checks["joint_voice"].status == "ok"


def test_markdown_lists_findings_with_at_most_twelve_events(
    new_case: Build, advance_to: AdvanceTo
) -> None:
    def evidence_text(loaded: int) -> str:
        case = advance_to(new_case(), "listening")
        seqs = [case.ask("m", "a", "You are being unreasonable.").seq for _ in range(loaded)]
        (line,) = [
            x
            for x in neutrality_report(case).to_markdown().splitlines()
            if x.startswith("- `transcript_markers/")
        ]
        shown = ", ".join(str(s) for s in seqs[:12])
        assert f" — events {shown}" in line
        return line.split(" — events ")[-1].removeprefix(shown)

    assert evidence_text(12) == ""
    assert evidence_text(13) == ", … (13 in all)"
    text = neutrality_report(advance_to(new_case(), "listening")).to_markdown()
    assert text.endswith("## Findings on record\n\n- none\n\n## Pending\n\n- none\n")
