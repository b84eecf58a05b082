"""Name IRIs for readers: the one reader of labels, short forms, and stored numbers as JSON.

``read_names(store, iris, precedence)`` reads every candidate name of some
IRIs in a few queries and keeps one per IRI. Which properties name an IRI, and
how candidates rank, is a ``Precedence``; the named ones below are those the
pages, the analytics, the trace and the citation read have always shown, kept
apart so that no output changes. On the bundled data the four give the same
name to every IRI they all name; they differ only on data with names in
several languages or properties (an English ``rdfs:label`` beside a French
``skos:prefLabel``: the pages show the French one, the analytics the English).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

import pyoxigraph as ox

from graph.namespaces import DCTERMS, ID, OG, RDFS, SKOS
from graph.queries import chunks, values_block

PREF_LABEL, LABEL, TITLE = str(SKOS.prefLabel), str(RDFS.label), str(DCTERMS.title)
# IRIs named in one query.
NAMES_PER_QUERY = 500


@dataclass(frozen=True)
class Precedence:
    """Which properties name an IRI, and how its candidate names rank.

    ``order`` lists the parts of a candidate's rank, most significant first:
    ``property`` (its place in ``properties``), ``language`` (English or
    untagged before any other) and ``value`` (the smallest text).
    """

    properties: tuple[str, ...]
    order: tuple[str, ...]

    def rank(self, prop: str, term: ox.NamedNode | ox.Literal) -> tuple:
        """Return the rank of one candidate name; the smallest wins."""
        lang = getattr(term, "language", None)
        parts = {
            "property": self.properties.index(prop),
            "language": 0 if lang in (None, "en") else 1,
            "value": term.value,
        }
        return tuple(parts[p] for p in self.order)


# The pages: the preferred label first, then rdfs:label, then a title.
PROPERTY_FIRST = Precedence((PREF_LABEL, LABEL, TITLE), ("property", "language", "value"))
# The analytics and the quality report: an English name of any of the three first.
ENGLISH_FIRST = Precedence((PREF_LABEL, LABEL, TITLE), ("language", "property", "value"))
# The trace: labels only (a source is named by its own title there), English first.
ENGLISH_LABEL = Precedence((PREF_LABEL, LABEL), ("language", "value"))
# A publisher in the citation read: its smallest rdfs:label, whatever its language.
SMALLEST_LABEL = Precedence((LABEL,), ("value",))


def read_names(
    store: ox.Store,
    iris: Iterable[str],
    precedence: Precedence = PROPERTY_FIRST,
    fallback: Callable[[str], str] | None = None,
) -> dict[str, str]:
    """Return a name for each IRI that has one, chosen by ``precedence``.

    With a ``fallback``, every IRI asked for gets a name: ``fallback(iri)``
    when it has none.
    """
    wanted = sorted({i for i in iris if i and "<" not in i and ">" not in i})
    best: dict[str, tuple] = {}
    properties = values_block("p", precedence.properties)
    for chunk in chunks(wanted, NAMES_PER_QUERY):
        query = (
            f"SELECT ?x ?p ?name WHERE {{ {values_block('x', chunk)} {properties} ?x ?p ?name }}"
        )
        for x, p, name in store.query(query, use_default_graph_as_union=True):
            rank = (precedence.rank(p.value, name), name.value)
            if x.value not in best or rank < best[x.value]:
                best[x.value] = rank
    names = {i: rank[-1] for i, rank in best.items()}
    if fallback is not None:
        names = {i: names.get(i) or fallback(i) for i in sorted({i for i in iris if i})}
    return names


def short(iri: str) -> str:
    """Return a readable short form of an IRI: its id: path, og: term, or last segment."""
    if iri.startswith(str(ID)):
        return iri[len(str(ID)) :]
    if iri.startswith(str(OG)):
        return iri[len(str(OG)) :]
    return last_segment(iri)


def last_segment(iri: str) -> str:
    """Return the last segment of an IRI's path or fragment (the IRI itself if it has none)."""
    return iri.rstrip("/#").rsplit("#", 1)[-1].rsplit("/", 1)[-1] or iri


class Labels:
    """Names of IRIs as the pages show them, read as needed, with a short form for the rest."""

    def __init__(self, store: ox.Store, iris: Iterable[str] = (), known: Mapping[str, str] = ()):
        self.store = store
        self.known: dict[str, str] = dict(known)
        self.asked: set[str] = set(self.known)
        self.add(iris)

    def add(self, iris: Iterable[str]) -> None:
        """Read the names of ``iris`` not asked for yet (one query per few hundred)."""
        wanted = {i for i in iris if i and i not in self.asked}
        if wanted:
            self.asked |= wanted
            self.known.update(read_names(self.store, wanted, PROPERTY_FIRST))

    def __call__(self, iri: str | None) -> str:
        """Return the name of ``iri``, else its short form."""
        if iri is None:
            return ""
        return self.known.get(iri) or short(iri)

    def ref(self, iri: str | None, **extra) -> dict | None:
        """Return ``{"iri", "label"}`` for ``iri`` (and ``extra`` keys), or None."""
        if iri is None:
            return None
        return {"iri": iri, "label": self(iri), **extra}


def number(value: str | float) -> int | float:
    """Return a stored number (a ``dqv:value``, points) as an int when whole, else a float."""
    value = float(value)
    return int(value) if value.is_integer() else value
