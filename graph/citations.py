"""Read the citation graph behind some sources: what they cite, through how many steps.

One query (``graph/queries/citation-closure.rq``) follows ``cito:cites`` and its
sub-properties, ``cito:isCitedBy`` read backwards, and ``cito:Citation`` nodes
from the starting sources; the
result is a ``CitationGraph`` of plain records that ``graph.evidence`` walks.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

import pyoxigraph as ox

from graph.records import load_query, restrict, select


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
    """Read the citation graph reachable from ``starts`` in one query."""
    starts = sorted(set(starts))
    graph = CitationGraph()
    if not starts:
        return graph
    for row in select(store, restrict(load_query("citation-closure"), "start", starts)):
        node = row["node"]
        if not isinstance(node, ox.NamedNode):
            continue
        kind = row["row"].value
        if kind == "source":
            s = graph.sources.setdefault(node.value, CitedSource(node.value))
            s.title = s.title or _value(row, "title")
            s.url = s.url or _value(row, "url")
            s.issued = s.issued or row.get("issued")
            if "type" in row:
                s.kinds.add(row["type"].value)
            if isinstance(row.get("publisher"), ox.NamedNode):
                s.publishers[row["publisher"].value] = _value(row, "publisherLabel")
            continue
        cited = row.get("cited")
        if not isinstance(cited, ox.NamedNode):
            continue
        link = graph.citations.setdefault(
            (node.value, cited.value), Citation(node.value, cited.value)
        )
        if "property" in row:
            link.properties.add(row["property"].value)
        if "note" in row:
            link.notes.add(int(row["note"].value))
        if "passage" in row:
            link.passages.add(row["passage"].value)
        if "citationText" in row:
            link.texts.add(row["citationText"].value)
        if isinstance(row.get("citation"), ox.NamedNode):
            note = int(row["note"].value) if "note" in row else None
            link.nodes[row["citation"].value] = (note, _value(row, "property"))
    return graph


def _value(row: Mapping[str, object], name: str) -> str | None:
    term = row.get(name)
    return None if term is None else term.value  # type: ignore[attr-defined]
