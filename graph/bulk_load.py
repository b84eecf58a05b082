"""Write big RDF files into an embedded store as a stream, without one SPARQL Update per file.

:mod:`graph.loading` writes a file as one ``DROP``/``INSERT DATA`` update, which builds
the file's quads as a Python list and then as update text: at a million triples that is
about 7,000 triples/s and 3.6 GB. For files of at least :data:`THRESHOLD` bytes on an
embedded :class:`pyoxigraph.Store`, :func:`parse_streamed` checks the file in one pass
without keeping its quads, and :func:`write_file` writes it in two transactions:

1. drop the file's graph and its catalogue entry (a no-op on a first load);
2. ``Store.extend`` with the file's quads, parsed again as they are written, followed by
   the new catalogue entry: one transaction, so the data and its entry appear together.

Neither step ever exposes part of the file: after an interruption the graph holds either
its old content (before step 1), nothing (between 1 and 2), or the whole file with its
catalogue entry. With no catalogue entry, the next load writes the file again. While a
changed file is replaced, its graph is briefly absent; the small-file path swaps old for
new in one update instead. Copying a staged graph into place (``MOVE``, or ``INSERT ...
WHERE``) would close that gap but costs more than the whole load (see docs/benchmarks.md).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from itertools import chain
from pathlib import Path

import pyoxigraph as ox

from graph import staleness
from graph.namespaces import OG, graph_iri

# Files at least this big take the streamed path; the bundled data files are smaller.
THRESHOLD = 8 * 2**20

CATALOG = graph_iri("catalog")
MODIFIED = ox.NamedNode("http://purl.org/dc/terms/modified")
DATE_TIME = ox.NamedNode("http://www.w3.org/2001/XMLSchema#dateTime")


def applies(store: object, data: bytes) -> bool:
    """Tell whether ``data`` goes into ``store`` by the streamed path."""
    return isinstance(store, ox.Store) and len(data) >= THRESHOLD


class StreamedQuads:
    """The quads of one checked file, parsed again each time they are iterated."""

    def __init__(self, path: Path, data: bytes, graph: str, count: int):
        self.path, self.data, self.graph, self.count = path, data, graph, count

    def __len__(self) -> int:
        return self.count

    def __iter__(self) -> Iterator[ox.Quad]:
        return iter_quads(self.path, self.data, self.graph)


def iter_quads(path: Path, data: bytes, graph: str) -> Iterator[ox.Quad]:
    """Yield the quads of ``data`` in ``graph``; raise ParseError as graph.loading.parse_file."""
    from graph.loading import FORMATS, ParseError

    target = ox.NamedNode(graph)
    try:
        for t in ox.parse(data, format=FORMATS[path.suffix], base_iri=path.resolve().as_uri()):
            if isinstance(t, ox.Quad) and not isinstance(t.graph_name, ox.DefaultGraph):
                raise ParseError(
                    str(path), None, None, "a file loaded into its own graph may not name graphs"
                )
            yield ox.Quad(t.subject, t.predicate, t.object, target)
    except SyntaxError as exc:
        raise ParseError(str(path), exc.lineno, exc.offset, exc.msg) from None
    except UnicodeDecodeError as exc:
        raise ParseError(str(path), None, None, f"not UTF-8 text ({exc.reason})") from None


def parse_streamed(path: Path, data: bytes, graph: str) -> StreamedQuads:
    """Check that ``data`` parses, counting its quads without keeping them."""
    count = 0
    for _ in iter_quads(path, data, graph):
        count += 1
    return StreamedQuads(path, data, graph, count)


def catalogue_quads(graph: str, digest: str, origin: str) -> list[ox.Quad]:
    """Return the catalogue entry of ``graph``, as graph.loading.replace_graph_update writes it."""
    now = datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")
    g, catalog = ox.NamedNode(graph), ox.NamedNode(CATALOG)
    return [
        ox.Quad(g, ox.NamedNode(OG.contentHash), ox.Literal(digest), catalog),
        ox.Quad(g, ox.NamedNode(OG.loadedFrom), ox.Literal(origin), catalog),
        ox.Quad(g, MODIFIED, ox.Literal(now, datatype=DATE_TIME), catalog),
        *staleness.mark_quads([graph]),
    ]


def write_file(store: ox.Store, quads: StreamedQuads, digest: str, origin: str) -> None:
    """Replace the graph of ``quads`` with them and record it, in two transactions.

    Both mark the derived data stale after the graph (graph.staleness): after the first
    alone, the models the old content described are recomputed by the next derive.
    """
    g = f"<{quads.graph}>"
    store.update(
        f"DROP SILENT GRAPH {g} ;\nDELETE WHERE {{ GRAPH <{CATALOG}> {{ {g} ?p ?o }} }} ;\n"
        + staleness.mark_update([quads.graph])
    )
    store.extend(chain(quads, catalogue_quads(quads.graph, digest, origin)))
