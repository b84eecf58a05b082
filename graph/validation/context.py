"""Fetch from the store the few facts that validating a batch needs about nodes it references.

A batch is validated on its own plus this context, never inside the whole
store, so the cost of validation follows the batch and not the store.
"""

from __future__ import annotations

from collections.abc import Iterable

import pyoxigraph as ox
import rdflib
from rdflib.namespace import RDF, SKOS

from graph.namespaces import OG

# The properties of a referenced node that shapes look at.
CONTEXT_PROPERTIES = (RDF.type, OG.allowedLevel, SKOS.inScheme, OG.levelOrder, OG.developer)
BATCH = 500
XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"


def referenced_iris(graph: rdflib.Graph) -> set[str]:
    """Return every IRI the batch uses as an object."""
    return {str(o) for o in graph.objects() if isinstance(o, rdflib.URIRef)}


def context_for(
    store: ox.Store, iris: Iterable[str], into: rdflib.Graph | None = None
) -> rdflib.Graph:
    """Return the context triples (types, allowed levels, schemes) of ``iris`` from the store."""
    context = into if into is not None else rdflib.Graph()
    iris = sorted(iris)
    props = ", ".join(f"<{p}>" for p in CONTEXT_PROPERTIES)
    for start in range(0, len(iris), BATCH):
        values = " ".join(f"<{i}>" for i in iris[start : start + BATCH])
        # One VALUES and a FILTER: Oxigraph joins a second VALUES block (the properties) by
        # scanning every quad, 5.5 s at a million triples instead of 10 ms.
        query = (
            "CONSTRUCT { ?s ?p ?o } WHERE { "
            f"VALUES ?s {{ {values} }} GRAPH ?g {{ ?s ?p ?o }} FILTER (?p IN ({props})) }}"
        )
        construct(store, query, into=context)
    return context


def construct(store: ox.Store, query: str, into: rdflib.Graph | None = None) -> rdflib.Graph:
    """Run a CONSTRUCT over the store and return its triples as an rdflib graph."""
    return to_rdflib(store.query(query), into)


def to_rdflib(
    quads: Iterable[ox.Quad | ox.Triple], into: rdflib.Graph | None = None
) -> rdflib.Graph:
    """Copy pyoxigraph quads or triples into an rdflib graph (graph names dropped).

    Term by term, never through rdflib's N-Triples parser, whose time grows with the
    square of a literal's length (a 3 MB literal took minutes).
    """
    graph = into if into is not None else rdflib.Graph()
    for q in quads:
        graph.add((rdflib_term(q.subject), rdflib_term(q.predicate), rdflib_term(q.object)))
    return graph


def rdflib_term(term: ox.NamedNode | ox.BlankNode | ox.Literal) -> rdflib.term.Node:
    """Return the rdflib term equal to a pyoxigraph one."""
    if isinstance(term, ox.NamedNode):
        return rdflib.URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return rdflib.BNode(term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return rdflib.Literal(term.value, lang=term.language)
        if term.datatype.value == XSD_STRING:
            return rdflib.Literal(term.value)
        return rdflib.Literal(term.value, datatype=rdflib.URIRef(term.datatype.value))
    raise ValueError(f"{term} is not a term rdflib holds (RDF-star is out)")
