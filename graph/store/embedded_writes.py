"""Write to the embedded Oxigraph store: each write one SPARQL Update, big files streamed.

The implementation of :mod:`graph.store.writes` for a ``pyoxigraph.Store``; that module
states the guarantees. One update is one transaction. A file of at least
:data:`THRESHOLD` bytes is written from a :class:`graph.store.writes.Streamed` source
instead: building a million triples as a Python list and then as update text runs at
about 7,000 triples/s and 3.6 GB, while ``Store.extend`` of the quads parsed as they are
written keeps memory flat (docs/benchmarks.md). It takes two transactions:

1. drop the graph and its catalogue entry, and mark the derived data stale after it;
2. ``Store.extend`` with the quads, followed by the new catalogue entry.

Derived data is edited by its exact triples (``DELETE DATA``), which the embedded store
keeps in the form they were written.

Copying a staged graph into place (``MOVE``, or ``INSERT ... WHERE``) would close the gap
between the two but costs more than the whole load (see docs/benchmarks.md).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from itertools import chain

import pyoxigraph as ox

from graph.sparql.lexer import add_using
from graph.store.server_text import insert

# Files at least this big take the streamed path; the bundled data files are smaller.
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
        drop, block = "DROP SILENT DEFAULT", f"{body}\n{records}"
    else:
        drop, block = f"DROP SILENT GRAPH <{graph}>", f"GRAPH <{graph}> {{\n{body}\n}} {records}"
    operations = [drop, *_forgetting(forget), insert(block)]
    if then.strip():
        operations.append(then)
    store.update(" ;\n".join(operations))


def replace_streamed(
    store: ox.Store,
    graph: str | None,
    quads: Iterable[ox.Quad],
    records: Iterable[ox.Quad],
    forget: tuple[str, ...],
    marks: str,
) -> None:
    """Replace ``graph`` (None: the default graph) with ``quads`` and write ``records``
    after them, in the two transactions the module describes; ``marks``, an update
    marking the derived data stale, goes with the first, so that a crash between the two
    still leaves it."""
    drop = "DROP SILENT DEFAULT" if graph is None else f"DROP SILENT GRAPH <{graph}>"
    store.update(" ;\n".join(op for op in (drop, *_forgetting(forget), marks) if op))
    store.extend(chain(quads, records))


def edit_graphs(
    store: ox.Store,
    edits: dict[str, tuple[list[str], list[str]]],
    records: str = "",
    forget: tuple[str, ...] = (),
    then: str = "",
) -> None:
    """Remove and add the N-Triples lines of each graph in ``edits``, remove ``forget``,
    insert ``records`` and run ``then``: one update."""
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
    """Do nothing: an embedded write leaves nothing behind when it dies."""
    return []


def _forgetting(forget: Iterable[str]) -> Iterator[str]:
    for pair in forget:
        graph, subject = pair.split(" ", 1)
        yield f"DELETE WHERE {{ GRAPH {graph} {{ {subject} ?p ?o }} }}"
