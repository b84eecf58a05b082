"""Put two or more models side by side: their stored scores and assessments, framework by
framework, criterion by criterion, marking where they differ.

Queries: the stored scores of all the models (one), their stored assessments
(one), labels (one).
"""

from __future__ import annotations

from collections.abc import Sequence

import pyoxigraph as ox

from graph.framework_descriptions import store_rules
from graph.labels import Labels
from graph.namespaces import OG, PROV
from graph.records import ModelRecord
from graph.scoring.rules import framework_of
from graph.views.common import ASSESSMENTS_GRAPH, flag_name, level_name, select
from graph.views.model import read_scores, score_dict, score_labels


def _assessments_query(models: Sequence[str]) -> str:
    values = " ".join(f"<{m}>" for m in models)
    return f"""
SELECT ?model ?a ?criterion ?level ?contested ?rule ?flag (COUNT(DISTINCT ?claim) AS ?claims)
WHERE {{
  VALUES ?model {{ {values} }}
  GRAPH <{ASSESSMENTS_GRAPH}> {{
    ?a <{OG.aboutModel}> ?model ; <{OG.criterion}> ?criterion ; <{OG.level}> ?level .
    OPTIONAL {{ ?a <{OG.contested}> ?contested }}
    OPTIONAL {{ ?a <{OG.resolvedBy}> ?rule }}
    OPTIONAL {{ ?a <{OG.flag}> ?flag }}
    OPTIONAL {{ ?a <{PROV.wasDerivedFrom}> ?claim }}
  }}
}} GROUP BY ?model ?a ?criterion ?level ?contested ?rule ?flag"""


def compare_page(store: ox.Store, models: Sequence[ModelRecord]) -> dict:
    """Return the records of the comparison of ``models`` (see docs/pages.md, "compare")."""
    iris = [m.iri for m in models]
    scores = read_scores(store, iris)
    cells: dict[str, dict[str, dict]] = {}
    for row in select(store, _assessments_query(iris)):
        cell = cells.setdefault(row["criterion"].value, {}).setdefault(
            row["model"].value,
            {
                "iri": row["a"].value,
                "level": level_name(row["level"].value),
                "contested": "contested" in row and row["contested"].value == "true",
                "rule": row["rule"].value if "rule" in row else None,
                "flags": set(),
                "claims": int(row["claims"].value),
            },
        )
        if "flag" in row:
            cell["flags"].add(flag_name(row["flag"].value))
    labels = Labels(
        store,
        set(iris)
        | {d for m in models for d in m.developers}
        | {i for s in scores.values() for i in score_labels(s)}
        | set(cells)
        | {c["rule"] or "" for per_model in cells.values() for c in per_model.values()}
        | {framework_of(c) or "" for c in cells},
    )
    frameworks = []
    by_framework: dict[str | None, list[str]] = {}
    for criterion in cells:
        by_framework.setdefault(framework_of(criterion), []).append(criterion)
    for rule in store_rules(store):
        # The criteria the score reads, in its order, then the framework's other criteria.
        extra = sorted(
            (c for c in by_framework.pop(rule.iri, []) if c not in rule.criteria), key=labels
        )
        rows = _criteria_rows([*rule.criteria, *extra], iris, cells, labels)
        per_model = [scores[m].get(rule.iri) for m in iris]
        if not rows and not any(per_model):
            continue
        frameworks.append(
            {
                "framework": labels.ref(rule.iri, slug=rule.slug),
                "scores": [score_dict(s, labels) if s else None for s in per_model],
                "differs": len({(s or {}).get("value") for s in per_model}) > 1,
                "criteria": rows,
            }
        )
    for framework, criteria in sorted(by_framework.items(), key=lambda kv: labels(kv[0] or "")):
        frameworks.append(
            {
                "framework": labels.ref(framework),
                "scores": [None for _ in iris],
                "differs": False,
                "criteria": _criteria_rows(sorted(criteria, key=labels), iris, cells, labels),
            }
        )
    return {
        "models": [
            {
                "iri": m.iri,
                "slug": m.slug,
                "label": labels(m.iri) if m.label == m.iri else m.label,
                "developers": [labels.ref(d) for d in m.developers],
            }
            for m in models
        ],
        "frameworks": frameworks,
    }


def _criteria_rows(
    criteria: Sequence[str], models: Sequence[str], cells: dict, labels: Labels
) -> list[dict]:
    rows = []
    for criterion in criteria:
        per_model = cells.get(criterion, {})
        if not per_model:
            continue
        row = [per_model.get(m) for m in models]
        rows.append(
            {
                "criterion": labels.ref(criterion),
                "cells": [None if c is None else _cell(c, labels) for c in row],
                "differs": len({c["level"] if c else "unknown" for c in row}) > 1,
            }
        )
    return rows


def _cell(cell: dict, labels: Labels) -> dict:
    """Return one assessment cell: its flags in order, and the rule that decided it by name."""
    rule = labels.ref(cell["rule"]) if cell["rule"] else None
    return {**cell, "flags": sorted(cell["flags"]), "rule": rule}
