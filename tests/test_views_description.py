"""The accessors page builders use over a resource's description."""

from __future__ import annotations

from graph.namespaces import DCTERMS, OG
from graph.views.common import Description

TITLE, FLAG, TYPE = str(DCTERMS.title), str(OG.flag), str(DCTERMS.type)
PROPERTIES = [
    {
        "property": {"iri": TITLE, "label": "title"},
        "values": [
            {"value": "Titre", "datatype": None, "language": "fr"},
            {"iri": "http://example.org/not-a-title", "label": "x"},
            {"value": "Title", "datatype": None, "language": "en"},
        ],
    },
    {
        "property": {"iri": FLAG, "label": "flag"},
        "values": [{"iri": "http://example.org/b", "label": "b"}, {"properties": []}],
    },
]


def test_values_by_predicate_iri_or_term() -> None:
    about = Description(PROPERTIES)
    assert about.values(TITLE) == about.values(DCTERMS.title) == PROPERTIES[0]["values"]
    assert about.values(TITLE) is not PROPERTIES[0]["values"]  # a copy: callers may change it
    assert about.values(TYPE) == []


def test_references_and_literals_kept_apart() -> None:
    about = Description(PROPERTIES)
    assert about.refs(TITLE) == [{"iri": "http://example.org/not-a-title", "label": "x"}]
    assert about.iris(FLAG) == ["http://example.org/b"]
    assert about.literals(TITLE) == ["Titre", "Title"]
    assert about.literals(FLAG) == []


def test_the_first_of_each_or_none() -> None:
    about = Description(PROPERTIES)
    assert about.ref(FLAG) == {"iri": "http://example.org/b", "label": "b"}
    assert about.iri(TITLE) == "http://example.org/not-a-title"
    assert about.literal(TITLE) == "Titre"
    assert (about.ref(TYPE), about.iri(TYPE), about.literal(FLAG)) == (None, None, None)


def test_text_prefers_english_or_untagged() -> None:
    about = Description(PROPERTIES)
    assert about.text(TITLE) == "Title"
    assert about.text(TYPE) is None
    only_french = Description([{**PROPERTIES[0], "values": PROPERTIES[0]["values"][:1]}])
    assert only_french.text(TITLE) == "Titre"
