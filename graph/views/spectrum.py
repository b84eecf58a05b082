"""Rebuild the OTI report's spectrum table from the graph, every cell a claim with its source.

A row is a tier (an ``og:Grade`` of ``id:framework/oti-2024`` whose
``skos:definition`` is the row's text); its models are those whose claims
quote that text; a cell is the claim about one model on one criterion. Next
to the report's placement the page shows where the graph's stored score puts
each model, how many models each tier holds and how many the graph leaves
unplaced for want of evidence, and, when a placement rests on claims that
disagree, on which criteria and by which rule it was decided. Queries: the
tiers (one), the claims quoting them (one), the stored tiers (one), the
unplaced count (one), the stored spectrum scores and contested assessments
(two), labels (one).
"""

from __future__ import annotations

import pyoxigraph as ox

from graph.labels import Labels
from graph.namespaces import DQV, OA, OG, PROV, SKOS
from graph.scoring import spectrum
from graph.scoring.levels import criterion_iri
from graph.stored_scores import contests_of, read_contests, read_scores
from graph.views.common import SCORES_GRAPH, flag_name, level_name, rank_name, select

FRAMEWORK = spectrum.FRAMEWORK
COLUMN_ORDER = tuple(
    criterion_iri("oti-2024", slug)
    for slug in (
        "open-code",
        "open-licence",
        "published-weights",
        "input-transparency",
        "training-data-transparency",
        "threat-transparency",
        "open-standards",
        "public-access",
    )
)

TIERS_QUERY = f"""
SELECT ?tier ?order ?definition ?example ?category WHERE {{
  ?tier a <{OG.Grade}> ; <{SKOS.inScheme}> <{FRAMEWORK}> ; <{OG.gradeOrder}> ?order .
  OPTIONAL {{ ?tier <{SKOS.definition}> ?definition }}
  OPTIONAL {{ ?tier <{SKOS.example}> ?example }}
  OPTIONAL {{ ?tier <{OG.exampleCategory}> ?category }}
}} ORDER BY ?order"""

CELLS_QUERY = f"""
SELECT ?tier ?claim ?model ?criterion ?level ?rank ?source WHERE {{
  ?tier a <{OG.Grade}> ; <{SKOS.inScheme}> <{FRAMEWORK}> ; <{SKOS.definition}> ?definition .
  ?claim a <{OG.Claim}> ; <{OG.aboutModel}> ?model ; <{OG.criterion}> ?criterion ;
         <{OG.level}> ?level ; <{OG.quote}>/<{OA.hasSelector}>/<{OA.exact}> ?quoted .
  ?criterion <{SKOS.inScheme}> <{FRAMEWORK}> .
  FILTER (STR(?quoted) = STR(?definition))
  OPTIONAL {{ ?claim <{OG.rank}> ?rank }}
  OPTIONAL {{ ?claim <{PROV.wasDerivedFrom}> ?source }}
}}"""

PLACED_QUERY = f"""
SELECT ?model ?grade WHERE {{
  GRAPH <{SCORES_GRAPH}> {{ ?s <{OG.framework}> <{FRAMEWORK}> ; <{DQV.computedOn}> ?model ; <{OG.grade}> ?grade }}
}}"""

UNPLACED_QUERY = f"""
SELECT (COUNT(DISTINCT ?model) AS ?n) WHERE {{
  GRAPH <{SCORES_GRAPH}> {{
    ?s <{OG.framework}> <{FRAMEWORK}> ; <{DQV.computedOn}> ?model ; <{OG.flag}> <{OG.Unplaced}> .
  }}
}}"""


def spectrum_page(store: ox.Store) -> dict:
    """Return the records of the spectrum page (see docs/pages.md, "spectrum")."""
    tiers, columns = _tiers(store)
    placed = {r["model"].value: r["grade"].value for r in select(store, PLACED_QUERY)}
    per_tier: dict[str, int] = {}
    for grade in placed.values():
        per_tier[grade] = per_tier.get(grade, 0) + 1
    ordered_columns = [c for c in COLUMN_ORDER if c in columns] + sorted(
        columns - set(COLUMN_ORDER)
    )
    models = {m for t in tiers.values() for m in t["models"]}
    sources = {
        s
        for t in tiers.values()
        for cs in t["models"].values()
        for c in cs.values()
        for s in c["sources"]
    }
    contests = placement_contests(store)
    categories = {t["category"] for t in tiers.values() if t["category"]}
    named = {c[k] for e in contests.values() for c in e["contested"] for k in ("criterion", "rule")}
    labels = Labels(
        store,
        set(tiers)
        | set(ordered_columns)
        | models
        | sources
        | {FRAMEWORK}
        | set(placed.values())
        | set(contests)
        | named
        | categories,
    )
    rows = []
    for tier in sorted(tiers.values(), key=lambda t: t["order"]):
        rows.append(
            {
                "tier": labels.ref(tier["iri"], order=tier["order"]),
                "row": tier["row"],
                "example": tier["example"],
                "example_category": labels.ref(tier["category"]),
                "models_in_graph": per_tier.get(tier["iri"], 0),
                "models": [
                    {
                        "model": labels.ref(m),
                        "placed_at": labels.ref(placed.get(m)),
                        **_contested(contests.get(m), labels),
                        "cells": [
                            None
                            if c not in cells
                            else {
                                "criterion": c,
                                "claim": cells[c]["claim"],
                                "level": cells[c]["level"],
                                "sources": [labels.ref(s) for s in sorted(cells[c]["sources"])],
                            }
                            for c in ordered_columns
                        ],
                    }
                    for m, cells in sorted(tier["models"].items(), key=lambda kv: labels(kv[0]))
                ],
            }
        )
    return {
        "framework": labels.ref(FRAMEWORK),
        "columns": [labels.ref(c) for c in ordered_columns],
        "rows": rows,
        "placed": len(placed),
        "unplaced": int(next(iter(select(store, UNPLACED_QUERY)))["n"].value),
        "contested": _contested_list(contests, placed, labels),
    }


def placement_contests(store: ox.Store) -> dict[str, dict]:
    """Return, by model, the grade and flags of its stored spectrum score and its contested criteria.

    Each contested criterion comes with the rule that decided it (IRIs) and
    whether it needs review; only models whose stored score has any of them
    are listed.
    """
    contests = read_contests(store)
    found: dict[str, dict] = {}
    for score in read_scores(store):
        if score.framework != FRAMEWORK or score.whole is not None or score.as_of is not None:
            continue
        contested = [
            {"criterion": c.criterion, "rule": c.rule, "needs_review": c.needs_review}
            for c in contests_of(score, contests)
        ]
        if contested:
            found[score.model] = {
                "grade": score.grade,
                "flags": [flag_name(f) for f in score.flags],
                "contested": contested,
            }
    return found


def _contested(entry: dict | None, labels: Labels) -> dict:
    """Return a model's ``placement_flags`` and ``placement_contested`` as the page shows them."""
    if entry is None:
        return {"placement_flags": [], "placement_contested": []}
    return {
        "placement_flags": entry["flags"],
        "placement_contested": [
            {
                "criterion": labels.ref(c["criterion"]),
                "rule": labels.ref(c["rule"]),
                "needs_review": c["needs_review"],
            }
            for c in entry["contested"]
        ],
    }


def _tiers(store: ox.Store) -> tuple[dict[str, dict], set[str]]:
    """Return the tiers by IRI, each with the cells of the models quoting its row, and the
    criteria those cells speak of."""
    tiers: dict[str, dict] = {}
    for row in select(store, TIERS_QUERY):
        tiers.setdefault(
            row["tier"].value,
            {
                "iri": row["tier"].value,
                "order": int(row["order"].value),
                "row": row["definition"].value if "definition" in row else None,
                "example": row["example"].value if "example" in row else None,
                "category": row["category"].value if "category" in row else None,
                "models": {},
            },
        )
    columns: set[str] = set()
    for row in select(store, CELLS_QUERY):
        tier = tiers.get(row["tier"].value)
        rank = rank_name(row["rank"].value if "rank" in row else None)
        if tier is None or rank == "deprecated":
            continue
        criterion = row["criterion"].value
        columns.add(criterion)
        cells = tier["models"].setdefault(row["model"].value, {})
        cell = cells.setdefault(
            criterion,
            {"claim": row["claim"].value, "level": level_name(row["level"].value), "sources": []},
        )
        if "source" in row and row["source"].value not in cell["sources"]:
            cell["sources"].append(row["source"].value)
    return tiers, columns


def _contested_list(contests: dict[str, dict], placed: dict[str, str], labels: Labels) -> list:
    """Return the page's ``contested``: every model with a contested placement, by label."""
    return [
        {"model": labels.ref(m), "placed_at": labels.ref(placed.get(m)), **_contested(e, labels)}
        for m, e in sorted(contests.items(), key=lambda kv: (labels(kv[0]).casefold(), kv[0]))
    ]
