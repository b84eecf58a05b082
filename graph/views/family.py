"""Gather a model family's page: its members with their scores, and where they disagree.

A family (``og:ModelFamily``) groups the models linked to it with ``og:family``.
A member whose name is the family's own ("Llama" in the family Llama) is the
*family-level* member: a source that speaks of the family as a whole (the OTI
report's "Llama") is recorded on it. A member does not inherit the family-level
claims (versions differ: Llama 2 and Llama 3.1 are released on different
terms); instead the page shows the family-level assessments next to each
member's, criterion by criterion, and flags a *disagreement* where a member's
known level on the same criterion differs from the family-level one
(``og:FamilyDisagreement``). Unknown levels never disagree.

Queries: the members with their stored assessments (one, the same text as
``graph/queries/family-members.rq`` for one family), their stored scores
(one), labels and the family's properties.
"""

from __future__ import annotations

import pyoxigraph as ox

from graph.labels import Labels
from graph.namespaces import OG, RDFS
from graph.records import ASSESSMENTS_GRAPH
from graph.scoring.rules import FRAMEWORK_PREFIX, RULES
from graph.stored_scores import read_scores
from graph.views.common import describe, flag_name, level_name, select

DISAGREEMENT = str(OG.FamilyDisagreement)
UNPLACED = str(OG.Unplaced)

MEMBERS_QUERY = """
SELECT ?model ?label ?criterion ?level ?assessment WHERE {{
  ?model <{family}> <{iri}> .
  OPTIONAL {{ ?model <{label}> ?label }}
  OPTIONAL {{
    GRAPH <{graph}> {{
      ?assessment <{about}> ?model ; <{criterion}> ?criterion ; <{level}> ?level .
      FILTER NOT EXISTS {{ ?assessment <{as_of}> ?day }}
    }}
  }}
}}"""


def family_level(family_label: str, members: dict[str, str]) -> list[str]:
    """Return the members named as the family itself (case and spacing aside)."""
    name = " ".join(family_label.split()).casefold()
    return sorted(m for m, label in members.items() if " ".join(label.split()).casefold() == name)


def disagreements(
    levels: dict[str, dict[str, str]], family_models: list[str]
) -> list[tuple[str, str, str, str, str]]:
    """Return (criterion, family-level model, its level, member, member level) where they differ.

    ``levels`` is model -> criterion -> short level; only known levels (not unknown)
    on both sides count.
    """
    found = []
    for top in family_models:
        for criterion, said in sorted(levels.get(top, {}).items()):
            if said == "unknown":
                continue
            for member, theirs in sorted(levels.items()):
                level = theirs.get(criterion)
                if member in family_models or level in (None, "unknown") or level == said:
                    continue
                found.append((criterion, top, said, member, level))
    return found


def family_page(store: ox.Store, iri: str) -> dict:
    """Return the records of a family's page (see docs/pages.md, "family")."""
    query = MEMBERS_QUERY.format(
        family=OG.family,
        iri=iri,
        label=RDFS.label,
        graph=ASSESSMENTS_GRAPH,
        about=OG.aboutModel,
        criterion=OG.criterion,
        level=OG.level,
        as_of=OG.asOf,
    )
    names: dict[str, str] = {}
    levels: dict[str, dict[str, str]] = {}
    for row in select(store, query):
        model = row["model"].value
        names.setdefault(model, row["label"].value if "label" in row else model)
        levels.setdefault(model, {})
        if "criterion" in row:
            levels[model][row["criterion"].value] = level_name(row["level"].value) or "unknown"
    labels = Labels(store, {iri, *names, *(c for m in levels.values() for c in m)})
    top = family_level(labels(iri), names)
    found = disagreements(levels, top)
    return {
        "family": {"iri": iri, "label": labels(iri)},
        "flags": [flag_name(DISAGREEMENT)] if found else [],
        "members": _members(store, names, top, found, labels),
        "family_level": [labels.ref(m) for m in top],
        "side_by_side": _side_by_side(levels, top, found, labels),
        "disagreements": [
            {
                "criterion": labels.ref(c),
                "family_level": labels.ref(t),
                "family_level_level": said,
                "member": labels.ref(m),
                "member_level": level,
            }
            for c, t, said, m, level in found
        ],
        "properties": describe(store, iri, labels),
    }


def _members(store, names, top, found, labels) -> list[dict]:  # noqa: ANN001
    scores: dict[str, dict] = {m: {} for m in names}
    for s in read_scores(store, names):
        if s.whole is None and s.as_of is None:
            slug = s.framework.removeprefix(FRAMEWORK_PREFIX)
            scores[s.model][slug] = {
                "score": s.iri,
                "value": s.value,
                "grade": s.grade,
                "unplaced": UNPLACED in s.flags,
            }
    labels.add({s["grade"] for m in scores.values() for s in m.values() if s["grade"]})
    differing = {m for *_, m, _ in found}
    return [
        {
            "model": labels.ref(m),
            "family_level": m in top,
            "disagrees": m in differing,
            "scores": [
                {
                    **scores[m][r.slug],
                    "framework": r.slug,
                    "grade": labels.ref(scores[m][r.slug]["grade"]),
                }
                for r in RULES
                if r.slug in scores[m]
            ],
        }
        for m in sorted(names, key=lambda m: (m not in top, labels(m).casefold(), m))
    ]


def _side_by_side(levels, top, found, labels) -> list[dict]:  # noqa: ANN001
    """Per criterion the family-level members speak of: their level and each member's."""
    criteria = sorted({c for t in top for c, lv in levels.get(t, {}).items() if lv != "unknown"})
    differ = {(c, m) for c, _, _, m, _ in found}
    return [
        {
            "criterion": labels.ref(c),
            "family_level": [{"model": labels.ref(t), "level": levels[t].get(c)} for t in top],
            "members": [
                {
                    "model": labels.ref(m),
                    "level": levels[m].get(c, "unknown"),
                    "disagrees": (c, m) in differ,
                }
                for m in sorted(levels, key=lambda m: labels(m).casefold())
                if m not in top
            ],
        }
        for c in criteria
    ]
