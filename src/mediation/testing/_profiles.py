"""hypothesis settings profiles for the project's suite and for host applications."""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

__all__ = ["load_profile", "register_profiles"]

PROFILES = ("ci", "dev", "thorough")


def register_profiles() -> None:
    """Register the ``ci``, ``dev`` and ``thorough`` profiles with hypothesis.

    - ``ci``: deterministic (derandomized, no example database), 200 examples;
    - ``dev``: quick feedback, 50 examples;
    - ``thorough``: 2,000 examples, for a nightly run.
    """
    settings.register_profile(
        "ci",
        max_examples=200,
        derandomize=True,
        database=None,
        deadline=None,
        print_blob=True,
        suppress_health_check=[HealthCheck.too_slow],
    )
    settings.register_profile("dev", max_examples=50, deadline=None)
    settings.register_profile(
        "thorough",
        max_examples=2000,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow],
    )


def load_profile(name: str | None = None) -> str:
    """Register the profiles and load one.

    Args:
        name: Profile to load; default: ``$HYPOTHESIS_PROFILE``, else ``ci`` when ``$CI``
            is set, else ``dev``.

    Returns:
        The name of the loaded profile.
    """
    register_profiles()
    chosen = (
        name or os.environ.get("HYPOTHESIS_PROFILE") or ("ci" if os.environ.get("CI") else "dev")
    )
    settings.load_profile(chosen)
    return chosen
