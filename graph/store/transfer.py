"""Move a whole dataset between stores: dump every graph to a file, restore it elsewhere.

This is how a graph moves from the embedded store to an external SPARQL server (or back):
``openness dump all.nq.gz`` on one, ``openness --store sparql+http://... restore all.nq.gz``
on the other. Graph names, the catalogue and the derived graphs travel as they are, so the
restored store needs no reload and no derive.
"""

from __future__ import annotations

import gzip
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from graph.store import writes

FORMATS = {".nq": ox.RdfFormat.N_QUADS, ".trig": ox.RdfFormat.TRIG}


@dataclass(frozen=True)
class Transfer:
    """What a dump or restore moved."""

    graphs: int
    quads: int


def format_of(path: Path) -> tuple[ox.RdfFormat, bool]:
    """Return the dataset format of ``path`` (.nq or .trig, optionally .gz) and if gzipped."""
    name = path.name[:-3] if path.name.endswith(".gz") else path.name
    suffix = Path(name).suffix
    if suffix not in FORMATS:
        raise ValueError(
            f"{path}: a dump is N-Quads or TriG; name it .nq, .trig, .nq.gz or .trig.gz"
        )
    return FORMATS[suffix], path.name.endswith(".gz")


def dump(store, path: Path) -> Transfer:
    """Write every graph of ``store`` to ``path``; return how much was written."""
    fmt, zipped = format_of(path)
    quads = list(store.quads_for_pattern(None, None, None, None))
    opener = gzip.open if zipped else open
    with opener(path, "wb") as out:
        ox.serialize(quads, out, format=fmt)
    return Transfer(len({q.graph_name for q in quads}), len(quads))


def restore(store, path: Path) -> Transfer:
    """Write every graph of the dump at ``path`` into ``store``, replacing graphs of the same name.

    Each graph is written whole by :func:`graph.store.writes.replace_graph`, whose contract
    says what a reader can see. The dump is parsed completely before anything is
    written, so a dump that does not parse changes nothing.
    """
    fmt, zipped = format_of(path)
    graphs: dict[object, list[ox.Triple]] = {}
    for quad in _parse(path, fmt, zipped):
        graphs.setdefault(quad.graph_name, []).append(quad.triple)
    total = 0
    for graph, triples in graphs.items():
        total += len(triples)
        name = graph.value if isinstance(graph, ox.NamedNode) else None
        writes.replace_graph(store, name, _GraphQuads(graph, triples))
    return Transfer(len(graphs), total)


class _GraphQuads(writes.Streamed):
    """The triples of one graph of a dump as quads in it, written without an update text."""

    def __init__(self, graph: ox.NamedNode | ox.DefaultGraph, triples: list[ox.Triple]):
        self.graph, self.triples = graph, triples

    def __len__(self) -> int:
        return len(self.triples)

    def __iter__(self) -> Iterator[ox.Quad]:
        return (ox.Quad(t.subject, t.predicate, t.object, self.graph) for t in self.triples)


def _parse(path: Path, fmt: ox.RdfFormat, zipped: bool) -> Iterator[ox.Quad]:
    opener = gzip.open if zipped else open
    with opener(path, "rb") as data:
        try:
            yield from ox.parse(data, format=fmt)
        except SyntaxError as error:
            raise ValueError(f"{path}: {error}") from None
