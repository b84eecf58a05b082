"""Rebuild the OTI report's spectrum table from the graph, and say which placements are contested."""

from __future__ import annotations

import textwrap
from dataclasses import dataclass

import pyoxigraph as ox

from graph.labels import Labels
from graph.paths import QUERIES_DIR
from graph.scoring.spectrum import FRAMEWORK
from graph.scoring.unplaced import UNPLACED
from graph.views.spectrum import placement_contests


@dataclass(frozen=True)
class SpectrumRow:
    """One tier of the spectrum: the row's text, its models and their sources."""

    tier: str
    order: int
    row: str
    models: tuple[str, ...]
    sources: tuple[str, ...]
    claims: int
    category: str | None = None  # the category of systems the row names when it names no model


def _split(term: ox.Literal | None, separator: str) -> tuple[str, ...]:
    return tuple(sorted(v for v in (term.value if term else "").split(separator) if v))


def spectrum_rows(store: ox.Store) -> list[SpectrumRow]:
    """Return the spectrum table's rows, most open first, from the claims that quote them."""
    query = (QUERIES_DIR / "spectrum.rq").read_text(encoding="utf-8")
    return [
        SpectrumRow(
            tier=sol["tier"].value,
            order=int(sol["order"].value),
            row=sol["row"].value,
            models=_split(sol["models"], ", "),
            sources=_split(sol["sources"], " | ") or _split(sol["categorySources"], " | "),
            claims=int(sol["claims"].value),
            category=sol["category"].value if sol["category"] else None,
        )
        for sol in store.query(query, use_default_graph_as_union=True)
    ]


def placements(store: ox.Store) -> dict[int, int]:
    """Return how many models the stored spectrum scores put on each tier, 0 for unplaced."""
    from graph.stored_scores import read_scores

    counts: dict[int, int] = {}
    for s in read_scores(store):
        if s.framework == FRAMEWORK and s.whole is None and s.as_of is None:
            tier = 0 if UNPLACED in s.flags else int(s.value)
            counts[tier] = counts.get(tier, 0) + 1
    return counts


def format_spectrum(
    rows: list[SpectrumRow], width: int = 100, placed: dict[int, int] | None = None
) -> str:
    """Format the rows as a readable table: tier, row text, models, sources, models placed."""
    out = ["The spectrum of openness in AI models (OTI, 2024), rebuilt from the graph", ""]
    for r in rows:
        named = ", ".join(r.models) or f"(no model named; example: {r.category or 'none'})"
        out.append(f"Tier {r.order}  {named}")
        out += textwrap.wrap(
            r.row, width, initial_indent="  attributes: ", subsequent_indent="              "
        )
        for s in r.sources:
            out += textwrap.wrap(
                s, width, initial_indent="  source:     ", subsequent_indent="              "
            )
        out.append(f"  evidence:   {r.claims} claims, {r.tier}")
        if placed is not None:
            out.append(f"  in graph:   {placed.get(r.order, 0)} models placed on this tier")
        out.append("")
    if placed is not None:
        out.append(
            f"Unplaced  {placed.get(0, 0)} models: not enough evidence to place them on a row"
            " (unknown is not closed; see docs/scoring.md)"
        )
    return "\n".join(out).rstrip()


def format_contested(store: ox.Store, width: int = 100) -> str:
    """Format the models whose stored tier rests on disagreeing claims ("" when none).

    Each line names the model, its tier and flags, then each disputed criterion with
    the rule that decided it, and "needs review" where a secondary claim contradicts
    primary evidence.
    """
    contests = placement_contests(store)
    if not contests:
        return ""
    iris = set(contests) | {e["grade"] for e in contests.values() if e["grade"]}
    iris |= {c[k] for e in contests.values() for c in e["contested"] for k in ("criterion", "rule")}
    labels = Labels(store, iris)
    out = ["Contested placements: the graph's tier rests on claims that disagree", ""]
    for model, entry in sorted(contests.items(), key=lambda kv: labels(kv[0]).casefold()):
        tier = labels(entry["grade"]) if entry["grade"] else "no tier"
        out.append(f"{labels(model)}  {tier}  [{', '.join(entry['flags'])}]")
        for c in entry["contested"]:
            review = ", needs review" if c["needs_review"] else ""
            line = f"{labels(c['criterion'])}: decided by {labels(c['rule'])}{review}"
            out += textwrap.wrap(line, width, initial_indent="  ", subsequent_indent="    ")
    return "\n".join(out)
