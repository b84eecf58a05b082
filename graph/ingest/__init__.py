"""Validate one batch of submitted evidence, then write it atomically with its provenance.

A batch is validated on its own plus the context it references in the store
(never the whole store), so the cost follows the batch. An accepted batch goes
into its own named graph, ``graph/submissions/<hash>``, in one write
(:func:`graph.store.writes.write_batch`) together with its provenance and catalogue
entry: who (the token's name), when, from what request
or file, and the SHA-256 of its canonical form. The same content submitted again
hashes the same and changes nothing. Nothing is ever deleted: a correction is a
batch that gives earlier claims ``og:rank og:DeprecatedRank`` with a reason,
who and when (see :mod:`graph.ingest.corrections`).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime

import pyoxigraph as ox
import rdflib

from graph.batch_limits import blank_depths
from graph.ingest.corrections import (
    claim_statements,
    correction_problems,
    deprecated_in,
    existing_claims,
    statements_about,
)
from graph.ingest.preview import Preview, preview
from graph.ingest.provenance import SUBMISSION_GRAPH_PREFIX, provenance_block, provenance_triples
from graph.ingest.roles import CONTRIBUTOR
from graph.ingest.rules import judge
from graph.namespaces import OG, RDF, mint
from graph.rdf_input import UnsafeInput, check_input
from graph.store import writes
from graph.validation import ValidationReport, validate
from graph.validation.context import context_for, referenced_iris, to_rdflib
from graph.validation.names import explain_unknown
from graph.validation.report import combine

FORMATS = {
    "text/turtle": "turtle",
    "application/x-turtle": "turtle",
    "application/ld+json": "json-ld",
    "application/n-triples": "nt",
    "text/plain": "nt",
}
SUFFIXES = {".ttl": "turtle", ".jsonld": "json-ld", ".json": "json-ld", ".nt": "nt"}
OX_FORMATS = {
    "turtle": ox.RdfFormat.TURTLE,
    "json-ld": ox.RdfFormat.JSON_LD,
    "nt": ox.RdfFormat.N_TRIPLES,
}


class IngestError(ValueError):
    """The batch cannot be read; the message says what and where."""


class RecomputeFailed(RuntimeError):
    """The batch was valid but its models could not be recomputed; it was taken back."""


class Rejected(Exception):
    """The batch breaks the shapes; nothing was written."""

    def __init__(self, report: ValidationReport):
        super().__init__(f"{len(report.data_results)} violation(s); nothing was written")
        self.report = report


@dataclass
class Outcome:
    """What an accepted batch did."""

    submission: str
    graph: str
    content_hash: str
    created: bool
    triples: int
    claims: list[str] = field(default_factory=list)
    deprecated: list[str] = field(default_factory=list)
    recomputed: list[str] = field(default_factory=list)
    curated: list[str] = field(default_factory=list)
    # Whether this call wrote the batch: not when it was there already, nor in a dry run,
    # which says instead how the scores would move (graph.ingest.preview).
    written: bool = True
    preview: Preview | None = None


def parse_batch(data: bytes | str, fmt: str, origin: str = "request") -> rdflib.Graph:
    """Parse a submitted batch in ``fmt`` (turtle, json-ld, nt); raise IngestError naming the place.

    Parsed with Oxigraph, which is linear in long literals (rdflib's N-Triples parser
    is quadratic) and never fetches a remote JSON-LD context.
    """
    data = data.encode("utf-8") if isinstance(data, str) else data
    try:
        check_input(data, OX_FORMATS[fmt])
        quads = list(ox.parse(data, OX_FORMATS[fmt], without_named_graphs=True))
    except UnsafeInput as exc:
        raise IngestError(f"{origin}: {exc}") from None
    except SyntaxError as exc:
        where = f" at line {exc.lineno}, column {exc.offset}" if exc.lineno else ""
        raise IngestError(f"{origin}: the {fmt} does not parse{where}: {exc.msg}") from None
    if not quads:
        raise IngestError(f"{origin}: the batch is empty; {empty_reason(fmt)}")
    return to_rdflib(quads)


JSON_LD_DROPS = (
    "JSON-LD drops what it cannot expand to an IRI: a term its @context does not define, "
    "and a relative @id or @type (there is no @base here). Define every term in an inline "
    "@context and give full IRIs (https://w3id.org/openness/id/claim/<slug>)"
)


def empty_reason(fmt: str) -> str:
    """Say why a batch may have parsed to no triples, and what to send."""
    what = "send at least one claim or source"
    return f"{what}. {JSON_LD_DROPS}" if fmt == "json-ld" else what


def canonical_hash(graph: rdflib.Graph, depths: dict[rdflib.BNode, int] | None = None) -> str:
    """Return ``sha256:<hex>`` of the graph's canonical N-Triples (blank nodes relabelled).

    Raises BatchRefused when blank nodes do not form trees (see graph.batch_limits);
    ``depths`` is their depth, when the caller has checked already.
    """
    labels = tree_labels(graph, depths)
    lines = sorted(" ".join(labels.get(t) or t.n3() for t in triple) + " ." for triple in graph)
    return "sha256:" + hashlib.sha256("\n".join(lines).encode()).hexdigest()


def tree_labels(
    graph: rdflib.Graph, depths: dict[rdflib.BNode, int] | None = None
) -> dict[rdflib.BNode, str]:
    """Label each blank node by a hash of what it says, its children's labels included.

    Quotes and selectors are blank nodes each used once as an object: hashing a
    node's own statements bottom-up (deepest first) names it by content, as
    canonicalisation would, in linear time. Other shapes are refused, not hashed:
    rdflib's general canonicalisation is factorial in identical components.
    """
    depths = blank_depths(graph) if depths is None else depths
    said: dict[rdflib.BNode, list[tuple[rdflib.term.Node, rdflib.term.Node]]] = {}
    for s, p, o in graph:
        if isinstance(s, rdflib.BNode):
            said.setdefault(s, []).append((p, o))
    labels: dict[rdflib.BNode, str] = {}
    for node in sorted(depths, key=depths.__getitem__, reverse=True):
        parts = sorted(
            f"{p.n3()} {labels[o] if isinstance(o, rdflib.BNode) else o.n3()}"
            for p, o in said.get(node, ())
        )
        labels[node] = "_:t" + hashlib.sha256("\n".join(parts).encode()).hexdigest()[:32]
    return labels


def check(store: ox.Store, batch: rdflib.Graph, described: Iterable[str] = ()) -> ValidationReport:
    """Validate ``batch`` with the context it references; never writes.

    ``described`` names stored nodes the batch adds statements to: they are judged
    with what the store already says about them.
    """
    # A batch that deprecates stored claims is judged with those claims' own statements.
    stored = existing_claims(store, deprecated_in(batch))
    extra = claim_statements(store, stored) if stored else rdflib.Graph()
    others = sorted(set(described) - stored)
    if others:
        extra += statements_about(store, others)
    context = context_for(store, referenced_iris(batch) | referenced_iris(extra))
    report = validate(batch, context + extra)
    return report if report.data_conforms else explain_unknown(report, store, batch)


def submission_exists(store: ox.Store, graph: str) -> bool:
    """Tell whether a submission graph with this name was already written."""
    return store.query(f"ASK {{ GRAPH <{writes.CATALOG}> {{ <{graph}> ?p ?o }} }}").__bool__()


def ingest(
    store: ox.Store,
    batch: rdflib.Graph,
    who: str,
    origin: str,
    *,
    role: str = CONTRIBUTOR,
    recompute: bool = True,
    when: datetime | None = None,
    digest: str | None = None,
    dry_run: bool = False,
) -> Outcome:
    """Validate ``batch`` and write it atomically; raise Rejected with the report when it fails.

    ``role`` is the sender's (graph.ingest.roles): what the batch may say about nodes the
    store already holds follows from it (graph.ingest.rules). ``digest`` is the
    batch's canonical hash when the caller computed it (outside the write lock);
    computing it raises BatchRefused for blank-node shapes no submission needs.
    Returns what was written and which models were recomputed. An identical
    batch submitted again returns ``created=False`` and writes nothing. A ``dry_run``
    judges the batch the same way, writes nothing (``written=False``) and returns in
    ``preview`` the scores it would move.
    """
    digest = digest or canonical_hash(batch)
    key = digest.removeprefix("sha256:")[:32]
    graph = SUBMISSION_GRAPH_PREFIX + key
    submission = mint("submission", key)
    claims = sorted(str(c) for c in batch.subjects(RDF.type, OG.Claim))
    deprecated = sorted(deprecated_in(batch))
    if submission_exists(store, graph):
        return Outcome(
            submission, graph, digest, False, len(batch), claims, deprecated, written=False
        )
    # Every check runs, so that the sender hears of every problem at once.
    problems = correction_problems(store, batch)
    verdict = judge(store, batch, who, role)
    report = check(store, batch, verdict.own | verdict.curated)
    failed = [r for r in (problems, verdict.report) if r is not None]
    failed += [] if report.data_conforms else [report]
    if failed:
        raise Rejected(combine(failed))
    if dry_run:
        outcome = Outcome(submission, graph, digest, True, len(batch), claims, deprecated)
        outcome.curated, outcome.written = sorted(verdict.curated), False
        outcome.preview = preview(store, batch)
        outcome.recomputed = outcome.preview.models
        return outcome
    when = when or datetime.now(UTC)
    provenance = provenance_triples(
        submission, graph, digest, who, origin, when, len(batch), verdict.curated
    )
    catalogue = writes.catalogue_entry(graph, digest, origin, when)
    records = provenance_block(provenance)
    # Known before the write, so that a failed recompute takes back exactly what it added
    # (the sender's agent record, say, may be there already).
    added = writes.records_to_add(store, f"{records}\n{catalogue.block()}") if recompute else []
    # The catalogue entry marks the batch's models stale with the write, until its derive
    # clears the mark (graph.staleness).
    writes.write_batch(
        store,
        graph,
        ox.parse(batch.serialize(format="nt").encode(), ox.RdfFormat.N_TRIPLES),
        catalogue=catalogue,
        records=records,
    )
    outcome = Outcome(submission, graph, digest, True, len(batch), claims, deprecated)
    outcome.curated = sorted(verdict.curated)
    if recompute:
        outcome.recomputed = recompute_or_take_back(store, graph, added)
    return outcome


def recompute_or_take_back(store: ox.Store, graph: str, added: list[ox.Quad]) -> list[str]:
    """Recompute the models the batch in ``graph`` touches; on failure, take the batch back.

    An ingest is all or nothing, derived data included: a batch whose models cannot be
    scored is removed with the records its write added, and RecomputeFailed is raised.
    """
    from graph.derive import derive_after_load

    try:
        return list(derive_after_load(store, [graph], added_only=True))
    except Exception as exc:
        writes.take_back_batch(store, graph, added)
        raise RecomputeFailed(
            f"The batch is valid, but recomputing the models it touches failed "
            f"({type(exc).__name__}: {exc}); it was taken back and nothing was written."
        ) from exc
