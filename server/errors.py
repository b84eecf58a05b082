"""Turn every failure into one JSON shape: ``{"error": {"status", "title", "detail"}}``.

Views raise :class:`Problem`; Werkzeug's HTTP errors (404, 405, 413 ...) and unexpected
exceptions are converted by the same handler, so no response anywhere builds its own error
body.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping

from flask import Flask, Response
from werkzeug.exceptions import HTTPException
from werkzeug.http import HTTP_STATUS_CODES

from graph.store.server import StoreError, StoreUnavailable

log = logging.getLogger(__name__)

MEDIA_TYPE = "application/json"


class Problem(Exception):
    """An error answered with ``status``, a short ``title`` and a ``detail`` for people."""

    def __init__(
        self,
        status: int,
        detail: str,
        *,
        title: str | None = None,
        headers: Mapping[str, str] | None = None,
    ):
        super().__init__(detail)
        self.status = status
        self.title = title or HTTP_STATUS_CODES.get(status, "Error")
        self.detail = detail
        self.headers = dict(headers or {})


def error_body(status: int, title: str, detail: str) -> dict:
    """Return the error document; the only place its shape is written."""
    return {"error": {"status": status, "title": title, "detail": detail}}


def problem_response(problem: Problem) -> Response:
    """Render a :class:`Problem` as a JSON response."""
    body = json.dumps(error_body(problem.status, problem.title, problem.detail))
    response = Response(body + "\n", status=problem.status, mimetype=MEDIA_TYPE)
    response.headers.update(problem.headers)
    return response


def _from_http(error: HTTPException) -> Response:
    status = error.code or 500
    detail = error.description or HTTP_STATUS_CODES.get(status, "Error")
    headers = {k: v for k, v in error.get_headers() if k.lower() not in ("content-type",)}
    if status == 413:
        detail = "The request body is larger than this server accepts (MAX_BODY)."
    return problem_response(Problem(status, detail, headers=headers))


def _from_exception(error: Exception) -> Response:
    log.exception("unhandled error", exc_info=error)
    return problem_response(Problem(500, "The server failed to answer; the error is logged."))


def _from_store(error: StoreError) -> Response:
    # An external SPARQL server that is down or refuses us is not this server's bug: say
    # so, and let clients retry a 503 later.
    log.warning("store error: %s", error)
    if isinstance(error, StoreUnavailable):
        problem = Problem(
            503,
            f"The SPARQL server that holds this site's data is unavailable: {error}",
            title="Store unavailable",
            headers={"Retry-After": "30"},
        )
    else:
        problem = Problem(502, f"The SPARQL server that holds this site's data failed: {error}")
    return problem_response(problem)


def init_app(app: Flask) -> None:
    """Register the error handlers on ``app``."""
    app.register_error_handler(Problem, problem_response)
    app.register_error_handler(StoreError, _from_store)
    app.register_error_handler(HTTPException, _from_http)
    app.register_error_handler(Exception, _from_exception)
