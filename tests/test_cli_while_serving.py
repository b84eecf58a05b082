"""The read commands work while `openness serve` holds the same on-disk store.

The server keeps the store open read-write (RocksDB's lock); read commands then read the
latest snapshot it shares (graph/store/snapshots.py), write commands say what to do.
A real server runs in a subprocess, and each command in another, as a user runs them.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pyoxigraph as ox
import pytest
import requests
from conftest import free_port

TOKEN = "cli-while-serving"


def openness(store: Path, *argv: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("OPENNESS_")}
    return subprocess.run(
        [sys.executable, "-m", "graph.cli", "--store", str(store), *argv],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )


@pytest.fixture(scope="module")
def served(bundled_world, tmp_path_factory, store_kind):
    """Serve a copy of the bundled world with `openness serve`; yield (store, base URL)."""
    if store_kind != "embedded":
        pytest.skip("a server holds the lock of an on-disk embedded store only")
    root = tmp_path_factory.mktemp("served")
    store = root / "store"
    source = ox.Store.read_only(bundled_world.location)
    source.backup(str(store))
    del source
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("OPENNESS_")}
    env["OPENNESS_WRITE_TOKEN"] = TOKEN
    log = (root / "server.log").open("w")
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "graph.cli",
            "--store",
            str(store),
            "serve",
            "--no-load",
            "--port",
            str(port),
        ],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(600):
            try:
                if requests.get(f"{base}/healthz", timeout=1).ok:
                    break
            except requests.ConnectionError:
                time.sleep(0.1)
            if process.poll() is not None:
                break
        else:
            raise RuntimeError("the server did not start")
        if process.poll() is not None:
            raise RuntimeError((root / "server.log").read_text())
        yield store, base
    finally:
        process.terminate()
        process.wait(timeout=30)
        log.close()


def test_trace_works_while_the_server_serves(served):
    store, _ = served
    done = openness(store, "trace", "llama")
    assert done.returncode == 0, done.stderr
    assert "llama" in done.stdout.lower()
    assert "reading its latest snapshot" in done.stderr


@pytest.mark.parametrize(
    "argv",
    [
        ("query", "SELECT ?m WHERE { ?m a og:Model } LIMIT 3"),
        ("stats",),
        ("spectrum",),
    ],
)
def test_read_commands_work_and_load_nothing(served, argv):
    store, _ = served
    done = openness(store, *argv)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip()
    # spectrum loads the bundled files first, except from a server's snapshot
    assert "loaded" not in done.stderr.lower()


def test_dump_works_while_the_server_serves(served, tmp_path):
    store, _ = served
    target = tmp_path / "dump.nq"
    done = openness(store, "dump", str(target))
    assert done.returncode == 0, done.stderr
    assert target.stat().st_size > 0


@pytest.mark.parametrize("argv", [("load",), ("derive",)])
def test_write_commands_say_to_stop_the_server_or_write_through_it(served, argv):
    store, _ = served
    done = openness(store, *argv)
    assert done.returncode == 2
    assert "a running `openness serve` holds it" in done.stderr
    assert "Stop the server first" in done.stderr
    assert "/submissions" in done.stderr


def test_read_commands_see_what_was_written_through_the_server(served):
    store, base = served
    response = requests.post(
        f"{base}/update",
        data={"update": "INSERT DATA { GRAPH <urn:cli:g> { <urn:cli:probe> <urn:cli:p> 1 } }"},
        headers={"Authorization": f"Bearer {TOKEN}"},
        timeout=60,
    )
    assert response.status_code == 204, response.text
    done = openness(store, "query", "ASK { <urn:cli:probe> ?p ?o }", "--format", "json")
    assert done.returncode == 0, done.stderr
    assert "true" in done.stdout


def test_a_snapshot_a_reader_holds_is_not_removed(tmp_path, store_kind):
    if store_kind != "embedded":
        pytest.skip("snapshots are of on-disk embedded stores")
    from graph.store import snapshots

    shared = tmp_path / "store.snapshots"
    shared.mkdir()
    assert snapshots.open_latest(shared) is None  # nothing published yet
    live = ox.Store(str(tmp_path / "store"))
    live.add(ox.Quad(ox.NamedNode("urn:s"), ox.NamedNode("urn:p"), ox.Literal("1")))
    live.flush()
    live.backup(str(shared / "v0"))
    snapshots.publish(shared, shared / "v0")
    reader = snapshots.open_latest(shared)
    assert reader is not None and snapshots.is_snapshot(reader)
    assert len(reader) == 1
    # The server may not remove it while this process reads it ...
    assert not snapshots.remove_unless_read(shared / "v0")
    assert len(reader) == 1
    # ... and a snapshot no one reads goes at once.
    live.backup(str(shared / "v1"))
    assert snapshots.remove_unless_read(shared / "v1")
    assert not (shared / "v1").exists()
    snapshots.withdraw(shared)
    assert snapshots.open_latest(shared) is None


def test_each_write_shares_a_fresh_snapshot_and_drops_the_old(tmp_path, store_kind):
    if store_kind != "embedded":
        pytest.skip("snapshots are of on-disk embedded stores")
    from graph.endpoint.pool import ProcessRunner
    from graph.store import snapshots

    shared = tmp_path / "snapshots"
    live = ox.Store(str(tmp_path / "store"))
    runner = ProcessRunner(live, shared, 1)

    def write(n: int) -> None:
        live.add(ox.Quad(ox.NamedNode(f"urn:s{n}"), ox.NamedNode("urn:p"), ox.Literal("1")))
        runner.data_changed()

    def kept() -> int:
        return sum(1 for p in shared.iterdir() if p.is_dir())

    try:
        for n in range(3):
            write(n)
        assert kept() == 1  # no query ran in between: the older ones are gone
        reader = snapshots.open_latest(shared)
        assert reader is not None and len(reader) == 3
        write(3)
        # The one being read stays beside the new one; the next reader gets the new one.
        assert kept() == 2
        assert len(reader) == 3
        assert len(snapshots.open_latest(shared)) == 4
    finally:
        runner.close()
    assert not snapshots.is_published(shared)
