"""Say how each framework is scored: its criteria, its scoring function, how its value is written.

One FrameworkRule per framework, in RULES; the derivation scores a model once per rule.
A framework scored from data (its ``og:scoring`` description) has a rule made by
``described_rule``; ``rules_with`` takes the descriptions a store holds, so what the
store says is what scores. Pure, like the rest of graph.scoring.
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field

from graph.namespaces import ID
from graph.scoring import Assessment, Score, mof, osai_index, osaid, spectrum
from graph.scoring.described import Description, score_described
from graph.scoring.levels import level_of

CRITERION_PREFIX = f"{ID}criterion/"
FRAMEWORK_PREFIX = f"{ID}framework/"
KNOWN_SCORES = 2_048  # scores kept per framework, by the levels they were scored from


@dataclass(frozen=True)
class FrameworkRule:
    """How one framework is scored: its criteria, its scoring function, its metric."""

    iri: str
    criteria: tuple[str, ...]
    score: Callable[[Mapping[str, Assessment]], Score]
    uses_matches: bool = False  # fall back on claims on mapped criteria (graph.scoring.mappings)
    integer_value: bool = False  # dqv:value is an xsd:integer (a tier, a class, a grade order)
    # The framework's og:scoring description, for a framework scored from data, not code.
    description: Description | None = field(default=None, compare=False)

    @property
    def slug(self) -> str:
        """Return the framework's slug, e.g. "oti-2024"."""
        return self.iri[len(FRAMEWORK_PREFIX) :]

    @property
    def metric(self) -> str:
        """Return the IRI of the framework's dqv:Metric."""
        return f"{self.iri}/metric"


@functools.lru_cache(maxsize=8192)
def framework_of(criterion: str) -> str | None:
    """Return the framework IRI a criterion IRI names (id:criterion/<framework>/<slug>)."""
    if not criterion.startswith(CRITERION_PREFIX):
        return None
    rest = criterion[len(CRITERION_PREFIX) :]
    return f"{FRAMEWORK_PREFIX}{rest.split('/', 1)[0]}" if "/" in rest else None


@dataclass(frozen=True, eq=True)
class DescriptionScorer:
    """Score by a framework's og:scoring description (``score_described``).

    Equal when the descriptions are: the rules made from two reads of the same
    description compare equal, as a ``functools.partial`` of it would not.
    """

    description: Description
    # Score by the levels of the framework's criteria, the only thing a score reads: of
    # the 2,460 scores of the bundled data's 492 models, 490 differ; scoring was a third
    # of the Python derivation. Scores are frozen records, shared by the models they fit.
    _known: dict = field(default_factory=dict, compare=False, repr=False)

    def __call__(self, assessments: Mapping[str, Assessment]) -> Score:
        levels = tuple(level_of(assessments.get(c)) for c in self.description.criteria)
        score = self._known.get(levels)
        if score is None:
            if len(self._known) >= KNOWN_SCORES:
                self._known.clear()
            score = self._known[levels] = score_described(
                self.description, dict(zip(self.description.criteria, levels, strict=True))
            )
        return score

    def __hash__(self) -> int:
        return hash(self.description.framework)


def described_rule(description: Description) -> FrameworkRule:
    """Return the rule that scores a framework from its og:scoring description."""
    return FrameworkRule(
        iri=description.framework,
        criteria=description.criteria,
        score=DescriptionScorer(description),
        uses_matches=description.uses_matches,
        integer_value=description.aggregation is None,
        description=description,
    )


RULES: tuple[FrameworkRule, ...] = (
    described_rule(spectrum.DESCRIPTION),
    described_rule(osai_index.INDEX),
    described_rule(osai_index.LEGACY),
    described_rule(mof.DESCRIPTION),
    described_rule(osaid.DESCRIPTION),
)
RULES_BY_IRI = {r.iri: r for r in RULES}
MATCHED_CRITERIA = frozenset(c for r in RULES if r.uses_matches for c in r.criteria)


def rules_with(descriptions: Iterable[Description]) -> tuple[FrameworkRule, ...]:
    """Return the rules the descriptions make: RULES, each shipped rule that is scored from data
    replaced by the description given for it, and a rule for every other described framework.
    """
    given = {d.framework: d for d in descriptions}
    shipped = tuple(
        described_rule(_in_order_of(r, given[r.iri]))
        if r.description is not None and r.iri in given
        else r
        for r in RULES
    )
    extra = sorted((d for d in given.values() if d.framework not in RULES_BY_IRI), key=_framework)
    return shipped + tuple(described_rule(d) for d in extra)


def _framework(d: Description) -> str:
    return d.framework


def _in_order_of(rule: FrameworkRule, description: Description) -> Description:
    """Return ``description`` with its criteria in the shipped rule's order, the framework's own.

    The store keeps no order; pages, traces and the criteria a score misses list the
    criteria in the order the framework publishes them, and a grade's requirements and
    the criteria showing another in the order of the criteria they name.
    """
    known = set(description.criteria)
    ordered = tuple(c for c in rule.criteria if c in known)
    rest = tuple(c for c in description.criteria if c not in set(ordered))
    position = {c: i for i, c in enumerate(ordered + rest)}

    def key(criterion: str) -> tuple[int, str]:
        return position.get(criterion, len(position)), criterion

    grades = tuple(
        dataclasses.replace(
            g, requirements=tuple(sorted(g.requirements, key=lambda r: key(r.criterion)))
        )
        for g in description.grades
    )
    shown_by = {c: tuple(sorted(s, key=key)) for c, s in description.shown_by.items()}
    return dataclasses.replace(
        description, criteria=ordered + rest, grades=grades, shown_by=shown_by
    )
