"""server/negotiation.py: explicit name, then Accept with q-values, then the default."""

from __future__ import annotations

import pytest

from graph.sparql.formats import (
    GRAPH_FORMATS,
    JSON_LD,
    N_TRIPLES,
    RESULTS_CSV,
    RESULTS_FORMATS,
    RESULTS_JSON,
    RESULTS_TSV,
    RESULTS_XML,
    TURTLE,
)
from server.negotiation import negotiate


@pytest.mark.parametrize(
    "accept, expected",
    [
        (None, RESULTS_JSON),
        ("", RESULTS_JSON),
        ("*/*", RESULTS_JSON),
        ("text/*", RESULTS_CSV),
        ("text/tab-separated-values", RESULTS_TSV),
        ("application/sparql-results+xml;q=0.9, text/csv;q=0.8", RESULTS_XML),
        ("text/csv;q=0.1, */*;q=0.2", RESULTS_JSON),
        ("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", RESULTS_XML),
        ("application/sparql-results+json;q=0, */*", RESULTS_XML),
        ("image/png", None),
        ("text/csv;q=0", None),
    ],
)
def test_accept_decides_by_quality_and_specificity(accept, expected):
    assert negotiate(RESULTS_FORMATS, accept=accept, default=RESULTS_JSON) is expected


@pytest.mark.parametrize(
    "requested, expected",
    [("json", RESULTS_JSON), ("TSV", RESULTS_TSV), ("text/csv", RESULTS_CSV), ("ttl", None)],
)
def test_requested_name_wins_over_accept(requested, expected):
    assert (
        negotiate(
            RESULTS_FORMATS,
            requested=requested,
            accept="application/sparql-results+xml",
            default=RESULTS_JSON,
        )
        is expected
    )


def test_names_are_read_within_the_offered_family():
    assert negotiate(GRAPH_FORMATS, requested="json") is JSON_LD
    assert negotiate(GRAPH_FORMATS, requested="nt") is N_TRIPLES
    assert negotiate(GRAPH_FORMATS, accept="application/json") is JSON_LD


def test_default_is_the_first_offered_without_one():
    assert negotiate(GRAPH_FORMATS, accept="*/*") is TURTLE
