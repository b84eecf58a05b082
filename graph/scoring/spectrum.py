"""Place a model on the OTI 2024 spectrum of openness (tier-1, most open, to tier-5, closed).

The report's table has five rows; each tier is written here as a list of
conditions ``(criterion, at_least, at_most)`` on the ``oti-2024`` criteria,
which ``ontology/frameworks`` carries as ``og:requirement`` nodes
(``og:onCriterion``, ``og:atLeast``, ``og:atMost``):

======  =========================================  =====================================
tier    row of the table                           conditions
======  =========================================  =====================================
tier-1  open code + published weights +            open-code >= open,
        transparency about inputs + transparency   published-weights >= open,
        about downstream effects (Mistral)         training-data-transparency >= open,
                                                   threat-transparency >= open
tier-2  open code + published weights +            open-code >= open,
        limited/no transparency about inputs +     published-weights >= open,
        some transparency about downstream         training-data-transparency <= partial,
        effects (Llama)                            threat-transparency >= partial
tier-3  open code + no published weights + no      open-code >= open,
        transparency about sources and training    published-weights <= closed,
        (Grok)                                     training-data-transparency <= closed
tier-4  closed code + no published weights +       open-code <= closed,
        public access + some transparency about    published-weights <= closed,
        inputs and downstream effects (ChatGPT,    public-access >= open,
        Gemini, Claude)                            training-data-transparency >= partial,
                                                   threat-transparency >= partial
tier-5  closed code + proprietary access + no      open-code <= closed,
        transparency about inputs or downstream    public-access <= closed,
        effects (internal systems)                 training-data-transparency <= closed,
                                                   threat-transparency <= closed
======  =========================================  =====================================

"Transparency about model inputs" is read on ``training-data-transparency``
(the narrower criterion under ``input-transparency`` that is not weights);
``open-licence`` and ``open-standards`` are in no row of the table.

The rule (a row is given only when the evidence matches it; unknown is not closed):

1. Tiers are tried from tier-1 down. A tier is *ruled out* when some criterion
   it names has a known level that contradicts it: below an ``at_least``
   (any tier), or above an ``at_most`` on tier-5. A criterion with no
   evidence (unknown, or no assessment) never rules a tier out and never
   satisfies it.
2. The first tier not ruled out *fits* when every criterion it names has a
   known level and every ``at_least`` holds; on tier-5, every ``at_most``
   holds too: the closed row needs evidence of closedness. The model is
   placed there.
3. ``at_most`` conditions on tiers 1 to 4 describe what a row withholds. They
   do not keep a model off the row: a model that publishes more than a row
   says (open weights on the closed-code row, say) must not fall below rows it
   outdoes. A placed model's levels above its row's ``at_most`` are reported
   as ``exceeds``.
4. When the first tier not ruled out does not fit, or every tier is ruled
   out, the model is *unplaced* (``unplaced`` True, ``tier`` and value 0, no
   grade): its place depends on evidence it lacks. ``missing`` then names the
   criteria with no evidence that a tier still open to it names ("not enough
   evidence: missing ..."); it is empty when the evidence is complete but
   matches no row.
5. For a placed model, ``missing`` lists the criteria whose ``at_least``
   conditions on the next tier up fail (empty on tier-1).

The score value is the tier's number (``og:gradeOrder``), 1 to 5, or 0 when unplaced.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from graph.scoring.levels import (
    CLOSED,
    LEVEL_ORDER,
    OPEN,
    PARTIAL,
    UNKNOWN,
    Assessment,
    Score,
    criterion_iri,
    framework_iri,
    grade_iri,
    levels_by_criterion,
)

FRAMEWORK = framework_iri("oti-2024")

OPEN_CODE = criterion_iri("oti-2024", "open-code")
OPEN_LICENCE = criterion_iri("oti-2024", "open-licence")
INPUT_TRANSPARENCY = criterion_iri("oti-2024", "input-transparency")
PUBLISHED_WEIGHTS = criterion_iri("oti-2024", "published-weights")
TRAINING_DATA_TRANSPARENCY = criterion_iri("oti-2024", "training-data-transparency")
THREAT_TRANSPARENCY = criterion_iri("oti-2024", "threat-transparency")
OPEN_STANDARDS = criterion_iri("oti-2024", "open-standards")
PUBLIC_ACCESS = criterion_iri("oti-2024", "public-access")


@dataclass(frozen=True)
class Condition:
    """One requirement of a tier: a criterion's level at least and/or at most some level."""

    criterion: str
    at_least: str | None = None
    at_most: str | None = None

    def admits(self, level: str) -> bool:
        """Return True when ``level`` meets ``at_least`` (unknown never does)."""
        if self.at_least is None:
            return True
        return level != UNKNOWN and LEVEL_ORDER[level] >= LEVEL_ORDER[self.at_least]

    def exceeded_by(self, level: str) -> bool:
        """Return True when ``level`` is more open than ``at_most`` allows."""
        return self.at_most is not None and LEVEL_ORDER[level] > LEVEL_ORDER[self.at_most]

    def contradicted_by(self, level: str, last: bool) -> bool:
        """Return True when a known ``level`` rules the row out (``at_most`` only on the last row)."""
        if level == UNKNOWN:
            return False
        return not self.admits(level) or (last and self.exceeded_by(level))


TIERS: dict[int, tuple[Condition, ...]] = {
    1: (
        Condition(OPEN_CODE, at_least=OPEN),
        Condition(PUBLISHED_WEIGHTS, at_least=OPEN),
        Condition(TRAINING_DATA_TRANSPARENCY, at_least=OPEN),
        Condition(THREAT_TRANSPARENCY, at_least=OPEN),
    ),
    2: (
        Condition(OPEN_CODE, at_least=OPEN),
        Condition(PUBLISHED_WEIGHTS, at_least=OPEN),
        Condition(TRAINING_DATA_TRANSPARENCY, at_most=PARTIAL),
        Condition(THREAT_TRANSPARENCY, at_least=PARTIAL),
    ),
    3: (
        Condition(OPEN_CODE, at_least=OPEN),
        Condition(PUBLISHED_WEIGHTS, at_most=CLOSED),
        Condition(TRAINING_DATA_TRANSPARENCY, at_most=CLOSED),
    ),
    4: (
        Condition(OPEN_CODE, at_most=CLOSED),
        Condition(PUBLISHED_WEIGHTS, at_most=CLOSED),
        Condition(PUBLIC_ACCESS, at_least=OPEN),
        Condition(TRAINING_DATA_TRANSPARENCY, at_least=PARTIAL),
        Condition(THREAT_TRANSPARENCY, at_least=PARTIAL),
    ),
    5: (
        Condition(OPEN_CODE, at_most=CLOSED),
        Condition(PUBLIC_ACCESS, at_most=CLOSED),
        Condition(TRAINING_DATA_TRANSPARENCY, at_most=CLOSED),
        Condition(THREAT_TRANSPARENCY, at_most=CLOSED),
    ),
}
CLOSED_TIER = 5  # the closed row: placed only on evidence of closedness
TIER_GRADES = {n: grade_iri("oti-2024", f"tier-{n}") for n in TIERS}
CRITERIA = tuple(dict.fromkeys(c.criterion for conds in TIERS.values() for c in conds))


@dataclass(frozen=True)
class SpectrumScore(Score):
    """A place on the spectrum: the tier, what the tier above lacks, where the model exceeds it."""

    tier: int  # 0 when unplaced
    exceeds: tuple[str, ...]  # criteria more open than the placed row's at_most


def _failing(tier: int, levels: Mapping[str, str]) -> tuple[str, ...]:
    return tuple(c.criterion for c in TIERS[tier] if not c.admits(levels.get(c.criterion, UNKNOWN)))


def _ruled_out(tier: int, levels: Mapping[str, str]) -> bool:
    last = tier == CLOSED_TIER
    return any(c.contradicted_by(levels.get(c.criterion, UNKNOWN), last) for c in TIERS[tier])


def _unknown(tiers: list[int], levels: Mapping[str, str]) -> tuple[str, ...]:
    named = {c.criterion for n in tiers for c in TIERS[n]}
    return tuple(c for c in CRITERIA if c in named and levels.get(c, UNKNOWN) == UNKNOWN)


def _fits(tier: int, levels: Mapping[str, str]) -> bool:
    return not _unknown([tier], levels) and not _failing(tier, levels)


def _placed(tiers: list[int], levels: Mapping[str, str]) -> int:
    """Return the tier the evidence places the model on, or 0 when it is unplaced."""
    return tiers[0] if tiers and _fits(tiers[0], levels) else 0


def _lacking(tiers: list[int], levels: Mapping[str, str]) -> tuple[str, ...]:
    """Return the criteria with no evidence that decide between the tiers still open."""
    until = next((i for i, n in enumerate(tiers) if _fits(n, levels)), len(tiers) - 1)
    return _unknown(tiers[: until + 1], levels)


def spectrum_tier(assessments: Mapping[str, Assessment | str] | None) -> SpectrumScore:
    """Place a model on the OTI spectrum from its assessments (criterion IRI -> assessment)."""
    levels = levels_by_criterion(assessments)
    open_to = [n for n in sorted(TIERS) if not _ruled_out(n, levels)]
    tier = _placed(open_to, levels)
    if tier:
        missing = _failing(tier - 1, levels) if tier > 1 else ()
        exceeds = tuple(
            c.criterion for c in TIERS[tier] if c.exceeded_by(levels.get(c.criterion, UNKNOWN))
        )
    else:
        missing, exceeds = _lacking(open_to, levels), ()
    return SpectrumScore(
        framework=FRAMEWORK,
        value=tier,
        grade=TIER_GRADES[tier] if tier else None,
        points={},
        missing=missing,
        sub_scores={},
        criteria=CRITERIA,
        tier=tier,
        exceeds=exceeds,
        unplaced=not tier,
    )
