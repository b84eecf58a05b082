"""Write a graph as Turtle that is the same, byte for byte, every time it is written.

The importers' output is committed and loaded by content hash, so converting
the same records twice must give the same files: subjects, predicates and
objects are sorted, ``rdf:type`` comes first, and no blank nodes are used.
"""

from __future__ import annotations

import re
from pathlib import Path

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF, XSD

from graph.namespaces import ID, VOCABULARIES

# Prefixes for the things the importers write, on top of the project's own.
THING_PREFIXES = {
    "model": f"{ID}model/",
    "family": f"{ID}family/",
    "organization": f"{ID}organization/",
    "person": f"{ID}person/",
    "source": f"{ID}source/",
    "framework": f"{ID}framework/",
    "osai": f"{ID}criterion/osai-index/",
    "ouc": f"{ID}criterion/opening-up-chatgpt/",
    "mof": f"{ID}criterion/mof/",
}
WRITTEN_PREFIXES = VOCABULARIES | THING_PREFIXES

_LOCAL = re.compile(r"^[A-Za-z0-9_]([A-Za-z0-9_.-]*[A-Za-z0-9_-])?$")
_BY_LENGTH = sorted(WRITTEN_PREFIXES.items(), key=lambda item: -len(item[1]))
_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t"}


def iri_text(iri: URIRef) -> str:
    """Render an IRI as a prefixed name where one fits, else in angle brackets."""
    text = str(iri)
    if text == str(RDF.type):
        return "a"
    for prefix, ns in _BY_LENGTH:
        if text.startswith(ns) and _LOCAL.match(text[len(ns) :]):
            return f"{prefix}:{text[len(ns) :]}"
    return f"<{text}>"


def literal_text(lit: Literal) -> str:
    """Render a literal with Turtle escapes and a prefixed datatype."""
    body = "".join(_ESCAPES.get(ch, ch) for ch in str(lit))
    if lit.language:
        return f'"{body}"@{lit.language}'
    if lit.datatype is not None and lit.datatype != XSD.string:
        return f'"{body}"^^{iri_text(lit.datatype)}'
    return f'"{body}"'


def term_text(term: URIRef | Literal) -> str:
    """Render one term."""
    if isinstance(term, BNode):
        raise ValueError("the importers write no blank nodes; mint an IRI instead")
    return iri_text(term) if isinstance(term, URIRef) else literal_text(term)


def _predicate_order(p: URIRef) -> tuple[int, str]:
    return (0 if p == RDF.type else 1, iri_text(p))


def turtle(graph: Graph, header: str = "") -> str:
    """Return ``graph`` as sorted Turtle, after ``header`` written as comment lines."""
    lines: list[str] = []
    for subject in sorted(set(graph.subjects()), key=lambda s: str(s)):
        lines.append("")
        preds = sorted(set(graph.predicates(subject)), key=_predicate_order)
        parts = []
        for p in preds:
            objects = sorted(graph.objects(subject, p), key=lambda o: (type(o).__name__, str(o)))
            rendered = " ,\n        ".join(term_text(o) for o in objects)
            parts.append(f"    {iri_text(p)} {rendered}")
        lines.append(term_text(subject) + "\n" + " ;\n".join(parts) + " .")
    body = "\n".join(lines)
    used = [p for p in sorted(WRITTEN_PREFIXES) if re.search(rf"(?<![\w:<]){re.escape(p)}:", body)]
    head = [f"# {line}".rstrip() for line in header.strip().splitlines()] if header else []
    if head:
        head.append("")
    head += [f"@prefix {p}: <{WRITTEN_PREFIXES[p]}> ." for p in used]
    return "\n".join(head) + "\n" + body + "\n"


def write_turtle(graph: Graph, path: Path, header: str = "") -> Path:
    """Write ``graph`` to ``path`` as sorted Turtle; create the folder if needed."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(turtle(graph, header), encoding="utf-8")
    return path
