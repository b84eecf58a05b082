"""Deprecate claims, and check a correction batch beyond the shapes.

A correction is a batch that gives earlier claims ``og:rank og:DeprecatedRank`` with a
reason, who and when (:func:`deprecation_triples`). It may deprecate only claims the
graph holds, and each once (:func:`correction_problems`); it is validated with those
claims' stored statements (:func:`claim_statements`).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime

import pyoxigraph as ox
import rdflib
from rdflib import BNode, Literal, URIRef

from graph.ingest.provenance import agent_iri
from graph.namespaces import OG, RDF, SH, XSD
from graph.queries import values_block
from graph.validation import ValidationReport, Violation
from graph.validation.context import construct

CHECK = "CorrectionCheck"
UNKNOWN_CLAIM = (
    "No claim with this IRI is in the graph: check the IRI (the trace of the model, or the "
    "answer that added the claim, gives it)."
)
ALREADY_DEPRECATED = (
    "This claim is already deprecated, and a claim is deprecated once: to say more, submit a "
    "new claim."
)


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


def claim_statements(store: ox.Store, claims: Iterable[str]) -> rdflib.Graph:
    """Return everything the store says about ``claims`` (for validating their deprecation)."""
    claims = sorted(claims)
    graph = statements_about(store, claims)
    # Rank and deprecation come from the batch; the stored rank would clash with it.
    for c in claims:
        graph.remove((rdflib.URIRef(c), OG.rank, None))
    return graph


def statements_about(store: ox.Store, iris: Iterable[str]) -> rdflib.Graph:
    """Return everything the store says about ``iris``, with their blank nodes two levels deep."""
    graph = rdflib.Graph()
    iris = sorted(iris)
    # A few hundred IRIs a query: some servers cap the length of one query's text.
    for start in range(0, len(iris), 500):
        values = " ".join(f"<{c}>" for c in iris[start : start + 500])
        query = (
            "CONSTRUCT { ?c ?p ?o . ?o ?p2 ?o2 . ?o2 ?p3 ?o3 } WHERE { "
            f"VALUES ?c {{ {values} }} GRAPH ?g {{ ?c ?p ?o "
            "OPTIONAL { ?o ?p2 ?o2 FILTER isBlank(?o) "
            "OPTIONAL { ?o2 ?p3 ?o3 FILTER isBlank(?o2) } } } }"
        )
        construct(store, query, into=graph)
    return graph


def correction_problems(store: ox.Store, batch: rdflib.Graph) -> ValidationReport | None:
    """Report deprecations of claims the graph does not hold, or has already deprecated."""
    wanted = deprecated_in(batch)
    if not wanted:
        return None
    here = {str(c) for c in batch.subjects(RDF.type, OG.Claim)}
    stored = existing_claims(store, wanted)
    query = (
        f"SELECT DISTINCT ?c WHERE {{ {values_block('c', sorted(stored))} "
        f"GRAPH ?g {{ ?c <{OG.rank}> <{OG.DeprecatedRank}> }} }}"
    )
    done = {row["c"].value for row in store.query(query)} if stored else set()
    found = [(c, "unknown-claim", UNKNOWN_CLAIM) for c in sorted(wanted - here - stored)]
    found += [(c, "already-deprecated", ALREADY_DEPRECATED) for c in sorted(done)]
    if not found:
        return None
    results = [
        Violation(
            URIRef(c), OG.rank, OG.DeprecatedRank, text, CHECK, "Violation", None, f"{CHECK}-{tag}"
        )
        for c, tag, text in found
    ]
    return ValidationReport(False, results, report_graph(results))


def report_graph(results: Iterable[Violation]) -> rdflib.Graph:
    """Return a SHACL validation report graph holding ``results``."""
    g = rdflib.Graph()
    report = BNode()
    g.add((report, RDF.type, SH.ValidationReport))
    g.add((report, SH.conforms, Literal(False)))
    for v in results:
        r = BNode()
        g.add((report, SH.result, r))
        g.add((r, RDF.type, SH.ValidationResult))
        g.add((r, SH.focusNode, v.focus_node))
        g.add((r, SH.resultSeverity, SH.Violation))
        g.add((r, SH.resultMessage, Literal(v.message)))
        if v.path is not None:
            g.add((r, SH.resultPath, v.path))
        if v.value is not None:
            g.add((r, SH.value, v.value))
    return g
