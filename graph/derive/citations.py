"""Store which works each work reaches through citations, as one derived named graph.

A work reaches another when a chain of one or more citation steps leads from it to the
other. A step is ``cito:cites`` or one of its sub-properties, ``cito:isCitedBy`` read
backwards, or a ``cito:Citation`` node (``cito:hasCitingEntity`` to
``cito:hasCitedEntity``). The closure is computed in Python from one read of every
citation edge (three scans, no property path) and stored as ``<work> og:reaches
<reached>`` in ``graph/derived/citations``: a work in a cycle reaches itself. Only named
works are stored; a blank node still carries the chain through it. The example queries
``citation-closure.rq`` and ``10-most-relied-upon-sources.rq`` read it instead of
following the 45 kinds of step at query time.

:func:`closure_edits` returns the write that turns the stored closure into the current
one (nothing when they agree), for :func:`graph.derive.derive` to make with the rest of
the derived data; :func:`holds_citations` says whether some named graphs hold a
citation edge, so that a load or a submission without any leaves the closure alone.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import pyoxigraph as ox

from graph.namespaces import CITO, CITO_PROPERTIES, OG, graph_iri
from graph.queries import values_block
from graph.store import writes

CITATIONS_GRAPH = graph_iri("derived/citations")
REACHES = str(OG.reaches)
# Every predicate a citation edge is written with.
CITATION_PREDICATES = (
    *CITO_PROPERTIES,
    str(CITO.isCitedBy),
    str(CITO.hasCitingEntity),
    str(CITO.hasCitedEntity),
)

_EDGE_QUERIES = (
    f"SELECT DISTINCT ?a ?b WHERE {{ {values_block('p', CITO_PROPERTIES)} ?a ?p ?b }}",
    f"SELECT DISTINCT ?a ?b WHERE {{ ?b <{CITO.isCitedBy}> ?a }}",
    f"""SELECT DISTINCT ?a ?b WHERE {{
      ?c <{CITO.hasCitingEntity}> ?a . ?c <{CITO.hasCitedEntity}> ?b }}""",
)

Term = ox.NamedNode | ox.BlankNode | ox.Literal


def citation_edges(store: ox.Store) -> dict[Term, set[Term]]:
    """Return every citing work with the works it cites in one step, over every graph."""
    out: dict[Term, set[Term]] = {}
    for query in _EDGE_QUERIES:
        for a, b in store.query(query, use_default_graph_as_union=True):
            out.setdefault(a, set()).add(b)
    return out


def reached(edges: Mapping[Term, set[Term]]) -> dict[Term, set[Term]]:
    """Return, for each citing work, every work one or more steps lead to (itself in a cycle).

    Works met along one walk are closed first and their closures reused, so a work
    shared by many chains is walked once.
    """
    done: dict[Term, set[Term]] = {}
    for start in edges:
        if start not in done:
            _close(start, edges, done)
    return done


def _close(start: Term, edges: Mapping[Term, set[Term]], done: dict[Term, set[Term]]) -> None:
    """Close ``start`` and what it reaches, depth first without recursion.

    A work on a cycle cannot reuse a closure still being built, so the walk from it
    falls back to a plain search of everything it reaches.
    """
    on_path: set[Term] = set()
    stack: list[tuple[Term, bool]] = [(start, False)]
    while stack:
        node, leaving = stack.pop()
        if leaving:
            on_path.discard(node)
            if any(n in on_path or (n in edges and n not in done) for n in edges.get(node, ())):
                done[node] = _search(node, edges)
            else:
                found: set[Term] = set()
                for n in edges.get(node, ()):
                    found.add(n)
                    found |= done.get(n, set())
                done[node] = found
            continue
        if node in done or node in on_path:
            continue
        on_path.add(node)
        stack.append((node, True))
        stack.extend((n, False) for n in edges.get(node, ()) if n in edges and n not in done)


def _search(start: Term, edges: Mapping[Term, set[Term]]) -> set[Term]:
    """Return every work one or more steps lead to from ``start``."""
    seen: set[Term] = set()
    todo = list(edges.get(start, ()))
    while todo:
        node = todo.pop()
        if node not in seen:
            seen.add(node)
            todo.extend(edges.get(node, ()))
    return seen


def closure_lines(store: ox.Store) -> set[str]:
    """Return the N-Triples lines of the current closure (named works only)."""
    reaches = f"<{REACHES}>"
    return {
        f"{a} {reaches} {b} ."
        for a, found in reached(citation_edges(store)).items()
        if isinstance(a, ox.NamedNode)
        for b in found
        if isinstance(b, ox.NamedNode)
    }


def stored_lines(store: ox.Store) -> set[str]:
    """Return the N-Triples lines of the closure the store holds."""
    query = f"SELECT ?a ?b WHERE {{ GRAPH <{CITATIONS_GRAPH}> {{ ?a <{REACHES}> ?b }} }}"
    return {f"{a} <{REACHES}> {b} ." for a, b in store.query(query)}


def closure_edits(store: ox.Store) -> writes.Edits:
    """Return the write turning the stored closure into the current one (empty if equal).

    A work whose reached works changed is rewritten whole, all its old lines out and all
    its new ones in, as ``writes.edit_graphs`` asks.
    """
    old, new = _by_work(stored_lines(store)), _by_work(closure_lines(store))
    works = sorted(w for w in old.keys() | new.keys() if old.get(w) != new.get(w))
    if not works:
        return {}
    gone = sorted(line for w in works for line in old.get(w, ()))
    come = sorted(line for w in works for line in new.get(w, ()))
    return {CITATIONS_GRAPH: (gone, come)}


def _by_work(lines: Iterable[str]) -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    for line in lines:
        out.setdefault(line[: line.index(" ")], set()).add(line)
    return out


def holds_citations(store: ox.Store, graphs: Iterable[str]) -> bool:
    """Say whether any of the named graphs ``graphs`` holds a citation edge."""
    graphs = sorted(set(graphs))
    if not graphs:
        return False
    query = f"""ASK {{ {values_block("g", graphs)} {values_block("p", CITATION_PREDICATES)}
      GRAPH ?g {{ ?s ?p ?o }} }}"""
    return bool(store.query(query))
