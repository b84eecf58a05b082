"""Gather an organization's page, and the page of any other IRI the graph names.

An organization: its description, the models it develops, the sources it
publishes and the claims attributed to it (lists cut at a limit, with their
full counts; four queries and labels). Any other IRI (a person, family,
citation, grade, assessment, score, submission ...): its properties, with
blank nodes described inline, and the links to it (two queries and labels).
"""

from __future__ import annotations

import pyoxigraph as ox

from graph.labels import Labels
from graph.namespaces import DCTERMS, OG, PROV, RDF, RDFS
from graph.views.common import Description, describe, incoming, kind_of, level_name, select

LIST_LIMIT = 200


def organization_page(store: ox.Store, iri: str, limit: int = LIST_LIMIT) -> dict:
    """Return the records of an organization's page (see docs/pages.md, "organization")."""
    labels = Labels(store, [iri])
    properties = describe(store, iri, labels)
    models, sources, claims, source_count, claim_count = _organization_rows(store, iri, limit)
    labels.add({r["model"].value for r in claims} | {r["criterion"].value for r in claims})
    return {
        "organization": {
            "iri": iri,
            "label": labels(iri),
            "kinds": Description(properties).values(RDF.type),
        },
        "models": [
            {
                "iri": r["m"].value,
                "label": r["label"].value if "label" in r else labels(r["m"].value),
            }
            for r in models
        ],
        "sources": [
            {
                "iri": r["s"].value,
                "title": r["title"].value if "title" in r else labels(r["s"].value),
                "issued": r["issued"].value if "issued" in r else None,
            }
            for r in sources
        ],
        "source_count": source_count,
        "claims": [
            {
                "iri": r["c"].value,
                "model": labels.ref(r["model"].value),
                "criterion": labels.ref(r["criterion"].value),
                "level": level_name(r["level"].value),
                "stated_on": r["statedOn"].value if "statedOn" in r else None,
            }
            for r in sorted(claims, key=lambda r: r["c"].value)
        ],
        "claim_count": claim_count,
        "limit": limit,
        "properties": properties,
    }


def _organization_rows(store: ox.Store, iri: str, limit: int) -> tuple:
    """Return an organization's models, first sources and claims, and its source and claim counts."""
    o = f"<{iri}>"
    models = select(
        store,
        f"""SELECT DISTINCT ?m ?label WHERE {{ ?m <{OG.developer}> {o} .
  OPTIONAL {{ ?m <{RDFS.label}> ?label }} }} ORDER BY LCASE(STR(?label)) ?m""",
    )
    # Two plain counts: one query counting both, or checking each claim's type, takes
    # hundreds of ms for an organization with thousands of claims.
    source_count = select(
        store, f"SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE {{ ?s <{DCTERMS.publisher}> {o} }}"
    )[0]["n"].value
    claim_count = select(
        store, f"SELECT (COUNT(DISTINCT ?c) AS ?n) WHERE {{ ?c <{PROV.wasAttributedTo}> {o} }}"
    )[0]["n"].value
    sources = select(
        store,
        # Sorted outside the grouping: Virtuoso refuses an ORDER BY naming an aggregate's alias.
        f"""SELECT ?s ?title ?issued WHERE {{ {{
  SELECT ?s (SAMPLE(?t) AS ?title) (SAMPLE(?i) AS ?issued) WHERE {{
    ?s <{DCTERMS.publisher}> {o} .
    OPTIONAL {{ ?s <{DCTERMS.title}> ?t }} OPTIONAL {{ ?s <{DCTERMS.issued}> ?i }}
  }} GROUP BY ?s
}} }} ORDER BY LCASE(STR(?title)) ?s LIMIT {int(limit)}""",
    )
    claims = select(
        store,
        f"""SELECT ?c ?model ?criterion ?level ?statedOn WHERE {{
  {{ SELECT DISTINCT ?c WHERE {{ ?c <{PROV.wasAttributedTo}> {o} }} LIMIT {int(limit)} }}
  ?c a <{OG.Claim}> ; <{OG.aboutModel}> ?model ; <{OG.criterion}> ?criterion ; <{OG.level}> ?level .
  OPTIONAL {{ ?c <{OG.statedOn}> ?statedOn }}
}}""",
    )
    return models, sources, claims, int(source_count), int(claim_count)


def resource_page(store: ox.Store, iri: str, limit: int = 100) -> dict:
    """Return the records of the page of any IRI: its properties and the links to it."""
    labels = Labels(store, [iri])
    properties = describe(store, iri, labels)
    links = incoming(store, iri, labels, limit)
    types = Description(properties).values(RDF.type)
    return {
        "resource": {"iri": iri, "label": labels(iri), "kind": kind_of(iri), "types": types},
        "properties": properties,
        "incoming": links["links"],
        "incoming_count": links["total"],
    }
