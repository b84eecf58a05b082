"""Find the sources the graph leans on most: PageRank over the evidence graph, and plain counts.

PageRank models a reader who starts anywhere in the evidence graph, follows
"derived from" and "cites" links (score -> assessment -> claim -> source ->
cited source), and now and then (1 - damping of the time) jumps to a node
chosen at random; at a node with no way on (a source that cites nothing, an
assessment with no claims) the reader jumps too. A source's PageRank is the
share of time the reader spends on it: high for sources that many scores rest
on, directly or through the works that cite them.
"""

from __future__ import annotations

import networkx as nx
import pyoxigraph as ox

from graph.analytics.cache import ResultCache, Snapshot, finish
from graph.analytics.graphs import (
    ASSESSMENT,
    CLAIM,
    SCORE,
    SOURCE,
    citations_of,
    evidence_of,
    names_of,
)

DAMPING = 0.85
ORDERS = ("pagerank", "claims", "scores")


def reliance(
    store: ox.Store,
    *,
    limit: int | None = None,
    by: str = "pagerank",
    cache: ResultCache | None = None,
) -> dict:
    """Rank the sources by how much the graph relies on them (keys in docs/analytics.md)."""
    if by not in ORDERS:
        raise ValueError(f"unknown order {by!r}; use one of {', '.join(ORDERS)}")
    snap = Snapshot(store, cache)
    return finish(snap.get("reliance", (by,), lambda: _reliance(snap, by)), limit)


def source_pagerank(graph: nx.DiGraph, damping: float = DAMPING) -> dict[str, float]:
    """Return the PageRank of every node of the evidence graph (empty for an empty graph)."""
    if graph.number_of_nodes() == 0:
        return {}
    return nx.pagerank(graph, alpha=damping)


def _reliance(snap: Snapshot, by: str) -> dict:
    graph = evidence_of(snap)
    citations = citations_of(snap)
    rank = source_pagerank(graph)
    kind = graph.nodes

    def above(nodes: set[str], wanted: str) -> set[str]:
        return {p for n in nodes for p in graph.predecessors(n) if kind[p].get("kind") == wanted}

    claims_of = {s: above({s}, CLAIM) for s, k in graph.nodes(data="kind") if k == SOURCE}
    items = []
    for source, claims in claims_of.items():
        assessments = above(claims, ASSESSMENT)
        citing = set(citations.predecessors(source)) if source in citations else set()
        via: set[str] = set()
        if citing:
            for ancestor in nx.ancestors(citations, source):
                via |= claims_of.get(ancestor, set())
        items.append(
            {
                "source": source,
                "pagerank": rank.get(source, 0.0),
                "claims": len(claims),
                "assessments": len(assessments),
                "scores": len(above(assessments, SCORE)),
                "models": len({kind[c]["model"] for c in claims}),
                "cited_by": len(citing),
                "claims_via_citations": len(via - claims),
            }
        )
    key = {
        "pagerank": lambda i: (-i["pagerank"], -i["claims"], i["source"]),
        "claims": lambda i: (-i["claims"], -i["pagerank"], i["source"]),
        "scores": lambda i: (-i["scores"], -i["pagerank"], i["source"]),
    }[by]
    items.sort(key=key)
    return {
        "measure": "reliance",
        "data_version": snap.version,
        "by": by,
        "damping": DAMPING,
        "nodes": graph.number_of_nodes(),
        "edges": graph.number_of_edges(),
        "total": len(items),
        "items": items,
        "labels": names_of(snap, claims_of),
    }
