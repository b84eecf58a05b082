"""Trace a model's scores back to assessments, claims, sources and what those sources cite.

``trace(store, model, framework=None, as_of=None)`` reads, in a handful of
queries, the model's claims with their sources and quotes (one query), the
citation graph reachable from those sources (one query: ``cito:cites`` and its
sub-properties, ``cito:isCitedBy`` backwards, and ``cito:Citation`` nodes), the
closely matching criteria, and the labels to show. It derives the model with
``graph.derive.model.derive_model`` (so a trace always agrees with what ``openness
derive`` stores) and walks the citation graph in Python: the depth of every
source is the fewest citation steps from a claim's source, and a citation that
leads back to a source on the current path is reported as a cycle and not
followed. ``Trace.as_dict`` is the JSON documented in docs/scoring.md
(``graph.evidence.as_dict``), ``Trace.as_turtle`` the PROV subgraph behind it
(``graph.evidence.as_rdf``), and ``graph.evidence.as_text`` the tree that
``openness trace`` prints. The citation read is ``graph.evidence.citations``.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import pyoxigraph as ox

from graph.derive import flags as fl
from graph.derive.families import model_disagreements
from graph.derive.model import AssessmentResult, ModelDerivation, ScoreResult, derive_model
from graph.evidence.as_dict import trace_dict
from graph.evidence.as_rdf import trace_graph
from graph.evidence.citations import Citation, CitationGraph, read_citations
from graph.evidence.passages import PassageEvidence, claim_passages
from graph.framework_descriptions import store_rules
from graph.labels import ENGLISH_LABEL, read_names
from graph.namespaces import ID, OG
from graph.records import (
    ClaimRecord,
    Evidence,
    ModelRecord,
    read_evidence,
    read_matches,
    resolve_model,
)
from graph.scoring.resolution import as_of_date
from graph.scoring.rules import RULES, RULES_BY_IRI, FrameworkRule

__all__ = ["Trace", "UnknownFramework", "resolve_framework", "trace", "trace_dict", "walk"]


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


def resolve_framework(name: str, rules: Sequence[FrameworkRule] = RULES) -> str:
    """Return the IRI of a scored framework named by IRI, slug or alias (oti, index, osaid ...).

    ``rules`` are the frameworks to look in: the shipped ones unless told, and with
    ``graph.framework_descriptions.store_rules`` those a store describes as data.
    """
    wanted = name.strip()
    if wanted in RULES_BY_IRI or wanted in {r.iri for r in rules}:
        return wanted
    slug = ALIASES.get(wanted.casefold(), wanted.casefold())
    for rule in rules:
        if rule.slug == slug:
            return rule.iri
    known = ", ".join(r.slug for r in rules)
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
    passages: dict[tuple[str, str], PassageEvidence] = field(default_factory=dict)
    # (claim IRI, source IRI) -> the citations that are evidence for the claim there
    family: list[dict[str, str]] = field(default_factory=list)
    # where the model's stored evidence and its family's disagree (family_disagreements)

    def passage(self, claim: str, source: str) -> PassageEvidence:
        """Return the citations of ``source`` that are evidence for ``claim``."""
        return self.passages.get((claim, source)) or PassageEvidence(source, False)

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
    rules = store_rules(store)
    chosen = resolve_framework(framework, rules) if framework is not None else None
    day = as_of_date(as_of) if as_of is not None else None
    evidence = read_evidence(store, [record.iri])
    record = evidence.models.get(record.iri, record)
    derivation = derive_model(
        record, evidence.claims_of(record.iri), evidence.sources, read_matches(store), day, rules
    )
    result = Trace(derivation, evidence, CitationGraph(), {}, [], {}, chosen)
    claims = result.claims()
    roots = sorted({s for c in claims.values() for s in c.sources})
    # One citation read gives what each claim source cites and how (the direct
    # links of a source a claim rests on whole carry their properties), so the
    # passages are chosen without reading the sources' citations again.
    full = read_citations(store, roots)
    direct = {r: {c.cited: c.properties for c in full.cited_by(r)} for r in roots}
    result.passages = claim_passages(store, claims.values(), direct)
    beyond = {w for p in result.passages.values() for w in p.cited} - set(full.sources)
    if beyond:  # a work only a claim's own dcterms:references reaches
        full = read_citations(store, {*roots, *beyond})
    result.citations = evidence_graph(full, roots, result.passages.values())
    result.depth, result.cycles = walk(result.citations, roots)
    result.citations.sources = {
        i: s for i, s in result.citations.sources.items() if i in result.depth
    }
    result.family = family_disagreements(store, record.iri)
    result.labels = read_names(store, _iris_to_label(result, claims.values()), ENGLISH_LABEL)
    return result


def family_disagreements(store: ox.Store, model: str) -> list[dict[str, str]]:
    """Return the stored family disagreements ``model`` is on either side of.

    Each: ``family``, ``criterion``, ``family_level`` (the member named as the
    family) and its ``family_level_level``, ``member`` and its ``member_level``
    (short level names), as ``graph.derive.families`` finds them.
    """
    return [dataclasses.asdict(d) for d in model_disagreements(store, model)]


def evidence_graph(
    full: CitationGraph, roots: Iterable[str], passages: Iterable[PassageEvidence]
) -> CitationGraph:
    """Return ``full`` with each claim source's citations cut to those some claim rests on.

    A claim source keeps the union of the citations chosen for it (one claim's
    passage, another's); every other source keeps all its citations, and
    ``walk`` drops what is then out of reach.
    """
    roots = set(roots)
    kept = {k: c for k, c in full.citations.items() if k[0] not in roots}
    for p in passages:
        for c in p.citations:
            merged = kept.setdefault((c.citing, c.cited), Citation(c.citing, c.cited))
            merged.properties |= c.properties
            merged.notes |= c.notes
            merged.passages |= c.passages
            merged.texts |= c.texts
            merged.locators |= c.locators
            merged.nodes |= c.nodes
    return CitationGraph(dict(full.sources), kept)


def _iris_to_label(t: Trace, claims: Iterable[ClaimRecord]) -> set[str]:
    iris = {t.model.iri, *t.model.developers, *t.derivation.scores, str(OG.NoClaimRule)}
    for s in t.scores():
        iris |= {s.score.grade or "", *s.score.missing, s.rule.metric}
        iris |= {p.measures for p in s.sub_scores} | {m for p in s.sub_scores for m in p.missing}
    for a in t.assessments():
        iris |= {a.criterion, a.assessment.rule or "", *a.mapped_from}
    for c in claims:
        iris |= {c.criterion, *c.attributed_to}
    for s in t.citations.sources.values():
        iris |= s.kinds
    for d in t.family:
        iris |= {d["family"], d["criterion"], d["family_level"], d["member"]}
    return iris
