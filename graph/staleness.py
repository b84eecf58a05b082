"""Mark durably which derived data a write may have made stale, and read the marks back.

A mark is one triple in the catalogue graph, ``<graph/derived> og:recomputeAfter <iri>``:
``<iri>`` is a named graph that changed, or a model, claim or source; ``<graph/derived>``
itself as object means every model. A writer puts the mark in the same transaction as
its write (a load's catalogue entry, a submission's records) or in one before it (the
server's raw writes); :func:`graph.derive.derive` removes the marks it answers in the
transaction that writes the recomputed data. A process killed, or a disk that filled up,
between a write and its derive leaves the marks, and the next derive (at ``openness
serve`` and server start, at the next load, submission or request) recomputes what they
name.
"""

from __future__ import annotations

from collections.abc import Iterable

import pyoxigraph as ox

from graph.namespaces import OG, graph_iri

CATALOG = graph_iri("catalog")
DERIVED = graph_iri("derived")
EVERY_MODEL = DERIVED  # as the object of a mark: recompute every model
RECOMPUTE_AFTER = str(OG.recomputeAfter)


def mark_lines(iris: Iterable[str] | None) -> str:
    """Return the N-Triples lines marking ``iris`` stale (every model when None)."""
    objects = [EVERY_MODEL] if iris is None else sorted(set(iris))
    return "\n".join(f"<{DERIVED}> <{RECOMPUTE_AFTER}> <{o}> ." for o in objects)


def mark_quads(iris: Iterable[str] | None) -> list[ox.Quad]:
    """Return the catalogue quads marking ``iris`` stale (every model when None)."""
    objects = [EVERY_MODEL] if iris is None else sorted(set(iris))
    subject, predicate, graph = (ox.NamedNode(i) for i in (DERIVED, RECOMPUTE_AFTER, CATALOG))
    return [ox.Quad(subject, predicate, ox.NamedNode(o), graph) for o in objects]


def mark_update(iris: Iterable[str] | None) -> str:
    """Return the SPARQL Update that marks ``iris`` stale (every model when None)."""
    return f"INSERT DATA {{ GRAPH <{CATALOG}> {{\n{mark_lines(iris)}\n}} }}"


def marks(store: ox.Store) -> set[str]:
    """Return what the store's marks name (``EVERY_MODEL`` among them when all is stale)."""
    query = f"SELECT ?o WHERE {{ GRAPH <{CATALOG}> {{ <{DERIVED}> <{RECOMPUTE_AFTER}> ?o }} }}"
    return {row["o"].value for row in store.query(query) if isinstance(row["o"], ox.NamedNode)}


def clear_update(found: Iterable[str]) -> str | None:
    """Return the SPARQL Update removing the marks naming ``found`` (None if there are none)."""
    found = sorted(set(found))
    if not found:
        return None
    lines = "\n".join(f"<{DERIVED}> <{RECOMPUTE_AFTER}> <{o}> ." for o in found)
    return f"DELETE DATA {{ GRAPH <{CATALOG}> {{\n{lines}\n}} }}"
