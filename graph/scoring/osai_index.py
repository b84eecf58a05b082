"""Score a model as the European Open Source AI Index does, and as its legacy table did.

Current index (``id:framework/osai-index``), as the osai-index.eu site computes
it: each of the twelve judgements gives open 1, partial 0.5, and closed,
unknown or missing 0. The score is the mean over all twelve (0..1); each
category's sub-score is the mean over its judgements. The site averages a
category over the judgements that apply to the model's type; every judgement
currently applies to every type (text, image, code, video, audio), so the mean
is over all of them. The legacy judgements ``package`` and ``api`` (removed
2026-03-13) are not part of the current score.

Legacy "Opening up ChatGPT" table (``id:framework/opening-up-chatgpt``): the
same points over fourteen judgements, added up (0..14).

``missing`` lists the judgements with no evidence (no assessment, or level
unknown): they score 0 like closed ones, but for want of evidence.
"""

from __future__ import annotations

from collections.abc import Mapping

from graph.scoring.levels import (
    CLOSED,
    OPEN,
    PARTIAL,
    UNKNOWN,
    Assessment,
    Score,
    criterion_iri,
    framework_iri,
    levels_by_criterion,
)

FRAMEWORK = framework_iri("osai-index")
LEGACY_FRAMEWORK = framework_iri("opening-up-chatgpt")

POINTS = {OPEN: 1.0, PARTIAL: 0.5, CLOSED: 0.0, UNKNOWN: 0.0}

CATEGORIES: dict[str, tuple[str, ...]] = {
    "availability": (
        "datasources_basemodel",
        "datasources_endmodel",
        "weights_basemodel",
        "weights_endmodel",
        "trainingcode",
    ),
    "documentation": (
        "code",
        "hardware_architecture",
        "preprint",
        "paper",
        "modelcard",
        "datasheet",
    ),
    "access": ("licenses",),
}

JUDGEMENTS = tuple(j for members in CATEGORIES.values() for j in members)
LEGACY_INDEX_JUDGEMENTS = ("package", "api")

CRITERIA = tuple(criterion_iri("osai-index", j) for j in JUDGEMENTS)
CATEGORY_IRIS = {name: criterion_iri("osai-index", f"category-{name}") for name in CATEGORIES}

LEGACY_JUDGEMENTS = (
    "opencode",
    "llmdata",
    "llmweights",
    "rldata",
    "rlweights",
    "license",
    "code",
    "architecture",
    "preprint",
    "paper",
    "modelcard",
    "datasheet",
    "package",
    "api",
)
LEGACY_CRITERIA = tuple(criterion_iri("opening-up-chatgpt", j) for j in LEGACY_JUDGEMENTS)


def _points(
    assessments: Mapping[str, Assessment | str] | None, criteria: tuple[str, ...]
) -> tuple[dict[str, float], tuple[str, ...]]:
    levels = levels_by_criterion(assessments)
    points = {c: POINTS[levels.get(c, UNKNOWN)] for c in criteria}
    missing = tuple(c for c in criteria if levels.get(c, UNKNOWN) == UNKNOWN)
    return points, missing


def osai_index_score(assessments: Mapping[str, Assessment | str] | None) -> Score:
    """Score a model's assessments (criterion IRI -> assessment) under the current index."""
    points, missing = _points(assessments, CRITERIA)
    sub_scores = {
        CATEGORY_IRIS[name]: sum(points[criterion_iri("osai-index", j)] for j in members)
        / len(members)
        for name, members in CATEGORIES.items()
    }
    return Score(
        framework=FRAMEWORK,
        value=sum(points.values()) / len(CRITERIA),
        grade=None,
        points=points,
        missing=missing,
        sub_scores=sub_scores,
        criteria=CRITERIA,
    )


def legacy_score(assessments: Mapping[str, Assessment | str] | None) -> Score:
    """Score a model's assessments under the legacy 14-judgement table (plain sum, 0..14)."""
    points, missing = _points(assessments, LEGACY_CRITERIA)
    return Score(
        framework=LEGACY_FRAMEWORK,
        value=sum(points.values()),
        grade=None,
        points=points,
        missing=missing,
        sub_scores={},
        criteria=LEGACY_CRITERIA,
    )
