"""Traces: score -> assessments -> claims -> sources -> the sources those cite, with flags."""

from __future__ import annotations

import re
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib
from rdflib.compare import isomorphic
from rdflib.namespace import DCTERMS, PROV, RDF, XSD

from graph import derive, loading, paths
from graph.evidence import UnknownFramework, resolve_framework, trace, walk
from graph.evidence.as_text import trace_text
from graph.evidence.citations import Citation, CitationGraph
from graph.namespaces import CITO, DQV, ID, OA, OG
from graph.records import DERIVED_GRAPHS

# A trace is read from the store: each engine.
pytestmark = pytest.mark.every_engine

FIXTURES = Path(__file__).parent / "fixtures"
WORLD = FIXTURES / "trace" / "world.ttl"
DOCS = paths.ROOT / "docs" / "scoring.md"
ALPHA = f"{ID}model/alpha"
REPORT = f"{ID}source/oti-2024-openness-in-ai-models"


def source(slug: str) -> str:
    return f"{ID}source/{slug}"


def claim(slug: str) -> str:
    return f"{ID}claim/{slug}"


def store_of(new_store, *folders: Path) -> ox.Store:
    store = new_store()
    todo, _ = loading.prepare(loading.rdf_files([paths.ONTOLOGY_DIR, *folders]), paths.ROOT, store)
    list(loading.write(store, todo, paths.ROOT))
    return store


@pytest.fixture(scope="module")
def store(module_new_store) -> ox.Store:
    return store_of(module_new_store, WORLD)


@pytest.fixture(scope="module")
def alpha(store) -> dict:
    return trace(store, "alpha").as_dict()


def assessment_on(data: dict, framework: str, criterion: str) -> dict:
    (score,) = [s for s in data["scores"] if s["framework"]["slug"] == framework]
    (found,) = [a for a in score["assessments"] if a["criterion"]["iri"].endswith("/" + criterion)]
    return found


# ---------------------------------------------------------------- the chain


def test_the_trace_follows_citations_two_steps_and_reports_the_cycle(alpha) -> None:
    depths = {iri: s["depth"] for iri, s in alpha["sources"].items()}
    assert depths == {
        source("report-a"): 0,
        source("news-d"): 0,
        source("blog-alpha"): 0,
        source("paper-b"): 1,
        source("dataset-c"): 2,
    }
    assert alpha["citation_depth"] == 2
    assert alpha["cycles"] == [[source("dataset-c"), source("paper-b"), source("dataset-c")]]


def test_citations_keep_their_kind_note_passage_and_page(alpha) -> None:
    sources = alpha["sources"]
    (by_report,) = sources[source("report-a")]["cites"]
    assert by_report["source"] == source("paper-b")
    assert by_report["properties"] == [str(CITO.citesAsEvidence)]
    assert by_report["notes"] == [1] and by_report["locators"] == ["12"]
    assert by_report["pages"] == "p. 12"
    (by_paper,) = sources[source("paper-b")]["cites"]
    assert by_paper["notes"] == [3]
    assert by_paper["passages"] == ["We use the C data."]
    assert by_paper["properties"] == [str(CITO.usesDataFrom)]
    assert by_paper["citations"] == [f"{ID}citation/paper-b-note-3"]
    report = sources[source("report-a")]
    assert report["title"] == "Report A" and report["url"] == "https://example.org/report-a"
    assert [p["label"] for p in report["publishers"]] == ["Watchdog"]
    assert [k["iri"] for k in report["kinds"]] == [str(OG.Report)]


def passage_of(data: dict, claim_iri: str, source_iri: str) -> dict:
    """Return the passage entry of one claim's source, wherever the claim shows in the trace."""
    found = [
        s["passage"]
        for score in data["scores"]
        for a in [*score["assessments"], *data["other_assessments"]]
        for c in [*a["claims"], *a["not_counted"]]
        if c["iri"] == claim_iri
        for s in c["sources"]
        if s["iri"] == source_iri
    ]
    assert found, (claim_iri, source_iri)
    return found[0]


def test_a_claim_rests_on_the_citations_made_in_the_passage_it_quotes(alpha) -> None:
    weights = passage_of(alpha, claim("alpha-weights-report"), source("report-a"))
    assert weights["quoted"] and not weights["cites_nothing"]
    assert [c["source"] for c in weights["cites"]] == [source("paper-b")]
    assert weights["cites"][0]["pages"] == "p. 12"
    assert weights["other_citations"] == 1  # Background E, cited elsewhere in the report
    assert weights["source_page"] == source("report-a")


def test_citations_made_elsewhere_in_the_source_are_counted_not_followed(alpha) -> None:
    code = passage_of(alpha, claim("alpha-code-report"), source("report-a"))
    assert code["cites"] == [] and code["cites_nothing"]
    assert code["other_citations"] == 2
    assert source("background-e") not in alpha["sources"]


def test_a_citation_in_no_quoted_passage_is_not_evidence(alpha) -> None:
    # News D cites Paper B (paper-b cito:isCitedBy news-d), but not in the quoted passage.
    news = passage_of(alpha, claim("alpha-weights-news"), source("news-d"))
    assert news["cites_nothing"] and news["other_citations"] == 1
    assert alpha["sources"][source("news-d")]["cites"] == []


def test_a_claim_quoting_nothing_rests_on_the_whole_source(store) -> None:
    beta = trace(store, "beta").as_dict()
    whole = passage_of(beta, claim("beta-weights-dataset"), source("dataset-c"))
    assert not whole["quoted"] and whole["other_citations"] == 0
    assert [c["source"] for c in whole["cites"]] == [source("paper-b")]
    assert beta["sources"][source("paper-b")]["depth"] == 1


def test_a_contested_assessment_shows_both_sides_and_what_decided(alpha) -> None:
    weights = assessment_on(alpha, "oti-2024", "published-weights")
    assert weights["level"] == "closed" and weights["contested"]
    assert weights["flags"] == ["contested"]
    assert weights["sides"] == {
        "open": [claim("alpha-weights-report")],
        "closed": [claim("alpha-weights-news")],
    }
    assert weights["decided_by"] == claim("alpha-weights-news")
    by_iri = {c["iri"]: c for c in weights["claims"]}
    news = by_iri[claim("alpha-weights-news")]
    assert news["decides"] and not by_iri[claim("alpha-weights-report")]["decides"]
    assert news["stated_on"] == "2024-06-01" and news["rank"] == "normal"
    assert [a["label"] for a in news["attributed_to"]] == ["The Press"]
    (news_source,) = news["sources"]
    assert news_source["iri"] == source("news-d")
    assert news_source["quotes"] == [
        {"exact": "Alpha's weights were withdrawn.", "prefix": None, "suffix": None}
    ]


def test_mapped_evidence_says_where_it_comes_from(alpha) -> None:
    code = assessment_on(alpha, "osaid-1.0", "code")
    assert [m["iri"] for m in code["mapped_from"]] == [f"{ID}criterion/oti-2024/open-code"]
    (used,) = code["claims"]
    assert used["iri"] == claim("alpha-code-report")
    assert used["criterion"]["iri"] == f"{ID}criterion/oti-2024/open-code"
    # A close match lends by analogy: the report's open code makes the definition's code partial.
    assert [m["iri"] for m in code["by_analogy"]] == [f"{ID}criterion/oti-2024/open-code"]
    assert code["level"] == "partial" and code["points"] == 0
    data = assessment_on(alpha, "osaid-1.0", "data-information")
    assert data["level"] == "unknown" and data["claims"] == [] and data["by_analogy"] == []
    text = trace_text(alpha)
    assert "by analogy from Open code: counts at most as partial" in text


def test_flags_self_reporting_and_openwashing(alpha) -> None:
    flags = ["contested", "single-source", "self-reported", "openwashing"]
    assert alpha["flags"] == flags
    assert alpha["openwashing"] == {
        "flagged": True,
        "called_open_by": [claim("alpha-called-open-source")],
        "meets_osaid": False,
        "mof_class_i": False,
    }
    (called,) = alpha["other_assessments"]
    assert called["flags"] == ["single-source", "self-reported", "openwashing"]
    assert called["claims"][0]["self_reported"]
    assert alpha["sources"][source("blog-alpha")]["self_published"]
    assert not alpha["sources"][source("report-a")]["self_published"]


def test_frameworks_without_evidence_are_listed_unscored(alpha) -> None:
    scored = {s["framework"]["slug"] for s in alpha["scores"]}
    assert scored == {"oti-2024", "osaid-1.0"}
    unscored = {u["framework"]["iri"] for u in alpha["unscored"]}
    assert f"{ID}framework/mof" in unscored and f"{ID}framework/osai-index" in unscored


def test_as_of_counts_only_what_was_stated_by_then(store) -> None:
    data = trace(store, ALPHA, as_of="2024-03-01").as_dict()
    assert data["as_of"] == "2024-03-01"
    weights = assessment_on(data, "oti-2024", "published-weights")
    assert weights["level"] == "open" and not weights["contested"]
    assert weights["iri"].endswith("/as-of-2024-03-01")
    assert [(c["iri"], c["reason"]) for c in weights["not_counted"]] == [
        (claim("alpha-weights-news"), "stated after the as-of date")
    ]
    assert all(s["iri"].endswith("/as-of-2024-03-01") for s in data["scores"])
    assert not data["openwashing"]["flagged"]  # the blog post came in May


def test_one_framework(store) -> None:
    data = trace(store, "Alpha", framework="spectrum").as_dict()
    assert [s["framework"]["slug"] for s in data["scores"]] == ["oti-2024"]
    assert data["other_assessments"] == [] and data["unscored"] == []
    mof = trace(store, "alpha", framework="mof").as_dict()
    assert mof["scores"] == []
    assert [u["framework"]["iri"] for u in mof["unscored"]] == [f"{ID}framework/mof"]


def test_framework_names() -> None:
    assert resolve_framework("osaid") == f"{ID}framework/osaid-1.0"
    assert resolve_framework(f"{ID}framework/mof") == f"{ID}framework/mof"
    assert resolve_framework("OSAI-INDEX") == f"{ID}framework/osai-index"
    with pytest.raises(UnknownFramework, match="oti-2024"):
        resolve_framework("fmti")


# ---------------------------------------------------------------- walking the citation graph


def graph_of(*edges: tuple[str, str]) -> CitationGraph:
    g = CitationGraph()
    for a, b in edges:
        g.citations[(a, b)] = Citation(a, b)
    return g


def test_walk_reports_each_cycle_once_and_terminates() -> None:
    g = graph_of(("a", "b"), ("b", "c"), ("c", "a"), ("c", "d"), ("d", "d"), ("x", "a"))
    depth, cycles = walk(g, ["a"])
    assert depth == {"a": 0, "b": 1, "c": 2, "d": 3}
    assert cycles == [["a", "b", "c", "a"], ["d", "d"]]


def test_walk_takes_the_shortest_way_to_a_source() -> None:
    g = graph_of(("a", "b"), ("b", "c"), ("a", "c"))
    depth, cycles = walk(g, ["a"])
    assert depth["c"] == 1 and cycles == []


# ---------------------------------------------------------------- the trace as RDF


def same_number(term: rdflib.term.Node) -> rdflib.term.Node:
    """Write decimals one way: Turtle prints the decimal 1 as 1.0, the store keeps it as 1."""
    if isinstance(term, rdflib.Literal) and term.datatype == XSD.decimal:
        return rdflib.Literal(str(float(term)), datatype=XSD.decimal)
    return term


def test_the_turtle_trace_is_the_prov_chain_and_matches_the_stored_derivation(new_store) -> None:
    store = store_of(new_store, WORLD)
    derive.derive(store)
    g = rdflib.Graph().parse(data=trace(store, ALPHA).as_turtle(), format="turtle")

    derived_nodes = set(g.subjects(RDF.type, OG.Assessment)) | set(
        g.subjects(RDF.type, DQV.QualityMeasurement)
    )
    part = rdflib.Graph()
    for node in derived_nodes:
        for p, o in g.predicate_objects(node):
            part.add((node, p, same_number(o)))
    text = "\n".join(
        f"{q.triple} ."
        for graph in DERIVED_GRAPHS
        for q in store.quads_for_pattern(None, None, None, ox.NamedNode(graph))
    )
    stored = rdflib.Graph().parse(data=text, format="nt")
    stored.remove((None, PROV.generatedAtTime, None))
    stored_alpha = rdflib.Graph()
    for s in set(stored.subjects(OG.aboutModel, rdflib.URIRef(ALPHA))) | set(
        stored.subjects(DQV.computedOn, rdflib.URIRef(ALPHA))
    ):
        for p, o in stored.predicate_objects(s):
            stored_alpha.add((s, p, same_number(o)))
    assert isomorphic(part, stored_alpha)

    news = rdflib.URIRef(claim("alpha-weights-news"))
    assert (news, PROV.wasDerivedFrom, rdflib.URIRef(source("news-d"))) in g
    assert (news, OG.level, OG.closed) in g
    paper, dataset = rdflib.URIRef(source("paper-b")), rdflib.URIRef(source("dataset-c"))
    assert (paper, CITO.usesDataFrom, dataset) in g
    assert (dataset, CITO.cites, paper) in g
    assert (
        g.value(dataset, rdflib.URIRef("http://purl.org/dc/terms/title")).toPython() == "Dataset C"
    )


# ---------------------------------------------------------------- the JSON is documented


def keys_of(value: object, found: set[str]) -> set[str]:
    if isinstance(value, dict):
        for key, inner in value.items():
            if not key.startswith("https://"):  # IRIs key the sources map
                found.add(key)
            keys_of(inner, found)
    elif isinstance(value, list):
        for inner in value:
            keys_of(inner, found)
    return found


def test_every_key_of_the_trace_json_is_documented(store, alpha) -> None:
    text = DOCS.read_text(encoding="utf-8")
    documented = set(re.findall(r"`([a-z_]+)`", text))
    keys = keys_of(alpha, set())
    keys |= keys_of(trace(store, ALPHA, as_of="2024-03-01").as_dict(), set())
    assert len(keys) > 30
    missing = sorted(keys - documented)
    assert not missing, f"trace JSON keys missing from docs/scoring.md: {missing}"


# ---------------------------------------------------------------- the seed data


SEED_MODELS = paths.DATA_DIR / "oti-2024" / "models.ttl"


@pytest.fixture(scope="module")
def seed() -> tuple[ox.Store, list[str]]:
    """Return a store of all of data/ and the models the OTI report's table names."""
    models = rdflib.Graph().parse(SEED_MODELS, format="turtle")
    names = sorted(str(m) for m in models.subjects(RDF.type, OG.Model))
    assert len(names) >= 5
    # Embedded only: this checks the bundled data, not the engine (the world fixture runs
    # on every kind), and loading and tracing all of it costs a minute on a server.
    return store_of(ox.Store, paths.DATA_DIR), names


def test_every_seed_model_traces_back_to_the_report(seed) -> None:
    store, models = seed
    for iri in models:
        data = trace(store, iri).as_dict()
        assert data["scores"], iri
        assert data["sources"].get(REPORT, {}).get("depth") == 0, iri


def seed_graph() -> rdflib.Graph:
    """Parse the OTI report's data and the citations its cited works make."""
    g = rdflib.Graph()
    for path in [*sorted((paths.DATA_DIR / "oti-2024").glob("*.ttl")), CITED_WORKS]:
        g.parse(path, format="turtle")
    return g


def same_text(a: str, b: str) -> bool:
    """Return True when one passage holds the other, spelled the same way (the rule's test)."""
    spell = str.maketrans({"‘": "'", "’": "'", "“": '"', "”": '"', "—": "-", "–": "-"})
    a, b = (" ".join(x.translate(spell).split()) for x in (a, b))
    return a in b or b in a


def expected_works(g: rdflib.Graph, claim_iri: rdflib.URIRef) -> set[str]:
    """Return the claim's sources, the works cited in its quoted passages, and their closure."""
    sources = set(g.objects(claim_iri, PROV.wasDerivedFrom))
    quotes = {
        g.value(q, OA.hasSource): str(g.value(g.value(q, OA.hasSelector), OA.exact))
        for q in g.objects(claim_iri, OG.quote)
    }
    named = set(g.objects(claim_iri, DCTERMS.references))
    first = set()
    for citation in g.subjects(RDF.type, CITO.Citation):
        citing = g.value(citation, CITO.hasCitingEntity)
        if citing not in sources:
            continue
        passages = [
            str(g.value(g.value(q, OA.hasSelector), OA.exact))
            for q in g.objects(citation, OG.quote)
        ]
        in_passage = citing in quotes and any(same_text(quotes[citing], p) for p in passages)
        if citing not in quotes or in_passage or citation in named:
            first |= set(g.objects(citation, CITO.hasCitedEntity))
    reached, todo = set(first), list(first)
    while todo:
        work = todo.pop()
        for citation in g.subjects(CITO.hasCitingEntity, work):
            for cited in g.objects(citation, CITO.hasCitedEntity):
                if cited not in reached:
                    reached.add(cited)
                    todo.append(cited)
    return {str(w) for w in sources | reached}


def test_every_oti_claim_traces_to_exactly_the_works_its_passage_cites(seed) -> None:
    store, _ = seed
    g = seed_graph()
    claims = sorted(g.subjects(RDF.type, OG.Claim))
    assert len(claims) > 30
    models = {g.value(c, OG.aboutModel) for c in claims}
    traced: dict[str, set[str]] = {}
    for model in sorted(models):
        t = trace(store, str(model))
        for c in t.claims().values():
            reached = set(c.sources)
            for s in c.sources:
                todo = [w for w in t.passage(c.iri, s).cited]
                while todo:
                    work = todo.pop()
                    if work not in reached:
                        reached.add(work)
                        todo += [x.cited for x in t.citations.cited_by(work)]
            traced[c.iri] = reached
    for c in claims:
        assert str(c) in traced, c
        assert traced[str(c)] == expected_works(g, c), c


def test_the_spectrum_rows_cite_nothing_and_show_none_of_the_reports_works(seed) -> None:
    store, _ = seed
    data = trace(store, "llama", framework="oti").as_dict()
    assert set(data["sources"]) == {REPORT}
    (score,) = data["scores"]
    passages = [
        s["passage"] for a in score["assessments"] for c in a["claims"] for s in c["sources"]
    ]
    assert passages and all(p["cites_nothing"] and p["other_citations"] > 0 for p in passages)


def test_the_ntia_conclusion_traces_to_the_ntia_report_at_page_36(seed) -> None:
    # A claim quoting part of the report's passage that note 46 is attached to.
    store = ox.Store()
    for quad in seed[0].quads_for_pattern(None, None, None):
        store.add(quad)
    store.load(
        input=CLAIM_ON_NOTE_46.encode(), format=ox.RdfFormat.TURTLE, to_graph=ox.DefaultGraph()
    )
    data = trace(store, "llama", framework="oti").as_dict()
    (score,) = data["scores"]
    (claim_data,) = [
        c for a in score["assessments"] for c in a["claims"] if c["iri"].endswith("/ntia-46")
    ]
    (found,) = claim_data["sources"]
    (cited,) = found["passage"]["cites"]
    assert cited["source"] == f"{ID}source/ntia-2024-dual-use-foundation-models"
    assert cited["notes"] == [46] and cited["pages"] == "p. 36"
    text = trace_text(data)
    assert "note 46: source: Dual-Use Foundation Models" in text and ", p. 36" in text
    assert "p. 10" not in text and "p. 17" not in text  # notes 43 and 47 are elsewhere


CITED_WORKS = paths.DATA_DIR / "citations" / "cited-works.ttl"
CLAIM_ON_NOTE_46 = f"""
@prefix og: <{OG}> . @prefix oa: <{OA}> . @prefix prov: <{PROV}> .
<{ID}claim/ntia-46> a og:Claim ; og:aboutModel <{ID}model/llama> ;
  og:criterion <{ID}criterion/oti-2024/published-weights> ; og:level og:open ;
  og:rank og:PreferredRank ; og:statedOn "2024-11-19"^^<{XSD.date}> ;
  prov:wasAttributedTo <{ID}organization/new-america-oti> ; prov:wasDerivedFrom <{REPORT}> ;
  og:quote [ a oa:SpecificResource ; oa:hasSource <{REPORT}> ; oa:hasSelector [
    a oa:TextQuoteSelector ; oa:exact "concluding that “the government should not restrict" ] ] .
"""
