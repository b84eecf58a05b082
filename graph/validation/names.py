"""Explain references the graph does not hold: suggest the nearest existing names, or say why.

A violation whose value is an IRI that neither the batch nor the store types (a model,
criterion, source, organisation, person or family, told by the property or by the IRI's
folder) gets a hint: "did you mean id:model/llama?", from the slugs, labels and aliases
(``skos:altLabel``, ``skos:notation``) of the existing nodes of that kind; or, when
nothing of that kind lives under the IRI's folder (``id:criterion/fmti-1.1/``), the
question whether its framework is loaded.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Sequence
from dataclasses import replace

import pyoxigraph as ox
import rdflib
from rdflib import URIRef

from graph.namespaces import DCTERMS, ID, OA, OG, PROV, RDF, RDFS, SKOS, slugify
from graph.validation.report import ValidationReport, Violation, short

MODEL = ("model", (OG.Model,))
CRITERION = ("criterion", (OG.Criterion,))
SOURCE = ("source", (OG.Source,))
ORGANIZATION = ("organisation", (PROV.Organization,))
PERSON = ("person", (PROV.Person,))
AGENT = ("organisation or person", (PROV.Organization, PROV.Person))
FAMILY = ("model family", (OG.ModelFamily,))
BY_PATH = {
    OG.aboutModel: MODEL,
    OG.criterion: CRITERION,
    SKOS.exactMatch: CRITERION,
    SKOS.closeMatch: CRITERION,
    SKOS.broadMatch: CRITERION,
    SKOS.narrowMatch: CRITERION,
    PROV.wasDerivedFrom: SOURCE,
    OA.hasSource: SOURCE,
    DCTERMS.publisher: ORGANIZATION,
    OG.developer: ORGANIZATION,
    PROV.wasAttributedTo: AGENT,
    OG.family: FAMILY,
}
BY_FOLDER = {
    "model/": MODEL,
    "criterion/": CRITERION,
    "source/": SOURCE,
    "organization/": ORGANIZATION,
    "person/": PERSON,
    "family/": FAMILY,
}
NAME_PROPERTIES = (RDFS.label, SKOS.prefLabel, SKOS.altLabel, SKOS.notation)
LOOKUP = 500


def kind_of(violation: Violation) -> tuple[str, tuple[URIRef, ...]] | None:
    """Return the kind of node a violation's IRI value should be, or None."""
    if violation.path in BY_PATH:
        return BY_PATH[violation.path]
    value = str(violation.value)
    for folder, kind in BY_FOLDER.items():
        if value.startswith(f"{ID}{folder}"):
            return kind
    return None


def folder_of(iri: str) -> str:
    """Return the IRI up to its last slash: the folder its siblings share."""
    return iri.rsplit("/", 1)[0] + "/"


def typed_in_store(store: ox.Store, iris: Sequence[str]) -> set[str]:
    """Return the IRIs among ``iris`` that the store gives an rdf:type."""
    found: set[str] = set()
    for start in range(0, len(iris), LOOKUP):
        values = " ".join(f"<{i}>" for i in iris[start : start + LOOKUP])
        query = f"SELECT DISTINCT ?s WHERE {{ VALUES ?s {{ {values} }} GRAPH ?g {{ ?s a ?t }} }}"
        found |= {row["s"].value for row in store.query(query)}
    return found


def candidates(
    store: ox.Store, data: rdflib.Graph, classes: Iterable[URIRef]
) -> dict[str, set[str]]:
    """Return {iri: its names (slug, labels, aliases)} of the nodes of ``classes`` known."""
    found: dict[str, set[str]] = {}
    props = ", ".join(f"<{p}>" for p in NAME_PROPERTIES)
    for cls in classes:
        query = f"""SELECT ?x ?name WHERE {{ GRAPH ?g {{ ?x a <{cls}> }}
          OPTIONAL {{ GRAPH ?h {{ ?x ?p ?name FILTER (?p IN ({props})) }} }} }}"""
        for row in store.query(query):
            names = found.setdefault(row["x"].value, set())
            if row["name"] is not None:
                names.add(row["name"].value)
        for node in data.subjects(RDF.type, cls):
            names = found.setdefault(str(node), set())
            names |= {str(n) for p in NAME_PROPERTIES for n in data.objects(node, p)}
    return found


def nearest(iri: str, known: dict[str, set[str]], n: int = 3) -> list[str]:
    """Return up to ``n`` known IRIs whose slug, label or alias is nearest the IRI's slug."""
    wanted = slugify(iri.rstrip("/").rsplit("/", 1)[-1])
    keys: dict[str, list[str]] = {}
    for node, names in known.items():
        slug = node.rstrip("/").rsplit("/", 1)[-1]
        for name in {slug, *names}:
            keys.setdefault(slugify(name), []).append(node)
    exact = keys.get(wanted, [])
    close = difflib.get_close_matches(wanted, list(keys), n=n * 2, cutoff=0.7)
    ordered = [*exact, *(node for key in close for node in keys[key])]
    return list(dict.fromkeys(ordered))[:n]


def explain_unknown(
    report: ValidationReport, store: ox.Store | None, data: rdflib.Graph
) -> ValidationReport:
    """Return the report with a hint on each violation whose value names an unknown node.

    Without a store there is no graph to suggest from: the report is returned as it is.
    """
    aimed = [
        v
        for v in report.results
        if isinstance(v.value, URIRef)
        and kind_of(v) is not None
        and (v.value, RDF.type, None) not in data
    ]
    if not aimed or store is None:
        return report
    values = sorted({str(v.value) for v in aimed})
    known_here = typed_in_store(store, values)
    pools: dict[str, dict[str, set[str]]] = {}
    hints: dict[tuple[str, str], str] = {}
    for v in aimed:
        value = str(v.value)
        noun, classes = kind_of(v)
        if value in known_here or (value, noun) in hints:
            continue
        if noun not in pools:
            pools[noun] = candidates(store, data, classes)
        hints[(value, noun)] = hint_for(value, noun, pools[noun])
    chosen = {id(v) for v in aimed}
    results = [
        replace(v, hint=hints.get((str(v.value), kind_of(v)[0]), "")) if id(v) in chosen else v
        for v in report.results
    ]
    return ValidationReport(report.conforms, results, report.graph, report.node_labels)


def hint_for(value: str, noun: str, known: dict[str, set[str]]) -> str:
    """Say that ``value`` is no known ``noun``, and what the nearest known ones are."""
    folder = folder_of(value)
    siblings = {iri: names for iri, names in known.items() if iri.startswith(folder)}
    if noun == "criterion" and not siblings:
        return (
            f"The graph holds no criterion under {short(URIRef(folder))}: is the framework "
            "loaded? Load it, or send it in the same batch (docs/frameworks.md)."
        )
    near = nearest(value, siblings or known) or nearest(value, known)
    if not near:
        return f"The graph holds no {noun} {short(URIRef(value))}."
    named = ", ".join(short(URIRef(n)) for n in near)
    return f"The graph holds no {noun} {short(URIRef(value))}; did you mean {named}?"
