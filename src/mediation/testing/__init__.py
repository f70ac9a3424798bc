"""``mediation.testing``: helpers for testing host applications built on ``mediation``.

Like ``structlog.testing``, this module ships with the library (install the ``testing``
extra to get hypothesis). It provides hypothesis strategies, a stateful
:class:`MediationMachine` that drives real cases with random commands by random actors,
settings profiles, and the store conformance suite (:class:`StoreConformance`,
:func:`check_store`) that third-party event stores run.
"""

from mediation.testing._drive import advance_to
from mediation.testing._invariants import (
    assert_confidential,
    assert_label_blind,
    assert_replay_equal,
    assert_self_determined,
)
from mediation.testing._machine import MediationMachine
from mediation.testing._profiles import load_profile, register_profiles
from mediation.testing._relabel import mirrored, party_ids, relabelled
from mediation.testing._salts import seeded_salts
from mediation.testing._store_conformance import StoreConformance, check_store, scripted_case
from mediation.testing._strategies import (
    STAGES_IN_ORDER,
    cases,
    clock_starts,
    event_histories,
    ids,
    issues,
    mediators,
    parties,
    policies,
    texts,
    ticks,
    transcripts,
    valuations,
)

__all__ = [
    "STAGES_IN_ORDER",
    "MediationMachine",
    "StoreConformance",
    "advance_to",
    "assert_confidential",
    "assert_label_blind",
    "assert_replay_equal",
    "assert_self_determined",
    "cases",
    "check_store",
    "clock_starts",
    "event_histories",
    "ids",
    "issues",
    "load_profile",
    "mediators",
    "mirrored",
    "parties",
    "party_ids",
    "policies",
    "register_profiles",
    "relabelled",
    "scripted_case",
    "seeded_salts",
    "texts",
    "ticks",
    "transcripts",
    "valuations",
]
