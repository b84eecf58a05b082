"""Serve the pages over many models: the models list (/models), the comparison (/compare),
the OTI spectrum table (/spectrum) and any graded framework's placement (/placement/<slug>)."""

from __future__ import annotations

from urllib.parse import urlencode

from flask import Blueprint, request, url_for

from graph.namespaces import OG, SKOS
from graph.scoring.rules import FRAMEWORK_PREFIX
from graph.views import compare, placement, spectrum
from graph.views.common import select
from graph.views.models import (
    FACET_LABELS,
    FACETS,
    MOF_LABELS,
    SORTS,
    ModelFilter,
    apply,
    described_facets,
    model_entries,
)
from server.cors import read_endpoint
from server.errors import Problem
from server.pages import rdf
from server.pages.common import (
    CSV,
    PAGE_FORMATS,
    cached,
    choose,
    find_model,
    query_args,
    respond,
    store,
    usable_iri,
)

bp = Blueprint("pages_lists", __name__)
MAX_COMPARED = 8
# The arguments of /models besides its facets (see ModelFilter.from_args).
MODEL_ARGS = ("q", "sort", "page", "per_page")


def _url(endpoint: str, ext: str | None, args: dict[str, list[str]]) -> str:
    """Return the URL of ``endpoint`` (with ``ext``) and the query ``args``, empty ones dropped."""
    base = url_for(endpoint, ext=ext) if ext else url_for(endpoint)
    pairs = [(k, v) for k, vs in args.items() for v in vs if v not in ("", None)]
    return base + ("?" + urlencode(pairs) if pairs else "")


@bp.route("/models", defaults={"ext": None})
@bp.route("/models.<ext>")
@read_endpoint
def models(ext: str | None):
    """List the models with filters, facets, sorting and pages; every choice is in the URL."""
    fmt = choose(PAGE_FORMATS, ext)
    st = store()
    entries = cached("model_entries", lambda: model_entries(st))
    described = cached("described_facets", lambda: described_facets(st))
    selection = ModelFilter.from_args(request.args.getlist, request.args.get, described)
    result = apply(entries, selection, described)
    args = query_args((*FACETS, *described, *MODEL_ARGS))
    here = None if ext in (None, "html") else ext

    def with_args(**changes) -> str:
        new = {k: list(v) for k, v in args.items()}
        for key, value in changes.items():
            new[key] = value
        return _url("pages_lists.models", here, new)

    for facet, values in result["facets"].items():
        for v in values:
            chosen = list(selection.selected.get(facet, ()))
            toggled = (
                [x for x in chosen if x != v["value"]] if v["selected"] else [*chosen, v["value"]]
            )
            v["toggle_url"] = with_args(**{facet: toggled, "page": []})
    page, pages = result["page"], result["pages"]
    data = {
        "filters": {k: list(v) for k, v in selection.selected.items()},
        "q": selection.text,
        "sort": selection.sort,
        "sorts": [s for name in SORTS for s in (name, f"-{name}")],
        **result,
        "facet_labels": {**{f: FACET_LABELS[f] for f in FACETS}, **described},
        "next_url": with_args(page=[str(page + 1)]) if page < pages else None,
        "previous_url": with_args(page=[str(page - 1)]) if page > 1 else None,
    }
    return respond(
        data,
        "pages/models.html",
        fmt,
        lambda e: _url("pages_lists.models", e, args),
        rdf=lambda: rdf.models_triples(data),
        extra={"mof_labels": MOF_LABELS},
    )


@bp.route("/compare", defaults={"ext": None})
@bp.route("/compare.<ext>")
@read_endpoint
def compare_view(ext: str | None):
    """Put two or more models side by side (``?model=a&model=b``)."""
    fmt = choose(PAGE_FORMATS, ext)
    names = [n.strip() for n in request.args.getlist("model") if n.strip()]
    names = list(dict.fromkeys(names))
    if len(names) > MAX_COMPARED:
        raise Problem(400, f"Compare at most {MAX_COMPARED} models at a time.")
    records = [find_model(n) for n in names]
    st = store()
    if len(records) >= 2:
        data = compare.compare_page(st, records)
    else:
        data = {"models": [], "frameworks": []}
    data["asked"] = names
    # The picker is offered only when there is nothing to compare yet.
    data["choices"] = (
        []
        if data["models"]
        else [
            {"slug": e["slug"], "label": e["label"]}
            for e in cached("model_entries", lambda: model_entries(st))
        ]
    )
    args = query_args(("model",))
    return respond(
        data,
        "pages/compare.html",
        fmt,
        lambda e: _url("pages_lists.compare_view", e, args),
        rdf=lambda: rdf.compare_triples(data),
    )


@bp.route("/spectrum", defaults={"ext": None})
@bp.route("/spectrum.<ext>")
@read_endpoint
def spectrum_view(ext: str | None):
    """Show the OTI report's spectrum table rebuilt from the graph."""
    fmt = choose(PAGE_FORMATS, ext)
    st = store()
    data = cached("spectrum", lambda: spectrum.spectrum_page(st))
    return respond(
        data,
        "pages/spectrum.html",
        fmt,
        lambda e: url_for("pages_lists.spectrum_view", ext=e),
        rdf=lambda: rdf.spectrum_triples(data),
    )


@bp.route("/placement/<slug>", defaults={"ext": None})
@bp.route("/placement/<slug>.<ext>")
@read_endpoint
def placement_view(slug: str, ext: str | None):
    """Place the models in a framework's grades, most open first, and list the unplaced."""
    fmt = choose((*PAGE_FORMATS, CSV), ext)
    st = store()
    iri = f"{FRAMEWORK_PREFIX}{slug}"
    graded = cached("graded_frameworks", lambda: graded_frameworks(st))
    if not usable_iri(iri) or iri not in graded:
        names = ", ".join(f[len(FRAMEWORK_PREFIX) :] for f in graded) or "none"
        raise Problem(
            404,
            f"No framework with grades has the slug {slug!r}: placement pages exist for the "
            f"frameworks whose scheme holds og:Grade nodes ({names}).",
            title="Not found",
        )
    data = cached(f"placement.{slug}", lambda: placement.placement_page(st, iri))
    return respond(
        data,
        "pages/placement.html",
        fmt,
        lambda e: url_for("pages_lists.placement_view", slug=slug, ext=e),
        rdf=lambda: rdf.placement_triples(data),
        table=(placement.CSV_COLUMNS, lambda: placement.placement_rows(data)),
        offered=(*PAGE_FORMATS, CSV),
    )


def graded_frameworks(st) -> list[str]:
    """Return the frameworks whose scheme holds grades, by IRI."""
    query = f"""SELECT DISTINCT ?f WHERE {{
  ?g a <{OG.Grade}> ; <{OG.gradeOrder}> ?o ; <{SKOS.inScheme}> ?f . ?f a <{OG.Framework}> }}"""
    return sorted(
        r["f"].value for r in select(st, query) if r["f"].value.startswith(FRAMEWORK_PREFIX)
    )
