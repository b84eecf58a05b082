"""Parse RDF files and load each into its own named graph, atomically and idempotently.

Every file becomes one named graph, ``<GRAPH><path relative to the root>``. The
catalogue graph records each loaded graph's content hash and origin, so loading
an unchanged file again does nothing, and a changed file replaces its graph and its
catalogue entry in one write (:func:`graph.store.writes.replace_graph`, whose contract
says what a reader can see). A file that fails to parse raises :class:`ParseError`
naming file, line and column, and changes nothing.

Every file is parsed by :func:`iter_quads`. A big file bound for the embedded store
(``graph.store.writes.streams``) is checked in one pass without keeping its quads or
its bytes (RDF/XML and JSON-LD keep their bytes, which their safety check reads whole),
and then written by Oxigraph's bulk loader from the file, in bounded memory
(:class:`StreamedQuads`; ``graph.store.writes`` says what a crash leaves). Its bytes
are read once more before, to hash them and to look for anything that could spell a
control character: only a file that holds such bytes has every term checked as it is
parsed.
"""

from __future__ import annotations

import hashlib
import io
import os
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from graph.batch_limits import CONTROLS_REFUSED, text_problem
from graph.namespaces import GRAPH, OG, graph_iri
from graph.rdf_input import UnsafeInput, check_file, check_input
from graph.store import writes
from graph.store.writes import CATALOG, RdfText, Streamed

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
    _check(path, data)
    return list(iter_quads(path, data, graph))


def iter_quads(
    path: Path, data: bytes | None, graph: str | None, check_terms: bool = True
) -> Iterator[ox.Quad]:
    """Yield the quads of ``data`` (None: the file at ``path``) in ``graph`` (default graph
    when None); raise ParseError.

    A file loaded into its own graph may not name graphs; no term may hold the control
    characters the batch limits refuse (``check_terms=False``: the bytes were shown not to
    spell one, see :func:`scan`).
    """
    target = ox.NamedNode(graph) if graph else ox.DefaultGraph()
    source = {"path": path} if data is None else {"input": data}
    try:
        for t in ox.parse(**source, format=FORMATS[path.suffix], base_iri=path.resolve().as_uri()):
            problem = check_terms and text_problem((t.subject, t.predicate, t.object))
            if problem:
                raise ParseError(str(path), None, None, f"{problem}; {CONTROLS_REFUSED}")
            if isinstance(t, ox.Quad) and not isinstance(t.graph_name, ox.DefaultGraph) and graph:
                raise ParseError(
                    str(path), None, None, "a file loaded into its own graph may not name graphs"
                )
            yield ox.Quad(t.subject, t.predicate, t.object, target)
    except SyntaxError as exc:
        raise ParseError(str(path), exc.lineno, exc.offset, exc.msg) from None
    except UnicodeDecodeError as exc:
        raise ParseError(str(path), None, None, f"not UTF-8 text ({exc.reason})") from None


def _check(path: Path, data: bytes) -> None:
    """Refuse input no parser should be given (graph.rdf_input), as a ParseError."""
    try:
        check_input(data, FORMATS[path.suffix])
    except UnsafeInput as exc:
        raise ParseError(str(path), None, None, str(exc)) from None


# Bytes that are, or may spell once unescaped, a character graph.batch_limits refuses:
# C0/C1 controls but tab, LF, CR; DEL; U+FFFE/U+FFFF; surrogates; \u \U \b \f escapes; &#.
SUSPECT = re.compile(
    rb"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]|\xc2[\x80-\x9f]|\xef\xbf[\xbe\xbf]|\xed[\xa0-\xbf]"
    rb"|\\[uUbf]|&#"
)
# The bytes any of them starts with: one character class is five times as fast to scan.
FIRST = re.compile(rb"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\xc2\xed\xef\\&]")
BLOCK = 8 * 2**20


def scan(path: Path) -> tuple[str, bool]:
    """Return the content hash of the file at ``path`` and whether it holds a
    :data:`SUSPECT` byte sequence, reading it in blocks."""
    digest, suspect, tail = hashlib.sha256(), False, b""
    with open(path, "rb") as data:
        while block := data.read(BLOCK):
            digest.update(block)
            text = tail + block
            suspect = suspect or (
                FIRST.search(text) is not None and SUSPECT.search(text) is not None
            )
            tail = block[-2:]
    return "sha256:" + digest.hexdigest(), suspect


class StreamedQuads(Streamed):
    """The quads of one checked file, parsed again from the file each time they are
    iterated, and handed to the bulk loader as the file itself."""

    def __init__(
        self, path: Path, data: bytes | None, graph: str, count: int, check_terms: bool = True
    ):
        self.path, self.data, self.graph, self.count = path, data, graph, count
        self.check_terms = check_terms

    def __len__(self) -> int:
        return self.count

    def __iter__(self) -> Iterator[ox.Quad]:
        return iter_quads(self.path, self.data, self.graph, self.check_terms)

    def rdf(self) -> RdfText:
        data = self.data
        opener = (lambda: open(self.path, "rb")) if data is None else (lambda: io.BytesIO(data))
        return RdfText(opener, FORMATS[self.path.suffix], self.path.resolve().as_uri())


def parse_streamed(path: Path, graph: str, suspect: bool = True) -> StreamedQuads:
    """Check that the file at ``path`` parses, counting its quads without keeping them;
    ``suspect``: its bytes may spell a refused character, so every term is checked."""
    try:
        check_file(path, FORMATS[path.suffix])
    except UnsafeInput as exc:
        raise ParseError(str(path), None, None, str(exc)) from None
    quads = StreamedQuads(path, None, graph, 0, check_terms=suspect)
    for _ in quads:
        quads.count += 1
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


@dataclass
class PreparedFile:
    """A parsed file ready to be written."""

    path: Path
    graph: str
    digest: str
    quads: list[ox.Quad] | StreamedQuads


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
        graph = graph_name_for(path, root)
        # Big files on an embedded store are checked without keeping their quads.
        if writes.streams(store, path.stat().st_size):
            digest, suspect = scan(path)
            if known.get(graph) == digest:
                unchanged.append(graph)
                continue
            quads: list[ox.Quad] | StreamedQuads = parse_streamed(path, graph, suspect)
        else:
            data = path.read_bytes()
            digest = content_hash(data)
            if known.get(graph) == digest:
                unchanged.append(graph)
                continue
            quads = parse_file(path, data, graph)
        todo.append(PreparedFile(path, graph, digest, quads))
    return todo, unchanged


def write(store: ox.Store, prepared: Iterable[PreparedFile], root: Path) -> Iterator[PreparedFile]:
    """Write each prepared file into its graph with its catalogue entry, one write per file;
    yield each when done."""
    for item in prepared:
        try:
            origin = item.path.resolve().relative_to(root.resolve()).as_posix()
        except ValueError:
            origin = str(item.path.resolve())
        entry = writes.catalogue_entry(item.graph, item.digest, origin)
        writes.replace_graph(store, item.graph, item.quads, catalogue=entry)
        yield item


def is_project_graph(iri: str) -> bool:
    """Tell whether a graph IRI is one the loader manages."""
    return iri.startswith(str(GRAPH))
