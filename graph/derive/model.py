"""Derive one model: its claims in, its assessments, scores and flags out. Pure.

``derive_model`` resolves the claims on each criterion a framework reads (borrowing
claims on closely matching criteria where the framework's rule says so), scores the
model under every rule of graph.scoring.rules and decides the flags. The rules are
written down in docs/scoring.md. "As of" results carry IRIs ending in
``/as-of-YYYY-MM-DD``.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from graph.derive import flags as fl
from graph.namespaces import ID, slugify
from graph.records import ClaimRecord, ModelRecord, SourceRecord, claims_as_of
from graph.scoring import Assessment, Claim, Score, mof, osaid, resolve_claims, spectrum
from graph.scoring.described import DescribedScore
from graph.scoring.levels import NO_CLAIM_RULE, UNKNOWN
from graph.scoring.mappings import ANALOGY, lent_level, strength
from graph.scoring.resolution import as_of_date
from graph.scoring.rules import (
    CRITERION_PREFIX,
    FRAMEWORK_PREFIX,
    MATCHED_CRITERIA,
    RULES,
    FrameworkRule,
    framework_of,
)

# A described framework's score left unplaced by an unknown (graph.scoring.described).


@dataclass(frozen=True)
class AssessmentResult:
    """An assessment with its IRI, points, flags, and the claims left out or mapped in."""

    iri: str
    assessment: Assessment
    points: float | None = None
    flags: tuple[str, ...] = ()
    mapped_from: tuple[str, ...] = ()  # other frameworks' criteria whose claims stood in
    by_analogy: tuple[str, ...] = ()  # those of them only closely matching: capped at partial
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


def assessment_iri(model: ModelRecord, criterion: str, as_of: dt.date | None = None) -> str:
    """Return id:assessment/<model-slug>/<framework-slug>/<criterion-slug>."""
    return dated(f"{ID}assessment/{model.slug}/{_criterion_tail(criterion)}", as_of)


@functools.lru_cache(maxsize=4096)
def _criterion_tail(criterion: str) -> str:
    if framework_of(criterion):
        return criterion[len(CRITERION_PREFIX) :]
    return "other/" + slugify(criterion.rstrip("/#").rsplit("/", 1)[-1].rsplit("#", 1)[-1])


def score_iri(model: ModelRecord, framework: str, as_of: dt.date | None = None) -> str:
    """Return id:score/<model-slug>/<framework-slug>."""
    slug = framework.removeprefix(FRAMEWORK_PREFIX)
    return dated(f"{ID}score/{model.slug}/{slugify(slug) if '/' in slug else slug}", as_of)


# ---------------------------------------------------------------- the pure derivation

# The criteria every model is assessed on, whatever its claims.
RULE_CRITERIA = frozenset(c for r in RULES for c in r.criteria)


def no_claims(criterion: str, model: str, day: dt.date | None) -> Assessment:
    """Return the assessment of a criterion no claim speaks to.

    Most of a model's criteria have no claim; resolving the empty list once per
    criterion and date, and naming the model in a copy, keeps a model's derivation
    proportional to its claims rather than to every framework's criteria.
    """
    template = _no_claims(criterion, day)
    # Its fields but for the model, built anew: dataclasses.replace took seven times as long.
    fields = template.__dict__ | {"model": model, "claims_by_level": dict(template.claims_by_level)}
    return Assessment(**fields)


@functools.lru_cache(maxsize=4096)
def _no_claims(criterion: str, day: dt.date | None) -> Assessment:
    return resolve_claims([], criterion=criterion, as_of=day)


def derive_model(
    model: ModelRecord,
    claims: Sequence[ClaimRecord],
    sources: Mapping[str, SourceRecord],
    matches: Mapping[str, Iterable[str]],
    as_of: dt.date | str | None = None,
    rules: Sequence[FrameworkRule] = RULES,
) -> ModelDerivation:
    """Resolve a model's claims into assessments, score them per framework and flag them.

    ``rules`` are the frameworks to score under: the shipped ones, and those the store
    describes as data (``graph.framework_descriptions.store_rules``).
    """
    day = as_of_date(as_of) if as_of is not None else None
    records = {c.iri: c for c in claims if c.model == model.iri}
    scoring = claims_as_of(records.values(), sources, day)
    by_criterion: dict[str, list] = {}
    for claim in scoring:
        by_criterion.setdefault(claim.criterion, []).append(claim)

    resolved = _resolve_all(model, rules, by_criterion, matches, day)
    assessed = {c: a for c, (a, _) in resolved.items()}  # every rule reads it, none changes it
    scores = {r.iri: r.score(assessed) for r in rules}
    points = {c: p for s in scores.values() for c, p in s.points.items()}
    assessments = {}
    records_by_criterion: dict[str, list[ClaimRecord]] = {}
    for r in records.values():
        records_by_criterion.setdefault(r.criterion, []).append(r)
    for criterion, (assessment, mapped_from) in resolved.items():
        analogies = tuple(m for m in mapped_from if strength(matches, criterion, m) == ANALOGY)
        own_records = records_by_criterion.get(criterion, [])
        assessments[criterion] = AssessmentResult(
            iri=assessment_iri(model, criterion, day),
            assessment=assessment,
            points=points.get(criterion),
            flags=fl.assessment_flags(assessment, records, sources, model.developers),
            mapped_from=mapped_from,
            by_analogy=analogies,
            not_counted=_not_counted(own_records, assessment, day),
        )
    self_description = assessments.get(fl.CALLED_OPEN_SOURCE)
    called_open = fl.called_open_by_developer(
        self_description.assessment if self_description else None,
        records,
        sources,
        model.developers,
    )
    washing = fl.openwashing(called_open, scores[osaid.FRAMEWORK], scores[mof.FRAMEWORK])
    if washing.flagged and self_description:
        assessments[fl.CALLED_OPEN_SOURCE] = dataclasses.replace(
            self_description, flags=fl.ordered(self_description.flags + (fl.OPENWASHING,))
        )

    results = {}
    for rule in rules:
        score = scores[rule.iri]
        iri = score_iri(model, rule.iri, day)
        read = [assessments[c] for c in rule.criteria]
        results[rule.iri] = ScoreResult(
            iri=iri,
            rule=rule,
            score=score,
            flags=fl.ordered(
                fl.score_flags((a.flags for a in read), washing)
                + ((fl.UNPLACED,) if score.unplaced else ())
            ),
            sub_scores=_sub_scores(iri, rule, score),
            evidenced=evidenced(rule, score, assessments),
        )
    return ModelDerivation(model, day, assessments, results, washing)


def _resolve_all(
    model: ModelRecord,
    rules: Sequence[FrameworkRule],
    by_criterion: Mapping[str, list],
    matches: Mapping,
    day: dt.date | None,
) -> dict[str, tuple[Assessment, tuple[str, ...]]]:
    """Resolve every criterion the rules read or a claim speaks of, borrowing through
    mappings where a criterion has no claim of its own; each with the criteria it borrowed from."""
    criteria = sorted({c for r in rules for c in r.criteria} | set(by_criterion))
    matched = MATCHED_CRITERIA.union(*(r.criteria for r in rules if r.uses_matches))
    resolved: dict[str, tuple[Assessment, tuple[str, ...]]] = {}
    for criterion in criteria:
        own = by_criterion.get(criterion)
        if own:
            assessment = resolve_claims(own, criterion=criterion, model=model.iri, as_of=day)
            if assessment.rule != NO_CLAIM_RULE or criterion not in matched:
                resolved[criterion] = (assessment, ())
                continue
        if criterion in matched:  # no claim of its own counts: borrow, else no claim
            resolved[criterion] = from_matches(model, criterion, by_criterion, matches, day)
        else:
            resolved[criterion] = (no_claims(criterion, model.iri, day), ())
    return resolved


def evidenced(
    rule: FrameworkRule, score: Score, assessments: Mapping[str, AssessmentResult]
) -> bool:
    """Tell whether a score rests on evidence: a criterion it reads has a known level.

    On the spectrum, a placed model's criterion must be one its row speaks of;
    an unplaced score (``Score.unplaced``) is kept when any criterion the
    framework reads has evidence: "not enough evidence" is itself a finding.
    """
    criteria = rule.criteria
    if rule.iri == spectrum.FRAMEWORK and not score.unplaced:
        criteria = tuple(c.criterion for c in spectrum.TIERS[int(score.value)])
    return any(assessments[c].level != UNKNOWN for c in criteria)


def from_matches(
    model: ModelRecord,
    criterion: str,
    by_criterion: Mapping[str, list],
    matches: Mapping[str, Iterable[str]],
    day: dt.date | None,
) -> tuple[Assessment, tuple[str, ...]]:
    """Resolve the claims on other frameworks' criteria mapped to ``criterion``.

    Which mapped criteria lend, and whether their claims count in full or by
    analogy (open capped at partial), or stand in with their open claims only,
    is ``graph.scoring.mappings``. Claims lent in full or as a stand-in come
    first: analogies are read only when none of those counts.
    """
    lenders_of = matches.get(criterion, ())
    if not any(m in by_criterion for m in lenders_of):  # most criteria: nothing to borrow
        return no_claims(criterion, model.iri, day), ()
    own_framework = framework_of(criterion)
    others = sorted(
        m for m in lenders_of if framework_of(m) != own_framework or own_framework is None
    )
    full = [o for o in others if strength(matches, criterion, o) != ANALOGY]
    close = [o for o in others if o not in full]
    for lenders in (full, close):
        borrowed = [  # copied by their fields: dataclasses.replace takes several times as long
            Claim(**(claim.__dict__ | {"criterion": criterion, "level": level}))
            for other in lenders
            for claim in by_criterion.get(other, [])
            if (level := lent_level(claim.level, strength(matches, criterion, other)))
        ]
        if not borrowed:  # resolving nothing gives what ``no_claims`` gives
            continue
        assessment = resolve_claims(borrowed, criterion=criterion, model=model.iri, as_of=day)
        if assessment.rule != NO_CLAIM_RULE:
            counted = {i for iris in assessment.claims_by_level.values() for i in iris}
            used = (o for o in lenders if any(c.iri in counted for c in by_criterion.get(o, [])))
            return assessment, tuple(used)
    return no_claims(criterion, model.iri, day), ()


def _not_counted(
    records: Sequence[ClaimRecord], assessment: Assessment, day: dt.date | None
) -> tuple[tuple[str, str], ...]:
    if not records:  # most criteria: no claim of the model's own
        return ()
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
    if isinstance(score, DescribedScore):  # a group's aggregate, a grade's progress
        return tuple(
            SubScore(
                f"{iri}/{slugify(k.rsplit('/', 1)[-1])}",
                k,
                v,
                score.part_missing.get(k, ()),
                score.part_criteria.get(k, ()),
            )
            for k, v in score.sub_scores.items()
        )
    return tuple(
        SubScore(f"{iri}/{slugify(k.rsplit('/', 1)[-1])}", k, v, (), rule.criteria)
        for k, v in score.sub_scores.items()
    )
