"""Render a trace as RDF: the PROV subgraph of its scores, assessments, claims and sources.

The citations are those the trace keeps (``graph.evidence.passages``): a claim
source's citations made in the passages its claims quote, and everything the
works they cite cite in turn.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import rdflib
from rdflib import BNode, Literal, URIRef
from rdflib.namespace import DCTERMS, PROV, RDF, RDFS, XSD

from graph.derive.triples import assessment_triples, derivation_triples
from graph.evidence.as_dict import source_dict
from graph.namespaces import BIBO, CITO, OA, OG, PREFIXES, SCHEMA
from graph.records import ClaimRecord

if TYPE_CHECKING:
    from graph.evidence import Trace


def trace_graph(t: Trace) -> rdflib.Graph:
    """Return the PROV subgraph of a trace: scores, assessments, claims, sources, citations."""
    d = t.derivation
    shown = [s.rule.iri for s in t.scores()]
    a_triples, s_triples = derivation_triples(d, None, shown)
    listed = {a.criterion for s in t.scores() for a in map(d.assessments.get, s.rule.criteria)}
    a_triples += [
        tr
        for a in t.other_assessments()
        if a.criterion not in listed
        for tr in assessment_triples(d.model, a, None)
    ]
    g = rdflib.Graph()
    for prefix, ns in PREFIXES.items():
        g.bind(prefix, ns)
    text = "\n".join((*a_triples, *s_triples))
    if text:
        g.parse(data=text, format="nt")
    model = URIRef(t.model.iri)
    g.add((model, RDF.type, OG.Model))
    g.add((model, RDFS.label, Literal(t.model.label)))
    for dev in t.model.developers:
        g.add((model, OG.developer, URIRef(dev)))
    for c in t.claims().values():
        _claim_triples(g, c)
    for iri in t.depth:
        _source_triples(g, t, iri)
    return g


RANKS = {"preferred": OG.PreferredRank, "normal": OG.NormalRank, "deprecated": OG.DeprecatedRank}


def _stated(value: str) -> Literal:
    text = value.split("T", 1)[0]
    kind = {4: XSD.gYear, 7: XSD.gYearMonth}.get(len(text), XSD.date)
    return Literal(text, datatype=kind)


def _claim_triples(g: rdflib.Graph, c: ClaimRecord) -> None:
    s = URIRef(c.iri)
    g.add((s, RDF.type, OG.Claim))
    g.add((s, OG.aboutModel, URIRef(c.model)))
    g.add((s, OG.criterion, URIRef(c.criterion)))
    g.add((s, OG.level, OG[c.level]))
    g.add((s, OG.rank, RANKS[c.rank]))
    if c.stated_on:
        g.add((s, OG.statedOn, _stated(c.stated_on)))
    if c.deprecated_on:
        g.add((s, OG.deprecatedOn, Literal(c.deprecated_on.isoformat(), datatype=XSD.date)))
    for agent in c.attributed_to:
        g.add((s, PROV.wasAttributedTo, URIRef(agent)))
    for source in c.sources:
        g.add((s, PROV.wasDerivedFrom, URIRef(source)))
    for q in c.quotes:
        quote, selector = BNode(), BNode()
        g.add((s, OG.quote, quote))
        g.add((quote, RDF.type, OA.SpecificResource))
        g.add((quote, OA.hasSource, URIRef(q.source)))
        g.add((quote, OA.hasSelector, selector))
        g.add((selector, RDF.type, OA.TextQuoteSelector))
        g.add((selector, OA.exact, Literal(q.exact)))
        if q.prefix:
            g.add((selector, OA.prefix, Literal(q.prefix)))
        if q.suffix:
            g.add((selector, OA.suffix, Literal(q.suffix)))


def _source_triples(g: rdflib.Graph, t: Trace, iri: str) -> None:
    data = source_dict(t, iri)
    s = URIRef(iri)
    g.add((s, RDF.type, OG.Source))
    if data["title"]:
        g.add((s, DCTERMS.title, Literal(data["title"])))
    if data["url"]:
        g.add((s, SCHEMA.url, URIRef(data["url"])))
    issued = t.citations.sources[iri].issued if iri in t.citations.sources else None
    if issued is not None:
        g.add((s, DCTERMS.issued, Literal(issued.value, datatype=URIRef(issued.datatype.value))))
    for kind in data["kinds"]:
        g.add((s, DCTERMS.type, URIRef(kind["iri"])))
    for p in data["publishers"]:
        g.add((s, DCTERMS.publisher, URIRef(p["iri"])))
        if p["label"]:
            g.add((URIRef(p["iri"]), RDFS.label, Literal(p["label"])))
    for c in t.citations.cited_by(iri):
        cited = URIRef(c.cited)
        for prop in c.properties:
            g.add((s, URIRef(prop), cited))
        for node, (note, prop) in c.nodes.items():
            n = URIRef(node)
            g.add((n, RDF.type, CITO.Citation))
            g.add((n, CITO.hasCitingEntity, s))
            g.add((n, CITO.hasCitedEntity, cited))
            if prop:
                g.add((n, CITO.hasCitationCharacterization, URIRef(prop)))
            if note is not None:
                g.add((n, OG.noteNumber, Literal(note)))
            for locator in sorted(c.locators):
                part = BNode()
                g.add((n, DCTERMS.references, part))
                g.add((part, RDF.type, OA.SpecificResource))
                g.add((part, OA.hasSource, cited))
                g.add((part, BIBO.locator, Literal(locator)))
