"""Say which mapped criteria may lend their evidence to a criterion, and how far it counts.

A mapping between two criteria is one SKOS mapping triple (``skos:exactMatch``,
``skos:closeMatch``, ``skos:broadMatch``, ``skos:narrowMatch``) or the project's
``og:standsInFor``. Evidence on a *lender* counts for a *target* in one of three ways:

- **in full** (``FULL``): the two ask for the same (``skos:exactMatch``, both
  ways), or the mapping says the lender is strict enough (``lender
  og:standsInFor target``): every claim counts at its own level.
- **as a stand-in** (``STAND_IN``): a narrower criterion standing in for a
  broader one (``lender skos:broadMatch target``, or ``target skos:narrowMatch
  lender``): the lender asks for at least as much, so meeting it meets the
  target, and its open claims count as open. Its other claims are not lent:
  falling short of the stricter criterion says nothing of the broader one.
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
STAND_IN = "stand-in"
ANALOGY = "analogy"
STRENGTH = {FULL: 0, STAND_IN: 1, ANALOGY: 2}  # the stronger wins where two mappings join a pair

Lenders = Mapping[str, Mapping[str, str]]  # target -> {lender: FULL, STAND_IN or ANALOGY}


def lenders(triples: Iterable[tuple[str, str, str]]) -> dict[str, dict[str, str]]:
    """Return target criterion -> {lender criterion: how it lends} from mapping triples.

    Each triple is (subject, predicate, object) as IRIs; predicates outside
    ``LENDING`` and mappings of a criterion to itself are ignored. Where two
    mappings join the same pair, the stronger wins (full, stand-in, analogy).
    """
    found: dict[str, dict[str, str]] = {}

    def lend(lender: str, target: str, how: str) -> None:
        known = found.setdefault(target, {})
        if lender not in known or STRENGTH[how] < STRENGTH[known[lender]]:
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
            lend(a, b, STAND_IN)
        elif p == NARROW_MATCH:  # b is the narrower: it stands in for a
            lend(b, a, STAND_IN)
    return {t: dict(sorted(v.items())) for t, v in sorted(found.items())}


def lent_level(level: str, how: str) -> str | None:
    """Return the level a lender's claim counts at, or None when it is not lent.

    Capped at partial by analogy; a stand-in lends only its open claims.
    """
    if how == STAND_IN:
        return level if level == OPEN else None
    return PARTIAL if how == ANALOGY and level == OPEN else level


def strength(matches: Mapping[str, Iterable[str]], target: str, lender: str) -> str:
    """Return how ``lender`` counts for ``target`` in a table from ``lenders``.

    A table of plain collections (no strengths) is read as close matches: by analogy.
    """
    found = matches.get(target, ())
    return found.get(lender, ANALOGY) if isinstance(found, Mapping) else ANALOGY
