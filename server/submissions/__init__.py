"""Take submitted evidence: POST /api/submissions, the /submit page, and the templates.

A submission is RDF (Turtle, JSON-LD, N-Triples) or the small JSON form of
``graph.ingest.form``, optionally with corrections (``"deprecate"``).
``server.submissions.input`` turns it into a batch and ``server.submissions.outcome``
writes it and describes what changed. Every route, status and key is in
docs/submissions.md.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Mapping

import rdflib
from flask import Blueprint, request, url_for
from rdflib import URIRef
from werkzeug.exceptions import RequestEntityTooLarge

from graph.ingest import Rejected
from graph.ingest.form import LEVELS, RANKS, TEMPLATE, form_to_graph
from graph.namespaces import ID, OG, PREFIXES, RDF, RDFS, SKOS
from graph.sparql.formats import HTML, JSON, TURTLE
from server.context import context
from server.cors import mark_write
from server.errors import Problem
from server.negotiation import negotiate
from server.rendering import negotiated, render
from server.submissions.input import JSON_BODY, RDF_BODIES, page_batch, parse_rdf, read_json
from server.submissions.outcome import (
    describe,
    problem_rows,
    rejection_detail,
    rejection_response,
    submit,
    violation_rows,
)

bp = Blueprint("submissions", __name__)

PAGE_BODIES = ("application/x-www-form-urlencoded", "multipart/form-data")
API_ORIGIN, PAGE_ORIGIN = "POST /api/submissions", "POST /submit"
# Where a new framework is explained; the docs ship with the code, not with the server.
FRAMEWORKS_DOC = "docs/frameworks.md"
KEY = re.compile(r"^[0-9a-f]{32}$")
HOW_TO_ENABLE = (
    "Writes are disabled on this server: no write token is configured. The operator enables "
    'them by naming one token per person, e.g. OPENNESS_WRITE_TOKENS=\'{"alice": "<a long '
    'random secret>"}\' (a contributor; add a role with {"token": ..., "role": '
    '"curator"}), or OPENNESS_WRITE_TOKEN=<secret> (the operator\'s, admin) in the '
    'environment of `openness serve`, or WRITE_TOKENS={"alice": "..."} in create_app\'s config.'
)


# ---------------------------------------------------------------- the API


def write_token_name() -> str:
    """Return the name of the request's write token; 401/403 otherwise."""
    ctx = context()
    if not ctx.writable:
        raise Problem(403, HOW_TO_ENABLE, title="Writes disabled")
    return ctx.authorize_write()


DRY_RUN_VALUES = {"true": True, "1": True, "yes": True, "false": False, "0": False, "no": False}


def dry_run_arg() -> bool:
    """Return whether the request asks for a dry run (``?dry_run=true``); 400 on another value."""
    given = request.args.get("dry_run")
    if given is None:
        return False
    value = DRY_RUN_VALUES.get(given.strip().lower())
    if value is None:
        raise Problem(
            400,
            f"dry_run: {given!r} is not true or false; send dry_run=true to check a batch without writing it.",
        )
    return value


@bp.route("/api/submissions", methods=["POST"])
def create():
    """Accept a batch (RDF, the JSON form, corrections); answer 201, 200, or why not."""
    mark_write()
    who = write_token_name()
    dry_run = dry_run_arg()
    mimetype = request.mimetype
    if mimetype not in RDF_BODIES and mimetype != JSON_BODY:
        accepted = ", ".join([*RDF_BODIES, JSON_BODY])
        raise Problem(415, f"Send {accepted}, not {mimetype or 'a body without Content-Type'}.")
    data = request.get_data()
    charset = request.mimetype_params.get("charset", "utf-8")
    if charset.lower().replace("_", "-") not in ("utf-8", "utf8"):
        try:
            data = data.decode(charset).encode("utf-8")
        except (LookupError, UnicodeDecodeError) as exc:
            raise Problem(400, f"The body is not valid {charset} text: {exc}") from None
    batch = read_json(data, who) if mimetype == JSON_BODY else parse_rdf(data, RDF_BODIES[mimetype])
    try:
        answer = submit(batch, who, API_ORIGIN, dry_run=dry_run)
    except Rejected as rejected:
        return rejection_response(rejected.report, dry_run=dry_run)
    if dry_run:
        return render(answer, None, JSON, status=200)
    status = 201 if answer["status"] == "accepted" else 200
    return render(answer, None, JSON, status=status, headers={"Location": answer["url"]})


@bp.route("/api/submissions/<key>")
def show(key: str):
    """Describe one accepted submission: who, when, from where, what it added."""
    if not KEY.match(key):
        raise Problem(404, "No such submission: a submission key is 32 hexadecimal digits.")
    data = describe(context().store, f"{ID}submission/{key}")
    if data is None:
        raise Problem(404, f"No submission {ID}submission/{key} is in the graph.")
    return render(data, None, JSON)


@functools.cache
def turtle_template() -> str:
    """Return the JSON template's claim and source as commented Turtle with readable IRIs."""
    g = form_to_graph(TEMPLATE)
    rename = {
        next(g.subjects(RDF.type, OG.Claim)): URIRef(
            f"{ID}claim/llama-published-weights-CHANGE-ME"
        ),
        next(g.subjects(RDF.type, OG.Source)): URIRef(f"{ID}source/CHANGE-ME"),
    }
    out = rdflib.Graph()
    for prefix in ("og", "id", "prov", "dcterms", "oa", "schema", "xsd", "rdf"):
        out.bind(prefix, PREFIXES[prefix], replace=True)
    for s, p, o in g:
        out.add((rename.get(s, s), p, rename.get(o, o)))
    header = (
        "# One claim and its source, ready to edit and send to /api/submissions\n"
        "# (Content-Type: text/turtle, Authorization: Bearer <token>).\n"
        "# Give the claim and the source IRIs of your own (replace CHANGE-ME), point\n"
        "# og:aboutModel, og:criterion and dcterms:publisher at IRIs the graph holds,\n"
        "# pick a level the criterion allows, and keep og:statedOn the date the source\n"
        "# said it. docs/submissions.md explains every property.\n"
    )
    return header + out.serialize(format="turtle")


@bp.route("/api/submissions/template", defaults={"suffix": None})
@bp.route("/api/submissions/template.<suffix>")
def template(suffix: str | None):
    """Offer the JSON form's template, or the same claim in Turtle."""
    fmt = negotiate(
        (JSON, TURTLE),
        requested=suffix or request.args.get("format"),
        accept=request.headers.get("Accept"),
        default=JSON,
    )
    if fmt is None:
        raise Problem(
            406,
            "The template is available as application/json and text/turtle.",
            headers={"Vary": "Accept"},
        )
    if fmt is TURTLE:
        body, name = turtle_template().encode("utf-8"), "claim-template.ttl"
    else:
        body, name = (json.dumps(TEMPLATE, indent=2) + "\n").encode("utf-8"), "claim-template.json"
    return negotiated(body, fmt, headers={"Content-Disposition": f'attachment; filename="{name}"'})


# ---------------------------------------------------------------- the page


def page_choices() -> dict:
    """Return the models, criteria and source kinds the page offers, once per data version."""

    def read() -> dict:
        store = context().store

        def pairs(cls: URIRef, label: URIRef) -> list[tuple[str, str]]:
            query = f"SELECT DISTINCT ?x (SAMPLE(?l) AS ?label) WHERE {{ ?x a <{cls}> OPTIONAL {{ ?x <{label}> ?l }} }} GROUP BY ?x ORDER BY ?x"
            rows = store.query(query, use_default_graph_as_union=True)
            return [
                (r["x"].value, r["label"].value if r["label"] is not None else r["x"].value)
                for r in rows
            ]

        kinds = [
            (iri.removeprefix(str(OG)), lab)
            for iri, lab in pairs(OG.SourceKind, SKOS.prefLabel)
            if iri.startswith(str(OG))
        ]
        return {
            "models": pairs(OG.Model, RDFS.label),
            "criteria": pairs(OG.Criterion, SKOS.prefLabel),
            "source_kinds": kinds,
        }

    return context().cached("submission-page-choices", read)


def page_data(values: Mapping[str, str] | None = None, **extra) -> dict:
    """Return the page's data: where to send, what to choose from, what was entered."""
    return {
        "api": url_for("submissions.create"),
        "template_json": url_for("submissions.template", suffix="json"),
        "template_turtle": url_for("submissions.template", suffix="ttl"),
        "levels": list(LEVELS),
        "ranks": list(RANKS),
        "writable": context().writable,
        "frameworks_doc": FRAMEWORKS_DOC,
        **page_choices(),
        "values": dict(values or {}),
        "result": None,
        "error": None,
        "violations": [],
        "problems": [],
        **extra,
    }


def page_token(given: str) -> str:
    """Return the name of the write token typed into the page; 401/403 otherwise."""
    ctx = context()
    if not ctx.writable:
        raise Problem(403, HOW_TO_ENABLE, title="Writes disabled")
    if not given:
        raise Problem(401, "Writing needs a write token: paste yours into the token field.")
    name = ctx.token_name(given)
    if name is None:
        raise Problem(403, "The token is not a write token of this server.")
    return name


@bp.route("/submit", methods=["GET", "POST"])
def page():
    """Show the submission form; on POST submit it and show the outcome or the violations."""
    if request.method == "GET":
        fmt = (
            negotiate(
                (HTML, JSON),
                requested=request.args.get("format"),
                accept=request.headers.get("Accept"),
                default=HTML,
            )
            or HTML
        )
        alternate = url_for("submissions.page", format="json")
        return render(
            page_data(),
            "submissions/page.html",
            fmt,
            headers={"Link": f'<{alternate}>; rel="alternate"; type="application/json"'},
        )
    mark_write()
    values: dict[str, str] = {}
    try:
        if request.mimetype not in PAGE_BODIES:
            raise Problem(
                415,
                f"The form is sent as {PAGE_BODIES[0]} or {PAGE_BODIES[1]}, not {request.mimetype or 'a body without Content-Type'}.",
            )
        try:
            values = {k: v for k, v in request.form.items() if k not in ("token", "dry_run")}
        except RequestEntityTooLarge:
            raise Problem(413, "The form is larger than this server accepts (MAX_BODY).") from None
        who = page_token((request.form.get("token") or "").strip())
        dry_run = request.form.get("dry_run") == "true"
        result = submit(page_batch(request.form, who), who, PAGE_ORIGIN, dry_run=dry_run)
    except Problem as problem:
        error = {"status": problem.status, "title": problem.title, "detail": problem.detail}
        error["problems"] = getattr(problem, "problems", [])
        return render(
            page_data(values, error=error), "submissions/page.html", HTML, status=problem.status
        )
    except Rejected as rejected:
        rows = violation_rows(rejected.report)
        error = {"status": 422, "title": "Validation failed", "detail": rejection_detail(len(rows))}
        problems = problem_rows(rejected.report)
        grouped = problems if len(problems) < len(rows) else []
        data = page_data(values, error=error, violations=rows, problems=grouped)
        return render(data, "submissions/page.html", HTML, status=422)
    if result.get("dry_run"):
        # Nothing was written: the fields stay, to be sent for real.
        return render(page_data(values, result=result), "submissions/page.html", HTML)
    status = 201 if result["status"] == "accepted" else 200
    # The form starts empty again, so the same claim is not sent twice by accident.
    return render(
        page_data(result=result),
        "submissions/page.html",
        HTML,
        status=status,
        headers={"Location": result["url"]},
    )
