"""Serve the downloads: gzipped whole-graph dumps, the scores as CSV, and the VoID/DCAT
description of the dataset at /.well-known/void.

Dumps are written once per data version (graph.export.data_version) into a
cache directory: DOWNLOADS_DIR when the app is given one, else a folder
beside an on-disk store (``<store>.downloads``), else a temporary folder
removed when the process ends.
"""

from __future__ import annotations

import shutil
import tempfile
import weakref
from pathlib import Path

from flask import Blueprint, Response, current_app, request, send_file, url_for

from graph import export
from graph.namespaces import ID
from graph.sparql.formats import TURTLE
from server.context import context
from server.cors import read_endpoint
from server.errors import Problem
from server.pages.common import (
    PAGE_FORMATS,
    RDF_FORMATS,
    cached,
    choose,
    data_version,
    respond,
    store,
)
from server.urls import public_url

bp = Blueprint("pages_downloads", __name__)
STATE = "openness_pages"
SCORES_CSV = "scores.csv"
APACHE = "http://spdx.org/licenses/Apache-2.0"


def dump_cache() -> export.DumpCache:
    """Return the app's dump cache, choosing its directory on first use."""
    state = current_app.extensions.setdefault(STATE, {})
    if "dumps" not in state:
        ctx = context()
        directory = current_app.config.get("DOWNLOADS_DIR")
        if not directory and ctx.store_path is not None:
            directory = ctx.store_path.with_name(ctx.store_path.name + ".downloads")
        if not directory:
            directory = tempfile.mkdtemp(prefix="openness-downloads-")
            weakref.finalize(current_app._get_current_object(), shutil.rmtree, directory, True)
        state["dumps"] = export.DumpCache(Path(directory))
    return state["dumps"]


def void_triples() -> list:
    """Return the VoID/DCAT description of the dataset, with this server's URLs."""
    st = store()
    example = cached(
        "example_model",
        lambda: next(
            (
                r["m"].value
                for r in st.query(
                    f"SELECT ?m WHERE {{ ?m a <https://w3id.org/openness/ns#Model> "
                    f'FILTER STRSTARTS(STR(?m), "{ID}model/") }} ORDER BY ?m LIMIT 1',
                    use_default_graph_as_union=True,
                )
            ),
            None,
        ),
    )
    return export.void_triples(
        version=data_version(),
        triples=cached("triples", lambda: len(st)),
        sparql=public_url("sparql.endpoint"),
        home=public_url("pages_home.home"),
        dumps={d.name: public_url("pages_downloads.download", name=d.name) for d in export.DUMPS},
        documents=[
            (
                public_url("pages_downloads.download", name=SCORES_CSV),
                "text/csv",
                "The stored scores of every model, one row per model and framework",
                export.CC_BY,
            ),
            (
                public_url("pages_vocabulary.ns", ext="ttl"),
                "text/turtle",
                "The openness-graph ontology",
                APACHE,
            ),
            (
                public_url("pages_vocabulary.shapes", ext="ttl"),
                "text/turtle",
                "The SHACL shapes every file passes before it is loaded",
                APACHE,
            ),
        ],
        example=example,
    )


@bp.route("/.well-known/void")
@read_endpoint
def void():
    """Describe the dataset in VoID and DCAT (Turtle unless Accept or format= asks otherwise)."""
    fmt = choose(RDF_FORMATS, None, default=TURTLE)
    return respond(
        {},
        "",
        fmt,
        lambda e: url_for("pages_downloads.void", format=e),
        rdf=void_triples,
        offered=RDF_FORMATS,
    )


@bp.route("/downloads", defaults={"ext": None})
@bp.route("/downloads.<ext>")
@read_endpoint
def downloads(ext: str | None):
    """List what can be downloaded, with addresses, formats and licences."""
    fmt = choose(PAGE_FORMATS, ext)
    version = data_version()
    data = {
        "data_version": version,
        "licence": {"iri": export.CC_BY, "label": "CC BY 4.0"},
        "dumps": [
            {
                "name": d.name,
                "url": url_for("pages_downloads.download", name=d.name),
                "media_type": d.format.media_type,
                "compression": export.GZIP,
                "description": d.description,
            }
            for d in export.DUMPS
        ],
        "documents": [
            {
                "name": SCORES_CSV,
                "url": url_for("pages_downloads.download", name=SCORES_CSV),
                "media_type": "text/csv",
                "description": "the stored scores, one row per model and framework: "
                + ", ".join(export.CSV_COLUMNS),
            },
            {
                "name": "ontology",
                "url": url_for("pages_vocabulary.ns", ext="ttl"),
                "media_type": "text/turtle",
                "description": "the ontology (also /ns as HTML)",
            },
            {
                "name": "shapes",
                "url": url_for("pages_vocabulary.shapes", ext="ttl"),
                "media_type": "text/turtle",
                "description": "the SHACL shapes (also /shapes as HTML)",
            },
            {
                "name": "void",
                "url": url_for("pages_downloads.void"),
                "media_type": "text/turtle",
                "description": "the VoID/DCAT description of the dataset",
            },
        ],
        "sparql": url_for("sparql.endpoint"),
    }
    return respond(
        data,
        "pages/downloads.html",
        fmt,
        lambda e: url_for("pages_downloads.downloads", ext=e),
        rdf=void_triples,
    )


@bp.route("/downloads/<name>")
@read_endpoint
def download(name: str):
    """Send one dump (written for the current data version if it is not yet) or the scores CSV."""
    version = data_version()
    etag = f"{version[:16]}-{name}"
    if name == SCORES_CSV:
        body = cached("scores_csv", lambda: export.scores_csv(store()))
        response = Response(body, mimetype="text/csv")
        response.set_etag(etag)
        response.headers["Content-Disposition"] = f'attachment; filename="{SCORES_CSV}"'
        return response.make_conditional(request)
    dump = export.DUMPS_BY_NAME.get(name)
    if dump is None:
        raise Problem(404, f"No download called {name!r}; see /downloads.", title="Not found")
    path = dump_cache().path(store(), dump, version)
    response = send_file(
        path,
        mimetype=export.GZIP,
        as_attachment=True,
        download_name=name,
        etag=etag,
        conditional=True,
        max_age=0,
    )
    return response
