"""Validate RDF against the project's SHACL shapes; return a report, never change the input.

The data graph handed to pySHACL is always a fresh union of the data, the
context (frameworks, the referenced part of the store) and the ontology, so the
caller's graphs stay as they were. Results on nodes that only the context
describes are reported too, marked ``in_context``: they explain a failure but
are not what the data is judged on (see ``ValidationReport.data_conforms``).

pySHACL checks a property shape reached through ``sh:property`` once per focus
node, and runs a SPARQL-based constraint once per focus node through rdflib's
SPARQL engine; together that costs several milliseconds a claim. So the shapes
are compiled once into an equivalent form: each property shape carries its node
shape's targets itself, and each SPARQL-based constraint on a class-targeted
shape becomes one query over all its focus nodes, run by Oxigraph. The shapes
files stay plain SHACL; a test checks the results against plain pySHACL.
"""

from __future__ import annotations

import functools
import os
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

import pyoxigraph as ox
import pyshacl
import rdflib
from rdflib.namespace import RDF, RDFS, XSD
from rdflib.term import BNode, Literal, Node, URIRef

from graph.loading import ParseError, parse_file, rdf_files
from graph.namespaces import PREFIXES, SH
from graph.paths import ONTOLOGY_DIR, SHAPES_DIR
from graph.validation.context import to_rdflib

SHAPES_BASE = "https://w3id.org/openness/shapes#"
ONTOLOGY_FILE = ONTOLOGY_DIR / "openness.ttl"
TARGETS = (SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf)

__all__ = [
    "ParseError",
    "ShapesError",
    "ValidationReport",
    "Violation",
    "load_shapes",
    "validate",
    "validate_files",
]


class ShapesError(RuntimeError):
    """The shapes folder is missing, empty or does not parse."""


@dataclass(frozen=True)
class Violation:
    """One SHACL result: which node, which property, what is wrong and how to fix it.

    ``shape_id`` is the short id of the node shape the failed constraint belongs
    to (``ClaimShape``); ``constraint_id`` the short id of the shape that
    reported it (``ClaimShape-statedOn``). ``in_context`` is true when the focus
    node is described only by the context, not by the data being validated.
    """

    focus_node: Node
    path: Node | None
    value: Node | None
    message: str
    shape_id: str
    severity: str
    source_file: str | None = None
    constraint_id: str = ""
    in_context: bool = False


@dataclass
class ValidationReport:
    """The outcome of one validation: a verdict, the results, and the SHACL report graph."""

    conforms: bool
    results: list[Violation]
    graph: rdflib.Graph
    # Readable names for blank focus nodes ("the og:quote of id:claim/x"), taken
    # from the validated graph while it was at hand.
    node_labels: dict[Node, str] = field(default_factory=dict, repr=False)

    @property
    def data_results(self) -> list[Violation]:
        """Return the results on nodes the data itself describes."""
        return [v for v in self.results if not v.in_context]

    @property
    def data_conforms(self) -> bool:
        """Tell whether nothing the data describes violates a shape."""
        return not self.data_results

    def format(self, violation: Violation) -> str:
        """Return one line naming file, node and property, what is wrong and how to fix it."""
        node = self.node_labels.get(violation.focus_node) or _short(violation.focus_node)
        where = f"{violation.source_file}: " if violation.source_file else ""
        prop = f" {_short(violation.path)}" if violation.path is not None else ""
        shown = violation.value is not None and not isinstance(violation.value, BNode)
        found = f" (found {_short(violation.value)})" if shown else ""
        context = " (context)" if violation.in_context else ""
        tag = violation.constraint_id or violation.shape_id
        return f"{where}{node}{prop}: {violation.message}{found} [{tag}]{context}"

    def lines(self) -> list[str]:
        """Return every result as one human line, data results first, repeats dropped.

        One property shape can fail twice on one value (a quoted "0" is neither
        an integer nor positive); the reader needs to hear it once.
        """
        ordered = sorted(self.results, key=lambda v: v.in_context)
        return list(dict.fromkeys(self.format(v) for v in ordered))

    def __str__(self) -> str:
        verdict = "conforms" if self.conforms else f"{len(self.results)} violation(s)"
        return "\n".join([f"SHACL validation: {verdict}", *self.lines()])


# ---------------------------------------------------------------- rendering

_BY_LENGTH = sorted(PREFIXES.items(), key=lambda item: -len(item[1]))


def _short(node: Node | None) -> str:
    """Render a term compactly: prefix and rest where a project namespace fits."""
    if node is None:
        return ""
    if isinstance(node, URIRef):
        text = str(node)
        # The longest namespace wins, so og: is not shadowed by a shorter base.
        for prefix, ns in _BY_LENGTH:
            if text.startswith(ns) and len(text) > len(ns):
                return f"{prefix}:{text[len(ns) :]}"
        return f"<{text}>"
    if isinstance(node, Literal):
        if node.datatype is not None:
            return f'"{node}"^^{_short(node.datatype)}'
        return f'"{node}"@{node.language}' if node.language else f'"{node}"'
    return "a blank node"


def _blank_label(node: BNode, graph: rdflib.Graph, depth: int = 0) -> str:
    """Name a blank node by the triple that points at it: 'the og:quote of id:claim/x'."""
    for subject, predicate in graph.subject_predicates(node):
        if isinstance(subject, BNode):
            owner = _blank_label(subject, graph, depth + 1) if depth < 3 else "a blank node"
        else:
            owner = _short(subject)
        return f"the {_short(predicate)} of {owner}"
    kinds = ", ".join(sorted(_short(t) for t in graph.objects(node, RDF.type)))
    return f"a blank node ({kinds})" if kinds else "a blank node"


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


def _compile(graph: rdflib.Graph) -> Shapes:
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
    return _compile(graph)


@functools.cache
def _ontology() -> rdflib.Graph:
    return rdflib.Graph().parse(ONTOLOGY_FILE, format="turtle")


# ---------------------------------------------------------------- running


def _union(*graphs: rdflib.Graph) -> rdflib.Graph:
    """Copy the triples of ``graphs`` into one new graph (named graphs flattened)."""
    union = rdflib.Graph()
    for g in graphs:
        union.addN((s, p, o, union) for s, p, o in g.triples((None, None, None)))
    return union


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
            return _short(_from_ox(row[match.group(1)]))
        except (KeyError, TypeError):
            return match.group(0)

    text = re.sub(r"\{[$?](\w+)\}", fill, str(template))
    return Literal(text, lang=template.language)


def _run_checks(union: rdflib.Graph, checks: Sequence[SparqlCheck], report: rdflib.Graph) -> int:
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


def _results(report: rdflib.Graph, shapes: Shapes) -> list[Violation]:
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


def validate(
    data: rdflib.Graph,
    context: rdflib.Graph | None = None,
    *,
    shapes_dir: Path | None = None,
    with_ontology: bool = True,
) -> ValidationReport:
    """Validate ``data`` against the shapes, with ``context`` and the ontology alongside.

    ``context`` holds what the data refers to but does not describe: the
    frameworks, and the types and allowed levels of referenced store nodes. The
    project ontology is added unless ``with_ontology`` is false. Neither input
    graph is changed.
    """
    shapes = load_shapes(Path(shapes_dir) if shapes_dir is not None else None)
    extra = [context] if context is not None else []
    if with_ontology:
        extra.append(_ontology())
    union = _union(data, *extra)
    # The union is our own copy, so pySHACL may read it in place instead of copying it again.
    conforms, report, _text = pyshacl.validate(
        union, shacl_graph=shapes.engine_graph, inference="none", advanced=False, inplace=True
    )
    if _run_checks(union, shapes.checks, report):
        conforms = False
        for node in report.subjects(RDF.type, SH.ValidationReport):
            report.set((node, SH.conforms, Literal(False)))
    described = set(data.subjects())
    results = [
        replace(v, in_context=v.focus_node not in described) for v in _results(report, shapes)
    ]
    results.sort(key=lambda v: (str(v.focus_node), v.constraint_id, str(v.value)))
    labels = {
        v.focus_node: _blank_label(v.focus_node, union)
        for v in results
        if isinstance(v.focus_node, BNode)
    }
    return ValidationReport(bool(conforms), results, report, labels)


# ---------------------------------------------------------------- files


def _read(paths: Iterable[str | os.PathLike[str]]) -> list[tuple[str, rdflib.Graph]]:
    """Parse each RDF file (folders expanded) into its own graph; raise ParseError."""
    return [(str(path), to_rdflib(parse_file(path))) for path in rdf_files(paths)]


def _attribute(violation: Violation, files: Sequence[tuple[str, rdflib.Graph]]) -> str | None:
    """Return the file the violation's focus node most likely comes from.

    Prefer the file holding the offending triple, then the one that types the
    node, then any that describes it, then any that mentions it.
    """
    node, path, value = violation.focus_node, violation.path, violation.value
    patterns = [(node, RDF.type, None), (node, None, None), (None, None, node)]
    if path is not None and value is not None:
        patterns.insert(0, (node, path, value))
    for pattern in patterns:
        for name, graph in files:
            if pattern in graph:
                return name
    return None


def validate_files(
    paths: Iterable[str | os.PathLike[str]],
    context_paths: Iterable[str | os.PathLike[str]] = (),
    *,
    shapes_dir: Path | None = None,
    with_ontology: bool = True,
) -> ValidationReport:
    """Parse and validate RDF files, naming for each result the file its node comes from.

    ``paths`` are the data; ``context_paths`` (files or folders) the frameworks
    and anything else the data refers to. A file that does not parse raises
    :class:`ParseError` naming file, line and column.
    """
    data_files = _read(paths)
    context_files = _read(context_paths)
    data = _union(*(g for _, g in data_files))
    context = _union(*(g for _, g in context_files))
    report = validate(data, context, shapes_dir=shapes_dir, with_ontology=with_ontology)
    everything = [*data_files, *context_files]
    report.results = sorted(
        (replace(v, source_file=_attribute(v, everything)) for v in report.results),
        key=lambda v: (v.in_context, v.source_file or "", str(v.focus_node), v.constraint_id),
    )
    return report
