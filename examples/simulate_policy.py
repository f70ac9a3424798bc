"""Compare two policies on the same simulated disputes before using either on people.

The built-in leader-and-subordinate scenario, with a mediator who does not apply the
power-imbalance safeguards of its own accord and escalates what a check blocks, is run
under two policies: a lenient one (only a caucus offer to the subordinate, voice balance
within a ratio of 4) and a strict one (the subordinate also speaks first, voice balance
within a ratio of 2). Both runs use the same seed, so they face the same disputes and
differ only by the policy.
"""

from __future__ import annotations

import logging

import structlog

from mediation.simulation import builtin, sweep


def main() -> None:
    """Run both policies on 60 mediations each and print the main figures side by side."""
    structlog.configure(
        wrapper_class=structlog.make_filtering_bound_logger(logging.WARNING),
        cache_logger_on_first_use=True,
    )
    scenario = builtin("leader_subordinate").with_values(
        {"strategy.safeguards": False, "strategy.on_block": "escalate"}
    )
    lenient = {
        "power_imbalance": {"safeguards": ["caucus_offer"]},
        "voice_balance": {"max_ratio": 4.0},
    }
    strict = {
        "power_imbalance": {"safeguards": ["caucus_offer", "subordinate_speaks_first"]},
        "voice_balance": {"max_ratio": 2.0},
    }
    result = sweep(
        scenario,
        {"policy": [lenient, strict]},
        n=60,
        seed=1,
        workers=1,
    )
    print(f"{'policy':<10} settled  escalated  envy   blocks")
    for name, point in zip(("lenient", "strict"), result.points, strict=True):
        summary = point.run.summary
        escalated = summary.outcomes.get("escalated", 0) / summary.n
        envy = "-" if summary.mean_envy is None else f"{summary.mean_envy:.3f}"
        blocks = sum(summary.blocks.values())
        print(
            f"{name:<10} {summary.settlement_rate:>7.2f}  {escalated:>9.2f}  {envy:>5}  {blocks:>6}"
        )


if __name__ == "__main__":
    main()
