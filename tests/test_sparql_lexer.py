"""The lexical checks run before a query reaches the engine (graph/query_lexer.py)."""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from graph.query_lexer import add_using, has_keyword, service_targets


@pytest.mark.parametrize(
    "query, expected",
    [
        (
            "SELECT * { SERVICE <http://a.example/sparql> { ?s ?p ?o } }",
            ["http://a.example/sparql"],
        ),
        ("select * { service silent <http://a.example/s> { ?s ?p ?o } }", ["http://a.example/s"]),
        ("SELECT * { ?s ?p ?o.SERVICE<http://a.example/s>{ ?s ?p ?o } }", ["http://a.example/s"]),
        (
            "PREFIX e: <http://a.example/>\nSELECT * { SERVICE e:s { ?s ?p ?o } }",
            ["http://a.example/s"],
        ),
        ("SELECT * { SERVICE ?endpoint { ?s ?p ?o } }", [None]),
        ("BASE <http://a.example/> SELECT * { SERVICE <s> { ?s ?p ?o } }", [None]),
        ("SELECT * { SERVICE nope:s { ?s ?p ?o } }", [None]),
    ],
)
def test_service_targets_are_found(query, expected):
    assert service_targets(query) == expected


@pytest.mark.parametrize(
    "query",
    [
        'SELECT * { ?s ?p "SERVICE <http://a.example/>" }',
        "SELECT * { ?s ?p '''\nSERVICE <http://a.example/> { }\n''' }",
        'SELECT * { ?s ?p "escaped \\" SERVICE <http://a.example/> {}" }',
        "SELECT * { ?s ?p <urn:SERVICE> } # SERVICE <http://a.example/> { }",
        "SELECT ?service { ?s ex:service ?service ; ex:a.service ?o }",
        'SELECT * { ?s ?p "x"@service }',
    ],
)
def test_service_in_strings_iris_comments_and_names_is_ignored(query):
    assert service_targets(query) == []


def test_every_found_service_is_one_the_engine_sees():
    # The engine agrees: it tries to reach the endpoint (port 9 is refused before any I/O).
    query = "SELECT * { ?s ?p ?o.SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }"
    assert service_targets(query) == ["http://127.0.0.1:9/"]
    store = ox.Store()
    store.add(ox.Quad(ox.NamedNode("urn:s"), ox.NamedNode("urn:p"), ox.NamedNode("urn:o")))
    with pytest.raises(OSError, match="port 9"):
        list(store.query(query))


def test_load_is_found_only_as_a_keyword():
    assert has_keyword("LOAD <http://a.example/x.ttl>", "LOAD")
    assert has_keyword("load silent <http://a.example/x.ttl> into graph <urn:g>", "LOAD")
    assert not has_keyword('INSERT DATA { <urn:a> <urn:b> "LOAD <x>" }', "LOAD")


def test_add_using_inserts_before_each_where():
    update = (
        "DELETE { ?s ?p ?o } INSERT { ?s ?p 1 } WHERE { ?s ?p ?o } ;\nDELETE WHERE { ?a ?b ?c }"
    )
    rewritten = add_using(update, ["urn:g1"], ["urn:g2"])
    assert rewritten.count("USING <urn:g1> USING NAMED <urn:g2> WHERE") == 1
    assert "DELETE WHERE { ?a ?b ?c }" in rewritten
    ox.Store().update(rewritten)  # still valid SPARQL Update


def test_add_using_refuses_an_update_with_its_own_dataset():
    with pytest.raises(ValueError):
        add_using("WITH <urn:g> DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }", ["urn:h"], [])
