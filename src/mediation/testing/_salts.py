"""Reproducible salts for tests: the same seed gives the same sealed records."""

from __future__ import annotations

import random

from mediation.audit import SaltSource

__all__ = ["seeded_salts"]


def seeded_salts(seed: int = 0) -> SaltSource:
    """A salt source drawing from ``random.Random(seed)``: for tests only.

    Salts from it can be guessed by anyone who knows the seed, which defeats the
    commitments; a store in use draws from :func:`secrets.token_bytes`.

    Args:
        seed: The seed.

    Returns:
        A function giving ``n`` bytes when called with ``n``.
    """
    generator = random.Random(seed)
    return generator.randbytes
