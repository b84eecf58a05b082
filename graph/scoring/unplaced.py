"""Leave a model unplaced when a framework's verdict would rest on evidence it lacks: pure.

A graded framework's "does not meet" or "unclassified" is a finding only when
some criterion it falls short on has a known level. When every criterion it
falls short on has no evidence (unknown, or no assessment), the model is
*unplaced* instead: ``Score.unplaced`` is True, it has no grade and value 0,
and ``missing`` names the criteria whose evidence is missing. A grade the
evidence reaches stands (MOF classes are cumulative: a class met is met
whatever the next class's unknowns).

The Model Openness Framework is scored so (``graph.scoring.rules``). The OTI
spectrum decides this itself (``graph.scoring.spectrum``); a framework described
as data, the OSI definition among them, by its description
(``graph.scoring.described``); the OSAI index and its legacy table define unknown
as 0 points in their own published formula and keep it, so they are never unplaced.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping

from graph.namespaces import OG
from graph.scoring.levels import UNKNOWN, Assessment, Score, levels_by_criterion

UNPLACED = str(OG.Unplaced)

Scorer = Callable[[Mapping[str, Assessment | str] | None], Score]


def unplaced_when_unknown(
    score: Score, assessments: Mapping[str, Assessment | str] | None
) -> Score:
    """Return ``score`` unplaced when it has no grade for want of evidence only."""
    if score.unplaced or not score.missing:
        return score
    levels = levels_by_criterion(assessments)
    reached = score.grade is not None and getattr(score, "meets", True)  # OSAID: meets or not
    if reached or any(levels.get(c, UNKNOWN) != UNKNOWN for c in score.missing):
        return score
    return dataclasses.replace(score, grade=None, value=0, unplaced=True)


def needs_evidence(scorer: Scorer) -> Scorer:
    """Return ``scorer`` with its ungraded verdicts left unplaced when they rest on unknowns."""

    def scored(assessments: Mapping[str, Assessment | str] | None) -> Score:
        return unplaced_when_unknown(scorer(assessments), assessments)

    scored.__name__ = scorer.__name__
    scored.__doc__ = scorer.__doc__
    return scored
