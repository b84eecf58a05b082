"""Render the dicts of list and graph pages as RDF, for their Turtle and JSON-LD twins.

Each function reads only the page's dict, so a page's RDF says exactly what
the page shows, in the graph's own vocabulary.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping

import pyoxigraph as ox

from graph.derive.model import score_iri
from graph.namespaces import DCTERMS, DQV, OG, PROV, RDF, RDFS, SKOS, XSD
from graph.records import ModelRecord
from graph.scoring.rules import FRAMEWORK_PREFIX

KIND_CLASSES = {
    "score": str(DQV.QualityMeasurement),
    "assessment": str(OG.Assessment),
    "claim": str(OG.Claim),
    "source": str(OG.Source),
}


def _n(iri: str) -> ox.NamedNode:
    return ox.NamedNode(iri)


def _t(s: str, p: str, o: ox.NamedNode | ox.Literal) -> ox.Triple:
    return ox.Triple(_n(s), _n(p), o)


def _number(value: float | int) -> ox.Literal:
    if isinstance(value, int) or float(value).is_integer():
        return ox.Literal(str(int(value)), datatype=_n(str(XSD.integer)))
    return ox.Literal(repr(float(value)), datatype=_n(str(XSD.decimal)))


def _model(entry: Mapping) -> Iterator[ox.Triple]:
    iri = entry["iri"]
    yield _t(iri, str(RDF.type), _n(str(OG.Model)))
    yield _t(iri, str(RDFS.label), ox.Literal(entry["label"]))
    for dev in entry.get("developers", []):
        yield _t(iri, str(OG.developer), _n(dev["iri"]))
        yield _t(dev["iri"], str(RDFS.label), ox.Literal(dev["label"]))
    for lic in entry.get("licences", []):
        yield _t(iri, str(DCTERMS.license), _n(lic["iri"]))


def _score(s: str, model: str, framework: str, value, grade: str | None) -> Iterator[ox.Triple]:
    yield _t(s, str(RDF.type), _n(str(DQV.QualityMeasurement)))
    yield _t(s, str(DQV.computedOn), _n(model))
    yield _t(s, str(OG.framework), _n(framework))
    yield _t(s, str(DQV.value), _number(value))
    if grade:
        yield _t(s, str(OG.grade), _n(grade))


def models_triples(data: Mapping) -> Iterator[ox.Triple]:
    """Return the triples of a page of the models list: models, developers, licences, scores."""
    for entry in data["models"]:
        yield from _model(entry)
        record = ModelRecord(entry["iri"], entry["label"], entry["slug"])
        for slug, score in entry["scores"].items():
            framework = FRAMEWORK_PREFIX + slug
            grade = score["grade"]["iri"] if score["grade"] else None
            yield from _score(
                score_iri(record, framework), entry["iri"], framework, score["value"], grade
            )


def compare_triples(data: Mapping) -> Iterator[ox.Triple]:
    """Return the triples of a comparison: the models, their scores and assessments."""
    models = [m["iri"] for m in data["models"]]
    for m in data["models"]:
        yield from _model(m)
    for f in data["frameworks"]:
        for model, score in zip(models, f["scores"], strict=True):
            if score:
                grade = score["grade"]["iri"] if score["grade"] else None
                yield from _score(score["iri"], model, f["framework"]["iri"], score["value"], grade)
        for row in f["criteria"]:
            for model, cell in zip(models, row["cells"], strict=True):
                if cell:
                    a = cell["iri"]
                    yield _t(a, str(RDF.type), _n(str(OG.Assessment)))
                    yield _t(a, str(OG.aboutModel), _n(model))
                    yield _t(a, str(OG.criterion), _n(row["criterion"]["iri"]))
                    yield _t(a, str(OG.level), _n(f"{OG}{cell['level']}"))


def spectrum_triples(data: Mapping) -> Iterator[ox.Triple]:
    """Return the triples of the spectrum table: its tiers and the claims in its cells."""
    for row in data["rows"]:
        tier = row["tier"]["iri"]
        yield _t(tier, str(RDF.type), _n(str(OG.Grade)))
        yield _t(tier, str(SKOS.prefLabel), ox.Literal(row["tier"]["label"]))
        yield _t(tier, str(OG.gradeOrder), _number(row["tier"]["order"]))
        if row["row"]:
            yield _t(tier, str(SKOS.definition), ox.Literal(row["row"]))
        for m in row["models"]:
            model = m["model"]["iri"]
            yield _t(model, str(RDFS.label), ox.Literal(m["model"]["label"]))
            for cell in m["cells"]:
                if cell is None:
                    continue
                c = cell["claim"]
                yield _t(c, str(RDF.type), _n(str(OG.Claim)))
                yield _t(c, str(OG.aboutModel), _n(model))
                yield _t(c, str(OG.criterion), _n(cell["criterion"]))
                yield _t(c, str(OG.level), _n(f"{OG}{cell['level']}"))
                for s in cell["sources"]:
                    yield _t(c, str(PROV.wasDerivedFrom), _n(s["iri"]))


def placement_triples(data: Mapping) -> Iterator[ox.Triple]:
    """Return the triples of a placement page: the grades, and each placed or unplaced score."""
    framework = data["framework"]["iri"]
    buckets = [(r["grade"], r["models"]) for r in data["grades"]]
    buckets += [(None, data["unplaced"]), (None, data["below_every_grade"])]
    for grade, entries in buckets:
        if grade:
            yield _t(grade["iri"], str(RDF.type), _n(str(OG.Grade)))
            yield _t(grade["iri"], str(SKOS.prefLabel), ox.Literal(grade["label"]))
            yield _t(grade["iri"], str(OG.gradeOrder), _number(grade["order"]))
        for e in entries:
            score, model = e["score"], e["model"]["iri"]
            yield _t(model, str(RDFS.label), ox.Literal(e["model"]["label"]))
            yield _t(score, str(RDF.type), _n(str(DQV.QualityMeasurement)))
            yield _t(score, str(DQV.computedOn), _n(model))
            yield _t(score, str(OG.framework), _n(framework))
            yield _t(score, str(DQV.value), _number(e["value"]))
            if grade:
                yield _t(score, str(OG.grade), _n(grade["iri"]))
            for m in e["missing"]:
                yield _t(score, str(OG.missingCriterion), _n(m["iri"]))


def graph_triples(graph: Mapping) -> Iterator[ox.Triple]:
    """Return the triples of a drawn graph: each node typed and labelled, each edge as itself."""
    for node in graph["nodes"]:
        kind = KIND_CLASSES.get(node["kind"])
        if kind:
            yield _t(node["id"], str(RDF.type), _n(kind))
        yield _t(node["id"], str(RDFS.label), ox.Literal(node["label"]))
        if node.get("level"):
            yield _t(node["id"], str(OG.level), _n(f"{OG}{node['level']}"))
    for edge in graph["edges"]:
        yield _t(edge["source"], edge["relation"], _n(edge["target"]))
