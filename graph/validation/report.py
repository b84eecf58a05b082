"""Say what a validation found: one Violation per SHACL result, and the report around them.

A report reads for people: nodes are named with the project's prefixes, and blank
nodes by where they hang ("the og:quote of id:claim/x").
"""

from __future__ import annotations

from dataclasses import dataclass, field

import rdflib
from rdflib.namespace import RDF
from rdflib.term import BNode, Literal, Node, URIRef

from graph.namespaces import ID, VOCABULARIES


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
    # What the graph suggests: "did you mean id:model/llama?", or why a name is unknown.
    hint: str = ""


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
        node = self.node_labels.get(violation.focus_node) or short(violation.focus_node)
        where = f"{violation.source_file}: " if violation.source_file else ""
        prop = f" {short(violation.path)}" if violation.path is not None else ""
        shown = violation.value is not None and not isinstance(violation.value, BNode)
        found = f" (found {short(violation.value)})" if shown else ""
        context = " (context)" if violation.in_context else ""
        tag = violation.constraint_id or violation.shape_id
        hint = f" {violation.hint}" if violation.hint else ""
        return f"{where}{node}{prop}: {violation.message}{found}{hint} [{tag}]{context}"

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


def combine(reports: list[ValidationReport]) -> ValidationReport:
    """Return one failing report of several, each later one adding only nodes not yet reported.

    Checks run in order of precedence (corrections, the submission rules, the shapes): a node
    an earlier check refused is not reported again by a later one, whose finding on it
    would follow from the same mistake.
    """
    from graph.namespaces import SH

    seen: set[Node] = set()
    results: list[Violation] = []
    graph = rdflib.Graph()
    root = None
    for report in reports:
        kept = [v for v in report.results if v.focus_node not in seen]
        seen |= {v.focus_node for v in report.results if not v.in_context}
        results += kept
        node = next(report.graph.subjects(RDF.type, SH.ValidationReport), None)
        root = root if root is not None else node
        dropped = {id(v) for v in report.results} - {id(v) for v in kept}
        skip = _result_nodes(report, [v for v in report.results if id(v) in dropped])
        for s, p, o in report.graph:
            if s in skip or o in skip:
                continue
            graph.add((root if s == node else s, p, o))
    labels = {k: v for r in reports for k, v in r.node_labels.items()}
    return ValidationReport(False, results, graph, labels)


def _result_nodes(report: ValidationReport, results: list[Violation]) -> set[Node]:
    """Return the sh:result nodes of the report graph whose focus is one of ``results``'."""
    from graph.namespaces import SH

    foci = {v.focus_node for v in results}
    return {r for r, focus in report.graph.subject_objects(SH.focusNode) if focus in foci}


# ---------------------------------------------------------------- grouping

EXAMPLES = 3


@dataclass(frozen=True)
class Group:
    """Violations with one cause: the same constraint, property, message and hint."""

    violations: tuple[Violation, ...]
    line: str  # the cause as one line for people, with a few of the nodes

    @property
    def count(self) -> int:
        """Return how many nodes share the cause."""
        return len(self.violations)


def noun_of(nodes: list[Node]) -> str:
    """Name what the nodes are by their folder (id:claim/... → claims), else "nodes"."""
    folders = {str(n)[len(str(ID)) :].split("/", 1)[0] for n in nodes if str(n).startswith(ID)}
    if len(folders) == 1 and all(isinstance(n, URIRef) and str(n).startswith(ID) for n in nodes):
        folder = folders.pop()
        return folder if folder.endswith("s") else f"{folder}s"
    return "nodes"


def group_results(report: ValidationReport, results: list[Violation]) -> list[Group]:
    """Group ``results`` by cause, in order of first appearance; one group per cause.

    A cause is the constraint, property, message and hint: 500 claims citing criteria of
    a framework the graph does not hold are one group, with the question whether it is
    loaded; a misspelt name is a cause of its own, since its hint names it.
    """
    causes: dict[tuple, list[Violation]] = {}
    for v in results:
        key = (v.constraint_id or v.shape_id, v.path, v.message, v.hint, v.in_context)
        causes.setdefault(key, []).append(v)
    groups = []
    for members in causes.values():
        nodes = list(dict.fromkeys(v.focus_node for v in members))
        if len(nodes) == 1:
            line = report.format(members[0])
        else:
            first = members[0]
            shown = ", ".join(report.node_labels.get(n) or short(n) for n in nodes[:EXAMPLES])
            more = f" and {len(nodes) - EXAMPLES} more" if len(nodes) > EXAMPLES else ""
            prop = f" {short(first.path)}" if first.path is not None else ""
            hint = f" {first.hint}" if first.hint else ""
            tag = first.constraint_id or first.shape_id
            line = (
                f"{len(nodes)} {noun_of(nodes)}{prop}: {first.message}{hint} [{tag}] "
                f"(e.g. {shown}{more})"
            )
        groups.append(Group(tuple(members), line))
    return groups


# ---------------------------------------------------------------- rendering

# Things keep their id: form here (id:claim/x), which reads as a path in the file at hand.
_SHOWN = {**VOCABULARIES, "id": str(ID)}
_BY_LENGTH = sorted(_SHOWN.items(), key=lambda item: -len(item[1]))


def short(node: Node | None) -> str:
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
            return f'"{node}"^^{short(node.datatype)}'
        return f'"{node}"@{node.language}' if node.language else f'"{node}"'
    return "a blank node"


def blank_label(node: BNode, graph: rdflib.Graph, depth: int = 0) -> str:
    """Name a blank node by the triple that points at it: 'the og:quote of id:claim/x'."""
    for subject, predicate in graph.subject_predicates(node):
        if isinstance(subject, BNode):
            owner = blank_label(subject, graph, depth + 1) if depth < 3 else "a blank node"
        else:
            owner = short(subject)
        return f"the {short(predicate)} of {owner}"
    kinds = ", ".join(sorted(short(t) for t in graph.objects(node, RDF.type)))
    return f"a blank node ({kinds})" if kinds else "a blank node"
