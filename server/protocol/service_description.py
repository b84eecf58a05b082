"""Describe the endpoint: a SPARQL 1.1 Service Description with a VoID description of the data."""

from __future__ import annotations

import json
import logging

import pyoxigraph as ox
from flask import current_app, request, url_for

from graph.endpoint.runner import QueryError
from graph.namespaces import BASE, DCTERMS, ID, OG, PREFIXES, RDF, SD, SH, VOID, XSD
from graph.queries import example_queries
from graph.sparql.formats import GRAPH_FORMATS, HTML, RESULTS_FORMATS, TURTLE
from server.context import ServerContext, context
from server.errors import Problem
from server.negotiation import negotiate
from server.rendering import negotiated, rdf_bytes, render
from server.urls import public_url

log = logging.getLogger(__name__)

OFFERED = (*GRAPH_FORMATS, HTML)

_GRAPHS = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"
_DEFAULT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
_TOTALS = """SELECT (COUNT(*) AS ?triples) (COUNT(DISTINCT ?s) AS ?subjects)
  (COUNT(DISTINCT ?p) AS ?properties) (COUNT(DISTINCT ?o) AS ?objects)
WHERE { { ?s ?p ?o } UNION { GRAPH ?g { ?s ?p ?o } } }"""
_CLASSES = """SELECT ?class (COUNT(DISTINCT ?s) AS ?n)
WHERE { { ?s a ?class } UNION { GRAPH ?g { ?s a ?class } } } GROUP BY ?class ORDER BY ?class"""
_PROPERTIES = """SELECT ?p (COUNT(*) AS ?n)
WHERE { { ?s ?p ?o } UNION { GRAPH ?g { ?s ?p ?o } } } GROUP BY ?p ORDER BY ?p"""


def _rows(ctx: ServerContext, text: str, union: bool) -> list[dict[str, str]]:
    result = ctx.query(
        text, results_format="json", graph_format=None, max_rows=None, union_default_graph=union
    )
    bindings = json.loads(result.body)["results"]["bindings"]
    return [{name: term["value"] for name, term in row.items()} for row in bindings]


def statistics(ctx: ServerContext) -> dict:
    """Count the triples, graphs, classes and properties of the store (None where it failed)."""
    stats: dict = {
        "named_graphs": [],
        "default_graph": None,
        "totals": None,
        "classes": [],
        "properties": [],
    }
    try:
        counted = {row["g"]: int(row["n"]) for row in _rows(ctx, _GRAPHS, False)}
        names = sorted(
            {g.value for g in ctx.store.named_graphs() if isinstance(g, ox.NamedNode)}
            | set(counted)
        )
        stats["named_graphs"] = [{"name": name, "triples": counted.get(name, 0)} for name in names]
        stats["default_graph"] = int(
            _rows(ctx, _DEFAULT, ctx.settings["UNION_DEFAULT_GRAPH"])[0]["n"]
        )
        totals = _rows(ctx, _TOTALS, False)[0]
        stats["totals"] = {key: int(value) for key, value in totals.items()}
        stats["classes"] = [
            {"class": r["class"], "entities": int(r["n"])} for r in _rows(ctx, _CLASSES, False)
        ]
        stats["properties"] = [
            {"property": r["p"], "triples": int(r["n"])} for r in _rows(ctx, _PROPERTIES, False)
        ]
    except QueryError as error:
        log.warning("service description counts incomplete: %s", error)
    return stats


def description(endpoint: str, ctx: ServerContext, stats: dict) -> list[ox.Triple]:
    """Return the triples of the service description of ``endpoint``."""
    sd, void, rdf = (
        lambda term: ox.NamedNode(f"{SD}{term}"),
        lambda term: ox.NamedNode(f"{VOID}{term}"),
        lambda term: ox.NamedNode(f"{RDF}{term}"),
    )
    service, dataset, default_graph = ox.BlankNode(), ox.BlankNode(), ox.BlankNode()
    endpoint_node = ox.NamedNode(endpoint)
    triples = [
        ox.Triple(service, rdf("type"), sd("Service")),
        ox.Triple(service, sd("endpoint"), endpoint_node),
        ox.Triple(service, sd("supportedLanguage"), sd("SPARQL11Query")),
        ox.Triple(
            service,
            sd("defaultEntailmentRegime"),
            ox.NamedNode("http://www.w3.org/ns/entailment/Simple"),
        ),
        ox.Triple(service, sd("defaultDataset"), dataset),
        ox.Triple(dataset, rdf("type"), sd("Dataset")),
        ox.Triple(dataset, rdf("type"), void("Dataset")),
        ox.Triple(dataset, ox.NamedNode(f"{DCTERMS}title"), ox.Literal("openness-graph")),
        ox.Triple(dataset, void("sparqlEndpoint"), endpoint_node),
        ox.Triple(dataset, void("uriSpace"), ox.Literal(str(ID))),
        ox.Triple(dataset, void("vocabulary"), ox.NamedNode(str(OG))),
        ox.Triple(dataset, sd("defaultGraph"), default_graph),
        ox.Triple(default_graph, rdf("type"), sd("Graph")),
    ]
    if ctx.writable:
        triples.append(ox.Triple(service, sd("supportedLanguage"), sd("SPARQL11Update")))
    if ctx.settings["UNION_DEFAULT_GRAPH"]:
        triples.append(ox.Triple(service, sd("feature"), sd("UnionDefaultGraph")))
    if ctx.settings["SERVICE_ALLOWLIST"]:
        triples.append(ox.Triple(service, sd("feature"), sd("BasicFederatedQuery")))
    for fmt in (*RESULTS_FORMATS, *GRAPH_FORMATS):
        triples.append(ox.Triple(service, sd("resultFormat"), ox.NamedNode(fmt.iri)))
    for fmt in GRAPH_FORMATS:
        triples.append(ox.Triple(service, sd("inputFormat"), ox.NamedNode(fmt.iri)))
    triples += _prefix_declarations(service)

    def count(subject, predicate: str, value: int | None) -> None:
        if value is not None:
            triples.append(ox.Triple(subject, void(predicate), _integer(value)))

    count(default_graph, "triples", stats["default_graph"])
    totals = stats["totals"] or {}
    for key in ("triples", "subjects", "properties", "objects"):
        name = key if key in ("triples", "properties") else "distinct" + key.capitalize()
        count(dataset, name, totals.get(key))
    count(dataset, "classes", len(stats["classes"]) if stats["totals"] else None)
    for graph in stats["named_graphs"]:
        named, inner = ox.BlankNode(), ox.BlankNode()
        triples += [
            ox.Triple(dataset, sd("namedGraph"), named),
            ox.Triple(named, rdf("type"), sd("NamedGraph")),
            ox.Triple(named, sd("name"), ox.NamedNode(graph["name"])),
            ox.Triple(named, sd("graph"), inner),
            ox.Triple(inner, rdf("type"), sd("Graph")),
            ox.Triple(inner, void("triples"), _integer(graph["triples"])),
        ]
    for partition in stats["classes"]:
        node = ox.BlankNode()
        triples += [
            ox.Triple(dataset, void("classPartition"), node),
            ox.Triple(node, void("class"), ox.NamedNode(partition["class"])),
            ox.Triple(node, void("entities"), _integer(partition["entities"])),
        ]
    for partition in stats["properties"]:
        node = ox.BlankNode()
        triples += [
            ox.Triple(dataset, void("propertyPartition"), node),
            ox.Triple(node, void("property"), ox.NamedNode(partition["property"])),
            ox.Triple(node, void("triples"), _integer(partition["triples"])),
        ]
    return triples


def _prefix_declarations(service: ox.BlankNode) -> list[ox.Triple]:
    """Declare the predefined prefixes as SHACL does (sh:declare), so clients can read them."""
    sh = lambda term: ox.NamedNode(f"{SH}{term}")  # noqa: E731
    triples = []
    for prefix, namespace in PREFIXES.items():
        node = ox.BlankNode()
        triples += [
            ox.Triple(service, sh("declare"), node),
            ox.Triple(node, sh("prefix"), ox.Literal(prefix)),
            ox.Triple(
                node, sh("namespace"), ox.Literal(namespace, datatype=ox.NamedNode(f"{XSD}anyURI"))
            ),
        ]
    return triples


def _integer(value: int) -> ox.Literal:
    return ox.Literal(str(value), datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer"))


def view():
    """Answer a GET on /sparql without a query: the service description, or a page for people."""
    fmt = negotiate(
        OFFERED,
        requested=request.args.get("format"),
        accept=request.headers.get("Accept"),
        default=TURTLE,
    )
    if fmt is None:
        names = ", ".join(f.media_type for f in OFFERED)
        raise Problem(
            406, f"The service description is available as {names}.", headers={"Vary": "Accept"}
        )
    ctx = context()
    endpoint = public_url("sparql.endpoint")
    stats = ctx.cached("statistics", lambda: statistics(ctx))
    if fmt is HTML:
        alternate = url_for("sparql.endpoint", format="ttl")
        return render(
            page(endpoint, ctx, stats),
            "service.html",
            HTML,
            headers={"Link": f'<{alternate}>; rel="alternate"; type="text/turtle"'},
        )
    return negotiated(rdf_bytes(description(endpoint, ctx, stats), fmt), fmt)


def page(endpoint: str, ctx: ServerContext, stats: dict) -> dict:
    """Return the data of the endpoint's HTML page."""
    settings = current_app.config
    return {
        "endpoint": endpoint,
        "query_page": url_for("query_page.page"),
        "base": BASE,
        "writable": ctx.writable,
        "union_default_graph": settings["UNION_DEFAULT_GRAPH"],
        "query_timeout": settings["QUERY_TIMEOUT"],
        "max_rows": settings["MAX_ROWS"],
        "results_formats": [
            {"label": f.label, "media_type": f.media_type, "name": f.names[0]}
            for f in RESULTS_FORMATS
        ],
        "graph_formats": [
            {"label": f.label, "media_type": f.media_type, "name": f.names[0]}
            for f in GRAPH_FORMATS
        ],
        "prefixes": PREFIXES,
        "statistics": stats,
        "examples": [
            {"name": q.name, "title": q.title, "description": q.description}
            for q in example_queries()
        ],
    }
