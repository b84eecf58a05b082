"""Submitting evidence: validated, all-or-nothing, with provenance, idempotent, corrections kept."""

from __future__ import annotations

import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib

from graph import loading, paths
from graph.batch_limits import BatchRefused
from graph.ingest import IngestError, Rejected, canonical_hash, ingest, parse_batch
from graph.ingest.corrections import deprecation_triples
from graph.ingest.form import TEMPLATE, form_to_graph
from graph.ingest.provenance import PROVENANCE_GRAPH
from graph.ingest.roles import CURATOR
from graph.namespaces import OG, PROV
from graph.store.server import STAGING
from graph.store.server_writes import STAGED_TRIPLES

# Ingest writes to the store: each engine.
pytestmark = pytest.mark.every_engine

FRAMEWORK = """@prefix og: <https://w3id.org/openness/ns#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix prov: <http://www.w3.org/ns/prov#> .
<https://w3id.org/openness/id/framework/t> a og:Framework , skos:ConceptScheme ;
    skos:prefLabel "test framework"@en ; rdfs:label "test framework"@en .
<https://w3id.org/openness/id/criterion/t/weights> a og:Criterion , skos:Concept ;
    skos:inScheme <https://w3id.org/openness/id/framework/t> ;
    skos:prefLabel "weights"@en ; rdfs:label "weights"@en ;
    og:allowedLevel og:open , og:closed .
<https://w3id.org/openness/id/model/m> a og:Model ; rdfs:label "M" ;
    og:developer <https://w3id.org/openness/id/organization/lab> .
<https://w3id.org/openness/id/organization/lab> a prov:Organization ; rdfs:label "Lab" .
"""

FORM = {
    "model": "m",
    "criterion": "t/weights",
    "level": "open",
    "stated_on": "2025-03-01",
    "quote": "the weights are on the hub",
    "source": {"title": "A blog post", "url": "https://example.org/post", "kind": "BlogPost"},
}


def dump(store: ox.Store) -> set[str]:
    """Return the store's content without the catalogue's load times."""
    return {str(q) for q in store if q.graph_name != ox.NamedNode(loading.CATALOG)}


@pytest.fixture
def store(tmp_path: Path, new_store) -> ox.Store:
    """A store of each kind with the ontology and a tiny framework and model."""
    s = new_store()
    (tmp_path / "fw.ttl").write_text(FRAMEWORK)
    files = [paths.ONTOLOGY_DIR / "openness.ttl", tmp_path / "fw.ttl"]
    todo, _ = loading.prepare(files, tmp_path, s)
    list(loading.write(s, todo, tmp_path))
    return s


def test_an_accepted_batch_lands_in_its_own_graph_with_provenance(store: ox.Store) -> None:
    outcome = ingest(store, form_to_graph(FORM), "alice", "POST /api/submissions", recompute=False)
    assert outcome.created and len(outcome.claims) == 1
    graph = ox.NamedNode(outcome.graph)
    assert any(True for _ in store.quads_for_pattern(None, None, None, graph))
    prov = ox.NamedNode(PROVENANCE_GRAPH)
    sub = ox.NamedNode(outcome.submission)
    facts = {
        q.predicate.value: q.object.value for q in store.quads_for_pattern(sub, None, None, prov)
    }
    assert facts[str(OG.contentHash)] == outcome.content_hash
    assert facts[str(OG.loadedFrom)] == "POST /api/submissions"
    assert facts[str(PROV.generated)] == outcome.graph
    assert str(PROV.endedAtTime) in facts
    who = facts[str(PROV.wasAssociatedWith)]
    labels = [q.object.value for q in store.quads_for_pattern(ox.NamedNode(who), None, None, prov)]
    assert "alice" in labels


def test_the_same_batch_twice_changes_nothing(store: ox.Store) -> None:
    first = ingest(store, form_to_graph(FORM), "alice", "a", recompute=False)
    before = dump(store)
    again = ingest(store, form_to_graph(FORM), "bob", "b", recompute=False)
    assert not again.created and again.submission == first.submission
    assert dump(store) == before


def test_blank_node_labels_do_not_change_the_hash() -> None:
    assert canonical_hash(form_to_graph(FORM)) == canonical_hash(form_to_graph(dict(FORM)))


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({"level": "partial"}, "ClaimShape-level-allowed"),
        ({"model": "no-such-model"}, "ClaimShape-model-class"),
        ({"criterion": "t/no-such"}, "ClaimShape-criterion-class"),
        (
            {"source": {"iri": "https://w3id.org/openness/id/source/missing"}},
            "ClaimShape-source-class",
        ),
    ],
)
def test_a_bad_batch_is_rejected_and_nothing_is_written(
    store: ox.Store, change: dict, expected: str
) -> None:
    before = dump(store)
    with pytest.raises(Rejected) as info:
        ingest(store, form_to_graph({**FORM, **change}), "alice", "a", recompute=False)
    tags = {v.constraint_id for v in info.value.report.data_results}
    assert expected in tags
    line = info.value.report.format(info.value.report.data_results[0])
    assert "id:claim/" in line and ":" in line
    assert dump(store) == before


@pytest.mark.parametrize(
    ("form", "message"),
    [
        ({k: v for k, v in FORM.items() if k != "level"}, "level: missing"),
        ({**FORM, "level": "mostly"}, "not one of"),
        ({**FORM, "stated_on": "March 2025"}, "not a date"),
        ({**FORM, "rank": "deprecated"}, "deprecate with a correction"),
        ({**FORM, "source": {"url": "https://example.org"}}, "source.title: missing"),
        ([1, 2], "must be an object"),
    ],
)
def test_the_json_form_says_what_is_missing(form: object, message: str) -> None:
    with pytest.raises(IngestError, match=message):
        form_to_graph(form)  # type: ignore[arg-type]


def test_malformed_rdf_names_the_place() -> None:
    with pytest.raises(IngestError, match="does not parse.*line 2"):
        parse_batch(
            '<http://e/a> <http://e/p> "x" .\n<http://e/a> <http://e/p> "open .\n', "turtle"
        )
    with pytest.raises(IngestError, match="empty"):
        parse_batch("", "turtle")


def test_a_correction_deprecates_a_claim_without_deleting_it(store: ox.Store) -> None:
    claim = ingest(store, form_to_graph(FORM), "alice", "a", recompute=False).claims[0]
    fix = rdflib.Graph()
    for triple in deprecation_triples(claim, "the post was retracted", "bob"):
        fix.add(triple)
    outcome = ingest(store, fix, "bob", "b", role=CURATOR, recompute=False)
    assert outcome.created and outcome.deprecated == [claim]
    node = ox.NamedNode(claim)
    ranks = {
        q.object.value for q in store.quads_for_pattern(node, ox.NamedNode(str(OG.rank)), None)
    }
    assert str(OG.DeprecatedRank) in ranks and str(OG.NormalRank) in ranks
    assert any(True for _ in store.quads_for_pattern(node, ox.NamedNode(str(OG.level)), None))


def test_a_deprecation_needs_a_reason(store: ox.Store) -> None:
    claim = ingest(store, form_to_graph(FORM), "alice", "a", recompute=False).claims[0]
    before = dump(store)
    fix = rdflib.Graph()
    fix.add((rdflib.URIRef(claim), OG.rank, OG.DeprecatedRank))
    with pytest.raises(Rejected):
        ingest(store, fix, "bob", "b", recompute=False)
    assert dump(store) == before


KILLED_WRITER = textwrap.dedent(
    """
    import sys, rdflib
    from graph.store import open_store
    from graph.ingest import ingest

    class Announcing:
        # Says when the write starts, so the test can kill the process during it.
        def __init__(self, store): self.store = store
        def query(self, *a, **k): return self.store.query(*a, **k)
        def update(self, text):
            print("writing", flush=True)
            self.store.update(text)
            print("written", flush=True)

    batch = rdflib.Graph()
    for i in range(int(sys.argv[2]) // 2):
        node = rdflib.URIRef(f"https://example.org/n{i}")
        batch.add((node, rdflib.RDF.type, rdflib.URIRef("https://example.org/Note")))
        batch.add((node, rdflib.RDFS.comment, rdflib.Literal(f"note {i}")))
    # A curator may bring nodes of any type; a contributor only claims, sources and the like.
    store = Announcing(open_store(sys.argv[1]))
    ingest(store, batch, "k", "kill-test", role="curator", recompute=False)
    """
)


@pytest.mark.parametrize("delay", [0.05, 0.3])
def test_a_write_killed_midway_leaves_all_or_nothing(tmp_path: Path, delay: float) -> None:
    location, size = tmp_path / "store", 60000
    with subprocess.Popen(
        [sys.executable, "-c", KILLED_WRITER, str(location), str(size)],
        stdout=subprocess.PIPE,
        text=True,
        cwd=paths.ROOT,
    ) as child:
        assert child.stdout is not None
        line = child.stdout.readline()
        assert line.strip() == "writing", f"the writer never started writing: {line!r}"
        time.sleep(delay)
        child.kill()
        child.wait(timeout=30)
    store = ox.Store(str(location))
    count = sum(
        1
        for q in store.quads_for_pattern(None, None, None, None)
        if q.subject.value.startswith("https://example.org/n")
    )
    assert count in (0, size), f"a killed write left {count} of {size} triples"


def test_the_ingest_command_accepts_a_form_and_refuses_a_bad_one(
    tmp_path: Path, new_store_location, capsys: pytest.CaptureFixture[str]
) -> None:
    import json

    from graph.cli import main

    location = new_store_location()
    seed = [str(paths.ONTOLOGY_DIR), str(paths.DATA_DIR / "oti-2024")]
    assert main(["--store", location, "load", *seed]) == 0
    form = tmp_path / "claim.json"
    form.write_text(
        json.dumps({**TEMPLATE, "criterion": "oti-2024/open-licence", "level": "partial"})
    )
    capsys.readouterr()
    assert main(["--store", location, "ingest", str(form), "--as", "carol"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("accepted ") and "claim " in out and "recomputed" in out
    assert main(["--store", location, "ingest", str(form)]) == 0
    assert capsys.readouterr().out.startswith("unchanged")
    form.write_text(json.dumps({**TEMPLATE, "level": "mostly"}))
    assert main(["--store", location, "ingest", str(form)]) == 1
    err = capsys.readouterr().err
    assert "claim.json: level: 'mostly' is not one of" in err and "Nothing was written" in err


def test_a_correction_of_an_unknown_or_deprecated_claim_is_refused(store: ox.Store) -> None:
    unknown = rdflib.Graph()
    for triple in deprecation_triples("https://w3id.org/openness/id/claim/nope", "why", "bob"):
        unknown.add(triple)
    before = dump(store)
    with pytest.raises(Rejected) as info:
        ingest(store, unknown, "bob", "b", role=CURATOR, recompute=False)
    assert {v.constraint_id for v in info.value.report.data_results} == {
        "CorrectionCheck-unknown-claim"
    }
    assert dump(store) == before
    claim = ingest(store, form_to_graph(FORM), "alice", "a", recompute=False).claims[0]
    first, second = rdflib.Graph(), rdflib.Graph()
    for triple in deprecation_triples(claim, "first reason", "bob"):
        first.add(triple)
    for triple in deprecation_triples(claim, "second reason", "carol"):
        second.add(triple)
    ingest(store, first, "bob", "b", role=CURATOR, recompute=False)
    with pytest.raises(Rejected) as info:
        ingest(store, second, "carol", "c", role=CURATOR, recompute=False)
    assert {v.constraint_id for v in info.value.report.data_results} == {
        "CorrectionCheck-already-deprecated"
    }


def test_the_hash_follows_content_not_blank_node_labels() -> None:
    quoted = form_to_graph(FORM)
    other_quote = form_to_graph({**FORM, "quote": "a different passage"})
    assert canonical_hash(quoted) != canonical_hash(other_quote)
    relabelled = rdflib.Graph()
    fresh: dict = {}
    for s, p, o in quoted:
        s = fresh.setdefault(s, rdflib.BNode()) if isinstance(s, rdflib.BNode) else s
        o = fresh.setdefault(o, rdflib.BNode()) if isinstance(o, rdflib.BNode) else o
        relabelled.add((s, p, o))
    assert canonical_hash(relabelled) == canonical_hash(quoted)
    # A blank node used twice is not a tree: no submission needs one, and hashing it would
    # take rdflib's canonicalisation, factorial in identical components.
    shared = rdflib.BNode()
    g = rdflib.Graph()
    g.add((rdflib.URIRef("http://e/a"), rdflib.URIRef("http://e/p"), shared))
    g.add((rdflib.URIRef("http://e/c"), rdflib.URIRef("http://e/p"), shared))
    g.add((shared, rdflib.URIRef("http://e/q"), rdflib.Literal("x")))
    with pytest.raises(BatchRefused, match="more than one statement"):
        canonical_hash(g)


def test_a_thousand_claims_are_written_whole(store: ox.Store) -> None:
    batch = rdflib.Graph()
    for i in range(1000):
        source = {**FORM["source"], "url": f"https://example.org/post/{i}"}
        batch += form_to_graph(
            {**FORM, "quote": f"the weights are on the hub ({i})", "source": source}
        )
    assert len(batch) > STAGED_TRIPLES  # big enough to take the staged path on a server
    outcome = ingest(store, batch, "alice", "bulk", recompute=False)
    assert len(outcome.claims) == 1000
    count = f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{outcome.graph}> {{ ?s ?p ?o }} }}"
    assert int(next(iter(store.query(count)))["n"].value) == len(batch)
    stored = f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH ?g {{ ?c a <{OG.Claim}> }} }}"
    assert int(next(iter(store.query(stored)))["n"].value) == 1000
    records = f"ASK {{ GRAPH <{PROVENANCE_GRAPH}> {{ ?s <{PROV.generated}> <{outcome.graph}> }} }}"
    assert store.query(records)
    assert not any(g.value.startswith(STAGING) for g in store.named_graphs())
    again = ingest(store, batch, "bob", "bulk", recompute=False)
    assert not again.created
