"""Class a model under the Model Openness Framework (MOF 1.0), as the Model Openness Tool does.

Levels of a component (criterion ``id:criterion/mof/<slug>``): open when the
release includes it under an open licence, partial when it is included but
unlicensed or under a licence that is not open, closed when it is not
included (``mof_component_level``; licences are judged by ``graph.licences``).
Only an open component counts; unknown counts as not included.

The classes are cumulative: Class III (Open Model) needs its six required
components, Class II (Open Tooling) those and four more, Class I (Open Science)
those and four more (``COMPONENTS`` below; optional components never count).

A research paper stands in for a missing technical report: when the technical
report is not open and the research paper is, the technical report's place in
Classes III and II is filled by the research paper, and Class I needs 13
components instead of 14 (the paper is already one of them).

Progress for class k is the share of the components it needs that are open,
times 100, computed as ``(open / needed) * 100``. It is 0 when a less
demanding class is not complete (Class II's progress is 0 unless Class III is
at 100 %, Class I's is 0 unless Classes III and II are). The model reaches the
most demanding class at 100 %, else it is unclassified (grade None). The score
value is the class number reached (1, 2 or 3), or 0 when unclassified, as the
framework's metric says; ``sub_scores`` holds the three progress values keyed
by their metrics (``id:framework/mof/metric/class-iii-progress`` ...), and
``mean_progress`` the mean of the three, which the tool sorts models by.

``points`` gives each required component 1 when it is open itself, else 0
(a technical report filled by the paper scores 0; ``research_paper_substitutes``
says why the class is still met). ``missing`` is what keeps the model from the
next class up (Class III's needs for an unclassified model, nothing for a
Class I model); ``missing_by_class`` has the same for every class.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass

from graph.licences import tool_licence_openness
from graph.scoring.levels import (
    CLOSED,
    OPEN,
    PARTIAL,
    Assessment,
    Score,
    criterion_iri,
    framework_iri,
    grade_iri,
    levels_by_criterion,
)

FRAMEWORK = framework_iri("mof")


@dataclass(frozen=True)
class MofComponent:
    """One MOF component: its name as the MOF spells it, content type, class, whether required."""

    name: str
    content_type: str  # "code", "data" or "document": picks the release licence that applies
    mof_class: int  # 3 = Class III (least demanding), 2 = Class II, 1 = Class I
    required: bool

    @property
    def slug(self) -> str:
        """Return the criterion slug: lower case, parentheses dropped, spaces to '-'."""
        return self.name.lower().replace("(", "").replace(")", "").replace(" ", "-")

    @functools.cached_property
    def iri(self) -> str:
        """Return the criterion IRI of this component."""
        return criterion_iri("mof", self.slug)


# The seventeen components of MOF 1.0, from Class III to Class I.
COMPONENTS = (
    MofComponent("Model architecture", "code", 3, True),
    MofComponent("Model parameters (Final)", "data", 3, True),
    MofComponent("Model card", "document", 3, True),
    MofComponent("Data card", "document", 3, True),
    MofComponent("Technical report", "document", 3, True),
    MofComponent("Evaluation results", "document", 3, True),
    MofComponent("Sample model outputs", "document", 3, False),
    MofComponent("Training code", "code", 2, True),
    MofComponent("Inference code", "code", 2, True),
    MofComponent("Evaluation code", "code", 2, True),
    MofComponent("Evaluation data", "data", 2, True),
    MofComponent("Supporting libraries and tools", "code", 2, False),
    MofComponent("Datasets", "data", 1, True),
    MofComponent("Data preprocessing code", "code", 1, True),
    MofComponent("Model parameters (Intermediate)", "data", 1, True),
    MofComponent("Research paper", "document", 1, True),
    MofComponent("Model metadata", "data", 1, False),
)
COMPONENTS_BY_NAME = {c.name: c for c in COMPONENTS}

TECHNICAL_REPORT = COMPONENTS_BY_NAME["Technical report"].iri
RESEARCH_PAPER = COMPONENTS_BY_NAME["Research paper"].iri

CLASS_GRADES = {
    3: grade_iri("mof", "class-iii"),
    2: grade_iri("mof", "class-ii"),
    1: grade_iri("mof", "class-i"),
}
PROGRESS_METRICS = {
    3: f"{FRAMEWORK}/metric/class-iii-progress",
    2: f"{FRAMEWORK}/metric/class-ii-progress",
    1: f"{FRAMEWORK}/metric/class-i-progress",
}


@functools.cache
def required_for(mof_class: int) -> tuple[str, ...]:
    """Return the criterion IRIs a class needs, its own and those of less demanding classes."""
    return tuple(c.iri for c in COMPONENTS if c.required and c.mof_class >= mof_class)


def mof_component_level(included: bool, licence: str | None) -> str:
    """Return a component's level: open (open licence), partial (other or none), closed (absent).

    The licence is matched as the Model Openness Tool matches it, by its exact
    identifier, so that the levels give the tool's classes.
    """
    if not included:
        return CLOSED
    return OPEN if tool_licence_openness(licence).is_open else PARTIAL


@dataclass(frozen=True)
class MofScore(Score):
    """A MOF classification: progress per class, what each class lacks, the paper substitution."""

    progress: Mapping[str, float]  # grade IRI -> 0..100
    mean_progress: float  # mean of the three progress values
    missing_by_class: Mapping[str, tuple[str, ...]]  # grade IRI -> criterion IRIs
    research_paper_substitutes: bool  # the research paper fills the technical report's place


def mof_classes(assessments: Mapping[str, Assessment | str] | None) -> MofScore:
    """Class a model from its assessments (criterion IRI -> assessment) on the MOF components."""
    levels = levels_by_criterion(assessments)
    is_open = {c.iri: levels.get(c.iri) == OPEN for c in COMPONENTS}
    substitutes = not is_open[TECHNICAL_REPORT] and is_open[RESEARCH_PAPER]

    needs: dict[int, tuple[str, ...]] = {}
    for k in (3, 2, 1):
        needed = required_for(k)
        if substitutes and k == 1:
            needed = tuple(c for c in needed if c != TECHNICAL_REPORT)
        needs[k] = needed

    def met(criterion: str) -> bool:
        return is_open[criterion] or (criterion == TECHNICAL_REPORT and substitutes)

    missing_by = {k: tuple(c for c in needs[k] if not met(c)) for k in (3, 2, 1)}
    progress: dict[int, float] = {}
    for k in (3, 2, 1):
        if any(missing_by[lower] for lower in (3, 2) if lower > k):
            progress[k] = 0
        else:
            progress[k] = (sum(map(met, needs[k])) / len(needs[k])) * 100

    reached = next((k for k in (1, 2, 3) if progress[k] == 100), None)
    next_up = {None: 3, 3: 2, 2: 1, 1: None}[reached]
    points = {c: 1.0 if is_open[c] else 0.0 for c in required_for(1)}
    return MofScore(
        framework=FRAMEWORK,
        value=reached or 0,
        grade=CLASS_GRADES[reached] if reached else None,
        points=points,
        missing=missing_by[next_up] if next_up else (),
        sub_scores={PROGRESS_METRICS[k]: progress[k] for k in (3, 2, 1)},
        criteria=required_for(1),
        progress={CLASS_GRADES[k]: progress[k] for k in (3, 2, 1)},
        mean_progress=(progress[3] + progress[2] + progress[1]) / 3,
        missing_by_class={CLASS_GRADES[k]: missing_by[k] for k in (3, 2, 1)},
        research_paper_substitutes=substitutes,
    )
