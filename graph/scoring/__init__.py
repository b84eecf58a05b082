"""Turn claims into assessments and assessments into scores, per framework: pure functions.

Nothing here reads RDF or a store; callers pass plain records and get frozen
records back, with everything a trace needs (the value, the grade IRI, the
points per criterion, the missing criteria, the sub-scores and the criteria
read).

- ``resolve_claims``: claims on one model and criterion -> an ``Assessment``
  (``graph.scoring.resolution`` documents the rules and the date handling).
- ``osai_index_score``, ``legacy_score``: the EU Open Source AI Index and its
  legacy "Opening up ChatGPT" table (``graph.scoring.osai_index``).
- ``mof_classes``: the Model Openness Framework's classes (``graph.scoring.mof``).
- ``spectrum_tier``: the OTI 2024 spectrum of openness (``graph.scoring.spectrum``).
- ``osaid_meets``: the OSI Open Source AI Definition 1.0 (``graph.scoring.osaid``).

Every scorer takes a model's assessments keyed by criterion IRI (an
``Assessment`` or a bare level) and ignores criteria it does not use.
"""

from graph.scoring.levels import (
    CLOSED,
    LEVELS,
    OPEN,
    PARTIAL,
    UNKNOWN,
    Assessment,
    Claim,
    Score,
    as_level,
    level_iri,
    level_order,
    levels_by_criterion,
)
from graph.scoring.mof import MofScore, mof_classes, mof_component_level
from graph.scoring.osai_index import legacy_score, osai_index_score
from graph.scoring.osaid import OsaidScore, osaid_meets
from graph.scoring.resolution import first_day, resolve_claims
from graph.scoring.spectrum import SpectrumScore, spectrum_tier

__all__ = [
    "CLOSED",
    "LEVELS",
    "OPEN",
    "PARTIAL",
    "UNKNOWN",
    "Assessment",
    "Claim",
    "MofScore",
    "OsaidScore",
    "Score",
    "SpectrumScore",
    "as_level",
    "first_day",
    "legacy_score",
    "level_iri",
    "level_order",
    "levels_by_criterion",
    "mof_classes",
    "mof_component_level",
    "osai_index_score",
    "osaid_meets",
    "resolve_claims",
    "spectrum_tier",
]
