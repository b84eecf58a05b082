"""Judge whether a model meets the OSI Open Source AI Definition 1.0.

The definition asks for three components, each available under OSI-approved
terms: data information (enough detail about the training data to build a
substantially equivalent system), the code (to train and run the system) and
the parameters (weights). The model meets the definition when all three are
shown open. A component is shown open by its own assessment
(``id:criterion/osaid-1.0/{data-information,code,parameters}``) at open, or by
the OSI's checklist of required components (``CHECKLIST``):

- code: every one of its checklist components open (data pre-processing;
  training, validation and testing; inference; supporting libraries and tools;
  model architecture);
- parameters: model parameters open;
- data information: datasets open. The checklist says the data requirements
  are satisfied when the datasets are available; from a research paper,
  technical report or data card alone "one needs to extrapolate", a reader's
  judgement this function does not make.

``points`` give each component 1 when shown open, else 0, and each checklist
component some evidence judges 1 when open, else 0. ``missing`` names what falls short, per component not shown: its checklist
components that some evidence judges and that are not open (for data
information, the datasets), or the component itself when no checklist
component has a known level. The score value is the grade's
``og:gradeOrder``: 1 meets, 2 does not meet.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from graph.scoring.levels import (
    OPEN,
    UNKNOWN,
    Assessment,
    Score,
    criterion_iri,
    framework_iri,
    grade_iri,
    levels_by_criterion,
)

FRAMEWORK = framework_iri("osaid-1.0")
DATA_INFORMATION = criterion_iri("osaid-1.0", "data-information")
CODE = criterion_iri("osaid-1.0", "code")
PARAMETERS = criterion_iri("osaid-1.0", "parameters")
COMPONENTS = (DATA_INFORMATION, CODE, PARAMETERS)

DATASETS = criterion_iri("osaid-1.0", "datasets")
DATA_COMPONENTS = tuple(
    criterion_iri("osaid-1.0", s)
    for s in ("datasets", "research-paper", "technical-report", "data-card")
)
CODE_COMPONENTS = tuple(
    criterion_iri("osaid-1.0", s)
    for s in (
        "data-preprocessing-code",
        "training-code",
        "inference-code",
        "supporting-libraries-and-tools",
        "model-architecture",
    )
)
MODEL_PARAMETERS = criterion_iri("osaid-1.0", "model-parameters")
CHECKLIST = {
    DATA_INFORMATION: DATA_COMPONENTS,
    CODE: CODE_COMPONENTS,
    PARAMETERS: (MODEL_PARAMETERS,),
}
# The checklist components whose being open shows their component.
SHOWN_BY = {DATA_INFORMATION: (DATASETS,), CODE: CODE_COMPONENTS, PARAMETERS: (MODEL_PARAMETERS,)}
CRITERIA = COMPONENTS + DATA_COMPONENTS + CODE_COMPONENTS + (MODEL_PARAMETERS,)

MEETS = grade_iri("osaid-1.0", "meets")
DOES_NOT_MEET = grade_iri("osaid-1.0", "does-not-meet")


@dataclass(frozen=True)
class OsaidScore(Score):
    """Whether the model meets the OSAID, with the components that fall short in ``missing``."""

    meets: bool


def component_shown(component: str, levels: Mapping[str, str]) -> bool:
    """Tell whether a component is shown open: by its own level, or by its checklist."""
    if levels.get(component) == OPEN:
        return True
    return all(levels.get(c) == OPEN for c in SHOWN_BY[component])


def component_missing(component: str, levels: Mapping[str, str]) -> tuple[str, ...]:
    """Return what keeps a component from being shown open (nothing when it is)."""
    if component_shown(component, levels):
        return ()
    judged = [c for c in CHECKLIST[component] if levels.get(c, UNKNOWN) != UNKNOWN]
    if not judged:
        return (component,)
    return tuple(c for c in SHOWN_BY[component] if levels.get(c) != OPEN)


def osaid_meets(assessments: Mapping[str, Assessment | str] | None) -> OsaidScore:
    """Judge a model's assessments (criterion IRI -> assessment) against OSAID 1.0."""
    levels = levels_by_criterion(assessments)
    points = {c: 1.0 if component_shown(c, levels) else 0.0 for c in COMPONENTS}
    judged = (c for c in CRITERIA if c not in points and levels.get(c, UNKNOWN) != UNKNOWN)
    points.update({c: 1.0 if levels[c] == OPEN else 0.0 for c in judged})
    missing = tuple(m for c in COMPONENTS for m in component_missing(c, levels))
    meets = not missing
    return OsaidScore(
        framework=FRAMEWORK,
        value=1 if meets else 2,
        grade=MEETS if meets else DOES_NOT_MEET,
        points=points,
        missing=missing,
        sub_scores={},
        criteria=CRITERIA,
        meets=meets,
    )
