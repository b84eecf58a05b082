"""Share what every page view does: pick the format, render the view's dict, link its twins.

A page answers in HTML, JSON and the RDF formats (Turtle, JSON-LD, N-Triples,
RDF/XML), chosen by a URL suffix (``.json``, ``.ttl`` ...), a ``format=``
parameter or the Accept header, in that order. Every answer carries a
``Link: <...>; rel="alternate"`` header naming its JSON, Turtle and JSON-LD
twins (those that fit in :data:`LINK_LIMIT`), and HTML pages link them in the
page too.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any
from urllib.parse import quote, urlsplit

import pyoxigraph as ox
from flask import g, request, url_for

from graph.namespaces import BASE, ID, OG
from graph.records import IRI_LIKE, ModelRecord, model_slug, read_models
from graph.sparql.formats import HTML, JSON, JSON_LD, N_TRIPLES, RDF_XML, TURTLE, Format
from server.context import ServerContext, context
from server.errors import Problem
from server.negotiation import negotiate
from server.rendering import negotiated, rdf_bytes, render, table_bytes

SVG = Format("svg", "SVG", "image/svg+xml", ("svg",), text=True)
GRAPHML = Format("graphml", "GraphML", "application/graphml+xml", ("graphml",), text=True)
CSV = Format("csv", "CSV", "text/csv", ("csv",), text=True)
PAGE_FORMATS: tuple[Format, ...] = (HTML, JSON, TURTLE, JSON_LD, N_TRIPLES, RDF_XML)
RDF_FORMATS: tuple[Format, ...] = (TURTLE, JSON_LD, N_TRIPLES, RDF_XML)
TWINS: tuple[Format, ...] = (JSON, TURTLE, JSON_LD)
EXTENSION = {
    HTML.key: "html",
    JSON.key: "json",
    TURTLE.key: "ttl",
    JSON_LD.key: "jsonld",
    N_TRIPLES.key: "nt",
    RDF_XML.key: "rdf",
    SVG.key: "svg",
    GRAPHML.key: "graphml",
    CSV.key: "csv",
}
BY_EXTENSION = {EXTENSION[f.key]: f for f in (*PAGE_FORMATS, SVG, GRAPHML, CSV)}
ONTOLOGY = BASE + "ns"
PATH_SAFE = "/-._~!$&'()*+,;=:@"
# The largest Link header a page sends (bytes); see link_header.
LINK_LIMIT = 4096


def split_suffix(rest: str, offered: Sequence[Format] = PAGE_FORMATS) -> tuple[str, str | None]:
    """Split ``name.ext`` into ``name`` and ``ext`` when ``ext`` names an offered format."""
    stem, dot, ext = rest.rpartition(".")
    if dot and stem and ext in BY_EXTENSION and BY_EXTENSION[ext] in offered:
        return stem, ext
    return rest, None


def choose(
    offered: Sequence[Format] = PAGE_FORMATS, ext: str | None = None, default: Format = HTML
) -> Format:
    """Return the format to answer in: the suffix, else ``format=``, else Accept; 406 if none.

    An unknown suffix is a page that does not exist (404).
    """
    if ext is not None and (ext not in BY_EXTENSION or BY_EXTENSION[ext] not in offered):
        raise Problem(404, f"This page has no .{ext} version.", title="Not found")
    if ext is not None:
        return BY_EXTENSION[ext]
    requested = request.args.get("format")
    fmt = negotiate(
        offered, requested=requested, accept=request.headers.get("Accept"), default=default
    )
    if fmt is None:
        names = ", ".join(f.media_type for f in offered)
        raise Problem(406, f"This page is available as {names}.", headers={"Vary": "Accept"})
    return fmt


def query_args(keep: Iterable[str]) -> dict[str, list[str]]:
    """Return those of the request's query arguments a view reads (``keep``), as lists.

    Arguments the view ignores are not carried into the URLs it builds (twins, next
    page, facet toggles), so junk in a request cannot grow every link on the page.
    """
    wanted = set(keep)
    return {k: request.args.getlist(k) for k in request.args if k in wanted}


def respond(
    data: Mapping[str, Any],
    template: str,
    fmt: Format,
    twin: Callable[[str], str],
    *,
    rdf: Callable[[], Iterable[ox.Triple]] | None = None,
    table: tuple[Sequence[str], Callable[[], Iterable[Sequence]]] | None = None,
    offered: Sequence[Format] = PAGE_FORMATS,
    status: int = 200,
    headers: Mapping[str, str] | None = None,
    extra: Mapping[str, Any] | None = None,
):
    """Render ``data`` in ``fmt``: HTML through ``template``, JSON, ``rdf()`` in an RDF format,
    or CSV from ``table`` (its columns and a function returning its rows).

    ``twin(ext)`` returns the URL of the same page with suffix ``ext``; ``extra``
    holds what only the HTML template needs (never part of the JSON).
    """
    alternates = [
        {"url": twin(EXTENSION[f.key]), "type": f.media_type, "label": f.label}
        for f in offered
        if f is not HTML
    ]
    g.pages_alternates = alternates
    g.pages_extra = dict(extra or {})
    link = link_header(a for a in alternates if a["type"] in {t.media_type for t in TWINS})
    all_headers = dict(headers or {})
    # A view's own links (a description's next page) follow the twins.
    all_headers["Link"] = ", ".join(x for x in (link, all_headers.get("Link")) if x)
    if not all_headers["Link"]:
        del all_headers["Link"]
    if fmt in RDF_FORMATS:
        if rdf is None:
            raise Problem(406, "This page has no RDF rendering.")
        return negotiated(rdf_bytes(rdf(), fmt), fmt, status=status, headers=all_headers)
    if fmt.key == CSV.key:
        if table is None:
            raise Problem(406, "This page has no CSV rendering.")
        columns, rows = table
        return negotiated(table_bytes(columns, rows()), fmt, status=status, headers=all_headers)
    return render(data, template, fmt, status=status, headers=all_headers)


def link_header(alternates: Iterable[Mapping[str, str]], limit: int = LINK_LIMIT) -> str:
    """Return the ``Link`` header naming ``alternates``, leaving out those past ``limit`` bytes.

    Each twin repeats the page's query arguments; behind a long URL they would make a
    header larger than proxies accept (their buffer for all response headers is often
    4 or 8 KB), so twins that do not fit are named only in the page itself. Empty when
    none fits.
    """
    parts: list[str] = []
    size = 0
    for a in alternates:
        part = f'<{a["url"]}>; rel="alternate"; type="{a["type"]}"'
        added = len(part.encode("utf-8")) + (2 if parts else 0)
        if size + added > limit:
            continue
        parts.append(part)
        size += added
    return ", ".join(parts)


def store() -> ox.Store:
    """Return the store the pages read."""
    return context().store


def cached(name: str, compute: Callable[[], Any]) -> Any:
    """Return ``compute()``, computed once per version of the data."""
    return context().cached(f"pages.{name}", compute)


def data_version(ctx: ServerContext | None = None) -> str:
    """Return the hash of the data version (see graph.export.data_version)."""
    from graph.export import data_version as compute

    ctx = ctx or context()
    return ctx.cached("pages.data_version", lambda: compute(ctx.store))


def local_path(iri: str) -> str | None:
    """Return the path on this server of a thing or ontology IRI; None for other IRIs."""
    if iri.startswith(str(ID)):
        rest = iri[len(str(ID)) :]
        kind, _, slug = rest.partition("/")
        if not slug:
            return None
        return url_for("pages_resources.resource", kind=kind, rest=quote(slug, safe=PATH_SAFE))
    if iri == ONTOLOGY:
        return url_for("pages_vocabulary.ns")
    if iri.startswith(str(OG)):
        return url_for("pages_vocabulary.ns") + "#" + quote(iri[len(str(OG)) :], safe="")
    return None


def href(iri: str | None) -> str | None:
    """Return where a link to ``iri`` goes: its page here, an http(s) address, else None."""
    if not iri:
        return None
    local = local_path(iri)
    if local is not None:
        return local
    if urlsplit(iri).scheme in ("http", "https"):
        return iri
    return None  # javascript:, data:, urn: ... are never made into links


def usable_iri(iri: str) -> bool:
    """Tell whether ``iri`` can name a thing: an http(s) IRI the store and SPARQL accept.

    Every slug and parameter that becomes an IRI goes through here, so that control
    characters, brackets, quotes and lone surrogates answer 4xx instead of failing in
    the query built from them.
    """
    if not IRI_LIKE.fullmatch(iri):
        return False
    try:
        ox.NamedNode(iri)
    except (ValueError, UnicodeError):  # Oxigraph's IRI rules are stricter than IRI_LIKE
        return False
    return True


def iri_from_path(kind: str, slug: str) -> str:
    """Return the IRI ``id:<kind>/<slug>`` named by a URL path; 404 when it cannot be one.

    The check keeps out every character that could end an IRI inside a SPARQL query.
    """
    iri = f"{ID}{kind}/{slug}"
    if not re.fullmatch(r"[a-z]+", kind) or not usable_iri(iri):
        raise Problem(404, f"No such thing: /id/{kind}/{slug}.", title="Not found")
    return iri


def find_model(name: str) -> ModelRecord:
    """Return the model named by a slug or an IRI; 404 when the store has no such model."""
    iri = name if name.startswith(("http://", "https://")) else f"{ID}model/{name}"
    if not usable_iri(iri):
        raise Problem(404, f"No model called {name!r}.", title="Not found")
    found = read_models(store(), [iri])
    if iri not in found:
        raise Problem(404, f"No model called {name!r}.", title="Not found")
    record = found[iri]
    return ModelRecord(
        record.iri, record.label, model_slug(record.iri, record.label), record.developers
    )


def number_text(value: Any) -> str:
    """Format a score for people: integers as they are, fractions with two decimals."""
    if isinstance(value, bool) or value is None:
        return "" if value is None else str(value)
    if isinstance(value, int) or (isinstance(value, float) and value.is_integer()):
        return str(int(value))
    if isinstance(value, float):
        return f"{value:.2f}"
    return str(value)


def init_app(app) -> None:
    """Register the template helpers the page templates use."""
    app.add_template_filter(href, "href")
    app.add_template_filter(number_text, "number")
    app.context_processor(_template_globals)


def _template_globals() -> dict:
    return {"alternates": g.get("pages_alternates", []), "extra": g.get("pages_extra", {})}
