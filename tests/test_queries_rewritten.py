"""A query rewritten for speed gives the same rows as the query it replaces.

The queries as they were are kept in tests/fixtures/queries-before/. Both versions run
on the bundled data with its derived scores, and on a generated graph (bench/generate.py)
in which mappings, disagreements and several sources per claim are common. A list that
GROUP_CONCAT joins counts as the same in any order: SPARQL leaves that order open.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pyoxigraph as ox
import pytest

from bench import generate, queries
from bench.run import build_store
from graph.queries import load_query, restrict

BEFORE = Path(__file__).resolve().parent / "fixtures" / "queries-before"
REWRITTEN = sorted(p.stem for p in BEFORE.glob("*.rq"))

# Rewrites that can be narrowed (``#: restrict ?var``), with a read of a few IRIs to
# narrow them to: models with claims; sources of claims that cite something.
OG = "https://w3id.org/openness/ns#"
PROV = "http://www.w3.org/ns/prov#"
NARROWED = {
    "claim-evidence": (
        "model",
        f"SELECT DISTINCT ?x WHERE {{ ?c a <{OG}Claim> ; <{OG}aboutModel> ?x }} ORDER BY ?x LIMIT 3",
    ),
    "citation-closure": (
        "start",
        f"SELECT DISTINCT ?x WHERE {{ ?c a <{OG}Claim> ; <{PROV}wasDerivedFrom> ?x . "
        '?x ?p ?y FILTER (STRSTARTS(STR(?p), "http://purl.org/spar/cito/")) } '
        "ORDER BY ?x LIMIT 3",
    ),
}


def rows(store: ox.Store, text: str) -> Counter:
    """Return the query's rows as a multiset (order, and GROUP_CONCAT's order, left aside)."""
    return queries.rows(store.query(text, use_default_graph_as_union=True))


@pytest.fixture(scope="module")
def generated_store(tmp_path_factory) -> ox.Store:
    """Return an on-disk store of a small generated graph with its derived data."""
    work = tmp_path_factory.mktemp("generated")
    data = work / "data.nt"
    with data.open("w", encoding="utf-8") as out:
        generate.write(generate.generate(60, seed=7), out, "nt")
    return build_store(work / "store", data)


def test_every_rewrite_has_its_shipped_query() -> None:
    assert REWRITTEN, "no query is kept for comparison"
    for name in REWRITTEN:
        assert load_query(name).strip() != (BEFORE / f"{name}.rq").read_text().strip()


@pytest.mark.parametrize("name", REWRITTEN)
def test_rewrite_gives_the_same_rows_on_the_bundled_data(bundled_world, name: str) -> None:
    store = bundled_world.open()
    before = rows(store, (BEFORE / f"{name}.rq").read_text())
    assert before, f"{name} finds nothing on the bundled data: the comparison would prove nothing"
    assert rows(store, load_query(name)) == before


@pytest.mark.parametrize("name", REWRITTEN)
def test_rewrite_gives_the_same_rows_on_a_generated_graph(generated_store, name: str) -> None:
    before = rows(generated_store, (BEFORE / f"{name}.rq").read_text())
    assert rows(generated_store, load_query(name)) == before


@pytest.mark.parametrize("name", sorted(NARROWED))
def test_a_narrowed_rewrite_gives_the_same_rows(bundled_world, name: str) -> None:
    store = bundled_world.open()
    var, pick = NARROWED[name]
    iris = [row[0].value for row in store.query(pick, use_default_graph_as_union=True)]
    assert iris, f"nothing to narrow {name} to on the bundled data"
    before = rows(store, restrict((BEFORE / f"{name}.rq").read_text(), var, iris))
    assert before
    assert rows(store, restrict(load_query(name), var, iris)) == before


def test_a_joined_list_compares_the_same_in_any_order() -> None:
    assert queries.cell(ox.Literal("b | a | c")) == queries.cell(ox.Literal("c | b | a"))
    assert queries.cell(ox.Literal("b a")) != queries.cell(ox.Literal("a b"))
    assert queries.cell(ox.NamedNode("https://example.org/a")) == "<https://example.org/a>"
    assert queries.cell(None) is None
