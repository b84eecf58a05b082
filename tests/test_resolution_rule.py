"""The resolution rule step by step on a small graph, and the contest shown on every surface.

Each test below is one worked example of docs/scoring.md ("Each step, worked"); the
world is tests/fixtures/resolution/world.ttl. The primary release against a later
report's denial is then followed through every place a score appears.
"""

from __future__ import annotations

import csv
import io
import json
import os
from pathlib import Path

import pytest
import rdflib

from graph import derive, loading, paths
from graph.cli import main
from graph.derive.model import derive_model
from graph.namespaces import ID, OG
from graph.records import Evidence, is_primary, read_evidence, read_matches
from graph.scoring.levels import criterion_iri
from graph.store import open_store
from server import create_app

pytestmark = pytest.mark.every_engine

WORLD = Path(__file__).parent / "fixtures" / "resolution" / "world.ttl"
WEIGHTS = criterion_iri("oti-2024", "published-weights")
GAMMA = f"{ID}model/gamma"
GAMMA_WEIGHTS = f"{ID}assessment/gamma/oti-2024/published-weights"


def model(slug: str) -> str:
    return f"{ID}model/{slug}"


def claim(slug: str) -> str:
    return f"{ID}claim/{slug}"


@pytest.fixture(scope="module")
def location(module_new_store_location) -> str:
    """A store of each kind holding the ontology and the world, derived."""
    where = module_new_store_location()
    store = open_store(where)
    todo, _ = loading.prepare(loading.rdf_files([paths.ONTOLOGY_DIR, WORLD]), paths.ROOT, store)
    list(loading.write(store, todo, paths.ROOT))
    derive.derive(store)
    store.flush()
    del store  # releases an on-disk store's lock for the commands
    return where


@pytest.fixture(scope="module")
def evidence(location) -> tuple[Evidence, dict]:
    """What the store says about every model of the world, and the criteria's mappings."""
    store = open_store(location)
    try:
        return read_evidence(store), read_matches(store)
    finally:
        del store


@pytest.fixture(scope="module")
def derivations(evidence) -> dict:
    """Every model of the world derived by the pure function, by model IRI."""
    found, matches = evidence
    return {
        iri: derive_model(record, found.claims_of(iri), found.sources, matches)
        for iri, record in found.models.items()
    }


@pytest.fixture
def client(location):
    with pytest.MonkeyPatch.context() as mp:
        for name in [n for n in os.environ if n.startswith("OPENNESS_")]:
            mp.delenv(name)
        app = create_app({"STORE": location, "TESTING": True})
    yield app.test_client()
    app.extensions["openness"].close()


def weights(derivations: dict, slug: str):
    """Return the assessment of published weights of one model."""
    return derivations[model(slug)].assessments[WEIGHTS]


# ---------------------------------------------------------------- one test per step


def test_step_1_no_claim_is_unknown(derivations) -> None:
    a = weights(derivations, "step-none")
    assert (a.level, a.assessment.rule, a.assessment.contested) == (
        "unknown",
        str(OG.NoClaimRule),
        False,
    )


def test_step_2_a_preferred_claim_decides(derivations) -> None:
    a = weights(derivations, "step-preferred")
    assert (a.level, a.assessment.rule, a.assessment.contested) == (
        "partial",
        str(OG.PreferredRule),
        False,
    )
    assert a.assessment.claims_by_level["open"] == (claim("preferred-newer"),)


def test_step_3_a_single_claim_decides(derivations) -> None:
    a = weights(derivations, "step-single")
    assert (a.level, a.assessment.rule) == ("open", str(OG.SingleClaimRule))


def test_step_4_agreeing_claims_are_not_contested(derivations) -> None:
    a = weights(derivations, "step-agree")
    assert (a.level, a.assessment.rule, a.assessment.contested) == (
        "open",
        str(OG.AgreementRule),
        False,
    )
    assert not a.assessment.needs_review and str(OG.NeedsReview) not in a.flags


def test_step_5_the_release_decides_over_a_later_denial_and_needs_review(derivations) -> None:
    a = weights(derivations, "gamma")
    x = a.assessment
    assert (a.level, x.rule, x.contested, x.needs_review) == (
        "open",
        str(OG.PrimaryEvidenceRule),
        True,
        True,
    )
    assert x.decided_by == claim("gamma-release-weights")
    assert x.claims_by_level["closed"] == (claim("gamma-report-weights"),)
    assert {str(OG.Contested), str(OG.NeedsReview)} <= set(a.flags)
    # The release's word places Gamma on tier 2; the report's would have put it on tier 3.
    score = derivations[GAMMA].scores[f"{ID}framework/oti-2024"]
    assert score.score.grade == f"{ID}grade/oti-2024/tier-2"
    assert {str(OG.Contested), str(OG.NeedsReview)} <= set(score.flags)


def test_step_6_among_equals_the_most_recent_then_the_lower_level(derivations) -> None:
    recent = weights(derivations, "step-recent").assessment
    assert (recent.level, recent.rule, recent.contested, recent.needs_review) == (
        "open",
        str(OG.MostRecentRule),
        True,
        False,
    )
    # The developer's blog post describes its model: it weighs no more than the report.
    blog = weights(derivations, "step-blog").assessment
    assert (blog.level, blog.rule, blog.decided_by) == (
        "closed",
        str(OG.MostRecentRule),
        claim("blog-report"),
    )
    assert not blog.needs_review
    same_day = weights(derivations, "step-same-day").assessment
    assert (same_day.level, same_day.decided_by) == ("closed", claim("same-day-closed"))


# ---------------------------------------------------------------- the contest on every surface


def select(location: str, query: str) -> list[tuple[str, ...]]:
    """Run ``query`` on the store at ``location``; return its rows as plain strings."""
    store = open_store(location)
    try:
        return [
            tuple(term.value for term in row)
            for row in store.query(query, use_default_graph_as_union=True)
        ]
    finally:
        del store


def test_the_derived_triples_say_contested_needs_review_and_the_rule(location) -> None:
    rows = select(
        location,
        f"""SELECT ?contested ?rule ?flag WHERE {{
          <{GAMMA_WEIGHTS}> <{OG.contested}> ?contested ; <{OG.resolvedBy}> ?rule ;
                            <{OG.flag}> ?flag }}""",
    )
    score_flags = {
        flag
        for (flag,) in select(
            location, f"SELECT ?flag WHERE {{ <{ID}score/gamma/oti-2024> <{OG.flag}> ?flag }}"
        )
    }
    assert {r[0] for r in rows} == {"true"}
    assert {r[1] for r in rows} == {str(OG.PrimaryEvidenceRule)}
    assert {str(OG.Contested), str(OG.NeedsReview)} <= {r[2] for r in rows}
    assert {str(OG.Contested), str(OG.NeedsReview)} <= score_flags


def run(capsys, *argv: str) -> str:
    assert main(list(argv)) == 0
    return capsys.readouterr().out


def test_the_trace_says_so_as_text_json_and_turtle(location, capsys) -> None:
    text = run(capsys, "--store", location, "trace", "gamma", "--framework", "oti-2024")
    assert (
        "contested: yes, on Published model weights (closed 1, open 1), "
        "decided by primary evidence, needs review"
    ) in " ".join(text.split())
    data = json.loads(run(capsys, "--store", location, "trace", "gamma", "--format", "json"))
    (score,) = [s for s in data["scores"] if s["framework"]["slug"] == "oti-2024"]
    (a,) = [a for a in score["assessments"] if a["iri"] == GAMMA_WEIGHTS]
    assert (a["contested"], a["needs_review"], a["rule"]["iri"]) == (
        True,
        True,
        str(OG.PrimaryEvidenceRule),
    )
    assert {"contested", "needs-review"} <= set(a["flags"]) & set(score["flags"])
    assert {c["iri"]: c["primary"] for c in a["claims"]} == {
        claim("gamma-release-weights"): True,
        claim("gamma-report-weights"): False,
    }
    turtle = run(capsys, "--store", location, "trace", "gamma", "--format", "turtle")
    g = rdflib.Graph().parse(data=turtle, format="turtle")
    node = rdflib.URIRef(GAMMA_WEIGHTS)
    assert (node, OG.resolvedBy, OG.PrimaryEvidenceRule) in g
    assert (node, OG.flag, OG.NeedsReview) in g
    assert (node, OG.contested, rdflib.Literal(True)) in g


def test_openness_spectrum_lists_the_contested_placement(location, capsys) -> None:
    out = run(capsys, "--store", location, "spectrum", "--no-load")
    lines = out.split("Contested placements", 1)[1].splitlines()
    at = next(i for i, line in enumerate(lines) if line.startswith("Gamma "))
    assert "contested" in lines[at] and "needs-review" in lines[at]
    assert lines[at + 1].strip() == (
        "Published model weights: decided by primary evidence, needs review"
    )


def test_the_pages_and_the_csv_say_so(client) -> None:
    page = client.get("/id/model/gamma.json").json
    (oti,) = [g for g in page["assessments"] if g["framework"]["iri"].endswith("/oti-2024")]
    (a,) = [a for a in oti["criteria"] if a["iri"] == GAMMA_WEIGHTS]
    assert a["contested"] and a["rule"]["iri"] == str(OG.PrimaryEvidenceRule)
    assert "needs-review" in a["flags"]
    assert "needs-review" in page["flags"]
    html = client.get("/id/model/gamma").text
    assert "needs-review" in html and "primary evidence" in html

    spectrum = client.get("/spectrum.json").json
    (entry,) = [m for m in spectrum["contested"] if m["model"]["iri"] == GAMMA]
    assert entry["placed_at"]["iri"] == f"{ID}grade/oti-2024/tier-2"
    assert {"contested", "needs-review"} <= set(entry["placement_flags"])
    assert [
        (c["criterion"]["iri"], c["rule"]["iri"], c["needs_review"])
        for c in entry["placement_contested"]
    ] == [(WEIGHTS, str(OG.PrimaryEvidenceRule), True)]
    assert "primary evidence" in client.get("/spectrum").text

    compare = client.get("/compare.json?model=gamma&model=step-agree").json
    (oti,) = [f for f in compare["frameworks"] if f["framework"]["slug"] == "oti-2024"]
    (row,) = [r for r in oti["criteria"] if r["criterion"]["iri"] == WEIGHTS]
    gamma, agree = row["cells"]
    assert gamma["contested"] and "needs-review" in gamma["flags"]
    assert gamma["rule"]["iri"] == str(OG.PrimaryEvidenceRule)
    assert not agree["contested"] and agree["rule"]["iri"] == str(OG.AgreementRule)
    assert "needs review" in client.get("/compare?model=gamma&model=step-agree").text

    response = client.get("/downloads/scores.csv")
    rows = list(csv.DictReader(io.StringIO(response.text)))
    (row,) = [r for r in rows if r["model"] == GAMMA and r["framework"] == "oti-2024"]
    assert {"contested", "needs-review"} <= set(row["flags"].split())
    assert row["contested"] == (
        "oti-2024/published-weights: decided by primary evidence, needs review"
    )
    # A score whose assessments all agree names no contest.
    assert all(r["contested"] == "" for r in rows if "contested" not in r["flags"].split())


# ---------------------------------------------------------------- openwashing


def test_openwashing_needs_the_developers_own_claim(derivations) -> None:
    washed = derivations[model("washed")].openwashing
    assert washed.flagged and washed.called_open_by == (claim("washed-called"),)
    by_blog = derivations[model("washed-by-blog")].openwashing
    assert by_blog.flagged and by_blog.called_open_by == (claim("washed-by-blog-called"),)
    # The press calling a model open source is not its developer's openwashing.
    others = derivations[model("called-by-others")]
    assert not others.openwashing.flagged and others.openwashing.called_open_by == ()
    assert all(str(OG.Openwashing) not in s.flags for s in others.scores.values())


def test_a_called_open_claim_is_never_primary(evidence) -> None:
    found, _ = evidence
    (record,) = found.claims_of(model("washed-by-blog"))
    assert found.sources[f"{ID}source/blog"].kinds == (str(OG.BlogPost),)
    assert not is_primary(record, found.sources)
