"""Plain records read from the store: models, claims with sources and quotes, dates, mappings."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pyoxigraph as ox
import pytest

from graph import records, stored_scores
from graph.evidence import citations
from graph.evidence.citations import read_citations
from graph.labels import ENGLISH_LABEL, read_names
from graph.namespaces import ID, OG
from graph.queries import load_query, property_columns, restrict
from graph.records import (
    ClaimRecord,
    SourceRecord,
    UnknownModel,
    claims_as_of,
    is_primary,
    read_evidence,
    read_matches,
    read_models,
    resolve_model,
)
from graph.scoring.levels import criterion_iri

# Records are read from the store: each engine.
pytestmark = pytest.mark.every_engine

PREFIXES = """
@prefix og:      <https://w3id.org/openness/ns#> .
@prefix rdfs:    <http://www.w3.org/2000/01/rdf-schema#> .
@prefix xsd:     <http://www.w3.org/2001/XMLSchema#> .
@prefix prov:    <http://www.w3.org/ns/prov#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix cito:    <http://purl.org/spar/cito/> .
@prefix oa:      <http://www.w3.org/ns/oa#> .
@prefix skos:    <http://www.w3.org/2004/02/skos/core#> .
@prefix schema:  <https://schema.org/> .
@prefix id:      <https://w3id.org/openness/id/> .
"""

DATA = (
    PREFIXES
    + """
id:model\\/llama-3 a og:Model ; rdfs:label "Llama 3" ; og:developer id:organization\\/meta .
id:model\\/orphan a og:Model .

id:source\\/card a og:Source ; dcterms:type og:ModelCard ; dcterms:title "Model card" ;
    dcterms:publisher id:organization\\/meta ; schema:url <https://example.org/card> ;
    dcterms:issued "2024-04"^^xsd:gYearMonth .
id:source\\/report a og:Source ; dcterms:type og:Report ; dcterms:title "A report" ;
    dcterms:publisher id:organization\\/watchdog .

id:claim\\/weights a og:Claim ;
    og:aboutModel id:model\\/llama-3 ;
    og:criterion id:criterion\\/oti-2024\\/published-weights ;
    og:level og:open ; og:rank og:NormalRank ; og:statedOn "2024-04-18"^^xsd:date ;
    prov:wasAttributedTo id:organization\\/meta ;
    prov:wasDerivedFrom id:source\\/card , id:source\\/report ;
    og:quote [ a oa:SpecificResource ; oa:hasSource id:source\\/card ;
        oa:hasSelector [ a oa:TextQuoteSelector ; oa:prefix "We " ; oa:exact "release the weights" ] ] .

id:claim\\/old a og:Claim ;
    og:aboutModel id:model\\/llama-3 ;
    og:criterion id:criterion\\/oti-2024\\/open-code ;
    og:level og:closed ; og:rank og:DeprecatedRank ; og:statedOn "2024" ;
    og:deprecatedOn "2024-09-01T00:00:00Z"^^xsd:dateTime ; og:deprecationReason "superseded" ;
    prov:wasDerivedFrom id:source\\/report .

# A model that only a claim names.
id:claim\\/ghost a og:Claim ;
    og:aboutModel id:model\\/ghost ;
    og:criterion id:criterion\\/oti-2024\\/open-code ;
    og:level og:partial ; og:statedOn "2024-02"^^xsd:gYearMonth ;
    prov:wasDerivedFrom id:source\\/report .

id:criterion\\/a skos:closeMatch id:criterion\\/b ; skos:broadMatch id:criterion\\/c ;
    skos:prefLabel "Criterion A"@en , "Kriterium A"@de .
id:criterion\\/d skos:exactMatch id:criterion\\/a .
"""
)

LLAMA = f"{ID}model/llama-3"


@pytest.fixture(scope="module")
def store(module_new_store) -> ox.Store:
    s = module_new_store()
    s.load(DATA.encode(), format=ox.RdfFormat.TURTLE, to_graph=ox.NamedNode(f"{ID}graph-a"))
    return s


def test_restrict_puts_values_on_the_marked_line_only() -> None:
    query = load_query("claim-evidence")
    narrowed = restrict(query, "model", [LLAMA])
    assert f"VALUES ?model {{ <{LLAMA}> }}" in narrowed
    assert "#: restrict" not in narrowed
    assert restrict(query, "model", None) == query
    with pytest.raises(ValueError, match="restrict"):
        restrict(query, "nothing", [LLAMA])


def test_read_models_includes_models_only_claims_name(store) -> None:
    models = read_models(store)
    assert set(models) == {LLAMA, f"{ID}model/orphan", f"{ID}model/ghost"}
    llama = models[LLAMA]
    assert (llama.label, llama.slug, llama.developers) == (
        "Llama 3",
        "llama-3",
        (f"{ID}organization/meta",),
    )
    assert models[f"{ID}model/ghost"].label == "ghost"
    assert set(read_models(store, [LLAMA])) == {LLAMA}


def test_read_evidence_reads_claims_sources_and_quotes(store) -> None:
    evidence = read_evidence(store, [LLAMA])
    assert set(evidence.models) == {LLAMA}
    claims = {c.iri: c for c in evidence.claims}
    assert set(claims) == {f"{ID}claim/weights", f"{ID}claim/old"}
    weights = claims[f"{ID}claim/weights"]
    assert weights.level == "open" and weights.rank == "normal"
    assert weights.stated_on == "2024-04-18"
    assert weights.sources == (f"{ID}source/card", f"{ID}source/report")
    assert weights.attributed_to == (f"{ID}organization/meta",)
    assert [(q.source, q.exact, q.prefix) for q in weights.quotes] == [
        (f"{ID}source/card", "release the weights", "We ")
    ]
    old = claims[f"{ID}claim/old"]
    assert old.rank == "deprecated"
    assert old.deprecated_on == dt.date(2024, 9, 1)
    assert old.deprecation_reason == "superseded"
    card = evidence.sources[f"{ID}source/card"]
    assert card.title == "Model card" and card.url == "https://example.org/card"
    assert card.publishers == (f"{ID}organization/meta",)
    assert card.kinds == (str(OG.ModelCard),)
    assert card.issued == "2024-04"


def test_a_claim_without_rank_is_normal(store) -> None:
    evidence = read_evidence(store, [f"{ID}model/ghost"])
    (ghost,) = evidence.claims
    assert ghost.rank == "normal"


EDGES = (
    PREFIXES
    + """
id:claim\\/two-quotes a og:Claim ;
    og:aboutModel id:model\\/a ;
    og:criterion id:criterion\\/x ; og:level og:open ; og:rank og:NormalRank ;
    prov:wasAttributedTo id:organization\\/p , id:organization\\/q ;
    prov:wasDerivedFrom id:source\\/s1 , id:source\\/s2 ;
    og:quote [ oa:hasSource id:source\\/s1 ;
        oa:hasSelector [ oa:prefix "a " ; oa:exact "first" ; oa:suffix " z" ] ,
                       [ oa:exact "second" ] ] ,
      [ oa:hasSource id:source\\/elsewhere ; oa:hasSelector [ oa:exact "not its source" ] ] .
id:source\\/s1 dcterms:title "S1" ; dcterms:publisher id:organization\\/p , id:organization\\/q .

# Read for model b only, a claim about two models is about b.
id:claim\\/both a og:Claim ; og:aboutModel id:model\\/a , id:model\\/b ;
    og:criterion id:criterion\\/x ; og:level og:closed .

# Not a claim the shapes accept: no level.
id:claim\\/no-level a og:Claim ; og:aboutModel id:model\\/a ; og:criterion id:criterion\\/x .
"""
)
CORRECTION = (
    PREFIXES
    + "id:claim\\/two-quotes og:rank og:DeprecatedRank ; "
    + 'og:deprecatedOn "2025-01-02"^^xsd:date .'
)


@pytest.fixture(scope="module")
def edges(module_new_store) -> ox.Store:
    s = module_new_store()
    s.load(EDGES.encode(), format=ox.RdfFormat.TURTLE, to_graph=ox.NamedNode(f"{ID}graph-e"))
    s.load(CORRECTION.encode(), format=ox.RdfFormat.TURTLE, to_graph=ox.NamedNode(f"{ID}graph-f"))
    return s


def test_quotes_come_only_from_the_claims_own_sources(edges) -> None:
    claims = {c.iri: c for c in read_evidence(edges, [f"{ID}model/a"]).claims}
    assert set(claims) == {f"{ID}claim/two-quotes", f"{ID}claim/both"}
    two = claims[f"{ID}claim/two-quotes"]
    assert [(q.source, q.prefix, q.exact, q.suffix) for q in two.quotes] == [
        (f"{ID}source/s1", "a ", "first", " z"),
        (f"{ID}source/s1", None, "second", None),
    ]
    assert two.attributed_to == (f"{ID}organization/p", f"{ID}organization/q")
    assert two.sources == (f"{ID}source/s1", f"{ID}source/s2")


def test_a_correction_in_another_graph_deprecates_the_claim(edges) -> None:
    (two,) = [c for c in read_evidence(edges, [f"{ID}model/a"]).claims if "two" in c.iri]
    assert (two.rank, two.deprecated_on) == ("deprecated", dt.date(2025, 1, 2))


def test_every_source_linked_gets_a_record_described_or_not(edges) -> None:
    sources = read_evidence(edges, [f"{ID}model/a"]).sources
    assert set(sources) == {f"{ID}source/s1", f"{ID}source/s2"}
    assert sources[f"{ID}source/s1"].title == "S1"
    assert sources[f"{ID}source/s1"].publishers == (
        f"{ID}organization/p",
        f"{ID}organization/q",
    )
    assert sources[f"{ID}source/s2"].title is None


def test_a_claim_read_for_one_of_its_models_is_about_that_model(edges) -> None:
    (both,) = read_evidence(edges, [f"{ID}model/b"]).claims
    assert (both.iri, both.model) == (f"{ID}claim/both", f"{ID}model/b")


def test_reading_every_model_equals_reading_each(edges) -> None:
    every = read_evidence(edges)
    assert {c.iri: c.model for c in every.claims} == {
        f"{ID}claim/two-quotes": f"{ID}model/a",
        f"{ID}claim/both": f"{ID}model/a",
    }
    assert every.claims == read_evidence(edges, [f"{ID}model/a"]).claims


def test_scoring_reads_leave_quotes_out_and_nothing_else(edges) -> None:
    with_quotes = read_evidence(edges, [f"{ID}model/a"])
    without = read_evidence(edges, [f"{ID}model/a"], quotes=False)
    assert all(not c.quotes for c in without.claims)
    assert [replace(c, quotes=()) for c in with_quotes.claims] == list(without.claims)
    assert without.sources == with_quotes.sources


COLUMNS = (
    PREFIXES
    + """
id:claim\\/a a og:Claim ; og:aboutModel id:model\\/m , "not an IRI" ;
    og:deprecationReason "tab\\there, \\"quoted\\",\\nnew line \u00e9 \U0001f600"@en .
id:claim\\/b a og:Claim ; og:aboutModel id:model\\/m , id:model\\/n .
id:other og:aboutModel id:model\\/m .
[] a og:Claim ; og:aboutModel id:model\\/m .
"""
)


def test_property_columns_read_the_typed_nodes_values_but_those_left_out(new_store) -> None:
    store = new_store()
    store.load(COLUMNS.encode(), format=ox.RdfFormat.TURTLE, to_graph=ox.NamedNode(f"{ID}graph-a"))
    left_out = ox.NamedNode(f"{ID}graph-left-out")
    also = f"<{ID}claim/b> <{OG.aboutModel}> <{ID}model/x> ."
    store.load(also.encode(), format=ox.RdfFormat.TURTLE, to_graph=left_out)
    names = {str(OG.aboutModel): "model", str(OG.deprecationReason): "reason"}
    found = property_columns(store, OG.Claim, names, [left_out.value], iris=("model",))
    assert found == {
        "model": {
            f"{ID}claim/a": {f"{ID}model/m"},
            f"{ID}claim/b": {f"{ID}model/m", f"{ID}model/n"},
        },
        "reason": {f"{ID}claim/a": {'tab\there, "quoted",\nnew line \u00e9 \U0001f600'}},
    }
    everything = property_columns(store, OG.Claim, names, [])
    assert everything["model"][f"{ID}claim/a"] == {f"{ID}model/m", "not an IRI"}
    assert everything["model"][f"{ID}claim/b"] == {f"{ID}model/m", f"{ID}model/n", f"{ID}model/x"}


def claim(rank: str, deprecated_on: dt.date | None, stated_on: str | None = "2024-01-01"):
    return ClaimRecord(
        iri=f"{ID}claim/x",
        model=LLAMA,
        criterion=f"{ID}criterion/oti-2024/open-code",
        level="open",
        rank=rank,
        stated_on=stated_on,
        deprecated_on=deprecated_on,
    )


def test_a_deprecated_claim_counts_as_normal_before_its_deprecation_date() -> None:
    record = claim("deprecated", dt.date(2024, 9, 1))
    (before,) = claims_as_of([record], {}, dt.date(2024, 8, 31))
    (on_the_day,) = claims_as_of([record], {}, dt.date(2024, 9, 1))
    (now,) = claims_as_of([record], {})
    assert before.rank == "normal"
    assert on_the_day.rank == "deprecated"
    assert now.rank == "deprecated"


def test_a_deprecated_claim_without_a_date_never_counts() -> None:
    record = claim("deprecated", None)
    assert [c.rank for c in claims_as_of([record], {}, dt.date(2000, 1, 1))] == ["deprecated"]


def test_an_undated_claim_is_left_out_of_as_of_views_only() -> None:
    record = claim("normal", None, stated_on=None)
    assert claims_as_of([record], {}, dt.date(2030, 1, 1)) == []
    (now,) = claims_as_of([record], {})
    assert now.stated_on == dt.date.min


def test_primary_evidence_is_the_models_own_artefact() -> None:
    sources = {
        "card": SourceRecord("card", kinds=(str(OG.ModelCard),)),
        "release": SourceRecord("release", publishers=("dev",), kinds=(str(OG.Release),)),
        "blog": SourceRecord("blog", publishers=("dev",), kinds=(str(OG.BlogPost),)),
        "report": SourceRecord("report", publishers=("watchdog",), kinds=(str(OG.Report),)),
        "index": SourceRecord("index", publishers=("watchdog",), kinds=(str(OG.Dataset),)),
    }
    described = criterion_iri("self-description", "called-open-source")

    def on(*iris: str, criterion: str = "k") -> ClaimRecord:
        return ClaimRecord("c", "m", criterion, "open", "normal", "2024", sources=iris)

    assert is_primary(on("card"), sources)
    assert is_primary(on("release"), sources)
    assert is_primary(on("report", "card"), sources)
    # The developer's own description, a third party's report or dataset: not artefacts.
    assert not is_primary(on("blog"), sources)
    assert not is_primary(on("report"), sources)
    assert not is_primary(on("index"), sources)
    # What a model is called is a description, whatever the source.
    assert not is_primary(on("card", criterion=described), sources)


def test_resolve_model_by_iri_slug_or_label(store) -> None:
    assert resolve_model(store, LLAMA).iri == LLAMA
    assert resolve_model(store, "llama-3").iri == LLAMA
    assert resolve_model(store, "LLAMA 3").iri == LLAMA


def test_an_unknown_model_suggests_close_names(store) -> None:
    with pytest.raises(UnknownModel) as caught:
        resolve_model(store, "lama-3")
    assert caught.value.suggestions[0] == "llama-3"
    assert "llama-3" in str(caught.value)


def test_matches_lend_in_full_when_exact_or_narrower_by_analogy_when_close(store) -> None:
    # a closeMatch b, a broadMatch c (a is the narrower), d exactMatch a.
    matches = read_matches(store)
    a, b, c, d = (f"{ID}criterion/{x}" for x in "abcd")
    assert matches[a] == {b: "analogy", d: "full"}
    assert matches[b] == {a: "analogy"}
    assert matches[c] == {a: "stand-in"}  # the narrower stands in for the broader
    assert matches[d] == {a: "full"}  # never the broader for the narrower: c lends nothing to a


def test_labels_prefer_english(store) -> None:
    labels = read_names(store, [f"{ID}criterion/a", LLAMA, f"{ID}model/orphan"], ENGLISH_LABEL)
    assert labels == {f"{ID}criterion/a": "Criterion A", LLAMA: "Llama 3"}


CITATIONS = (
    PREFIXES
    + """
id:source\\/a cito:citesAsEvidence id:source\\/b ; dcterms:title "A" .
id:source\\/c cito:isCitedBy id:source\\/b .
id:citation\\/n a cito:Citation ; cito:hasCitingEntity id:source\\/c ;
    cito:hasCitedEntity id:source\\/d ; og:noteNumber 7 ;
    cito:hasCitationCharacterization cito:disputes ;
    og:quote [ a oa:SpecificResource ; oa:hasSelector [ a oa:TextQuoteSelector ; oa:exact "so we say" ] ] .
id:source\\/d cito:cites id:source\\/a ; schema:url <https://example.org/d> .
id:source\\/z cito:cites id:source\\/a .
"""
)


def test_the_citation_closure_follows_every_form_of_citation(new_store) -> None:
    s = new_store()
    s.load(CITATIONS.encode(), format=ox.RdfFormat.TURTLE, to_graph=ox.NamedNode(f"{ID}g"))
    graph = read_citations(s, [f"{ID}source/a"])
    a, b, c, d = (f"{ID}source/{x}" for x in "abcd")
    assert set(graph.citations) == {(a, b), (b, c), (c, d), (d, a)}
    assert graph.citations[(a, b)].properties == {"http://purl.org/spar/cito/citesAsEvidence"}
    assert graph.citations[(b, c)].properties == {"http://purl.org/spar/cito/cites"}
    note = graph.citations[(c, d)]
    assert note.notes == {7} and note.passages == {"so we say"}
    assert note.nodes == {f"{ID}citation/n": (7, "http://purl.org/spar/cito/disputes")}
    assert graph.sources[a].title == "A"
    assert graph.sources[d].url == "https://example.org/d"
    assert f"{ID}source/z" not in graph.sources  # it cites a, but a does not lead to it


def test_citations_read_a_few_nodes_at_a_time_are_the_same(new_store, monkeypatch) -> None:
    s = new_store()
    s.load(CITATIONS.encode(), format=ox.RdfFormat.TURTLE, to_graph=ox.NamedNode(f"{ID}g"))
    # A second address and publisher label: the smallest is taken, whatever the row order.
    s.update(
        f"INSERT DATA {{ GRAPH <{ID}g> {{ <{ID}source/d> <https://schema.org/url> "
        f"<http://example.org/d> }} }}"
    )
    at_once = read_citations(s, [f"{ID}source/a"])
    monkeypatch.setattr(citations, "NODES_PER_QUERY", 1)
    one_by_one = read_citations(s, [f"{ID}source/a"])
    assert one_by_one == at_once
    assert at_once.sources[f"{ID}source/d"].url == "http://example.org/d"
    assert len(at_once.sources) == 4 and len(at_once.citations) == 4


def test_sources_read_a_few_at_a_time_are_the_same(store, monkeypatch) -> None:
    at_once = read_evidence(store, [LLAMA]).sources
    monkeypatch.setattr(records, "SOURCES_PER_QUERY", 1)
    assert read_evidence(store, [LLAMA]).sources == at_once
    assert set(at_once) == {f"{ID}source/card", f"{ID}source/report"}


SCORES = (
    PREFIXES
    + """
@prefix dqv: <http://www.w3.org/ns/dqv#> .
id:score\\/a\\/mof dqv:computedOn id:model\\/a ; og:framework id:framework\\/mof ;
    dqv:value 2 ; og:grade id:grade\\/class-ii ; og:missingCriterion id:criterion\\/y , id:criterion\\/x ;
    og:flag og:Contested ; prov:wasDerivedFrom id:assessment\\/a\\/x .
id:score\\/a\\/index dqv:computedOn id:model\\/a ; og:framework id:framework\\/index ; dqv:value 0.5 .
id:score\\/a\\/index\\/data dqv:computedOn id:model\\/a ; og:framework id:framework\\/index ;
    dqv:value 0.25 ; dqv:isMeasurementOf id:category\\/data ; dcterms:isPartOf id:score\\/a\\/index .
id:score\\/a\\/mof\\/2023 dqv:computedOn id:model\\/a ; og:framework id:framework\\/mof ;
    dqv:value 3 ; og:asOf "2023-01-01"^^xsd:date .
id:score\\/b\\/mof dqv:computedOn id:model\\/b ; og:framework id:framework\\/mof ; dqv:value 1.0 .
id:score\\/b\\/broken dqv:computedOn id:model\\/b ; og:framework id:framework\\/mof .
"""
)


@pytest.fixture(scope="module")
def scores_store(module_new_store) -> ox.Store:
    s = module_new_store()
    graph = ox.NamedNode(str(records.SCORES_GRAPH))
    s.load(SCORES.encode(), format=ox.RdfFormat.TURTLE, to_graph=graph)
    # The same statements outside the scores graph are not stored scores.
    s.load(SCORES.encode(), format=ox.RdfFormat.TURTLE, to_graph=ox.NamedNode(f"{ID}graph-a"))
    return s


def test_stored_scores_are_read_whole_parts_and_as_of_with_their_details(scores_store) -> None:
    found = {s.iri.removeprefix(f"{ID}score/"): s for s in stored_scores.read_scores(scores_store)}
    assert sorted(found) == ["a/index", "a/index/data", "a/mof", "a/mof/2023", "b/mof"]
    mof = found["a/mof"]
    assert (mof.model, mof.framework, mof.value) == (f"{ID}model/a", f"{ID}framework/mof", 2)
    assert mof.grade == f"{ID}grade/class-ii"
    assert mof.missing == (f"{ID}criterion/x", f"{ID}criterion/y")
    assert mof.flags == (str(OG.Contested),)
    assert mof.derived_from == (f"{ID}assessment/a/x",)
    assert (mof.whole, mof.as_of, mof.measures) == (None, None, None)
    part = found["a/index/data"]
    assert (part.whole, part.measures, part.value) == (
        f"{ID}score/a/index",
        f"{ID}category/data",
        0.25,
    )
    assert found["a/mof/2023"].as_of == "2023-01-01"
    assert found["b/mof"].value == 1 and type(found["b/mof"].value) is int


def test_stored_scores_narrow_to_the_models_named(scores_store) -> None:
    some = stored_scores.read_scores(scores_store, [f"{ID}model/b", f"{ID}model/none"])
    assert [s.iri for s in some] == [f"{ID}score/b/mof"]
    assert stored_scores.read_scores(scores_store, []) == []
    assert stored_scores.read_scores(scores_store, [f"{ID}model/none"]) == []
