"""Serve the home page (/): what the graph is, what it holds, how to cite it, its licences."""

from __future__ import annotations

from flask import Blueprint, url_for

from graph.views.home import home_page
from server.cors import read_endpoint
from server.pages.common import PAGE_FORMATS, cached, choose, data_version, respond, store
from server.pages.downloads import void_triples

bp = Blueprint("pages_home", __name__)


@bp.route("/", defaults={"ext": None})
@bp.route("/index.<ext>")
@read_endpoint
def home(ext: str | None):
    """Show the home page; its RDF twin is the VoID/DCAT description of the dataset."""
    fmt = choose(PAGE_FORMATS, ext)
    version = data_version()
    data = cached("home", lambda: home_page(store(), version))
    return respond(
        data,
        "pages/home.html",
        fmt,
        lambda e: url_for("pages_home.home", ext=e),
        rdf=void_triples,
    )
