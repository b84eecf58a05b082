"""Say which models the Model Openness Tool's records show meeting the OSI definition, and why not.

The models are those with a claim on a Model Openness Framework criterion (the
MOT's records, and any submission that judges MOF components). Their OSAID
1.0 results are the stored scores ``derive`` wrote: the MOF components reach
the definition's checklist through ``skos:exactMatch`` (see
``ontology/frameworks/mappings.ttl`` and ``graph.scoring.osaid``). Each model
that does not meet the definition names what is missing, a checklist
component or a component of the definition. ``markdown_table`` is the table
``docs/scoring.md`` shows, and a test keeps the two equal.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

import pyoxigraph as ox

from graph.labels import ENGLISH_LABEL, read_names, short
from graph.namespaces import OG
from graph.queries import select
from graph.scoring import osaid
from graph.stored_scores import read_scores

MOF_SCHEME = "https://w3id.org/openness/id/framework/mof"
MOF_MODELS_QUERY = f"""
SELECT DISTINCT ?model WHERE {{
  ?claim <{OG.aboutModel}> ?model ; <{OG.criterion}> ?criterion .
  FILTER (STRSTARTS(STR(?criterion), "https://w3id.org/openness/id/criterion/mof/"))
}}"""


@dataclass(frozen=True)
class OsaidResult:
    """One model's OSAID 1.0 result: whether it meets the definition, and what it lacks."""

    model: str
    name: str
    meets: bool
    missing: tuple[str, ...]  # criterion IRIs, in the definition's order


@dataclass(frozen=True)
class OsaidSummary:
    """How many of the models meet the definition, and how often each thing is missing."""

    results: tuple[OsaidResult, ...]
    missing_counts: tuple[tuple[str, int], ...]  # (criterion IRI, models lacking it), most first
    names: dict[str, str]

    @property
    def meeting(self) -> tuple[OsaidResult, ...]:
        """Return the results of the models that meet the definition."""
        return tuple(r for r in self.results if r.meets)


def mof_models(store: ox.Store) -> list[str]:
    """Return the models some claim judges on a Model Openness Framework criterion."""
    return sorted(row["model"].value for row in select(store, MOF_MODELS_QUERY))


def osaid_results(store: ox.Store) -> OsaidSummary:
    """Return the stored OSAID results of the models the MOF's records judge."""
    models = mof_models(store)
    stored = {
        s.model: s
        for s in read_scores(store, models)
        if s.framework == osaid.FRAMEWORK and s.whole is None and s.as_of is None
    }
    order = {c: i for i, c in enumerate(osaid.CRITERIA)}
    names = read_names(store, [*models, *osaid.CRITERIA], ENGLISH_LABEL, short)
    results = []
    for model in models:
        score = stored.get(model)
        meets = score is not None and score.grade == osaid.MEETS
        missing = () if score is None else tuple(sorted(score.missing, key=order.get))
        results.append(OsaidResult(model, names.get(model, short(model)), meets, missing))
    counts = Counter(c for r in results if not r.meets for c in r.missing)
    ranked = sorted(counts.items(), key=lambda kv: (-kv[1], order.get(kv[0], len(order))))
    return OsaidSummary(tuple(results), tuple(ranked), names)


def markdown_table(summary: OsaidSummary) -> str:
    """Return the table docs/scoring.md shows: the count, then what the others lack most."""
    total, meet = len(summary.results), len(summary.meeting)
    lines = [
        "| | models |",
        "|---|---|",
        f"| judged by the Model Openness Tool | {total} |",
        f"| meet the definition | {meet} |",
        f"| do not meet it | {total - meet} |",
    ]
    for criterion, count in summary.missing_counts:
        lines.append(f"| missing {summary.names[criterion]} | {count} |")
    lines += ["", "Models that meet it: " + ", ".join(r.name for r in summary.meeting) + "."]
    if summary.missing_counts:
        first, count = summary.missing_counts[0]
        lines += [
            "",
            f"The most common missing component: {summary.names[first]}, missing for {count} "
            f"of the {total - meet} models that do not meet the definition.",
        ]
    return "\n".join(lines)
