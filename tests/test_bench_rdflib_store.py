"""The benchmark's rdflib store answers the project's reads as Oxigraph does."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest

from bench import generate
from bench.rdflib_store import RdflibStore
from graph import derive, loading, paths, records

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def store() -> ox.Store:
    store = ox.Store()
    todo, _ = loading.prepare(loading.rdf_files([paths.ONTOLOGY_DIR]), paths.ROOT, store)
    list(loading.write(store, todo, paths.ROOT))
    data = "\n".join(generate.generate(8, seed=5)).encode()
    store.load(data, format=ox.RdfFormat.N_TRIPLES, to_graph=ox.NamedNode(generate.GRAPH))
    derive.derive(store)
    return store


def test_the_copy_leaves_out_the_derived_graphs(store):
    copy = RdflibStore.copy_of(store)
    names = {str(g.identifier) for g in copy.dataset.graphs() if len(g)}
    assert generate.GRAPH in names
    assert not names & set(records.DERIVED_GRAPHS)
    derived = sum(
        len(list(store.quads_for_pattern(None, None, None, ox.NamedNode(g))))
        for g in records.DERIVED_GRAPHS
    )
    assert derived > 0
    assert len(copy) == len(store) - derived


def test_scoring_on_the_copy_gives_the_same_derivations(store):
    copy = RdflibStore.copy_of(store)
    ours, theirs = derive.compute(store), derive.compute(copy)
    assert len(ours) == 8
    assert theirs == ours


def test_the_union_default_graph_is_asked_for_per_query(store):
    copy = RdflibStore.copy_of(store)
    count = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    union = next(iter(copy.query(count, use_default_graph_as_union=True)))["n"].value
    default = next(iter(copy.query(count)))["n"].value
    assert int(union) == len(copy) and int(default) == 0


def test_ask_answers_a_boolean_and_construct_is_refused(store):
    copy = RdflibStore.copy_of(store)
    assert bool(copy.query("ASK { ?s ?p ?o }", use_default_graph_as_union=True)) is True
    with pytest.raises(ValueError, match="only SELECT and ASK"):
        copy.query("CONSTRUCT WHERE { ?s ?p ?o }", use_default_graph_as_union=True)
