"""The /submit page: a plain HTML form that submits, corrects, and shows what went wrong."""

from __future__ import annotations

import html
import re
from pathlib import Path

import pyoxigraph as ox
import pytest

from graph import loading, paths
from graph.namespaces import ID, OG, RDF

WORLD = Path(__file__).parent / "fixtures" / "submissions" / "world.ttl"
TOKENS = {"carol": "carol-token"}
FIELDS = {
    "model": "m",
    "criterion": "t/weights",
    "level": "open",
    "stated_on": "2025-03-01",
    "rank": "normal",
    "quote": "the weights are on the hub",
    "source_title": "A blog post",
    "source_url": "https://example.org/post",
    "source_kind": "BlogPost",
    "token": "carol-token",
}
BAD_DATE = """@prefix og: <https://w3id.org/openness/ns#> .
@prefix prov: <http://www.w3.org/ns/prov#> .
<https://w3id.org/openness/id/claim/page-test> a og:Claim ;
    og:aboutModel <https://w3id.org/openness/id/model/m> ;
    og:criterion <https://w3id.org/openness/id/criterion/t/weights> ;
    og:level og:open ; og:rank og:NormalRank ;
    og:statedOn "<script>alert(1)</script>" ;
    prov:wasDerivedFrom <https://w3id.org/openness/id/source/nowhere> .
"""


def dump(store: ox.Store) -> set[str]:
    """Return every quad except the catalogue's, whose load times change on every load."""
    return {str(q) for q in store if q.graph_name != ox.NamedNode(loading.CATALOG)}


@pytest.fixture
def store(new_store) -> ox.Store:
    """A store of each kind with the ontology, a tiny framework and two models."""
    s = new_store()
    todo, _ = loading.prepare([paths.ONTOLOGY_DIR / "openness.ttl", WORLD], paths.ROOT, s)
    list(loading.write(s, todo, paths.ROOT))
    return s


@pytest.fixture
def client(make_app, store):
    return make_app(STORE=store, WRITE_TOKENS=TOKENS).test_client()


def claims_in(store: ox.Store) -> set[str]:
    typed = store.quads_for_pattern(None, ox.NamedNode(str(RDF.type)), ox.NamedNode(str(OG.Claim)))
    return {q.subject.value for q in typed}


def test_the_page_is_a_form_that_needs_no_javascript(client) -> None:
    response = client.get("/submit")
    assert response.status_code == 200 and response.mimetype == "text/html"
    page = response.get_data(as_text=True)
    assert re.search(r'<form[^>]+method="post"', page)
    for name in [*FIELDS, "turtle", "source_iri", "deprecate_claim", "deprecate_reason"]:
        assert f'name="{name}"' in page, name
    assert "<script" not in page
    assert 'href="/api/submissions/template.json"' in page
    assert 'href="/api/submissions/template.ttl"' in page
    # The datalists offer the models the graph holds.
    assert f'value="{ID}model/m"' in page
    twin = client.get("/submit?format=json").get_json()
    assert twin["levels"] == ["open", "partial", "closed", "unknown"] and twin["writable"]
    assert "alternate" in response.headers["Link"]


def test_the_form_submits_one_claim_as_the_token_holder(client, store) -> None:
    response = client.post("/submit", data=FIELDS)
    assert response.status_code == 201, response.get_data(as_text=True)
    page = response.get_data(as_text=True)
    new = claims_in(store)
    (claim,) = [c for c in new if c.startswith(f"{ID}claim/submitted-")]
    assert claim in page and "Accepted" in page
    about = client.get(response.headers["Location"]).get_json()
    assert about["submitted_by"] == "carol" and about["origin"] == "POST /submit"
    again = client.post("/submit", data=FIELDS)
    assert again.status_code == 200 and "Unchanged" in again.get_data(as_text=True)


def test_turtle_and_a_correction_go_in_through_the_form(client, store) -> None:
    first = client.post("/submit", data=FIELDS)
    (claim,) = client.get(first.headers["Location"]).get_json()["claims"]
    correction = {"deprecate_claim": claim, "deprecate_reason": "retracted", "token": "carol-token"}
    response = client.post("/submit", data=correction)
    assert response.status_code == 201
    node = ox.NamedNode(claim)
    by = {
        q.object.value
        for q in store.quads_for_pattern(node, ox.NamedNode(str(OG.deprecatedBy)), None)
    }
    assert by == {f"{ID}person/carol"}


def test_a_rejection_lists_the_violations_escaped_and_keeps_the_input(client, store) -> None:
    before = dump(store)
    response = client.post("/submit", data={"turtle": BAD_DATE, "token": "carol-token"})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    items = re.findall(r"<li>\s*<span class=\"where\">(.*?)</span>", page, flags=re.S)
    assert any(
        "claim/page-test" in html.unescape(i) and "statedOn" in html.unescape(i) for i in items
    )
    assert any(
        "source/nowhere" in html.unescape(i) or "wasDerivedFrom" in html.unescape(i) for i in items
    )
    # The Turtle stays in its box for fixing; the token is never echoed back.
    assert html.escape(BAD_DATE, quote=False).split("\n")[2] in page
    assert "carol-token" not in page
    assert dump(store) == before


@pytest.mark.parametrize(
    ("data", "status", "text"),
    [
        (
            {
                "turtle": '<http://e/a> <http://e/p> "x" .\n<http://e/a> <http://e/p> "open .',
                "token": "carol-token",
            },
            400,
            "line 2, column",
        ),
        ({"token": "carol-token"}, 400, "Nothing to submit"),
        ({**FIELDS, "token": ""}, 401, "token"),
        ({**FIELDS, "token": "wrong"}, 403, "not a write token"),
    ],
)
def test_what_the_page_refuses_it_explains_and_writes_nothing(
    client, store, data, status, text
) -> None:
    before = dump(store)
    response = client.post("/submit", data=data)
    assert response.status_code == status and response.mimetype == "text/html"
    assert text in response.get_data(as_text=True)
    assert dump(store) == before


def test_the_page_says_how_to_enable_writes(make_app, store) -> None:
    client = make_app(STORE=store).test_client()
    assert "OPENNESS_WRITE_TOKENS" in client.get("/submit").get_data(as_text=True)
    before = dump(store)
    response = client.post("/submit", data=FIELDS)
    assert response.status_code == 403 and "OPENNESS_WRITE_TOKENS" in response.get_data(
        as_text=True
    )
    assert dump(store) == before


def test_an_oversize_or_non_form_post_is_refused(make_app, store) -> None:
    client = make_app(STORE=store, WRITE_TOKENS=TOKENS, MAX_BODY=1024).test_client()
    before = dump(store)
    big = client.post("/submit", data={**FIELDS, "turtle": "# " + "x" * 4000})
    assert big.status_code == 413 and "MAX_BODY" in big.get_data(as_text=True)
    wrong = client.post("/submit", json={"model": "m"})
    assert wrong.status_code == 415
    assert dump(store) == before
