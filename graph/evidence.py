"""Trace a model's scores back to assessments, claims, sources and what those sources cite.

``trace(store, model, framework=None, as_of=None)`` reads, in a handful of
queries, the model's claims with their sources and quotes (one query), the
citation graph reachable from those sources (one query: ``cito:cites`` and its
sub-properties, ``cito:isCitedBy`` backwards, and ``cito:Citation`` nodes), the
closely matching criteria, and the labels to show. It derives the model with
``graph.derive.derive_model`` (so a trace always agrees with what ``openness
derive`` stores) and walks the citation graph in Python: the depth of every
source is the fewest citation steps from a claim's source, and a citation that
leads back to a source on the current path is reported as a cycle and not
followed. ``Trace.as_dict`` is the JSON documented in docs/scoring.md, and
``Trace.as_turtle`` the PROV subgraph behind it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import pyoxigraph as ox
import rdflib
from rdflib import BNode, Literal, URIRef
from rdflib.namespace import DCTERMS, PROV, RDF, RDFS, XSD

from graph import flags as fl
from graph.citations import CitationGraph, CitedSource, read_citations
from graph.derive import (
    RULES,
    RULES_BY_IRI,
    AssessmentResult,
    ModelDerivation,
    ScoreResult,
    assessment_triples,
    derivation_triples,
    derive_model,
)
from graph.labels import ENGLISH_LABEL, number, read_names
from graph.namespaces import CITO, ID, OA, OG, PREFIXES, SCHEMA
from graph.records import (
    ClaimRecord,
    Evidence,
    ModelRecord,
    read_evidence,
    read_matches,
    resolve_model,
)
from graph.scoring import spectrum
from graph.scoring.resolution import as_of_date


class UnknownFramework(LookupError):
    """No scored framework matches the name given."""


ALIASES = {
    "oti": "oti-2024",
    "spectrum": "oti-2024",
    "index": "osai-index",
    "eu": "osai-index",
    "legacy": "opening-up-chatgpt",
    "osaid": "osaid-1.0",
    "osi": "osaid-1.0",
}


def resolve_framework(name: str) -> str:
    """Return the IRI of a scored framework named by IRI, slug or alias (oti, index, osaid ...)."""
    wanted = name.strip()
    if wanted in RULES_BY_IRI:
        return wanted
    slug = ALIASES.get(wanted.casefold(), wanted.casefold())
    for rule in RULES:
        if rule.slug == slug:
            return rule.iri
    known = ", ".join(r.slug for r in RULES)
    raise UnknownFramework(f"no scored framework called {name!r}; use one of {known}")


# ---------------------------------------------------------------- the citation graph


def walk(graph: CitationGraph, roots: Iterable[str]) -> tuple[dict[str, int], list[list[str]]]:
    """Return each reachable source's depth (fewest citation steps) and the cycles met.

    A cycle is listed once, as the path from the source it returns to back to
    that source, rotated to start at its smallest IRI.
    """
    roots = sorted(set(roots))
    out: dict[str, list[str]] = {}
    for a, b in graph.citations:
        out.setdefault(a, []).append(b)
    for targets in out.values():
        targets.sort()
    depth = {r: 0 for r in roots}
    frontier = list(roots)
    while frontier:
        nxt = []
        for node in frontier:
            for cited in out.get(node, []):
                if cited not in depth:
                    depth[cited] = depth[node] + 1
                    nxt.append(cited)
        frontier = nxt
    cycles: dict[tuple[str, ...], list[str]] = {}
    done: set[str] = set()
    for root in roots:
        if root in done:
            continue
        path, on_path = [root], {root}
        stack = [iter(out.get(root, []))]
        while stack:
            cited = next(stack[-1], None)
            if cited is None:
                node = path.pop()
                on_path.discard(node)
                done.add(node)
                stack.pop()
            elif cited in on_path:
                loop = path[path.index(cited) :]
                turn = loop.index(min(loop))
                key = tuple(loop[turn:] + loop[:turn])
                cycles.setdefault(key, [*key, key[0]])
            elif cited not in done:
                path.append(cited)
                on_path.add(cited)
                stack.append(iter(out.get(cited, [])))
    return depth, [cycles[k] for k in sorted(cycles)]


# ---------------------------------------------------------------- the trace


@dataclass
class Trace:
    """A model's derivation with the evidence behind it, ready to render."""

    derivation: ModelDerivation
    evidence: Evidence
    citations: CitationGraph
    depth: dict[str, int]
    cycles: list[list[str]]
    labels: dict[str, str]
    framework: str | None = None

    @property
    def model(self) -> ModelRecord:
        """Return the traced model."""
        return self.derivation.model

    def scores(self) -> list[ScoreResult]:
        """Return the scores the trace shows: the framework asked for, or every evidenced one."""
        chosen = [s for s in self.derivation.scores.values() if s.evidenced]
        if self.framework is not None:
            chosen = [s for s in chosen if s.rule.iri == self.framework]
        return chosen

    def unscored(self) -> list[str]:
        """Return the frameworks asked for (or all) that have no evidence for this model."""
        return [
            s.rule.iri
            for s in self.derivation.scores.values()
            if not s.evidenced and self.framework in (None, s.rule.iri)
        ]

    def other_assessments(self) -> list[AssessmentResult]:
        """Return assessments with claims that no shown score reads (only without a framework)."""
        if self.framework is not None:
            return []
        read = {c for s in self.scores() for c in s.rule.criteria}
        return [
            a
            for a in self.derivation.assessments.values()
            if a.criterion not in read and (a.counted or a.not_counted)
        ]

    def assessments(self) -> list[AssessmentResult]:
        """Return every assessment the trace shows, scores' first."""
        shown = [self.derivation.assessments[c] for s in self.scores() for c in s.rule.criteria]
        return shown + self.other_assessments()

    def claims(self) -> dict[str, ClaimRecord]:
        """Return the claims the trace shows, counted or not, by IRI."""
        by_iri = {c.iri: c for c in self.evidence.claims}
        shown = {}
        for a in self.assessments():
            for iri in (*a.counted, *(i for i, _ in a.not_counted)):
                if iri in by_iri:
                    shown[iri] = by_iri[iri]
        return shown

    def flags(self) -> tuple[str, ...]:
        """Return the flags of the shown scores and assessments, and openwashing."""
        found = [f for s in self.scores() for f in s.flags]
        found += [f for a in self.other_assessments() for f in a.flags]
        if self.derivation.openwashing.flagged:
            found.append(fl.OPENWASHING)
        return fl.ordered(found)

    def label(self, iri: str | None) -> str:
        """Return a readable name for an IRI: its label, else its id: path, else the IRI."""
        if iri is None:
            return ""
        if iri in self.labels:
            return self.labels[iri]
        return iri[len(str(ID)) :] if iri.startswith(str(ID)) else iri

    def as_dict(self) -> dict:
        """Return the trace as the JSON documented in docs/scoring.md."""
        return trace_dict(self)

    def as_turtle(self) -> str:
        """Return the trace's PROV subgraph in Turtle."""
        return trace_graph(self).serialize(format="turtle")


def trace(
    store: ox.Store,
    model: str | ModelRecord,
    *,
    framework: str | None = None,
    as_of: dt.date | str | None = None,
) -> Trace:
    """Trace ``model`` (IRI, slug or label) under one framework or all, as of a date or now."""
    record = model if isinstance(model, ModelRecord) else resolve_model(store, model)
    chosen = resolve_framework(framework) if framework is not None else None
    day = as_of_date(as_of) if as_of is not None else None
    evidence = read_evidence(store, [record.iri])
    record = evidence.models.get(record.iri, record)
    derivation = derive_model(
        record, evidence.claims_of(record.iri), evidence.sources, read_matches(store), day
    )
    result = Trace(derivation, evidence, CitationGraph(), {}, [], {}, chosen)
    claims = result.claims()
    starts = {s for c in claims.values() for s in c.sources}
    result.citations = read_citations(store, starts)
    result.depth, result.cycles = walk(result.citations, starts)
    result.labels = read_names(store, _iris_to_label(result, claims.values()), ENGLISH_LABEL)
    return result


def _iris_to_label(t: Trace, claims: Iterable[ClaimRecord]) -> set[str]:
    iris = {t.model.iri, *t.model.developers, *(r.iri for r in RULES), str(OG.NoClaimRule)}
    for s in t.scores():
        iris |= {s.score.grade or "", *s.score.missing, s.rule.metric}
        iris |= {p.measures for p in s.sub_scores} | {m for p in s.sub_scores for m in p.missing}
    for a in t.assessments():
        iris |= {a.criterion, a.assessment.rule or "", *a.mapped_from}
    for c in claims:
        iris |= {c.criterion, *c.attributed_to}
    for s in t.citations.sources.values():
        iris |= s.kinds
    return iris


# ---------------------------------------------------------------- the trace as data


def _ref(t: Trace, iri: str | None) -> dict | None:
    return None if iri is None else {"iri": iri, "label": t.label(iri)}


def _date_text(value: object) -> str | None:
    if value is None:
        return None
    return value.isoformat() if isinstance(value, dt.date) else str(value)


UNSCORED_REASON = {
    None: "no claim on the criteria it reads, own or mapped",
    spectrum.FRAMEWORK: "no claim on the criteria of the row it would reach, own or mapped",
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
        "unscored": [
            {"framework": _ref(t, f), "reason": UNSCORED_REASON.get(f, UNSCORED_REASON[None])}
            for f in t.unscored()
        ],
        "other_assessments": [_assessment_dict(t, a, claims) for a in t.other_assessments()],
        "sources": {
            iri: _source_dict(t, iri) for iri in sorted(t.depth, key=lambda i: (t.depth[i], i))
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
        "flags": [fl.NAMES.get(f, f) for f in a.flags],
        "decided_by": x.decided_by,
        "mapped_from": [_ref(t, c) for c in a.mapped_from],
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
        "decides": decides,
        "sources": [
            {
                "iri": s,
                "quotes": [
                    {"exact": q.exact, "prefix": q.prefix, "suffix": q.suffix}
                    for q in c.quotes
                    if q.source == s
                ],
            }
            for s in c.sources
        ],
    }


def _source_dict(t: Trace, iri: str) -> dict:
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
            {
                "source": c.cited,
                "properties": sorted(c.properties),
                "notes": sorted(c.notes),
                "passages": sorted(c.passages),
                "citations": sorted(c.nodes),
            }
            for c in sorted(
                t.citations.cited_by(iri), key=lambda c: (min(c.notes, default=0), c.cited)
            )
        ],
    }


# ---------------------------------------------------------------- the trace as RDF


def trace_graph(t: Trace) -> rdflib.Graph:
    """Return the PROV subgraph of a trace: scores, assessments, claims, sources, citations."""
    d = t.derivation
    shown = [s.rule.iri for s in t.scores()]
    a_triples, s_triples = derivation_triples(d, None, shown)
    listed = {a.criterion for s in t.scores() for a in map(d.assessments.get, s.rule.criteria)}
    a_triples += [
        tr
        for a in t.other_assessments()
        if a.criterion not in listed
        for tr in assessment_triples(d.model, a, None)
    ]
    g = rdflib.Graph()
    for prefix, ns in PREFIXES.items():
        g.bind(prefix, ns)
    text = "\n".join((*a_triples, *s_triples))
    if text:
        g.parse(data=text, format="nt")
    model = URIRef(t.model.iri)
    g.add((model, RDF.type, OG.Model))
    g.add((model, RDFS.label, Literal(t.model.label)))
    for dev in t.model.developers:
        g.add((model, OG.developer, URIRef(dev)))
    for c in t.claims().values():
        _claim_triples(g, c)
    for iri in t.depth:
        _source_triples(g, t, iri)
    return g


RANKS = {"preferred": OG.PreferredRank, "normal": OG.NormalRank, "deprecated": OG.DeprecatedRank}


def _stated(value: str) -> Literal:
    text = value.split("T", 1)[0]
    kind = {4: XSD.gYear, 7: XSD.gYearMonth}.get(len(text), XSD.date)
    return Literal(text, datatype=kind)


def _claim_triples(g: rdflib.Graph, c: ClaimRecord) -> None:
    s = URIRef(c.iri)
    g.add((s, RDF.type, OG.Claim))
    g.add((s, OG.aboutModel, URIRef(c.model)))
    g.add((s, OG.criterion, URIRef(c.criterion)))
    g.add((s, OG.level, OG[c.level]))
    g.add((s, OG.rank, RANKS[c.rank]))
    if c.stated_on:
        g.add((s, OG.statedOn, _stated(c.stated_on)))
    if c.deprecated_on:
        g.add((s, OG.deprecatedOn, Literal(c.deprecated_on.isoformat(), datatype=XSD.date)))
    for agent in c.attributed_to:
        g.add((s, PROV.wasAttributedTo, URIRef(agent)))
    for source in c.sources:
        g.add((s, PROV.wasDerivedFrom, URIRef(source)))
    for q in c.quotes:
        quote, selector = BNode(), BNode()
        g.add((s, OG.quote, quote))
        g.add((quote, RDF.type, OA.SpecificResource))
        g.add((quote, OA.hasSource, URIRef(q.source)))
        g.add((quote, OA.hasSelector, selector))
        g.add((selector, RDF.type, OA.TextQuoteSelector))
        g.add((selector, OA.exact, Literal(q.exact)))
        if q.prefix:
            g.add((selector, OA.prefix, Literal(q.prefix)))
        if q.suffix:
            g.add((selector, OA.suffix, Literal(q.suffix)))


def _source_triples(g: rdflib.Graph, t: Trace, iri: str) -> None:
    data = _source_dict(t, iri)
    s = URIRef(iri)
    g.add((s, RDF.type, OG.Source))
    if data["title"]:
        g.add((s, DCTERMS.title, Literal(data["title"])))
    if data["url"]:
        g.add((s, SCHEMA.url, URIRef(data["url"])))
    issued = t.citations.sources[iri].issued if iri in t.citations.sources else None
    if issued is not None:
        g.add((s, DCTERMS.issued, Literal(issued.value, datatype=URIRef(issued.datatype.value))))
    for kind in data["kinds"]:
        g.add((s, DCTERMS.type, URIRef(kind["iri"])))
    for p in data["publishers"]:
        g.add((s, DCTERMS.publisher, URIRef(p["iri"])))
        if p["label"]:
            g.add((URIRef(p["iri"]), RDFS.label, Literal(p["label"])))
    for c in t.citations.cited_by(iri):
        cited = URIRef(c.cited)
        for prop in c.properties:
            g.add((s, URIRef(prop), cited))
        for node, (note, prop) in c.nodes.items():
            n = URIRef(node)
            g.add((n, RDF.type, CITO.Citation))
            g.add((n, CITO.hasCitingEntity, s))
            g.add((n, CITO.hasCitedEntity, cited))
            if prop:
                g.add((n, CITO.hasCitationCharacterization, URIRef(prop)))
            if note is not None:
                g.add((n, OG.noteNumber, Literal(note)))
