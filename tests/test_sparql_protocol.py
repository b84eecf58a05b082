"""The SPARQL 1.1 Protocol at /sparql: operations, datasets, and the 400 / 406 / 415 answers."""

from __future__ import annotations

import json
import re

import pytest

# The protocol is answered by the store behind the endpoint: each store kind.
pytestmark = pytest.mark.every_store_kind

MODELS = "https://w3id.org/openness/graph/test/models.ttl"
CLAIMS = "https://w3id.org/openness/graph/test/claims.ttl"
SELECT_MODELS = "SELECT ?m WHERE { ?m a og:Model } ORDER BY ?m"


def values(response, var: str) -> list[str]:
    assert response.status_code == 200, response.data
    rows = response.get_json(force=True)["results"]["bindings"]
    return [row[var]["value"] for row in rows if var in row]


def test_get_post_form_and_post_direct_give_the_same_answer(client):
    by_get = client.get("/sparql", query_string={"query": SELECT_MODELS})
    by_form = client.post("/sparql", data={"query": SELECT_MODELS})
    by_direct = client.post("/sparql", data=SELECT_MODELS, content_type="application/sparql-query")
    expected = values(by_get, "m")
    assert len(expected) == 4  # alpha, beta, gamma in a named graph, delta in the default one
    assert values(by_form, "m") == expected
    assert values(by_direct, "m") == expected


@pytest.mark.parametrize("charset", ["utf-8", "UTF-8", "utf8"])
def test_direct_post_reads_a_utf8_body(client, charset):
    query = 'SELECT ?m WHERE { ?m rdfs:label "Gamma, with comma\tand tab"@en }'
    response = client.post(
        "/sparql",
        data=query.encode("utf-8"),
        content_type=f"application/sparql-query; charset={charset}",
    )
    assert values(response, "m") == ["https://w3id.org/openness/id/model/gamma"]


@pytest.mark.parametrize("charset", ["utf-16", "UTF-16", "iso-8859-1", "no-such-charset"])
def test_a_query_declared_in_another_charset_is_415(client, charset):
    body = SELECT_MODELS.encode("utf-16" if "16" in charset else "latin-1")
    for kwargs in (
        {"data": body, "content_type": f"application/sparql-query; charset={charset}"},
        {
            "data": b"query=" + SELECT_MODELS.encode().replace(b" ", b"+"),
            "content_type": f"application/x-www-form-urlencoded; charset={charset}",
        },
    ):
        response = client.post("/sparql", **kwargs)
        assert response.status_code == 415, response.data
        error = response.get_json()["error"]
        assert error["status"] == 415 and "UTF-8" in error["detail"]


def test_a_body_that_is_not_utf8_is_400(client):
    body = SELECT_MODELS.encode("utf-16")  # no charset declared: read as UTF-8, and fails
    response = client.post("/sparql", data=body, content_type="application/sparql-query")
    assert response.status_code == 400
    assert "UTF-8" in response.get_json()["error"]["detail"]


RELATIVE = "SELECT ?x WHERE { BIND(<thing#here> AS ?x) }"


def test_relative_iris_in_a_query_resolve_against_the_endpoint(client):
    for response in (
        client.get("/sparql", query_string={"query": RELATIVE}),
        client.post("/sparql", data=RELATIVE, content_type="application/sparql-query"),
    ):
        assert values(response, "x") == ["http://localhost/thing#here"]


def test_the_base_iri_is_the_public_url_of_the_endpoint(make_app):
    client = make_app(PUBLIC_BASE_URL="https://openness.example.org/").test_client()
    response = client.get("/sparql", query_string={"query": RELATIVE})
    assert values(response, "x") == ["https://openness.example.org/thing#here"]
    own = "BASE <http://example.org/own/> SELECT ?x WHERE { BIND(<thing> AS ?x) }"
    assert values(client.get("/sparql", query_string={"query": own}), "x") == [
        "http://example.org/own/thing"
    ]


def test_head_answers_as_get_without_a_body(client):
    query = {"query": SELECT_MODELS}
    got, head = (
        client.get("/sparql", query_string=query),
        client.head("/sparql", query_string=query),
    )
    assert head.status_code == got.status_code == 200
    assert head.mimetype == got.mimetype
    assert head.data == b""
    described = client.head("/sparql")
    assert described.status_code == 200 and described.data == b""
    assert client.head("/sparql", query_string={"query": "SELECT"}).status_code == 400


def test_syntax_error_is_400_with_the_parsers_position(client):
    response = client.get("/sparql", query_string={"query": "SELECT ?x WHERE {\n  ?x ?y \n}"})
    assert response.status_code == 400
    detail = response.get_json()["error"]["detail"]
    # The parser stops on line 3, where the object of the triple pattern is missing. An
    # external store's queries are all read by the checking parser first, which gives its
    # own position (line 2, where the pattern begins).
    assert re.search(r"\bat 3:\d+|line:2, col:\d+", detail), detail


def test_unsupported_content_type_is_415(client):
    response = client.post("/sparql", data=SELECT_MODELS, content_type="text/plain")
    assert response.status_code == 415
    assert response.get_json()["error"]["status"] == 415


def test_no_acceptable_format_is_406(client):
    response = client.get(
        "/sparql", query_string={"query": SELECT_MODELS}, headers={"Accept": "image/png"}
    )
    assert response.status_code == 406
    assert "Accept" in response.headers["Vary"]


def test_select_asked_for_as_turtle_is_406(client):
    response = client.get("/sparql", query_string={"query": SELECT_MODELS, "format": "ttl"})
    assert response.status_code == 406


@pytest.mark.parametrize(
    "request_args",
    [
        {"method": "GET", "query_string": {"query": "ASK {}", "update": "CLEAR ALL"}},
        {"method": "GET", "query_string": {"update": "CLEAR ALL"}},
        {"method": "GET", "query_string": [("query", "ASK {}"), ("query", "ASK {}")]},
        {"method": "POST", "data": {"query": "ASK {}", "update": "CLEAR ALL"}},
        {"method": "POST", "data": {"neither": "x"}},
    ],
    ids=["query-and-update", "update-by-get", "two-queries", "form-both", "form-neither"],
)
def test_malformed_requests_are_400(client, request_args):
    response = client.open("/sparql", **request_args)
    assert response.status_code == 400
    assert set(response.get_json()["error"]) == {"status", "title", "detail"}


def test_default_graph_uri_selects_a_store_graph(client):
    only_models = client.get(
        "/sparql",
        query_string={"query": "SELECT ?s WHERE { ?s a ?type }", "default-graph-uri": MODELS},
    )
    only_claims = client.get(
        "/sparql",
        query_string={"query": "SELECT ?s WHERE { ?s a ?type }", "default-graph-uri": CLAIMS},
    )
    assert all("/model/" in s or "/organization/" in s for s in values(only_models, "s"))
    assert values(only_claims, "s") and all("/claim/" in s for s in values(only_claims, "s"))


def test_named_graph_uri_limits_the_named_graphs(client):
    query = "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }"
    everything = client.get("/sparql", query_string={"query": query})
    limited = client.post("/sparql", data={"query": query, "named-graph-uri": CLAIMS})
    assert sorted(values(everything, "g")) == [CLAIMS, MODELS]
    assert values(limited, "g") == [CLAIMS]


def test_protocol_dataset_overrides_from_in_the_query(client):
    query = f"SELECT ?s FROM <{MODELS}> WHERE {{ ?s a og:Claim }}"
    from_query = client.get("/sparql", query_string={"query": query})
    overridden = client.get("/sparql", query_string={"query": query, "default-graph-uri": CLAIMS})
    assert values(from_query, "s") == []
    assert len(values(overridden, "s")) == 5


def test_default_graph_is_the_union_of_all_graphs(client, make_app):
    query = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    union = values(client.get("/sparql", query_string={"query": query}), "n")
    own = make_app(UNION_DEFAULT_GRAPH=False).test_client()
    default_only = values(own.get("/sparql", query_string={"query": query}), "n")
    assert int(union[0]) == 32
    assert int(default_only[0]) == 2  # delta's type and label


def test_invalid_graph_iri_is_400(client):
    response = client.get(
        "/sparql", query_string={"query": "ASK {}", "default-graph-uri": "not an iri"}
    )
    assert response.status_code == 400


def test_from_and_dataset_iris_are_never_fetched(client, canary):
    url = f"http://127.0.0.1:{canary.port}/data.ttl"
    response = client.get(
        "/sparql",
        query_string={"query": f"SELECT * FROM <{url}> FROM NAMED <{url}> WHERE {{ ?s ?p ?o }}"},
    )
    assert values(response, "s") == []
    response = client.get(
        "/sparql",
        query_string={
            "query": "SELECT * WHERE { ?s ?p ?o }",
            "default-graph-uri": url,
            "named-graph-uri": url,
        },
    )
    assert values(response, "s") == []
    assert canary.connections == 0


@pytest.mark.parametrize(
    "template",
    [
        "SELECT * WHERE {{ SERVICE <{url}> {{ ?s ?p ?o }} }}",
        "SELECT * WHERE {{ ?s ?p ?o.service SILENT <{url}> {{ ?s ?p ?o }} }}",
        "PREFIX remote: <{url}#>\nSELECT * WHERE {{ SERVICE remote:x {{ ?s ?p ?o }} }}",
        "SELECT * WHERE {{ VALUES ?e {{ <{url}> }} SERVICE ?e {{ ?s ?p ?o }} }}",
    ],
)
def test_service_is_refused_without_an_allowlist(client, canary, template):
    url = f"http://127.0.0.1:{canary.port}/sparql"
    response = client.get("/sparql", query_string={"query": template.format(url=url)})
    assert response.status_code == 403
    assert "SERVICE" in response.get_json()["error"]["detail"]
    assert canary.connections == 0


def test_service_outside_the_allowlist_is_refused(make_app, canary):
    allowed = "http://127.0.0.1:1/allowed"
    client = make_app(SERVICE_ALLOWLIST=[allowed]).test_client()
    url = f"http://127.0.0.1:{canary.port}/sparql"
    response = client.get(
        "/sparql", query_string={"query": f"SELECT * WHERE {{ SERVICE <{url}> {{ ?s ?p ?o }} }}"}
    )
    assert response.status_code == 403
    assert canary.connections == 0


@pytest.mark.differs_on(
    "virtuoso", reason="Virtuoso fails a SERVICE SILENT call whose server hangs up, SILENT or not"
)
def test_service_in_the_allowlist_is_sent(make_app, canary):
    url = f"http://127.0.0.1:{canary.port}/sparql"
    client = make_app(SERVICE_ALLOWLIST=[url]).test_client()
    response = client.get(
        "/sparql",
        query_string={"query": f"SELECT * WHERE {{ SERVICE SILENT <{url}> {{ ?s ?p ?o }} }}"},
    )
    # The canary closes the connection at once; SILENT turns the failure into no rows.
    assert response.status_code == 200, response.data
    assert canary.connections >= 1


def test_keywords_inside_strings_iris_and_comments_are_not_service(client):
    query = (
        "SELECT ?x WHERE { # SERVICE <http://127.0.0.1:1/>\n"
        '  BIND("SERVICE <http://127.0.0.1:1/> {}" AS ?x) '
        "  FILTER(?x != <urn:SERVICE>) }"
    )
    response = client.get("/sparql", query_string={"query": query})
    assert values(response, "x") == ["SERVICE <http://127.0.0.1:1/> {}"]


def test_results_are_valid_json(client):
    response = client.get("/sparql", query_string={"query": "ASK { ?s a og:Claim }"})
    assert json.loads(response.data)["boolean"] is True
