"""Write to the embedded Oxigraph store: each write one SPARQL Update, big files bulk-loaded.

The implementation of :mod:`graph.store.writes` for a ``pyoxigraph.Store``; that module
states the guarantees. One update is one transaction. A big source (a file of at least
:data:`THRESHOLD` bytes, a restored dump: a :class:`graph.store.writes.Streamed`) would
hold the whole of itself in one transaction, 1.7 GB per million triples; it is written
instead by Oxigraph's bulk loader, which writes sorted files outside any transaction in
bounded memory, under a marker (docs/benchmarks.md):

1. one update removes the catalogue entries of the graphs it replaces, marks the derived
   data stale after them, and records each graph as being written
   (``<catalog> og:beingWritten <graph>``, ``og:DefaultGraph`` for the default graph);
2. the old content of the graphs is deleted in chunks (:func:`clear`), then
   ``Store.bulk_load`` writes the file (``Store.bulk_extend`` the quads where the source
   is no file);
3. one update removes the markers and adds the new catalogue entry.

A graph still marked was written by a process that died: :func:`clean_up` (run by
:func:`graph.store.open_store` and ``openness load``) drops it and its marker, so the
store holds nothing of that file, and the next load writes it again.

Derived data is edited by its exact triples (``DELETE DATA``), which the embedded store
keeps in the form they were written.

Copying a staged graph into place (``MOVE``, or ``INSERT ... WHERE``) would make the
switch atomic but costs more than the whole load (see docs/benchmarks.md).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from functools import partial

import pyoxigraph as ox

from graph.namespaces import OG
from graph.sparql.lexer import add_using
from graph.staleness import CATALOG
from graph.store.server_text import insert

# Quads a graph being written is cleared by per update (see clear).
CHUNK = 20_000
BEING_WRITTEN = str(OG.beingWritten)
DEFAULT_MARK = str(OG.DefaultGraph)  # stands for the default graph in a marker

# Files at least this big are bulk-loaded; the bundled data files are smaller.
THRESHOLD = 8 * 2**20


def replace_graph(
    store: ox.Store,
    graph: str | None,
    lines: Iterable[str],
    records: str = "",
    forget: tuple[str, ...] = (),
    then: str = "",
) -> None:
    """Replace ``graph`` (None: the default graph) with N-Triples ``lines``, remove the
    ``forget`` statements and insert ``records``, then run ``then``: one update."""
    body = "\n".join(lines)
    if graph is None:
        block = f"{body}\n{records}"
    else:
        block = f"GRAPH <{graph}> {{\n{body}\n}} {records}"
    operations = [_drop(graph), *_forgetting(forget), insert(block)]
    if then.strip():
        operations.append(then)
    store.update(" ;\n".join(operations))


def bulk_replace(
    store: ox.Store,
    graphs: Iterable[str | None],
    write: Callable[[ox.Store], None],
    forget: tuple[str, ...] = (),
    marks: str = "",
    records: str = "",
) -> None:
    """Replace ``graphs`` (None: the default graph) with what ``write`` bulk-loads, under
    the markers the module describes: remove the ``forget`` statements and run ``marks``
    with the markers; clear the graphs (:func:`clear`); then ``write(store)``; then remove
    the markers and insert ``records`` (``GRAPH`` blocks without blank nodes) in one
    update. If clearing or writing fails, the marked graphs are dropped before the error
    goes on."""
    names = sorted({DEFAULT_MARK if g is None else g for g in graphs})
    marked = "\n".join(f"<{CATALOG}> <{BEING_WRITTEN}> <{g}> ." for g in names)
    # The catalogue, small, goes at once (it holds the markers); the others after, in chunks.
    drops = [_drop(CATALOG)] if CATALOG in names else []
    marking = f"INSERT DATA {{ GRAPH <{CATALOG}> {{\n{marked}\n}} }}"
    store.update(" ;\n".join(op for op in (*drops, *_forgetting(forget), marks, marking) if op))
    try:
        for graph in names:
            if graph != CATALOG:
                clear(store, graph)
        write(store)
    except BaseException:
        clean_up(store)  # what was written of the file goes: nothing stays half-written
        raise
    unmark = f"DELETE DATA {{ GRAPH <{CATALOG}> {{\n{marked}\n}} }}"
    store.update(" ;\n".join(op for op in (unmark, records and insert(records)) if op))


def being_written(store: ox.Store) -> list[str]:
    """Return the graphs marked as being written (``og:DefaultGraph``: the default graph)."""
    query = f"SELECT ?g WHERE {{ GRAPH <{CATALOG}> {{ <{CATALOG}> <{BEING_WRITTEN}> ?g }} }}"
    return sorted(row["g"].value for row in store.query(query))


# A write that only adds at least this many lines, into graphs that are empty (the first
# derive of a store: 208,197 derived triples for the bundled data), is bulk-loaded under
# markers like a big file: 1.0 s of CPU where one update took 3.5 s.
BULK_LINES = 50_000


def edit_graphs(
    store: ox.Store,
    edits: dict[str, tuple[list[str], list[str]]],
    records: str = "",
    forget: tuple[str, ...] = (),
    then: str = "",
) -> None:
    """Remove and add the N-Triples lines of each graph in ``edits``, remove ``forget``,
    insert ``records`` and run ``then``: one update, or, for a big write into empty
    graphs, a bulk load under markers with ``then`` after it (graph.store.writes says
    what a reader and a crash can see)."""
    if _bulk_adding(store, edits, records, forget):
        bulk_replace(store, list(edits), partial(_bulk_lines, edits=edits))
        if then.strip():
            store.update(then)
        return
    operations = list(_forgetting(forget))
    for i, verb in enumerate(("DELETE DATA", "INSERT DATA")):
        blocks = "".join(
            f"GRAPH <{g}> {{\n" + "\n".join(e[i]) + "\n}\n" for g, e in edits.items() if e[i]
        )
        if blocks:
            operations.append(f"{verb} {{\n{blocks}}}")
    if records.strip():
        operations.append(insert(records))
    if then.strip():
        operations.append(then)
    if operations:
        store.update(" ;\n".join(operations))


def _bulk_adding(store: ox.Store, edits: dict, records: str, forget: tuple[str, ...]) -> bool:
    """Tell whether ``edits`` only add, at least BULK_LINES lines without blank nodes
    (a bulk load per graph would split one), into graphs that hold nothing yet."""
    if records.strip() or forget or any(gone for gone, _ in edits.values()):
        return False
    if sum(len(add) for _, add in edits.values()) < BULK_LINES:
        return False
    if any("_:" in line for _, add in edits.values() for line in add):
        return False
    return not any(store.query(f"ASK {{ GRAPH <{g}> {{ ?s ?p ?o }} }}") for g in edits)


def _bulk_lines(store: ox.Store, edits: dict) -> None:
    for graph, (_, add) in edits.items():
        if add:
            text = ("\n".join(add) + "\n").encode("utf-8")
            store.bulk_load(text, ox.RdfFormat.N_TRIPLES, to_graph=ox.NamedNode(graph))


def write_batch(store: ox.Store, graph: str, lines: list[str], records: str) -> None:
    """Add a new graph of N-Triples ``lines`` with its records: one update."""
    body = "\n".join(lines)
    store.update(insert(f"GRAPH <{graph}> {{\n{body}\n}}\n{records}"))


def update(
    store: ox.Store,
    text: str,
    prefixes: dict[str, str],
    base_iri: str | None,
    using: list[str],
    named: list[str],
) -> None:
    """Run a raw update with the protocol's dataset written into its text as USING."""
    store.update(add_using(text, using, named), prefixes=prefixes, base_iri=base_iri)


def clean_up(store: ox.Store) -> list[str]:
    """Drop every graph a bulk write that died left marked, and its marker; return them."""
    graphs = being_written(store)
    for graph in graphs:
        if graph != CATALOG:
            clear(store, graph)
    if graphs:
        ops = [_drop(CATALOG)] if CATALOG in graphs else []
        ops.append(f"DELETE WHERE {{ GRAPH <{CATALOG}> {{ <{CATALOG}> <{BEING_WRITTEN}> ?g }} }}")
        store.update(" ;\n".join(ops))
    return graphs


def clear(store: ox.Store, graph: str) -> None:
    """Empty and drop ``graph`` (``og:DefaultGraph``: the default graph) in updates of at
    most :data:`CHUNK` quads each: one ``DROP`` of 100k quads took 1.6 times the CPU and
    3 times the added memory (docs/benchmarks.md). Only for a graph marked as being
    written, which no reader of the application sees part of."""
    pattern = "?s ?p ?o" if graph == DEFAULT_MARK else f"GRAPH <{graph}> {{ ?s ?p ?o }}"
    chunk = (
        f"DELETE {{ {pattern} }} WHERE {{ SELECT ?s ?p ?o WHERE {{ {pattern} }} LIMIT {CHUNK} }}"
    )
    while store.query(f"ASK {{ {pattern} }}"):
        store.update(chunk)
    store.update(_drop(None if graph == DEFAULT_MARK else graph))


def _drop(graph: str | None) -> str:
    return "DROP SILENT DEFAULT" if graph is None else f"DROP SILENT GRAPH <{graph}>"


def _forgetting(forget: Iterable[str]) -> Iterator[str]:
    for pair in forget:
        graph, subject = pair.split(" ", 1)
        yield f"DELETE WHERE {{ GRAPH {graph} {{ {subject} ?p ?o }} }}"
