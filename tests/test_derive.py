"""Assessments and scores derived from claims, stored in their own graphs, recomputed incrementally."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib
import yaml
from rdflib.compare import isomorphic
from rdflib.namespace import PROV, RDF

from graph import derive, loading, paths
from graph.derive import changes
from graph.licences import resolve_licence
from graph.namespaces import DQV, ID, OG, graph_iri
from graph.records import DERIVED_GRAPHS
from graph.scoring import mof, mof_component_level
from graph.store import writes
from graph.validation import validate

# Derived data is read from and written to the store: each engine.
pytestmark = pytest.mark.every_engine

FIXTURES = Path(__file__).parent / "fixtures"
WORLD = FIXTURES / "trace" / "world.ttl"
ALPHA = f"{ID}model/alpha"
BETA = f"{ID}model/beta"
OLD_STAMP = "2000-01-01T00:00:00Z"

PREFIXES = """
@prefix og:      <https://w3id.org/openness/ns#> .
@prefix rdfs:    <http://www.w3.org/2000/01/rdf-schema#> .
@prefix xsd:     <http://www.w3.org/2001/XMLSchema#> .
@prefix prov:    <http://www.w3.org/ns/prov#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix skos:    <http://www.w3.org/2004/02/skos/core#> .
@prefix model:   <https://w3id.org/openness/id/model/> .
@prefix org:     <https://w3id.org/openness/id/organization/> .
@prefix source:  <https://w3id.org/openness/id/source/> .
@prefix claim:   <https://w3id.org/openness/id/claim/> .
@prefix oti:     <https://w3id.org/openness/id/criterion/oti-2024/> .
@prefix osaid:   <https://w3id.org/openness/id/criterion/osaid-1.0/> .
"""


def load_files(store: ox.Store, *files: Path) -> None:
    todo, _ = loading.prepare(loading.rdf_files(files), paths.ROOT, store)
    list(loading.write(store, todo, paths.ROOT))


def world(new_store, *files: Path) -> ox.Store:
    """Return a store holding the ontology, the frameworks and the small test world."""
    store = new_store()
    load_files(store, paths.ONTOLOGY_DIR, WORLD, *files)
    return store


def put(store: ox.Store, name: str, turtle: str) -> str:
    """Write ``turtle`` into the graph ``test/<name>`` as a load would; return the graph IRI."""
    graph = graph_iri(f"test/{name}")
    quads = [
        ox.Quad(t.subject, t.predicate, t.object, ox.NamedNode(graph))
        for t in ox.parse((PREFIXES + turtle).encode(), format=ox.RdfFormat.TURTLE)
    ]
    entry = writes.catalogue_entry(graph, name, name)
    writes.replace_graph(store, graph, quads, catalogue=entry)
    return graph


def derived(store: ox.Store, keep_time: bool = False) -> rdflib.Graph:
    """Return the derived graphs' triples, without generation times unless asked."""
    g = rdflib.Graph()
    text = "\n".join(
        f"{q.triple} ."
        for graph in DERIVED_GRAPHS
        for q in store.quads_for_pattern(None, None, None, ox.NamedNode(graph))
    )
    g.parse(data=text, format="nt")
    if not keep_time:
        g.remove((None, PROV.generatedAtTime, None))
    return g


def assessment(model: str, criterion: str) -> str:
    return f"{ID}assessment/{model}/{criterion}"


# ---------------------------------------------------------------- resolution and time


def test_two_disagreeing_sources_contest_and_the_most_recent_decides(new_store) -> None:
    store = world(new_store)
    derive.derive(store)
    g = derived(store)
    a = rdflib.URIRef(assessment("alpha", "oti-2024/published-weights"))
    assert g.value(a, OG.level) == OG.closed
    assert g.value(a, OG.contested).toPython() is True
    assert g.value(a, OG.resolvedBy) == OG.MostRecentRule
    assert set(g.objects(a, OG.flag)) == {OG.Contested}
    assert set(g.objects(a, PROV.wasDerivedFrom)) == {
        rdflib.URIRef(f"{ID}claim/alpha-weights-report"),
        rdflib.URIRef(f"{ID}claim/alpha-weights-news"),
    }
    code = rdflib.URIRef(assessment("alpha", "oti-2024/open-code"))
    assert g.value(code, OG.contested).toPython() is False
    assert set(g.objects(code, OG.flag)) == {OG.SingleSource}


def test_as_of_counts_only_claims_stated_by_then(new_store) -> None:
    store = world(new_store)
    weights = f"{ID}criterion/oti-2024/published-weights"
    march = derive.compute(store, [ALPHA], as_of="2024-03-01")[ALPHA].assessments[weights]
    assert march.level == "open"
    assert not march.assessment.contested
    assert march.assessment.rule == str(OG.SingleClaimRule)
    assert march.iri == assessment("alpha", "oti-2024/published-weights/as-of-2024-03-01")
    assert march.not_counted == ((f"{ID}claim/alpha-weights-news", "stated after the as-of date"),)
    before = derive.compute(store, [ALPHA], as_of="2023-12-31")[ALPHA].assessments[weights]
    assert before.level == "unknown" and before.assessment.rule == str(OG.NoClaimRule)
    now = derive.compute(store, [ALPHA])[ALPHA].assessments[weights]
    assert now.level == "closed" and now.assessment.contested


def test_as_of_results_are_never_stored(new_store) -> None:
    store = world(new_store)
    derived_now = derive.compute(store)
    dated = derive.compute(store, as_of="2024-03-01")
    assert len(derived(store)) == 0
    derive.derive(store)
    stored = set(map(str, derived(store).subjects()))
    assert {a.iri for a in derived_now[ALPHA].stored_assessments} <= stored
    assert not {a.iri for a in dated[ALPHA].assessments.values()} & stored


DEPRECATED = """
claim:alpha-code-retracted a og:Claim ;
    og:aboutModel model:alpha ; og:criterion oti:open-code ; og:level og:closed ;
    og:rank og:DeprecatedRank ; og:statedOn "2024-07-01"^^xsd:date ;
    og:deprecatedOn "2024-08-01T00:00:00Z"^^xsd:dateTime ;
    og:deprecationReason "The article was corrected." ;
    prov:wasDerivedFrom source:news-d .
"""


def test_a_deprecated_claim_changes_nothing(new_store) -> None:
    store = world(new_store)
    derive.derive(store)
    before = derived(store)
    changed = put(store, "deprecated", DEPRECATED)
    assert derive.derive_after_load(store, [changed]) == [ALPHA]
    assert isomorphic(derived(store), before)


def test_a_deprecated_claim_still_counts_before_its_deprecation(new_store) -> None:
    store = world(new_store)
    put(store, "deprecated", DEPRECATED)
    code = f"{ID}criterion/oti-2024/open-code"
    july = derive.compute(store, [ALPHA], as_of="2024-07-15")[ALPHA].assessments[code]
    assert july.level == "closed" and july.assessment.contested
    august = derive.compute(store, [ALPHA], as_of="2024-08-01")[ALPHA].assessments[code]
    assert august.level == "open" and not august.assessment.contested
    assert august.not_counted == ((f"{ID}claim/alpha-code-retracted", "deprecated"),)


def test_a_preferred_claim_wins_and_the_overridden_claims_stay_linked(new_store) -> None:
    store = world(new_store)
    put(
        store,
        "preferred",
        """
        claim:alpha-weights-curated a og:Claim ;
            og:aboutModel model:alpha ; og:criterion oti:published-weights ; og:level og:open ;
            og:rank og:PreferredRank ; og:statedOn "2023-05-01"^^xsd:date ;
            prov:wasDerivedFrom source:paper-b .
        """,
    )
    derive.derive(store)
    g = derived(store)
    a = rdflib.URIRef(assessment("alpha", "oti-2024/published-weights"))
    assert g.value(a, OG.level) == OG.open
    assert g.value(a, OG.resolvedBy) == OG.PreferredRule
    assert g.value(a, OG.contested).toPython() is False
    assert len(set(g.objects(a, PROV.wasDerivedFrom))) == 3


# ---------------------------------------------------------------- scores


def test_a_score_is_a_measurement_derived_from_each_of_its_assessments(new_store) -> None:
    store = world(new_store)
    derive.derive(store)
    g = derived(store)
    score = rdflib.URIRef(f"{ID}score/alpha/oti-2024")
    assert (score, RDF.type, DQV.QualityMeasurement) in g
    assert g.value(score, DQV.computedOn) == rdflib.URIRef(ALPHA)
    assert g.value(score, DQV.isMeasurementOf) == rdflib.URIRef(f"{ID}framework/oti-2024/metric")
    assert g.value(score, OG.framework) == rdflib.URIRef(f"{ID}framework/oti-2024")
    # Open code, no published weights, nothing else known: the Grok row, whatever the rest.
    assert g.value(score, OG.grade) == rdflib.URIRef(f"{ID}grade/oti-2024/tier-3")
    assert g.value(score, DQV.value) == rdflib.Literal(3)
    assert {OG.Contested, OG.SingleSource, OG.Openwashing} == set(g.objects(score, OG.flag))
    used = set(g.objects(score, PROV.wasDerivedFrom))
    assert len(used) == 5
    for a in used:
        assert (a, RDF.type, OG.Assessment) in g
        assert g.value(a, OG.aboutModel) == rdflib.URIRef(ALPHA)
    assert rdflib.URIRef(f"{ID}criterion/oti-2024/published-weights") in set(
        g.objects(score, OG.missingCriterion)
    )
    assert derived(store, keep_time=True).value(score, PROV.generatedAtTime) is not None


def test_osaid_takes_close_evidence_by_analogy_never_above_partial(new_store) -> None:
    store = world(new_store)
    derive.derive(store)
    g = derived(store)
    # The report's "open code" is only a skos:closeMatch of the definition's complete code.
    code = rdflib.URIRef(assessment("alpha", "osaid-1.0/code"))
    assert g.value(code, OG.level) == OG.partial
    assert set(g.objects(code, PROV.wasDerivedFrom)) == {
        rdflib.URIRef(f"{ID}claim/alpha-code-report")
    }
    assert g.value(code, OG.pointsFor).toPython() == 0
    # Closed evidence by analogy stays closed: published weights come close to parameters.
    parameters = rdflib.URIRef(assessment("alpha", "osaid-1.0/parameters"))
    assert g.value(parameters, OG.level) == OG.closed
    score = rdflib.URIRef(f"{ID}score/alpha/osaid-1.0")
    assert g.value(score, OG.grade) == rdflib.URIRef(f"{ID}grade/osaid-1.0/does-not-meet")
    missing = set(g.objects(score, OG.missingCriterion))
    assert {
        rdflib.URIRef(f"{ID}criterion/osaid-1.0/{c}") for c in ("code", "parameters")
    } <= missing


def test_a_close_mapping_that_says_it_stands_in_counts_in_full(new_store) -> None:
    store = world(new_store)
    put(store, "mapping", "oti:open-code og:standsInFor osaid:code ; skos:closeMatch osaid:code .")
    derive.derive(store)
    g = derived(store)
    code = rdflib.URIRef(assessment("alpha", "osaid-1.0/code"))
    assert g.value(code, OG.level) == OG.open
    assert g.value(code, OG.pointsFor).toPython() == 1
    missing = set(g.objects(rdflib.URIRef(f"{ID}score/alpha/osaid-1.0"), OG.missingCriterion))
    assert rdflib.URIRef(f"{ID}criterion/osaid-1.0/code") not in missing
    # Only in its direction: the definition's code does not stand in for the report's open code.
    back = rdflib.URIRef(assessment("alpha", "oti-2024/open-code"))
    assert set(g.objects(back, PROV.wasDerivedFrom)) == {
        rdflib.URIRef(f"{ID}claim/alpha-code-report")
    }


DESCRIBED_X = """
<https://w3id.org/openness/id/framework/x> a og:Framework , skos:ConceptScheme ;
    skos:prefLabel "X"@en ; og:scoring <https://w3id.org/openness/id/scoring/x> .
<https://w3id.org/openness/id/scoring/x> a og:ScoringRule %s .
<https://w3id.org/openness/id/criterion/x/code> a og:Criterion , skos:Concept ;
    skos:inScheme <https://w3id.org/openness/id/framework/x> ; skos:prefLabel "Code"@en ;
    og:allowedLevel og:open , og:partial , og:closed , og:unknown ;
    skos:exactMatch oti:open-code .
<https://w3id.org/openness/id/grade/x/meets> a og:Grade , skos:Concept ;
    skos:inScheme <https://w3id.org/openness/id/framework/x> ; skos:prefLabel "meets"@en ;
    og:gradeOrder 1 ;
    og:requirement [ a og:Requirement ;
        og:onCriterion <https://w3id.org/openness/id/criterion/x/code> ; og:atLeast og:open ] .
"""


def test_a_described_framework_borrows_mapped_claims_only_when_it_says_so(new_store) -> None:
    store = world(new_store)
    code = rdflib.URIRef(assessment("alpha", "x/code"))
    score = rdflib.URIRef(f"{ID}score/alpha/x")
    put(store, "x", DESCRIBED_X % "; og:usesMappings true")
    derive.derive(store)
    g = derived(store)
    assert g.value(code, OG.level) == OG.open
    assert set(g.objects(code, PROV.wasDerivedFrom)) == {
        rdflib.URIRef(f"{ID}claim/alpha-code-report")
    }
    assert g.value(score, OG.grade) == rdflib.URIRef(f"{ID}grade/x/meets")
    # Without og:usesMappings the mapping is shown, not borrowed: nothing is known, no score.
    put(store, "x", DESCRIBED_X % "")
    derive.derive(store)
    g = derived(store)
    assert g.value(code, OG.level) in (None, OG.unknown)
    assert not set(g.objects(code, PROV.wasDerivedFrom)) and (score, None, None) not in g


def test_a_broader_criterion_lends_nothing_to_a_narrower_one(new_store) -> None:
    store = world(new_store)
    # open-code is the narrower here: its evidence counts in full for osaid:code ...
    put(store, "mapping", "oti:open-code skos:broadMatch osaid:code .")
    derive.derive(store)
    code = rdflib.URIRef(assessment("alpha", "osaid-1.0/code"))
    assert derived(store).value(code, OG.level) == OG.open
    # ... and stated the other way round, osaid:code is the narrower: open-code lends nothing
    # more than the close match of ontology/frameworks/mappings.ttl does, by analogy.
    put(store, "mapping", "oti:open-code skos:narrowMatch osaid:code .")
    derive.derive(store)
    assert derived(store).value(code, OG.level) == OG.partial


MOF_CHECKLIST = {
    "datasets": "datasets",
    "data-preprocessing-code": "data-preprocessing-code",
    "training-code": "training-code",
    "inference-code": "inference-code",
    "supporting-libraries-and-tools": "supporting-libraries-and-tools",
    "model-architecture": "model-architecture",
    "model-parameters-final": "model-parameters",
}


def mof_claims(model: str, levels: dict[str, str]) -> str:
    """Return Turtle for MOF claims on ``model``, one per component at the level given."""
    return "\n".join(
        f"claim:{model}-mof-{c} a og:Claim ; og:aboutModel model:{model} ;\n"
        f"    og:criterion <{ID}criterion/mof/{c}> ; og:level og:{level} ;\n"
        '    og:rank og:NormalRank ; og:statedOn "2025-05-22"^^xsd:date ;\n'
        "    prov:wasDerivedFrom source:report-a ."
        for c, level in levels.items()
    )


def test_mof_components_fill_the_osaid_checklist_and_name_what_is_missing(new_store) -> None:
    store = world(new_store)
    levels = dict.fromkeys(MOF_CHECKLIST, "open")
    put(store, "mof-beta", mof_claims("beta", levels | {"datasets": "partial"}))
    put(store, "mof-gamma", mof_claims("gamma", levels))
    put(store, "gamma", 'model:gamma a og:Model ; rdfs:label "Gamma"@en .')
    derive.derive(store)
    g = derived(store)
    grade = {
        m: g.value(rdflib.URIRef(f"{ID}score/{m}/osaid-1.0"), OG.grade) for m in ("beta", "gamma")
    }
    assert grade["gamma"] == rdflib.URIRef(f"{ID}grade/osaid-1.0/meets")
    assert grade["beta"] == rdflib.URIRef(f"{ID}grade/osaid-1.0/does-not-meet")
    # Every checklist assessment rests on its MOF claim, counted in full (an exact match).
    for mof_slug, slug in MOF_CHECKLIST.items():
        a = rdflib.URIRef(assessment("gamma", f"osaid-1.0/{slug}"))
        assert g.value(a, OG.level) == OG.open, slug
        assert g.value(a, PROV.wasDerivedFrom) == rdflib.URIRef(f"{ID}claim/gamma-mof-{mof_slug}")
    missing = set(g.objects(rdflib.URIRef(f"{ID}score/beta/osaid-1.0"), OG.missingCriterion))
    assert missing == {rdflib.URIRef(f"{ID}criterion/osaid-1.0/datasets")}


def test_a_framework_with_no_evidence_gets_no_score(new_store) -> None:
    store = world(new_store)
    derive.derive(store)
    g = derived(store)
    assert not list(g.subjects(OG.framework, rdflib.URIRef(f"{ID}framework/mof")))
    assert list(g.subjects(OG.framework, rdflib.URIRef(f"{ID}framework/oti-2024")))


def test_openwashing_flags_every_score_of_a_model_called_open_source(new_store) -> None:
    store = world(new_store)
    derive.derive(store)
    g = derived(store)
    for model, flagged in (("alpha", True), ("beta", False)):
        scores = list(g.subjects(DQV.computedOn, rdflib.URIRef(f"{ID}model/{model}")))
        assert scores
        assert all(((s, OG.flag, OG.Openwashing) in g) is flagged for s in scores)
    self_description = rdflib.URIRef(assessment("alpha", "self-description/called-open-source"))
    assert {OG.SelfReported, OG.SingleSource, OG.Openwashing} == set(
        g.objects(self_description, OG.flag)
    )


def test_the_derived_graphs_conform_to_the_shapes(new_store) -> None:
    store = world(new_store)
    derive.derive(store)
    data = derived(store, keep_time=True)
    text = "\n".join(
        f"{q.triple} ."
        for graph in store.named_graphs()
        if graph.value not in DERIVED_GRAPHS
        for q in store.quads_for_pattern(None, None, None, graph)
    )
    context = rdflib.Graph().parse(data=text, format="nt")
    assert len(data) > 50
    report = validate(data, context)
    assert report.conforms, str(report)


# ---------------------------------------------------------------- incremental recomputation


class CountingStore:
    """Pass queries and updates through to a store, counting the updates."""

    def __init__(self, store: ox.Store):
        self.store, self.updates = store, 0

    def query(self, *args, **kwargs):
        return self.store.query(*args, **kwargs)

    def update(self, *args, **kwargs):
        self.updates += 1
        return self.store.update(*args, **kwargs)


def stamps(store: ox.Store, model: str) -> set[str]:
    """Return the generation times of a model's derived nodes, as written."""
    query = f"""SELECT DISTINCT ?t WHERE {{
        GRAPH ?g {{ ?s <{OG.aboutModel}>|<{DQV.computedOn}> <{model}> ;
                      <{PROV.generatedAtTime}> ?t }} }}"""
    return {row["t"].value for row in store.query(query)}


def test_recomputing_one_model_replaces_only_its_triples_in_one_update(new_store) -> None:
    store = world(new_store)
    derive.derive(store, when=OLD_STAMP)
    changed = put(
        store,
        "beta-weights",
        """
        claim:beta-weights a og:Claim ;
            og:aboutModel model:beta ; og:criterion oti:published-weights ; og:level og:closed ;
            og:rank og:NormalRank ; og:statedOn "2024-02-01"^^xsd:date ;
            prov:wasDerivedFrom source:report-a .
        """,
    )
    counting = CountingStore(store)
    assert derive.derive_after_load(counting, [changed]) == [BETA]
    assert counting.updates == 1
    assert stamps(store, ALPHA) == {OLD_STAMP}
    weights = assessment("beta", "oti-2024/published-weights")
    assert node_stamp(store, weights) != OLD_STAMP
    assert node_stamp(store, assessment("beta", "oti-2024/open-code")) == OLD_STAMP
    assert (rdflib.URIRef(weights), OG.level, OG.closed) in derived(store)


def node_stamp(store: ox.Store, node: str) -> str:
    query = f"SELECT ?t WHERE {{ GRAPH ?g {{ <{node}> <{PROV.generatedAtTime}> ?t }} }}"
    (row,) = list(store.query(query))
    return row["t"].value


def test_recomputing_unchanged_data_writes_nothing(new_store) -> None:
    store = world(new_store)
    derive.derive(store, when=OLD_STAMP)
    counting = CountingStore(store)
    report = derive.derive(counting)
    assert report.changed == 0 and counting.updates == 0
    assert stamps(store, ALPHA) == {OLD_STAMP}


# A few changed nodes are looked up one by one; many are found in one pass over the store.
@pytest.mark.parametrize("by_lookup", [changes.NODES_BY_LOOKUP, 0], ids=["lookup", "scan"])
def test_affected_models_follow_claims_sources_models_and_frameworks(
    new_store, monkeypatch, by_lookup
) -> None:
    monkeypatch.setattr(changes, "NODES_BY_LOOKUP", by_lookup)
    store = world(new_store)
    derive.derive(store)
    publisher = put(store, "publisher", "source:news-d dcterms:publisher org:alpha-lab .")
    assert changes.affected_models(store, [publisher]) == [ALPHA]
    report = put(store, "report", 'source:report-a dcterms:title "Report A, second edition" .')
    assert changes.affected_models(store, [report]) == [ALPHA, BETA]
    assert changes.affected_models(store, [f"{ID}claim/beta-code-report"]) == [BETA]
    mapping = put(store, "mapping", "oti:public-access skos:closeMatch osaid:code .")
    assert changes.affected_models(store, [mapping]) == [ALPHA, BETA]
    assert changes.affected_models(store, [graph_iri("test/nothing-here")]) == []


def test_models_left_on_claims_gone_are_found_unless_the_change_only_added(new_store) -> None:
    store = world(new_store)
    derive.derive(store)
    gone = f"GRAPH ?g {{ ?claim a <{OG.Claim}> ; <{OG.aboutModel}> <{BETA}> }}"
    store.update(f"DELETE {{ {gone} }} WHERE {{ {gone} }}")  # the claims, not the assessments
    assert changes.affected_models(store, []) == [BETA]
    assert changes.affected_models(store, [], stale=False) == []
    added = put(store, "publisher", "source:news-d dcterms:publisher org:alpha-lab .")
    assert changes.affected_models(store, [added]) == [ALPHA, BETA]
    assert changes.affected_models(store, [added], stale=False) == [ALPHA]


def test_a_change_to_a_source_publisher_makes_the_claims_self_reported(new_store) -> None:
    store = world(new_store)
    derive.derive(store)
    changed = put(store, "publisher", "source:news-d dcterms:publisher org:alpha-lab .")
    derive.derive_after_load(store, [changed])
    g = derived(store)
    weights = rdflib.URIRef(assessment("alpha", "oti-2024/published-weights"))
    assert (weights, OG.flag, OG.SelfReported) not in g  # the report's claim is independent
    changed = put(
        store,
        "attributed",
        "claim:alpha-weights-report prov:wasAttributedTo org:alpha-lab .",
    )
    derive.derive_after_load(store, [changed])
    assert (weights, OG.flag, OG.SelfReported) in derived(store)


GAMMA = """
model:gamma a og:Model ; rdfs:label "Gamma" .
claim:gamma-code a og:Claim ;
    og:aboutModel model:gamma ; og:criterion oti:open-code ; og:level og:open ;
    og:rank og:NormalRank ; og:statedOn "2024-03-01"^^xsd:date ;
    prov:wasDerivedFrom source:report-a .
"""


def test_dropping_a_graph_recomputes_and_removes_what_rested_on_it(new_store) -> None:
    store = world(new_store)
    gamma = put(store, "gamma", GAMMA)
    derive.derive(store)
    assert stamps(store, f"{ID}model/gamma")
    writes.drop_graphs(store, [gamma])
    assert derive.derive_after_load(store, [gamma]) == [f"{ID}model/gamma"]
    assert not stamps(store, f"{ID}model/gamma")


def test_incremental_recomputation_equals_a_full_one(tmp_path: Path, new_store) -> None:
    store = world(new_store)
    derive.derive(store)
    steps = [
        ("gamma", GAMMA),
        ("deprecated", DEPRECATED),
        ("publisher", "source:report-a dcterms:publisher org:beta-corp ."),
        ("gamma", GAMMA.replace("og:level og:open", "og:level og:closed")),
    ]
    for name, text in steps:
        derive.derive_after_load(store, [put(store, name, text)])
    writes.drop_graphs(store, [graph_iri("test/deprecated")])
    derive.derive_after_load(store, [graph_iri("test/deprecated")])

    fresh = world(new_store)
    for name, text in steps[1:]:
        if name != "deprecated":
            put(fresh, name, text)
    derive.derive(fresh)
    assert isomorphic(derived(store), derived(fresh))


# ---------------------------------------------------------------- published results, through the store

MOF_RECORDS = sorted((FIXTURES / "mof" / "Test_Data").glob("*.yml"))
INDEX_RECORDS = sorted((FIXTURES / "osai_index" / "current").glob("*.yaml"))
CLAIM = """claim:{name} a og:Claim ;
    og:aboutModel model:{model} ; og:criterion <{criterion}> ; og:level og:{level} ;
    og:rank og:NormalRank ; og:statedOn "2025-01-01"^^xsd:date ;
    prov:wasDerivedFrom source:fixture .
"""


def mof_levels(release: dict, settings: list[dict]) -> dict[str, str]:
    """Turn a Model Openness Tool record into levels on the MOF criteria."""
    content_type = {c["name"]: c["content_type"] for c in settings}
    release_licences = {k: (v or {}).get("name") for k, v in (release.get("license") or {}).items()}
    included = {c["name"]: c for c in release.get("components") or []}
    levels = {}
    for name in content_type:
        comp = included.get(name)
        licence = (
            resolve_licence(comp.get("license"), content_type[name], release_licences)
            if comp
            else None
        )
        levels[mof.COMPONENTS_BY_NAME[name].iri] = mof_component_level(comp is not None, licence)
    return levels


@pytest.fixture(scope="module")
def published(module_new_store) -> tuple[ox.Store, dict[str, dict], dict[str, dict[str, str]]]:
    """Return a derived store of every MOF and index fixture record, as claims."""
    settings = yaml.safe_load((FIXTURES / "mof" / "mof.settings.yml").read_text("utf-8"))
    settings = settings["components"]
    expected = yaml.safe_load(
        (FIXTURES / "mof" / "Test_Data" / "expected_results.json").read_text("utf-8")
    )
    expected_mof = {m["release"]["name"]: m["classification"] for m in expected["models"]}
    text = 'source:fixture a og:Source ; dcterms:type og:Dataset ; dcterms:title "fixture" .\n'
    mof_expected, index_levels = {}, {}
    for i, path in enumerate(MOF_RECORDS):
        release = yaml.safe_load(path.read_text(encoding="utf-8"))["release"]
        model = f"mof-{i}"
        mof_expected[model] = expected_mof[release["name"]]
        text += f"model:{model} a og:Model .\n"
        for j, (criterion, level) in enumerate(mof_levels(release, settings).items()):
            text += CLAIM.format(name=f"{model}-{j}", model=model, criterion=criterion, level=level)
    judgements = [f"{ID}criterion/osai-index/{j}" for j in _index_judgements()]
    for i, path in enumerate(INDEX_RECORDS):
        record = yaml.safe_load(path.read_text(encoding="utf-8"))
        model = f"index-{i}"
        text += f"model:{model} a og:Model .\n"
        index_levels[model] = {}
        for j, criterion in enumerate(judgements):
            level = (record.get(criterion.rsplit("/", 1)[-1]) or {}).get("class")
            if level:
                index_levels[model][criterion] = level
                text += CLAIM.format(
                    name=f"{model}-{j}", model=model, criterion=criterion, level=level
                )
    store = world(module_new_store)
    put(store, "published", text)
    derive.derive(store)
    return store, mof_expected, index_levels


def _index_judgements() -> list[str]:
    data = yaml.safe_load((FIXTURES / "osai_index" / "_parameters.yml").read_text("utf-8"))
    return [p["ref"] for cat in data for p in cat["params"]]


def test_fixtures_for_published_results_are_present() -> None:
    assert len(MOF_RECORDS) >= 20 and len(INDEX_RECORDS) >= 5


def test_stored_mof_classes_match_the_tools_expected_results(published) -> None:
    store, expected, _ = published
    g = derived(store)
    for model, classification in expected.items():
        score = rdflib.URIRef(f"{ID}score/{model}/mof")
        assert g.value(score, DQV.value).toPython() == classification["class"], model
        for number, slug in ((1, "class-i"), (2, "class-ii"), (3, "class-iii")):
            part = rdflib.URIRef(f"{ID}score/{model}/mof/{slug}-progress")
            assert g.value(part, rdflib.DCTERMS.isPartOf) == score
            assert g.value(part, DQV.isMeasurementOf) == rdflib.URIRef(
                f"{ID}framework/mof/metric/{slug}-progress"
            )
            stored = g.value(part, DQV.value).toPython()
            # Stored to twelve decimal places (docs/scoring.md).
            expected_progress = classification["progress"][str(number)]
            assert float(stored) == pytest.approx(expected_progress, abs=1e-12), (model, slug)


def test_stored_index_scores_match_the_sites_formula(published) -> None:
    store, _, levels = published
    g = derived(store)
    points = {"open": 1.0, "partial": 0.5, "closed": 0.0}
    for model, by_criterion in levels.items():
        score = rdflib.URIRef(f"{ID}score/{model}/osai-index")
        expected = sum(points[v] for v in by_criterion.values()) / 12
        assert float(g.value(score, DQV.value).toPython()) == pytest.approx(expected), model
        parts = set(g.subjects(rdflib.DCTERMS.isPartOf, score))
        assert len(parts) == 3


BAD_LEVEL = """
claim:alpha-great a og:Claim ; og:aboutModel model:alpha ; og:criterion oti:open-code ;
    og:level <http://example.org/level/great> ; og:rank og:NormalRank ;
    og:statedOn "2025-01-01"^^xsd:date ; prov:wasDerivedFrom source:alpha-report .
"""


def test_one_claim_at_an_unknown_level_does_not_stop_deriving_every_model(
    new_store, caplog
) -> None:
    """A claim that got past the shapes (a raw write, an old file) is left out, named."""
    store = world(new_store)
    put(store, "bad-level", BAD_LEVEL)
    with caplog.at_level("WARNING", logger="graph.records"):
        report = derive.derive(store)
    assert {ALPHA, BETA} <= set(report.models)
    assert f"{ID}claim/alpha-great" in caplog.text and "left out" in caplog.text
    code = report.derivations[ALPHA].assessments[f"{ID}criterion/oti-2024/open-code"]
    assert f"{ID}claim/alpha-great" not in code.counted
    g = derived(store)
    assert g.value(rdflib.URIRef(assessment("beta", "oti-2024/published-weights")), OG.level)
