"""Count what the store holds."""

from __future__ import annotations

import pyoxigraph as ox

from graph.namespaces import CITO, DQV, OG, PROV, SKOS

COUNTED = {
    "models": OG.Model,
    "organizations": PROV.Organization,
    "sources": OG.Source,
    "citations": CITO.Citation,
    "claims": OG.Claim,
    "frameworks": OG.Framework,
    "criteria": OG.Criterion,
    "assessments": OG.Assessment,
    "scores": DQV.QualityMeasurement,
    "concepts": SKOS.Concept,
}


def stats(store: ox.Store) -> dict[str, int]:
    """Return counts of named graphs, quads and instances of the main classes."""
    counts = {"graphs": sum(1 for _ in store.named_graphs()), "triples": len(store)}
    for name, cls in COUNTED.items():
        query = f"SELECT (COUNT(DISTINCT ?x) AS ?n) WHERE {{ ?x a <{cls}> }}"
        row = next(iter(store.query(query, use_default_graph_as_union=True)))
        counts[name] = int(row["n"].value)
    return counts
