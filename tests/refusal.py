"""A refusal says why and records nothing: the helper the tests check every refusal with."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TypeVar

import pytest

from mediation import Mediation
from mediation.errors import MediationError

__all__ = ["nothing_recorded"]

E = TypeVar("E", bound=MediationError)


@contextmanager
def nothing_recorded(
    case: Mediation, error: type[E], *, codes: set[str] | None = None
) -> Iterator[pytest.ExceptionInfo[E]]:
    """Expect ``error`` from the block, and the case exactly as it was before it.

    Args:
        case: The case the block issues a command on.
        error: The error the command must raise.
        codes: When given, the refusal's reason codes must be exactly these.

    Yields:
        The caught error's info, as ``pytest.raises`` gives it.
    """
    version, events, stage = case.version, case.events, case.stage
    before = Mediation.replay(events, clock=lambda: case.state.last_at, process=case.process)
    with pytest.raises(error) as info:
        yield info
    assert case.version == version, "a refused command recorded events"
    assert case.events == events and case.stage == stage
    assert case == before, "a refused command changed the case's state"
    if codes is not None:
        assert set(getattr(info.value, "codes", ())) == codes
