"""Serve the query page (/query): YASGUI, vendored, preloaded with the example queries."""

from __future__ import annotations

from functools import lru_cache

import pyoxigraph as ox
from flask import Blueprint, current_app, request, url_for

from graph import paths
from graph.namespaces import OG, OWL, PREFIXES, RDF, RDFS
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
        # The editor completes from these only: nothing is looked up on other sites.
        "terms": ontology_terms(),
    }
    alternate = url_for("query_page.page", format="json")
    return render(
        data,
        "query.html",
        fmt,
        headers={"Link": f'<{alternate}>; rel="alternate"; type="application/json"'},
    )


_CLASSES = {str(OWL.Class), str(RDFS.Class)}
_PROPERTIES = {
    str(RDF.Property),
    str(OWL.ObjectProperty),
    str(OWL.DatatypeProperty),
    str(OWL.AnnotationProperty),
}


@lru_cache(maxsize=1)
def ontology_terms() -> dict[str, list[str]]:
    """Return the ontology's classes and properties as og: names, for the editor to complete."""
    classes: set[str] = set()
    properties: set[str] = set()
    path = paths.ONTOLOGY_DIR / "openness.ttl"
    for triple in ox.parse(path=str(path), format=ox.RdfFormat.TURTLE):
        subject, kind = triple.subject, triple.object
        if triple.predicate.value != str(RDF.type) or not isinstance(subject, ox.NamedNode):
            continue
        if not subject.value.startswith(str(OG)) or len(subject.value) == len(str(OG)):
            continue
        name = "og:" + subject.value[len(str(OG)) :]
        if kind.value in _CLASSES:
            classes.add(name)
        elif kind.value in _PROPERTIES:
            properties.add(name)
    return {"classes": sorted(classes), "properties": sorted(properties)}
