"""SHACL validation: reports without side effects, lines a person can act on, files named."""

from __future__ import annotations

from pathlib import Path

import pytest
import rdflib
from rdflib.compare import isomorphic
from rdflib.namespace import RDF

from graph.namespaces import ID, OG, SH
from graph.validation import ParseError, ShapesError, load_shapes, validate, validate_files

PREFIXES = """@prefix og:      <https://w3id.org/openness/ns#> .
@prefix xsd:     <http://www.w3.org/2001/XMLSchema#> .
@prefix rdfs:    <http://www.w3.org/2000/01/rdf-schema#> .
@prefix skos:    <http://www.w3.org/2004/02/skos/core#> .
@prefix prov:    <http://www.w3.org/ns/prov#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix id:      <https://w3id.org/openness/id/> .
"""

FRAMEWORK = (
    PREFIXES
    + """
<https://w3id.org/openness/id/framework/t> a og:Framework ; skos:prefLabel "T"@en .
<https://w3id.org/openness/id/criterion/t/weights> a og:Criterion ;
    skos:inScheme <https://w3id.org/openness/id/framework/t> ;
    skos:prefLabel "weights"@en ;
    og:allowedLevel og:open , og:closed .
"""
)

SUPPORT = (
    PREFIXES
    + """
<https://w3id.org/openness/id/model/m> a og:Model ; rdfs:label "M" .
<https://w3id.org/openness/id/source/s> a og:Source ; dcterms:title "S" ; dcterms:type og:Report .
"""
)

CLAIM = """
<https://w3id.org/openness/id/claim/c> a og:Claim ;
    og:aboutModel <https://w3id.org/openness/id/model/m> ;
    og:criterion <https://w3id.org/openness/id/criterion/t/weights> ;
    og:level {level} ;
    og:rank og:NormalRank ;
    {stated}
    prov:wasDerivedFrom <https://w3id.org/openness/id/source/s> .
"""

GOOD_CLAIM = PREFIXES + CLAIM.format(
    level="og:open", stated='og:statedOn "2024-11"^^xsd:gYearMonth ;'
)
UNDATED_CLAIM = PREFIXES + CLAIM.format(level="og:open", stated="")
CLAIM_IRI = ID["claim/c"]


def graph(*texts: str) -> rdflib.Graph:
    g = rdflib.Graph()
    for text in texts:
        g.parse(data=text, format="turtle")
    return g


def copy(g: rdflib.Graph) -> rdflib.Graph:
    c = rdflib.Graph()
    for triple in g:
        c.add(triple)
    return c


def test_a_valid_claim_conforms() -> None:
    report = validate(graph(SUPPORT, GOOD_CLAIM), graph(FRAMEWORK))
    assert report.conforms and report.data_conforms
    assert report.results == [] and report.lines() == []


def test_validate_does_not_change_data_context_or_shapes() -> None:
    data = graph(SUPPORT, UNDATED_CLAIM, PREFIXES + "id:x a og:Claim .")
    context = graph(FRAMEWORK)
    data_before, context_before = copy(data), copy(context)
    shapes_before = copy(load_shapes().graph)
    engine_before = copy(load_shapes().engine_graph)
    report = validate(data, context)
    assert not report.conforms  # the run did real work on these graphs
    assert isomorphic(data, data_before) and len(data) == len(data_before)
    assert isomorphic(context, context_before) and len(context) == len(context_before)
    assert isomorphic(load_shapes().graph, shapes_before)
    assert isomorphic(load_shapes().engine_graph, engine_before)


def test_a_result_names_node_property_problem_and_fix() -> None:
    report = validate(graph(SUPPORT, UNDATED_CLAIM), graph(FRAMEWORK))
    [violation] = report.results
    assert violation.focus_node == CLAIM_IRI
    assert violation.path == OG.statedOn
    assert violation.shape_id == "ClaimShape"
    assert violation.severity == "Violation"
    [line] = report.lines()
    assert "id:claim/c" in line and "og:statedOn" in line
    assert violation.message in line and len(violation.message) > 40


def test_a_disallowed_level_is_caught_through_the_criterion_in_context() -> None:
    data = graph(
        SUPPORT,
        PREFIXES + CLAIM.format(level="og:partial", stated='og:statedOn "2024"^^xsd:gYear ;'),
    )
    report = validate(data, graph(FRAMEWORK))
    [violation] = report.results
    assert violation.value == OG.partial and violation.path == OG.level
    assert violation.constraint_id == "ClaimShape-level-allowed"
    assert "og:partial" in report.format(violation)
    # The SPARQL result is part of the SHACL report graph like any other.
    sparql_results = set(
        report.graph.subjects(SH.sourceConstraintComponent, SH.SPARQLConstraintComponent)
    )
    assert len(sparql_results) == 1
    assert (None, SH.conforms, rdflib.Literal(False)) in report.graph


def test_the_same_claim_passes_once_the_criterion_allows_its_level() -> None:
    data = graph(
        SUPPORT,
        PREFIXES + CLAIM.format(level="og:partial", stated='og:statedOn "2024"^^xsd:gYear ;'),
    )
    context = graph(FRAMEWORK, PREFIXES + "id:criterion\\/t\\/weights og:allowedLevel og:partial .")
    assert validate(data, context).conforms


def test_a_blank_focus_node_is_named_by_what_points_at_it() -> None:
    data = graph(
        FRAMEWORK,
        PREFIXES
        + """
<https://w3id.org/openness/id/grade/t/top> a og:Grade ;
    skos:inScheme <https://w3id.org/openness/id/framework/t> ;
    skos:prefLabel "top"@en ; og:gradeOrder 1 ;
    og:requirement [ a og:Requirement ;
        og:onCriterion <https://w3id.org/openness/id/criterion/t/weights> ] .
""",
    )
    [line] = validate(data).lines()
    assert "the og:requirement of id:grade/t/top" in line


def test_results_on_context_nodes_are_reported_but_do_not_fail_the_data() -> None:
    broken_framework = graph(FRAMEWORK, PREFIXES + "id:framework\\/broken a og:Framework .")
    report = validate(graph(SUPPORT, GOOD_CLAIM), broken_framework)
    assert not report.conforms
    assert report.data_conforms
    [violation] = report.results
    assert violation.in_context and violation.focus_node == ID["framework/broken"]


def test_validate_files_attributes_each_result_to_its_file(tmp_path: Path) -> None:
    support, claims, framework = (
        tmp_path / "support.ttl",
        tmp_path / "claims.ttl",
        tmp_path / "fw.ttl",
    )
    support.write_text(SUPPORT)
    claims.write_text(UNDATED_CLAIM)
    framework.write_text(
        FRAMEWORK + "<https://w3id.org/openness/id/framework/broken> a og:Framework .\n"
    )
    report = validate_files([support, claims], [framework])
    by_node = {v.focus_node: v for v in report.results}
    assert by_node[CLAIM_IRI].source_file == str(claims)
    assert not by_node[CLAIM_IRI].in_context
    assert by_node[ID["framework/broken"]].source_file == str(framework)
    assert by_node[ID["framework/broken"]].in_context
    lines = report.lines()
    assert lines[0].startswith(f"{claims}: id:claim/c og:statedOn: ")
    assert lines[-1].endswith("(context)")


def test_validate_files_expands_folders(tmp_path: Path) -> None:
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "support.ttl").write_text(SUPPORT)
    (tmp_path / "data" / "claims.ttl").write_text(GOOD_CLAIM)
    (tmp_path / "fw.ttl").write_text(FRAMEWORK)
    assert validate_files([tmp_path / "data"], [tmp_path / "fw.ttl"]).conforms


def test_a_parse_error_names_file_line_and_column(tmp_path: Path) -> None:
    bad = tmp_path / "claims.ttl"
    bad.write_text(PREFIXES + '\nid:x a og:Claim ;\n    og:statedOn "2024 .\n')
    with pytest.raises(ParseError) as caught:
        validate_files([bad])
    error = caught.value
    line_of_error = len(PREFIXES.splitlines()) + 3
    assert error.path == str(bad)
    assert error.line == line_of_error
    assert str(error).startswith(f"{bad}:{line_of_error}:")


def test_an_explicit_shapes_folder_replaces_the_projects(tmp_path: Path) -> None:
    (tmp_path / "thing.ttl").write_text("""
@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix ex: <http://example.org/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
<https://w3id.org/openness/shapes#ThingShape> a sh:NodeShape ;
    sh:targetClass ex:Thing ;
    sh:property <https://w3id.org/openness/shapes#ThingShape-label> .
<https://w3id.org/openness/shapes#ThingShape-label> sh:path rdfs:label ; sh:minCount 1 ;
    sh:message "A thing needs a label: add one." .
<https://w3id.org/openness/shapes#ThingShape-twin> a sh:NodeShape ;
    sh:targetClass ex:Thing ;
    sh:sparql [ sh:message "{?twin} has the same label: rename one of them." ;
        sh:select \"\"\"SELECT $this ?twin WHERE {
            $this <http://www.w3.org/2000/01/rdf-schema#label> ?l .
            ?twin <http://www.w3.org/2000/01/rdf-schema#label> ?l .
            FILTER (?twin != $this) }\"\"\" ] .
""")
    data = graph("""@prefix ex: <http://example.org/> .
ex:a a ex:Thing . ex:b a ex:Thing ; <http://www.w3.org/2000/01/rdf-schema#label> "x" .
ex:c a ex:Thing ; <http://www.w3.org/2000/01/rdf-schema#label> "x" .
""")
    report = validate(data, shapes_dir=tmp_path, with_ontology=False)
    found = {(str(v.focus_node), v.constraint_id, v.message) for v in report.results}
    assert found == {
        ("http://example.org/a", "ThingShape-label", "A thing needs a label: add one."),
        (
            "http://example.org/b",
            "ThingShape-twin",
            "<http://example.org/c> has the same label: rename one of them.",
        ),
        (
            "http://example.org/c",
            "ThingShape-twin",
            "<http://example.org/b> has the same label: rename one of them.",
        ),
    }
    # For a node shape, SHACL names the focus node itself as the value.
    twins = [v for v in report.results if v.constraint_id == "ThingShape-twin"]
    assert all(v.value == v.focus_node for v in twins)


def test_an_empty_shapes_folder_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(ShapesError, match=str(tmp_path)):
        validate(rdflib.Graph(), shapes_dir=tmp_path)


def test_the_report_graph_is_a_shacl_report() -> None:
    report = validate(graph(SUPPORT, UNDATED_CLAIM), graph(FRAMEWORK))
    [node] = report.graph.subjects(RDF.type, SH.ValidationReport)
    assert report.graph.value(node, SH.conforms) == rdflib.Literal(False)
    [result] = report.graph.objects(node, SH.result)
    assert report.graph.value(result, SH.focusNode) == CLAIM_IRI
