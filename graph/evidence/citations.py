"""Read the citation graph behind some sources: what they cite, through how many steps.

``read_citations`` follows ``cito:cites`` and its sub-properties, ``cito:isCitedBy``
read backwards, and ``cito:Citation`` nodes from the starting sources: one query
for the sources reached, then lookups of those sources by name for their
descriptions and citations. The result is a ``CitationGraph`` of plain records
that ``graph.evidence`` walks. ``graph/queries/citation-closure.rq`` is the same
read as one query, for users, taking the closure from what the derivation stores
(``og:reaches``, :mod:`graph.derive.citations`); the trace follows the citations
themselves, so it needs no derive to be current.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import pyoxigraph as ox

from graph.labels import SMALLEST_LABEL, read_names
from graph.namespaces import BIBO, CITO, CITO_PROPERTIES, DCTERMS, OA, OG, SCHEMA
from graph.queries import chunks, least, one_of, select, values_block

# One citation step: a direct link, cito:isCitedBy backwards, or through a cito:Citation.
STEP = "|".join(
    [f"<{p}>" for p in CITO_PROPERTIES]
    + [f"^<{CITO.isCitedBy}>", f"^<{CITO.hasCitingEntity}>/<{CITO.hasCitedEntity}>"]
)
SOURCE_PROPERTIES = {
    str(DCTERMS.title): "title",
    str(SCHEMA.url): "url",
    str(DCTERMS.issued): "issued",
    str(DCTERMS.type): "type",
    str(DCTERMS.publisher): "publisher",
}
# Nodes named in one query (as the evidence read names its sources).
NODES_PER_QUERY = 2_000


@dataclass
class CitedSource:
    """A source reached by the trace, with what it cites."""

    iri: str
    title: str | None = None
    url: str | None = None
    issued: ox.Literal | None = None
    kinds: set[str] = field(default_factory=set)
    publishers: dict[str, str | None] = field(default_factory=dict)  # IRI -> label


@dataclass
class Citation:
    """One citing -> cited link, merged over its direct properties and cito:Citation nodes."""

    citing: str
    cited: str
    properties: set[str] = field(default_factory=set)
    notes: set[int] = field(default_factory=set)
    passages: set[str] = field(default_factory=set)
    texts: set[str] = field(default_factory=set)
    locators: set[str] = field(default_factory=set)  # pages or sections of the cited work
    nodes: dict[str, tuple[int | None, str | None]] = field(default_factory=dict)
    # cito:Citation IRI -> (note number, characterisation)


@dataclass
class CitationGraph:
    """The sources reachable from some starting sources, and the citations between them."""

    sources: dict[str, CitedSource] = field(default_factory=dict)
    citations: dict[tuple[str, str], Citation] = field(default_factory=dict)

    def cited_by(self, iri: str) -> list[Citation]:
        """Return the citations ``iri`` makes, ordered by the cited source."""
        return sorted(
            (c for (a, _), c in self.citations.items() if a == iri), key=lambda c: c.cited
        )


def read_citations(store: ox.Store, starts: Iterable[str]) -> CitationGraph:
    """Read the citation graph reachable from ``starts``."""
    graph = CitationGraph()
    nodes = reached(store, sorted(set(starts)))
    for iri in nodes:
        graph.sources[iri] = CitedSource(iri)
    for chunk in chunks(nodes, NODES_PER_QUERY):
        _describe(store, chunk, graph.sources)
        _link(store, chunk, graph.citations)
    return graph


def reached(store: ox.Store, starts: Sequence[str]) -> list[str]:
    """Return the sources ``starts`` reach through citations, themselves included."""
    found: set[str] = set()
    for chunk in chunks(starts, NODES_PER_QUERY):
        # The start in a subquery of its own: Virtuoso starts no path from a VALUES
        # block in the same group.
        query = f"""SELECT DISTINCT ?node WHERE {{
  {{ SELECT ?start WHERE {{ {values_block("start", chunk)} }} }}
  ?start ({STEP})* ?node .
}}"""
        found |= {row["node"].value for row in select(store, query) if _named(row, "node")}
    return sorted(found)


def _describe(store: ox.Store, nodes: Sequence[str], sources: dict[str, CitedSource]) -> None:
    """Fill in the title, address, date, kinds and publishers of ``nodes``."""
    about: dict[str, dict[str, list]] = {}
    query = f"""SELECT ?node ?p ?o WHERE {{
  {values_block("node", nodes)}
  ?node ?p ?o . {one_of(SOURCE_PROPERTIES)}
}}"""
    for row in select(store, query):
        name = SOURCE_PROPERTIES[row["p"].value]
        about.setdefault(row["node"].value, {}).setdefault(name, []).append(row["o"])
    publishers = {
        p.value for values in about.values() for p in values.get("publisher", ()) if _iri(p)
    }
    labels = read_names(store, publishers, SMALLEST_LABEL)
    for iri, values in about.items():
        source = sources[iri]
        # One value where the data gives several: the smallest, whatever the row order.
        source.title = least(values.get("title", ()))
        source.url = least(values.get("url", ()))
        source.issued = min(values.get("issued", ()), key=lambda t: t.value, default=None)
        source.kinds = {t.value for t in values.get("type", ())}
        source.publishers = {
            p.value: labels.get(p.value) for p in values.get("publisher", ()) if _iri(p)
        }


def _link(
    store: ox.Store, nodes: Sequence[str], citations: dict[tuple[str, str], Citation]
) -> None:
    """Add the citations ``nodes`` make: direct links, ``cito:isCitedBy``, ``cito:Citation``s."""
    named = values_block("node", nodes)

    def link(row: dict) -> Citation | None:
        if not _named(row, "cited"):
            return None
        key = (row["node"].value, row["cited"].value)
        return citations.setdefault(key, Citation(*key))

    direct = f"""SELECT ?node ?property ?cited WHERE {{
  {named} ?node ?property ?cited .
  {one_of(CITO_PROPERTIES, "property")}
}}"""
    for row in select(store, direct):
        if (found := link(row)) is not None:
            found.properties.add(row["property"].value)
    backwards = f"SELECT ?node ?cited WHERE {{ {named} ?cited <{CITO.isCitedBy}> ?node }}"
    for row in select(store, backwards):
        if (found := link(row)) is not None:
            found.properties.add(str(CITO.cites))
    through = f"<{CITO.hasCitingEntity}> ?node ; <{CITO.hasCitedEntity}> ?cited"
    nodes_query = f"""SELECT ?node ?citation ?cited ?property ?note ?citationText WHERE {{
  {named} ?citation {through} .
  OPTIONAL {{ ?citation <{CITO.hasCitationCharacterization}> ?property }}
  OPTIONAL {{ ?citation <{OG.noteNumber}> ?note }}
  OPTIONAL {{ ?citation <{OG.citationText}> ?citationText }}
}}"""
    for row in select(store, nodes_query):
        found = link(row)
        if found is None:
            continue
        if "property" in row:
            found.properties.add(row["property"].value)
        if "note" in row:
            found.notes.add(int(row["note"].value))
        if "citationText" in row:
            found.texts.add(row["citationText"].value)
        if _named(row, "citation"):
            note = int(row["note"].value) if "note" in row else None
            property_ = row["property"].value if "property" in row else None
            found.nodes[row["citation"].value] = (note, property_)
    # The passages in a query of their own: as a fourth OPTIONAL above, Oxigraph took
    # 7 s at 5M triples for 12 citations (1 ms alone).
    passages = f"""SELECT ?node ?cited ?passage WHERE {{
  {named} ?citation {through} .
  ?citation <{OG.quote}>/<{OA.hasSelector}>/<{OA.exact}> ?passage .
}}"""
    for row in select(store, passages):
        if (found := link(row)) is not None:
            found.passages.add(row["passage"].value)

    for row in select(store, locator_query(named, "node")):
        if (found := link(row)) is not None:
            found.locators.add(row["locator"].value)


def locator_query(named: str, citing: str) -> str:
    """Return the query for the locators of the citations made by the ``named`` ``?citing``.

    A locator is the page or section of the cited work a note points to: the note
    ``dcterms:references`` an ``oa:SpecificResource`` of the cited work (``oa:hasSource``)
    with a ``bibo:locator`` (see ontology/README.md).
    """
    return f"""SELECT ?{citing} ?citation ?cited ?locator WHERE {{
  {named} ?citation <{CITO.hasCitingEntity}> ?{citing} ; <{DCTERMS.references}> ?part .
  ?part <{OA.hasSource}> ?cited ; <{BIBO.locator}> ?locator .
}}"""


def _named(row: dict, name: str) -> bool:
    return _iri(row.get(name))


def _iri(term: object) -> bool:
    return isinstance(term, ox.NamedNode)
