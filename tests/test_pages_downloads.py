"""Downloads: whole-graph dumps keyed by the data version, the scores CSV, VoID/DCAT."""

from __future__ import annotations

import csv
import gzip
import io
import os
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib
from rdflib.compare import isomorphic

from graph import derive, export, loading, paths
from graph.namespaces import DCAT, VOID
from server import create_app

FIXTURES = Path(__file__).parent / "fixtures" / "pages"
WORLD = FIXTURES / "world.ttl"


def world_store(make) -> ox.Store:
    """Return a store from the maker ``make`` holding the ontology and the fixture world."""
    store = make()
    todo, _ = loading.prepare(loading.rdf_files([paths.ONTOLOGY_DIR, WORLD]), paths.ROOT, store)
    list(loading.write(store, todo, paths.ROOT))
    derive.derive(store)
    return store


def make_app(store: ox.Store, downloads: Path):
    with pytest.MonkeyPatch.context() as mp:
        for name in [n for n in os.environ if n.startswith("OPENNESS_")]:
            mp.delenv(name)
        return create_app({"STORE": store, "TESTING": True, "DOWNLOADS_DIR": str(downloads)})


@pytest.fixture(scope="module")
def world(module_new_store) -> ox.Store:
    """Return the world the tests that only read share."""
    return world_store(module_new_store)


@pytest.fixture
def app(tmp_path, world):
    made = make_app(world, tmp_path)
    yield made
    made.extensions["openness"].close()


def as_graph(triples) -> rdflib.Graph:
    text = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES).decode()
    return rdflib.Graph().parse(data=text, format="nt")


def by_graph(quads) -> dict[str, list[ox.Triple]]:
    out: dict[str, list[ox.Triple]] = {}
    for q in quads:
        out.setdefault(str(q.graph_name), []).append(q.triple)
    return out


@pytest.mark.parametrize(
    "name", ["openness-graph.nq.gz", "openness-graph.trig.gz", "openness-graph.jsonld.gz"]
)
def test_dataset_dumps_hold_every_named_graph(app, name) -> None:
    client = app.test_client()
    response = client.get(f"/downloads/{name}")
    assert response.status_code == 200
    assert response.mimetype == "application/gzip"
    assert f"filename={name}" in response.headers["Content-Disposition"]
    dump = export.DUMPS_BY_NAME[name]
    got = by_graph(ox.parse(gzip.decompress(response.data), format=dump.format.ox_format))
    want = by_graph(app.extensions["openness"].store)
    assert set(got) == set(want)
    for graph, triples in want.items():
        assert isomorphic(as_graph(got[graph]), as_graph(triples)), graph
    response.close()


def test_the_turtle_dump_is_the_union_of_all_graphs(app) -> None:
    response = app.test_client().get("/downloads/openness-graph.ttl.gz")
    got = as_graph(ox.parse(gzip.decompress(response.data), format=ox.RdfFormat.TURTLE))
    store = app.extensions["openness"].store
    assert isomorphic(got, as_graph({q.triple for q in store}))
    response.close()


def test_dumps_are_cached_per_version_and_answer_conditional_requests(app, tmp_path) -> None:
    client = app.test_client()
    first = client.get("/downloads/openness-graph.nq.gz")
    etag = first.headers["ETag"]
    first.close()
    files = sorted(p.name for p in tmp_path.iterdir())
    assert len(files) == 1 and files[0].endswith("openness-graph.nq.gz")
    again = client.get("/downloads/openness-graph.nq.gz", headers={"If-None-Match": etag})
    assert again.status_code == 304
    again.close()
    assert sorted(p.name for p in tmp_path.iterdir()) == files


def test_a_data_change_makes_a_new_dump(new_store, tmp_path) -> None:
    app = make_app(world_store(new_store), tmp_path)
    client = app.test_client()
    before = client.get("/downloads/openness-graph.nq.gz")
    old_etag, old_body = before.headers["ETag"], gzip.decompress(before.data)
    before.close()
    ctx = app.extensions["openness"]
    extra = FIXTURES / "hostile.ttl"

    def load(store):
        todo, _ = loading.prepare([extra], paths.ROOT, store)
        list(loading.write(store, todo, paths.ROOT))
        derive.derive_after_load(store, [t.graph for t in todo])

    ctx.write(load)
    after = client.get("/downloads/openness-graph.nq.gz")
    assert after.headers["ETag"] != old_etag
    new_body = gzip.decompress(after.data)
    after.close()
    assert b"evil-page" in new_body and b"evil-page" not in old_body
    assert len(list(tmp_path.iterdir())) == 1  # the old version's file is gone
    ctx.close()


def test_the_data_version_follows_loads_and_derivations(new_store) -> None:
    store = world_store(new_store)
    version = export.data_version(store)
    derive.derive(store)  # nothing to change: the derived data stays as it was
    assert export.data_version(store) == version
    todo, _ = loading.prepare([FIXTURES / "hostile.ttl"], paths.ROOT, store)
    list(loading.write(store, todo, paths.ROOT))
    loaded = export.data_version(store)
    assert loaded != version
    derive.derive_after_load(store, [t.graph for t in todo])
    assert export.data_version(store) != loaded


def test_the_scores_csv_has_one_row_per_stored_score(app) -> None:
    client = app.test_client()
    response = client.get("/downloads/scores.csv")
    assert response.mimetype == "text/csv"
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert list(rows[0]) == list(export.CSV_COLUMNS)
    store = app.extensions["openness"].store
    stored = store.query(
        "SELECT (COUNT(?s) AS ?n) WHERE { GRAPH <https://w3id.org/openness/graph/derived/scores> "
        "{ ?s <http://www.w3.org/ns/dqv#computedOn> ?m FILTER NOT EXISTS "
        "{ ?s <http://purl.org/dc/terms/isPartOf> ?w } } }"
    )
    assert len(rows) == int(next(iter(stored))["n"].value)
    model = client.get("/id/model/beta.json").json
    for score in model["scores"]:
        (row,) = [r for r in rows if r["score"] == score["iri"]]
        if score["unplaced"]:  # not enough evidence: no value, and what is missing
            assert row["unplaced"] == "true" and row["value"] == "" and row["missing"]
        else:
            assert row["unplaced"] == "false" and float(row["value"]) == score["value"]
        assert row["model_label"] == "Beta Chat"
    assert {r["unplaced"] for r in rows} == {"true", "false"}


def test_void_describes_the_dataset_and_its_dumps(app) -> None:
    client = app.test_client()
    response = client.get("/.well-known/void")
    assert response.mimetype == "text/turtle"
    g = rdflib.Graph().parse(data=response.text, format="turtle")
    dataset = rdflib.URIRef("https://w3id.org/openness/")
    assert (dataset, rdflib.RDF.type, VOID.Dataset) in g
    assert (dataset, rdflib.RDF.type, DCAT.Dataset) in g
    dumps = sorted(str(o) for o in g.objects(dataset, VOID.dataDump))
    assert [d.rsplit("/", 1)[-1] for d in dumps] == sorted(d.name for d in export.DUMPS)
    for url in dumps:
        with client.head(url.replace("http://localhost", "")) as answer:
            assert answer.status_code == 200
    assert len(list(g.objects(dataset, DCAT.distribution))) == len(export.DUMPS) + 3
    assert str(g.value(dataset, VOID.sparqlEndpoint)).endswith("/sparql")
    jsonld = client.get("/.well-known/void", headers={"Accept": "application/ld+json"})
    assert jsonld.mimetype == "application/ld+json"


def test_the_downloads_page_lists_everything(app) -> None:
    client = app.test_client()
    data = client.get("/downloads.json").json
    assert [d["name"] for d in data["dumps"]] == [d.name for d in export.DUMPS]
    assert {d["name"] for d in data["documents"]} == {"scores.csv", "ontology", "shapes", "void"}
    for d in data["documents"]:
        answer = client.get(d["url"])
        assert answer.status_code == 200, d["url"]
        answer.close()
    assert client.get("/downloads/nothing.zip").status_code == 404
