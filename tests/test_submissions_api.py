"""POST /api/submissions: every way in, every refusal, and what an accepted batch changes."""

from __future__ import annotations

import json
import re
import socket
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib
from rdflib.compare import isomorphic

from graph import loading, paths
from graph.evidence import trace
from graph.ingest.form import TEMPLATE, form_to_graph
from graph.ingest.provenance import PROVENANCE_GRAPH
from graph.namespaces import ID, OG, PROV, SH

# Accepted batches are written to the store: each engine.
pytestmark = pytest.mark.every_engine

WORLD = Path(__file__).parent / "fixtures" / "submissions" / "world.ttl"
DOCS = paths.ROOT / "docs" / "submissions.md"
FRAMEWORKS = paths.ONTOLOGY_DIR / "frameworks"
INDEX = f"{ID}framework/osai-index"
MODEL = f"{ID}model/m"
# Alice contributes; Bob curates (he may correct what others said).
TOKENS = {"alice": "alice-token", "bob": {"token": "bob-token", "role": "curator"}}
ALICE = {"Authorization": "Bearer alice-token"}
BOB = {"Authorization": "Bearer bob-token"}
URL = "/api/submissions"

FORM = {
    "model": "m",
    "criterion": "osai-index/weights_endmodel",
    "level": "open",
    "stated_on": "2025-03-01",
    "quote": "the weights are on the hub",
    "source": {"title": "A blog post", "url": "https://example.org/post", "kind": "BlogPost"},
}


def dump(store: ox.Store) -> set[str]:
    """Return every quad except the catalogue's, whose load times change on every load."""
    return {str(q) for q in store if q.graph_name != ox.NamedNode(loading.CATALOG)}


@pytest.fixture
def store(new_store) -> ox.Store:
    """A store of each kind: the ontology, two real frameworks, two models, a tiny framework."""
    s = new_store()
    files = [
        paths.ONTOLOGY_DIR / "openness.ttl",
        FRAMEWORKS / "osai-index.ttl",
        FRAMEWORKS / "oti-2024.ttl",
        WORLD,
    ]
    todo, _ = loading.prepare(files, paths.ROOT, s)
    list(loading.write(s, todo, paths.ROOT))
    return s


@pytest.fixture
def client(make_app, store):
    return make_app(STORE=store, WRITE_TOKENS=TOKENS).test_client()


def graph_of(store: ox.Store, graph: str) -> rdflib.Graph:
    g = rdflib.Graph()
    text = "\n".join(
        f"{q.triple} ." for q in store.quads_for_pattern(None, None, None, ox.NamedNode(graph))
    )
    return g.parse(data=text, format="nt") if text else g


# ---------------------------------------------------------------- acceptance


def test_a_form_is_accepted_with_its_location_and_the_scores_it_moved(client, store) -> None:
    first = client.post(URL, json=FORM, headers=ALICE)
    assert first.status_code == 201, first.get_data(as_text=True)
    body = first.get_json()
    assert body["status"] == "accepted"
    assert first.headers["Location"] == body["url"]
    assert "Access-Control-Allow-Origin" not in first.headers  # other sites cannot submit
    (claim,) = body["claims_added"]
    assert body["content_hash"].startswith("sha256:") and body["claims_deprecated"] == []
    (model,) = body["models_recomputed"]
    assert model["model"] == MODEL
    (index,) = [s for s in model["scores"] if s["framework"] == INDEX]
    # The index is the mean of twelve judgements, open counting 1: one open judgement.
    assert index["before"] is None and index["after"]["value"] == pytest.approx(1 / 12)
    assert index["changed"] is True

    second = client.post(URL, json={**FORM, "criterion": "osai-index/code"}, headers=ALICE)
    assert second.status_code == 201
    (model,) = second.get_json()["models_recomputed"]
    (index,) = [s for s in model["scores"] if s["framework"] == INDEX]
    assert index["before"]["value"] == pytest.approx(1 / 12)
    assert index["after"]["value"] == pytest.approx(2 / 12)

    described = client.get(first.headers["Location"])
    assert described.status_code == 200
    about = described.get_json()
    assert about["submitted_by"] == "alice" and about["origin"] == "POST /api/submissions"
    assert about["claims"] == [claim] and about["graph"] == body["graph"]
    assert about["content_hash"] == body["content_hash"] and about["triples"] == body["triples"]


def test_an_accepted_claim_is_in_the_trace_of_its_model_with_its_provenance(client, store) -> None:
    body = client.post(URL, json=FORM, headers=ALICE).get_json()
    (claim,) = body["claims_added"]
    traced = trace(store, "m", framework="osai-index").as_dict()
    (score,) = traced["scores"]
    claims = {c["iri"]: c for a in score["assessments"] for c in a["claims"]}
    assert claim in claims
    (source,) = claims[claim]["sources"]
    assert [q["exact"] for q in source["quotes"]] == ["the weights are on the hub"]
    assert traced["sources"][source["iri"]]["url"] == "https://example.org/post"
    # The submission that brought the claim names who sent it and the graph it wrote.
    activity = ox.NamedNode(body["submission"])
    prov = {
        q.predicate.value: q.object.value
        for q in store.quads_for_pattern(activity, None, None, ox.NamedNode(PROVENANCE_GRAPH))
    }
    assert prov[str(PROV.generated)] == body["graph"]
    assert prov[str(PROV.wasAssociatedWith)] == f"{ID}person/alice"
    assert (rdflib.URIRef(claim), rdflib.RDF.type, OG.Claim) in graph_of(store, body["graph"])


def test_a_repeated_submission_answers_200_and_changes_nothing(client, store) -> None:
    first = client.post(URL, json=FORM, headers=ALICE)
    before = dump(store)
    again = client.post(URL, json=FORM, headers=BOB)
    assert again.status_code == 200
    body = again.get_json()
    assert body["status"] == "unchanged"
    assert body["submission"] == first.get_json()["submission"]
    assert again.headers["Location"] == first.headers["Location"]
    assert body["claims_added"] == [] and body["models_recomputed"] == []
    assert dump(store) == before


@pytest.mark.parametrize(
    ("media_type", "rdflib_format"),
    [
        ("text/turtle", "turtle"),
        ("application/n-triples", "nt"),
        ("application/ld+json", "json-ld"),
        ("application/json", "json-ld"),  # JSON-LD sent as plain JSON is read as JSON-LD
    ],
)
def test_rdf_in_every_format_is_stored_as_sent(client, store, media_type, rdflib_format) -> None:
    batch = form_to_graph(FORM)
    response = client.post(
        URL, data=batch.serialize(format=rdflib_format), content_type=media_type, headers=ALICE
    )
    assert response.status_code == 201, response.get_data(as_text=True)
    assert isomorphic(graph_of(store, response.get_json()["graph"]), batch)


@pytest.mark.parametrize("suffix", ["json", "ttl"])
def test_each_template_is_accepted_as_it_is(client, suffix) -> None:
    template = client.get(f"{URL}/template.{suffix}")
    assert template.status_code == 200
    assert "attachment" in template.headers["Content-Disposition"]
    response = client.post(URL, data=template.data, content_type=template.mimetype, headers=ALICE)
    assert response.status_code == 201, response.get_data(as_text=True)
    assert len(response.get_json()["claims_added"]) == 1


def test_the_template_is_negotiated(client) -> None:
    assert client.get(f"{URL}/template").get_json() == TEMPLATE
    turtle = client.get(f"{URL}/template", headers={"Accept": "text/turtle"})
    assert turtle.mimetype == "text/turtle"
    g = rdflib.Graph().parse(data=turtle.get_data(as_text=True), format="turtle")
    assert len(list(g.subjects(rdflib.RDF.type, OG.Claim))) == 1
    assert client.get(f"{URL}/template", headers={"Accept": "image/png"}).status_code == 406


# ---------------------------------------------------------------- corrections


def test_a_correction_deprecates_a_claim_in_the_name_of_its_token(client, store) -> None:
    (claim,) = client.post(URL, json=FORM, headers=ALICE).get_json()["claims_added"]
    fix = {"deprecate": [{"claim": claim, "reason": "the post was retracted"}]}
    response = client.post(URL, json=fix, headers=BOB)
    assert response.status_code == 201, response.get_data(as_text=True)
    body = response.get_json()
    assert body["claims_deprecated"] == [claim] and body["claims_added"] == []
    node = ox.NamedNode(claim)
    by = {
        q.object.value
        for q in store.quads_for_pattern(node, ox.NamedNode(str(OG.deprecatedBy)), None)
    }
    assert by == {f"{ID}person/bob"}
    (model,) = body["models_recomputed"]
    (index,) = [s for s in model["scores"] if s["framework"] == INDEX]
    # Its only claim deprecated, the model has no evidence left under the index.
    assert index["before"]["value"] == pytest.approx(1 / 12) and index["after"] is None
    traced = trace(store, "m").as_dict()
    left_out = {c["iri"]: c for a in traced["other_assessments"] for c in a["not_counted"]}
    assert left_out[claim]["deprecation_reason"] == "the post was retracted"


def test_a_claim_and_a_correction_can_travel_together(client, store) -> None:
    (old,) = client.post(URL, json=FORM, headers=ALICE).get_json()["claims_added"]
    newer = {**FORM, "level": "closed", "stated_on": "2025-06-01"}
    newer["deprecate"] = [{"claim": old, "reason": "the weights were taken down"}]
    body = client.post(URL, json=newer, headers=ALICE).get_json()
    assert body["claims_deprecated"] == [old] and len(body["claims_added"]) == 1


@pytest.mark.parametrize(
    ("target", "check"),
    [
        ("https://w3id.org/openness/id/claim/no-such-claim", "CorrectionCheck-unknown-claim"),
        ("deprecated-twice", "CorrectionCheck-already-deprecated"),
    ],
)
def test_a_correction_of_an_unknown_or_deprecated_claim_is_refused(
    client, store, target, check
) -> None:
    (claim,) = client.post(URL, json=FORM, headers=ALICE).get_json()["claims_added"]
    if target == "deprecated-twice":
        target = claim
        fix = {"deprecate": [{"claim": claim, "reason": "first"}]}
        assert client.post(URL, json=fix, headers=BOB).status_code == 201
    before = dump(store)
    response = client.post(
        URL, json={"deprecate": [{"claim": target, "reason": "again"}]}, headers=BOB
    )
    assert response.status_code == 422
    (violation,) = response.get_json()["violations"]
    assert violation["focus_node"] == target and violation["path"] == str(OG.rank)
    assert violation["constraint"] == check
    assert dump(store) == before


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"deprecate": [{"claim": "https://w3id.org/openness/id/claim/x"}]}, "reason: missing"),
        ({"deprecate": [{"claim": "not an iri", "reason": "r"}]}, "not an absolute IRI"),
        ({"deprecate": "x"}, "must be a list"),
        ({**FORM, "level": "mostly"}, "not one of"),
        ({**FORM, "model": "my model"}, "not a valid IRI"),
        ("a string", "send an object"),
        ({}, "nothing to submit"),
    ],
)
def test_a_bad_form_is_400_saying_what_to_change(client, store, body, message) -> None:
    before = dump(store)
    response = client.post(URL, json=body, headers=ALICE)
    assert response.status_code == 400
    assert message in response.get_json()["error"]["detail"]
    assert dump(store) == before


# ---------------------------------------------------------------- rejection


def test_a_rejected_batch_lists_what_to_fix_and_writes_nothing(client, store) -> None:
    before = dump(store)
    response = client.post(
        URL, json={**FORM, "criterion": "t/weights", "level": "partial"}, headers=ALICE
    )
    assert response.status_code == 422
    body = response.get_json()
    assert body["error"]["status"] == 422 and set(body["error"]) == {"status", "title", "detail"}
    (violation,) = [v for v in body["violations"] if v["constraint"] == "ClaimShape-level-allowed"]
    assert violation["focus_node"].startswith(f"{ID}claim/")
    assert violation["path"] == str(OG.level) and violation["value"] == str(OG.partial)
    assert violation["shape"] == "ClaimShape"
    assert "og:allowedLevel" in violation["message"]
    assert violation["line"].startswith("id:claim/") and "og:level" in violation["line"]
    assert dump(store) == before


@pytest.mark.parametrize(
    ("accept", "fmt"),
    [("text/turtle", ox.RdfFormat.TURTLE), ("application/ld+json", ox.RdfFormat.JSON_LD)],
)
def test_the_shacl_report_is_negotiated_as_rdf(client, store, accept, fmt) -> None:
    before = dump(store)
    headers = {**ALICE, "Accept": accept}
    response = client.post(URL, json={**FORM, "model": "no-such-model"}, headers=headers)
    assert response.status_code == 422 and response.mimetype == accept
    text = "\n".join(f"{t.triple} ." for t in ox.parse(response.data, format=fmt))
    report = rdflib.Graph().parse(data=text, format="nt")
    (node,) = report.subjects(rdflib.RDF.type, SH.ValidationReport)
    assert report.value(node, SH.conforms) == rdflib.Literal(False)
    paths_hit = {report.value(r, SH.resultPath) for r in report.objects(node, SH.result)}
    assert OG.aboutModel in paths_hit
    assert dump(store) == before


@pytest.mark.parametrize(
    ("data", "media_type", "where"),
    [
        (
            '<http://e/a> <http://e/p> "x" .\n<http://e/a> <http://e/p> "open .\n',
            "text/turtle",
            "line 2, column",
        ),
        (
            '<http://e/a> <http://e/p> "x" .\n<http://e/a> <http://e/p> .\n',
            "application/n-triples",
            "line 2, column",
        ),
        ('{"model": "m",\n "level": }', "application/json", "line 2, column 11"),
        ('{"@id": "http://e/a",\n "http://e/p": [1,,]}', "application/ld+json", "line 2, column"),
        ("", "text/turtle", "empty"),
        ("<http://e/a> <http://e/p> <http://e/b> <http://e/g> .", "text/turtle", "does not parse"),
    ],
)
def test_malformed_input_is_400_naming_the_place(client, store, data, media_type, where) -> None:
    before = dump(store)
    response = client.post(URL, data=data, content_type=media_type, headers=ALICE)
    assert response.status_code == 400
    assert where in response.get_json()["error"]["detail"]
    assert dump(store) == before


def test_a_remote_jsonld_context_is_never_fetched(client, store) -> None:
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(1)
        listener.settimeout(0.3)
        url = f"http://127.0.0.1:{listener.getsockname()[1]}/context.jsonld"
        doc = json.dumps({"@context": url, "@id": "http://e/a", "p": 1})
        response = client.post(URL, data=doc, content_type="application/ld+json", headers=ALICE)
        assert response.status_code == 400 and "remote" in response.get_json()["error"]["detail"]
        with pytest.raises(TimeoutError):
            listener.accept()


def test_an_oversize_body_is_413(make_app, store) -> None:
    client = make_app(STORE=store, WRITE_TOKENS=TOKENS, MAX_BODY=2048).test_client()
    before = dump(store)
    big = "".join(f'<http://e/s{i}> <http://e/p> "{i}" .\n' for i in range(200))
    response = client.post(URL, data=big, content_type="text/turtle", headers=ALICE)
    assert response.status_code == 413
    assert "MAX_BODY" in response.get_json()["error"]["detail"]
    assert dump(store) == before


@pytest.mark.parametrize("media_type", ["application/xml", "text/html", None])
def test_an_unsupported_content_type_is_415(client, store, media_type) -> None:
    before = dump(store)
    response = client.post(URL, data="<a/>", content_type=media_type, headers=ALICE)
    assert response.status_code == 415
    assert "text/turtle" in response.get_json()["error"]["detail"]
    assert dump(store) == before


# ---------------------------------------------------------------- access


def test_without_configured_tokens_writes_are_refused_with_how_to_enable_them(
    make_app, store
) -> None:
    client = make_app(STORE=store).test_client()
    before = dump(store)
    response = client.post(URL, json=FORM, headers=ALICE)
    assert response.status_code == 403
    assert "OPENNESS_WRITE_TOKENS" in response.get_json()["error"]["detail"]
    assert dump(store) == before


@pytest.mark.parametrize(
    ("headers", "status"),
    [
        ({}, 401),
        ({"Authorization": "Basic YWxpY2U6eA=="}, 401),
        ({"Authorization": "Bearer nope"}, 403),
    ],
)
def test_a_write_needs_a_known_bearer_token(client, store, headers, status) -> None:
    before = dump(store)
    response = client.post(URL, json=FORM, headers=headers)
    assert response.status_code == status
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    assert dump(store) == before


def test_an_unknown_submission_is_404(client) -> None:
    assert client.get(f"{URL}/{'0' * 32}").status_code == 404
    assert client.get(f"{URL}/not-a-key").status_code == 404


# ---------------------------------------------------------------- documentation


def test_every_route_status_and_key_is_documented(client, store) -> None:
    docs = DOCS.read_text(encoding="utf-8")
    app = client.application
    for rule in app.url_map.iter_rules():
        if rule.endpoint.startswith("submissions."):
            path = re.sub(r"<(?:\w+:)?(\w+)>", r"<\1>", rule.rule)
            assert f"`{path}`" in docs, f"route {path} is not in docs/submissions.md"
    for status in (200, 201, 400, 401, 403, 404, 406, 413, 415, 422):
        assert f"| {status} |" in docs, f"status {status} is not in docs/submissions.md"
    accepted = client.post(URL, json=FORM, headers=ALICE)
    described = client.get(accepted.headers["Location"]).get_json()
    rejected = client.post(
        URL, json={**FORM, "level": "partial", "criterion": "t/weights"}, headers=ALICE
    )
    keys = set(accepted.get_json()) | set(described) | set(rejected.get_json())
    keys |= {k for v in rejected.get_json()["violations"] for k in v}
    keys |= {k for m in accepted.get_json()["models_recomputed"] for k in m}
    scores = [s for m in accepted.get_json()["models_recomputed"] for s in m["scores"]]
    keys |= {k for s in scores for k in s} | {k for s in scores for k in s["after"] or {}}
    keys |= set(TEMPLATE) | set(TEMPLATE["source"]) | {"deprecate", "claim", "reason", "iri"}
    missing = sorted(k for k in keys if f"`{k}`" not in docs)
    assert not missing, f"JSON keys missing from docs/submissions.md: {missing}"


def test_query_workers_see_an_accepted_submission(make_app, tmp_path, store_kind) -> None:
    if store_kind != "embedded":
        pytest.skip("query worker processes read the embedded on-disk store only")
    location = tmp_path / "store"
    disk = ox.Store(str(location))
    todo, _ = loading.prepare(
        [paths.ONTOLOGY_DIR / "openness.ttl", FRAMEWORKS / "osai-index.ttl", WORLD],
        paths.ROOT,
        disk,
    )
    list(loading.write(disk, todo, paths.ROOT))
    disk.flush()
    del disk  # releases RocksDB's lock for the server
    client = make_app(STORE=str(location), QUERY_WORKERS=1, WRITE_TOKENS=TOKENS).test_client()
    ask = {"query": f"ASK {{ ?c a <{OG.Claim}> ; <{OG.aboutModel}> <{MODEL}> }}"}
    assert client.get("/sparql", query_string=ask).get_json()["boolean"] is False
    assert client.post(URL, json=FORM, headers=ALICE).status_code == 201
    assert client.get("/sparql", query_string=ask).get_json()["boolean"] is True
