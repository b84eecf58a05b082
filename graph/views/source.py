"""Gather a source's page: its metadata, the passages quoted from it, the claims it supports,
what it cites and what cites it.

Queries: the source's own properties (a pattern read), the claims that derive
from it with their quotes (one), its citations in both directions, direct
CiTO properties and ``cito:Citation`` nodes alike (one), the locators of those
(two), its sections with their notes (one), and labels (one).
"""

from __future__ import annotations

import pyoxigraph as ox

from graph.evidence.citations import locator_query
from graph.evidence.passages import page_text
from graph.labels import Labels
from graph.namespaces import BIBO, CITO, DCTERMS, DOCO, OA, OG, PROV, RDFS, SCHEMA
from graph.queries import values_block
from graph.views.common import CITO_VALUES, Description, describe, level_name, rank_name, select

CLAIM_LIMIT = 500


def _claims_query(source: str, limit: int) -> str:
    s = f"<{source}>"
    return f"""
SELECT ?claim ?model ?criterion ?level ?rank ?statedOn ?exact ?prefix ?suffix WHERE {{
  {{ SELECT DISTINCT ?claim WHERE {{ ?claim <{PROV.wasDerivedFrom}> {s} ; a <{OG.Claim}> }}
     LIMIT {int(limit)} }}
  ?claim <{OG.aboutModel}> ?model ; <{OG.criterion}> ?criterion ; <{OG.level}> ?level .
  OPTIONAL {{ ?claim <{OG.rank}> ?rank }}
  OPTIONAL {{ ?claim <{OG.statedOn}> ?statedOn }}
  OPTIONAL {{
    ?claim <{OG.quote}> ?quote . ?quote <{OA.hasSource}> {s} ; <{OA.hasSelector}> ?selector .
    ?selector <{OA.exact}> ?exact .
    OPTIONAL {{ ?selector <{OA.prefix}> ?prefix }}
    OPTIONAL {{ ?selector <{OA.suffix}> ?suffix }}
  }}
}}"""


def _count_query(source: str) -> str:
    return f"""SELECT (COUNT(DISTINCT ?claim) AS ?n) WHERE {{
  ?claim <{PROV.wasDerivedFrom}> <{source}> ; a <{OG.Claim}> }}"""


# What a cito:Citation node says, read where ?citation is bound (inside its own branch, so
# that the other branches do not pick up every note of the graph).
NOTE = f"""OPTIONAL {{ ?citation <{CITO.hasCitationCharacterization}> ?property }}
    OPTIONAL {{ ?citation <{OG.noteNumber}> ?note }}
    OPTIONAL {{ ?citation <{OG.citationText}> ?text }}
    OPTIONAL {{ ?citation <{OG.quote}>/<{OA.hasSelector}>/<{OA.exact}> ?passage }}"""


def citations_query(source: str) -> str:
    """Return the query of a source's citations, both ways: one row per link or note."""
    s = f"<{source}>"
    return f"""
SELECT ?direction ?other ?property ?citation ?note ?text ?passage ?title WHERE {{
  {{ BIND ("cites" AS ?direction) VALUES ?property {{ {CITO_VALUES} }} {s} ?property ?other }}
  UNION {{ BIND ("cited_by" AS ?direction) VALUES ?property {{ {CITO_VALUES} }} ?other ?property {s} }}
  UNION {{ BIND ("cites" AS ?direction) BIND (<{CITO.cites}> AS ?property) ?other <{CITO.isCitedBy}> {s} }}
  UNION {{ BIND ("cited_by" AS ?direction) BIND (<{CITO.cites}> AS ?property) {s} <{CITO.isCitedBy}> ?other }}
  UNION {{
    BIND ("cites" AS ?direction)
    ?citation <{CITO.hasCitingEntity}> {s} ; <{CITO.hasCitedEntity}> ?other .
    {NOTE}
  }}
  UNION {{
    BIND ("cited_by" AS ?direction)
    ?citation <{CITO.hasCitedEntity}> {s} ; <{CITO.hasCitingEntity}> ?other .
    {NOTE}
  }}
  OPTIONAL {{ ?other <{DCTERMS.title}>|<{RDFS.label}> ?title }}
  FILTER (isIRI(?other))
}}"""


def read_citations_of(store: ox.Store, source: str) -> dict[str, list[dict]]:
    """Return ``{"cites": [...], "cited_by": [...]}``: one entry per other source (one query)."""
    links: dict[tuple[str, str], dict] = {}
    for row in select(store, citations_query(source)):
        key = (row["direction"].value, row["other"].value)
        link = links.setdefault(
            key,
            {
                "source": row["other"].value,
                "title": None,
                "properties": set(),
                "notes": set(),
                "texts": set(),
                "passages": set(),
                "citations": set(),
            },
        )
        if "title" in row and link["title"] is None:
            link["title"] = row["title"].value
        if "property" in row:
            link["properties"].add(row["property"].value)
        if "note" in row:
            link["notes"].add(int(row["note"].value))
        if "text" in row:
            link["texts"].add(row["text"].value)
        if "passage" in row:
            link["passages"].add(row["passage"].value)
        if "citation" in row and isinstance(row["citation"], ox.NamedNode):
            link["citations"].add(row["citation"].value)
    for direction, other, locator in _locators(store, source):
        if (link := links.get((direction, other))) is not None:
            link.setdefault("locators", set()).add(locator)
    out: dict[str, list[dict]] = {"cites": [], "cited_by": []}
    for (direction, _), link in links.items():
        out[direction].append(link)
    for items in out.values():
        items.sort(key=lambda x: (min(x["notes"], default=10**9), x["title"] or "", x["source"]))
    return out


def _locators(store: ox.Store, source: str) -> list[tuple[str, str, str]]:
    """Return (direction, other source, locator) for the pages the source's citations give."""
    s = f"<{source}>"
    found = [
        ("cites", row["cited"].value, row["locator"].value)
        for row in select(store, locator_query(values_block("citing", [source]), "citing"))
    ]
    query = f"""SELECT ?other ?locator WHERE {{
  ?citation <{CITO.hasCitedEntity}> {s} ; <{CITO.hasCitingEntity}> ?other ;
    <{DCTERMS.references}> ?part .
  ?part <{OA.hasSource}> {s} ; <{BIBO.locator}> ?locator .
}}"""
    found += [("cited_by", r["other"].value, r["locator"].value) for r in select(store, query)]
    return found


def _sections_query(source: str) -> str:
    return f"""SELECT ?section ?title ?position ?parent ?note WHERE {{
  ?section a <{DOCO.Section}> ; <{DCTERMS.isPartOf}> ?parent ;
    <{DCTERMS.isPartOf}>* <{source}> .
  OPTIONAL {{ ?section <{DCTERMS.title}> ?title }}
  OPTIONAL {{ ?section <{SCHEMA.position}> ?position }}
  OPTIONAL {{
    ?citation <{DCTERMS.isPartOf}> ?section ; <{CITO.hasCitingEntity}> <{source}> ;
      <{OG.noteNumber}> ?note .
  }}
}}"""


def read_sections(store: ox.Store, source: str) -> list[dict]:
    """Return the source's sections in order, each with ``depth`` and its own notes (one query)."""
    found: dict[str, dict] = {}
    for row in select(store, _sections_query(source)):
        entry = found.setdefault(
            row["section"].value,
            {
                "iri": row["section"].value,
                "title": None,
                "position": None,
                "parent": row["parent"].value,
                "notes": set(),
            },
        )
        if "title" in row:
            entry["title"] = row["title"].value
        if "position" in row:
            entry["position"] = int(row["position"].value)
        if "note" in row:
            entry["notes"].add(int(row["note"].value))
    children: dict[str, list[dict]] = {}
    for entry in found.values():
        children.setdefault(entry["parent"], []).append(entry)
    out: list[dict] = []

    def walk(parent: str, depth: int) -> None:
        for e in sorted(children.get(parent, []), key=lambda e: (e["position"] or 0, e["iri"])):
            out.append(
                {
                    "iri": e["iri"],
                    "title": e["title"] or e["iri"],
                    "depth": depth,
                    "notes": sorted(e["notes"]),
                }
            )
            walk(e["iri"], depth + 1)

    walk(source, 0)
    return out


def source_page(store: ox.Store, iri: str) -> dict:
    """Return the records of a source's page (see docs/pages.md, "source")."""
    labels = Labels(store, [iri])
    properties = describe(store, iri, labels)
    about = Description(properties)
    total = int(select(store, _count_query(iri))[0]["n"].value)
    claims = _claims(store, iri)
    citations = read_citations_of(store, iri)
    labels.add(
        {c["model"] for c in claims.values()}
        | {c["criterion"] for c in claims.values()}
        | {p for links in citations.values() for x in links for p in x["properties"]}
    )
    quotes: dict[str, dict] = {}
    for c in claims.values():
        for q in c["quotes"]:
            entry = quotes.setdefault(q["exact"], {**q, "claims": []})
            entry["claims"].append(c["iri"])
    return {
        "source": {
            "iri": iri,
            "title": about.literal(DCTERMS.title) or labels(iri),
            "kinds": about.refs(DCTERMS.type),
            "creators": about.refs(DCTERMS.creator),
            "publishers": about.refs(DCTERMS.publisher),
            "issued": about.literal(DCTERMS.issued),
            "accessed_on": about.literal(OG.accessedOn),
            "url": about.iri(SCHEMA.url) or about.literal(SCHEMA.url),
            "licences": about.refs(DCTERMS.license),
            "citation": about.literal(DCTERMS.bibliographicCitation),
        },
        "quotes": sorted(quotes.values(), key=lambda q: q["exact"]),
        "claims": [
            {
                **c,
                "model": labels.ref(c["model"]),
                "criterion": labels.ref(c["criterion"]),
                "quotes": [q["exact"] for q in c["quotes"]],
            }
            for c in sorted(
                claims.values(), key=lambda c: (labels(c["model"]).casefold(), c["iri"])
            )
        ],
        "claim_count": total,
        "sections": read_sections(store, iri),
        "cites": [_link(x, labels) for x in citations["cites"]],
        "cited_by": [_link(x, labels) for x in citations["cited_by"]],
        "properties": properties,
    }


def _claims(store: ox.Store, iri: str) -> dict[str, dict]:
    """Return the first ``CLAIM_LIMIT`` claims that derive from the source, with their quotes."""
    claims: dict[str, dict] = {}
    for row in select(store, _claims_query(iri, CLAIM_LIMIT)):
        c = claims.setdefault(
            row["claim"].value,
            {
                "iri": row["claim"].value,
                "model": row["model"].value,
                "criterion": row["criterion"].value,
                "level": level_name(row["level"].value),
                "rank": rank_name(row["rank"].value if "rank" in row else None),
                "stated_on": row["statedOn"].value if "statedOn" in row else None,
                "quotes": [],
            },
        )
        if "exact" in row:
            quote = {
                "exact": row["exact"].value,
                "prefix": row["prefix"].value if "prefix" in row else None,
                "suffix": row["suffix"].value if "suffix" in row else None,
            }
            if quote not in c["quotes"]:
                c["quotes"].append(quote)
    return claims


def _link(link: dict, labels: Labels) -> dict:
    return {
        "source": {"iri": link["source"], "label": link["title"] or labels(link["source"])},
        "properties": [labels.ref(p) for p in sorted(link["properties"])],
        "notes": sorted(link["notes"]),
        "texts": sorted(link["texts"]),
        "passages": sorted(link["passages"]),
        "citations": sorted(link["citations"]),
        "locators": sorted(link.get("locators", ())),
        "pages": page_text(link.get("locators", ())) or None,
    }
