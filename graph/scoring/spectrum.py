"""The OTI 2024 spectrum of openness (tier-1, most open, to tier-5, closed): its tiers as records.

The spectrum is scored from data: the ``og:scoring`` description in
``ontology/frameworks/oti-2024.ttl``, read from the store and scored by
``graph.scoring.described``. ``DESCRIPTION`` is the same description as a record
and ``spectrum_tier`` scores it, for callers that score without a store; the pages
and the derivation read ``TIERS`` for what each row speaks of.
``tests/test_scoring_described.py`` checks that the record says what the ontology says.

The report's table has five rows; each tier is written here as a list of
conditions ``(criterion, at_least, at_most)`` on the ``oti-2024`` criteria,
which the scheme carries as ``og:requirement`` nodes
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

The rule (unknown is not closed: a row is given only when the evidence decides it):

1. With evidence on every criterion, tiers 1 to 4 are tried from tier-1 down;
   the model is placed on the first whose ``at_least`` conditions all hold
   (a level at least ``at_least`` in ``og:levelOrder``). Their ``at_most``
   conditions describe what a row withholds and do not keep a model off it: a
   model that publishes more than a row says (an open-code model with no
   published weights and some transparency, say) must not fall below rows it
   outdoes (``og:admitsMoreOpen`` on tiers 1 to 4). A placed model's levels
   above its row's ``at_most`` are reported as ``exceeds``.
2. Tier-5, the closed row, needs evidence of closedness: every one of its
   ``at_most`` conditions holds (closed code, proprietary access, no
   transparency). A model no row fits is not placed on it.
3. When some criterion has no evidence (unknown, or no assessment), the model
   is placed on a tier only when every way of completing the missing evidence
   (closed, partial or open on each) places it on that same tier
   (``og:decidedOverUnknowns`` on the rule). Otherwise it
   is *unplaced* (``unplaced`` True, ``tier`` and value 0, no grade):
   ``missing`` names the criteria with no evidence whose level would change
   the placement ("not enough evidence: missing ..."). It is empty when the
   evidence is complete and matches no row.
4. For a placed model, ``missing`` lists the criteria whose ``at_least``
   conditions on the next tier up fail (empty on tier-1).

The score value is the tier's number (``og:gradeOrder``), 1 to 5, or 0 when unplaced.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from graph.scoring.described import Description, GradeRule, Requirement, score_described
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


DESCRIPTION = Description(
    framework=FRAMEWORK,
    criteria=CRITERIA,
    grades=tuple(
        GradeRule(
            TIER_GRADES[n],
            n,
            requirements=tuple(Requirement(c.criterion, c.at_least, c.at_most) for c in conds),
            admits_more_open=n != CLOSED_TIER,
        )
        for n, conds in TIERS.items()
    ),
    uses_matches=True,
    over_unknowns=True,
)


def spectrum_tier(assessments: Mapping[str, Assessment | str] | None) -> SpectrumScore:
    """Place a model on the OTI spectrum from its assessments (criterion IRI -> assessment)."""
    levels = levels_by_criterion(assessments)
    score = score_described(DESCRIPTION, levels)
    tier = int(score.value)
    exceeds = tuple(
        c.criterion for c in TIERS.get(tier, ()) if c.exceeded_by(levels.get(c.criterion, UNKNOWN))
    )
    return SpectrumScore(
        framework=FRAMEWORK,
        value=tier,
        grade=score.grade,
        points={},
        missing=score.missing,
        sub_scores={},
        criteria=CRITERIA,
        tier=tier,
        exceeds=exceeds,
        unplaced=not tier,
    )
