"""Mutation testing for the core of ``mediation``: does the suite notice a broken promise?

A small runner over a listed set of mutation operators (see ``OPERATORS``). For every
mutant it runs only the tests that execute the mutated lines (a per-test line coverage map
built first with coverage.py's dynamic contexts), in a private copy of ``src/`` per
worker, two workers by default, each mutant in a forked child with a time limit. The
working tree is never written to.

Usage (from the repository root; ``make mutate`` does this with the project's .venv)::

    python tools/mutate.py                      # every listed module
    python tools/mutate.py --modules guards,state
    python tools/mutate.py --only-survivors     # re-run the last run's survivors
    python tools/mutate.py --update-docs        # and quote the scores in docs/testing.md

Output: a table per module (killed / survived / timeout / equivalent / score), every
survivor with file:line and the mutation, and ``.mutate/summary.json``. Mutants listed in
``tools/mutate_equivalent.toml`` (with the reason each cannot be killed) are left out of
the score.
"""

from __future__ import annotations

import argparse
import ast
import glob
import hashlib
import json
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / ".mutate"
EQUIVALENT_FILE = ROOT / "tools" / "mutate_equivalent.toml"
DOCS_PAGE = ROOT / "docs" / "testing.md"
TEST_PATHS = ("tests", "docs", "src", "examples")

MODULES: dict[str, tuple[str, ...]] = {
    "case": ("src/mediation/case.py", "src/mediation/rules.py", "src/mediation/_case/*.py"),
    "guards": ("src/mediation/guards.py",),
    "state": ("src/mediation/state.py",),
    "neutrality": (
        "src/mediation/neutrality.py",
        "src/mediation/neutrality/*.py",
        "src/mediation/_checks.py",
    ),
    "policy": ("src/mediation/policy.py", "src/mediation/_readonly.py"),
    "audit": ("src/mediation/audit.py", "src/mediation/audit/*.py"),
    "store": ("src/mediation/store/*.py",),
    "settlement": ("src/mediation/settlement.py",),
}
"""Module name → the files it is made of (globs; missing ones are skipped, so the list
survives a module becoming a package)."""

OPERATORS = {
    "boundary": "an ordering comparison shifted by its boundary: < ↔ <=, > ↔ >=",
    "negate": "an (in)equality, membership or identity test negated: == ↔ !=, in ↔ not in, "
    "is ↔ is not",
    "all_any": "all(...) ↔ any(...)",
    "and_or": "and ↔ or",
    "not": "not x → x",
    "const": "an integer constant ± 1",
    "raise": "a raise statement dropped",
    "reason": "a reason or finding dropped: .append/.extend of reasons or findings removed, "
    "or a function returning reasons/findings returns none",
    "bool_return": "return x → return None in a function returning bool",
    "min_max": "min(...) ↔ max(...)",
}

QUICK_TESTS: dict[str, tuple[str, ...]] = {
    "case": (
        "tests/test_rules.py",
        "tests/test_case.py",
        "tests/test_guards.py",
        "tests/test_process.py",
    ),
    "guards": ("tests/test_guards.py", "tests/test_case.py"),
    "state": (
        "tests/test_state.py",
        "tests/test_case.py",
        "tests/test_guards.py",
        "tests/neutrality/test_registry.py",
    ),
    "neutrality": ("tests/neutrality", "tests/test_checks.py"),
    "policy": ("tests/test_policy.py", "tests/neutrality/test_registry.py"),
    "audit": ("tests/test_audit.py",),
    "store": ("tests/test_store.py", "tests/test_store_sql.py"),
    "settlement": ("tests/test_settlement.py",),
}
"""With ``--quick``: each module's own test modules instead of the coverage map's choice
(no map to build; a mutant that only another module's tests kill counts as surviving)."""

HYPOTHESIS_PROFILE = "mutate"
"""Deterministic (derandomized, no example database) so that a test run covers the same
examples when the map is built and when a mutant is tested."""

_LOG_NAMES = frozenset({"_log", "log", "logger", "_logger"})


# -- mutants -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Mutant:
    """One single-point change of one file."""

    id: str
    module: str
    path: str
    line: int
    end_line: int
    operator: str
    original: str
    replacement: str
    start: int  # character offsets in the file's text
    end: int
    new_text: str  # what replaces text[start:end], layout kept

    def describe(self) -> str:
        return (
            f"{self.path}:{self.line}: [{self.operator}] {self.original!r} → {self.replacement!r}"
        )


@dataclass
class Result:
    mutant: Mutant
    status: str  # killed, survived, timeout, uncovered, equivalent, error
    seconds: float = 0.0
    tests: int = 0
    detail: str = ""


class _Collector(ast.NodeVisitor):
    """Walks one module and proposes mutations as (node span, replacement) pairs."""

    def __init__(self, text: str, tree: ast.Module) -> None:
        self.text = text
        self.lines = text.splitlines(keepends=True)
        self.offsets = [0]
        for line in self.lines:
            self.offsets.append(self.offsets[-1] + len(line))
        self.found: list[tuple[str, str, int, int, int, int, str, str]] = []
        self.scope: list[str] = []
        self.returns: list[str] = []
        self.skip_lines = {
            number for number, line in enumerate(self.lines, 1) if "pragma: no mutate" in line
        }
        self.tree = tree

    # positions
    def offset(self, line: int, col: int) -> int:
        # ast columns are UTF-8 byte offsets
        raw = self.lines[line - 1].encode("utf-8")[:col]
        return self.offsets[line - 1] + len(raw.decode("utf-8"))

    def span(self, node: ast.AST) -> tuple[int, int]:
        return (
            self.offset(node.lineno, node.col_offset),  # type: ignore[attr-defined]
            self.offset(node.end_lineno, node.end_col_offset),  # type: ignore[attr-defined]
        )

    def add(self, operator: str, start: int, end: int, line: int, end_line: int, new: str) -> None:
        if line in self.skip_lines:
            return
        old = self.text[start:end]
        if old == new:
            return
        where = ".".join(self.scope) or "<module>"
        self.found.append((operator, where, start, end, line, end_line, old, new))

    # scopes and things never mutated
    def visit_FunctionDef(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> None:
        for decorator in node.decorator_list:
            self.visit(decorator)
        for default in [*node.args.defaults, *node.args.kw_defaults]:
            if default is not None:
                self.visit(default)
        self.scope.append(node.name)
        returns = ast.get_source_segment(self.text, node.returns) if node.returns else ""
        self.returns.append(returns or "")
        for statement in node.body:
            self.visit(statement)
        self.returns.pop()
        self.scope.pop()

    visit_AsyncFunctionDef = visit_FunctionDef  # noqa: N815

    def visit_ClassDef(self, node: ast.ClassDef) -> None:
        self.scope.append(node.name)
        for statement in node.body:
            self.visit(statement)
        self.scope.pop()

    def visit_AnnAssign(self, node: ast.AnnAssign) -> None:
        if node.value is not None:
            self.visit(node.value)

    def visit_Assign(self, node: ast.Assign) -> None:
        if any(isinstance(t, ast.Name) and t.id == "__all__" for t in node.targets):
            return
        self.generic_visit(node)

    def visit_If(self, node: ast.If) -> None:
        if isinstance(node.test, ast.Name) and node.test.id == "TYPE_CHECKING":
            return
        if "sys.version_info" in (ast.get_source_segment(self.text, node.test) or ""):
            return  # which import a Python version needs: one branch never runs here
        self.generic_visit(node)

    def visit_Expr(self, node: ast.Expr) -> None:
        value = node.value
        if isinstance(value, ast.Constant):  # docstrings and bare strings
            return
        if isinstance(value, ast.Call) and isinstance(value.func, ast.Attribute):
            owner = value.func.value
            if isinstance(owner, ast.Name) and owner.id in _LOG_NAMES:
                return  # log lines say nothing the tests promise
            if value.func.attr in {"append", "extend"}:
                target = ast.get_source_segment(self.text, owner) or ""
                if re.search(r"reason|finding", target, re.IGNORECASE):
                    start, end = self.span(node)
                    self.add(
                        "reason", start, end, node.lineno, node.end_lineno or node.lineno, "pass"
                    )
        self.generic_visit(node)

    # operators
    def visit_Compare(self, node: ast.Compare) -> None:
        left = node.left
        for op, right in zip(node.ops, node.comparators, strict=True):
            start = self.offset(left.end_lineno, left.end_col_offset)  # type: ignore[arg-type]
            end = self.offset(right.lineno, right.col_offset)
            between = self.text[start:end]
            for operator, pattern, new in _COMPARE.get(type(op), ()):
                match = re.search(pattern, between)
                if match:
                    self.add(
                        operator,
                        start + match.start(),
                        start + match.end(),
                        left.end_lineno or node.lineno,
                        right.lineno,
                        new,
                    )
            left = right
        self.generic_visit(node)

    def visit_BoolOp(self, node: ast.BoolOp) -> None:
        word, other = ("and", "or") if isinstance(node.op, ast.And) else ("or", "and")
        start, end = self.span(node)
        pieces = []
        cursor = start
        for first, second in zip(node.values, node.values[1:], strict=False):
            a = self.offset(first.end_lineno, first.end_col_offset)  # type: ignore[arg-type]
            b = self.offset(second.lineno, second.col_offset)
            pieces.append(self.text[cursor:a])
            pieces.append(re.sub(rf"\b{word}\b", other, self.text[a:b], count=1))
            cursor = b
        pieces.append(self.text[cursor:end])
        self.add("and_or", start, end, node.lineno, node.end_lineno or node.lineno, "".join(pieces))
        self.generic_visit(node)

    def visit_UnaryOp(self, node: ast.UnaryOp) -> None:
        if isinstance(node.op, ast.Not):
            start, end = self.span(node)
            inner_start, inner_end = self.span(node.operand)
            self.add(
                "not",
                start,
                end,
                node.lineno,
                node.end_lineno or node.lineno,
                "(" + self.text[inner_start:inner_end] + ")",
            )
        elif isinstance(node.op, ast.USub) and isinstance(node.operand, ast.Constant):
            return  # -1 is handled as one constant below
        self.generic_visit(node)

    def visit_Call(self, node: ast.Call) -> None:
        func = node.func
        if (
            isinstance(func, ast.Attribute)
            and isinstance(func.value, ast.Name)
            and func.value.id in _LOG_NAMES
        ):
            return
        if isinstance(func, ast.Name) and func.id in _SWAPS:
            operator, other = _SWAPS[func.id]
            start, end = self.span(func)
            self.add(operator, start, end, func.lineno, func.lineno, other)
        self.generic_visit(node)

    def visit_Constant(self, node: ast.Constant) -> None:
        value = node.value
        if isinstance(value, bool) or not isinstance(value, int):
            return
        start, end = self.span(node)
        for new in (value + 1, value - 1):
            self.add("const", start, end, node.lineno, node.lineno, repr(new))

    def visit_Raise(self, node: ast.Raise) -> None:
        start, end = self.span(node)
        self.add("raise", start, end, node.lineno, node.end_lineno or node.lineno, "pass")
        self.generic_visit(node)

    def visit_Return(self, node: ast.Return) -> None:
        returns = self.returns[-1] if self.returns else ""
        value = node.value
        if value is not None:
            start, end = self.span(node)
            empty = isinstance(value, (ast.Tuple, ast.List)) and not value.elts
            if re.search(r"\b(Reason|Finding)\b", returns) and not empty:
                self.add(
                    "reason", start, end, node.lineno, node.end_lineno or node.lineno, "return ()"
                )
            if returns == "bool" and not (
                isinstance(value, ast.Constant) and value.value in (None, False)
            ):
                self.add(
                    "bool_return",
                    start,
                    end,
                    node.lineno,
                    node.end_lineno or node.lineno,
                    "return None",
                )
        self.generic_visit(node)


_COMPARE: dict[type, tuple[tuple[str, str, str], ...]] = {
    ast.Lt: (("boundary", r"<(?!=)", "<="),),
    ast.LtE: (("boundary", r"<=", "<"),),
    ast.Gt: (("boundary", r">(?!=)", ">="),),
    ast.GtE: (("boundary", r">=", ">"),),
    ast.Eq: (("negate", r"==", "!="),),
    ast.NotEq: (("negate", r"!=", "=="),),
    ast.In: (("negate", r"\bin\b", "not in"),),
    ast.NotIn: (("negate", r"\bnot\s+in\b", "in"),),
    ast.Is: (("negate", r"\bis\b", "is not"),),
    ast.IsNot: (("negate", r"\bis\s+not\b", "is"),),
}
_SWAPS = {
    "all": ("all_any", "any"),
    "any": ("all_any", "all"),
    "min": ("min_max", "max"),
    "max": ("min_max", "min"),
}


def module_files(names: Sequence[str]) -> dict[str, list[str]]:
    """Module name → its existing files, relative to the repository root."""
    chosen: dict[str, list[str]] = {}
    for name in names:
        files: list[str] = []
        for pattern in MODULES[name]:
            for path in sorted(glob.glob(str(ROOT / pattern))):
                relative = str(Path(path).relative_to(ROOT))
                if relative not in files:
                    files.append(relative)
        chosen[name] = files
    return chosen


_TEXTS: dict[str, str] = {}
"""Each file's text as it was when its mutants were collected (the tree may change later)."""


def collect(module: str, path: str) -> list[Mutant]:
    """Every mutant of one file, each with a stable id (no line numbers in it)."""
    text = _TEXTS.setdefault(path, (ROOT / path).read_text(encoding="utf-8"))
    tree = ast.parse(text)
    collector = _Collector(text, tree)
    collector.visit(tree)
    mutants: list[Mutant] = []
    seen: Counter[str] = Counter()
    for operator, where, start, end, line, end_line, old, new in collector.found:
        mutated = text[:start] + new + text[end:]
        padded = new + "\n" * (old.count("\n") - new.count("\n"))
        if old.count("\n") > new.count("\n"):
            candidate = text[:start] + padded + text[end:]
            try:
                ast.parse(candidate)
                mutated, new = candidate, padded
            except SyntaxError:
                pass
        try:
            ast.parse(mutated)
        except SyntaxError:
            continue
        squeezed_old = " ".join(old.split())
        squeezed_new = " ".join(new.split())
        key = f"{path}::{where}::{operator}::{squeezed_old} → {squeezed_new}"
        seen[key] += 1
        if seen[key] > 1:
            key = f"{key} #{seen[key]}"
        mutants.append(
            Mutant(
                key,
                module,
                path,
                line,
                end_line,
                operator,
                squeezed_old,
                squeezed_new,
                start,
                end,
                new,
            )
        )
    return mutants


def collect_all(files_by_module: dict[str, list[str]]) -> list[Mutant]:
    """Every mutant of every chosen module."""
    return [m for name, files in files_by_module.items() for f in files for m in collect(name, f)]


def mutated_text(mutant: Mutant) -> str:
    """The file's text (as collected) with the mutation applied."""
    text = _TEXTS[mutant.path]
    return text[: mutant.start] + mutant.new_text + text[mutant.end :]


# -- coverage map --------------------------------------------------------------------------


def _register_profile() -> None:
    from hypothesis import HealthCheck, Phase, settings

    settings.register_profile(
        HYPOTHESIS_PROFILE,
        max_examples=50,
        phases=[Phase.explicit, Phase.reuse, Phase.generate],  # a kill needs no shrinking
        report_multiple_bugs=False,
        derandomize=True,
        database=None,
        deadline=None,
        suppress_health_check=list(HealthCheck),
    )
    os.environ["HYPOTHESIS_PROFILE"] = HYPOTHESIS_PROFILE


class _MapPlugin:
    """Switches coverage's context to each test's node id and times every test."""

    def __init__(self, coverage: Any) -> None:
        self.coverage = coverage
        self.durations: dict[str, float] = defaultdict(float)
        self.failed: set[str] = set()

    def pytest_runtest_setup(self, item: Any) -> None:
        self.coverage.switch_context(item.nodeid)

    def pytest_runtest_logreport(self, report: Any) -> None:
        self.durations[report.nodeid] += report.duration
        if report.failed:
            self.failed.add(report.nodeid)


def build_map(files: Sequence[str], map_path: Path) -> None:
    """Run the whole suite once under coverage, one context per test; save line → tests."""
    import coverage
    import pytest

    _register_profile()
    sys.path.insert(0, str(ROOT / "src"))
    sys.dont_write_bytecode = True
    data_file = OUT / "coverage.sqlite"
    if data_file.exists():
        data_file.unlink()
    cov = coverage.Coverage(
        data_file=str(data_file), include=[str(ROOT / f) for f in files], branch=False
    )
    plugin = _MapPlugin(cov)
    cov.start()
    code = pytest.main(
        ["-q", "-p", "no:cacheprovider", "-p", "no:randomly", *TEST_PATHS], plugins=[plugin]
    )
    cov.stop()
    cov.save()
    data = cov.get_data()
    lines: dict[str, dict[str, list[str]]] = {}
    for path in files:
        by_line = data.contexts_by_lineno(str(ROOT / path))
        lines[path] = {str(n): sorted(set(c)) for n, c in by_line.items()}
    payload = {
        "pytest_exit": int(code),
        "failed": sorted(plugin.failed),
        "durations": dict(plugin.durations),
        "lines": lines,
        "sources": {p: _digest((ROOT / p).read_text(encoding="utf-8")) for p in files},
    }
    map_path.write_text(json.dumps(payload), encoding="utf-8")


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def mapped_tests(
    mutant: Mutant, coverage_map: dict[str, Any], *, whole_file: bool = False
) -> tuple[list[str], bool]:
    """The tests that run the mutated lines (fastest first); True when only import covers them
    (then every test that touches the file, as for a file changed since the map)."""
    by_line: dict[str, list[str]] = coverage_map["lines"].get(mutant.path, {})
    failed = set(coverage_map["failed"])
    chosen: set[str] = set()
    imported = False
    for number in range(mutant.line, mutant.end_line + 1):
        contexts = by_line.get(str(number), [])
        chosen.update(c for c in contexts if c)
        imported = imported or "" in contexts
    if whole_file or (not chosen and imported):
        chosen = {c for contexts in by_line.values() for c in contexts if c}
    durations = coverage_map["durations"]
    ordered = sorted(chosen - failed, key=lambda nodeid: (durations.get(nodeid, 0.0), nodeid))
    return ordered, imported and not by_line.get(str(mutant.line))


def within_budget(tests: list[str], durations: dict[str, float], budget: float) -> list[str]:
    """The fastest tests (``tests`` come fastest first) whose mapped times add up to at most
    ``budget`` seconds, and at least one. Pessimistic: a mutant only a slower test would
    kill counts as surviving; re-run survivors without a budget to be sure."""
    chosen: list[str] = []
    spent = 0.0
    for test in tests:
        spent += durations.get(test, 0.0)
        if chosen and spent > budget:
            break
        chosen.append(test)
    return chosen


# -- workers -------------------------------------------------------------------------------


_SCRATCH_IGNORE = (
    ".git",
    ".venv",
    ".mutate",
    "site",
    "__pycache__",
    ".hypothesis",
    ".mypy_cache",
    ".ruff_cache",
    ".pytest_cache",
)


def _scratch_copy() -> Path:
    """A private copy of the repository (sources, tests, docs, examples) for one worker."""
    scratch = Path(tempfile.mkdtemp(prefix="mutate-")) / "repo"
    shutil.copytree(ROOT, scratch, ignore=shutil.ignore_patterns(*_SCRATCH_IGNORE))
    return scratch


_CO_OPTIMIZED = 0x0001  # a function's code (not a module's or a class body's)


def _strip_code(code: Any) -> Any:
    return code.replace(
        co_consts=tuple(None if hasattr(c, "co_code") else c for c in code.co_consts)
    )


def patch_plan(path: str, old_text: str, new_text: str) -> list[tuple[str, int, Any, bool]] | None:
    """The functions a mutation changes, as (name, first line, new code, required), so that
    a worker that has imported everything can swap their code in place; None when the
    mutation changes code that runs at import (a module's or a class body's own code, a
    default argument), which needs a fresh import.

    A changed function nested in a changed function is listed too, not required: a closure
    made earlier (at import, such as a validator a factory returned) must get the new code,
    while one made at each call (a lambda, a generator expression) has no live function
    to swap and is made afresh from the outer function's new code."""
    old = compile(old_text, path, "exec", dont_inherit=True)
    new = compile(new_text, path, "exec", dont_inherit=True)
    changed: list[tuple[str, int, Any, bool]] = []

    def nested(code: Any) -> list[Any]:
        return [c for c in code.co_consts if hasattr(c, "co_code")]

    def walk(a: Any, b: Any, required: bool = True) -> bool:
        if a == b:
            return True
        if a.co_flags & _CO_OPTIMIZED:
            if a.co_name != b.co_name or a.co_freevars != b.co_freevars:
                return False
            changed.append((a.co_name, a.co_firstlineno, b, required))
            inner_a, inner_b = nested(a), nested(b)
            if len(inner_a) == len(inner_b):
                for x, y in zip(inner_a, inner_b, strict=True):
                    walk(x, y, required=False)
            return True
        if _strip_code(a) != _strip_code(b):
            return False  # the module's or a class body's own code changed
        inner_a, inner_b = nested(a), nested(b)
        return len(inner_a) == len(inner_b) and all(
            walk(x, y, required) for x, y in zip(inner_a, inner_b, strict=True)
        )

    if not walk(old, new):
        return None
    run_at_import = _called_at_import(old_text)
    if any(required and name in run_at_import for name, _, _, required in changed):
        return None  # a function the module calls while it is imported (a table builder)
    return changed


def _called_at_import(text: str) -> set[str]:
    """Names of the functions a module's own code (or a class body) calls by name while
    the module is imported: swapping their code afterwards would change nothing."""
    called: set[str] = set()

    def visit(node: ast.AST) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
                for inner in (*child.args.defaults, *child.args.kw_defaults):
                    if inner is not None:
                        visit(inner)
                if not isinstance(child, ast.Lambda):
                    for decorator in child.decorator_list:
                        visit(decorator)
                continue
            if isinstance(child, ast.Call) and isinstance(child.func, ast.Name):
                called.add(child.func.id)
            visit(child)

    visit(ast.parse(text))
    return called


class _Serve:
    """A pytest plugin: collect the tests once, then serve mutants read from ``jobs``, each
    in a forked child that swaps the mutated functions' code and runs the chosen tests."""

    def __init__(
        self, scratch: Path, jobs: Any, answers: Any, called: set[tuple[str, str, int]]
    ) -> None:
        self.scratch = scratch
        self.jobs = jobs
        self.answers = answers
        self.failed = False
        self.items: dict[str, Any] = {}
        self.functions: dict[tuple[str, str, int], list[Any]] = defaultdict(list)
        # The library's functions that ran while the tests were collected (at import, of
        # any module: a decorator another module applies, a table built from them):
        # swapping their code afterwards would not redo what they did then.
        self.called = called

    def pytest_collection_finish(self, session: Any) -> None:
        sys.setprofile(None)
        self.items = {item.nodeid: item for item in session.items}

    def pytest_runtest_logreport(self, report: Any) -> None:
        if report.failed:
            self.failed = True

    def _index_functions(self) -> None:
        import gc
        import types

        src = str(self.scratch / "src") + os.sep
        for obj in gc.get_objects():
            if isinstance(obj, types.FunctionType):
                code = obj.__code__
                if code.co_filename.startswith(src):
                    relative = "src/" + code.co_filename[len(src) :].replace(os.sep, "/")
                    self.functions[(relative, code.co_name, code.co_firstlineno)].append(obj)

    def pytest_runtestloop(self, session: Any) -> bool:
        self._index_functions()
        for line in self.jobs:
            job = json.loads(line)
            target = self.scratch / job["path"]
            original = target.read_bytes()
            target.write_text(job["text"], encoding="utf-8")  # for tests that start processes
            try:
                status, seconds = self._run(job, original.decode("utf-8"))
            finally:
                target.write_bytes(original)
            self.answers.write(json.dumps({"status": status, "seconds": seconds}) + "\n")
            self.answers.flush()
        return True

    def _select(self, tests: Sequence[str]) -> list[Any] | None:
        """The collected items for node ids or paths (a path: every test under it); None
        when one was not collected here."""
        chosen: dict[str, Any] = {}
        for test in tests:
            if "::" in test:
                if test not in self.items:
                    return None
                chosen[test] = self.items[test]
                continue
            prefix = test.rstrip("/")
            matching = [
                n for n in self.items if n.split("::")[0] == prefix or n.startswith(prefix + "/")
            ]
            if not matching:
                return None
            chosen.update((n, self.items[n]) for n in matching)
        return list(chosen.values())

    def _run(self, job: dict[str, Any], original: str) -> tuple[str, float]:
        began = time.monotonic()
        plan = patch_plan(job["path"], original, job["text"])
        if plan is not None and any(
            required and (job["path"], name, line) in self.called
            for name, line, _, required in plan
        ):
            plan = None  # it ran while the modules were imported: import them afresh
        targets: list[tuple[Any, Any]] = []
        for qualname, first_line, code, required in plan or ():
            found = self.functions.get((job["path"], qualname, first_line), [])
            if not found and required:
                plan = None  # e.g. a generator expression run at import
                break
            targets.extend((function, code) for function in found)
        items = self._select(job["tests"])
        if plan is None or items is None:
            return _run_fresh(self.scratch, job["tests"], job["timeout"], began, job["path"])
        pid = os.fork()
        if pid == 0:  # the child: swap the code in, run the chosen tests, exit
            code = 3
            try:
                signal.signal(signal.SIGTERM, signal.SIG_DFL)
                signal.alarm(max(1, int(job["timeout"])))
                try:
                    for function, new_code in targets:
                        function.__code__ = new_code.replace(
                            co_filename=function.__code__.co_filename
                        )
                except ValueError:  # the code does not fit the function: import it afresh
                    code = 9
                    raise
                self.failed = False
                for index, item in enumerate(items):
                    following = items[index + 1] if index + 1 < len(items) else None
                    item.ihook.pytest_runtest_protocol(item=item, nextitem=following)
                    if self.failed:
                        break
                code = 1 if self.failed else 0
            finally:
                os._exit(code)
        status, seconds = _wait(pid, began)
        if status == "error:9":
            return _run_fresh(self.scratch, job["tests"], job["timeout"], began, job["path"])
        return status, seconds


def _wait(pid: int, began: float) -> tuple[str, float]:
    _, status = os.waitpid(pid, 0)
    seconds = time.monotonic() - began
    if os.WIFSIGNALED(status):
        return ("timeout" if os.WTERMSIG(status) == signal.SIGALRM else "killed"), seconds
    code = os.WEXITSTATUS(status)
    if code == 0:
        return "survived", seconds
    if code in (1, 2):  # tests failed, or collection failed (the mutant breaks an import)
        return "killed", seconds
    return f"error:{code}", seconds


_PYTEST_ARGS = ("-q", "-s", "-p", "no:cacheprovider", "-p", "no:randomly", "--no-header")


def _run_fresh(
    scratch: Path, tests: list[str], timeout: float, began: float, path: str
) -> tuple[str, float]:
    """Run the tests in a new interpreter that imports the mutated copy (for mutations of
    import-time code). When pytest cannot even start (exit 3 or 4) because the mutated
    module no longer imports, every test of the library fails with it: killed."""
    env = dict(os.environ, PYTHONDONTWRITEBYTECODE="1")
    command = [sys.executable, str(Path(__file__).resolve()), "--pytest", "-x", *tests]
    try:
        process = subprocess.run(
            command,
            cwd=scratch,
            env=env,
            timeout=timeout,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            check=False,
        )
    except subprocess.TimeoutExpired:
        return "timeout", time.monotonic() - began
    seconds = time.monotonic() - began
    if process.returncode == 0:
        return "survived", seconds
    if process.returncode in (1, 2):
        return "killed", seconds
    if not _imports(scratch, path):
        return "killed", time.monotonic() - began
    return f"error:{process.returncode}", seconds


def _imports(scratch: Path, path: str) -> bool:
    """Whether the (mutated) file at ``path`` in ``scratch`` imports without an error."""
    module = path.removeprefix("src/").removesuffix(".py").removesuffix("/__init__")
    env = dict(os.environ, PYTHONDONTWRITEBYTECODE="1")
    env["PYTHONPATH"] = os.pathsep.join([str(scratch / "src"), env.get("PYTHONPATH", "")])
    process = subprocess.run(
        [sys.executable, "-c", f"import {module.replace('/', '.')}"],
        cwd=scratch,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        check=False,
    )
    return process.returncode == 0


def pytest_in_scratch(arguments: Sequence[str]) -> int:
    """Run pytest from the current directory (a scratch copy) with the mutate profile."""
    import pytest

    _register_profile()
    sys.dont_write_bytecode = True
    sys.path.insert(0, str(Path.cwd() / "src"))
    return int(pytest.main([*_PYTEST_ARGS, "-W", "ignore", *arguments]))


def worker_main(test_files: Sequence[str]) -> None:
    """Collect ``test_files`` once in a private copy of the repository, then serve mutants
    read from stdin (one JSON line each), answering on stdout."""
    import pytest

    jobs = os.fdopen(os.dup(0), "r", encoding="utf-8")
    answers = os.fdopen(os.dup(1), "w", encoding="utf-8")
    devnull = os.open(os.devnull, os.O_RDWR)
    for fd in (0, 1, 2):
        os.dup2(devnull, fd)
    _register_profile()
    scratch = _scratch_copy()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))  # and remove the copy
    os.chdir(scratch)
    sys.dont_write_bytecode = True
    sys.path.insert(0, str(scratch / "src"))
    os.environ["PYTHONPATH"] = os.pathsep.join(
        [str(scratch / "src"), *filter(None, [os.environ.get("PYTHONPATH")])]
    )
    called: set[tuple[str, str, int]] = set()
    src = str(scratch / "src") + os.sep

    def record(frame: Any, event: str, _arg: Any) -> None:
        if event == "call" and frame.f_code.co_filename.startswith(src):
            code = frame.f_code
            relative = "src/" + code.co_filename[len(src) :].replace(os.sep, "/")
            called.add((relative, code.co_name, code.co_firstlineno))

    sys.setprofile(record)  # until the tests are collected (_Serve.pytest_collection_finish)
    try:
        pytest.main(
            [*_PYTEST_ARGS, "-W", "ignore", "--rootdir", str(scratch), *test_files],
            plugins=[_Serve(scratch, jobs, answers, called)],
        )
    finally:
        shutil.rmtree(scratch.parent, ignore_errors=True)


class _Worker:
    def __init__(self, test_files: Sequence[str]) -> None:
        env = dict(os.environ, PYTHONDONTWRITEBYTECODE="1")
        self.process = subprocess.Popen(
            [sys.executable, __file__, "--worker", *test_files],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            cwd=ROOT,
            env=env,
        )
        self.job: tuple[Mutant, int] | None = None

    def send(self, mutant: Mutant, tests: list[str], timeout: float) -> None:
        assert self.process.stdin is not None
        self.job = (mutant, len(tests))
        payload = {
            "path": mutant.path,
            "text": mutated_text(mutant),
            "tests": tests,
            "timeout": timeout,
        }
        self.process.stdin.write(json.dumps(payload) + "\n")
        self.process.stdin.flush()

    def receive(self) -> Result:
        assert self.process.stdout is not None and self.job is not None
        answer = json.loads(self.process.stdout.readline())
        mutant, count = self.job
        self.job = None
        status = answer["status"]
        detail = ""
        if status.startswith("error"):
            status, detail = "error", status
        return Result(mutant, status, answer["seconds"], count, detail)

    def close(self) -> None:
        if self.process.stdin:
            self.process.stdin.close()
        self.process.wait(timeout=60)


def run_mutants(
    jobs: list[tuple[Mutant, list[str], float]], workers: int, progress: bool
) -> Iterator[Result]:
    """Run mutants on ``workers`` worker processes; yield results as they come."""
    import selectors

    files = sorted({test.split("::")[0] for _, tests, _ in jobs for test in tests})
    pool = [_Worker(files) for _ in range(max(1, min(workers, len(jobs))))]
    pending = list(reversed(jobs))
    selector = selectors.DefaultSelector()
    for worker in pool:
        assert worker.process.stdout is not None
        selector.register(worker.process.stdout, selectors.EVENT_READ, worker)
        if pending:
            worker.send(*pending.pop())
    busy = sum(1 for w in pool if w.job)
    done = 0
    try:
        while busy:
            for key, _ in selector.select():
                worker = key.data
                result = worker.receive()
                done += 1
                if progress:
                    mark = {"killed": ".", "survived": "S", "timeout": "T"}.get(result.status, "E")
                    print(mark, end="" if done % 80 else "\n", flush=True)
                yield result
                if pending:
                    worker.send(*pending.pop())
                else:
                    busy -= 1
    finally:
        for worker in pool:
            worker.close()
        if progress:
            print()


# -- equivalents, report -------------------------------------------------------------------


def load_equivalents() -> dict[str, str]:
    """Mutant id → why it cannot be killed (from tools/mutate_equivalent.toml)."""
    if not EQUIVALENT_FILE.exists():
        return {}
    data = tomllib.loads(EQUIVALENT_FILE.read_text(encoding="utf-8"))
    listed: dict[str, str] = {}
    for entry in data.get("equivalent", []):
        if not entry.get("reason", "").strip():
            raise SystemExit(f"{EQUIVALENT_FILE}: {entry.get('id')!r} has no reason")
        listed[entry["id"]] = entry["reason"]
    return listed


@dataclass
class ModuleScore:
    killed: int = 0
    survived: int = 0
    timeout: int = 0
    uncovered: int = 0
    error: int = 0
    equivalent: int = 0
    seconds: float = 0.0
    survivors: list[dict[str, Any]] = field(default_factory=list)

    @property
    def counted(self) -> int:
        return self.killed + self.survived + self.timeout + self.uncovered + self.error

    @property
    def score(self) -> float:
        caught = self.killed + self.timeout  # an error (the runner's, not a test's) is not
        return 100.0 * caught / self.counted if self.counted else 100.0


def stale_equivalents(mutants: Sequence[Mutant], equivalents: Mapping[str, str]) -> list[str]:
    """Listed equivalents of the files ``mutants`` come from that name none of them.

    An id is the mutated text, not a line: when the code under it is rewritten, its entry
    stops matching and the mutant comes back as a survivor, its reason outliving the code
    it was about.
    """
    made = {mutant.id for mutant in mutants}
    paths = {mutant.path for mutant in mutants}
    return sorted(
        entry for entry in equivalents if entry.split("::", 1)[0] in paths and entry not in made
    )


def summarise(results: list[Result]) -> dict[str, ModuleScore]:
    scores: dict[str, ModuleScore] = {}
    for result in sorted(results, key=lambda r: (r.mutant.path, r.mutant.line, r.mutant.id)):
        score = scores.setdefault(result.mutant.module, ModuleScore())
        setattr(score, result.status, getattr(score, result.status) + 1)
        score.seconds += result.seconds
        if result.status in ("survived", "uncovered"):
            score.survivors.append(
                {
                    "id": result.mutant.id,
                    "where": f"{result.mutant.path}:{result.mutant.line}",
                    "operator": result.mutant.operator,
                    "original": result.mutant.original,
                    "replacement": result.mutant.replacement,
                    "status": result.status,
                }
            )
    return scores


def wilson(caught: int, total: int, z: float = 1.96) -> tuple[float, float]:
    """95 % Wilson interval of a proportion, in percent (for sampled scores)."""
    if total == 0:
        return (0.0, 100.0)
    p = caught / total
    centre = (p + z * z / (2 * total)) / (1 + z * z / total)
    half = z * ((p * (1 - p) / total + z * z / (4 * total * total)) ** 0.5) / (1 + z * z / total)
    return (100 * max(0.0, centre - half), 100 * min(1.0, centre + half))


def table(scores: dict[str, ModuleScore], totals: dict[str, int]) -> str:
    """The score table; a module tested on a sample gets the score's 95 % interval."""
    rows = [
        "| module | mutants run / all | killed | timeout | survived | not covered | error "
        "| equivalent | score | 95 % interval | minutes |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---|---:|",
    ]
    total = ModuleScore()
    for name, s in scores.items():
        run = s.counted + s.equivalent
        sampled = run < totals.get(name, run)
        low, high = wilson(s.killed + s.timeout, s.counted)
        interval = f"{low:.0f}–{high:.0f} % (sample)" if sampled else "all run"
        if s.counted == 0:
            rows.append(f"| {name} | 0 / {totals.get(name, 0)} | | | | | | | not run | | |")
            continue
        rows.append(
            f"| {name} | {run} / {totals.get(name, run)} | {s.killed} | {s.timeout} | "
            f"{s.survived} | {s.uncovered} | {s.error} | {s.equivalent} | {s.score:.1f} % | "
            f"{interval} | {s.seconds / 60:.0f} |"
        )
        for attribute in (
            "killed",
            "survived",
            "timeout",
            "uncovered",
            "error",
            "equivalent",
            "seconds",
        ):
            setattr(total, attribute, getattr(total, attribute) + getattr(s, attribute))
    rows.append(
        f"| **all** | {total.counted + total.equivalent} / {sum(totals.values())} | "
        f"{total.killed} | {total.timeout} | {total.survived} | {total.uncovered} | "
        f"{total.error} | {total.equivalent} | {total.score:.1f} % | | "
        f"{total.seconds / 60:.0f} |"
    )
    return "\n".join(rows)


def update_docs(summary: str) -> None:
    text = DOCS_PAGE.read_text(encoding="utf-8")
    begin, end = "<!-- mutate:begin -->", "<!-- mutate:end -->"
    if begin not in text or end not in text:
        raise SystemExit(f"{DOCS_PAGE}: no {begin} … {end} markers")
    head, rest = text.split(begin, 1)
    _, tail = rest.split(end, 1)
    DOCS_PAGE.write_text(f"{head}{begin}\n{summary}\n{end}{tail}", encoding="utf-8")


# -- main ----------------------------------------------------------------------------------


def split_test_ids(text: str) -> list[str]:
    """The test paths or node ids of a comma-separated ``--tests`` list.

    A comma inside a node id's parameters (``test_x[a,b]``) belongs to that id: only
    commas outside square brackets separate.
    """
    ids: list[str] = []
    current: list[str] = []
    depth = 0
    for character in text:
        if character == "[":
            depth += 1
        elif character == "]":
            depth = max(depth - 1, 0)
        if character == "," and depth == 0:
            ids.append("".join(current))
            current = []
        else:
            current.append(character)
    ids.append("".join(current))
    return [test_id.strip() for test_id in ids if test_id.strip()]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--modules",
        default=",".join(MODULES),
        help="comma-separated modules (default: all: %(default)s)",
    )
    parser.add_argument("--jobs", type=int, default=2, help="worker processes (default 2)")
    parser.add_argument(
        "--timeout-factor",
        type=float,
        default=4.0,
        help="a mutant may take this many times its tests' normal time",
    )
    parser.add_argument(
        "--timeout-min", type=float, default=20.0, help="seconds every mutant is given at least"
    )
    parser.add_argument(
        "--reuse-map",
        action="store_true",
        help="reuse the coverage map if the sources are unchanged",
    )
    parser.add_argument(
        "--only-survivors",
        action="store_true",
        help="re-run only the mutants not caught last time (survived, not covered, error)",
    )
    parser.add_argument("--match", default="", help="only mutants whose id contains this")
    parser.add_argument(
        "--sample",
        type=int,
        default=0,
        help="run a random sample of this many mutants per module (seeded; the score then "
        "comes with a 95 %% interval)",
    )
    parser.add_argument("--seed", type=int, default=19, help="seed of --sample")
    parser.add_argument(
        "--budget",
        type=float,
        default=0.0,
        help="run only the fastest chosen tests whose mapped times add up to this many "
        "seconds (pessimistic: re-run the survivors without it)",
    )
    parser.add_argument(
        "--resume", action="store_true", help="skip mutants that already have a result"
    )
    parser.add_argument(
        "--quick",
        action="store_true",
        help="run each module's own test modules (QUICK_TESTS) instead of building the "
        "coverage map: faster, and a little pessimistic",
    )
    parser.add_argument(
        "--tests",
        default="",
        help="comma-separated test paths or node ids to run against every mutant, instead of "
        "the tests the coverage map chooses (quick re-runs of survivors after new tests)",
    )
    parser.add_argument(
        "--extra-tests",
        default="",
        help="comma-separated node ids run first against every mutant, besides the tests the "
        "coverage map chooses (tests written since the map was built)",
    )
    parser.add_argument("--list", action="store_true", help="list the mutants and stop")
    parser.add_argument(
        "--update-docs", action="store_true", help="write the score table into docs/testing.md"
    )
    parser.add_argument("--quiet", action="store_true", help="no progress dots")
    parser.add_argument("--build-map", action="store_true", help=argparse.SUPPRESS)
    arguments = list(sys.argv[1:] if argv is None else argv)
    if arguments[:1] == ["--worker"]:
        worker_main(arguments[1:])
        return 0
    if arguments[:1] == ["--pytest"]:
        return pytest_in_scratch(arguments[1:])
    args = parser.parse_args(arguments)
    names = [n.strip() for n in args.modules.split(",") if n.strip()]
    unknown = [n for n in names if n not in MODULES]
    if unknown:
        parser.error(f"unknown modules {unknown}; known: {', '.join(MODULES)}")
    files_by_module = module_files(names)
    all_files = sorted({f for module in MODULES for f in module_files([module])[module]})
    OUT.mkdir(exist_ok=True)
    map_path = OUT / "map.json"
    if args.build_map:
        build_map(all_files, map_path)
        return 0

    began = time.monotonic()
    mutants = collect_all(files_by_module)
    for stale_id in stale_equivalents(mutants, load_equivalents()):
        print(
            f"warning: listed as equivalent but no mutant has this id (code changed?): {stale_id}"
        )
    if args.match:
        mutants = [m for m in mutants if args.match in m.id]
    if args.sample:
        picker = random.Random(args.seed)
        by_module: dict[str, list[Mutant]] = defaultdict(list)
        for mutant in mutants:
            by_module[mutant.module].append(mutant)
        mutants = [
            m
            for group in by_module.values()
            for m in (picker.sample(group, args.sample) if len(group) > args.sample else group)
        ]
    if args.resume:
        done = _load_results()
        mutants = [m for m in mutants if m.id not in done]
    if args.only_survivors:
        store = OUT / "results.json"
        last = json.loads(store.read_text(encoding="utf-8")) if store.exists() else {}
        mutants = [
            m
            for m in mutants
            if last.get(m.id, {}).get("status") in ("survived", "uncovered", "error")
        ]
    if args.list:
        for mutant in mutants:
            print(mutant.describe())
        print(f"{len(mutants)} mutants")
        return 0

    fresh = False
    chosen_tests = split_test_ids(args.tests)
    extra_tests = split_test_ids(args.extra_tests)
    if chosen_tests or args.quick:
        fresh = True
    elif args.reuse_map and map_path.exists():
        fresh = True  # files changed since: their mutants get every test that ran them
    if not fresh:
        print(
            "building the coverage map (the whole suite once, one context per test) ...", flush=True
        )
        env = dict(os.environ, PYTHONDONTWRITEBYTECODE="1")
        subprocess.run(
            [sys.executable, __file__, "--build-map"],
            cwd=ROOT,
            env=env,
            check=True,
            stdout=subprocess.DEVNULL,
        )
    coverage_map: dict[str, Any] = (
        {"failed": [], "durations": {}, "lines": {}}
        if chosen_tests or args.quick
        else json.loads(map_path.read_text(encoding="utf-8"))
    )
    if coverage_map["failed"]:
        print(
            f"warning: {len(coverage_map['failed'])} tests fail without any mutant; "
            f"left out: {coverage_map['failed'][:5]}"
        )
    mapped = time.monotonic()

    stale = {
        path
        for path, digest in coverage_map.get("sources", {}).items()
        if not (ROOT / path).exists() or _digest((ROOT / path).read_text("utf-8")) != digest
    }
    if stale:
        print(f"changed since the coverage map (every test that ran them): {sorted(stale)}")
    equivalents = load_equivalents()
    results: list[Result] = []
    jobs: list[tuple[Mutant, list[str], float]] = []
    durations = coverage_map["durations"]
    for mutant in mutants:
        if mutant.id in equivalents:
            results.append(Result(mutant, "equivalent", detail=equivalents[mutant.id]))
            continue
        if chosen_tests:
            tests = chosen_tests
        elif args.quick:
            tests = list(QUICK_TESTS[mutant.module])
        else:
            tests = mapped_tests(mutant, coverage_map, whole_file=mutant.path in stale)[0]
            if args.budget:
                tests = within_budget(tests, coverage_map["durations"], args.budget)
            tests = [*extra_tests, *(t for t in tests if t not in extra_tests)]
        if not tests:
            results.append(Result(mutant, "uncovered"))
            continue
        normal = sum(durations.get(t, 0.0) for t in tests)
        if chosen_tests or args.quick:  # no measured time to go by: be generous
            normal = max(normal, 45.0)
        jobs.append((mutant, tests, args.timeout_min + args.timeout_factor * normal))
    print(
        f"{len(mutants)} mutants ({len(jobs)} to run, {len(results)} settled) "
        f"on {args.jobs} workers",
        flush=True,
    )
    with (OUT / "progress.jsonl").open("a", encoding="utf-8") as progress:
        for result in run_mutants(jobs, args.jobs, progress=not args.quiet) if jobs else ():
            results.append(result)
            m = result.mutant
            progress.write(
                json.dumps(
                    {
                        "id": m.id,
                        "where": f"{m.path}:{m.line}",
                        "status": result.status,
                        "seconds": round(result.seconds, 2),
                    }
                )
                + "\n"
            )
            progress.flush()
            if len(results) % 10 == 0:
                _save_results(results)
    _save_results(results)
    elapsed = time.monotonic() - began

    for result in results:
        if result.status in ("survived", "uncovered", "error"):
            m = result.mutant
            print(
                f"{result.status.upper():9} {m.path}:{m.line}: [{m.operator}] "
                f"{_short(m.original)!r} → {_short(m.replacement)!r}"
            )
    # merged with earlier runs: the table covers every current mutant of the chosen modules
    known = _load_results()
    current = collect_all(files_by_module)
    equivalents_now = load_equivalents()
    merged: list[Result] = []
    not_run: Counter[str] = Counter()
    for mutant in current:
        if mutant.id in equivalents_now:
            merged.append(Result(mutant, "equivalent", detail=equivalents_now[mutant.id]))
        elif mutant.id in known and known[mutant.id]["status"] != "equivalent":
            entry = known[mutant.id]
            merged.append(Result(mutant, entry["status"], entry["seconds"], entry["tests"]))
        else:
            not_run[mutant.module] += 1
    scores = summarise(merged)
    scores = {name: scores.get(name, ModuleScore()) for name in names}
    totals = Counter(m.module for m in current)
    rendered = table(scores, {name: totals[name] for name in names})
    print()
    print(rendered)
    if not_run:
        print(f"not run yet: {dict(not_run)}")
    print(
        f"\n{len(results)} mutants in {elapsed / 60:.1f} min "
        f"(coverage map {(mapped - began) / 60:.1f} min, {args.jobs} workers)"
    )
    summary = {
        "seconds": round(elapsed, 1),
        "map_seconds": round(mapped - began, 1),
        "workers": args.jobs,
        "mutants_run": len(results),
        "modules": {name: {**asdict(s), "score": round(s.score, 1)} for name, s in scores.items()},
    }
    (OUT / "summary.json").write_text(json.dumps(summary, indent=1), encoding="utf-8")
    if args.update_docs:
        stamp = time.strftime("%Y-%m-%d", time.gmtime())
        update_docs(f"Scores of the results recorded up to {stamp}:\n\n{rendered}")
    return 0


def _load_results() -> dict[str, dict[str, Any]]:
    store = OUT / "results.json"
    return json.loads(store.read_text(encoding="utf-8")) if store.exists() else {}


def _save_results(results: Sequence[Result]) -> None:
    """Merge this run's results into .mutate/results.json (as they come: a stopped run
    keeps what it found; ``--resume`` goes on from there)."""
    known = _load_results()
    for result in results:
        known[result.mutant.id] = {
            "status": result.status,
            "seconds": round(result.seconds, 2),
            "tests": result.tests,
        }
    temporary = OUT / "results.json.tmp"
    temporary.write_text(json.dumps(known, indent=0, sort_keys=True), encoding="utf-8")
    temporary.replace(OUT / "results.json")


def _short(text: str, limit: int = 90) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


if __name__ == "__main__":
    raise SystemExit(main())
