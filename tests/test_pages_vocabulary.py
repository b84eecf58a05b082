"""The ontology at /ns and the SHACL shapes at /shapes, as pages and as RDF documents."""

from __future__ import annotations

import os

import pyoxigraph as ox
import pytest
import rdflib
from rdflib.compare import isomorphic

from graph import loading, paths
from graph.namespaces import OG, SH
from server import create_app

ONTOLOGY = paths.ONTOLOGY_DIR / "openness.ttl"


def make_client(store: ox.Store):
    with pytest.MonkeyPatch.context() as mp:
        for name in [n for n in os.environ if n.startswith("OPENNESS_")]:
            mp.delenv(name)
        app = create_app({"STORE": store, "TESTING": True})
    return app


@pytest.fixture(scope="module", params=["loaded", "empty"])
def client(request, module_new_store):
    """A client over a store holding the ontology, and one over an empty store."""
    store = module_new_store()
    if request.param == "loaded":
        todo, _ = loading.prepare([ONTOLOGY], paths.ROOT, store)
        list(loading.write(store, todo, paths.ROOT))
    app = make_client(store)
    yield app.test_client()
    app.extensions["openness"].close()


def test_ns_as_turtle_is_the_ontology(client) -> None:
    response = client.get("/ns", headers={"Accept": "text/turtle"})
    assert response.mimetype == "text/turtle"
    got = rdflib.Graph().parse(data=response.text, format="turtle")
    assert isomorphic(got, rdflib.Graph().parse(ONTOLOGY, format="turtle"))


def test_every_term_has_an_anchor_on_the_ns_page(client) -> None:
    html = client.get("/ns").text
    terms = {
        str(s)[len(str(OG)) :]
        for s in rdflib.Graph().parse(ONTOLOGY, format="turtle").subjects()
        if str(s).startswith(str(OG))
    }
    assert terms
    for term in terms:
        assert f'<dt id="{term}">' in html, term
    data = client.get("/ns.json").json
    claim = next(t for t in data["classes"] if t["name"] == "Claim")
    assert claim["label"] == "claim"
    assert "http://www.w3.org/ns/prov#Entity" in claim["sub_class_of"]
    level = next(t for t in data["object_properties"] if t["name"] == "level")
    assert level["range"] == [str(OG.Level)]


def test_term_iris_link_to_their_anchor(client) -> None:
    page = client.get("/ns").text
    assert 'href="/ns#Level"' in page  # og:level's range, linked to its own anchor


def test_shapes_as_a_page_and_a_document(client) -> None:
    files = sorted(paths.SHAPES_DIR.glob("*.ttl"))
    want = rdflib.Graph()
    for f in files:
        want.parse(f, format="turtle")
    response = client.get("/shapes.ttl")
    assert isomorphic(rdflib.Graph().parse(data=response.text, format="turtle"), want)
    data = client.get("/shapes.json").json
    names = {s["name"] for s in data["shapes"]}
    assert names == {
        str(s).rsplit("#", 1)[-1] for s in want.subjects(rdflib.RDF.type, SH.NodeShape)
    }
    claim = next(s for s in data["shapes"] if s["name"] == "ClaimShape")
    assert claim["targets"] == [str(OG.Claim)]
    assert all(p["message"] for p in claim["properties"])
    assert 'id="ClaimShape"' in client.get("/shapes").text
