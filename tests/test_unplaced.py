"""Unknown is not closed: a framework grades a model only on evidence that decides the grade."""

from __future__ import annotations

import pyoxigraph as ox
import pytest
import rdflib

from graph import derive, loading, paths
from graph.namespaces import DQV, ID, OG, graph_iri
from graph.records import DERIVED_GRAPHS
from graph.scoring import mof_classes, osaid_meets, spectrum_tier
from graph.scoring.levels import criterion_iri
from graph.scoring.rules import RULES_BY_IRI
from graph.scoring.spectrum import CRITERIA, PUBLISHED_WEIGHTS
from graph.store import writes
from graph.stored_scores import read_scores

OTI = f"{ID}framework/oti-2024"
TIER_5 = f"{ID}grade/oti-2024/tier-5"


def oti(slug: str) -> str:
    return criterion_iri("oti-2024", slug)


# ---------------------------------------------------------------- pure


def test_evidence_on_two_of_five_attributes_is_unplaced_with_the_rest_named() -> None:
    score = spectrum_tier({oti("open-code"): "closed", oti("published-weights"): "closed"})
    assert score.unplaced and score.grade is None and score.value == 0
    assert score.missing == (
        oti("training-data-transparency"),
        oti("threat-transparency"),
        oti("public-access"),
    )


def test_open_weights_with_no_word_on_the_rest_are_not_closed() -> None:
    score = spectrum_tier({oti("published-weights"): "open"})
    assert score.unplaced
    assert PUBLISHED_WEIGHTS not in score.missing
    assert set(score.missing) == set(CRITERIA) - {PUBLISHED_WEIGHTS}


def test_the_closed_row_needs_evidence_of_closedness_on_every_attribute_it_names() -> None:
    closed = {
        oti(s): "closed" for s in ("open-code", "public-access", "training-data-transparency")
    }
    assert spectrum_tier(closed).unplaced
    assert spectrum_tier(closed).missing == (oti("threat-transparency"),)
    closed[oti("threat-transparency")] = "closed"
    assert spectrum_tier(closed).tier == 5
    closed[oti("published-weights")] = "open"  # the row does not speak of weights
    assert spectrum_tier(closed).exceeds == ()


def test_complete_evidence_that_fits_no_row_is_unplaced_with_nothing_missing() -> None:
    levels = {
        oti("open-code"): "partial",
        oti("published-weights"): "open",
        oti("public-access"): "closed",
        oti("training-data-transparency"): "closed",
        oti("threat-transparency"): "closed",
    }
    score = spectrum_tier(levels)
    assert score.unplaced and score.missing == ()


def test_a_placement_never_depends_on_evidence_the_model_lacks() -> None:
    # Every placed model stays on its tier whatever its unknown criteria turn out to be.
    import itertools

    order = ["unknown", "closed", "partial", "open"]
    for combo in itertools.product(order, repeat=len(CRITERIA)):
        levels = dict(zip(CRITERIA, combo, strict=True))
        score = spectrum_tier(levels)
        if score.unplaced:
            continue
        unknown = [c for c in CRITERIA if levels[c] == "unknown"]
        for filled in itertools.product(order[1:], repeat=len(unknown)):
            other = spectrum_tier({**levels, **dict(zip(unknown, filled, strict=True))})
            assert other.tier == score.tier, (levels, filled)


def osaid_c(slug: str) -> str:
    return criterion_iri("osaid-1.0", slug)


def test_osaid_short_only_on_unknowns_is_unplaced_and_short_on_evidence_does_not_meet() -> None:
    scorer = RULES_BY_IRI[f"{ID}framework/osaid-1.0"].score
    levels = {osaid_c("code"): "open", osaid_c("parameters"): "open"}
    score = scorer(levels)
    assert score.unplaced and score.grade is None and score.value == 0
    assert score.missing == (osaid_c("data-information"),)
    levels[osaid_c("data-information")] = "closed"
    assert not scorer(levels).unplaced
    assert scorer(levels).grade == osaid_meets(levels).grade == f"{ID}grade/osaid-1.0/does-not-meet"


def test_mof_unclassified_for_want_of_evidence_only_is_unplaced() -> None:
    from graph.scoring import mof

    scorer = RULES_BY_IRI[mof.FRAMEWORK].score
    class_iii = mof.required_for(3)
    levels = {c: "open" for c in class_iii[1:]}
    score = scorer(levels)
    assert score.unplaced and score.missing == class_iii[:1]
    levels[class_iii[0]] = "closed"
    assert not scorer(levels).unplaced
    assert scorer(levels).grade is None == mof_classes(levels).grade  # unclassified, on evidence
    assert scorer({c: "open" for c in class_iii}).grade == mof.CLASS_GRADES[3]


@pytest.mark.parametrize("framework", ["osai-index", "opening-up-chatgpt"])
def test_the_indexes_keep_their_own_formula_unknown_is_zero_points(framework) -> None:
    score = RULES_BY_IRI[f"{ID}framework/{framework}"].score({})
    assert not score.unplaced


# ---------------------------------------------------------------- stored, SPARQL-visible

TWO_OF_FIVE = """
@prefix og:     <https://w3id.org/openness/ns#> .
@prefix rdfs:   <http://www.w3.org/2000/01/rdf-schema#> .
@prefix xsd:    <http://www.w3.org/2001/XMLSchema#> .
@prefix prov:   <http://www.w3.org/ns/prov#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix model:  <https://w3id.org/openness/id/model/> .
@prefix org:    <https://w3id.org/openness/id/organization/> .
@prefix source: <https://w3id.org/openness/id/source/> .
@prefix claim:  <https://w3id.org/openness/id/claim/> .
@prefix oti:    <https://w3id.org/openness/id/criterion/oti-2024/> .

org:acme a prov:Organization ; rdfs:label "Acme" .
model:half a og:Model ; rdfs:label "Half-known" ; og:developer org:acme .
source:card a og:Source ; dcterms:title "Model card" ; dcterms:publisher org:acme .
claim:half-code a og:Claim ; og:aboutModel model:half ; og:criterion oti:open-code ;
    og:level og:open ; og:rank og:NormalRank ; og:statedOn "2024-05-01"^^xsd:date ;
    prov:wasDerivedFrom source:card .
claim:half-weights a og:Claim ; og:aboutModel model:half ; og:criterion oti:published-weights ;
    og:level og:open ; og:rank og:NormalRank ; og:statedOn "2024-05-01"^^xsd:date ;
    prov:wasDerivedFrom source:card .
"""


@pytest.mark.every_engine
def test_an_unplaced_score_is_stored_with_its_flag_and_missing_criteria(new_store) -> None:
    store = new_store()
    todo, _ = loading.prepare(loading.rdf_files([paths.ONTOLOGY_DIR]), paths.ROOT, store)
    list(loading.write(store, todo, paths.ROOT))
    graph = graph_iri("test/half")
    quads = [
        ox.Quad(t.subject, t.predicate, t.object, ox.NamedNode(graph))
        for t in ox.parse(TWO_OF_FIVE.encode(), format=ox.RdfFormat.TURTLE)
    ]
    writes.replace_graph(store, graph, quads, catalogue=writes.catalogue_entry(graph, "h", "h"))
    derive.derive(store)
    query = f"""SELECT ?missing WHERE {{ GRAPH <{DERIVED_GRAPHS[1]}> {{
        ?s <{DQV.computedOn}> <{ID}model/half> ; <{OG.framework}> <{OTI}> ;
           <{OG.flag}> <{OG.Unplaced}> ; <{OG.missingCriterion}> ?missing .
        FILTER NOT EXISTS {{ ?s <{OG.grade}> ?g }} }} }}"""
    missing = {row["missing"].value for row in store.query(query)}
    # open code and weights: tier 1, 2 or 3 by its transparency; public access decides nothing
    assert missing == {oti("training-data-transparency"), oti("threat-transparency")}


# ---------------------------------------------------------------- the bundled data


def test_no_bundled_model_with_published_weights_is_on_the_closed_row(bundled_world) -> None:
    store = bundled_world.open()
    claims_open_weights = f"""SELECT DISTINCT ?model WHERE {{
        ?claim <{OG.aboutModel}> ?model ; <{OG.level}> <{OG.open}> ; <{OG.criterion}> ?c .
        FILTER (?c IN (<{PUBLISHED_WEIGHTS}>, <{ID}criterion/osai-index/weights_basemodel>,
                       <{ID}criterion/osai-index/weights_endmodel>,
                       <{ID}criterion/mof/model-parameters-final>,
                       <{ID}criterion/osaid-1.0/parameters>))
    }}"""
    with_weights = {
        r["model"].value for r in store.query(claims_open_weights, use_default_graph_as_union=True)
    }
    assert with_weights
    oti_scores = [
        s for s in read_scores(store) if s.framework == OTI and s.whole is None and not s.as_of
    ]
    on_closed_row = {s.model for s in oti_scores if s.grade == TIER_5}
    assert not on_closed_row & with_weights
    unplaced = [s for s in oti_scores if str(OG.Unplaced) in s.flags]
    assert unplaced and all(s.grade is None and s.missing for s in unplaced)
    llama_3_1 = {s.model for s in unplaced if "llama-3.1" in s.model.lower()}
    assert llama_3_1  # open-weights models once graded closed are now unplaced


def test_the_report_category_is_not_counted_or_scored(bundled_world) -> None:
    store = bundled_world.open()
    category = rdflib.URIRef(f"{ID}category/companies-internal-systems")
    ask = f"ASK {{ <{category}> a <{OG.Model}> }}"
    assert not store.query(ask, use_default_graph_as_union=True)
    assert not [s for s in read_scores(store) if "internal-systems" in s.model]
