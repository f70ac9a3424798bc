"""The mutation runner's own small pieces (``tools/mutate.py``, behind ``make mutate``)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

_TOOL = Path(__file__).resolve().parents[1] / "tools" / "mutate.py"


@pytest.fixture(scope="module")
def mutate() -> ModuleType:
    spec = importlib.util.spec_from_file_location("mediation_mutate_tool", _TOOL)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    try:
        spec.loader.exec_module(module)
    finally:
        del sys.modules[spec.name]
    return module


def test_test_ids_split_on_commas_outside_a_node_ids_parameters(mutate: ModuleType) -> None:
    assert mutate.split_test_ids("") == []
    assert mutate.split_test_ids(" tests/test_a.py , tests/test_b.py::test_c ,") == [
        "tests/test_a.py",
        "tests/test_b.py::test_c",
    ]
    assert mutate.split_test_ids("tests/t.py::test_x[a,b],tests/t.py::test_y[1-2],tests/u.py") == [
        "tests/t.py::test_x[a,b]",
        "tests/t.py::test_y[1-2]",
        "tests/u.py",
    ]
    assert mutate.split_test_ids("tests/t.py::test_x[[1, 2],3]") == ["tests/t.py::test_x[[1, 2],3]"]


def test_a_listed_equivalent_whose_code_changed_is_reported(mutate: ModuleType) -> None:
    # guards.py is small (40 mutants); its three listed equivalents name real mutants,
    # while an entry written for code since rewritten, or another file's, is told apart.
    made = mutate.collect("guards", "src/mediation/guards.py")
    listed = mutate.load_equivalents()
    assert mutate.stale_equivalents(made, listed) == []
    gone = "src/mediation/guards.py::consent_current::negate::== → != #7"
    elsewhere = "src/mediation/state.py::CaseState::negate::== → !="
    assert mutate.stale_equivalents(made, {**listed, gone: "x", elsewhere: "y"}) == [gone]
