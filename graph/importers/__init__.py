"""Import external openness datasets as RDF: one module per format.

- ``import_osai_index(source_dir, out_dir)``: the European Open Source AI Index
  and its legacy "Opening up ChatGPT" table (``graph.importers.osai_index``);
- ``import_mof(source_dir, out_dir)``: the Model Openness Tool's records of the
  Model Openness Framework (``graph.importers.mof``);
- ``load_import(store, out_dir)``: load a dataset's converted files into the
  store, replacing its previous import (``graph.importers.load``);
- ``run_import(name, source_dir)``: both steps, as ``openness import NAME DIR``
  runs them.

Both importers recognise the same model across datasets through
``graph.importers.identity`` and the reviewed decisions in
``data/model-identity.csv``. The converted data is committed under
``data/osai-index/`` and ``data/mof/``.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

import pyoxigraph as ox
from tqdm import tqdm

from graph.importers.common import ImportResult
from graph.importers.load import load_import
from graph.importers.mof import import_mof
from graph.importers.osai_index import import_osai_index
from graph.loading import LoadResult
from graph.paths import DATA_DIR, ROOT

IMPORTERS: dict[str, Callable[..., ImportResult]] = {
    "osai-index": import_osai_index,
    "mof": import_mof,
}


def default_out_dir(name: str) -> Path:
    """Return the folder under data/ that holds a dataset's converted files."""
    if name not in IMPORTERS:
        raise ValueError(f"unknown dataset {name!r}; expected one of {', '.join(IMPORTERS)}")
    return DATA_DIR / name


def run_import(
    name: str,
    source_dir: str | Path,
    *,
    out_dir: str | Path | None = None,
    store: ox.Store | None = None,
    root: str | Path = ROOT,
    progress: bool = True,
) -> tuple[ImportResult, LoadResult | None]:
    """Convert a dataset's copy into ``out_dir`` (default data/<name>) and load it into ``store``.

    Progress bars go to stderr. Without a store, only the files are written.
    """
    default = default_out_dir(name)  # also refuses an unknown dataset
    out = Path(out_dir) if out_dir is not None else default
    result = IMPORTERS[name](source_dir, out, progress=progress)
    if store is None:
        return result, None

    def bar(items):  # noqa: ANN001, ANN202
        return tqdm(items, desc="loading", unit="file", file=sys.stderr)

    return result, load_import(store, out, root, progress=bar if progress else None)


__all__ = [
    "IMPORTERS",
    "ImportResult",
    "default_out_dir",
    "import_mof",
    "import_osai_index",
    "load_import",
    "run_import",
]
