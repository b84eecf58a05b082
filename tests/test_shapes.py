"""SHACL shapes: each shape has fixtures, and each fixture is judged as its first line says."""

from __future__ import annotations

import re
from importlib.resources import files
from pathlib import Path

import pyshacl
import pytest
import rdflib
from rdflib.namespace import RDF

from graph.namespaces import SH
from graph.validation import SHAPES_BASE, validate

ROOT = Path(__file__).resolve().parent.parent
SHAPES = ROOT / "shapes"
ONTOLOGY = ROOT / "ontology" / "openness.ttl"
FIXTURES = Path(__file__).resolve().parent / "fixtures" / "shapes"
VALID = sorted(FIXTURES.glob("*/valid-*.ttl"))
INVALID = sorted(FIXTURES.glob("*/invalid-*.ttl"))


def fixture_id(path: Path) -> str:
    return f"{path.parent.name}/{path.stem}"


def parse(path: Path) -> rdflib.Graph:
    return rdflib.Graph().parse(path, format="turtle")


@pytest.fixture(scope="module")
def shapes() -> rdflib.Graph:
    """Return the shapes as written, read straight from the files."""
    graph = rdflib.Graph()
    for path in sorted(SHAPES.glob("*.ttl")):
        graph.parse(path, format="turtle")
    return graph


def node_shapes(shapes: rdflib.Graph) -> set[rdflib.term.Node]:
    return set(shapes.subjects(RDF.type, SH.NodeShape))


def short_id(node: rdflib.term.Node) -> str:
    assert str(node).startswith(SHAPES_BASE), f"{node} is not a stable shape IRI"
    return str(node)[len(SHAPES_BASE) :]


def owner_id(shapes: rdflib.Graph, source_shape: rdflib.term.Node) -> str:
    """Resolve a report's sh:sourceShape to the id of the node shape that owns it."""
    if (source_shape, RDF.type, SH.NodeShape) in shapes:
        return short_id(source_shape)
    owners = set(shapes.subjects(SH.property, source_shape))
    assert len(owners) == 1, f"{source_shape} should belong to exactly one node shape"
    return short_id(owners.pop())


def test_fixture_globs_are_not_empty() -> None:
    assert VALID, f"no valid-*.ttl fixtures under {FIXTURES}"
    assert INVALID, f"no invalid-*.ttl fixtures under {FIXTURES}"


def test_every_shape_has_valid_and_invalid_fixtures(shapes: rdflib.Graph) -> None:
    ids = {short_id(s) for s in node_shapes(shapes)}
    assert ids, "the shapes folder defines no node shapes"
    missing = [
        f"{shape_id}/{kind}-*.ttl"
        for shape_id in sorted(ids)
        for kind in ("valid", "invalid")
        if not list((FIXTURES / shape_id).glob(f"{kind}-*.ttl"))
    ]
    assert not missing, f"shapes without fixtures: {missing}"


def test_every_fixture_folder_names_a_shape(shapes: rdflib.Graph) -> None:
    ids = {short_id(s) for s in node_shapes(shapes)}
    folders = {p.name for p in FIXTURES.iterdir() if p.is_dir()}
    assert folders <= ids, f"fixture folders for no shape: {sorted(folders - ids)}"


@pytest.mark.parametrize("path", VALID + INVALID, ids=fixture_id)
def test_fixture_opens_with_its_reason(path: Path) -> None:
    first = path.read_text(encoding="utf-8").splitlines()[0]
    assert first.startswith("# ") and len(first) > 10, f"{path}: first line must give the reason"


@pytest.mark.parametrize("path", VALID, ids=fixture_id)
def test_valid_fixture_gives_no_result(path: Path) -> None:
    report = validate(parse(path))
    assert report.conforms, "\n".join(report.lines())
    assert report.results == []


@pytest.mark.parametrize("path", INVALID, ids=fixture_id)
def test_invalid_fixture_is_caught_by_its_shape_only(path: Path, shapes: rdflib.Graph) -> None:
    report = validate(parse(path))
    assert not report.conforms
    sources = set(report.graph.objects(None, SH.sourceShape))
    assert sources, f"{path.name} gives no result"
    caught_by = {owner_id(shapes, s) for s in sources}
    assert caught_by == {path.parent.name}, "\n".join(report.lines())


def test_shapes_pass_shacl_shacl(shapes: rdflib.Graph) -> None:
    shacl_shacl = rdflib.Graph().parse(
        str(files("pyshacl") / "assets" / "shacl-shacl.ttl"), format="turtle"
    )
    conforms, _graph, text = pyshacl.validate(shapes, shacl_graph=shacl_shacl, inference="none")
    assert conforms, text


def test_shacl_shacl_rejects_a_broken_shape(shapes: rdflib.Graph) -> None:
    # The check above is worth something only if SHACL-SHACL can fail here.
    broken = rdflib.Graph()
    broken += shapes
    claim_level = rdflib.URIRef(SHAPES_BASE + "ClaimShape-level")
    broken.set((claim_level, SH.minCount, rdflib.Literal("one")))
    shacl_shacl = rdflib.Graph().parse(
        str(files("pyshacl") / "assets" / "shacl-shacl.ttl"), format="turtle"
    )
    conforms, _graph, _text = pyshacl.validate(broken, shacl_graph=shacl_shacl, inference="none")
    assert not conforms


def test_every_shape_has_a_stable_id_a_severity_and_actionable_messages(
    shapes: rdflib.Graph,
) -> None:
    for node_shape in node_shapes(shapes):
        owner = short_id(node_shape)
        assert shapes.value(node_shape, SH.severity) == SH.Violation, owner
        for prop in shapes.objects(node_shape, SH.property):
            prop_id = short_id(prop)
            assert prop_id.startswith(owner + "-"), f"{prop_id} should be named after {owner}"
            assert shapes.value(prop, SH.severity) == SH.Violation, prop_id
            constraints = list(shapes.objects(prop, SH.sparql)) or [prop]
            for constraint in constraints:
                messages = [str(m) for m in shapes.objects(constraint, SH.message)]
                assert messages, f"{prop_id} has a constraint without sh:message"
                for message in messages:
                    # "what is wrong: how to fix it"
                    wrong, _, fix = message.partition(": ")
                    assert wrong and fix, f"{prop_id}: message should say what and how: {message}"


def test_compiled_validation_agrees_with_pyshacl_on_the_shapes_as_written(
    shapes: rdflib.Graph,
) -> None:
    # validate() reorganises the shapes for speed; plain pySHACL on the files as
    # written is the reference. All fixtures at once: one run of each.
    merged = rdflib.Graph()
    for path in VALID + INVALID:
        merged += parse(path)
    reference = rdflib.Graph()
    reference += merged
    reference.parse(ONTOLOGY, format="turtle")
    _conforms, expected_report, _text = pyshacl.validate(
        reference, shacl_graph=shapes, inference="none"
    )

    def outcomes(report: rdflib.Graph) -> set[tuple]:
        return {
            (
                report.value(r, SH.focusNode),
                short_id(report.value(r, SH.sourceShape)),
                report.value(r, SH.value),
            )
            for r in report.subjects(RDF.type, SH.ValidationResult)
        }

    expected = outcomes(expected_report)
    assert len(expected) > len(INVALID) // 2, "the reference run found too little to compare"
    assert outcomes(validate(merged).graph) == expected


def test_every_og_term_the_shapes_use_is_in_the_ontology(shapes: rdflib.Graph) -> None:
    ontology = rdflib.Graph().parse(ONTOLOGY, format="turtle")
    og = "https://w3id.org/openness/ns#"
    defined = {s for s in ontology.subjects() if str(s).startswith(og)}
    used = {
        t for triple in shapes for t in triple if isinstance(t, rdflib.URIRef) and t.startswith(og)
    }
    # Terms named inside SPARQL constraints count too.
    for select in shapes.objects(None, SH.select):
        used |= {rdflib.URIRef(og + local) for local in re.findall(r"\bog:(\w+)", str(select))}
    assert used, "the shapes use no og: terms"
    assert used <= defined, f"not in the ontology: {sorted(used - defined)}"
