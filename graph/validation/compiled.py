"""Compile the SHACL shapes once into the form the validator runs fast, and run their SPARQL.

pySHACL checks a property shape reached through ``sh:property`` once per focus node,
and runs a SPARQL-based constraint once per focus node through rdflib's SPARQL engine;
together that costs several milliseconds a claim. So each property shape here carries
its node shape's targets itself, and each SPARQL-based constraint on a class-targeted
shape becomes one query over all its focus nodes, run by Oxigraph. The shapes files
stay plain SHACL; a test checks the results against plain pySHACL.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
import rdflib
from rdflib.namespace import RDF, RDFS, XSD
from rdflib.term import BNode, Literal, Node, URIRef

from graph.namespaces import SH
from graph.paths import SHAPES_DIR
from graph.validation.report import Violation, short

SHAPES_BASE = "https://w3id.org/openness/shapes#"
TARGETS = (SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf)


class ShapesError(RuntimeError):
    """The shapes folder is missing, empty or does not parse."""


# ---------------------------------------------------------------- shapes


@dataclass(frozen=True)
class SparqlCheck:
    """A SPARQL-based constraint rewritten to find every violating focus node in one query."""

    shape: Node
    constraint: Node
    query: str
    path: URIRef | None
    is_property_shape: bool
    messages: tuple[Literal, ...]
    severity: URIRef
    variables: frozenset[str]


@dataclass(frozen=True)
class Shapes:
    """The shapes as written, the equivalent graph pySHACL runs, and the batched SPARQL checks."""

    graph: rdflib.Graph
    engine_graph: rdflib.Graph
    checks: tuple[SparqlCheck, ...]
    # shape node -> (short id of the owning node shape, short id of the shape itself)
    ids: dict[Node, tuple[str, str]]


def _local_id(node: Node) -> str:
    text = str(node)
    return text[len(SHAPES_BASE) :] if text.startswith(SHAPES_BASE) else ""


def _prefix_lines(graph: rdflib.Graph, constraint: Node) -> str:
    """Return PREFIX lines for the sh:declare'd prefixes a SPARQL constraint names."""
    lines = []
    for holder in graph.objects(constraint, SH.prefixes):
        for declaration in graph.objects(holder, SH.declare):
            prefix = graph.value(declaration, SH.prefix)
            namespace = graph.value(declaration, SH.namespace)
            if prefix is not None and namespace is not None:
                lines.append(f"PREFIX {prefix}: <{namespace}>")
    return "\n".join(sorted(set(lines)))


def _batched_query(select: str, prefixes: str, path: URIRef | None, classes: list[Node]) -> str:
    """Turn a per-focus-node SELECT into one that binds $this to every target itself.

    The target pattern goes first in the outermost group, so FILTERs that use
    $this see it bound, exactly as when $this is pre-bound.
    """
    text = re.sub(r"[$?]PATH\b", f"<{path}>", select) if path is not None else select
    where = re.search(r"\bWHERE\s*\{", text, flags=re.IGNORECASE)
    if where is None:
        raise ShapesError(f"cannot batch a SPARQL constraint without WHERE {{ ... }}: {select}")
    target = " UNION ".join(f"{{ $this <{RDF.type}>/<{RDFS.subClassOf}>* <{c}> }}" for c in classes)
    return f"{prefixes}\n{text[: where.end()]} {target} .\n{text[where.end() :]}"


def compile_shapes(graph: rdflib.Graph) -> Shapes:
    """Build the graph pySHACL runs and the batched SPARQL checks from the shapes as written."""
    engine = rdflib.Graph()
    engine += graph
    ids: dict[Node, tuple[str, str]] = {}
    for shape in set(graph.subjects(RDF.type, SH.NodeShape)):
        owner = _local_id(shape)
        ids[shape] = (owner, owner)
        targets = [(p, o) for p in TARGETS for o in graph.objects(shape, p)]
        for prop in graph.objects(shape, SH.property):
            ids[prop] = (owner, _local_id(prop) or owner)
            shared = len(set(graph.subjects(SH.property, prop))) > 1
            if targets and not shared and not any((prop, p, None) in graph for p in TARGETS):
                # Same focus nodes, but pySHACL now checks them all in one pass.
                engine.remove((shape, SH.property, prop))
                for p, o in targets:
                    engine.add((prop, p, o))
    checks = []
    for shape, constraint in list(engine.subject_objects(SH.sparql)):
        classes = list(engine.objects(shape, SH.targetClass))
        other_targets = any((shape, p, None) in engine for p in TARGETS[1:])
        path = engine.value(shape, SH.path)
        is_property = path is not None
        select = engine.value(constraint, SH.select)
        if not classes or other_targets or (is_property and not isinstance(path, URIRef)):
            continue  # left to pySHACL as written
        if select is None or engine.value(constraint, SH.deactivated) == Literal(True):
            continue
        query = _batched_query(str(select), _prefix_lines(engine, constraint), path, classes)
        messages = tuple(engine.objects(constraint, SH.message)) or tuple(
            engine.objects(shape, SH.message)
        )
        severity = engine.value(shape, SH.severity) or SH.Violation
        head = re.split(r"\bWHERE\b", str(select), maxsplit=1, flags=re.IGNORECASE)[0]
        projected = frozenset(re.findall(r"[$?](\w+)", head))
        checks.append(
            SparqlCheck(shape, constraint, query, path, is_property, messages, severity, projected)
        )
        engine.remove((shape, SH.sparql, constraint))
    return Shapes(graph, engine, tuple(checks), ids)


@functools.cache
def load_shapes(shapes_dir: Path | None = None) -> Shapes:
    """Parse every ``*.ttl`` in the shapes folder (default: the repository's) once.

    The result is cached and shared by every validation: treat it as read-only.
    """
    folder = Path(shapes_dir) if shapes_dir is not None else SHAPES_DIR
    files = sorted(folder.glob("*.ttl"))
    if not files:
        raise ShapesError(f"{folder}: no SHACL shapes (*.ttl) found")
    graph = rdflib.Graph()
    for path in files:
        try:
            graph.parse(path, format="turtle")
        except Exception as exc:  # rdflib raises many unrelated types for bad syntax
            raise ShapesError(f"{path}: {exc}") from None
    return compile_shapes(graph)


def _from_ox(term: object) -> Node | None:
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return Literal(term.value, lang=term.language)
        if term.datatype.value == str(XSD.string):
            return Literal(term.value)
        return Literal(term.value, datatype=URIRef(term.datatype.value))
    return None


def _message(template: Literal, row: ox.QuerySolution) -> Literal:
    """Fill {?var} and {$var} in a message from the query row, as SHACL-SPARQL says."""

    def fill(match: re.Match[str]) -> str:
        try:
            return short(_from_ox(row[match.group(1)]))
        except (KeyError, TypeError):
            return match.group(0)

    text = re.sub(r"\{[$?](\w+)\}", fill, str(template))
    return Literal(text, lang=template.language)


def run_checks(union: rdflib.Graph, checks: Sequence[SparqlCheck], report: rdflib.Graph) -> int:
    """Run the batched SPARQL checks on ``union``; add their results to ``report``."""
    if not checks:
        return 0
    store = ox.Store()
    # N-Triples keeps rdflib's blank node labels, so results name the same nodes.
    store.extend(ox.parse(union.serialize(format="nt", encoding="utf-8"), ox.RdfFormat.N_TRIPLES))
    report_nodes = list(report.subjects(RDF.type, SH.ValidationReport))
    seen = set()
    for check in checks:
        for row in store.query(check.query):
            focus = _from_ox(row["this"])
            value = _from_ox(row["value"]) if "value" in check.variables else None
            if value is None and not check.is_property_shape:
                value = focus  # SHACL: a node shape's result names the focus node as value
            path = _from_ox(row["path"]) if "path" in check.variables else None
            path = path or check.path
            key = (focus, check.constraint, value, path)
            if focus is None or key in seen:
                continue
            seen.add(key)
            result = BNode()
            for node in report_nodes:
                report.add((node, SH.result, result))
            report.add((result, RDF.type, SH.ValidationResult))
            report.add((result, SH.focusNode, focus))
            report.add((result, SH.sourceShape, check.shape))
            report.add((result, SH.sourceConstraint, check.constraint))
            report.add((result, SH.sourceConstraintComponent, SH.SPARQLConstraintComponent))
            report.add((result, SH.resultSeverity, check.severity))
            if path is not None:
                report.add((result, SH.resultPath, path))
            if value is not None:
                report.add((result, SH.value, value))
            for template in check.messages:
                report.add((result, SH.resultMessage, _message(template, row)))
    return len(seen)


def violations_in(report: rdflib.Graph, shapes: Shapes) -> list[Violation]:
    found = []
    for result in report.subjects(RDF.type, SH.ValidationResult):
        shape_id, constraint_id = shapes.ids.get(report.value(result, SH.sourceShape), ("", ""))
        constraint = report.value(result, SH.sourceConstraint)
        if isinstance(constraint, URIRef) and _local_id(constraint):
            constraint_id = _local_id(constraint)
        path = report.value(result, SH.resultPath)
        severity = report.value(result, SH.resultSeverity)
        messages = sorted(str(m) for m in report.objects(result, SH.resultMessage))
        found.append(
            Violation(
                focus_node=report.value(result, SH.focusNode),
                path=path if isinstance(path, URIRef) else None,
                value=report.value(result, SH.value),
                message=" ".join(messages) or "fails a SHACL constraint",
                shape_id=shape_id,
                severity=str(severity)[len(str(SH)) :] if severity else "Violation",
                constraint_id=constraint_id,
            )
        )
    return found
