"""Turn view data into responses: the only place that branches on the output format."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Mapping, Sequence

import pyoxigraph as ox
from flask import Response, render_template

from graph.namespaces import PREFIXES
from graph.sparql.formats import Format, compact_jsonld

VARY = "Accept"


def render(
    data: Mapping,
    template: str | None,
    fmt: Format,
    *,
    status: int = 200,
    headers: Mapping[str, str] | None = None,
) -> Response:
    """Render a view's dict as HTML through ``template`` or as JSON."""
    if fmt.key == "html":
        if template is None:
            raise ValueError("an HTML rendering needs a template")
        body = render_template(template, **data)
    else:
        body = json.dumps(data, ensure_ascii=False, indent=2) + "\n"
    return negotiated(body.encode("utf-8"), fmt, status=status, headers=headers)


def table_bytes(columns: Sequence[str], rows: Iterable[Sequence]) -> bytes:
    """Write a view's table as CSV (RFC 4180: a header row, CRLF line ends)."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(columns)
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")


def negotiated(
    body: bytes, fmt: Format, *, status: int = 200, headers: Mapping[str, str] | None = None
) -> Response:
    """Wrap bytes already written in ``fmt`` in a response that varies on Accept."""
    response = Response(body, status=status, content_type=fmt.content_type)
    response.headers.update(headers or {})
    response.vary.add(VARY)
    return response


def rdf_bytes(quads: Iterable[ox.Quad] | Iterable[ox.Triple], fmt: Format) -> bytes:
    """Serialise triples or quads in the RDF format ``fmt`` (JSON-LD with the project context)."""
    if fmt.datasets:
        quads = (
            q if isinstance(q, ox.Quad) else ox.Quad(q.subject, q.predicate, q.object)
            for q in quads
        )
    else:
        quads = (
            ox.Triple(q.subject, q.predicate, q.object) if isinstance(q, ox.Quad) else q
            for q in quads
        )
    prefixes = PREFIXES if fmt.key in ("turtle", "trig", "rdfxml") else None
    body = ox.serialize(quads, format=fmt.ox_format, prefixes=prefixes)
    return compact_jsonld(body) if fmt.key == "jsonld" else body


def dump_bytes(store: ox.Store, fmt: Format, graph=None) -> bytes:
    """Dump one graph of ``store`` (or the whole dataset when ``graph`` is None) in ``fmt``."""
    prefixes = PREFIXES if fmt.key in ("turtle", "trig", "rdfxml") else None
    if graph is None:
        body = store.dump(format=fmt.ox_format, prefixes=prefixes)
    elif fmt.datasets:
        body = rdf_bytes(store.quads_for_pattern(None, None, None, graph), fmt)
    else:
        body = store.dump(format=fmt.ox_format, from_graph=graph, prefixes=prefixes)
    return compact_jsonld(body) if fmt.key == "jsonld" else body
