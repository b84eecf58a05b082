"""Say which mapped criteria may lend their evidence to a criterion, and how far it counts.

A mapping between two criteria is one SKOS mapping triple (``skos:exactMatch``,
``skos:closeMatch``, ``skos:broadMatch``, ``skos:narrowMatch``) or the project's
``og:standsInFor``. Evidence on a *lender* counts for a *target* in one of two ways:

- **in full** (``FULL``): the lender asks for the same as the target or more, so
  meeting it meets the target. That is ``skos:exactMatch`` (both ways); a
  narrower criterion standing in for a broader one (``lender skos:broadMatch
  target``, or ``target skos:narrowMatch lender``); and ``lender og:standsInFor
  target``, a close match that says it is strict enough.
- **by analogy** (``ANALOGY``): ``skos:closeMatch`` (both ways) without
  ``og:standsInFor`` in that direction. The evidence is shown, but its level is
  capped at partial: a close criterion cannot make a stricter one open.

``skos:relatedMatch`` lends nothing. Pure: triples in, a table out.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from graph.scoring.levels import OPEN, PARTIAL

SKOS = "http://www.w3.org/2004/02/skos/core#"
OG = "https://w3id.org/openness/ns#"
EXACT_MATCH = f"{SKOS}exactMatch"
CLOSE_MATCH = f"{SKOS}closeMatch"
BROAD_MATCH = f"{SKOS}broadMatch"
NARROW_MATCH = f"{SKOS}narrowMatch"
STANDS_IN_FOR = f"{OG}standsInFor"
LENDING = (EXACT_MATCH, CLOSE_MATCH, BROAD_MATCH, NARROW_MATCH, STANDS_IN_FOR)

FULL = "full"
ANALOGY = "analogy"

Lenders = Mapping[str, Mapping[str, str]]  # target -> {lender: FULL or ANALOGY}


def lenders(triples: Iterable[tuple[str, str, str]]) -> dict[str, dict[str, str]]:
    """Return target criterion -> {lender criterion: FULL or ANALOGY} from mapping triples.

    Each triple is (subject, predicate, object) as IRIs; predicates outside
    ``LENDING`` and mappings of a criterion to itself are ignored. Where two
    mappings join the same pair, the one that counts in full wins.
    """
    found: dict[str, dict[str, str]] = {}

    def lend(lender: str, target: str, how: str) -> None:
        known = found.setdefault(target, {})
        if known.get(lender) != FULL:
            known[lender] = how

    for a, p, b in triples:
        if a == b:
            continue
        if p == EXACT_MATCH:
            lend(a, b, FULL)
            lend(b, a, FULL)
        elif p == CLOSE_MATCH:
            lend(a, b, ANALOGY)
            lend(b, a, ANALOGY)
        elif p == STANDS_IN_FOR:
            lend(a, b, FULL)
            lend(b, a, ANALOGY)
        elif p == BROAD_MATCH:  # a is the narrower: it stands in for b
            lend(a, b, FULL)
        elif p == NARROW_MATCH:  # b is the narrower: it stands in for a
            lend(b, a, FULL)
    return {t: dict(sorted(v.items())) for t, v in sorted(found.items())}


def lent_level(level: str, how: str) -> str:
    """Return the level a lender's claim counts at: capped at partial when lent by analogy."""
    return PARTIAL if how == ANALOGY and level == OPEN else level


def strength(matches: Mapping[str, Iterable[str]], target: str, lender: str) -> str:
    """Return how ``lender`` counts for ``target`` in a table from ``lenders``.

    A table of plain collections (no strengths) is read as close matches: by analogy.
    """
    found = matches.get(target, ())
    return found.get(lender, ANALOGY) if isinstance(found, Mapping) else ANALOGY
