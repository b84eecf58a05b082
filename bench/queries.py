"""Time the example queries in-process as the graph grows, rewritten beside as they were.

    .venv/bin/python -m bench.queries [--sizes 100000 1000000] [--runs 3] [--limit 30] [--bundled]
                                      [--only NAME ...] [--now-only]

At each size ``bench/generate.py`` writes a synthetic graph and ``bench/run.py``'s
``build_store`` loads it with the ontology and derives every model into an on-disk
store. Then every shipped query of ``graph/queries/`` runs in-process, read to its
last row (median of ``--runs``; a query past ``--limit`` seconds is run once). A query
rewritten for speed also runs as it was before (``tests/fixtures/queries-before/``):
the table gives both times, their ratio, and whether both gave the same rows (a list
GROUP_CONCAT joins counts as the same in any order). ``--bundled`` first does the same on
the bundled data, loaded into an on-disk store as ``openness load --no-validate`` does.
``--only`` times the named queries alone (file names without ``.rq``); ``--now-only``
leaves out the texts as they were (at 5M some of them take minutes).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

import pyoxigraph as ox

from bench.generate import generate, models_for, write
from bench.run import build_store, example_queries
from graph.cli import main as openness

ROOT = Path(__file__).resolve().parent.parent
BEFORE = ROOT / "tests" / "fixtures" / "queries-before"


SEPARATOR = " | "


def cell(term: ox.NamedNode | ox.Literal | None) -> str | None:
    """Return a term as text; a list joined by GROUP_CONCAT with its items sorted.

    GROUP_CONCAT joins a group's values in whatever order the engine met them, which a
    rewrite may change: the same list in another order is the same answer.
    """
    if term is None:
        return None
    if isinstance(term, ox.Literal) and SEPARATOR in term.value:
        return SEPARATOR.join(sorted(term.value.split(SEPARATOR)))
    return str(term)


def rows(result: ox.QuerySolutions) -> Counter:
    """Return a query's rows as a multiset of tuples of cells (order left aside)."""
    return Counter(tuple(cell(v) for v in row) for row in result)


def run(store: ox.Store, text: str) -> tuple[float, Counter]:
    """Return the seconds one run took to read every row, and the rows."""
    start = time.perf_counter()
    found = rows(store.query(text, use_default_graph_as_union=True))
    return time.perf_counter() - start, found


def timed(store: ox.Store, text: str, runs: int, limit: float) -> tuple[float, Counter]:
    """Return the median time of ``runs`` runs (one when the first passes ``limit``)."""
    first, rows = run(store, text)
    times = [first] + ([run(store, text)[0] for _ in range(runs - 1)] if first < limit else [])
    return statistics.median(times), rows


def table(
    store: ox.Store,
    label: str,
    runs: int,
    limit: float,
    only: list[str] | None = None,
    before: bool = True,
) -> list[str]:
    """Return the Markdown rows of the shipped queries on ``store``, the first cell ``label``.

    ``only`` names the queries to time; None times every one. ``before`` also times the
    texts as they were, where there is one.
    """
    lines = []
    for name, text in example_queries().items():
        if only is not None and name not in only:
            continue
        now, found = timed(store, text, runs, limit)
        cells = [name, f"{now:.2f} s", f"{sum(found.values()):,}"]
        old = BEFORE / f"{name}.rq"
        if before and old.exists():
            then, old_rows = timed(store, old.read_text(), runs, limit)
            same = "yes" if old_rows == found else "NO"
            cells += [f"{then:.2f} s", f"{then / now:.1f}x", same]
        else:
            cells += ["-", "-", "-"]
        lines.append(f"| {label} | " + " | ".join(cells) + " |")
        print(lines[-1], flush=True)
    return lines


def one_size(
    size: int,
    runs: int,
    limit: float,
    seed: int,
    only: list[str] | None = None,
    before: bool = True,
) -> list[str]:
    """Return the Markdown rows for one size."""
    with tempfile.TemporaryDirectory() as work:
        data = Path(work) / "data.nt"
        with data.open("w", encoding="utf-8") as out:
            write(generate(models_for(size, seed), seed), out, "nt")
        store = build_store(Path(work) / "store", data)
        lines = table(store, f"{size:,}", runs, limit, only, before)
        del store
        return lines


def bundled(
    runs: int, limit: float, only: list[str] | None = None, before: bool = True
) -> list[str]:
    """Return the Markdown rows for the bundled data, loaded as ``openness load`` does."""
    with tempfile.TemporaryDirectory() as work:
        location = str(Path(work) / "store")
        if openness(["--store", location, "load", "--no-validate"]) != 0:
            raise SystemExit("the bundled data did not load")
        store = ox.Store(location)
        lines = table(store, "bundled", runs, limit, only, before)
        del store
        return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--limit", type=float, default=30.0)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--bundled", action="store_true", help="also time them on the bundled data")
    parser.add_argument("--only", nargs="+", metavar="NAME", help="time only these queries")
    parser.add_argument(
        "--now-only", action="store_true", help="leave out the texts as they were before"
    )
    args = parser.parse_args(argv)
    if args.only:
        unknown = sorted(set(args.only) - set(example_queries()))
        if unknown:
            parser.error(
                f"--only names no shipped query: {', '.join(unknown)} (see graph/queries/)"
            )
    print("| triples | query | now | rows | before | speed-up | same rows |")
    print("|---|---|---|---|---|---|---|")
    if args.bundled:
        bundled(args.runs, args.limit, args.only, not args.now_only)
    for size in args.sizes:
        one_size(size, args.runs, args.limit, args.seed, args.only, not args.now_only)
    return 0


if __name__ == "__main__":
    sys.exit(main())
