"""``mediation.testing``: helpers for testing host applications built on ``mediation``.

Like ``structlog.testing``, this module ships with the library (install the ``testing``
extra to get hypothesis). It provides hypothesis strategies, a stateful
:class:`MediationMachine` that drives real cases with random commands by random actors,
settings profiles, and the store conformance suite (:class:`StoreConformance`,
:func:`check_store`) that third-party event stores run.
"""

from mediation.testing._machine import MediationMachine
from mediation.testing._profiles import load_profile, register_profiles
from mediation.testing._relabel import mirrored, party_ids, relabelled
from mediation.testing._strategies import (
    clock_starts,
    ids,
    mediators,
    parties,
    texts,
    ticks,
    transcripts,
)

__all__ = [
    "MediationMachine",
    "clock_starts",
    "ids",
    "load_profile",
    "mediators",
    "mirrored",
    "parties",
    "party_ids",
    "register_profiles",
    "relabelled",
    "texts",
    "ticks",
    "transcripts",
]
