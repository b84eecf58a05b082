"""Load one dataset's converted files into the store, replacing its previous import.

Each file becomes its own named graph (``graph/loading.py``), so a dataset's
import is the set of graphs under ``<GRAPH><folder>/``. Loading again loads only
files whose content changed, and drops the graphs of files that the new
import no longer has; loading an unchanged import changes nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path

import pyoxigraph as ox

from graph import loading
from graph.paths import ROOT
from graph.store.writes import drop_graphs


def dataset_prefix(out_dir: Path, root: Path = ROOT) -> str:
    """Return the named-graph IRI prefix shared by every file of a dataset folder."""
    probe = loading.graph_name_for(Path(out_dir) / "x.ttl", Path(root))
    return probe[: -len("x.ttl")]


def stale_graphs(
    store: ox.Store, out_dir: Path, files: Iterable[Path], root: Path = ROOT
) -> list[str]:
    """Return the dataset's loaded graphs whose files ``files`` no longer include."""
    prefix = dataset_prefix(out_dir, root)
    current = {loading.graph_name_for(p, root) for p in files}
    return [g for g in loading.stored_hashes(store) if g.startswith(prefix) and g not in current]


def load_import(
    store: ox.Store,
    out_dir: str | Path,
    root: str | Path = ROOT,
    *,
    force: bool = False,
    progress: Callable[[Iterable], Iterable] | None = None,
) -> loading.LoadResult:
    """Replace a dataset's graphs in ``store`` with the RDF files in ``out_dir``.

    Everything is parsed before anything is written, so a file that does not
    parse leaves the store as it was. ``progress`` may wrap the writes (e.g. in
    a progress bar).
    """
    out_dir, root = Path(out_dir), Path(root)
    files = loading.rdf_files([out_dir])
    todo, unchanged = loading.prepare(files, root, store, force=force)
    stale = stale_graphs(store, out_dir, files, root)
    result = loading.LoadResult(unchanged=unchanged)
    writes = loading.write(store, todo, root)
    for item in progress(writes) if progress else writes:
        result.loaded.append(item.graph)
        result.triples += len(item.quads)
    drop_graphs(store, stale)
    return result
