"""The scoring benchmark runs end to end on tiny data and counts what scoring reads."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pyoxigraph as ox
import pytest

from bench import scoring
from graph import records
from graph.namespaces import ID, OG, PROV, RDF

ROOT = Path(__file__).resolve().parent.parent


def test_the_scan_counts_every_statement_of_what_scoring_reads() -> None:
    store = ox.Store()
    claim, model = ox.NamedNode(f"{ID}claim/c"), ox.NamedNode(f"{ID}model/m")
    g = ox.NamedNode(f"{ID}graph/g")
    store.add(ox.Quad(claim, ox.NamedNode(str(RDF.type)), ox.NamedNode(str(OG.Claim)), g))
    store.add(ox.Quad(claim, ox.NamedNode(str(OG.aboutModel)), model, g))
    store.add(ox.Quad(claim, ox.NamedNode(str(PROV.wasDerivedFrom)), model, g))
    store.add(ox.Quad(claim, ox.NamedNode(f"{ID}unread"), model, g))
    assert scoring.scanned(store) == 3
    assert set(records.CLAIM_PROPERTIES) <= set(scoring.SCORING_READS)
    assert set(records.SOURCE_PROPERTIES) <= set(scoring.SCORING_READS)


@pytest.mark.bench
def test_the_scoring_benchmark_runs_at_a_small_size(tmp_path) -> None:
    out = tmp_path / "scoring.md"
    done = subprocess.run(
        [sys.executable, "-m", "bench.scoring", "--sizes", "3000", "--runs", "1"]
        + ["--out", str(out)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    rows = [line for line in out.read_text().splitlines() if line.startswith("| ")]
    assert len(rows) == 8  # the header and seven measures
    assert all(line.count("|") == 3 for line in rows)  # a label and one size
    ratio = next(line for line in rows if line.startswith("| scoring ÷ scan"))
    assert ratio.split("|")[2].strip().count("x") == 2
