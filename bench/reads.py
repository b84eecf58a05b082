"""Time the reads behind scoring, ingest and the trace as the graph grows.

    .venv/bin/python bench/reads.py [--sizes 100000 1000000 5000000] [--runs 3] [--out FILE]

At each size ``bench/generate.py`` writes a synthetic graph, ``bench/run.py``'s
``build_store`` loads it with the ontology and derives every model into an
on-disk store, and each measure is the median of ``--runs`` runs:

- the evidence read of every model (``graph.records.read_evidence``, quotes
  left out as scoring does) against the example query
  ``graph/queries/claim-evidence.rq`` read to its last row in the same run
  (once: minutes at 5M): the same claims, sources and quotes as one row of
  OPTIONALs per claim, the shape the evidence read had before it was split
  into one row per node and property (the query alone, without building
  records from its rows, so the ratio understates the difference);
- the same two for the 100 models a 100-claim batch touches;
- the scoring of every model (``graph.derive.compute``);
- the trace of one model (``graph.evidence.trace``);
- ingest of a new 100-claim batch (``graph.ingest.ingest``), and its ratio to
  the same at the first size of the run.

``bench/run.py`` measures everything else (loads, queries, HTTP); this script
exists so that these figures can be taken again at 5M triples in minutes.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from generate import ID, generate, models_for, write  # noqa: E402
from run import build_store, log, measure_ingest, median, ms, versions  # noqa: E402

from graph import derive, records  # noqa: E402
from graph.evidence import trace  # noqa: E402

BATCH_MODELS = 100


def every_row(store, query: str) -> int:
    """Run ``query`` and read every row (no row cap); return how many there were."""
    return sum(1 for _ in store.query(query, use_default_graph_as_union=True))


def measure(size: int, runs: int, seed: int, work: Path) -> dict:
    """Build the store at one size and time each read; return the figures."""
    models = models_for(size, seed)
    data = work / "data.nt"
    lines = generate(models, seed)
    with open(data, "w", encoding="utf-8") as out:
        write(lines, out, "nt")
    r: dict = {"size": size, "generated": len(lines), "models": models}
    del lines
    log(f"[{size}] generated {r['generated']} triples, {models} models")
    r |= time_reads(build_store(work / "store", data), models, runs)
    log(f"[{size}] reads timed")
    r["ingest"] = measure_ingest(work / "store", models, size, seed, runs)
    log(f"[{size}] ingest {r['ingest']:.2f} s")
    return r


def time_reads(store, models: int, runs: int) -> dict:
    """Time the evidence reads, the scoring and a trace on ``store``."""
    r: dict = {"in_store": len(store)}
    every = records.load_query("claim-evidence")
    some = sorted(records.read_models(store))[:: max(1, models // BATCH_MODELS)][:BATCH_MODELS]
    narrowed = records.restrict(every, "model", some)
    r["evidence_all"] = median(lambda: records.read_evidence(store, quotes=False), runs)
    r["evidence_all_quotes"] = median(lambda: records.read_evidence(store), runs)
    r["one_row_all"] = median(lambda: every_row(store, every), 1)  # minutes at 5M
    r["evidence_some"] = median(lambda: records.read_evidence(store, some), runs)
    r["one_row_some"] = median(lambda: every_row(store, narrowed), runs)
    r["compute"] = median(lambda: derive.compute(store), runs)
    r["trace"] = median(lambda: trace(store, f"{ID}model/m-0"), runs)
    return r


def report(results: list[dict], runs: int) -> str:
    """Return the figures as a Markdown table, one column per size."""
    first = results[0]
    head = [f"{r['generated']:,} generated, {r['in_store']:,} in store" for r in results]
    rows = [
        "| | " + " | ".join(head) + " |",
        "|---|" + "---|" * len(results),
    ]

    def row(label: str, cell) -> None:
        rows.append(f"| {label} | " + " | ".join(cell(r) for r in results) + " |")

    row(
        "evidence read, every model: split / one row per claim, one run (÷ split)",
        lambda r: (
            f"{ms(r['evidence_all'])} / {ms(r['one_row_all'])} "
            f"({r['one_row_all'] / r['evidence_all']:.1f}x)"
        ),
    )
    row("evidence read, every model, with quotes", lambda r: ms(r["evidence_all_quotes"]))
    row(
        f"evidence read, {BATCH_MODELS} models: split / one row per claim (÷ split)",
        lambda r: (
            f"{ms(r['evidence_some'])} / {ms(r['one_row_some'])} "
            f"({r['one_row_some'] / r['evidence_some']:.1f}x)"
        ),
    )
    row("scoring of every model (`derive.compute`)", lambda r: ms(r["compute"]))
    row("trace of one model", lambda r: ms(r["trace"]))
    row(
        f"100-claim ingest (÷ at {first['generated']:,})",
        lambda r: f"{ms(r['ingest'])} ({r['ingest'] / first['ingest']:.2f}x)",
    )
    runs_text = f"Medians of {runs} runs." if runs > 1 else "One run."
    return runs_text + "\n\n" + "\n".join(rows)


def main(argv: list[str] | None = None) -> int:
    """Measure at every size and print the Markdown table."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", help="also write the report (Markdown) to this file")
    args = parser.parse_args(argv)
    results = []
    for size in args.sizes:
        with tempfile.TemporaryDirectory(prefix="openness-reads-") as work:
            results.append(measure(size, args.runs, args.seed, Path(work)))
    text = versions() + "\n\n" + report(results, args.runs)
    print(text)
    if args.out:
        Path(args.out).write_text(text + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
