"""Attacks on /sparql and /update replayed: nothing is fetched, nothing takes the server down.

Each test runs on the app's in-process runner (the embedded store in memory), and where it
says so on the worker pool of an on-disk store (``disk_app``); with
OPENNESS_TEST_STORES=oxigraph the same app forwards to an Oxigraph server.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
import time

import pyoxigraph as ox
import pytest
import requests
from conftest import free_port, load_sample

from graph.endpoint.forwarding import ForwardingRunner
from graph.endpoint.pool import ProcessRunner
from graph.endpoint.runner import QueryRequest, RunnerBusy, ServiceFailed
from graph.sparql.guard import FETCH_REFUSED

# The attacks reach the store behind the endpoint: each store kind.
pytestmark = pytest.mark.every_store_kind

TOKEN = "security-token"
COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"


@pytest.fixture
def disk_app(disk_app, store_kind):
    """Return conftest's factory of worker-pool apps, skipped on the external store kinds."""

    def make(**config):
        if store_kind != "embedded":
            pytest.skip("the worker pool serves on-disk embedded stores only")
        return disk_app(**config)

    return make


@pytest.fixture(params=["in-process", "workers"])
def any_app(request, make_app, disk_app):
    """Return a factory of apps, run once on the runner of each kind."""
    if request.param == "in-process":
        return make_app  # forwards to the server when the store kind is one
    return lambda **config: disk_app(QUERY_WORKERS=1, **config)


def bearer() -> dict[str, str]:
    return {"Authorization": f"Bearer {TOKEN}"}


def error_of(response) -> dict:
    assert response.mimetype == "application/json", response.data
    return response.get_json()["error"]


def count(client) -> int:
    response = client.get("/sparql", query_string={"query": COUNT})
    return int(response.get_json()["results"]["bindings"][0]["n"]["value"])


# ------------------------------------------------------------------ nothing is fetched

# {url} is the canary's endpoint, {base} its root; the escaped forms spell it with \u.
QUERIES = [
    # The report's reproductions: escapes the old lexer took for a comment and a string.
    "PREFIX ex: <http://ex/>\nSELECT * WHERE {{ OPTIONAL {{ ?s ?p ex:a\\# }} "
    "SERVICE <{url}> {{ ?a ?b ?c }} }}\n",
    "PREFIX ex: <http://ex/>\nSELECT * WHERE {{ OPTIONAL {{ ?s ?p ex:a\\' }} "
    "SERVICE <{url}> {{ ?a ?b ?c }} }}\n",
    "SELECT * WHERE {{ SERVICE <{url}> {{ ?s ?p ?o }} }}",
    "select * where {{ service silent <{url}> {{ ?s ?p ?o }} }}",
    "SELECT * WHERE {{ ?s ?p ?o.SERVICE<{url}>{{ }} }}",
    "SELECT * WHERE {{ # SERVICE in a comment\n SERVICE <{url}> {{ }} }}",
    "SELECT * WHERE {{ \\u0053ERVICE <{url}> {{ }} }}",
    "SELECT * WHERE {{ SERVICE <{escaped}> {{ }} }}",
    'SELECT * WHERE {{ BIND("\\u0022" AS ?x) SERVICE <{url}> {{ }} BIND("\\u0022" AS ?y) }}',
    "SELECT * WHERE {{ ?s ?p '''x''' . SERVICE <{url}> {{ }} }}",
    "SELECT * WHERE {{ VALUES ?e {{ <{url}> }} SERVICE ?e {{ }} }}",
    "SELECT * WHERE {{ BIND(<{url}> AS ?e) SERVICE SILENT ?e {{ }} }}",
    "PREFIX r: <{base}>\nSELECT * WHERE {{ SERVICE r:x {{ }} }}",
    "PREFIX : <{base}>\nSELECT * WHERE {{ SERVICE :x {{ }} }}",
    "BASE <{base}>\nSELECT * WHERE {{ SERVICE <x> {{ }} }}",
    "SELECT * WHERE {{ {{ SELECT * WHERE {{ SERVICE <{url}> {{ }} }} }} }}",
    "SELECT * WHERE {{ ?s ?p ?o OPTIONAL {{ SERVICE <{url}> {{ }} }} }}",
    "SELECT * WHERE {{ ?s ?p ?o MINUS {{ SERVICE <{url}> {{ ?s ?p ?o }} }} }}",
    "SELECT * WHERE {{ ?s ?p ?o FILTER EXISTS {{ SERVICE <{url}> {{ }} }} }}",
    "SELECT * WHERE {{ ?s ?p ?o FILTER NOT EXISTS {{ SERVICE <{url}> {{ }} }} }}",
    "SELECT * WHERE {{ {{ ?s ?p ?o }} UNION {{ SERVICE <{url}> {{ }} }} }}",
    "SELECT * WHERE {{ GRAPH ?g {{ SERVICE <{url}> {{ }} }} }}",
    "ASK {{ SERVICE <{url}> {{ }} }}",
    "CONSTRUCT {{ ?s ?p ?o }} WHERE {{ SERVICE <{url}> {{ ?s ?p ?o }} }}",
    "DESCRIBE ?s WHERE {{ SERVICE <{url}> {{ ?s ?p ?o }} }}",
]

UPDATES = [
    "LOAD <{url}>",
    "LOAD SILENT <{url}>",
    "LOAD <{url}> INTO GRAPH <urn:g>",
    "load silent <{url}> into graph <urn:g>",
    "\\u004cOAD <{url}>",
    "INSERT DATA {{ <urn:a> <urn:b> 1 }} ; LOAD <{url}>",
    "INSERT {{ ?s ?p ?o }} WHERE {{ SERVICE <{url}> {{ ?s ?p ?o }} }}",
    "PREFIX ex: <http://ex/>\nINSERT {{ <urn:a> <urn:b> ex:a\\# }} "
    "WHERE {{ SERVICE <{url}> {{ }} }}",
    "PREFIX ex: <http://ex/>\nINSERT {{ <urn:a> <urn:b> ex:a\\' }} "
    "WHERE {{ SERVICE <{url}> {{ }} }}",
    "WITH <urn:g> DELETE {{ ?s ?p ?o }} WHERE {{ OPTIONAL {{ SERVICE SILENT <{url}> {{ ?s ?p ?o }} }} }}",
    "DELETE {{ ?s ?p ?o }} WHERE {{ ?s ?p ?o FILTER EXISTS {{ SERVICE <{url}> {{ }} }} }}",
    "INSERT {{ <urn:a> <urn:b> ?o }} WHERE {{ VALUES ?e {{ <{url}> }} SERVICE ?e {{ ?s ?p ?o }} }}",
]


def fill(template: str, canary) -> str:
    escaped = canary.url.replace("127", "\\u003127")
    return template.format(url=canary.url, base=canary.base, escaped=escaped)


@pytest.mark.parametrize("allowlist", [[], ["http://127.0.0.1:1/allowed"]])
def test_no_query_reaches_the_canary(any_app, canary, allowlist):
    client = any_app(SERVICE_ALLOWLIST=allowlist).test_client()
    for template in QUERIES:
        query = fill(template, canary)
        for response in (
            client.get("/sparql", query_string={"query": query}),
            client.post("/sparql", data=query, content_type="application/sparql-query"),
        ):
            assert response.status_code in (400, 403), (query, response.data)
            error = error_of(response)
            if response.status_code == 403:
                assert error["detail"] == FETCH_REFUSED
    assert canary.heard() == 0


def test_refusals_do_not_depend_on_the_network(make_app, canary):
    # A listening port and a closed one are refused with the same answer.
    client = make_app().test_client()
    closed = socket.socket()
    closed.bind(("127.0.0.1", 0))
    closed_port = closed.getsockname()[1]
    closed.close()
    answers = set()
    for port in (canary.port, closed_port, 9):
        query = f"SELECT * WHERE {{ SERVICE <http://127.0.0.1:{port}/x> {{ }} }}"
        response = client.get("/sparql", query_string={"query": query})
        answers.add((response.status_code, error_of(response)["detail"]))
    assert answers == {(403, FETCH_REFUSED)}


def test_from_and_dataset_iris_are_never_fetched(any_app, canary):
    client = any_app().test_client()
    query = f"SELECT * FROM <{canary.url}> FROM NAMED <{canary.url}> WHERE {{ ?s ?p ?o }}"
    response = client.get("/sparql", query_string={"query": query})
    assert response.status_code == 200
    assert canary.heard() == 0


def test_no_update_reaches_the_canary(any_app, canary):
    client = any_app(WRITE_TOKEN=TOKEN).test_client()
    before = count(client)
    for template in UPDATES:
        update = fill(template, canary)
        for path in ("/update", "/sparql"):
            response = client.post(path, data={"update": update}, headers=bearer())
            assert response.status_code in (400, 403), (update, response.data)
            error_of(response)
    assert count(client) == before
    assert canary.heard() == 0


def test_allow_listed_service_still_works_from_a_worker(disk_app, canary):
    client = disk_app(QUERY_WORKERS=1, SERVICE_ALLOWLIST=[canary.url]).test_client()
    query = f"SELECT * WHERE {{ SERVICE SILENT <{canary.url}> {{ ?s ?p ?o }} }}"
    response = client.get("/sparql", query_string={"query": query})
    # The canary hangs up at once; SILENT turns the failure into no rows.
    assert response.status_code == 200, response.data
    assert canary.heard() >= 1


def test_a_failed_service_call_is_400_with_a_fixed_message(any_app, canary):
    client = any_app(SERVICE_ALLOWLIST=[canary.url]).test_client()
    query = f"SELECT * WHERE {{ SERVICE <{canary.url}> {{ ?s ?p ?o }} }}"
    response = client.get("/sparql", query_string={"query": query})
    assert response.status_code == 400
    assert error_of(response)["detail"] == FETCH_REFUSED


def test_sandboxed_workers_cannot_connect_even_if_the_checks_let_a_query_through(
    tmp_path, sample_path, canary
):
    store = ox.Store(str(tmp_path / "store"))
    store.load(path=str(sample_path), format=ox.RdfFormat.TRIG)
    runner = ProcessRunner(store, tmp_path / "snapshots", 1, sandbox=True)
    try:
        # The allowlist names the canary, so only the sandbox stands between it and the query.
        request = QueryRequest(
            f"SELECT * WHERE {{ SERVICE <{canary.url}> {{ ?s ?p ?o }} }}",
            service_allowlist=(canary.url,),
        )
        with pytest.raises(ServiceFailed):
            runner.run(request, timeout=20)
        state = runner.status()
        if not state["sandboxed"]:
            pytest.skip(f"this kernel gives no sandbox: {state['sandbox']}")
        assert canary.heard() == 0
    finally:
        runner.close()


def test_healthz_says_whether_workers_are_sandboxed(disk_app):
    client = disk_app(QUERY_WORKERS=1).test_client()
    client.get("/sparql", query_string={"query": "ASK {}"})
    runner = client.get("/healthz").get_json()["runner"]
    assert runner["sandbox"] == "on" or runner["sandbox"].startswith("unavailable: ")
    assert runner["sandboxed"] is (runner["sandbox"] == "on")


def test_workers_are_not_sandboxed_when_service_is_allow_listed(disk_app, canary):
    client = disk_app(QUERY_WORKERS=1, SERVICE_ALLOWLIST=[canary.url]).test_client()
    runner = client.get("/healthz").get_json()["runner"]
    assert runner["sandbox"].startswith("off")
    assert runner["sandboxed"] is False


# ------------------------------------------------------------------ bounded parsing


@pytest.mark.parametrize("levels", [3_000, 100_000])
def test_deeply_nested_queries_are_400_and_the_worker_survives(any_app, levels):
    client = any_app().test_client()
    runner = client.application.extensions["openness"].runner
    client.get("/sparql", query_string={"query": "ASK {}"})
    workers = {w.process.pid for w in getattr(runner, "_all", ())}
    query = "SELECT * WHERE " + "{" * levels + "}" * levels
    response = client.post("/sparql", data={"query": query})
    assert response.status_code == 400
    assert error_of(response)["title"] == "Nesting too deep"
    assert count(client) == 32
    assert {w.process.pid for w in getattr(runner, "_all", ())} == workers


@pytest.mark.parametrize("levels", [3_000, 100_000])
def test_deeply_nested_updates_are_400_and_the_server_survives(any_app, levels):
    client = any_app(WRITE_TOKEN=TOKEN).test_client()
    update = "INSERT { <urn:a> <urn:b> <urn:c> } WHERE " + "{" * levels + "}" * levels
    response = client.post("/update", data={"update": update}, headers=bearer())
    assert response.status_code == 400
    assert error_of(response)["title"] == "Nesting too deep"
    assert count(client) == 32


def test_closing_brackets_in_strings_cannot_smuggle_deep_nesting_into_an_update(make_app):
    # The bracket count sees depth 3; Oxigraph's parser sees 20,000 and would overflow the
    # request thread's stack, but the server parses it on a stack that holds it.
    client = make_app(WRITE_TOKEN=TOKEN).test_client()
    levels = 20_000
    update = (
        "INSERT { <urn:deep> <urn:p> 1 } WHERE { " + '{ FILTER("}") ' * levels + "}" * levels + "}"
    )
    response = client.post("/update", data={"update": update}, headers=bearer())
    assert response.status_code in (204, 400), response.data
    assert count(client) in (32, 33)


def test_a_huge_query_is_never_parsed_in_the_server_process(disk_app, monkeypatch):
    import graph.sparql.guard as guard

    def fail(*args):
        raise AssertionError("the server process parsed the query")

    monkeypatch.setattr(guard, "_query_plan", fail)
    client = disk_app(QUERY_WORKERS=1, QUERY_TIMEOUT=5).test_client()
    query = "SELECT * WHERE { ?s ?p ?o } # SERVICE " + "x" * 9_900_000
    response = client.post("/sparql", data=query, content_type="application/sparql-query")
    # The worker parses it (or its deadline stops it); either way not here.
    assert response.status_code in (200, 503), response.data
    if response.status_code == 503:
        assert error_of(response)["title"] == "Query timeout"
    assert count(client) == 32


def test_a_huge_query_parsed_in_process_is_413(make_app):
    client = make_app().test_client()
    query = "SELECT * WHERE { ?s ?p ?o } # SERVICE " + "x" * 1_100_000
    response = client.post("/sparql", data=query, content_type="application/sparql-query")
    assert response.status_code == 413
    assert error_of(response)["status"] == 413


@pytest.mark.differs_on(
    "oxigraph",
    "virtuoso",
    reason="an external server answers its own evaluation errors with HTTP 500 (passed on as 502)",
)
def test_engine_evaluation_errors_are_400(any_app):
    client = any_app().test_client()
    for query in (
        "SELECT (xsd:dateTime(1, 2) AS ?x) {}",
        "SELECT (<urn:no-such-function>(1) AS ?x) {}",
    ):
        response = client.get("/sparql", query_string={"query": query})
        assert response.status_code == 400, response.data
        assert error_of(response)["title"] == "Query evaluation error"


# ------------------------------------------------------------------ bounded memory


def test_a_query_over_the_memory_limit_is_503_and_the_worker_is_replaced(disk_app):
    client = disk_app(QUERY_WORKERS=1, QUERY_MEMORY_LIMIT=400, QUERY_TIMEOUT=60).test_client()
    runner = client.application.extensions["openness"].runner
    assert count(client) == 32
    (before,) = runner._all
    query = (
        "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l . ?m ?n ?o } "
        "ORDER BY RAND() LIMIT 1"
    )
    response = client.get("/sparql", query_string={"query": query})
    assert response.status_code == 503, response.data
    error = error_of(response)
    assert error["title"] == "Query out of memory"
    assert "400 MiB" in error["detail"]
    assert before.process.poll() is not None
    assert count(client) == 32
    assert runner.status()["workers"] == 1


# ------------------------------------------------------------------ the pool's accounting


class FailingSnapshots:
    """Stand in for the store: snapshots (flush, backup) fail while ``failing`` is set."""

    def __init__(self, store):
        self.store = store
        self.failing = True

    def flush(self):
        if self.failing:
            raise OSError("No space left on device")
        self.store.flush()

    def backup(self, path):
        if self.failing:
            raise OSError("No space left on device")
        self.store.backup(path)


def test_a_failed_first_snapshot_returns_the_worker(disk_app):
    app = disk_app(QUERY_WORKERS=1)
    client = app.test_client()
    runner = app.extensions["openness"].runner
    runner.store = FailingSnapshots(runner.store)
    for _ in range(3):
        response = client.get("/sparql", query_string={"query": "ASK {}"})
        assert response.status_code == 503
        assert error_of(response)["title"] == "Store unavailable"
    assert runner.status()["idle"] == runner.status()["workers"] == 1
    runner.store.failing = False
    assert count(client) == 32


def test_reads_go_on_over_the_last_snapshot_when_a_new_one_fails(disk_app):
    app = disk_app(QUERY_WORKERS=1, WRITE_TOKEN=TOKEN)
    client = app.test_client()
    runner = app.extensions["openness"].runner
    assert count(client) == 32
    runner.store = FailingSnapshots(runner.store)
    insert = {"update": "INSERT DATA { <urn:new> <urn:p> 1 }"}
    assert client.post("/update", data=insert, headers=bearer()).status_code == 204
    for _ in range(3):
        assert count(client) == 32  # the last good snapshot, not a 500
    assert "snapshot_error" in client.get("/healthz").get_json()["runner"]
    runner.store.failing = False
    assert count(client) == 33
    assert "snapshot_error" not in client.get("/healthz").get_json()["runner"]


def test_a_failed_write_does_not_break_reads(disk_app):
    app = disk_app(QUERY_WORKERS=1, WRITE_TOKEN=TOKEN)
    client = app.test_client()
    ctx = app.extensions["openness"]
    assert count(client) == 32

    class FullDisk(FailingSnapshots):
        def update(self, *args, **kwargs):
            raise OSError("No space left on device")

    real = ctx.store
    ctx.store = ctx.runner.store = FullDisk(real)
    try:
        response = client.post(
            "/update", data={"update": "INSERT DATA { <urn:new> <urn:p> 1 }"}, headers=bearer()
        )
        assert response.status_code >= 500
        for _ in range(3):
            assert count(client) == 32
    finally:
        ctx.store = ctx.runner.store = real
    assert count(client) == 32


# ------------------------------------------------------------------ starvation

# A count over a six-way cross product of the sample: nothing streams, only the deadline
# stops it.
RUNAWAY = (
    "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . "
    "?j ?k ?l . ?m ?n0 ?o . ?p ?q ?r }"
)


@pytest.fixture
def busy_server(tmp_path, store_kind):
    """Run ``serve`` with 2 workers, 2 waiting places and 6 threads; yield its base URL."""
    if store_kind != "embedded":
        pytest.skip("the worker pool serves on-disk embedded stores only")
    store = load_sample(ox.Store(str(tmp_path / "store")))
    store.flush()
    del store
    port = free_port()
    code = (
        "from server.serve import serve; "
        f"serve({str(tmp_path / 'store')!r}, port={port}, query_timeout=8, query_workers=2, "
        # No query turns long before its deadline: this server shows the queue alone.
        "query_queue=2, server_threads=6, query_long_after=60)"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("OPENNESS_")}
    with (tmp_path / "server.log").open("w") as log:
        process = subprocess.Popen(
            [sys.executable, "-c", code], env=env, stdout=log, stderr=subprocess.STDOUT
        )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(200):
            try:
                if requests.get(f"{base}/healthz", timeout=1).ok:
                    break
            except requests.ConnectionError:
                time.sleep(0.1)
        else:
            raise RuntimeError((tmp_path / "server.log").read_text())
        yield base
    finally:
        process.terminate()
        process.wait(timeout=20)


def test_slow_queries_cannot_starve_health_checks_and_pages(busy_server):
    outcomes: list[tuple[int, str | None]] = []

    def slow() -> None:
        response = requests.post(f"{busy_server}/sparql", data={"query": RUNAWAY}, timeout=60)
        title = response.json()["error"]["title"] if response.status_code != 200 else None
        outcomes.append((response.status_code, title, response.headers.get("Retry-After")))

    threads = [threading.Thread(target=slow) for _ in range(8)]
    for thread in threads:
        thread.start()
    try:
        # Both workers busy and both waiting places taken: /healthz still answers.
        for _ in range(100):
            runner = requests.get(f"{busy_server}/healthz", timeout=5).json()["runner"]
            if runner["idle"] == 0 and runner["waiting"] == 2 and len(outcomes) == 4:
                break
            time.sleep(0.1)
        assert (runner["idle"], runner["waiting"]) == (0, 2)
        page = requests.get(f"{busy_server}/id/model/alpha", timeout=5)
        assert page.status_code == 200
        # The four that found no place were answered at once, while the others still run.
        early = list(outcomes)
        assert len(early) == 4
        assert all(outcome == (503, "Server busy", "5") for outcome in early)
    finally:
        for thread in threads:
            thread.join()
    assert len(outcomes) == 8
    assert all(status == 503 for status, _, _ in outcomes)


def test_forwarded_queries_wait_in_a_bounded_queue_too():
    release = threading.Event()

    class SlowServer:
        """A store whose queries answer only once ``release`` is set."""

        def query(self, text, timeout=None, **options):
            release.wait(20)
            return ox.Store().query(text)

    runner = ForwardingRunner(SlowServer(), max_running=1, max_waiting=1)
    answers: list = []
    held = [
        threading.Thread(target=lambda: answers.append(runner.run(QueryRequest("ASK {}"), 30)))
        for _ in range(2)
    ]
    for thread in held:
        thread.start()
    try:
        for _ in range(100):
            if runner._waiting == 1:
                break
            time.sleep(0.05)
        assert runner._waiting == 1
        with pytest.raises(RunnerBusy):
            runner.run(QueryRequest("ASK {}"), 30)
    finally:
        release.set()
        for thread in held:
            thread.join()
    assert [answer.kind for answer in answers] == ["boolean", "boolean"]
