"""Time scoring every model against the engine's own read of what scoring reads.

    .venv/bin/python -m bench.scoring [--sizes bundled 100000 1000000] [--runs 5] [--out FILE]

The floor: ``SELECT (COUNT(*) AS ?n) { VALUES ?p { ... } GRAPH ?g { ?s ?p ?o } }``
over the properties scoring reads (``SCORING_READS``), counted inside the engine
with no term turned into text and nothing crossing into Python. Beside it, in the
same run: ``graph.derive.compute`` of every model, and its two halves, the reads
(``read_evidence`` without quotes and ``read_matches``) and the Python derivation
(``derive_model`` over the records read). Each is the median of ``--runs`` runs,
as wall-clock time and as this process's CPU time: on a shared machine the CPU time
moves less with what else runs, and the ratios are taken within one run.

``bundled`` is the project's own data, loaded as ``openness load --no-validate``
does into an on-disk store; a number is a synthetic graph of about that many
triples (``bench/generate.py``), loaded and derived as ``bench/run.py`` does.
``bench/reads.py`` prints the same ratio in its table.
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import pyoxigraph as ox

from bench.generate import generate, models_for, write
from bench.run import build_store, log, ms, versions
from graph import derive, records
from graph.derive.model import derive_model
from graph.namespaces import OG, RDF, RDFS, SKOS

# What scoring every model reads: the models (typed, named, their developers), the
# claims' and sources' properties, and the mappings between criteria.
SCORING_READS = tuple(
    dict.fromkeys(
        [str(RDF.type), str(RDFS.label), str(OG.developer)]
        + list(records.CLAIM_PROPERTIES)
        + list(records.SOURCE_PROPERTIES)
        + [str(SKOS.closeMatch), str(SKOS.exactMatch)]
    )
)
SCAN_QUERY = (
    "SELECT (COUNT(*) AS ?n) WHERE { VALUES ?p { "
    + " ".join(f"<{p}>" for p in SCORING_READS)
    + " } GRAPH ?g { ?s ?p ?o } }"
)


def clocks(fn: Callable[[], object], runs: int) -> tuple[float, float]:
    """Return the median wall-clock and CPU seconds of ``runs`` calls of ``fn``."""
    wall, cpu = [], []
    for _ in range(runs):
        gc.collect()
        w, c = time.perf_counter(), time.process_time()
        fn()
        cpu.append(time.process_time() - c)
        wall.append(time.perf_counter() - w)
    return statistics.median(wall), statistics.median(cpu)


def scanned(store: ox.Store) -> int:
    """Return how many statements the scan counts."""
    return int(next(iter(store.query(SCAN_QUERY)))[0].value)


def derive_every(store: ox.Store) -> Callable[[], object]:
    """Return the Python half of ``compute``: ``derive_model`` over records read once."""
    evidence = records.read_evidence(store, quotes=False)
    matches = records.read_matches(store)
    by_model: dict[str, list] = {}
    for claim in evidence.claims:
        by_model.setdefault(claim.model, []).append(claim)

    def run() -> object:
        return [
            derive_model(m, by_model.get(iri, []), evidence.sources, matches)
            for iri, m in evidence.models.items()
        ]

    return run


def time_scoring(store: ox.Store, runs: int) -> dict:
    """Time the scan and the scoring of every model on ``store``, in one run."""
    r: dict = {"scanned": scanned(store), "claims": 0}
    r["scan"], r["scan_cpu"] = clocks(lambda: scanned(store), runs)
    r["compute_all"], r["compute_all_cpu"] = clocks(lambda: derive.compute(store), runs)
    r["read"], r["read_cpu"] = clocks(
        lambda: (records.read_evidence(store, quotes=False), records.read_matches(store)), runs
    )
    r["python"], r["python_cpu"] = clocks(derive_every(store), runs)
    r["claims"] = len(records.read_evidence(store, quotes=False).claims)
    return r


def bundled_store(location: Path) -> ox.Store:
    """Load the bundled ontology and data into an on-disk store and derive it."""
    from graph.cli import main

    with contextlib.redirect_stdout(sys.stderr):  # its report is progress, not figures
        loaded = main(["--store", str(location), "load", "--no-validate"])
    if loaded != 0:
        raise SystemExit("loading the bundled data failed")
    return ox.Store(str(location))


def measure(size: str, runs: int, seed: int, work: Path) -> dict:
    """Build the store for one size (``bundled`` or a triple count) and time its scoring."""
    if size == "bundled":
        store = bundled_store(work / "store")
    else:
        lines = generate(models_for(int(size), seed), seed)
        data = work / "data.nt"
        with open(data, "w", encoding="utf-8") as out:
            write(lines, out, "nt")
        del lines
        store = build_store(work / "store", data)
    r = {"size": size, "in_store": len(store)} | time_scoring(store, runs)
    log(f"[{size}] scan {ms(r['scan'])}, compute {ms(r['compute_all'])}")
    return r


def ratio(num: float, den: float) -> str:
    """Render num ÷ den."""
    return f"{num / den:.1f}x" if den else "-"


def scoring_rows(results: list[dict]) -> list[str]:
    """Return the Markdown rows comparing scoring with the scan, one column per result."""
    rows = []

    def row(label: str, cell: Callable[[dict], str]) -> None:
        rows.append(f"| {label} | " + " | ".join(cell(r) for r in results) + " |")

    row(
        "statements scoring reads (the scan counts them); claims",
        lambda r: f"{r['scanned']:,}; {r['claims']:,}",
    )
    for label, key in (
        ("the engine's scan of them", "scan"),
        ("scoring of every model (`derive.compute`)", "compute_all"),
        ("of which the reads (`read_evidence`, `read_matches`)", "read"),
        ("of which the Python derivation (`derive_model`)", "python"),
    ):
        row(f"{label}: wall / CPU", lambda r, k=key: f"{ms(r[k])} / {ms(r[k + '_cpu'])}")
    row(
        "scoring ÷ scan: wall / CPU",
        lambda r: (
            f"{ratio(r['compute_all'], r['scan'])} / {ratio(r['compute_all_cpu'], r['scan_cpu'])}"
        ),
    )
    row(
        "reads ÷ scan, CPU",
        lambda r: ratio(r["read_cpu"], r["scan_cpu"]),
    )
    return rows


def report(results: list[dict], runs: int) -> str:
    """Return the figures as a Markdown table, one column per size."""
    head = [
        ("bundled data" if r["size"] == "bundled" else f"~{int(r['size']):,} generated")
        + f", {r['in_store']:,} in store"
        for r in results
    ]
    rows = ["| | " + " | ".join(head) + " |", "|---|" + "---|" * len(results)]
    return f"Medians of {runs} runs.\n\n" + "\n".join(rows + scoring_rows(results))


def main(argv: list[str] | None = None) -> int:
    """Measure at every size and print the Markdown table."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", nargs="+", default=["bundled", "100000", "1000000"])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", help="also write the report (Markdown) to this file")
    args = parser.parse_args(argv)
    for size in args.sizes:
        if size != "bundled" and not size.isdigit():
            parser.error(f"--sizes takes 'bundled' or a number of triples, not {size!r}")
    results = []
    for size in args.sizes:
        with tempfile.TemporaryDirectory(prefix="openness-scoring-") as work:
            results.append(measure(size, args.runs, args.seed, Path(work)))
    text = versions() + "\n\n" + report(results, args.runs)
    print(text)
    if args.out:
        Path(args.out).write_text(text + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
