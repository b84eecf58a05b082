"""Scoring every model reads and derives what scoring each model alone does, on the bundled data."""

from __future__ import annotations

import datetime as dt

import pytest

from graph import derive
from graph.derive.model import RULE_CRITERIA, no_claims
from graph.derive.triples import new_nodes, node_edits, stored_nodes
from graph.namespaces import ID
from graph.scoring import resolve_claims

DAYS = (None, dt.date(2024, 6, 1))
STAMP = "2000-01-01T00:00:00Z"


@pytest.mark.parametrize("day", DAYS)
def test_a_criterion_without_claims_is_resolved_as_an_empty_list_is(day) -> None:
    for criterion in sorted(RULE_CRITERIA) + [f"{ID}criterion/elsewhere/other"]:
        model = f"{ID}model/m"
        assert no_claims(criterion, model, day) == resolve_claims(
            [], criterion=criterion, model=model, as_of=day
        )


def test_no_claims_gives_each_model_its_own_assessment() -> None:
    criterion = min(RULE_CRITERIA)
    a, b = no_claims(criterion, f"{ID}model/a", None), no_claims(criterion, f"{ID}model/b", None)
    assert (a.model, b.model) == (f"{ID}model/a", f"{ID}model/b")
    assert a.claims_by_level is not b.claims_by_level


def test_deriving_the_bundled_data_again_changes_nothing(bundled_world) -> None:
    store = bundled_world.open()
    derivations = derive.compute(store)
    assert len(derivations) > 400
    edits, changed = node_edits(stored_nodes(store, None), new_nodes(derivations.values(), STAMP))
    assert (edits, changed) == ({}, 0)


@pytest.mark.parametrize("day", DAYS)
def test_deriving_every_model_equals_deriving_some(bundled_world, day) -> None:
    store = bundled_world.open()
    every = derive.compute(store, as_of=day)
    some = sorted(every)[::25]
    alone = derive.compute(store, some, as_of=day)
    assert sorted(alone) == some
    for model in some:
        assert new_nodes([alone[model]], STAMP) == new_nodes([every[model]], STAMP)
        assert alone[model].assessments == every[model].assessments
