"""hypothesis strategies for the library's value types and cases."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from hypothesis import strategies as st

from mediation.model import Mediator, Party, Relation, RelationKind

__all__ = ["clock_starts", "ids", "mediators", "parties", "texts"]

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
