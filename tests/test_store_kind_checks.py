"""Only graph/store/ tells the store kinds apart: no module outside it checks which it has."""

from __future__ import annotations

import ast
from pathlib import Path

import pyoxigraph as ox
import pytest

from graph.store.server import SparqlStore

ROOT = Path(__file__).resolve().parent.parent
STORE_PACKAGE = ROOT / "graph" / "store"
# The names a kind check would test for: the store classes, and what one kind has and the
# other lacks (a write method, a protocol setting).
KIND_NAMES = {"SparqlStore", "Store"}
KIND_ATTRIBUTES = {
    name for name in set(dir(SparqlStore)) ^ set(dir(ox.Store)) if not name.startswith("__")
} | {"replace_graph", "edit_graphs", "takes_using_parameters", "drop_stale_staging"}


def names_in(node: ast.AST) -> set[str]:
    """Return the names and attribute names an expression mentions."""
    found = set()
    for part in ast.walk(node):
        if isinstance(part, ast.Name):
            found.add(part.id)
        elif isinstance(part, ast.Attribute):
            found.add(part.attr)
    return found


def kind_checks(source: str) -> list[tuple[int, str]]:
    """Return (line, text) of each isinstance/issubclass/hasattr/getattr on a store kind."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)):
            continue
        name, args = node.func.id, node.args
        if name in ("isinstance", "issubclass") and len(args) == 2:
            hit = names_in(args[1]) & KIND_NAMES
        elif name in ("hasattr", "getattr") and len(args) >= 2:
            what = args[1].value if isinstance(args[1], ast.Constant) else None
            on_store = any("store" in n.lower() for n in names_in(args[0]))
            hit = what in KIND_ATTRIBUTES or (on_store and isinstance(what, str))
        else:
            continue
        if hit:
            found.append((node.lineno, ast.unparse(node)))
    return found


def modules() -> list[Path]:
    files = [*(ROOT / "graph").rglob("*.py"), *(ROOT / "server").rglob("*.py")]
    return sorted(f for f in files if STORE_PACKAGE not in f.parents)


def test_the_scan_covers_graph_and_server() -> None:
    found = modules()
    assert ROOT / "graph" / "loading.py" in found and ROOT / "server" / "sparql.py" in found
    assert not any(STORE_PACKAGE in f.parents for f in found)


def test_no_module_outside_graph_store_checks_the_store_kind() -> None:
    offences = [
        f"{path.relative_to(ROOT)}:{line}: {text}"
        for path in modules()
        for line, text in kind_checks(path.read_text(encoding="utf-8"))
    ]
    assert offences == [], "ask graph.store instead:\n" + "\n".join(offences)


@pytest.mark.parametrize(
    "source",
    [
        "isinstance(store, SparqlStore)",
        "isinstance(location, ox.Store | SparqlStore)",
        "isinstance(s, (ox.Store, int))",
        "hasattr(store, 'replace_graph')",
        "getattr(store, 'takes_using_parameters', False)",
        "getattr(ctx.store, 'anything', None)",
        "hasattr(thing, 'post_triples')",
    ],
)
def test_the_scan_finds_each_form_of_check(source: str) -> None:
    assert kind_checks(source), source


@pytest.mark.parametrize(
    "source",
    [
        "isinstance(term, ox.NamedNode)",
        "isinstance(error, StoreUnavailable)",
        "getattr(term, 'language', None)",
        "getattr(ctx.runner, 'start', None)",
        "is_external(store)",
    ],
)
def test_the_scan_lets_other_checks_be(source: str) -> None:
    assert kind_checks(source) == [], source
