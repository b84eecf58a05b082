"""Big files: streamed into the embedded store, never visible half-written, catalogued last."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib
from rdflib.compare import isomorphic

from bench import generate
from graph import loading
from graph.namespaces import OG, graph_iri
from graph.store import embedded_writes, is_external, writes

ROOT = Path(__file__).resolve().parent.parent

BAD_TAIL = '<http://example.org/a> <http://example.org/p> "unterminated .\n'


@pytest.fixture
def big(monkeypatch: pytest.MonkeyPatch) -> None:
    """Send every file, however small, down the streamed path."""
    monkeypatch.setattr(embedded_writes, "THRESHOLD", 0)


def write_data(path: Path, models: int, seed: int = 1) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(generate.generate(models, seed)) + "\n")
    return path


def load(store: ox.Store, root: Path, *files: Path) -> list[loading.PreparedFile]:
    todo, _ = loading.prepare(list(files), root, store)
    return list(loading.write(store, todo, root))


def graph_of(store: ox.Store, iri: str) -> rdflib.Graph:
    quads = store.quads_for_pattern(None, None, None, ox.NamedNode(iri))
    text = "".join(f"{q.triple} .\n" for q in quads)
    return rdflib.Graph().parse(data=text, format="nt")


def catalogue(store: ox.Store, iri: str) -> dict[str, str]:
    query = f"SELECT ?p ?o WHERE {{ GRAPH <{loading.CATALOG}> {{ <{iri}> ?p ?o }} }}"
    return {row["p"].value: row["o"].value for row in store.query(query)}


def test_big_file_is_streamed_and_loads_the_same_graph(tmp_path: Path, big) -> None:
    f = write_data(tmp_path / "data" / "big.nt", 4)
    store = ox.Store()
    (item,) = load(store, tmp_path, f)
    assert isinstance(item.quads, loading.StreamedQuads)
    iri = graph_iri("data/big.nt")
    expected = rdflib.Graph().parse(f, format="nt")
    assert len(item.quads) == len(expected)
    assert isomorphic(graph_of(store, iri), expected)
    entry = catalogue(store, iri)
    assert entry[str(OG.contentHash)] == loading.content_hash(f.read_bytes())
    assert entry[str(OG.loadedFrom)] == "data/big.nt"
    assert "http://purl.org/dc/terms/modified" in entry


def test_small_files_and_other_stores_keep_the_single_update(tmp_path: Path) -> None:
    f = write_data(tmp_path / "small.nt", 2)
    (item,) = load(ox.Store(), tmp_path, f)
    assert isinstance(item.quads, list)
    assert writes.streams(ox.Store(), embedded_writes.THRESHOLD)
    assert not writes.streams(ox.Store(), embedded_writes.THRESHOLD - 1)


@pytest.mark.every_store_kind  # the subject: which path each store kind takes
def test_a_server_never_takes_the_streamed_path(new_store) -> None:
    store = new_store()
    if not is_external(store):
        pytest.skip("the streamed path is the embedded store's")
    assert not writes.streams(store, embedded_writes.THRESHOLD * 10)


def test_unchanged_big_file_is_skipped_and_changed_one_replaced(tmp_path: Path, big) -> None:
    f = write_data(tmp_path / "big.nt", 4, seed=1)
    store = ox.Store()
    load(store, tmp_path, f)
    assert load(store, tmp_path, f) == []
    write_data(f, 3, seed=2)
    (item,) = load(store, tmp_path, f)
    assert isomorphic(graph_of(store, graph_iri("big.nt")), rdflib.Graph().parse(f, format="nt"))
    assert catalogue(store, item.graph)[str(OG.contentHash)] == item.digest


def test_a_bad_big_file_changes_nothing(tmp_path: Path, big) -> None:
    good = write_data(tmp_path / "a.nt", 3)
    store = ox.Store()
    load(store, tmp_path, good)
    before = {str(q) for q in store}
    write_data(good, 2, seed=7)
    bad = write_data(tmp_path / "b.nt", 2)
    bad.write_text(bad.read_text() + BAD_TAIL)
    with pytest.raises(loading.ParseError) as error:
        loading.prepare([good, bad], tmp_path, store)
    assert error.value.path == str(bad) and error.value.line
    assert {str(q) for q in store} == before


def test_failure_while_writing_leaves_no_half_graph_and_no_entry(
    tmp_path: Path, big, monkeypatch: pytest.MonkeyPatch
) -> None:
    f = write_data(tmp_path / "big.nt", 4, seed=1)
    store = ox.Store()
    load(store, tmp_path, f)
    write_data(f, 4, seed=3)
    todo, _ = loading.prepare([f], tmp_path, store)
    stream = todo[0].quads

    def failing(self):
        for n, quad in enumerate(loading.iter_quads(self.path, self.data, self.graph)):
            if n == len(stream) // 2:
                raise OSError("disk full")
            yield quad

    monkeypatch.setattr(loading.StreamedQuads, "__iter__", failing)
    with pytest.raises(OSError, match="disk full"):
        list(loading.write(store, todo, tmp_path))
    iri = graph_iri("big.nt")
    assert len(graph_of(store, iri)) == 0
    assert catalogue(store, iri) == {}
    monkeypatch.undo()
    monkeypatch.setattr(embedded_writes, "THRESHOLD", 0)
    (item,) = load(store, tmp_path, f)
    assert isomorphic(graph_of(store, iri), rdflib.Graph().parse(f, format="nt"))
    assert catalogue(store, iri)[str(OG.contentHash)] == item.digest


def test_a_process_killed_mid_load_leaves_the_graph_absent(tmp_path: Path) -> None:
    f = write_data(tmp_path / "big.nt", 4)
    location = tmp_path / "store"
    script = textwrap.dedent(
        f"""
        import os
        from pathlib import Path
        import pyoxigraph as ox
        from graph import loading
        from graph.store import embedded_writes

        embedded_writes.THRESHOLD = 0
        plain = loading.StreamedQuads.__iter__

        def dying(self):
            for n, quad in enumerate(plain(self)):
                if n == 500:
                    os._exit(3)
                yield quad

        loading.StreamedQuads.__iter__ = dying
        store = ox.Store({str(location)!r})
        todo, _ = loading.prepare([Path({str(f)!r})], Path({str(tmp_path)!r}), store)
        list(loading.write(store, todo, Path({str(tmp_path)!r})))
        """
    )
    done = subprocess.run([sys.executable, "-c", script], cwd=ROOT, timeout=60)
    assert done.returncode == 3
    store = ox.Store(str(location))
    iri = graph_iri("big.nt")
    assert len(graph_of(store, iri)) == 0
    assert catalogue(store, iri) == {}
