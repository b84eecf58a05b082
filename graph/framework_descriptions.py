"""Read the frameworks' scoring descriptions (og:scoring) from the store, and the rules they make.

``read_descriptions`` returns one ``graph.scoring.described.Description`` per framework
with an ``og:scoring`` node; ``store_rules`` returns every framework rule the store
implies: the shipped ones (``graph.scoring.rules.RULES``), those scored from data taking
the description the store holds, and one for each other described framework. Every surface that lists frameworks (derive,
trace, pages, exports) asks ``store_rules``, so a framework added as data is scored
and shown with no code.
"""

from __future__ import annotations

import dataclasses
from collections import defaultdict

import pyoxigraph as ox

from graph.namespaces import OG, OWL, SKOS
from graph.queries import select
from graph.scoring.described import MEAN, SUM, Description, GradeRule, Requirement, ScaleLevel
from graph.scoring.levels import as_level
from graph.scoring.rules import FrameworkRule, rules_with

PREFIXES = f"PREFIX og: <{OG}>\nPREFIX skos: <{SKOS}>\nPREFIX owl: <{OWL}>\n"
RULES_QUERY = (
    PREFIXES
    + """
SELECT ?f ?agg ?unknown ?scale ?mapped ?over ?counts ?countsFor WHERE {
  ?f og:scoring ?r .
  OPTIONAL { ?r og:unknownCountsAs ?counts OPTIONAL { ?counts og:standsFor ?countsFor } }
  OPTIONAL { ?r og:aggregation ?agg }
  OPTIONAL { ?r og:decidedOverUnknowns ?over }
  OPTIONAL { ?r og:usesMappings ?mapped }
  OPTIONAL { ?r og:unknownPoints ?unknown }
  OPTIONAL { ?r og:levelScale ?scale }
}"""
)
CRITERIA_QUERY = (
    PREFIXES
    + """
SELECT ?f ?c ?scale ?weight WHERE {
  ?f og:scoring ?r . ?c a og:Criterion ; skos:inScheme ?f .
  FILTER NOT EXISTS { ?c owl:deprecated true }
  OPTIONAL { ?c og:levelScale ?scale }
  OPTIONAL { ?c og:weight ?weight }
}"""
)
SCALES_QUERY = (
    PREFIXES
    + """
SELECT ?scale ?level ?for ?order ?points ?unknown WHERE {
  ?scale og:scaleLevel ?level . ?level og:standsFor ?for .
  OPTIONAL { ?level og:levelOrder ?order }
  OPTIONAL { ?level og:points ?points }
  OPTIONAL { ?scale og:unknownPoints ?unknown }
}"""
)
SHOWN_QUERY = (
    PREFIXES
    + """
SELECT DISTINCT ?f ?c ?by ?part WHERE {
  ?f og:scoring ?r . ?c skos:inScheme ?f ; og:shownOpenBy [] .
  { ?c og:shownOpenBy ?by } UNION { ?part skos:broader ?c ; a og:Criterion ; skos:inScheme ?f }
}"""
)
SUBSTITUTES_QUERY = (
    PREFIXES
    + """
SELECT DISTINCT ?f ?c ?by WHERE {
  ?f og:scoring ?r . ?c skos:inScheme ?f ; og:metAlsoBy ?by .
}"""
)
GROUPS_QUERY = (
    PREFIXES
    + """
SELECT ?f ?top ?g ?member ?weight ?own WHERE {
  ?f og:scoring ?r . ?r og:group ?top . ?top skos:member* ?g . ?g skos:member ?member .
  OPTIONAL { ?member og:weight ?weight }
  OPTIONAL { ?g og:weight ?own }
}"""
)
GRADES_QUERY = (
    PREFIXES
    + """
SELECT ?f ?g ?order ?min ?all ?more ?metric ?base ?req ?c ?least ?most WHERE {
  ?f og:scoring ?r . ?g a og:Grade ; skos:inScheme ?f ; og:gradeOrder ?order .
  OPTIONAL { ?g og:progressMetric ?metric }
  OPTIONAL { ?g og:minScore ?min }
  OPTIONAL { ?g og:admitsMoreOpen ?more }
  OPTIONAL { ?g og:requiresAll ?all }
  OPTIONAL { ?g og:buildsOn ?base }
  OPTIONAL { ?g og:requirement ?req . ?req og:onCriterion ?c .
             OPTIONAL { ?req og:atLeast ?least } OPTIONAL { ?req og:atMost ?most } }
}"""
)
AGGREGATIONS = {str(OG.Sum): SUM, str(OG.Mean): MEAN}


def _v(row: dict, name: str) -> str | None:
    term = row.get(name)
    return term.value if term is not None else None


def _level(row: dict, name: str) -> str | None:
    value = _v(row, name)
    return as_level(value) if value else None


def _scales(store: ox.Store) -> tuple[dict[str, tuple[ScaleLevel, ...]], dict[str, float]]:
    """Return each scale's levels, least open first, and the og:unknownPoints scales give."""
    found: dict[str, dict[str, ScaleLevel]] = defaultdict(dict)
    unknown: dict[str, float] = {}
    for row in select(store, SCALES_QUERY):
        if _v(row, "unknown") is not None:
            unknown[_v(row, "scale") or ""] = float(_v(row, "unknown") or 0)
        points = _v(row, "points")
        level = ScaleLevel(
            iri=_v(row, "level") or "",
            stands_for=as_level(_v(row, "for") or ""),
            order=int(_v(row, "order") or 0),
            points=float(points) if points is not None else None,
        )
        found[_v(row, "scale") or ""][level.iri] = level
    levels = {s: tuple(sorted(ls.values(), key=lambda x: x.order)) for s, ls in found.items()}
    return levels, unknown


def _shown(store: ox.Store) -> dict[str, dict[str, dict[str, set[str]]]]:
    """Return framework -> "by" and "parts" -> criterion -> criteria (og:shownOpenBy)."""
    found: dict[str, dict[str, dict[str, set[str]]]] = defaultdict(
        lambda: {"by": defaultdict(set), "parts": defaultdict(set)}
    )
    for row in select(store, SHOWN_QUERY):
        f, c = _v(row, "f") or "", _v(row, "c") or ""
        if _v(row, "by"):
            found[f]["by"][c].add(_v(row, "by") or "")
        if _v(row, "part"):
            found[f]["parts"][c].add(_v(row, "part") or "")
    return found


def _grades(store: ox.Store) -> tuple[dict[str, list[GradeRule]], dict[str, dict[str, str]]]:
    """Return each framework's grades, and its og:progressMetric by grade."""
    parts: dict[tuple[str, str], dict] = {}
    metrics: dict[str, dict[str, str]] = defaultdict(dict)
    for row in select(store, GRADES_QUERY):
        key = (_v(row, "f") or "", _v(row, "g") or "")
        g = parts.setdefault(key, {"order": int(_v(row, "order") or 0), "reqs": {}, "base": set()})
        g["min"], g["all"], g["more"] = _v(row, "min"), _level(row, "all"), _v(row, "more")
        if _v(row, "metric"):
            metrics[key[0]][key[1]] = _v(row, "metric") or ""
        if _v(row, "base"):
            g["base"].add(_v(row, "base"))
        if _v(row, "req"):
            g["reqs"][_v(row, "req")] = Requirement(
                _v(row, "c") or "", _level(row, "least"), _level(row, "most")
            )
    found: dict[str, list[GradeRule]] = defaultdict(list)
    for (f, iri), g in sorted(parts.items()):
        found[f].append(
            GradeRule(
                iri=iri,
                order=g["order"],
                requirements=tuple(r for _, r in sorted(g["reqs"].items())),
                builds_on=tuple(sorted(g["base"])),
                requires_all=g["all"],
                min_score=float(g["min"]) if g["min"] is not None else None,
                admits_more_open=g["more"] == "true",
            )
        )
    return found, metrics


def _substitutes(store: ox.Store) -> dict[str, dict[str, set[str]]]:
    """Return framework -> criterion -> the criteria it is og:metAlsoBy."""
    found: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    for row in select(store, SUBSTITUTES_QUERY):
        found[_v(row, "f") or ""][_v(row, "c") or ""].add(_v(row, "by") or "")
    return found


def read_descriptions(store: ox.Store) -> dict[str, Description]:
    """Return framework IRI -> its scoring description, for every framework that has one."""
    rules = {_v(r, "f"): r for r in select(store, RULES_QUERY)}
    if not rules:
        return {}
    scales, scale_unknown = _scales(store)
    shown = _shown(store)
    criteria: dict[str, dict[str, str | None]] = defaultdict(dict)
    weights: dict[str, dict[str, float]] = defaultdict(dict)
    for row in select(store, CRITERIA_QUERY):
        f, c = _v(row, "f") or "", _v(row, "c") or ""
        criteria[f][c] = _v(row, "scale") or criteria[f].get(c)
        if _v(row, "weight") is not None:
            weights[f][c] = float(_v(row, "weight") or 1)
    members: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    tops: dict[str, set[str]] = defaultdict(set)
    for row in select(store, GROUPS_QUERY):
        f, g, m = _v(row, "f") or "", _v(row, "g") or "", _v(row, "member") or ""
        tops[f].add(_v(row, "top") or "")
        members[f][g].add(m)
        if _v(row, "weight") is not None:
            weights[f][m] = float(_v(row, "weight") or 1)
        if _v(row, "own") is not None:
            weights[f][g] = float(_v(row, "own") or 1)
    grades, metrics = _grades(store)
    substitutes = _substitutes(store)
    found = {}
    for f, row in sorted(rules.items()):
        own = sorted(criteria[f])
        default = _v(row, "scale")
        unknown = _v(row, "unknown")
        scale_of = {c: criteria[f][c] or default or "" for c in own}
        found[f] = Description(
            framework=f,
            criteria=tuple(own),
            aggregation=AGGREGATIONS.get(_v(row, "agg") or ""),
            scales={c: scales[scale_of[c]] for c in own if scales.get(scale_of[c])},
            weights=dict(weights[f]),
            groups=tuple(sorted(tops[f])),
            members={g: tuple(sorted(m)) for g, m in members[f].items()},
            grades=tuple(sorted(grades[f], key=lambda g: g.order)),
            unknown_points=float(unknown) if unknown is not None else None,
            unknown_on={c: scale_unknown[s] for c, s in scale_of.items() if s in scale_unknown},
            shown_by={c: tuple(sorted(b)) for c, b in shown[f]["by"].items()},
            parts={c: tuple(sorted(p)) for c, p in shown[f]["parts"].items()},
            uses_matches=_v(row, "mapped") == "true",
            over_unknowns=_v(row, "over") == "true",
            unknown_counts_as=_level(row, "countsFor") or _level(row, "counts"),
            substitutes={c: tuple(sorted(b)) for c, b in substitutes[f].items()},
            progress=dict(metrics[f]),
        )
        read = read_criteria(found[f])
        found[f] = dataclasses.replace(
            found[f],
            criteria=read,
            scales={c: s for c, s in found[f].scales.items() if c in read},
            unknown_on={c: u for c, u in found[f].unknown_on.items() if c in read},
        )
    return found


def read_criteria(d: Description) -> tuple[str, ...]:
    """Return the criteria a description scores: every criterion of its scheme, or, for a
    rule that scores by grades alone with none requiring all, those its grades require,
    with the criteria showing them open, their narrower criteria and their substitutes."""
    if d.aggregation or not d.grades or any(g.requires_all for g in d.grades):
        return d.criteria
    named = {r.criterion for g in d.grades for r in g.requirements}
    named |= {
        c
        for n in list(named)
        for c in (*d.shown_by.get(n, ()), *d.parts.get(n, ()), *d.substitutes.get(n, ()))
    }
    read = tuple(c for c in d.criteria if c in named)
    return read or d.criteria


def store_rules(store: ox.Store) -> tuple[FrameworkRule, ...]:
    """Return the rules of every framework the store's models are scored under."""
    return rules_with(read_descriptions(store).values())
