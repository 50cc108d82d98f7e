"""Where test code lives: tests/unit (pure rules), tests/e2e (the app over HTTP, processes, a
database, a browser), and what they share in tests/support or a conftest.py. No test module
imports another (nor a conftest.py), and bench/ and scripts/ import nothing of tests/ at all."""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.paths import REPO_ROOT

TESTS = REPO_ROOT / "tests"
# What pytest collects, never a helper to import: a test module or a conftest.py.
TEST_MODULE = re.compile(r"tests(\.unit|\.e2e)?\.(test_\w+|conftest)")


def imported_modules(source: str) -> Iterator[str]:
    """Every module `source` imports, at any depth (function-level imports too): for
    `from a import b`, both a and a.b; a relative import as written (".test_x")."""
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            module = "." * node.level + (node.module or "")
            yield module
            yield from (f"{module.rstrip('.')}.{alias.name}" for alias in node.names)


def reached_test_modules(source: str) -> list[str]:
    return sorted(
        {
            name
            for name in imported_modules(source)
            if TEST_MODULE.fullmatch(name) or re.fullmatch(r"\.+(test_\w+|conftest)", name)
        }
    )


def sources(*folders: str) -> list[Path]:
    return sorted(path for folder in folders for path in (REPO_ROOT / folder).rglob("*.py"))


def shown(path: Path) -> str:
    return str(path.relative_to(REPO_ROOT))


@pytest.mark.parametrize(
    ("source", "reached"),
    [
        ("from tests.test_cli import cli_env", ["tests.test_cli"]),
        ("from tests.e2e.test_cli import cli_env", ["tests.e2e.test_cli"]),
        ("from tests.e2e import test_cli", ["tests.e2e.test_cli"]),
        ("import tests.unit.test_blocks", ["tests.unit.test_blocks"]),
        ("from tests.conftest import bank", ["tests.conftest"]),
        ("from tests.e2e.conftest import harness", ["tests.e2e.conftest"]),
        ("def helper():\n    from tests.test_nudges import subscribe", ["tests.test_nudges"]),
        ("from .test_cli import cli_env", [".test_cli"]),
        ("from tests.support.cli import cli_env", []),
        ("from tests.support import blocks", []),
    ],
)
def test_what_counts_as_importing_a_test_module(source: str, reached: list[str]) -> None:
    assert reached_test_modules(source) == reached


@pytest.mark.parametrize("path", sources("tests"), ids=shown)
def test_no_test_module_imports_another(path: Path) -> None:
    reached = reached_test_modules(path.read_text())

    assert not reached, (
        f"{shown(path)} imports {reached}: move what it needs into tests/support/ (helpers) "
        "or a conftest.py (fixtures)"
    )


@pytest.mark.parametrize("path", sources("bench", "scripts"), ids=shown)
def test_bench_and_scripts_import_nothing_of_the_tests(path: Path) -> None:
    reached = sorted(
        {
            name
            for name in imported_modules(path.read_text())
            if name == "tests" or name.startswith("tests.")
        }
    )

    assert not reached, (
        f"{shown(path)} imports {reached}: what it shares with the tests belongs in bot/ "
        "(bot/playground/ for Slack's side), what it alone needs beside it"
    )
