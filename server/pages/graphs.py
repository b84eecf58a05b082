"""Serve the graph pages: the evidence chain of a score and the citations around a source.

Each is one graph dict (graph/views/graphs.py) rendered as an HTML page (an
interactive cytoscape drawing, with the server-drawn SVG shown when
JavaScript is off), as JSON, as SVG, as GraphML and as RDF.
"""

from __future__ import annotations

from flask import Blueprint, request, url_for

from graph.evidence import UnknownFramework, resolve_framework
from graph.framework_descriptions import store_rules
from graph.views import drawing, graphs
from graph.views.common import exists
from server.cors import read_endpoint
from server.errors import Problem
from server.pages import rdf
from server.pages.common import (
    GRAPHML,
    PAGE_FORMATS,
    SVG,
    cached,
    choose,
    find_model,
    href,
    iri_from_path,
    respond,
    split_suffix,
    store,
)
from server.rendering import negotiated

bp = Blueprint("pages_graphs", __name__)
OFFERED = (*PAGE_FORMATS, SVG, GRAPHML)
MAX_RADIUS = 3


def _answer(graph: dict, fmt, twin, heading: dict):
    """Render a graph dict in ``fmt``: SVG and GraphML here, the rest through ``respond``."""
    placed = drawing.layout(graph)
    if fmt is SVG:
        return negotiated(drawing.svg(placed, href).encode("utf-8"), fmt)
    if fmt is GRAPHML:
        body = graphs.graphml_bytes(placed)
        name = twin("graphml").rsplit("/", 1)[-1]
        return negotiated(body, fmt, headers={"Content-Disposition": f'inline; filename="{name}"'})
    data = {**heading, **placed}
    for node in data["nodes"]:
        node["url"] = href(node["id"])
    return respond(
        data,
        "pages/graph.html",
        fmt,
        twin,
        rdf=lambda: rdf.graph_triples(data),
        offered=OFFERED,
        extra={"svg": drawing.svg(placed, href)},
    )


@bp.route("/graph/evidence/<model>/<framework>")
@read_endpoint
def evidence(model: str, framework: str):
    """Draw the evidence chain of one model's score under one framework."""
    framework_slug, ext = split_suffix(framework, OFFERED)
    fmt = choose(OFFERED, ext)
    record = find_model(model)
    st = store()
    try:
        framework_iri = resolve_framework(framework_slug, store_rules(st))
    except UnknownFramework as error:
        raise Problem(404, str(error), title="Not found") from None
    graph = graphs.evidence_graph(st, record, framework_iri)
    if graph is None:
        raise Problem(
            404,
            f"{record.label} has no score under {framework_slug}: no evidence.",
            title="Not found",
        )

    def twin(e: str) -> str:
        return url_for(
            "pages_graphs.evidence", model=record.slug, framework=f"{framework_slug}.{e}"
        )

    heading = {
        "kind": "evidence",
        "model": {"iri": record.iri, "label": record.label},
        "framework": {"iri": framework_iri, "slug": framework_slug},
    }
    return _answer(graph, fmt, twin, heading)


@bp.route("/graph/citations/<path:rest>")
@read_endpoint
def citations(rest: str):
    """Draw the sources within ``radius`` (1 to 3, default 2) citation steps of a source."""
    slug, ext = split_suffix(rest, OFFERED)
    fmt = choose(OFFERED, ext)
    iri = iri_from_path("source", slug)
    st = store()
    if not exists(st, iri):
        raise Problem(404, f"The graph says nothing about {iri}.", title="Not found")
    try:
        radius = int(request.args.get("radius", 2))
    except ValueError:
        raise Problem(400, "radius must be a whole number from 1 to 3.") from None
    if not 1 <= radius <= MAX_RADIUS:
        raise Problem(400, f"radius must be from 1 to {MAX_RADIUS}.")
    network = cached("citation_network", lambda: graphs.citation_network(st))
    graph = graphs.citation_graph(st, network, iri, radius)
    args = f"?radius={radius}" if radius != 2 else ""

    def twin(e: str) -> str:
        return url_for("pages_graphs.citations", rest=f"{slug}.{e}") + args

    heading = {"kind": "citations", "source": {"iri": iri}, "radius": radius}
    return _answer(graph, fmt, twin, heading)
