"""Score a model under a framework from the framework's scoring description: pure.

A ``Description`` is what ``og:scoring`` says (docs/frameworks.md): the points each
level is worth on each criterion, how points combine (a sum or a mean, weighted,
over the criteria or over groups of them), the grades and what each requires, and
how an unknown counts. ``score_described`` turns a model's assessments into a
``DescribedScore``, the same record every other framework's function returns.

The value is the aggregate when the rule aggregates, else the reached grade's
``og:gradeOrder`` (0 when no grade is reached). Unless the rule gives an unknown
points (``og:unknownPoints``), an unknown criterion leaves the score *unplaced*: the
aggregate counts only what is known, and a grade that turns on an unknown is not
given, neither is a lower one in its place.

Six terms let the shipped frameworks say the rest: ``og:shownOpenBy`` (a criterion
shown open by all of some others: the OSI definition's components by its checklist,
``short_of``), ``og:admitsMoreOpen`` (a grade whose ``og:atMost`` only describe what
it withholds: the OTI spectrum's rows, ``_binding``), ``og:decidedOverUnknowns``
(a grade only when every filling of the unknowns gives it: ``over_unknowns``),
``og:unknownCountsAs`` (the level an unknown counts as for grades: the MOF's "not
included"), ``og:metAlsoBy`` (a criterion whose requirements another meets in its
place: the MOF's research paper for its technical report, ``short_of`` and
``counted_requirements``) and ``og:progressMetric`` (a grade's share of requirements
met, gated by the grades it builds on: the MOF's progress per class, ``progress``).
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping

from graph.scoring.description import (
    DEFAULT_POINTS,
    MEAN,
    SUM,
    DescribedScore,
    Description,
    GradeRule,
    Requirement,
    ScaleLevel,
)
from graph.scoring.levels import (
    CLOSED,
    OPEN,
    PARTIAL,
    UNKNOWN,
    Assessment,
    level_order,
    levels_by_criterion,
)

# Re-exported: callers take the records from here, beside the function that scores them.
__all__ = [
    "DEFAULT_POINTS",
    "MEAN",
    "SUM",
    "DescribedScore",
    "Description",
    "GradeRule",
    "Requirement",
    "ScaleLevel",
    "score_described",
]


def score_described(
    description: Description, assessments: Mapping[str, Assessment | str] | None
) -> DescribedScore:
    """Score a model's assessments (keyed by criterion IRI) under ``description``."""
    d = description
    known = levels_by_criterion(assessments)
    levels = {c: known.get(c, UNKNOWN) for c in d.criteria}
    counts = d.aggregation is not None or any(d.scales.values())  # else no points at all
    points = {
        c: d.points_for(c, _shown_level(d, levels, c)) if counts else None for c in d.criteria
    }
    uncounted = tuple(c for c in d.criteria if points[c] is None) if counts else ()
    sub_scores: dict[str, float] = {}
    value: float | None = None
    if d.aggregation:
        if d.groups:
            parts = [(g, _group_value(d, g, points, sub_scores)) for g in d.groups]
            value = _aggregate(d, [(g, v) for g, v in parts if v is not None])
        else:
            value = _aggregate(d, [(c, p) for c, p in points.items() if p is not None])
    graded = counted_levels(d, levels)
    if d.over_unknowns:
        grade, missing, undecided = over_unknowns(d, levels)
    else:
        grade, missing, undecided = _grade(d, graded, value if not uncounted else None, uncounted)
        if d.unknown_counts_as and grade is None and missing:
            # Counting unknowns as a level may lower a grade; no grade at all needs evidence.
            undecided = all(levels[c] == UNKNOWN for c in missing)
    unplaced = undecided or (bool(uncounted) and d.aggregation is not None and not d.grades)
    if not d.aggregation:
        value = grade.order if grade else 0
    missing = _missing(d, levels, missing)
    part_criteria = {g: d.leaves(g) for g in sub_scores}
    part_missing = {g: tuple(c for c in missing if c in part_criteria[g]) for g in sub_scores}
    for metric, (share, short, read) in progress(d, graded).items():
        sub_scores[metric], part_missing[metric], part_criteria[metric] = share, short, read
    return DescribedScore(
        framework=d.framework,
        value=value or 0.0,
        grade=grade.iri if grade else None,
        points={c: p for c, p in points.items() if p is not None},
        missing=missing,
        sub_scores=sub_scores,
        criteria=d.criteria,
        unplaced=unplaced,
        part_missing=part_missing,
        part_criteria=part_criteria,
        substituted=substituted(d, graded),
    )


def counted_levels(d: Description, levels: Mapping[str, str]) -> Mapping[str, str]:
    """Return ``levels`` with each unknown at the level og:unknownCountsAs gives it, if any."""
    if not d.unknown_counts_as:
        return levels
    return {c: d.unknown_counts_as if lv == UNKNOWN else lv for c, lv in levels.items()}


def _missing(
    d: Description, levels: Mapping[str, str], blocking: tuple[str, ...]
) -> tuple[str, ...]:
    """Return what keeps the score from the next grade up and, when unplaced, what is unknown.

    A framework without grades lists its criteria with no evidence, as the index does; one
    with grades, what its grades turn on (``_grade``).
    """
    if not d.grades:
        return tuple(c for c in d.criteria if levels[c] == UNKNOWN)
    return blocking


def _aggregate(d: Description, values: list[tuple[str, float]]) -> float:
    """Return the weighted sum or mean of ``values`` (node IRI, value)."""
    total = sum(d.weights.get(node, 1.0) * v for node, v in values)
    if d.aggregation == MEAN:
        weight = sum(d.weights.get(node, 1.0) for node, _ in values)
        return total / weight if weight else 0.0
    return total


def _group_value(
    d: Description,
    group: str,
    points: Mapping[str, float | None],
    out: dict[str, float],
    seen: frozenset[str] = frozenset(),
) -> float | None:
    """Return a group's aggregate (recording it and its subgroups' in ``out``); None if empty."""
    values = []
    for member in d.members.get(group, ()):
        if member in seen:  # a cycle the shapes refuse; never recurse forever
            continue
        if member in d.members:
            v = _group_value(d, member, points, out, seen | {group})
        else:
            v = points.get(member)
        if v is not None:
            values.append((member, v))
    if not values:
        return None
    out[group] = _aggregate(d, values)
    return out[group]


def requirements_of(d: Description, grade: GradeRule) -> tuple[Requirement, ...]:
    """Return every requirement of ``grade``: its own, "all required", and those it builds on."""
    by_iri = {g.iri: g for g in d.grades}
    found: list[Requirement] = []
    todo, seen = [grade], set()
    while todo:
        g = todo.pop()
        if g.iri in seen:
            continue
        seen.add(g.iri)
        found += g.requirements
        if g.requires_all:
            found += [Requirement(c, at_least=g.requires_all) for c in d.criteria]
        todo += [by_iri[b] for b in g.builds_on if b in by_iri]
    return tuple(dict.fromkeys(found))


def _meets(level: str, r: Requirement) -> bool:
    low = r.at_least is None or level_order(level) >= level_order(r.at_least)
    return low and (r.at_most is None or level_order(level) <= level_order(r.at_most))


def _shown_level(d: Description, levels: Mapping[str, str], criterion: str) -> str:
    """Return a criterion's level, open when every criterion it is og:shownOpenBy is open."""
    shown = d.shown_by.get(criterion)
    if shown and all(levels.get(s) == OPEN for s in shown):
        return OPEN
    return levels.get(criterion, UNKNOWN)


def _meets_itself(d: Description, levels: Mapping[str, str], r: Requirement) -> bool:
    """Return whether a requirement's criterion meets it, by its own level or as shown open."""
    shown = d.shown_by.get(r.criterion, ())
    if _meets(levels.get(r.criterion, UNKNOWN), r):
        return True
    return bool(shown) and all(_meets(levels.get(s, UNKNOWN), r) for s in shown)


def stand_in(d: Description, levels: Mapping[str, str], r: Requirement) -> str | None:
    """Return the criterion meeting ``r`` in its criterion's place (og:metAlsoBy), if any.

    Only when the criterion does not meet it itself; a substitute stands in by its own level.
    """
    subs = d.substitutes.get(r.criterion)
    if not subs or _meets_itself(d, levels, r):
        return None
    return next((s for s in subs if _meets(levels.get(s, UNKNOWN), r)), None)


def short_of(
    d: Description, levels: Mapping[str, str], r: Requirement
) -> tuple[tuple[str, ...], bool]:
    """Return what a requirement falls short on (nothing when met) and whether evidence shows it.

    A criterion with og:shownOpenBy meets it by its own level, or by every criterion
    showing it meeting it; one with og:metAlsoBy, also by a substitute meeting it. Short
    of it, once any of its narrower criteria or of those showing it has evidence, it
    falls short on those showing it that do not meet it; else on the criterion itself. The shortfall is a finding when one of the criteria
    it names has a known level; when all are unknown, the grade turns on an unknown.
    """
    shown = d.shown_by.get(r.criterion, ())
    if _meets_itself(d, levels, r) or stand_in(d, levels, r):
        return (), False
    judged = (*d.parts.get(r.criterion, ()), *shown)
    if any(levels.get(p, UNKNOWN) != UNKNOWN for p in judged):
        entries = tuple(s for s in shown if not _meets(levels.get(s, UNKNOWN), r))
    else:
        entries = (r.criterion,)
    return entries, any(levels.get(c, UNKNOWN) != UNKNOWN for c in entries)


def _grade(
    d: Description,
    levels: Mapping[str, str],
    value: float | None,
    uncounted: tuple[str, ...] = (),
) -> tuple[GradeRule | None, tuple[str, ...], bool]:
    """Return the grade reached, what keeps it from the next one up, and whether it is unplaced.

    Grades are tried from the most open: the first one not failed is reached when met,
    and leaves the score unplaced when it turns on an unknown. What keeps a model from a
    grade is listed in the order of its requirements; a minimum score that the unknown
    criteria (``uncounted``) leave undecided turns on them.
    """
    ordered = sorted(d.grades, key=lambda g: g.order)
    previous: tuple[str, ...] = ()
    for grade in ordered:
        short, failed = [], False
        for r in _binding(grade, requirements_of(d, grade)):
            entries, known = short_of(d, levels, r)
            short += entries
            failed = failed or known
        if grade.min_score is not None and d.aggregation:
            if value is None:
                short += uncounted
            elif value < grade.min_score:
                failed = True
        blocking = tuple(dict.fromkeys(short))
        if failed:
            previous = blocking
            continue
        if blocking:
            return None, blocking, True
        return grade, previous, False
    return None, previous, False


def _binding(grade: GradeRule, reqs: tuple[Requirement, ...]) -> tuple[Requirement, ...]:
    """Return the requirements that can keep a model off ``grade``.

    A grade that admits more open models (og:admitsMoreOpen) is not barred by its
    og:atMost: they say what the grade withholds.
    """
    if not grade.admits_more_open:
        return reqs
    return tuple(Requirement(r.criterion, r.at_least) for r in reqs if r.at_least is not None)


def counted_requirements(
    d: Description, grade: GradeRule, levels: Mapping[str, str]
) -> tuple[tuple[Requirement, ...], tuple[str, ...]]:
    """Return the requirements ``grade`` counts and the criteria it falls short on.

    Its binding requirements, less any a substitute meets (og:metAlsoBy) when the grade
    requires the substitute too: the two count as one (MOF Class I, the research paper
    standing in for the technical report, needs 13 components instead of 14).
    """
    reqs = _binding(grade, requirements_of(d, grade))
    named = {r.criterion for r in reqs}
    counted = tuple(r for r in reqs if stand_in(d, levels, r) not in named)
    short = (e for r in counted for e in short_of(d, levels, r)[0])
    return counted, tuple(dict.fromkeys(short))


def progress(
    d: Description, levels: Mapping[str, str]
) -> dict[str, tuple[float, tuple[str, ...], tuple[str, ...]]]:
    """Return, per og:progressMetric, the grade's progress, what it lacks and what it reads.

    Progress is the share of the requirements the grade counts that are met, times 100
    (100 when it counts none), and 0 unless every grade it builds on, directly or not,
    lacks nothing. Grades are taken from the least open, as they build on each other.
    """
    if not d.progress:
        return {}
    by_iri = {g.iri: g for g in d.grades}
    found = {g.iri: counted_requirements(d, g, levels) for g in d.grades}
    out = {}
    for grade in sorted(d.grades, key=lambda g: -g.order):
        metric = d.progress.get(grade.iri)
        if metric is None:
            continue
        counted, short = found[grade.iri]
        bases, todo = set(), list(grade.builds_on)
        while todo:
            b = todo.pop()
            if b in by_iri and b not in bases:
                bases.add(b)
                todo += by_iri[b].builds_on
        met = sum(1 for r in counted if not short_of(d, levels, r)[0])
        share = (met / len(counted)) * 100 if counted else 100.0
        if any(found[b][1] for b in bases):
            share = 0
        read = _binding(grade, requirements_of(d, grade))
        out[metric] = (share, short, tuple(dict.fromkeys(r.criterion for r in read)))
    return out


def substituted(d: Description, levels: Mapping[str, str]) -> tuple[str, ...]:
    """Return the criteria a substitute meets some grade's requirement for (og:metAlsoBy)."""
    if not d.substitutes:
        return ()
    reqs = {r for g in d.grades for r in g.requirements if r.criterion in d.substitutes}
    return tuple(
        c for c in d.criteria if any(r.criterion == c and stand_in(d, levels, r) for r in reqs)
    )


KNOWN = (CLOSED, PARTIAL, OPEN)
_PLACEMENTS: dict[tuple, tuple[str | None, tuple[str, ...]]] = {}


def over_unknowns(
    d: Description, levels: Mapping[str, str]
) -> tuple[GradeRule | None, tuple[str, ...], bool]:
    """Grade as og:decidedOverUnknowns says: an unknown may be at any level.

    Every way of filling the unknown criteria (closed, partial or open each) is graded;
    the grade is given only when they all reach the same one. Otherwise, or when the
    evidence reaches no grade, the score is unplaced and names the unknown criteria whose
    level changes the outcome. A grade given names what keeps it from the next one up:
    that grade's binding requirements the model's levels do not meet, unknowns included.
    """
    row = tuple(levels.get(c, UNKNOWN) for c in d.criteria)
    key = (
        d.framework,
        d.criteria,
        d.grades,
        tuple(sorted(d.shown_by.items())),
        tuple(sorted(d.substitutes.items())),
        row,
    )
    if key not in _PLACEMENTS:
        if len(_PLACEMENTS) > 4096:
            _PLACEMENTS.clear()
        _PLACEMENTS[key] = _placement(d, row)
    iri, lacking = _PLACEMENTS[key]
    by_iri = {g.iri: g for g in d.grades}
    if iri is None:
        return None, lacking, True
    ordered = sorted(d.grades, key=lambda g: g.order)
    above = ordered[: ordered.index(by_iri[iri])]
    if not above:
        return by_iri[iri], (), False
    short = [
        e
        for r in _binding(above[-1], requirements_of(d, above[-1]))
        for e in short_of(d, levels, r)[0]
    ]
    return by_iri[iri], tuple(dict.fromkeys(short)), False


def _placement(d: Description, row: tuple[str, ...]) -> tuple[str | None, tuple[str, ...]]:
    """Return the grade every filling of ``row``'s unknowns reaches (None if they differ or
    none is reached) and the unknown criteria whose level changes the outcome."""
    gaps = [i for i, level in enumerate(row) if level == UNKNOWN]

    def outcome(fill: tuple[str, ...]) -> str | None:
        full = list(row)
        for i, level in zip(gaps, fill, strict=True):
            full[i] = level
        grade, _, _ = _grade(d, dict(zip(d.criteria, full, strict=True)), None)
        return grade.iri if grade else None

    outcomes = {f: outcome(f) for f in itertools.product(KNOWN, repeat=len(gaps))}
    reached = set(outcomes.values())
    if len(reached) == 1 and None not in reached:
        return reached.pop(), ()
    lacking = tuple(
        d.criteria[gap]
        for k, gap in enumerate(gaps)
        if any(outcomes[f] != outcomes[f[:k] + (x,) + f[k + 1 :]] for f in outcomes for x in KNOWN)
    )
    return None, lacking
