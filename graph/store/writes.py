"""Write to the store the same way whatever its kind: replace a graph, edit graphs, add a batch.

Every write of the application goes through these functions: :func:`replace_graph` (a
loaded file, a restored graph, a Graph Store PUT), :func:`edit_graphs` (the derived
data), :func:`write_batch` (a submission and its provenance), :func:`drop_graphs` and
:func:`update` (a raw SPARQL Update). A graph's catalogue entry, which says what file or
batch it holds, is written by :func:`catalogue_entry` only, and goes in with its data.
They are implemented once for the embedded store (:mod:`graph.store.embedded_writes`) and
once for a SPARQL server (:mod:`graph.store.server_writes`); this module is the only
place that tells the two apart.

What each guarantees, as a contract:

**Embedded store.** Each write is one SPARQL Update, which Oxigraph applies as one
transaction: a reader sees the store before the write or after all of it, never a part;
a process killed or a disk that fills up mid-write leaves the store as it was before. The
one exception is a :class:`Streamed` source (a file of at least
``embedded_writes.THRESHOLD`` bytes, a restored dump), which one transaction would hold
in memory whole: it is bulk-loaded outside any transaction, between two updates. The
first removes the catalogue entries of the graphs it replaces, marks the derived data
stale after them and marks each graph as being written; then the graphs' old content is
deleted in chunks and the source bulk-loaded; the second update removes the marks and
adds the new catalogue entry. A reader in the same process may see a graph absent or
partly written in between; after a crash a graph holds its old content, or the whole file
with its entry, or it is still marked, and then :func:`clean_up` (run by
:func:`graph.store.open_store`, so before any reader of the application) drops it: the
store holds nothing of that file, and the next load writes it again. The first derive
of a store (at least ``embedded_writes.BULK_LINES`` derived lines, only added, into
derived graphs that are empty) is bulk-loaded the same way, and its ``then`` (removing
the staleness marks) runs after the markers go: after a crash the derived graphs are
dropped, as empty as before, and the marks left make the next derive write them whole.

**SPARQL server.** Data goes into a fresh staging graph, which is not part of the
application's dataset and so is never read; then ONE ``DELETE``/``INSERT`` operation
swaps it in with its records. One operation is atomic even on servers that commit each
operation of a request on its own (Virtuoso), so readers see the old state, then the whole
new one. If a write fails, its staging graph is dropped and nothing else has changed; if
the process dies, the staging graph is left and :func:`clean_up` (run by ``openness
load``) drops it after an hour. Where the server's dataset is its own (``dataset=server``)
a staging graph would be read, so the operations go as one request, which such a server
applies atomically. A small batch is one ``INSERT`` operation.

**A batch and its derived data.** A submission is written by :func:`write_batch` and its
models recomputed by a second write (:func:`edit_graphs`). When anything between the two
fails (reading the claims, scoring them, or the derived write itself, which is atomic as
above), :func:`take_back_batch` removes in one update the batch's graph and exactly the
records that write added (:func:`records_to_add` says which were not there before), so
every quad of the store is as it was. Other writers wait on the server's write lock
meanwhile; readers may see the batch, marked stale, until it is taken back. On a SPARQL
server the derived write's trailing operation (``then``, removing the staleness marks) runs
after the swap: if only that fails, the batch is taken back while the derived data already
swapped in stays, and it is set right by the next derive of those models.

On both, ``then`` is a further update run after the write: in the same transaction on
the embedded store, as a separate operation afterwards on a server (a crash between the
two loses it, so what it does must be safe to leave undone: removing staleness marks).
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from typing import BinaryIO, TextIO

import pyoxigraph as ox

from graph import staleness
from graph.namespaces import DCTERMS, OG, XSD
from graph.store import embedded_writes, server_writes
from graph.store.server import SparqlStore

CATALOG = staleness.CATALOG

Edits = dict[str, tuple[list[str], list[str]]]  # graph -> (N-Triples lines out, lines in)


@dataclass(frozen=True)
class CatalogueEntry:
    """What a graph holds: the content hash and origin of its file or batch, and when."""

    graph: str
    digest: str
    origin: str
    modified: str  # an xsd:dateTime lexical form

    def lines(self) -> str:
        """Return the entry as Turtle statements, with the mark that makes the derived data
        after the graph stale until the next derive (graph.staleness)."""
        return (
            f"<{self.graph}> <{OG.contentHash}> {ox.Literal(self.digest)} ; "
            f"<{OG.loadedFrom}> {ox.Literal(self.origin)} ; "
            f'<{DCTERMS.modified}> "{self.modified}"^^<{XSD.dateTime}> .\n'
            + staleness.mark_lines([self.graph])
        )

    def block(self) -> str:
        """Return the entry as a ``GRAPH`` block of the catalogue."""
        return f"GRAPH <{CATALOG}> {{ {self.lines()} }}"

    def quads(self) -> list[ox.Quad]:
        """Return the entry as quads in the catalogue graph."""
        catalog = ox.NamedNode(CATALOG)
        return [
            ox.Quad(t.subject, t.predicate, t.object, catalog)
            for t in ox.parse(self.lines().encode(), ox.RdfFormat.TURTLE)
        ]


def catalogue_entry(
    graph: str, digest: str, origin: str, when: datetime | None = None
) -> CatalogueEntry:
    """Return the catalogue entry recording that ``graph`` holds ``origin`` at ``digest``."""
    when = when or datetime.now(UTC)
    modified = when.isoformat(timespec="seconds").replace("+00:00", "Z")
    return CatalogueEntry(graph, digest, origin, modified)


@dataclass(frozen=True)
class RdfText:
    """Where the bulk loader reads a source: a binary file ``open()`` returns (a context
    manager), in ``format``, relative IRIs resolved against ``base_iri``."""

    open: Callable[[], BinaryIO]
    format: ox.RdfFormat
    base_iri: str | None = None


class Streamed:
    """A big source of quads already in the graph they are written to, that can be
    iterated again (a file parsed anew each time); :func:`replace_graph` writes it into
    the embedded store by the bulk loader (see the module's text), without building an
    update text."""

    def __iter__(self) -> Iterator[ox.Quad]:
        raise NotImplementedError

    def __len__(self) -> int:
        raise NotImplementedError

    def rdf(self) -> RdfText | None:
        """Return the source as checked RDF text for the bulk loader; None (the default):
        the quads are bulk-added as they are iterated."""
        return None


def streams(store: ox.Store, size: int) -> bool:
    """Tell whether a file of ``size`` bytes goes into ``store`` as a :class:`Streamed`."""
    return _kind(store) is embedded_writes and size >= embedded_writes.THRESHOLD


def replace_graph(
    store: ox.Store,
    graph: str | None,
    triples: Iterable[ox.Triple | ox.Quad] | Streamed,
    *,
    catalogue: CatalogueEntry | None = None,
    records: str = "",
    then: str = "",
) -> None:
    """Replace ``graph`` (None: the default graph) with ``triples`` in one write.

    ``catalogue`` replaces the graph's catalogue entry in the same write (without one, the
    entry is left as it is); ``records`` are further constant ``GRAPH <g> { ... }`` blocks
    without blank nodes written with it; ``then`` runs after it (see the module's text).
    The graph of a quad is ignored, except in a :class:`Streamed` source, which the
    embedded store bulk-loads between two updates (see the module's text).
    """
    forget = (f"<{CATALOG}> <{catalogue.graph}>",) if catalogue is not None else ()
    if isinstance(triples, Streamed) and _kind(store) is embedded_writes:
        if records or then:
            raise ValueError("a streamed source is written with its catalogue entry only")
        entry = catalogue.block() if catalogue is not None else ""
        marks = staleness.mark_update([catalogue.graph]) if catalogue is not None else ""
        to_graph = ox.DefaultGraph() if graph is None else ox.NamedNode(graph)
        write = partial(_bulk_write, source=triples, to_graph=to_graph)
        embedded_writes.bulk_replace(store, [graph], write, forget, marks, entry)
        return
    if catalogue is not None:
        records = f"{catalogue.block()}\n{records}"
    _kind(store).replace_graph(store, graph, _lines(triples), records, forget, then)


def replace_graphs(store: ox.Store, graphs: Iterable[str | None], source: Streamed) -> None:
    """Replace every graph in ``graphs`` (None: the default graph) with the quads of
    ``source``, which name their graphs, all of them in ``graphs`` (a dump being restored).

    On the embedded store one bulk write under markers (see the module's text); on a server
    one :func:`replace_graph` per graph, each graph's lines first spooled to a temporary
    file in one pass over ``source``, so memory does not grow with the dump.
    """
    graphs = list(graphs)
    if _kind(store) is embedded_writes:
        embedded_writes.bulk_replace(store, graphs, partial(_bulk_write, source=source))
        return
    with tempfile.TemporaryDirectory(prefix="openness-restore-") as folder:
        files = {graph: Path(folder) / f"{n}.nt" for n, graph in enumerate(graphs)}
        _spool(source, files)
        for graph, path in files.items():
            with open(path, encoding="utf-8") as lines:
                _kind(store).replace_graph(store, graph, (line.rstrip("\n") for line in lines))


# Spool files kept open at once: a dump comes graph by graph, so one is nearly always enough.
OPEN_SPOOLS = 16


def _spool(source: Iterable[ox.Quad], files: dict[str | None, Path]) -> None:
    """Append each quad of ``source`` as an N-Triples line to its graph's file in ``files``."""
    for path in files.values():
        path.touch()
    handles: dict[str | None, TextIO] = {}
    try:
        for quad in source:
            name = quad.graph_name
            graph = name.value if isinstance(name, ox.NamedNode) else None
            handle = handles.pop(graph, None) or open(files[graph], "a", encoding="utf-8")
            handles[graph] = handle  # the most recently used last
            if len(handles) > OPEN_SPOOLS:
                handles.pop(next(iter(handles))).close()
            handle.write(f"{quad.triple} .\n")
    finally:
        for handle in handles.values():
            handle.close()


def edit_graphs(store: ox.Store, edits: Edits, *, records: str = "", then: str = "") -> None:
    """Remove and add N-Triples lines in several graphs, so readers see all of it or none.

    ``edits`` maps a graph to (lines that go, lines that come); the lines that go hold
    every triple of their subjects in that graph (a server clears those subjects).
    """
    _kind(store).edit_graphs(store, edits, records, (), then)


def write_batch(
    store: ox.Store,
    graph: str,
    triples: Iterable[ox.Triple],
    *,
    catalogue: CatalogueEntry,
    records: str = "",
) -> None:
    """Add ``triples`` as the new ``graph`` with its catalogue entry and ``records`` in one
    write (a batch is never written into a graph that exists)."""
    lines = list(_lines(triples))
    _kind(store).write_batch(store, graph, lines, f"{records}\n{catalogue.block()}")


def records_to_add(store: ox.Store, records: str) -> list[ox.Quad]:
    """Return the quads of the constant ``GRAPH`` blocks ``records`` the store lacks."""
    quads = list(ox.parse(records.encode(), ox.RdfFormat.TRIG))
    if not quads:
        return []
    rows = " ".join(f"({q.subject} {q.predicate} {q.object} {q.graph_name})" for q in quads)
    query = (
        f"SELECT ?s ?p ?o ?g WHERE {{ VALUES (?s ?p ?o ?g) {{ {rows} }} GRAPH ?g {{ ?s ?p ?o }} }}"
    )
    held = {(r["s"], r["p"], r["o"], r["g"]) for r in store.query(query)}
    return [q for q in quads if (q.subject, q.predicate, q.object, q.graph_name) not in held]


def take_back_batch(store: ox.Store, graph: str, added: Iterable[ox.Quad]) -> None:
    """Remove a batch :func:`write_batch` wrote as ``graph``, and the ``added`` record quads
    that write brought (see :func:`records_to_add`), in one update."""
    blocks = "\n".join(
        f"GRAPH {q.graph_name} {{ {q.subject} {q.predicate} {q.object} }}" for q in added
    )
    text = f"DROP SILENT GRAPH <{graph}>"
    store.update(f"{text} ;\nDELETE DATA {{\n{blocks}\n}}" if blocks else text)


def drop_graphs(store: ox.Store, graphs: Iterable[str]) -> None:
    """Remove named graphs and their catalogue entries in one update, marking the derived
    data after them stale (the next derive recomputes the models they described)."""
    graphs = list(graphs)
    ops = [
        f"DROP SILENT GRAPH <{g}> ; DELETE WHERE {{ GRAPH <{CATALOG}> {{ <{g}> ?p ?o }} }}"
        for g in graphs
    ]
    if ops:
        store.update(" ;\n".join([*ops, staleness.mark_update(graphs)]))


def forget_update(graphs: Iterable[str]) -> str | None:
    """Return the SPARQL Update removing the catalogue entries of ``graphs`` (None if none).

    For writes that change a graph behind the loader's back (the Graph Store): without
    its entry, the next load writes a bundled file's graph again, and a submission's
    batch sent again is written again.
    """
    ops = [f"DELETE WHERE {{ GRAPH <{CATALOG}> {{ <{g}> ?p ?o }} }}" for g in sorted(set(graphs))]
    return " ;\n".join(ops) or None


def update(
    store: ox.Store,
    text: str,
    *,
    prefixes: dict[str, str],
    base_iri: str | None = None,
    using: Sequence[str] = (),
    using_named: Sequence[str] = (),
) -> None:
    """Run a raw SPARQL Update with the protocol's dataset (``using-graph-uri``...): as
    USING clauses in its text, or as parameters where the server takes only those.
    Relative IRIs resolve against ``base_iri``."""
    _kind(store).update(store, text, prefixes, base_iri, list(using), list(using_named))


def clean_up(store: ox.Store) -> list[str]:
    """Remove what writes that died left behind (a server's old staging graphs, the
    embedded store's graphs still marked as being written); return it."""
    return _kind(store).clean_up(store)


def _kind(store: object):
    """Return the implementation of these writes for ``store``'s kind: the one dispatch."""
    return server_writes if isinstance(store, SparqlStore) else embedded_writes


def _bulk_write(
    store: ox.Store, *, source: Streamed, to_graph: ox.NamedNode | ox.DefaultGraph | None = None
) -> None:
    """Write ``source`` into the embedded ``store`` by the bulk loader, into ``to_graph``
    when its text holds triples."""
    text = source.rdf()
    if text is None:
        store.bulk_extend(iter(source))
        return
    with text.open() as data:
        store.bulk_load(data, text.format, base_iri=text.base_iri, to_graph=to_graph)


def _lines(triples: Iterable[ox.Triple | ox.Quad]) -> Iterator[str]:
    for t in triples:
        yield f"{t.triple if isinstance(t, ox.Quad) else t} ."
