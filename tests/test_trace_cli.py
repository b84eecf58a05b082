"""`openness derive` and `openness trace`, run in-process on a throw-away store."""

from __future__ import annotations

import json
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib

from graph import loading, paths
from graph.cli import main
from graph.namespaces import ID, OG
from graph.records import SCORES_GRAPH
from graph.store import is_external, open_store

# derive writes to the store and trace reads it: each engine.
pytestmark = pytest.mark.every_engine

WORLD = Path(__file__).parent / "fixtures" / "trace" / "world.ttl"


@pytest.fixture(scope="module")
def store_dir(module_new_store_location) -> str:
    """A store of each kind holding the ontology, the frameworks and the small test world."""
    location = module_new_store_location()
    store = open_store(location)
    todo, _ = loading.prepare(loading.rdf_files([paths.ONTOLOGY_DIR, WORLD]), paths.ROOT, store)
    list(loading.write(store, todo, paths.ROOT))
    store.flush()
    del store  # releases an on-disk store's lock for the commands
    return location


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_derive_stores_scores_for_every_model(store_dir, capsys) -> None:
    code, out, _ = run(capsys, "--store", store_dir, "derive")
    assert code == 0
    assert out.startswith("derived 2 models")
    assert "alpha: oti-2024 tier-3, osaid-1.0 does-not-meet" in out
    assert "openwashing" in out.splitlines()[1]
    store = open_store(store_dir) if is_external(store_dir) else ox.Store.read_only(store_dir)
    query = f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{SCORES_GRAPH}> {{ ?s a ?t }} }}"
    assert int(next(iter(store.query(query)))["n"].value) > 0
    del store


def test_derive_some_models_by_label(store_dir, capsys) -> None:
    code, out, _ = run(capsys, "--store", store_dir, "derive", "BETA CHAT")
    assert code == 0
    assert out.startswith("derived 1 model ")
    assert "beta:" in out and "alpha:" not in out


def test_trace_prints_the_chain_as_a_tree(store_dir, capsys) -> None:
    code, out, _ = run(capsys, "--store", store_dir, "trace", "alpha")
    assert code == 0
    lines = out.splitlines()
    assert lines[0] == f"Alpha <{ID}model/alpha>"
    assert "flags: contested, single-source, self-reported, openwashing" in out
    text = "\n".join(lines)
    order = [
        "Spectrum tier 3 (value 3)",
        "Published model weights: closed (most recent statement)  [contested]",
        "claim: closed, normal rank, stated 2024-06-01, by The Press [decides]",
        "source: News D (news article; The Press)",
        'quote: "Alpha\'s weights were withdrawn."',
    ]
    positions = [text.index(part) for part in order]
    assert positions == sorted(positions)
    assert "usesDataFrom, note 3: source: Dataset C (dataset)" in out
    assert "(cycle: already on this path, not followed)" in out
    assert "citation depth: 2; sources reached: 5" in out


def test_trace_opens_with_a_summary_of_each_score(store_dir, capsys) -> None:
    code, out, _ = run(capsys, "--store", store_dir, "trace", "alpha", "--framework", "oti")
    assert code == 0
    summary = out.split("\nsummary:\n", 1)[1].split("\n\n", 1)[0].splitlines()
    assert summary == [
        "  OTI attributes and spectrum of openness (2024): Spectrum tier 3 (value 3)",
        "    decided by: 2 claims, by Watchdog (1); The Press (1)",
        "    short of the next grade: Published model weights, "
        "Transparency about threats and mitigations",
        "    contested: yes, on Published model weights (closed 1, open 1), "
        "decided by most recent statement",
        "    evidence: 3 claims, 4 sources, 2 citation steps",
    ]
    # The summary comes before the tree it sums up.
    assert out.index("summary:") < out.index("├── Open code: open")


def test_trace_framework_narrows_the_summary_and_the_tree(store_dir, capsys) -> None:
    code, whole, _ = run(capsys, "--store", store_dir, "trace", "alpha")
    assert code == 0 and "Open Source AI Definition" in whole
    code, out, _ = run(capsys, "--store", store_dir, "trace", "alpha", "--framework", "oti")
    assert code == 0
    assert "Open Source AI Definition" not in out
    assert "OTI attributes and spectrum of openness (2024)" in out


def test_trace_depth_limits_the_citation_steps_shown(store_dir, capsys) -> None:
    argv = ("--store", store_dir, "trace", "alpha", "--framework", "oti")
    code, out, _ = run(capsys, *argv, "--depth", "1")
    assert code == 0
    assert "citesAsEvidence, note 1: source: Paper B (paper; A University), p. 12" in out
    assert "Dataset C" not in out
    assert "cites 1 more source(s), beyond --depth" in out
    assert "evidence: 3 claims, 4 sources, 2 citation steps (the tree shows 1: --depth)" in out

    code, out, _ = run(capsys, *argv, "--depth", "0")
    assert code == 0
    assert "Paper B" not in out and "Dataset C" not in out
    assert "cites 1 source(s), beyond --depth" in out
    # The passage and the source's other citations are still accounted for.
    assert "the source cites 1 other work elsewhere" in out

    code, deep, _ = run(capsys, *argv, "--depth", "5")
    code, full, _ = run(capsys, *argv)
    assert deep == full


def test_trace_as_json_and_turtle(store_dir, capsys) -> None:
    code, out, _ = run(
        capsys,
        "--store",
        store_dir,
        "trace",
        f"{ID}model/alpha",
        "--format",
        "json",
        "--as-of",
        "2024-03-01",
        "--framework",
        "oti-2024",
    )
    assert code == 0
    data = json.loads(out)
    assert data["as_of"] == "2024-03-01"
    assert [s["iri"] for s in data["scores"]] == [f"{ID}score/alpha/oti-2024/as-of-2024-03-01"]

    code, out, _ = run(capsys, "--store", store_dir, "trace", "alpha", "--format", "turtle")
    assert code == 0
    g = rdflib.Graph().parse(data=out, format="turtle")
    score = rdflib.URIRef(f"{ID}score/alpha/oti-2024")
    assert (score, OG.grade, rdflib.URIRef(f"{ID}grade/oti-2024/tier-3")) in g


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (("trace", "alfa"), "no model called 'alfa'; did you mean alpha?"),
        (("derive", "alpha", "gamma"), "no model called 'gamma'"),
        (("trace", "alpha", "--as-of", "2024-13"), "as_of must be a full date"),
        (("trace", "alpha", "--framework", "fmti"), "no scored framework called 'fmti'"),
        (("trace", "alpha", "--depth", "-1"), "--depth must be 0 or more, not -1"),
        (("trace", "alpha", "--depth", "1", "--format", "json"), "the json trace is always whole"),
    ],
    ids=[
        "unknown-model",
        "unknown-model-to-derive",
        "bad-date",
        "unknown-framework",
        "negative-depth",
        "depth-of-json",
    ],
)
def test_bad_input_exits_2_with_a_clear_message(store_dir, capsys, argv, message) -> None:
    code, out, err = run(capsys, "--store", store_dir, *argv)
    assert code == 2
    assert message in err
    assert out == ""
