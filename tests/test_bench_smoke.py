"""Keep the benchmark working: the synthetic generator's data conforms, the smoke run completes."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from collections import deque
from pathlib import Path

import pytest
import rdflib
from rdflib import RDF, Namespace, URIRef

from bench import generate
from bench import run as bench
from graph import paths
from graph.validation import validate

ROOT = Path(__file__).resolve().parent.parent

# The benchmark's own smoke: left out of make test, run by make bench-smoke (a CI step).
pytestmark = pytest.mark.bench

OG = Namespace("https://w3id.org/openness/ns#")
CITO = "http://purl.org/spar/cito/"


def _graph(lines: list[str]) -> rdflib.Graph:
    return rdflib.Graph().parse(data="\n".join(lines), format="nt")


def _frameworks() -> rdflib.Graph:
    context = rdflib.Graph()
    for path in sorted((paths.ONTOLOGY_DIR / "frameworks").glob("*.ttl")):
        context.parse(path, format="turtle")
    return context


def test_generator_is_deterministic_by_seed():
    assert generate.generate(6, seed=3) == generate.generate(6, seed=3)
    assert generate.generate(6, seed=3) != generate.generate(6, seed=4)


def test_generated_sample_conforms_to_the_shapes():
    report = validate(_graph(generate.generate(6, seed=2)), _frameworks())
    assert report.data_conforms, [str(v) for v in report.results[:5]]


def test_generated_batch_conforms_with_the_data_it_cites():
    data = _graph(generate.generate(6, seed=2))
    batch = rdflib.Graph().parse(data=generate.batch(6, 100, "t", seed=2), format="nt")
    assert len(set(batch.subjects(RDF.type, OG.Claim))) == 100
    report = validate(batch, data + _frameworks())
    assert report.data_conforms, [str(v) for v in report.results[:5]]


def test_size_follows_the_triples_asked_for():
    lines = generate.generate(generate.models_for(20_000), seed=1)
    assert 17_000 < len(lines) < 23_000


def test_generated_graph_has_deep_citations_and_contested_claims():
    g = _graph(generate.generate(30, seed=5))
    cites: dict[URIRef, set[URIRef]] = {}
    for s, p, o in g:
        if str(p).startswith(CITO) and isinstance(o, URIRef) and str(p) != CITO + "hasCitingEntity":
            cites.setdefault(s, set()).add(o)
    for c in g.subjects(RDF.type, URIRef(CITO + "Citation")):
        cites.setdefault(g.value(c, URIRef(CITO + "hasCitingEntity")), set()).add(
            g.value(c, URIRef(CITO + "hasCitedEntity"))
        )
    depths = {}
    for claim in g.subjects(RDF.type, OG.Claim):
        seen, todo = {}, deque((s, 0) for s in g.objects(claim, generate_prov("wasDerivedFrom")))
        while todo:
            node, depth = todo.popleft()
            if node in seen:
                continue
            seen[node] = depth
            todo.extend((n, depth + 1) for n in cites.get(node, ()) if n not in seen)
        depths[claim] = max(seen.values())
    assert max(depths.values()) >= 3
    levels: dict[tuple, set] = {}
    for claim in g.subjects(RDF.type, OG.Claim):
        key = (g.value(claim, OG.aboutModel), g.value(claim, OG.criterion))
        levels.setdefault(key, set()).add(g.value(claim, OG.level))
    assert any(len(found) > 1 for found in levels.values())
    assert any(len(set(g.objects(c, generate_prov("wasDerivedFrom")))) == 4 for c in depths)


def generate_prov(name: str) -> URIRef:
    return URIRef("http://www.w3.org/ns/prov#" + name)


@pytest.mark.parametrize("skipped", [[], ["update", "move"]], ids=["every load", "skip-loads"])
def test_smoke_benchmark_runs_end_to_end(tmp_path, skipped):
    figures = tmp_path / "figures.json"
    # The skip-loads run also leaves out the scoring on rdflib, the other run does it.
    options = ["--skip-loads", *skipped, "--rdflib-scoring-max", "0"] if skipped else []
    done = subprocess.run(
        [sys.executable, "-m", "bench.run", "--smoke", "--json", str(figures)] + options,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    (result,) = json.loads(figures.read_text())
    assert result["triples"] > result["generated"] > 1000
    assert result["models"] > 1
    assert set(result["queries_http"]) == set(result["queries_local"])
    assert all(seconds > 0 for seconds in result["queries_http"].values())
    assert result["tp_ours"]["1"] > 0 and result["tp_ours"]["8"] > 0
    assert result["rss_ours"] > 0
    timed = [
        key for key in ("load_bulk", "load_project", "load_update", "load_move") if key in result
    ]
    assert timed == ["load_bulk", "load_project"] + [
        f"load_{path}" for path in ("update", "move") if path not in skipped
    ]
    assert all(result[key]["triples_per_s"] > 0 and result[key]["rss"] > 0 for key in timed)
    if skipped:
        assert (
            "one-update path (below the threshold): triples/s, peak RSS | not measured |"
            in done.stdout
        )
        assert result["compute_rdflib"] is None and "same_scores" not in result
        assert (
            "| the same scoring on rdflib's engine (one run) | not measured (above" in done.stdout
        )
    else:
        assert result["load_update"]["path"] == "one update"
        assert result["same_scores"] is True and result["compute_rdflib"] > 0
        assert "same derivations; copying" in done.stdout
    assert result["compute_reading"] > 0
    assert "| server cold start" in done.stdout


def test_a_query_past_the_limit_is_stopped_and_left_out(tmp_path):
    data = tmp_path / "data.nt"
    data.write_text("\n".join(generate.generate(4, seed=1)) + "\n")
    store_dir = tmp_path / "store"
    store = bench.build_store(store_dir, data)
    del store  # our server opens the store itself
    local = bench.ox.Store()
    local.load(path=str(data), format=bench.ox.RdfFormat.N_TRIPLES)
    # Every triple with every triple with every triple: far past the limit anywhere.
    runaway = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
    quick = "ASK { ?s ?p ?o }"
    port = bench.free_port()
    figures: dict = {}
    with bench.server(bench.ours(store_dir, port, 0.5), "/healthz", port) as (base, _, _):
        urls = {"ours": base + "/sparql"}
        bench.measure_queries(local, urls, {"runaway": runaway, "quick": quick}, 1, 0.5, figures)
    assert figures["queries_skipped"] == {"runaway": None}
    assert set(figures["queries_http"]) == {"quick"} and figures["queries_http"]["quick"] > 0
    assert figures["one_model_http"] > 0


# The second call warms the query up, the third is the first timed run.
@pytest.mark.parametrize("stopped_call", [2, 3], ids=["warm-up", "timed run"])
def test_a_query_stopped_in_a_later_run_is_left_out(tmp_path, monkeypatch, stopped_call):
    data = tmp_path / "data.nt"
    data.write_text("\n".join(generate.generate(4, seed=1)) + "\n")
    store = bench.build_store(tmp_path / "store", data)
    del store
    local = bench.ox.Store()
    local.load(path=str(data), format=bench.ox.RdfFormat.N_TRIPLES)
    port = bench.free_port()
    real_query = bench.http_query
    seen: dict[str, int] = {}

    def stopped_on_a_later_call(url: str, query: str) -> bytes:
        # A query near the limit: quick enough in the probe, stopped by the server later.
        seen[query] = seen.get(query, 0) + 1
        if query.startswith("ASK") and seen[query] == stopped_call:
            raise bench.urllib.error.HTTPError(url, 503, "timed out", {}, None)
        return real_query(url, query)

    monkeypatch.setattr(bench, "http_query", stopped_on_a_later_call)
    figures: dict = {}
    queries = {
        "near the limit": "ASK { ?s ?p ?o }",
        "quick": "SELECT ?s WHERE { ?s ?p ?o } LIMIT 1",
    }
    with bench.server(bench.ours(tmp_path / "store", port, 5), "/healthz", port) as (base, _, _):
        bench.measure_queries(local, {"ours": base + "/sparql"}, queries, 2, 5, figures)
    assert figures["queries_skipped"] == {"near the limit": None}
    assert set(figures["queries_http"]) == set(figures["queries_local"]) == {"quick"}
    assert set(figures["rows"]) == {"quick"}


def test_the_reads_benchmark_runs_at_two_small_sizes(tmp_path):
    out = tmp_path / "reads.md"
    done = subprocess.run(
        [sys.executable, "-m", "bench.reads", "--sizes", "2000", "4000"]
        + ["--runs", "1", "--out", str(out)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    table = out.read_text()
    rows = [line for line in table.splitlines() if line.startswith("| ")]
    assert len(rows) == 13  # the header and twelve measures
    assert all(line.count("|") == 4 for line in rows)  # a label and two sizes
    ingest = next(line for line in rows if "100-claim ingest" in line)
    assert "(1.00x)" in ingest.split("|")[2]  # the first size is its own baseline
    rdflib_row = next(line for line in rows if "on rdflib's engine" in line)
    assert rdflib_row.count("same derivations") == 2
    lookups = next(line for line in rows if "the store's lookups" in line)
    for cell in lookups.split("|")[2:4]:
        claims, statements = re.match(r" ([\d,]+) claims, ([\d,]+) statements", cell).groups()
        assert 0 < int(claims.replace(",", "")) < int(statements.replace(",", ""))


@pytest.mark.parametrize("now_only", [False, True])
def test_the_queries_bench_times_a_rewrite_beside_its_text_before_unless_told(now_only):
    # Q4 is a rewrite with its text before kept in tests/fixtures/queries-before/.
    name = "04-single-source-or-self-reported"
    done = subprocess.run(
        [sys.executable, "-m", "bench.queries", "--sizes", "2000", "--runs", "1"]
        + ["--only", name]
        + (["--now-only"] if now_only else []),
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    (row,) = [line for line in done.stdout.splitlines() if line.startswith("| 2,000 |")]
    cells = [cell.strip() for cell in row.strip("|").split("|")]
    assert cells[:2] == ["2,000", name]
    assert cells[2].endswith(" s")
    if now_only:
        assert cells[4:] == ["-", "-", "-"]
    else:
        assert cells[4].endswith(" s") and cells[6] == "yes"


def test_the_loading_bench_runs_and_its_kill_test_holds(tmp_path: Path) -> None:
    from bench import loads

    out = tmp_path / "loads.json"
    assert loads.main(["--sizes", "3000", "--kill-at", "0.5", "--json", str(out)]) == 0
    (result,) = json.loads(out.read_text())
    for mode in ("bulk", "load", "bulk-dump", "restore"):
        assert result[mode]["per_s"] > 0 and result[mode]["rss"] > 0
    assert [k["state"] for k in result["kill"]] in (["all"], ["nothing"])
