"""Build networkx views of the store: the citation graph and the evidence graph.

- The citation graph has an edge citing -> cited for every citation, however it
  is written (``graph/queries/analytics-citations.rq``): ``cito:cites`` and its
  sub-properties, ``cito:isCitedBy`` backwards, ``cito:Citation`` nodes. Each
  edge carries ``properties`` (the CiTO properties that state it) and
  ``citations`` (the ``cito:Citation`` nodes that describe it).
- The evidence graph follows ``prov:wasDerivedFrom`` from whole scores to
  assessments, from assessments to claims, from claims to sources, and then the
  citation graph's edges between sources
  (``graph/queries/analytics-evidence.rq``). Every node has a ``kind``
  ("score", "assessment", "claim", "source"); scores, assessments and claims
  have the ``model`` they are about. Edges point from what depends to what it
  depends on, and carry ``link``: "derived" or "cites". Deprecated claims are
  not in it: they support nothing.

Only IRIs become nodes; a blank node in any position drops the row.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

import networkx as nx
import pyoxigraph as ox

from graph.analytics.cache import Snapshot
from graph.labels import ENGLISH_FIRST, last_segment, read_names
from graph.queries import load_query

EVIDENCE_QUERY = load_query("analytics-evidence")
CITATIONS_QUERY = load_query("analytics-citations")
SCORE, ASSESSMENT, CLAIM, SOURCE = "score", "assessment", "claim", "source"
KINDS = (SCORE, ASSESSMENT, CLAIM, SOURCE)
TARGET_KIND = {SCORE: ASSESSMENT, ASSESSMENT: CLAIM, CLAIM: SOURCE}


@dataclass(frozen=True)
class Link:
    """One evidence link: ``node`` (a score, assessment or claim about ``model``) -> ``target``."""

    kind: str
    node: str
    target: str
    model: str


def iri_rows(store: ox.Store, query: str) -> Iterator[tuple[str | None, ...]]:
    """Run a SELECT over the union of the graphs; yield rows of IRIs (None for anything else)."""
    named = ox.NamedNode
    for solution in store.query(query, use_default_graph_as_union=True):
        yield tuple(t.value if type(t) is named else None for t in solution)


def read_links(store: ox.Store) -> list[Link]:
    """Return the evidence graph's derivation links (scores, assessments, claims -> sources)."""
    links = []
    for solution in store.query(EVIDENCE_QUERY, use_default_graph_as_union=True):
        kind, node, target, model = solution
        if type(node) is ox.NamedNode and type(target) is ox.NamedNode:
            about = model.value if type(model) is ox.NamedNode else ""
            links.append(Link(kind.value, node.value, target.value, about))
    return links


def read_citations(store: ox.Store) -> nx.DiGraph:
    """Return the citation graph: citing -> cited, with ``properties`` and ``citations`` sets."""
    graph = nx.DiGraph()
    for citing, cited, prop, citation in iri_rows(store, CITATIONS_QUERY):
        if citing is None or cited is None:
            continue
        if not graph.has_edge(citing, cited):
            graph.add_edge(citing, cited, properties=set(), citations=set())
        data = graph.edges[citing, cited]
        if prop:
            data["properties"].add(prop)
        if citation:
            data["citations"].add(citation)
    return graph


def build_evidence_graph(links: Iterable[Link], citations: nx.DiGraph) -> nx.DiGraph:
    """Join derivation links and the citation graph into the evidence graph."""
    graph = nx.DiGraph()
    for link in links:
        about = {"model": link.model}
        graph.add_node(link.node, kind=link.kind, **about)
        if link.target not in graph:
            # Its own links, if it has any, give it its kind and model later.
            kind = TARGET_KIND[link.kind]
            graph.add_node(link.target, kind=kind, **({} if kind == SOURCE else about))
        graph.add_edge(link.node, link.target, link="derived")
    for citing, cited in citations.edges:
        for node in (citing, cited):
            if node not in graph:
                graph.add_node(node, kind=SOURCE)
        graph.add_edge(citing, cited, link="cites")
    return graph


def citation_graph(store: ox.Store) -> nx.DiGraph:
    """Return a fresh citation graph of the store (see the module doc)."""
    return read_citations(store)


def evidence_graph(store: ox.Store) -> nx.DiGraph:
    """Return a fresh evidence graph of the store (see the module doc)."""
    return build_evidence_graph(read_links(store), read_citations(store))


# ---------------------------------------------------------------- cached per data version


def links_of(snap: Snapshot) -> list[Link]:
    """Return the snapshot's derivation links, read once per data version."""
    return snap.get("_links", (), lambda: read_links(snap.store))


def citations_of(snap: Snapshot) -> nx.DiGraph:
    """Return the snapshot's citation graph, built once per data version; do not change it."""
    return snap.get("_citations", (), lambda: read_citations(snap.store))


def evidence_of(snap: Snapshot) -> nx.DiGraph:
    """Return the snapshot's evidence graph, built once per data version; do not change it."""
    return snap.get(
        "_evidence", (), lambda: build_evidence_graph(links_of(snap), citations_of(snap))
    )


def claim_sources_by_model(snap: Snapshot) -> dict[str, dict[str, set[str]]]:
    """Return model -> claim -> its sources, for the claims that are not deprecated."""

    def build() -> dict[str, dict[str, set[str]]]:
        out: dict[str, dict[str, set[str]]] = {}
        for link in links_of(snap):
            if link.kind == CLAIM:
                out.setdefault(link.model, {}).setdefault(link.node, set()).add(link.target)
        return out

    return snap.get("_claim_sources", (), build)


def names_of(snap: Snapshot, iris: Iterable[str]) -> dict[str, str]:
    """Return a name for each of ``iris``: English first, else its last segment."""
    return read_names(snap.store, iris, ENGLISH_FIRST, fallback=last_segment)
