"""Time the reads behind scoring, ingest and the trace as the graph grows.

    .venv/bin/python -m bench.reads [--sizes 100000 1000000 5000000] [--runs 3] [--out FILE]

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
- the scoring of every model (``graph.derive.compute``), and the engine's own
  count of the statements it reads in the same run, with their ratio
  (``bench/scoring.py``, which also splits the scoring into reads and Python);
- the trace of one model (``graph.evidence.trace``);
- ingest of a new 100-claim batch (``graph.ingest.ingest``), and its ratio to
  the same at the first size of the run; how many models such a batch is about
  and how many sources those models' claims cite (what the ingest recomputes
  and reads), and the ingest time per model;
- the store's own cost per lookup: the statements of the same number of claims
  (``LOOKUP_CLAIMS``, spread over the store), named by ``VALUES``, counted in the
  engine and read row by row, at each size, so the growth that no query shape
  can remove is measured beside the reads above;
- all-model scoring on rdflib's in-memory engine (``bench/run.py``'s
  measure, once, up to ``--rdflib-scoring-max`` triples) and its ratio.

``bench/run.py`` measures everything else (loads, queries, HTTP); this script
exists so that these figures can be taken again at 5M triples in minutes.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

from bench import scoring
from bench.generate import ID, generate, models_for, write
from bench.run import (
    RDFLIB_SCORING_MAX,
    batch,
    build_store,
    log,
    measure_ingest,
    measure_scoring_on_rdflib,
    median,
    ms,
    rdflib_scoring_cell,
    versions,
)
from graph import derive, queries, records
from graph.evidence import trace
from graph.namespaces import OG

ROOT = Path(__file__).resolve().parent.parent

BATCH_MODELS = 100
LOOKUP_CLAIMS = 2_000


def every_row(store, query: str) -> int:
    """Run ``query`` and read every row (no row cap); return how many there were."""
    return sum(1 for _ in store.query(query, use_default_graph_as_union=True))


def measure(size: int, runs: int, seed: int, work: Path, rdflib_max: int) -> dict:
    """Build the store at one size and time each read; return the figures."""
    models = models_for(size, seed)
    data = work / "data.nt"
    lines = generate(models, seed)
    with open(data, "w", encoding="utf-8") as out:
        write(lines, out, "nt")
    r: dict = {"size": size, "generated": len(lines), "models": models}
    del lines
    log(f"[{size}] generated {r['generated']} triples, {models} models")
    store = build_store(work / "store", data)
    r |= time_reads(store, models, runs)
    r |= time_lookups(store, runs)
    r |= batch_reach(store, models, size, seed)
    log(f"[{size}] reads timed")
    measure_scoring_on_rdflib(store, r, rdflib_max)
    del store
    r["ingest"] = measure_ingest(work / "store", models, size, seed, runs)
    log(f"[{size}] ingest {r['ingest']:.2f} s")
    return r


def time_lookups(store, runs: int) -> dict:
    """Time the statements of LOOKUP_CLAIMS claims spread over the store: counted, then read."""
    claims = sorted(
        row[0].value
        for row in store.query(
            f"SELECT ?c WHERE {{ ?c a <{OG.Claim}> }}", use_default_graph_as_union=True
        )
    )
    some = claims[:: max(1, len(claims) // LOOKUP_CLAIMS)][:LOOKUP_CLAIMS]
    pattern = f"{queries.values_block('claim', some)} ?claim ?p ?o"
    count = f"SELECT (COUNT(*) AS ?n) WHERE {{ {pattern} }}"
    rows = f"SELECT ?claim ?p ?o WHERE {{ {pattern} }}"
    return {
        "lookup_claims": len(some),
        "lookup_statements": every_row(store, rows),
        "lookup_count": median(lambda: every_row(store, count), runs),
        "lookup_rows": median(lambda: every_row(store, rows), runs),
    }


def batch_reach(store, models: int, size: int, seed: int) -> dict:
    """Count the models a 100-claim batch is about and the sources their claims cite."""
    import rdflib

    g = rdflib.Graph().parse(data=batch(models, 100, f"{size}-reach", seed), format="nt")
    about = {str(m) for m in g.objects(None, OG.aboutModel)}
    evidence = records.read_evidence(store, about, quotes=False)
    return {"batch_models": len(about), "batch_sources": len(evidence.sources)}


def time_reads(store, models: int, runs: int) -> dict:
    """Time the evidence reads, the scoring and a trace on ``store``."""
    r: dict = {"in_store": len(store)}
    every = queries.load_query("claim-evidence")
    some = sorted(records.read_models(store))[:: max(1, models // BATCH_MODELS)][:BATCH_MODELS]
    narrowed = queries.restrict(every, "model", some)
    r["evidence_all"] = median(lambda: records.read_evidence(store, quotes=False), runs)
    r["evidence_all_quotes"] = median(lambda: records.read_evidence(store), runs)
    r["one_row_all"] = median(lambda: every_row(store, every), 1)  # minutes at 5M
    r["evidence_some"] = median(lambda: records.read_evidence(store, some), runs)
    r["one_row_some"] = median(lambda: every_row(store, narrowed), runs)
    r["compute"] = median(lambda: derive.compute(store), runs)
    r["scoring_scan"] = median(lambda: scoring.scanned(store), runs)
    r["scoring_scanned"] = scoring.scanned(store)
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
    row(
        "the engine's count of the statements scoring reads (÷: scoring ÷ count)",
        lambda r: (
            f"{r['scoring_scanned']:,}: {ms(r['scoring_scan'])} "
            f"({r['compute'] / r['scoring_scan']:.1f}x)"
        ),
    )
    row("trace of one model", lambda r: ms(r["trace"]))
    row(
        f"100-claim ingest (÷ at {first['generated']:,})",
        lambda r: f"{ms(r['ingest'])} ({r['ingest'] / first['ingest']:.2f}x)",
    )
    row(
        "a 100-claim batch: models it is about; sources their claims cite",
        lambda r: f"{r['batch_models']:,}; {r['batch_sources']:,}",
    )
    row(
        "100-claim ingest per model it is about (÷ at the first size)",
        lambda r: (
            f"{ms(r['ingest'] / r['batch_models'])} "
            f"({r['ingest'] / r['batch_models'] / (first['ingest'] / first['batch_models']):.2f}x)"
        ),
    )
    row(
        f"the store's lookups: statements of up to {LOOKUP_CLAIMS:,} claims by `VALUES`, "
        "counted / read (÷ at the first size)",
        lambda r: (
            f"{r['lookup_claims']:,} claims, {r['lookup_statements']:,} statements: "
            f"{ms(r['lookup_count'])} ({r['lookup_count'] / first['lookup_count']:.2f}x) / "
            f"{ms(r['lookup_rows'])} ({r['lookup_rows'] / first['lookup_rows']:.2f}x)"
        ),
    )
    row("the same scoring on rdflib's engine (one run)", rdflib_scoring_cell)
    row(
        "rdflib ÷ Oxigraph, all-model scoring",
        lambda r: f"{r['compute_rdflib'] / r['compute']:.1f}x" if r.get("compute_rdflib") else "-",
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
    parser.add_argument(
        "--rdflib-scoring-max",
        type=int,
        default=RDFLIB_SCORING_MAX,
        help="largest size (triples asked for) at which to time the scoring on rdflib's engine",
    )
    args = parser.parse_args(argv)
    results = []
    for size in args.sizes:
        with tempfile.TemporaryDirectory(prefix="openness-reads-") as work:
            results.append(measure(size, args.runs, args.seed, Path(work), args.rdflib_scoring_max))
    text = versions() + "\n\n" + report(results, args.runs)
    print(text)
    if args.out:
        Path(args.out).write_text(text + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
