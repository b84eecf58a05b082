"""A framework added as data through the API is scored, traced and shown everywhere, with no code.

The example is docs/examples/transparency-index.ttl (docs/frameworks.md walks through
it): ten binary indicators in three domains, a sum of points, three grades by score.
"""

from __future__ import annotations

import csv
import io
import re

import pyoxigraph as ox
import pytest

from graph import loading, paths
from graph.cli import main
from graph.evidence import trace, trace_dict
from graph.evidence.as_text import trace_text
from graph.namespaces import ID
from graph.scoring.rules import RULES

EXAMPLE = paths.ROOT / "docs" / "examples" / "transparency-index.ttl"
WORLD = paths.ROOT / "tests" / "fixtures" / "submissions" / "world.ttl"
FRAMEWORK = f"{ID}framework/eti"
ACME, GLOBEX = f"{ID}model/acme-chat-2", f"{ID}model/globex-lm"
CURATOR = {"Authorization": "Bearer bob-token"}
TOKENS = {"bob": {"token": "bob-token", "role": "curator"}}


@pytest.fixture
def store(new_store) -> ox.Store:
    """The ontology, two shipped frameworks and a small world: nothing of the example."""
    s = new_store()
    files = [
        paths.ONTOLOGY_DIR / "openness.ttl",
        paths.FRAMEWORKS_DIR / "osai-index.ttl",
        paths.FRAMEWORKS_DIR / "oti-2024.ttl",
        WORLD,
    ]
    todo, _ = loading.prepare(files, paths.ROOT, s)
    list(loading.write(s, todo, paths.ROOT))
    return s


@pytest.fixture
def client(make_app, store):
    """A client of an app whose store received the example through POST /api/submissions."""
    c = make_app(STORE=store, WRITE_TOKENS=TOKENS).test_client()
    sent = c.post(
        "/api/submissions",
        data=EXAMPLE.read_bytes(),
        headers={**CURATOR, "Content-Type": "text/turtle"},
    )
    assert sent.status_code == 201, sent.get_data(as_text=True)
    return c


def test_the_submission_recomputed_the_example_scores(make_app, store) -> None:
    c = make_app(STORE=store, WRITE_TOKENS=TOKENS).test_client()
    sent = c.post(
        "/api/submissions",
        data=EXAMPLE.read_bytes(),
        headers={**CURATOR, "Content-Type": "text/turtle"},
    )
    assert sent.status_code == 201, sent.get_data(as_text=True)
    moved = {
        (m["model"], s["framework"]): s["after"]
        for m in sent.get_json()["models_recomputed"]
        for s in m["scores"]
    }
    assert moved[(ACME, FRAMEWORK)]["value"] == 8
    assert moved[(ACME, FRAMEWORK)]["grade"] == f"{ID}grade/eti/high"
    assert moved[(GLOBEX, FRAMEWORK)]["value"] == 4
    assert moved[(GLOBEX, FRAMEWORK)]["grade"] == f"{ID}grade/eti/low"


def test_sparql_sees_the_scores_and_their_domains(client) -> None:
    query = f"""
    PREFIX dqv: <http://www.w3.org/ns/dqv#>
    PREFIX og: <https://w3id.org/openness/ns#>
    PREFIX dcterms: <http://purl.org/dc/terms/>
    SELECT ?model ?value ?grade WHERE {{
      ?s og:framework <{FRAMEWORK}> ; dqv:computedOn ?model ; dqv:value ?value ;
         dqv:isMeasurementOf <{FRAMEWORK}/metric> .
      OPTIONAL {{ ?s og:grade ?grade }}
      FILTER NOT EXISTS {{ ?s dcterms:isPartOf ?whole }}
    }} ORDER BY ?model"""
    answer = client.get(
        "/sparql",
        query_string={"query": query},
        headers={"Accept": "application/sparql-results+json"},
    )
    assert answer.status_code == 200
    rows = answer.get_json()["results"]["bindings"]
    assert [(r["model"]["value"], float(r["value"]["value"])) for r in rows] == [
        (ACME, 8.0),
        (GLOBEX, 4.0),
    ]
    parts = f"""
    PREFIX dqv: <http://www.w3.org/ns/dqv#>
    PREFIX dcterms: <http://purl.org/dc/terms/>
    SELECT ?domain ?value WHERE {{
      ?p dcterms:isPartOf <{ID}score/acme-chat-2/eti> ; dqv:isMeasurementOf ?domain ;
         dqv:value ?value .
    }} ORDER BY ?domain"""
    rows = client.get(
        "/sparql",
        query_string={"query": parts},
        headers={"Accept": "application/sparql-results+json"},
    ).get_json()["results"]["bindings"]
    assert {r["domain"]["value"].rsplit("/", 1)[-1]: float(r["value"]["value"]) for r in rows} == {
        "domain-downstream": 2.0,
        "domain-model": 3.0,
        "domain-upstream": 3.0,
    }


def test_the_trace_names_the_framework_by_its_slug(client, store) -> None:
    t = trace(store, "acme-chat-2", framework="eti")
    (score,) = t.scores()
    assert score.rule.iri == FRAMEWORK and score.score.value == 8
    text = trace_text(trace_dict(t))
    assert "Example Transparency Index" in text and "Model weights" in text


def test_the_evidence_graph_page_draws_the_score(client) -> None:
    page = client.get("/graph/evidence/acme-chat-2/eti.json")
    assert page.status_code == 200, page.get_data(as_text=True)
    body = page.get_data(as_text=True)
    assert FRAMEWORK in body and "eti-2026-report" in body


def test_the_model_page_lists_the_score(client) -> None:
    page = client.get("/id/model/globex-lm.json")
    assert page.status_code == 200
    scores = {s["framework"]["iri"]: s for s in page.get_json()["scores"]}
    assert scores[FRAMEWORK]["value"] == 4


def test_the_models_list_has_a_facet_by_grade(client) -> None:
    page = client.get("/models.json").get_json()
    assert page["facet_labels"]["eti"] == "Example Transparency Index"
    values = {v["value"]: v["count"] for v in page["facets"]["eti"]}
    assert values["high"] == 1 and values["low"] == 1 and values["unscored"] >= 2
    chosen = client.get("/models.json?eti=high").get_json()
    assert [m["slug"] for m in chosen["models"]] == ["acme-chat-2"]


def test_the_scores_csv_has_the_framework_rows(client) -> None:
    text = client.get("/downloads/scores.csv").get_data(as_text=True)
    rows = [r for r in csv.DictReader(io.StringIO(text)) if r["framework"] == "eti"]
    assert sorted((r["model_label"], float(r["value"]), r["grade_label"]) for r in rows) == [
        ("Acme Chat 2", 8.0, "high transparency"),
        ("Globex LM", 4.0, "low transparency"),
    ]


def test_compare_puts_the_framework_side_by_side(client) -> None:
    page = client.get("/compare.json?model=acme-chat-2&model=globex-lm").get_json()
    (eti,) = [f for f in page["frameworks"] if f["framework"]["iri"] == FRAMEWORK]
    assert [s["value"] for s in eti["scores"]] == [8, 4]
    assert len(eti["criteria"]) == 10


def test_the_analytics_distribution_counts_the_grades(client) -> None:
    body = client.get("/api/analytics/distribution").get_json()
    (eti,) = [i for i in body["items"] if i["framework"] == FRAMEWORK]
    assert eti["scores"] == 2
    assert {g["grade"]: g["count"] for g in eti["grades"]} == {
        f"{ID}grade/eti/high": 1,
        f"{ID}grade/eti/low": 1,
    }
    page = client.get("/analytics")
    assert page.status_code == 200 and "Example Transparency Index" in page.get_data(as_text=True)


def test_the_placement_page_puts_each_model_in_its_grade(client) -> None:
    body = client.get("/placement/eti.json").get_json()
    assert body["framework"]["iri"] == FRAMEWORK and body["framework"]["slug"] == "eti"
    rows = [(r["grade"]["iri"], r["grade"]["order"]) for r in body["grades"]]
    assert rows == [(f"{ID}grade/eti/{g}", n) for n, g in enumerate(("high", "medium", "low"), 1)]
    placed = {r["grade"]["iri"]: [m["model"]["iri"] for m in r["models"]] for r in body["grades"]}
    assert placed == {
        f"{ID}grade/eti/high": [ACME],
        f"{ID}grade/eti/medium": [],
        f"{ID}grade/eti/low": [GLOBEX],
    }
    assert [r["count"] for r in body["grades"]] == [1, 0, 1]
    assert body["unplaced"] == [] and body["placed"] == 2
    (acme,) = body["grades"][0]["models"]
    assert acme["value"] == 8 and acme["score"] == f"{ID}score/acme-chat-2/eti"
    page = client.get("/placement/eti", headers={"Accept": "text/html"})
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and "high transparency" in text and "Acme Chat 2" in text
    assert "/placement/eti.csv" in text and "/placement/eti.json" in text


def test_the_placement_page_has_a_csv_and_rdf_twin(client) -> None:
    sent = client.get("/placement/eti.csv")
    assert sent.status_code == 200 and sent.mimetype == "text/csv"
    rows = list(csv.DictReader(io.StringIO(sent.get_data(as_text=True))))
    assert [(r["grade_label"], r["model"], r["value"]) for r in rows] == [
        ("high transparency", ACME, "8"),
        ("low transparency", GLOBEX, "4"),
    ]
    graph = ox.Store()
    graph.load(client.get("/placement/eti.ttl").get_data(), ox.RdfFormat.TURTLE)
    grade = ox.NamedNode("https://w3id.org/openness/ns#grade")
    score = ox.NamedNode(f"{ID}score/acme-chat-2/eti")
    assert [q.object.value for q in graph.quads_for_pattern(score, grade, None)] == [
        f"{ID}grade/eti/high"
    ]


def test_the_framework_page_links_its_placement(client) -> None:
    body = client.get("/id/framework/eti.json").get_json()
    assert body["views"] == [{"label": "Placement by grade", "url": "/placement/eti"}]
    # A framework without grades has none; an unknown slug is a 404 naming the graded ones.
    assert client.get("/id/framework/osai-index.json").get_json()["views"] == []
    missing = client.get("/placement/osai-index.json")
    assert missing.status_code == 404 and "(eti, oti-2024)" in missing.get_json()["error"]["detail"]


def test_fragility_finds_the_scores_resting_on_the_index_report(client) -> None:
    body = client.get("/api/analytics/fragility").get_json()
    (item,) = [i for i in body["items"] if i["source"] == f"{ID}source/eti-2026-report"]
    lost = {(c["model"], c["framework"]): c for c in item["score_changes"]}
    assert lost[(ACME, FRAMEWORK)]["before"] == {"value": 8, "grade": f"{ID}grade/eti/high"}
    assert lost[(ACME, FRAMEWORK)]["after"] is None
    assert lost[(GLOBEX, FRAMEWORK)]["before"]["grade"] == f"{ID}grade/eti/low"


# ---------------------------------------------------------------- refusals


def test_a_description_that_does_not_add_up_is_refused_and_nothing_is_written(
    make_app, store
) -> None:
    c = make_app(STORE=store, WRITE_TOKENS=TOKENS).test_client()
    before = {str(q) for q in store}
    bad = EXAMPLE.read_text().replace("og:levelOrder 1 ;", "", 1)
    sent = c.post("/api/submissions", data=bad, headers={**CURATOR, "Content-Type": "text/turtle"})
    assert sent.status_code == 422
    (problem,) = [v for v in sent.get_json()["violations"] if "og:levelOrder" in v["message"]]
    assert "Framework id:framework/eti: level id:scale/eti/disclosed " in problem["message"]
    assert {str(q) for q in store} == before


@pytest.mark.parametrize(
    "added, where, fix",
    [
        (
            "eti:weights og:shownOpenBy eti:model-weights .",
            "criterion id:criterion/eti/weights is og:shownOpenBy id:criterion/eti/model-weights",
            "name one of its own criteria",
        ),
        (
            "eti:weights og:shownOpenBy eti:compute . eti:compute og:shownOpenBy eti:weights .",
            "is shown open by itself through og:shownOpenBy",
            "remove the og:shownOpenBy that closes the circle",
        ),
        (
            'scoring:eti og:usesMappings "yes" .',
            'id:scoring/eti has og:usesMappings "yes", which is not a boolean',
            "write og:usesMappings true",
        ),
        (
            'grade:high og:admitsMoreOpen "yes" .',
            'id:grade/eti/high has og:admitsMoreOpen "yes", which is not a boolean',
            "write og:admitsMoreOpen true",
        ),
        (
            'scale:disclosure og:unknownPoints "zero" .',
            'scale id:scale/eti/disclosure gives og:unknownPoints "zero", which is not a number',
            "write it unquoted",
        ),
        (
            "eti:compute og:metAlsoBy eti:model-weights .",
            "criterion id:criterion/eti/compute is og:metAlsoBy id:criterion/eti/model-weights",
            "name one of its own criteria as the substitute",
        ),
        (
            "eti:weights og:metAlsoBy eti:compute . eti:compute og:metAlsoBy eti:weights .",
            "is met in its own place through og:metAlsoBy",
            "remove the og:metAlsoBy that closes the circle",
        ),
        (
            "scoring:eti og:unknownCountsAs og:unknown .",
            "its rule's og:unknownCountsAs",
            "name og:closed, og:partial or og:open",
        ),
        (
            f"grade:high og:progressMetric <{FRAMEWORK}/metric/p> ."
            f" grade:low og:progressMetric <{FRAMEWORK}/metric/p> .",
            "which another grade of it measures too",
            "give each grade a dqv:Metric of its own",
        ),
    ],
    ids=[
        "shown-by-a-stranger",
        "shown-by-itself",
        "uses-mappings-not-boolean",
        "admits-not-boolean",
        "scale-unknown-points-not-a-number",
        "substitute-a-stranger",
        "substitutes-in-a-circle",
        "unknown-counts-as-unknown",
        "one-progress-metric-for-two-grades",
    ],
)
def test_a_bad_shown_open_by_boolean_or_number_is_refused(make_app, store, added, where, fix):
    c = make_app(STORE=store, WRITE_TOKENS=TOKENS).test_client()
    before = {str(q) for q in store}
    bad = EXAMPLE.read_text() + "\n" + added + "\n"
    sent = c.post("/api/submissions", data=bad, headers={**CURATOR, "Content-Type": "text/turtle"})
    assert sent.status_code == 422, sent.get_data(as_text=True)
    messages = [v["message"] for v in sent.get_json()["violations"]]
    found = [m for m in messages if where in m]
    assert found, messages  # a circle is reported on each criterion in it
    for problem in found:
        assert "Framework id:framework/eti" in problem and fix in problem
    assert {str(q) for q in store} == before


SHOUTING = """@prefix og: <https://w3id.org/openness/ns#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
<https://w3id.org/openness/id/framework/%s> a og:Framework , skos:ConceptScheme ;
    skos:prefLabel "Another transparency index"@en %s.
"""


@pytest.mark.parametrize(
    "slug, notation",
    [("ETI", ""), ("Eti", ""), ("other-index", '; skos:notation "eti" '), ("OSAI-Index", "")],
)
def test_a_framework_named_like_one_the_graph_holds_is_refused(client, store, slug, notation):
    before = {str(q) for q in store}
    sent = client.post(
        "/api/submissions",
        data=SHOUTING % (slug, notation),
        headers={**CURATOR, "Content-Type": "text/turtle"},
    )
    assert sent.status_code == 422, sent.get_data(as_text=True)
    (problem,) = [v for v in sent.get_json()["violations"] if "slug" in v["message"]]
    other = "osai-index" if slug == "OSAI-Index" else "eti"
    assert f"<{ID}framework/{slug}>" in problem["message"]
    assert f"<{ID}framework/{other}>" in problem["message"]
    assert {str(q) for q in store} == before


def test_two_new_frameworks_differing_in_case_are_refused_together(make_app, store) -> None:
    c = make_app(STORE=store, WRITE_TOKENS=TOKENS).test_client()
    before = {str(q) for q in store}
    sent = c.post(
        "/api/submissions",
        data=SHOUTING % ("new-index", "") + SHOUTING % ("New-Index", ""),
        headers={**CURATOR, "Content-Type": "text/turtle"},
    )
    assert sent.status_code == 422
    assert any("slug" in v["message"] for v in sent.get_json()["violations"])
    assert {str(q) for q in store} == before


def test_progress_and_a_substitute_added_as_data_are_scored_and_stored(make_app, store) -> None:
    # High now also requires open weights and compute, compute met also by the training code.
    added = f"""
    scoring:eti og:unknownCountsAs og:closed .
    eti:compute og:metAlsoBy eti:training-code .
    grade:high og:progressMetric <{FRAMEWORK}/metric/high-progress> ;
        og:requirement [ a og:Requirement ; og:onCriterion eti:weights ; og:atLeast og:open ] ,
            [ a og:Requirement ; og:onCriterion eti:compute ; og:atLeast og:open ] .
    """
    c = make_app(STORE=store, WRITE_TOKENS=TOKENS).test_client()
    sent = c.post(
        "/api/submissions",
        data=EXAMPLE.read_text() + added,
        headers={**CURATOR, "Content-Type": "text/turtle"},
    )
    assert sent.status_code == 201, sent.get_data(as_text=True)
    query = f"""
    PREFIX dqv: <http://www.w3.org/ns/dqv#>
    PREFIX dcterms: <http://purl.org/dc/terms/>
    PREFIX og: <https://w3id.org/openness/ns#>
    SELECT ?model ?value ?grade (COUNT(?missing) AS ?short) WHERE {{
      ?part dqv:isMeasurementOf <{FRAMEWORK}/metric/high-progress> ; dqv:value ?value ;
            dcterms:isPartOf ?score .
      ?score dqv:computedOn ?model .
      OPTIONAL {{ ?score og:grade ?grade }}
      OPTIONAL {{ ?part og:missingCriterion ?missing }}
    }} GROUP BY ?model ?value ?grade"""
    answer = c.get(
        "/sparql",
        query_string={"query": query},
        headers={"Accept": "application/sparql-results+json"},
    )
    rows = {
        r["model"]["value"]: (
            float(r["value"]["value"]),
            r.get("grade", {}).get("value"),
            int(r["short"]["value"]),
        )
        for r in answer.get_json()["results"]["bindings"]
    }
    # Acme: weights open, compute closed but its training code open: both met, still high.
    assert rows[ACME] == (100.0, f"{ID}grade/eti/high", 0)
    # Globex: compute open, weights closed: half of high, short of it on the weights.
    assert rows[GLOBEX] == (50.0, f"{ID}grade/eti/low", 1)


def test_a_framework_with_a_slug_of_its_own_is_accepted(client) -> None:
    sent = client.post(
        "/api/submissions",
        data=SHOUTING % ("eti-2", ""),
        headers={**CURATOR, "Content-Type": "text/turtle"},
    )
    assert sent.status_code == 201, sent.get_data(as_text=True)


def test_the_shapes_know_every_slug_the_code_scores() -> None:
    text = (paths.SHAPES_DIR / "scoring.ttl").read_text()
    taken = set(re.findall(r"<https://w3id\.org/openness/id/framework/([^>]+)>", text))
    assert taken == {r.slug for r in RULES}


def test_the_command_line_traces_the_framework_by_its_slug(tmp_path, capsys) -> None:
    where = str(tmp_path / "store")
    files = [paths.ONTOLOGY_DIR / "openness.ttl", paths.FRAMEWORKS_DIR / "osai-index.ttl", EXAMPLE]
    assert main(["--store", where, "load", *map(str, files)]) == 0
    capsys.readouterr()
    assert main(["--store", where, "trace", "acme-chat-2", "--framework", "eti"]) == 0
    out = capsys.readouterr().out
    assert "Example Transparency Index" in out and "eti-2026-report" in out
    assert main(["--store", where, "trace", "acme-chat-2", "--framework", "nope"]) != 0
    assert "eti" in capsys.readouterr().err


def test_an_indicator_nobody_judged_leaves_the_grade_unplaced(make_app, store) -> None:
    # Globex's incident-reporting judgement left out: its score cannot be placed in a grade.
    text = EXAMPLE.read_text()
    start = text.index("claim:globex-lm-incident-reporting a og:Claim")
    end = text.index(" .\n", start) + 3
    c = make_app(STORE=store, WRITE_TOKENS=TOKENS).test_client()
    sent = c.post(
        "/api/submissions",
        data=text[:start] + text[end:],
        headers={**CURATOR, "Content-Type": "text/turtle"},
    )
    assert sent.status_code == 201, sent.get_data(as_text=True)
    (row,) = [
        m
        for m in c.get("/models.json?eti=unplaced").get_json()["models"]
        if m["slug"] == "globex-lm"
    ]
    assert row["scores"]["eti"]["grade"] is None and "unplaced" in row["flags"]
    ask = f"""
    ASK {{ <{ID}score/globex-lm/eti> <https://w3id.org/openness/ns#flag>
             <https://w3id.org/openness/ns#Unplaced> ;
           <https://w3id.org/openness/ns#missingCriterion> <{ID}criterion/eti/incident-reporting> }}"""
    answer = c.get(
        "/sparql",
        query_string={"query": ask},
        headers={"Accept": "application/sparql-results+json"},
    )
    assert answer.get_json()["boolean"] is True
    placement = c.get("/placement/eti.json").get_json()
    (unplaced,) = placement["unplaced"]
    assert unplaced["model"]["iri"] == GLOBEX and "unplaced" in unplaced["flags"]
    assert [m["iri"] for m in unplaced["missing"]] == [f"{ID}criterion/eti/incident-reporting"]
    assert placement["unplaced_count"] == 1 and placement["placed"] == 1


@pytest.mark.parametrize(
    "path",
    [
        "/id/framework/eti",
        "/id/criterion/eti/weights",
        "/id/grade/eti/high",
        "/id/scoring/eti",
        "/id/scale/eti/disclosed",
        "/id/scoring/osai-index",  # a shipped framework described in its scheme
        "/id/scale/osai-index/partial",
    ],
)
def test_every_node_of_the_description_has_a_page(client, path) -> None:
    page = client.get(path, headers={"Accept": "text/html"})
    assert page.status_code == 200, page.get_data(as_text=True)[:300]
