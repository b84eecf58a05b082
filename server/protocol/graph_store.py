"""Serve the SPARQL 1.1 Graph Store HTTP Protocol at /rdf-graph-store.

``?graph=<iri>`` names a graph (indirect identification), ``?default`` the store's default
graph; neither means the whole dataset (read only, as TriG or N-Quads). A URL under
``/rdf-graph-store/`` names the graph whose IRI is that URL itself (direct identification).
Reads are always on; PUT, POST and DELETE need a write token. A POST may carry several
RDF documents as multipart/form-data; they are added together.
"""

from __future__ import annotations

import uuid

import pyoxigraph as ox
from flask import Blueprint, Response, request
from werkzeug.datastructures import FileStorage

from graph.batch_limits import CONTROLS_REFUSED, text_problem
from graph.ingest.roles import ADMIN
from graph.namespaces import GRAPH
from graph.rdf_input import UnsafeInput, check_input
from graph.sparql.formats import DATASET_FORMATS, GRAPH_FORMATS, TRIG, TURTLE
from graph.store import writes
from server.context import context
from server.cors import mark_write, read_endpoint
from server.derived import admin_write
from server.errors import Problem
from server.negotiation import negotiate
from server.rendering import dump_bytes, negotiated
from server.urls import public_url

bp = Blueprint("graph_store", __name__)

Target = ox.NamedNode | ox.DefaultGraph | None
MULTIPART = "multipart/form-data"


def _target() -> Target:
    """Return the graph the request names: a NamedNode, the DefaultGraph, or None for all."""
    has_graph, has_default = "graph" in request.args, "default" in request.args
    if has_graph and has_default:
        raise Problem(400, "Name either ?graph=<iri> or ?default, not both.")
    if has_default:
        return ox.DefaultGraph()
    if not has_graph:
        return None
    iri = request.args.get("graph", "")
    try:
        return ox.NamedNode(iri)
    except ValueError:
        raise Problem(400, f"graph {iri!r} is not an absolute IRI.") from None


def changed_graphs(target: Target) -> list[str] | None:
    """Return the graphs a write to ``target`` changes; None (every model) for the default."""
    return [target.value] if isinstance(target, ox.NamedNode) else None


def _direct_target(name: str) -> ox.NamedNode:
    """Return the graph a URL under /rdf-graph-store/ names: the one whose IRI is that URL."""
    if "graph" in request.args or "default" in request.args:
        raise Problem(
            400,
            "This URL names its graph itself; send ?graph=<iri> or ?default to "
            "/rdf-graph-store instead.",
        )
    iri = public_url("graph_store.direct", name=name)
    try:
        return ox.NamedNode(iri)
    except ValueError:
        raise Problem(400, f"The URL {iri!r} is not an IRI a graph can have.") from None


@bp.route("/rdf-graph-store", methods=["GET", "HEAD", "PUT", "POST", "DELETE"])
@read_endpoint
def graph_store():
    """Read, replace, extend or delete the graph ``?graph`` or ``?default`` names."""
    return _serve(_target())


@bp.route("/rdf-graph-store/<path:name>", methods=["GET", "HEAD", "PUT", "POST", "DELETE"])
@read_endpoint
def direct(name: str):
    """Read, replace, extend or delete the graph named by this URL (direct identification)."""
    return _serve(_direct_target(name))


def _serve(target: Target) -> Response:
    """Answer the request on ``target``: a read for anyone, a write for an admin."""
    if request.method in ("GET", "HEAD"):
        return _read(target)
    mark_write()
    ctx = context()
    ctx.authorize_write(ADMIN)  # raw graph writes bypass the submission rules
    if request.method == "DELETE":
        return _delete(target)
    return _write(target, replace=request.method == "PUT")


def _read(target: Target) -> Response:
    ctx = context()
    offered = DATASET_FORMATS if target is None else GRAPH_FORMATS
    fmt = negotiate(
        offered,
        requested=request.args.get("format"),
        accept=request.headers.get("Accept"),
        default=TRIG if target is None else TURTLE,
    )
    if fmt is None:
        names = ", ".join(f.media_type for f in offered)
        raise Problem(406, f"This resource is available as {names}.", headers={"Vary": "Accept"})
    if isinstance(target, ox.NamedNode) and not ctx.store.contains_named_graph(target):
        raise Problem(404, f"There is no graph <{target.value}> in the store.")
    return negotiated(dump_bytes(ctx.store, fmt, target), fmt)


def _delete(target: Target) -> Response:
    ctx = context()
    if target is None:
        raise Problem(400, "Name the graph to delete: ?graph=<iri> or ?default.")
    if isinstance(target, ox.NamedNode) and not ctx.store.contains_named_graph(target):
        raise Problem(404, f"There is no graph <{target.value}> in the store.")
    admin_write(lambda store: store.remove_graph(target), changed_graphs(target))
    return Response(status=204)


def _write(target: Target, *, replace: bool) -> Response:
    if target is None and replace:
        raise Problem(400, "PUT needs a graph: ?graph=<iri> or ?default.")
    if target is None:
        # POST to the graph store itself creates a new graph (Graph Store Protocol 5.5).
        target = ox.NamedNode(f"{GRAPH}uploads/{uuid.uuid4()}")
    base = target.value if isinstance(target, ox.NamedNode) else None
    if request.mimetype == MULTIPART and not replace:
        triples = _multipart_triples(base)
    else:
        triples = _parse(request.get_data(), request.mimetype, base, "body")
    for t in triples:
        if problem := text_problem((t.subject, t.predicate, t.object)):
            raise Problem(422, f"{problem}; {CONTROLS_REFUSED}. Nothing was written.")
    quads = [ox.Quad(q.subject, q.predicate, q.object, target) for q in triples]

    def apply(store: ox.Store) -> bool:
        existed = isinstance(target, ox.DefaultGraph) or store.contains_named_graph(target)
        if replace:
            # One write replaces the graph atomically: readers never see it empty.
            graph = target.value if isinstance(target, ox.NamedNode) else None
            writes.replace_graph(store, graph, triples)
            if isinstance(target, ox.NamedNode):
                store.add_graph(target)
        else:
            store.extend(quads)
            if isinstance(target, ox.NamedNode):
                store.add_graph(target)
        return existed

    existed = admin_write(apply, changed_graphs(target))
    if existed:
        return Response(status=204)
    # A POST that made a graph names it by its own IRI (Graph Store Protocol 5.5); a PUT's
    # new graph is the resource the request already named.
    if request.method == "POST" and isinstance(target, ox.NamedNode):
        return Response(status=201, headers={"Location": target.value})
    return Response(status=201)


def _parse(data: bytes, mimetype: str, base: str | None, what: str) -> list[ox.Triple]:
    """Return the triples of one RDF document, or refuse it saying why."""
    fmt = ox.RdfFormat.from_media_type(mimetype) if mimetype else None
    if fmt is None:
        names = ", ".join(f.media_type for f in GRAPH_FORMATS)
        multipart = f" ({MULTIPART} for several in one POST)" if what == "body" else ""
        raise Problem(
            415,
            f"Send the graph as one of {names}{multipart}, not "
            f"{mimetype or 'a ' + what + ' without Content-Type'}.",
        )
    try:
        check_input(data, fmt)
        return list(ox.parse(data, fmt, base_iri=base, without_named_graphs=True))
    except UnsafeInput as error:
        raise Problem(400, f"The {fmt.name} {what} is refused: {error}.") from None
    except SyntaxError as error:
        raise Problem(400, f"The {fmt.name} {what} does not parse: {error}") from None


def _multipart_triples(base: str | None) -> list[ox.Triple]:
    """Return the triples of every RDF document a multipart/form-data POST carries.

    Each part is one document in its own format (its Content-Type); they are parsed, all of
    them, before anything is written, so one bad part writes nothing.
    """
    parts: list[tuple[str, FileStorage]] = list(request.files.items(multi=True))
    if request.form:
        fields = ", ".join(sorted(request.form))
        raise Problem(
            400,
            f"Every part of a {MULTIPART} POST must be an RDF file (with a filename and a "
            f"Content-Type); the parts {fields} are plain fields.",
        )
    if not parts:
        raise Problem(400, f"The {MULTIPART} body has no RDF file in it.")
    triples: list[ox.Triple] = []
    for field, part in parts:
        label = f"part {part.filename or field!r}"
        triples += _parse(part.read(), part.mimetype, base, label)
    return triples
