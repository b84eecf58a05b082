"""The list of openwashing flags on the bundled data in docs/scoring.md is what the graph flags.

The models come from the derived data stored by the load (their ``called-open-source``
assessment carries ``og:Openwashing``); each is derived again to name the developer's
claims and the definitions the model fails. The doc's table between the two markers
must equal the table rendered here, row for row.
"""

from __future__ import annotations

import pytest

from graph.derive.model import derive_model
from graph.labels import Labels
from graph.namespaces import OG
from graph.paths import ROOT
from graph.records import ASSESSMENTS_GRAPH, read_evidence, read_matches
from graph.scoring import mof, osaid

# Reads the bundled data a load derived, once per engine.
pytestmark = pytest.mark.every_engine

DOC = ROOT / "docs" / "scoring.md"
BEGIN = "<!-- openwashing on the bundled data: begin -->"
END = "<!-- openwashing on the bundled data: end -->"
HEADER = [
    "| model | developer | the developer's claim | what it says | fails |",
    "|---|---|---|---|---|",
]

FLAGGED = f"""SELECT DISTINCT ?model WHERE {{
  GRAPH <{ASSESSMENTS_GRAPH}> {{ ?a <{OG.aboutModel}> ?model ; <{OG.flag}> <{OG.Openwashing}> }}
}}"""


def doc_table() -> list[str]:
    text = DOC.read_text(encoding="utf-8")
    assert BEGIN in text and END in text, f"docs/scoring.md needs the markers {BEGIN} ... {END}"
    block = text.split(BEGIN, 1)[1].split(END, 1)[0]
    return [line.strip() for line in block.strip().splitlines() if line.strip()]


def graph_table(store) -> list[str]:
    flagged = sorted(row["model"].value for row in store.query(FLAGGED))
    evidence = read_evidence(store, flagged)
    matches = read_matches(store)
    rows = []
    for iri in flagged:
        record = evidence.models[iri]
        d = derive_model(record, evidence.claims_of(iri), evidence.sources, matches)
        assert d.openwashing.flagged, f"{iri} is stored as openwashing but derives otherwise"
        claims = {c.iri: c for c in evidence.claims_of(iri)}
        osaid_grade = d.scores[osaid.FRAMEWORK].score.grade
        mof_grade = d.scores[mof.FRAMEWORK].score.grade
        labels = Labels(
            store,
            {iri, *record.developers, osaid_grade or "", mof_grade or ""}
            | {a for c in d.openwashing.called_open_by for a in claims[c].attributed_to},
        )
        for c in d.openwashing.called_open_by:
            claim = claims[c]
            said = " ".join(q.exact for q in claim.quotes) or "(no quote)"
            mof_text = labels(mof_grade) if mof_grade else "no class reached"
            fails = f"OSAID 1.0 ({labels(osaid_grade)}); MOF Class I ({mof_text})"
            developers = ", ".join(labels(x) for x in record.developers)
            rows.append(
                f"| {labels(iri)} (`{iri.rsplit('/', 1)[-1]}`) | {developers} | "
                f"`{c.rsplit('/', 1)[-1]}` | {said} | {fails} |"
            )
    return HEADER + rows


def test_the_docs_list_the_openwashing_flags_of_the_bundled_data(bundled_world) -> None:
    store = bundled_world.open()
    expected = graph_table(store)
    assert len(expected) > len(HEADER), "the bundled data flags no openwashing at all"
    assert doc_table() == expected, "docs/scoring.md should read:\n" + "\n".join(expected)


def test_someone_elses_words_raise_no_flag_on_the_bundled_data(bundled_world) -> None:
    """The report calls Mistral open source; Mistral AI does not, in the bundled data."""
    store = bundled_world.open()
    flagged = {row["model"].value for row in store.query(FLAGGED)}
    assert not {m for m in flagged if m.rsplit("/", 1)[-1].startswith("mistral")}
