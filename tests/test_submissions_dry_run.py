"""Checking a submission against the graph: dry runs, suggestions, grouped causes, every problem at once."""

from __future__ import annotations

import json
from pathlib import Path

import pyoxigraph as ox
import pytest

from graph import loading, paths
from graph.namespaces import ID, OA, OG, PROV
from graph.store.transfer import dump as dump_to_file

WORLD = Path(__file__).parent / "fixtures" / "submissions" / "world.ttl"
FRAMEWORKS = paths.ONTOLOGY_DIR / "frameworks"
TOKENS = {"alice": "alice-token", "bob": {"token": "bob-token", "role": "curator"}}
ALICE = {"Authorization": "Bearer alice-token"}
BOB = {"Authorization": "Bearer bob-token"}
URL = "/api/submissions"
INDEX = f"{ID}framework/osai-index"
FORM = {
    "model": "m",
    "criterion": "osai-index/weights_endmodel",
    "level": "open",
    "stated_on": "2025-03-01",
    "source": {"title": "A blog post", "url": "https://example.org/post", "kind": "BlogPost"},
}
PREFIXES = """@prefix og: <https://w3id.org/openness/ns#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
"""


def contents(store: ox.Store, tmp_path: Path, name: str) -> bytes:
    """Return the store's whole dump (graph.store.transfer), catalogue included."""
    target = tmp_path / f"{name}.nq"
    dump_to_file(store, target)
    return target.read_bytes()


@pytest.fixture
def store(new_store) -> ox.Store:
    """The ontology, the index's framework, a tiny framework and two models."""
    s = new_store()
    files = [paths.ONTOLOGY_DIR / "openness.ttl", FRAMEWORKS / "osai-index.ttl", WORLD]
    todo, _ = loading.prepare(files, paths.ROOT, s)
    list(loading.write(s, todo, paths.ROOT))
    from graph.derive import derive

    derive(s)
    return s


@pytest.fixture
def app(make_app, store):
    return make_app(STORE=store, WRITE_TOKENS=TOKENS)


@pytest.fixture
def client(app):
    return app.test_client()


# ---------------------------------------------------------------- dry runs


def test_a_dry_run_lists_the_score_changes_and_writes_nothing(app, client, store, tmp_path):
    before = contents(store, tmp_path, "before")
    version = app.extensions["openness"].data_version
    answer = client.post(f"{URL}?dry_run=true", json=FORM, headers=ALICE)
    assert answer.status_code == 200, answer.get_data(as_text=True)
    body = answer.get_json()
    assert body["status"] == "valid" and body["dry_run"] is True and body["written"] is False
    assert "Location" not in answer.headers
    (change,) = [c for c in body["score_changes"] if c["framework"] == INDEX]
    assert change["model"] == f"{ID}model/m" and change["before"] is None
    assert change["after"]["value"] > 0
    assert contents(store, tmp_path, "after") == before
    assert app.extensions["openness"].data_version == version
    # The same batch sent for real moves the score to what the dry run said.
    written = client.post(URL, json=FORM, headers=ALICE).get_json()
    (model,) = written["models_recomputed"]
    (score,) = [s for s in model["scores"] if s["framework"] == INDEX]
    assert score["after"] == change["after"]
    again = client.post(f"{URL}?dry_run=1", json=FORM, headers=ALICE).get_json()
    assert again["status"] == "unchanged" and again["score_changes"] == []


def test_a_refused_dry_run_is_422_and_writes_nothing(client, store, tmp_path) -> None:
    before = contents(store, tmp_path, "before")
    bad = {**FORM, "criterion": "t/weights", "level": "partial"}
    answer = client.post(f"{URL}?dry_run=true", json=bad, headers=ALICE)
    assert answer.status_code == 422
    body = answer.get_json()
    assert body["dry_run"] is True and body["written"] is False
    assert {v["constraint"] for v in body["violations"]} == {"ClaimShape-level-allowed"}
    assert contents(store, tmp_path, "after") == before


def test_dry_run_is_true_or_false(client, store) -> None:
    answer = client.post(f"{URL}?dry_run=maybe", json=FORM, headers=ALICE)
    assert answer.status_code == 400 and "dry_run" in answer.get_json()["error"]["detail"]
    assert client.post(f"{URL}?dry_run=false", json=FORM, headers=ALICE).status_code == 201


def test_the_ingest_command_has_a_dry_run(tmp_path, new_store_location, capsys) -> None:
    from graph.cli import main

    location = new_store_location()
    seed = [str(paths.ONTOLOGY_DIR / "openness.ttl"), str(FRAMEWORKS / "osai-index.ttl")]
    assert main(["--store", location, "load", *seed, str(WORLD)]) == 0
    form = tmp_path / "claim.json"
    form.write_text(json.dumps(FORM))
    before, after = tmp_path / "before.nq", tmp_path / "after.nq"
    assert main(["--store", location, "dump", str(before)]) == 0
    capsys.readouterr()
    assert main(["--store", location, "ingest", "--dry-run", str(form)]) == 0
    out = capsys.readouterr().out
    assert out.startswith("valid: ") and out.rstrip().endswith("Dry run: nothing was written.")
    assert f"score       {ID}model/m {INDEX}: none -> " in out
    assert main(["--store", location, "dump", str(after)]) == 0
    assert after.read_bytes() == before.read_bytes()
    form.write_text(json.dumps({**FORM, "model": "lama"}))
    assert main(["--store", location, "ingest", "--dry-run", str(form)]) == 1
    err = capsys.readouterr().err
    assert "did you mean id:model/llama?" in err and "nothing was written" in err


# ---------------------------------------------------------------- what the graph suggests


def test_an_unknown_model_is_answered_with_the_nearest_existing_one(client, store) -> None:
    answer = client.post(URL, json={**FORM, "model": "lama"}, headers=ALICE)
    assert answer.status_code == 422
    body = answer.get_json()
    (violation,) = body["violations"]
    assert violation["constraint"] == "ClaimShape-model-class"
    assert violation["hint"].endswith("did you mean id:model/llama?")
    (problem,) = body["problems"]
    assert problem["count"] == 1 and problem["hint"] == violation["hint"]


def test_claims_citing_a_framework_not_loaded_are_one_cause(client, store, tmp_path) -> None:
    before = contents(store, tmp_path, "before")
    claims = "".join(
        f"""<{ID}claim/fmti-{n}> a og:Claim ; og:aboutModel <{ID}model/m> ;
          og:criterion <{ID}criterion/fmti-1.1/indicator-{n}> ; og:level og:open ;
          og:rank og:NormalRank ; og:statedOn "2024-05-01"^^xsd:date ;
          prov:wasDerivedFrom <{ID}source/fmti-report> .
        """
        for n in range(5)
    )
    source = (
        f'<{ID}source/fmti-report> a og:Source ; dcterms:title "FMTI" ; dcterms:type og:Report .'
    )
    answer = client.post(
        URL, data=PREFIXES + claims + source, content_type="text/turtle", headers=ALICE
    )
    assert answer.status_code == 422
    body = answer.get_json()
    loaded = [p for p in body["problems"] if "is the framework loaded?" in (p["hint"] or "")]
    (problem,) = [p for p in loaded if p["path"] == str(OG.criterion)]
    assert problem["count"] == 5 and len(problem["nodes"]) == 5
    assert problem["line"].startswith("5 claims og:criterion: ")
    assert "id:criterion/fmti-1.1/" in problem["hint"]
    assert contents(store, tmp_path, "after") == before


def mapping(target: str) -> str:
    return (
        PREFIXES
        + f"""
<{ID}framework/u> a og:Framework , skos:ConceptScheme ;
    skos:prefLabel "u"@en ; rdfs:label "u"@en .
<{ID}criterion/u/weights> a og:Criterion , skos:Concept ; skos:inScheme <{ID}framework/u> ;
    skos:prefLabel "weights"@en ; rdfs:label "weights"@en ; og:allowedLevel og:open , og:closed ;
    skos:closeMatch <{target}> .
"""
    )


def test_a_mapping_must_join_criteria_the_graph_holds(client, store, tmp_path) -> None:
    before = contents(store, tmp_path, "before")
    misspelt = client.post(
        URL, data=mapping(f"{ID}criterion/t/weight"), content_type="text/turtle", headers=BOB
    )
    assert misspelt.status_code == 422
    hints = [v["hint"] or "" for v in misspelt.get_json()["violations"]]
    assert any("did you mean id:criterion/t/weights?" in h for h in hints), hints
    assert contents(store, tmp_path, "after") == before
    right = client.post(
        URL, data=mapping(f"{ID}criterion/t/weights"), content_type="text/turtle", headers=BOB
    )
    assert right.status_code == 201, right.get_data(as_text=True)


def test_a_claim_under_a_foreign_iri_is_refused_saying_which_iris(client, store, tmp_path):
    before = contents(store, tmp_path, "before")
    turtle = (
        PREFIXES
        + f"""<https://example.org/c1> a og:Claim ; og:aboutModel <{ID}model/m> ;
      og:criterion <{ID}criterion/t/weights> ; og:level og:open ; og:rank og:NormalRank ;
      og:statedOn "2025-01-01"^^xsd:date ; prov:wasDerivedFrom <{ID}source/s1> .
    <{ID}source/s1> a og:Source ; dcterms:title "S" ; dcterms:type og:WebPage ."""
    )
    answer = client.post(URL, data=turtle, content_type="text/turtle", headers=ALICE)
    assert answer.status_code == 422
    (violation,) = answer.get_json()["violations"]
    assert violation["constraint"] == "SubmissionRules-foreign-iri"
    assert violation["focus_node"] == "https://example.org/c1"
    assert f"{ID}claim/<slug>" in violation["message"]
    assert contents(store, tmp_path, "after") == before


def test_an_empty_json_ld_batch_says_what_json_ld_drops(client, store) -> None:
    doc = {"@context": {"og": str(OG)}, "@id": "c1", "@type": "og:Claim"}
    answer = client.post(URL, json=doc, headers=ALICE)
    assert answer.status_code == 400
    detail = answer.get_json()["error"]["detail"]
    assert "the batch is empty" in detail and "@context" in detail and "relative" in detail


# ---------------------------------------------------------------- the form


def test_the_form_reports_every_problem_at_once(client, store) -> None:
    bad = {
        "model": "m",
        "criterion": "t/weights",
        "stated_on": "last spring",
        "source": {"title": "A post", "qoute": "x", "issued": "soon"},
    }
    answer = client.post(URL, json=bad, headers=ALICE)
    assert answer.status_code == 400
    detail = answer.get_json()["error"]["detail"]
    for part in ("level: missing", "stated_on: 'last spring'", "source.qoute", "source.issued"):
        assert part in detail, detail


def test_a_claim_may_rest_on_several_sources_each_with_its_passage(client, store) -> None:
    form = {
        **FORM,
        "source": [
            {"title": "A post", "kind": "BlogPost", "quote": "weights are out"},
            {"title": "A card", "kind": "ModelCard", "quote": "download the weights"},
        ],
    }
    answer = client.post(URL, json=form, headers=ALICE)
    assert answer.status_code == 201, answer.get_data(as_text=True)
    (claim,) = answer.get_json()["claims_added"]
    node = ox.NamedNode(claim)
    derived = {
        q.object
        for q in store.quads_for_pattern(node, ox.NamedNode(str(PROV.wasDerivedFrom)), None)
    }
    assert len(derived) == 2
    quoted = {
        (t.object, e.object.value)
        for q in store.quads_for_pattern(node, ox.NamedNode(str(OG.quote)), None)
        for t in store.quads_for_pattern(q.object, ox.NamedNode(str(OA.hasSource)), None)
        for s in store.quads_for_pattern(q.object, ox.NamedNode(str(OA.hasSelector)), None)
        for e in store.quads_for_pattern(s.object, ox.NamedNode(str(OA.exact)), None)
    }
    assert {text for _, text in quoted} == {"weights are out", "download the weights"}
    assert {source for source, _ in quoted} == derived


PAGE = {
    "model": "m",
    "criterion": "t/weights",
    "level": "open",
    "stated_on": "2025-03-01",
    "quote": "the weights are on the hub",
    "source_title": "A blog post",
    "source_kind": "BlogPost",
    "token": "alice-token",
}


def test_the_page_takes_several_sources_and_lists_every_problem(client, store) -> None:
    page = client.get("/submit").get_data(as_text=True)
    assert 'name="source2_title"' in page and 'name="source2_quote"' in page
    assert "docs/frameworks.md" in page
    two = {**PAGE, "source2_title": "A card", "source2_quote": "the card says so"}
    accepted = client.post("/submit", data=two)
    assert accepted.status_code == 201, accepted.get_data(as_text=True)
    bad = {**PAGE, "level": "", "stated_on": "yesterday", "source_issued": "soon"}
    refused = client.post("/submit", data=bad)
    assert refused.status_code == 400
    text = refused.get_data(as_text=True)
    assert "3 problem(s)" in text
    for part in ("level: missing", "stated_on: &#39;yesterday&#39;", "source.issued"):
        assert part in text, part


def test_a_bad_correction_and_a_bad_claim_are_reported_together(client, store, tmp_path):
    before = contents(store, tmp_path, "before")
    body = {
        **FORM,
        "criterion": "t/weights",
        "level": "partial",
        "deprecate": [{"claim": f"{ID}claim/never-stated", "reason": "gone"}],
    }
    answer = client.post(URL, json=body, headers=ALICE)
    assert answer.status_code == 422
    found = {(v["focus_node"], v["constraint"]) for v in answer.get_json()["violations"]}
    assert (f"{ID}claim/never-stated", "CorrectionCheck-unknown-claim") in found
    assert any(c == "ClaimShape-level-allowed" for _, c in found)
    # The unknown claim is reported once, not again as an untyped new node.
    assert [n for n, _ in found].count(f"{ID}claim/never-stated") == 1
    assert contents(store, tmp_path, "after") == before


def test_the_page_checks_without_writing(client, store, tmp_path) -> None:
    before = contents(store, tmp_path, "before")
    answer = client.post("/submit", data={**PAGE, "dry_run": "true"})
    assert answer.status_code == 200 and "Location" not in answer.headers
    text = answer.get_data(as_text=True)
    assert "Valid: nothing was written" in text and "Claims it would add" in text
    assert 'value="A blog post"' in text  # the fields stay, to be sent for real
    assert contents(store, tmp_path, "after") == before
