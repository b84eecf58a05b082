"""Say how each framework is scored: its criteria, its scoring function, how its value is written.

One FrameworkRule per framework, in RULES; the derivation scores a model once per rule.
Pure, like the rest of graph.scoring.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from graph.namespaces import ID
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
    spectrum,
    spectrum_tier,
)

CRITERION_PREFIX = f"{ID}criterion/"
FRAMEWORK_PREFIX = f"{ID}framework/"


@dataclass(frozen=True)
class FrameworkRule:
    """How one framework is scored: its criteria, its scoring function, its metric."""

    iri: str
    criteria: tuple[str, ...]
    score: Callable[[Mapping[str, Assessment]], Score]
    uses_matches: bool = False  # fall back on claims on mapped criteria (graph.scoring.mappings)
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


def framework_of(criterion: str) -> str | None:
    """Return the framework IRI a criterion IRI names (id:criterion/<framework>/<slug>)."""
    if not criterion.startswith(CRITERION_PREFIX):
        return None
    rest = criterion[len(CRITERION_PREFIX) :]
    return f"{FRAMEWORK_PREFIX}{rest.split('/', 1)[0]}" if "/" in rest else None
