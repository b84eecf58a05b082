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

Three terms let the shipped frameworks say the rest: ``og:shownOpenBy`` (a criterion
shown open by all of some others: the OSI definition's components by its checklist,
``short_of``), ``og:admitsMoreOpen`` (a grade whose ``og:atMost`` only describe what
it withholds: the OTI spectrum's rows, ``_binding``) and ``og:decidedOverUnknowns``
(a grade only when every filling of the unknowns gives it: ``over_unknowns``).
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping
from dataclasses import dataclass, field

from graph.scoring.levels import (
    CLOSED,
    OPEN,
    PARTIAL,
    UNKNOWN,
    Assessment,
    Score,
    level_order,
    levels_by_criterion,
)

SUM, MEAN = "sum", "mean"
# Points when a framework names no scale: what the OSAI index gives its judgements.
DEFAULT_POINTS = {OPEN: 1.0, PARTIAL: 0.5, CLOSED: 0.0}


@dataclass(frozen=True)
class ScaleLevel:
    """A level of a framework's own scale: its IRI, the level it stands for, order, points."""

    iri: str
    stands_for: str  # a short level: open, partial, closed
    order: int
    points: float | None = None


@dataclass(frozen=True)
class Requirement:
    """A criterion and the least and/or most open level a grade needs on it."""

    criterion: str
    at_least: str | None = None
    at_most: str | None = None


@dataclass(frozen=True)
class GradeRule:
    """A grade: its order (1 the most open), requirements, the grades it builds on."""

    iri: str
    order: int
    requirements: tuple[Requirement, ...] = ()
    builds_on: tuple[str, ...] = ()
    requires_all: str | None = None  # a short level every criterion needs
    min_score: float | None = None
    # og:admitsMoreOpen: its og:atMost say what it withholds, and do not keep a model off it.
    admits_more_open: bool = False


@dataclass(frozen=True)
class Description:
    """How a framework is scored, as its ``og:scoring`` description says."""

    framework: str
    criteria: tuple[str, ...]
    aggregation: str | None = None  # SUM, MEAN, or None to score by grades alone
    scales: Mapping[str, tuple[ScaleLevel, ...]] = field(default_factory=dict)  # by criterion
    weights: Mapping[str, float] = field(default_factory=dict)  # criterion or group -> weight
    groups: tuple[str, ...] = ()  # the groups the score aggregates, in order
    members: Mapping[str, tuple[str, ...]] = field(default_factory=dict)  # group -> members
    grades: tuple[GradeRule, ...] = ()
    unknown_points: float | None = None
    # og:unknownPoints of a criterion's own scale, where it differs from the rule's.
    unknown_on: Mapping[str, float] = field(default_factory=dict)
    # og:shownOpenBy: a criterion -> the criteria whose all being open shows it open.
    shown_by: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    # Such a criterion -> its narrower criteria in the scheme (skos:broader it).
    parts: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    uses_matches: bool = False  # og:usesMappings: claims on mapped criteria stand in
    # og:decidedOverUnknowns: a grade only when every filling of the unknowns gives it.
    over_unknowns: bool = False

    def points_for(self, criterion: str, level: str) -> float | None:
        """Return the points ``level`` is worth on ``criterion``; None for an uncounted unknown."""
        if level == UNKNOWN:
            return self.unknown_on.get(criterion, self.unknown_points)
        scale = self.scales.get(criterion)
        if not scale:
            return DEFAULT_POINTS.get(level)
        return next((s.points for s in scale if s.stands_for == level), None)

    def leaves(self, group: str, seen: frozenset[str] = frozenset()) -> tuple[str, ...]:
        """Return the criteria under ``group``, through its subgroups."""
        found: list[str] = []
        for member in self.members.get(group, ()):
            if member in self.members and member not in seen:
                found += self.leaves(member, seen | {group})
            elif member in self.criteria:
                found.append(member)
        return tuple(dict.fromkeys(found))


@dataclass(frozen=True)
class DescribedScore(Score):
    """A described framework's score: ``unplaced`` when an unknown kept it from a grade."""

    unplaced: bool = False


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
    if d.over_unknowns:
        grade, missing, undecided = over_unknowns(d, levels)
    else:
        grade, missing, undecided = _grade(d, levels, value if not uncounted else None, uncounted)
    unplaced = undecided or (bool(uncounted) and d.aggregation is not None and not d.grades)
    if not d.aggregation:
        value = grade.order if grade else 0
    return DescribedScore(
        framework=d.framework,
        value=value or 0.0,
        grade=grade.iri if grade else None,
        points={c: p for c, p in points.items() if p is not None},
        missing=_missing(d, levels, missing),
        sub_scores=sub_scores,
        criteria=d.criteria,
        unplaced=unplaced,
    )


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
    return tuple(found)


def _meets(level: str, r: Requirement) -> bool:
    low = r.at_least is None or level_order(level) >= level_order(r.at_least)
    return low and (r.at_most is None or level_order(level) <= level_order(r.at_most))


def _shown_level(d: Description, levels: Mapping[str, str], criterion: str) -> str:
    """Return a criterion's level, open when every criterion it is og:shownOpenBy is open."""
    shown = d.shown_by.get(criterion)
    if shown and all(levels.get(s) == OPEN for s in shown):
        return OPEN
    return levels.get(criterion, UNKNOWN)


def short_of(
    d: Description, levels: Mapping[str, str], r: Requirement
) -> tuple[tuple[str, ...], bool]:
    """Return what a requirement falls short on (nothing when met) and whether evidence shows it.

    A criterion with og:shownOpenBy meets it by its own level, or by every criterion
    showing it meeting it. Short of it, once any of its narrower criteria or of those
    showing it has evidence, it falls short on those showing it that do not meet it;
    else on the criterion itself. The shortfall is a finding when one of the criteria
    it names has a known level; when all are unknown, the grade turns on an unknown.
    """
    level = levels.get(r.criterion, UNKNOWN)
    shown = d.shown_by.get(r.criterion, ())
    if _meets(level, r) or (shown and all(_meets(levels.get(s, UNKNOWN), r) for s in shown)):
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
    key = (d.framework, d.criteria, d.grades, tuple(sorted(d.shown_by.items())), row)
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
