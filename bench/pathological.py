"""Time /healthz and a model page while pathological queries hold the query workers.

    .venv/bin/python bench/pathological.py [--triples 20000] [--clients 10] [--runs 21]

Builds a synthetic store (``bench/generate.py``, loaded and derived as ``bench/run.py``
does), serves it with ``graph.serve`` (its default workers, threads and queue), and
measures the median latency of ``/healthz`` and of one model page: first with no load
(the baseline), then while ``--clients`` threads each send pathological queries in a loop
(a six-way cross product counted, which only the deadline stops; the query that grew a
worker by 1 GB/s; 100,000 nested braces). Also printed: how the loaded queries were
answered (503 "Server busy" at once, 503 after the deadline, 400) and the peak RSS of the
server and its workers.
"""

from __future__ import annotations

import argparse
import collections
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

import requests

sys.path.insert(0, str(Path(__file__).resolve().parent))

import generate  # noqa: E402
import run as bench  # noqa: E402

PATHOLOGICAL = [
    "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l . ?m ?n0 ?o }",
    "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f } ORDER BY RAND() LIMIT 1",
    "SELECT * WHERE " + "{" * 100_000 + "}" * 100_000,
]


def latencies(url: str, runs: int) -> list[float]:
    """Return the seconds of ``runs`` GETs of ``url``, one after the other."""
    times = []
    with requests.Session() as session:
        for _ in range(runs):
            clock = time.perf_counter()
            response = session.get(url, timeout=60)
            times.append(time.perf_counter() - clock)
            response.raise_for_status()
    return times


def load(base: str, stop: threading.Event, answers: collections.Counter) -> None:
    """Send pathological queries until ``stop`` is set; count the answers by status and title."""
    with requests.Session() as session:
        n = 0
        while not stop.is_set():
            query = PATHOLOGICAL[n % len(PATHOLOGICAL)]
            n += 1
            response = session.post(f"{base}/sparql", data={"query": query}, timeout=120)
            title = response.json()["error"]["title"] if response.status_code >= 400 else "ok"
            answers[f"{response.status_code} {title}"] += 1


def main(argv: list[str] | None = None) -> int:
    """Build the store, serve it, and print the baseline and loaded latencies."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--triples", type=int, default=20_000)
    parser.add_argument("--clients", type=int, default=10)
    parser.add_argument("--runs", type=int, default=21)
    parser.add_argument("--query-timeout", type=float, default=30)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="pathological-") as tmp:
        work = Path(tmp)
        data = work / "data.nt"
        with data.open("w") as out:
            models = generate.models_for(args.triples)
            generate.write(generate.generate(models, 1), out, "nt")
        store = bench.build_store(work / "store", data)
        del store  # release RocksDB's lock for the server
        port = bench.free_port()
        command = bench.ours(work / "store", port, args.query_timeout)
        with bench.server(command, "/healthz", port) as (base, _, pid):
            pages = {"/healthz": f"{base}/healthz", "model page": f"{base}/id/model/m-0"}
            baseline = {name: latencies(url, args.runs) for name, url in pages.items()}
            stop = threading.Event()
            answers: collections.Counter = collections.Counter()
            clients = [
                threading.Thread(target=load, args=(base, stop, answers), daemon=True)
                for _ in range(args.clients)
            ]
            for client in clients:
                client.start()
            time.sleep(2)  # let the queries take every worker and waiting place
            loaded = {name: latencies(url, args.runs) for name, url in pages.items()}
            rss = bench.peak_rss(pid)
            stop.set()
            for client in clients:
                client.join()
    print(f"{args.clients} clients sending pathological queries; medians of {args.runs} GETs")
    print(f"{'':12} {'baseline ms':>12} {'loaded ms':>10} {'loaded max ms':>14}")
    for name in baseline:
        base_ms = statistics.median(baseline[name]) * 1000
        loaded_ms = statistics.median(loaded[name]) * 1000
        print(f"{name:12} {base_ms:12.1f} {loaded_ms:10.1f} {max(loaded[name]) * 1000:14.1f}")
    print("answers to the pathological queries:")
    for answer, n in answers.most_common():
        print(f"  {n:5} {answer}")
    print(f"peak RSS of the server and its workers: {rss / 2**20:.0f} MiB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
