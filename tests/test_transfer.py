"""Dump every graph of a store and restore it into a store of each kind."""

from __future__ import annotations

import gzip
from itertools import islice

import pyoxigraph as ox
import pytest
from conftest import load_sample

from graph.cli import main
from graph.store import is_external, transfer, writes

# Dump and restore read and write the store: each store kind.
pytestmark = pytest.mark.every_store_kind


def quads_of(store) -> set[str]:
    """Return the store's quads as N-Quads lines (blank-node free in the sample)."""
    return {f"{q} ." for q in store.quads_for_pattern(None, None, None, None)}


def test_a_dump_restores_every_graph_into_each_store_kind(new_store, tmp_path) -> None:
    source = load_sample(ox.Store())
    path = tmp_path / "all.nq.gz"
    dumped = transfer.dump(source, path)
    assert dumped.quads == len(source) and dumped.graphs == 3  # two named graphs + default
    target = new_store()
    restored = transfer.restore(target, path)
    assert (restored.graphs, restored.quads) == (dumped.graphs, dumped.quads)
    assert quads_of(target) == quads_of(source)


def test_restore_replaces_a_graph_of_the_same_name(new_store, tmp_path) -> None:
    target = new_store()
    stale = ox.NamedNode("https://w3id.org/openness/graph/test/models.ttl")
    target.extend([ox.Quad(ox.NamedNode("urn:old"), ox.NamedNode("urn:p"), ox.Literal("x"), stale)])
    path = tmp_path / "all.trig"
    transfer.dump(load_sample(ox.Store()), path)
    transfer.restore(target, path)
    assert not list(target.quads_for_pattern(ox.NamedNode("urn:old"), None, None, None))


def test_a_dump_that_does_not_parse_changes_nothing(new_store, tmp_path) -> None:
    target = new_store()
    path = tmp_path / "broken.nq.gz"
    good = "<urn:a> <urn:b> <urn:c> <urn:g> .\n"
    path.write_bytes(gzip.compress((good * 3 + "<urn:a> <urn:b> .\n").encode()))
    with pytest.raises(ValueError, match="broken.nq.gz"):
        transfer.restore(target, path)
    assert len(target) == 0


def test_dump_and_restore_commands_say_what_they_moved(tmp_path, capsys) -> None:
    source, copy = tmp_path / "source", tmp_path / "copy"
    sample = load_sample(ox.Store(str(source)))
    expected = len(sample)
    del sample
    assert main(["--store", str(source), "dump", str(tmp_path / "all.nq")]) == 0
    assert main(["--store", str(copy), "restore", str(tmp_path / "all.nq")]) == 0
    err = capsys.readouterr().err
    assert f"dumped 3 graphs ({expected} quads)" in err
    assert f"restored 3 graphs ({expected} quads)" in err


def test_a_dump_needs_a_dataset_format(tmp_path, capsys) -> None:
    assert main(["--store", ":memory:", "dump", str(tmp_path / "all.ttl")]) == 2
    assert ".nq, .trig" in capsys.readouterr().err


def test_a_restore_that_fails_while_writing_leaves_nothing_of_the_dump(
    new_store, tmp_path, monkeypatch
) -> None:
    target = new_store()
    if is_external(target):
        pytest.skip("the bulk loader is the embedded store's")
    kept = ox.Quad(
        ox.NamedNode("urn:k"), ox.NamedNode("urn:p"), ox.Literal("x"), ox.NamedNode("urn:kept")
    )
    target.add(kept)
    path = tmp_path / "all.nq"
    transfer.dump(load_sample(ox.Store()), path)

    def failing(store, *, source, to_graph=None):
        store.bulk_extend(islice(source, 10))
        raise OSError("disk full")

    monkeypatch.setattr(writes, "_bulk_write", failing)
    with pytest.raises(OSError, match="disk full"):
        transfer.restore(target, path)
    assert quads_of(target) == {f"{kept} ."}
    monkeypatch.undo()
    transfer.restore(target, path)
    assert quads_of(target) == quads_of(load_sample(ox.Store())) | {f"{kept} ."}


def test_a_dump_of_many_interleaved_graphs_restores_whole(new_store, tmp_path) -> None:
    # More graphs than spool files kept open, their quads interleaved, and literals that
    # N-Triples must escape: each graph comes back exactly.
    graphs = [ox.NamedNode(f"urn:g{n}") for n in range(writes.OPEN_SPOOLS * 2 + 3)]
    quads = [
        ox.Quad(ox.NamedNode(f"urn:s{k}"), ox.NamedNode("urn:p"), ox.Literal(text), graph)
        for k in range(3)
        for graph in graphs
        for text in (f"line one\nline two {k}", 'a "quoted" \\ word', "é ✓")
    ]
    quads.append(ox.Quad(ox.NamedNode("urn:d"), ox.NamedNode("urn:p"), ox.Literal("1")))
    path = tmp_path / "interleaved.nq"
    with open(path, "wb") as out:
        ox.serialize(quads, out, format=ox.RdfFormat.N_QUADS)
    target = new_store()
    restored = transfer.restore(target, path)
    assert (restored.graphs, restored.quads) == (len(graphs) + 1, len(quads))
    assert quads_of(target) == {f"{q} ." for q in quads}


def test_a_blank_node_spread_over_many_requests_stays_one_node(new_store, tmp_path) -> None:
    # A server is sent a big graph in several requests; a blank node's triples, far apart
    # in the dump, still describe one node.
    graph = ox.NamedNode("urn:g")
    p, q = ox.NamedNode("urn:p"), ox.NamedNode("urn:q")
    nodes = [ox.BlankNode(f"n{k}") for k in range(4)]
    quads = [ox.Quad(b, p, ox.Literal(str(k)), graph) for k, b in enumerate(nodes)]
    quads += [ox.Quad(ox.NamedNode(f"urn:s{k}"), p, ox.Literal("x"), graph) for k in range(9)]
    quads += [ox.Quad(ox.NamedNode("urn:top"), q, b, graph) for b in nodes]
    path = tmp_path / "blank.nq"
    with open(path, "wb") as out:
        ox.serialize(quads, out, format=ox.RdfFormat.N_QUADS)
    target = new_store()
    if is_external(target):
        target.post_triples_per_request = 2
    transfer.restore(target, path)
    rows = target.query(
        "SELECT ?b ?v WHERE { GRAPH <urn:g> { <urn:top> <urn:q> ?b . ?b <urn:p> ?v } }"
    )
    assert sorted(row["v"].value for row in rows) == ["0", "1", "2", "3"]
