"""The European Open Source AI Index and its legacy table: their judgements and scoring records.

Both are scored from data: their ``og:scoring`` descriptions in
``ontology/frameworks/osai-index.ttl`` and ``opening-up-chatgpt.ttl``, read from the
store and scored by ``graph.scoring.described`` like any framework described as
data. ``INDEX`` and ``LEGACY`` are the same descriptions as records, for callers
that score without a store (the importer's checks, the analytics, the tests);
``tests/test_scoring_described.py`` checks that they say what the ontology says.

Current index (``id:framework/osai-index``), as the osai-index.eu site computes
it: each of the twelve judgements gives open 1, partial 0.5, and closed,
unknown or missing 0. The score is the mean over all twelve (0..1); each
category's sub-score is the mean over its judgements (the categories, weighted
by their number of judgements, average to the score). The site averages a
category over the judgements that apply to the model's type; every judgement
currently applies to every type (text, image, code, video, audio), so the mean
is over all of them. The legacy judgements ``package`` and ``api`` (removed
2026-03-13, deprecated in the scheme) are not part of the current score.

Legacy "Opening up ChatGPT" table (``id:framework/opening-up-chatgpt``): the
same points over fourteen judgements, added up (0..14).

``missing`` lists the judgements with no evidence (no assessment, or level
unknown): they score 0 like closed ones, but for want of evidence.
"""

from __future__ import annotations

from collections.abc import Mapping

from graph.namespaces import ID
from graph.scoring.described import MEAN, SUM, Description, ScaleLevel, score_described
from graph.scoring.levels import (
    CLOSED,
    OPEN,
    PARTIAL,
    Assessment,
    Score,
    criterion_iri,
    framework_iri,
)

FRAMEWORK = framework_iri("osai-index")
LEGACY_FRAMEWORK = framework_iri("opening-up-chatgpt")

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


def _scale(slug: str) -> tuple[ScaleLevel, ...]:
    base = f"{ID}scale/{slug}/"
    return (
        ScaleLevel(f"{base}closed", CLOSED, 1, 0.0),
        ScaleLevel(f"{base}partial", PARTIAL, 2, 0.5),
        ScaleLevel(f"{base}open", OPEN, 3, 1.0),
    )


INDEX = Description(
    framework=FRAMEWORK,
    criteria=CRITERIA,
    aggregation=MEAN,
    scales={c: _scale("osai-index") for c in CRITERIA},
    weights={CATEGORY_IRIS[name]: float(len(m)) for name, m in CATEGORIES.items()},
    groups=tuple(CATEGORY_IRIS.values()),
    members={
        CATEGORY_IRIS[name]: tuple(criterion_iri("osai-index", j) for j in m)
        for name, m in CATEGORIES.items()
    },
    unknown_points=0.0,
)
LEGACY = Description(
    framework=LEGACY_FRAMEWORK,
    criteria=LEGACY_CRITERIA,
    aggregation=SUM,
    scales={c: _scale("opening-up-chatgpt") for c in LEGACY_CRITERIA},
    unknown_points=0.0,
)


def osai_index_score(assessments: Mapping[str, Assessment | str] | None) -> Score:
    """Score a model's assessments (criterion IRI -> assessment) under the current index."""
    return score_described(INDEX, assessments)


def legacy_score(assessments: Mapping[str, Assessment | str] | None) -> Score:
    """Score a model's assessments under the legacy 14-judgement table (plain sum, 0..14)."""
    return score_described(LEGACY, assessments)
