"""Name the serialisation formats of query results and RDF, and compact JSON-LD.

One table for the whole project: each :class:`Format` carries its media types, the short
names accepted in ``format=`` parameters and URL suffixes, and the pyoxigraph format that
writes it. SELECT and ASK results use :data:`RESULTS_FORMATS`; CONSTRUCT, DESCRIBE and graph
downloads use :data:`GRAPH_FORMATS`.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

import pyoxigraph as ox

from graph.namespaces import PREFIXES


@dataclass(frozen=True)
class Format:
    """One serialisation format: names, media types and the pyoxigraph writer."""

    key: str
    label: str
    media_type: str
    names: tuple[str, ...]
    aliases: tuple[str, ...] = ()
    ox_format: ox.QueryResultsFormat | ox.RdfFormat | None = field(default=None, compare=False)
    iri: str | None = None
    text: bool = False

    @property
    def media_types(self) -> tuple[str, ...]:
        """Return the canonical media type followed by the aliases it also answers to."""
        return (self.media_type, *self.aliases)

    @property
    def content_type(self) -> str:
        """Return the Content-Type header value, with a charset for text formats."""
        return f"{self.media_type}; charset=utf-8" if self.text else self.media_type

    @property
    def datasets(self) -> bool:
        """Tell whether the format can hold named graphs (N-Quads, TriG)."""
        return isinstance(self.ox_format, ox.RdfFormat) and self.ox_format.supports_datasets


_QRF = ox.QueryResultsFormat
_RF = ox.RdfFormat

RESULTS_JSON = Format(
    "json",
    "SPARQL JSON results",
    "application/sparql-results+json",
    ("json", "srj", "sparql-results+json"),
    ("application/json",),
    _QRF.JSON,
    _QRF.JSON.iri,
)
RESULTS_XML = Format(
    "xml",
    "SPARQL XML results",
    "application/sparql-results+xml",
    ("xml", "srx", "sparql-results+xml"),
    ("application/xml", "text/xml"),
    _QRF.XML,
    _QRF.XML.iri,
)
RESULTS_CSV = Format(
    "csv",
    "CSV",
    "text/csv",
    ("csv",),
    (),
    _QRF.CSV,
    _QRF.CSV.iri,
    text=True,
)
RESULTS_TSV = Format(
    "tsv",
    "TSV",
    "text/tab-separated-values",
    ("tsv", "tab-separated-values"),
    (),
    _QRF.TSV,
    _QRF.TSV.iri,
    text=True,
)
TURTLE = Format(
    "turtle",
    "Turtle",
    "text/turtle",
    ("ttl", "turtle", "n3"),
    ("application/x-turtle", "text/n3", "text/rdf+n3"),
    _RF.TURTLE,
    _RF.TURTLE.iri,
    text=True,
)
N_TRIPLES = Format(
    "ntriples",
    "N-Triples",
    "application/n-triples",
    ("nt", "ntriples", "n-triples"),
    ("text/plain",),
    _RF.N_TRIPLES,
    _RF.N_TRIPLES.iri,
)
JSON_LD = Format(
    "jsonld",
    "JSON-LD",
    "application/ld+json",
    ("jsonld", "json-ld", "json"),
    ("application/json",),
    _RF.JSON_LD,
    _RF.JSON_LD.iri,
)
RDF_XML = Format(
    "rdfxml",
    "RDF/XML",
    "application/rdf+xml",
    ("rdf", "rdfxml", "rdf+xml", "owl", "xml"),
    ("application/xml", "text/xml"),
    _RF.RDF_XML,
    _RF.RDF_XML.iri,
)
N_QUADS = Format(
    "nquads",
    "N-Quads",
    "application/n-quads",
    ("nq", "nquads", "n-quads"),
    (),
    _RF.N_QUADS,
    _RF.N_QUADS.iri,
)
TRIG = Format("trig", "TriG", "application/trig", ("trig",), (), _RF.TRIG, _RF.TRIG.iri)
HTML = Format("html", "HTML", "text/html", ("html", "htm"), ("application/xhtml+xml",), text=True)
JSON = Format("json", "JSON", "application/json", ("json",), ())

RESULTS_FORMATS: tuple[Format, ...] = (RESULTS_JSON, RESULTS_XML, RESULTS_CSV, RESULTS_TSV)
GRAPH_FORMATS: tuple[Format, ...] = (TURTLE, N_TRIPLES, JSON_LD, RDF_XML, N_QUADS, TRIG)
DATASET_FORMATS: tuple[Format, ...] = (TRIG, N_QUADS)

_BY_KEY = {
    f"{kind}:{f.key}": f
    for kind, fs in (("results", RESULTS_FORMATS), ("graph", GRAPH_FORMATS))
    for f in fs
}


def results_format(key: str) -> Format:
    """Return the results format called ``key`` (json, xml, csv, tsv)."""
    return _BY_KEY[f"results:{key}"]


def graph_format(key: str) -> Format:
    """Return the RDF format called ``key`` (turtle, ntriples, jsonld, rdfxml, nquads, trig)."""
    return _BY_KEY[f"graph:{key}"]


def jsonld_context() -> dict[str, str]:
    """Return the JSON-LD ``@context`` of the project: its prefixes."""
    return dict(PREFIXES)


def compact_jsonld(expanded: bytes, context: dict[str, str] | None = None) -> bytes:
    """Rewrite pyoxigraph's JSON-LD so IRIs use the project's prefixes under an ``@context``.

    Only property keys, ``@id`` and ``@type`` values are compacted; ``@value`` strings are
    never touched, so the document expands back to exactly the same triples.
    """
    context = jsonld_context() if context is None else context
    namespaces = sorted(context.items(), key=lambda item: len(item[1]), reverse=True)

    def iri(value: str) -> str:
        if value.startswith("_:"):
            return value
        for prefix, namespace in namespaces:
            if value.startswith(namespace):
                local = value[len(namespace) :]
                # An empty local name or one starting "//" would not expand back.
                if local and not local.startswith("//"):
                    return f"{prefix}:{local}"
                break
        return value

    def walk(node):
        if isinstance(node, list):
            return [walk(item) for item in node]
        if not isinstance(node, dict):
            return node
        out = {}
        for key, value in node.items():
            if key == "@id":
                out[key] = iri(value)
            elif key == "@type":
                out[key] = [iri(v) for v in value] if isinstance(value, list) else iri(value)
            elif key == "@value" or key == "@language" or key == "@direction":
                out[key] = value
            elif key.startswith("@"):
                out[key] = walk(value)
            else:
                out[iri(key)] = walk(value)
        return out

    document = json.loads(expanded) if expanded.strip() else []
    graph = document.get("@graph", document) if isinstance(document, dict) else document
    if isinstance(graph, dict):
        graph = [graph]
    compacted = {"@context": context, "@graph": walk(graph)}
    return json.dumps(compacted, ensure_ascii=False).encode("utf-8")
