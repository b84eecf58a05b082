"""The placement page of a framework with grades: each scored model in its grade, or not placed."""

from __future__ import annotations

import csv
import io

import pyoxigraph as ox
import pytest

from graph import loading, paths
from graph.namespaces import ID, OG
from graph.stored_scores import StoredScore
from graph.views.placement import CSV_COLUMNS, placement_page, placement_rows

OTI = f"{ID}framework/oti-2024"
TIER = f"{ID}grade/oti-2024/tier-"


@pytest.fixture
def store(new_store) -> ox.Store:
    s = new_store()
    files = [paths.ONTOLOGY_DIR / "openness.ttl", paths.FRAMEWORKS_DIR / "oti-2024.ttl"]
    todo, _ = loading.prepare(files, paths.ROOT, s)
    list(loading.write(s, todo, paths.ROOT))
    return s


def score(model: str, value: int, grade: str | None = None, **extra) -> StoredScore:
    return StoredScore(
        f"{ID}score/{model}/oti-2024", f"{ID}model/{model}", OTI, value, grade, **extra
    )


def test_models_are_placed_by_grade_or_kept_apart_by_why_they_are_not(store) -> None:
    thin = str(OG.Unplaced)
    unknown = f"{ID}criterion/oti-2024/open-code"
    scores = [
        score("b", 1, f"{TIER}1"),
        score("a", 1, f"{TIER}1"),
        score("c", 3, f"{TIER}3"),
        score("d", 0, flags=(thin,), missing=(unknown,)),
        score("e", 0),
        # Not today's whole score: a part of one, and one "as of" a past day.
        score("f", 2, f"{TIER}2", whole=f"{ID}score/x/oti-2024"),
        score("g", 2, f"{TIER}2", as_of="2024-01-01"),
        StoredScore(f"{ID}score/h/mof", f"{ID}model/h", f"{ID}framework/mof", 1, f"{TIER}2"),
    ]
    page = placement_page(store, OTI, scores)
    assert [r["grade"]["order"] for r in page["grades"]] == [1, 2, 3, 4, 5]
    placed = [[m["model"]["iri"][-1] for m in r["models"]] for r in page["grades"]]
    assert placed == [["a", "b"], [], ["c"], [], []]
    (d,) = page["unplaced"]
    assert d["model"]["iri"] == f"{ID}model/d" and d["flags"] == ["unplaced"]
    assert [m["iri"] for m in d["missing"]] == [unknown]
    assert [m["model"]["iri"] for m in page["below_every_grade"]] == [f"{ID}model/e"]
    assert (page["placed"], page["unplaced_count"]) == (3, 1)
    rows = [dict(zip(CSV_COLUMNS, r, strict=True)) for r in placement_rows(page)]
    assert [(r["model"][-1], r["grade_label"]) for r in rows][-2:] == [
        ("d", "unplaced"),
        ("e", "below every grade"),
    ]
    text = io.StringIO()
    csv.writer(text).writerows(placement_rows(page))
    assert text.getvalue().count("\n") == 5
