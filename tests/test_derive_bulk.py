"""The first derive of a store, a big write into empty derived graphs, is bulk-loaded under
markers: it stores the same triples as one update would, and a write that fails leaves
nothing of itself and the staleness marks in place, so the next derive writes it whole."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest

from graph import derive, loading, paths, staleness
from graph.records import DERIVED_GRAPHS
from graph.store import embedded_writes

WORLD = Path(__file__).parent / "fixtures" / "pages" / "world.ttl"


def loaded(tmp_path: Path) -> ox.Store:
    """An on-disk store with the ontology and the page tests' world, not derived yet."""
    (tmp_path / "store").mkdir(parents=True)
    store = ox.Store(str(tmp_path / "store"))
    todo, _ = loading.prepare(loading.rdf_files([paths.ONTOLOGY_DIR, WORLD]), paths.ROOT, store)
    list(loading.write(store, todo, paths.ROOT))
    assert staleness.marks(store), "a load marks the derived data stale"
    return store


def derived(store: ox.Store) -> set[str]:
    return {
        str(q)
        for g in DERIVED_GRAPHS
        for q in store.quads_for_pattern(None, None, None, ox.NamedNode(g))
        if not q.predicate.value.endswith("generatedAtTime")
    }


def test_a_bulk_first_derive_stores_what_one_update_stores(tmp_path, monkeypatch) -> None:
    by_update = loaded(tmp_path / "a")
    derive.derive(by_update)
    monkeypatch.setattr(embedded_writes, "BULK_LINES", 1)
    bulk_loaded = []
    real = embedded_writes._bulk_lines
    monkeypatch.setattr(
        embedded_writes, "_bulk_lines", lambda s, edits: bulk_loaded.append(1) or real(s, edits)
    )
    by_bulk = loaded(tmp_path / "b")
    derive.derive(by_bulk)
    assert bulk_loaded == [1]
    assert derived(by_bulk) == derived(by_update) != set()
    assert not staleness.marks(by_bulk)
    assert not embedded_writes.being_written(by_bulk)
    # Deriving again edits what is there: one update, not the bulk path.
    derive.derive(by_bulk)
    assert bulk_loaded == [1]
    assert derived(by_bulk) == derived(by_update)


def test_a_bulk_derive_that_fails_leaves_nothing_and_the_marks(tmp_path, monkeypatch) -> None:
    store = loaded(tmp_path)
    marks = staleness.marks(store)
    monkeypatch.setattr(embedded_writes, "BULK_LINES", 1)

    def half_then_fail(s: ox.Store, edits: dict) -> None:
        graph, (_, add) = next(iter(edits.items()))
        half = "\n".join(add[: len(add) // 2]) + "\n"
        s.bulk_load(half.encode(), ox.RdfFormat.N_TRIPLES, to_graph=ox.NamedNode(graph))
        raise OSError("disk full")

    monkeypatch.setattr(embedded_writes, "_bulk_lines", half_then_fail)
    with pytest.raises(OSError, match="disk full"):
        derive.derive(store)
    assert derived(store) == set()
    assert staleness.marks(store) == marks
    assert not embedded_writes.being_written(store)
    monkeypatch.undo()
    derive.derive(store)
    assert derived(store) and not staleness.marks(store)
