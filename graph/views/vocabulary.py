"""Read the ontology and the SHACL shapes as documents: their triples and their pages.

The ontology is read from the store's ``graph/ontology/openness.ttl`` graph
when it is loaded, else from ``ontology/openness.ttl``; the shapes from
``shapes/*.ttl`` (they are never loaded into the store).
"""

from __future__ import annotations

from collections.abc import Iterable

import pyoxigraph as ox

from graph import paths
from graph.labels import short
from graph.namespaces import BASE, DCTERMS, OG, OWL, RDF, RDFS, SH, graph_iri

ONTOLOGY = BASE + "ns"
SHAPES = BASE + "shapes"
ONTOLOGY_GRAPH = graph_iri("ontology/openness.ttl")


def ontology_triples(store: ox.Store) -> list[ox.Triple]:
    """Return the ontology's triples: as loaded in the store, else from its file."""
    quads = list(store.quads_for_pattern(None, None, None, ox.NamedNode(ONTOLOGY_GRAPH)))
    if quads:
        return [q.triple for q in quads]
    path = paths.ONTOLOGY_DIR / "openness.ttl"
    return list(ox.parse(path=str(path), format=ox.RdfFormat.TURTLE))


def shapes_triples() -> list[ox.Triple]:
    """Return the triples of every shapes file, read from ``shapes/``."""
    triples: list[ox.Triple] = []
    for path in sorted(paths.SHAPES_DIR.glob("*.ttl")):
        triples += ox.parse(path=str(path), format=ox.RdfFormat.TURTLE)
    return triples


def _index(triples: Iterable[ox.Triple]) -> dict[str, dict[str, list]]:
    found: dict[str, dict[str, list]] = {}
    for t in triples:
        key = t.subject.value if isinstance(t.subject, ox.NamedNode) else str(t.subject)
        found.setdefault(key, {}).setdefault(t.predicate.value, []).append(t.object)
    return found


def _text(props: dict[str, list], predicate: str) -> str | None:
    values = [o for o in props.get(str(predicate), []) if isinstance(o, ox.Literal)]
    english = [o for o in values if o.language in (None, "en")]
    return (english or values or [None])[0].value if values else None


def _iris(props: dict[str, list], predicate: str) -> list[str]:
    return sorted(o.value for o in props.get(str(predicate), []) if isinstance(o, ox.NamedNode))


CLASS_KINDS = {str(OWL.Class): "classes", str(RDFS.Class): "classes"}
PROPERTY_KINDS = {
    str(OWL.ObjectProperty): "object_properties",
    str(OWL.DatatypeProperty): "datatype_properties",
    str(RDF.Property): "object_properties",
}


def ontology_page(triples: list[ox.Triple]) -> dict:
    """Return the records of the ontology's page: its terms by kind, with labels and comments."""
    index = _index(triples)
    about = index.get(ONTOLOGY, {})
    groups: dict[str, list[dict]] = {
        "classes": [],
        "object_properties": [],
        "datatype_properties": [],
        "individuals": [],
    }
    for iri, props in sorted(index.items()):
        if not iri.startswith(str(OG)):
            continue
        types = _iris(props, RDF.type)
        kind = next((CLASS_KINDS[t] for t in types if t in CLASS_KINDS), None)
        kind = kind or next((PROPERTY_KINDS[t] for t in types if t in PROPERTY_KINDS), None)
        term = {
            "iri": iri,
            "name": iri[len(str(OG)) :],
            "label": _text(props, RDFS.label),
            "comment": _text(props, RDFS.comment),
            "types": [{"iri": t, "label": short(t)} for t in types],
            "sub_class_of": _iris(props, RDFS.subClassOf),
            "sub_property_of": _iris(props, RDFS.subPropertyOf),
            "domain": _iris(props, RDFS.domain),
            "range": _iris(props, RDFS.range),
        }
        groups[kind or "individuals"].append(term)
    return {
        "ontology": {
            "iri": ONTOLOGY,
            "namespace": str(OG),
            "label": _text(about, RDFS.label),
            "comment": _text(about, RDFS.comment),
            "version": _text(about, OWL.versionInfo),
            "licence": (_iris(about, DCTERMS.license) or [None])[0],
        },
        **groups,
    }


def _constraint_message(index: dict[str, dict[str, list]], props: dict[str, list]) -> str | None:
    """Return the message of a shape's SPARQL constraint (a blank node), if it has one."""
    for node in props.get(str(SH.sparql), []):
        message = _text(index.get(str(node), {}), SH.message)
        if message:
            return message
    return None


def shapes_page(triples: list[ox.Triple]) -> dict:
    """Return the records of the shapes' page: each node shape with its property shapes."""
    index = _index(triples)
    shapes = []
    for iri, props in sorted(index.items()):
        if str(SH.NodeShape) not in _iris(props, RDF.type):
            continue
        members = []
        for p in _iris(props, SH.property):
            pprops = index.get(p, {})
            members.append(
                {
                    "iri": p,
                    "name": p.rsplit("#", 1)[-1],
                    "path": (_iris(pprops, SH.path) or [None])[0],
                    "message": _text(pprops, SH.message) or _constraint_message(index, pprops),
                    "severity": short((_iris(pprops, SH.severity) or [str(SH.Violation)])[0]),
                }
            )
        shapes.append(
            {
                "iri": iri,
                "name": iri.rsplit("#", 1)[-1],
                "label": _text(props, RDFS.label),
                "comment": _text(props, RDFS.comment),
                "targets": _iris(props, SH.targetClass),
                "message": _text(props, SH.message),
                "properties": members,
            }
        )
    return {"shapes": shapes, "iri": SHAPES}
