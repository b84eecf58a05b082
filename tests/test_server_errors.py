"""One JSON error shape for every failure, made in server/errors.py."""

from __future__ import annotations

import json

import pytest

from server.errors import Problem, error_body

# Protocol errors come back from the store behind the endpoint: each store kind.
pytestmark = pytest.mark.every_store_kind


def assert_error_shape(response, status: int) -> None:
    assert response.status_code == status
    assert response.mimetype == "application/json"
    document = json.loads(response.data)
    assert list(document) == ["error"]
    assert set(document["error"]) == {"status", "title", "detail"}
    assert document["error"]["status"] == status
    assert document["error"]["title"] and document["error"]["detail"]


def test_error_body_shape_is_pinned():
    assert error_body(418, "I'm a teapot", "Short and stout.") == {
        "error": {"status": 418, "title": "I'm a teapot", "detail": "Short and stout."}
    }


@pytest.mark.parametrize(
    "call, status",
    [
        (lambda c: c.get("/no/such/page"), 404),
        (lambda c: c.delete("/sparql"), 405),
        (lambda c: c.get("/sparql", query_string={"query": "SELEKT"}), 400),
        (lambda c: c.post("/sparql", data="x", content_type="image/png"), 415),
        (
            lambda c: c.get(
                "/sparql", query_string={"query": "ASK {}"}, headers={"Accept": "image/png"}
            ),
            406,
        ),
        (lambda c: c.post("/update", data={"update": "CLEAR ALL"}), 403),
    ],
)
def test_http_errors_share_the_shape(client, call, status):
    assert_error_shape(call(client), status)


def test_unexpected_exceptions_share_the_shape(app):
    @app.route("/boom")
    def boom():
        raise RuntimeError("internal detail that must not leak")

    client = app.test_client()
    app.testing = False  # let the error handler answer instead of re-raising
    response = client.get("/boom")
    assert_error_shape(response, 500)
    assert b"must not leak" not in response.data


def test_problem_headers_reach_the_response(app):
    @app.route("/limited")
    def limited():
        raise Problem(503, "Busy.", headers={"Retry-After": "5"})

    response = app.test_client().get("/limited")
    assert_error_shape(response, 503)
    assert response.headers["Retry-After"] == "5"
