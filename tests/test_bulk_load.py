"""Big files: bulk-loaded into the embedded store under a marker, catalogued last, and a
half-written one dropped when the store is next opened."""

from __future__ import annotations

import io
import signal
import subprocess
import sys
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib
from rdflib.compare import isomorphic

from bench import generate
from graph import loading, staleness
from graph.namespaces import OG, graph_iri
from graph.store import embedded_writes, is_external, open_store, writes

ROOT = Path(__file__).resolve().parent.parent

BAD_TAIL = '<http://example.org/a> <http://example.org/p> "unterminated .\n'


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


class FailingReader(io.RawIOBase):
    """A file that fails like a full or broken disk after half of its bytes."""

    def __init__(self, path: Path):
        self.data, self.at = path.read_bytes(), 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        if self.at >= len(self.data) // 2:
            raise OSError("disk full")
        chunk = self.data[self.at : self.at + min(len(buffer), 4096)]
        buffer[: len(chunk)] = chunk
        self.at += len(chunk)
        return len(chunk)


def test_failure_while_writing_leaves_no_half_graph_and_no_entry(
    tmp_path: Path, big, monkeypatch: pytest.MonkeyPatch
) -> None:
    f = write_data(tmp_path / "big.nt", 4, seed=1)
    store = ox.Store()
    load(store, tmp_path, f)
    write_data(f, 4, seed=3)
    todo, _ = loading.prepare([f], tmp_path, store)
    plain = loading.StreamedQuads.rdf

    def failing(self):
        text = plain(self)
        return writes.RdfText(lambda: FailingReader(self.path), text.format, text.base_iri)

    monkeypatch.setattr(loading.StreamedQuads, "rdf", failing)
    with pytest.raises(OSError, match="disk full"):
        list(loading.write(store, todo, tmp_path))
    iri = graph_iri("big.nt")
    assert len(graph_of(store, iri)) == 0
    assert catalogue(store, iri) == {}
    assert embedded_writes.being_written(store) == []
    monkeypatch.undo()
    monkeypatch.setattr(embedded_writes, "THRESHOLD", 0)
    (item,) = load(store, tmp_path, f)
    assert isomorphic(graph_of(store, iri), rdflib.Graph().parse(f, format="nt"))
    assert catalogue(store, iri)[str(OG.contentHash)] == item.digest


KILLED_MID_WRITE = """
import os, signal, sys
from itertools import islice
from pathlib import Path
from graph import loading, staleness
from graph.store import embedded_writes, open_store, writes

embedded_writes.THRESHOLD = 0
root, f, location = (Path(a) for a in sys.argv[1:4])


def dying(store, *, source, to_graph=None):
    # Half of the file goes in by the bulk loader and reaches the disk; then SIGKILL.
    store.bulk_extend(islice(source, len(source) // 2))
    store.flush()
    os.kill(os.getpid(), signal.SIGKILL)


writes._bulk_write = dying
store = open_store(location)
todo, _ = loading.prepare([f], root, store)
list(loading.write(store, todo, root))
"""


def test_a_process_killed_mid_load_leaves_nothing_of_the_file(tmp_path: Path) -> None:
    f = write_data(tmp_path / "big.nt", 4, seed=1)
    location = tmp_path / "store"
    load(open_store(location), tmp_path, f)  # an old version, replaced by the killed load
    write_data(f, 5, seed=2)
    args = [str(tmp_path), str(f), str(location)]
    done = subprocess.run([sys.executable, "-c", KILLED_MID_WRITE, *args], cwd=ROOT, timeout=120)
    assert done.returncode == -signal.SIGKILL
    iri = graph_iri("big.nt")
    raw = ox.Store(str(location))  # as the killed process left it: half-written, marked
    expected = rdflib.Graph().parse(f, format="nt")
    assert 0 < len(graph_of(raw, iri)) < len(expected)
    assert embedded_writes.being_written(raw) == [iri]
    del raw
    store = open_store(location)  # what every reader of the application opens
    assert len(graph_of(store, iri)) == 0
    assert catalogue(store, iri) == {}
    assert embedded_writes.being_written(store) == []
    assert iri in staleness.marks(store)  # derive recomputes what the old graph described
    (item,) = load(store, tmp_path, f)  # a retry writes the whole file
    assert isomorphic(graph_of(store, iri), expected)
    assert catalogue(store, iri)[str(OG.contentHash)] == item.digest


@pytest.mark.parametrize("literal", ['"bell \\u0007"', '"form feed \\f"', '"nul \\U00000000"'])
def test_a_big_file_spelling_a_control_character_is_refused(
    tmp_path: Path, big, literal: str
) -> None:
    f = write_data(tmp_path / "big.nt", 2)
    f.write_text(f.read_text() + f"<http://example.org/a> <http://example.org/p> {literal} .\n")
    store = ox.Store()
    with pytest.raises(loading.ParseError, match="control characters"):
        loading.prepare([f], tmp_path, store)
    assert len(store) == 0


def test_only_a_file_with_suspect_bytes_has_every_term_checked(tmp_path: Path, big) -> None:
    plain = write_data(tmp_path / "plain.nt", 2)
    escaped = write_data(tmp_path / "escaped.nt", 2)
    escaped.write_text(
        escaped.read_text() + '<http://example.org/a> <http://example.org/p> "\\u00e9" .\n'
    )
    todo, _ = loading.prepare([plain, escaped], tmp_path, ox.Store())
    assert [item.quads.check_terms for item in todo] == [False, True]
    assert loading.scan(plain) == (loading.content_hash(plain.read_bytes()), False)


def test_a_block_boundary_does_not_hide_a_suspect_sequence(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    f = tmp_path / "x.nt"
    f.write_bytes(b'<http://example.org/a> <http://example.org/p> "a\\u0007" .\n')
    cut = f.read_bytes().index(b"\\u") + 1  # the backslash ends one block, u starts the next
    monkeypatch.setattr(loading, "BLOCK", cut)
    assert loading.scan(f)[1]
