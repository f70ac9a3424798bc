"""``mediation.testing``: helpers for testing host applications built on ``mediation``.

Like ``structlog.testing``, this module ships with the library (install the ``testing``
extra to get hypothesis). It provides hypothesis strategies, a stateful
:class:`MediationMachine` that drives real cases with random commands by random actors,
and settings profiles.
"""

from mediation.testing._machine import MediationMachine
from mediation.testing._profiles import load_profile, register_profiles
from mediation.testing._strategies import clock_starts, ids, mediators, parties, texts, ticks

__all__ = [
    "MediationMachine",
    "clock_starts",
    "ids",
    "load_profile",
    "mediators",
    "parties",
    "register_profiles",
    "texts",
    "ticks",
]
