"""Gather a model's page: its description, stored scores and assessments, claims and history.

Queries: the model's claims with their sources and quotes (``read_evidence``:
two), its stored assessments (one) and scores (one) from the derived graphs,
the citations made in the passages its claims quote (``claim_passages``: five,
the trace's rule, so the page and ``openness trace`` name the same works), and
the labels of everything named (one). The history replays the model's
claims "as of" each date one of them was stated, with ``derive_model`` (pure),
since "as of" results are never stored.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import pyoxigraph as ox

from graph import stored_scores
from graph.derive import flags as fl
from graph.derive.model import derive_model
from graph.evidence.passages import PassageEvidence, claim_passages, page_text
from graph.framework_descriptions import store_rules
from graph.labels import Labels, number
from graph.namespaces import DCTERMS, OG, PROV, SCHEMA, SKOS, SPDX
from graph.records import ClaimRecord, Evidence, ModelRecord, read_evidence
from graph.scoring.mappings import ANALOGY, strength
from graph.scoring.resolution import first_day
from graph.scoring.rules import FRAMEWORK_PREFIX, RULES, FrameworkRule, framework_of
from graph.views.common import (
    ASSESSMENTS_GRAPH,
    Description,
    describe,
    flag_name,
    level_name,
    select,
)

RULE_ORDER = {r.iri: i for i, r in enumerate(RULES)}


def _assessments_query(model: str) -> str:
    return f"""
SELECT ?a ?criterion ?level ?contested ?rule ?points ?flag ?claim WHERE {{
  GRAPH <{ASSESSMENTS_GRAPH}> {{
    ?a <{OG.aboutModel}> <{model}> ; <{OG.criterion}> ?criterion ; <{OG.level}> ?level .
    OPTIONAL {{ ?a <{OG.contested}> ?contested }}
    OPTIONAL {{ ?a <{OG.resolvedBy}> ?rule }}
    OPTIONAL {{ ?a <{OG.pointsFor}> ?points }}
    OPTIONAL {{ ?a <{OG.flag}> ?flag }}
    OPTIONAL {{ ?a <{PROV.wasDerivedFrom}> ?claim }}
  }}
}}"""


def read_scores(store: ox.Store, models: list[str]) -> dict[str, dict[str, dict]]:
    """Return the stored scores of ``models``: model -> framework IRI -> score, parts inside."""
    found: dict[str, dict[str, dict]] = {m: {} for m in models}
    parts: dict[str, dict] = {}
    for s in stored_scores.read_scores(store, models):
        entry = (
            parts.setdefault(s.iri, {}) if s.whole else found[s.model].setdefault(s.framework, {})
        )
        if not entry:
            entry.update(
                iri=s.iri,
                framework=s.framework,
                value=s.value,
                measures=s.measures,
                grade=s.grade,
                missing=set(s.missing),
                flags=set(s.flags),
                whole=s.whole,
            )
    by_iri = {s["iri"]: s for scores in found.values() for s in scores.values()}
    for part in parts.values():
        whole = by_iri.get(part["whole"])
        if whole is not None:
            whole.setdefault("parts", []).append(part)
    return found


def score_dict(score: Mapping, labels: Labels) -> dict:
    """Return one stored score as JSON (see docs/pages.md, "score object")."""
    slug = score["framework"].removeprefix(FRAMEWORK_PREFIX)
    return {
        "iri": score["iri"],
        "framework": labels.ref(score["framework"], slug=slug),
        "value": score["value"],
        "measures": labels.ref(score["measures"]),
        "grade": labels.ref(score["grade"]),
        "unplaced": fl.UNPLACED in score["flags"],
        "missing": [labels.ref(c) for c in sorted(score["missing"], key=labels)],
        "flags": [flag_name(f) for f in fl.ordered(score["flags"])],
        "parts": [
            {
                "iri": p["iri"],
                "measures": labels.ref(p["measures"]),
                "value": p["value"],
                "missing": [labels.ref(c) for c in sorted(p["missing"], key=labels)],
            }
            for p in sorted(score.get("parts", []), key=lambda p: p["iri"])
        ],
    }


def score_labels(scores: Mapping[str, Mapping]) -> set[str]:
    """Return the IRIs a score's JSON names."""
    iris = set()
    for s in scores.values():
        iris |= {s["framework"], s["grade"] or "", s["measures"] or "", *s["missing"]}
        for p in s.get("parts", []):
            iris |= {p["measures"] or "", *p["missing"]}
    return iris


def read_assessments(store: ox.Store, model: str) -> dict[str, dict]:
    """Return the stored assessments of ``model`` by criterion IRI (one query)."""
    found: dict[str, dict] = {}
    for row in select(store, _assessments_query(model)):
        criterion = row["criterion"].value
        a = found.setdefault(
            criterion,
            {
                "iri": row["a"].value,
                "criterion": criterion,
                "level": level_name(row["level"].value),
                "contested": "contested" in row and row["contested"].value == "true",
                "rule": row["rule"].value if "rule" in row else None,
                "points": number(row["points"].value) if "points" in row else None,
                "flags": set(),
                "claims": set(),
            },
        )
        if "flag" in row:
            a["flags"].add(row["flag"].value)
        if "claim" in row:
            a["claims"].add(row["claim"].value)
    return found


Passages = Mapping[tuple[str, str], PassageEvidence]


def passage_citations(p: PassageEvidence | None, labels: Labels) -> dict:
    """Return what a claim rests on in one source as the page shows it (see docs/pages.md)."""
    if p is None:
        return {"quoted": False, "cites": [], "cites_nothing": True, "other_citations": 0}
    return {
        "quoted": p.quoted,
        "cites": [
            {
                "source": labels.ref(c.cited),
                "notes": sorted(c.notes),
                "pages": page_text(c.locators) or None,
            }
            for c in p.citations
        ],
        "cites_nothing": not p.citations,
        "other_citations": p.other,
    }


def claim_dict(
    c: ClaimRecord,
    evidence: Evidence,
    developers: tuple[str, ...],
    labels: Labels,
    counted: bool,
    passages: Passages | None = None,
) -> dict:
    """Return a claim as the model page shows it: level, rank, dates, sources with quotes.

    Each source carries ``passage``: the works cited in the passage the claim
    quotes (or, for a claim quoting nothing, by the whole source), by the rule of
    ``graph.evidence.passages``.
    """
    return {
        "iri": c.iri,
        "criterion": labels.ref(c.criterion),
        "level": c.level,
        "rank": c.rank,
        "stated_on": c.stated_on,
        "deprecated_on": c.deprecated_on.isoformat() if c.deprecated_on else None,
        "deprecation_reason": c.deprecation_reason,
        "attributed_to": [labels.ref(a) for a in c.attributed_to],
        "self_reported": fl.is_self_reported(c, evidence.sources, developers),
        "counted": counted,
        "sources": [
            {
                "iri": s,
                "title": evidence.sources[s].title if s in evidence.sources else None,
                "url": evidence.sources[s].url if s in evidence.sources else None,
                "quotes": [q.exact for q in c.quotes if q.source == s],
                "passage": passage_citations((passages or {}).get((c.iri, s)), labels),
            }
            for s in c.sources
        ],
    }


def _framework_order(framework: str | None) -> tuple:
    return (RULE_ORDER.get(framework or "", len(RULE_ORDER)), framework or "~")


def _criterion_order(criterion: str, labels: Labels) -> tuple:
    for rule in RULES:
        if criterion in rule.criteria:
            return (rule.criteria.index(criterion), "")
    return (len(criterion), labels(criterion).casefold())


def model_page(store: ox.Store, record: ModelRecord, matches: Mapping) -> dict:
    """Return the records of a model's page (see docs/pages.md, "model")."""
    evidence = read_evidence(store, [record.iri])
    record = evidence.models.get(record.iri, record)
    claims = {c.iri: c for c in evidence.claims_of(record.iri)}
    assessments = read_assessments(store, record.iri)
    scores = read_scores(store, [record.iri])[record.iri]
    history = model_history(record, list(claims.values()), evidence, matches, store_rules(store))
    passages = claim_passages(store, claims.values())

    labels = Labels(store)
    properties = describe(store, record.iri, labels)
    about = Description(properties)
    labels.add(_named(record, claims, assessments, scores, history))
    labels.add(w for p in passages.values() for w in p.cited)
    frameworks, shown = _assessed(assessments, claims, evidence, record, labels, passages)
    for items in frameworks.values():
        for a in items:
            a["by_analogy"] = _by_analogy(a, claims, matches, labels)
    unassessed = [c for c in claims.values() if c.iri not in shown]
    score_list = [score_dict(scores[f], labels) for f in sorted(scores, key=_framework_order)]
    tier = next((s for s in score_list if s["framework"]["slug"] == "oti-2024"), None)
    all_flags = (
        set(about.iris(OG.flag))
        | {f for s in scores.values() for f in s["flags"]}
        | {f for a in assessments.values() for f in a["flags"]}
    )
    return {
        "model": _model_dict(record, about, labels),
        "flags": [flag_name(f) for f in fl.ordered(all_flags)],
        "spectrum_tier": None
        if tier is None
        else {
            "value": tier["value"],
            "grade": tier["grade"],
            "score": tier["iri"],
            "unplaced": tier["unplaced"],
            "missing": tier["missing"],
        },
        "scores": score_list,
        "assessments": [
            {"framework": labels.ref(f), "criteria": items}
            for f, items in sorted(frameworks.items(), key=lambda kv: _framework_order(kv[0]))
        ],
        "other_claims": [
            claim_dict(c, evidence, record.developers, labels, False, passages)
            for c in sorted(unassessed, key=lambda c: (labels(c.criterion), c.iri))
        ],
        "history": [
            {
                "as_of": h["as_of"],
                "changed": h["changed"],
                "scores": {
                    slug: {"value": s["value"], "grade": labels.ref(s["grade"])}
                    for slug, s in h["scores"].items()
                },
            }
            for h in history
        ],
        "claim_count": len(claims),
        "properties": properties,
    }


def _named(
    record: ModelRecord,
    claims: Mapping[str, ClaimRecord],
    assessments: Mapping[str, dict],
    scores: Mapping[str, Mapping],
    history: list[dict],
) -> set[str]:
    """Return the IRIs a model's page names, beside those of its own description."""
    criteria = {a["criterion"] for a in assessments.values()} | {
        c.criterion for c in claims.values()
    }
    return (
        {*record.developers, *score_labels(scores)}
        | criteria
        | {a["rule"] or "" for a in assessments.values()}
        | {a for c in claims.values() for a in c.attributed_to}
        | {framework_of(c) or "" for c in criteria}
        | {g for h in history for s in h["scores"].values() for g in [s["grade"] or ""]}
    )


def _assessed(
    assessments: Mapping[str, dict],
    claims: Mapping[str, ClaimRecord],
    evidence: Evidence,
    record: ModelRecord,
    labels: Labels,
    passages: Passages,
) -> tuple[dict[str | None, list[dict]], set[str]]:
    """Return the assessments by framework, each with its claims, and the claims they show."""
    shown: set[str] = set()
    frameworks: dict[str | None, list[dict]] = {}
    for criterion, a in sorted(assessments.items(), key=lambda kv: _criterion_order(kv[0], labels)):
        counted = [claims[i] for i in sorted(a["claims"]) if i in claims]
        others = [
            c for c in claims.values() if c.criterion == criterion and c.iri not in a["claims"]
        ]
        shown |= {c.iri for c in counted} | {c.iri for c in others}
        frameworks.setdefault(framework_of(criterion), []).append(
            {
                "iri": a["iri"],
                "criterion": labels.ref(criterion),
                "level": a["level"],
                "points": a["points"],
                "rule": labels.ref(a["rule"]),
                "contested": a["contested"],
                "flags": [flag_name(f) for f in fl.ordered(a["flags"])],
                "claims": [
                    claim_dict(c, evidence, record.developers, labels, True, passages)
                    for c in counted
                ]
                + [
                    claim_dict(c, evidence, record.developers, labels, False, passages)
                    for c in sorted(others, key=lambda c: c.iri)
                ],
            }
        )
    return frameworks, shown


def _by_analogy(
    a: dict, claims: Mapping[str, ClaimRecord], matches: Mapping, labels: Labels
) -> list[dict]:
    """Return the criteria whose counted claims lent to an assessment only by a close match."""
    criterion = a["criterion"]["iri"]
    lenders = {
        claims[c["iri"]].criterion
        for c in a["claims"]
        if c["counted"] and c["iri"] in claims and claims[c["iri"]].criterion != criterion
    }
    return [labels.ref(m) for m in sorted(lenders) if strength(matches, criterion, m) == ANALOGY]


def _model_dict(record: ModelRecord, about: Description, labels: Labels) -> dict:
    """Return the model itself as its page shows it: names, developers, licences, dates."""
    return {
        "iri": record.iri,
        "slug": record.slug,
        "label": record.label,
        "developers": [labels.ref(d) for d in record.developers],
        "alt_labels": about.literals(SKOS.altLabel),
        "family": about.ref(OG.family),
        "licences": [
            {"iri": i, "label": i.removeprefix(str(SPDX))} for i in about.iris(DCTERMS.license)
        ],
        "licence_text": about.literal(OG.licenseText),
        "hugging_face_id": about.literal(OG.huggingFaceId),
        "issued": about.literal(DCTERMS.issued),
        "version": about.literal(SCHEMA.version),
        "code_repository": about.iri(SCHEMA.codeRepository),
    }


def model_history(
    record: ModelRecord,
    claims: list[ClaimRecord],
    evidence: Evidence,
    matches: Mapping,
    rules: Sequence[FrameworkRule] = RULES,
) -> list[dict]:
    """Return the model's scores as of each day a claim about it was stated, when they changed.

    Each item has ``as_of`` (an ISO date), ``scores`` (framework slug ->
    ``value`` and ``grade`` IRI) and ``changed`` (the slugs whose score differs
    from the item before). Dates where nothing changed are left out.
    """
    days = sorted({first_day(c.stated_on) for c in claims if c.stated_on})
    history, before = [], {}
    for day in days:
        d = derive_model(record, claims, evidence.sources, matches, day, rules)
        now = {
            s.rule.slug: {"value": _plain(s.score.value), "grade": s.score.grade}
            for s in d.scores.values()
            if s.evidenced
        }
        changed = sorted(k for k in set(now) | set(before) if now.get(k) != before.get(k))
        if changed:
            order = [r.slug for r in rules]
            history.append(
                {
                    "as_of": day.isoformat(),
                    "scores": now,
                    "changed": sorted(changed, key=order.index),
                }
            )
        before = now
    return history


def _plain(value: float) -> float | int:
    return int(value) if float(value).is_integer() else round(float(value), 4)
