"""Describe how the stored scores are spread under each framework: grades, values, a histogram.

Only whole scores count (not their parts, such as an index category's mean).
Unplaced scores (``og:Unplaced``: not enough evidence for a grade) are counted
apart, in ``unplaced``, and are in neither the grades nor the values.
The histogram has one bin per value when every value is a whole number (a
tier, a class, a count of points); otherwise ten bins of equal width from the
lowest value rounded down to the highest rounded up, each holding the values
``low <= v < high`` and the last one its upper bound too.
"""

from __future__ import annotations

import math
import statistics

import pyoxigraph as ox

from graph.analytics.cache import ResultCache, Snapshot, finish
from graph.analytics.graphs import names_of
from graph.labels import number
from graph.namespaces import OG
from graph.queries import load_query, select

QUERY = load_query("analytics-score-distribution")
BINS = 10
GRADE_ORDER_QUERY = f"SELECT ?grade ?order WHERE {{ ?grade <{OG.gradeOrder}> ?order }}"


def score_distribution(
    store: ox.Store, *, limit: int | None = None, cache: ResultCache | None = None
) -> dict:
    """Count, per framework, the scores at each grade and value (keys in docs/analytics.md)."""
    snap = Snapshot(store, cache)
    return finish(snap.get("distribution", (), lambda: _distribution(snap)), limit)


def histogram(values: dict[float, int]) -> list[dict]:
    """Return the bins of ``values`` (value -> how many scores have it), as the module doc says."""
    if not values:
        return []
    if all(float(v).is_integer() for v in values):
        low, high = int(min(values)), int(max(values))
        return [{"low": v, "high": v, "count": values.get(v, 0)} for v in range(low, high + 1)]
    low, high = math.floor(min(values)), math.ceil(max(values))
    width = (high - low) / BINS
    counts = [0] * BINS
    for v, n in values.items():
        counts[min(int((v - low) / width), BINS - 1)] += n
    return [
        {
            "low": round(low + i * width, 10),
            "high": round(low + (i + 1) * width, 10),
            "count": counts[i],
        }
        for i in range(BINS)
    ]


def _distribution(snap: Snapshot) -> dict:
    per: dict[str, dict] = {}
    for row in select(snap.store, QUERY):
        framework = row["framework"].value
        entry = per.setdefault(framework, {"values": {}, "grades": {}, "unplaced": 0})
        value, n = float(row["value"].value), int(row["scores"].value)
        # Virtuoso 7.2 gives the EXISTS as 1 or 0, the other stores as true or false.
        if row["unplaced"].value in ("true", "1"):
            entry["unplaced"] += n
            continue
        entry["values"][value] = entry["values"].get(value, 0) + n
        if "grade" in row:
            grade = row["grade"].value
            entry["grades"][grade] = entry["grades"].get(grade, 0) + n
    orders = {
        r["grade"].value: int(r["order"].value) for r in select(snap.store, GRADE_ORDER_QUERY)
    }
    items = []
    for framework, entry in sorted(per.items()):
        values = entry["values"]
        spread = [v for v, n in sorted(values.items()) for _ in range(n)]
        items.append(
            {
                "framework": framework,
                "scores": len(spread) + entry["unplaced"],
                "unplaced": entry["unplaced"],
                "grades": [
                    {"grade": g, "order": orders.get(g), "count": n}
                    for g, n in sorted(
                        entry["grades"].items(), key=lambda x: (orders.get(x[0], 0), x[0])
                    )
                ],
                "values": {
                    "min": number(spread[0]),
                    "max": number(spread[-1]),
                    "mean": statistics.fmean(spread),
                    "median": number(statistics.median(spread)),
                }
                if spread
                else None,
                "histogram": [
                    {**b, "low": number(b["low"]), "high": number(b["high"])}
                    for b in histogram(values)
                ],
            }
        )
    mentioned = {i["framework"] for i in items} | {g["grade"] for i in items for g in i["grades"]}
    return {
        "measure": "distribution",
        "data_version": snap.version,
        "scores": sum(i["scores"] for i in items),
        "total": len(items),
        "items": items,
        "labels": names_of(snap, mentioned),
    }
