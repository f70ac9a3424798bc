"""Tests for mediation.process."""

from __future__ import annotations

import itertools
import subprocess
import sys
from collections.abc import Callable

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mediation import BUILTIN_GUARDS, DEFAULT_PROCESS, Mediation, Reason, Stage
from mediation.errors import InvalidInput, TransitionRefused
from mediation.process import (
    DEFAULT_DEFINITION,
    GuardSubject,
    Process,
    ProcessDefinition,
    StageKind,
    StageSpec,
)
from mediation.state import CaseState
from mediation.testing import screen_all
from tests.refusal import nothing_recorded

ACTIVE = ["intake", "listening", "perspective_swap", "common_ground", "compromise", "agreement"]


def test_stage_names_are_api() -> None:
    assert [stage.value for stage in Stage] == [*ACTIVE, "escalated", "cooling_off", "closed"]
    assert list(DEFAULT_DEFINITION.active_stages) == ACTIVE
    assert DEFAULT_DEFINITION.initial == "intake"


def test_labels_in_english_and_chinese() -> None:
    from mediation.i18n import stage_label

    labels = {s.name: (s.label_en, stage_label(s, "zh")) for s in DEFAULT_DEFINITION.stages}
    assert labels["listening"] == ("Listening", "倾听")
    assert labels["perspective_swap"] == ("Perspective swap", "换位思考")
    assert labels["common_ground"] == ("Common ground", "求同存异")
    assert labels["compromise"] == ("Compromise", "妥协")
    assert labels["escalated"] == ("Escalated", "上报")
    assert labels["cooling_off"] == ("Cooling off", "冷静")


def test_transition_table_is_data() -> None:
    table = DEFAULT_DEFINITION.transitions()
    advances = [(row.source, row.dest) for row in table if row.trigger == "advance"]
    assert advances == list(itertools.pairwise(ACTIVE))
    escalations = {row.source for row in table if row.trigger == "escalate"}
    assert escalations == {*ACTIVE, "cooling_off"}
    pauses = {row.source for row in table if row.trigger == "pause"}
    assert pauses == set(ACTIVE)
    resumes = {(row.dest, row.guards) for row in table if row.trigger == "resume"}
    assert resumes == {(stage, (f"paused_from_{stage}",)) for stage in ACTIVE}
    intake_exit = next(r for r in table if r.trigger == "advance" and r.source == "intake")
    assert intake_exit.guards == (
        "no_open_caucus",
        "no_non_mediable_issue",
        "consent_current",
        "disclosure_made",
    )
    assert not any(row.source == "closed" for row in table)


def test_one_shared_machine_for_all_cases(new_case: Callable[..., Mediation]) -> None:
    cases = [new_case() for _ in range(50)]
    for case in cases:
        case.disclose("m", "none")
    assert all(case.process is DEFAULT_PROCESS for case in cases)
    assert DEFAULT_PROCESS._machine.models == []


def test_an_invalid_trigger_raises_instead_of_returning_false(
    new_case: Callable[..., Mediation],
) -> None:
    case = new_case()

    class Subject:
        stage = "intake"
        paused_from: str | None = None

        def passes(self, guard: str) -> bool:
            return True

    with pytest.raises(TransitionRefused, match="cannot resume from stage 'intake'"):
        DEFAULT_PROCESS.fire("resume", Subject())
    with pytest.raises(TransitionRefused, match="cannot fly"):
        DEFAULT_PROCESS.fire("fly", Subject())
    with pytest.raises(TransitionRefused):
        case.resume("m")


def test_definitions_are_validated() -> None:
    stages = DEFAULT_DEFINITION.stages
    with pytest.raises(InvalidInput, match="duplicate stage"):
        ProcessDefinition("x", (*stages, stages[0]))
    with pytest.raises(InvalidInput, match="exactly one escalation"):
        ProcessDefinition("x", [s for s in stages if s.kind is not StageKind.ESCALATION])
    with pytest.raises(InvalidInput, match="must be named 'cooling_off'"):
        ProcessDefinition(
            "x", (*stages[:7], StageSpec("nap", "Nap", "睡", kind="pause"), stages[8])
        )
    with pytest.raises(InvalidInput, match="unknown activities"):
        StageSpec("x", "X", "X", activities=("dance",))
    with pytest.raises(InvalidInput, match="StageSpec"):
        ProcessDefinition("x", ["intake"])  # type: ignore[list-item]
    with pytest.raises(InvalidInput, match="undefined guards"):
        Process(DEFAULT_DEFINITION.with_guard("listening", "my_guard"), BUILTIN_GUARDS)
    with pytest.raises(InvalidInput, match="no stage"):
        DEFAULT_DEFINITION.stage("nowhere")
    with pytest.raises(InvalidInput, match="cannot be dropped"):
        DEFAULT_DEFINITION.without_stage("intake")
    with pytest.raises(InvalidInput, match="cannot be dropped"):
        DEFAULT_DEFINITION.without_stage("closed")


def facts_checked(state: CaseState) -> tuple[Reason, ...]:
    """A host guard: the facts were checked by an investigator."""
    if any(issue.id == "facts-checked" for issue in state.issues.values()):
        return ()
    return (Reason("facts_unchecked", "the facts have not been checked"),)


def test_a_host_variant_adds_a_stage_and_a_guard_and_drops_one(
    new_case: Callable[..., Mediation],
) -> None:
    from mediation import Issue

    variant = (
        DEFAULT_DEFINITION.with_stage(
            StageSpec("fact_finding", "Fact finding", "调查", activities=("speak",)),
            after="listening",
        )
        .with_guard("fact_finding", "facts_checked")
        .without_stage("perspective_swap", new_name="hr-variant")
    )
    assert variant.active_stages == (
        "intake",
        "listening",
        "fact_finding",
        "common_ground",
        "compromise",
        "agreement",
    )
    process = Process(variant, {**BUILTIN_GUARDS, "facts_checked": facts_checked})
    for compiled, definition in ((process, variant), (DEFAULT_PROCESS, DEFAULT_DEFINITION)):
        assert compiled.next_active == {
            stage: definition.next_stage(stage) for stage in definition.active_stages
        }
    case = new_case(process=process)
    assert case.state.process == "hr-variant"
    case.disclose("m", "none")
    screen_all(case)
    case.consent("a")
    case.consent("b")
    case.advance("m")
    case.speak("a", "a", 10)
    case.speak("b", "b", 10)
    assert case.advance("m").dest == "fact_finding"
    with pytest.raises(TransitionRefused) as refused:
        case.advance("m")
    assert refused.value.codes == ("facts_unchecked",)
    case.raise_issue("m", Issue("facts-checked", "Investigator's note"))
    assert case.advance("m").dest == "common_ground"
    replayed = Mediation.replay(case.events, clock=lambda: case.state.last_at, process=process)
    assert replayed == case
    with pytest.raises(InvalidInput, match="follows process 'hr-variant'"):
        Mediation.replay(case.events, clock=lambda: case.state.last_at)


def test_a_process_without_cooling_off_refuses_pause(new_case: Callable[..., Mediation]) -> None:
    process = Process(DEFAULT_DEFINITION.without_stage("cooling_off"), BUILTIN_GUARDS)
    case = new_case(process=process)
    with nothing_recorded(case, TransitionRefused, codes={"no_cooling_off"}):
        case.pause("a", "tired")


class _Drawn:
    """A guard subject whose guards hold or fail as drawn; it records who was asked."""

    def __init__(self, stage: str, paused_from: str | None, failing: frozenset[str]) -> None:
        self.stage = stage
        self.paused_from = paused_from
        self.failing = failing
        self.asked: list[str] = []

    def passes(self, guard: str) -> bool:
        self.asked.append(guard)
        return guard not in self.failing


_VARIANTS = (
    DEFAULT_PROCESS,
    Process(DEFAULT_DEFINITION.without_stage("cooling_off"), BUILTIN_GUARDS),
    Process(
        DEFAULT_DEFINITION.with_stage(
            StageSpec("fact_finding", "Fact finding", "调查", activities=("speak",)),
            after="listening",
        ).with_guard("fact_finding", "facts_checked"),
        {**BUILTIN_GUARDS, "facts_checked": facts_checked},
    ),
)


def _outcome(fire: Callable[[str, GuardSubject], bool], trigger: str, subject: _Drawn) -> object:
    try:
        result: object = fire(trigger, subject)
    except TransitionRefused as refused:
        result = ("refused", refused.codes, str(refused))
    return result, subject.stage, subject.asked


@given(data=st.data())
def test_the_table_path_fires_as_the_machine_does(data: st.DataObject) -> None:
    """Process.fire consults the machine's transitions directly; for every stage, paused
    stage, guard outcome and trigger (an unknown one too) it moves, refuses and asks the
    guards exactly as the machine does."""
    process = data.draw(st.sampled_from(_VARIANTS))
    stages = [stage.name for stage in process.definition.stages]
    guards = sorted(process.definition.guard_names())
    stage = data.draw(st.sampled_from(stages))
    paused_from = data.draw(st.none() | st.sampled_from(stages))
    failing = data.draw(st.frozensets(st.sampled_from(guards)))
    trigger = data.draw(st.sampled_from(sorted({row.trigger for row in process.table} | {"fly"})))
    by_table = _outcome(process.fire, trigger, _Drawn(stage, paused_from, failing))
    by_machine = _outcome(process.fire_on_machine, trigger, _Drawn(stage, paused_from, failing))
    assert by_table == by_machine
    assert process._machine.models == []


# -- layering ------------------------------------------------------------------------------

_LOADED_BY = """
import sys, types, pathlib, mediation as _found
package = types.ModuleType("mediation")
package.__path__ = list(_found.__path__)
for name in [m for m in sys.modules if m == "mediation" or m.startswith("mediation.")]:
    del sys.modules[name]
sys.modules["mediation"] = package
import importlib
importlib.import_module(sys.argv[1])
print(" ".join(sorted(m for m in sys.modules if m.startswith("mediation."))))
"""


@pytest.mark.parametrize("module", ["mediation.process", "mediation.guards", "mediation.errors"])
def test_the_process_layer_does_not_import_the_checks(module: str) -> None:
    """Importing the process (or the guards, or the errors) on its own loads no check.

    The top-level package imports everything, so the package's ``__init__`` is skipped:
    what is measured is the module's own import closure.
    """
    loaded = subprocess.run(
        [sys.executable, "-c", _LOADED_BY, module],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    assert module in loaded
    assert not [
        name for name in loaded if name.startswith(("mediation.neutrality", "mediation.case"))
    ]
