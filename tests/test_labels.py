"""The one reader of names: each precedence, the fallback, short forms and stored numbers."""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from graph import labels
from graph.labels import (
    ENGLISH_FIRST,
    ENGLISH_LABEL,
    PROPERTY_FIRST,
    SMALLEST_LABEL,
    Labels,
    last_segment,
    number,
    read_names,
    short,
)
from graph.namespaces import ID, OG

# Names are read from the store: each engine.
pytestmark = pytest.mark.every_engine

DATA = """
@prefix rdfs:    <http://www.w3.org/2000/01/rdf-schema#> .
@prefix skos:    <http://www.w3.org/2004/02/skos/core#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix id:      <https://w3id.org/openness/id/> .

# A French preferred label beside an English rdfs:label: the four precedences part here.
id:criterion\\/mixed skos:prefLabel "Poids"@fr ; rdfs:label "Weights"@en , "Model weights" .
# Only a title: the pages and the analytics name it, the trace and the citations do not.
id:source\\/titled dcterms:title "A report" .
# Two English labels: the smallest wins, whatever order the rows come in.
id:organization\\/meta rdfs:label "Meta" , "Meta Platforms" .
# A German label only: the citation read takes it, as every other precedence does.
id:organization\\/de rdfs:label "Firma"@de .
"""

MIXED = f"{ID}criterion/mixed"
TITLED = f"{ID}source/titled"
META = f"{ID}organization/meta"
DE = f"{ID}organization/de"
NONE = f"{ID}person/nobody"
ALL = [MIXED, TITLED, META, DE, NONE]


@pytest.fixture(scope="module")
def store(module_new_store) -> ox.Store:
    s = module_new_store()
    s.load(DATA.encode(), format=ox.RdfFormat.TURTLE, to_graph=ox.NamedNode(f"{ID}graph-a"))
    return s


def test_the_pages_take_the_preferred_label_first_in_any_language(store) -> None:
    assert read_names(store, ALL, PROPERTY_FIRST) == {
        MIXED: "Poids",
        TITLED: "A report",
        META: "Meta",
        DE: "Firma",
    }


def test_the_analytics_take_an_english_name_of_any_property_first(store) -> None:
    assert read_names(store, ALL, ENGLISH_FIRST) == {
        MIXED: "Model weights",
        TITLED: "A report",
        META: "Meta",
        DE: "Firma",
    }


def test_the_trace_reads_labels_only_english_first(store) -> None:
    assert read_names(store, ALL, ENGLISH_LABEL) == {
        MIXED: "Model weights",
        META: "Meta",
        DE: "Firma",
    }


def test_the_citation_read_takes_the_smallest_rdfs_label(store) -> None:
    assert read_names(store, ALL, SMALLEST_LABEL) == {
        MIXED: "Model weights",
        META: "Meta",
        DE: "Firma",
    }


def test_the_default_precedence_is_the_pages_one(store) -> None:
    assert read_names(store, ALL) == read_names(store, ALL, PROPERTY_FIRST)


def test_a_fallback_names_every_iri_asked_for(store) -> None:
    names = read_names(store, [*ALL, ""], ENGLISH_FIRST, fallback=last_segment)
    assert names[NONE] == "nobody"
    assert names[META] == "Meta"
    assert "" not in names


def test_names_read_a_few_at_a_time_are_the_same(store, monkeypatch) -> None:
    at_once = read_names(store, ALL)
    monkeypatch.setattr(labels, "NAMES_PER_QUERY", 1)
    assert read_names(store, ALL) == at_once


def test_an_iri_that_cannot_be_written_in_a_query_is_skipped_not_sent(store) -> None:
    bad = "http://example.org/a>b"
    assert read_names(store, [bad, META]) == {META: "Meta"}
    assert read_names(store, [bad], fallback=last_segment) == {bad: "a>b"}
    assert read_names(store, []) == {}


def test_labels_fall_back_to_the_short_form(store) -> None:
    names = Labels(store, [MIXED, META])
    assert names(MIXED) == "Poids"
    assert names(NONE) == "person/nobody"  # never read: only the IRIs added are
    assert names(None) == ""
    assert names.ref(META, slug="meta") == {"iri": META, "label": "Meta", "slug": "meta"}
    assert names.ref(None) is None


def test_labels_ask_the_store_once_per_iri(store) -> None:
    names = Labels(store, known={META: "Known"})
    names.add([META, DE])
    assert names(META) == "Known"  # a name given is never read again
    assert names(DE) == "Firma"


def test_short_forms() -> None:
    assert short(f"{ID}model/llama") == "model/llama"
    assert short(str(OG.Contested)) == "Contested"
    assert short("http://example.org/a/b/") == "b"
    assert short("http://example.org/x#frag") == "frag"
    assert last_segment("http://example.org/") == "example.org"
    assert last_segment("/") == "/"


@pytest.mark.parametrize(
    ("stored", "shown"),
    [("1", 1), ("1.0", 1), ("0.5", 0.5), ("-2", -2), (3.0, 3), (0.25, 0.25), (7, 7)],
)
def test_numbers_are_ints_when_whole(stored, shown) -> None:
    value = number(stored)
    assert value == shown
    assert type(value) is type(shown)
