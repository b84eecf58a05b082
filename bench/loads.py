"""Benchmark loading and restoring big files against pyoxigraph's bulk loader, and kill a load.

    .venv/bin/python -m bench.loads [--sizes 100000 1000000] [--runs 1] [--seed 1]
        [--kill-at 0.3 0.6 0.9] [--json FILE]
    .venv/bin/python -m bench.loads --sizes 1000000 --kill-after 10 20 30   # the kill test alone

At each size ``bench/generate.py`` writes the synthetic graph as N-Triples; each
measure runs in a fresh child process writing a fresh on-disk store, and reports
its seconds, CPU seconds (all its threads), quads and peak RSS (``resource.getrusage``
in the child; CPU seconds tell the work apart from waiting on a shared machine):

- ``bulk``: ``Store.bulk_load`` of the file into one graph, the reference;
- ``load``: ``graph.loading.prepare`` and ``write`` (the check pass, then the bulk
  loader under a catalogue marker, ``graph/store/writes.py``), as ``openness load``;
- ``restore``: ``graph.store.transfer.restore`` of an N-Quads dump of the loaded store
  (every graph, the catalogue included), as ``openness restore``;
- ``bulk-dump``: ``Store.bulk_load`` of the same dump, the reference for ``restore``.

The kill test starts ``load`` again into a fresh store and SIGKILLs it at each
``--kill-at`` fraction of the measured load time (the child's start-up comes on top); then
it reads what the load left on disk (the file's quads, a marker), opens the store as
the application does (``graph.store.open_store``) and checks
that the graph holds all of the file with its catalogue entry or nothing of it
without one, and that loading again gives the whole file. Medians of ``--runs``.
"""

from __future__ import annotations

import argparse
import json
import resource
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pyoxigraph as ox

from bench.generate import generate, models_for, write

ROOT = Path(__file__).resolve().parent.parent
NAME = "data.nt"


def child(mode: str, store_dir: str, data: str) -> None:
    """Run one measure in this process; print its seconds, quads and peak RSS as JSON."""
    from graph import loading
    from graph.namespaces import graph_iri
    from graph.store import open_store, transfer

    clock = time.perf_counter()
    if mode == "bulk":
        store = ox.Store(store_dir)
        graph = ox.NamedNode(graph_iri(NAME))
        store.bulk_load(path=data, format=ox.RdfFormat.N_TRIPLES, to_graph=graph)
    elif mode == "bulk-dump":
        store = ox.Store(store_dir)
        store.bulk_load(path=data, format=ox.RdfFormat.N_QUADS)
    elif mode == "restore":
        store = open_store(store_dir)
        transfer.restore(store, Path(data))
    elif mode == "dump":
        store = open_store(store_dir)
        transfer.dump(store, Path(data))
    else:
        store = open_store(store_dir)
        root = Path(data).parent
        todo, _ = loading.prepare([Path(data)], root, store)
        list(loading.write(store, todo, root))
    store.flush()
    seconds = time.perf_counter() - clock
    usage = resource.getrusage(resource.RUSAGE_SELF)
    rss, cpu = usage.ru_maxrss * 1024, usage.ru_utime + usage.ru_stime
    print(
        json.dumps({"mode": mode, "seconds": seconds, "cpu": cpu, "quads": len(store), "rss": rss})
    )


def run_child(mode: str, store_dir: Path, data: Path) -> dict:
    """Run :func:`child` in a new process; return what it printed."""
    command = [sys.executable, "-m", "bench.loads", "--child", mode, str(store_dir), str(data)]
    out = subprocess.run(command, cwd=ROOT, check=True, capture_output=True, text=True).stdout
    return json.loads(out)


def measure(mode: str, data: Path, work: Path, runs: int, count: int) -> dict:
    """Median seconds, ``count`` per second and peak RSS of ``runs`` fresh runs of ``mode``."""
    results = []
    for k in range(runs):
        target = work / f"{mode}-{k}"
        results.append(run_child(mode, target, data))
        shutil.rmtree(target, ignore_errors=True)
    seconds = statistics.median(r["seconds"] for r in results)
    return {
        "seconds": seconds,
        "per_s": count / seconds,
        "rss": statistics.median(r["rss"] for r in results),
        "cpu": statistics.median(r["cpu"] for r in results),
    }


def state_after_kill(store_dir: Path, expected: int) -> str:
    """Open the store as the application does; return "all" or "nothing" of the file,
    raising AssertionError when it holds part of it, or an entry without the whole."""
    from graph.loading import stored_hashes
    from graph.namespaces import graph_iri
    from graph.store import open_store

    iri = graph_iri(NAME)
    store = open_store(store_dir)  # drops a graph still marked as being written
    held = sum(1 for _ in store.quads_for_pattern(None, None, None, ox.NamedNode(iri)))
    entry = iri in stored_hashes(store)
    del store
    if held == expected and entry:
        return "all"
    assert held == 0 and not entry, f"{held} of {expected} quads, catalogue entry: {entry}"
    return "nothing"


def kill_test(data: Path, work: Path, expected: int, at: float) -> dict:
    """SIGKILL a load of ``data`` into a fresh store after ``at`` seconds; check, retry."""
    target = work / "kill"
    shutil.rmtree(target, ignore_errors=True)
    command = [sys.executable, "-m", "bench.loads", "--child", "load", str(target), str(data)]
    proc = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL)
    time.sleep(at)
    proc.send_signal(signal.SIGKILL)
    code = proc.wait()
    left = left_behind(target)
    clock = time.perf_counter()
    state = state_after_kill(target, expected)
    opened = time.perf_counter() - clock
    run_child("load", target, data)
    assert state_after_kill(target, expected) == "all", "the retry did not load the whole file"
    shutil.rmtree(target, ignore_errors=True)
    killed = code == -signal.SIGKILL
    return {"after_s": at, "killed": killed, "left": left, "state": state, "open_s": opened}


def left_behind(store_dir: Path) -> dict:
    """What a killed load left on disk, read raw (no clean-up): quads and markers."""
    from graph.namespaces import graph_iri
    from graph.store import embedded_writes

    store = ox.Store(str(store_dir))
    graph = ox.NamedNode(graph_iri(NAME))
    held = sum(1 for _ in store.quads_for_pattern(None, None, None, graph))
    return {"quads": held, "marked": bool(embedded_writes.being_written(store))}


def one_size(size: int, args: argparse.Namespace, work: Path) -> dict:
    """Every measure at one size."""
    r: dict = {"size": size}
    data = work / NAME
    lines = generate(models_for(size, args.seed), args.seed)
    with open(data, "w", encoding="utf-8") as out:
        write(lines, out, "nt")
    triples = r["triples"] = len(set(lines))
    del lines
    if args.kill_after:  # the kill test alone, at these seconds
        r["kill"] = [kill_test(data, work, triples, at) for at in args.kill_after]
        log(f"[{size}] kill: {r['kill']}")
        return r
    for mode in ("bulk", "load"):
        r[mode] = measure(mode, data, work, args.runs, triples)
        log(f"[{size}] {mode}: {r[mode]}")
    loaded, dump = work / "loaded", work / "dump.nq"
    run_child("load", loaded, data)
    quads = run_child("dump", loaded, dump)["quads"]
    shutil.rmtree(loaded, ignore_errors=True)
    for mode in ("bulk-dump", "restore"):
        r[mode] = measure(mode, dump, work, args.runs, quads)
        log(f"[{size}] {mode}: {r[mode]}")
    dump.unlink()
    if args.kill_at:
        seconds = r["load"]["seconds"]
        r["kill"] = [kill_test(data, work, triples, f * seconds) for f in args.kill_at]
        log(f"[{size}] kill: {r['kill']}")
    return r


def table(results: list[dict]) -> str:
    """The results as a Markdown table, one column per size."""
    sizes = " | ".join(f"{r['size']:,}" for r in results)
    rows = [f"| | {sizes} |", "|---|" + "---|" * len(results)]

    def cell(m: dict) -> str:
        return f"{m['per_s']:,.0f}/s, {m['rss'] / 2**20:,.0f} MB"

    for key, label in (
        ("bulk", "`Store.bulk_load` of the file (reference)"),
        ("load", "`graph.loading` (openness load)"),
        ("bulk-dump", "`Store.bulk_load` of the dump (reference)"),
        ("restore", "`transfer.restore` (openness restore)"),
    ):
        rows.append(
            f"| {label}: triples/s, peak RSS | " + " | ".join(cell(r[key]) for r in results) + " |"
        )
    rows.append(
        "| rate ÷ bulk_load's: load; restore (by CPU seconds in brackets) | "
        + " | ".join(
            f"{r['load']['per_s'] / r['bulk']['per_s']:.2f}; "
            f"{r['restore']['per_s'] / r['bulk-dump']['per_s']:.2f} "
            f"({r['bulk']['cpu'] / r['load']['cpu']:.2f}; "
            f"{r['bulk-dump']['cpu'] / r['restore']['cpu']:.2f})"
            for r in results
        )
        + " |"
    )
    return "\n".join(rows)


def log(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--kill-at", type=float, nargs="*", default=[0.3, 0.6, 0.9])
    parser.add_argument(
        "--kill-after", type=float, nargs="*", help="only the kill test, at these seconds"
    )
    parser.add_argument("--json", type=Path)
    parser.add_argument("--child", nargs=3, metavar=("MODE", "STORE", "DATA"))
    args = parser.parse_args(argv)
    if args.child:
        child(*args.child)
        return 0
    results = []
    with tempfile.TemporaryDirectory(prefix="openness-loads-") as tmp:
        for size in args.sizes:
            results.append(one_size(size, args, Path(tmp)))
            if args.json:
                args.json.write_text(json.dumps(results, indent=1))
    if not args.kill_after:
        print(table(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
