"""Write an accepted batch and describe the outcome: what it added, what scores it moved, or why not.

``submit`` runs the whole check-and-write under the server's write lock (the
path SPARQL Update takes, so query workers see the new data), reading the
stored scores of the models the batch touches before and after.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable, Mapping

import pyoxigraph as ox
import rdflib
from flask import Response, request
from rdflib import BNode, URIRef

from graph.batch_limits import BatchRefused, check_batch
from graph.derive.changes import affected_models
from graph.ingest import Outcome, RecomputeFailed, canonical_hash, ingest
from graph.ingest.preview import as_table
from graph.ingest.preview import stored_scores as preview_scores
from graph.ingest.provenance import PROVENANCE_GRAPH
from graph.namespaces import DCTERMS, OG, PROV, RDF, RDFS
from graph.scoring.mappings import LENDING
from graph.sparql.formats import JSON, JSON_LD, TURTLE
from graph.validation import ValidationReport
from graph.validation.report import group_results
from server.context import context
from server.errors import Problem, error_body
from server.negotiation import negotiate
from server.rendering import negotiated, rdf_bytes
from server.urls import public_url

log = logging.getLogger(__name__)

REPORT_FORMATS = (JSON, JSON_LD, TURTLE)

# ---------------------------------------------------------------- scores before and after


def touched_models(store: ox.Store, batch: rdflib.Graph) -> list[str] | None:
    """Return the models a batch may change the scores of (None: every model)."""
    types = set(batch.objects(None, RDF.type))
    matches = any((None, URIRef(p), None) in batch for p in LENDING)
    if types & {OG.Criterion, OG.Framework, OG.Grade} or matches:
        return None  # a framework changed: every model's scores may move
    nodes = {str(n) for n in batch.all_nodes() if isinstance(n, URIRef)}
    return affected_models(store, nodes, stale=False)  # a batch only adds triples


def stored_scores(store: ox.Store, models: Iterable[str] | None) -> dict[str, dict[str, dict]]:
    """Return {model: {framework: {"value", "grade"}}} of the stored (not "as of") scores."""
    return preview_scores(store, models)


def score_changes(models: Iterable[str], before: Mapping, after: Mapping) -> list[dict]:
    """Return, per model, each framework's score before and after the submission."""
    return as_table(models, before, after)


# ---------------------------------------------------------------- submitting


def submit(batch: rdflib.Graph, who: str, origin: str, dry_run: bool = False) -> dict:
    """Validate and write ``batch`` under the write lock; return the answer's data.

    The checks that need only the batch (size, characters, blank-node shape, the
    hash) run first, outside the lock: a batch refused there (413, 422) never
    waits for or holds it. Raises Rejected (nothing written) when the batch breaks
    the shapes or the submission rules, or deprecates a claim that is unknown or
    already deprecated. A batch whose models cannot be recomputed is taken back and
    answered 500 (Problem). A ``dry_run`` is judged the same way under the lock, and
    answered with the scores it would move; it writes nothing and publishes no new data.
    """
    ctx = context()
    try:
        depths = check_batch(
            batch, ctx.settings["SUBMISSION_MAX_TRIPLES"], ctx.settings["SUBMISSION_MAX_LITERAL"]
        )
        digest = canonical_hash(batch, depths)
    except BatchRefused as refused:
        title = "Batch too large" if refused.status == 413 else "Batch refused"
        raise Problem(refused.status, f"{refused}; nothing was written.", title=title) from None
    role = ctx.role(who)
    if dry_run:
        # The lock keeps other writes out while the batch is judged; nothing is published.
        with ctx.write_lock:
            outcome = ingest(ctx.store, batch, who, origin, role=role, digest=digest, dry_run=True)
        return dry_run_answer(outcome)

    def action(store: ox.Store) -> tuple[Outcome, dict, dict]:
        before = stored_scores(store, touched_models(store, batch))
        outcome = ingest(store, batch, who, origin, role=role, digest=digest)
        return outcome, before, stored_scores(store, outcome.recomputed)

    try:
        outcome, before, after = ctx.write(action)
    except RecomputeFailed as failed:
        log.error("submission taken back: %s", failed, exc_info=failed.__cause__)
        raise Problem(500, str(failed), title="Recompute failed") from None
    created = outcome.created
    return {
        "status": "accepted" if created else "unchanged",
        "submission": outcome.submission,
        "graph": outcome.graph,
        "content_hash": outcome.content_hash,
        "triples": outcome.triples,
        "claims_added": outcome.claims if created else [],
        "claims_deprecated": outcome.deprecated if created else [],
        "curated": outcome.curated if created else [],
        "models_recomputed": score_changes(outcome.recomputed, before, after),
        "url": public_url("submissions.show", key=key_of(outcome.submission)),
        "content_url": public_url("graph_store.graph_store", graph=outcome.graph),
    }


def dry_run_answer(outcome: Outcome) -> dict:
    """Return the answer to a dry run: what the batch would add and the scores it would move."""
    valid = outcome.created
    shown = outcome.preview
    detail = (
        "The batch is valid; nothing was written (dry run). Send it without dry_run to write it."
        if valid
        else "The same batch was accepted before; nothing was written (dry run)."
    )
    return {
        "status": "valid" if valid else "unchanged",
        "dry_run": True,
        "written": False,
        "detail": detail,
        "submission": outcome.submission,
        "content_hash": outcome.content_hash,
        "triples": outcome.triples,
        "claims_added": outcome.claims if valid else [],
        "claims_deprecated": outcome.deprecated if valid else [],
        "curated": outcome.curated if valid else [],
        "score_changes": shown.changes() if shown else [],
        "models_recomputed": as_table(shown.models, shown.before, shown.after) if shown else [],
    }


def describe(store: ox.Store, submission: str) -> dict | None:
    """Return who sent a submission, when, from where, and what its graph holds; None if unknown."""
    query = f"""SELECT ?graph ?hash ?agent ?who ?when ?origin ?extent WHERE {{
      GRAPH <{PROVENANCE_GRAPH}> {{
        <{submission}> <{PROV.generated}> ?graph .
        OPTIONAL {{ <{submission}> <{OG.contentHash}> ?hash }}
        OPTIONAL {{ <{submission}> <{PROV.endedAtTime}> ?when }}
        OPTIONAL {{ <{submission}> <{OG.loadedFrom}> ?origin }}
        OPTIONAL {{ <{submission}> <{PROV.wasAssociatedWith}> ?agent
                   OPTIONAL {{ ?agent <{RDFS.label}> ?who }} }}
        OPTIONAL {{ ?graph <{DCTERMS.extent}> ?extent }}
      }} }} LIMIT 1"""
    rows = list(store.query(query))
    if not rows:
        return None
    row = rows[0]

    def text(name: str) -> str | None:
        return None if row[name] is None else row[name].value

    graph = text("graph")

    def subjects(pattern: str) -> list[str]:
        found = store.query(f"SELECT DISTINCT ?s WHERE {{ GRAPH <{graph}> {{ {pattern} }} }}")
        return sorted(r["s"].value for r in found)

    return {
        "submission": submission,
        "graph": graph,
        "content_hash": text("hash"),
        "submitted_by": text("who"),
        "agent": text("agent"),
        "submitted_at": text("when"),
        "origin": text("origin"),
        "triples": int(text("extent")) if text("extent") else None,
        "claims": subjects(f"?s a <{OG.Claim}>"),
        "deprecated": subjects(f"?s <{OG.rank}> <{OG.DeprecatedRank}>"),
        "curated": sorted(
            q.object.value
            for q in store.quads_for_pattern(
                ox.NamedNode(submission),
                ox.NamedNode(str(OG.curated)),
                None,
                ox.NamedNode(PROVENANCE_GRAPH),
            )
        ),
        "content_url": public_url("graph_store.graph_store", graph=graph),
    }


def key_of(submission: str) -> str:
    """Return the key (the hash prefix) a submission IRI ends with."""
    return submission.rsplit("/", 1)[-1]


def violation_rows(report: ValidationReport) -> list[dict]:
    """Return the results on the submitted data, one dict each, repeats dropped."""
    rows: dict[str, dict] = {}
    for v in report.data_results:
        line = report.format(v)
        focus = v.focus_node
        rows.setdefault(
            line,
            {
                "focus_node": report.node_labels.get(focus, "a blank node")
                if isinstance(focus, BNode)
                else str(focus),
                "path": None if v.path is None else str(v.path),
                "value": None if v.value is None or isinstance(v.value, BNode) else str(v.value),
                "message": v.message,
                "shape": v.shape_id,
                "constraint": v.constraint_id,
                "hint": v.hint or None,
                "line": line,
            },
        )
    return list(rows.values())


def rejection_detail(count: int) -> str:
    """Return the error detail of a rejected submission."""
    return (
        f"The submission breaks {count} rule(s); nothing was written. "
        "Fix each violation listed and send it again."
    )


def problem_rows(report: ValidationReport) -> list[dict]:
    """Return the violations grouped by cause: how many nodes, the cause, the nodes."""
    rows = []
    for group in group_results(report, report.data_results):
        first = group.violations[0]
        nodes = dict.fromkeys(
            report.node_labels.get(v.focus_node, "a blank node")
            if isinstance(v.focus_node, BNode)
            else str(v.focus_node)
            for v in group.violations
        )
        rows.append(
            {
                "count": len(nodes),
                "constraint": first.constraint_id,
                "path": None if first.path is None else str(first.path),
                "message": first.message,
                "hint": first.hint or None,
                "nodes": list(nodes),
                "line": group.line,
            }
        )
    return rows


def rejection_response(report: ValidationReport, dry_run: bool = False) -> Response:
    """Answer 422 with the report: a list to act on (JSON) or the SHACL report (JSON-LD, Turtle)."""
    fmt = negotiate(REPORT_FORMATS, accept=request.headers.get("Accept"), default=JSON) or JSON
    rows = violation_rows(report)
    if fmt is JSON:
        body = error_body(422, "Validation failed", rejection_detail(len(rows)))
        body["problems"] = problem_rows(report)
        body["violations"] = rows
        if dry_run:
            body["dry_run"], body["written"] = True, False
        data = (json.dumps(body, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
    else:
        nt = report.graph.serialize(format="nt", encoding="utf-8")
        data = rdf_bytes(ox.parse(nt, format=ox.RdfFormat.N_TRIPLES), fmt)
    return negotiated(data, fmt, status=422)
