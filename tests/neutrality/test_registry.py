"""Tests for mediation.neutrality.registry: the registry: modes, overrides, host checks."""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable, Iterable
from pathlib import Path

import attrs
import pytest

from mediation import (
    BUILTIN_CHECKS,
    BUILTIN_GUARDS,
    DEFAULT_DEFINITION,
    DEFAULT_PROCESS,
    Check,
    CheckContext,
    CommandRefused,
    Finding,
    InvalidInput,
    Mediation,
    Mode,
    NotAuthorized,
    Policy,
    Process,
    TransitionRefused,
    neutrality,
    neutrality_report,
)
from mediation.events import FindingRecorded
from mediation.neutrality import FAMILIES, SOURCES, checks_in_force
from mediation.neutrality.registry import recorded_finding, recorded_message
from mediation.policy import (
    BUILT_IN_CHECKS,
    CaucusParity,
    MediatorConduct,
    PowerImbalance,
    Reciprocity,
    VoiceBalance,
)
from tests.refusal import nothing_recorded

Build = Callable[..., Mediation]

AdvanceTo = Callable[[Mediation, str], Mediation]


def codes(error: pytest.ExceptionInfo[TransitionRefused]) -> set[str]:
    return set(error.value.codes)


def _lopsided(case: Mediation) -> None:
    case.speak("a", "long", 1000)
    case.speak("b", "short", 10)


def test_warn_mode_records_and_goes_on(new_case: Build, advance_to: AdvanceTo) -> None:
    case = advance_to(new_case(policy=Policy(voice_balance=VoiceBalance(mode="warn"))), "listening")
    _lopsided(case)
    case.advance("m")
    recorded = [e for e in case.events if isinstance(e, FindingRecorded)]
    assert {e.code for e in recorded} == {"airtime_imbalance"}
    report = neutrality_report(case)
    assert [f.code for f in report.recorded] == ["airtime_imbalance"]
    # Nobody has restated yet: the next move is blocked for reciprocity, not for voice.
    assert report.verdict == "blocked"
    assert {f.check for f in report.pending} == {"reciprocity"}


def test_off_mode_skips_the_check(new_case: Build, advance_to: AdvanceTo) -> None:
    case = advance_to(new_case(policy=Policy(voice_balance=VoiceBalance(mode="off"))), "listening")
    _lopsided(case)
    case.advance("m")
    assert not any(isinstance(e, FindingRecorded) for e in case.events)
    statuses = {c.check: c.status for c in neutrality_report(case).checks}
    assert statuses["voice_balance"] == "off"


def test_a_supervisor_overrides_a_block_with_a_recorded_reason(
    new_case: Build, advance_to: AdvanceTo
) -> None:
    case = advance_to(new_case(), "listening")
    _lopsided(case)
    with nothing_recorded(case, InvalidInput) as refused:
        case.override("sup", ["caucus_not_offered"], "x")
    assert refused.match("nothing blocks")
    with nothing_recorded(case, NotAuthorized):
        case.override("m", ["airtime_imbalance"], "I say so")
    with nothing_recorded(case, InvalidInput):
        case.override("sup", [], "x")
    case.override("sup", ["airtime_imbalance"], "B declined to say more, in writing")
    allowed = {s.name: s for s in case.allowed_actions("m")}
    assert allowed["advance"].allowed
    case.advance("m")
    (finding,) = [e for e in case.events if isinstance(e, FindingRecorded)]
    assert finding.overridden and finding.mode == "block"
    assert case.state.overrides == {}


def test_allowed_actions_and_pending_show_blocking_findings(
    new_case: Build, advance_to: AdvanceTo
) -> None:
    case = advance_to(new_case(), "listening")
    _lopsided(case)
    advance = {s.name: s for s in case.allowed_actions("m")}["advance"]
    assert not advance.allowed and advance.reasons[0].code == "airtime_imbalance"
    assert [f.code for f in case.pending_findings()] == ["airtime_imbalance"]
    assert {s.name: s.allowed for s in case.allowed_actions("sup")}["override"]
    assert neutrality_report(case).verdict == "blocked"


@attrs.frozen
class FirstPartyMustNotDominate:
    """A house rule: a deliberately fair host check."""

    code: str = "house_rule"
    source: str = "House rules §4"
    default_mode: Mode = Mode.BLOCK

    def evaluate(self, context: CheckContext) -> Iterable[Finding]:
        turns = context.state.turns
        counts = [turns.get(p, 0) for p in context.parties]
        if context.trigger == "advance" and max(counts) > 2 * min(counts):
            return [Finding("turn_hog", "one party took more than twice the turns")]
        return []


def test_hosts_register_their_own_checks(new_case: Build, advance_to: AdvanceTo) -> None:
    process = Process(
        DEFAULT_DEFINITION, BUILTIN_GUARDS, checks=(*BUILTIN_CHECKS, FirstPartyMustNotDominate())
    )
    case = advance_to(new_case(process=process), "listening")
    for _ in range(3):
        case.speak("a", "x", 10)
    case.speak("b", "y", 30)
    with nothing_recorded(case, TransitionRefused) as refused:
        case.advance("m")
    assert codes(refused) == {"turn_hog"}
    assert refused.value.reasons[0].source == "House rules §4"  # type: ignore[attr-defined]
    warned = advance_to(
        new_case(process=process, policy=Policy(custom_checks={"house_rule": "warn"})),
        "listening",
    )
    for _ in range(3):
        warned.speak("a", "x", 10)
    warned.speak("b", "y", 30)
    warned.advance("m")
    assert [f.code for f in warned.state.findings] == ["turn_hog"]
    with pytest.raises(InvalidInput, match="same code"):
        Process(DEFAULT_DEFINITION, BUILTIN_GUARDS, checks=(*BUILTIN_CHECKS, *BUILTIN_CHECKS))


def test_policy_settings_are_validated() -> None:
    with pytest.raises(InvalidInput, match="Gini"):
        VoiceBalance(max_gini=1.5)
    with pytest.raises(InvalidInput, match="ratio"):
        CaucusParity(max_time_ratio=0.5)
    with pytest.raises(InvalidInput, match="mode"):
        Reciprocity(mode="loud")
    with pytest.raises(InvalidInput, match="whole number"):
        MediatorConduct(min_interventions=-1)
    with pytest.raises(InvalidInput, match="safeguard"):
        PowerImbalance(safeguards=["bodyguard"])
    refusal = CommandRefused([Finding("x", "y")])
    assert refusal.codes == ("x",) and refusal.reasons[0].is_finding
    with pytest.raises(ValueError, match="at least one reason"):
        CommandRefused([])


def test_a_refusal_separates_findings_from_guard_reasons(
    new_case: Build, advance_to: AdvanceTo
) -> None:
    case = advance_to(new_case(), "perspective_swap")
    with nothing_recorded(case, TransitionRefused) as refused:
        case.advance("m")
    assert [f.code for f in refused.value.findings] == ["restatement_missing"]
    assert set(refused.value.codes) == {"view_not_restated", "restatement_missing"}


_NOT_FAMILIES = {"exact", "registry", "measures", "report"}
_DOCS = Path(__file__).resolve().parents[2] / "docs" / "neutrality"


def test_each_family_has_its_module_its_registry_entry_and_its_docs_page() -> None:
    modules = {
        info.name
        for info in pkgutil.iter_modules(neutrality.__path__)
        if not info.name.startswith("_") and info.name not in _NOT_FAMILIES
    }
    pages = {page.stem.replace("-", "_") for page in _DOCS.glob("*.md") if page.stem != "index"}
    assert modules == pages == {family.code for family in FAMILIES}
    for family in FAMILIES:
        module = importlib.import_module(f"mediation.neutrality.{family.code}")
        assert module.FAMILY is family
        assert module.SOURCE == family.source == SOURCES[family.code]
        assert f"::: mediation.neutrality.{family.code}" in (
            _DOCS / f"{family.code.replace('_', '-')}.md"
        ).read_text(encoding="utf-8")


def test_configurable_families_are_the_policys_and_builtin_checks_follow_the_registry() -> None:
    configurable = [family.code for family in FAMILIES if not family.enforced]
    assert configurable == list(BUILT_IN_CHECKS)
    assert [check.code for check in BUILTIN_CHECKS] == [
        family.code for family in FAMILIES if family.check is not None
    ]
    for check in BUILTIN_CHECKS:
        assert isinstance(check, Check)
        assert check.source == SOURCES[check.code]
    assert all(family.check is None for family in FAMILIES if family.enforced)
    # checks_in_force(None) returns them without checking their codes per case.
    assert len({check.code for check in BUILTIN_CHECKS}) == len(BUILTIN_CHECKS)
    assert checks_in_force(None) is BUILTIN_CHECKS


def test_a_case_runs_the_builtin_checks_unless_its_process_names_others(
    new_case: Build,
) -> None:
    assert DEFAULT_PROCESS.checks is None
    assert new_case().checks == BUILTIN_CHECKS
    house = FirstPartyMustNotDominate()
    only_house = Process(DEFAULT_DEFINITION, BUILTIN_GUARDS, checks=[house])
    assert new_case(process=only_house).checks == (house,)
    nothing = Process(DEFAULT_DEFINITION, BUILTIN_GUARDS, checks=())
    assert new_case(process=nothing).checks == ()
    with pytest.raises(InvalidInput, match="same code"):
        checks_in_force([house, house])


@attrs.frozen
class SettleOnlyWithAReflectionNote:
    """A house rule that looks at settlement moves only."""

    code: str = "reflection_note"
    source: str = "House rules §9"
    default_mode: Mode = Mode.BLOCK

    def evaluate(self, context: CheckContext) -> Iterable[Finding]:
        if context.trigger in ("settle", "settle_partially"):
            return [Finding("no_reflection_note", f"{context.trigger}: no reflection note")]
        return []


@pytest.mark.parametrize("outcome", ["settled", "partially_settled"])
def test_settling_is_a_checked_move(new_case: Build, advance_to: AdvanceTo, outcome: str) -> None:
    process = Process(
        attrs.evolve(DEFAULT_DEFINITION, name="reflective"),
        BUILTIN_GUARDS,
        checks=(*BUILTIN_CHECKS, SettleOnlyWithAReflectionNote()),
    )
    case = advance_to(new_case(3, process=process), "agreement")
    for party in ("a", "b", "c"):
        case.sign(party)
    with nothing_recorded(case, TransitionRefused, codes={"no_reflection_note"}):
        case.close("m", outcome)
    assert [f.code for f in case.pending_findings()] == ["no_reflection_note"]
    case.close("m", "impasse", "the house rule stands")  # not a settlement: not checked
    assert case.outcome is not None and case.outcome.value == "impasse"


def test_a_recorded_message_is_shown_in_either_language(
    new_case: Build, advance_to: AdvanceTo
) -> None:
    """A built-in finding is recorded in English; its message comes back in Chinese from
    its template, and a host check's own text stays as recorded."""
    case = advance_to(new_case(policy=Policy(voice_balance=VoiceBalance(mode="warn"))), "listening")
    case.speak("a", "A long account of everything.", 1500)
    case.speak("b", "I disagree.", 60)
    case.advance("m")
    (event,) = [e for e in case.state.findings if e.code == "airtime_imbalance"]
    chinese = recorded_message(event.message, "zh")
    assert chinese != event.message and "基尼系数" in chinese
    assert recorded_message(event.message, "en") == event.message
    finding = recorded_finding(event)
    assert finding.message_in("zh") == chinese
    assert (finding.check, finding.mode, finding.evidence) == (
        "voice_balance",
        Mode.WARN,
        event.evidence,
    )
    assert recorded_message("the coffee machine was unfair", "zh") == (
        "the coffee machine was unfair"
    )


@pytest.mark.parametrize(
    "policy",
    [
        Policy(),
        Policy(voice_balance=VoiceBalance(mode="off"), custom_checks={"house_rule": "block"}),
        Policy(mediator_conduct=MediatorConduct(mode="block"), custom_checks={"house_rule": "off"}),
    ],
)
def test_the_modes_worked_out_once_per_policy_are_the_policys(policy: Policy) -> None:
    from mediation.neutrality.registry import _checks_on

    checks = (*BUILTIN_CHECKS, FirstPartyMustNotDominate())
    expected = [
        (check, policy.mode_of(check.code, check.default_mode))
        for check in checks
        if policy.mode_of(check.code, check.default_mode) is not Mode.OFF
    ]
    assert list(_checks_on(checks, policy)) == expected
    assert _checks_on(checks, policy) is _checks_on(checks, policy)  # worked out once
    # An equal policy that is another object, and a list of checks, are worked out anew.
    assert list(_checks_on(list(checks), attrs.evolve(policy))) == expected
