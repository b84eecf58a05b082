"""Derived data stays true to the claims after a crash or a raw write, and every refusal, the
web server's own included, comes in the one JSON error shape."""

from __future__ import annotations

import gc
import json
import logging
import socket
from urllib.parse import urlsplit

import pyoxigraph as ox
import pytest
import requests
from flask import Flask
from test_server_errors import assert_error_shape
from test_submissions_api import FORM, INDEX, MODEL, WORLD
from waitress.utilities import BadRequest, RequestEntityTooLarge, RequestHeaderFieldsTooLarge

from graph import derive, loading, paths, staleness
from graph.cli.store import load_files
from graph.namespaces import DQV, ID, OG
from graph.records import SCORES_GRAPH
from graph.store import open_store, writes
from server import create_app
from server.errors import error_body
from server.waitress_errors import error_response

# Derived data after a crash or a raw write to the store: each store kind.
pytestmark = pytest.mark.every_store_kind


# ---------------------------------------------------------------- waitress's own refusals


class Answer:
    """Enough of a response for ``assert_error_shape``."""

    def __init__(self, status: int, content_type: str, data: bytes):
        self.status_code, self.data = status, data
        self.mimetype = content_type.split(";", 1)[0].strip()


def raw_request(base: str, head: bytes) -> Answer:
    """Send ``head`` (request line and headers, no body) to the server; read its answer."""
    where = urlsplit(base)
    with socket.create_connection((where.hostname, where.port), timeout=10) as sock:
        sock.sendall(head)
        received = b""
        while chunk := sock.recv(65536):
            received += chunk
    header, _, body = received.partition(b"\r\n\r\n")
    lines = header.decode("latin-1").split("\r\n")
    fields = dict(line.split(": ", 1) for line in lines[1:])
    return Answer(int(lines[0].split()[1]), fields["Content-Type"], body)


def test_a_url_over_the_header_limit_answers_431_in_the_error_shape(live_server):
    response = requests.get(f"{live_server}/sparql", params={"query": "a" * 400_000}, timeout=30)
    answer = Answer(response.status_code, response.headers["Content-Type"], response.content)
    assert_error_shape(answer, 431)
    assert "POST" in response.json()["error"]["detail"]


def test_a_body_over_the_limit_answers_413_in_the_error_shape(live_server):
    answer = raw_request(
        live_server,
        b"POST /sparql HTTP/1.1\r\nHost: localhost\r\n"
        b"Content-Type: application/sparql-query\r\nContent-Length: 50000000\r\n\r\n",
    )
    assert_error_shape(answer, 413)
    assert "MAX_BODY" in json.loads(answer.data)["error"]["detail"]


def test_a_request_waitress_cannot_parse_answers_400_in_the_error_shape(live_server):
    assert_error_shape(raw_request(live_server, b"NOT HTTP AT ALL\r\n\r\n"), 400)


def test_waitress_errors_are_written_with_the_application_error_body():
    status, headers, body = error_response(RequestHeaderFieldsTooLarge("over"), 1234)
    assert status == "431 Request Header Fields Too Large"
    assert headers == [("Content-Type", "application/json")]
    document = json.loads(body)
    assert document == error_body(
        431, "Request Header Fields Too Large", document["error"]["detail"]
    )
    assert "1234 bytes" in document["error"]["detail"]
    assert json.loads(error_response(RequestEntityTooLarge("x"), 1)[2])["error"]["status"] == 413
    # Other parse errors keep waitress's own explanation as the detail.
    assert (
        json.loads(error_response(BadRequest("Malformed"), 1)[2])["error"]["detail"] == "Malformed"
    )


# ---------------------------------------------------------------- derived data after a crash

TOKENS = {"admin": {"token": "admin-token", "role": "admin"}}
ADMIN = {"Authorization": "Bearer admin-token"}
FILES = [
    paths.ONTOLOGY_DIR / "openness.ttl",
    paths.ONTOLOGY_DIR / "frameworks" / "osai-index.ttl",
    paths.ONTOLOGY_DIR / "frameworks" / "oti-2024.ttl",
    WORLD,
]
WORLD_GRAPH = loading.graph_name_for(WORLD, paths.ROOT)
PAGES_WORLD = paths.ROOT / "tests" / "fixtures" / "pages" / "world.ttl"
ALPHA = f"{ID}model/alpha"


# The whole score measures the framework's metric; its parts (the index's categories) name
# the same model and framework, and a query for those two alone finds them too, in no
# order the standard fixes.
METRIC = f"{INDEX}/metric"


def index_score(store: ox.Store, model: str = MODEL) -> float | None:
    """Return the stored osai-index score of ``model``, None when none is stored."""
    query = f"""SELECT ?v WHERE {{ GRAPH <{SCORES_GRAPH}> {{
      ?s <{DQV.computedOn}> <{model}> ; <{OG.framework}> <{INDEX}> ;
        <{DQV.isMeasurementOf}> <{METRIC}> ; <{DQV.value}> ?v }} }}"""
    values = [float(row["v"].value) for row in store.query(query)]
    assert len(values) <= 1, values
    return values[0] if values else None


def queried_score(client) -> float | None:
    """Return the osai-index score of the model as the endpoint answers it."""
    query = f"""SELECT ?v WHERE {{ ?s dqv:computedOn <{MODEL}> ; og:framework <{INDEX}> ;
      dqv:isMeasurementOf <{METRIC}> ; dqv:value ?v }}"""
    rows = client.get("/sparql", query_string={"query": query}).json["results"]["bindings"]
    assert len(rows) <= 1, rows
    return float(rows[0]["v"]["value"]) if rows else None


def assert_consistent(store: ox.Store) -> None:
    """Check that no mark is pending and the derived data is what a full derive makes."""
    assert staleness.marks(store) == set()
    assert derive.derive(store).changed == 0


@pytest.fixture
def location(new_store_location, clean_env) -> str:
    """Return the location (a directory or a server) of a store holding the world, derived."""
    where = new_store_location()
    store = open_store(where)
    assert load_files(store, FILES) == 0
    assert_consistent(store)
    del store
    gc.collect()  # release an embedded store's lock for the app
    return where


def start(location: str) -> Flask:
    """Start the application over ``location``, as ``serve`` does, with an admin token."""
    return create_app(
        {"STORE": location, "TESTING": True, "QUERY_WORKERS": 0, "WRITE_TOKENS": TOKENS}
    )


def stop(app: Flask) -> None:
    app.extensions["openness"].close()


def killed_derive(*args, **kwargs):
    raise RuntimeError("killed between the write and the derive")


def test_a_submission_whose_derive_was_killed_is_recomputed_at_the_next_start(
    location, monkeypatch
) -> None:
    app = start(location)
    before = index_score(app.extensions["openness"].store)
    monkeypatch.setattr(derive, "derive_after_load", killed_derive)
    # A failed recompute takes its batch back; a kill also stops that from running.
    monkeypatch.setattr(writes, "take_back_batch", killed_derive)
    # The 500 is logged with its traceback, whose frames hold the store open; a kill
    # leaves no such record, so none is kept here either.
    monkeypatch.setattr(logging.getLogger("server.errors"), "disabled", True)
    failed = app.test_client().post("/api/submissions", json=FORM, headers=ADMIN)
    assert failed.status_code == 500
    monkeypatch.undo()
    written = app.extensions["openness"].store
    assert index_score(written) == before  # the batch is in, its score is not
    assert staleness.marks(written)
    stop(app)
    del app, written
    gc.collect()

    app = start(location)
    store = app.extensions["openness"].store
    assert index_score(store) == pytest.approx(1 / 12)
    assert_consistent(store)
    # The client's retry finds the batch written, and the scores agree with it.
    retry = app.test_client().post("/api/submissions", json=FORM, headers=ADMIN)
    assert retry.status_code == 200 and retry.json["status"] == "unchanged"
    assert queried_score(app.test_client()) == pytest.approx(1 / 12)
    stop(app)


def test_a_failed_derive_is_recomputed_before_the_next_request(location, monkeypatch) -> None:
    app = start(location)
    client = app.test_client()
    monkeypatch.setattr(derive, "derive_after_load", killed_derive)
    # A failed recompute takes its batch back; a kill also stops that from running.
    monkeypatch.setattr(writes, "take_back_batch", killed_derive)
    assert client.post("/api/submissions", json=FORM, headers=ADMIN).status_code == 500
    monkeypatch.undo()
    assert queried_score(client) == pytest.approx(1 / 12)
    assert_consistent(app.extensions["openness"].store)
    stop(app)


def test_a_load_whose_derive_was_killed_is_recomputed_at_the_next_start(new_store_location):
    where = new_store_location()
    store = open_store(where)
    files = loading.rdf_files([paths.ONTOLOGY_DIR, PAGES_WORLD])
    todo, _ = loading.prepare(files, paths.ROOT, store)
    list(loading.write(store, todo, paths.ROOT))  # killed before derive_after_load
    assert staleness.marks(store) == {item.graph for item in todo}
    assert index_score(store, ALPHA) is None
    del store
    gc.collect()
    app = start(where)
    store = app.extensions["openness"].store
    assert index_score(store, ALPHA) is not None
    assert_consistent(store)
    stop(app)


# ---------------------------------------------------------------- raw writes recompute


def test_a_raw_update_of_a_claim_level_changes_the_score_the_next_query_sees(location) -> None:
    app = start(location)
    client = app.test_client()
    (claim,) = client.post("/api/submissions", json=FORM, headers=ADMIN).json["claims_added"]
    assert queried_score(client) == pytest.approx(1 / 12)
    update = f"""DELETE {{ GRAPH ?g {{ <{claim}> og:level og:open }} }}
      INSERT {{ GRAPH ?g {{ <{claim}> og:level og:closed }} }}
      WHERE {{ GRAPH ?g {{ <{claim}> og:level og:open }} }}"""
    answer = client.post("/update", data={"update": update}, headers=ADMIN)
    assert answer.status_code == 204
    assert queried_score(client) == 0.0
    assert_consistent(app.extensions["openness"].store)
    stop(app)


def test_an_update_that_does_not_parse_leaves_no_mark(location) -> None:
    app = start(location)
    client = app.test_client()
    answer = client.post("/update", data={"update": "DELETE WHERE {"}, headers=ADMIN)
    assert answer.status_code == 400
    assert staleness.marks(app.extensions["openness"].store) == set()
    stop(app)


def test_a_graph_store_delete_recomputes_the_models_it_described(location) -> None:
    app = start(location)
    client = app.test_client()
    graph = client.post("/api/submissions", json=FORM, headers=ADMIN).json["graph"]
    assert queried_score(client) == pytest.approx(1 / 12)
    answer = client.delete("/rdf-graph-store", query_string={"graph": graph}, headers=ADMIN)
    assert answer.status_code == 204
    assert queried_score(client) is None  # no claim left: no score
    assert_consistent(app.extensions["openness"].store)
    # The batch is gone, so sending it again writes it again.
    again = client.post("/api/submissions", json=FORM, headers=ADMIN)
    assert again.status_code == 201 and again.json["status"] == "accepted"
    assert queried_score(client) == pytest.approx(1 / 12)
    stop(app)


def test_a_graph_store_put_recomputes_the_models_it_described(location) -> None:
    app = start(location)
    client = app.test_client()
    graph = client.post("/api/submissions", json=FORM, headers=ADMIN).json["graph"]
    answer = client.put(
        "/rdf-graph-store",
        query_string={"graph": graph},
        data=b"<https://example.org/s> <https://example.org/p> <https://example.org/o> .",
        content_type="application/n-triples",
        headers=ADMIN,
    )
    assert answer.status_code == 204
    assert queried_score(client) is None
    assert_consistent(app.extensions["openness"].store)
    stop(app)


# ---------------------------------------------------------------- bundled graphs removed


@pytest.mark.parametrize("how", ["graph store", "update"])
def test_a_bundled_graph_dropped_by_an_admin_is_back_after_a_restart(location, how) -> None:
    app = start(location)
    client = app.test_client()
    client.post("/api/submissions", json=FORM, headers=ADMIN)
    if how == "graph store":
        answer = client.delete(
            "/rdf-graph-store", query_string={"graph": WORLD_GRAPH}, headers=ADMIN
        )
    else:
        answer = client.post(
            "/update", data={"update": f"DROP GRAPH <{WORLD_GRAPH}>"}, headers=ADMIN
        )
    assert answer.status_code == 204
    store = app.extensions["openness"].store
    assert not store.contains_named_graph(ox.NamedNode(WORLD_GRAPH))
    assert_consistent(store)
    stop(app)
    del app, client, store
    gc.collect()

    # What `openness serve` does: bring the bundled files up to date, then serve.
    store = open_store(location)
    assert load_files(store, FILES) == 0
    assert store.contains_named_graph(ox.NamedNode(WORLD_GRAPH))
    assert_consistent(store)
    assert index_score(store) == pytest.approx(1 / 12)
