"""Find, for each source, the scores that would change if the source were removed.

Removing a source S takes it out of every claim's sources: a claim whose only
source is S drops out, and a claim with other sources stays with those (which
can change whether it counts as primary evidence, and so which claim decides a
contested criterion). The models that had claims from S are derived again
with ``graph.derive.model.derive_model``, the same pure function ``openness derive``
uses, under the same rules (``graph.framework_descriptions.store_rules``: the
shipped frameworks and those the store describes as data), and each of their
scores is compared with today's: a score changes when its value or grade changes, or when it appears or disappears (a score is only
kept while it rests on some evidence: ``graph.derive.model.evidenced``).

Deriving a model again costs a few milliseconds and most removals change no
score, so each removal is first checked on levels alone, and the model is
derived again only when a score moves:

- if no claim of the model drops out or changes its primary standing, the
  scoring functions see the same levels: nothing changes;
- otherwise the touched criteria are resolved again (with
  ``graph.scoring.resolve_claims``, borrowing across mappings as
  ``derive_model`` does), so are the criteria that borrow from them, and every
  framework's score function is run on the levels. Scores read levels only; if
  no score's value, grade or presence moves, nothing changes.

Only S's own claims are touched: a claim whose source cites S keeps it.
"""

from __future__ import annotations

import dataclasses
from collections import ChainMap
from collections.abc import Mapping, Sequence
from typing import NamedTuple

import pyoxigraph as ox

from graph.analytics.cache import ResultCache, Snapshot, finish
from graph.analytics.graphs import names_of
from graph.analytics.inputs import claims_by_model, derivations, evidence_records, framework_rules
from graph.derive import flags as fl
from graph.derive.model import ModelDerivation, derive_model, evidenced
from graph.derive.model import from_matches as from_matches_rule  # derive_model's borrowing rule
from graph.records import ClaimRecord, ModelRecord, SourceRecord, claims_as_of
from graph.scoring import Claim, resolve_claims
from graph.scoring.levels import DEPRECATED, NO_CLAIM_RULE
from graph.scoring.rules import MATCHED_CRITERIA, RULES, FrameworkRule


def fragility(
    store: ox.Store, *, limit: int | None = None, cache: ResultCache | None = None
) -> dict:
    """Say, per source, which scores change without it and which assessments rest on it alone."""
    snap = Snapshot(store, cache)
    return finish(snap.get("fragility", (), lambda: _fragility(snap)), limit)


def without_source(claims: Sequence[ClaimRecord], source: str) -> list[ClaimRecord]:
    """Return ``claims`` as they would be without ``source``: claims resting on it alone drop."""
    out = []
    for claim in claims:
        if source not in claim.sources:
            out.append(claim)
        elif len(claim.sources) > 1:
            rest = tuple(s for s in claim.sources if s != source)
            out.append(dataclasses.replace(claim, sources=rest))
    return out


def score_state(d: ModelDerivation) -> dict[str, tuple[float, str | None, str]]:
    """Return framework -> (value, grade, score IRI) for the scores a derivation keeps."""
    return {s.rule.iri: (s.score.value, s.score.grade, s.iri) for s in d.stored_scores}


def score_changes(before: ModelDerivation, after: ModelDerivation) -> list[dict]:
    """Return the scores whose value or grade differ between two derivations of one model."""
    old, new = score_state(before), score_state(after)
    integer = {s.rule.iri: s.rule.integer_value for s in before.scores.values()}
    changes = []
    for framework in sorted(old.keys() | new.keys()):
        a, b = old.get(framework), new.get(framework)
        if a is not None and b is not None and a[:2] == b[:2]:
            continue
        changes.append(
            {
                "model": before.model.iri,
                "framework": framework,
                "score": (a or b)[2],  # type: ignore[index]
                "before": _state_dict(a, integer.get(framework, False)),
                "after": _state_dict(b, integer.get(framework, False)),
            }
        )
    return changes


def _state_dict(state: tuple[float, str | None, str] | None, integer: bool) -> dict | None:
    if state is None:
        return None
    value = int(state[0]) if integer else float(state[0])
    return {"value": value, "grade": state[1]}


class _Level(NamedTuple):
    """An assessment as ``graph.derive.model.evidenced`` reads it: only its level."""

    level: str


class Remover:
    """Derive one model's scores again without one source, checking first whether it can matter."""

    def __init__(
        self,
        model: ModelRecord,
        claims: Sequence[ClaimRecord],
        sources: Mapping[str, SourceRecord],
        matches: Mapping[str, frozenset[str]],
        baseline: ModelDerivation,
        rules: Sequence[FrameworkRule] = RULES,
    ):
        self.model, self.claims, self.sources, self.matches = model, claims, sources, matches
        self.baseline, self.rules = baseline, rules
        # The claims as the scoring functions see them today, by IRI and by criterion.
        self.scoring = {c.iri: c for c in claims_as_of(claims, sources)}
        self.by_criterion: dict[str, list[Claim]] = {}
        for claim in self.scoring.values():
            self.by_criterion.setdefault(claim.criterion, []).append(claim)
        self.levels = {c: a.level for c, a in baseline.assessments.items()}
        self.state = {f: s[:2] for f, s in score_state(baseline).items()}
        self.derived = 0  # how many times the model was derived again in full

    def changes_without(self, source: str) -> list[dict]:
        """Return the score changes that removing ``source`` would cause for this model."""
        after = without_source(self.claims, source)
        if not self.may_change(source, after):
            return []
        self.derived += 1
        again = derive_model(self.model, after, self.sources, self.matches, rules=self.rules)
        return score_changes(self.baseline, again)

    def may_change(self, source: str, after: Sequence[ClaimRecord]) -> bool:
        """Tell whether removing ``source`` moves a score (see the module doc)."""
        kept = [c for c in after if source in self.scoring[c.iri].sources]
        now = {c.iri: c for c in claims_as_of(kept, self.sources)}
        touched = {
            claim.criterion
            for iri, claim in self.scoring.items()
            if source in claim.sources and (iri not in now or now[iri].primary != claim.primary)
        }
        if not touched:
            return False
        changed = {
            c: [
                now.get(x.iri, x)
                for x in self.by_criterion.get(c, [])
                if source not in x.sources or x.iri in now
            ]
            for c in touched
        }
        claims = ChainMap(changed, self.by_criterion)
        lenders = {y for y in MATCHED_CRITERIA if set(self.matches.get(y, ())) & touched}
        levels = dict(self.levels)
        for criterion in touched | lenders:
            levels[criterion] = self._level(criterion, claims)
        return self._state(levels) != self.state

    def _level(self, criterion: str, claims: Mapping[str, list[Claim]]) -> str:
        """Resolve one criterion as ``derive_model`` does, borrowing across mappings if it must."""
        found = resolve_claims(claims.get(criterion, []), criterion=criterion, model=self.model.iri)
        if found.rule == NO_CLAIM_RULE and criterion in MATCHED_CRITERIA:
            found, _ = from_matches_rule(self.model, criterion, claims, self.matches, None)
        return found.level

    def _state(self, levels: Mapping[str, str]) -> dict[str, tuple[float, str | None]]:
        read = {c: _Level(level) for c, level in levels.items()}
        out = {}
        for rule in self.rules:
            score = rule.score(levels)
            if evidenced(rule, score, read):  # type: ignore[arg-type]
                out[rule.iri] = (score.value, score.grade)
        return out


def single_source_assessments(
    d: ModelDerivation, claims: Mapping[str, ClaimRecord]
) -> dict[str, list[dict]]:
    """Return source -> the model's assessments whose level rests on that source alone."""
    out: dict[str, list[dict]] = {}
    for a in d.assessments.values():
        if fl.SINGLE_SOURCE not in a.flags:
            continue
        resting = {s for i in a.assessment.claims if i in claims for s in claims[i].sources}
        for source in resting:  # one, by the flag's definition
            out.setdefault(source, []).append(
                {
                    "assessment": a.iri,
                    "model": d.model.iri,
                    "criterion": a.criterion,
                    "level": a.level,
                }
            )
    return out


def _fragility(snap: Snapshot) -> dict:
    evidence, matches = evidence_records(snap)
    grouped = claims_by_model(snap)
    base = derivations(snap)
    rules = framework_rules(snap)

    by_source: dict[str, dict[str, list[ClaimRecord]]] = {}
    single: dict[str, list[dict]] = {}
    for model, claims in grouped.items():
        for claim in claims:
            if claim.rank != DEPRECATED:
                for source in claim.sources:
                    by_source.setdefault(source, {}).setdefault(model, []).append(claim)
        records = {c.iri: c for c in claims}
        for source, found in single_source_assessments(base[model], records).items():
            single.setdefault(source, []).extend(found)

    removers: dict[str, Remover] = {}
    items, pairs = [], 0
    for source in sorted(by_source):
        changes = []
        for model in sorted(by_source[source]):
            pairs += 1
            if model not in removers:
                removers[model] = Remover(
                    evidence.models[model],
                    grouped[model],
                    evidence.sources,
                    matches,
                    base[model],
                    rules,
                )
            changes += removers[model].changes_without(source)
        claims = [c for cs in by_source[source].values() for c in cs]
        items.append(
            {
                "source": source,
                "claims": len(claims),
                "claims_dropped": sum(1 for c in claims if c.sources == (source,)),
                "models": len(by_source[source]),
                "models_changed": len({c["model"] for c in changes}),
                "score_changes": changes,
                "single_source_assessments": sorted(
                    single.get(source, []), key=lambda a: a["assessment"]
                ),
            }
        )
    items.sort(
        key=lambda i: (
            -len(i["score_changes"]),
            -len(i["single_source_assessments"]),
            -i["claims_dropped"],
            i["source"],
        )
    )
    at_risk = {c["score"] for i in items for c in i["score_changes"]}
    mentioned = set(by_source) | {
        x
        for i in items
        for c in i["score_changes"]
        for x in (c["model"], c["framework"], *(s["grade"] for s in (c["before"], c["after"]) if s))
    }
    mentioned |= {
        x
        for i in items
        for a in i["single_source_assessments"]
        for x in (a["model"], a["criterion"])
    }
    return {
        "measure": "fragility",
        "data_version": snap.version,
        "sources_with_changes": sum(1 for i in items if i["score_changes"]),
        "scores_at_risk": len(at_risk),
        "pairs": pairs,
        "derived_again": sum(r.derived for r in removers.values()),
        "total": len(items),
        "items": items,
        "labels": names_of(snap, {m for m in mentioned if m}),
    }
