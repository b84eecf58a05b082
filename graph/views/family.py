"""Gather a model family's page: its members with their scores, and where they disagree.

A family (``og:ModelFamily``) groups the models linked to it with ``og:family``.
The page shows what is said of the family as a whole (on its family-level
member, such as the OTI report's "Llama") next to each member's own evidence,
criterion by criterion, and flags the family (``og:FamilyDisagreement``) where
they differ; members do not inherit family-level claims. The rule is
``graph.derive.families``. Queries: the members (one), their stored assessments
(two: the levels, and which a mapping lent), their stored scores (one), labels and
the family's properties.
"""

from __future__ import annotations

import pyoxigraph as ox

from graph.derive.families import Family, read_families
from graph.labels import Labels
from graph.namespaces import OG
from graph.scoring.rules import FRAMEWORK_PREFIX, RULES
from graph.stored_scores import read_scores
from graph.views.common import describe, flag_name

DISAGREEMENT = str(OG.FamilyDisagreement)
UNPLACED = str(OG.Unplaced)


def family_page(store: ox.Store, iri: str) -> dict:
    """Return the records of a family's page (see docs/pages.md, "family")."""
    family = read_families(store, [iri]).get(iri) or Family(iri, iri, {}, {})
    names, levels = family.members, family.levels
    labels = Labels(store, {iri, *names, *(c for m in levels.values() for c in m)})
    top = family.family_level
    found = [
        (d.criterion, d.family_level, d.family_level_level, d.member, d.member_level)
        for d in family.disagreements()
    ]
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
