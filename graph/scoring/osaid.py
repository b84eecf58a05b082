"""The OSI Open Source AI Definition 1.0: its criteria, and its scoring description as a record.

The definition is scored from data: the ``og:scoring`` description in
``ontology/frameworks/osaid-1.0.ttl``, read from the store and scored by
``graph.scoring.described`` like any framework described as data. ``DESCRIPTION`` is
the same description as a record, for callers that score without a store (the
analytics, the openwashing checks, the tests); ``tests/test_scoring_described.py``
checks that it says what the ontology says.

The definition asks for three components, each available under OSI-approved
terms: data information (enough detail about the training data to build a
substantially equivalent system), the code (to train and run the system) and
the parameters (weights). The model meets the definition when all three are
shown open: a grade that requires each at least open. A component is shown open
by its own assessment (``id:criterion/osaid-1.0/{data-information,code,parameters}``)
at open, or by the OSI's checklist of required components (``og:shownOpenBy``):

- code: every one of its checklist components open (data pre-processing;
  training, validation and testing; inference; supporting libraries and tools;
  model architecture);
- parameters: model parameters open;
- data information: datasets open. The checklist says the data requirements
  are satisfied when the datasets are available; from a research paper,
  technical report or data card alone "one needs to extrapolate", a reader's
  judgement the scoring does not make.

``points`` give each component 1 when shown open, else 0 (an unknown component
counts 0: its scale's ``og:unknownPoints``), and each checklist component some
evidence judges 1 when open, else 0. ``missing`` names what falls short, per
component not shown: its checklist components (``CHECKLIST``, the criteria
``skos:broader`` it) that some evidence judges and that are not open (for data
information, the datasets), or the component itself when no checklist component
has a known level. The score value is the grade's ``og:gradeOrder``: 1 meets, 2
does not meet; when every shortfall is an unknown, the score is unplaced (value 0).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from graph.namespaces import ID
from graph.scoring.described import Description, GradeRule, Requirement, score_described
from graph.scoring.description import open_only_scale
from graph.scoring.levels import (
    OPEN,
    Assessment,
    Score,
    criterion_iri,
    framework_iri,
    grade_iri,
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

SCALE = open_only_scale(f"{ID}scale/osaid-1.0/")
DESCRIPTION = Description(
    framework=FRAMEWORK,
    criteria=CRITERIA,
    scales=dict.fromkeys(CRITERIA, SCALE),
    grades=(
        GradeRule(MEETS, 1, requirements=tuple(Requirement(c, at_least=OPEN) for c in COMPONENTS)),
        GradeRule(DOES_NOT_MEET, 2),
    ),
    unknown_on=dict.fromkeys(COMPONENTS, 0.0),
    shown_by=SHOWN_BY,
    parts=CHECKLIST,
    uses_matches=True,
)


@dataclass(frozen=True)
class OsaidScore(Score):
    """Whether the model meets the OSAID, with the components that fall short in ``missing``."""

    meets: bool


def osaid_meets(assessments: Mapping[str, Assessment | str] | None) -> OsaidScore:
    """Judge a model's assessments (criterion IRI -> assessment) against OSAID 1.0.

    The verdict as the definition reads, a component not shown being short of it: a
    model whose shortfalls are all unknowns does not meet it here, where the derivation
    leaves it unplaced (``DESCRIPTION``, scored by ``graph.scoring.described``).
    """
    score = score_described(DESCRIPTION, assessments)
    meets = score.grade == MEETS
    return OsaidScore(
        framework=FRAMEWORK,
        value=1 if meets else 2,
        grade=MEETS if meets else DOES_NOT_MEET,
        points=score.points,
        missing=score.missing,
        sub_scores={},
        criteria=CRITERIA,
        meets=meets,
    )
