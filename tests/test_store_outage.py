"""Nothing half-written: an external server that goes away mid-write, and comes back."""

from __future__ import annotations

import os
import signal
import subprocess
import threading
import time
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib
import requests
from conftest import free_port, load_sample

from bench import servers
from graph import loading, paths
from graph.ingest import ingest
from graph.ingest.provenance import PROVENANCE_GRAPH, SUBMISSION_GRAPH_PREFIX
from graph.ingest.roles import CURATOR
from graph.store import open_store
from graph.store.server import STAGING, SparqlStore, StoreUnavailable
from server import create_app

# Every test here starts, kills and restarts an oxigraph server of its own.
pytestmark = pytest.mark.external_server

SIZE = 6_000


class Oxigraph:
    """An ``oxigraph serve`` on a fixed port, so it can be killed and started again."""

    def __init__(self, directory: Path):
        self.directory = directory
        self.port = free_port()
        self.url = f"sparql+http://127.0.0.1:{self.port}/query?update=/update&gsp=/store"
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        binary = servers._oxigraph_binary()
        self.process = subprocess.Popen(
            [
                str(binary),
                "serve",
                "--location",
                str(self.directory / "data"),
                "--bind",
                f"127.0.0.1:{self.port}",
            ],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                requests.get(
                    f"http://127.0.0.1:{self.port}/query", params={"query": "ASK {}"}, timeout=2
                ).raise_for_status()
                return
            except requests.RequestException:
                time.sleep(0.05)
        raise RuntimeError("oxigraph did not start")

    def kill(self) -> None:
        """Kill the server at once, as a crash or a pulled cable would."""
        if self.process and self.process.poll() is None:
            os.kill(self.process.pid, signal.SIGKILL)
            self.process.wait()


@pytest.fixture
def oxigraph(tmp_path):
    reason = servers.missing("oxigraph")
    if reason:
        pytest.skip(reason)
    server = Oxigraph(tmp_path)
    server.start()
    yield server
    server.kill()


def big_batch() -> rdflib.Graph:
    """Return SIZE triples about new nodes, each typed (the submission rules refuse
    untyped new nodes) with a type no shape targets, so a curator may send them."""
    batch = rdflib.Graph()
    for i in range(SIZE // 2):
        node = rdflib.URIRef(f"https://example.org/n{i}")
        batch.add((node, rdflib.RDF.type, rdflib.RDFS.Resource))
        batch.add((node, rdflib.RDFS.comment, rdflib.Literal(f"note {i}")))
    return batch


def kill_during(store: SparqlStore, server: Oxigraph, what: str, marker: str, delay: float):
    """Kill ``server`` ``delay`` s after the first request of kind ``what`` is sent."""
    send = store._send
    fired = threading.Event()

    def sending(method, url, body, content_type, accept, timeout, kind):
        if kind == what and marker.encode() in (body or b"") and not fired.is_set():
            fired.set()
            threading.Timer(delay, server.kill).start()
        return send(method, url, body, content_type, accept, timeout, kind)

    store._send = sending
    return fired


def batch_left_anything(store: SparqlStore) -> list[str]:
    """Return what of the batch a reader can see: its graph, its records, its triples."""
    seen = [g.value for g in store.named_graphs() if g.value.startswith(SUBMISSION_GRAPH_PREFIX)]
    seen += [
        str(q) for q in store.quads_for_pattern(None, None, None, ox.NamedNode(PROVENANCE_GRAPH))
    ]
    seen += [
        str(q)
        for q in store.quads_for_pattern(None, None, None, ox.NamedNode(loading.CATALOG))
        if q.subject.value.startswith(SUBMISSION_GRAPH_PREFIX)
    ]
    ask = "ASK { <https://example.org/n0> ?p ?o }"
    if store.query(ask, use_default_graph_as_union=True):
        seen.append("batch triples")
    return seen


@pytest.mark.parametrize(
    "what, marker, delay",
    [
        ("graph write", "note", 0.02),  # while the batch streams into the staging graph
        ("update", "DELETE", 0.0),  # while the final operation runs
    ],
)
def test_an_ingest_cut_by_a_dying_server_leaves_nothing(oxigraph, what, marker, delay) -> None:
    store = open_store(oxigraph.url)
    todo, _ = loading.prepare([paths.ONTOLOGY_DIR / "openness.ttl"], paths.ROOT, store)
    list(loading.write(store, todo, paths.ROOT))
    store.post_triples_per_request = 1_000
    fired = kill_during(store, oxigraph, what, marker, delay)
    started = time.monotonic()
    with pytest.raises(StoreUnavailable) as failure:
        ingest(store, big_batch(), "k", "outage-test", role=CURATOR, recompute=False)
    message = str(failure.value)
    assert fired.is_set()
    assert f"127.0.0.1:{oxigraph.port}" in message and "Is it running" in message, message
    assert time.monotonic() - started < 60
    oxigraph.start()  # same data directory, same port
    again = open_store(oxigraph.url)
    assert batch_left_anything(again) == []
    # A staging graph may remain, invisible; it is dropped once stale.
    staging = [g for g in again._dataset_graphs(fresh=True) if g.startswith(STAGING)]
    assert staging == []
    # The same batch can then be written whole.
    outcome = ingest(again, big_batch(), "k", "outage-test", role=CURATOR, recompute=False)
    assert outcome.created
    count = f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{outcome.graph}> {{ ?s ?p ?o }} }}"
    assert int(next(iter(again.query(count)))["n"].value) == SIZE


def test_the_app_answers_503_while_the_server_is_down_and_recovers(oxigraph) -> None:
    load_sample(open_store(oxigraph.url))
    app = create_app({"STORE": oxigraph.url, "TESTING": True})
    try:
        client = app.test_client()
        query = {"query": "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"}
        up = client.get("/sparql", query_string=query)
        assert up.status_code == 200
        oxigraph.kill()
        down = client.get("/sparql", query_string=query)
        assert down.status_code == 503
        detail = down.get_json()["error"]["detail"]
        assert "unavailable" in detail and f"127.0.0.1:{oxigraph.port}" in detail
        assert down.headers["Retry-After"]
        page = client.get("/")
        assert page.status_code == 503
        oxigraph.start()
        back = client.get("/sparql", query_string=query)
        assert back.status_code == 200 and back.get_json() == up.get_json()
    finally:
        app.extensions["openness"].close()
