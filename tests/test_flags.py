"""Flags: contested, single source, self-reported, openwashing."""

from __future__ import annotations

import pytest

from graph.derive import flags
from graph.namespaces import ID
from graph.records import ClaimRecord, SourceRecord
from graph.scoring import mof, mof_classes, osaid, osaid_meets, resolve_claims
from graph.scoring.levels import Claim

DEV = f"{ID}organization/dev"
OTHER = f"{ID}organization/watchdog"
CRITERION = f"{ID}criterion/oti-2024/open-code"

SOURCES = {
    "dev-blog": SourceRecord("dev-blog", publishers=(DEV,)),
    "dev-card": SourceRecord("dev-card", publishers=(DEV, f"{ID}organization/hub")),
    "report": SourceRecord("report", publishers=(OTHER,)),
    "paper": SourceRecord("paper"),
}


def record(iri: str, *sources: str, by: tuple[str, ...] = (), level: str = "open") -> ClaimRecord:
    return ClaimRecord(iri, "m", CRITERION, level, "normal", "2024-01-01", None, None, sources, by)


def assessment_of(*records: ClaimRecord, stated: dict[str, str] | None = None):
    claims = [
        Claim(r.iri, r.level, r.rank, (stated or {}).get(r.iri, r.stated_on), False, r.sources)
        for r in records
    ]
    return resolve_claims(claims, criterion=CRITERION, model="m")


def test_self_reported_by_attribution_or_by_every_source_being_the_developers() -> None:
    assert flags.is_self_reported(record("a", "report", by=(DEV,)), SOURCES, [DEV])
    assert flags.is_self_reported(record("b", "dev-blog", "dev-card"), SOURCES, [DEV])
    assert not flags.is_self_reported(record("c", "dev-blog", "report"), SOURCES, [DEV])
    assert not flags.is_self_reported(record("d", "paper"), SOURCES, [DEV])
    assert not flags.is_self_reported(record("e", "unknown-source"), SOURCES, [DEV])
    assert not flags.is_self_reported(record("f", "dev-blog"), SOURCES, [])


def test_single_source_counts_distinct_sources_over_the_claims() -> None:
    one, two = record("a", "report"), record("b", "report")
    a = assessment_of(one, two)
    assert flags.assessment_flags(a, {"a": one, "b": two}, SOURCES, [DEV]) == (flags.SINGLE_SOURCE,)
    three = record("c", "paper")
    a = assessment_of(one, three)
    assert flags.assessment_flags(a, {"a": one, "c": three}, SOURCES, [DEV]) == ()


def test_contested_and_self_reported_together() -> None:
    open_claim = record("a", "dev-blog", level="open")
    closed_claim = record("b", "dev-card", level="closed")
    a = assessment_of(open_claim, closed_claim, stated={"b": "2024-06-01"})
    assert a.contested and a.level == "closed"
    got = flags.assessment_flags(a, {"a": open_claim, "b": closed_claim}, SOURCES, [DEV])
    assert got == (flags.CONTESTED, flags.SELF_REPORTED)


def test_an_assessment_with_no_claim_carries_no_flag() -> None:
    a = resolve_claims([], criterion=CRITERION, model="m")
    assert flags.assessment_flags(a, {}, SOURCES, [DEV]) == ()


def all_open(criteria: tuple[str, ...]) -> dict[str, str]:
    return {c: "open" for c in criteria}


@pytest.mark.parametrize(
    ("called", "osaid_levels", "mof_levels", "flagged"),
    [
        (("claim",), {}, {}, True),
        ((), {}, {}, False),
        (("claim",), all_open(osaid.CRITERIA), {}, False),
        (("claim",), {}, all_open(mof.required_for(1)), False),
        (("claim",), {}, all_open(mof.required_for(2)), True),
    ],
    ids=["called-open-meets-nothing", "never-called-open", "meets-osaid", "mof-class-i", "mof-ii"],
)
def test_openwashing(called, osaid_levels, mof_levels, flagged) -> None:
    result = flags.openwashing(called, osaid_meets(osaid_levels), mof_classes(mof_levels))
    assert result.flagged is flagged
    assert result.called_open_by == called


def test_a_score_carries_its_assessments_flags_and_openwashing() -> None:
    washing = flags.Openwashing(True, ("c",), False, False)
    got = flags.score_flags([(flags.SELF_REPORTED,), (), (flags.CONTESTED,)], washing)
    assert got == (flags.CONTESTED, flags.SELF_REPORTED, flags.OPENWASHING)
    clean = flags.Openwashing(False, (), True, False)
    assert flags.score_flags([(), ()], clean) == ()
