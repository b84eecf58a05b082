"""Serve the ontology at /ns (the document of every og: term) and the SHACL shapes at /shapes."""

from __future__ import annotations

from flask import Blueprint, url_for

from graph.views import vocabulary
from server.cors import read_endpoint
from server.pages.common import PAGE_FORMATS, cached, choose, respond, store

bp = Blueprint("pages_vocabulary", __name__)


@bp.route("/ns", defaults={"ext": None})
@bp.route("/ns.<ext>")
@read_endpoint
def ns(ext: str | None):
    """Show the ontology: every term with its label and comment, or the ontology as RDF."""
    fmt = choose(PAGE_FORMATS, ext)
    st = store()
    triples = cached("ontology", lambda: vocabulary.ontology_triples(st))
    return respond(
        vocabulary.ontology_page(triples),
        "pages/ns.html",
        fmt,
        lambda e: url_for("pages_vocabulary.ns", ext=e),
        rdf=lambda: triples,
    )


@bp.route("/shapes", defaults={"ext": None})
@bp.route("/shapes.<ext>")
@read_endpoint
def shapes(ext: str | None):
    """Show the SHACL shapes every file must pass, or the shapes as RDF."""
    fmt = choose(PAGE_FORMATS, ext)
    triples = cached("shapes", vocabulary.shapes_triples)
    return respond(
        vocabulary.shapes_page(triples),
        "pages/shapes.html",
        fmt,
        lambda e: url_for("pages_vocabulary.shapes", ext=e),
        rdf=lambda: triples,
    )
