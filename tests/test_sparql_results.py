"""Result formats of /sparql, checked against rdflib's own evaluation of the sample data."""

from __future__ import annotations

import csv
import io
import json
import warnings

import pyoxigraph as ox
import pytest
import rdflib
from rdflib.compare import isomorphic
from rdflib.query import Result

from graph.namespaces import PREFIXES

# Results come from the store's own engine: each store kind.
pytestmark = pytest.mark.every_store_kind

SELECT = "SELECT ?m ?label WHERE { ?m a og:Model ; rdfs:label ?label }"
CONSTRUCT = (
    "CONSTRUCT { ?m rdfs:label ?label ; og:claimCount ?n } WHERE { "
    "{ SELECT ?m (COUNT(?c) AS ?n) WHERE { "
    "?m a og:Model OPTIONAL { ?c og:aboutModel ?m } } GROUP BY ?m } "
    "?m rdfs:label ?label }"
)


def union_graph(data: bytes | str, fmt: str) -> rdflib.Graph:
    """Parse a dataset with rdflib and return the union of its graphs."""
    dataset = rdflib.Dataset()
    with warnings.catch_warnings():
        # rdflib 7.6's Dataset.parse calls its own deprecated default_context.
        warnings.simplefilter("ignore", DeprecationWarning)
        dataset.parse(data=data, format=fmt)
    union = rdflib.Graph()
    for s, p, o, _ in dataset.quads():
        union.add((s, p, o))
    return union


@pytest.fixture(scope="module")
def oracle(sample_path) -> rdflib.Graph:
    """The sample data in rdflib, all graphs merged: the endpoint's default graph."""
    return union_graph(sample_path.read_text(encoding="utf-8"), "trig")


def rdflib_rows(oracle, query):
    return {tuple(row) for row in oracle.query(query, initNs=PREFIXES)}


@pytest.mark.parametrize(
    "accept, parse_as",
    [
        ("application/sparql-results+json", "json"),
        ("application/json", "json"),
        ("application/sparql-results+xml", "xml"),
        ("text/tab-separated-values", "tsv"),
    ],
)
def test_select_formats_by_accept(client, oracle, accept, parse_as):
    response = client.get("/sparql", query_string={"query": SELECT}, headers={"Accept": accept})
    assert response.status_code == 200
    assert "Accept" in response.headers["Vary"]
    result = Result.parse(io.BytesIO(response.data), format=parse_as)
    assert {tuple(row) for row in result} == rdflib_rows(oracle, SELECT)


def test_select_as_csv(client, oracle):
    response = client.get("/sparql", query_string={"query": SELECT}, headers={"Accept": "text/csv"})
    assert response.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8"), newline="")))
    assert rows[0] == ["m", "label"]
    assert {tuple(r) for r in rows[1:]} == {
        tuple(str(v) for v in row) for row in rdflib_rows(oracle, SELECT)
    }


def test_json_is_the_default_and_format_beats_accept(client):
    default = client.get("/sparql", query_string={"query": SELECT})
    assert default.mimetype == "application/sparql-results+json"
    forced = client.get(
        "/sparql",
        query_string={"query": SELECT, "format": "tsv"},
        headers={"Accept": "application/sparql-results+json"},
    )
    assert forced.mimetype == "text/tab-separated-values"
    assert "Accept" in forced.headers["Vary"]


def test_accept_q_values_decide(client):
    response = client.get(
        "/sparql",
        query_string={"query": SELECT},
        headers={"Accept": "application/sparql-results+json;q=0.5, application/sparql-results+xml"},
    )
    assert response.mimetype == "application/sparql-results+xml"


@pytest.mark.parametrize("fmt", ["json", "xml", "csv", "tsv"])
def test_ask_in_every_results_format(client, fmt):
    yes = client.get("/sparql", query_string={"query": "ASK { ?c a og:Claim }", "format": fmt})
    no = client.get("/sparql", query_string={"query": "ASK { ?c a og:Nothing }", "format": fmt})
    assert yes.status_code == no.status_code == 200
    assert b"true" in yes.data and b"false" in no.data


@pytest.mark.parametrize(
    "accept, parse_as",
    [
        ("text/turtle", "turtle"),
        ("application/n-triples", "nt"),
        ("application/ld+json", "json-ld"),
        ("application/rdf+xml", "xml"),
        ("application/n-quads", "nquads"),
        ("application/trig", "trig"),
    ],
)
def test_construct_formats(client, oracle, accept, parse_as):
    response = client.get("/sparql", query_string={"query": CONSTRUCT}, headers={"Accept": accept})
    assert response.status_code == 200, response.data
    assert response.mimetype == accept
    assert "Accept" in response.headers["Vary"]
    if parse_as in ("nquads", "trig"):
        got = union_graph(response.data, parse_as)
    else:
        with warnings.catch_warnings():
            # rdflib 7.6's JSON-LD parser builds a deprecated ConjunctiveGraph.
            warnings.simplefilter("ignore", DeprecationWarning)
            got = rdflib.Graph().parse(data=response.data, format=parse_as)
    expected = oracle.query(CONSTRUCT, initNs=PREFIXES).graph
    assert len(got) == len(expected) > 0
    assert isomorphic(got, expected)


def test_construct_defaults_to_turtle_and_json_ld_uses_the_project_context(client):
    turtle = client.get("/sparql", query_string={"query": CONSTRUCT})
    assert turtle.mimetype == "text/turtle"
    jsonld = client.get("/sparql", query_string={"query": CONSTRUCT, "format": "jsonld"})
    document = json.loads(jsonld.data)
    assert document["@context"]["og"] == PREFIXES["og"]
    keys = {key for node in document["@graph"] for key in node}
    assert "og:claimCount" in keys and "rdfs:label" in keys


def test_describe_answers_rdf(client):
    response = client.get(
        "/sparql",
        query_string={"query": "DESCRIBE <https://w3id.org/openness/id/model/alpha>"},
        headers={"Accept": "application/n-triples"},
    )
    graph = rdflib.Graph().parse(data=response.data, format="nt")
    assert (
        rdflib.URIRef("https://w3id.org/openness/id/model/alpha"),
        rdflib.RDFS.label,
        rdflib.Literal("Alpha"),
    ) in graph


@pytest.mark.differs_on(
    "virtuoso",
    reason="Virtuoso 7's SPARQL parser has no PN_LOCAL_ESC: a prefixed name with an escaped "
    "reserved character (id:model\\/alpha) is refused as \"Bad character '\\'\"",
)
def test_a_prefixed_name_may_escape_a_slash(client):
    response = client.get(
        "/sparql",
        query_string={"query": "SELECT ?l WHERE { id:model\\/alpha rdfs:label ?l }"},
    )
    assert response.status_code == 200
    rows = response.get_json()["results"]["bindings"]
    assert [r["l"]["value"] for r in rows] == ["Alpha"]


LABELS = "SELECT ?label WHERE { ?x rdfs:label ?label }"


def count_rows(response, fmt: str) -> int:
    if fmt == "json":  # counted by hand: rdflib's parser drops rows with no bindings
        return len(json.loads(response.data)["results"]["bindings"])
    if fmt == "csv":
        return len(list(csv.reader(io.StringIO(response.data.decode(), newline="")))) - 1
    return len(list(Result.parse(io.BytesIO(response.data), format=fmt)))


@pytest.mark.parametrize("fmt", ["json", "xml", "csv", "tsv"])
def test_row_cap_truncates_and_says_so(make_app, oracle, fmt):
    total = len(rdflib_rows(oracle, LABELS))
    capped = make_app(MAX_ROWS=total - 1).test_client()
    response = capped.get("/sparql", query_string={"query": LABELS, "format": fmt})
    assert response.status_code == 200
    assert response.headers["X-SPARQL-MaxRows"] == str(total - 1)
    assert count_rows(response, fmt) == total - 1


@pytest.mark.parametrize("fmt", ["json", "xml", "csv", "tsv"])
def test_results_at_the_cap_are_not_marked(make_app, oracle, fmt):
    # One label holds "},{" and a line break: a naive row count in JSON or CSV overshoots.
    total = len(rdflib_rows(oracle, LABELS))
    exact = make_app(MAX_ROWS=total).test_client()
    response = exact.get("/sparql", query_string={"query": LABELS, "format": fmt})
    assert "X-SPARQL-MaxRows" not in response.headers
    assert count_rows(response, fmt) == total


def test_row_cap_applies_to_triples(make_app):
    client = make_app(MAX_ROWS=3).test_client()
    response = client.get(
        "/sparql", query_string={"query": "CONSTRUCT WHERE { ?s ?p ?o }", "format": "nt"}
    )
    assert response.headers["X-SPARQL-MaxRows"] == "3"
    assert len(rdflib.Graph().parse(data=response.data, format="nt")) == 3


def test_predefined_prefixes_can_be_overridden(client):
    query = "PREFIX og: <urn:other#> ASK { ?m a og:Model }"
    response = client.get("/sparql", query_string={"query": query})
    assert response.get_json()["boolean"] is False


@pytest.mark.parametrize("fmt", ["json", "csv"])
def test_literals_that_look_like_row_breaks_do_not_add_rows(make_app, new_store, fmt):
    store = new_store()
    for i in range(3):
        store.add(
            ox.Quad(
                ox.NamedNode(f"urn:s{i}"),
                ox.NamedNode("urn:p"),
                ox.Literal(f"a}},{{b\nc}},{{d {i}"),
            )
        )
    client = make_app(STORE=store, MAX_ROWS=4).test_client()
    response = client.get(
        "/sparql", query_string={"query": "SELECT ?o WHERE { ?s ?p ?o }", "format": fmt}
    )
    assert "X-SPARQL-MaxRows" not in response.headers
    assert count_rows(response, fmt) == 3


def test_unbound_rows_survive_the_cap(make_app):
    client = make_app(MAX_ROWS=1).test_client()
    response = client.get(
        "/sparql", query_string={"query": "SELECT ?x WHERE { VALUES ?y { 1 2 } }", "format": "json"}
    )
    assert response.headers["X-SPARQL-MaxRows"] == "1"
    assert response.get_json()["results"]["bindings"] == [{}]
