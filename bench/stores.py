"""Measure the application on the embedded store, the oxigraph server and Virtuoso.

The oxigraph server is measured twice: with ``dataset=server`` (it runs with
``--union-default-graph`` and holds only our graphs) and with the dataset listed in every
request, as any server must be used when it holds other data.

The same bundled data goes into each store; every figure is a median of several runs
taken in this one process, so the three columns are comparable. The servers are started
on loopback ports with the helpers the test suite uses too (bench/servers.py). Writes the table to
stdout as Markdown, and as JSON with --json.

    .venv/bin/python -m bench.stores --runs 5
"""

from __future__ import annotations

import argparse
import gc
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

from bench import servers
from graph import derive, evidence, loading, paths
from graph.namespaces import PREFIXES
from graph.store import open_store, transfer

ROOT = Path(__file__).resolve().parent.parent

QUERIES = sorted((ROOT / "graph" / "queries").glob("[01][0-9]-*.rq"))


def timed(fn) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def median(fn, runs: int) -> float:
    return statistics.median(timed(fn) for _ in range(runs))


def load_all(store) -> None:
    files = loading.rdf_files(paths.bundled_paths())
    todo, _ = loading.prepare(files, paths.ROOT, store, force=True)
    list(loading.write(store, todo, paths.ROOT))


def measure(kind: str, store, runs: int, work: Path) -> dict[str, float | str]:
    """Return {measure: seconds, or the error that stopped it} for one store."""
    from server import create_app

    row: dict[str, float | str] = {}

    def take(name: str, fn, repeat: int = 1) -> None:
        try:
            row[name] = median(fn, repeat)
        except Exception as error:  # noqa: BLE001 - a failed measure is reported, not fatal
            row[name] = f"failed: {str(error)[:120]}"
        print(f"  {kind}: {name}: {row[name]}", file=sys.stderr)

    take("load bundled files (force)", lambda: load_all(store))
    take("derive every model", lambda: derive.derive(store))
    take("derive again (nothing changes)", lambda: derive.derive(store), runs)
    for path in QUERIES:
        text = path.read_text()
        take(
            f"query {path.stem}",
            lambda text=text: list(
                store.query(text, prefixes=PREFIXES, use_default_graph_as_union=True)
            ),
            runs,
        )
    take("trace llama", lambda: evidence.trace(store, "llama"), runs)
    client = create_app({"STORE": store, "TESTING": True}).test_client()

    def page(url: str) -> None:
        response = client.get(url)
        if response.status_code != 200:
            raise RuntimeError(f"{url} answered {response.status_code}")

    take("model page /id/model/llama", lambda: page("/id/model/llama"), runs)
    take("models list /models", lambda: page("/models"), runs)
    take("dump every graph (.nq.gz)", lambda: transfer.dump(store, work / f"{kind}.nq.gz"))
    row["triples"] = float(len(store))
    return row


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument(
        "--kinds",
        default="embedded,oxigraph,oxigraph-listed,virtuoso",
        help="oxigraph runs with dataset=server; oxigraph-listed names the dataset in "
        "every request, as on a server shared with other data",
    )
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    results: dict[str, dict[str, float]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        for kind in args.kinds.split(","):
            if kind == "embedded":
                store, server = open_store(work / "embedded"), None
            else:
                engine = kind.removesuffix("-listed")
                reason = servers.missing(engine)
                if reason:
                    print(f"skipping {kind}: {reason}", file=sys.stderr)
                    continue
                server = servers.start(engine, work / kind)
                url = server.store_url
                store = open_store(url.replace("&dataset=server", "") if kind != engine else url)
            try:
                print(f"measuring {kind}...", file=sys.stderr)
                results[kind] = measure(kind, store, args.runs, work)
            finally:
                del store
                gc.collect()
                if server is not None:
                    server.stop()
    kinds = list(results)
    names = list(dict.fromkeys(n for row in results.values() for n in row))
    print("| measure | " + " | ".join(kinds) + " |")
    print("|---|" + "---:|" * len(kinds))
    for name in names:
        cells = []
        for kind in kinds:
            value = results[kind].get(name, "-")
            if isinstance(value, str):
                cells.append(value)
            else:
                cells.append(f"{int(value):,}" if name == "triples" else f"{value * 1000:,.0f} ms")
        print(f"| {name} | " + " | ".join(cells) + " |")
    if args.json:
        args.json.write_text(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
