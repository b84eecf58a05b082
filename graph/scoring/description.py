"""A framework's scoring description (og:scoring) as records, and the score it gives: pure.

``Description`` is what ``og:scoring`` says (docs/frameworks.md), read from the store by
``graph.framework_descriptions`` or written as a record beside a shipped framework;
``DescribedScore`` is what ``graph.scoring.described.score_described`` makes of a model's
assessments under it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from graph.scoring.levels import CLOSED, OPEN, PARTIAL, UNKNOWN, Score

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


def open_only_scale(scale: str) -> tuple[ScaleLevel, ...]:
    """Return the three levels of the scale ``scale`` (an IRI ending in ``/``) on which only
    an open criterion earns a point: the MOF's components and the OSAID's checklist."""
    return (
        ScaleLevel(f"{scale}closed", CLOSED, 1, 0.0),
        ScaleLevel(f"{scale}partial", PARTIAL, 2, 0.0),
        ScaleLevel(f"{scale}open", OPEN, 3, 1.0),
    )


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
    # og:unknownCountsAs: the short level an unknown counts as for grades and progress.
    unknown_counts_as: str | None = None
    # og:metAlsoBy: a criterion -> the criteria that meet a requirement on it in its place.
    substitutes: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    # og:progressMetric: a grade -> the metric of the share of its requirements met.
    progress: Mapping[str, str] = field(default_factory=dict)

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
    """A described framework's score: ``unplaced`` when an unknown kept it from a grade.

    ``part_missing`` and ``part_criteria`` give, for each part of the score (a group's
    aggregate, a grade's progress), what it misses and what it reads; ``substituted`` the
    criteria whose requirements another criterion met in their place (og:metAlsoBy).
    """

    unplaced: bool = False
    part_missing: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    part_criteria: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    substituted: tuple[str, ...] = ()
