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

from flask import Blueprint, url_for

from graph.namespaces import OG, PROV
from graph.records import read_matches, read_models
from graph.views import claim, family, model, resource, scheme, source
from graph.views.common import bounded_description, exists
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


def _with_views(build):
    def wrapped(st, iri: str, slug: str) -> dict:
        return {**build(st, iri), "views": []}

    return wrapped


PAGES = {
    "model": (_model, "pages/model.html"),
    "source": (_source, "pages/source.html"),
    "claim": (_with_views(claim.claim_page), "pages/claim.html"),
    "framework": (_with_views(scheme.framework_page), "pages/framework.html"),
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

    def twin(e: str) -> str:
        return url_for("pages_resources.resource", kind=kind, rest=f"{slug}.{e}")

    headers = {} if ext else {"Content-Location": twin(EXTENSION[fmt.key])}

    def rdf():
        return bounded_description(st, iri)

    if fmt in RDF_FORMATS:
        return respond({}, "", fmt, twin, rdf=rdf, headers=headers)
    build, template = PAGES.get(kind, (_generic, "pages/resource.html"))
    if kind in PAGES and not has_page_type(st, kind, iri):
        # Under a kind's path but not a thing of that kind (a framework's metric, a
        # category of criteria): the generic page.
        build, template = _generic, "pages/resource.html"
    data = build(st, iri, slug)
    return respond(data, template, fmt, twin, rdf=rdf, headers=headers)


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
