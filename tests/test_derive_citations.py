"""The citation closure the derivation stores: which works each work reaches through citations."""

from __future__ import annotations

import gc
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib

from graph import loading, paths, staleness
from graph.cli.store import load_files
from graph.derive import derive, derive_after_load
from graph.derive.citations import CITATIONS_GRAPH, REACHES, reached
from graph.evidence.citations import STEP
from graph.ingest import ingest
from graph.ingest.form import form_to_graph
from graph.namespaces import OG, PROV
from graph.store import open_store
from tests.test_ingest import FORM, FRAMEWORK
from tests.test_security_consistency import ADMIN, start, stop

S = "https://w3id.org/openness/id/source/"
CITO = "http://purl.org/spar/cito/"
A, B, C, D, E = (f"{S}{n}" for n in "abcde")

# A cites B (a sub-property of cito:cites); B cites C through a cito:Citation node;
# D is cited by C (cito:isCitedBy, read backwards); E cites nothing and nothing cites it.
WORKS = f"""@prefix cito: <{CITO}> .
@prefix og: <https://w3id.org/openness/ns#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
<{A}> a og:Source ; dcterms:title "A" ; dcterms:type og:Paper ; cito:citesAsEvidence <{B}> .
<{B}> a og:Source ; dcterms:title "B" ; dcterms:type og:Paper .
<https://w3id.org/openness/id/citation/b-c> a cito:Citation ;
    cito:hasCitingEntity <{B}> ; cito:hasCitedEntity <{C}> .
<{C}> a og:Source ; dcterms:title "C" ; dcterms:type og:Paper .
<{D}> a og:Source ; dcterms:title "D" ; dcterms:type og:Paper ; cito:isCitedBy <{C}> .
<{E}> a og:Source ; dcterms:title "E" ; dcterms:type og:Paper .
"""


def stored(store: ox.Store) -> set[tuple[str, str]]:
    """Return the (work, reached work) pairs in the derived citation graph."""
    graph = ox.NamedNode(CITATIONS_GRAPH)
    return {
        (q.subject.value, q.object.value)
        for q in store.quads_for_pattern(None, ox.NamedNode(REACHES), None, graph)
    }


@pytest.fixture
def world(tmp_path: Path, new_store) -> ox.Store:
    """The ontology, a framework with one model, and the works above, every model derived."""
    store = new_store()
    (tmp_path / "fw.ttl").write_text(FRAMEWORK)
    (tmp_path / "works.ttl").write_text(WORKS)
    files = [paths.ONTOLOGY_DIR / "openness.ttl", tmp_path / "fw.ttl", tmp_path / "works.ttl"]
    todo, _ = loading.prepare(files, tmp_path, store)
    list(loading.write(store, todo, tmp_path))
    derive(store)
    return store


def test_every_work_reaches_what_its_citations_lead_to(world: ox.Store) -> None:
    assert stored(world) == {(A, B), (A, C), (A, D), (B, C), (B, D), (C, D)}


def test_the_closure_is_what_the_citation_path_reaches(world: ox.Store) -> None:
    query = f"SELECT ?a ?b WHERE {{ ?a ({STEP})+ ?b }}"
    path = {(a.value, b.value) for a, b in world.query(query, use_default_graph_as_union=True)}
    assert stored(world) == path


def test_a_work_on_a_cycle_reaches_itself() -> None:
    edges = {"a": {"b"}, "b": {"c"}, "c": {"a", "d"}, "x": {"a"}}
    found = reached(edges)
    assert found["a"] == found["b"] == found["c"] == {"a", "b", "c", "d"}
    assert found["x"] == {"a", "b", "c", "d"}
    assert "d" not in found  # a work that cites nothing reaches nothing


def test_deriving_again_writes_the_closure_once(world: ox.Store) -> None:
    before = stored(world)
    derive(world)
    assert stored(world) == before
    graph = ox.NamedNode(CITATIONS_GRAPH)
    assert len(list(world.quads_for_pattern(None, None, None, graph))) == len(before)


def submitted(citing: str | None = None) -> rdflib.Graph:
    """A submitted claim whose source cites ``citing`` (nothing when None)."""
    batch = form_to_graph(FORM)
    if citing is not None:
        source = next(batch.subjects(rdflib.RDF.type, rdflib.URIRef(str(OG.Source))))
        batch.add((source, rdflib.URIRef(f"{CITO}citesAsRelated"), rdflib.URIRef(citing)))
    return batch


def test_a_batch_with_a_citation_updates_the_closure(world: ox.Store) -> None:
    outcome = ingest(world, submitted(citing=A), "alice", "test")
    source = next(
        q.object.value
        for q in world.quads_for_pattern(
            ox.NamedNode(outcome.claims[0]), ox.NamedNode(str(PROV.wasDerivedFrom)), None
        )
    )
    assert {(source, w) for w in (A, B, C, D)} <= stored(world)
    assert not staleness.marks(world)


def test_a_batch_without_citations_leaves_the_closure_as_it_is(world: ox.Store) -> None:
    # A closure the citations would not give: left as it is shows it was not recomputed.
    planted = f"<{E}> <{REACHES}> <{A}> ."
    world.update(f"INSERT DATA {{ GRAPH <{CITATIONS_GRAPH}> {{ {planted} }} }}")
    ingest(world, submitted(), "alice", "test")
    assert (E, A) in stored(world)
    assert not staleness.marks(world)


def test_a_change_that_may_remove_citations_recomputes_the_closure(world: ox.Store) -> None:
    world.update(f"DELETE WHERE {{ GRAPH ?g {{ <{A}> ?p <{B}> }} }}")
    graphs = {q.graph_name.value for q in world.quads_for_pattern(ox.NamedNode(B), None, None)}
    derive_after_load(world, graphs)
    assert stored(world) == {(B, C), (B, D), (C, D)}


def test_a_raw_update_adding_a_citation_recomputes_the_closure(
    tmp_path: Path, new_store_location, clean_env
) -> None:
    where = new_store_location()
    store = open_store(where)
    (tmp_path / "works.ttl").write_text(WORKS)
    assert load_files(store, [paths.ONTOLOGY_DIR / "openness.ttl", tmp_path / "works.ttl"]) == 0
    assert (E, A) not in stored(store)
    del store
    gc.collect()  # release an embedded store's lock for the app
    app = start(where)
    client = app.test_client()
    graph = "https://example.org/graph/more-citations"
    update = f"INSERT DATA {{ GRAPH <{graph}> {{ <{E}> <{CITO}cites> <{A}> }} }}"
    assert client.post("/update", data={"update": update}, headers=ADMIN).status_code == 204
    store = app.extensions["openness"].store
    assert {(E, w) for w in (A, B, C, D)} <= stored(store)
    assert not staleness.marks(store)
    stop(app)
