"""Count what the store holds, and how many models each framework leaves unplaced."""

from __future__ import annotations

import pyoxigraph as ox

from graph.namespaces import CITO, DCTERMS, DQV, OG, PROV, SKOS
from graph.records import SCORES_GRAPH
from graph.scoring.rules import FRAMEWORK_PREFIX, RULES

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


UNPLACED_QUERY = f"""SELECT ?framework (COUNT(DISTINCT ?model) AS ?n) WHERE {{
  GRAPH <{SCORES_GRAPH}> {{
    ?s <{OG.framework}> ?framework ; <{DQV.computedOn}> ?model ; <{OG.flag}> <{OG.Unplaced}> .
    FILTER NOT EXISTS {{ ?s <{DCTERMS.isPartOf}> ?whole }}
  }}
}} GROUP BY ?framework"""


def unplaced(store: ox.Store) -> dict[str, int]:
    """Return, per scored framework slug, how many models it leaves unplaced (0 included)."""
    found = {
        row["framework"].value.removeprefix(FRAMEWORK_PREFIX): int(row["n"].value)
        for row in store.query(UNPLACED_QUERY)
    }
    return {r.slug: found.get(r.slug, 0) for r in RULES}
