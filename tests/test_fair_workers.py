"""Slow queries share the worker pool fairly: quick queries and pages answer meanwhile.

A query that runs past ``QUERY_LONG_AFTER`` is long; at most ``QUERY_LONG_MAX`` run at once,
at most ``QUERY_CLIENT_LONG`` from one client, so a worker always stays for quick queries.
Runs a real server (``server.serve``) over an on-disk store, as a deployment does.
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time

import pyoxigraph as ox
import pytest
import requests
from conftest import free_port, load_sample

from graph.endpoint.pool import ProcessRunner
from graph.endpoint.runner import LaneFull, QueryRequest

# A count over a six-way cross product of the sample: nothing streams, only the deadline
# stops it.
RUNAWAY = (
    "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . "
    "?j ?k ?l . ?m ?n0 ?o . ?p ?q ?r }"
)
# Long enough for the checks made while two slow queries hold their places.
TIMEOUT = 6


def _serve(tmp_path, **settings) -> tuple[subprocess.Popen, str]:
    store = load_sample(ox.Store(str(tmp_path / "store")))
    store.flush()
    del store  # releases RocksDB's lock for the server process
    port = free_port()
    options = ", ".join(f"{key}={value!r}" for key, value in settings.items())
    code = f"from server.serve import serve; serve({str(tmp_path / 'store')!r}, port={port}, {options})"
    env = {k: v for k, v in os.environ.items() if not k.startswith("OPENNESS_")}
    with (tmp_path / "server.log").open("w") as log:
        process = subprocess.Popen(
            [sys.executable, "-c", code], env=env, stdout=log, stderr=subprocess.STDOUT
        )
    base = f"http://127.0.0.1:{port}"
    for _ in range(300):
        try:
            if requests.get(f"{base}/healthz", timeout=1).ok:
                return process, base
        except requests.ConnectionError:
            time.sleep(0.1)
    process.kill()
    raise RuntimeError((tmp_path / "server.log").read_text())


@pytest.fixture
def fair_server(tmp_path, store_kind):
    """Serve with 3 workers, 2 long places, 1 per client, clients told by X-Forwarded-For."""
    if store_kind != "embedded":
        pytest.skip("the worker pool serves on-disk embedded stores only")
    process, base = _serve(
        tmp_path,
        query_timeout=TIMEOUT,
        query_workers=3,
        query_long_after=1,
        query_long_max=2,
        query_client_long=1,
        trust_proxy=1,
    )
    try:
        yield base
    finally:
        process.terminate()
        process.wait(timeout=20)


def _post(base: str, query: str, client: str) -> requests.Response:
    return requests.post(
        f"{base}/sparql",
        data={"query": query},
        headers={"X-Forwarded-For": client, "Accept": "application/sparql-results+json"},
        timeout=60,
    )


def _long_queries(base: str) -> int:
    return requests.get(f"{base}/healthz", timeout=5).json()["runner"]["long"]


def test_quick_queries_and_pages_answer_while_two_slow_queries_run(fair_server):
    outcomes: list[tuple[int, str | None]] = []

    def slow(client: str) -> None:
        response = _post(fair_server, RUNAWAY, client)
        title = response.json()["error"]["title"] if response.status_code != 200 else None
        outcomes.append((response.status_code, title))

    held = [threading.Thread(target=slow, args=(f"10.0.0.{n}",)) for n in (1, 2)]
    for thread in held:
        thread.start()
    try:
        for _ in range(100):
            if _long_queries(fair_server) == 2:
                break
            time.sleep(0.1)
        assert _long_queries(fair_server) == 2, "both slow queries should hold a worker"
        for _ in range(5):
            clock = time.monotonic()
            answer = _post(fair_server, "ASK { ?s ?p ?o }", "10.0.0.9")
            assert answer.status_code == 200, answer.text
            assert answer.json()["boolean"] is True
            # Under a second on an idle machine (bench.pathological measures it); the
            # bound leaves room for the rest of the suite running beside this test.
            assert time.monotonic() - clock < 2.0
            clock = time.monotonic()
            page = requests.get(f"{fair_server}/id/model/alpha", timeout=10)
            assert page.status_code == 200
            assert time.monotonic() - clock < 2.0
        # Both long places are taken: a third slow query is stopped once it turns long,
        # told to come back, and the held ones go on.
        third = _post(fair_server, RUNAWAY, "10.0.0.3")
        assert third.status_code == 503
        assert third.json()["error"]["title"] == "Too many long queries"
        assert int(third.headers["Retry-After"]) >= 1
        assert "QUERY_LONG_MAX" in third.json()["error"]["detail"]
        assert outcomes == []
    finally:
        for thread in held:
            thread.join()
    # Neither was stopped before its deadline.
    assert outcomes == [(503, "Query timeout"), (503, "Query timeout")]


def test_one_client_cannot_take_every_long_place(fair_server):
    first = threading.Thread(target=_post, args=(fair_server, RUNAWAY, "10.0.0.1"))
    first.start()
    try:
        for _ in range(100):
            if _long_queries(fair_server) == 1:
                break
            time.sleep(0.1)
        again = _post(fair_server, RUNAWAY, "10.0.0.1")
        assert again.status_code == 503
        assert again.json()["error"]["title"] == "Too many long queries"
        assert "QUERY_CLIENT_LONG" in again.json()["error"]["detail"]
        assert "Retry-After" in again.headers
        # Another client still gets the other long place; its query is only stopped by the
        # deadline.
        other = _post(fair_server, RUNAWAY, "10.0.0.2")
        assert other.json()["error"]["title"] == "Query timeout"
    finally:
        first.join()


def test_quick_queries_are_never_counted_as_long(tmp_path, store_kind):
    if store_kind != "embedded":
        pytest.skip("the worker pool serves on-disk embedded stores only")
    store = load_sample(ox.Store(str(tmp_path / "store")))
    runner = ProcessRunner(store, tmp_path / "snapshots", 1, long_after=5, max_long=1)
    try:
        for _ in range(3):
            assert runner.run(QueryRequest("ASK { ?s ?p ?o }"), 30, client="a").kind == "boolean"
        assert runner.status()["long"] == 0
        # With its single long place taken by nobody, a slow query may turn long; the count
        # falls back once it ends.
        runner.long_after = 0.2
        with pytest.raises(Exception) as stopped:
            runner.run(QueryRequest(RUNAWAY), 1.5, client="a")
        assert not isinstance(stopped.value, LaneFull)
        assert runner.status()["long"] == 0
    finally:
        runner.close()
