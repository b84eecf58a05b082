"""Name the flag of a score the evidence does not place: pure.

A graded framework's verdict short of a grade is a finding only when some criterion
it falls short on has a known level. When every criterion it falls short on has no
evidence (unknown, or no assessment), the model is *unplaced* instead:
``Score.unplaced`` is True, it has no grade and value 0, and ``missing`` names the
criteria whose evidence is missing. Every shipped framework decides this by its
scoring description (``graph.scoring.described``): the OTI spectrum over every filling
of its unknowns, the OSI definition and the Model Openness Framework by the grades that
turn on an unknown (the MOF counting an unknown as not included, so a class met stands
whatever the next class's unknowns); the OSAI index and its legacy table define unknown
as 0 points in their own published formula and keep it, so they are never unplaced.
"""

from __future__ import annotations

from graph.namespaces import OG

UNPLACED = str(OG.Unplaced)
