"""Validate one batch of submitted evidence, then write it atomically with its provenance.

A batch is validated on its own plus the context it references in the store
(never the whole store), so the cost follows the batch. An accepted batch goes
into its own named graph, ``graph/submissions/<hash>``, in one SPARQL Update
together with its provenance: who (the token's name), when, from what request
or file, and the SHA-256 of its canonical form. The same content submitted again
hashes the same and changes nothing. Nothing is ever deleted: a correction is a
batch that gives earlier claims ``og:rank og:DeprecatedRank`` with a reason,
who and when (see :func:`deprecation_triples`).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime

import pyoxigraph as ox
import rdflib
from rdflib.compare import to_canonical_graph

from graph import staleness
from graph.context import construct, context_for, referenced_iris
from graph.insert_text import insert
from graph.loading import CATALOG
from graph.namespaces import DCTERMS, OG, PROV, RDF, RDFS, XSD, graph_iri, mint, slugify
from graph.validation import ValidationReport, validate

SUBMISSION_GRAPH_PREFIX = graph_iri("submissions/")
PROVENANCE_GRAPH = graph_iri("submissions")
FORMATS = {
    "text/turtle": "turtle",
    "application/x-turtle": "turtle",
    "application/ld+json": "json-ld",
    "application/n-triples": "nt",
    "text/plain": "nt",
}
SUFFIXES = {".ttl": "turtle", ".jsonld": "json-ld", ".json": "json-ld", ".nt": "nt"}
# Batches larger than this go to an external server through a staging graph.
STAGED_TRIPLES = 2000


class IngestError(ValueError):
    """The batch cannot be read; the message says what and where."""


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


def parse_batch(data: bytes | str, fmt: str, origin: str = "request") -> rdflib.Graph:
    """Parse a submitted batch in ``fmt`` (turtle, json-ld, nt); raise IngestError naming the place."""
    graph = rdflib.Graph()
    try:
        graph.parse(data=data, format=fmt)
    except Exception as exc:  # rdflib raises many unrelated types for bad input
        raise IngestError(f"{origin}: the {fmt} does not parse: {exc}") from None
    if len(graph) == 0:
        raise IngestError(f"{origin}: the batch is empty; send at least one claim or source")
    return graph


def canonical_hash(graph: rdflib.Graph) -> str:
    """Return ``sha256:<hex>`` of the graph's canonical N-Triples (blank nodes relabelled)."""
    labels = tree_labels(graph)
    if labels is None:
        # Blank nodes shared or in cycles need full canonicalisation (costly, and rare).
        canon = to_canonical_graph(graph)
        lines = sorted(line for line in canon.serialize(format="nt").splitlines() if line.strip())
    else:
        lines = sorted(" ".join(labels.get(t) or t.n3() for t in triple) + " ." for triple in graph)
    return "sha256:" + hashlib.sha256("\n".join(lines).encode()).hexdigest()


def tree_labels(graph: rdflib.Graph) -> dict[rdflib.BNode, str] | None:
    """Label each blank node by a hash of what it says, when every blank node forms a tree.

    Quotes and selectors are blank nodes each used once as an object: hashing
    a node's own statements (with its children's labels) bottom-up names it by
    content, as canonicalisation would, in linear time. Returns None when a
    blank node is used twice as an object, never as an object, or in a cycle.
    """
    uses: dict[rdflib.BNode, int] = {}
    blanks: set[rdflib.BNode] = set()
    for s, _, o in graph:
        if isinstance(s, rdflib.BNode):
            blanks.add(s)
        if isinstance(o, rdflib.BNode):
            blanks.add(o)
            uses[o] = uses.get(o, 0) + 1
    if any(uses.get(b, 0) != 1 for b in blanks):
        return None
    labels: dict[rdflib.BNode, str] = {}
    visiting: set[rdflib.BNode] = set()

    def label(node: rdflib.BNode) -> str | None:
        if node in labels:
            return labels[node]
        if node in visiting:
            return None
        visiting.add(node)
        parts = []
        for _, p, o in graph.triples((node, None, None)):
            child = label(o) if isinstance(o, rdflib.BNode) else o.n3()
            if child is None:
                return None
            parts.append(f"{p.n3()} {child}")
        digest = hashlib.sha256("\n".join(sorted(parts)).encode()).hexdigest()[:32]
        labels[node] = f"_:t{digest}"
        return labels[node]

    for b in blanks:
        if label(b) is None:
            return None
    return labels


def deprecation_triples(
    claim: str, reason: str, who: str, when: datetime | None = None
) -> list[tuple[rdflib.term.Node, rdflib.term.Node, rdflib.term.Node]]:
    """Return the statements that deprecate ``claim`` (to add to a batch)."""
    when = when or datetime.now(UTC)
    node = rdflib.URIRef(claim)
    return [
        (node, OG.rank, OG.DeprecatedRank),
        (node, OG.deprecationReason, rdflib.Literal(reason)),
        (node, OG.deprecatedBy, rdflib.URIRef(agent_iri(who))),
        (node, OG.deprecatedOn, rdflib.Literal(when.replace(microsecond=0), datatype=XSD.dateTime)),
    ]


def agent_iri(name: str) -> str:
    """Return the IRI of the agent a write token is named for."""
    return mint("person", slugify(name))


def existing_claims(store: ox.Store, iris: Iterable[str]) -> set[str]:
    """Return those of ``iris`` that are claims already in the store."""
    iris = sorted(iris)
    if not iris:
        return set()
    values = " ".join(f"<{i}>" for i in iris)
    query = (
        f"SELECT DISTINCT ?c WHERE {{ VALUES ?c {{ {values} }} GRAPH ?g {{ ?c a <{OG.Claim}> }} }}"
    )
    return {row["c"].value for row in store.query(query)}


def deprecated_in(batch: rdflib.Graph) -> set[str]:
    """Return the claims the batch marks deprecated."""
    return {
        str(s) for s in batch.subjects(OG.rank, OG.DeprecatedRank) if isinstance(s, rdflib.URIRef)
    }


def check(store: ox.Store, batch: rdflib.Graph) -> ValidationReport:
    """Validate ``batch`` with the context it references; never writes."""
    # A batch that deprecates stored claims is judged with those claims' own statements.
    stored = existing_claims(store, deprecated_in(batch))
    extra = claim_statements(store, stored) if stored else rdflib.Graph()
    context = context_for(store, referenced_iris(batch) | referenced_iris(extra))
    return validate(batch, context + extra)


def claim_statements(store: ox.Store, claims: Iterable[str]) -> rdflib.Graph:
    """Return everything the store says about ``claims`` (for validating their deprecation)."""
    claims = sorted(claims)
    values = " ".join(f"<{c}>" for c in claims)
    # The claim's own statements and the blank nodes of its quotes (two levels deep).
    query = (
        "CONSTRUCT { ?c ?p ?o . ?o ?p2 ?o2 . ?o2 ?p3 ?o3 } WHERE { "
        f"VALUES ?c {{ {values} }} GRAPH ?g {{ ?c ?p ?o "
        "OPTIONAL { ?o ?p2 ?o2 FILTER isBlank(?o) "
        "OPTIONAL { ?o2 ?p3 ?o3 FILTER isBlank(?o2) } } } }"
    )
    graph = construct(store, query)
    # Rank and deprecation come from the batch; the stored rank would clash with it.
    for c in claims:
        graph.remove((rdflib.URIRef(c), OG.rank, None))
    return graph


def submission_exists(store: ox.Store, graph: str) -> bool:
    """Tell whether a submission graph with this name was already written."""
    return store.query(f"ASK {{ GRAPH <{CATALOG}> {{ <{graph}> ?p ?o }} }}").__bool__()


def provenance_triples(
    submission: str, graph: str, digest: str, who: str, origin: str, when: datetime, triples: int
) -> str:
    """Return N-Triples lines recording who submitted what, when and from where."""
    s, g, agent = rdflib.URIRef(submission), rdflib.URIRef(graph), rdflib.URIRef(agent_iri(who))
    stamp = rdflib.Literal(when.replace(microsecond=0), datatype=XSD.dateTime)
    prov = rdflib.Graph()
    prov.add((s, RDF.type, PROV.Activity))
    prov.add((s, RDF.type, OG.Submission))
    prov.add((s, PROV.wasAssociatedWith, agent))
    prov.add((agent, RDF.type, PROV.Agent))
    prov.add((agent, RDFS.label, rdflib.Literal(who)))
    prov.add((s, PROV.endedAtTime, stamp))
    prov.add((s, OG.loadedFrom, rdflib.Literal(origin)))
    prov.add((s, OG.contentHash, rdflib.Literal(digest)))
    prov.add((s, PROV.generated, g))
    prov.add((g, PROV.wasGeneratedBy, s))
    prov.add((g, DCTERMS.extent, rdflib.Literal(triples)))
    return prov.serialize(format="nt")


def write_update(
    graph: str, batch: rdflib.Graph, provenance: str, digest: str, origin: str, when: datetime
) -> str:
    """Return the one SPARQL Update that writes the batch, its provenance and its catalogue entry."""
    body = batch.serialize(format="nt")
    return insert(
        f"GRAPH <{graph}> {{\n{body}\n}}\n" + records_block(graph, provenance, digest, origin, when)
    )


def records_block(graph: str, provenance: str, digest: str, origin: str, when: datetime) -> str:
    """Return the provenance and catalogue ``GRAPH`` blocks that record a batch."""
    stamp = when.replace(microsecond=0).isoformat().replace("+00:00", "Z")
    catalog = (
        f"<{graph}> <{OG.contentHash}> {ox.Literal(digest)} ; <{OG.loadedFrom}> {ox.Literal(origin)} ; "
        f'<{DCTERMS.modified}> "{stamp}"^^<{XSD.dateTime}> .'
    )
    # The batch's models are marked stale with the write, until its derive clears the mark.
    catalog += "\n" + staleness.mark_lines([graph])
    return f"GRAPH <{PROVENANCE_GRAPH}> {{\n{provenance}\n}}\nGRAPH <{CATALOG}> {{ {catalog} }}"


def ingest(
    store: ox.Store,
    batch: rdflib.Graph,
    who: str,
    origin: str,
    *,
    recompute: bool = True,
    when: datetime | None = None,
) -> Outcome:
    """Validate ``batch`` and write it atomically; raise Rejected with the report when it fails.

    Returns what was written and which models were recomputed. An identical
    batch submitted again returns ``created=False`` and writes nothing.
    """
    digest = canonical_hash(batch)
    key = digest.removeprefix("sha256:")[:32]
    graph = SUBMISSION_GRAPH_PREFIX + key
    submission = mint("submission", key)
    claims = sorted(str(c) for c in batch.subjects(RDF.type, OG.Claim))
    deprecated = sorted(deprecated_in(batch))
    if submission_exists(store, graph):
        return Outcome(submission, graph, digest, False, len(batch), claims, deprecated)
    from graph.corrections import correction_problems

    problems = correction_problems(store, batch)
    if problems is not None:
        raise Rejected(problems)
    report = check(store, batch)
    if not report.data_conforms:
        raise Rejected(report)
    when = when or datetime.now(UTC)
    provenance = provenance_triples(submission, graph, digest, who, origin, when, len(batch))
    if len(batch) > STAGED_TRIPLES and hasattr(store, "replace_graph"):
        # One update text this big fails on some servers (Virtuoso's SQL limit): the batch
        # goes to a staging graph, and one final operation moves it and writes its records.
        triples = ox.parse(batch.serialize(format="nt").encode(), ox.RdfFormat.N_TRIPLES)
        records = records_block(graph, provenance, digest, origin, when)
        store.replace_graph(graph, triples, records=records)
    else:
        store.update(write_update(graph, batch, provenance, digest, origin, when))
    outcome = Outcome(submission, graph, digest, True, len(batch), claims, deprecated)
    if recompute:
        from graph.derive import derive_after_load

        outcome.recomputed = list(derive_after_load(store, [graph], added_only=True))
    return outcome
