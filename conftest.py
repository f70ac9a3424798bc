"""Root pytest set-up for tests, docs and doctests: hypothesis profiles and logging."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import Any

import pytest
import structlog

from mediation.testing import load_profile

load_profile()

# The suite is the application here: it chooses where library logs go (nowhere), and
# keeps every level so that tests can look at entries with structlog.testing.capture_logs().
structlog.configure(
    wrapper_class=structlog.make_filtering_bound_logger(logging.DEBUG),
    logger_factory=structlog.ReturnLoggerFactory(),
    cache_logger_on_first_use=False,
)


@pytest.fixture(autouse=True)
def _restore_structlog_configuration() -> Iterator[None]:
    """Examples in the docs configure structlog as an application would; undo it after."""
    saved: dict[str, Any] = structlog.get_config()
    yield
    structlog.configure(**saved)
