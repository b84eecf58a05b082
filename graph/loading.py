"""Parse RDF files and load each into its own named graph, atomically and idempotently.

Every file becomes one named graph, ``<GRAPH><path relative to the root>``. The
catalogue graph records each loaded graph's content hash and origin, so loading
an unchanged file again does nothing, and a changed file replaces its graph in
one transaction (``DROP`` and ``INSERT DATA`` in a single SPARQL Update). A file
that fails to parse raises :class:`ParseError` naming file, line and column, and
changes nothing.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import pyoxigraph as ox

from graph import bulk_load, staleness
from graph.batch_limits import CONTROLS_REFUSED, text_problem
from graph.namespaces import GRAPH, OG, graph_iri
from graph.rdf_input import UnsafeInput, check_input
from graph.store.server import SparqlStore
from graph.store.server_text import insert

CATALOG = graph_iri("catalog")

FORMATS: dict[str, ox.RdfFormat] = {
    ".ttl": ox.RdfFormat.TURTLE,
    ".nt": ox.RdfFormat.N_TRIPLES,
    ".nq": ox.RdfFormat.N_QUADS,
    ".trig": ox.RdfFormat.TRIG,
    ".jsonld": ox.RdfFormat.JSON_LD,
    ".rdf": ox.RdfFormat.RDF_XML,
    ".owl": ox.RdfFormat.RDF_XML,
}


class ParseError(ValueError):
    """An RDF file does not parse; the message names file, line and column."""

    def __init__(self, path: str, line: int | None, column: int | None, detail: str):
        where = f"{path}:{line}:{column}" if line else path
        super().__init__(f"{where}: {detail}")
        self.path, self.line, self.column, self.detail = path, line, column, detail


@dataclass
class LoadResult:
    """What a load did, graph by graph."""

    loaded: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    triples: int = 0


def rdf_files(paths: Iterable[str | os.PathLike[str]]) -> list[Path]:
    """Expand files and directories into the sorted list of RDF files they hold."""
    found: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            found.extend(sorted(p for p in path.rglob("*") if p.suffix in FORMATS and p.is_file()))
        elif path.is_file():
            if path.suffix not in FORMATS:
                raise ParseError(
                    str(path),
                    None,
                    None,
                    f"unknown RDF file extension {path.suffix!r}; use one of {', '.join(FORMATS)}",
                )
            found.append(path)
        else:
            raise FileNotFoundError(f"{path}: no such file or directory")
    return found


def graph_name_for(path: Path, root: Path) -> str:
    """Return the named-graph IRI for ``path``: its path relative to ``root``, else absolute."""
    resolved = path.resolve()
    try:
        rel = resolved.relative_to(root.resolve())
    except ValueError:
        rel = Path("file") / resolved.relative_to(resolved.anchor)
    return graph_iri(rel.as_posix())


def content_hash(data: bytes) -> str:
    """Return ``sha256:<hex>`` of ``data``."""
    return "sha256:" + hashlib.sha256(data).hexdigest()


def parse_file(path: Path, data: bytes | None = None, graph: str | None = None) -> list[ox.Quad]:
    """Parse one file into quads in ``graph`` (default graph when None); raise ParseError."""
    data = path.read_bytes() if data is None else data
    target = ox.NamedNode(graph) if graph else ox.DefaultGraph()
    try:
        check_input(data, FORMATS[path.suffix])
        triples = list(
            ox.parse(data, format=FORMATS[path.suffix], base_iri=path.resolve().as_uri())
        )
    except UnsafeInput as exc:
        raise ParseError(str(path), None, None, str(exc)) from None
    except SyntaxError as exc:
        raise ParseError(str(path), exc.lineno, exc.offset, exc.msg) from None
    except UnicodeDecodeError as exc:
        raise ParseError(str(path), None, None, f"not UTF-8 text ({exc.reason})") from None
    quads = []
    for t in triples:
        problem = text_problem((t.subject, t.predicate, t.object))
        if problem:
            raise ParseError(str(path), None, None, f"{problem}; {CONTROLS_REFUSED}")
        if isinstance(t, ox.Quad) and not isinstance(t.graph_name, ox.DefaultGraph) and graph:
            raise ParseError(
                str(path), None, None, "a file loaded into its own graph may not name graphs"
            )
        quads.append(ox.Quad(t.subject, t.predicate, t.object, target))
    return quads


def stored_hashes(store: ox.Store) -> dict[str, str]:
    """Return {graph IRI: content hash} from the catalogue, for the graphs that still exist.

    A graph dropped or emptied since it was loaded (by a raw update) holds nothing of its
    file any more: it is left out, so the next load writes the file again.
    """
    query = f"""SELECT ?g ?h WHERE {{
      GRAPH <{CATALOG}> {{ ?g <{OG.contentHash}> ?h }}
      FILTER EXISTS {{ GRAPH ?g {{ ?s ?p ?o }} }}
    }}"""
    return {row["g"].value: row["h"].value for row in store.query(query)}


def catalogue_entry(graph: str, digest: str, origin: str) -> str:
    """Return the catalogue triples recording that ``graph`` holds ``origin`` at ``digest``.

    They mark the derived data stale after ``graph`` (graph.staleness) in the same
    transaction, until the derive that follows the load removes the mark.
    """
    now = datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")
    return (
        f"<{graph}> <{OG.contentHash}> {ox.Literal(digest)} ; "
        f"<{OG.loadedFrom}> {ox.Literal(origin)} ; <http://purl.org/dc/terms/modified> "
        f'"{now}"^^<http://www.w3.org/2001/XMLSchema#dateTime> .\n' + staleness.mark_lines([graph])
    )


def forget_update(graphs: Iterable[str]) -> str | None:
    """Return the SPARQL Update removing the catalogue entries of ``graphs`` (None if none).

    For writes that change a graph behind the loader's back (the Graph Store): without
    its entry, the next load writes a bundled file's graph again, and a submission's
    batch sent again is written again.
    """
    ops = [f"DELETE WHERE {{ GRAPH <{CATALOG}> {{ <{g}> ?p ?o }} }}" for g in sorted(set(graphs))]
    return " ;\n".join(ops) or None


def replace_graph_update(graph: str, quads: Iterable[ox.Quad], digest: str, origin: str) -> str:
    """Return one SPARQL Update that replaces ``graph`` with ``quads`` and records it."""
    body = "\n".join(f"{q.triple} ." for q in quads)
    g = f"<{graph}>"
    meta = catalogue_entry(graph, digest, origin)
    return (
        f"DROP SILENT GRAPH {g} ;\n"
        f"DELETE WHERE {{ GRAPH <{CATALOG}> {{ {g} ?p ?o }} }} ;\n"
        + insert(f"GRAPH {g} {{\n{body}\n}} GRAPH <{CATALOG}> {{ {meta} }}")
    )


def _staged_replace(store: SparqlStore, item: PreparedFile, origin: str) -> None:
    """Replace a file's graph on an external server: staged, then one swapping operation.

    Servers cap the size of one update (Virtuoso near 1,500 triples) and some commit each
    operation of a request on its own, so the triples are staged through the Graph Store
    Protocol and one DELETE/INSERT swaps graph and catalogue entry in together.
    """
    meta = catalogue_entry(item.graph, item.digest, origin)
    store.replace_graph(
        item.graph,
        (q.triple for q in item.quads),
        records=f"GRAPH <{CATALOG}> {{ {meta} }}",
        forget=(f"<{CATALOG}> <{item.graph}>",),
    )


@dataclass
class PreparedFile:
    """A parsed file ready to be written."""

    path: Path
    graph: str
    digest: str
    quads: list[ox.Quad] | bulk_load.StreamedQuads


def prepare(
    paths: Iterable[Path], root: Path, store: ox.Store, force: bool = False
) -> tuple[list[PreparedFile], list[str]]:
    """Parse every changed file; return (files to write, graphs that are unchanged).

    Everything is parsed before anything is written, so one bad file stops the
    whole load with the store untouched.
    """
    known = {} if force else stored_hashes(store)
    todo, unchanged = [], []
    for path in paths:
        data = path.read_bytes()
        graph = graph_name_for(path, root)
        digest = content_hash(data)
        if known.get(graph) == digest:
            unchanged.append(graph)
            continue
        # Big files on an embedded store are checked without keeping their quads.
        if bulk_load.applies(store, data):
            try:
                check_input(data, FORMATS[path.suffix])
            except UnsafeInput as exc:
                raise ParseError(str(path), None, None, str(exc)) from None
            quads = bulk_load.parse_streamed(path, data, graph)
        else:
            quads = parse_file(path, data, graph)
        todo.append(PreparedFile(path, graph, digest, quads))
    return todo, unchanged


def write(store: ox.Store, prepared: Iterable[PreparedFile], root: Path) -> Iterator[PreparedFile]:
    """Write each prepared file into its graph, one transaction per file; yield each when done."""
    for item in prepared:
        try:
            origin = item.path.resolve().relative_to(root.resolve()).as_posix()
        except ValueError:
            origin = str(item.path.resolve())
        if isinstance(store, SparqlStore):
            _staged_replace(store, item, origin)
        elif isinstance(item.quads, bulk_load.StreamedQuads) and isinstance(store, ox.Store):
            bulk_load.write_file(store, item.quads, item.digest, origin)
        else:
            store.update(replace_graph_update(item.graph, item.quads, item.digest, origin))
        yield item


def drop_graphs(store: ox.Store, graphs: Iterable[str]) -> None:
    """Remove named graphs and their catalogue entries in one transaction.

    The same transaction marks the derived data stale after them (graph.staleness): the
    next derive recomputes the models they described.
    """
    graphs = list(graphs)
    ops = [
        f"DROP SILENT GRAPH <{g}> ; DELETE WHERE {{ GRAPH <{CATALOG}> {{ <{g}> ?p ?o }} }}"
        for g in graphs
    ]
    if ops:
        store.update(" ;\n".join([*ops, staleness.mark_update(graphs)]))


def is_project_graph(iri: str) -> bool:
    """Tell whether a graph IRI is one the loader manages."""
    return iri.startswith(str(GRAPH))
