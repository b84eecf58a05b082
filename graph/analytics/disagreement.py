"""Find where two frameworks judge the same model differently on criteria mapped to each other.

Two criteria of different frameworks are mapped when the graph links them with
``skos:exactMatch``, ``skos:closeMatch``, ``skos:broadMatch`` or
``skos:narrowMatch`` (``ontology/frameworks/mappings.ttl``). For each model
with an assessment on both, at a known level (not unknown), the two levels are
compared; a disagreement is a pair whose levels differ, and its gap is how far
apart they are in ``og:levelOrder`` (closed 1, partial 2, open 3). A pair
stated with ``narrowMatch`` is turned round into ``broadMatch``, so that
``a`` is always the narrower criterion of a broad match.

The assessments are the stored ones (``openness derive``), read by
``graph/queries/analytics-disagreement.rq``.
"""

from __future__ import annotations

from collections import Counter

import pyoxigraph as ox

from graph.analytics.cache import ResultCache, Snapshot, finish
from graph.analytics.graphs import names_of
from graph.derive import framework_of
from graph.namespaces import SKOS
from graph.queries import load_query
from graph.scoring.levels import LEVEL_ORDER, as_level

QUERY = load_query("analytics-disagreement")
DISAGREEMENTS_ONLY = "#: disagreements only"
STRENGTH = {"exactMatch": 0, "closeMatch": 1, "broadMatch": 2}


def disagreement(
    store: ox.Store, *, limit: int | None = None, cache: ResultCache | None = None
) -> dict:
    """List the models two frameworks judge differently on mapped criteria."""
    snap = Snapshot(store, cache)
    return finish(snap.get("disagreement", (), lambda: _disagreement(snap)), limit)


def compared_query() -> str:
    """Return the query without its last filter: every compared pair, agreeing or not."""
    return "\n".join(line for line in QUERY.splitlines() if DISAGREEMENTS_ONLY not in line)


def _side(row: dict[str, str], end: str) -> dict:
    criterion = row[f"criterion{end}"]
    return {
        "criterion": criterion,
        "framework": framework_of(criterion) or row.get(f"framework{end}"),
        "level": as_level(row[f"level{end}"]),
        "assessment": row[end.lower()],
    }


def _disagreement(snap: Snapshot) -> dict:
    pairs: dict[tuple[str, str, str], dict] = {}
    solutions = snap.store.query(compared_query(), use_default_graph_as_union=True)
    names = [v.value for v in solutions.variables]
    for solution in solutions:
        row = {n: t.value for n, t in zip(names, solution, strict=True) if t is not None}
        relation = row["relation"][len(str(SKOS)) :]
        a, b = _side(row, "A"), _side(row, "B")
        if relation == "narrowMatch":
            relation, a, b = "broadMatch", b, a
        elif relation != "broadMatch" and a["criterion"] > b["criterion"]:
            a, b = b, a  # a symmetric match: one order for both directions
        if a["framework"] == b["framework"]:
            continue
        key = (row["model"], a["criterion"], b["criterion"])
        if key in pairs and STRENGTH[pairs[key]["relation"]] <= STRENGTH[relation]:
            continue  # the same pair under a looser match adds nothing
        pairs[key] = {
            "model": row["model"],
            "relation": relation,
            "gap": abs(LEVEL_ORDER[a["level"]] - LEVEL_ORDER[b["level"]]),
            "a": a,
            "b": b,
        }
    compared: Counter[tuple[str, str]] = Counter()
    differ: Counter[tuple[str, str]] = Counter()
    for pair in pairs.values():
        frameworks = tuple(sorted((pair["a"]["framework"], pair["b"]["framework"])))
        compared[frameworks] += 1
        differ[frameworks] += pair["gap"] > 0
    items = sorted(
        (p for p in pairs.values() if p["gap"] > 0),
        key=lambda p: (
            p["relation"] == "broadMatch",
            -p["gap"],
            STRENGTH[p["relation"]],
            p["model"],
            p["a"]["criterion"],
            p["b"]["criterion"],
        ),
    )
    mentioned = {
        x
        for p in items
        for x in (p["model"], *(p[s][k] for s in "ab" for k in ("criterion", "framework")))
    } | {f for pair in compared for f in pair}
    return {
        "measure": "disagreement",
        "data_version": snap.version,
        "compared": sum(compared.values()),
        "disagreements": len(items),
        "by_frameworks": [
            {"frameworks": list(f), "compared": compared[f], "disagreements": differ[f]}
            for f in sorted(compared)
        ],
        "total": len(items),
        "items": items,
        "labels": names_of(snap, {m for m in mentioned if m}),
    }
