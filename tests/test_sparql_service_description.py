"""The service description at GET /sparql: endpoint URL, languages, formats, graphs, VoID."""

from __future__ import annotations

import warnings

import pyoxigraph as ox
import pytest
import rdflib
from rdflib import RDF, Literal, Namespace, URIRef
from rdflib.compare import isomorphic

# The description names the store's graphs: each store kind.
pytestmark = pytest.mark.every_store_kind

SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
VOID = Namespace("http://rdfs.org/ns/void#")
FORMATS = Namespace("http://www.w3.org/ns/formats/")
OG = Namespace("https://w3id.org/openness/ns#")


def description(client, **headers) -> rdflib.Graph:
    response = client.get("/sparql", headers={"Accept": "text/turtle", **headers})
    assert response.status_code == 200, response.data
    assert response.mimetype == "text/turtle"
    assert "Accept" in response.headers["Vary"]
    return rdflib.Graph().parse(data=response.data, format="turtle")


def endpoint_of(graph: rdflib.Graph) -> str:
    (service,) = graph.subjects(RDF.type, SD.Service)
    return str(graph.value(service, SD.endpoint))


@pytest.fixture(scope="module")
def graph_sizes(sample_path) -> dict[str, int]:
    """Count the triples of each named graph of the sample with rdflib."""
    dataset = rdflib.Dataset()
    with warnings.catch_warnings():
        # rdflib 7.6's Dataset.parse calls its own deprecated default_context.
        warnings.simplefilter("ignore", DeprecationWarning)
        dataset.parse(data=sample_path.read_text(encoding="utf-8"), format="trig")
    sizes: dict[str, int] = {}
    for _, _, _, context in dataset.quads():
        if context is not None and str(context) != str(rdflib.graph.DATASET_DEFAULT_GRAPH_ID):
            sizes[str(context)] = sizes.get(str(context), 0) + 1
    return sizes


def test_endpoint_is_the_request_url_by_default(client):
    assert endpoint_of(description(client)) == "http://localhost/sparql"


def test_endpoint_uses_the_configured_public_base(make_app):
    client = make_app(PUBLIC_BASE_URL="https://openness.example.org/").test_client()
    assert endpoint_of(description(client)) == "https://openness.example.org/sparql"


def test_forwarded_host_and_scheme_count_only_behind_a_trusted_proxy(make_app):
    forwarded = {"X-Forwarded-Host": "data.example.org", "X-Forwarded-Proto": "https"}
    trusted = make_app(TRUST_PROXY=1).test_client()
    untrusted = make_app().test_client()
    assert endpoint_of(description(trusted, **forwarded)) == "https://data.example.org/sparql"
    assert endpoint_of(description(untrusted, **forwarded)) == "http://localhost/sparql"


def test_languages_and_formats(client, make_app):
    graph = description(client)
    (service,) = graph.subjects(RDF.type, SD.Service)
    assert set(graph.objects(service, SD.supportedLanguage)) == {SD.SPARQL11Query}
    formats = set(graph.objects(service, SD.resultFormat))
    assert {
        FORMATS.SPARQL_Results_JSON,
        FORMATS.SPARQL_Results_XML,
        FORMATS.SPARQL_Results_CSV,
        FORMATS.SPARQL_Results_TSV,
        FORMATS.Turtle,
        FORMATS["N-Triples"],
        FORMATS.RDF_XML,
        FORMATS["N-Quads"],
        FORMATS.TriG,
    } <= formats
    assert SD.UnionDefaultGraph in set(graph.objects(service, SD.feature))
    writable = description(make_app(WRITE_TOKEN="t").test_client())
    (service,) = writable.subjects(RDF.type, SD.Service)
    assert SD.SPARQL11Update in set(writable.objects(service, SD.supportedLanguage))


def test_named_graphs_with_their_counts(client, graph_sizes):
    graph = description(client)
    listed = {}
    for named in graph.subjects(RDF.type, SD.NamedGraph):
        inner = graph.value(named, SD.graph)
        listed[str(graph.value(named, SD.name))] = graph.value(inner, VOID.triples).toPython()
    assert listed == graph_sizes


def test_void_counts_match_the_data(client, sample_store):
    graph = description(client)
    (dataset,) = graph.subjects(RDF.type, VOID.Dataset)
    assert graph.value(dataset, VOID.triples).toPython() == len(sample_store)
    partitions = {
        graph.value(p, VOID["class"]): graph.value(p, VOID.entities).toPython()
        for p in graph.objects(dataset, VOID.classPartition)
    }
    models = {
        q.subject
        for q in sample_store.quads_for_pattern(
            None, ox.NamedNode(str(RDF.type)), ox.NamedNode(str(OG.Model))
        )
    }
    assert partitions[OG.Model] == len(models)
    assert graph.value(dataset, VOID.sparqlEndpoint) == URIRef("http://localhost/sparql")


def test_counts_follow_writes(make_app):
    client = make_app(WRITE_TOKEN="t").test_client()
    before = description(client)
    client.post(
        "/update",
        data={"update": "INSERT DATA { GRAPH <urn:g:x> { <urn:a> <urn:b> 1 } }"},
        headers={"Authorization": "Bearer t"},
    )
    after = description(client)
    names = {str(o) for o in after.objects(None, SD.name)}
    assert "urn:g:x" in names
    assert "urn:g:x" not in {str(o) for o in before.objects(None, SD.name)}
    (dataset,) = after.subjects(RDF.type, VOID.Dataset)
    (old_dataset,) = before.subjects(RDF.type, VOID.Dataset)
    assert after.value(dataset, VOID.triples) == Literal(
        before.value(old_dataset, VOID.triples).toPython() + 1
    )


def test_browsers_get_a_page_that_links_the_query_page(client):
    response = client.get(
        "/sparql",
        headers={"Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"},
    )
    assert response.mimetype == "text/html"
    assert b'href="/query"' in response.data
    assert 'rel="alternate"' in response.headers["Link"]


@pytest.mark.parametrize("name, parse_as", [("jsonld", "json-ld"), ("rdf", "xml"), ("nt", "nt")])
def test_service_description_in_other_rdf_formats(client, name, parse_as):
    response = client.get("/sparql", query_string={"format": name})
    if name == "jsonld":
        assert response.get_json()["@context"]["void"] == str(VOID)
    with warnings.catch_warnings():
        # rdflib 7.6's JSON-LD parser builds a deprecated ConjunctiveGraph.
        warnings.simplefilter("ignore", DeprecationWarning)
        graph = rdflib.Graph().parse(data=response.data, format=parse_as)
    assert isomorphic(graph, description(client))


def test_unacceptable_description_format_is_406(client):
    response = client.get("/sparql", headers={"Accept": "image/png"})
    assert response.status_code == 406
