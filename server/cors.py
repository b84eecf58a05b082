"""Let browsers on other origins read the read-only endpoints (CORS), never write through them."""

from __future__ import annotations

from collections.abc import Callable

from flask import Flask, Response, current_app, g, request

EXPOSED = "X-SPARQL-MaxRows, Content-Length, Location, Link"


def read_endpoint(view: Callable) -> Callable:
    """Mark ``view`` as readable cross-origin."""
    view.cors_read = True
    return view


def mark_write() -> None:
    """Note that the current request writes: its response gets no CORS headers."""
    g.openness_write = True


def _add_headers(response: Response) -> Response:
    view = current_app.view_functions.get(request.endpoint or "")
    if not getattr(view, "cors_read", False) or g.get("openness_write"):
        return response
    response.headers["Access-Control-Allow-Origin"] = current_app.config["CORS_ALLOW_ORIGIN"]
    response.headers["Access-Control-Expose-Headers"] = EXPOSED
    if request.method == "OPTIONS":
        response.headers["Access-Control-Allow-Methods"] = "GET, HEAD, POST, OPTIONS"
        # Authorization is not allowed: writes are not offered to other origins.
        response.headers["Access-Control-Allow-Headers"] = "Accept, Content-Type"
        response.headers["Access-Control-Max-Age"] = "86400"
    if current_app.config["CORS_ALLOW_ORIGIN"] != "*":
        response.vary.add("Origin")
    return response


def init_app(app: Flask) -> None:
    """Add CORS headers to the responses of read endpoints, errors included."""
    app.after_request(_add_headers)
