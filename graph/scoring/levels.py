"""Define the levels of openness, the claim and assessment records, and the score record.

Levels are the short names "open", "partial", "closed" and "unknown" (the
local names of ``og:open`` ... ``og:unknown``), ordered as ``og:levelOrder``
orders them: unknown 0 < closed 1 < partial 2 < open 3. Every function here
also accepts a level written as its full ``og:`` IRI.

Records are plain frozen dataclasses: nothing here touches RDF or a store.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field

from graph.namespaces import ID, OG

OPEN = "open"
PARTIAL = "partial"
CLOSED = "closed"
UNKNOWN = "unknown"

LEVELS = (UNKNOWN, CLOSED, PARTIAL, OPEN)
LEVEL_ORDER = {level: order for order, level in enumerate(LEVELS)}

PREFERRED = "preferred"
NORMAL = "normal"
DEPRECATED = "deprecated"
RANKS = (PREFERRED, NORMAL, DEPRECATED)

RANK_IRIS = {
    PREFERRED: str(OG.PreferredRank),
    NORMAL: str(OG.NormalRank),
    DEPRECATED: str(OG.DeprecatedRank),
}

SINGLE_CLAIM_RULE = str(OG.SingleClaimRule)
PREFERRED_RULE = str(OG.PreferredRule)
AGREEMENT_RULE = str(OG.AgreementRule)
MOST_RECENT_RULE = str(OG.MostRecentRule)
PRIMARY_EVIDENCE_RULE = str(OG.PrimaryEvidenceRule)
NO_CLAIM_RULE = str(OG.NoClaimRule)


def level_iri(level: str) -> str:
    """Return the og: IRI of a level."""
    return str(OG) + as_level(level)


def as_level(value: str) -> str:
    """Return the short name of a level given as a short name or an og: IRI."""
    if value in LEVEL_ORDER:  # already short: most calls, from the scoring of every model
        return value
    name = value[len(str(OG)) :] if value.startswith(str(OG)) else value
    if name not in LEVEL_ORDER:
        raise ValueError(f"unknown level {value!r}; expected one of {', '.join(LEVELS)}")
    return name


_RANK_NAMES = {**{n: n for n in RANK_IRIS}, **{iri: n for n, iri in RANK_IRIS.items()}}


def as_rank(value: str) -> str:
    """Return the short name of a rank given as "preferred"/"normal"/"deprecated" or an og: IRI."""
    name = _RANK_NAMES.get(value)
    if name is not None:
        return name
    raise ValueError(f"unknown rank {value!r}; expected one of {', '.join(RANKS)}")


def level_order(level: str) -> int:
    """Return a level's position from 0 (unknown) to 3 (open)."""
    return LEVEL_ORDER[as_level(level)]


def criterion_iri(framework: str, slug: str) -> str:
    """Return the IRI of a framework's criterion, e.g. ("mof", "model-card")."""
    return f"{ID}criterion/{framework}/{slug}"


def grade_iri(framework: str, slug: str) -> str:
    """Return the IRI of a framework's grade, e.g. ("mof", "class-i")."""
    return f"{ID}grade/{framework}/{slug}"


def framework_iri(slug: str) -> str:
    """Return the IRI of a framework, e.g. "osai-index"."""
    return f"{ID}framework/{slug}"


@dataclass(frozen=True)
class Claim:
    """One source's statement that a model has a level on a criterion.

    ``stated_on`` is when the source said it: a ``datetime.date`` or an
    xsd:date / xsd:gYearMonth / xsd:gYear lexical form ("2024-11-19",
    "2024-11", "2024"). ``primary`` is True when the claim rests on primary
    evidence for what it states: the model's own artefact (its release,
    repository, model card or licence text) on what an artefact can show,
    rather than a third party's statement or the developer's description.
    """

    iri: str
    level: str
    rank: str
    stated_on: dt.date | str
    primary: bool = False
    sources: tuple[str, ...] = ()
    model: str | None = None
    criterion: str | None = None


@dataclass(frozen=True)
class Assessment:
    """The level a model has on one criterion once its claims are resolved.

    ``claims`` are the claims the level rests on (the claims of the rank that
    decided); ``claims_by_level`` groups every counted claim by the level it
    states, including normal-rank claims a preferred claim overrode, so a trace
    can show both sides of a disagreement. ``decided_by`` is the claim whose
    level won (None when no claim counted). ``needs_review`` is True when the
    claims the level rests on include primary evidence and a secondary claim
    that contradicts it.
    """

    model: str | None
    criterion: str
    level: str
    claims: tuple[str, ...] = ()
    contested: bool = False
    rule: str | None = None
    claims_by_level: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    decided_by: str | None = None
    as_of: dt.date | None = None
    needs_review: bool = False


def level_of(value: Assessment | str | None) -> str:
    """Return the level of an assessment, a bare level, or "unknown" for None."""
    if value is None:
        return UNKNOWN
    if isinstance(value, Assessment):
        return as_level(value.level)
    return as_level(value)


def levels_by_criterion(
    assessments: Mapping[str, Assessment | str] | None,
) -> dict[str, str]:
    """Return criterion IRI -> short level for a model's assessments (or bare levels)."""
    return {criterion: level_of(value) for criterion, value in (assessments or {}).items()}


@dataclass(frozen=True)
class Score:
    """A model's score under one framework, with everything a trace needs.

    ``value`` is the number the framework reports (dqv:value); ``grade`` the
    grade IRI it reaches, if the framework has grades; ``points`` the points
    each criterion contributes (og:pointsFor); ``missing`` the criteria that
    keep the model from the next grade up, or that have no evidence, as each
    framework's function says (og:missingCriterion); ``sub_scores`` parts of
    the score keyed by the IRI of what they measure (an index category, a MOF
    class-progress metric); ``criteria`` every criterion
    the rule read, whose assessments the score is derived from.

    ``unplaced`` is True when the evidence does not cover what a grade needs:
    the score gives no grade (and value 0), and ``missing`` names the
    criteria with no evidence that the grade depends on.
    """

    framework: str
    value: float
    grade: str | None
    points: Mapping[str, float]
    missing: tuple[str, ...]
    sub_scores: Mapping[str, float]
    criteria: tuple[str, ...]
    unplaced: bool = field(default=False, kw_only=True)
