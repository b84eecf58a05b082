"""Answer for every IRI the graph mints, at /id/<kind>/<slug>, by content negotiation.

Models, sources, claims, frameworks, criteria, organizations and model families
have pages of their own; every other IRI (a person, citation, grade, assessment,
score, submission ...) gets the generic page of its properties and the links
to it. RDF clients get the IRI's Concise Bounded Description (every triple
with it as subject, in every graph, and the blank nodes those reach) in the
format they ask for; the answer comes straight from the IRI's address, with a
Content-Location naming the suffixed document.
"""

from __future__ import annotations

import pyoxigraph as ox
from flask import Blueprint, current_app, request, url_for

from graph.namespaces import HYDRA, OG, PROV, RDF
from graph.records import read_matches, read_models
from graph.views import claim, family, model, resource, scheme, source
from graph.views.common import exists
from graph.views.description import describe_page
from server.cors import read_endpoint
from server.errors import Problem
from server.pages.common import (
    EXTENSION,
    RDF_FORMATS,
    cached,
    choose,
    find_model,
    iri_from_path,
    respond,
    split_suffix,
    store,
)
from server.urls import public_url

bp = Blueprint("pages_resources", __name__)


def _model(st, iri: str, slug: str) -> dict:
    record = find_model(iri)
    data = model.model_page(st, record, cached("matches", lambda: read_matches(st)))
    data["views"] = [
        {
            "label": f"Evidence graph: {s['framework']['label']}",
            "url": url_for(
                "pages_graphs.evidence", model=record.slug, framework=s["framework"]["slug"]
            ),
        }
        for s in data["scores"]
    ]
    return data


def _source(st, iri: str, slug: str) -> dict:
    data = source.source_page(st, iri)
    data["views"] = [
        {"label": "Citation graph", "url": url_for("pages_graphs.citations", rest=slug)}
    ]
    return data


def _generic(st, iri: str, slug: str) -> dict:
    data = resource.resource_page(st, iri)
    views = []
    parts = slug.split("/")
    if data["resource"]["kind"] == "score" and len(parts) >= 2:
        views.append(
            {
                "label": "Evidence graph",
                "url": url_for("pages_graphs.evidence", model=parts[0], framework=parts[1]),
            }
        )
    data["views"] = views
    return data


def _framework(st, iri: str, slug: str) -> dict:
    data = scheme.framework_page(st, iri)
    # A framework with grades places every model it scores in one of them.
    data["views"] = (
        [{"label": "Placement by grade", "url": url_for("pages_lists.placement_view", slug=slug)}]
        if data["grades"]
        else []
    )
    return data


def _with_views(build):
    def wrapped(st, iri: str, slug: str) -> dict:
        return {**build(st, iri), "views": []}

    return wrapped


PAGES = {
    "model": (_model, "pages/model.html"),
    "source": (_source, "pages/source.html"),
    "claim": (_with_views(claim.claim_page), "pages/claim.html"),
    "framework": (_framework, "pages/framework.html"),
    "criterion": (_with_views(scheme.criterion_page), "pages/criterion.html"),
    "organization": (_with_views(resource.organization_page), "pages/organization.html"),
    "family": (_with_views(family.family_page), "pages/family.html"),
}


@bp.route("/id/<kind>/<path:rest>", endpoint="resource")
@read_endpoint
def resource_view(kind: str, rest: str):
    """Show one thing of the graph: its page, its JSON, or its description in RDF."""
    st = store()
    slug, ext = split_suffix(rest)
    iri = iri_from_path(kind, slug)
    if not exists(st, iri):
        # A slug may itself end in something that looks like a suffix.
        if ext and exists(st, iri_from_path(kind, rest)):
            slug, ext, iri = rest, None, iri_from_path(kind, rest)
        else:
            raise Problem(404, f"The graph says nothing about {iri}.", title="Not found")
    fmt = choose(ext=ext)
    page = _page_number() if fmt in RDF_FORMATS else 1

    def twin(e: str, number: int = page) -> str:
        args = {"page": number} if number > 1 else {}
        return url_for("pages_resources.resource", kind=kind, rest=f"{slug}.{e}", **args)

    headers = {} if ext else {"Content-Location": twin(EXTENSION[fmt.key])}
    build, template = PAGES.get(kind, (_generic, "pages/resource.html"))
    if kind in PAGES and not has_page_type(st, kind, iri):
        # Under a kind's path but not a thing of that kind (a framework's metric, a
        # category of criteria): the generic page.
        build, template = _generic, "pages/resource.html"
    data = build(st, iri, slug)
    if fmt not in RDF_FORMATS:
        return respond(data, template, fmt, twin, headers=headers)
    page_kind = "resource" if build is _generic else kind
    try:
        per_page = current_app.config["DESCRIPTION_PAGE_NODES"]
        described = describe_page(st, iri, page_kind, data, page, per_page)
    except ValueError as exc:
        raise Problem(404, f"No such page: {exc}.", title="Not found") from exc
    triples = described.triples
    if described.pages > 1:
        # The other pages keep the format asked for by name, as this one was.
        kept = {k: v for k, v in request.args.items() if k == "format"}

        def here(n: int) -> str:
            number = {"page": n} if n > 1 else {}
            return public_url("pages_resources.resource", kind=kind, rest=rest, **kept, **number)

        triples = [*triples, *paging_triples(here, described.page, described.pages)]
        headers["Link"] = paging_links(here, described.page, described.pages)
    return respond(data, template, fmt, twin, rdf=lambda: triples, headers=headers)


def _page_number() -> int:
    """Return the ``page`` asked for (1 without one); 400 when it is not a whole number."""
    text = request.args.get("page", "1")
    if not text.isdigit() or int(text) < 1:
        raise Problem(
            400, f"page={text!r} is not a page number: give a whole number from 1, as ?page=2."
        )
    return int(text)


def paging_links(here, page: int, pages: int) -> str:
    """Return the ``Link`` header values naming the first, previous, next and last pages."""
    rels = [("first", 1), ("last", pages)]
    if page > 1:
        rels.append(("prev", page - 1))
    if page < pages:
        rels.append(("next", page + 1))
    return ", ".join(f'<{here(n)}>; rel="{rel}"' for rel, n in rels)


def paging_triples(here, page: int, pages: int) -> list[ox.Triple]:
    """Return the triples saying this document is one page of a description, and the others."""
    doc = ox.NamedNode(here(page))
    out = [
        ox.Triple(doc, ox.NamedNode(str(RDF.type)), ox.NamedNode(str(HYDRA.PartialCollectionView)))
    ]
    rels = {"first": 1, "last": pages}
    if page > 1:
        rels["previous"] = page - 1
    if page < pages:
        rels["next"] = page + 1
    for rel, n in rels.items():
        out.append(ox.Triple(doc, ox.NamedNode(str(HYDRA[rel])), ox.NamedNode(here(n))))
    return out


TYPES = {
    "source": OG.Source,
    "claim": OG.Claim,
    "framework": OG.Framework,
    "criterion": OG.Criterion,
    "organization": PROV.Organization,
    "family": OG.ModelFamily,
}


def has_page_type(st, kind: str, iri: str) -> bool:
    """Tell whether ``iri`` is a thing of ``kind`` (a model: typed og:Model or named by a claim)."""
    if kind == "model":
        return iri in read_models(st, [iri])
    query = f"ASK {{ <{iri}> a <{TYPES[kind]}> }}"
    return bool(st.query(query, use_default_graph_as_union=True))
