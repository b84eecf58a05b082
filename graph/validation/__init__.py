"""Validate RDF against the project's SHACL shapes; return a report, never change the input.

The data graph handed to pySHACL is always a fresh union of the data, the
context (frameworks, the referenced part of the store) and the ontology, so the
caller's graphs stay as they were. Results on nodes that only the context
describes are reported too, marked ``in_context``: they explain a failure but
are not what the data is judged on (see ``ValidationReport.data_conforms``).

The shapes are compiled once (:mod:`graph.validation.compiled`); a report says what was
found (:mod:`graph.validation.report`); the store context a batch is validated against is
built by :mod:`graph.validation.context`.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Iterable, Sequence
from dataclasses import replace
from pathlib import Path

import pyoxigraph as ox
import rdflib
from rdflib.namespace import RDF
from rdflib.term import BNode, Literal

from graph.loading import ParseError, parse_file, rdf_files
from graph.namespaces import SH
from graph.paths import ONTOLOGY_DIR
from graph.validation.compiled import (
    SHAPES_BASE,
    ShapesError,
    load_shapes,
    run_checks,
    violations_in,
)
from graph.validation.context import context_for, referenced_iris, to_rdflib
from graph.validation.report import ValidationReport, Violation, blank_label

ONTOLOGY_FILE = ONTOLOGY_DIR / "openness.ttl"

__all__ = [
    "SHAPES_BASE",
    "ParseError",
    "ShapesError",
    "ValidationReport",
    "Violation",
    "load_shapes",
    "validate",
    "validate_files",
]


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
    # pySHACL takes a sixth of a second to import: commands that never validate skip it.
    import pyshacl

    # The union is our own copy, so pySHACL may read it in place instead of copying it again.
    conforms, report, _text = pyshacl.validate(
        union, shacl_graph=shapes.engine_graph, inference="none", advanced=False, inplace=True
    )
    if run_checks(union, shapes.checks, report):
        conforms = False
        for node in report.subjects(RDF.type, SH.ValidationReport):
            report.set((node, SH.conforms, Literal(False)))
    described = set(data.subjects())
    results = [
        replace(v, in_context=v.focus_node not in described) for v in violations_in(report, shapes)
    ]
    results.sort(key=lambda v: (str(v.focus_node), v.constraint_id, str(v.value)))
    labels = {
        v.focus_node: blank_label(v.focus_node, union)
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
    store: ox.Store | None = None,
) -> ValidationReport:
    """Parse and validate RDF files, naming for each result the file its node comes from.

    ``paths`` are the data; ``context_paths`` (files or folders) the frameworks
    and anything else the data refers to. With a ``store``, the data is checked against
    its content as a submission is (the types, levels and schemes of the nodes it refers
    to but does not describe), and a reference to a node neither holds gets a hint naming
    the nearest existing ones. A file that does not parse raises :class:`ParseError`
    naming file, line and column.
    """
    from graph.validation.names import explain_unknown

    data_files = _read(paths)
    context_files = _read(context_paths)
    data = _union(*(g for _, g in data_files))
    context = _union(*(g for _, g in context_files))
    if store is not None:
        # What the files describe is theirs to say: the store's version of it is not mixed in.
        described = {str(s) for s in data.subjects()}
        context_for(store, referenced_iris(data) - described, into=context)
    report = validate(data, context, shapes_dir=shapes_dir, with_ontology=with_ontology)
    report = explain_unknown(report, store, data)
    everything = [*data_files, *context_files]
    report.results = sorted(
        (replace(v, source_file=_attribute(v, everything)) for v in report.results),
        key=lambda v: (v.in_context, v.source_file or "", str(v.focus_node), v.constraint_id),
    )
    return report
