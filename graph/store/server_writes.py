"""Write to an external SPARQL server: stage big data, then swap it in with one operation.

The implementation of :mod:`graph.store.writes` for a :class:`SparqlStore`; that module
states the guarantees. Servers cap the size of one update text (Virtuoso near 1,500
triples of it) and some commit each operation of a request on its own, so data goes into
a fresh staging graph first (Graph Store Protocol POSTs, no size limit) and ONE
``DELETE``/``INSERT`` operation puts it in place with its records. When the server's own
dataset is the application's (``dataset=server``), a staging graph would be seen by
readers: the operations go as one request instead, which such a server applies atomically.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager

from graph.sparql.lexer import add_using
from graph.store.errors import StoreError
from graph.store.server import SparqlStore
from graph.store.server_text import (
    DEFAULT,
    STAGING,
    clear_subjects,
    insert,
    staging_name,
    swap_operation,
)

# Batches larger than this go through a staging graph; smaller ones as one update.
STAGED_TRIPLES = 2000


def replace_graph(
    store: SparqlStore,
    graph: str | None,
    lines: Iterable[str],
    records: str = "",
    forget: tuple[str, ...] = (),
    then: str = "",
) -> None:
    """Replace ``graph`` (None: the default graph) with N-Triples ``lines`` and its records.

    The lines go to a staging graph; then one ``DELETE/INSERT`` operation removes the old
    graph and the statements ``forget`` names (``"<g> <s>"`` pairs), copies the staged
    triples in and inserts ``records`` (constant ``GRAPH <g> { ... }`` blocks without blank
    nodes). ``then`` runs as a further operation afterwards. If anything fails, the
    staging graph is dropped and nothing else has changed.
    """
    graph = graph or DEFAULT
    if store.own_dataset:
        text = "\n".join(lines)
        operations = [f"DROP SILENT GRAPH <{graph}>"]
        if text:
            operations.append(insert(f"GRAPH <{graph}> {{\n{text}\n}}"))
        _write_once(store, operations, records, forget, then)
        return
    staging = staging_name()
    with _dropping_on_failure(store, [staging]):
        store.post_triples(staging, lines)
        swap = swap_operation({graph: staging}, records, forget)
        store.update(f"{swap} ;\n{then}" if then.strip() else swap)


def edit_graphs(
    store: SparqlStore,
    edits: dict[str, tuple[list[str], list[str]]],
    records: str = "",
    forget: tuple[str, ...] = (),
    then: str = "",
) -> None:
    """Rewrite subjects in several graphs; readers see all of it or none.

    ``edits`` maps a graph to (N-Triples lines that go, lines that come); the lines that go
    must hold every triple of their subjects in that graph. Those subjects are cleared by
    pattern rather than by their old literals, which a server may have stored in another
    form (Virtuoso rounds decimals). Each graph is copied to a
    staging graph and edited there in chunks; one final operation swaps all of them in,
    with ``records`` and ``forget`` as in :func:`replace_graph`; ``then`` runs after it.
    """
    chunk = store.chunk_triples
    edits = {g: (_subjects(gone), added) for g, (gone, added) in edits.items()}
    if store.own_dataset:
        operations = []
        for graph, (subjects, inserts) in edits.items():
            for start in range(0, len(subjects), chunk):
                operations.append(clear_subjects(graph, subjects[start : start + chunk]))
            if inserts:
                operations.append(insert(f"GRAPH <{graph}> {{\n" + "\n".join(inserts) + "\n}"))
        _write_once(store, operations, records, forget, then)
        return
    if edits:
        staging = {graph: staging_name() for graph in edits}
        with _dropping_on_failure(store, list(staging.values())):
            store.update(
                " ;\n".join(f"COPY SILENT GRAPH <{g}> TO GRAPH <{s}>" for g, s in staging.items())
            )
            for graph, (subjects, inserts) in edits.items():
                target = staging[graph]
                for start in range(0, len(subjects), chunk):
                    store.update(clear_subjects(target, subjects[start : start + chunk]))
                store.post_triples(target, inserts)
            store.update(swap_operation(staging, records, forget))
    elif records.strip() or forget:
        _write_once(store, [], records, forget)
    if then.strip():
        store.update(then)


def write_batch(store: SparqlStore, graph: str, lines: list[str], records: str) -> None:
    """Add a new graph of N-Triples ``lines`` with its records: one update when small,
    staged and swapped in when the text would be too big for some servers."""
    if len(lines) > STAGED_TRIPLES:
        replace_graph(store, graph, lines, records)
        return
    body = "\n".join(lines)
    store.update(insert(f"GRAPH <{graph}> {{\n{body}\n}}\n{records}"))


def update(
    store: SparqlStore,
    text: str,
    prefixes: dict[str, str],
    base_iri: str | None,
    using: list[str],
    named: list[str],
) -> None:
    """Run a raw update with the protocol's dataset: as parameters where the server's
    dataset is its own (Oxigraph with --union-default-graph refuses USING in the text)."""
    if store.own_dataset:
        store.update(text, prefixes=prefixes, base_iri=base_iri, using=using, using_named=named)
    else:
        store.update(add_using(text, using, named), prefixes=prefixes, base_iri=base_iri)


def clean_up(store: SparqlStore, older_than: float = 3600.0) -> list[str]:
    """Drop staging graphs left by writes that died more than ``older_than`` s ago."""
    now = time.time()
    stale = []
    for name in store.server_graphs():
        if not name.startswith(STAGING):
            continue
        stamp = name[len(STAGING) :].split("-", 1)[0]
        if stamp.isdigit() and now - int(stamp) > older_than:
            stale.append(name)
    if stale:
        store.update(" ;\n".join(f"DROP SILENT GRAPH <{g}>" for g in stale))
    return stale


def _write_once(
    store: SparqlStore,
    operations: list[str],
    records: str,
    forget: tuple[str, ...],
    then: str = "",
) -> None:
    """Send ``operations``, the ``forget`` deletions and the ``records`` as ONE request."""
    for pair in forget:
        graph, subject = pair.split(" ", 1)
        operations.append(f"DELETE WHERE {{ GRAPH {graph} {{ {subject} ?p ?o }} }}")
    if records.strip():
        operations.append(f"INSERT DATA {{ {records} }}")
    if then.strip():
        operations.append(then)
    if operations:
        store.update(" ;\n".join(operations))


@contextmanager
def _dropping_on_failure(store: SparqlStore, graphs: list[str]) -> Iterator[None]:
    try:
        yield
    except BaseException:
        try:
            store.update(" ;\n".join(f"DROP SILENT GRAPH <{g}>" for g in graphs))
        except StoreError:
            pass
        raise


def _subjects(lines: list[str]) -> list[str]:
    """Return the IRIs of the subjects of N-Triples ``lines`` (each starting ``<iri>``)."""
    return sorted({line[1 : line.index(">")] for line in lines})
