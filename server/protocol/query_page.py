"""Serve the query page (/query): YASGUI, vendored, preloaded with the example queries."""

from __future__ import annotations

from flask import Blueprint, current_app, request, url_for

from graph.namespaces import PREFIXES
from graph.queries import example_queries
from graph.sparql.formats import HTML, JSON
from server.errors import Problem
from server.negotiation import negotiate
from server.rendering import render

bp = Blueprint("query_page", __name__)


@bp.route("/query")
def page():
    """Show the query editor, or list the example queries as JSON."""
    fmt = negotiate(
        (HTML, JSON),
        requested=request.args.get("format"),
        accept=request.headers.get("Accept"),
        default=HTML,
    )
    if fmt is None:
        raise Problem(
            406,
            "The query page is available as text/html and application/json.",
            headers={"Vary": "Accept"},
        )
    data = {
        "endpoint": url_for("sparql.endpoint"),
        "query_timeout": current_app.config["QUERY_TIMEOUT"],
        "max_rows": current_app.config["MAX_ROWS"],
        "examples": [q._asdict() for q in example_queries()],
        "prefixes": PREFIXES,
    }
    alternate = url_for("query_page.page", format="json")
    return render(
        data,
        "query.html",
        fmt,
        headers={"Link": f'<{alternate}>; rel="alternate"; type="application/json"'},
    )
