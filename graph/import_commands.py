"""The `openness import` sub-command: convert a dataset, validate it, load it."""

from __future__ import annotations

import argparse
from pathlib import Path

from graph.cli import UsageError, command


def register(sub: argparse._SubParsersAction) -> None:
    """Add `openness import osai-index|mof DIR`."""
    from graph.importers import IMPORTERS

    p = sub.add_parser("import", help="convert a dataset into data/<name> and load it")
    p.add_argument("dataset", choices=sorted(IMPORTERS), help="which dataset's format DIR holds")
    p.add_argument(
        "dir", metavar="DIR", help="the dataset's folder (a copy of its repository files)"
    )
    p.add_argument("--out", help="where to write the converted files (default: data/<dataset>)")


@command("import")
def cmd_import(args: argparse.Namespace) -> int:
    """Convert the dataset, then load (with validation) and drop graphs of files it no longer has."""
    from graph import loading, paths
    from graph.commands import load_files, store_from
    from graph.importers import run_import
    from graph.importers.load import stale_graphs
    from graph.store.writes import drop_graphs

    if not Path(args.dir).is_dir():
        raise UsageError(f"{args.dir}: no such folder")
    result, _ = run_import(args.dataset, args.dir, out_dir=args.out, progress=True)
    out = Path(args.out) if args.out else paths.DATA_DIR / args.dataset
    records = ", ".join(f"{n} {part}" for part, n in result.records.items())
    print(f"converted {args.dataset}: {records}; {result.models} models, {result.claims} claims.")
    store = store_from(args)
    # The dataset's claims are validated against the frameworks, so those come first.
    status = load_files(store, loading.rdf_files([paths.ONTOLOGY_DIR]))
    files = loading.rdf_files([out])
    status = status or load_files(store, files)
    if status:
        return status
    stale = stale_graphs(store, out, files, paths.ROOT)
    drop_graphs(store, stale)
    if stale:
        print(f"dropped {len(stale)} graph(s) the new import no longer has.")
    return 0
