"""Evidence analytics on small hand-made graphs whose right answers are worked out here."""

from __future__ import annotations

import json
import random

import pyoxigraph as ox
import pytest

from graph import analytics, derive, loading
from graph.analytics import cache as cache_module
from graph.analytics import graphs
from graph.analytics.distribution import histogram
from graph.analytics.fragility import Remover, score_changes, without_source
from graph.analytics.reliance import source_pagerank
from graph.cli import main
from graph.derive.model import derive_model
from graph.namespaces import ID, OG, graph_iri
from graph.records import ClaimRecord, ModelRecord, SourceRecord
from graph.store import writes

# The measures read the store with queries the engines may answer differently: each engine.
pytestmark = pytest.mark.every_engine

STAMP = "2025-01-01T00:00:00Z"
PREFIXES = """
@prefix og:      <https://w3id.org/openness/ns#> .
@prefix rdfs:    <http://www.w3.org/2000/01/rdf-schema#> .
@prefix prov:    <http://www.w3.org/ns/prov#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix skos:    <http://www.w3.org/2004/02/skos/core#> .
@prefix cito:    <http://purl.org/spar/cito/> .
@prefix model:   <https://w3id.org/openness/id/model/> .
@prefix org:     <https://w3id.org/openness/id/organization/> .
@prefix source:  <https://w3id.org/openness/id/source/> .
@prefix claim:   <https://w3id.org/openness/id/claim/> .
@prefix grade:   <https://w3id.org/openness/id/grade/oti-2024/> .
@prefix oti:     <https://w3id.org/openness/id/criterion/oti-2024/> .
@prefix osai:    <https://w3id.org/openness/id/criterion/osai-index/> .
@prefix mof:     <https://w3id.org/openness/id/criterion/mof/> .
"""


def iri(kind: str, slug: str) -> str:
    return f"{ID}{kind}/{slug}"


def put(store: ox.Store, name: str, turtle: str) -> None:
    """Write ``turtle`` into graph test/<name> with a catalogue entry, as a load does."""
    graph = graph_iri(f"test/{name}")
    data = (PREFIXES + turtle).encode()
    quads = [
        ox.Quad(t.subject, t.predicate, t.object, ox.NamedNode(graph))
        for t in ox.parse(data, format=ox.RdfFormat.TURTLE)
    ]
    entry = writes.catalogue_entry(graph, loading.content_hash(data), name)
    writes.replace_graph(store, graph, quads, catalogue=entry)


def world(new_store, turtle: str, derived: bool = True) -> ox.Store:
    store = new_store()
    put(store, "world", turtle)
    if derived:
        derive.derive(store, when=STAMP)
    return store


def claim(slug: str, model: str, criterion: str, level: str, *sources: str, extra: str = "") -> str:
    """Return the Turtle of one claim (normal rank, stated 2024-06-01)."""
    derived_from = ", ".join(f"source:{s}" for s in sources)
    return f"""
claim:{slug} a og:Claim ; og:aboutModel model:{model} ; og:criterion {criterion} ;
    og:level og:{level} ; og:rank og:NormalRank ; og:statedOn "2024-06-01" ;
    prov:wasDerivedFrom {derived_from} {extra}.
"""


@pytest.fixture(autouse=True)
def fresh_cache():
    analytics.clear_cache()
    yield
    analytics.clear_cache()


# ---------------------------------------------------------------- reliance


def test_pagerank_of_three_claims_on_one_source_worked_by_hand(new_store):
    # No derivation: the evidence graph is just c1, c2, c3 -> X (4 nodes, 3 edges).
    store = world(
        new_store,
        "".join(claim(f"c{i}", "m", "oti:open-code", "open", "x") for i in (1, 2, 3)),
        derived=False,
    )
    graph = analytics.evidence_graph(store)
    assert sorted(graph.edges) == [(iri("claim", f"c{i}"), iri("source", "x")) for i in (1, 2, 3)]
    # PageRank with damping d over n = 4 nodes. X cites nothing, so its rank is spread
    # evenly over all four; every node also gets the teleport share (1 - d) / 4.
    #   each claim:  a = (1 - d)/4 + d*b/4          (no links into a claim)
    #   the source:  b = (1 - d)/4 + d*b/4 + 3*d*a  (each claim passes all of its rank to X)
    # Subtracting: b = a + 3*d*a = a(1 + 3d); and 3a + b = 1, so a = 1 / (4 + 3d).
    # With d = 0.85: a = 1/6.55 = 0.152672, b = 3.55/6.55 = 0.541985.
    d = 0.85
    a = 1 / (4 + 3 * d)
    b = a * (1 + 3 * d)
    result = analytics.reliance(store)
    [row] = result["items"]
    assert row["source"] == iri("source", "x")
    assert row["pagerank"] == pytest.approx(b, abs=1e-5)
    assert b == pytest.approx(0.541985, abs=1e-6)
    assert (row["claims"], row["assessments"], row["scores"], row["models"]) == (3, 0, 0, 1)
    assert (result["nodes"], result["edges"], result["total"]) == (4, 3, 1)


CHAIN = (
    claim("m-code", "m", "oti:open-code", "open", "x")
    + claim("m-weights", "m", "oti:published-weights", "open", "x", "y")
    + """
source:y cito:citesAsEvidence source:z .
source:z dcterms:title "The cited work" .
"""
)


def test_reliance_counts_what_rests_on_each_source(new_store):
    store = world(new_store, CHAIN)
    rows = {r["source"]: r for r in analytics.reliance(store)["items"]}
    x, y, z = (rows[iri("source", s)] for s in "xyz")
    # X backs both claims, so both assessments (open-code, published-weights) and, through
    # them, the one score that has evidence (the OTI spectrum; nothing maps onto the others).
    assert (x["claims"], x["assessments"], x["scores"], x["models"]) == (2, 2, 1, 1)
    # Y backs only the weights claim; Z backs no claim, but Y cites it, so the weights claim
    # rests on Z through one citation.
    assert (y["claims"], y["assessments"], y["scores"], y["cited_by"]) == (1, 1, 1, 0)
    assert (z["claims"], z["cited_by"], z["claims_via_citations"]) == (0, 1, 1)
    # Every node gets the same base share (teleport plus the spread of dead ends); a node
    # gets more only through links in. The score has no link in, so its rank is that base.
    # Z's only link in is from Y, whose only link out goes to Z: PR(Z) = base + d * PR(Y).
    rank = source_pagerank(analytics.evidence_graph(store))
    base = rank[iri("score", "m/oti-2024")]
    assert z["pagerank"] == pytest.approx(base + 0.85 * y["pagerank"], abs=1e-6)
    assert z["pagerank"] > y["pagerank"]  # so the cited work outranks the work citing it
    assert analytics.reliance(store, by="claims")["items"][0]["source"] == iri("source", "x")
    assert analytics.reliance(store, limit=1)["labels"] == {iri("source", "x"): "x"}
    assert analytics.reliance(store)["labels"][iri("source", "z")] == "The cited work"


def test_evidence_graph_links_scores_to_sources_and_leaves_out_score_parts(new_store):
    store = world(new_store, CHAIN)
    graph = analytics.evidence_graph(store)
    kinds = {k for _, k in graph.nodes(data="kind")}
    assert kinds == {"score", "assessment", "claim", "source"}
    score = iri("score", "m/oti-2024")
    assert graph.nodes[score] == {"kind": "score", "model": iri("model", "m")}
    weights = iri("assessment", "m/oti-2024/published-weights")
    assert graph.has_edge(score, weights)
    assert graph.has_edge(weights, iri("claim", "m-weights"))
    assert graph.edges[iri("source", "y"), iri("source", "z")] == {"link": "cites"}
    # Sub-scores (an index category, a MOF class) are parts of a score: not nodes of their own.
    assert all(not n.startswith(score + "/") for n in graph)


# ---------------------------------------------------------------- fragility

# One model on the OTI spectrum. Sources: S, T, U.
#   open-code           open     claim from T and U
#   published-weights   open     claim from S only
#   threat-transparency partial  claim from T only
#   training-data       closed   claim from T only
# Tier 1 needs training-data open: no. Tier 2 needs open code, published weights and
# threat >= partial: yes, so the model is on tier 2 (value 2).
TIERED = (
    claim("code", "m", "oti:open-code", "open", "t", "u")
    + claim("weights", "m", "oti:published-weights", "open", "s")
    + claim("threats", "m", "oti:threat-transparency", "partial", "t")
    + claim("data", "m", "oti:training-data-transparency", "closed", "t")
)


def test_fragility_finds_the_source_whose_removal_drops_a_tier(new_store):
    result = analytics.fragility(world(new_store, TIERED))
    rows = {r["source"].rsplit("/", 1)[-1]: r for r in result["items"]}
    score = iri("score", "m/oti-2024")
    tier = {n: {"value": n, "grade": iri("grade", f"oti-2024/tier-{n}")} for n in (2, 3)}
    unplaced = {"value": 0, "grade": None}
    # Without S the weights claim drops: published weights unknown, and open weights would
    # give tier 2, none tier 3: the model is unplaced (unknown is not closed).
    assert rows["s"]["score_changes"] == [
        {
            "model": iri("model", "m"),
            "framework": iri("framework", "oti-2024"),
            "score": score,
            "before": tier[2],
            "after": unplaced,
        }
    ]
    # Without T the threat and training-data claims drop, but open code stays open through
    # U: tier 1, 2 or 3 by the transparency now unknown, so unplaced again.
    assert [c["after"] for c in rows["t"]["score_changes"]] == [unplaced]
    # Without U nothing moves: open code still rests on T.
    assert rows["u"]["score_changes"] == []
    # Claims and claims that would drop: S 1 and 1, T 3 and 2, U 1 and 0.
    assert [(rows[s]["claims"], rows[s]["claims_dropped"]) for s in "stu"] == [
        (1, 1),
        (3, 2),
        (1, 0),
    ]
    # Assessments resting on one source: weights on S; threats and training data on T;
    # open code rests on two sources, so on neither alone.
    single = {
        s: [a["criterion"].rsplit("/", 1)[-1] for a in rows[s]["single_source_assessments"]]
        for s in "stu"
    }
    assert single == {
        "s": ["published-weights"],
        "t": ["threat-transparency", "training-data-transparency"],
        "u": [],
    }
    # Most fragile first: S and T change one score each; T has more single-source assessments.
    assert [r["source"].rsplit("/", 1)[-1] for r in result["items"]] == ["t", "s", "u"]
    assert (result["sources_with_changes"], result["scores_at_risk"]) == (2, 1)


def test_the_quick_check_never_misses_a_change_a_full_derivation_finds():
    # Random models with primary and secondary sources, preferred and deprecated claims and
    # a mapping that lends evidence across frameworks: for every (source, model) pair the
    # fast path must report exactly what deriving the model again without the source does.
    rng = random.Random(7)
    criteria = [
        iri("criterion", c)
        for c in (
            "oti-2024/open-code",
            "oti-2024/published-weights",
            "oti-2024/threat-transparency",
            "oti-2024/training-data-transparency",
            "oti-2024/public-access",
            "osai-index/weights_endmodel",
            "osai-index/code",
            "osai-index/licenses",
            "osai-index/paper",
        )
    ]
    matches = {
        criteria[1]: frozenset({criteria[5]}),
        criteria[5]: frozenset({criteria[1]}),
    }
    dev = iri("organization", "dev")
    sources = {
        iri("source", f"s{i}"): SourceRecord(
            iri("source", f"s{i}"),
            publishers=(dev,) if i % 3 == 0 else (),
            kinds=(str(OG.ModelCard),) if i % 4 == 0 else (),
        )
        for i in range(8)
    }
    pool = sorted(sources)
    checked = changed = derived_again = 0
    for m in range(60):
        model = ModelRecord(iri("model", f"m{m}"), f"m{m}", f"m{m}", (dev,))
        claims = [
            ClaimRecord(
                iri=iri("claim", f"m{m}-{k}"),
                model=model.iri,
                criterion=rng.choice(criteria),
                level=rng.choice(["open", "partial", "closed"]),
                rank=rng.choice(["normal"] * 6 + ["preferred", "deprecated"]),
                stated_on=rng.choice(["2024-01-01", "2024-06-01"]),
                sources=tuple(sorted(rng.sample(pool, rng.randint(1, 3)))),
            )
            for k in range(rng.randint(2, 9))
        ]
        base = derive_model(model, claims, sources, matches)
        remover = Remover(model, claims, sources, matches, base)
        for source in sorted({s for c in claims for s in c.sources}):
            again = derive_model(model, without_source(claims, source), sources, matches)
            full = score_changes(base, again)
            assert remover.changes_without(source) == full, (model.iri, source)
            checked += 1
            changed += bool(full)
        derived_again += remover.derived
    # The sample exercised both outcomes, and the check on levels is exact: the model was
    # derived again in full exactly when a score did change.
    assert checked > 300 and changed > 20
    assert derived_again == changed


# ---------------------------------------------------------------- cycles and depth

# D cites A; A cites B; B cites C (a cito:Citation node); C cites A (written backwards with
# cito:isCitedBy). E cites itself. Claims: M rests on D and A, K on D, N on E.
CITATIONS = (
    claim("m-d", "m", "oti:open-code", "open", "d")
    + claim("m-a", "m", "oti:published-weights", "open", "a")
    + claim("k-d", "k", "oti:open-code", "open", "d")
    + claim("n-e", "n", "oti:open-code", "closed", "e")
    + """
source:d cito:cites source:a .
source:a cito:citesAsEvidence source:b .
<https://w3id.org/openness/id/citation/b-c> a cito:Citation ;
    cito:hasCitingEntity source:b ; cito:hasCitedEntity source:c .
source:a cito:isCitedBy source:c .
source:e cito:cites source:e .
"""
)


def test_citation_graph_reads_every_way_of_writing_a_citation(new_store):
    graph = analytics.citation_graph(world(new_store, CITATIONS, derived=False))
    s = lambda x: iri("source", x)  # noqa: E731
    assert sorted(graph.edges) == sorted(
        [(s("a"), s("b")), (s("b"), s("c")), (s("c"), s("a")), (s("d"), s("a")), (s("e"), s("e"))]
    )
    assert graph.edges[s("b"), s("c")]["citations"] == {iri("citation", "b-c")}
    assert graph.edges[s("a"), s("b")]["properties"] == {
        "http://purl.org/spar/cito/citesAsEvidence"
    }


def test_cycles_are_the_works_that_cite_each_other_round(new_store):
    result = analytics.cycles(world(new_store, CITATIONS))
    s = lambda x: iri("source", x)  # noqa: E731
    # {A, B, C} is one strongly connected component; E citing itself is a cycle of one.
    # Claims resting on them: M's claim from A, and N's claim from E: one each.
    assert [(i["sources"], i["cycle"], i["claims"], i["models"]) for i in result["items"]] == [
        ([s("a"), s("b"), s("c")], [s("a"), s("b"), s("c"), s("a")], 1, 1),
        ([s("e")], [s("e"), s("e")], 1, 1),
    ]
    assert (result["works"], result["citations"], result["works_in_cycles"]) == (5, 5, 4)


def test_depth_counts_fewest_citation_steps_from_a_models_sources(new_store):
    result = analytics.depth(world(new_store, CITATIONS))
    rows = {i["model"].rsplit("/", 1)[-1]: i for i in result["items"]}
    s = lambda x: iri("source", x)  # noqa: E731
    # K rests on D only: D 0, A 1, B 2, C 3 (C -> A goes back to a work already reached).
    assert (rows["k"]["depth"], rows["k"]["path"]) == (3, [s("d"), s("a"), s("b"), s("c")])
    # M rests on D and A: both are at 0, so B is at 1 and C at 2.
    assert (rows["m"]["depth"], rows["m"]["path"], rows["m"]["sources_reached"]) == (
        2,
        [s("a"), s("b"), s("c")],
        4,
    )
    # N rests on E, which cites only itself: depth 0.
    assert (rows["n"]["depth"], rows["n"]["sources_reached"]) == (0, 1)
    assert result["histogram"] == [
        {"depth": 0, "models": 1},
        {"depth": 2, "models": 1},
        {"depth": 3, "models": 1},
    ]
    assert [i["model"].rsplit("/", 1)[-1] for i in result["items"]] == ["k", "m", "n"]
    assert result["mean_depth"] == pytest.approx(5 / 3)


# ---------------------------------------------------------------- self-reported

SELF = """
model:m og:developer org:dev .
source:p dcterms:publisher org:dev .
source:q dcterms:publisher org:press .
""" + (
    claim("c1", "m", "oti:open-code", "open", "p")
    + claim(
        "c2", "m", "oti:published-weights", "open", "q", extra="; prov:wasAttributedTo org:dev "
    )
    + claim("c3", "m", "oti:public-access", "open", "p", "q")
    + claim("c4", "m", "oti:threat-transparency", "closed", "q")
    + claim("c5", "m", "oti:open-standards", "open", "p").replace(
        "og:NormalRank", "og:DeprecatedRank"
    )
    + claim("n1", "n", "oti:open-code", "open", "q")
)


def test_self_reported_share_per_model(new_store):
    result = analytics.self_reported(world(new_store, SELF, derived=False))
    m, n = result["items"]
    # c1: its only source is the developer's -> self-reported; c2: attributed to the developer
    # -> self-reported; c3: one source of each -> mixed; c4: the press only -> independent;
    # c5 is deprecated and left out. Share = 2 of 4 = 0.5.
    assert m == {
        "model": iri("model", "m"),
        "developers": [iri("organization", "dev")],
        "claims": 4,
        "self_reported": 2,
        "mixed": 1,
        "independent": 1,
        "self_reported_share": 0.5,
        "sources": 2,
        "developer_sources": 1,
    }
    # N has no known developer: nothing to tell apart, so no share, and it sorts last.
    assert (n["model"], n["self_reported_share"], n["independent"]) == (iri("model", "n"), None, 1)
    assert (result["claims"], result["self_reported"], result["share"]) == (4, 2, 0.5)
    assert result["models_without_developer"] == 1


# ---------------------------------------------------------------- disagreement

MAPPED = """
osai:weights_endmodel skos:closeMatch oti:published-weights .
mof:model-parameters-final skos:narrowMatch osai:weights_endmodel .
""" + (
    claim("m-osai", "m", "osai:weights_endmodel", "open", "s")
    + claim("m-oti", "m", "oti:published-weights", "closed", "s")
    + claim("m-mof", "m", "mof:model-parameters-final", "partial", "s")
    + claim("n-osai", "n", "osai:weights_endmodel", "open", "s")
    + claim("n-oti", "n", "oti:published-weights", "open", "s")
)


def test_disagreement_on_mapped_criteria(new_store):
    result = analytics.disagreement(world(new_store, MAPPED))
    c = lambda x: iri("criterion", x)  # noqa: E731
    a = lambda m, x: iri("assessment", f"{m}/{x}")  # noqa: E731
    # M: index weights open vs OTI weights closed (closeMatch): levels 3 and 1, gap 2.
    # "X narrowMatch Y" says Y is narrower, which is "Y broadMatch X": a is the index's
    # weights (open, 3), b the MOF's final parameters (partial, 2), gap 1.
    # N: open on both sides of the closeMatch: compared, no disagreement.
    assert [(i["model"], i["relation"], i["gap"], i["a"], i["b"]) for i in result["items"]] == [
        (
            iri("model", "m"),
            "closeMatch",
            2,
            {
                "criterion": c("osai-index/weights_endmodel"),
                "framework": iri("framework", "osai-index"),
                "level": "open",
                "assessment": a("m", "osai-index/weights_endmodel"),
            },
            {
                "criterion": c("oti-2024/published-weights"),
                "framework": iri("framework", "oti-2024"),
                "level": "closed",
                "assessment": a("m", "oti-2024/published-weights"),
            },
        ),
        (
            iri("model", "m"),
            "broadMatch",
            1,
            {
                "criterion": c("osai-index/weights_endmodel"),
                "framework": iri("framework", "osai-index"),
                "level": "open",
                "assessment": a("m", "osai-index/weights_endmodel"),
            },
            {
                "criterion": c("mof/model-parameters-final"),
                "framework": iri("framework", "mof"),
                "level": "partial",
                "assessment": a("m", "mof/model-parameters-final"),
            },
        ),
    ]
    assert (result["compared"], result["disagreements"]) == (3, 2)
    f = lambda x: iri("framework", x)  # noqa: E731
    assert result["by_frameworks"] == [
        {"frameworks": [f("mof"), f("osai-index")], "compared": 1, "disagreements": 1},
        {"frameworks": [f("osai-index"), f("oti-2024")], "compared": 2, "disagreements": 1},
    ]


# ---------------------------------------------------------------- distribution

SPREAD = (
    TIERED
    + claim("b-code", "b", "oti:open-code", "open", "s")
    + claim("c-code", "c", "oti:open-code", "open", "s")
    + """
grade:tier-2 og:gradeOrder 2 ; skos:prefLabel "Tier 2" .
grade:tier-3 og:gradeOrder 3 ; skos:prefLabel "Tier 3" .
"""
)


def test_score_distribution_per_framework(new_store):
    result = analytics.score_distribution(world(new_store, SPREAD))
    [oti] = result["items"]
    # M is on tier 2 (see TIERED); B and C have open code only: unplaced, since their
    # weights and transparency decide between tiers 1, 2 and 3.
    assert oti["framework"] == iri("framework", "oti-2024")
    assert (oti["scores"], oti["unplaced"]) == (3, 2)
    assert oti["grades"] == [{"grade": iri("grade", "oti-2024/tier-2"), "order": 2, "count": 1}]
    # The placed value 2 only; whole numbers, so one bin per value.
    assert oti["values"] == {"min": 2, "max": 2, "mean": 2, "median": 2}
    assert oti["histogram"] == [{"low": 2, "high": 2, "count": 1}]
    assert result["labels"][iri("grade", "oti-2024/tier-2")] == "Tier 2"


def test_histogram_of_fractional_values_has_ten_bins():
    # 0.25, 0.5, 0.5 and 1 over [0, 1]: bins of width 0.1; 0.25 in [0.2, 0.3), 0.5 in
    # [0.5, 0.6), and 1 in the last bin, which includes its upper bound.
    bins = histogram({0.25: 1, 0.5: 2, 1.0: 1})
    assert len(bins) == 10
    assert [b["count"] for b in bins] == [0, 0, 1, 0, 0, 2, 0, 0, 0, 1]
    assert (bins[2]["low"], bins[2]["high"]) == (0.2, 0.3)


# ---------------------------------------------------------------- data version and cache


def test_data_version_follows_loads_and_derivations(new_store):
    store = world(new_store, CHAIN, derived=False)
    loaded = analytics.data_version(store)
    derive.derive(store, when=STAMP)
    derived = analytics.data_version(store)
    assert derived != loaded
    # Deriving unchanged data rewrites nothing, whenever it runs: the version stays.
    derive.derive(store, when="2025-01-02T00:00:00Z")
    assert analytics.data_version(store) == derived
    put(store, "more", claim("m-extra", "m", "oti:public-access", "open", "w"))
    changed = analytics.data_version(store)
    assert changed not in (loaded, derived)
    derive.derive(store, when="2025-01-03T00:00:00Z")
    assert analytics.data_version(store) not in (loaded, derived, changed)


def test_results_are_cached_per_data_version(monkeypatch, new_store):
    store = world(new_store, CHAIN)
    reads = []
    real = graphs.read_links
    monkeypatch.setattr(graphs, "read_links", lambda s: reads.append(1) or real(s))
    first = analytics.reliance(store)
    first["items"].clear()  # a caller's copy: the cache keeps its own
    again = analytics.reliance(store, limit=1)
    assert len(reads) == 1 and again["total"] == 3 and len(again["items"]) == 1
    put(store, "more", claim("m-extra", "m", "oti:public-access", "open", "w"))
    assert analytics.reliance(store)["total"] == 4
    assert len(reads) == 2


def test_cache_computes_once_and_drops_the_oldest():
    cache = cache_module.ResultCache(max_entries=2)
    calls = []
    for key in ("a", "a", "b", "c", "a"):
        cache.get_or_compute(key, lambda k=key: calls.append(k) or k.upper())
    assert calls == ["a", "b", "c", "a"]  # "a" was dropped when "c" came in
    assert len(cache) == 2


def test_limit_must_not_be_negative():
    with pytest.raises(ValueError):
        analytics.cycles(ox.Store(), limit=-1)


# ---------------------------------------------------------------- the command line


def test_analyze_command(tmp_path, capsys):
    data = tmp_path / "tiered.ttl"
    data.write_text(PREFIXES + TIERED)
    store = str(tmp_path / "store")
    assert main(["--store", store, "load", "--no-validate", str(data)]) == 0
    capsys.readouterr()
    assert main(["--store", store, "analyze", "fragility", "--format", "json", "--limit", "1"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["measure"] == "fragility" and result["total"] == 3
    assert [i["source"] for i in result["items"]] == [iri("source", "t")]
    assert main(["--store", store, "analyze", "self-reported"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("self-reported: 1 item;") and "(1 row)" in out
    for name in analytics.MEASURES:
        assert main(["--store", store, "analyze", name, "--limit", "0"]) == 0
    assert main(["--store", store, "analyze", "depth", "--limit", "-1"]) == 2
