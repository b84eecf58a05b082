"""Keep the floor plan: every module imports on its own, imports point one way, rooms stay small.

docs/layout.md describes the plan. The checks read the code (its ``ast``) rather than
run it, except the first, which imports every module of graph/ and server/ from a
clean slate.
"""

from __future__ import annotations

import ast
import json
import subprocess
import sys
import textwrap
from collections.abc import Iterable
from pathlib import Path

import networkx as nx
import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("graph", "server")
MAX_MODULE_LINES = 500
MAX_FUNCTION_LINES = 80
# Generated tables may run long; none do today. Each entry names a module (or a
# "module:function") and says in a comment which generator writes it.
LONG_ON_PURPOSE: set[str] = set()
# The command that starts the web server is the one place graph/ reaches into server/.
SERVER_FROM_GRAPH = {"graph.cli.serve"}
# graph/ from the bottom up, as docs/layout.md walks it: a module imports only from its
# own layer and those before it. Each layer lists module-name prefixes.
LAYERS = (
    ("graph.namespaces", "graph.paths", "graph"),
    ("graph.sparql",),
    ("graph.queries",),
    ("graph.licences",),
    ("graph.scoring",),
    ("graph.staleness",),
    ("graph.store",),
    ("graph.rdf_input", "graph.batch_limits"),
    ("graph.loading",),
    ("graph.validation",),
    ("graph.records", "graph.stored_scores", "graph.labels", "graph.framework_descriptions"),
    ("graph.derive",),
    ("graph.evidence",),
    ("graph.ingest",),
    ("graph.importers",),
    ("graph.views",),
    ("graph.analytics", "graph.data_errors", "graph.quality", "graph.stats", "graph.export"),
    ("graph.endpoint",),
    ("graph.cli",),
    ("server",),
)
# What each area may not import, by module-name prefix.
FORBIDDEN = {
    "graph.store": (
        "graph.scoring",
        "graph.views",
        "graph.derive",
        "graph.evidence",
        "graph.cli",
        "graph.endpoint",
        "server",
    ),
    "graph.scoring": ("graph.store", "pyoxigraph"),
    "graph.sparql": ("graph.store", "graph.endpoint", "server"),
}


def module_name(path: Path, root: Path = ROOT) -> str:
    """Return the dotted name of a module file under ``root``."""
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def modules() -> dict[str, Path]:
    """Return every module of graph/ and server/ by dotted name (``__main__`` excepted)."""
    found = {}
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            if path.name != "__main__.py":
                found[module_name(path)] = path
    return found


def _type_checking_only(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def imported_names(source: str, name: str, is_package: bool) -> set[str]:
    """Return the dotted names a module imports, at any depth, inside functions too.

    Imports under ``if TYPE_CHECKING:`` never run and are left out. ``from a import b``
    yields ``a.b`` (which :func:`resolve` shortens to ``a`` when ``b`` is not a module).
    """
    package = name if is_package else name.rpartition(".")[0]
    skipped: set[int] = set()
    tree = ast.parse(source)
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and _type_checking_only(node):
            skipped.update(id(n) for child in node.body for n in ast.walk(child))
    found = set()
    for node in ast.walk(tree):
        if id(node) in skipped:
            continue
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                parts = package.split(".")
                base = ".".join(parts[: len(parts) - node.level + 1])
                origin = f"{base}.{node.module}" if node.module else base
            else:
                origin = node.module or ""
            found.update(f"{origin}.{alias.name}" for alias in node.names)
    return found


def resolve(target: str, known: Iterable[str]) -> str | None:
    """Return the longest known module that ``target`` names or lies inside, if any."""
    known = set(known)
    while target and target not in known:
        target = target.rpartition(".")[0]
    return target or None


def import_graph(found: dict[str, Path]) -> nx.DiGraph:
    """Return the graph of which module imports which, among ``found``.

    Importing ``a.b.c`` runs ``a/__init__`` and ``a/b/__init__`` first, so an import
    also points at the packages around its target, except those around the importer
    itself (which are already running).
    """
    graph = nx.DiGraph()
    for name, path in found.items():
        graph.add_node(name)
        is_package = path.name == "__init__.py"
        own = {name.rsplit(".", k)[0] for k in range(name.count(".") + 1)}
        for target in imported_names(path.read_text(encoding="utf-8"), name, is_package):
            hit = resolve(target, found)
            while hit and hit not in own:
                graph.add_edge(name, hit)
                hit = resolve(hit.rpartition(".")[0], found)
    return graph


def external_imports(path: Path, name: str) -> set[str]:
    """Return every dotted name ``path`` imports, resolved or not."""
    return imported_names(path.read_text(encoding="utf-8"), name, path.name == "__init__.py")


# ---------------------------------------------------------------- every module imports alone

IMPORT_EACH = """
import importlib, json, sys
names = json.loads(sys.argv[1])
ours = {"graph", "server"}
failed = {}
for name in names:
    # Forget every module of ours, so each import starts as in a fresh interpreter;
    # third-party modules stay (some extension modules load once per process).
    for loaded in [m for m in sys.modules if m.split(".")[0] in ours]:
        del sys.modules[loaded]
    try:
        importlib.import_module(name)
    except Exception as exc:
        failed[name] = f"{type(exc).__name__}: {exc}"
print(json.dumps(failed))
"""


def test_every_module_imports_on_its_own() -> None:
    names = sorted(modules())
    assert "graph.cli.store" in names and "server.protocol.sparql" in names
    done = subprocess.run(
        [sys.executable, "-c", IMPORT_EACH, json.dumps(names)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == {}


def test_an_import_that_needs_another_first_fails_alone(tmp_path) -> None:
    package = tmp_path / "graph"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "first.py").write_text("import sys\nsys.modules['graph'].ready = True\n")
    (package / "second.py").write_text("import graph\nassert graph.ready\n")
    done = subprocess.run(
        [sys.executable, "-c", IMPORT_EACH, json.dumps(["graph.first", "graph.second"])],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert json.loads(done.stdout).keys() == {"graph.second"}


# ---------------------------------------------------------------- imports point one way


def test_the_store_scoring_and_sparql_import_nothing_above_them() -> None:
    offences = []
    for name, path in modules().items():
        for area, banned in FORBIDDEN.items():
            if name == area or name.startswith(area + "."):
                offences += [
                    f"{name} imports {target}"
                    for target in sorted(external_imports(path, name))
                    if any(target == b or target.startswith(b + ".") for b in banned)
                ]
    assert offences == []


def test_nothing_in_graph_imports_server() -> None:
    offences = [
        f"{name} imports {target}"
        for name, path in modules().items()
        if name.startswith("graph") and name not in SERVER_FROM_GRAPH
        for target in sorted(external_imports(path, name))
        if target == "server" or target.startswith("server.")
    ]
    assert offences == []


def test_no_module_imports_another_that_imports_it_back() -> None:
    graph = import_graph(modules())
    assert graph.number_of_edges() > graph.number_of_nodes()
    cycles = [" -> ".join([*c, c[0]]) for c in nx.simple_cycles(graph)]
    assert cycles == [], "import circles:\n" + "\n".join(cycles[:20])


def layer_of(name: str) -> int:
    """Return the index in LAYERS of the longest prefix that names ``name``."""
    best = max(
        (
            (len(prefix), index)
            for index, layer in enumerate(LAYERS)
            for prefix in layer
            if name == prefix or name.startswith(prefix + ".")
        ),
        default=None,
    )
    assert best is not None, f"{name} is in no layer of LAYERS (and of docs/layout.md)"
    return best[1]


def test_graph_imports_only_from_its_own_layer_and_those_below() -> None:
    upward = [
        f"{importer} imports {imported}"
        for importer, imported in import_graph(modules()).edges
        if layer_of(imported) > layer_of(importer) and importer not in SERVER_FROM_GRAPH
    ]
    assert upward == []


def test_the_layers_read_as_docs_layout_walks_them() -> None:
    text = (ROOT / "docs" / "layout.md").read_text(encoding="utf-8")
    rows = text[text.index("## graph/") : text.index("## server/")]
    firsts = [row.split("`")[1] for row in rows.splitlines() if row.startswith("| `")]
    named = ["graph." + first.removesuffix(".py").removesuffix("/") for first in firsts]
    assert [layer_of(name) for name in named] == sorted(layer_of(name) for name in named)
    assert len(named) == len(LAYERS) - 1  # server/ has its own section


def _graph_of(sources: dict[str, str], tmp_path: Path) -> nx.DiGraph:
    for name, text in sources.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text))
    return import_graph({module_name(p, tmp_path): p for p in tmp_path.rglob("*.py")})


@pytest.mark.parametrize(
    ("sources", "circle"),
    [
        # at the top of both modules
        ({"graph/a.py": "from graph import b", "graph/b.py": "import graph.a"}, True),
        # hidden inside a function
        (
            {
                "graph/a.py": "def f():\n    from graph.b import x",
                "graph/b.py": "from graph.a import y",
            },
            True,
        ),
        # through the package __init__ that a submodule import runs first
        (
            {
                "graph/p/__init__.py": "from graph.p.c import z",
                "graph/p/c.py": "",
                "graph/a.py": "from graph.p.c import z",
                "graph/p/d.py": "from graph.a import q",
                "graph/p/e.py": "",
            },
            False,
        ),
        (
            {
                "graph/p/__init__.py": "from graph.a import q",
                "graph/p/c.py": "",
                "graph/a.py": "from graph.p.c import z",
            },
            True,
        ),
        # a relative import, resolved against the package
        (
            {
                "graph/p/__init__.py": "",
                "graph/p/a.py": "from . import b",
                "graph/p/b.py": "from .a import x",
            },
            True,
        ),
        # under TYPE_CHECKING: never runs, no circle
        (
            {
                "graph/a.py": "from graph import b",
                "graph/b.py": "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from graph.a import A",
            },
            False,
        ),
    ],
)
def test_the_import_graph_sees_circles_where_python_would(sources, circle, tmp_path) -> None:
    graph = _graph_of(sources, tmp_path)
    assert (not nx.is_directed_acyclic_graph(graph)) is circle


# ---------------------------------------------------------------- rooms stay small


def long_parts(path: Path, name: str) -> list[str]:
    """Return a line for the module when it is too long, and for each function that is."""
    text = path.read_text(encoding="utf-8")
    found = []
    lines = len(text.splitlines())
    if lines > MAX_MODULE_LINES and name not in LONG_ON_PURPOSE:
        found.append(f"{name}: {lines} lines")
    for node in ast.walk(ast.parse(text)):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            length = node.end_lineno - node.lineno + 1
            if length > MAX_FUNCTION_LINES and f"{name}:{node.name}" not in LONG_ON_PURPOSE:
                found.append(f"{name}:{node.name}: {length} lines")
    return found


def test_no_module_or_function_is_past_the_split_point() -> None:
    found = [line for name, path in modules().items() for line in long_parts(path, name)]
    assert found == [], "split these:\n" + "\n".join(found)


def test_the_size_check_counts_functions_and_modules(tmp_path) -> None:
    long_function = "def f():\n" + "    x = 1\n" * MAX_FUNCTION_LINES
    path = tmp_path / "long.py"
    path.write_text(long_function + "\n" * MAX_MODULE_LINES)
    assert long_parts(path, "long") == [
        f"long: {MAX_FUNCTION_LINES + 1 + MAX_MODULE_LINES} lines",
        f"long:f: {MAX_FUNCTION_LINES + 1} lines",
    ]


# ---------------------------------------------------------------- one base template


def test_every_page_extends_the_one_base_template() -> None:
    templates = ROOT / "server" / "templates"
    pages = [p for p in templates.rglob("*.html") if not p.name.startswith("_")]
    documents = [p.relative_to(templates) for p in pages if "<html" in p.read_text()]
    assert documents == [Path("base.html")]
    others = [p for p in pages if p.name != "base.html" or p.parent != templates]
    assert others
    bases = {p.read_text().splitlines()[0] for p in others}
    assert bases == {'{% extends "base.html" %}'}
