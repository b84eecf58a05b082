"""The analytics API: /api/analytics and /api/analytics/<measure> over a small hand-made graph."""

from __future__ import annotations

import re
from pathlib import Path

import pyoxigraph as ox
import pytest

from graph import analytics, derive, loading
from graph.namespaces import ID, graph_iri
from graph.store import writes

WORLD = Path(__file__).parent / "fixtures" / "analytics" / "world.ttl"
DOCS = Path(__file__).parent.parent / "docs" / "analytics.md"


def iri(kind: str, slug: str) -> str:
    return f"{ID}{kind}/{slug}"


def world_store(new_store) -> ox.Store:
    """Load the fixture as a load would (with its catalogue entry), then derive the scores."""
    data = WORLD.read_bytes()
    graph = graph_iri("test/analytics")
    quads = [
        ox.Quad(t.subject, t.predicate, t.object, ox.NamedNode(graph))
        for t in ox.parse(data, format=ox.RdfFormat.TURTLE)
    ]
    store = new_store()
    entry = writes.catalogue_entry(graph, loading.content_hash(data), "world")
    writes.replace_graph(store, graph, quads, catalogue=entry)
    derive.derive(store, when="2025-01-01T00:00:00Z")
    return store


@pytest.fixture(scope="module")
def world(module_new_store) -> ox.Store:
    """Return the derived fixture, shared by the tests that only read it."""
    return world_store(module_new_store)


@pytest.fixture
def sample_store(world) -> ox.Store:
    """Serve the derived fixture wherever an app is made without a store of its own."""
    return world


@pytest.fixture(autouse=True)
def fresh_cache():
    analytics.clear_cache()
    yield
    analytics.clear_cache()


@pytest.fixture
def client(make_app):
    return make_app().test_client()


def assert_problem(response, status: int) -> None:
    assert response.status_code == status
    assert response.mimetype == "application/json"
    body = response.get_json()
    assert set(body) == {"error"}
    assert set(body["error"]) == {"status", "title", "detail"}
    assert body["error"]["status"] == status


def test_index_links_every_measure_and_each_link_answers(client):
    response = client.get("/api/analytics")
    assert response.status_code == 200 and response.mimetype == "application/json"
    listed = response.get_json()["measures"]
    assert [m["name"] for m in listed] == list(analytics.MEASURES)
    for entry in listed:
        assert entry["description"]
        answer = client.get(entry["url"])
        assert answer.status_code == 200, entry["url"]
        body = answer.get_json()
        assert body["measure"] == entry["name"]
        assert body["data_version"].startswith("sha256:")
        assert body["limit"] is None and len(body["items"]) == body["total"]
    assert response.get_json()["page"] == "/analytics"


def test_distribution_counts_the_fixtures_tiers(client):
    body = client.get("/api/analytics/distribution").get_json()
    [oti] = body["items"]
    # M is on tier 2 (open code, weights, partial threat transparency); B and C, with open
    # code only, are unplaced: their weights and transparency would decide the tier.
    assert oti["framework"] == iri("framework", "oti-2024")
    assert [(g["grade"], g["count"]) for g in oti["grades"]] == [
        (iri("grade", "oti-2024/tier-2"), 1),
    ]
    assert oti["unplaced"] == 2
    assert body["labels"][iri("grade", "oti-2024/tier-2")] == "Tier 2"


def test_self_reported_splits_each_models_claims(client):
    body = client.get("/api/analytics/self-reported").get_json()
    rows = [
        (i["model"].rsplit("/", 1)[-1], i["self_reported"], i["mixed"], i["independent"])
        for i in body["items"]
    ]
    # C: its one claim is from its developer's report. M: weights from Dev's card only,
    # code from Dev's card and the press, threats and data from the press. B: no developer.
    assert rows == [("c", 1, 0, 0), ("m", 1, 1, 2), ("b", 0, 0, 1)]
    assert body["items"][1]["self_reported_share"] == 0.25
    assert body["labels"][iri("model", "m")] == "Model <M> & co"


def test_limit_cuts_the_items_but_not_the_total(client):
    body = client.get("/api/analytics/reliance?limit=1").get_json()
    # Q backs four claims (three of M's and B's code); P two, R one.
    assert (body["limit"], body["total"]) == (1, 3)
    assert [(i["source"], i["claims"]) for i in body["items"]] == [(iri("source", "q"), 4)]
    assert set(body["labels"]) == {iri("source", "q")}
    summary = client.get("/api/analytics/reliance?limit=0").get_json()
    assert (summary["items"], summary["total"]) == ([], 3)


def test_reliance_can_be_ordered_by_claims(client):
    body = client.get("/api/analytics/reliance?by=claims").get_json()
    assert body["by"] == "claims"
    assert [i["claims"] for i in body["items"]] == [4, 2, 1]


def test_unknown_measure_is_a_404_in_the_error_shape(client):
    response = client.get("/api/analytics/popularity")
    assert_problem(response, 404)
    assert "self-reported" in response.get_json()["error"]["detail"]


@pytest.mark.parametrize("limit", ["-1", "ten", "1.5", "9999999999"])
def test_bad_limit_is_a_400(client, limit):
    assert_problem(client.get(f"/api/analytics/depth?limit={limit}"), 400)


@pytest.mark.parametrize("query", ["by=claims", "by=", "by=popularity"])
def test_by_is_only_for_reliance_and_only_known_orders(client, query):
    measure = "cycles" if query == "by=claims" else "reliance"
    assert_problem(client.get(f"/api/analytics/{measure}?{query}"), 400)


def test_results_follow_the_data(make_app, new_store):
    store = world_store(new_store)
    client = make_app(STORE=store).test_client()
    before = client.get("/api/analytics/reliance").get_json()
    extra = (
        b"<https://w3id.org/openness/id/claim/b-weights> a <https://w3id.org/openness/ns#Claim> ;"
        b" <https://w3id.org/openness/ns#aboutModel> <https://w3id.org/openness/id/model/b> ;"
        b" <http://www.w3.org/ns/prov#wasDerivedFrom> <https://w3id.org/openness/id/source/n> ."
    )
    graph = graph_iri("test/more")
    quads = [
        ox.Quad(t.subject, t.predicate, t.object, ox.NamedNode(graph))
        for t in ox.parse(extra, format=ox.RdfFormat.TURTLE)
    ]
    entry = writes.catalogue_entry(graph, loading.content_hash(extra), "more")
    writes.replace_graph(store, graph, quads, catalogue=entry)
    after = client.get("/api/analytics/reliance").get_json()
    assert after["data_version"] != before["data_version"]
    assert (before["total"], after["total"]) == (3, 4)


def test_every_route_is_documented(app):
    documented = DOCS.read_text()
    web = documented[documented.index("## Web") :]
    rules = [r.rule for r in app.url_map.iter_rules() if r.endpoint.startswith("analytics.")]
    assert sorted(rules) == ["/analytics", "/api/analytics", "/api/analytics/<name>"]
    for rule in rules:
        shown = re.sub(r"<(\w+)>", r"<measure>", rule)
        assert f"`{shown}" in web, f"{rule} is not in the Web section of docs/analytics.md"
