"""The pages of things (/id/<kind>/<slug>): models, sources, claims, frameworks, criteria,
organizations and any other IRI, in HTML, JSON and RDF, with content negotiation."""

from __future__ import annotations

import os
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib
from rdflib.compare import isomorphic

from graph import derive, loading, paths
from graph.namespaces import ID, OG
from server import create_app

WORLD = Path(__file__).parent / "fixtures" / "pages" / "world.ttl"
BROWSER_ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"


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


def get_json(client, path: str) -> dict:
    response = client.get(path)
    assert response.status_code == 200, response.data
    assert response.mimetype == "application/json"
    return response.json


def as_rdflib(triples) -> rdflib.Graph:
    text = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES)
    return rdflib.Graph().parse(data=text.decode(), format="nt")


def cbd(store: ox.Store, iri: str) -> rdflib.Graph:
    """Return the Concise Bounded Description of ``iri`` over the union of the store's graphs."""
    union = as_rdflib({q.triple for q in store})
    return union.cbd(rdflib.URIRef(iri), include_reifications=False)


# ---------------------------------------------------------------- negotiation


def test_an_iri_answers_browsers_with_html_and_links_its_twins(client) -> None:
    response = client.get("/id/model/alpha", headers={"Accept": BROWSER_ACCEPT})
    assert response.status_code == 200
    assert response.mimetype == "text/html"
    link = response.headers["Link"]
    for twin, media in (
        ("/id/model/alpha.json", "application/json"),
        ("/id/model/alpha.ttl", "text/turtle"),
        ("/id/model/alpha.jsonld", "application/ld+json"),
    ):
        assert f'<{twin}>; rel="alternate"; type="{media}"' in link
        assert f'href="{twin}"' in response.text
    assert response.headers["Content-Location"] == "/id/model/alpha.html"
    assert "Accept" in response.headers["Vary"]


@pytest.mark.parametrize(
    ("accept", "media", "fmt"),
    [
        ("text/turtle", "text/turtle", ox.RdfFormat.TURTLE),
        ("application/ld+json", "application/ld+json", ox.RdfFormat.JSON_LD),
        ("application/n-triples", "application/n-triples", ox.RdfFormat.N_TRIPLES),
        ("application/rdf+xml", "application/rdf+xml", ox.RdfFormat.RDF_XML),
    ],
)
def test_rdf_clients_get_the_concise_bounded_description_and_labels(
    client, store, accept, media, fmt
):
    iri = f"{ID}claim/news-alpha-weights"
    response = client.get("/id/claim/news-alpha-weights", headers={"Accept": accept})
    assert response.status_code == 200
    assert response.mimetype == media
    assert response.headers["Content-Location"].startswith("/id/claim/news-alpha-weights.")
    got = as_rdflib(ox.parse(response.data, format=fmt, base_iri=iri))
    own = rdflib.Graph()
    for t in got:
        if t[0] == rdflib.URIRef(iri) or isinstance(t[0], rdflib.BNode):
            own.add(t)
    assert isomorphic(own, cbd(store, iri))
    # Beside it, what its page shows (its model's developers ...) and the names of those.
    alpha = rdflib.URIRef(f"{ID}model/alpha")
    assert got.value(alpha, rdflib.RDFS.label) is not None
    assert (alpha, rdflib.URIRef(f"{OG}developer"), None) in got
    # The description takes in the quote's blank nodes, down to the quoted text.
    assert "Alpha's weights are no longer available." in {str(o) for o in got.objects()}


def test_suffixes_pick_the_format_and_send_no_content_location(client) -> None:
    for suffix, media in (
        ("json", "application/json"),
        ("ttl", "text/turtle"),
        ("jsonld", "application/ld+json"),
        ("nt", "application/n-triples"),
        ("rdf", "application/rdf+xml"),
        ("html", "text/html"),
    ):
        response = client.get(f"/id/source/report-a.{suffix}")
        assert response.status_code == 200, suffix
        assert response.mimetype == media
        assert "Content-Location" not in response.headers


def test_slugs_with_dots_keep_working_with_and_without_suffix(client) -> None:
    assert client.get("/id/framework/osaid-1.0").mimetype == "text/html"
    assert get_json(client, "/id/framework/osaid-1.0.json")["framework"]["iri"].endswith(
        "osaid-1.0"
    )


def test_unknown_iris_suffixes_and_formats_answer_with_the_error_shape(client) -> None:
    for path, status in (
        ("/id/model/nobody", 404),
        ("/id/model/alpha.docx", 404),
        ("/id/model/a>b", 404),
    ):
        response = client.get(path)
        assert response.status_code == status, path
        assert set(response.json["error"]) == {"status", "title", "detail"}
    refused = client.get("/id/model/alpha", headers={"Accept": "image/png"})
    assert refused.status_code == 406
    assert refused.json["error"]["status"] == 406


# ---------------------------------------------------------------- models


def test_the_model_page_shows_scores_assessments_claims_and_sources(client) -> None:
    data = get_json(client, "/id/model/alpha.json")
    assert data["model"]["label"] == "Alpha"
    assert data["model"]["developers"] == [
        {"iri": f"{ID}organization/alpha-lab", "label": "Alpha Lab"}
    ]
    assert data["model"]["licences"][0]["label"] == "Apache-2.0"
    frameworks = {s["framework"]["slug"] for s in data["scores"]}
    assert {"oti-2024", "osai-index", "osaid-1.0"} <= frameworks
    assert (
        data["spectrum_tier"]["grade"]["iri"]
        == f"{ID}grade/oti-2024/tier-{data['spectrum_tier']['value']}"
    )
    oti = next(g for g in data["assessments"] if g["framework"]["iri"].endswith("oti-2024"))
    weights = next(
        a for a in oti["criteria"] if a["criterion"]["iri"].endswith("published-weights")
    )
    assert weights["contested"] is True
    assert {c["level"] for c in weights["claims"]} == {"open", "closed"}
    news = next(c for c in weights["claims"] if c["iri"].endswith("news-alpha-weights"))
    assert news["sources"][0]["title"] == "Alpha pulls its weights"
    assert news["sources"][0]["quotes"] == ["Alpha's weights are no longer available."]
    assert "contested" in data["flags"] and "openwashing" in data["flags"]


def test_the_model_page_flags_the_developers_own_claims_as_self_reported(client) -> None:
    data = get_json(client, "/id/model/alpha.json")
    claims = [c for g in data["assessments"] for a in g["criteria"] for c in a["claims"]]
    blog = next(c for c in claims if c["iri"].endswith("blog-alpha-open-source"))
    report = next(c for c in claims if c["iri"].endswith("report-alpha-open-code"))
    assert blog["self_reported"] is True
    assert report["self_reported"] is False


def test_the_history_replays_the_claims_as_of_the_days_they_were_stated(client) -> None:
    history = get_json(client, "/id/model/alpha.json")["history"]
    by_day = {h["as_of"]: h for h in history}
    # Before the press article the report's reading holds; after it, the weights are
    # contested and the most recent statement (closed) decides.
    assert by_day["2024-01-10"]["scores"]["oti-2024"]["value"] == 2
    assert "oti-2024" in by_day["2024-06-01"]["changed"]
    assert by_day["2024-06-01"]["scores"]["oti-2024"]["value"] != 2
    assert [h["as_of"] for h in history] == sorted(by_day)


def test_the_model_page_says_which_evidence_lent_only_by_analogy(client) -> None:
    data = get_json(client, "/id/model/alpha.json")
    criteria = {
        a["criterion"]["iri"]: a for group in data["assessments"] for a in group["criteria"]
    }
    # Published weights and the index's open weights come close to OSAID parameters: shown,
    # but by analogy.
    parameters = criteria[f"{ID}criterion/osaid-1.0/parameters"]
    assert [m["iri"] for m in parameters["by_analogy"]] == [
        f"{ID}criterion/osai-index/weights_endmodel",
        f"{ID}criterion/oti-2024/published-weights",
    ]
    assert parameters["level"] in {"partial", "closed"}
    # The index's open end-model weights stand in for published weights: not an analogy.
    assert criteria[f"{ID}criterion/oti-2024/published-weights"]["by_analogy"] == []
    html = client.get("/id/model/alpha").text
    assert "by analogy from" in html and "counts at most as partial" in html


def test_the_model_page_shows_deprecated_claims_as_not_counted(client) -> None:
    data = get_json(client, "/id/model/beta.json")
    claims = [c for g in data["assessments"] for a in g["criteria"] for c in a["claims"]]
    claims += data["other_claims"]
    old = next(c for c in claims if c["iri"].endswith("index-beta-access-old"))
    assert old["counted"] is False
    assert old["rank"] == "deprecated"
    assert old["deprecation_reason"].startswith("Beta Chat opened")
    html = client.get("/id/model/beta").text
    assert "Beta Chat opened to the public in January 2024." in html
    assert "not counted" in html


def test_the_model_html_links_each_score_to_its_evidence_graph(client) -> None:
    html = client.get("/id/model/alpha").text
    assert 'href="/graph/evidence/alpha/oti-2024"' in html
    assert 'href="/id/source/news-d"' in html
    assert "Alpha&#39;s weights are no longer available." in html


def _claims_of(data: dict) -> dict[str, dict]:
    claims = [c for g in data["assessments"] for a in g["criteria"] for c in a["claims"]]
    return {c["iri"]: c for c in [*claims, *data["other_claims"]]}


def test_the_model_page_shows_the_citations_of_each_quoted_passage(client) -> None:
    claims = _claims_of(get_json(client, "/id/model/alpha.json"))
    weights = claims[f"{ID}claim/report-alpha-weights"]["sources"][0]["passage"]
    # The claim quotes the passage note 1 is attached to: that note's work, with its page.
    assert weights["quoted"] is True
    assert weights["cites"] == [
        {
            "source": {"iri": f"{ID}source/paper-b", "label": "Paper B on gradients of release"},
            "notes": [1],
            "pages": "p. 36",
        }
    ]
    assert weights["cites_nothing"] is False and weights["other_citations"] == 0
    # A row of the table carries no note: nothing the report cites is its evidence.
    row = claims[f"{ID}claim/report-alpha-open-code"]["sources"][0]["passage"]
    assert row == {"quoted": True, "cites": [], "cites_nothing": True, "other_citations": 1}
    # A judgement quoting nothing rests on the whole source, every citation of it.
    whole = claims[f"{ID}claim/index-alpha-weights"]["sources"][0]["passage"]
    assert whole["quoted"] is False
    assert [c["source"]["iri"] for c in whole["cites"]] == [f"{ID}source/paper-b"]


def test_the_model_page_names_the_works_the_trace_names(client, store) -> None:
    from graph.evidence import trace

    claims = _claims_of(get_json(client, "/id/model/alpha.json"))
    traced = trace(store, "alpha").as_dict()
    shown = [*traced["other_assessments"]]
    shown += [a for s in traced["scores"] for a in s["assessments"]]
    compared = 0
    for a in shown:
        for c in [*a["claims"], *a["not_counted"]]:
            for s in c["sources"]:
                page = next(x for x in claims[c["iri"]]["sources"] if x["iri"] == s["iri"])
                assert [w["source"]["iri"] for w in page["passage"]["cites"]] == [
                    w["source"] for w in s["passage"]["cites"]
                ], c["iri"]
                assert page["passage"]["other_citations"] == s["passage"]["other_citations"]
                compared += 1
    assert compared >= 5


def test_the_model_html_shows_passage_citations_with_their_pages(client) -> None:
    html = client.get("/id/model/alpha").text
    assert "Paper B on gradients of release</a>, p. 36" in html
    assert "The passage cites no other work." in html
    assert "1 other work elsewhere, not evidence for this claim" in html


# ---------------------------------------------------------------- sources and claims


def test_the_source_page_lists_quotes_claims_and_citations_both_ways(client) -> None:
    data = get_json(client, "/id/source/report-a.json")
    assert data["source"]["title"] == "The State of Open Models"
    assert data["source"]["url"] == "https://example.org/report-a"
    assert data["claim_count"] == len(data["claims"]) == 11
    rows = {q["exact"] for q in data["quotes"]}
    assert any(r.startswith("Open code + published model weights") for r in rows)
    (cited,) = data["cites"]
    assert cited["source"]["iri"] == f"{ID}source/paper-b"
    assert cited["notes"] == [1]
    assert cited["texts"] == ["B. Author, Paper B, 2023."]
    assert cited["passages"] == ["Weights alone do not make a model open."]
    assert cited["locators"] == ["36"] and cited["pages"] == "p. 36"
    html = client.get("/id/source/report-a").get_data(as_text=True)
    assert "Paper B on gradients of release</a>, p. 36" in html
    paper = get_json(client, "/id/source/paper-b.json")
    (back,) = [c for c in paper["cited_by"] if c["source"]["iri"].endswith("/report-a")]
    assert back["pages"] == "p. 36"
    (citing,) = data["cited_by"]
    assert citing["source"]["label"] == "Alpha pulls its weights"
    assert data["views"][0]["url"] == "/graph/citations/report-a"


def test_the_source_page_lists_its_sections_in_order_with_their_notes(client) -> None:
    data = get_json(client, "/id/source/report-a.json")
    assert [(s["title"], s["depth"], s["notes"]) for s in data["sections"]] == [
        ("Findings", 0, []),
        ("On weights", 1, [1]),
        ("Conclusion", 0, []),
    ]
    html = client.get("/id/source/report-a").get_data(as_text=True)
    assert html.index("On weights") < html.index("Conclusion")
    assert get_json(client, "/id/source/paper-b.json")["sections"] == []


def test_the_claim_page_shows_sources_siblings_and_what_was_derived(client) -> None:
    data = get_json(client, "/id/claim/news-alpha-weights.json")
    claim = data["claim"]
    assert claim["model"]["label"] == "Alpha"
    assert claim["level"] == "closed"
    assert claim["framework"]["iri"] == f"{ID}framework/oti-2024"
    assert data["sources"][0]["quotes"][0]["exact"] == "Alpha's weights are no longer available."
    (sibling,) = data["same_criterion"]
    assert sibling["iri"].endswith("report-alpha-weights")
    assert sibling["agrees"] is False
    # Its own criterion's assessment, and OSAID parameters, which published weights come close to.
    by_criterion = {a["criterion"]["iri"]: a for a in data["assessments"]}
    assert set(by_criterion) == {
        f"{ID}criterion/oti-2024/published-weights",
        f"{ID}criterion/osaid-1.0/parameters",
    }
    assessment = by_criterion[f"{ID}criterion/oti-2024/published-weights"]
    assert assessment["contested"] is True
    assert {s["framework"]["slug"] for s in assessment["scores"]} >= {"oti-2024"}


def test_a_self_reported_claim_says_so(client) -> None:
    data = get_json(client, "/id/claim/blog-alpha-open-source.json")
    assert data["claim"]["self_reported"] is True
    assert data["sources"][0]["self_published"] is True
    assert "self-reported" in client.get("/id/claim/blog-alpha-open-source").text


# ---------------------------------------------------------------- frameworks, criteria, organizations


# On each engine: Virtuoso answers a boolean bound by EXISTS as 1, not true.
@pytest.mark.every_engine
def test_the_framework_page_lists_criteria_grades_and_how_scores_spread(client) -> None:
    data = get_json(client, "/id/framework/oti-2024.json")
    assert data["framework"]["scored"] is True
    criteria = [c["iri"].rsplit("/", 1)[-1] for c in data["criteria"]]
    assert criteria[0] == "open-code"  # the scoring rule's order first
    assert [g["order"] for g in data["grades"]] == [1, 2, 3, 4, 5]
    tier1 = data["grades"][0]
    assert {r["criterion"]["iri"].rsplit("/", 1)[-1] for r in tier1["requirements"]} >= {
        "open-code",
        "published-weights",
    }
    placed = sum(s["models"] for s in data["scores"] if not s["unplaced"])
    assert placed == 2  # Alpha and Beta are placed in this world...
    unplaced = [s for s in data["scores"] if s["unplaced"]]
    assert [(s["grade"], s["models"]) for s in unplaced] == [(None, 1)]  # ...Gamma is not


def test_the_criterion_page_shows_mappings_from_both_sides(client) -> None:
    data = get_json(client, "/id/criterion/oti-2024/published-weights.json")
    by_iri = {m["criterion"]["iri"]: m for m in data["mappings"]}
    # osai:weights_endmodel skos:broadMatch oti:published-weights: seen from here, narrower.
    assert by_iri[f"{ID}criterion/osai-index/weights_endmodel"]["relations"] == ["narrowMatch"]
    # osai:weights_basemodel skos:closeMatch oti:published-weights, stated on the other side.
    assert by_iri[f"{ID}criterion/osai-index/weights_basemodel"]["relations"] == ["closeMatch"]
    assert data["broader"][0]["iri"] == f"{ID}criterion/oti-2024/input-transparency"
    assert data["claims"] == {"open": 1, "closed": 2}


def test_the_organization_page_lists_models_sources_and_claims(client) -> None:
    data = get_json(client, "/id/organization/watchdog.json")
    assert data["organization"]["label"] == "Watchdog Institute"
    assert {s["iri"] for s in data["sources"]} == {f"{ID}source/report-a", f"{ID}source/index-beta"}
    assert data["claim_count"] == len(data["claims"])
    assert data["claim_count"] > 10
    lab = get_json(client, "/id/organization/alpha-lab.json")
    assert [m["label"] for m in lab["models"]] == ["Alpha", "Gamma"]


def test_other_iris_get_the_generic_page_with_incoming_links(client) -> None:
    data = get_json(client, "/id/person/ada-author.json")
    assert data["resource"]["kind"] == "person"
    assert data["resource"]["label"] == "Ada Author"
    assert data["incoming_count"] == 1
    (link,) = data["incoming"]
    assert link["subject"] == {"iri": f"{ID}source/report-a", "label": "The State of Open Models"}
    assert link["property"]["iri"] == "http://purl.org/dc/terms/creator"
    score = get_json(client, "/id/score/alpha/oti-2024.json")
    assert score["views"][0]["url"] == "/graph/evidence/alpha/oti-2024"
    grade = client.get("/id/grade/oti-2024/tier-1")
    assert grade.status_code == 200
    # The grade's requirements are blank nodes, described inline.
    assert 'href="/ns#atLeast"' in grade.text


def test_a_citation_node_answers_too(client) -> None:
    data = get_json(client, "/id/citation/report-a-note-1.json")
    props = {p["property"]["iri"].rsplit("/", 1)[-1].rsplit("#", 1)[-1] for p in data["properties"]}
    assert {"hasCitingEntity", "hasCitedEntity", "noteNumber"} <= props


def test_iris_under_a_kind_that_are_not_of_that_kind_get_the_generic_page(client) -> None:
    metric = get_json(client, "/id/framework/oti-2024/metric.json")
    assert set(metric) >= {"resource", "incoming", "incoming_count"}
    assert metric["incoming_count"] == 3  # the spectrum scores of Alpha, Beta and Gamma
    category = get_json(client, "/id/criterion/osai-index/category-availability.json")
    assert category["resource"]["kind"] == "criterion"
    assert "resource" in category and "mappings" not in category
