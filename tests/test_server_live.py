"""Real clients against `serve` (waitress; worker processes over an on-disk store, or an
external server behind it): SPARQLWrapper, rdflib's SPARQLStore and plain HTTP."""

from __future__ import annotations

import threading
import time
import uuid

import pytest
import rdflib
import requests
from rdflib.plugins.stores.sparqlstore import SPARQLStore
from SPARQLWrapper import JSON, POST, TURTLE, XML, SPARQLWrapper
from SPARQLWrapper.SPARQLExceptions import QueryBadFormed

# The served endpoint over a store of each kind.
pytestmark = pytest.mark.every_store_kind

MODELS = "SELECT ?m WHERE { ?m a og:Model } ORDER BY ?m"
EXPECTED_MODELS = [
    f"https://w3id.org/openness/id/model/{name}" for name in ("alpha", "beta", "delta", "gamma")
]


@pytest.fixture(scope="session")
def live_server(live_server_of_kind):
    """Run these tests against the endpoint over a store of each kind."""
    return live_server_of_kind


def wrapper(base: str, fmt=JSON, method=None) -> SPARQLWrapper:
    client = SPARQLWrapper(f"{base}/sparql")
    client.setReturnFormat(fmt)
    if method:
        client.setMethod(method)
    return client


@pytest.mark.parametrize("method", [None, POST])
def test_sparqlwrapper_select_as_json(live_server, method):
    client = wrapper(live_server, JSON, method)
    client.setQuery(MODELS)
    rows = client.queryAndConvert()["results"]["bindings"]
    assert [row["m"]["value"] for row in rows] == EXPECTED_MODELS


def test_sparqlwrapper_select_as_xml(live_server):
    client = wrapper(live_server, XML)
    client.setQuery(MODELS)
    document = client.queryAndConvert()
    uris = [node.firstChild.data for node in document.getElementsByTagName("uri")]
    assert uris == EXPECTED_MODELS


def test_sparqlwrapper_ask_and_construct(live_server):
    ask = wrapper(live_server, JSON)
    ask.setQuery("ASK { ?c a og:Claim }")
    assert ask.queryAndConvert()["boolean"] is True
    construct = wrapper(live_server, TURTLE)
    construct.setQuery("CONSTRUCT { ?m rdfs:label ?l } WHERE { ?m a og:Model ; rdfs:label ?l }")
    graph = rdflib.Graph().parse(data=construct.queryAndConvert(), format="turtle")
    assert len(graph) == 4


def test_sparqlwrapper_reports_a_syntax_error(live_server):
    client = wrapper(live_server, JSON)
    client.setQuery("SELECT ?x WHERE { ?x }")
    with pytest.raises(QueryBadFormed, match="does not parse"):
        client.queryAndConvert()


def test_sparqlwrapper_update_with_a_token(live_server, live_write_token):
    graph = f"urn:test:{uuid.uuid4()}"
    client = SPARQLWrapper(f"{live_server}/sparql", updateEndpoint=f"{live_server}/update")
    client.setMethod(POST)
    client.addCustomHttpHeader("Authorization", f"Bearer {live_write_token}")
    client.setQuery(f'INSERT DATA {{ GRAPH <{graph}> {{ <urn:a> <urn:b> "c" }} }}')
    client.query().response.close()
    check = wrapper(live_server, JSON)
    check.setQuery(f"ASK {{ GRAPH <{graph}> {{ <urn:a> <urn:b> ?c }} }}")
    assert check.queryAndConvert()["boolean"] is True


def test_rdflib_sparqlstore(live_server):
    store = SPARQLStore(query_endpoint=f"{live_server}/sparql", returnFormat="json")
    graph = rdflib.Graph(store=store)
    rows = list(
        graph.query(
            "SELECT ?m ?label WHERE { ?m a og:Model ; rdfs:label ?label } ORDER BY ?m",
            initNs={"og": "https://w3id.org/openness/ns#"},
        )
    )
    assert [str(row[0]) for row in rows] == EXPECTED_MODELS
    assert rdflib.Literal("Alpha") in {row[1] for row in rows}
    store.close()


def test_long_query_does_not_block_others(live_server):
    runaway = (
        "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . "
        "?j ?k ?l . ?m ?n0 ?o . ?p ?q ?r }"
    )
    outcome = {}

    def long_request():
        started = time.monotonic()
        response = requests.get(f"{live_server}/sparql", params={"query": runaway}, timeout=30)
        outcome["status"], outcome["seconds"] = response.status_code, time.monotonic() - started
        outcome["done"] = time.monotonic()

    thread = threading.Thread(target=long_request)
    thread.start()
    time.sleep(0.3)
    quick_done = []
    for _ in range(5):
        response = requests.get(
            f"{live_server}/sparql", params={"query": "ASK { ?s ?p ?o }"}, timeout=10
        )
        assert response.json()["boolean"] is True
        quick_done.append(time.monotonic())
    thread.join()
    assert outcome["status"] == 503  # the live server's timeout is 2 s
    assert outcome["seconds"] < 6
    assert max(quick_done) < outcome["done"], "quick queries should finish first"


def test_cors_preflight_and_headers(live_server):
    preflight = requests.options(
        f"{live_server}/sparql",
        headers={
            "Origin": "https://elsewhere.example",
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "content-type",
        },
        timeout=5,
    )
    assert preflight.headers["Access-Control-Allow-Origin"] == "*"
    assert "POST" in preflight.headers["Access-Control-Allow-Methods"]
    assert "Authorization" not in preflight.headers["Access-Control-Allow-Headers"]
    response = requests.get(
        f"{live_server}/sparql",
        params={"query": "ASK {}"},
        headers={"Origin": "https://elsewhere.example"},
        timeout=5,
    )
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert "X-SPARQL-MaxRows" in response.headers["Access-Control-Expose-Headers"]


def test_healthz(live_server, store_kind):
    health = requests.get(f"{live_server}/healthz", timeout=5).json()
    # The embedded store is read by worker processes; a server answers the queries itself.
    mode = "processes" if store_kind == "embedded" else "external"
    assert health["status"] == "ok" and health["runner"]["mode"] == mode
    assert health["writable"] is True
