"""Graph views: a score's evidence chain and a source's citations, as HTML, JSON, SVG,
GraphML and RDF; the layered layout and its SVG drawing."""

from __future__ import annotations

import io
import os
import xml.etree.ElementTree as ET
from pathlib import Path

import networkx as nx
import pyoxigraph as ox
import pytest

from graph import derive, loading, paths
from graph.evidence import trace
from graph.namespaces import ID
from graph.views import drawing
from graph.views.evidence_tree import SHOWN, evidence_tree, tree_ids
from server import create_app

WORLD = Path(__file__).parent / "fixtures" / "pages" / "world.ttl"
SVG_NS = "{http://www.w3.org/2000/svg}"
DERIVED = "http://www.w3.org/ns/prov#wasDerivedFrom"


def world_store(make) -> ox.Store:
    """Return a store from the maker ``make`` holding the ontology and the fixture world."""
    store = make()
    todo, _ = loading.prepare(loading.rdf_files([paths.ONTOLOGY_DIR, WORLD]), paths.ROOT, store)
    list(loading.write(store, todo, paths.ROOT))
    derive.derive(store)
    return store


@pytest.fixture(scope="module")
def store(module_new_store) -> ox.Store:
    return world_store(module_new_store)


@pytest.fixture(scope="module")
def client(store):
    with pytest.MonkeyPatch.context() as mp:
        for name in [n for n in os.environ if n.startswith("OPENNESS_")]:
            mp.delenv(name)
        app = create_app({"STORE": store, "TESTING": True})
    yield app.test_client()
    app.extensions["openness"].close()


@pytest.fixture(scope="module")
def evidence(client) -> dict:
    response = client.get("/graph/evidence/alpha/oti-2024.json")
    assert response.status_code == 200
    return response.json


def test_the_evidence_chain_runs_from_the_score_to_cited_sources(evidence) -> None:
    nodes = {n["id"]: n for n in evidence["nodes"]}
    assert evidence["root"] == f"{ID}score/alpha/oti-2024"
    assert nodes[evidence["root"]]["kind"] == "score"
    g = nx.DiGraph()
    g.add_edges_from((e["source"], e["target"]) for e in evidence["edges"])
    # Every step of the chain: score -> assessment -> claim -> source -> cited -> cited.
    path = nx.shortest_path(g, evidence["root"], f"{ID}source/dataset-c")
    assert [nodes[n]["kind"] for n in path] == [
        "score",
        "assessment",
        "claim",
        "source",
        "source",
        "source",
    ]
    assert [nodes[n]["layer"] for n in path] == [0, 1, 2, 3, 4, 5]
    contested = next(n for n in evidence["nodes"] if n["id"].endswith("oti-2024/published-weights"))
    assert "contested" in contested["flags"]
    assert {n["kind"] for n in evidence["nodes"]} == {"score", "assessment", "claim", "source"}
    assert all(n["url"].startswith("/id/") for n in evidence["nodes"])


def test_assessments_without_evidence_are_left_out(evidence) -> None:
    assessments = [n for n in evidence["nodes"] if n["kind"] == "assessment"]
    # Alpha has no claim on public access: nothing to follow there.
    assert not any(n["id"].endswith("/public-access") for n in assessments)
    assert all(n["level"] != "unknown" for n in assessments)


def test_derivation_and_citation_edges_keep_their_properties(evidence) -> None:
    relations = {e["relation"] for e in evidence["edges"]}
    assert DERIVED in relations
    assert "http://purl.org/spar/cito/citesAsEvidence" in relations
    assert "http://purl.org/spar/cito/usesDataFrom" in relations


def test_the_citation_page_has_the_svg_fallback_and_the_vendored_library(client) -> None:
    html = client.get("/graph/citations/paper-b").text
    assert '<figure id="static-graph"' in html and "<svg" in html
    assert "/static/vendor/cytoscape/cytoscape.min.js" in html
    assert 'id="graph-data"' in html
    vendored = paths.ROOT / "server" / "static" / "vendor" / "cytoscape"
    assert (vendored / "LICENSE").read_text().startswith("Copyright")
    with client.get("/static/vendor/cytoscape/cytoscape.min.js") as script:
        assert script.status_code == 200


def test_the_svg_is_well_formed_and_links_every_node(client, evidence) -> None:
    response = client.get("/graph/evidence/alpha/oti-2024.svg")
    assert response.mimetype == "image/svg+xml"
    root = ET.fromstring(response.data)
    assert root.tag == f"{SVG_NS}svg"
    links = {a.get("href") for a in root.iter(f"{SVG_NS}a")}
    assert links == {n["url"] for n in evidence["nodes"]}
    assert len(list(root.iter(f"{SVG_NS}path"))) >= len(evidence["edges"])


def test_graphml_reads_back_into_the_same_graph(client, evidence) -> None:
    response = client.get("/graph/evidence/alpha/oti-2024.graphml")
    assert response.status_code == 200
    g = nx.read_graphml(io.BytesIO(response.data))
    assert set(g.nodes) == {n["id"] for n in evidence["nodes"]}
    assert g.number_of_edges() == len(evidence["edges"])
    assert g.nodes[evidence["root"]]["kind"] == "score"


def test_the_rdf_twin_states_the_edges(client, evidence) -> None:
    response = client.get("/graph/evidence/alpha/oti-2024.ttl")
    triples = {
        (t.subject.value, t.predicate.value, t.object.value)
        for t in ox.parse(response.data, format=ox.RdfFormat.TURTLE)
    }
    for e in evidence["edges"]:
        assert (e["source"], e["relation"], e["target"]) in triples


def test_the_evidence_page_draws_the_tree_in_html_without_a_script(client) -> None:
    html = client.get("/graph/evidence/alpha/oti-2024").text
    assert '<ol class="etree">' in html
    assert "cytoscape" not in html and "<script" not in html
    for twin in ("json", "svg", "graphml", "ttl", "jsonld"):
        assert f'href="/graph/evidence/alpha/oti-2024.{twin}"' in html
    # The passage note 1 is attached to cites Paper B at page 36; the table row cites nothing.
    assert "Paper B on gradients of release, p. 36" in html
    assert "the passage cites no other work" in html
    # What Paper B cites in turn is folded, opened in place.
    assert '<details class="fold"><summary>cites 1 work</summary>' in html


def test_the_evidence_tree_holds_the_nodes_the_trace_holds(store, evidence) -> None:
    traced = trace(store, "alpha", framework="oti-2024").as_dict()
    (score,) = traced["scores"]
    claims = {c["iri"] for a in score["assessments"] for c in [*a["claims"], *a["not_counted"]]}
    assessments = {a["iri"] for a in score["assessments"] if a["claims"] or a["not_counted"]}
    ids = tree_ids(evidence["tree"])
    assert ids == {score["iri"], *assessments, *claims, *traced["sources"]}
    assert ids == {n["id"] for n in evidence["nodes"]}
    assert {f"{ID}source/paper-b", f"{ID}source/dataset-c", f"{ID}source/news-d"} <= ids
    # Report A cites only Paper B: nothing it does not cite in a quoted passage appears.
    assert {i for i in ids if "/source/" in i} == {
        f"{ID}source/report-a",
        f"{ID}source/paper-b",
        f"{ID}source/dataset-c",
        f"{ID}source/news-d",
    }


MANY_NOTES = 12
PREFIXES = """@prefix og: <https://w3id.org/openness/ns#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix cito: <http://purl.org/spar/cito/> .
@prefix oa: <http://www.w3.org/ns/oa#> .
@prefix model: <https://w3id.org/openness/id/model/> .
@prefix org: <https://w3id.org/openness/id/organization/> .
@prefix source: <https://w3id.org/openness/id/source/> .
@prefix citation: <https://w3id.org/openness/id/citation/> .
@prefix claim: <https://w3id.org/openness/id/claim/> .
"""


def crowded_world() -> str:
    """Return Turtle for a model whose one claim quotes a passage with many notes."""
    passage = "Twelve studies agree that the weights are out."
    quote = (
        "og:quote [ a oa:SpecificResource ; oa:hasSource source:survey ; "
        f'oa:hasSelector [ a oa:TextQuoteSelector ; oa:exact "{passage}" ] ]'
    )
    out = [
        PREFIXES,
        'model:crowd a og:Model ; rdfs:label "Crowd" .',
        'org:w a prov:Organization ; rdfs:label "W" .',
        'source:survey a og:Source ; dcterms:title "The survey" .',
        'source:aside a og:Source ; dcterms:title "An aside" .',
        "citation:aside a cito:Citation ; cito:hasCitingEntity source:survey ;"
        " cito:hasCitedEntity source:aside ; og:noteNumber 99 .",
        "claim:crowd-weights a og:Claim ; og:aboutModel model:crowd ;"
        " og:criterion <https://w3id.org/openness/id/criterion/osai-index/weights_endmodel> ;"
        ' og:level og:open ; og:rank og:NormalRank ; og:statedOn "2024-01-01"^^xsd:date ;'
        f" prov:wasAttributedTo org:w ; prov:wasDerivedFrom source:survey ; {quote} .",
    ]
    for n in range(1, MANY_NOTES + 1):
        out.append(f'source:study-{n:02d} a og:Source ; dcterms:title "Study {n:02d}" .')
        out.append(
            f"citation:survey-{n} a cito:Citation ; cito:hasCitingEntity source:survey ;"
            f" cito:hasCitedEntity source:study-{n:02d} ; og:noteNumber {n} ; {quote} ."
        )
    return "\n".join(out)


def test_a_long_level_is_collapsed_behind_n_more_and_opens_in_place(new_store) -> None:
    store = new_store()
    todo, _ = loading.prepare(loading.rdf_files([paths.ONTOLOGY_DIR]), paths.ROOT, store)
    list(loading.write(store, todo, paths.ROOT))
    store.load(crowded_world().encode(), ox.RdfFormat.TURTLE, to_graph=ox.NamedNode(f"{ID}g"))
    data = trace(store, "crowd", framework="index").as_dict()
    tree = evidence_tree(data, data["scores"][0])
    (weights,) = tree["children"]
    (claim_box,) = weights["children"]
    (survey,) = claim_box["children"]
    shown = SHOWN["citation"]
    assert [c["label"] for c in survey["children"]] == [f"Study {n:02d}" for n in range(1, 5)]
    assert len(survey["children"]) == shown and len(survey["more"]) == MANY_NOTES - shown
    # Note 99, elsewhere in the survey, is counted and never drawn.
    assert "1 other citation elsewhere: not evidence here" in survey["notes"]
    assert f"{ID}source/aside" not in tree_ids(tree)
    assert len(tree_ids(tree)) == 1 + 1 + 1 + 1 + MANY_NOTES

    with pytest.MonkeyPatch.context() as mp:
        for name in [n for n in os.environ if n.startswith("OPENNESS_")]:
            mp.delenv(name)
        app = create_app({"STORE": store, "TESTING": True})
    try:
        html = app.test_client().get("/graph/evidence/crowd/index").text
    finally:
        app.extensions["openness"].close()
    more = f'<details class="more"><summary>+ {MANY_NOTES - shown} more</summary>'
    assert more in html
    assert html.index("Study 04") < html.index(more) < html.index("Study 05")


def test_framework_aliases_and_missing_scores(client) -> None:
    assert client.get("/graph/evidence/alpha/oti.json").json["root"].endswith("alpha/oti-2024")
    # Gamma's MOF weights lend the spectrum some evidence: an unplaced score, with a graph.
    assert client.get("/graph/evidence/gamma/oti-2024").status_code == 200
    assert client.get("/graph/evidence/gamma/osai-index").status_code == 404
    assert client.get("/graph/evidence/alpha/no-such-framework").status_code == 404
    assert client.get("/graph/evidence/nobody/oti-2024").status_code == 404


def test_the_citation_graph_puts_citing_sources_left_and_cited_right(client) -> None:
    data = client.get("/graph/citations/paper-b.json").json
    layer = {n["id"].rsplit("/", 1)[-1]: n["layer"] for n in data["nodes"]}
    # news-d cites report-a, which cites paper-b, which uses data from dataset-c.
    assert layer["news-d"] < layer["report-a"] < layer["paper-b"] < layer["dataset-c"]
    assert min(layer.values()) == 0
    root = next(n for n in data["nodes"] if n["root"])
    assert root["id"] == f"{ID}source/paper-b"
    one = client.get("/graph/citations/paper-b.json?radius=1").json
    assert {n["id"].rsplit("/", 1)[-1] for n in one["nodes"]} == {
        "report-a",
        "paper-b",
        "dataset-c",
    }
    assert client.get("/graph/citations/paper-b?radius=9").status_code == 400
    assert client.get("/graph/citations/nothing-here").status_code == 404


def test_the_layout_keeps_nodes_apart_and_columns_in_order() -> None:
    graph = {
        "nodes": [
            {"id": f"n{i}", "kind": "claim", "label": f"node {i}", "layer": i % 3} for i in range(9)
        ],
        "edges": [
            {"source": f"n{i}", "target": f"n{i + 1}", "relation": DERIVED} for i in range(8)
        ],
    }
    placed = drawing.layout(graph)
    boxes = [(n["x"], n["y"]) for n in placed["nodes"]]
    for i, (x1, y1) in enumerate(boxes):
        for x2, y2 in boxes[i + 1 :]:
            assert abs(x1 - x2) >= drawing.NODE_W or abs(y1 - y2) >= drawing.NODE_H
    by_layer = {}
    for n in placed["nodes"]:
        by_layer.setdefault(n["layer"], set()).add(n["x"])
    assert all(len(xs) == 1 for xs in by_layer.values())
    assert sorted(by_layer, key=lambda k: next(iter(by_layer[k]))) == [0, 1, 2]
    assert all(
        0 < n["x"] < placed["width"] and 0 < n["y"] < placed["height"] for n in placed["nodes"]
    )


def test_the_svg_escapes_labels_and_links_only_what_href_allows() -> None:
    graph = {
        "title": "t <b>",
        "nodes": [
            {"id": "a", "kind": "source", "label": "<script>alert(1)</script> & co", "layer": 0},
            {"id": "b", "kind": "source", "label": "b", "layer": 1},
        ],
        "edges": [{"source": "a", "target": "b", "relation": "http://purl.org/spar/cito/cites"}],
    }
    svg = drawing.svg(graph, lambda iri: "/x?a=1&b=2" if iri == "a" else None)
    assert "<script>" not in svg
    root = ET.fromstring(svg)
    assert [a.get("href") for a in root.iter(f"{SVG_NS}a")] == ["/x?a=1&b=2"]
    texts = "".join(t.text or "" for t in root.iter(f"{SVG_NS}tspan"))
    assert "<script>alert(1)</script>" in texts
