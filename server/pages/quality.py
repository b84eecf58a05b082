"""Serve the data-quality report at /quality (HTML) and /quality.json.

The page is ``graph.quality.quality_report`` as it is: its JSON is that dict,
computed once per data version; its keys are documented in docs/pages.md.
"""

from __future__ import annotations

from flask import Blueprint, url_for

from graph.quality import quality_report
from graph.sparql.formats import HTML, JSON
from server.cors import read_endpoint
from server.pages.common import cached, choose, respond, store

bp = Blueprint("quality", __name__)
FORMATS = (HTML, JSON)


@bp.route("/quality", defaults={"ext": None})
@bp.route("/quality.<ext>")
@read_endpoint
def quality(ext: str | None):
    """Show what in the data needs a curator's attention."""
    fmt = choose(FORMATS, ext)
    data = cached("quality", lambda: quality_report(store()))
    return respond(
        data, "quality.html", fmt, lambda e: url_for("quality.quality", ext=e), offered=FORMATS
    )
