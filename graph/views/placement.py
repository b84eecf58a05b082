"""Place every scored model in one of a framework's grades, most open first, or in "unplaced".

Any framework whose scheme holds ``og:Grade``s has this page, whether it is scored
by code (the OTI spectrum, MOF, OSAID) or from its ``og:scoring`` description: the
grades in their ``og:gradeOrder``, each with the models whose stored score (today's,
whole) reaches it; then the models with a score but no grade: unplaced, the
evidence being too thin to place them (``og:Unplaced``), with the
criteria still unknown, or, their evidence known, below every grade (a model
that meets no MOF class). Models with no score under the framework have no claim on its criteria and are
counted, not listed. Queries: the grades (one), the stored scores (one), the
models (one), labels (one).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import pyoxigraph as ox

from graph.labels import Labels
from graph.namespaces import OG, SKOS
from graph.records import read_models
from graph.scoring.rules import FRAMEWORK_PREFIX
from graph.stored_scores import StoredScore, read_scores
from graph.views.common import flag_name, select

# The columns of the page's CSV twin, one row per model.
CSV_COLUMNS = (
    "framework",
    "grade",
    "grade_order",
    "grade_label",
    "model",
    "model_label",
    "value",
    "flags",
    "missing",
    "score",
)


def grades_query(framework: str) -> str:
    """Return the query for a framework's grades, their order and their definitions."""
    return f"""SELECT ?grade ?order ?definition WHERE {{
  ?grade a <{OG.Grade}> ; <{SKOS.inScheme}> <{framework}> ; <{OG.gradeOrder}> ?order .
  OPTIONAL {{ ?grade <{SKOS.definition}> ?definition }}
}}"""


def framework_grades(store: ox.Store, framework: str) -> list[dict]:
    """Return the framework's grades, most open (lowest ``og:gradeOrder``) first."""
    found: dict[str, dict] = {}
    for row in select(store, grades_query(framework)):
        iri = row["grade"].value
        entry = found.setdefault(iri, {"iri": iri, "order": int(row["order"].value)})
        if "definition" in row:
            entry.setdefault("definition", row["definition"].value)
    return sorted(found.values(), key=lambda g: (g["order"], g["iri"]))


def placement_page(
    store: ox.Store, framework: str, scores: Iterable[StoredScore] | None = None
) -> dict:
    """Return the records of a framework's placement page (see docs/pages.md, "placement").

    ``scores`` are the stored scores to place (read from the store when None).
    """
    grades = framework_grades(store, framework)
    today = [
        s
        for s in (read_scores(store) if scores is None else scores)
        if s.framework == framework and s.whole is None and s.as_of is None
    ]
    by_grade: dict[str | None, list[StoredScore]] = {}
    for s in today:
        by_grade.setdefault(s.grade, []).append(s)
    scored = {s.model for s in today}
    labels = Labels(
        store,
        {framework, *(g["iri"] for g in grades), *scored} | {c for s in today for c in s.missing},
    )
    known = {g["iri"] for g in grades}
    rows = [
        {
            "grade": labels.ref(g["iri"], order=g["order"]),
            "definition": g.get("definition"),
            "count": len(by_grade.get(g["iri"], [])),
            "models": _entries(by_grade.get(g["iri"], []), labels),
        }
        for g in grades
    ]
    ungraded = [s for grade, ss in by_grade.items() if grade not in known for s in ss]
    unplaced = [s for s in ungraded if str(OG.Unplaced) in s.flags]
    below = [s for s in ungraded if str(OG.Unplaced) not in s.flags]
    return {
        "framework": {**labels.ref(framework), "slug": framework[len(FRAMEWORK_PREFIX) :]},
        "grades": rows,
        "unplaced": _entries(unplaced, labels),
        "below_every_grade": _entries(below, labels),
        "placed": sum(r["count"] for r in rows),
        "unplaced_count": len(unplaced),
        "not_scored": len(set(read_models(store)) - scored),
    }


def _entries(scores: Iterable[StoredScore], labels: Labels) -> list[dict]:
    """Return one entry per score, by model label: the model, its value, flags and gaps."""
    return [
        {
            "model": labels.ref(s.model),
            "value": s.value,
            "score": s.iri,
            "flags": sorted(flag_name(f) for f in s.flags),
            "missing": [labels.ref(c) for c in sorted(s.missing)],
        }
        for s in sorted(scores, key=lambda s: (labels(s.model).casefold(), s.model))
    ]


def placement_rows(data: Mapping) -> list[list]:
    """Return the page's CSV rows (``CSV_COLUMNS``): placed models by grade, then the others."""
    framework = data["framework"]["iri"]
    out = []
    buckets = [(r["grade"], r["models"]) for r in data["grades"]] + [
        ({"iri": "", "order": "", "label": "unplaced"}, data["unplaced"]),
        ({"iri": "", "order": "", "label": "below every grade"}, data["below_every_grade"]),
    ]
    for grade, entries in buckets:
        for e in entries:
            out.append(
                [
                    framework,
                    grade["iri"],
                    grade["order"],
                    grade["label"],
                    e["model"]["iri"],
                    e["model"]["label"],
                    e["value"],
                    " ".join(e["flags"]),
                    " ".join(m["iri"] for m in e["missing"]),
                    e["score"],
                ]
            )
    return out
