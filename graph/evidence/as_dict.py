"""Render a trace as the JSON documented in docs/scoring.md: scores > assessments > claims > sources."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import TYPE_CHECKING

from graph.derive import flags as fl
from graph.derive.model import AssessmentResult, ScoreResult
from graph.evidence.citations import Citation, CitedSource
from graph.evidence.passages import PassageEvidence, page_text
from graph.labels import number
from graph.records import ClaimRecord, is_primary

if TYPE_CHECKING:
    from graph.evidence import Trace


def _ref(t: Trace, iri: str | None) -> dict | None:
    return None if iri is None else {"iri": iri, "label": t.label(iri)}


def _date_text(value: object) -> str | None:
    if value is None:
        return None
    return value.isoformat() if isinstance(value, dt.date) else str(value)


UNSCORED_REASON = {
    None: "no claim on the criteria it reads, own or mapped",
}


def trace_dict(t: Trace) -> dict:
    """Build the trace's JSON: model, flags, scores > assessments > claims, sources, cycles."""
    d = t.derivation
    claims = t.claims()
    washing = d.openwashing
    return {
        "model": {
            **_ref(t, t.model.iri),
            "slug": t.model.slug,
            "developers": [_ref(t, dev) for dev in t.model.developers],
        },
        "as_of": _date_text(d.as_of),
        "framework": _ref(t, t.framework),
        "flags": [fl.NAMES.get(f, f) for f in t.flags()],
        "openwashing": {
            "flagged": washing.flagged,
            "called_open_by": list(washing.called_open_by),
            "meets_osaid": washing.meets_osaid,
            "mof_class_i": washing.mof_class_i,
        },
        "scores": [_score_dict(t, s, claims) for s in t.scores()],
        "family_disagreements": [
            {
                "family": _ref(t, f["family"]),
                "criterion": _ref(t, f["criterion"]),
                "family_level": _ref(t, f["family_level"]),
                "family_level_level": f["family_level_level"],
                "member": _ref(t, f["member"]),
                "member_level": f["member_level"],
            }
            for f in t.family
        ],
        "unscored": [
            {"framework": _ref(t, f), "reason": UNSCORED_REASON.get(f, UNSCORED_REASON[None])}
            for f in t.unscored()
        ],
        "other_assessments": [_assessment_dict(t, a, claims) for a in t.other_assessments()],
        "sources": {
            iri: source_dict(t, iri) for iri in sorted(t.depth, key=lambda i: (t.depth[i], i))
        },
        "cycles": t.cycles,
        "citation_depth": max(t.depth.values(), default=0),
    }


def _score_dict(t: Trace, s: ScoreResult, claims: Mapping[str, ClaimRecord]) -> dict:
    return {
        "iri": s.iri,
        "framework": {**_ref(t, s.rule.iri), "slug": s.rule.slug},
        "metric": s.rule.metric,
        "value": number(s.score.value),
        "grade": _ref(t, s.score.grade),
        "unplaced": s.score.unplaced,
        "missing": [_ref(t, c) for c in s.score.missing],
        "sub_scores": [
            {
                "iri": p.iri,
                "measures": _ref(t, p.measures),
                "value": number(p.value),
                "missing": [_ref(t, c) for c in p.missing],
            }
            for p in s.sub_scores
        ],
        "flags": [fl.NAMES.get(f, f) for f in s.flags],
        "assessments": [
            _assessment_dict(t, t.derivation.assessments[c], claims) for c in s.rule.criteria
        ],
    }


def _assessment_dict(t: Trace, a: AssessmentResult, claims: Mapping[str, ClaimRecord]) -> dict:
    x = a.assessment
    return {
        "iri": a.iri,
        "criterion": _ref(t, a.criterion),
        "level": a.level,
        "points": None if a.points is None else number(a.points),
        "rule": _ref(t, x.rule),
        "contested": x.contested,
        "needs_review": x.needs_review,
        "flags": [fl.NAMES.get(f, f) for f in a.flags],
        "decided_by": x.decided_by,
        "mapped_from": [_ref(t, c) for c in a.mapped_from],
        "by_analogy": [_ref(t, c) for c in a.by_analogy],
        "sides": {level: list(iris) for level, iris in x.claims_by_level.items()},
        "claims": [
            _claim_dict(t, claims[i], a, i == x.decided_by) for i in a.counted if i in claims
        ],
        "not_counted": [
            {"reason": why, **_claim_dict(t, claims[i], a, False)}
            for i, why in a.not_counted
            if i in claims
        ],
    }


def _claim_dict(t: Trace, c: ClaimRecord, a: AssessmentResult, decides: bool) -> dict:
    sources = t.evidence.sources
    devs = t.model.developers
    return {
        "iri": c.iri,
        "criterion": _ref(t, c.criterion),
        "level": c.level,
        "rank": c.rank,
        "counted_as": c.rank_as_of(t.derivation.as_of) if c.iri in a.counted else None,
        "stated_on": c.stated_on,
        "deprecated_on": _date_text(c.deprecated_on),
        "deprecation_reason": c.deprecation_reason,
        "attributed_to": [_ref(t, g) for g in c.attributed_to],
        "self_reported": fl.is_self_reported(c, sources, devs),
        "primary": is_primary(c, sources),
        "decides": decides,
        "sources": [
            {
                "iri": s,
                "quotes": [
                    {"exact": q.exact, "prefix": q.prefix, "suffix": q.suffix}
                    for q in c.quotes
                    if q.source == s
                ],
                "passage": passage_dict(t.passage(c.iri, s)),
            }
            for s in c.sources
        ],
    }


def passage_dict(p: PassageEvidence) -> dict:
    """Return what a claim rests on in one source: the passage's citations, the rest counted."""
    return {
        "quoted": p.quoted,
        "cites": [citation_dict(c) for c in p.citations],
        "cites_nothing": not p.citations,
        "other_citations": p.other,
        "source_page": p.source,
    }


def citation_dict(c: Citation) -> dict:
    """Return one citing -> cited link: its kinds, notes, passages, locators and nodes."""
    return {
        "source": c.cited,
        "properties": sorted(c.properties),
        "notes": sorted(c.notes),
        "passages": sorted(c.passages),
        "locators": sorted(c.locators),
        "pages": page_text(c.locators) or None,
        "citations": sorted(c.nodes),
    }


def source_dict(t: Trace, iri: str) -> dict:
    s = t.citations.sources.get(iri) or CitedSource(iri)
    fallback = t.evidence.sources.get(iri)
    return {
        "iri": iri,
        "title": s.title or (fallback.title if fallback else None),
        "url": s.url or (fallback.url if fallback else None),
        "issued": s.issued.value
        if s.issued is not None
        else (fallback.issued if fallback else None),
        "kinds": [_ref(t, k) for k in sorted(s.kinds)],
        "publishers": [
            {"iri": p, "label": lab or t.label(p)} for p, lab in sorted(s.publishers.items())
        ],
        "self_published": bool(set(s.publishers) & set(t.model.developers)),
        "depth": t.depth[iri],
        "cites": [
            citation_dict(c)
            for c in sorted(
                t.citations.cited_by(iri), key=lambda c: (min(c.notes, default=0), c.cited)
            )
        ],
    }
