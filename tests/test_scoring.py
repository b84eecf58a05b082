"""Scores reproduce each framework's published results; claims resolve by the written rules."""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import itertools
import json
import random
from pathlib import Path

import pytest
import rdflib
import yaml

from graph import paths
from graph.licences import resolve_licence
from graph.namespaces import ID, OG
from graph.scoring import (
    Assessment,
    Claim,
    first_day,
    legacy_score,
    mof,
    mof_classes,
    mof_component_level,
    osai_index,
    osai_index_score,
    osaid,
    osaid_meets,
    resolve_claims,
    spectrum,
    spectrum_tier,
)

FIXTURES = Path(__file__).parent / "fixtures"
OSAI = FIXTURES / "osai_index"
MOF = FIXTURES / "mof"
MOF_RECORDS = sorted((MOF / "Test_Data").glob("*.yml"))
OSAI_RECORDS = sorted((OSAI / "current").glob("*.yaml"))

MODEL = f"{ID}model/test-model"


def osai(j: str) -> str:
    return f"{ID}criterion/osai-index/{j}"


def legacy(j: str) -> str:
    return f"{ID}criterion/opening-up-chatgpt/{j}"


def oti(slug: str) -> str:
    return f"{ID}criterion/oti-2024/{slug}"


def grade(framework: str, slug: str) -> str:
    return f"{ID}grade/{framework}/{slug}"


# ---------------------------------------------------------------- EU Open Source AI Index

INDEX_POINTS = {"open": 1.0, "partial": 0.5}


@pytest.fixture(scope="module")
def parameters() -> dict[str, list[str]]:
    """Return category ref -> judgement ids, as the index's _parameters.yml lists them."""
    data = yaml.safe_load((OSAI / "_parameters.yml").read_text(encoding="utf-8"))
    return {cat["ref"]: [p["ref"] for p in cat["params"]] for cat in data}


def read_index_record(path: Path, judgements: list[str]) -> dict[str, str | None]:
    """Return judgement id -> class as the record states it (None when absent or empty)."""
    record = yaml.safe_load(path.read_text(encoding="utf-8"))
    return {j: (record.get(j) or {}).get("class") for j in judgements}


def test_index_fixtures_are_present() -> None:
    assert len(OSAI_RECORDS) >= 6


def test_index_categories_match_the_index(parameters) -> None:
    assert {k: list(v) for k, v in osai_index.CATEGORIES.items()} == parameters
    assert len(osai_index.CRITERIA) == 12


@pytest.mark.parametrize("path", OSAI_RECORDS, ids=lambda p: p.stem)
def test_index_score_matches_the_sites_formula(path: Path, parameters) -> None:
    judgements = [j for members in parameters.values() for j in members]
    classes = read_index_record(path, judgements)
    assert set(classes.values()) <= {"open", "partial", "closed"}, "fixture has odd classes"
    assessments = {
        osai(j): Assessment(MODEL, osai(j), c, (), False) for j, c in classes.items() if c
    }

    score = osai_index_score(assessments)

    expected = sum(INDEX_POINTS.get(c, 0.0) for c in classes.values()) / len(judgements)
    assert score.value == expected
    assert score.framework == f"{ID}framework/osai-index"
    assert score.grade is None
    for ref, members in parameters.items():
        sub = sum(INDEX_POINTS.get(classes[j], 0.0) for j in members) / len(members)
        assert score.sub_scores[f"{ID}criterion/osai-index/category-{ref}"] == sub
    assert score.points == {osai(j): INDEX_POINTS.get(c, 0.0) for j, c in classes.items()}
    assert score.missing == ()


def test_index_fixtures_span_the_scale(parameters) -> None:
    judgements = [j for members in parameters.values() for j in members]
    values = set()
    for path in OSAI_RECORDS:
        classes = read_index_record(path, judgements)
        values.add(osai_index_score({osai(j): c for j, c in classes.items()}).value)
    assert 0.0 in values and 1.0 in values and len(values) >= 5


def test_index_missing_and_unknown_score_zero_and_are_listed() -> None:
    levels = {osai(j): "open" for j in osai_index.JUDGEMENTS}
    levels[osai("paper")] = "unknown"
    del levels[osai("datasheet")]
    levels[osai("package")] = "closed"  # a removed judgement: not part of the score

    score = osai_index_score(levels)

    assert score.value == 10 / 12
    assert score.missing == (osai("paper"), osai("datasheet"))
    assert score.points[osai("paper")] == 0.0
    assert osai("package") not in score.points
    assert score.sub_scores[f"{ID}criterion/osai-index/category-documentation"] == 4 / 6


def test_index_accepts_assessments_bare_levels_and_level_iris() -> None:
    bare = {osai("trainingcode"): "partial", osai("licenses"): "open"}
    iris = {k: f"{OG}{v}" for k, v in bare.items()}
    records = {k: Assessment(MODEL, k, v) for k, v in bare.items()}
    assert osai_index_score(bare) == osai_index_score(iris) == osai_index_score(records)
    assert osai_index_score(None).value == 0.0


def test_index_rejects_an_unknown_level() -> None:
    with pytest.raises(ValueError, match="unknown level"):
        osai_index_score({osai("code"): "mostly"})


@pytest.fixture(scope="module")
def legacy_rows() -> list[dict[str, str]]:
    with open(OSAI / "legacy" / "df.csv", newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def test_legacy_sums_equal_the_tables_openness_column(legacy_rows) -> None:
    assert len(legacy_rows) >= 10
    for row in legacy_rows:
        assessments = {
            legacy(j): row[f"{j}.class"]
            for j in osai_index.LEGACY_JUDGEMENTS
            if row[f"{j}.class"] in ("open", "partial", "closed")
        }
        score = legacy_score(assessments)
        assert score.value == float(row["openness"]), row["source.file"]
        assert score.framework == f"{ID}framework/opening-up-chatgpt"


def test_legacy_table_has_fourteen_judgements(legacy_rows) -> None:
    columns = [c[: -len(".class")] for c in legacy_rows[0] if c.endswith(".class")]
    assert columns == list(osai_index.LEGACY_JUDGEMENTS)
    assert legacy_score({legacy(j): "open" for j in columns}).value == 14


# ---------------------------------------------------------------- Model Openness Framework

CLASS_NUMBER = {
    None: 0,
    grade("mof", "class-i"): 1,
    grade("mof", "class-ii"): 2,
    grade("mof", "class-iii"): 3,
}


@pytest.fixture(scope="module")
def mof_settings() -> list[dict]:
    return yaml.safe_load((MOF / "mof.settings.yml").read_text(encoding="utf-8"))["components"]


@pytest.fixture(scope="module")
def expected_mof() -> dict[str, dict]:
    # The tool's export has trailing commas, which JSON rejects and YAML accepts.
    data = yaml.safe_load((MOF / "Test_Data" / "expected_results.json").read_text("utf-8"))
    return {m["release"]["name"]: m["classification"] for m in data["models"]}


def mof_levels(release: dict, settings: list[dict]) -> dict[str, str]:
    """Turn a Model Openness Tool record into levels on the MOF criteria."""
    content_type = {c["name"]: c["content_type"] for c in settings}
    release_licences = {k: (v or {}).get("name") for k, v in (release.get("license") or {}).items()}
    included = {c["name"]: c for c in release.get("components") or []}
    levels = {}
    for name in content_type:
        comp = included.get(name)
        licence = (
            resolve_licence(comp.get("license"), content_type[name], release_licences)
            if comp
            else None
        )
        levels[mof.COMPONENTS_BY_NAME[name].iri] = mof_component_level(comp is not None, licence)
    return levels


def test_mof_fixtures_are_all_present(expected_mof) -> None:
    assert len(MOF_RECORDS) == 27
    assert len(expected_mof) == 27


def test_mof_component_table_matches_the_tools_settings(mof_settings) -> None:
    ours = {(c.name, c.content_type, c.mof_class, c.required) for c in mof.COMPONENTS}
    theirs = {(c["name"], c["content_type"], c["class"], c["required"]) for c in mof_settings}
    assert ours == theirs
    assert len(mof.COMPONENTS) == 17


def test_mof_criterion_slugs_follow_the_contract() -> None:
    assert [c.slug for c in mof.COMPONENTS] == [
        "model-architecture",
        "model-parameters-final",
        "model-card",
        "data-card",
        "technical-report",
        "evaluation-results",
        "sample-model-outputs",
        "training-code",
        "inference-code",
        "evaluation-code",
        "evaluation-data",
        "supporting-libraries-and-tools",
        "datasets",
        "data-preprocessing-code",
        "model-parameters-intermediate",
        "research-paper",
        "model-metadata",
    ]
    assert mof.TECHNICAL_REPORT == f"{ID}criterion/mof/technical-report"


@pytest.mark.parametrize("path", MOF_RECORDS, ids=lambda p: p.stem)
def test_mof_reproduces_the_tools_expected_results(path, mof_settings, expected_mof) -> None:
    release = yaml.safe_load(path.read_text(encoding="utf-8"))["release"]
    expected = expected_mof[release["name"]]

    score = mof_classes(mof_levels(release, mof_settings))

    assert CLASS_NUMBER[score.grade] == expected["class"]
    assert score.value == expected["class"]
    for number, slug in ((1, "class-i"), (2, "class-ii"), (3, "class-iii")):
        assert score.progress[grade("mof", slug)] == expected["progress"][str(number)]
        metric = f"{ID}framework/mof/metric/{slug}-progress"
        assert score.sub_scores[metric] == expected["progress"][str(number)]


def test_mof_fixtures_cover_every_class(mof_settings) -> None:
    reached = set()
    for path in MOF_RECORDS:
        release = yaml.safe_load(path.read_text(encoding="utf-8"))["release"]
        reached.add(mof_classes(mof_levels(release, mof_settings)).grade)
    assert reached == set(CLASS_NUMBER)


def all_open(mof_class: int) -> dict[str, str]:
    """Return levels with every component a class requires open, the rest closed."""
    needed = set(mof.required_for(mof_class))
    return {c.iri: "open" if c.iri in needed else "closed" for c in mof.COMPONENTS}


def test_mof_classes_are_cumulative_and_progress_is_zero_above_an_incomplete_class() -> None:
    levels = all_open(2)
    levels[mof.COMPONENTS_BY_NAME["Model card"].iri] = "partial"  # Class III now incomplete

    score = mof_classes(levels)

    assert score.grade is None
    assert score.value == 0
    assert score.progress[grade("mof", "class-iii")] == 5 / 6 * 100
    assert score.progress[grade("mof", "class-ii")] == 0
    assert score.progress[grade("mof", "class-i")] == 0
    assert score.missing == (mof.COMPONENTS_BY_NAME["Model card"].iri,)


def test_mof_reports_what_the_next_class_up_lacks() -> None:
    score = mof_classes(all_open(2))
    assert score.grade == grade("mof", "class-ii")
    assert set(score.missing) == set(mof.required_for(1)) - set(mof.required_for(2))
    assert score.progress[grade("mof", "class-i")] == 10 / 14 * 100
    assert score.mean_progress == (100 + 100 + 10 / 14 * 100) / 3
    assert mof_classes(all_open(1)).missing == ()


def test_mof_optional_components_never_count() -> None:
    levels = all_open(3)
    for name in ("Sample model outputs", "Supporting libraries and tools", "Model metadata"):
        levels[mof.COMPONENTS_BY_NAME[name].iri] = "open"
    assert mof_classes(levels).progress == mof_classes(all_open(3)).progress


def test_mof_research_paper_stands_in_for_a_missing_technical_report() -> None:
    levels = all_open(2)
    levels[mof.TECHNICAL_REPORT] = "closed"
    levels[mof.RESEARCH_PAPER] = "open"

    score = mof_classes(levels)

    assert score.research_paper_substitutes
    assert score.grade == grade("mof", "class-ii")
    assert mof.TECHNICAL_REPORT not in score.missing_by_class[grade("mof", "class-i")]
    # Class I then needs 13 components, of which 10 are open (as the tool's Class2R fixture).
    assert score.progress[grade("mof", "class-i")] == 10 / 13 * 100
    assert score.points[mof.TECHNICAL_REPORT] == 0.0


def test_mof_research_paper_not_open_does_not_stand_in() -> None:
    levels = all_open(3)
    levels[mof.TECHNICAL_REPORT] = "closed"
    levels[mof.RESEARCH_PAPER] = "partial"  # included, but not under an open licence

    score = mof_classes(levels)

    assert not score.research_paper_substitutes
    assert score.grade is None
    assert score.missing == (mof.TECHNICAL_REPORT,)


def test_mof_both_reports_open_needs_all_fourteen() -> None:
    levels = all_open(1)
    levels[mof.COMPONENTS_BY_NAME["Datasets"].iri] = "closed"
    score = mof_classes(levels)
    assert not score.research_paper_substitutes
    assert score.progress[grade("mof", "class-i")] == 13 / 14 * 100


def test_mof_unknown_counts_as_not_included() -> None:
    levels = all_open(3)
    levels[mof.COMPONENTS_BY_NAME["Data card"].iri] = "unknown"
    assert mof_classes(levels).grade is None
    assert mof_classes({}).progress[grade("mof", "class-iii")] == 0


def test_mof_component_levels() -> None:
    assert mof_component_level(False, "MIT") == "closed"
    assert mof_component_level(True, "MIT") == "open"
    assert mof_component_level(True, None) == "partial"
    assert mof_component_level(True, "Llama 3 Community License") == "partial"


def requirements(graph: rdflib.Graph, grade_iri: str) -> set[tuple[str, str | None, str | None]]:
    rows = graph.query(
        """SELECT ?c ?least ?most WHERE {
             ?g og:requirement ?r . ?r og:onCriterion ?c .
             OPTIONAL { ?r og:atLeast ?least } OPTIONAL { ?r og:atMost ?most } }""",
        initNs={"og": OG},
        initBindings={"g": rdflib.URIRef(grade_iri)},
    )
    local = lambda x: str(x)[len(str(OG)) :] if x is not None else None  # noqa: E731
    return {(str(c), local(least), local(most)) for c, least, most in rows}


def test_mof_requirements_agree_with_the_framework_scheme() -> None:
    graph = rdflib.Graph().parse(paths.FRAMEWORKS_DIR / "mof.ttl")
    for number, iri in mof.CLASS_GRADES.items():
        assert requirements(graph, iri) == {(c, "open", None) for c in mof.required_for(number)}


# ---------------------------------------------------------------- OTI spectrum


def oti_levels(**kw: str) -> dict[str, str]:
    return {oti(k.replace("_", "-")): v for k, v in kw.items()}


MISTRAL = oti_levels(
    open_code="open",
    published_weights="open",
    training_data_transparency="open",
    threat_transparency="open",
    public_access="open",
)
LLAMA = oti_levels(
    open_code="open",
    published_weights="open",
    training_data_transparency="partial",
    threat_transparency="partial",
    public_access="open",
)
GROK = oti_levels(
    open_code="open",
    published_weights="closed",
    training_data_transparency="closed",
    threat_transparency="closed",
)
CHATGPT = oti_levels(
    open_code="closed",
    published_weights="closed",
    public_access="open",
    training_data_transparency="partial",
    threat_transparency="partial",
)
INTERNAL = oti_levels(
    open_code="closed",
    published_weights="closed",
    public_access="closed",
    training_data_transparency="closed",
    threat_transparency="closed",
)


@pytest.mark.parametrize(
    ("levels", "tier", "missing"),
    [
        (MISTRAL, 1, ()),
        (LLAMA, 2, ("training-data-transparency", "threat-transparency")),
        (GROK, 3, ("published-weights", "threat-transparency")),
        (CHATGPT, 4, ("open-code",)),
        (INTERNAL, 5, ("public-access", "training-data-transparency", "threat-transparency")),
    ],
    ids=["mistral", "llama", "grok", "closed-chat", "internal"],
)
def test_spectrum_places_the_reports_examples_on_their_rows(levels, tier, missing) -> None:
    score = spectrum_tier(levels)
    assert score.tier == score.value == tier
    assert score.grade == grade("oti-2024", f"tier-{tier}")
    assert score.missing == tuple(oti(m) for m in missing)
    assert score.exceeds == ()


def test_spectrum_no_evidence_is_unplaced_not_closed() -> None:
    score = spectrum_tier({})
    assert score.unplaced
    assert score.tier == score.value == 0
    assert score.grade is None
    assert set(score.missing) == set(spectrum.CRITERIA)


def test_spectrum_unknown_never_satisfies_an_at_least() -> None:
    levels = dict(MISTRAL)
    levels[oti("open-code")] = "unknown"
    del levels[oti("public-access")]
    score = spectrum_tier(levels)
    assert score.unplaced  # no row fits without open code or public access...
    assert score.missing == (oti("open-code"), oti("public-access"))
    levels[oti("public-access")] = "open"
    score = spectrum_tier(levels)
    assert score.unplaced  # ...and with public access, open code still decides tiers 1 to 4
    assert score.missing == (oti("open-code"),)
    levels[oti("open-code")] = "closed"
    score = spectrum_tier(levels)
    assert score.tier == 4  # closed code: the closed-chat row
    assert score.exceeds == (oti("published-weights"),)


def test_spectrum_unknown_downstream_effects_leave_open_weights_unplaced() -> None:
    levels = dict(LLAMA)
    levels[oti("threat-transparency")] = "unknown"
    score = spectrum_tier(levels)
    assert score.unplaced  # tier 2 or 3: the threat transparency decides
    assert score.missing == (oti("threat-transparency"),)


def test_spectrum_more_openness_never_lowers_the_tier() -> None:
    criteria = [
        oti(s)
        for s in (
            "open-code",
            "published-weights",
            "training-data-transparency",
            "threat-transparency",
            "public-access",
        )
    ]
    order = ["unknown", "closed", "partial", "open"]
    for combo in itertools.product(order, repeat=len(criteria)):
        levels = dict(zip(criteria, combo, strict=True))
        tier = spectrum_tier(levels).tier
        for criterion in criteria:
            for better in order[order.index(levels[criterion]) + 1 :]:
                raised = spectrum_tier({**levels, criterion: better}).tier
                assert not (tier and raised) or raised <= tier, (levels, criterion, better)


def test_spectrum_ignores_criteria_outside_the_table() -> None:
    levels = {
        **GROK,
        oti("open-licence"): "open",
        oti("open-standards"): "open",
        oti("input-transparency"): "open",
    }
    assert spectrum_tier(levels).tier == 3


def test_spectrum_tiers_agree_with_the_framework_scheme() -> None:
    graph = rdflib.Graph().parse(paths.FRAMEWORKS_DIR / "oti-2024.ttl")
    for number, conditions in spectrum.TIERS.items():
        ours = {(c.criterion, c.at_least, c.at_most) for c in conditions}
        assert requirements(graph, spectrum.TIER_GRADES[number]) == ours
        order = graph.value(rdflib.URIRef(spectrum.TIER_GRADES[number]), OG.gradeOrder)
        assert int(order) == number


# ---------------------------------------------------------------- OSI Open Source AI Definition


def osaid_c(slug: str) -> str:
    return f"{ID}criterion/osaid-1.0/{slug}"


def test_osaid_meets_when_all_three_components_are_open() -> None:
    score = osaid_meets({osaid_c(s): "open" for s in ("data-information", "code", "parameters")})
    assert score.meets
    assert score.grade == grade("osaid-1.0", "meets")
    assert score.value == 1
    assert score.missing == ()


@pytest.mark.parametrize("short", ["partial", "closed", "unknown", None])
def test_osaid_any_component_short_of_open_fails(short) -> None:
    levels = {osaid_c(s): "open" for s in ("data-information", "code", "parameters")}
    if short is None:
        del levels[osaid_c("data-information")]
    else:
        levels[osaid_c("data-information")] = short
    score = osaid_meets(levels)
    assert not score.meets
    assert score.grade == grade("osaid-1.0", "does-not-meet")
    assert score.value == 2
    assert score.missing == (osaid_c("data-information"),)
    assert score.points == {osaid.DATA_INFORMATION: 0.0, osaid.CODE: 1.0, osaid.PARAMETERS: 1.0}


CHECKLIST_OPEN = {
    osaid_c(s): "open"
    for s in (
        "datasets",
        "data-preprocessing-code",
        "training-code",
        "inference-code",
        "supporting-libraries-and-tools",
        "model-architecture",
        "model-parameters",
    )
}


def test_osaid_is_met_by_its_checklist_alone() -> None:
    score = osaid_meets(CHECKLIST_OPEN)
    assert score.meets and score.missing == ()
    assert {c: score.points[c] for c in osaid.COMPONENTS} == dict.fromkeys(osaid.COMPONENTS, 1.0)


@pytest.mark.parametrize("short", ["partial", "closed"])
@pytest.mark.parametrize("item", sorted(CHECKLIST_OPEN))
def test_osaid_names_the_checklist_component_that_falls_short(item, short) -> None:
    score = osaid_meets({**CHECKLIST_OPEN, item: short})
    assert not score.meets
    assert score.missing == (item,)
    assert score.points[item] == 0.0


def test_osaid_data_information_needs_the_datasets_not_a_card_or_a_paper() -> None:
    papers = {osaid_c(s): "open" for s in ("research-paper", "technical-report", "data-card")}
    levels = {**CHECKLIST_OPEN, osaid_c("datasets"): "closed", **papers}
    score = osaid_meets(levels)
    assert not score.meets and score.missing == (osaid_c("datasets"),)
    # Without any judged data component, the component itself is what is missing.
    del levels[osaid_c("datasets")]
    for c in papers:
        del levels[c]
    assert osaid_meets(levels).missing == (osaid.DATA_INFORMATION,)


def test_osaid_component_shown_by_its_own_claims_or_its_checklist() -> None:
    levels = {**CHECKLIST_OPEN, osaid_c("inference-code"): "closed", osaid.CODE: "open"}
    assert osaid_meets(levels).meets  # a claim on the component itself decides for it


def test_mappings_lend_in_full_only_when_exact_or_stricter() -> None:
    from graph.scoring import mappings as m

    a, b, c, d, e = (f"{ID}criterion/x/{s}" for s in "abcde")
    table = m.lenders(
        [
            (a, m.EXACT_MATCH, b),
            (a, m.CLOSE_MATCH, c),
            (a, m.BROAD_MATCH, d),  # a narrower than d: a stands in for d
            (e, m.NARROW_MATCH, a),  # a narrower than e: a stands in for e
            (c, m.STANDS_IN_FOR, b),
            (c, m.CLOSE_MATCH, b),
            (a, f"{m.SKOS}relatedMatch", e),
        ]
    )
    assert table[b] == {a: m.FULL, c: m.FULL}
    assert table[a] == {b: m.FULL, c: m.ANALOGY}
    assert table[c] == {a: m.ANALOGY, b: m.ANALOGY}
    assert table[d] == {a: m.STAND_IN} and table[e] == {a: m.STAND_IN}
    assert m.lent_level("open", m.ANALOGY) == "partial"
    assert m.lent_level("closed", m.ANALOGY) == "closed"
    assert m.lent_level("open", m.FULL) == "open"
    assert m.lent_level("closed", m.FULL) == "closed"
    # A stricter criterion met meets the broader one; falling short of it says nothing.
    assert m.lent_level("open", m.STAND_IN) == "open"
    assert m.lent_level("closed", m.STAND_IN) is None
    assert m.lent_level("partial", m.STAND_IN) is None
    assert m.strength(table, d, a) == m.STAND_IN
    assert m.strength({d: frozenset({a})}, d, a) == m.ANALOGY  # no strengths: read as close


def test_osaid_uses_only_its_own_criteria() -> None:
    score = osaid_meets({oti("open-code"): "open", osai("weights_endmodel"): "open"})
    assert score.missing == osaid.COMPONENTS


# ---------------------------------------------------------------- results are records


def test_scores_are_frozen_records() -> None:
    score = mof_classes({})
    with pytest.raises(dataclasses.FrozenInstanceError):
        score.value = 3  # type: ignore[misc]
    # A trace can serialise every field.
    assert json.dumps(dataclasses.asdict(score))


# ---------------------------------------------------------------- resolving claims

CRITERION = oti("published-weights")


def claim(iri: str, level: str, stated_on, rank: str = "normal", primary: bool = False) -> Claim:
    return Claim(
        f"{ID}claim/{iri}",
        level,
        rank,
        stated_on,
        primary,
        (f"{ID}source/{iri}",),
        MODEL,
        CRITERION,
    )


def c(iri: str) -> str:
    return f"{ID}claim/{iri}"


def test_no_claim_is_unknown() -> None:
    a = resolve_claims([], criterion=CRITERION, model=MODEL)
    assert (a.level, a.rule, a.contested, a.claims) == ("unknown", str(OG.NoClaimRule), False, ())
    assert a.decided_by is None


def test_a_single_claim_decides() -> None:
    a = resolve_claims([claim("a", "open", "2024-11-19")])
    assert (a.level, a.rule, a.contested) == ("open", str(OG.SingleClaimRule), False)
    assert a.claims == (c("a"),) and a.decided_by == c("a")
    assert (a.model, a.criterion) == (MODEL, CRITERION)


def test_agreeing_claims_keep_every_claim() -> None:
    a = resolve_claims([claim("a", "partial", "2023"), claim("b", "partial", "2024-02-01")])
    assert (a.level, a.rule, a.contested) == ("partial", str(OG.AgreementRule), False)
    assert set(a.claims) == {c("a"), c("b")}
    assert a.claims_by_level == {"partial": (c("b"), c("a"))}


def test_disagreement_goes_to_the_most_recent_and_is_contested() -> None:
    claims = [
        claim("old", "closed", "2023-05-01"),
        claim("new", "open", "2024-06-01"),
        claim("mid", "closed", "2024-01-01"),
    ]
    a = resolve_claims(claims)
    assert (a.level, a.rule, a.contested) == ("open", str(OG.MostRecentRule), True)
    assert a.decided_by == c("new")
    assert a.claims_by_level == {"open": (c("new"),), "closed": (c("mid"), c("old"))}
    assert set(a.claims) == {c("old"), c("new"), c("mid")}


def test_same_day_primary_source_beats_secondary() -> None:
    claims = [
        claim("report", "closed", "2024-06-01"),
        claim("card", "open", "2024-06-01", primary=True),
    ]
    assert resolve_claims(claims).level == "open"
    claims = [
        claim("report", "open", "2024-06-01"),
        claim("card", "closed", "2024-06-01", primary=True),
    ]
    assert resolve_claims(claims).level == "closed"


def test_primary_evidence_beats_a_later_secondary_claim_and_needs_review() -> None:
    claims = [
        claim("release", "open", "2024-01-10", primary=True),
        claim("report", "closed", "2025-02-01"),
    ]
    a = resolve_claims(claims)
    assert (a.level, a.rule, a.contested, a.needs_review) == (
        "open",
        str(OG.PrimaryEvidenceRule),
        True,
        True,
    )
    assert a.decided_by == c("release")


def test_disagreeing_primary_evidence_goes_to_the_most_recent_primary_claim() -> None:
    claims = [
        claim("card", "closed", "2023-01-01", primary=True),
        claim("repo", "open", "2024-01-01", primary=True),
        claim("report", "partial", "2025-01-01"),
    ]
    a = resolve_claims(claims)
    assert (a.level, a.rule, a.decided_by) == ("open", str(OG.MostRecentRule), c("repo"))
    assert a.needs_review  # the report contradicts both artefacts


def test_secondary_claims_alone_never_need_review() -> None:
    claims = [claim("a", "closed", "2023"), claim("b", "open", "2024")]
    a = resolve_claims(claims)
    assert (a.rule, a.contested, a.needs_review) == (str(OG.MostRecentRule), True, False)


def test_same_day_same_weight_the_lower_level_wins() -> None:
    claims = [
        claim("a", "open", "2024-06-01"),
        claim("b", "partial", "2024-06-01"),
        claim("c", "open", "2024-06-01"),
    ]
    a = resolve_claims(claims)
    assert (a.level, a.decided_by, a.contested) == ("partial", c("b"), True)


def test_resolution_does_not_depend_on_input_order() -> None:
    claims = [
        claim("a", "open", "2024-06"),
        claim("b", "closed", "2024-06-01"),
        claim("c", "partial", "2024-06-01", primary=True),
        claim("d", "partial", "2024-06-01", primary=True),
        claim("e", "open", "2023"),
    ]
    first = resolve_claims(claims)
    rng = random.Random(7)
    for _ in range(20):
        rng.shuffle(claims)
        assert resolve_claims(claims) == first
    assert first.decided_by == c("c")


def test_a_preferred_claim_wins_over_newer_normal_claims() -> None:
    claims = [
        claim("curated", "partial", "2023-01-01", rank="preferred"),
        claim("newer", "open", "2024-06-01"),
        claim("newest", "closed", "2025-01-01"),
    ]
    a = resolve_claims(claims)
    assert (a.level, a.rule, a.contested) == ("partial", str(OG.PreferredRule), False)
    assert a.claims == (c("curated"),)
    # The overridden normal claims stay visible, on their own side.
    assert a.claims_by_level == {
        "open": (c("newer"),),
        "closed": (c("newest"),),
        "partial": (c("curated"),),
    }


def test_the_most_recent_preferred_claim_wins_and_disagreeing_preferred_claims_contest() -> None:
    claims = [
        claim("p1", "closed", "2023-01-01", rank="preferred"),
        claim("p2", "open", "2024-01-01", rank="preferred"),
        claim("n", "closed", "2025"),
    ]
    a = resolve_claims(claims)
    assert (a.level, a.rule, a.contested, a.decided_by) == (
        "open",
        str(OG.PreferredRule),
        True,
        c("p2"),
    )
    assert set(a.claims) == {c("p1"), c("p2")}


def test_a_lone_preferred_claim_uses_the_preferred_rule() -> None:
    a = resolve_claims([claim("p", "open", "2024", rank="preferred")])
    assert (a.rule, a.contested) == (str(OG.PreferredRule), False)


@pytest.mark.parametrize(
    "base",
    [
        [],
        [claim("a", "open", "2024-01-01")],
        [claim("a", "open", "2024-01-01"), claim("b", "closed", "2023-01-01")],
        [claim("a", "partial", "2024-01-01", rank="preferred"), claim("b", "open", "2025")],
    ],
    ids=["none", "single", "contested", "preferred"],
)
@pytest.mark.parametrize(
    "deprecated",
    [
        claim("dep", "closed", "2026-01-01", rank="deprecated"),
        claim("dep", "open", "2026-01-01", rank="deprecated", primary=True),
        claim("dep", "closed", "2020", rank=f"{OG}DeprecatedRank"),
    ],
    ids=["newer", "newer-primary", "older"],
)
def test_a_deprecated_claim_changes_nothing(base, deprecated) -> None:
    without = resolve_claims(base, criterion=CRITERION, model=MODEL)
    with_it = resolve_claims([*base, deprecated], criterion=CRITERION, model=MODEL)
    assert with_it == without
    assert c("dep") not in str(with_it)


def test_as_of_excludes_claims_stated_later() -> None:
    claims = [claim("a", "closed", "2023-03-01"), claim("b", "open", "2024-11-19")]
    now = resolve_claims(claims)
    then = resolve_claims(claims, as_of=dt.date(2024, 1, 1))
    assert (now.level, now.contested) == ("open", True)
    assert (then.level, then.rule, then.contested) == ("closed", str(OG.SingleClaimRule), False)
    assert then.as_of == dt.date(2024, 1, 1)
    assert then.claims_by_level == {"closed": (c("a"),)}
    before = resolve_claims(claims, as_of="2022-12-31")
    assert (before.level, before.rule) == ("unknown", str(OG.NoClaimRule))
    # A claim stated on the as-of day counts.
    assert resolve_claims(claims, as_of="2024-11-19").level == "open"


def test_as_of_also_excludes_later_preferred_claims() -> None:
    claims = [claim("p", "open", "2025-01-01", rank="preferred"), claim("n", "closed", "2024")]
    assert resolve_claims(claims, as_of="2024-12-31").level == "closed"


def test_a_partial_date_stands_for_its_first_day() -> None:
    assert first_day("2024") == dt.date(2024, 1, 1)
    assert first_day("2024-11") == dt.date(2024, 11, 1)
    assert first_day("2024-11-19") == dt.date(2024, 11, 19)
    assert first_day(dt.date(2024, 11, 19)) == dt.date(2024, 11, 19)
    assert first_day(dt.datetime(2024, 11, 19, 23, 59)) == dt.date(2024, 11, 19)
    assert first_day("2024-11-19Z") == first_day("2024-11-19+05:00") == dt.date(2024, 11, 19)
    assert first_day("2024-11-19T10:00:00Z") == dt.date(2024, 11, 19)
    assert first_day(rdflib.Literal("2024-11", datatype=rdflib.XSD.gYearMonth)) == dt.date(
        2024, 11, 1
    )
    for bad in ("", "Nov 2024", "2024-13", "2024/11/19", "24-11-19"):
        with pytest.raises(ValueError):
            first_day(bad)


def test_partial_dates_order_by_their_first_day() -> None:
    # "2024-11-19" is later than "2024-11" (= 2024-11-01): the full date wins.
    claims = [claim("month", "open", "2024-11"), claim("day", "closed", "2024-11-19")]
    assert resolve_claims(claims).decided_by == c("day")
    # "2024-11" and "2024-11-01" tie; the primary source breaks the tie.
    claims = [claim("month", "open", "2024-11", primary=True), claim("day", "closed", "2024-11-01")]
    assert resolve_claims(claims).decided_by == c("month")


def test_partial_dates_and_as_of() -> None:
    claims = [claim("nov", "open", "2024-11"), claim("dec", "closed", "2024-12")]
    assert resolve_claims(claims, as_of="2024-11-05").claims == (c("nov"),)
    assert resolve_claims(claims, as_of="2024-10-31").level == "unknown"
    year = [claim("y", "open", "2024")]
    assert resolve_claims(year, as_of="2024-01-01").level == "open"
    assert resolve_claims(year, as_of="2023-12-31").level == "unknown"


def test_as_of_must_be_a_full_date() -> None:
    with pytest.raises(ValueError, match="full date"):
        resolve_claims([claim("a", "open", "2024")], as_of="2024-11")


def test_claims_about_different_criteria_are_refused() -> None:
    other = dataclasses.replace(claim("b", "open", "2024"), criterion=oti("open-code"))
    with pytest.raises(ValueError, match="criterion"):
        resolve_claims([claim("a", "open", "2024"), other])
    with pytest.raises(ValueError, match="criterion"):
        resolve_claims([])


def test_levels_and_ranks_may_be_written_as_iris() -> None:
    a = resolve_claims([claim("a", f"{OG}partial", "2024", rank=f"{OG}PreferredRank")])
    assert (a.level, a.rule) == ("partial", str(OG.PreferredRule))
    with pytest.raises(ValueError, match="rank"):
        resolve_claims([claim("a", "open", "2024", rank="best")])


def test_an_assessment_feeds_the_scorers() -> None:
    claims = [claim("a", "open", "2024-01-01"), claim("b", "closed", "2023-01-01")]
    assessment = resolve_claims(claims)
    score = spectrum_tier({**GROK, CRITERION: assessment})
    assert score.tier == 3  # open weights, but nothing on downstream effects
    assert score.exceeds == (CRITERION,)


def test_the_same_claim_read_twice_counts_once() -> None:
    once = claim("a", "open", "2024")
    assert resolve_claims([once, once]) == resolve_claims([once])
