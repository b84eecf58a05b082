"""Serve the query page (/query): YASGUI, vendored, preloaded with the example queries."""

from __future__ import annotations

import re
from functools import lru_cache

import pyoxigraph as ox
from flask import Blueprint, current_app, request, url_for

from graph import paths
from graph.namespaces import KIND_PREFIXES, OG, OWL, PREFIXES, RDF, RDFS
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


FRAMEWORKS_DIR = paths.ONTOLOGY_DIR / "frameworks"
# The local parts written here: letters, digits, '_', '-', '.', '/' (escaped), not ending in '.'.
_LOCAL = re.compile(r"[A-Za-z0-9_]([A-Za-z0-9_./-]*[A-Za-z0-9_-])?")
# The kinds of thing the frameworks name, completed as <kind>:<slug> (model:... comes from data).
_FRAMEWORK_KINDS = ("framework", "criterion", "grade")


@lru_cache(maxsize=1)
def ontology_terms() -> dict[str, list[str]]:
    """Return what the editor completes: the ontology's classes and properties as og: names,
    and ``things``: its other terms (levels, flags, kinds of source) and the frameworks'
    frameworks, criteria and grades, each as the prefixed name the endpoint reads."""
    classes: set[str] = set()
    properties: set[str] = set()
    things: set[str] = set()
    files = [paths.ONTOLOGY_DIR / "openness.ttl", *sorted(FRAMEWORKS_DIR.glob("*.ttl"))]
    for path in files:
        for triple in ox.parse(path=str(path), format=ox.RdfFormat.TURTLE):
            subject, kind = triple.subject, triple.object
            if triple.predicate.value != str(RDF.type) or not isinstance(subject, ox.NamedNode):
                continue
            name = prefixed_name(subject.value)
            if name is None:
                continue
            if kind.value in _CLASSES and name.startswith("og:"):
                classes.add(name)
            elif kind.value in _PROPERTIES and name.startswith("og:"):
                properties.add(name)
            else:
                things.add(name)
    return {
        "classes": sorted(classes),
        "properties": sorted(properties),
        "things": sorted(things - classes - properties),
    }


def prefixed_name(iri: str) -> str | None:
    """Return ``og:Term`` or ``criterion:oti-2024\\/open-code`` for an IRI the editor completes.

    A slash in the local part is escaped, as SPARQL's prefixed names need; None for an IRI
    outside the ontology and the frameworks' kinds, or one no prefixed name can write.
    """
    candidates = [("og", str(OG))] + [(k, KIND_PREFIXES[k]) for k in _FRAMEWORK_KINDS]
    for prefix, namespace in candidates:
        if iri.startswith(namespace) and len(iri) > len(namespace):
            local = iri[len(namespace) :]
            if not _LOCAL.fullmatch(local):
                return None
            return f"{prefix}:{local.replace('/', chr(92) + '/')}"
    return None
