"""graph.scoring.described: a framework scored from its description (pure), and read from a store."""

from __future__ import annotations

import itertools
from pathlib import Path

import pyoxigraph as ox
import pytest

from graph import loading, paths
from graph.derive import compute
from graph.framework_descriptions import read_descriptions, store_rules
from graph.scoring import osai_index
from graph.scoring.described import (
    MEAN,
    SUM,
    Description,
    GradeRule,
    Requirement,
    ScaleLevel,
    score_described,
)
from graph.scoring.levels import LEVELS, Assessment
from graph.scoring.rules import RULES, RULES_BY_IRI

F = "https://w3id.org/openness/id/framework/x"
A, B, C, D = (f"https://w3id.org/openness/id/criterion/x/{n}" for n in "abcd")
BINARY = (
    ScaleLevel("https://example.org/not-disclosed", "closed", 0, 0.0),
    ScaleLevel("https://example.org/disclosed", "open", 1, 1.0),
)


def grade(name: str, order: int, **kw) -> GradeRule:
    return GradeRule(f"https://w3id.org/openness/id/grade/x/{name}", order, **kw)


def test_a_sum_on_a_custom_scale_counts_the_points_of_each_level() -> None:
    d = Description(F, (A, B, C), SUM, scales=dict.fromkeys((A, B, C), BINARY))
    s = score_described(d, {A: "open", B: "closed", C: "open"})
    assert s.value == 2 and s.points == {A: 1.0, B: 0.0, C: 1.0} and not s.unplaced


def test_an_unknown_is_not_a_zero_unless_the_rule_says_so() -> None:
    d = Description(F, (A, B), SUM, scales=dict.fromkeys((A, B), BINARY))
    s = score_described(d, {A: "open"})
    assert s.unplaced and s.value == 1 and s.missing == (B,)
    zero = Description(F, (A, B), SUM, scales=dict.fromkeys((A, B), BINARY), unknown_points=0)
    s = score_described(zero, {A: "open"})
    assert not s.unplaced and s.value == 1 and s.points[B] == 0


def test_a_weighted_mean_over_nested_groups() -> None:
    upstream, data, model = "https://g/upstream", "https://g/data", "https://g/model"
    d = Description(
        F,
        (A, B, C, D),
        MEAN,
        weights={model: 3.0},
        groups=(upstream, model),
        members={upstream: (data, C), data: (A, B), model: (D,)},
        unknown_points=0,
    )
    s = score_described(d, {A: "open", B: "closed", C: "partial", D: "open"})
    # data = mean(1, 0) = 0.5; upstream = mean(0.5, 0.5) = 0.5; score = (0.5 + 3 * 1) / 4
    assert s.sub_scores == {data: 0.5, upstream: 0.5, model: 1.0}
    assert s.value == pytest.approx(3.5 / 4)
    assert d.leaves(upstream) == (A, B, C)


def test_cumulative_classes_need_what_the_lower_class_needs() -> None:
    iii = grade("class-iii", 3, requirements=(Requirement(A, at_least="open"),))
    ii = grade("class-ii", 2, requirements=(Requirement(B, at_least="open"),), builds_on=(iii.iri,))
    i = grade("class-i", 1, requirements=(Requirement(C, at_least="open"),), builds_on=(ii.iri,))
    d = Description(F, (A, B, C), grades=(i, ii, iii))
    s = score_described(d, {A: "open", B: "open", C: "closed"})
    assert s.grade == ii.iri and s.value == 2 and s.missing == (C,)
    # Class I's own requirement met is not enough without class III's.
    s = score_described(d, {A: "closed", B: "open", C: "open"})
    assert s.grade is None and s.value == 0 and not s.unplaced


def test_a_grade_that_turns_on_an_unknown_is_unplaced_not_the_lowest() -> None:
    meets = grade("meets", 1, requires_all="open")
    fails = grade("does-not-meet", 2)
    d = Description(F, (A, B), grades=(meets, fails))
    assert score_described(d, {A: "open", B: "open"}).grade == meets.iri
    assert score_described(d, {A: "open", B: "closed"}).grade == fails.iri
    s = score_described(d, {A: "open"})
    assert s.grade is None and s.unplaced and s.missing == (B,)


def test_grades_by_score_and_by_the_most_open_level_allowed() -> None:
    high = grade("high", 1, min_score=2)
    withheld = grade("withheld", 2, requirements=(Requirement(A, at_most="closed"),))
    low = grade("low", 3, min_score=0)
    d = Description(F, (A, B), SUM, grades=(high, withheld, low), unknown_points=0)
    assert score_described(d, {A: "open", B: "open"}).grade == high.iri
    assert score_described(d, {A: "closed", B: "open"}).grade == withheld.iri
    assert score_described(d, {A: "partial", B: "open"}).grade == low.iri


# ---------------------------------------------------------------- a shipped framework as data


def _as_sets(d: Description) -> dict:
    """Return a description with its order-free parts as sets: the store keeps no order."""
    return {
        "criteria": set(d.criteria),
        "aggregation": d.aggregation,
        "scales": {c: set(levels) for c, levels in d.scales.items()},
        "weights": dict(d.weights),
        "groups": set(d.groups),
        "members": {g: set(m) for g, m in d.members.items()},
        "grades": d.grades,
        "unknown_points": d.unknown_points,
    }


def loaded(store: ox.Store, *files: Path) -> ox.Store:
    """Return ``store`` with ``files`` loaded as ``openness load`` loads them."""
    todo, _ = loading.prepare(list(files), paths.ROOT, store)
    list(loading.write(store, todo, paths.ROOT))
    return store


@pytest.fixture(scope="module")
def index_store(module_new_store):
    return loaded(
        module_new_store(),
        paths.ONTOLOGY_DIR / "openness.ttl",
        paths.FRAMEWORKS_DIR / "osai-index.ttl",
        paths.FRAMEWORKS_DIR / "opening-up-chatgpt.ttl",
        *(paths.DATA_DIR / "osai-index").glob("*.ttl"),
    )


def test_the_index_and_legacy_table_are_described_in_their_schemes(index_store) -> None:
    descriptions = read_descriptions(index_store)
    for shipped in (osai_index.INDEX, osai_index.LEGACY):
        assert _as_sets(descriptions[shipped.framework]) == _as_sets(shipped), shipped.framework
    # The removed judgements are deprecated in the scheme, and not scored.
    assert f"{osai_index.FRAMEWORK.replace('framework', 'criterion')}/package" not in set(
        descriptions[osai_index.FRAMEWORK].criteria
    )


def test_the_derivation_scores_the_index_and_legacy_table_from_the_store(index_store) -> None:
    descriptions = read_descriptions(index_store)
    rules = {r.iri: r for r in store_rules(index_store)}
    for framework in (osai_index.FRAMEWORK, osai_index.LEGACY_FRAMEWORK):
        assert _as_sets(rules[framework].description) == _as_sets(descriptions[framework])
        assert rules[framework].criteria == RULES_BY_IRI[framework].criteria  # the published order
    derivations = compute(index_store)
    scored = {
        f: [d for d in derivations.values() if d.scores[f].evidenced]
        for f in (osai_index.FRAMEWORK, osai_index.LEGACY_FRAMEWORK)
    }
    assert len(scored[osai_index.LEGACY_FRAMEWORK]) == 46
    assert len(scored[osai_index.FRAMEWORK]) >= 190
    for framework, by_record in (
        (osai_index.FRAMEWORK, osai_index.osai_index_score),
        (osai_index.LEGACY_FRAMEWORK, osai_index.legacy_score),
    ):
        for d in scored[framework]:
            from_store = d.scores[framework].score
            expected = by_record({c: a.assessment for c, a in d.assessments.items()})
            assert from_store.value == expected.value, d.model.label
            assert dict(from_store.points) == dict(expected.points), d.model.label
            assert dict(from_store.sub_scores) == dict(expected.sub_scores), d.model.label
            assert from_store.missing == expected.missing, d.model.label
            assert not from_store.unplaced


# ---------------------------------------------------------------- "all required", shown by parts


def _with_shown(d: Description) -> dict:
    """Return ``_as_sets`` with what an "all required" description adds, order-free too."""
    return _as_sets(d) | {
        "grades": {
            g.iri: (g.order, set(g.requirements), g.builds_on, g.admits_more_open) for g in d.grades
        },
        "unknown_on": dict(d.unknown_on),
        "shown_by": {c: set(s) for c, s in d.shown_by.items()},
        "parts": {c: set(p) for c, p in d.parts.items()},
        "uses_matches": d.uses_matches,
        "over_unknowns": d.over_unknowns,
        "unknown_counts_as": d.unknown_counts_as,
        "substitutes": {c: set(s) for c, s in d.substitutes.items()},
        "progress": dict(d.progress),
    }


@pytest.fixture(scope="module")
def osaid_store(module_new_store):
    return loaded(
        module_new_store(),
        paths.ONTOLOGY_DIR / "openness.ttl",
        paths.FRAMEWORKS_DIR / "osaid-1.0.ttl",
        paths.FRAMEWORKS_DIR / "oti-2024.ttl",
    )


def test_the_osi_definition_is_described_in_its_scheme(osaid_store) -> None:
    from graph.scoring import osaid

    described = read_descriptions(osaid_store)[osaid.FRAMEWORK]
    assert _with_shown(described) == _with_shown(osaid.DESCRIPTION)
    rule = {r.iri: r for r in store_rules(osaid_store)}[osaid.FRAMEWORK]
    assert rule.uses_matches and rule.integer_value
    assert rule.criteria == osaid.CRITERIA  # the published order
    # The requirements and the criteria showing a component keep the scheme's order.
    (meets,) = [g for g in rule.description.grades if g.iri == osaid.MEETS]
    assert tuple(r.criterion for r in meets.requirements) == osaid.COMPONENTS
    assert rule.description.shown_by == osaid.SHOWN_BY


P1, P2, Q = (f"https://w3id.org/openness/id/criterion/x/{n}" for n in ("p1", "p2", "q"))


def _all_required() -> Description:
    """A "whole" A shown open by its parts P1 and P2; Q a part that never shows it."""
    return Description(
        F,
        (A, P1, P2, Q),
        scales=dict.fromkeys((A, P1, P2, Q), BINARY),
        grades=(grade("meets", 1, requirements=(Requirement(A, at_least="open"),)), grade("no", 2)),
        unknown_on={A: 0.0},
        shown_by={A: (P1, P2)},
        parts={A: (P1, P2, Q)},
    )


def test_a_criterion_is_shown_open_by_all_its_parts() -> None:
    d = _all_required()
    s = score_described(d, {P1: "open", P2: "open"})
    assert s.grade == "https://w3id.org/openness/id/grade/x/meets" and s.points[A] == 1.0
    # Its own open claim shows it too, whatever its parts say.
    assert score_described(d, {A: "open", P1: "closed"}).grade.endswith("/meets")
    # Unknown parts count no points; the whole, on a scale with og:unknownPoints, counts 0.
    assert score_described(d, {P1: "open"}).points == {A: 0.0, P1: 1.0}


def test_what_an_all_required_grade_falls_short_on() -> None:
    d = _all_required()
    # A part short of open: the grade is missed, on that part.
    s = score_described(d, {P1: "open", P2: "closed"})
    assert s.grade.endswith("/no") and s.missing == (P2,)
    # Nothing judged of its parts: on the whole itself, a finding when the whole is judged ...
    s = score_described(d, {A: "closed"})
    assert s.grade.endswith("/no") and s.missing == (A,)
    # ... and unplaced, not "no", when the shortfall is only unknowns.
    s = score_described(d, {Q: "closed"})
    assert s.unplaced and s.grade is None and s.missing == (P1, P2)


def test_the_spectrum_is_described_in_its_scheme(osaid_store) -> None:
    from graph.scoring import spectrum

    described = read_descriptions(osaid_store)[spectrum.FRAMEWORK]
    assert _with_shown(described) == _with_shown(spectrum.DESCRIPTION)
    rule = {r.iri: r for r in store_rules(osaid_store)}[spectrum.FRAMEWORK]
    # By its tiers alone: the criteria no row names are not read, and give no points.
    assert rule.criteria == spectrum.CRITERIA and rule.uses_matches and rule.integer_value
    assert score_described(rule.description, {spectrum.OPEN_CODE: "open"}).points == {}


def _rows() -> Description:
    """Two rows that admit more open models and a closed row, decided over every filling."""
    top = grade("top", 1, requirements=(Requirement(A, at_least="open"),), admits_more_open=True)
    mid = grade(
        "mid",
        2,
        requirements=(Requirement(A, at_least="partial"), Requirement(B, at_most="closed")),
        admits_more_open=True,
    )
    shut = grade("shut", 3, requirements=(Requirement(A, at_most="closed"),))
    return Description(F, (A, B), grades=(top, mid, shut), over_unknowns=True)


def test_a_row_that_admits_more_open_models_keeps_one_that_outdoes_it() -> None:
    d = _rows()
    s = score_described(d, {A: "partial", B: "open"})  # more open than mid's og:atMost on B
    assert s.grade.endswith("/mid") and s.value == 2 and s.missing == (A,)
    s = score_described(d, {A: "closed", B: "open"})  # the closed row's og:atMost binds
    assert s.grade.endswith("/shut") and s.missing == (A,)


def test_a_grade_over_unknowns_is_given_only_when_every_filling_agrees() -> None:
    d = _rows()
    # B is read by no row that A's level leaves open: mid whatever B is.
    s = score_described(d, {A: "partial"})
    assert s.grade.endswith("/mid") and not s.unplaced
    # A unknown: top, mid or shut by A, so unplaced, naming A and not B.
    s = score_described(d, {B: "closed"})
    assert s.unplaced and s.grade is None and s.value == 0 and s.missing == (A,)


# ---------------------------------------------------------------- unknowns as a level, substitutes, progress


def _classes(**kw) -> Description:
    """Cumulative classes: III needs A and B; II adds C; I adds D. B is met also by D."""
    iii = grade("iii", 3, requirements=(Requirement(A, "open"), Requirement(B, "open")))
    ii = grade(
        "ii", 2, requirements=(*iii.requirements, Requirement(C, "open")), builds_on=(iii.iri,)
    )
    i = grade("i", 1, requirements=(*ii.requirements, Requirement(D, "open")), builds_on=(ii.iri,))
    return Description(
        F,
        (A, B, C, D),
        grades=(i, ii, iii),
        progress={g.iri: f"{F}/metric/{g.iri.rsplit('/', 1)[-1]}-progress" for g in (i, ii, iii)},
        **kw,
    )


def test_an_unknown_counted_as_closed_lowers_the_grade_instead_of_leaving_it_unplaced() -> None:
    counted = _classes(unknown_counts_as="closed")
    s = score_described(counted, {A: "open", B: "open", C: "open"})  # D unknown
    assert s.grade.endswith("/ii") and s.value == 2 and not s.unplaced and s.missing == (D,)
    # Without og:unknownCountsAs the same evidence turns on D: unplaced.
    s = score_described(_classes(), {A: "open", B: "open", C: "open"})
    assert s.unplaced and s.grade is None
    # No grade at all, every shortfall of the lowest an unknown: still unplaced.
    s = score_described(counted, {A: "open", C: "closed"})
    assert s.unplaced and s.grade is None and s.value == 0 and s.missing == (B,)
    # A known shortfall makes "no grade" a finding.
    s = score_described(counted, {A: "closed"})
    assert not s.unplaced and s.grade is None and s.missing == (A, B)


def test_a_substitute_meets_a_requirement_and_counts_as_one_with_it() -> None:
    d = _classes(unknown_counts_as="closed", substitutes={B: (D,)})
    s = score_described(d, {A: "open", B: "closed", C: "open", D: "open"})
    assert s.grade.endswith("/i") and s.substituted == (B,)
    # B's points stay its own; class I counts B and D as one: 3 of 3.
    assert s.points == {} and s.sub_scores[f"{F}/metric/i-progress"] == 100
    assert s.part_criteria[f"{F}/metric/i-progress"] == (A, B, C, D)
    # The substitute not open: B falls short, and so does D.
    s = score_described(d, {A: "open", B: "closed", C: "open", D: "partial"})
    assert s.grade is None and s.missing == (B,) and s.substituted == ()
    assert s.part_missing[f"{F}/metric/i-progress"] == (B, D)


def test_progress_is_the_share_met_and_zero_above_an_incomplete_grade() -> None:
    d = _classes(unknown_counts_as="closed")
    s = score_described(d, {A: "open", B: "closed", C: "open", D: "open"})
    progress = {m.rsplit("/", 1)[-1]: v for m, v in s.sub_scores.items()}
    assert progress == {"iii-progress": 50, "ii-progress": 0, "i-progress": 0}
    assert list(progress) == ["iii-progress", "ii-progress", "i-progress"]  # least open first
    assert s.part_missing[f"{F}/metric/ii-progress"] == (B,)
    s = score_described(d, {A: "open", B: "open", D: "open"})
    progress = {m.rsplit("/", 1)[-1]: v for m, v in s.sub_scores.items()}
    assert progress == {"iii-progress": 100, "ii-progress": 2 / 3 * 100, "i-progress": 0}


@pytest.fixture(scope="module")
def mof_store(module_new_store):
    return loaded(
        module_new_store(), paths.ONTOLOGY_DIR / "openness.ttl", paths.FRAMEWORKS_DIR / "mof.ttl"
    )


def test_the_mof_is_described_in_its_scheme(mof_store) -> None:
    from graph.scoring import mof

    described = read_descriptions(mof_store)[mof.FRAMEWORK]
    assert _with_shown(described) == _with_shown(mof.DESCRIPTION)
    rule = {r.iri: r for r in store_rules(mof_store)}[mof.FRAMEWORK]
    # The fourteen required components in the tool's order; the optional three are not read.
    assert rule.criteria == mof.required_for(1) and rule.integer_value and not rule.uses_matches
    assert rule.description.unknown_counts_as == "closed"
    assert rule.description.substitutes == {mof.TECHNICAL_REPORT: (mof.RESEARCH_PAPER,)}


def test_a_rule_scores_the_levels_of_its_criteria_as_the_description_does() -> None:
    """A rule keeps the scores it made by the levels of its criteria: the same levels give
    the same score, whether given as assessments or bare levels, and others their own."""
    for rule in RULES:
        criteria = rule.description.criteria
        for i, levels in enumerate(itertools.product(LEVELS, repeat=3)):
            given = dict(zip(criteria[i % len(criteria) :], levels, strict=False))
            given["https://example.org/criterion/elsewhere"] = "open"  # read by no rule
            expected = score_described(rule.description, given)
            assessed = {c: Assessment(None, c, lv) for c, lv in given.items()}
            assert rule.score(given) == expected
            assert rule.score(assessed) == expected
            assert rule.score(given) is rule.score(assessed)
