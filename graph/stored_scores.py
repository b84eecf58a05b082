"""Read the scores ``graph.derive`` stored: the one reader of the derived scores graph.

``read_scores`` returns every stored score and part of one as a
``StoredScore``: its model, framework, value and grade, the criteria missing
for the next grade, its flags, the whole it is part of, the day it is "as of"
and what it derives from. Each property comes one row per value (``?score ?p
?o``), not as one row per combination of OPTIONALs; callers keep the scores
they show (whole ones, today's ones ...). ``read_contests`` reads, beside them,
the stored assessments whose claims disagree and the rule that decided each.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import pyoxigraph as ox

from graph.labels import number
from graph.namespaces import DCTERMS, DQV, OG, PROV
from graph.queries import least, one_of, values_block
from graph.records import ASSESSMENTS_GRAPH, SCORES_GRAPH, read_properties


@dataclass(frozen=True)
class StoredScore:
    """A score as ``graph.derive`` stored it: whole, or a part of one (``whole``), now or as of a day."""

    iri: str
    model: str
    framework: str
    value: int | float
    grade: str | None = None
    measures: str | None = None
    missing: tuple[str, ...] = ()
    flags: tuple[str, ...] = ()
    whole: str | None = None
    as_of: str | None = None
    derived_from: tuple[str, ...] = ()


SCORE_PROPERTIES = {
    str(DQV.computedOn): "models",
    str(OG.framework): "frameworks",
    str(DQV.value): "values",
    str(OG.grade): "grades",
    str(DQV.isMeasurementOf): "measures",
    str(OG.missingCriterion): "missing",
    str(OG.flag): "flags",
    str(DCTERMS.isPartOf): "whole",
    str(OG.asOf): "as_of",
    str(PROV.wasDerivedFrom): "derived_from",
}


def scores_query(models: Sequence[str] | None) -> str:
    """Return the query for the stored scores of ``models`` (every model when None)."""
    named = "" if models is None else values_block("model", models)
    return f"""SELECT ?score ?p ?o WHERE {{
  {{ SELECT DISTINCT ?score WHERE {{ {named}
    GRAPH <{SCORES_GRAPH}> {{ ?score <{DQV.computedOn}> ?model }}
  }} }}
  GRAPH <{SCORES_GRAPH}> {{ ?score ?p ?o . {one_of(SCORE_PROPERTIES)} }}
}}"""


def read_scores(store: ox.Store, models: Iterable[str] | None = None) -> list[StoredScore]:
    """Return the stored scores of ``models`` (every model when None), sorted by IRI.

    The one read of the derived scores graph: every score and every part of
    one, whatever the day it is "as of"; callers keep what they show. A score
    needs a model, a framework and a value; a score stored for two models or
    frameworks (which ``derive`` never writes) gives a record for each.
    """
    wanted = None if models is None else sorted(set(models))
    if wanted == []:
        return []
    found = read_properties(store, scores_query(wanted), SCORE_PROPERTIES)
    out = []
    for iri, e in sorted(found.items()):
        named = {k: sorted(t.value for t in e[k] if isinstance(t, ox.NamedNode)) for k in e}
        values = sorted(number(t.value) for t in e["values"] if isinstance(t, ox.Literal))
        for model in named["models"]:
            if wanted is not None and model not in wanted:
                continue
            for framework in named["frameworks"]:
                if not values:
                    continue
                out.append(
                    StoredScore(
                        iri=iri,
                        model=model,
                        framework=framework,
                        value=values[0],
                        grade=min(named["grades"], default=None),
                        measures=min(named["measures"], default=None),
                        missing=tuple(named["missing"]),
                        flags=tuple(named["flags"]),
                        whole=min(named["whole"], default=None),
                        as_of=least(e["as_of"]),
                        derived_from=tuple(named["derived_from"]),
                    )
                )
    return out


# ---------------------------------------------------------------- contested assessments


@dataclass(frozen=True)
class Contest:
    """A stored assessment whose claims disagree: which rule decided it, and whether to review it."""

    assessment: str
    model: str
    criterion: str
    rule: str
    needs_review: bool


def read_contests(store: ox.Store) -> dict[str, Contest]:
    """Return every stored contested assessment by its IRI (one query).

    A score's contests are those of the assessments it derives from
    (``StoredScore.derived_from``).
    """
    query = f"""SELECT ?a ?model ?criterion ?rule ?review WHERE {{
  GRAPH <{ASSESSMENTS_GRAPH}> {{
    ?a <{OG.contested}> true ; <{OG.aboutModel}> ?model ; <{OG.criterion}> ?criterion ;
       <{OG.resolvedBy}> ?rule .
    # Not BIND(EXISTS ...): Virtuoso 7.2 answers that as neither true nor false.
    OPTIONAL {{ ?a <{OG.flag}> ?review FILTER (?review = <{OG.NeedsReview}>) }}
  }}
}}"""
    found: dict[str, Contest] = {}
    for row in store.query(query):
        iri = row["a"].value
        contest = Contest(
            iri,
            row["model"].value,
            row["criterion"].value,
            row["rule"].value,
            row["review"] is not None,
        )
        if iri not in found or (contest.model, contest.rule) < (found[iri].model, found[iri].rule):
            found[iri] = contest
    return dict(sorted(found.items()))


def contests_of(score: StoredScore, contests: dict[str, Contest]) -> list[Contest]:
    """Return the contests among the assessments ``score`` derives from, by criterion."""
    return sorted(
        (contests[a] for a in score.derived_from if a in contests), key=lambda c: c.criterion
    )
