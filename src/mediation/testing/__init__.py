"""``mediation.testing``: helpers for testing host applications built on ``mediation``.

Like ``structlog.testing``, this module ships with the library. It provides hypothesis
strategies, a stateful :class:`MediationMachine` that drives real cases with random
commands by random actors, settings profiles, the seat-effect property of simulations
(:func:`assert_no_seat_effect`), and the store conformance suite
(:class:`StoreConformance`, :func:`check_store`) that third-party event stores run.

The helpers that need no hypothesis (:func:`advance_to`, the ``assert_*`` invariants,
relabelling, :func:`scripted_case`, the store conformance suite) import without it. The
strategies, the machine and the profiles need the ``testing`` extra
(``pip install 'mediation[testing]'``); using one without it raises
:class:`~mediation.errors.MissingExtra` saying so.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from mediation.errors import MissingExtra
from mediation.testing._drive import advance_to, as_party, screen_all, waive_all
from mediation.testing._invariants import (
    assert_confidential,
    assert_label_blind,
    assert_replay_equal,
    assert_self_determined,
)
from mediation.testing._relabel import mirrored, party_ids, relabelled
from mediation.testing._salts import seeded_salts
from mediation.testing._seat import SeatEffect, assert_no_seat_effect, seat_effect
from mediation.testing._store_conformance import StoreConformance, check_store, scripted_case

if TYPE_CHECKING:  # imported on first use (below): they need hypothesis
    from mediation.testing._machine import MediationMachine
    from mediation.testing._profiles import load_profile, register_profiles
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

_NEEDS_HYPOTHESIS = {
    "MediationMachine": "mediation.testing._machine",
    "load_profile": "mediation.testing._profiles",
    "register_profiles": "mediation.testing._profiles",
    **dict.fromkeys(
        (
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
        ),
        "mediation.testing._strategies",
    ),
}


def __getattr__(name: str) -> Any:
    """Import a strategy, the machine or a profile helper on first use.

    Raises:
        MissingExtra: hypothesis is not installed (``extra == "testing"``).
        AttributeError: no such name.
    """
    module_name = _NEEDS_HYPOTHESIS.get(name)
    if module_name is None:
        raise AttributeError(f"module 'mediation.testing' has no attribute {name!r}")
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError as error:
        if error.name != "hypothesis" and not (error.name or "").startswith("hypothesis."):
            raise
        raise MissingExtra(
            "testing",
            f"mediation.testing.{name} needs hypothesis, which is not installed: "
            "pip install 'mediation[testing]'",
        ) from error
    value = getattr(module, name)
    globals()[name] = value
    return value


__all__ = [
    "STAGES_IN_ORDER",
    "MediationMachine",
    "SeatEffect",
    "StoreConformance",
    "advance_to",
    "as_party",
    "assert_confidential",
    "assert_label_blind",
    "assert_no_seat_effect",
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
    "screen_all",
    "scripted_case",
    "seat_effect",
    "seeded_salts",
    "texts",
    "ticks",
    "transcripts",
    "valuations",
    "waive_all",
]
