"""Decide which citations are evidence for a claim: those made in the passage it quotes.

A source cites many works, and only some of them stand behind any one
statement in it. The rule, in ``passage_evidence``, used by every rendering of
a trace (text, JSON, Turtle, the model page, the evidence graph page):

- A claim that quotes a passage of a source rests on the citations made *in
  that passage*: the ``cito:Citation`` nodes of the source whose own quoted
  passage (``og:quote``) is the claim's quote, contains it or lies within it,
  and the citations the claim names itself (``dcterms:references``). Every other
  citation of the source is counted, linked to the source's page, and not
  followed.
- A claim that quotes nothing from a source rests on the whole source (a
  dataset's judgement rests on its evidence links, each a source of the claim):
  every citation that source makes is evidence.

What a cited work cites in turn is followed as deep as the citation graph goes
(``graph.evidence.trace`` does that); the passage is known only for the first
step.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import pyoxigraph as ox

from graph.evidence.citations import STEP, Citation, locator_query
from graph.namespaces import CITO, DCTERMS, OA, OG
from graph.queries import chunks, select, values_block
from graph.records import ClaimRecord

# Claims or sources named in one query (as the citation read names its nodes).
NODES_PER_QUERY = 2_000
# Typographic variants a quote and a note's passage may spell differently.
SAME_CHARACTER = str.maketrans({"‘": "'", "’": "'", "“": '"', "”": '"', "—": "-", "–": "-"})


@dataclass
class NoteCitation:
    """A ``cito:Citation`` node a source makes: the passage it is attached to and what it cites."""

    iri: str
    citing: str
    cited: set[str] = field(default_factory=set)
    note: int | None = None
    characterisation: str | None = None
    passages: set[str] = field(default_factory=set)
    locators: dict[str, set[str]] = field(default_factory=dict)  # cited IRI -> locators


@dataclass
class SourceCitations:
    """What the trace knows of a claim source's citations: its notes and all it cites."""

    notes: dict[str, NoteCitation] = field(default_factory=dict)
    cites: set[str] = field(default_factory=set)  # every work it cites, any way


@dataclass
class PassageEvidence:
    """The citations that are evidence for one claim through one of its sources."""

    source: str
    quoted: bool  # the claim quotes a passage of the source
    citations: list[Citation] = field(default_factory=list)
    other: int = 0  # works the source cites elsewhere, not followed

    @property
    def cited(self) -> set[str]:
        """Return the works the passage (or the whole unquoted source) cites."""
        return {c.cited for c in self.citations}


def normalise(text: str) -> str:
    """Return ``text`` with its quotes, dashes and spaces spelled one way, for comparing passages."""
    return re.sub(r"\s+", " ", text.translate(SAME_CHARACTER)).strip()


def same_passage(quote: str, passage: str) -> bool:
    """Return True when a quote is a note's passage, contains it or lies within it."""
    a, b = normalise(quote), normalise(passage)
    return bool(a and b) and (a in b or b in a)


def passage_evidence(
    claim: ClaimRecord,
    source: str,
    known: SourceCitations,
    references: Iterable[str] = (),
    direct: Mapping[str, set[str]] | None = None,
) -> PassageEvidence:
    """Return the citations of ``source`` that are evidence for ``claim``.

    ``known`` holds the source's citation nodes and every work it cites;
    ``references`` the citations the claim names (``dcterms:references``);
    ``direct`` the properties of each direct link from the source (cited IRI ->
    properties), used for a source the claim does not quote.
    """
    quotes = [q.exact for q in claim.quotes if q.source == source]
    found: dict[str, Citation] = {}

    def add(cited: str, note: NoteCitation | None, properties: Iterable[str]) -> None:
        c = found.setdefault(cited, Citation(source, cited))
        c.properties |= set(properties)
        if note is None:
            return
        if note.note is not None:
            c.notes.add(note.note)
        c.passages |= note.passages
        c.nodes[note.iri] = (note.note, note.characterisation)
        c.locators |= note.locators.get(cited, set())

    named = set(references)
    for note in sorted(known.notes.values(), key=lambda n: (n.note or 0, n.iri)):
        chosen = not quotes or note.iri in named
        chosen = chosen or any(same_passage(q, p) for q in quotes for p in note.passages)
        if chosen:
            for cited in sorted(note.cited):
                add(cited, note, [note.characterisation] if note.characterisation else [])
    if not quotes:
        for cited in sorted(known.cites):
            add(cited, None, (direct or {}).get(cited) or {str(CITO.cites)})
    result = PassageEvidence(source, bool(quotes), sorted(found.values(), key=_order))
    result.other = len(known.cites - result.cited)
    return result


def _order(c: Citation) -> tuple[int, str]:
    return (min(c.notes, default=0), c.cited)


def claim_passages(
    store: ox.Store,
    claims: Iterable[ClaimRecord],
    direct: Mapping[str, Mapping[str, set[str]]] | None = None,
) -> dict[tuple[str, str], PassageEvidence]:
    """Return, for every claim and each of its sources, the citations that are evidence for it.

    ``direct`` gives, per source, the properties of its direct links (cited IRI ->
    properties) for sources a claim rests on whole; without it they read as
    ``cito:cites``. Given for every source (the trace has them from its citation
    read), it is also what each source cites, and that query is not run again.
    """
    claims = list(claims)
    roots = sorted({s for c in claims for s in c.sources})
    cites = None
    if direct is not None and all(r in direct for r in roots):
        cites = {r: set(direct[r]) for r in roots}
    known = read_source_citations(store, roots, cites)
    references = read_references(store, [c.iri for c in claims])
    return {
        (c.iri, s): passage_evidence(
            c, s, known[s], references.get(c.iri, ()), (direct or {}).get(s)
        )
        for c in claims
        for s in c.sources
    }


# ---------------------------------------------------------------- reading


def read_source_citations(
    store: ox.Store, sources: Sequence[str], cites: Mapping[str, set[str]] | None = None
) -> dict[str, SourceCitations]:
    """Read the citation nodes (with passages and locators) and the cited works of ``sources``.

    ``cites``, when given, is what each source cites (any way), already read.
    """
    found = {s: SourceCitations(cites=set((cites or {}).get(s, ()))) for s in sources}
    for chunk in chunks(sorted(sources), NODES_PER_QUERY):
        named = values_block("source", chunk)
        for row in (
            []
            if cites is not None
            else select(
                store,
                f"""SELECT ?source ?cited WHERE {{
  {{ SELECT ?source WHERE {{ {named} }} }}
  ?source ({STEP}) ?cited . FILTER (isIRI(?cited))
}}""",
            )
        ):
            found[row["source"].value].cites.add(row["cited"].value)
        nodes: dict[str, NoteCitation] = {}
        for row in select(
            store,
            f"""SELECT ?source ?citation ?cited ?note ?property WHERE {{
  {named} ?citation <{CITO.hasCitingEntity}> ?source .
  OPTIONAL {{ ?citation <{CITO.hasCitedEntity}> ?cited }}
  OPTIONAL {{ ?citation <{OG.noteNumber}> ?note }}
  OPTIONAL {{ ?citation <{CITO.hasCitationCharacterization}> ?property }}
}}""",
        ):
            iri = row["citation"].value
            if not isinstance(row["citation"], ox.NamedNode):
                continue
            note = nodes.setdefault(iri, NoteCitation(iri, row["source"].value))
            if isinstance(row.get("cited"), ox.NamedNode):
                note.cited.add(row["cited"].value)
            if "note" in row:
                note.note = int(row["note"].value)
            if "property" in row:
                # One characterisation where the data gives several: the smallest.
                given = row["property"].value
                note.characterisation = min(note.characterisation or given, given)
        # Passages and locators in queries of their own: as more OPTIONALs above, each
        # multiplies the rows Oxigraph joins.
        for row in select(
            store,
            f"""SELECT ?citation ?passage WHERE {{
  {named} ?citation <{CITO.hasCitingEntity}> ?source ;
    <{OG.quote}>/<{OA.hasSelector}>/<{OA.exact}> ?passage .
}}""",
        ):
            if (note := nodes.get(row["citation"].value)) is not None:
                note.passages.add(row["passage"].value)
        for row in select(store, locator_query(named, "source")):
            if (note := nodes.get(row["citation"].value)) is not None:
                note.locators.setdefault(row["cited"].value, set()).add(row["locator"].value)
        for note in nodes.values():
            found[note.citing].notes[note.iri] = note
    return found


def read_references(store: ox.Store, claims: Sequence[str]) -> dict[str, set[str]]:
    """Return the citations each claim names with ``dcterms:references``."""
    found: dict[str, set[str]] = {}
    for chunk in chunks(sorted(claims), NODES_PER_QUERY):
        query = f"""SELECT ?claim ?citation WHERE {{
  {values_block("claim", chunk)} ?claim <{DCTERMS.references}> ?citation .
  ?citation a <{CITO.Citation}> .
}}"""
        for row in select(store, query):
            found.setdefault(row["claim"].value, set()).add(row["citation"].value)
    return found


def page_text(locators: Iterable[str]) -> str:
    """Return locators as printed after a work's name: "p. 36", "pp. 7–8", "p. x"."""
    out = []
    for loc in sorted(locators):
        ranged = any(mark in loc for mark in ("–", "-", ","))
        out.append(f"{'pp.' if ranged else 'p.'} {loc}")
    return "; ".join(out)
