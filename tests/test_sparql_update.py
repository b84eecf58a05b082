"""SPARQL Update at /sparql and /update: off by default, bearer-token auth when on."""

from __future__ import annotations

import socket

import pytest

# Updates are run by the store: each store kind.
pytestmark = pytest.mark.every_store_kind

TOKEN = "s3cret-token"
INSERT = 'INSERT DATA { GRAPH <urn:g:new> { <urn:x> rdfs:label "new" } }'
ASK_NEW = 'ASK { GRAPH <urn:g:new> { <urn:x> rdfs:label "new" } }'


def ask(client, query: str) -> bool:
    return client.get("/sparql", query_string={"query": query}).get_json()["boolean"]


@pytest.fixture
def writable(make_app):
    return make_app(WRITE_TOKEN=TOKEN).test_client()


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


@pytest.mark.parametrize(
    "path, kwargs",
    [
        ("/sparql", {"data": {"update": INSERT}}),
        ("/sparql", {"data": INSERT, "content_type": "application/sparql-update"}),
        ("/update", {"data": {"update": INSERT}}),
        ("/update", {"data": INSERT, "content_type": "application/sparql-update"}),
    ],
)
def test_updates_are_refused_without_a_configured_token(client, path, kwargs):
    response = client.post(path, headers=bearer("anything"), **kwargs)
    assert response.status_code == 403
    assert response.get_json()["error"]["title"] == "Writes disabled"
    assert ask(client, ASK_NEW) is False


def test_update_without_a_token_is_401(writable):
    response = writable.post("/sparql", data={"update": INSERT})
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    assert ask(writable, ASK_NEW) is False


def test_update_with_a_wrong_token_is_403(writable):
    response = writable.post(
        "/update", data=INSERT, content_type="application/sparql-update", headers=bearer("wrong")
    )
    assert response.status_code == 403
    assert ask(writable, ASK_NEW) is False


@pytest.mark.parametrize(
    "path, kwargs",
    [
        ("/sparql", {"data": {"update": INSERT}}),
        ("/update", {"data": INSERT, "content_type": "application/sparql-update"}),
    ],
)
def test_update_with_the_token_applies(writable, path, kwargs):
    response = writable.post(path, headers=bearer(TOKEN), **kwargs)
    assert response.status_code == 204, response.data
    assert ask(writable, ASK_NEW) is True


def test_named_admin_tokens_are_all_accepted(make_app):
    admins = {name: {"token": f"{name}-token", "role": "admin"} for name in ("alice", "bob")}
    client = make_app(WRITE_TOKENS=admins).test_client()
    for token in ("alice-token", "bob-token"):
        response = client.post("/update", data={"update": INSERT}, headers=bearer(token))
        assert response.status_code == 204


@pytest.mark.parametrize("role", ["contributor", "curator"])
def test_an_update_needs_the_admin_role(make_app, role):
    client = make_app(WRITE_TOKENS={"carol": {"token": "c-token", "role": role}}).test_client()
    for path in ("/update", "/sparql"):
        response = client.post(path, data={"update": INSERT}, headers=bearer("c-token"))
        assert response.status_code == 403
        detail = response.get_json()["error"]["detail"]
        assert "admin role" in detail and f"{role} role" in detail
    assert ask(client, ASK_NEW) is False


def test_relative_iris_in_an_update_resolve_against_the_endpoint(writable):
    update = 'INSERT DATA { GRAPH <g> { <thing> rdfs:label "relative" } }'
    response = writable.post(
        "/update", data=update, content_type="application/sparql-update", headers=bearer(TOKEN)
    )
    assert response.status_code == 204, response.data
    ask_it = 'ASK { GRAPH <http://localhost/g> { <http://localhost/thing> ?p "relative" } }'
    assert ask(writable, ask_it) is True


def test_an_update_in_utf16_is_refused_and_never_run(writable):
    named = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"

    def count() -> str:
        rows = writable.get("/sparql", query_string={"query": named}).get_json()
        return rows["results"]["bindings"][0]["n"]["value"]

    before = count()
    assert int(before) > 0
    for path in ("/update", "/sparql"):
        response = writable.post(
            path,
            data="CLEAR NAMED".encode("utf-16"),
            content_type="application/sparql-update; charset=UTF-16",
            headers=bearer(TOKEN),
        )
        assert response.status_code == 415
        assert response.get_json()["error"]["status"] == 415
        assert count() == before


def test_update_syntax_error_is_400(writable):
    response = writable.post(
        "/update", data={"update": "INSERT DATA { <urn:x> }"}, headers=bearer(TOKEN)
    )
    assert response.status_code == 400
    assert "1:" in response.get_json()["error"]["detail"]


def test_update_by_get_is_refused(writable):
    response = writable.get("/sparql", query_string={"update": INSERT}, headers=bearer(TOKEN))
    assert response.status_code == 400
    assert ask(writable, ASK_NEW) is False


def test_load_is_refused_and_never_fetched(writable):
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(1)
        listener.settimeout(0.3)
        url = f"http://127.0.0.1:{listener.getsockname()[1]}/data.ttl"
        response = writable.post("/update", data={"update": f"LOAD <{url}>"}, headers=bearer(TOKEN))
        assert response.status_code == 403
        with pytest.raises(TimeoutError):
            listener.accept()


def test_using_graph_uri_sets_the_update_dataset(writable):
    update = "INSERT { GRAPH <urn:g:copy> { ?m a og:Model } } WHERE { ?m a og:Model }"
    response = writable.post(
        "/update?using-graph-uri=https://w3id.org/openness/graph/test/claims.ttl",
        data=update,
        content_type="application/sparql-update",
        headers=bearer(TOKEN),
    )
    assert response.status_code == 204, response.get_data(as_text=True)
    # The claims graph holds no og:Model, so nothing is copied.
    assert ask(writable, "ASK { GRAPH <urn:g:copy> { ?m ?p ?o } }") is False
    response = writable.post(
        "/update?using-graph-uri=https://w3id.org/openness/graph/test/models.ttl",
        data=update,
        content_type="application/sparql-update",
        headers=bearer(TOKEN),
    )
    assert ask(writable, "ASK { GRAPH <urn:g:copy> { ?m a og:Model } }") is True


def test_using_graph_uri_with_using_in_the_update_is_400(writable):
    update = "INSERT { <urn:a> <urn:b> <urn:c> } USING <urn:g> WHERE { }"
    response = writable.post(
        "/update", data={"update": update, "using-graph-uri": "urn:h"}, headers=bearer(TOKEN)
    )
    assert response.status_code == 400


def test_write_responses_carry_no_cors_headers(writable):
    response = writable.post("/sparql", data={"update": INSERT}, headers=bearer(TOKEN))
    assert "Access-Control-Allow-Origin" not in response.headers
