"""hypothesis strategies for the library's value types and cases."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from hypothesis import strategies as st

from mediation.case import DEFAULT_PROCESS, Mediation
from mediation.clocks import ManualClock
from mediation.events import Event
from mediation.model import NO_CONCERNS, Issue, Mediator, Party, Relation, RelationKind
from mediation.policy import Policy
from mediation.process import Process
from mediation.testing._drive import STAGES_IN_ORDER, advance_to

__all__ = [
    "STAGES_IN_ORDER",
    "cases",
    "clock_starts",
    "event_histories",
    "ids",
    "issues",
    "mediators",
    "parties",
    "policies",
    "texts",
    "ticks",
    "transcripts",
    "valuations",
]

ids = st.from_regex(r"[a-z][a-z0-9_-]{0,11}", fullmatch=True)
"""Valid identifiers."""

texts = st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), min_size=1, max_size=40
).filter(lambda text: text.strip() != "")
"""Non-empty, non-blank text."""


def clock_starts() -> st.SearchStrategy[datetime]:
    """Timezone-aware start times for a :class:`~mediation.clocks.ManualClock`."""
    return st.datetimes(
        min_value=datetime(2000, 1, 1),
        max_value=datetime(2100, 1, 1),
        timezones=st.just(timezone.utc),
    ).map(lambda moment: moment.replace(microsecond=0))


@st.composite
def parties(draw: st.DrawFn, min_size: int = 2, max_size: int = 5) -> tuple[Party, ...]:
    """Two or more parties with distinct ids ``p0``, ``p1``, ... and drawn names."""
    count = draw(st.integers(min_value=min_size, max_value=max_size))
    return tuple(Party(f"p{index}", draw(texts)) for index in range(count))


@st.composite
def mediators(
    draw: st.DrawFn, party_ids: tuple[str, ...] = (), with_relationships: bool | None = None
) -> Mediator:
    """A mediator ``m``, with or without relationships to the given parties."""
    related = (draw(st.booleans()) if with_relationships is None else with_relationships) and bool(
        party_ids
    )
    relationships: list[Relation] = []
    if related:
        targets = draw(st.lists(st.sampled_from(party_ids), min_size=1, max_size=2, unique=True))
        for target in targets:
            kind = draw(
                st.sampled_from(
                    [
                        RelationKind.REPORTS_TO,
                        RelationKind.FRIEND,
                        RelationKind.FINANCIAL,
                        RelationKind.COLLEAGUE,
                    ]
                )
            )
            relationships.append(Relation(kind, "m", target))
    return Mediator("m", draw(texts), relationships=relationships)


def ticks() -> st.SearchStrategy[timedelta]:
    """How far a test clock moves per reading."""
    return st.integers(min_value=0, max_value=600).map(lambda s: timedelta(seconds=s))


@st.composite
def transcripts(
    draw: st.DrawFn,
    min_parties: int = 2,
    max_parties: int = 4,
    *,
    policy: Policy | None = None,
    process: Process | None = None,
    integer_seconds: bool = False,
) -> tuple[Event, ...]:
    """A case history through intake into ``listening``, with drawn statements (every party
    heard), mediator interventions and caucuses with offers: the raw material of the
    neutrality checks. Built through real commands.

    Args:
        min_parties: Fewest parties.
        max_parties: Most parties.
        policy: The policy of the case (default policy when None).
        process: The process (the default process when None).
        integer_seconds: Draw whole seconds only (for exact scaling properties).
    """
    count = draw(st.integers(min_value=min_parties, max_value=max_parties))
    drawn = tuple(Party(f"p{index}", f"Party {index}") for index in range(count))
    relations = []
    if count >= 2 and draw(st.booleans()):
        relations.append(Relation(RelationKind.MANAGES, "p0", "p1"))
    clock = ManualClock(datetime(2026, 1, 5, 9, tzinfo=timezone.utc), tick=timedelta(seconds=30))
    case = Mediation.open(
        "transcript",
        drawn,
        Mediator("m", "Mediator"),
        clock=clock,
        relations=relations,
        policy=policy,
        process=process if process is not None else DEFAULT_PROCESS,
    )
    case.disclose("m", "No relationships.", [])
    for member in drawn:
        case.screen("m", member.id, NO_CONCERNS)
        case.consent(member.id)
    case.advance("m")
    seconds = (
        st.integers(min_value=1, max_value=900)
        if integer_seconds
        else st.floats(min_value=0.5, max_value=900, allow_nan=False)
    )
    order = draw(st.permutations([member.id for member in drawn]))
    steps = draw(
        st.lists(
            st.tuples(
                st.sampled_from(["speak", "invite", "paraphrase", "question", "caucus"]),
                st.integers(0, count - 1),
                seconds,
            ),
            max_size=25,
        )
    )
    for speaker in order:
        case.speak(speaker, "my view", draw(seconds))
    for action, index, length in steps:
        party = drawn[index].id
        if action == "speak":
            case.speak(party, "more", length)
        elif action == "invite":
            case.invite_to_speak("m", party)
        elif action == "paraphrase":
            case.paraphrase("m", party, "what I heard")
        elif action == "question":
            case.ask("m", party, "what matters most?")
        else:
            if party not in case.state.caucus_offered:
                case.offer_caucus("m", party)
            case.open_caucus("m", party)
            clock.advance(timedelta(seconds=float(length)))
            case.close_caucus("m")
    return tuple(case.events)


def issues(issue_ids: st.SearchStrategy[str] = ids) -> st.SearchStrategy[Issue]:
    """Issues, some carrying screening flags (non-mediable ones included)."""
    flags = st.frozensets(
        st.sampled_from(["budget", "workload", "harassment", "safety", "style"]), max_size=2
    )
    return st.builds(Issue, issue_ids, texts, flags)


@st.composite
def policies(draw: st.DrawFn) -> Policy:
    """Valid policies: any mode per check, thresholds in range, some deadlines."""
    modes = st.sampled_from(["block", "warn", "off"])
    safeguards = st.frozensets(
        st.sampled_from(["caucus_offer", "subordinate_speaks_first", "support_person"])
    )
    return Policy.from_dict(
        {
            "voice_balance": {
                "mode": draw(modes),
                "max_gini": draw(st.floats(min_value=0.05, max_value=1.0)),
                "max_ratio": draw(st.floats(min_value=1.0, max_value=20.0)),
            },
            "reciprocity": {"mode": draw(modes)},
            "caucus_parity": {
                "mode": draw(modes),
                "max_time_ratio": draw(st.floats(min_value=1.0, max_value=10.0)),
            },
            "mediator_conduct": {
                "mode": draw(modes),
                "max_ratio": draw(st.floats(min_value=1.0, max_value=10.0)),
                "min_interventions": draw(st.integers(min_value=0, max_value=20)),
            },
            "power_imbalance": {"mode": draw(modes), "safeguards": sorted(draw(safeguards))},
            "deadlines": draw(
                st.dictionaries(
                    st.sampled_from(STAGES_IN_ORDER[:-1]),
                    st.integers(min_value=60, max_value=30 * 86400),
                    max_size=3,
                )
            ),
        }
    )


@st.composite
def valuations(
    draw: st.DrawFn, party_ids: tuple[str, ...] = ("p0", "p1"), max_items: int = 6
) -> dict[str, dict[str, int]]:
    """Valuations for the settlement procedures: party → item → points, the same items for
    every party, nobody valuing everything at zero."""
    count = draw(st.integers(min_value=1, max_value=max_items))
    items = [f"item-{index}" for index in range(count)]
    points = st.lists(st.integers(min_value=0, max_value=100), min_size=count, max_size=count)
    return {party: dict(zip(items, draw(points.filter(any)), strict=True)) for party in party_ids}


@st.composite
def cases(
    draw: st.DrawFn,
    stage: str | None = None,
    *,
    min_parties: int = 2,
    max_parties: int = 4,
    policy: Policy | None = None,
    process: Process | None = None,
) -> Mediation:
    """Cases advanced to ``stage`` (drawn when None) through real commands, every party
    cooperating (see :func:`advance_to`); some with a manager among the parties and a
    mediator with relationships to disclose. ``policy`` and ``process`` default to the
    library's defaults; a process must keep the default stages for the drive to work."""
    target = stage if stage is not None else draw(st.sampled_from(STAGES_IN_ORDER))
    drawn = draw(parties(min_size=min_parties, max_size=max_parties))
    party_list = tuple(party.id for party in drawn)
    relations = []
    if draw(st.booleans()):
        boss, junior = draw(st.permutations(party_list))[:2]
        relations.append(Relation(RelationKind.MANAGES, boss, junior))
    clock = ManualClock(draw(clock_starts()), tick=draw(ticks()))
    case = Mediation.open(
        "generated",
        drawn,
        draw(mediators(party_list)),
        clock=clock,
        supervisors=["sup"],
        relations=relations,
        policy=policy,
        process=process if process is not None else DEFAULT_PROCESS,
    )
    return advance_to(case, target)


def event_histories(stage: str | None = None) -> st.SearchStrategy[tuple[Event, ...]]:
    """Valid event histories of cases at ``stage`` (any stage when None)."""
    return cases(stage).map(lambda case: case.events)
