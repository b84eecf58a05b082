"""The `openness analyze` sub-command: evidence analytics as a table or JSON."""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable

import pyoxigraph as ox

from graph.cli import UsageError, command
from graph.namespaces import ID

MEASURE_NAMES = (
    "reliance",
    "fragility",
    "cycles",
    "depth",
    "self-reported",
    "disagreement",
    "distribution",
)
DEFAULT_LIMIT = 20


def register(sub: argparse._SubParsersAction) -> None:
    """Add the analyze sub-command."""
    p = sub.add_parser(
        "analyze",
        help="analyse the evidence: reliance, fragility, cycles, depth, self-reported, "
        "disagreement, distribution",
        description="Analyse the evidence graph; docs/analytics.md explains each measure.",
    )
    p.add_argument(
        "measure", choices=MEASURE_NAMES, metavar="MEASURE", help=", ".join(MEASURE_NAMES)
    )
    p.add_argument("--format", choices=("table", "json"), default="table")
    p.add_argument(
        "--limit",
        type=int,
        default=DEFAULT_LIMIT,
        metavar="N",
        help=f"show the first N items (default {DEFAULT_LIMIT}; 0 for all)",
    )
    p.add_argument(
        "--by",
        choices=("pagerank", "claims", "scores"),
        default="pagerank",
        help="reliance only: what to rank the sources by (default pagerank)",
    )


@command("analyze")
def cmd_analyze(args: argparse.Namespace) -> int:
    """Compute one measure and print it."""
    from graph import analytics
    from graph.cli.store import read_store_from

    if args.limit < 0:
        raise UsageError("--limit must be 0 (all) or more")
    options: dict = {"limit": args.limit or None}
    if args.measure == "reliance":
        options["by"] = args.by
    result = analytics.MEASURES[args.measure](read_store_from(args), **options)
    if args.format == "json":
        print(json.dumps(result, indent=2, ensure_ascii=False))
    else:
        print(render_table(result))
    return 0


# ---------------------------------------------------------------- tables


def render_table(result: dict) -> str:
    """Render a measure's result as a summary line and an aligned table."""
    from graph.cli.output import table

    name = result["measure"]
    label = _namer(result["labels"])
    headers, row = TABLES[name]
    rows = [[ox.Literal(str(cell)) for cell in row(item, label)] for item in result["items"]]
    shown = len(result["items"])
    head = f"{name}: {result['total']} item{'s' if result['total'] != 1 else ''}"
    if shown < result["total"]:
        head += f", the first {shown} shown (--limit 0 for all)"
    lines = [head + f"; data version {result['data_version'][:19]}…", ""]
    lines.append(table(headers, rows))
    lines += SUMMARIES.get(name, lambda r, n: [])(result, label)
    return "\n".join(lines)


def _namer(labels: dict[str, str]) -> Callable[[str | None], str]:
    """Return a function naming an IRI for a table: frameworks, criteria, grades by their slug."""

    def name(iri: str | None) -> str:
        if iri is None:
            return "-"
        for kind in SLUGGED:
            if iri.startswith(kind):
                return iri[len(kind) :] if kind != SLUGGED[-1] else iri.rsplit("/", 1)[-1]
        return labels.get(iri) or iri.rstrip("/#").rsplit("/", 1)[-1]

    return name


# Short, stable names read better in a table than these things' long labels.
SLUGGED = (f"{ID}framework/", f"{ID}criterion/", f"{ID}grade/")


def _share(value: float | None) -> str:
    return "-" if value is None else f"{value:.0%}"


def _state(state: dict | None, name: Callable) -> str:
    if state is None:
        return "no score"
    return name(state["grade"]) if state["grade"] else f"{state['value']:g}"


def _change(c: dict, name: Callable) -> str:
    return (
        f"{name(c['model'])} {name(c['framework'])}: "
        f"{_state(c['before'], name)} -> {_state(c['after'], name)}"
    )


TABLES: dict[str, tuple[list[str], Callable[[dict, Callable], list]]] = {
    "reliance": (
        [
            "source",
            "pagerank",
            "claims",
            "assessments",
            "scores",
            "models",
            "cited by",
            "via cites",
        ],
        lambda i, n: [
            n(i["source"]),
            f"{i['pagerank']:.5f}",
            i["claims"],
            i["assessments"],
            i["scores"],
            i["models"],
            i["cited_by"],
            i["claims_via_citations"],
        ],
    ),
    "fragility": (
        ["source", "claims", "dropped", "scores changed", "single-source", "changes"],
        lambda i, n: [
            n(i["source"]),
            i["claims"],
            i["claims_dropped"],
            len(i["score_changes"]),
            len(i["single_source_assessments"]),
            "; ".join(_change(c, n) for c in i["score_changes"]) or "-",
        ],
    ),
    "cycles": (
        ["size", "claims", "models", "cycle"],
        lambda i, n: [i["size"], i["claims"], i["models"], " -> ".join(n(s) for s in i["cycle"])],
    ),
    "depth": (
        ["model", "depth", "claims", "sources", "reached", "deepest path"],
        lambda i, n: [
            n(i["model"]),
            i["depth"],
            i["claims"],
            i["sources"],
            i["sources_reached"],
            " -> ".join(n(s) for s in i["path"]),
        ],
    ),
    "self-reported": (
        ["model", "developer", "claims", "self", "mixed", "independent", "share"],
        lambda i, n: [
            n(i["model"]),
            ", ".join(n(d) for d in i["developers"]) or "-",
            i["claims"],
            i["self_reported"],
            i["mixed"],
            i["independent"],
            _share(i["self_reported_share"]),
        ],
    ),
    "disagreement": (
        ["model", "criterion a", "level a", "relation", "criterion b", "level b", "gap"],
        lambda i, n: [
            n(i["model"]),
            n(i["a"]["criterion"]),
            i["a"]["level"],
            i["relation"],
            n(i["b"]["criterion"]),
            i["b"]["level"],
            i["gap"],
        ],
    ),
    "distribution": (
        ["framework", "scores", "grades", "min", "median", "max", "mean"],
        lambda i, n: [
            n(i["framework"]),
            i["scores"],
            ", ".join(f"{n(g['grade'])} {g['count']}" for g in i["grades"]) or "-",
            *(f"{i['values'][k]:.3g}" for k in ("min", "median", "max", "mean")),
        ],
    ),
}

SUMMARIES: dict[str, Callable[[dict, Callable], list[str]]] = {
    "reliance": lambda r, n: [
        f"evidence graph: {r['nodes']} nodes, {r['edges']} edges; damping {r['damping']}"
    ],
    "fragility": lambda r, n: [
        f"{r['sources_with_changes']} sources would change {r['scores_at_risk']} scores if removed"
    ],
    "cycles": lambda r, n: [
        f"{r['works_in_cycles']} of {r['works']} cited works are in a cycle "
        f"({r['citations']} citations)"
    ],
    "depth": lambda r, n: [
        "models by depth: " + ", ".join(f"{h['depth']}: {h['models']}" for h in r["histogram"])
    ],
    "self-reported": lambda r, n: [
        f"{_share(r['share'])} of {r['claims']} claims are self-reported; "
        f"{r['models_without_developer']} models have no known developer"
    ],
    "disagreement": lambda r, n: [
        f"{b['disagreements']} of {b['compared']} compared: "
        + " vs ".join(n(f) for f in b["frameworks"])
        for b in r["by_frameworks"]
    ],
}
