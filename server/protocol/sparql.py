"""Serve the SPARQL 1.1 Protocol at /sparql (query and update) and /update."""

from __future__ import annotations

import math

import pyoxigraph as ox
from flask import Blueprint, Response, current_app, request
from werkzeug.datastructures import CombinedMultiDict, MultiDict

from graph.endpoint.runner import (
    EvaluationError,
    LaneFull,
    NotAcceptable,
    OutOfMemory,
    QueryError,
    QuerySyntaxError,
    QueryTimeout,
    RunnerBusy,
    ServiceFailed,
    StoreUnreadable,
)
from graph.namespaces import PREFIXES
from graph.sparql.formats import GRAPH_FORMATS, RESULTS_FORMATS, RESULTS_JSON, TURTLE
from graph.sparql.guard import GuardError, Unreadable, check_update, parse_safely
from graph.sparql.lexer import add_using
from graph.sparql.syntax_errors import explain
from graph.store import is_external, writes
from server.context import context
from server.cors import mark_write, read_endpoint
from server.derived import admin_write
from server.errors import Problem
from server.negotiation import negotiate
from server.protocol import service_description
from server.rendering import negotiated
from server.urls import public_url

bp = Blueprint("sparql", __name__)

FORM = "application/x-www-form-urlencoded"
QUERY = "application/sparql-query"
UPDATE = "application/sparql-update"


@bp.route("/sparql", methods=["GET", "POST"])
@read_endpoint
def endpoint():
    """Answer a query (GET, POST form, POST direct), an update, or describe the service."""
    # HEAD is answered as GET is, without the body (which Flask leaves out for HEAD).
    if request.method in ("GET", "HEAD"):
        if "update" in request.args:
            raise Problem(400, "SPARQL Update must be sent by POST, never by GET.")
        if "query" not in request.args:
            return service_description.view()
        return _query(_single(request.args, "query"), request.args)
    kind, text, params = _post_operation(("query", "update"))
    return _query(text, params) if kind == "query" else _update(text, params)


@bp.route("/update", methods=["POST"])
def update():
    """Apply a SPARQL Update sent by POST form or POST direct."""
    _, text, params = _post_operation(("update",))
    return _update(text, params)


def _single(params: MultiDict, name: str) -> str:
    values = params.getlist(name)
    if len(values) != 1:
        raise Problem(400, f"Send exactly one '{name}' parameter, not {len(values)}.")
    return values[0]


def _post_operation(allowed: tuple[str, ...]) -> tuple[str, str, MultiDict]:
    """Read the operation of a POST: ("query" | "update", text, protocol parameters)."""
    mimetype = request.mimetype
    if mimetype == FORM:
        _require_utf8()
        form = request.form
        present = [name for name in ("query", "update") if name in form]
        if len(present) > 1:
            raise Problem(400, "Send either 'query' or 'update', not both.")
        if not present or present[0] not in allowed:
            wanted = " or ".join(f"'{name}'" for name in allowed)
            raise Problem(400, f"The form has no {wanted} field.")
        return present[0], _single(form, present[0]), CombinedMultiDict([form, request.args])
    direct = {QUERY: "query", UPDATE: "update"}
    if mimetype in direct and direct[mimetype] in allowed:
        _require_utf8()
        try:
            text = request.get_data().decode("utf-8")
        except UnicodeDecodeError as error:
            raise Problem(400, f"The body is not valid UTF-8 text: {error}") from None
        return direct[mimetype], text, request.args
    accepted = ", ".join([FORM] + [m for m, kind in direct.items() if kind in allowed])
    raise Problem(415, f"Send {accepted}, not {mimetype or 'a body without Content-Type'}.")


def _require_utf8() -> None:
    """Refuse a body declared in another charset than UTF-8, before anything reads it.

    The protocol's bodies are UTF-8; decoding another charset would run a text its sender
    may not have meant as SPARQL (a UTF-16 update is not what a UTF-8 client would send).
    """
    charset = request.mimetype_params.get("charset")
    if charset is not None and charset.strip().lower().replace("_", "-") not in ("utf-8", "utf8"):
        raise Problem(
            415,
            f"Send the body as UTF-8 (charset=utf-8), not charset={charset}: the SPARQL 1.1 "
            "Protocol takes UTF-8 only.",
        )


def _base_iri() -> str:
    """Return the base IRI relative IRIs resolve against: the endpoint's public URL."""
    return public_url("sparql.endpoint")


def _graph_iris(params: MultiDict, name: str) -> list[str]:
    iris = params.getlist(name)
    for iri in iris:
        try:
            ox.NamedNode(iri)
        except ValueError:
            raise Problem(400, f"{name} {iri!r} is not an absolute IRI.") from None
    return iris


def _refusal(error: GuardError, text: str) -> Problem:
    """Answer a text the checks of graph/sparql/guard.py refuse."""
    detail = str(error)
    if isinstance(error, Unreadable):
        # The checking parser's position, shown in the text, and how to write a slash.
        detail = explain(text, detail, PREFIXES)
    return Problem(error.status, detail, title=error.title)


def _query(text: str, params: MultiDict) -> Response:
    ctx = context()
    requested = params.get("format") or params.get("output")
    accept = request.headers.get("Accept")
    results = negotiate(RESULTS_FORMATS, requested=requested, accept=accept, default=RESULTS_JSON)
    graph = negotiate(GRAPH_FORMATS, requested=requested, accept=accept, default=TURTLE)
    if results is None and graph is None:
        raise Problem(406, _unacceptable(requested, accept), headers={"Vary": "Accept"})
    default_graph = _graph_iris(params, "default-graph-uri")
    named_graphs = _graph_iris(params, "named-graph-uri")
    dataset = bool(default_graph or named_graphs)
    max_rows = current_app.config["MAX_ROWS"]
    try:
        result = ctx.query(
            text,
            results_format=results.key if results else None,
            graph_format=graph.key if graph else None,
            default_graph=tuple(default_graph) if dataset else None,
            named_graphs=tuple(named_graphs) if dataset else None,
            max_rows=max_rows,
            base_iri=_base_iri(),
            service_allowlist=tuple(current_app.config["SERVICE_ALLOWLIST"] or ()),
            client=request.remote_addr,
        )
    except GuardError as error:
        raise _refusal(error, text) from None
    except QuerySyntaxError as error:
        raise Problem(
            400, f"The query does not parse: {error}", title="Query syntax error"
        ) from None
    except NotAcceptable as error:
        raise Problem(406, f"{error}. {_unacceptable(requested, accept)}") from None
    except QueryTimeout:
        timeout = current_app.config["QUERY_TIMEOUT"]
        raise Problem(
            503,
            f"The query ran longer than the limit of {timeout:g} s and was "
            "stopped. Narrow it (more specific patterns, LIMIT) and try again.",
            title="Query timeout",
        ) from None
    except LaneFull as error:
        raise _too_many_long(error) from None
    except RunnerBusy:
        raise Problem(
            503,
            "Every query worker is busy and enough requests already wait for one; "
            "try again shortly.",
            title="Server busy",
            headers={"Retry-After": "5"},
        ) from None
    except StoreUnreadable:
        raise Problem(
            503,
            "The store cannot be read right now; try again shortly.",
            title="Store unavailable",
            headers={"Retry-After": "30"},
        ) from None
    except OutOfMemory as error:
        raise Problem(
            503,
            f"The query was stopped: {error}. Narrow it (more specific patterns, no "
            "ORDER BY over everything, LIMIT) and try again.",
            title="Query out of memory",
        ) from None
    except EvaluationError as error:
        raise Problem(
            400, f"The query cannot be evaluated: {error}", title="Query evaluation error"
        ) from None
    except ServiceFailed as error:
        raise Problem(400, str(error), title="SERVICE failed") from None
    except QueryError as error:
        raise Problem(500, f"The query failed: {error}") from None
    headers = {"X-SPARQL-MaxRows": str(max_rows)} if result.truncated else None
    return negotiated(result.body, result.media_format, headers=headers)


def _too_many_long(error: LaneFull) -> Problem:
    """Answer a query stopped when it turned long with no long-query place left for it."""
    return Problem(
        503,
        f"The query was stopped: {error}. Quick queries go on meanwhile; send it again "
        "when your other long queries have ended, or narrow it (LIMIT, more specific "
        "patterns).",
        title="Too many long queries",
        # By then every long query running now has ended.
        headers={"Retry-After": str(math.ceil(current_app.config["QUERY_TIMEOUT"]))},
    )


def _unacceptable(requested: str | None, accept: str | None) -> str:
    names = ", ".join(f.media_type for f in (*RESULTS_FORMATS, *GRAPH_FORMATS))
    asked = f"format={requested}" if requested else f"Accept: {accept}"
    return f"No result format matches {asked}. Formats: {names}."


def _update(text: str, params: MultiDict) -> Response:
    mark_write()
    ctx = context()
    ctx.authorize_write("admin")  # raw Update bypasses the submission rules
    using = _graph_iris(params, "using-graph-uri")
    using_named = _graph_iris(params, "using-named-graph-uri")
    try:
        with_using = add_using(text, using, using_named)
    except ValueError as error:
        raise Problem(400, str(error)) from None
    # Checked before the write lock is taken: LOAD is refused always, SERVICE outside the
    # allowlist, and a text nested too deep for the engine's parser (which would overflow
    # this thread's stack) never reaches it. The text as sent to the engine is checked
    # too, since the USING clauses are inserted by a lexer.
    allowlist = tuple(current_app.config["SERVICE_ALLOWLIST"] or ())
    base_iri = _base_iri()
    try:
        for checked in {text, with_using}:
            check_update(checked, allowlist, PREFIXES, external=is_external(ctx.store))
    except GuardError as error:
        raise _refusal(error, text) from None

    def write(store) -> None:
        # The text is parsed on a stack deep enough for it (graph.sparql.guard).
        parse_safely(
            lambda: writes.update(
                store,
                text,
                prefixes=PREFIXES,
                base_iri=base_iri,
                using=using,
                using_named=using_named,
            ),
            with_using,
        )

    try:
        admin_write(write, None)
    except SyntaxError as error:
        detail = explain(text, str(error), PREFIXES)
        raise Problem(
            400, f"The update does not parse: {detail}", title="Update syntax error"
        ) from None
    return Response(status=204)
