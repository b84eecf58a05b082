"""Benchmark the store, the scoring, ingest and the HTTP endpoint on synthetic graphs.

    .venv/bin/python -m bench.run [--sizes 100000 1000000] [--runs 5] [--seed 1] [--out FILE]
    .venv/bin/python -m bench.run --smoke

At each size ``bench/generate.py`` writes a synthetic graph as N-Triples, and
every measure is the median of ``--runs`` runs; each ratio compares two
measures taken in the same run on the same data:

- bulk load: the file into a fresh on-disk store, each in a child process
  (triples/s, peak RSS of the child): with pyoxigraph's bulk loader; with the
  project's loader (``graph.loading``, which bulk-loads files of at least
  ``graph.store.embedded_writes.THRESHOLD`` bytes under a catalogue marker, see
  ``graph/store/writes.py``; ``bench/loads.py`` measures it, and restore, on its own); with the
  project's small-file path (one ``DROP``/``INSERT DATA`` update); and
  ``bulk_load`` into a staging graph followed by ``MOVE`` to the target graph
  (the MOVE timed alone), a design weighed against it;
- the example queries (``graph/queries/*.rq``) and one model's claims, through
  our HTTP endpoint (``server.serve`` in a subprocess, its query timeout set to
  ``--query-limit``, other settings the defaults) and
  through the ``oxigraph`` server from PyPI, against the same queries on
  pyoxigraph in-process; the three run side by side, run after run, over the
  same data (the oxigraph server and the in-process reads open a checkpoint of
  the store read-only). Queries slower than ``--query-limit`` seconds, or named
  by ``--skip-queries``, are left out: each is tried through our endpoint first,
  which stops it at the limit, so one runaway query cannot stall the run;
- the trace of one model (``graph.evidence.trace``);
- the scoring of every model (``graph.derive.compute``) on Oxigraph and the same
  scoring on rdflib's in-memory SPARQL engine (``bench/rdflib_store.py``: a copy of
  every graph but the derived ones, queried by the same code; the two must give the
  same derivations), once, up to ``--rdflib-scoring-max`` triples; the time
  ``compute`` spends reading (``read_evidence``, ``read_matches``) on Oxigraph; and
  one aggregate, the index mean per model, in both engines;
- HTTP throughput with 1 and 8 concurrent clients, ours and the oxigraph
  server alternately;
- peak memory while serving: the peak RSS of each server process and of each
  of its query workers, summed, after the queries and throughput runs;
- server cold start: from spawning ``server.serve`` on the store to /healthz;
- ingest of a 100-claim batch (``graph.ingest.ingest``, recomputing the models).

``--smoke`` runs everything once on a few thousand triples, to keep the script
working; its numbers mean nothing.
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import http.client
import json
import os
import platform
import resource
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator
from itertools import islice
from pathlib import Path

import pyoxigraph as ox

from bench.generate import GRAPH, ID, OG, batch, generate, models_for, write
from bench.rdflib_store import RdflibStore
from graph import derive, loading, paths, records

ROOT = Path(__file__).resolve().parent.parent

RDFLIB_SCORING_MAX = 1_000_000
MAX_ROWS = 10_000  # the endpoint's default row cap; in-process reads stop there too
INDEX_MEAN = f"""
PREFIX og: <{OG}>
SELECT ?model (AVG(?value) AS ?score) WHERE {{
  VALUES (?level ?value) {{ (og:open 1.0) (og:partial 0.5) (og:closed 0.0) }}
  ?claim a og:Claim ; og:aboutModel ?model ; og:criterion ?criterion ; og:level ?level .
  FILTER (STRSTARTS(STR(?criterion), "{ID}criterion/osai-index/"))
  FILTER NOT EXISTS {{ ?claim og:rank og:DeprecatedRank }}
}} GROUP BY ?model
"""
ONE_MODEL = f"""
PREFIX og: <{OG}>
PREFIX prov: <http://www.w3.org/ns/prov#>
SELECT ?claim ?criterion ?level ?source WHERE {{
  ?claim og:aboutModel <{ID}model/m-%d> ; og:criterion ?criterion ; og:level ?level ;
         prov:wasDerivedFrom ?source .
}}
"""


# ---------------------------------------------------------------- timing helpers


def median(fn: Callable[[], object], runs: int) -> float:
    """Return the median seconds of ``runs`` calls of ``fn``."""
    times = []
    for _ in range(runs):
        gc.collect()
        clock = time.perf_counter()
        fn()
        times.append(time.perf_counter() - clock)
    return statistics.median(times)


def free_port() -> int:
    """Return a loopback port nobody listens on now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_ready(url: str, proc: subprocess.Popen, limit: float = 120) -> float:
    """Poll ``url`` until it answers 200; return the seconds since now."""
    clock = time.perf_counter()
    while time.perf_counter() - clock < limit:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited with {proc.returncode}")
        with contextlib.suppress(OSError, urllib.error.URLError):
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return time.perf_counter() - clock
        time.sleep(0.01)
    raise RuntimeError(f"{url} not ready after {limit} s")


@contextlib.contextmanager
def server(command: list[str], ready_path: str, port: int) -> Iterator[tuple[str, float, int]]:
    """Run a server subprocess; yield (base URL, seconds until ready, pid), stop it afterwards."""
    clock = time.perf_counter()
    proc = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        base = f"http://127.0.0.1:{port}"
        wait_ready(base + ready_path, proc)
        yield base, time.perf_counter() - clock, proc.pid
    finally:
        proc.terminate()
        try:
            proc.wait(30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def peak_rss(pid: int) -> int:
    """Return the bytes of the peak RSS of process ``pid`` and its descendants, summed (Linux)."""
    total = 0
    try:
        status = Path(f"/proc/{pid}/status").read_text()
        total += next(int(line.split()[1]) for line in status.splitlines() if "VmHWM" in line)
        children = " ".join(p.read_text() for p in Path(f"/proc/{pid}/task").glob("*/children"))
    except (OSError, StopIteration):
        return total * 1024
    return total * 1024 + sum(peak_rss(int(child)) for child in children.split())


def ours(store_dir: Path, port: int, query_timeout: float | None = None) -> list[str]:
    """Return the command that serves ``store_dir`` with server.serve on ``port``."""
    code = (
        f"from server.serve import serve; "
        f"serve({str(store_dir)!r}, port={port}, query_timeout={query_timeout!r})"
    )
    return [sys.executable, "-c", code]


def oxigraph_exe() -> str | None:
    """Return the path of the oxigraph server next to this Python, or on PATH."""
    return shutil.which("oxigraph", path=str(Path(sys.executable).parent)) or shutil.which(
        "oxigraph"
    )


def oxigraph_server(store_dir: Path, port: int) -> list[str]:
    """Return the command that serves ``store_dir`` read-only with the oxigraph server."""
    return [
        str(oxigraph_exe()),
        "serve-read-only",
        "--location",
        str(store_dir),
        "--bind",
        f"127.0.0.1:{port}",
        "--union-default-graph",
    ]


def http_query(url: str, query: str) -> bytes:
    """POST ``query`` to the endpoint at ``url``; return the JSON (or N-Triples) body."""
    request = urllib.request.Request(
        url,
        data=urllib.parse.urlencode({"query": query}).encode(),
        headers={"Accept": "application/sparql-results+json, application/n-triples;q=0.9"},
    )
    with urllib.request.urlopen(request, timeout=300) as response:
        return response.read()


def throughput(url: str, clients: int, seconds: float, models: int) -> float:
    """Return requests a second that ``clients`` threads complete against ``url`` in ``seconds``."""
    done = [0] * clients
    stop = time.perf_counter() + seconds

    parts = urllib.parse.urlsplit(url)
    headers = {
        "Accept": "application/sparql-results+json",
        "Content-Type": "application/x-www-form-urlencoded",
    }

    def client(k: int) -> None:
        # One keep-alive connection per client, as a real client library holds.
        conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=300)
        n = k
        while time.perf_counter() < stop:
            body = urllib.parse.urlencode({"query": ONE_MODEL % (n % models)})
            conn.request("POST", parts.path, body=body, headers=headers)
            response = conn.getresponse()
            response.read()
            if response.status != 200:
                raise RuntimeError(f"{url} answered {response.status}")
            done[k] += 1
            n += clients
        conn.close()

    threads = [threading.Thread(target=client, args=(k,)) for k in range(clients)]
    clock = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sum(done) / (time.perf_counter() - clock)


# ---------------------------------------------------------------- children


STAGING = GRAPH + "/staging"


def child_load(mode: str, store_dir: str, data: str) -> None:
    """Load ``data`` into a fresh store in this process; print seconds, triples and peak RSS."""
    from graph.store import embedded_writes

    store = ox.Store(store_dir)
    streamed = False
    if mode == "update":  # the small-file path, whatever the size
        embedded_writes.THRESHOLD = float("inf")
    if mode == "move":  # only the MOVE is timed
        store.bulk_load(path=data, format=ox.RdfFormat.N_TRIPLES, to_graph=ox.NamedNode(STAGING))
        store.flush()
    clock = time.perf_counter()
    if mode == "bulk":
        store.bulk_load(path=data, format=ox.RdfFormat.N_TRIPLES, to_graph=ox.NamedNode(GRAPH))
    elif mode == "move":
        store.update(f"DROP SILENT GRAPH <{GRAPH}> ; MOVE <{STAGING}> TO <{GRAPH}>")
    else:
        todo, _ = loading.prepare([Path(data)], Path(data).parent, store)
        list(loading.write(store, todo, Path(data).parent))
        streamed = isinstance(todo[0].quads, loading.StreamedQuads)
    store.flush()
    seconds = time.perf_counter() - clock
    triples = len(store)
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    path = ("bulk-loaded" if streamed else "one update") if mode in ("project", "update") else mode
    print(json.dumps({"seconds": seconds, "triples": triples, "rss": rss, "path": path}))


def measure_load(mode: str, data: Path, work: Path, runs: int) -> dict:
    """Return the median seconds, triples/s and peak RSS of loading ``data`` ``runs`` times."""
    results = []
    for k in range(runs):
        target = work / f"load-{mode}-{k}"
        out = subprocess.run(
            [sys.executable, "-m", "bench.run", "--child-load", mode, str(target), str(data)],
            cwd=ROOT,
            check=True,
            capture_output=True,
            text=True,
        ).stdout
        results.append(json.loads(out))
        shutil.rmtree(target, ignore_errors=True)
    seconds = statistics.median(r["seconds"] for r in results)
    return {
        "seconds": seconds,
        "triples_per_s": results[0]["triples"] / seconds,
        "rss": statistics.median(r["rss"] for r in results),
        "path": results[0]["path"],
    }


# ---------------------------------------------------------------- one size


def build_store(store_dir: Path, data: Path) -> ox.Store:
    """Load the ontology, the synthetic graph and its derived data into an on-disk store."""
    store = ox.Store(str(store_dir))
    todo, _ = loading.prepare(loading.rdf_files([paths.ONTOLOGY_DIR]), paths.ROOT, store)
    list(loading.write(store, todo, paths.ROOT))
    store.bulk_load(path=str(data), format=ox.RdfFormat.N_TRIPLES, to_graph=ox.NamedNode(GRAPH))
    digest = loading.content_hash(data.read_bytes())
    store.update(
        f'INSERT DATA {{ GRAPH <{loading.CATALOG}> {{ <{GRAPH}> <{OG}contentHash> "{digest}" }} }}'
    )
    derive.derive(store)
    store.flush()
    return store


def example_queries() -> dict[str, str]:
    """Return the shipped example queries by file name."""
    return {p.stem: p.read_text() for p in sorted((ROOT / "graph" / "queries").glob("*.rq"))}


def run_in_process(store: ox.Store, query: str) -> int:
    """Run ``query`` and read up to MAX_ROWS results; return how many were read."""
    result = store.query(query, use_default_graph_as_union=True)
    if isinstance(result, ox.QueryBoolean):
        return 1
    return sum(1 for _ in islice(result, MAX_ROWS))


def rdflib_graph(data: Path):
    """Return an rdflib Graph of the synthetic data and the frameworks."""
    import rdflib

    g = rdflib.Graph()
    g.parse(str(data), format="nt")
    for path in sorted((paths.ONTOLOGY_DIR / "frameworks").glob("*.ttl")):
        g.parse(str(path), format="turtle")
    return g


def measure_in_process(store: ox.Store, runs: int, r: dict) -> None:
    """Time a trace and the scoring in this process."""
    from graph.evidence import trace

    r["trace"] = median(lambda: trace(store, f"{ID}model/m-0"), runs)
    r["compute"] = median(lambda: derive.compute(store), runs)
    r["compute_reading"] = median(
        lambda: (records.read_evidence(store), records.read_matches(store)), runs
    )
    r["index_mean_oxigraph"] = median(lambda: run_in_process(store, INDEX_MEAN), runs)


def measure_scoring_on_rdflib(store: ox.Store, r: dict, max_size: int) -> None:
    """Time the same all-model scoring once on rdflib's engine, and check it agrees."""
    if r["size"] > max_size:
        r["compute_rdflib"] = None
        return
    clock = time.perf_counter()
    copy = RdflibStore.copy_of(store)
    r["rdflib_copy"] = {"seconds": time.perf_counter() - clock, "triples": len(copy)}
    gc.collect()
    clock = time.perf_counter()
    derivations = derive.compute(copy)
    r["compute_rdflib"] = time.perf_counter() - clock
    del copy
    gc.collect()
    r["same_scores"] = derivations == derive.compute(store)


def timed(fn: Callable[[], object]) -> float:
    """Return the seconds one call of ``fn`` takes."""
    gc.collect()
    clock = time.perf_counter()
    fn()
    return time.perf_counter() - clock


def measure_queries(
    local: ox.Store, urls: dict[str, str], queries: dict[str, str], runs: int, limit: float, r: dict
) -> None:
    """Time each example query in-process and through each server, run by run side by side.

    Taking the runs of one query together keeps each ratio fair while other work on the
    machine comes and goes. Queries slower than ``limit`` seconds are left out: each is
    tried first through our endpoint, whose query timeout is ``limit`` and stops it there
    (an in-process query cannot be stopped), then once in-process. A query stopped in any
    later run is left out too.
    """
    r["queries_skipped"] = {}
    times: dict[str, dict[str, list[float]]] = {}
    texts = {**queries, "one model": ONE_MODEL % 0}
    for name, q in texts.items():
        try:
            seconds = timed(lambda q=q: http_query(urls["ours"], q))
        except urllib.error.HTTPError as failure:
            if failure.code != 503:
                raise
            r["queries_skipped"][name] = None  # stopped at the limit
            continue
        if seconds <= limit:
            seconds = timed(lambda q=q: run_in_process(local, q))  # also warms up
        if seconds > limit:
            r["queries_skipped"][name] = seconds
            continue
        times[name] = {key: [] for key in ("local", *urls)}
        try:
            for url in urls.values():  # warm-up
                http_query(url, q)
            for _ in range(runs):
                times[name]["local"].append(timed(lambda q=q: run_in_process(local, q)))
                for key, url in urls.items():
                    times[name][key].append(timed(lambda q=q, url=url: http_query(url, q)))
        except urllib.error.HTTPError as failure:
            if failure.code != 503:
                raise
            del times[name]  # one run went past the limit: a median of the rest would flatter it
            r["queries_skipped"][name] = None
    measured = {
        key: {n: statistics.median(t[key]) for n, t in times.items()} for key in ("local", *urls)
    }
    for key, label in (("local", "local"), ("ours", "http"), ("oxigraph", "oxigraph")):
        found = measured.get(key)
        r[f"one_model_{label}"] = found.pop("one model", None) if found is not None else None
        r[f"queries_{label}"] = found
    r["rows"] = {name: run_in_process(local, texts[name]) for name in r["queries_local"]}


def measure_rdflib(data: Path, runs: int) -> tuple[float, float]:
    """Return the seconds rdflib takes to parse the data, and the median of the index mean."""
    clock = time.perf_counter()
    g = rdflib_graph(data)
    parse = time.perf_counter() - clock
    return parse, median(lambda: list(g.query(INDEX_MEAN)), runs)


def measure_ingest(store_dir: Path, models: int, size: int, seed: int, runs: int) -> float:
    """Return the median seconds of ingesting a new 100-claim batch into the store."""
    import rdflib

    from graph.ingest import ingest

    store = ox.Store(str(store_dir))
    times = []
    for k in range(runs):
        g = rdflib.Graph().parse(data=batch(models, 100, f"{size}-{k}", seed), format="nt")
        gc.collect()
        clock = time.perf_counter()
        ingest(store, g, "bench", "bench/run.py")
        times.append(time.perf_counter() - clock)
    return statistics.median(times)


def measure_size(size: int, args, work: Path) -> dict:
    """Run every measure at one size; return the figures."""
    r: dict = {"size": size, "query_limit": args.query_limit}
    runs = args.runs
    models = models_for(size, args.seed)
    lines = generate(models, args.seed)
    data = work / "data.nt"
    with open(data, "w", encoding="utf-8") as out:
        write(lines, out, "nt")
    r["models"], r["generated"] = models, len(lines)
    del lines
    log(f"[{size}] generated {r['generated']} triples, {models} models")

    r["load_bulk"] = measure_load("bulk", data, work, max(1, min(runs, 3)))
    r["load_project"] = measure_load("project", data, work, max(1, min(runs, 3)))
    # The two designs the streamed path replaced or was weighed against: timed once.
    for path in ("update", "move"):
        if path not in args.skip_loads:
            r[f"load_{path}"] = measure_load(path, data, work, 1)
    log(f"[{size}] load: {r['load_bulk']} / {r['load_project']}")
    log(f"[{size}] load: one update {r.get('load_update')} / staged MOVE {r.get('load_move')}")

    store_dir = work / "store"
    clock = time.perf_counter()
    store = build_store(store_dir, data)
    r["build_seconds"] = time.perf_counter() - clock
    r["triples"] = len(store)
    log(f"[{size}] store built: {r['triples']} triples in {r['build_seconds']:.1f} s")

    measure_in_process(store, runs, r)
    log(f"[{size}] in-process done")
    measure_scoring_on_rdflib(store, r, args.rdflib_scoring_max)
    log(f"[{size}] scoring on rdflib: {r['compute_rdflib']} s, same: {r.get('same_scores')}")
    # The oxigraph server and the in-process reads open a checkpoint of the store read-only,
    # so that both can run next to our server, which holds the store itself.
    copy = work / "store-copy"
    store.backup(str(copy))
    del store
    gc.collect()

    r["rdflib_parse"], r["index_mean_rdflib"] = measure_rdflib(data, max(1, min(runs, 3)))
    log(f"[{size}] rdflib done: {r['index_mean_rdflib']:.2f} s")

    queries = {n: q for n, q in example_queries().items() if n not in args.skip_queries}
    with contextlib.ExitStack() as stack:
        port = free_port()
        base, _ready, ours_pid = stack.enter_context(
            server(ours(store_dir, port, args.query_limit), "/healthz", port)
        )
        urls = {"ours": base + "/sparql"}
        pids = {"ours": ours_pid}
        if oxigraph_exe() is None:
            log("the oxigraph server is not installed (pip install oxigraph): not compared")
        else:
            port = free_port()
            base, _ready, pids["oxigraph"] = stack.enter_context(
                server(oxigraph_server(copy, port), "/query?query=ASK%7B%7D", port)
            )
            urls["oxigraph"] = base + "/query"
        local = ox.Store.read_only(str(copy))
        measure_queries(local, urls, queries, runs, args.query_limit, r)
        del local
        log(f"[{size}] queries: {r['queries_http']} (in-process {r['queries_local']})")
        tp: dict[str, dict[int, float]] = {key: {} for key in urls}
        for c in (1, 8):  # alternating, for the same reason as the queries
            for key, url in urls.items():
                tp[key][c] = throughput(url, c, args.seconds, models)
        r["tp_ours"], r["tp_oxigraph"] = tp["ours"], tp.get("oxigraph")
        r["rss_ours"] = peak_rss(pids["ours"])
        r["rss_oxigraph"] = peak_rss(pids["oxigraph"]) if "oxigraph" in pids else None
    log(f"[{size}] throughput: {tp}")
    starts = []
    for _ in range(max(1, min(runs, 3))):
        port = free_port()
        with server(ours(store_dir, port), "/healthz", port) as (_base, ready, _pid):
            starts.append(ready)
    r["cold_start"] = statistics.median(starts)
    shutil.rmtree(copy, ignore_errors=True)

    r["ingest"] = measure_ingest(store_dir, models, size, args.seed, runs)
    log(f"[{size}] ingest: {r['ingest'] * 1000:.0f} ms")
    shutil.rmtree(store_dir, ignore_errors=True)
    shutil.rmtree(work / "store.snapshots", ignore_errors=True)
    return r


# ---------------------------------------------------------------- report


def log(text: str) -> None:
    """Print progress to standard error."""
    print(text, file=sys.stderr, flush=True)


def ms(value: float) -> str:
    """Render seconds as ms below one second, else as seconds."""
    return f"{value * 1000:.1f} ms" if value < 1 else f"{value:.2f} s"


def versions() -> str:
    """Return the machine and the versions the figures were measured with."""
    import rdflib

    exe = oxigraph_exe()
    server_version = (
        subprocess.run([exe, "--version"], capture_output=True, text=True).stdout.strip()
        if exe
        else "oxigraph server: not installed"
    )
    return (
        f"{os.cpu_count()} cores ({platform.processor() or platform.machine()}), "
        f"Python {platform.python_version()}, pyoxigraph {ox.__version__}, "
        f"rdflib {rdflib.__version__}, {server_version}"
    )


def report(results: list[dict], runs: int, seconds: float) -> str:
    """Return the Markdown table of the results, one column a size, with the ratios."""
    cols = [
        f"{r['generated']:,} generated, {r['triples']:,} in store ({r['models']:,} models)"
        for r in results
    ]
    rows: list[tuple[str, list[str]]] = []

    def row(label: str, fn: Callable[[dict], str]) -> None:
        rows.append((label, [fn(r) for r in results]))

    row(
        "bulk load, pyoxigraph bulk_load: triples/s, peak RSS",
        lambda r: (
            f"{r['load_bulk']['triples_per_s']:,.0f}/s, {r['load_bulk']['rss'] / 2**20:.0f} MB"
        ),
    )

    def load_row(label: str, key: str) -> None:
        row(
            f"bulk load, {label}: triples/s, peak RSS",
            lambda r: (
                f"{r[key]['triples_per_s']:,.0f}/s, {r[key]['rss'] / 2**20:.0f} MB"
                + (f" ({r[key]['path']})" if key == "load_project" else "")
                if r.get(key)
                else "not measured"
            ),
        )

    load_row("graph.loading", "load_project")
    load_row("graph.loading's one-update path (below the threshold)", "load_update")
    load_row("staged bulk_load, then MOVE alone", "load_move")
    names = sorted({name for r in results for name in r["queries_local"]})
    for name in names:
        row(
            f"query `{name}`: ours / oxigraph server / in-process (each ÷ in-process)",
            lambda r, n=name: query_cell(r, n),
        )
    skipped = sorted({name for r in results for name in r.get("queries_skipped", {})})
    for name in skipped:
        row(
            f"query `{name}` in-process (left out of HTTP above the limit)",
            lambda r, n=name: (
                "-"
                if n not in r.get("queries_skipped", {})
                else f"> {r['query_limit']:g} s (stopped)"
                if r["queries_skipped"][n] is None
                else ms(r["queries_skipped"][n])
            ),
        )
    row(
        "one model's claims: our HTTP / oxigraph HTTP / in-process",
        lambda r: (
            f"{ms(r['one_model_http'])} / {ms(r['one_model_oxigraph'] or 0)} / "
            f"{ms(r['one_model_local'])}"
        ),
    )
    row("trace of one model", lambda r: ms(r["trace"]))
    row("scoring of every model (derive.compute)", lambda r: ms(r["compute"]))
    row(
        "of which reading the claims, sources and mappings (read_evidence, read_matches)",
        lambda r: ms(r["compute_reading"]) if r.get("compute_reading") else "not measured",
    )
    row("the same scoring on rdflib's engine (one run)", rdflib_scoring_cell)
    row(
        "rdflib ÷ Oxigraph, all-model scoring (target ≥ 50x)",
        lambda r: f"{r['compute_rdflib'] / r['compute']:.1f}x" if r.get("compute_rdflib") else "-",
    )
    row(
        "index mean per model, one aggregate: rdflib / pyoxigraph (ratio)",
        lambda r: (
            f"{ms(r['index_mean_rdflib'])} / {ms(r['index_mean_oxigraph'])} "
            f"({r['index_mean_rdflib'] / r['index_mean_oxigraph']:.1f}x)"
        ),
    )
    row("ingest of 100 claims (validate, write, recompute)", lambda r: ms(r["ingest"]))
    row(
        "ingest ÷ ingest at the smallest size (target ≤ 1.2x)",
        lambda r: f"{r['ingest'] / results[0]['ingest']:.2f}x",
    )
    for c in (1, 8):
        row(
            f"throughput, {c} client{'s' if c > 1 else ''}: ours / oxigraph server (ratio)",
            lambda r, c=c: (
                f"{r['tp_ours'][c]:.0f} / {r['tp_oxigraph'][c]:.0f} req/s "
                f"({r['tp_ours'][c] / r['tp_oxigraph'][c]:.2f}x)"
                if r["tp_oxigraph"]
                else f"{r['tp_ours'][c]:.0f} req/s / not measured"
            ),
        )
    row("server cold start on the store (target ≤ 2 s)", lambda r: ms(r["cold_start"]))
    row(
        "peak RSS serving all of the above, workers included: ours / oxigraph server",
        lambda r: (
            f"{r['rss_ours'] / 2**20:,.0f} MB / {(r.get('rss_oxigraph') or 0) / 2**20:,.0f} MB"
            if r.get("rss_ours")
            else "not measured"
        ),
    )
    lines = [
        f"Medians of {runs} runs (loads and rdflib: of up to 3); throughput over "
        f"{seconds:g} s per setting.",
        "",
        "| | " + " | ".join(cols) + " |",
        "|---|" + "---|" * len(cols),
    ]
    lines += [f"| {label} | " + " | ".join(cells) + " |" for label, cells in rows]
    return "\n".join(lines) + "\n"


def rdflib_scoring_cell(r: dict) -> str:
    """Render the scoring on rdflib: its time, the copy it ran on, and whether it agreed."""
    if "compute_rdflib" not in r:
        return "not measured"
    if r["compute_rdflib"] is None:
        return "not measured (above --rdflib-scoring-max)"
    copy = r["rdflib_copy"]
    same = "same derivations" if r["same_scores"] else "DIFFERENT derivations"
    return (
        f"{ms(r['compute_rdflib'])} ({same}; copying {copy['triples']:,} triples into rdflib: "
        f"{ms(copy['seconds'])})"
    )


def query_cell(r: dict, name: str) -> str:
    """Render one example query's times through both servers and in-process, with ratios."""
    if name not in r["queries_local"]:
        return "-"
    local, ours_ = r["queries_local"][name], r["queries_http"][name]
    theirs = (r.get("queries_oxigraph") or {}).get(name)
    middle = f"{ms(theirs)} ({theirs / local:.1f}x)" if theirs else "not measured"
    return f"{ms(ours_)} ({ours_ / local:.1f}x) / {middle} / {ms(local)}; {r['rows'][name]:,} rows"


SECTION = "## At scale"


def load_results(path: Path) -> list[dict]:
    """Read figures saved with --json (JSON turns the client counts into strings)."""
    results = json.loads(path.read_text())
    for r in results:
        for key in ("tp_ours", "tp_oxigraph"):
            if r.get(key):
                r[key] = {int(c): value for c, value in r[key].items()}
    return results


def section(text: str, args: argparse.Namespace) -> str:
    """Return the Markdown section with the figures and how to reproduce them."""
    sizes = " ".join(str(s) for s in args.sizes)
    extra = "".join(
        [
            f" --skip-queries {' '.join(args.skip_queries)}" if args.skip_queries else "",
            f" --query-limit {args.query_limit:g}" if args.query_limit != 20 else "",
            f" --skip-loads {' '.join(args.skip_loads)}" if args.skip_loads else "",
            f" --rdflib-scoring-max {args.rdflib_scoring_max}"
            if args.rdflib_scoring_max != RDFLIB_SCORING_MAX
            else "",
        ]
    )
    return f"""{SECTION}

`bench/run.py` (`make bench SIZE="{sizes}"`) generates a synthetic graph with
`bench/generate.py` at each size, loads it, the ontology and its derived data
into an on-disk store, and times load, queries, trace, scoring, ingest and HTTP
(see the script's docstring for each measure). Written by the script on
{time.strftime("%Y-%m-%d", time.gmtime())}:

```
.venv/bin/python -m bench.run --sizes {sizes} --runs {args.runs}{extra} --docs docs/benchmarks.md
```

{text}"""


def replace_section(path: Path, new: str) -> None:
    """Put ``new`` in place of the file's 'At scale' section (up to the next ## heading)."""
    old = path.read_text() if path.exists() else "# Benchmarks\n"
    start = old.find(SECTION + "\n")
    if start < 0:
        path.write_text(old.rstrip("\n") + "\n\n" + new)
        return
    end = old.find("\n## ", start + len(SECTION))
    rest = old[end + 1 :] if end >= 0 else ""
    path.write_text(old[:start] + new + ("\n" + rest if rest else ""))


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark at every size and print (or write) the Markdown report."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--seconds", type=float, default=3.0, help="per throughput setting")
    parser.add_argument("--smoke", action="store_true", help="one run on a few thousand triples")
    parser.add_argument(
        "--query-limit",
        type=float,
        default=20.0,
        help="leave out example queries slower than this (seconds); our endpoint stops them there",
    )
    parser.add_argument(
        "--skip-queries", nargs="*", default=[], help="example queries (file stems) not to run"
    )
    parser.add_argument(
        "--skip-loads",
        nargs="*",
        default=[],
        choices=["update", "move"],
        help="designs graph.loading does not use at scale, not to time (the one-update path "
        "needs about 3.5 GB of memory per million triples)",
    )
    parser.add_argument(
        "--rdflib-scoring-max",
        type=int,
        default=RDFLIB_SCORING_MAX,
        help="largest size (triples asked for) at which to time the scoring on rdflib's engine, "
        "which took 171 s at 1M on a 2-core machine",
    )
    parser.add_argument("--out", help="also write the report (Markdown) to this file")
    parser.add_argument("--json", help="also write the raw figures (JSON) to this file")
    parser.add_argument("--docs", help="replace the 'At scale' section of this Markdown file")
    parser.add_argument(
        "--from-json", nargs="+", help="report the figures saved by --json, measuring nothing"
    )
    parser.add_argument("--child-load", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child_load:
        child_load(*args.child_load)
        return 0
    if args.smoke:
        args.sizes, args.runs, args.seconds = [3000], 1, 0.3
    if args.from_json:
        results = [r for name in args.from_json for r in load_results(Path(name))]
        args.sizes = [r["size"] for r in results]
    else:
        results = []
        for size in args.sizes:
            with tempfile.TemporaryDirectory(prefix="openness-bench-") as work:
                results.append(measure_size(size, args, Path(work)))
            if args.json:  # after each size, so a long run keeps what it measured
                Path(args.json).write_text(json.dumps(results, indent=1, default=str))
    text = versions() + "\n\n" + report(results, args.runs, args.seconds)
    print(text)
    if args.out:
        Path(args.out).write_text(text)
    if args.docs:
        replace_section(Path(args.docs), section(text, args))
    return 0


if __name__ == "__main__":
    sys.exit(main())
