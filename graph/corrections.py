"""Check a correction batch beyond the shapes: it may deprecate only claims the graph holds, once."""

from __future__ import annotations

from collections.abc import Iterable

import pyoxigraph as ox
import rdflib
from rdflib import BNode, Literal, URIRef

from graph.ingest import deprecated_in, existing_claims
from graph.namespaces import OG, RDF, SH
from graph.queries import values_block
from graph.validation import ValidationReport, Violation

CHECK = "CorrectionCheck"
UNKNOWN_CLAIM = (
    "No claim with this IRI is in the graph: check the IRI (the trace of the model, or the "
    "answer that added the claim, gives it)."
)
ALREADY_DEPRECATED = (
    "This claim is already deprecated, and a claim is deprecated once: to say more, submit a "
    "new claim."
)


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
