"""Settlement suggestions for a divorce: Adjusted Winner on the assets, a claims rule on debts.

Carol and Bob each spread 100 points over five assets (Brams and Taylor's example).
Adjusted Winner divides them so that both get exactly the same number of their own
points. Then three creditors claim more than the 12,000 set aside for debts; the
Talmud rule and two alternatives show how that shortfall could be shared.

Run it with ``python examples/settlement_divorce.py``.
"""

from __future__ import annotations

from fractions import Fraction

from mediation.settlement import (
    adjusted_winner,
    constrained_equal_awards,
    proportional,
    talmud,
)


def show(amount: Fraction) -> str:
    """A fraction as a number with two decimals, e.g. ``56.67`` (display only)."""
    return f"{float(amount):,.2f}"


def main() -> None:
    points = {
        "Carol": {"Retirement": 50, "Home": 20, "Cottage": 15, "Investments": 10, "Other": 5},
        "Bob": {"Retirement": 40, "Home": 30, "Cottage": 10, "Investments": 10, "Other": 10},
    }
    result = adjusted_winner(points)
    print("Adjusted Winner (Brams & Taylor): Carol and Bob's assets")
    for party, shares in result.shares.items():
        parts = [
            item if share == 1 else f"{share} of {item}" for item, share in shares.items() if share
        ]
        print(f"  {party} receives: {', '.join(parts)}")
        print(f"    worth {result.points[party]} = {show(result.points[party])} of their points")
    print(f"  split item: {result.split_item}")

    debt_pool = 12_000
    claims = {"bank": 10_000, "credit card": 4_000, "family loan": 2_000}
    print(f"\nA debt pool of {debt_pool:,} against claims totalling {sum(claims.values()):,}:")
    for rule in (talmud, proportional, constrained_equal_awards):
        awards = rule(debt_pool, claims).awards
        line = ", ".join(f"{creditor} {show(award)}" for creditor, award in awards.items())
        print(f"  {rule.__name__:<25} {line}")


if __name__ == "__main__":
    main()
