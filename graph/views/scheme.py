"""Gather the pages of a framework and of a criterion, with their mappings to other frameworks.

A framework page: its description, criteria, categories, grades with their
requirements, and how the stored scores spread over its grades (four
queries and labels). A criterion page: its description, its framework, the
criteria of other frameworks it matches either way, and how claims and
stored assessments on it spread over the levels (two queries and labels).
"""

from __future__ import annotations

import pyoxigraph as ox

from graph.framework_descriptions import store_rules
from graph.labels import Labels, number
from graph.namespaces import DCTERMS, DQV, OG, OWL, SKOS
from graph.scoring.rules import FrameworkRule, framework_of
from graph.views.common import (
    ASSESSMENTS_GRAPH,
    SCORES_GRAPH,
    Description,
    describe,
    level_name,
    select,
)

MATCHES = ("exactMatch", "closeMatch", "broadMatch", "narrowMatch", "relatedMatch")
# Read from the other side, a mapping turns around: A broadMatch B means B narrowMatch A.
INVERSE = {
    "exactMatch": "exactMatch",
    "closeMatch": "closeMatch",
    "broadMatch": "narrowMatch",
    "narrowMatch": "broadMatch",
    "relatedMatch": "relatedMatch",
}


def _literal(rows: list[dict], name: str) -> str | None:
    best = None
    for row in rows:
        term = row.get(name)
        if term is None:
            continue
        if getattr(term, "language", None) in (None, "en"):
            return term.value
        best = best or term.value
    return best


def framework_page(store: ox.Store, iri: str) -> dict:
    """Return the records of a framework's page (see docs/pages.md, "framework")."""
    labels = Labels(store, [iri])
    properties = describe(store, iri, labels)
    about = Description(properties)
    concepts = _concepts(store, iri)
    requirements = _requirements(store, iri)
    collections: dict[str, set[str]] = {}
    for row in select(
        store,
        f"""SELECT ?col ?member WHERE {{
  ?col <{SKOS.member}> ?member . ?member <{SKOS.inScheme}> <{iri}> }}""",
    ):
        collections.setdefault(row["col"].value, set()).add(row["member"].value)
    spread = _spread(store, iri)
    labels.add(
        set(concepts)
        | set(collections)
        | {r["criterion"] for rs in requirements.values() for r in rs}
        | {row["broader"].value for rows in concepts.values() for row in rows if "broader" in row}
        | {row["grade"].value for row in spread if "grade" in row}
    )
    rule = next((r for r in store_rules(store) if r.iri == iri), None)
    criteria, grades = _criteria_and_grades(concepts, requirements, rule, labels)
    return {
        "framework": {
            "iri": iri,
            "label": labels(iri),
            "title": about.text(DCTERMS.title),
            "description": about.text(DCTERMS.description),
            "citation": about.text(DCTERMS.bibliographicCitation),
            "rights": about.text(DCTERMS.rights),
            "licences": about.refs(DCTERMS.license),
            "issued": about.text(DCTERMS.issued),
            "scored": rule is not None,
        },
        "criteria": criteria,
        "categories": [
            {
                "iri": col,
                "label": labels(col),
                "members": [labels.ref(m) for m in sorted(members, key=labels)],
            }
            for col, members in sorted(collections.items(), key=lambda kv: labels(kv[0]))
        ],
        "grades": grades,
        "scores": [
            {
                "value": number(row["value"].value),
                "grade": labels.ref(row["grade"].value) if "grade" in row else None,
                "unplaced": row["unplaced"].value in ("true", "1"),  # Virtuoso says 1
                "models": int(row["n"].value),
            }
            for row in spread
        ],
        "properties": properties,
    }


def _concepts(store: ox.Store, framework: str) -> dict[str, list[dict]]:
    """Return the framework's concepts (criteria, grades ...), each with its rows of details."""
    concepts: dict[str, list[dict]] = {}
    query = f"""
SELECT ?c ?kind ?notation ?definition ?broader ?order ?deprecated WHERE {{
  ?c <{SKOS.inScheme}> <{framework}> .
  OPTIONAL {{ ?c a ?kind FILTER (?kind IN (<{OG.Criterion}>, <{OG.Grade}>)) }}
  OPTIONAL {{ ?c <{SKOS.notation}> ?notation }}
  OPTIONAL {{ ?c <{SKOS.definition}> ?definition }}
  OPTIONAL {{ ?c <{SKOS.broader}> ?broader }}
  OPTIONAL {{ ?c <{OG.gradeOrder}> ?order }}
  OPTIONAL {{ ?c <{OWL.deprecated}> ?deprecated }}
}}"""
    for row in select(store, query):
        concepts.setdefault(row["c"].value, []).append(row)
    return concepts


def _requirements(store: ox.Store, framework: str) -> dict[str, list[dict]]:
    """Return, per grade of the framework, the levels it requires on criteria."""
    requirements: dict[str, list[dict]] = {}
    for row in select(
        store,
        f"""SELECT ?g ?criterion ?least ?most WHERE {{
  ?g <{SKOS.inScheme}> <{framework}> ; <{OG.requirement}> ?r . ?r <{OG.onCriterion}> ?criterion .
  OPTIONAL {{ ?r <{OG.atLeast}> ?least }} OPTIONAL {{ ?r <{OG.atMost}> ?most }} }}""",
    ):
        requirements.setdefault(row["g"].value, []).append(
            {
                "criterion": row["criterion"].value,
                "at_least": level_name(row["least"].value) if "least" in row else None,
                "at_most": level_name(row["most"].value) if "most" in row else None,
            }
        )
    return requirements


def _spread(store: ox.Store, framework: str) -> list[dict]:
    """Count the framework's stored whole scores by value and grade."""
    # An aggregate in the store: per value and grade, never the scores themselves.
    return select(
        store,
        f"""SELECT ?value ?grade ?unplaced (COUNT(DISTINCT ?s) AS ?n) WHERE {{
  GRAPH <{SCORES_GRAPH}> {{
    ?s <{OG.framework}> <{framework}> ; <{DQV.value}> ?value .
    FILTER NOT EXISTS {{ ?s <{DCTERMS.isPartOf}> ?whole }}
    OPTIONAL {{ ?s <{OG.grade}> ?grade }}
    BIND (EXISTS {{ ?s <{OG.flag}> <{OG.Unplaced}> }} AS ?unplaced)
  }} }} GROUP BY ?value ?grade ?unplaced ORDER BY ?unplaced ?value""",
    )


def _criteria_and_grades(
    concepts: dict[str, list[dict]],
    requirements: dict[str, list[dict]],
    rule: FrameworkRule | None,
    labels: Labels,
) -> tuple[list[dict], list[dict]]:
    """Return the framework's criteria (its scored ones first, in order) and grades (by order)."""
    criteria, grades = [], []
    for c, rows in concepts.items():
        kinds = {row["kind"].value for row in rows if "kind" in row}
        entry = {
            "iri": c,
            "label": labels(c),
            "notation": _literal(rows, "notation"),
            "definition": _literal(rows, "definition"),
        }
        if str(OG.Grade) in kinds:
            order = next((int(row["order"].value) for row in rows if "order" in row), None)
            needs = [
                {**r, "criterion": labels.ref(r["criterion"])} for r in requirements.get(c, [])
            ]
            grades.append({**entry, "order": order, "requirements": needs})
        elif str(OG.Criterion) in kinds:
            broader = sorted({row["broader"].value for row in rows if "broader" in row})
            criteria.append(
                {
                    **entry,
                    "broader": [labels.ref(b) for b in broader],
                    "scored": bool(rule and c in rule.criteria),
                    "deprecated": any(
                        row["deprecated"].value in ("true", "1")
                        for row in rows
                        if "deprecated" in row
                    ),
                }
            )

    def criterion_key(c: dict) -> tuple:
        if rule and c["iri"] in rule.criteria:
            return (0, rule.criteria.index(c["iri"]), "")
        return (1, 0, c["label"].casefold())

    criteria.sort(key=criterion_key)
    grades.sort(key=lambda g: (g["order"] is None, g["order"] or 0, g["label"]))
    for g in grades:
        g["requirements"].sort(key=lambda r: r["criterion"]["label"])
    return criteria, grades


def criterion_page(store: ox.Store, iri: str) -> dict:
    """Return the records of a criterion's page (see docs/pages.md, "criterion")."""
    labels = Labels(store, [iri])
    properties = describe(store, iri, labels)
    about = Description(properties)
    links = _links(store, iri)
    spread = select(
        store,
        f"""SELECT ?what ?level (COUNT(DISTINCT ?x) AS ?n) WHERE {{
  {{ BIND ("claims" AS ?what) ?x a <{OG.Claim}> ; <{OG.criterion}> <{iri}> ; <{OG.level}> ?level }}
  UNION {{ BIND ("assessments" AS ?what)
           GRAPH <{ASSESSMENTS_GRAPH}> {{ ?x <{OG.criterion}> <{iri}> ; <{OG.level}> ?level }} }}
}} GROUP BY ?what ?level""",
    )
    framework = framework_of(iri) or about.iri(SKOS.inScheme)
    labels.add({row["other"].value for row in links} | {framework or ""})
    mappings, broader, narrower = _mappings(links, labels)
    counts: dict[str, dict[str, int]] = {"claims": {}, "assessments": {}}
    for row in spread:
        counts[row["what"].value][level_name(row["level"].value)] = int(row["n"].value)
    return {
        "criterion": {
            "iri": iri,
            "label": labels(iri),
            "notation": about.text(SKOS.notation),
            "definition": about.text(SKOS.definition),
            "notes": about.literals(SKOS.note) + about.literals(SKOS.scopeNote),
            "framework": labels.ref(framework),
            "allowed_levels": sorted(level_name(i) for i in about.iris(OG.allowedLevel)),
            "deprecated": "true" in about.literals(OWL.deprecated),
        },
        "broader": [labels.ref(b) for b in sorted(broader, key=labels)],
        "narrower": [labels.ref(n) for n in sorted(narrower, key=labels)],
        "mappings": [
            {**m, "relations": sorted(m["relations"], key=MATCHES.index)}
            for m in sorted(
                mappings.values(),
                key=lambda m: (
                    min(MATCHES.index(r) for r in m["relations"]),
                    m["framework"]["label"] if m["framework"] else "",
                    m["criterion"]["label"],
                ),
            )
        ],
        "claims": counts["claims"],
        "assessments": counts["assessments"],
        "properties": properties,
    }


def _links(store: ox.Store, iri: str) -> list[dict]:
    """Return the criterion's SKOS mappings and broader/narrower links, either way."""
    relations = " ".join(f"<{SKOS[m]}>" for m in (*MATCHES, "broader", "narrower"))
    return select(
        store,
        f"""SELECT DISTINCT ?direction ?relation ?other WHERE {{
  VALUES ?relation {{ {relations} }}
  {{ BIND ("out" AS ?direction) <{iri}> ?relation ?other }}
  UNION {{ BIND ("in" AS ?direction) ?other ?relation <{iri}> }}
  FILTER (isIRI(?other) && ?other != <{iri}>)
}}""",
    )


def _mappings(links: list[dict], labels: Labels) -> tuple[dict[str, dict], set[str], set[str]]:
    """Return the criteria mapped to, as seen from this one, and the broader and narrower ones."""
    mappings: dict[str, dict] = {}
    broader, narrower = set(), set()
    for row in links:
        relation = row["relation"].value.removeprefix(str(SKOS))
        other = row["other"].value
        outward = row["direction"].value == "out"
        if relation in ("broader", "narrower"):
            if (relation == "broader") == outward:
                broader.add(other)
            else:
                narrower.add(other)
            continue
        seen_as = relation if outward else INVERSE[relation]
        entry = mappings.setdefault(
            other,
            {
                "criterion": labels.ref(other),
                "framework": labels.ref(framework_of(other)),
                "relations": set(),
            },
        )
        entry["relations"].add(seen_as)
    labels.add({m["framework"]["iri"] for m in mappings.values() if m["framework"]})
    for m in mappings.values():
        if m["framework"]:
            m["framework"] = labels.ref(m["framework"]["iri"])
    return mappings, broader, narrower
