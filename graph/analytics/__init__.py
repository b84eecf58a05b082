"""Analyse the evidence with networkx: reliance, fragility, cycles, depth, self-reporting, disagreement.

Every measure is a plain function ``measure(store, *, limit=None, cache=None)``
returning a JSON-ready dict (keys documented in docs/analytics.md)::

    {"measure": ..., "data_version": ..., <summary keys>, "total": n,
     "limit": limit, "items": [...], "labels": {iri: name}}

``items`` are sorted most telling first and cut to ``limit``; ``total`` is how
many there are in all; ``labels`` names every IRI the returned items mention.
Results are cached per data version (``graph.analytics.cache``). The networkx
graphs themselves are ``citation_graph(store)`` and ``evidence_graph(store)``.
"""

from __future__ import annotations

from collections.abc import Callable

from graph.analytics.cache import DEFAULT_CACHE, ResultCache, clear_cache, data_version
from graph.analytics.citations import cycles, depth
from graph.analytics.disagreement import disagreement
from graph.analytics.distribution import score_distribution
from graph.analytics.fragility import fragility
from graph.analytics.graphs import citation_graph, evidence_graph
from graph.analytics.reliance import reliance
from graph.analytics.self_reported import self_reported

# Measure name (as in `openness analyze NAME` and /api/analytics/NAME) -> function.
MEASURES: dict[str, Callable[..., dict]] = {
    "reliance": reliance,
    "fragility": fragility,
    "cycles": cycles,
    "depth": depth,
    "self-reported": self_reported,
    "disagreement": disagreement,
    "distribution": score_distribution,
}

__all__ = [
    "DEFAULT_CACHE",
    "MEASURES",
    "ResultCache",
    "citation_graph",
    "clear_cache",
    "cycles",
    "data_version",
    "depth",
    "disagreement",
    "evidence_graph",
    "fragility",
    "reliance",
    "score_distribution",
    "self_reported",
]
