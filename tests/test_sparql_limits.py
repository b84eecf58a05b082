"""Limits of /sparql: a hard query timeout, the body cap, and fresh data after writes."""

from __future__ import annotations

import time

import pytest

# The endpoint runs its queries on the store: each store kind.
pytestmark = pytest.mark.every_store_kind

# A count over a six-way cross product of the sample's 32 triples: about 10^9 solutions,
# with nothing to stream before the end, so only killing the worker stops it.
RUNAWAY = (
    "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . "
    "?j ?k ?l . ?m ?n0 ?o . ?p ?q ?r }"
)
TOKEN = "limits-token"


def test_timeout_kills_the_worker_and_answers_503(disk_app):
    app = disk_app(QUERY_TIMEOUT=1, QUERY_WORKERS=1)
    client = app.test_client()
    ctx = app.extensions["openness"]
    runner = ctx.runner
    # A worker's first start can take seconds on a busy machine; warm it up unhurried.
    ctx.settings["QUERY_TIMEOUT"] = 60
    warm = client.get("/sparql", query_string={"query": "ASK { ?s ?p ?o }"})
    assert warm.get_json()["boolean"] is True
    ctx.settings["QUERY_TIMEOUT"] = 1
    (worker,) = runner._all
    started = time.monotonic()
    response = client.get("/sparql", query_string={"query": RUNAWAY})
    elapsed = time.monotonic() - started
    assert response.status_code == 503
    assert response.get_json()["error"]["title"] == "Query timeout"
    assert elapsed < 5
    assert worker.process.poll() is not None, "the worker should have been killed"
    # A fresh worker answers the next query (its start, too, may take seconds when busy).
    ctx.settings["QUERY_TIMEOUT"] = 60
    after = client.get("/sparql", query_string={"query": "SELECT (COUNT(*) AS ?n) { ?s ?p ?o }"})
    assert after.get_json()["results"]["bindings"][0]["n"]["value"] == "32"


def test_in_process_runner_stops_a_query_that_streams_rows(make_app):
    client = make_app(QUERY_TIMEOUT=0.3, MAX_ROWS=None).test_client()
    started = time.monotonic()
    response = client.get(
        "/sparql",
        query_string={"query": "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"},
    )
    assert response.status_code == 503
    assert time.monotonic() - started < 3


def test_workers_see_writes(disk_app):
    client = disk_app(WRITE_TOKEN=TOKEN, QUERY_WORKERS=1).test_client()
    ask = {"query": "ASK { <urn:new> ?p ?o }"}
    assert client.get("/sparql", query_string=ask).get_json()["boolean"] is False
    response = client.post(
        "/update",
        data={"update": "INSERT DATA { <urn:new> <urn:p> 1 }"},
        headers={"Authorization": f"Bearer {TOKEN}"},
    )
    assert response.status_code == 204
    assert client.get("/sparql", query_string=ask).get_json()["boolean"] is True


def test_old_snapshots_are_removed(disk_app, tmp_path):
    app = disk_app(WRITE_TOKEN=TOKEN, QUERY_WORKERS=1, SNAPSHOT_DIR=str(tmp_path / "snaps"))
    client = app.test_client()
    for value in range(3):
        client.post(
            "/update",
            data={"update": f"INSERT DATA {{ <urn:n> <urn:p> {value} }}"},
            headers={"Authorization": f"Bearer {TOKEN}"},
        )
        client.get("/sparql", query_string={"query": "ASK {}"})
    # The latest snapshot, and the file naming it for other processes (graph.store.snapshots).
    assert "current" in {p.name for p in (tmp_path / "snaps").iterdir()}
    assert len([p for p in (tmp_path / "snaps").iterdir() if p.name != "current"]) == 1
    app.extensions["openness"].close()
    assert not (tmp_path / "snaps").exists()


@pytest.mark.parametrize(
    "kwargs",
    [
        {
            "data": "SELECT * WHERE { ?s ?p ?o } # " + "x" * 3000,
            "content_type": "application/sparql-query",
        },
        {"data": {"query": "SELECT * WHERE { ?s ?p ?o } # " + "x" * 3000}},
    ],
)
def test_body_over_the_cap_is_413(make_app, kwargs):
    client = make_app(MAX_BODY=2000).test_client()
    response = client.post("/sparql", **kwargs)
    assert response.status_code == 413
    assert response.get_json()["error"]["status"] == 413


def test_body_under_the_cap_is_answered(make_app):
    client = make_app(MAX_BODY=2000).test_client()
    response = client.post(
        "/sparql", data="ASK { ?s ?p ?o }", content_type="application/sparql-query"
    )
    assert response.status_code == 200
