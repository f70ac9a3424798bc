"""Tests for mediation._logging: the library logs through its host's configuration."""

from __future__ import annotations

import logging
import subprocess
import sys

import pytest
import structlog
from structlog.testing import capture_logs

from mediation import demo
from mediation._case import core as case_core
from mediation._logging import get_logger

_RUN_A_CASE = """
import logging, sys
{setup}
from mediation import demo
from mediation._case import core as case_core
demo.workplace_dispute()
"""


def _run(setup: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", _RUN_A_CASE.format(setup=setup)],
        capture_output=True,
        text=True,
        check=True,
    )


def test_an_application_that_configures_no_logging_sees_nothing() -> None:
    done = _run("")
    assert done.stdout == ""
    assert done.stderr == ""


def test_a_stdlib_host_gets_the_events_through_logging() -> None:
    done = _run("logging.basicConfig(level=logging.INFO, format='%(name)s|%(message)s')")
    assert done.stdout == ""
    lines = [line for line in done.stderr.splitlines() if "event_recorded" in line]
    assert len(lines) > 10
    assert lines[0].startswith("mediation|event_recorded case_id='workload-2026-03' seq=1 ")
    quiet = _run("logging.basicConfig(level=logging.WARNING)")
    assert quiet.stderr == ""


def test_a_structlog_host_with_the_stdlib_integration_gets_rendered_events() -> None:
    setup = """
import structlog
structlog.configure(
    processors=[structlog.stdlib.filter_by_level, structlog.stdlib.add_logger_name,
                structlog.processors.KeyValueRenderer(key_order=["event", "logger"])],
    logger_factory=structlog.stdlib.LoggerFactory(),
    wrapper_class=structlog.stdlib.BoundLogger,
)
logging.basicConfig(level=logging.INFO, format="%(message)s")
"""
    done = _run(setup)
    assert done.stdout == ""
    assert "event='event_recorded' logger='mediation' case_id='workload-2026-03'" in done.stderr


def test_unconfigured_structlog_goes_to_the_stdlib_logger_with_the_fields_attached(
    caplog: pytest.LogCaptureFixture,
) -> None:
    structlog.reset_defaults()  # as in an application that never configured structlog
    with caplog.at_level(logging.INFO, logger="mediation"):
        get_logger("mediation.store").info("append_conflict", case_id="c", version=3)
        get_logger("mediation").debug("not shown")
    (record,) = caplog.records
    assert record.name == "mediation.store"
    assert record.getMessage() == "append_conflict case_id='c' version=3"
    assert record.mediation == {  # type: ignore[attr-defined]
        "event": "append_conflict",
        "case_id": "c",
        "version": 3,
    }


def test_nothing_is_rendered_for_a_disabled_level(caplog: pytest.LogCaptureFixture) -> None:
    structlog.reset_defaults()
    logging.getLogger("mediation").setLevel(logging.ERROR)
    try:
        demo.workplace_dispute()
        get_logger("mediation").warning("hidden")
    finally:
        logging.getLogger("mediation").setLevel(logging.NOTSET)
    assert caplog.records == []


def test_a_structlog_configuration_is_followed_as_it_stands() -> None:
    with capture_logs() as logs:
        get_logger("mediation.audit").warning("chain_broken", case_id="c", seq=2)
        get_logger("mediation.audit").error("failed")
    assert logs == [
        {"event": "chain_broken", "case_id": "c", "seq": 2, "log_level": "warning"},
        {"event": "failed", "log_level": "error"},
    ]


def test_the_library_never_configures_logging_itself() -> None:
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            "import structlog, logging, mediation, mediation.cli, mediation.store.sql, "
            "mediation.simulation; "
            "print(structlog.is_configured(), logging.getLogger().handlers)",
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    assert done.stdout.strip() == "False []"


@pytest.mark.parametrize(
    ("wrapper", "expected"),
    [
        (structlog.make_filtering_bound_logger(logging.WARNING), False),
        (structlog.make_filtering_bound_logger(logging.INFO), True),
        (structlog.BoundLogger, True),  # no is_enabled_for: taken to log everything
    ],
)
def test_a_recorded_event_is_logged_exactly_when_the_host_enables_its_level(
    wrapper: type, expected: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    structlog.configure(wrapper_class=wrapper, cache_logger_on_first_use=False)
    # A fresh library logger, as in a host that configures structlog before first use
    # (an earlier test may have configured caching, which binds a proxy for good).
    monkeypatch.setattr(case_core, "_log", get_logger("mediation"))
    assert get_logger("mediation").enabled_for(logging.INFO) is expected
    with capture_logs() as logs:
        demo.workplace_dispute()
    assert any(entry["event"] == "event_recorded" for entry in logs) is expected


def test_the_stdlib_level_decides_when_structlog_is_not_configured() -> None:
    structlog.reset_defaults()
    logger = logging.getLogger("mediation")
    logger.setLevel(logging.ERROR)
    try:
        assert not get_logger("mediation").enabled_for(logging.INFO)
        assert get_logger("mediation").enabled_for(logging.ERROR)
    finally:
        logger.setLevel(logging.NOTSET)
