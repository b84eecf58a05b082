"""Describe a thing of the graph in RDF, saying what its page says: its CBD and what it shows.

The description of an IRI is its Concise Bounded Description (every triple with
it as subject, in every graph, and the blank nodes those reach), the links its
page shows to and from other things (a family's members, what cites a source
and what it cites, a criterion's framework and mappings, an organization's
models and sources), the Concise Bounded Descriptions of the nodes its page
lists (a model's scores, assessments and claims; a source's claims and
sections; an organization's claims), and a label for every IRI it names. It is
read from the page's own dict, so a page and its RDF name the same things.

The listed nodes come ``per_page`` at a time: page 1 holds the IRI's own
description and links and the first of them, later pages the rest.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import pyoxigraph as ox

from graph.labels import read_names
from graph.namespaces import CITO, DCTERMS, DQV, OG, PROV, RDF, RDFS, SKOS
from graph.views.common import bounded_description, bounded_descriptions

# Listed nodes (scores, assessments, claims ...) described per page.
NODES_PER_PAGE = 250

Link = tuple[str, str, str]


@dataclass(frozen=True)
class Described:
    """One page of an IRI's description: its triples, and how many pages there are."""

    triples: list[ox.Triple]
    page: int
    pages: int


def describe_page(
    store: ox.Store,
    iri: str,
    kind: str,
    data: Mapping,
    page: int = 1,
    per_page: int = NODES_PER_PAGE,
) -> Described:
    """Return page ``page`` of the description of ``iri``, whose page dict is ``data``.

    ``kind`` names the page (``model``, ``source``, ``criterion``, ``organization``,
    ``framework``, ``claim``, ``family``, or ``resource`` for the generic page). Raises
    ``ValueError`` for a page past the last.
    """
    nodes, links = RELATED.get(kind, _nothing)(data)
    nodes = [n for n in dict.fromkeys(nodes) if n != iri]
    pages = max(1, -(-len(nodes) // per_page))
    if not 1 <= page <= pages:
        raise ValueError(f"the description of {iri} has {pages} page(s); page {page} is not one")
    chosen = nodes[(page - 1) * per_page : page * per_page]
    triples: dict[ox.Triple, None] = {}
    if page == 1:
        triples.update(dict.fromkeys(bounded_description(store, iri)))
        triples.update(dict.fromkeys(_triple(*link) for link in dict.fromkeys(links)))
    triples.update(dict.fromkeys(bounded_descriptions(store, chosen)))
    named = {
        t.value
        for x in triples
        for t in (x.subject, x.object)
        if isinstance(t, ox.NamedNode) and t.value != iri
    }
    for other, name in sorted(read_names(store, named).items()):
        triples.setdefault(_label(other, name), None)
    return Described(list(triples), page, pages)


def _triple(s: str, p: str, o: str) -> ox.Triple:
    return ox.Triple(ox.NamedNode(s), ox.NamedNode(p), ox.NamedNode(o))


def _label(iri: str, name: str) -> ox.Triple:
    return ox.Triple(ox.NamedNode(iri), ox.NamedNode(str(RDFS.label)), ox.Literal(name))


def _nothing(data: Mapping) -> tuple[list[str], list[Link]]:
    return [], []


def _model(data: Mapping) -> tuple[list[str], list[Link]]:
    """A model: its scores, its assessments (with their criteria's frameworks), its claims.

    Its claims as its page lists them (criterion, level, who stated them, their sources);
    their whole descriptions (the quotes) are a link away.
    """
    nodes: list[str] = []
    links: list[Link] = []
    # Whole scores: their parts are in SPARQL, not on the page.
    nodes += [s["iri"] for s in data["scores"]]
    for group in data["assessments"]:
        if group["framework"]:
            framework = group["framework"]["iri"]
            links += [
                (a["criterion"]["iri"], str(SKOS.inScheme), framework) for a in group["criteria"]
            ]
    claims = [c for g in data["assessments"] for a in g["criteria"] for c in a["claims"]]
    claims += data["other_claims"]
    nodes += [a["iri"] for g in data["assessments"] for a in g["criteria"]]
    for c in claims:
        links += _claim_row(
            {**c, "model": {"iri": data["model"]["iri"]}}, (str(RDF.type), str(OG.Claim))
        )
        links += [(c["iri"], str(PROV.wasAttributedTo), a["iri"]) for a in c["attributed_to"]]
        links += [(c["iri"], str(PROV.wasDerivedFrom), s["iri"]) for s in c["sources"]]
        for s in c["sources"]:
            cites = s.get("passage", {}).get("cites", [])
            links += [(s["iri"], str(CITO.cites), w["source"]["iri"]) for w in cites]
    return nodes, links


def _claim_row(c: Mapping, about: tuple[str, str]) -> list[Link]:
    """Return a claim as a list shows it: its model, criterion and level, and one link."""
    iri = c["iri"]
    links = [(iri, about[0], about[1])]
    if c.get("model"):
        links.append((iri, str(OG.aboutModel), c["model"]["iri"]))
    if c.get("criterion"):
        links.append((iri, str(OG.criterion), c["criterion"]["iri"]))
    if c.get("level"):
        links.append((iri, str(OG.level), f"{OG}{c['level']}"))
    return links


def _source(data: Mapping) -> tuple[list[str], list[Link]]:
    """A source: the claims resting on it, its sections, what it cites and what cites it.

    Its claims as its page lists them; their whole descriptions are a link away.
    """
    iri = data["source"]["iri"]
    nodes = [s["iri"] for s in data["sections"]]
    links = [t for c in data["claims"] for t in _claim_row(c, (str(PROV.wasDerivedFrom), iri))]
    for direction in ("cites", "cited_by"):
        for x in data[direction]:
            other = x["source"]["iri"]
            for p in [p["iri"] for p in x["properties"]] or [str(CITO.cites)]:
                links.append((iri, p, other) if direction == "cites" else (other, p, iri))
            nodes += x["citations"]
    return nodes, links


def _claim(data: Mapping) -> tuple[list[str], list[Link]]:
    """A claim: its model's developers, its framework, its sources' publishers, what was
    derived from it (assessments and their scores), and the other claims on its criterion."""
    c = data["claim"]
    iri = c["iri"]
    links: list[Link] = []
    if c["model"]:
        links += [(c["model"]["iri"], str(OG.developer), d["iri"]) for d in c["developers"]]
    if c["criterion"] and c["framework"]:
        links.append((c["criterion"]["iri"], str(SKOS.inScheme), c["framework"]["iri"]))
    for s in data["sources"]:
        links += [(s["iri"], str(DCTERMS.publisher), p["iri"]) for p in s["publishers"]]
    for a in data["assessments"]:
        links += [
            (a["iri"], str(PROV.wasDerivedFrom), iri),
            (a["iri"], str(OG.criterion), a["criterion"]["iri"]),
            (a["iri"], str(OG.level), f"{OG}{a['level']}"),
        ]
        links += [(s["iri"], str(PROV.wasDerivedFrom), a["iri"]) for s in a["scores"]]
    for other in data["same_criterion"]:
        o = other["iri"]
        if c["model"]:
            links.append((o, str(OG.aboutModel), c["model"]["iri"]))
        if c["criterion"]:
            links.append((o, str(OG.criterion), c["criterion"]["iri"]))
        links.append((o, str(OG.level), f"{OG}{other['level']}"))
        links += [(o, str(PROV.wasAttributedTo), a["iri"]) for a in other["attributed_to"]]
        links += [(o, str(PROV.wasDerivedFrom), s["iri"]) for s in other["sources"]]
    return [], links


def _criterion(data: Mapping) -> tuple[list[str], list[Link]]:
    """A criterion: its framework, broader and narrower criteria, mappings either way."""
    c = data["criterion"]
    iri = c["iri"]
    links: list[Link] = []
    if c["framework"]:
        links.append((iri, str(SKOS.inScheme), c["framework"]["iri"]))
    links += [(iri, str(SKOS.broader), b["iri"]) for b in data["broader"]]
    links += [(iri, str(SKOS.narrower), n["iri"]) for n in data["narrower"]]
    for m in data["mappings"]:
        other = m["criterion"]["iri"]
        links += [(iri, str(SKOS[r]), other) for r in m["relations"]]
        if m["framework"]:
            links.append((other, str(SKOS.inScheme), m["framework"]["iri"]))
    return [], links


def _organization(data: Mapping) -> tuple[list[str], list[Link]]:
    """An organization: the models it develops, the sources it publishes, the claims it made.

    Its claims as its page shows them (model, criterion, level), not their whole
    descriptions: those are a link away.
    """
    iri = data["organization"]["iri"]
    links = [(m["iri"], str(OG.developer), iri) for m in data["models"]]
    links += [(s["iri"], str(DCTERMS.publisher), iri) for s in data["sources"]]
    attributed = (str(PROV.wasAttributedTo), iri)
    links += [t for c in data["claims"] for t in _claim_row(c, attributed)]
    return [], links


def _framework(data: Mapping) -> tuple[list[str], list[Link]]:
    """A framework: its criteria, grades (with their requirements) and categories."""
    iri = data["framework"]["iri"]
    links = [(c["iri"], str(SKOS.inScheme), iri) for c in data["criteria"]]
    links += [
        (c["iri"], str(SKOS.broader), b["iri"]) for c in data["criteria"] for b in c["broader"]
    ]
    links += [
        (col["iri"], str(SKOS.member), m["iri"])
        for col in data["categories"]
        for m in col["members"]
    ]
    return [g["iri"] for g in data["grades"]], links


def _family(data: Mapping) -> tuple[list[str], list[Link]]:
    """A family: its members, and each member's scores with their grades, as its page lists them."""
    iri = data["family"]["iri"]
    links: list[Link] = []
    for m in data["members"]:
        member = m["model"]["iri"]
        links.append((member, str(OG.family), iri))
        for s in m["scores"]:
            links.append((s["score"], str(DQV.computedOn), member))
            if s.get("grade") and s["grade"].get("iri"):
                links.append((s["score"], str(OG.grade), s["grade"]["iri"]))
    return [], links


def _resource(data: Mapping) -> tuple[list[str], list[Link]]:
    """Any other IRI (a family, a person, a grade ...): the links to it the page lists."""
    iri = data["resource"]["iri"]
    return [], [(x["subject"]["iri"], x["property"]["iri"], iri) for x in data["incoming"]]


RELATED = {
    "model": _model,
    "source": _source,
    "claim": _claim,
    "criterion": _criterion,
    "organization": _organization,
    "framework": _framework,
    "family": _family,
    "resource": _resource,
}
