"""Suite-wide set-up: hypothesis profiles and quiet, capturable logging."""

from __future__ import annotations

import logging

import structlog

from mediation.testing import load_profile

load_profile()

# The suite is the application here: it chooses where library logs go. Tests that look
# at log entries use structlog.testing.capture_logs().
structlog.configure(
    wrapper_class=structlog.make_filtering_bound_logger(logging.WARNING),
    cache_logger_on_first_use=False,
)
