"""Write a derivation as triples, and find what changed against what the store holds.

Each derived node (an assessment, a score, a score's part) is a few N-Triples lines
that name their model (``og:aboutModel`` or ``dqv:computedOn``), so the nodes stored
for some models can be read back and compared with the new ones node by node: only
those that changed are rewritten.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence

import pyoxigraph as ox

from graph.derive.model import AssessmentResult, ModelDerivation, ScoreResult
from graph.namespaces import DCTERMS, DQV, OG, PROV, RDF
from graph.queries import values_block
from graph.records import ASSESSMENTS_GRAPH, DERIVED_GRAPHS, SCORES_GRAPH, ModelRecord
from graph.scoring.levels import level_iri
from graph.scoring.rules import FrameworkRule
from graph.store import writes

XSD = "http://www.w3.org/2001/XMLSchema#"
# Plain strings: rdflib's Namespace attribute lookup is slow in a loop over thousands of nodes.
TYPE, FLAG, DERIVED_FROM = str(RDF.type), str(OG.flag), str(PROV.wasDerivedFrom)
ASSESSMENT, MEASUREMENT = str(OG.Assessment), str(DQV.QualityMeasurement)
ABOUT, CRITERION, LEVEL = str(OG.aboutModel), str(OG.criterion), str(OG.level)
CONTESTED, RESOLVED_BY, POINTS = str(OG.contested), str(OG.resolvedBy), str(OG.pointsFor)
GRADE, MISSING, FRAMEWORK = str(OG.grade), str(OG.missingCriterion), str(OG.framework)
COMPUTED_ON, MEASURES, VALUE = str(DQV.computedOn), str(DQV.isMeasurementOf), str(DQV.value)
GENERATED, AS_OF, PART_OF = str(PROV.generatedAtTime), str(OG.asOf), str(DCTERMS.isPartOf)
NO_CLAIM = str(OG.NoClaimRule)


def _t(s: str, p: str, o: str) -> str:
    """Return an N-Triples line; ``o`` is an IRI, or a literal already in N-Triples form."""
    return f"<{s}> <{p}> {o if o.startswith(chr(34)) else f'<{o}>'} ."


def _typed(text: str, datatype: str) -> str:
    return f'"{text}"^^<{XSD}{datatype}>'


def _number(value: float, integer: bool) -> str:
    if integer:
        return _typed(str(int(value)), "integer")
    # The canonical xsd:decimal form, as stores write it back: 1 and 0.5, not 1.0 or 5e-01;
    # twelve decimal places, since some stores (Virtuoso) keep only 15 significant digits.
    text = f"{value:.12f}".rstrip("0").rstrip(".")
    return _typed("0" if text in ("", "-0") else text, "decimal")


def _stamp(s: str, as_of: dt.date | None, when: str | None) -> list[str]:
    out = [_t(s, GENERATED, _typed(when, "dateTime"))] if when else []
    if as_of is not None:
        out.append(_t(s, AS_OF, _typed(as_of.isoformat(), "date")))
    return out


def assessment_triples(model: ModelRecord, a: AssessmentResult, when: str | None) -> list[str]:
    """Return the N-Triples lines of one assessment node."""
    s, x = a.iri, a.assessment
    out = [
        _t(s, TYPE, ASSESSMENT),
        _t(s, ABOUT, model.iri),
        _t(s, CRITERION, a.criterion),
        _t(s, LEVEL, level_iri(a.level)),
        _t(s, CONTESTED, _typed(str(x.contested).lower(), "boolean")),
        _t(s, RESOLVED_BY, x.rule or NO_CLAIM),
    ]
    if a.points is not None:
        out.append(_t(s, POINTS, _number(a.points, False)))
    out += [_t(s, FLAG, f) for f in a.flags]
    out += [_t(s, DERIVED_FROM, c) for c in a.counted]
    return out + _stamp(s, x.as_of, when)


def score_triples(
    model: ModelRecord, d: ModelDerivation, result: ScoreResult, when: str | None
) -> list[str]:
    """Return the N-Triples lines of one score node and its parts."""
    s, rule, score = result.iri, result.rule, result.score
    out = _measurement(s, model, rule, rule.metric, score.value, rule.integer_value, score.missing)
    if score.grade:
        out.append(_t(s, GRADE, score.grade))
    out += [_t(s, FLAG, f) for f in result.flags]
    out += [_t(s, DERIVED_FROM, d.assessments[c].iri) for c in rule.criteria]
    out += _stamp(s, d.as_of, when)
    for part in result.sub_scores:
        p = part.iri
        out += _measurement(p, model, rule, part.measures, part.value, False, part.missing)
        out.append(_t(p, PART_OF, s))
        out += [_t(p, DERIVED_FROM, d.assessments[c].iri) for c in part.criteria]
        out += _stamp(p, d.as_of, when)
    return out


def _measurement(
    s: str,
    model: ModelRecord,
    rule: FrameworkRule,
    metric: str,
    value: float,
    integer: bool,
    missing: Iterable[str],
) -> list[str]:
    out = [
        _t(s, TYPE, MEASUREMENT),
        _t(s, COMPUTED_ON, model.iri),
        _t(s, MEASURES, metric),
        _t(s, FRAMEWORK, rule.iri),
        _t(s, VALUE, _number(value, integer)),
    ]
    return out + [_t(s, MISSING, c) for c in missing]


def derivation_triples(
    d: ModelDerivation, when: str | None = None, frameworks: Iterable[str] | None = None
) -> tuple[list[str], list[str]]:
    """Return the N-Triples lines (assessments, scores) of a derivation; ``frameworks`` narrows."""
    scores = [s for s in d.stored_scores if frameworks is None or s.rule.iri in set(frameworks)]
    if frameworks is None:
        assessments = d.stored_assessments
    else:
        used = {c for s in scores for c in s.rule.criteria}
        assessments = [a for a in d.assessments.values() if a.criterion in used]
    a_lines = [t for a in assessments for t in assessment_triples(d.model, a, when)]
    s_lines = [t for s in scores for t in score_triples(d.model, d, s, when)]
    return a_lines, s_lines


# ---------------------------------------------------------------- what is stored, and the diff


def now_stamp() -> str:
    """Return the current UTC time as an xsd:dateTime lexical form."""
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


Nodes = dict[tuple[str, str], set[str]]  # (graph, subject IRI) -> its N-Triples lines


def stored_nodes(store: ox.Store, models: Sequence[str] | None) -> Nodes:
    """Return the derived nodes stored for ``models`` (all when None), with their triples."""
    values = values_block("m", models) if models is not None else ""
    found: Nodes = {}
    for graph, link in ((ASSESSMENTS_GRAPH, ABOUT), (SCORES_GRAPH, COMPUTED_ON)):
        query = (
            f"SELECT ?s ?p ?o WHERE {{ {values} GRAPH <{graph}> {{ ?s <{link}> ?m . ?s ?p ?o }} }}"
        )
        for s, p, o in store.query(query):
            found.setdefault((graph, s.value), set()).add(f"<{s.value}> <{p.value}> {o} .")
    return found


def new_nodes(derivations: Iterable[ModelDerivation], when: str) -> Nodes:
    """Return the derived nodes of ``derivations``, with their triples."""
    found: Nodes = {}
    for d in derivations:
        for graph, lines in zip(DERIVED_GRAPHS, derivation_triples(d, when), strict=True):
            for line in lines:
                found.setdefault((graph, line[1 : line.index(">")]), set()).add(line)
    return found


Edits = writes.Edits


def node_edits(old: Nodes, new: Nodes) -> tuple[Edits, int]:
    """Return {graph: (lines to delete, lines to insert)} turning ``old`` into ``new``, and
    how many nodes that rewrites.

    A node whose triples are the same but for ``prov:generatedAtTime`` is left as it
    is: it keeps the time it was generated, and recomputing unchanged data writes
    nothing.
    """
    stamp = f"<{GENERATED}>"
    deletes: dict[str, list[str]] = {g: [] for g in DERIVED_GRAPHS}
    inserts: dict[str, list[str]] = {g: [] for g in DERIVED_GRAPHS}
    changed = 0
    for key in sorted(old.keys() | new.keys()):
        before, after = old.get(key, set()), new.get(key, set())
        if {t for t in before if stamp not in t} == {t for t in after if stamp not in t}:
            continue
        changed += 1
        deletes[key[0]] += sorted(before)
        inserts[key[0]] += sorted(after)
    edits = {g: (deletes[g], inserts[g]) for g in DERIVED_GRAPHS if deletes[g] or inserts[g]}
    return edits, changed
