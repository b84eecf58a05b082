"""Refuse, before any store work, batches whose cost would not follow their size.

These checks look at the batch alone, in time linear in its size, so they run
before the write lock is taken:

- at most ``max_triples`` triples and ``max_literal`` characters per literal (413);
- no control characters (other than tab, line feed, carriage return), lone
  surrogates or U+FFFE/U+FFFF in IRIs and literals: XML cannot carry them, so every
  XML output about the node would break (422);
- blank nodes form trees hanging from an IRI, each used exactly once as an object, no
  deeper than MAX_DEPTH: the shapes need no more (a quote and its selector), and a
  tree is what :func:`graph.ingest.canonical_hash` labels in linear time, where
  general canonicalisation is factorial in identical components (422).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

import pyoxigraph as ox
import rdflib
from rdflib import BNode, Literal

# Blank-node nesting a batch may use; a quote's selector is two levels down.
MAX_DEPTH = 50
# C0 and C1 controls but tab, LF and CR; DEL; lone surrogates; the two non-characters XML bans.
CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
CONTROLS_REFUSED = (
    "control characters other than tab, line feed and carriage return are refused in IRIs "
    "and literals (XML cannot carry them)"
)


class BatchRefused(ValueError):
    """The batch is too big or has a shape no submission needs; ``status`` is the HTTP status."""

    def __init__(self, message: str, status: int = 422):
        super().__init__(message)
        self.status = status


def shown(text: str, limit: int = 80) -> str:
    """Return ``text`` quoted for a message: controls escaped, cut at ``limit`` characters."""
    cut = text if len(text) <= limit else text[:limit] + "…"
    return '"' + CONTROL.sub(lambda m: f"\\u{ord(m.group()):04X}", cut) + '"'


def control_character(text: str) -> str | None:
    """Describe the first character of ``text`` that XML cannot carry, or None."""
    found = CONTROL.search(text)
    if found is None:
        return None
    return f"U+{ord(found.group()):04X} at character {found.start() + 1}"


def describe_term(term: object) -> tuple[str, str, str | None]:
    """Return (kind, text, datatype IRI) of an rdflib or pyoxigraph term."""
    if isinstance(term, Literal | ox.Literal):
        datatype = term.datatype
        return (
            "literal",
            str(term) if isinstance(term, Literal) else term.value,
            (None if datatype is None else str(getattr(datatype, "value", datatype))),
        )
    if isinstance(term, BNode | ox.BlankNode):
        return "blank node", str(getattr(term, "value", term)), None
    return "IRI", str(getattr(term, "value", term)), None


def text_problem(triple: tuple) -> str | None:
    """Describe a control character in one triple's IRIs or literal, or None."""
    (_, s, _), (_, p, _), (kind, o, datatype) = (describe_term(t) for t in triple[:3])
    for role, (term_kind, text, _) in (
        ("subject", describe_term(triple[0])),
        ("predicate", describe_term(triple[1])),
    ):
        if bad := control_character(text):
            return f"the {role} {term_kind} {shown(text)} holds {bad}"
    if datatype is not None and (bad := control_character(datatype)):
        return f"the datatype of the object of {shown(s)} {shown(p)} holds {bad}"
    if bad := control_character(o):
        return f"the object {kind} of {shown(s)} {shown(p)}, {shown(o)}, holds {bad}"
    return None


def check_text(triples: Iterable[tuple]) -> None:
    """Raise BatchRefused (422) naming the first node that holds a control character."""
    for triple in triples:
        problem = text_problem(triple)
        if problem:
            raise BatchRefused(f"{problem}; {CONTROLS_REFUSED}")


def check_size(graph: rdflib.Graph, max_triples: int | None, max_literal: int | None) -> None:
    """Raise BatchRefused (413) when the batch has too many triples or too long a literal."""
    if max_triples is not None and len(graph) > max_triples:
        raise BatchRefused(
            f"the batch holds {len(graph)} triples; at most {max_triples} are taken in one "
            "submission (SUBMISSION_MAX_TRIPLES): split it",
            413,
        )
    if max_literal is not None:
        for s, p, o in graph:
            if isinstance(o, Literal) and len(o) > max_literal:
                raise BatchRefused(
                    f"the literal of {shown(str(s))} {shown(str(p))} is {len(o)} characters "
                    f"long; at most {max_literal} are taken (SUBMISSION_MAX_LITERAL)",
                    413,
                )


def blank_depths(graph: rdflib.Graph) -> dict[BNode, int]:
    """Return each blank node's depth below the IRI it hangs from; raise BatchRefused otherwise.

    A blank node must be the object of exactly one triple, and following those triples
    up must reach an IRI within MAX_DEPTH steps. Linear in the batch's size.
    """
    parent: dict[BNode, rdflib.term.Node] = {}
    blanks: set[BNode] = set()
    for s, _, o in graph:
        if isinstance(s, BNode):
            blanks.add(s)
        if isinstance(o, BNode):
            blanks.add(o)
            if o in parent:
                raise BatchRefused(
                    f"a blank node is the object of more than one statement (of {shown(str(s))} "
                    f"and of {shown(str(parent[o]))}): blank nodes in a submission must form "
                    "trees, each used once; give a node used twice an IRI"
                )
            parent[o] = s
    for b in blanks:
        if b not in parent:
            about = next(iter(graph.predicate_objects(b)), None)
            said = f" (it says {shown(str(about[0]))} …)" if about else ""
            raise BatchRefused(
                f"a blank node is not the object of any statement{said}: every blank node "
                "must hang from a claim or source the batch introduces (a quote, a selector); "
                "give a node that stands alone an IRI"
            )
    depth: dict[BNode, int] = {}
    for b in blanks:
        path: list[BNode] = []
        seen: set[BNode] = set()
        node: rdflib.term.Node = b
        while isinstance(node, BNode) and node not in depth:
            if node in seen:
                raise BatchRefused(
                    "blank nodes form a cycle: blank nodes in a submission must form trees "
                    "hanging from an IRI; give one of them an IRI"
                )
            seen.add(node)
            path.append(node)
            if len(path) > MAX_DEPTH:
                break
            node = parent[node]
        level = depth.get(node, 0) if isinstance(node, BNode) else 0
        for n in reversed(path):
            level += 1
            depth[n] = level
        if level > MAX_DEPTH:
            raise BatchRefused(
                f"blank nodes (or an RDF list) nest {level}+ levels deep; a submission may "
                f"nest them at most {MAX_DEPTH} deep"
            )
    return depth


def check_shape(graph: rdflib.Graph) -> dict[BNode, int]:
    """Refuse control characters and blank nodes that are not trees; return the depths."""
    check_text(graph)
    return blank_depths(graph)


def check_batch(
    graph: rdflib.Graph, max_triples: int | None = None, max_literal: int | None = None
) -> dict[BNode, int]:
    """Run every check on ``graph``; return each blank node's depth (for hashing)."""
    check_size(graph, max_triples, max_literal)
    return check_shape(graph)
