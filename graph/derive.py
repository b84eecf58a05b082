"""Compute each model's assessments and scores from its claims, and store them as derived data.

``derive_model`` is pure: a model's claim records in, a ``ModelDerivation``
out (assessments per criterion, one score per framework, flags). ``derive``
reads the claims, runs it and writes the result; ``affected_models`` and
``derive_after_load`` recompute only the models a change touches. The rules
are written down in docs/scoring.md. A write marks what it may make stale
(``graph.staleness``) and the derive that follows removes the marks with the
data it writes, so a derive a crash prevented runs at the next one
(``derive_marked``).

Derived data lives in two named graphs, ``graph/derived/assessments`` and
``graph/derived/scores``. Recomputing some models rewrites exactly those of
their nodes that changed (every derived node names its model with
``og:aboutModel`` or ``dqv:computedOn``), in one write (``graph.store.writes.edit_graphs``). "As of"
results are computed on the fly and never stored; their IRIs end in
``/as-of-YYYY-MM-DD``.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass

import pyoxigraph as ox

from graph import flags as fl
from graph import staleness
from graph.changes import affected_models
from graph.namespaces import DCTERMS, DQV, ID, OG, PROV, RDF, slugify
from graph.queries import values_block
from graph.records import (
    ASSESSMENTS_GRAPH,
    DERIVED_GRAPHS,
    SCORES_GRAPH,
    ClaimRecord,
    ModelRecord,
    SourceRecord,
    claims_as_of,
    read_evidence,
    read_matches,
)
from graph.scoring import (
    Assessment,
    Score,
    legacy_score,
    mof,
    mof_classes,
    osai_index,
    osai_index_score,
    osaid,
    osaid_meets,
    resolve_claims,
    spectrum,
    spectrum_tier,
)
from graph.scoring.levels import NO_CLAIM_RULE, UNKNOWN, level_iri
from graph.scoring.resolution import as_of_date
from graph.store import writes

CRITERION_PREFIX = f"{ID}criterion/"
FRAMEWORK_PREFIX = f"{ID}framework/"
XSD = "http://www.w3.org/2001/XMLSchema#"


@dataclass(frozen=True)
class FrameworkRule:
    """How one framework is scored: its criteria, its scoring function, its metric."""

    iri: str
    criteria: tuple[str, ...]
    score: Callable[[Mapping[str, Assessment]], Score]
    uses_matches: bool = False  # fall back on claims on closely matching criteria
    integer_value: bool = False  # dqv:value is an xsd:integer (a tier, a class, a grade order)

    @property
    def slug(self) -> str:
        """Return the framework's slug, e.g. "oti-2024"."""
        return self.iri[len(FRAMEWORK_PREFIX) :]

    @property
    def metric(self) -> str:
        """Return the IRI of the framework's dqv:Metric."""
        return f"{self.iri}/metric"


RULES: tuple[FrameworkRule, ...] = (
    FrameworkRule(spectrum.FRAMEWORK, spectrum.CRITERIA, spectrum_tier, True, True),
    FrameworkRule(osai_index.FRAMEWORK, osai_index.CRITERIA, osai_index_score),
    FrameworkRule(osai_index.LEGACY_FRAMEWORK, osai_index.LEGACY_CRITERIA, legacy_score),
    FrameworkRule(mof.FRAMEWORK, mof.required_for(1), mof_classes, False, True),
    FrameworkRule(osaid.FRAMEWORK, osaid.CRITERIA, osaid_meets, True, True),
)
RULES_BY_IRI = {r.iri: r for r in RULES}
MATCHED_CRITERIA = frozenset(c for r in RULES if r.uses_matches for c in r.criteria)


# ---------------------------------------------------------------- records of a derivation


@dataclass(frozen=True)
class AssessmentResult:
    """An assessment with its IRI, points, flags, and the claims left out or mapped in."""

    iri: str
    assessment: Assessment
    points: float | None = None
    flags: tuple[str, ...] = ()
    mapped_from: tuple[str, ...] = ()  # other frameworks' criteria whose claims stood in
    not_counted: tuple[tuple[str, str], ...] = ()  # (claim IRI, why it did not count)

    @property
    def criterion(self) -> str:
        """Return the criterion IRI."""
        return self.assessment.criterion

    @property
    def level(self) -> str:
        """Return the level's short name."""
        return self.assessment.level

    @property
    def counted(self) -> tuple[str, ...]:
        """Return every claim that counted, whichever side it took."""
        return tuple(i for iris in self.assessment.claims_by_level.values() for i in iris)


@dataclass(frozen=True)
class SubScore:
    """A part of a score: an index category's mean, a MOF class's progress."""

    iri: str
    measures: str  # the metric or category it measures
    value: float
    missing: tuple[str, ...]
    criteria: tuple[str, ...]


@dataclass(frozen=True)
class ScoreResult:
    """A model's score under one framework, with its flags and parts."""

    iri: str
    rule: FrameworkRule
    score: Score
    flags: tuple[str, ...]
    sub_scores: tuple[SubScore, ...]
    evidenced: bool  # see ``evidenced``


@dataclass(frozen=True)
class ModelDerivation:
    """Everything derived for one model (as of a date, or now)."""

    model: ModelRecord
    as_of: dt.date | None
    assessments: Mapping[str, AssessmentResult]  # by criterion IRI
    scores: Mapping[str, ScoreResult]  # by framework IRI, one per rule
    openwashing: fl.Openwashing

    @property
    def stored_scores(self) -> list[ScoreResult]:
        """Return the scores worth storing: those with some evidence."""
        return [s for s in self.scores.values() if s.evidenced]

    @property
    def stored_assessments(self) -> list[AssessmentResult]:
        """Return the assessments worth storing: those with claims, or read by a stored score."""
        used = {c for s in self.stored_scores for c in s.rule.criteria}
        return [a for a in self.assessments.values() if a.counted or a.criterion in used]


# ---------------------------------------------------------------- IRIs


def dated(iri: str, as_of: dt.date | None) -> str:
    """Return ``iri`` for an "as of" result: suffixed ``/as-of-YYYY-MM-DD``."""
    return iri if as_of is None else f"{iri}/as-of-{as_of.isoformat()}"


def framework_of(criterion: str) -> str | None:
    """Return the framework IRI a criterion IRI names (id:criterion/<framework>/<slug>)."""
    if not criterion.startswith(CRITERION_PREFIX):
        return None
    rest = criterion[len(CRITERION_PREFIX) :]
    return f"{FRAMEWORK_PREFIX}{rest.split('/', 1)[0]}" if "/" in rest else None


def assessment_iri(model: ModelRecord, criterion: str, as_of: dt.date | None = None) -> str:
    """Return id:assessment/<model-slug>/<framework-slug>/<criterion-slug>."""
    if framework_of(criterion):
        tail = criterion[len(CRITERION_PREFIX) :]
    else:
        tail = "other/" + slugify(criterion.rstrip("/#").rsplit("/", 1)[-1].rsplit("#", 1)[-1])
    return dated(f"{ID}assessment/{model.slug}/{tail}", as_of)


def score_iri(model: ModelRecord, framework: str, as_of: dt.date | None = None) -> str:
    """Return id:score/<model-slug>/<framework-slug>."""
    slug = framework.removeprefix(FRAMEWORK_PREFIX)
    return dated(f"{ID}score/{model.slug}/{slugify(slug) if '/' in slug else slug}", as_of)


# ---------------------------------------------------------------- the pure derivation


def derive_model(
    model: ModelRecord,
    claims: Sequence[ClaimRecord],
    sources: Mapping[str, SourceRecord],
    matches: Mapping[str, Iterable[str]],
    as_of: dt.date | str | None = None,
) -> ModelDerivation:
    """Resolve a model's claims into assessments, score them per framework and flag them."""
    day = as_of_date(as_of) if as_of is not None else None
    records = {c.iri: c for c in claims if c.model == model.iri}
    scoring = claims_as_of(records.values(), sources, model.developers, day)
    by_criterion: dict[str, list] = {}
    for claim in scoring:
        by_criterion.setdefault(claim.criterion, []).append(claim)

    criteria = sorted({c for r in RULES for c in r.criteria} | set(by_criterion))
    resolved: dict[str, tuple[Assessment, tuple[str, ...]]] = {}
    for criterion in criteria:
        own = by_criterion.get(criterion, [])
        assessment = resolve_claims(own, criterion=criterion, model=model.iri, as_of=day)
        mapped_from: tuple[str, ...] = ()
        if assessment.rule == NO_CLAIM_RULE and criterion in MATCHED_CRITERIA:
            assessment, mapped_from = _from_matches(model, criterion, by_criterion, matches, day)
        resolved[criterion] = (assessment, mapped_from)

    scores = {r.iri: r.score({c: a for c, (a, _) in resolved.items()}) for r in RULES}
    points = {c: p for s in scores.values() for c, p in s.points.items()}
    assessments = {}
    for criterion, (assessment, mapped_from) in resolved.items():
        own_records = [r for r in records.values() if r.criterion == criterion]
        assessments[criterion] = AssessmentResult(
            iri=assessment_iri(model, criterion, day),
            assessment=assessment,
            points=points.get(criterion),
            flags=fl.assessment_flags(assessment, records, sources, model.developers),
            mapped_from=mapped_from,
            not_counted=_not_counted(own_records, assessment, day),
        )
    self_description = assessments.get(fl.CALLED_OPEN_SOURCE)
    called_open = (
        self_description.assessment.claims_by_level.get("open", ()) if self_description else ()
    )
    washing = fl.openwashing(called_open, scores[osaid.FRAMEWORK], scores[mof.FRAMEWORK])
    if washing.flagged and self_description:
        assessments[fl.CALLED_OPEN_SOURCE] = dataclasses.replace(
            self_description, flags=fl.ordered(self_description.flags + (fl.OPENWASHING,))
        )

    results = {}
    for rule in RULES:
        score = scores[rule.iri]
        iri = score_iri(model, rule.iri, day)
        read = [assessments[c] for c in rule.criteria]
        results[rule.iri] = ScoreResult(
            iri=iri,
            rule=rule,
            score=score,
            flags=fl.score_flags((a.flags for a in read), washing),
            sub_scores=_sub_scores(iri, rule, score),
            evidenced=evidenced(rule, score, assessments),
        )
    return ModelDerivation(model, day, assessments, results, washing)


def evidenced(
    rule: FrameworkRule, score: Score, assessments: Mapping[str, AssessmentResult]
) -> bool:
    """Tell whether a score rests on evidence: a criterion it reads has a known level.

    On the spectrum, that criterion must be one the reached tier's row speaks
    of: the closed row is where a model no row fits lands, and weights alone
    do not place a model there.
    """
    criteria = rule.criteria
    if rule.iri == spectrum.FRAMEWORK:
        criteria = tuple(c.criterion for c in spectrum.TIERS[int(score.value)])
    return any(assessments[c].level != UNKNOWN for c in criteria)


def _from_matches(
    model: ModelRecord,
    criterion: str,
    by_criterion: Mapping[str, list],
    matches: Mapping[str, Iterable[str]],
    day: dt.date | None,
) -> tuple[Assessment, tuple[str, ...]]:
    """Resolve the claims on other frameworks' criteria that closely match ``criterion``."""
    own_framework = framework_of(criterion)
    others = sorted(
        m
        for m in matches.get(criterion, ())
        if framework_of(m) != own_framework or own_framework is None
    )
    borrowed = [
        dataclasses.replace(claim, criterion=criterion)
        for other in others
        for claim in by_criterion.get(other, [])
    ]
    assessment = resolve_claims(borrowed, criterion=criterion, model=model.iri, as_of=day)
    if assessment.rule == NO_CLAIM_RULE:
        return assessment, ()
    counted = {i for iris in assessment.claims_by_level.values() for i in iris}
    used = tuple(o for o in others if any(c.iri in counted for c in by_criterion.get(o, [])))
    return assessment, used


def _not_counted(
    records: Sequence[ClaimRecord], assessment: Assessment, day: dt.date | None
) -> tuple[tuple[str, str], ...]:
    counted = {i for iris in assessment.claims_by_level.values() for i in iris}
    left = []
    for r in sorted(records, key=lambda r: r.iri):
        if r.iri in counted:
            continue
        deprecated = r.rank_as_of(day) == "deprecated"
        why = "stated after the as-of date" if r.stated_on else "no date stated"
        left.append((r.iri, "deprecated" if deprecated else why))
    return tuple(left)


def _sub_scores(iri: str, rule: FrameworkRule, score: Score) -> tuple[SubScore, ...]:
    if rule.iri == mof.FRAMEWORK:
        return tuple(
            SubScore(
                iri=f"{iri}/{metric.rsplit('/', 1)[-1]}",
                measures=metric,
                value=score.sub_scores[metric],
                missing=score.missing_by_class[mof.CLASS_GRADES[k]],  # type: ignore[attr-defined]
                criteria=mof.required_for(k),
            )
            for k, metric in mof.PROGRESS_METRICS.items()
        )
    if rule.iri == osai_index.FRAMEWORK:
        parts = []
        for name, members in osai_index.CATEGORIES.items():
            category = osai_index.CATEGORY_IRIS[name]
            criteria = tuple(f"{CRITERION_PREFIX}osai-index/{j}" for j in members)
            missing = tuple(c for c in criteria if c in score.missing)
            value = score.sub_scores[category]
            parts.append(SubScore(f"{iri}/category-{name}", category, value, missing, criteria))
        return tuple(parts)
    return tuple(
        SubScore(f"{iri}/{slugify(k.rsplit('/', 1)[-1])}", k, v, (), rule.criteria)
        for k, v in score.sub_scores.items()
    )


# ---------------------------------------------------------------- triples, as N-Triples lines

# Plain strings: rdflib's Namespace attribute lookup is slow in a loop over thousands of nodes.
TYPE, FLAG, DERIVED_FROM = str(RDF.type), str(OG.flag), str(PROV.wasDerivedFrom)
ASSESSMENT, MEASUREMENT = str(OG.Assessment), str(DQV.QualityMeasurement)
ABOUT, CRITERION, LEVEL = str(OG.aboutModel), str(OG.criterion), str(OG.level)
CONTESTED, RESOLVED_BY, POINTS = str(OG.contested), str(OG.resolvedBy), str(OG.pointsFor)
GRADE, MISSING, FRAMEWORK = str(OG.grade), str(OG.missingCriterion), str(OG.framework)
COMPUTED_ON, MEASURES, VALUE = str(DQV.computedOn), str(DQV.isMeasurementOf), str(DQV.value)
GENERATED, AS_OF, PART_OF = str(PROV.generatedAtTime), str(OG.asOf), str(DCTERMS.isPartOf)
NO_CLAIM = str(OG.NoClaimRule)


def _t(s: str, p: str, o: str) -> str:
    """Return an N-Triples line; ``o`` is an IRI, or a literal already in N-Triples form."""
    return f"<{s}> <{p}> {o if o.startswith(chr(34)) else f'<{o}>'} ."


def _typed(text: str, datatype: str) -> str:
    return f'"{text}"^^<{XSD}{datatype}>'


def _number(value: float, integer: bool) -> str:
    if integer:
        return _typed(str(int(value)), "integer")
    # The canonical xsd:decimal form, as stores write it back: 1 and 0.5, not 1.0 or 5e-01;
    # twelve decimal places, since some stores (Virtuoso) keep only 15 significant digits.
    text = f"{value:.12f}".rstrip("0").rstrip(".")
    return _typed("0" if text in ("", "-0") else text, "decimal")


def _stamp(s: str, as_of: dt.date | None, when: str | None) -> list[str]:
    out = [_t(s, GENERATED, _typed(when, "dateTime"))] if when else []
    if as_of is not None:
        out.append(_t(s, AS_OF, _typed(as_of.isoformat(), "date")))
    return out


def assessment_triples(model: ModelRecord, a: AssessmentResult, when: str | None) -> list[str]:
    """Return the N-Triples lines of one assessment node."""
    s, x = a.iri, a.assessment
    out = [
        _t(s, TYPE, ASSESSMENT),
        _t(s, ABOUT, model.iri),
        _t(s, CRITERION, a.criterion),
        _t(s, LEVEL, level_iri(a.level)),
        _t(s, CONTESTED, _typed(str(x.contested).lower(), "boolean")),
        _t(s, RESOLVED_BY, x.rule or NO_CLAIM),
    ]
    if a.points is not None:
        out.append(_t(s, POINTS, _number(a.points, False)))
    out += [_t(s, FLAG, f) for f in a.flags]
    out += [_t(s, DERIVED_FROM, c) for c in a.counted]
    return out + _stamp(s, x.as_of, when)


def score_triples(
    model: ModelRecord, d: ModelDerivation, result: ScoreResult, when: str | None
) -> list[str]:
    """Return the N-Triples lines of one score node and its parts."""
    s, rule, score = result.iri, result.rule, result.score
    out = _measurement(s, model, rule, rule.metric, score.value, rule.integer_value, score.missing)
    if score.grade:
        out.append(_t(s, GRADE, score.grade))
    out += [_t(s, FLAG, f) for f in result.flags]
    out += [_t(s, DERIVED_FROM, d.assessments[c].iri) for c in rule.criteria]
    out += _stamp(s, d.as_of, when)
    for part in result.sub_scores:
        p = part.iri
        out += _measurement(p, model, rule, part.measures, part.value, False, part.missing)
        out.append(_t(p, PART_OF, s))
        out += [_t(p, DERIVED_FROM, d.assessments[c].iri) for c in part.criteria]
        out += _stamp(p, d.as_of, when)
    return out


def _measurement(
    s: str,
    model: ModelRecord,
    rule: FrameworkRule,
    metric: str,
    value: float,
    integer: bool,
    missing: Iterable[str],
) -> list[str]:
    out = [
        _t(s, TYPE, MEASUREMENT),
        _t(s, COMPUTED_ON, model.iri),
        _t(s, MEASURES, metric),
        _t(s, FRAMEWORK, rule.iri),
        _t(s, VALUE, _number(value, integer)),
    ]
    return out + [_t(s, MISSING, c) for c in missing]


def derivation_triples(
    d: ModelDerivation, when: str | None = None, frameworks: Iterable[str] | None = None
) -> tuple[list[str], list[str]]:
    """Return the N-Triples lines (assessments, scores) of a derivation; ``frameworks`` narrows."""
    scores = [s for s in d.stored_scores if frameworks is None or s.rule.iri in set(frameworks)]
    if frameworks is None:
        assessments = d.stored_assessments
    else:
        used = {c for s in scores for c in s.rule.criteria}
        assessments = [a for a in d.assessments.values() if a.criterion in used]
    a_lines = [t for a in assessments for t in assessment_triples(d.model, a, when)]
    s_lines = [t for s in scores for t in score_triples(d.model, d, s, when)]
    return a_lines, s_lines


# ---------------------------------------------------------------- reading and writing the store


def compute(
    store: ox.Store, models: Iterable[str] | None = None, as_of: dt.date | str | None = None
) -> dict[str, ModelDerivation]:
    """Read the claims of ``models`` (all when None) and derive them, writing nothing."""
    evidence, matches = read_evidence(store, models, quotes=False), read_matches(store)
    by_model: dict[str, list[ClaimRecord]] = {}
    for claim in evidence.claims:
        by_model.setdefault(claim.model, []).append(claim)
    return {
        iri: derive_model(model, by_model.get(iri, []), evidence.sources, matches, as_of)
        for iri, model in evidence.models.items()
    }


@dataclass(frozen=True)
class DeriveReport:
    """What ``derive`` did: the models recomputed and what it wrote."""

    models: tuple[str, ...]
    assessments: int
    scores: int
    changed: int  # derived nodes written anew
    seconds: float
    derivations: Mapping[str, ModelDerivation]


def now_stamp() -> str:
    """Return the current UTC time as an xsd:dateTime lexical form."""
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


Nodes = dict[tuple[str, str], set[str]]  # (graph, subject IRI) -> its N-Triples lines


def stored_nodes(store: ox.Store, models: Sequence[str] | None) -> Nodes:
    """Return the derived nodes stored for ``models`` (all when None), with their triples."""
    values = values_block("m", models) if models is not None else ""
    found: Nodes = {}
    for graph, link in ((ASSESSMENTS_GRAPH, ABOUT), (SCORES_GRAPH, COMPUTED_ON)):
        query = (
            f"SELECT ?s ?p ?o WHERE {{ {values} GRAPH <{graph}> {{ ?s <{link}> ?m . ?s ?p ?o }} }}"
        )
        for s, p, o in store.query(query):
            found.setdefault((graph, s.value), set()).add(f"<{s.value}> <{p.value}> {o} .")
    return found


def new_nodes(derivations: Iterable[ModelDerivation], when: str) -> Nodes:
    """Return the derived nodes of ``derivations``, with their triples."""
    found: Nodes = {}
    for d in derivations:
        for graph, lines in zip(DERIVED_GRAPHS, derivation_triples(d, when), strict=True):
            for line in lines:
                found.setdefault((graph, line[1 : line.index(">")]), set()).add(line)
    return found


Edits = writes.Edits


def node_edits(old: Nodes, new: Nodes) -> tuple[Edits, int]:
    """Return {graph: (lines to delete, lines to insert)} turning ``old`` into ``new``, and
    how many nodes that rewrites.

    A node whose triples are the same but for ``prov:generatedAtTime`` is left as it
    is: it keeps the time it was generated, and recomputing unchanged data writes
    nothing.
    """
    stamp = f"<{GENERATED}>"
    deletes: dict[str, list[str]] = {g: [] for g in DERIVED_GRAPHS}
    inserts: dict[str, list[str]] = {g: [] for g in DERIVED_GRAPHS}
    changed = 0
    for key in sorted(old.keys() | new.keys()):
        before, after = old.get(key, set()), new.get(key, set())
        if {t for t in before if stamp not in t} == {t for t in after if stamp not in t}:
            continue
        changed += 1
        deletes[key[0]] += sorted(before)
        inserts[key[0]] += sorted(after)
    edits = {g: (deletes[g], inserts[g]) for g in DERIVED_GRAPHS if deletes[g] or inserts[g]}
    return edits, changed


def derive(
    store: ox.Store,
    models: Iterable[str] | None = None,
    *,
    when: str | None = None,
    answers: Iterable[str] | None = None,
) -> DeriveReport:
    """Recompute and store the assessments and scores of ``models`` (every model when None).

    ``answers`` names the staleness marks (``graph.staleness``) this derive answers; they
    are removed in the transaction that writes the derived data. Deriving every model
    answers every mark.
    """
    start = time.perf_counter()
    wanted = None if models is None else sorted(set(models))
    if answers is None:
        answers = staleness.marks(store) if wanted is None else ()
    done = staleness.clear_update(answers)
    if wanted == []:
        if done:
            store.update(done)
        return DeriveReport((), 0, 0, 0, 0.0, {})
    derivations = compute(store, wanted)
    old = stored_nodes(store, wanted)
    new = new_nodes(derivations.values(), when or now_stamp())
    edits, changed = node_edits(old, new)
    # The marks go only with or after the derived data: a crash before leaves them, and
    # deriving again writes nothing new.
    if edits:
        writes.edit_graphs(store, edits, then=done or "")
    elif done:
        store.update(done)
    return DeriveReport(
        models=tuple(wanted if wanted is not None else derivations),
        assessments=sum(len(d.stored_assessments) for d in derivations.values()),
        scores=sum(len(d.stored_scores) for d in derivations.values()),
        changed=changed,
        seconds=time.perf_counter() - start,
        derivations=derivations,
    )


def derive_after_load(
    store: ox.Store, changed_graph_iris: Iterable[str], added_only: bool = False
) -> list[str]:
    """Recompute the models a load touched, and those the store's marks name; return them.

    ``added_only`` says the change only added triples (an ingested batch in a graph of its
    own), which cannot leave a model's assessments resting on claims that are gone, so the
    check for such models, a walk over every derived link, is left out unless marks left
    by some other write are pending. The marks are removed with the derived data.
    """
    changed = set(changed_graph_iris)
    marked = staleness.marks(store)
    if staleness.EVERY_MODEL in marked:
        return list(derive(store, None, answers=marked).models)
    others = bool(marked - changed)
    affected = affected_models(store, changed | marked, stale=others or not added_only)
    derive(store, affected, answers=marked)
    return affected


def derive_marked(store: ox.Store) -> list[str] | None:
    """Recompute what the store's staleness marks name; None when there are none."""
    if not staleness.marks(store):
        return None
    return derive_after_load(store, ())
