"""Loading files into named graphs: idempotent, replacing, all-or-nothing on parse errors."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest

from graph import loading, staleness
from graph.namespaces import graph_iri
from graph.store import writes

# Loading writes to the store: each store kind.
pytestmark = pytest.mark.every_store_kind

GOOD = """@prefix ex: <http://example.org/> .
ex:a ex:p "one" ; ex:q [ ex:r ex:b ] .
"""
CHANGED = """@prefix ex: <http://example.org/> .
ex:a ex:p "two" .
"""
BAD = """@prefix ex: <http://example.org/> .
ex:a ex:p "fine" .
ex:a ex:p "unterminated .
"""


def dump(store: ox.Store) -> set[str]:
    """Return the store's quads as text, blank nodes included by label."""
    return {str(q) for q in store}


def load(store: ox.Store, root: Path, *files: Path) -> tuple[list, list]:
    todo, unchanged = loading.prepare(list(files), root, store)
    written = list(loading.write(store, todo, root))
    return written, unchanged


@pytest.fixture
def store(new_store) -> ox.Store:
    return new_store()


def test_file_loads_into_its_own_named_graph(tmp_path: Path, store: ox.Store) -> None:
    f = tmp_path / "data" / "a.ttl"
    f.parent.mkdir()
    f.write_text(GOOD)
    load(store, tmp_path, f)
    graphs = {g.value for g in store.named_graphs()}
    assert graph_iri("data/a.ttl") in graphs
    in_graph = list(
        store.quads_for_pattern(None, None, None, ox.NamedNode(graph_iri("data/a.ttl")))
    )
    assert len(in_graph) == 3


def test_loading_twice_gives_the_same_store(tmp_path: Path, store: ox.Store) -> None:
    f = tmp_path / "a.ttl"
    f.write_text(GOOD)
    load(store, tmp_path, f)
    before = dump(store)
    written, unchanged = load(store, tmp_path, f)
    assert written == [] and unchanged == [graph_iri("a.ttl")]
    assert dump(store) == before


def test_changed_file_replaces_its_graph(tmp_path: Path, store: ox.Store) -> None:
    f = tmp_path / "a.ttl"
    other = tmp_path / "b.ttl"
    f.write_text(GOOD)
    other.write_text('<http://example.org/x> <http://example.org/p> "kept" .\n')
    load(store, tmp_path, f, other)
    f.write_text(CHANGED)
    load(store, tmp_path, f, other)
    values = {
        q.object.value
        for q in store.quads_for_pattern(None, None, None, ox.NamedNode(graph_iri("a.ttl")))
    }
    assert values == {"two"}
    assert "kept" in {q.object.value for q in store}


def test_parse_error_names_file_line_and_column_and_changes_nothing(
    tmp_path: Path, store: ox.Store
) -> None:
    good = tmp_path / "a.ttl"
    good.write_text(GOOD)
    load(store, tmp_path, good)
    before = dump(store)
    good.write_text(CHANGED)
    bad = tmp_path / "bad.ttl"
    bad.write_text(BAD)
    with pytest.raises(loading.ParseError) as info:
        load(store, tmp_path, good, bad)
    assert info.value.path.endswith("bad.ttl")
    assert info.value.line == 3 and info.value.column is not None
    assert "bad.ttl:3:" in str(info.value)
    assert dump(store) == before


def test_catalogue_records_hash_and_origin(tmp_path: Path, store: ox.Store) -> None:
    f = tmp_path / "a.ttl"
    f.write_text(GOOD)
    load(store, tmp_path, f)
    assert loading.stored_hashes(store) == {graph_iri("a.ttl"): loading.content_hash(GOOD.encode())}


def test_a_catalogued_graph_that_was_dropped_is_loaded_again(tmp_path: Path, store) -> None:
    f = tmp_path / "a.ttl"
    f.write_text(GOOD)
    load(store, tmp_path, f)
    assert load(store, tmp_path, f)[0] == []  # unchanged
    store.update(f"DROP GRAPH <{graph_iri('a.ttl')}>")  # behind the loader's back
    assert loading.stored_hashes(store) == {}
    written, _ = load(store, tmp_path, f)
    assert [item.graph for item in written] == [graph_iri("a.ttl")]
    assert store.contains_named_graph(ox.NamedNode(graph_iri("a.ttl")))


def test_a_forgotten_catalogue_entry_makes_the_next_load_write_the_file(tmp_path, store) -> None:
    f = tmp_path / "a.ttl"
    f.write_text(GOOD)
    load(store, tmp_path, f)
    store.update(writes.forget_update([graph_iri("a.ttl")]))
    assert [item.graph for item in load(store, tmp_path, f)[0]] == [graph_iri("a.ttl")]
    assert writes.forget_update([]) is None


def test_writing_and_dropping_graphs_mark_the_derived_data_stale(tmp_path, store) -> None:
    f = tmp_path / "a.ttl"
    f.write_text(GOOD)
    load(store, tmp_path, f)
    assert staleness.marks(store) == {graph_iri("a.ttl")}  # until the derive that follows
    store.update(staleness.clear_update([graph_iri("a.ttl")]))
    writes.drop_graphs(store, [graph_iri("a.ttl")])
    assert staleness.marks(store) == {graph_iri("a.ttl")}
    assert loading.stored_hashes(store) == {}


def test_directories_expand_to_rdf_files_only(tmp_path: Path) -> None:
    (tmp_path / "x").mkdir()
    (tmp_path / "x" / "a.ttl").write_text(GOOD)
    (tmp_path / "x" / "notes.md").write_text("not rdf")
    (tmp_path / "x" / "b.nt").write_text("")
    assert [p.name for p in loading.rdf_files([tmp_path])] == ["a.ttl", "b.nt"]


def test_unknown_extension_and_missing_path_are_clear_errors(tmp_path: Path) -> None:
    odd = tmp_path / "a.csv"
    odd.write_text("x")
    with pytest.raises(loading.ParseError, match="unknown RDF file extension"):
        loading.rdf_files([odd])
    with pytest.raises(FileNotFoundError, match="no such file"):
        loading.rdf_files([tmp_path / "missing.ttl"])


def test_literals_with_quotes_and_newlines_survive(tmp_path: Path, store: ox.Store) -> None:
    f = tmp_path / "a.ttl"
    f.write_text('<http://e/a> <http://e/p> """line "one"\nline \\\\ two""" .\n')
    load(store, tmp_path, f)
    (quad,) = list(store.quads_for_pattern(ox.NamedNode("http://e/a"), None, None, None))
    assert quad.object.value == 'line "one"\nline \\ two'
