"""Say where an accepted submission is written and record who sent it, when and from where.

Each batch has its own named graph under ``graph/submissions/``; its record (an
``og:Submission`` activity with its agent, time, origin and content hash) goes into
the provenance graph ``graph/submissions``.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

import rdflib

from graph.namespaces import DCTERMS, OG, PROV, RDF, RDFS, XSD, graph_iri, mint, slugify

SUBMISSION_GRAPH_PREFIX = graph_iri("submissions/")
PROVENANCE_GRAPH = graph_iri("submissions")


def agent_iri(name: str) -> str:
    """Return the IRI of the agent a write token is named for."""
    return mint("person", slugify(name))


def provenance_triples(
    submission: str,
    graph: str,
    digest: str,
    who: str,
    origin: str,
    when: datetime,
    triples: int,
    curated: Iterable[str] = (),
) -> str:
    """Return N-Triples lines recording who submitted what, when, from where, and what it curated."""
    s, g, agent = rdflib.URIRef(submission), rdflib.URIRef(graph), rdflib.URIRef(agent_iri(who))
    stamp = rdflib.Literal(when.replace(microsecond=0), datatype=XSD.dateTime)
    prov = rdflib.Graph()
    prov.add((s, RDF.type, PROV.Activity))
    prov.add((s, RDF.type, OG.Submission))
    prov.add((s, PROV.wasAssociatedWith, agent))
    prov.add((agent, RDF.type, PROV.Agent))
    prov.add((agent, RDFS.label, rdflib.Literal(who)))
    prov.add((s, PROV.endedAtTime, stamp))
    prov.add((s, OG.loadedFrom, rdflib.Literal(origin)))
    prov.add((s, OG.contentHash, rdflib.Literal(digest)))
    prov.add((s, PROV.generated, g))
    prov.add((g, PROV.wasGeneratedBy, s))
    prov.add((g, DCTERMS.extent, rdflib.Literal(triples)))
    for node in sorted(curated):
        prov.add((s, OG.curated, rdflib.URIRef(node)))
    return prov.serialize(format="nt")


def provenance_block(provenance: str) -> str:
    """Return the ``GRAPH`` block of the provenance graph holding a batch's provenance."""
    return f"GRAPH <{PROVENANCE_GRAPH}> {{\n{provenance}\n}}"
