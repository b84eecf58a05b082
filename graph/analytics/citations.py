"""Find citation cycles, and measure how deep each model's evidence goes into the citation graph.

- A citation cycle is a set of works that cite each other round: A cites B,
  B cites C, C cites A (a strongly connected component of the citation graph
  with more than one work, or a work that cites itself). Evidence inside a
  cycle supports itself: following the citations never reaches a work outside
  it that the others rest on.
- A model's evidence depth is how many citation steps its evidence reaches
  beyond the sources its claims cite directly: 0 when those sources cite
  nothing in the graph. Each source reached is counted at its fewest steps from
  one of the model's sources (a breadth-first walk, as ``openness trace``
  counts its ``citation_depth``), so a cycle never makes depth endless. The
  whole chain from a score is three steps longer (score -> assessment ->
  claim -> source).
"""

from __future__ import annotations

from collections import Counter, deque
from collections.abc import Iterable

import networkx as nx
import pyoxigraph as ox

from graph.analytics.cache import ResultCache, Snapshot, finish
from graph.analytics.graphs import citations_of, claim_sources_by_model, names_of


def cycles(store: ox.Store, *, limit: int | None = None, cache: ResultCache | None = None) -> dict:
    """List the citation cycles, the works in each and the claims resting on them."""
    snap = Snapshot(store, cache)
    return finish(snap.get("cycles", (), lambda: _cycles(snap)), limit)


def depth(store: ox.Store, *, limit: int | None = None, cache: ResultCache | None = None) -> dict:
    """Measure, per model, how many citation steps its evidence reaches."""
    snap = Snapshot(store, cache)
    return finish(snap.get("depth", (), lambda: _depth(snap)), limit)


def citation_cycles(graph: nx.DiGraph) -> list[set[str]]:
    """Return the works of each citation cycle (components of two or more, or a self-citation)."""
    return [
        set(c)
        for c in nx.strongly_connected_components(graph)
        if len(c) > 1 or graph.has_edge(next(iter(c)), next(iter(c)))
    ]


def shortest_cycle(graph: nx.DiGraph, members: set[str]) -> list[str]:
    """Return a shortest cycle through the smallest IRI of ``members``, closed (first == last)."""
    start = min(members)
    if graph.has_edge(start, start):
        return [start, start]
    parent = {start: None}
    queue = deque([start])
    while queue:
        node = queue.popleft()
        for nxt in sorted(graph.successors(node)):
            if nxt == start:
                path = [node]
                while parent[path[-1]] is not None:
                    path.append(parent[path[-1]])
                return [*reversed(path), start]
            if nxt in members and nxt not in parent:
                parent[nxt] = node
                queue.append(nxt)
    raise ValueError("the members given are not a cycle")  # pragma: no cover


def reach(graph: nx.DiGraph, starts: Iterable[str]) -> tuple[dict[str, int], dict[str, str]]:
    """Return every work reachable from ``starts`` with its fewest steps, and a parent on that path."""
    steps = {s: 0 for s in sorted(set(starts))}
    parent: dict[str, str] = {}
    queue = deque(steps)
    while queue:
        node = queue.popleft()
        if node not in graph:
            continue
        for nxt in sorted(graph.successors(node)):
            if nxt not in steps:
                steps[nxt] = steps[node] + 1
                parent[nxt] = node
                queue.append(nxt)
    return steps, parent


def _cycles(snap: Snapshot) -> dict:
    graph = citations_of(snap)
    claims_of: dict[str, set[str]] = {}
    model_of: dict[str, str] = {}
    for model, claims in claim_sources_by_model(snap).items():
        for claim, sources in claims.items():
            model_of[claim] = model
            for source in sources:
                claims_of.setdefault(source, set()).add(claim)
    items = []
    for members in citation_cycles(graph):
        resting = {c for s in members for c in claims_of.get(s, ())}
        items.append(
            {
                "sources": sorted(members),
                "size": len(members),
                "cycle": shortest_cycle(graph, members),
                "claims": len(resting),
                "models": len({model_of[c] for c in resting}),
            }
        )
    items.sort(key=lambda i: (-i["claims"], -i["size"], i["sources"][0]))
    in_cycles = {s for i in items for s in i["sources"]}
    return {
        "measure": "cycles",
        "data_version": snap.version,
        "works": graph.number_of_nodes(),
        "citations": graph.number_of_edges(),
        "works_in_cycles": len(in_cycles),
        "total": len(items),
        "items": items,
        "labels": names_of(snap, in_cycles),
    }


def _depth(snap: Snapshot) -> dict:
    graph = citations_of(snap)
    items = []
    for model, claims in claim_sources_by_model(snap).items():
        starts = {s for sources in claims.values() for s in sources}
        steps, parent = reach(graph, starts)
        deepest = max(steps.values())
        end = min(s for s, n in steps.items() if n == deepest)
        path = [end]
        while path[-1] in parent:
            path.append(parent[path[-1]])
        items.append(
            {
                "model": model,
                "depth": deepest,
                "claims": len(claims),
                "sources": len(starts),
                "sources_reached": len(steps),
                "path": path[::-1],
            }
        )
    items.sort(key=lambda i: (-i["depth"], -i["sources_reached"], i["model"]))
    histogram = Counter(i["depth"] for i in items)
    return {
        "measure": "depth",
        "data_version": snap.version,
        "max_depth": max(histogram, default=0),
        "mean_depth": sum(i["depth"] for i in items) / len(items) if items else None,
        "histogram": [{"depth": d, "models": histogram[d]} for d in sorted(histogram)],
        "total": len(items),
        "items": items,
        "labels": names_of(
            snap, {i["model"] for i in items} | {s for i in items for s in i["path"]}
        ),
    }
