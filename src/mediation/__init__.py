"""mediation: conflict mediation workflows that are auditable and neutral by construction.

A host application drives a :class:`Mediation` step by step — intake, listening,
perspective swap, common ground, compromise, agreement — with escalation, cooling-off,
caucuses and withdrawal; every step is an immutable event, and the state is a pure fold
of those events.
"""

from mediation.case import DEFAULT_PROCESS, ActionStatus, Clock, Deadline, Listener, Mediation, Role
from mediation.errors import (
    CaseClosed,
    CommandRefused,
    ConcurrencyError,
    InvalidInput,
    MediationError,
    NotAuthorized,
    Reason,
    TransitionRefused,
)
from mediation.events import EVENT_TYPES, Event, from_dict, to_dict
from mediation.guards import BUILTIN_GUARDS
from mediation.model import (
    NON_MEDIABLE_FLAGS,
    Authority,
    Issue,
    Mediator,
    Outcome,
    Party,
    Relation,
    RelationKind,
    Severity,
)
from mediation.neutrality import (
    BUILTIN_CHECKS,
    Check,
    CheckContext,
    Finding,
    NeutralityReport,
    neutrality_report,
)
from mediation.policy import (
    CaucusParity,
    MediatorConduct,
    Mode,
    Policy,
    PowerImbalance,
    Reciprocity,
    Responsiveness,
    Safeguard,
    VoiceBalance,
)
from mediation.process import (
    DEFAULT_DEFINITION,
    Process,
    ProcessDefinition,
    Stage,
    StageKind,
    StageSpec,
    TransitionSpec,
)
from mediation.state import CaseState

__version__ = "0.1.0.dev0"

__all__ = [
    "BUILTIN_CHECKS",
    "BUILTIN_GUARDS",
    "DEFAULT_DEFINITION",
    "DEFAULT_PROCESS",
    "EVENT_TYPES",
    "NON_MEDIABLE_FLAGS",
    "ActionStatus",
    "Authority",
    "CaseClosed",
    "CaseState",
    "CaucusParity",
    "Check",
    "CheckContext",
    "Clock",
    "CommandRefused",
    "ConcurrencyError",
    "Deadline",
    "Event",
    "Finding",
    "InvalidInput",
    "Issue",
    "Listener",
    "Mediation",
    "MediationError",
    "Mediator",
    "MediatorConduct",
    "Mode",
    "NeutralityReport",
    "NotAuthorized",
    "Outcome",
    "Party",
    "Policy",
    "PowerImbalance",
    "Process",
    "ProcessDefinition",
    "Reason",
    "Reciprocity",
    "Relation",
    "RelationKind",
    "Responsiveness",
    "Role",
    "Safeguard",
    "Severity",
    "Stage",
    "StageKind",
    "StageSpec",
    "TransitionRefused",
    "TransitionSpec",
    "VoiceBalance",
    "__version__",
    "from_dict",
    "neutrality_report",
    "to_dict",
]
