"""The `openness` command line, run in-process on throw-away stores."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from graph import paths
from graph.cli import main

# The commands read and write the store: each engine.
pytestmark = pytest.mark.every_engine

ORG = """@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
<https://w3id.org/openness/id/organization/example-lab> a prov:Organization ;
    rdfs:label "Example Lab" .
"""


@pytest.fixture(scope="module")
def loaded_store(bundled_world) -> str:
    """A store of each kind holding the bundled ontology, frameworks and data."""
    return bundled_world.location


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_load_is_idempotent(loaded_store: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "--store", loaded_store, "load")
    assert code == 0
    assert out.startswith("loaded 0 files") and "unchanged" in out


def test_query_walks_from_a_spectrum_claim_to_the_report_and_one_of_its_notes(
    loaded_store: str, capsys: pytest.CaptureFixture[str]
) -> None:
    query = """
    SELECT DISTINCT ?model ?report ?note ?cited WHERE {
      ?claim a og:Claim ; og:aboutModel ?m ; prov:wasDerivedFrom ?r ;
             og:criterion/skos:inScheme <https://w3id.org/openness/id/framework/oti-2024> .
      ?m rdfs:label ?model . ?r dcterms:title ?report .
      ?citation cito:hasCitingEntity ?r ; cito:hasCitedEntity ?c ; og:noteNumber ?note .
      ?c dcterms:title ?cited .
    } ORDER BY ?model ?note"""
    code, out, _ = run(capsys, "--store", loaded_store, "query", query, "--format", "json")
    assert code == 0
    rows = json.loads(out)
    assert rows, "no path from a spectrum claim through the report to a note"
    assert {r["model"] for r in rows} >= {"Llama", "Mistral", "Grok"}
    assert all(r["report"].startswith("Openness in Artificial Intelligence Models") for r in rows)
    assert all(1 <= int(r["note"]) <= 57 for r in rows)


def test_query_formats(
    loaded_store: str, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    rq = tmp_path / "q.rq"
    rq.write_text("SELECT ?label WHERE { ?m a og:Model ; rdfs:label ?label } ORDER BY ?label")
    code, out, _ = run(capsys, "--store", loaded_store, "query", f"@{rq}", "--format", "csv")
    assert code == 0
    table = list(csv.reader(io.StringIO(out)))
    assert table[0] == ["label"] and ["Llama"] in table[1:]
    code, out, _ = run(capsys, "--store", loaded_store, "query", f"@{rq}")
    assert code == 0 and "label" in out.splitlines()[0] and "rows)" in out
    code, out, _ = run(
        capsys,
        "--store",
        loaded_store,
        "query",
        "CONSTRUCT { ?m a og:Model } WHERE { ?m a og:Model }",
        "--format",
        "turtle",
    )
    assert code == 0 and "/id/model/llama>" in out


def test_query_errors_are_clear(loaded_store: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "--store", loaded_store, "query", "SELECT * WHERE { ?s ?p }")
    assert code == 1 and "does not parse" in err
    code, _, err = run(capsys, "--store", loaded_store, "query", "@/nonexistent/q.rq")
    assert code == 2 and "no such query file" in err


def test_stats_counts_what_was_loaded(
    loaded_store: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(capsys, "--store", loaded_store, "stats")
    assert code == 0
    counts = {line.split()[0]: int(line.split()[1]) for line in out.splitlines()}
    assert counts["models"] >= 7 and counts["citations"] >= 57 and counts["frameworks"] >= 5
    assert counts["graphs"] >= len(list(paths.DATA_DIR.rglob("*.ttl")))
    # Unplaced models per framework: the spectrum has many, the indexes' formula none.
    assert counts["unplaced/oti-2024"] > 0 and counts["unplaced/osai-index"] == 0


def test_spectrum_is_printed_from_the_graph(
    loaded_store: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(capsys, "--store", loaded_store, "spectrum", "--no-load")
    assert code == 0
    tiers = [line for line in out.splitlines() if line.startswith("Tier ")]
    assert [t.split()[1] for t in tiers] == ["1", "2", "3", "4", "5"]
    assert "Mistral" in tiers[0] and "Llama" in tiers[1] and "Grok" in tiers[2]
    assert all(m in tiers[3] for m in ("ChatGPT", "Gemini", "Claude"))
    assert "Many companies' internal systems" in tiers[4]  # the row's example category
    assert "in graph:   0 models placed on this tier" in out.split("Tier 5", 1)[1]
    assert any(line.startswith("Unplaced  ") for line in out.splitlines())


def test_spectrum_on_an_empty_store_says_what_to_do(
    new_store_location, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run(capsys, "--store", new_store_location(), "spectrum", "--no-load")
    assert code == 1 and "openness load" in err


def test_load_refuses_a_file_that_does_not_parse(
    tmp_path: Path, new_store_location, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "bad.ttl"
    bad.write_text(ORG + '<http://e/x> <http://e/p> "open .\n')
    store = new_store_location()
    code, _, err = run(capsys, "--store", store, "load", str(bad))
    assert code == 1 and "bad.ttl:5:" in err and "Nothing was loaded" in err
    code, out, _ = run(capsys, "--store", store, "stats")
    assert "triples        0" in out


def test_load_refuses_data_that_breaks_the_shapes_unless_told(
    tmp_path: Path, new_store_location, capsys: pytest.CaptureFixture[str]
) -> None:
    claim = tmp_path / "claim.ttl"
    claim.write_text(
        "@prefix og: <https://w3id.org/openness/ns#> .\n"
        "<https://w3id.org/openness/id/claim/x> a og:Claim ; og:level og:open .\n"
    )
    store = new_store_location()
    code, _, err = run(capsys, "--store", store, "load", str(claim))
    assert code == 1 and "claim.ttl" in err and "Nothing was loaded" in err
    code, _, err = run(capsys, "--store", store, "load", "--no-validate", str(claim))
    assert code == 0 and "without SHACL validation" in err


def test_validate_accepts_the_bundled_data(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "validate", *map(str, sorted(paths.DATA_DIR.rglob("*.ttl"))))
    assert code == 0, err
    assert "conform" in err


def test_validate_reports_file_node_property_and_fix(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    claim = tmp_path / "claim.ttl"
    claim.write_text(
        "@prefix og: <https://w3id.org/openness/ns#> .\n"
        "<https://w3id.org/openness/id/claim/x> a og:Claim ; og:level og:open .\n"
    )
    code, _, err = run(capsys, "validate", str(claim))
    assert code == 1
    lines = [line for line in err.splitlines() if "claim/x" in line]
    assert lines and all("claim.ttl" in line for line in lines)
    assert any("statedOn" in line for line in lines)
