"""The Graph Store Protocol at /rdf-graph-store: reads always on, writes behind a token."""

from __future__ import annotations

import pytest
import rdflib
from rdflib.compare import isomorphic

# The Graph Store Protocol reads and writes the store: each store kind.
pytestmark = pytest.mark.every_store_kind

MODELS = "https://w3id.org/openness/graph/test/models.ttl"
TOKEN = "gsp-token"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
TURTLE = b'@prefix ex: <http://example.org/> . ex:a ex:p "one" ; ex:q ex:b .'


@pytest.fixture
def writable(make_app):
    return make_app(WRITE_TOKEN=TOKEN).test_client()


def graph_of(store, name: str | None) -> rdflib.Graph:
    """Read one graph of a pyoxigraph store into rdflib, as the oracle."""
    import pyoxigraph as ox

    target = ox.DefaultGraph() if name is None else ox.NamedNode(name)
    data = store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=target)
    return rdflib.Graph().parse(data=data, format="nt")


def test_get_a_named_graph(client, sample_store):
    response = client.get("/rdf-graph-store", query_string={"graph": MODELS})
    assert response.status_code == 200
    assert response.mimetype == "text/turtle"
    assert "Accept" in response.headers["Vary"]
    got = rdflib.Graph().parse(data=response.data, format="turtle")
    assert isomorphic(got, graph_of(sample_store, MODELS))


def test_get_the_default_graph_as_ntriples(client, sample_store):
    response = client.get("/rdf-graph-store?default", headers={"Accept": "application/n-triples"})
    got = rdflib.Graph().parse(data=response.data, format="nt")
    assert len(got) == 2
    assert isomorphic(got, graph_of(sample_store, None))


def test_get_the_whole_dataset_as_nquads(client, sample_store):
    response = client.get("/rdf-graph-store", headers={"Accept": "application/n-quads"})
    assert response.mimetype == "application/n-quads"
    assert len(response.data.decode().strip().splitlines()) == len(sample_store)


def test_head_has_no_body(client):
    response = client.head("/rdf-graph-store", query_string={"graph": MODELS})
    assert response.status_code == 200
    assert response.data == b""


def test_missing_graph_is_404(client):
    response = client.get("/rdf-graph-store", query_string={"graph": "urn:no:such:graph"})
    assert response.status_code == 404


def test_graph_and_default_together_is_400(client):
    response = client.get(f"/rdf-graph-store?default&graph={MODELS}")
    assert response.status_code == 400


@pytest.mark.parametrize("method", ["put", "post", "delete"])
def test_writes_are_refused_without_a_configured_token(client, method):
    response = getattr(client, method)(
        "/rdf-graph-store?graph=urn:g", data=TURTLE, content_type="text/turtle", headers=AUTH
    )
    assert response.status_code == 403


@pytest.mark.parametrize("headers, status", [({}, 401), ({"Authorization": "Bearer no"}, 403)])
def test_writes_need_the_right_token(writable, headers, status):
    response = writable.put(
        "/rdf-graph-store?graph=urn:g", data=TURTLE, content_type="text/turtle", headers=headers
    )
    assert response.status_code == status
    assert writable.get("/rdf-graph-store?graph=urn:g").status_code == 404


def test_put_creates_then_replaces(writable):
    created = writable.put(
        "/rdf-graph-store?graph=urn:g", data=TURTLE, content_type="text/turtle", headers=AUTH
    )
    assert created.status_code == 201
    replaced = writable.put(
        "/rdf-graph-store?graph=urn:g",
        data=b"<urn:only> <urn:p> <urn:o> .",
        content_type="application/n-triples",
        headers=AUTH,
    )
    assert replaced.status_code == 204
    got = rdflib.Graph().parse(
        data=writable.get("/rdf-graph-store?graph=urn:g").data, format="turtle"
    )
    expected = rdflib.Graph().parse(data="<urn:only> <urn:p> <urn:o> .", format="nt")
    assert isomorphic(got, expected)


def test_post_adds_to_a_graph(writable, sample_store):
    before = graph_of(sample_store, MODELS)
    response = writable.post(
        f"/rdf-graph-store?graph={MODELS}", data=TURTLE, content_type="text/turtle", headers=AUTH
    )
    assert response.status_code == 204
    after = graph_of(sample_store, MODELS)
    assert len(after) == len(before) + 2


def test_post_to_the_store_creates_a_new_graph(writable):
    response = writable.post(
        "/rdf-graph-store", data=TURTLE, content_type="text/turtle", headers=AUTH
    )
    assert response.status_code == 201
    # The Location is the new graph's own IRI, not a URL of the graph store.
    location = response.headers["Location"]
    assert location.startswith("https://w3id.org/openness/graph/uploads/")
    fetched = writable.get("/rdf-graph-store", query_string={"graph": location})
    assert fetched.status_code == 200
    assert len(rdflib.Graph().parse(data=fetched.data, format="turtle")) == 2


def test_post_that_creates_a_named_graph_gives_its_iri(writable):
    response = writable.post(
        "/rdf-graph-store?graph=urn:g:fresh", data=TURTLE, content_type="text/turtle", headers=AUTH
    )
    assert response.status_code == 201
    assert response.headers["Location"] == "urn:g:fresh"
    again = writable.post(
        "/rdf-graph-store?graph=urn:g:fresh", data=TURTLE, content_type="text/turtle", headers=AUTH
    )
    assert again.status_code == 204 and "Location" not in again.headers


def test_delete_removes_a_graph(writable):
    response = writable.delete(f"/rdf-graph-store?graph={MODELS}", headers=AUTH)
    assert response.status_code == 204
    assert writable.get(f"/rdf-graph-store?graph={MODELS}").status_code == 404
    assert writable.delete(f"/rdf-graph-store?graph={MODELS}", headers=AUTH).status_code == 404


def test_unsupported_body_type_is_415(writable):
    response = writable.put(
        "/rdf-graph-store?graph=urn:g", data=b"a,b", content_type="text/csv", headers=AUTH
    )
    assert response.status_code == 415


def test_body_that_does_not_parse_is_400(writable):
    response = writable.put(
        "/rdf-graph-store?graph=urn:g",
        data=b"<urn:a> <urn:b> .",
        content_type="text/turtle",
        headers=AUTH,
    )
    assert response.status_code == 400
    assert writable.get("/rdf-graph-store?graph=urn:g").status_code == 404


def test_reads_allow_other_origins(client):
    response = client.get(
        "/rdf-graph-store",
        query_string={"graph": MODELS},
        headers={"Origin": "https://elsewhere.example"},
    )
    assert response.headers["Access-Control-Allow-Origin"] == "*"


def test_a_url_under_the_graph_store_names_its_own_graph(writable):
    url = "/rdf-graph-store/people/1.ttl"
    created = writable.put(url, data=TURTLE, content_type="text/turtle", headers=AUTH)
    assert created.status_code == 201
    # The graph's IRI is the URL itself, and the indirect form reaches the same graph.
    iri = "http://localhost/rdf-graph-store/people/1.ttl"
    indirect = writable.get("/rdf-graph-store", query_string={"graph": iri})
    assert indirect.status_code == 200
    direct = writable.get(url)
    assert direct.data == indirect.data
    assert writable.head(url).status_code == 200
    assert writable.delete(url, headers=AUTH).status_code == 204
    assert writable.get(url).status_code == 404
    assert writable.head(url).status_code == 404
    assert writable.delete(url, headers=AUTH).status_code == 404


def test_a_direct_graph_iri_follows_the_public_base_url(make_app):
    client = make_app(WRITE_TOKEN=TOKEN, PUBLIC_BASE_URL="https://example.org/og").test_client()
    answer = client.post(
        "/rdf-graph-store/people/2", data=TURTLE, content_type="text/turtle", headers=AUTH
    )
    assert answer.status_code == 201
    assert answer.headers["Location"] == "https://example.org/og/rdf-graph-store/people/2"
    graph = "https://example.org/og/rdf-graph-store/people/2"
    assert client.get("/rdf-graph-store", query_string={"graph": graph}).status_code == 200


@pytest.mark.parametrize("method", ["put", "post", "delete"])
def test_direct_writes_need_the_admin_token(writable, method):
    url = "/rdf-graph-store/people/1.ttl"
    response = getattr(writable, method)(url, data=TURTLE, content_type="text/turtle")
    assert response.status_code == 401
    assert writable.get(url).status_code == 404


def test_a_direct_url_takes_no_graph_parameter(writable):
    response = writable.get("/rdf-graph-store/people/1.ttl", query_string={"graph": MODELS})
    assert response.status_code == 400
    assert "names its graph itself" in response.get_json()["error"]["detail"]


def _multipart(*parts: tuple[str, str, bytes]) -> tuple[bytes, str]:
    boundary = "b0undary"
    body = b""
    for name, media_type, data in parts:
        body += (
            (
                f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; '
                f'filename="{name}"\r\nContent-Type: {media_type}\r\n\r\n'
            ).encode()
            + data
            + b"\r\n"
        )
    return body + f"--{boundary}--\r\n".encode(), f"multipart/form-data; boundary={boundary}"


def test_a_multipart_post_adds_every_part(writable):
    body, content_type = _multipart(
        ("a.ttl", "text/turtle", b'<urn:s> <urn:p> "from turtle" .'),
        ("b.nt", "application/n-triples", b'<urn:s> <urn:p> "from n-triples" .\n'),
    )
    response = writable.post(
        "/rdf-graph-store?graph=urn:g", data=body, content_type=content_type, headers=AUTH
    )
    assert response.status_code == 201
    got = rdflib.Graph().parse(data=writable.get("/rdf-graph-store?graph=urn:g").data)
    assert {str(o) for o in got.objects()} == {"from turtle", "from n-triples"}


@pytest.mark.parametrize(
    "part, status, says",
    [
        (("bad.ttl", "text/turtle", b"<urn:s> <urn:p> ."), 400, "part 'bad.ttl' does not parse"),
        (("data.csv", "text/csv", b"a,b"), 415, "not text/csv"),
    ],
)
def test_one_bad_part_writes_nothing(writable, part, status, says):
    body, content_type = _multipart(("good.ttl", "text/turtle", b"<urn:s> <urn:p> <urn:o> ."), part)
    response = writable.post(
        "/rdf-graph-store?graph=urn:g", data=body, content_type=content_type, headers=AUTH
    )
    assert response.status_code == status
    assert says in response.get_json()["error"]["detail"]
    assert writable.get("/rdf-graph-store?graph=urn:g").status_code == 404


def test_a_multipart_put_is_refused(writable):
    body, content_type = _multipart(("a.ttl", "text/turtle", b"<urn:s> <urn:p> <urn:o> ."))
    response = writable.put(
        "/rdf-graph-store?graph=urn:g", data=body, content_type=content_type, headers=AUTH
    )
    assert response.status_code == 415
    assert "multipart/form-data for several in one POST" in response.get_json()["error"]["detail"]
