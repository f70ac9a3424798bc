"""``mediation.simulation``: thousands of simulated mediations through the real engine.

Party agents (:class:`PartyAgent`: hidden additive valuations, a BATNA, a Thomas–Kilmann
style, an emotion level) and a simulated mediator following a :class:`MediatorStrategy`
drive real :class:`~mediation.Mediation` cases under a scenario's
:class:`~mediation.Policy`, with every check and every event. :func:`run` simulates a
scenario ``n`` times on any :class:`concurrent.futures.Executor`, reproducibly to the bit
for a seed; :func:`sweep` runs a grid of variants; :func:`summarize` and the writers turn
results into tables and plots. Biased mediators (:class:`Bias`, one per bias family,
in a registry hosts extend with :func:`register_bias`) and :func:`detection_power`
measure how often each check family catches its bias and how often it fires on fair
mediations.
"""

from mediation.simulation.agents import TRAITS, PartyAgent, Style, StyleTraits, draw_valuations
from mediation.simulation.biases import (
    BIASES,
    AttentionBias,
    Bias,
    CaucusLeakBias,
    CaucusTimeBias,
    LoadedWordsBias,
    VoiceBias,
    bias_named,
    register_bias,
)
from mediation.simulation.detection import (
    DETECTION_SETTINGS,
    DETECTION_TARGET,
    FALSE_ALARM_TARGET,
    DetectionPower,
    FamilyPower,
    detection_power,
)
from mediation.simulation.metrics import (
    MediationResult,
    Summary,
    envy,
    equitability_gap,
    nash_point,
    result_row,
    summarize,
    write_csv,
    write_jsonl,
)
from mediation.simulation.plots import sweep_figures, sweep_series, write_sweep_plots
from mediation.simulation.runner import (
    Progress,
    RunResult,
    SweepPoint,
    SweepResult,
    run,
    sweep,
)
from mediation.simulation.scenarios import (
    BUILTIN_SCENARIOS,
    IssueSpec,
    MediatorSpec,
    PartySpec,
    Scenario,
    ScenarioError,
    builtin,
    load_scenario,
)
from mediation.simulation.session import START, SimulationError, derive_seed, simulate
from mediation.simulation.strategies import Approach, MediatorStrategy, OnBlock

__all__ = [
    "BIASES",
    "BUILTIN_SCENARIOS",
    "DETECTION_SETTINGS",
    "DETECTION_TARGET",
    "FALSE_ALARM_TARGET",
    "START",
    "TRAITS",
    "Approach",
    "AttentionBias",
    "Bias",
    "CaucusLeakBias",
    "CaucusTimeBias",
    "DetectionPower",
    "FamilyPower",
    "IssueSpec",
    "LoadedWordsBias",
    "MediationResult",
    "MediatorSpec",
    "MediatorStrategy",
    "OnBlock",
    "PartyAgent",
    "PartySpec",
    "Progress",
    "RunResult",
    "Scenario",
    "ScenarioError",
    "SimulationError",
    "Style",
    "StyleTraits",
    "Summary",
    "SweepPoint",
    "SweepResult",
    "VoiceBias",
    "bias_named",
    "builtin",
    "derive_seed",
    "detection_power",
    "draw_valuations",
    "envy",
    "equitability_gap",
    "load_scenario",
    "nash_point",
    "register_bias",
    "result_row",
    "run",
    "simulate",
    "summarize",
    "sweep",
    "sweep_figures",
    "sweep_series",
    "write_csv",
    "write_jsonl",
    "write_sweep_plots",
]
