"""Model families: members with their scores, and what is said of the family next to them."""

from __future__ import annotations

import os

import pyoxigraph as ox
import pytest

from graph import derive, loading, paths
from graph.derive.families import disagreements, family_level
from graph.namespaces import ID, OG, graph_iri
from graph.queries import load_query
from graph.store import writes
from graph.views.family import family_page
from server import create_app

FAMILY = f"{ID}family/"
MODEL = f"{ID}model/"


# ---------------------------------------------------------------- pure


def test_the_member_named_as_the_family_speaks_for_it() -> None:
    members = {"m/llama": "Llama", "m/l3": "Llama 3 8B", "m/lc": " llama "}
    assert family_level("Llama", members) == ["m/lc", "m/llama"]
    assert family_level("Qwen", members) == []


def test_a_member_disagrees_only_with_a_different_known_level() -> None:
    levels = {
        "top": {"code": "open", "weights": "open", "data": "unknown"},
        "a": {"code": "closed", "weights": "open", "data": "closed"},
        "b": {"code": "unknown", "weights": "partial"},
    }
    assert disagreements(levels, ["top"]) == [
        ("code", "top", "open", "a", "closed"),
        ("weights", "top", "open", "b", "partial"),
    ]
    assert disagreements(levels, []) == []  # no family-level member: nothing to disagree with


# ---------------------------------------------------------------- a small world, through the server

WORLD = """
@prefix og:     <https://w3id.org/openness/ns#> .
@prefix rdfs:   <http://www.w3.org/2000/01/rdf-schema#> .
@prefix xsd:    <http://www.w3.org/2001/XMLSchema#> .
@prefix prov:   <http://www.w3.org/ns/prov#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix model:  <https://w3id.org/openness/id/model/> .
@prefix family: <https://w3id.org/openness/id/family/> .
@prefix org:    <https://w3id.org/openness/id/organization/> .
@prefix source: <https://w3id.org/openness/id/source/> .
@prefix claim:  <https://w3id.org/openness/id/claim/> .
@prefix oti:    <https://w3id.org/openness/id/criterion/oti-2024/> .

org:acme a prov:Organization ; rdfs:label "Acme" .
source:report a og:Source ; dcterms:title "A report on families" .
source:card a og:Source ; dcterms:title "Acme-2 model card" ; dcterms:publisher org:acme .
family:acme a og:ModelFamily ; rdfs:label "Acme" .
model:acme a og:Model ; rdfs:label "Acme" ; og:developer org:acme ; og:family family:acme .
model:acme-1 a og:Model ; rdfs:label "Acme-1" ; og:developer org:acme ; og:family family:acme .
model:acme-2 a og:Model ; rdfs:label "Acme-2" ; og:developer org:acme ; og:family family:acme .
claim:family-weights a og:Claim ; og:aboutModel model:acme ; og:criterion oti:published-weights ;
    og:level og:closed ; og:rank og:NormalRank ; og:statedOn "2024-05-01"^^xsd:date ;
    prov:wasDerivedFrom source:report .
claim:two-weights a og:Claim ; og:aboutModel model:acme-2 ; og:criterion oti:published-weights ;
    og:level og:open ; og:rank og:NormalRank ; og:statedOn "2024-06-01"^^xsd:date ;
    prov:wasDerivedFrom source:card .
"""


@pytest.fixture(scope="module")
def world(module_new_store) -> ox.Store:
    store = module_new_store()
    todo, _ = loading.prepare(loading.rdf_files([paths.ONTOLOGY_DIR]), paths.ROOT, store)
    list(loading.write(store, todo, paths.ROOT))
    graph = graph_iri("test/families")
    quads = [
        ox.Quad(t.subject, t.predicate, t.object, ox.NamedNode(graph))
        for t in ox.parse(WORLD.encode(), format=ox.RdfFormat.TURTLE)
    ]
    writes.replace_graph(store, graph, quads, catalogue=writes.catalogue_entry(graph, "f", "f"))
    derive.derive(store)
    return store


@pytest.mark.every_engine
def test_the_family_page_shows_members_scores_and_the_disagreement(world) -> None:
    with pytest.MonkeyPatch.context() as mp:
        for name in [n for n in os.environ if n.startswith("OPENNESS_")]:
            mp.delenv(name)
        app = create_app({"STORE": world, "TESTING": True})
    try:
        client = app.test_client()
        data = client.get("/id/family/acme.json").get_json()
        members = [m["model"]["iri"] for m in data["members"]]
        assert members == [f"{MODEL}acme", f"{MODEL}acme-1", f"{MODEL}acme-2"]
        assert [m["family_level"] for m in data["members"]] == [True, False, False]
        assert data["flags"] == ["family-disagreement"]
        (d,) = data["disagreements"]
        assert d["member"]["iri"] == f"{MODEL}acme-2"
        assert (d["family_level_level"], d["member_level"]) == ("closed", "open")
        # Acme-2 does not inherit the family's "closed": its own evidence is shown.
        two = next(m for m in data["members"] if m["model"]["iri"] == f"{MODEL}acme-2")
        assert two["disagrees"] and two["scores"]
        html = client.get("/id/family/acme", headers={"Accept": "text/html"}).text
        assert "Acme-2" in html and "disagrees" in html
    finally:
        app.extensions["openness"].close()


# ---------------------------------------------------------------- the bundled data


def test_every_family_page_lists_its_members_and_disagreements(bundled_world) -> None:
    store = bundled_world.open()
    members: dict[str, set[str]] = {}
    query = f"SELECT ?m ?f WHERE {{ ?m <{OG.family}> ?f . ?f a <{OG.ModelFamily}> }}"
    for row in store.query(query, use_default_graph_as_union=True):
        members.setdefault(row["f"].value, set()).add(row["m"].value)
    assert len(members) > 100
    found = {}
    for row in store.query(load_query("family-disagreements"), use_default_graph_as_union=True):
        found.setdefault(row["family"].value, set()).add(
            (row["criterion"].value, row["member"].value)
        )
    for family, expected in members.items():
        page = family_page(store, family)
        assert {m["model"]["iri"] for m in page["members"]} == expected, family
        shown = {(d["criterion"]["iri"], d["member"]["iri"]) for d in page["disagreements"]}
        assert shown == found.get(family, set()), family
        assert bool(page["flags"]) == bool(shown), family
    # The report's "Grok" says no published weights; grok-1's own release published them.
    grok = family_page(store, f"{FAMILY}grok")
    weights = [
        d for d in grok["disagreements"] if d["criterion"]["iri"].endswith("/published-weights")
    ]
    assert f"{MODEL}grok-1" in {d["member"]["iri"] for d in weights}
    assert {f"{FAMILY}llama", f"{FAMILY}mistral", f"{FAMILY}grok"} <= set(found)


def test_the_trace_says_which_members_evidence_differs(bundled_world) -> None:
    from graph.evidence import trace
    from graph.evidence.as_text import trace_text

    store = bundled_world.open()
    data = trace(store, "grok-1", framework="oti-2024").as_dict()
    (pair,) = [d for d in data["family_disagreements"] if d["criterion"]["iri"].endswith("weights")]
    assert pair["member"]["iri"] == f"{MODEL}grok-1"
    assert pair["family_level"]["iri"] == f"{MODEL}grok"
    assert (pair["member_level"], pair["family_level_level"]) == ("open", "closed")
    text = trace_text(data)
    assert "grok-1's evidence says open, what is said of the family (Grok) closed" in text


@pytest.mark.every_engine
def test_the_disagreement_is_stored_on_both_assessments_and_follows_a_change(world) -> None:
    def flagged(slug: str) -> bool:
        node = f"{ID}assessment/{slug}/oti-2024/published-weights"
        graph = "https://w3id.org/openness/graph/derived/assessments"
        flag = f"<{OG.flag}> <{OG.FamilyDisagreement}>"
        return bool(world.query(f"ASK {{ GRAPH <{graph}> {{ <{node}> {flag} }} }}"))

    assert flagged("acme")  # the family-level member's side...
    assert flagged("acme-2")  # ...and the member whose evidence differs
    assert not flagged("acme-1")  # no evidence: no disagreement
    # Acme-2's card is withdrawn: recomputing Acme-2 alone clears the family-level side too.
    graph = graph_iri("test/families")
    world.update(f"DELETE WHERE {{ GRAPH <{graph}> {{ <{ID}claim/two-weights> ?p ?o }} }}")
    derive.derive(world, [f"{MODEL}acme-2"])
    assert not flagged("acme")
    assert not flagged("acme-2")
