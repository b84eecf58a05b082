"""The OSI definition judged from the Model Openness Tool's records, on the bundled data."""

from __future__ import annotations

import re
from pathlib import Path

import pyoxigraph as ox
import pytest

from graph.analytics.osaid_checklist import markdown_table, osaid_results
from graph.namespaces import ID, OG, PROV
from graph.queries import select
from graph.scoring import osaid

DOCS = Path(__file__).resolve().parent.parent / "docs" / "scoring.md"
TABLE = re.compile(r"<!-- osaid-table:start -->\n(.*?)\n?<!-- osaid-table:end -->", re.S)
# The checklist component each MOF component is (ontology/frameworks/mappings.ttl).
SAME = {
    "datasets": "datasets",
    "research-paper": "research-paper",
    "technical-report": "technical-report",
    "data-card": "data-card",
    "data-preprocessing-code": "data-preprocessing-code",
    "training-code": "training-code",
    "inference-code": "inference-code",
    "supporting-libraries-and-tools": "supporting-libraries-and-tools",
    "model-architecture": "model-architecture",
    "model-parameters": "model-parameters-final",
}


@pytest.fixture(scope="module")
def store(bundled_world) -> ox.Store:
    """Return the bundled data, loaded and derived."""
    return bundled_world.open()


def checklist_assessments(store: ox.Store) -> dict[str, dict[str, tuple[str, set[str]]]]:
    """Return model -> checklist criterion -> (its derived level, the criteria of its claims)."""
    query = f"""SELECT ?model ?criterion ?level ?from WHERE {{
      ?a <{OG.aboutModel}> ?model ; <{OG.criterion}> ?criterion ; <{OG.level}> ?level .
      FILTER (STRSTARTS(STR(?criterion), "{ID}criterion/osaid-1.0/"))
      OPTIONAL {{ ?a <{PROV.wasDerivedFrom}> ?claim . ?claim <{OG.criterion}> ?from }}
      FILTER NOT EXISTS {{ ?a a <{OG.Claim}> }}
    }}"""
    found: dict[str, dict[str, tuple[str, set[str]]]] = {}
    for row in select(store, query):
        level = row["level"].value.rsplit("#", 1)[-1]
        entry = found.setdefault(row["model"].value, {}).setdefault(
            row["criterion"].value, (level, set())
        )
        if "from" in row:
            entry[1].add(row["from"].value)
    return found


def test_the_table_in_the_docs_is_the_derivation(store) -> None:
    table = markdown_table(osaid_results(store))
    found = TABLE.search(DOCS.read_text(encoding="utf-8"))
    assert found, "docs/scoring.md has no <!-- osaid-table:start/end --> markers"
    assert found.group(1) == table, f"put this table in docs/scoring.md:\n{table}"


def test_which_models_meet_the_definition_and_what_the_others_lack(store) -> None:
    summary = osaid_results(store)
    assessed = checklist_assessments(store)
    assert len(summary.results) > 200
    assert 0 < len(summary.meeting) < len(summary.results)
    assert {f"{ID}model/pythia-70m", f"{ID}model/amber"} <= {r.model for r in summary.meeting}
    for r in summary.results:
        levels = assessed[r.model]
        shown = {}
        for c in (osaid.DATASETS, *osaid.CODE_COMPONENTS, osaid.MODEL_PARAMETERS):
            level, lent_by = levels[c]
            shown[c] = level == "open"
            # The MOT's claims on the MOF component of the same name decide, in full.
            mof = f"{ID}criterion/mof/{SAME[c.rsplit('/', 1)[-1]]}"
            assert lent_by == {mof}, (r.name, c, lent_by)
        assert r.meets is all(shown.values()), r.name
        assert bool(r.missing) is not r.meets, r.name
        for c in r.missing:
            assert c in osaid.CRITERIA and not shown.get(c, False), (r.name, c)
        assert set(r.missing) == {c for c, ok in shown.items() if not ok}, r.name


def test_the_most_common_missing_component_leads_the_table(store) -> None:
    summary = osaid_results(store)
    counts = dict(summary.missing_counts)
    (first, most), *_ = summary.missing_counts
    assert most == max(counts.values())
    failing = [r for r in summary.results if not r.meets]
    assert most == sum(first in r.missing for r in failing)
