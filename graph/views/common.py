"""Share the small pieces every page's records need: references, term values, descriptions.

Names come from ``graph.labels``.
"""

from __future__ import annotations

import pyoxigraph as ox

from graph.derive import flags as fl
from graph.evidence.citations import CITO_PROPERTIES
from graph.labels import Labels, short
from graph.namespaces import ID, OG, RDF
from graph.queries import select
from graph.records import ASSESSMENTS_GRAPH, SCORES_GRAPH
from graph.scoring.levels import RANK_IRIS

__all__ = [
    "ASSESSMENTS_GRAPH",
    "SCORES_GRAPH",
    "CITO_PROPERTIES",
    "Description",
    "describe",
    "exists",
    "flag_name",
    "incoming",
    "kind_of",
    "level_name",
    "rank_name",
    "select",
    "term_value",
]

CITO_VALUES = " ".join(f"<{p}>" for p in CITO_PROPERTIES)


def kind_of(iri: str) -> str | None:
    """Return the kind of a thing IRI (``model`` for ``id:model/x``), or None."""
    if not iri.startswith(str(ID)):
        return None
    rest = iri[len(str(ID)) :]
    return rest.split("/", 1)[0] if "/" in rest else None


def level_name(iri: str | None) -> str | None:
    """Return ``open`` for ``og:open``; None stays None."""
    if iri is None:
        return None
    return iri[len(str(OG)) :] if iri.startswith(str(OG)) else iri


def rank_name(iri: str | None) -> str:
    """Return ``preferred``, ``normal`` or ``deprecated`` for a rank IRI; no rank is normal."""
    names = {v: k for k, v in RANK_IRIS.items()}
    return names.get(iri or "", "normal" if iri is None else short(iri))


def flag_name(iri: str) -> str:
    """Return a flag's short name: ``contested`` for ``og:Contested``."""
    return fl.NAMES.get(iri) or {
        str(OG.NoEvidenceLink): "no-evidence-link",
        str(OG.UnknownLicense): "unknown-licence",
        str(OG.FamilyDisagreement): "family-disagreement",
    }.get(iri, short(iri))


def term_value(term: ox.NamedNode | ox.BlankNode | ox.Literal) -> dict:
    """Return a term as JSON: ``{"iri"}``, ``{"blank"}`` or ``{"value", "datatype", "language"}``."""
    if isinstance(term, ox.NamedNode):
        return {"iri": term.value}
    if isinstance(term, ox.BlankNode):
        return {"blank": term.value}
    return {
        "value": term.value,
        "datatype": term.datatype.value if term.datatype else None,
        "language": term.language,
    }


def exists(store: ox.Store, iri: str) -> bool:
    """Tell whether any triple of any graph has ``iri`` as subject or object."""
    node = f"<{iri}>"
    query = f"ASK {{ {{ {node} ?p ?o }} UNION {{ ?s ?p {node} }} }}"
    return bool(store.query(query, use_default_graph_as_union=True))


def describe(store: ox.Store, iri: str, labels: Labels, depth: int = 3) -> list[dict]:
    """Return the properties of ``iri`` in every graph, with blank nodes described inline.

    Each item is ``{"property": ref, "values": [value, ...]}``; a value is a
    reference (``iri``, ``label``), a literal (``value``, ``datatype``,
    ``language``) or a blank node's own properties (``properties``).
    """
    quads = _outgoing(store, ox.NamedNode(iri), depth)
    labels.add(
        {q.predicate.value for q in quads}
        | {q.object.value for q in quads if isinstance(q.object, ox.NamedNode)}
    )
    by_subject: dict[str, list[ox.Quad]] = {}
    for q in quads:
        by_subject.setdefault(q.subject.value, []).append(q)

    def props(subject: str, seen: frozenset[str]) -> list[dict]:
        grouped: dict[str, list[dict]] = {}
        values_seen: dict[str, set] = {}
        for q in by_subject.get(subject, []):
            p = q.predicate.value
            key = (type(q.object).__name__, str(q.object))
            if key in values_seen.setdefault(p, set()):
                continue  # the same triple in several graphs
            values_seen[p].add(key)
            if isinstance(q.object, ox.NamedNode):
                value = labels.ref(q.object.value)
            elif isinstance(q.object, ox.BlankNode) and q.object.value not in seen:
                value = {"properties": props(q.object.value, seen | {q.object.value})}
            else:
                value = term_value(q.object)
            grouped.setdefault(p, []).append(value)
        order = sorted(grouped, key=lambda p: (p != str(RDF.type), labels(p).casefold(), p))
        return [{"property": labels.ref(p), "values": grouped[p]} for p in order]

    return props(iri, frozenset())


class Description:
    """A resource's properties as ``describe`` returns them, read by predicate.

    ``values`` gives every value of a predicate; ``refs``, ``iris`` and
    ``literals`` keep the references, their IRIs, or the literal texts; ``ref``,
    ``iri`` and ``literal`` the first of those (None without one); ``text`` an
    English or untagged literal first.
    """

    def __init__(self, properties: list[dict]):
        self.properties = properties

    def values(self, predicate: object) -> list[dict]:
        """Return every value of ``predicate`` (an IRI or a namespace term)."""
        wanted = str(predicate)
        return next(
            (list(p["values"]) for p in self.properties if p["property"]["iri"] == wanted), []
        )

    def refs(self, predicate: object) -> list[dict]:
        """Return the values of ``predicate`` that are references (``iri``, ``label``)."""
        return [v for v in self.values(predicate) if "iri" in v]

    def iris(self, predicate: object) -> list[str]:
        """Return the IRIs among the values of ``predicate``."""
        return [v["iri"] for v in self.refs(predicate)]

    def literals(self, predicate: object) -> list[str]:
        """Return the literal texts among the values of ``predicate``."""
        return [v["value"] for v in self.values(predicate) if "value" in v]

    def ref(self, predicate: object) -> dict | None:
        """Return the first reference among the values of ``predicate``, or None."""
        return next(iter(self.refs(predicate)), None)

    def iri(self, predicate: object) -> str | None:
        """Return the first IRI among the values of ``predicate``, or None."""
        return next(iter(self.iris(predicate)), None)

    def literal(self, predicate: object) -> str | None:
        """Return the first literal text among the values of ``predicate``, or None."""
        return next(iter(self.literals(predicate)), None)

    def text(self, predicate: object) -> str | None:
        """Return a literal of ``predicate``, English or untagged first, or None."""
        values = [v for v in self.values(predicate) if "value" in v]
        english = [v for v in values if v.get("language") in (None, "en")]
        return (english or values or [{"value": None}])[0]["value"]


def bounded_description(store: ox.Store, iri: str, depth: int = 4) -> list[ox.Triple]:
    """Return the Concise Bounded Description of ``iri``, ``depth`` blank nodes deep.

    That is its triples in every graph and those of the blank nodes they reach. Built
    here rather than with DESCRIBE, whose answer SPARQL leaves to each server (Virtuoso's
    stops at the IRI's own triples).
    """
    return list(dict.fromkeys(q.triple for q in _outgoing(store, ox.NamedNode(iri), depth)))


def bounded_descriptions(store: ox.Store, iris: list[str], depth: int = 4) -> list[ox.Triple]:
    """Return the Concise Bounded Descriptions of several IRIs at once (one query per 200)."""
    found: dict[ox.Triple, None] = {}
    for start in range(0, len(iris), BATCH):
        roots = [ox.NamedNode(i) for i in iris[start : start + BATCH]]
        found.update(dict.fromkeys(q.triple for q in _outgoing_many(store, roots, depth)))
    return list(found)


# Roots described in one query by bounded_descriptions.
BATCH = 200


def _outgoing(store: ox.Store, subject: ox.NamedNode, depth: int) -> list[ox.Quad]:
    """Return the quads about ``subject`` and, ``depth`` levels down, the blank nodes it names."""
    return _outgoing_many(store, [subject], depth)


def _outgoing_many(store: ox.Store, subjects: list[ox.NamedNode], depth: int) -> list[ox.Quad]:
    """Return the quads about ``subjects`` and, ``depth`` levels down, the blank nodes they name.

    One query reaches every level, so blank nodes keep one label throughout the answer;
    an external server's blank nodes cannot be looked up again by a later query.
    """
    if not subjects:
        return []
    roots = " ".join(str(s) for s in subjects)
    levels = []
    for level in range(depth + 1):
        hops = ["?b0" if i == 0 else f"?b{i}" for i in range(level + 1)]
        steps = " ".join(
            f"{hops[i]} ?p{i} ?b{i + 1} . FILTER isBlank(?b{i + 1})" for i in range(level)
        )
        levels.append(
            f"{{ VALUES ?b0 {{ {roots} }} GRAPH ?g {{ {steps} {hops[-1]} ?p ?o }} "
            f"BIND({hops[-1]} AS ?s) }}"
        )
    rows = store.query(
        f"SELECT DISTINCT ?s ?p ?o ?g WHERE {{ {' UNION '.join(levels)} }}",
    )
    return [ox.Quad(r["s"], r["p"], r["o"], r["g"]) for r in rows]


def incoming(store: ox.Store, iri: str, labels: Labels, limit: int = 100) -> dict:
    """Return the links to ``iri`` from other IRIs: the first ``limit`` and how many in all."""
    node = f"<{iri}>"
    count_query = (
        f"SELECT (COUNT(*) AS ?n) WHERE {{ SELECT DISTINCT ?s ?p WHERE {{ ?s ?p {node} "
        f"FILTER isIRI(?s) }} }}"
    )
    total = int(select(store, count_query)[0]["n"].value)
    # No ORDER BY: sorting thousands of links in the store costs more than the page may.
    query = f"SELECT DISTINCT ?s ?p WHERE {{ ?s ?p {node} FILTER isIRI(?s) }} LIMIT {int(limit)}"
    rows = sorted(select(store, query), key=lambda r: (r["p"].value, r["s"].value))
    labels.add({r["s"].value for r in rows} | {r["p"].value for r in rows})
    links = [
        {"subject": labels.ref(r["s"].value), "property": labels.ref(r["p"].value)} for r in rows
    ]
    return {"total": total, "links": links}
