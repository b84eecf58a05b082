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
from typing import BinaryIO

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
    """Write every graph of ``store`` to ``path``; return how much was written.

    The quads are written as they are read, so memory does not grow with the store."""
    fmt, zipped = format_of(path)
    graphs: set[object] = set()
    count = 0

    def counted() -> Iterator[ox.Quad]:
        nonlocal count
        for quad in store.quads_for_pattern(None, None, None, None):
            graphs.add(quad.graph_name)
            count += 1
            yield quad

    opener = gzip.open if zipped else open
    with opener(path, "wb") as out:
        ox.serialize(counted(), out, format=fmt)
    return Transfer(len(graphs), count)


def restore(store, path: Path) -> Transfer:
    """Write every graph of the dump at ``path`` into ``store``, replacing graphs of the same name.

    The dump is parsed once to check it and name its graphs, without keeping its quads, so
    a dump that does not parse changes nothing; then
    :func:`graph.store.writes.replace_graphs` writes them (its contract says what a reader
    and a crash can see: on the embedded store, the bulk loader in bounded memory).
    """
    fmt, zipped = format_of(path)
    dump_file = _Dump(path, fmt, zipped)
    names: set[str | None] = set()
    total = 0
    for quad in dump_file:
        name = quad.graph_name
        names.add(name.value if isinstance(name, ox.NamedNode) else None)
        total += 1
    dump_file.count = total
    if total:
        writes.replace_graphs(store, names, dump_file)
    return Transfer(len(names), total)


class _Dump(writes.Streamed):
    """The quads of a dump file, parsed anew each time they are iterated."""

    def __init__(self, path: Path, fmt: ox.RdfFormat, zipped: bool):
        self.path, self.fmt, self.zipped, self.count = path, fmt, zipped, 0

    def __len__(self) -> int:
        return self.count

    def __iter__(self) -> Iterator[ox.Quad]:
        with self._open() as data:
            try:
                yield from ox.parse(data, format=self.fmt)
            except SyntaxError as error:
                raise ValueError(f"{self.path}: {error}") from None

    def rdf(self) -> writes.RdfText:
        return writes.RdfText(self._open, self.fmt)

    def _open(self) -> BinaryIO:
        return gzip.open(self.path, "rb") if self.zipped else open(self.path, "rb")
