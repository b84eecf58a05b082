"""Real SPARQL servers start, take data over the Graph Store protocol, answer, clear and stop."""

from __future__ import annotations

import os
from urllib.parse import parse_qs, unquote, urlsplit

import pyoxigraph as ox
import pytest
import requests
from rdflib import Graph
from rdflib.compare import isomorphic

from bench import servers

# Every test here starts a server of its own.
pytestmark = pytest.mark.external_server

GRAPH = "https://w3id.org/openness/graph/test/servers"
TURTLE = """
@prefix og: <https://w3id.org/openness/ns#> .
@prefix schema: <https://schema.org/> .
<https://w3id.org/openness/id/model/alpha> a og:Model ;
    schema:name "Alpha" , "Alpha"@en .
<https://w3id.org/openness/id/model/beta> a og:Model ;
    schema:name "Beta" .
"""


@pytest.fixture(scope="module", params=servers.KINDS)
def server(request, tmp_path_factory):
    """Run one server of each kind for the module, skipping kinds this machine lacks."""
    kind = request.param
    reason = servers.missing(kind)
    if reason:
        if os.environ.get("OPENNESS_REQUIRE_SERVERS") == "1":
            pytest.fail(f"{reason}; OPENNESS_REQUIRE_SERVERS=1 makes that a failure")
        pytest.skip(reason)
    running = servers.start(kind, tmp_path_factory.mktemp(kind))
    yield running
    running.stop()
    assert running._process.poll() is not None


@pytest.fixture
def empty(server):
    """Return the module's server with no graphs in it."""
    server.clear()
    return server


def select(server, query: str, accept: str) -> list[dict]:
    """Run a SELECT over HTTP and parse the answer with pyoxigraph."""
    response = requests.post(
        server.query_url,
        data={"query": query},
        headers={"Accept": accept},
        auth=server.auth(),
        timeout=30,
    )
    assert response.status_code == 200, response.text
    result_format = ox.QueryResultsFormat.from_media_type(accept)
    solutions = ox.parse_query_results(response.content, result_format)
    return [
        {str(v.value): s[v] for v in solutions.variables if s[v] is not None} for s in solutions
    ]


def put_turtle(server, graph: str, text: str) -> requests.Response:
    """PUT Turtle into a named graph over the Graph Store protocol."""
    return requests.put(
        server.gsp_url,
        params={"graph": graph},
        data=text.encode(),
        headers={"Content-Type": "text/turtle"},
        auth=server.auth(),
        timeout=30,
    )


def graphs(server) -> set[str]:
    """Return the named graphs the application's user can see, less the server's own."""
    rows = select(
        server,
        "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }",
        "application/sparql-results+json",
    )
    found = {row["g"].value for row in rows}
    return {g for g in found if not server.exclude or not g.startswith(server.exclude)}


def test_store_url_names_the_endpoints(server):
    url = urlsplit(server.store_url)
    assert url.scheme == "sparql+http"
    base = f"http://{url.hostname}:{url.port}"
    params = parse_qs(url.query)
    assert base + url.path == server.query_url
    assert base + params["update"][0] == server.update_url
    assert base + params["gsp"][0] == server.gsp_url
    assert tuple(params.get("exclude", [])) == server.exclude
    assert (url.username and unquote(url.username)) == server.user
    assert (url.password and unquote(url.password)) == server.password


def test_fresh_server_shows_no_graphs_or_triples(empty):
    assert graphs(empty) == set()
    rows = select(
        empty,
        "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }",
        "application/sparql-results+json",
    )
    assert rows[0]["n"].value == "0"


def test_anonymous_users_cannot_write(empty):
    if empty.user is None:
        pytest.skip("this server has no authentication")
    response = requests.post(
        empty.update_url,
        data={"update": f"INSERT DATA {{ GRAPH <{GRAPH}> {{ <urn:a> <urn:b> <urn:c> }} }}"},
        timeout=10,
    )
    assert response.status_code == 401
    assert graphs(empty) == set()


def test_graph_store_update_and_query_round_trip(empty):
    assert put_turtle(empty, GRAPH, TURTLE).status_code in (200, 201, 204)
    got = requests.get(
        empty.gsp_url,
        params={"graph": GRAPH},
        headers={"Accept": "text/turtle"},
        auth=empty.auth(),
        timeout=10,
    )
    assert got.status_code == 200
    assert isomorphic(
        Graph().parse(data=got.text, format="turtle"), Graph().parse(data=TURTLE, format="turtle")
    )

    servers.update(
        empty,
        f"""
        PREFIX schema: <https://schema.org/>
        DELETE DATA {{ GRAPH <{GRAPH}> {{ <https://w3id.org/openness/id/model/beta> schema:name "Beta" }} }} ;
        INSERT DATA {{ GRAPH <{GRAPH}> {{ <https://w3id.org/openness/id/model/beta> schema:name "Beta 2" }} }}
    """,
    )

    query = f"""
        SELECT ?m ?name WHERE {{ GRAPH <{GRAPH}> {{ ?m <https://schema.org/name> ?name }} }}
        ORDER BY ?m ?name
    """
    expected = [
        ("https://w3id.org/openness/id/model/alpha", ox.Literal("Alpha")),
        ("https://w3id.org/openness/id/model/alpha", ox.Literal("Alpha", language="en")),
        ("https://w3id.org/openness/id/model/beta", ox.Literal("Beta 2")),
    ]
    for accept in ("application/sparql-results+json", "application/sparql-results+xml"):
        rows = select(empty, query, accept)
        assert sorted(((r["m"].value, r["name"]) for r in rows), key=str) == sorted(
            expected, key=str
        )

    constructed = requests.post(
        empty.query_url,
        data={"query": f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{GRAPH}> {{ ?s ?p ?o }} }}"},
        headers={"Accept": "application/n-triples"},
        auth=empty.auth(),
        timeout=10,
    )
    assert constructed.status_code == 200
    assert constructed.headers["Content-Type"].split(";")[0] == "application/n-triples"
    triples = Graph().parse(data=constructed.text, format="nt")
    assert len(triples) == 5

    assert graphs(empty) == {GRAPH}
    empty.clear()
    assert graphs(empty) == set()


def test_stop_ends_the_process(tmp_path):
    kind = "oxigraph"
    if servers.missing(kind):
        pytest.skip(servers.missing(kind))
    running = servers.start(kind, tmp_path)
    running.stop()
    assert running._process.poll() is not None
    with pytest.raises(requests.ConnectionError):
        requests.get(running.query_url, params={"query": "ASK {}"}, timeout=2)
