"""Gather a claim's page: what it states, its sources and quotes, the claims beside it and
what was derived from it.

Queries: the claim's own properties (a pattern read), its model (one), that
model's claims with sources and quotes (``read_evidence``: two; the claims on
the same criterion are the ones it agrees or disagrees with), the stored
assessments derived from it (one), its model's stored scores (one), labels (one).
"""

from __future__ import annotations

import pyoxigraph as ox

from graph import flags as fl
from graph.derive import FRAMEWORK_PREFIX, framework_of
from graph.labels import Labels
from graph.namespaces import OG, PROV, RDFS
from graph.records import ClaimRecord, Evidence, read_evidence
from graph.stored_scores import read_scores
from graph.views.common import (
    ASSESSMENTS_GRAPH,
    Description,
    describe,
    flag_name,
    level_name,
    select,
)


def _assessments_query(claim: str) -> str:
    return f"""
SELECT ?a ?criterion ?level ?contested WHERE {{
  GRAPH <{ASSESSMENTS_GRAPH}> {{
    ?a <{PROV.wasDerivedFrom}> <{claim}> ; <{OG.criterion}> ?criterion ; <{OG.level}> ?level .
    OPTIONAL {{ ?a <{OG.contested}> ?contested }}
  }}
}}"""


def claim_page(store: ox.Store, iri: str) -> dict:
    """Return the records of a claim's page (see docs/pages.md, "claim")."""
    labels = Labels(store, [iri])
    properties = describe(store, iri, labels)
    about = Description(properties)
    model = about.iri(OG.aboutModel)
    evidence = read_evidence(store, [model]) if model else None
    record = next((c for c in evidence.claims if c.iri == iri), None) if evidence else None
    developers = evidence.models[model].developers if evidence and model in evidence.models else ()
    siblings = (
        [c for c in evidence.claims_of(model) if c.criterion == record.criterion and c.iri != iri]
        if record
        else []
    )
    derived = _derived(store, iri, model)
    criterion = record.criterion if record else None
    labels.add(
        {model or "", criterion or "", framework_of(criterion or "") or "", *developers}
        | {a for c in [record, *siblings] if c for a in c.attributed_to}
        | {a["criterion"] for a in derived.values()}
        | {s["framework"] for a in derived.values() for s in a["scores"].values()}
        | {s for c in siblings for s in c.sources}
    )
    sources = _sources(record, evidence, developers, labels) if record else []
    return {
        "claim": {
            "iri": iri,
            "model": labels.ref(model),
            "developers": [labels.ref(d) for d in developers],
            "criterion": labels.ref(criterion),
            "framework": labels.ref(framework_of(criterion or "")),
            "level": record.level if record else level_name(about.iri(OG.level)),
            "rank": record.rank if record else None,
            "stated_on": record.stated_on if record else about.literal(OG.statedOn),
            "generated_at": about.literal(PROV.generatedAtTime),
            "deprecated_on": about.literal(OG.deprecatedOn),
            "deprecation_reason": about.literal(OG.deprecationReason),
            "deprecated_by": about.ref(OG.deprecatedBy),
            "attributed_to": [labels.ref(a) for a in (record.attributed_to if record else ())],
            "self_reported": bool(
                record and fl.is_self_reported(record, evidence.sources, developers)
            ),
            "flags": [flag_name(f) for f in fl.ordered(about.iris(OG.flag))],
            "comment": about.literal(RDFS.comment),
        },
        "sources": sources,
        "assessments": [_assessment(a, labels) for a in sorted(derived.values(), key=_iri)],
        "same_criterion": [
            {
                "iri": c.iri,
                "level": c.level,
                "rank": c.rank,
                "stated_on": c.stated_on,
                "agrees": record is not None and c.level == record.level,
                "attributed_to": [labels.ref(a) for a in c.attributed_to],
                "sources": [labels.ref(s) for s in c.sources],
            }
            for c in sorted(siblings, key=lambda c: (c.stated_on or "", c.iri), reverse=True)
        ],
        "properties": properties,
    }


def _iri(item: dict) -> str:
    return item["iri"]


def _derived(store: ox.Store, claim: str, model: str | None) -> dict[str, dict]:
    """Return the stored assessments derived from ``claim``, each with the whole scores of them."""
    derived: dict[str, dict] = {}
    for row in select(store, _assessments_query(claim)):
        derived.setdefault(
            row["a"].value,
            {
                "iri": row["a"].value,
                "criterion": row["criterion"].value,
                "level": level_name(row["level"].value),
                "contested": "contested" in row and row["contested"].value == "true",
                "scores": {},
            },
        )
    for s in read_scores(store, [model]) if derived and model else []:
        for a in (derived[i] for i in s.derived_from if i in derived and s.whole is None):
            a["scores"][s.iri] = {"iri": s.iri, "framework": s.framework, "value": s.value}
    return derived


def _assessment(a: dict, labels: Labels) -> dict:
    """Return one assessment derived from the claim, with its scores, as the page shows it."""
    return {
        "iri": a["iri"],
        "criterion": labels.ref(a["criterion"]),
        "level": a["level"],
        "contested": a["contested"],
        "scores": [
            {
                "iri": s["iri"],
                "framework": labels.ref(
                    s["framework"], slug=s["framework"].removeprefix(FRAMEWORK_PREFIX)
                ),
                "value": s["value"],
            }
            for s in sorted(a["scores"].values(), key=_iri)
        ],
    }


def _sources(
    record: ClaimRecord, evidence: Evidence, developers: tuple[str, ...], labels: Labels
) -> list[dict]:
    """Return the claim's sources with the passages it quotes; their publishers' names read."""
    sources = []
    for s in record.sources:
        about = evidence.sources.get(s)
        sources.append(
            {
                "iri": s,
                "title": (about.title if about else None) or labels(s),
                "url": about.url if about else None,
                "issued": about.issued if about else None,
                "publishers": [labels.ref(p) for p in (about.publishers if about else ())],
                "self_published": bool(about and set(about.publishers) & set(developers)),
                "quotes": [
                    {"exact": q.exact, "prefix": q.prefix, "suffix": q.suffix}
                    for q in record.quotes
                    if q.source == s
                ],
            }
        )
    labels.add({p for s in sources for p in (x["iri"] for x in s["publishers"])})
    return sources
