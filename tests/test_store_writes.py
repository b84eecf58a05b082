"""The one write interface: the same writes give the same store on every kind."""

from __future__ import annotations

from datetime import UTC, datetime

import pyoxigraph as ox
import pytest

from graph import staleness
from graph.namespaces import OG
from graph.store import is_external, writes

# The write interface is implemented once per store kind: each store kind.
pytestmark = pytest.mark.every_store_kind

EX = "https://example.org/"
WHEN = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)


def iri(name: str) -> ox.NamedNode:
    return ox.NamedNode(EX + name)


def triples(tag: str, count: int) -> list[ox.Triple]:
    return [ox.Triple(iri(f"{tag}{i}"), iri("n"), ox.Literal(i)) for i in range(count)]


def subjects(store: ox.Store, graph: str) -> set[str]:
    return {q.subject.value for q in store.quads_for_pattern(None, None, None, ox.NamedNode(graph))}


def entry_of(store: ox.Store, graph: str) -> dict[str, str]:
    query = f"SELECT ?p ?o WHERE {{ GRAPH <{writes.CATALOG}> {{ <{graph}> ?p ?o }} }}"
    return {row["p"].value: row["o"].value for row in store.query(query)}


@pytest.fixture
def store(new_store) -> ox.Store:
    return new_store()


def test_the_catalogue_entry_says_what_a_graph_holds_and_marks_it_stale() -> None:
    entry = writes.catalogue_entry(EX + "g", "sha256:ab", "data/g.ttl", WHEN)
    assert entry.modified == "2026-01-02T03:04:05Z"
    found = {(q.subject.value, q.predicate.value, q.object.value) for q in entry.quads()}
    assert (EX + "g", str(OG.contentHash), "sha256:ab") in found
    assert (EX + "g", str(OG.loadedFrom), "data/g.ttl") in found
    assert (staleness.DERIVED, staleness.RECOMPUTE_AFTER, EX + "g") in found
    assert all(q.graph_name == ox.NamedNode(writes.CATALOG) for q in entry.quads())


def test_replace_graph_swaps_the_data_and_its_catalogue_entry(store) -> None:
    graph = EX + "g"
    writes.replace_graph(
        store, graph, triples("old", 5), catalogue=writes.catalogue_entry(graph, "sha256:1", "one")
    )
    writes.replace_graph(
        store, graph, triples("new", 3), catalogue=writes.catalogue_entry(graph, "sha256:2", "two")
    )
    assert subjects(store, graph) == {EX + f"new{i}" for i in range(3)}
    assert entry_of(store, graph)[str(OG.contentHash)] == "sha256:2"
    assert entry_of(store, graph)[str(OG.loadedFrom)] == "two"
    assert graph in staleness.marks(store)


def test_replace_graph_without_an_entry_leaves_the_catalogue_alone(store) -> None:
    graph = EX + "g"
    writes.replace_graph(
        store, graph, triples("a", 2), catalogue=writes.catalogue_entry(graph, "sha256:1", "one")
    )
    writes.replace_graph(store, graph, triples("b", 2))
    assert subjects(store, graph) == {EX + "b0", EX + "b1"}
    assert entry_of(store, graph)[str(OG.contentHash)] == "sha256:1"


def test_replace_graph_takes_the_default_graph(store) -> None:
    writes.replace_graph(store, None, triples("d", 2))
    writes.replace_graph(store, None, triples("e", 1))
    found = {q.subject.value for q in store.quads_for_pattern(None, None, None, ox.DefaultGraph())}
    assert found == {EX + "e0"}


def test_a_failing_then_leaves_the_graph_as_it_was(store) -> None:
    graph = EX + "kept"
    writes.replace_graph(store, graph, triples("k", 4))
    with pytest.raises(SyntaxError):
        writes.replace_graph(store, graph, triples("x", 4), then="INSERT DATA { not sparql")
    # On the embedded store the write and its `then` are one transaction; on a server the
    # text is refused before anything runs, as one request.
    assert subjects(store, graph) == {EX + f"k{i}" for i in range(4)}


def test_edit_graphs_removes_and_adds_lines_in_several_graphs(store) -> None:
    one, two = EX + "e1", EX + "e2"
    writes.replace_graph(store, one, triples("s", 6))
    writes.replace_graph(store, two, triples("t", 2))
    edits = {
        one: ([f"{t} ." for t in triples("s", 3)], [f'<{EX}s0> <{EX}n> "new" .']),
        two: ([f"{t} ." for t in triples("t", 2)], []),
    }
    done = staleness.clear_update([EX + "x"])
    store.update(staleness.mark_update([EX + "x"]))
    writes.edit_graphs(store, edits, then=done)
    assert subjects(store, one) == {EX + f"s{i}" for i in (0, 3, 4, 5)}
    assert subjects(store, two) == set()
    assert EX + "x" not in staleness.marks(store)


def test_write_batch_adds_the_graph_with_its_records(store) -> None:
    graph = EX + "batch"
    records = f"GRAPH <{EX}prov> {{ <{EX}sub> <{EX}generated> <{graph}> }}"
    blank = [ox.Triple(ox.BlankNode(), iri("p"), ox.Literal("b"))]
    entry = writes.catalogue_entry(graph, "sha256:b", "upload", WHEN)
    writes.write_batch(store, graph, [*triples("b", 3), *blank], catalogue=entry, records=records)
    assert len(list(store.quads_for_pattern(None, None, None, ox.NamedNode(graph)))) == 4
    assert entry_of(store, graph)[str(OG.loadedFrom)] == "upload"
    assert store.query(f"ASK {{ {records} }}", use_default_graph_as_union=True)


def test_drop_graphs_takes_the_entry_with_the_graph(store) -> None:
    graph = EX + "g"
    writes.replace_graph(
        store, graph, triples("a", 2), catalogue=writes.catalogue_entry(graph, "sha256:1", "one")
    )
    writes.drop_graphs(store, [graph])
    assert subjects(store, graph) == set() and entry_of(store, graph) == {}
    assert graph in staleness.marks(store)


def test_a_streamed_source_is_written_with_its_entry_only(store) -> None:
    class Source(writes.Streamed):
        def __iter__(self):
            return (ox.Quad(t.subject, t.predicate, t.object, iri("s")) for t in triples("q", 3))

        def __len__(self) -> int:
            return 3

    graph = EX + "s"
    entry = writes.catalogue_entry(graph, "sha256:s", "big")
    writes.replace_graph(store, graph, Source(), catalogue=entry)
    assert subjects(store, graph) == {EX + f"q{i}" for i in range(3)}
    assert entry_of(store, graph)[str(OG.contentHash)] == "sha256:s"
    if not is_external(store):
        with pytest.raises(ValueError):
            writes.replace_graph(store, graph, Source(), catalogue=entry, records="GRAPH <x:g> {}")


def test_clean_up_leaves_a_store_without_dead_writes_as_it_is(store) -> None:
    writes.replace_graph(store, EX + "g", triples("a", 2))
    before = len(store)
    assert writes.clean_up(store) == []
    assert len(store) == before


def test_clean_up_drops_what_a_dead_bulk_write_left_marked(store) -> None:
    if is_external(store):
        pytest.skip("the markers are the embedded store's bulk writes")
    from graph.store import embedded_writes

    writes.replace_graph(store, EX + "kept", triples("k", 2))
    half = EX + "half"
    marks = f"<{writes.CATALOG}> <{OG.beingWritten}> <{half}>, <{OG.DefaultGraph}> ."
    store.update(
        f"INSERT DATA {{ GRAPH <{half}> {{ <{EX}a> <{EX}p> 1 }} <{EX}b> <{EX}p> 2 . "
        f"GRAPH <{writes.CATALOG}> {{ {marks} }} }}"
    )
    assert writes.clean_up(store) == sorted([half, str(OG.DefaultGraph)])
    assert subjects(store, half) == set()
    assert list(store.quads_for_pattern(None, None, None, ox.DefaultGraph())) == []
    assert embedded_writes.being_written(store) == []
    assert subjects(store, EX + "kept") == {EX + "k0", EX + "k1"}
    assert writes.clean_up(store) == []
