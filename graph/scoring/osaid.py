"""Judge whether a model meets the OSI Open Source AI Definition 1.0.

The definition asks for three things, each available under OSI-approved
terms: data information (enough detail about the training data to build a
substantially equivalent system), the code (for training and running the
system) and the parameters (weights). The model meets the definition when all
three criteria ``id:criterion/osaid-1.0/{data-information,code,parameters}``
are open; partial, closed, unknown or no assessment all fall short. The score
value is the grade's ``og:gradeOrder``: 1 meets, 2 does not meet.

Levels on these criteria are this function's input: turning other
frameworks' evidence into them is not done here.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from graph.scoring.levels import (
    OPEN,
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
CRITERIA = (DATA_INFORMATION, CODE, PARAMETERS)

MEETS = grade_iri("osaid-1.0", "meets")
DOES_NOT_MEET = grade_iri("osaid-1.0", "does-not-meet")


@dataclass(frozen=True)
class OsaidScore(Score):
    """Whether the model meets the OSAID, with the components that fall short in ``missing``."""

    meets: bool


def osaid_meets(assessments: Mapping[str, Assessment | str] | None) -> OsaidScore:
    """Judge a model's assessments (criterion IRI -> assessment) against OSAID 1.0."""
    levels = levels_by_criterion(assessments)
    points = {c: 1.0 if levels.get(c) == OPEN else 0.0 for c in CRITERIA}
    missing = tuple(c for c in CRITERIA if not points[c])
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
