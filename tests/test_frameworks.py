"""Check the framework schemes in ontology/frameworks/ against their sources and the ontology."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, OWL, PROV, RDF, RDFS, SKOS, XSD

from graph.namespaces import DQV, ID, OG, SCHEMA, slugify

ROOT = Path(__file__).resolve().parent.parent
FRAMEWORKS = ROOT / "ontology" / "frameworks"
ONTOLOGY = ROOT / "ontology" / "openness.ttl"
FIXTURES = Path(__file__).resolve().parent / "fixtures" / "frameworks"
FILES = sorted(FRAMEWORKS.glob("*.ttl"))

MATCHES = (SKOS.exactMatch, SKOS.closeMatch, SKOS.broadMatch, SKOS.narrowMatch, SKOS.relatedMatch)
ALL_LEVELS = {OG.open, OG.partial, OG.closed, OG.unknown}
# DQV has no rdflib namespace; these are the DQV terms the schemes may use.
DQV_TERMS = {DQV.Metric, DQV.expectedDataType, DQV.inDimension, DQV.Dimension, DQV.Category}

FW = Namespace(str(ID) + "framework/")
OTI = Namespace(str(ID) + "criterion/oti-2024/")
TIER = Namespace(str(ID) + "grade/oti-2024/")
OSAI = Namespace(str(ID) + "criterion/osai-index/")
MOF = Namespace(str(ID) + "criterion/mof/")
MOF_CLASS = {
    1: URIRef(f"{ID}grade/mof/class-i"),
    2: URIRef(f"{ID}grade/mof/class-ii"),
    3: URIRef(f"{ID}grade/mof/class-iii"),
}


@pytest.fixture(scope="module")
def graphs() -> dict[str, Graph]:
    """Parse each framework file on its own, keyed by file name."""
    return {path.name: Graph().parse(path, format="turtle") for path in FILES}


@pytest.fixture(scope="module")
def frameworks(graphs: dict[str, Graph]) -> Graph:
    """Merge every framework file into one graph, as the store sees them."""
    merged = Graph()
    for g in graphs.values():
        merged += g
    return merged


@pytest.fixture(scope="module")
def ontology() -> Graph:
    """Parse the project ontology."""
    return Graph().parse(ONTOLOGY, format="turtle")


def criteria_of(g: Graph, scheme: URIRef) -> set[URIRef]:
    """Return the criteria in ``scheme``."""
    return {c for c in g.subjects(SKOS.inScheme, scheme) if (c, RDF.type, OG.Criterion) in g}


def grades_of(g: Graph, scheme: URIRef) -> set[URIRef]:
    """Return the grades in ``scheme``."""
    return {c for c in g.subjects(SKOS.inScheme, scheme) if (c, RDF.type, OG.Grade) in g}


def notation(g: Graph, concept: URIRef) -> str:
    """Return a concept's one notation."""
    values = list(g.objects(concept, SKOS.notation))
    assert len(values) == 1, f"{concept} has {len(values)} notations"
    return str(values[0])


def english(g: Graph, subject: URIRef, predicate: URIRef) -> list[str]:
    """Return the English-tagged values of ``predicate`` on ``subject``."""
    return [
        str(o)
        for o in g.objects(subject, predicate)
        if isinstance(o, Literal) and o.language == "en"
    ]


def requirements(g: Graph, grade: URIRef) -> list[tuple[URIRef, URIRef | None, URIRef | None]]:
    """Return a grade's requirements as (criterion, at least, at most) triples."""
    return [
        (g.value(r, OG.onCriterion), g.value(r, OG.atLeast), g.value(r, OG.atMost))
        for r in g.objects(grade, OG.requirement)
    ]


def required_open(g: Graph, grade: URIRef) -> set[URIRef]:
    """Return the criteria a grade needs to be open."""
    return {c for c, least, _ in requirements(g, grade) if least == OG.open}


def is_deprecated(g: Graph, concept: URIRef) -> bool:
    """Tell whether a concept is marked owl:deprecated true."""
    return (concept, OWL.deprecated, Literal(True)) in g


# ---------------------------------------------------------------- files and vocabulary


def test_the_expected_files_are_there():
    names = {p.name for p in FILES}
    assert {
        "oti-2024.ttl",
        "osai-index.ttl",
        "opening-up-chatgpt.ttl",
        "mof.ttl",
        "osaid-1.0.ttl",
        "self-description.ttl",
        "mappings.ttl",
    } <= names


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_file_parses(path: Path):
    assert len(Graph().parse(path, format="turtle")) > 0


def test_only_og_terms_the_ontology_defines_are_used(frameworks: Graph, ontology: Graph):
    defined = {s for s in ontology.subjects() if isinstance(s, URIRef) and s.startswith(str(OG))}
    used = {
        t
        for triple in frameworks
        for t in triple
        if isinstance(t, URIRef) and t.startswith(str(OG))
    }
    assert used, "no og: term found at all"
    assert used - defined == set()


def test_standard_terms_exist_in_their_vocabularies(frameworks: Graph):
    closed = (SKOS, DCTERMS, PROV, RDFS, OWL)
    terms = {t for triple in frameworks for t in triple if isinstance(t, URIRef)}
    for term in terms:
        for ns in closed:
            if term.startswith(str(ns)):
                assert term in ns, f"{term} is not a term of {ns}"
        if term.startswith(str(DQV)):
            assert term in DQV_TERMS, term


def test_every_scheme_is_a_framework_with_source_and_label(frameworks: Graph):
    schemes = set(frameworks.subjects(RDF.type, OG.Framework))
    assert {
        FW["oti-2024"],
        FW["osai-index"],
        FW["opening-up-chatgpt"],
        FW.mof,
        FW["osaid-1.0"],
        FW["self-description"],
    } == schemes
    for scheme in schemes:
        assert (scheme, RDF.type, SKOS.ConceptScheme) in frameworks
        assert english(frameworks, scheme, RDFS.label), scheme
        assert (scheme, DCTERMS.source, None) in frameworks or (
            scheme,
            RDFS.seeAlso,
            None,
        ) in frameworks


@pytest.mark.parametrize("slug", ["oti-2024", "osai-index", "opening-up-chatgpt", "mof"])
def test_adapted_schemes_carry_licence_and_attribution(frameworks: Graph, slug: str):
    scheme = FW[slug]
    assert frameworks.value(scheme, DCTERMS.license) is not None
    rights = english(frameworks, scheme, DCTERMS.rights)
    assert len(rights) == 1 and "Changed" in rights[0]


def test_every_concept_has_exactly_one_english_preflabel(frameworks: Graph):
    kinds = (
        SKOS.Concept,
        OG.Criterion,
        OG.Grade,
        SKOS.ConceptScheme,
        SKOS.Collection,
        SKOS.OrderedCollection,
        DQV.Metric,
    )
    nodes = {s for kind in kinds for s in frameworks.subjects(RDF.type, kind)}
    assert len(nodes) > 60
    for node in nodes:
        labels = list(frameworks.objects(node, SKOS.prefLabel))
        assert [str(x) for x in labels] == english(frameworks, node, SKOS.prefLabel), node
        assert len(labels) == 1, f"{node} has {len(labels)} prefLabels"
        for label in frameworks.objects(node, RDFS.label):
            assert label == labels[0], f"{node}: rdfs:label differs from skos:prefLabel"


def test_every_criterion_is_complete_and_well_placed(frameworks: Graph):
    criteria = set(frameworks.subjects(RDF.type, OG.Criterion))
    assert len(criteria) == 8 + 14 + 14 + 17 + (3 + 10) + 1
    for c in criteria:
        assert (c, RDF.type, SKOS.Concept) in frameworks
        schemes = list(frameworks.objects(c, SKOS.inScheme))
        assert len(schemes) == 1, c
        slug = schemes[0].removeprefix(str(FW))
        assert c.startswith(f"{ID}criterion/{slug}/"), c
        notation(frameworks, c)
        assert len(english(frameworks, c, SKOS.definition)) == 1, c
    for g in set(frameworks.subjects(RDF.type, OG.Grade)):
        slug = frameworks.value(g, SKOS.inScheme).removeprefix(str(FW))
        assert g.startswith(f"{ID}grade/{slug}/"), g


def test_every_criterion_allows_the_levels_of_its_framework(frameworks: Graph, ontology: Graph):
    levels = set(ontology.subjects(RDF.type, OG.Level))
    assert levels == ALL_LEVELS
    for c in frameworks.subjects(RDF.type, OG.Criterion):
        allowed = set(frameworks.objects(c, OG.allowedLevel))
        assert allowed and allowed <= levels, c
        scheme = frameworks.value(c, SKOS.inScheme)
        if scheme == FW["self-description"]:
            assert allowed == {OG.open, OG.closed}
        else:
            assert allowed == ALL_LEVELS, c


def test_grades_have_consecutive_orders_and_well_formed_requirements(frameworks: Graph):
    for scheme in frameworks.subjects(RDF.type, OG.Framework):
        grades = grades_of(frameworks, scheme)
        orders = sorted(frameworks.value(g, OG.gradeOrder).toPython() for g in grades)
        assert orders == list(range(1, len(grades) + 1)), scheme
        for g in grades:
            assert (g, RDF.type, SKOS.Concept) in frameworks
            for node in frameworks.objects(g, OG.requirement):
                assert (node, RDF.type, OG.Requirement) in frameworks
                targets = list(frameworks.objects(node, OG.onCriterion))
                assert len(targets) == 1 and targets[0] in criteria_of(frameworks, scheme), g
                bounds = [b for p in (OG.atLeast, OG.atMost) for b in frameworks.objects(node, p)]
                assert bounds, f"requirement of {g} sets no level"
                allowed = set(frameworks.objects(targets[0], OG.allowedLevel))
                assert set(bounds) <= allowed, g


def test_scored_frameworks_have_a_metric(frameworks: Graph):
    for slug in ("oti-2024", "osai-index", "opening-up-chatgpt", "mof", "osaid-1.0"):
        metric = URIRef(f"{FW[slug]}/metric")
        assert (metric, RDF.type, DQV.Metric) in frameworks, slug
        assert frameworks.value(metric, DCTERMS.isPartOf) == FW[slug]
        assert frameworks.value(metric, DQV.expectedDataType) in (XSD.integer, XSD.decimal)


# ---------------------------------------------------------------- mappings


def test_mappings_join_criteria_of_different_schemes(frameworks: Graph):
    criteria = set(frameworks.subjects(RDF.type, OG.Criterion))
    pairs = [(s, p, o) for p in MATCHES for s, o in frameworks.subject_objects(p)]
    assert len(pairs) > 50
    for s, p, o in pairs:
        assert s in criteria and o in criteria, (s, p, o)
        assert frameworks.value(s, SKOS.inScheme) != frameworks.value(o, SKOS.inScheme), (s, p, o)


def test_mappings_live_only_in_the_mappings_file_and_the_legacy_file(
    graphs: dict[str, Graph], frameworks: Graph
):
    for name, g in graphs.items():
        pairs = [(s, o) for p in MATCHES for s, o in g.subject_objects(p)]
        if name == "opening-up-chatgpt.ttl":
            assert pairs
            for s, o in pairs:
                assert frameworks.value(s, SKOS.inScheme) == FW["opening-up-chatgpt"]
                assert frameworks.value(o, SKOS.inScheme) == FW["osai-index"]
        elif name != "mappings.ttl":
            assert pairs == [], name


def test_every_legacy_judgement_maps_to_the_index(frameworks: Graph):
    for c in criteria_of(frameworks, FW["opening-up-chatgpt"]):
        targets = {o for p in MATCHES for o in frameworks.objects(c, p)}
        assert any(frameworks.value(t, SKOS.inScheme) == FW["osai-index"] for t in targets), c


def test_every_oti_attribute_except_open_standards_is_reached(frameworks: Graph):
    # No index judgement or MOF component is about interoperability standards.
    reached = {o for p in MATCHES for o in frameworks.objects(None, p)}
    attributes = set(frameworks.items(frameworks.value(OTI["key-attributes"], SKOS.memberList)))
    assert attributes - reached == {OTI["open-standards"]}


def test_mapped_weights_point_to_published_weights(frameworks: Graph):
    # Open end-model weights are more than published weights: they stand in for them; weights
    # are only a part of input transparency, and base-model weights only come close.
    assert (OSAI.weights_endmodel, SKOS.relatedMatch, OTI["input-transparency"]) in frameworks
    assert (OSAI.weights_endmodel, SKOS.broadMatch, OTI["published-weights"]) in frameworks
    assert (OSAI.weights_basemodel, SKOS.closeMatch, OTI["published-weights"]) in frameworks


def test_each_pair_is_mapped_one_way_only(frameworks: Graph):
    # A pair mapped twice would say, say, both "broader" and "narrower", or "close" and "related".
    seen: dict[tuple[URIRef, URIRef], URIRef] = {}
    for p in MATCHES:
        for s, o in frameworks.subject_objects(p):
            for pair in ((s, o), (o, s)):
                assert pair not in seen, (s, o, p, seen.get(pair))
            seen[(s, o)] = p


# ---------------------------------------------------------------- OTI 2024


def test_oti_has_five_attributes_two_narrower_and_public_access(frameworks: Graph):
    key = list(frameworks.items(frameworks.value(OTI["key-attributes"], SKOS.memberList)))
    assert [notation(frameworks, a) for a in key] == [
        "open-code",
        "open-licence",
        "input-transparency",
        "threat-transparency",
        "open-standards",
    ]
    assert set(frameworks.objects(OTI["input-transparency"], SKOS.narrower)) == {
        OTI["published-weights"],
        OTI["training-data-transparency"],
    }
    for narrower in frameworks.objects(OTI["input-transparency"], SKOS.narrower):
        assert frameworks.value(narrower, SKOS.broader) == OTI["input-transparency"]
    assert criteria_of(frameworks, FW["oti-2024"]) == set(key) | {
        OTI["published-weights"],
        OTI["training-data-transparency"],
        OTI["public-access"],
    }


def test_oti_definitions_quote_the_report(frameworks: Graph):
    # Attributes and tiers are defined in the report's own words, found verbatim in its text.
    excerpts = (FIXTURES / "oti-2024-excerpts.txt").read_text(encoding="utf-8")
    key = list(frameworks.items(frameworks.value(OTI["key-attributes"], SKOS.memberList)))
    for concept in key + sorted(grades_of(frameworks, FW["oti-2024"])):
        (definition,) = english(frameworks, concept, SKOS.definition)
        assert definition in excerpts, concept


def test_oti_has_five_tiers_in_order(frameworks: Graph):
    tiers = grades_of(frameworks, FW["oti-2024"])
    assert {frameworks.value(t, OG.gradeOrder).toPython(): t for t in tiers} == {
        n: TIER[f"tier-{n}"] for n in range(1, 6)
    }


# How the spectrum table describes each row's example, level by level (Mistral, Llama, Grok,
# ChatGPT, internal systems); a criterion not named is unknown.
COLUMNS = (
    "open-code",
    "published-weights",
    "training-data-transparency",
    "threat-transparency",
    "public-access",
)
OPEN, PART, SHUT = OG.open, OG.partial, OG.closed
ROW_EXAMPLES = {
    1: dict(zip(COLUMNS, (OPEN, OPEN, OPEN, OPEN, OPEN), strict=True)),
    2: dict(zip(COLUMNS, (OPEN, OPEN, PART, PART, OPEN), strict=True)),
    3: dict(zip(COLUMNS, (OPEN, SHUT, SHUT, SHUT, OPEN), strict=True)),
    4: dict(zip(COLUMNS, (SHUT, SHUT, PART, PART, OPEN), strict=True)),
    5: dict(zip(COLUMNS, (SHUT, SHUT, SHUT, SHUT, SHUT), strict=True)),
}


def _meets(
    g: Graph, ontology: Graph, grade: URIRef, levels: dict[str, URIRef], upper: bool
) -> bool:
    order = {lv: ontology.value(lv, OG.levelOrder).toPython() for lv in ALL_LEVELS}
    for criterion, least, most in requirements(g, grade):
        level = levels.get(notation(g, criterion), OG.unknown)
        if least is not None and order[level] < order[least]:
            return False
        if upper and most is not None and order[level] > order[most]:
            return False
    return True


@pytest.mark.parametrize("row", sorted(ROW_EXAMPLES))
def test_oti_row_examples_meet_their_own_row(frameworks: Graph, ontology: Graph, row: int):
    assert _meets(frameworks, ontology, TIER[f"tier-{row}"], ROW_EXAMPLES[row], upper=True)


@pytest.mark.parametrize("row", sorted(ROW_EXAMPLES))
def test_oti_row_examples_land_on_their_row_reading_from_the_top(
    frameworks: Graph, ontology: Graph, row: int
):
    placed = next(
        n
        for n in range(1, 6)
        if _meets(frameworks, ontology, TIER[f"tier-{n}"], ROW_EXAMPLES[row], upper=False)
    )
    assert placed == row


def test_oti_public_access_separates_the_closed_code_rows(frameworks: Graph, ontology: Graph):
    proprietary = {**ROW_EXAMPLES[4], "public-access": OG.closed}
    assert not _meets(frameworks, ontology, TIER["tier-4"], proprietary, upper=True)
    assert not _meets(frameworks, ontology, TIER["tier-5"], ROW_EXAMPLES[4], upper=True)


# ---------------------------------------------------------------- EU Open Source AI Index


@pytest.fixture(scope="module")
def index_parameters() -> list[dict]:
    return yaml.safe_load((FIXTURES / "osai-index-parameters.yml").read_text(encoding="utf-8"))


def test_index_current_criteria_match_parameters(frameworks: Graph, index_parameters: list[dict]):
    params = [p for category in index_parameters for p in category["params"]]
    assert len(params) == 12
    current = {
        c for c in criteria_of(frameworks, FW["osai-index"]) if not is_deprecated(frameworks, c)
    }
    assert {notation(frameworks, c) for c in current} == {p["ref"] for p in params}
    for p in params:
        c = OSAI[p["ref"]]
        assert c in current
        assert english(frameworks, c, SKOS.prefLabel) == [p["name"].strip()]


def test_index_categories_match_parameters(frameworks: Graph, index_parameters: list[dict]):
    for category in index_parameters:
        collection = OSAI[f"category-{category['ref']}"]
        assert (collection, RDF.type, SKOS.Collection) in frameworks
        assert english(frameworks, collection, SKOS.prefLabel) == [category["name"]]
        members = set(frameworks.objects(collection, SKOS.member))
        assert {notation(frameworks, m) for m in members} == {p["ref"] for p in category["params"]}


def test_index_keeps_package_and_api_as_deprecated(frameworks: Graph):
    deprecated = {
        c for c in criteria_of(frameworks, FW["osai-index"]) if is_deprecated(frameworks, c)
    }
    assert {notation(frameworks, c) for c in deprecated} == {"package", "api"}
    for c in deprecated:
        assert any("2026-03-13" in note for note in english(frameworks, c, SKOS.scopeNote))
        assert (None, SKOS.member, c) not in frameworks


# ---------------------------------------------------------------- Opening up ChatGPT (legacy)


def test_legacy_criteria_match_the_sample_record(frameworks: Graph):
    sample = yaml.safe_load(
        (FIXTURES / "opening-up-chatgpt-sample.yaml").read_text(encoding="utf-8")
    )
    fields = [k for k, v in sample.items() if isinstance(v, dict) and "class" in v]
    assert len(fields) == 14
    legacy = criteria_of(frameworks, FW["opening-up-chatgpt"])
    assert {notation(frameworks, c) for c in legacy} == set(fields)
    members = {
        m
        for coll in frameworks.subjects(RDF.type, SKOS.Collection)
        if str(coll).startswith(f"{ID}criterion/opening-up-chatgpt/")
        for m in frameworks.objects(coll, SKOS.member)
    }
    assert members == legacy


# ---------------------------------------------------------------- MOF


@pytest.fixture(scope="module")
def mof_components() -> list[dict]:
    return yaml.safe_load((FIXTURES / "mof.settings.yml").read_text(encoding="utf-8"))["components"]


def test_mof_components_match_settings(frameworks: Graph, mof_components: list[dict]):
    assert len(mof_components) == 17
    content = {"code": OG.CodeContent, "data": OG.DataContent, "document": OG.DocumentContent}
    criteria = criteria_of(frameworks, FW.mof)
    assert {notation(frameworks, c) for c in criteria} == {comp["name"] for comp in mof_components}
    for comp in mof_components:
        c = MOF[slugify(comp["name"].replace("(", "").replace(")", ""))]
        assert c in criteria, comp["name"]
        assert notation(frameworks, c) == comp["name"]
        assert english(frameworks, c, SKOS.definition) == [comp["description"]]
        assert frameworks.value(c, OG.contentType) == content[comp["content_type"]]


def test_mof_classes_are_cumulative_and_match_settings(
    frameworks: Graph, mof_components: list[dict]
):
    by_name = {notation(frameworks, c): c for c in criteria_of(frameworks, FW.mof)}
    required = {k: required_open(frameworks, grade) for k, grade in MOF_CLASS.items()}
    assert required[3] < required[2] < required[1]
    for k, grade in MOF_CLASS.items():
        assert frameworks.value(grade, OG.gradeOrder).toPython() == k
        # Class k asks for every required component of class k and of the less demanding classes.
        expected = {by_name[c["name"]] for c in mof_components if c["required"] and c["class"] >= k}
        assert required[k] == expected
        optional = {
            by_name[c["name"]] for c in mof_components if not c["required"] and c["class"] >= k
        }
        assert set(frameworks.subjects(OG.optionalFor, grade)) == optional
        assert not optional & required[k]


def test_mof_notes_the_research_paper_substitution(frameworks: Graph):
    notes = " ".join(english(frameworks, MOF["technical-report"], SKOS.scopeNote))
    assert "research paper" in notes.lower()


# ---------------------------------------------------------------- OSI definition, self-description


def test_osaid_meets_requires_all_three_components(frameworks: Graph):
    criteria = criteria_of(frameworks, FW["osaid-1.0"])
    components = {c for c in criteria if (c, SKOS.topConceptOf, FW["osaid-1.0"]) in frameworks}
    assert {c.removeprefix(f"{ID}criterion/osaid-1.0/") for c in components} == {
        "data-information",
        "code",
        "parameters",
    }
    checklist = {n for c in components for n in frameworks.objects(c, SKOS.narrower)}
    assert criteria == components | (checklist & criteria)
    assert {c.removeprefix(f"{ID}criterion/osaid-1.0/") for c in criteria - components} == {
        "datasets",
        "research-paper",
        "technical-report",
        "data-card",
        "data-preprocessing-code",
        "training-code",
        "inference-code",
        "supporting-libraries-and-tools",
        "model-architecture",
        "model-parameters",
    }
    for c in criteria - components:
        (broader,) = frameworks.objects(c, SKOS.broader)
        assert (broader, SKOS.narrower, c) in frameworks
    meets = URIRef(f"{ID}grade/osaid-1.0/meets")
    does_not = URIRef(f"{ID}grade/osaid-1.0/does-not-meet")
    assert grades_of(frameworks, FW["osaid-1.0"]) == {meets, does_not}
    assert required_open(frameworks, meets) == components
    assert requirements(frameworks, does_not) == []
    for c in criteria:
        assert "OSI-approved" in english(frameworks, c, SKOS.definition)[0]


def test_osaid_data_information_names_its_three_kinds(frameworks: Graph):
    data = URIRef(f"{ID}criterion/osaid-1.0/data-information")
    kinds = {
        k
        for k in frameworks.objects(data, SKOS.narrower)
        if (k, RDF.type, OG.Criterion) not in frameworks
    }
    assert {k.removeprefix(f"{ID}criterion/osaid-1.0/") for k in kinds} == {
        "data-description",
        "public-data-listing",
        "third-party-data-listing",
    }
    (note,) = english(frameworks, data, SKOS.note)
    assert "unshareable data" in note and "including for fee" in note


def test_every_mof_component_the_checklist_requires_is_the_same_component(frameworks: Graph):
    checklist = criteria_of(frameworks, FW["osaid-1.0"]) - {
        URIRef(f"{ID}criterion/osaid-1.0/{s}") for s in ("data-information", "code", "parameters")
    }
    for c in checklist:
        (same,) = frameworks.subjects(SKOS.exactMatch, c)
        assert same.startswith(f"{ID}criterion/mof/"), c


def test_self_description_has_one_two_level_criterion(frameworks: Graph):
    (criterion,) = criteria_of(frameworks, FW["self-description"])
    assert criterion == URIRef(f"{ID}criterion/self-description/called-open-source")
    assert grades_of(frameworks, FW["self-description"]) == set()


def test_versioned_frameworks_name_their_version(frameworks: Graph):
    assert frameworks.value(FW["osaid-1.0"], SCHEMA.version) == Literal("1.0")
    assert frameworks.value(FW["osaid-1.0"], DCTERMS.issued) == Literal(
        "2024-10-28", datatype=XSD.date
    )
