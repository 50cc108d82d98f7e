"""Imports run downwards only (ARCHITECTURE.md): each module imports its own layer or lower,
listeners touch no SQL, builders read no store rows, and no two modules import each other,
however indirectly."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.paths import REPO_ROOT

# Lowest first. A module's layer is the folder it sits in under bot/ (ARCHITECTURE.md).
LAYERS: list[tuple[str, tuple[str, ...]]] = [
    ("vocabulary", ("vocabulary",)),
    ("domain", ("domain",)),
    ("store", ("store",)),
    ("services", ("services",)),
    ("builders", ("blocks",)),
    ("listeners", ("listeners", "senders")),
    ("app", ("app",)),
    # Above the bot, which never knows it is in one: only the command line starts it.
    ("playground", ("playground",)),
    ("entry", ("cli", "__main__")),
]
PACKAGE = REPO_ROOT / "bot"


def module_name(path: Path) -> str:
    parts = path.relative_to(REPO_ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def modules() -> dict[str, Path]:
    return {
        module_name(path): path
        for path in sorted(PACKAGE.rglob("*.py"))
        if "migrations" not in path.parts and path != PACKAGE / "__init__.py"
    }


def layer_of(module: str) -> int:
    folder = module.split(".")[1]
    for number, (_, folders) in enumerate(LAYERS):
        if folder in folders:
            return number
    raise AssertionError(f"{module} sits in no layer's folder: move it into one (ARCHITECTURE.md)")


def imports_of(path: Path) -> Iterator[str]:
    """Every module `path` imports, at any depth of the file (function-level imports too)."""
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            yield node.module
            # `from bot.blocks import ids` imports the module bot.blocks.ids.
            yield from (f"{node.module}.{alias.name}" for alias in node.names)


def bot_imports(path: Path, known: set[str]) -> set[str]:
    # The package itself (`from bot import heartbeat`) holds nothing; its modules count.
    return {name for name in imports_of(path) if name in known and name != "bot"}


ALL = modules()


def test_only_the_entry_points_sit_at_the_root_of_bot() -> None:
    loose = {module for module in ALL if module.count(".") == 1 and module not in ENTRY}

    assert not loose, f"move {sorted(loose)} into the folder of their layer"


ENTRY = {"bot.cli", "bot.__main__"} | {
    f"bot.{folder}" for _, folders in LAYERS for folder in folders
}


@pytest.mark.parametrize("module", sorted(ALL))
def test_a_module_imports_only_its_own_layer_or_lower(module: str) -> None:
    own = layer_of(module)
    higher = {
        name: LAYERS[layer_of(name)][0]
        for name in bot_imports(ALL[module], set(ALL))
        if layer_of(name) > own and not module.startswith(name + ".")
    }

    assert not higher, f"{module} ({LAYERS[own][0]}) imports from above: {higher}"


# The store's other door: the Web API, which listeners may call after the ack.
SLACK_CLIENT = "bot.store.slack_client"


@pytest.mark.parametrize("module", sorted(m for m in ALL if m.startswith("bot.listeners")))
def test_listeners_only_translate_they_hold_no_sql(module: str) -> None:
    sql = {
        name
        for name in imports_of(ALL[module])
        if name.split(".")[0] == "sqlalchemy"
        or (name.startswith("bot.store") and not name.startswith(SLACK_CLIENT))
    }

    assert not sql, f"{module} imports {sorted(sql)}: move that work into a use case"


@pytest.mark.parametrize("module", sorted(m for m in ALL if m.startswith("bot.blocks")))
def test_builders_render_plain_results_not_rows(module: str) -> None:
    store = {name for name in imports_of(ALL[module]) if name.split(".")[:2] == ["bot", "store"]}

    assert not store, f"{module} imports {sorted(store)}: have the use case return plain values"


# What a use case does for a listener: open the transaction, find the caller's leader row.
USE_CASE_WORK = {
    "transaction",
    "connection",
    "statements",
    "driver_connection",
    "find_leader_id",
    "leader_id_for",
}


@pytest.mark.parametrize("module", sorted(m for m in ALL if m.startswith("bot.listeners")))
def test_listeners_open_no_transaction_and_look_up_no_leader(module: str) -> None:
    tree = ast.parse(ALL[module].read_text())
    called = {
        node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
    }

    assert not called & USE_CASE_WORK, f"{module} calls {sorted(called & USE_CASE_WORK)}"


def test_no_two_modules_import_each_other() -> None:
    graph = {
        module: {
            name
            for name in bot_imports(path, set(ALL))
            if name != module and not module.startswith(name + ".")
        }
        for module, path in ALL.items()
    }
    cycles = [cycle for cycle in strongly_connected(graph) if len(cycle) > 1]

    assert not cycles, f"import cycles: {cycles}"


def strongly_connected(graph: dict[str, set[str]]) -> list[list[str]]:
    """Tarjan's strongly connected components."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in graph.get(node, ()):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found
