"""The handlers behind the `openness` sub-commands."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Iterable
from dataclasses import replace
from pathlib import Path
from typing import TypeVar

import pyoxigraph as ox
from tqdm import tqdm

from graph import loading, paths
from graph.cli import UsageError, command, output, read_query_arg
from graph.namespaces import PREFIXES
from graph.sparql.syntax_errors import explain
from graph.store import (
    ENV_VAR,
    MEMORY,
    StoreError,
    default_location,
    is_external,
    is_snapshot,
    open_for_reading,
    open_read_only,
    open_store,
    writes,
)
from graph.validation.context import context_for, referenced_iris, to_rdflib

T = TypeVar("T")


def register(sub: argparse._SubParsersAction) -> None:
    """Add the store sub-commands: load, validate, query, stats, spectrum."""
    p = sub.add_parser(
        "load", help="load RDF files into named graphs (default: the bundled ontology and data)"
    )
    p.add_argument(
        "paths",
        nargs="*",
        metavar="PATH",
        help="files or directories (.ttl .nt .nq .trig .jsonld .rdf)",
    )
    p.add_argument(
        "--no-validate", action="store_true", help="load without SHACL validation (says so)"
    )
    p.add_argument("--force", action="store_true", help="reload files even when unchanged")

    p = sub.add_parser("validate", help="validate RDF files against the SHACL shapes")
    p.add_argument("paths", nargs="+", metavar="FILE")
    # `openness validate FILE --store STORE` reads as the docs write it; the same setting as
    # the --store before the command (SUPPRESS keeps that one when this is not given).
    p.add_argument("--store", default=argparse.SUPPRESS, help="the store to check names against")
    p.add_argument(
        "--format", choices=("text", "turtle"), default="text", help="the report as lines or as RDF"
    )

    p = sub.add_parser("query", help="run a SPARQL query over the store")
    p.add_argument(
        "query", metavar="SPARQL|@file.rq", help="the query text, or @ and a file holding it"
    )
    p.add_argument("--format", choices=("table", "json", "csv", "turtle"), default="table")

    sub.add_parser("stats", help="count graphs, triples and things in the store")

    p = sub.add_parser(
        "spectrum", help="load the bundled data and print the OTI spectrum table from the graph"
    )
    p.add_argument("--no-load", action="store_true", help="print from the store as it is")


def store_from(args: argparse.Namespace) -> ox.Store:
    """Open the store the command line names, to write it."""
    try:
        return open_store(args.store)
    except StoreError as exc:
        raise UsageError(str(exc)) from None


def read_store_from(args: argparse.Namespace) -> ox.Store:
    """Open the store the command line names, to read it: while `openness serve` holds an
    on-disk store, the server's latest snapshot (graph.store.open_for_reading)."""
    try:
        store = open_for_reading(args.store)
    except StoreError as exc:
        raise UsageError(str(exc)) from None
    if is_snapshot(store):
        print(
            "note: a running server holds the store; reading its latest snapshot",
            file=sys.stderr,
        )
    return store


def progress(items: Iterable[T], total: int, desc: str) -> Iterable[T]:
    """Wrap ``items`` in a progress bar that appears only if the work takes over a second."""
    return tqdm(items, total=total, desc=desc, unit="file", delay=1.0, file=sys.stderr, leave=False)


def files_from(raw: list[str]) -> list[Path]:
    """Expand command-line paths into RDF files, as a usage error when one is missing."""
    try:
        files = loading.rdf_files(raw)
    except (FileNotFoundError, loading.ParseError) as exc:
        raise UsageError(str(exc)) from None
    if not files:
        raise UsageError(f"no RDF files found in {' '.join(raw)}")
    return files


def print_violations(report, origin: dict[str, str] | None = None) -> None:  # noqa: ANN001
    """Print one line per cause of the data's violations, naming the file a node comes from."""
    results = report.data_results
    if origin:
        results = [
            replace(v, source_file=v.source_file or origin.get(str(v.focus_node))) for v in results
        ]
    from graph.validation.report import group_results

    # A cause many nodes share is one line: 500 claims citing an unloaded framework, say.
    for group in group_results(report, results):
        print(group.line, file=sys.stderr)
    count = len(results)
    print(f"{count} violation{'s' if count != 1 else ''}.", file=sys.stderr)


def origins(prepared: list[loading.PreparedFile]) -> dict[str, str]:
    """Map each subject IRI or blank node id to the file that states it."""
    found: dict[str, str] = {}
    for item in prepared:
        for q in item.quads:
            found.setdefault(q.subject.value, str(item.path))
    return found


def load_files(
    store: ox.Store, files: list[Path], validate: bool = True, force: bool = False
) -> int:
    """Parse, validate and write files; return an exit status and print what happened."""
    from graph.validation import validate as shacl_validate
    from graph.validation.names import explain_unknown

    try:
        todo, unchanged = loading.prepare(files, paths.ROOT, store, force=force)
    except loading.ParseError as exc:
        print(f"error: {exc}\nNothing was loaded; fix the file and load again.", file=sys.stderr)
        return 1
    if todo and validate:
        data = to_rdflib(q for item in todo for q in item.quads)
        report = shacl_validate(data, context_for(store, referenced_iris(data)))
        if not report.data_conforms:
            report = explain_unknown(report, store, data)
            print_violations(report, origins(todo))
            print(
                "Nothing was loaded. Fix the data, or pass --no-validate to load it anyway.",
                file=sys.stderr,
            )
            return 1
    elif todo:
        print("warning: loading without SHACL validation (--no-validate).", file=sys.stderr)
    # What writes that died left behind (a server's staging graphs, never read) goes now.
    writes.clean_up(store)
    triples = 0
    for item in progress(loading.write(store, todo, paths.ROOT), len(todo), "loading"):
        triples += len(item.quads)
    print(
        f"loaded {len(todo)} file{'s' if len(todo) != 1 else ''} ({triples} triples); "
        f"{len(unchanged)} unchanged."
    )
    if todo:
        from graph.derive import derive_after_load

        models = derive_after_load(store, [item.graph for item in todo])
        print(f"recomputed the assessments and scores of {len(models)} models.")
    flush(store)
    return 0


def flush(store: ox.Store) -> None:
    """Make sure writes reach the disk before the command returns."""
    store.flush()


def load_bundled(store: ox.Store) -> int:
    """Bring the store up to date with the bundled ontology and data."""
    return load_files(store, files_from([str(p) for p in paths.bundled_paths()]))


@command("load")
def cmd_load(args: argparse.Namespace) -> int:
    """Load the named files, or the bundled ontology and data."""
    files = files_from(args.paths or [str(p) for p in paths.bundled_paths()])
    return load_files(store_from(args), files, validate=not args.no_validate, force=args.force)


FRAMEWORKS_DOC = "docs/frameworks.md"


def validation_store(args: argparse.Namespace) -> tuple[ox.Store | None, str]:
    """Open the store a validation checks references against, read-only; say which it is.

    A store named by --store or $OPENNESS_STORE must be there; the default one is used
    when it exists. Without one, the files are checked with the bundled ontology alone.
    """
    named = args.store or os.environ.get(ENV_VAR)
    location = named or default_location()
    if str(location) == MEMORY or is_external(location):
        return store_from(args), f"the store {location}"
    path = Path(location)
    if not (path / "CURRENT").is_file():
        if named:
            raise UsageError(
                f"no store at {path}: load it first (`openness --store {path} load`), or leave "
                "--store out to check the files with the bundled ontology and frameworks alone"
            )
        return None, "the bundled ontology and frameworks (no store: load one to check names)"
    try:
        return open_read_only(path), f"the store at {path}"
    except OSError as exc:
        raise UsageError(f"cannot read the store at {path}: {exc}") from None


@command("validate")
def cmd_validate(args: argparse.Namespace) -> int:
    """Validate files against the shapes and the store's content, with the bundled ontology."""
    from graph.validation import validate_files
    from graph.validation.report import group_results

    files = files_from(args.paths)
    own = {f.resolve() for f in files}
    context = [f for f in loading.rdf_files([paths.ONTOLOGY_DIR]) if f.resolve() not in own]
    store, against = validation_store(args)
    try:
        report = validate_files(files, context, store=store)
    except loading.ParseError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    if args.format == "turtle":
        print(report.graph.serialize(format="turtle"))
    count = len(files)
    if report.data_conforms:
        print(
            f"{count} file{' conforms' if count == 1 else 's conform'} to the shapes, "
            f"checked against {against}.",
            file=sys.stderr,
        )
        return 0
    results = report.data_results
    for group in group_results(report, results):
        print(group.line, file=sys.stderr)
    print(
        f"{len(results)} violation{'s' if len(results) != 1 else ''}, checked against {against}. "
        f"A new framework: see {FRAMEWORKS_DOC}.",
        file=sys.stderr,
    )
    return 1


@command("query")
def cmd_query(args: argparse.Namespace) -> int:
    """Run a SPARQL query over the union of the store's graphs."""
    text = read_query_arg(args.query)
    store = read_store_from(args)
    try:
        # The project's prefixes are predeclared as on the endpoint; a query's PREFIX wins.
        result = store.query(text, prefixes=PREFIXES, use_default_graph_as_union=True)
        print(output.render(result, args.format))
    except SyntaxError as exc:
        detail = explain(text, str(exc), PREFIXES)
        print(f"error: the query does not parse: {detail}", file=sys.stderr)
        return 1
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    return 0


@command("stats")
def cmd_stats(args: argparse.Namespace) -> int:
    """Print counts of graphs, triples and things."""
    from graph.stats import stats, unplaced

    store = read_store_from(args)
    for name, value in stats(store).items():
        print(f"{name:<14} {value}")
    # Models a framework has some evidence on but not enough for a grade, per framework.
    for slug, value in unplaced(store).items():
        print(f"{'unplaced/' + slug:<14} {value}")
    return 0


@command("spectrum")
def cmd_spectrum(args: argparse.Namespace) -> int:
    """Load the bundled data (unless told not to) and print the OTI spectrum table."""
    from graph.cli.spectrum_table import (
        format_contested,
        format_spectrum,
        placements,
        spectrum_rows,
    )

    store = read_store_from(args)
    # A server's snapshot is read as it is: the server keeps its own store up to date.
    if not args.no_load and not is_snapshot(store):
        status = load_bundled(store)
        if status:
            return status
    rows = spectrum_rows(store)
    contested = format_contested(store)
    if not rows and not contested:
        print("The store holds no spectrum claims; run `openness load` first.", file=sys.stderr)
        return 1
    table = format_spectrum(rows, placed=placements(store)) if rows else ""
    print("\n\n".join(text for text in (table, contested) if text))
    return 0
