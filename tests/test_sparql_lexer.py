"""The checks run before a text reaches the engine (graph/query_guard.py), and the lexer's
USING rewrite (graph/query_lexer.py)."""

from __future__ import annotations

import threading

import pyoxigraph as ox
import pytest

from graph.namespaces import PREFIXES
from graph.query_guard import (
    FetchRefused,
    Plan,
    TooDeep,
    TooLarge,
    Unreadable,
    check_query,
    check_update,
    may_contain,
    nesting_depth,
    parse_safely,
)
from graph.query_lexer import add_using

ALLOWED = "http://a.example/sparql"


@pytest.mark.parametrize(
    "query",
    [
        f"SELECT * {{ SERVICE <{ALLOWED}> {{ ?s ?p ?o }} }}",
        f"select * {{ service silent <{ALLOWED}> {{ ?s ?p ?o }} }}",
        f"SELECT * {{ ?s ?p ?o.SERVICE<{ALLOWED}>{{ ?s ?p ?o }} }}",
        "PREFIX e: <http://a.example/>\nSELECT * { SERVICE e:sparql { ?s ?p ?o } }",
        f"SELECT * {{ {{ SELECT * {{ SERVICE <{ALLOWED}> {{ }} }} }} }}",
    ],
)
def test_an_allow_listed_service_passes(query):
    assert check_query(query, (ALLOWED,), PREFIXES) == Plan(calls_service=True)


@pytest.mark.parametrize(
    "query",
    [
        "SELECT * { SERVICE <http://a.example/other> { ?s ?p ?o } }",
        "SELECT * { SERVICE ?endpoint { ?s ?p ?o } }",
        "BASE <http://a.example/> SELECT * { SERVICE <sparql> { ?s ?p ?o } }",
        "SELECT * { SERVICE nope:s { ?s ?p ?o } }",
        f"SELECT * {{ OPTIONAL {{ ?s ?p ?o MINUS {{ SERVICE <{ALLOWED}x> {{ }} }} }} }}",
        f"SELECT * {{ FILTER NOT EXISTS {{ SERVICE <{ALLOWED}/> {{ }} }} }}",
    ],
)
def test_a_service_outside_the_allowlist_is_refused(query):
    with pytest.raises(FetchRefused):
        check_query(query, (ALLOWED,), PREFIXES)


def test_without_an_allowlist_every_service_is_refused():
    with pytest.raises(FetchRefused):
        check_query(f"SELECT * {{ SERVICE <{ALLOWED}> {{ }} }}", (), PREFIXES)


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
def test_service_in_strings_iris_comments_and_names_is_no_service(query):
    assert check_query(query, (), PREFIXES) == Plan()


def test_escapes_cannot_hide_a_service_from_the_check():
    # rdflib decodes \u0022 before parsing and would read a long string over the SERVICE
    # that Oxigraph sees as code; blanked escapes keep both parsers on one structure.
    query = (
        'SELECT * { BIND("\\u0022" AS ?x) SERVICE <http://a.example/> { } BIND("\\u0022" AS ?y) }'
    )
    with pytest.raises(FetchRefused):
        check_query(query, (), PREFIXES)


def test_the_prefixed_name_escape_of_the_ssrf_report_is_refused():
    query = (
        "PREFIX ex: <http://ex/>\n"
        "SELECT * WHERE { OPTIONAL { ?s ?p ex:a\\# } SERVICE <http://127.0.0.1:9/x> { ?a ?b ?c } }\n"
    )
    with pytest.raises(Unreadable):
        check_query(query, (), PREFIXES)
    with pytest.raises(FetchRefused):
        check_query(query.replace("\\#", "\\'"), (), PREFIXES)


def test_oxigraph_reads_no_escapes_outside_strings_and_iris():
    # Why the keyword test looks at the raw text as well as the decoded one.
    store = ox.Store()
    with pytest.raises(SyntaxError):
        store.query("SELECT * WHERE { \\u0053ERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }")
    with pytest.raises(SyntaxError):
        store.update("\\u004cOAD <http://127.0.0.1:9/x>")
    assert may_contain("\\u0053ERVICE", "SERVICE")
    assert may_contain("\\U0000004cOAD", "LOAD")
    assert not may_contain("SELECT * { ?s ?p ?o }", "FROM")


def test_a_text_without_the_letters_is_not_parsed(monkeypatch):
    import graph.query_guard as guard

    monkeypatch.setattr(guard, "_query_plan", None)  # would fail if called
    assert check_query("SELECT * { ?s ?p 'serv ice' }", (), PREFIXES) == Plan()


@pytest.mark.parametrize(
    "query, names_dataset",
    [
        ("SELECT * FROM <urn:g> { ?s ?p ?o }", True),
        ("ASK FROM NAMED <urn:g> { }", True),
        ("DESCRIBE <urn:x> FROM <urn:g>", True),
        ("SELECT * { ?s ?p 'taken from a paper' } # FROM <urn:g>", False),
    ],
)
def test_from_is_found_by_the_parser(query, names_dataset):
    assert check_query(query, (), PREFIXES).names_dataset is names_dataset


@pytest.mark.parametrize(
    "update",
    [
        "LOAD <http://a.example/x.ttl>",
        "load silent <http://a.example/x.ttl> into graph <urn:g>",
        "CLEAR SILENT GRAPH <urn:g> ; LOAD <http://a.example/x.ttl>",
        f"INSERT {{ ?s ?p ?o }} WHERE {{ SERVICE <{ALLOWED}x> {{ ?s ?p ?o }} }}",
        "WITH <urn:g> DELETE { ?s ?p ?o } WHERE { FILTER EXISTS { SERVICE ?e { } } }",
    ],
)
def test_updates_that_fetch_are_refused(update):
    with pytest.raises(FetchRefused):
        check_update(update, (ALLOWED,), PREFIXES)


def test_updates_that_only_mention_the_words_pass():
    check_update('INSERT DATA { <urn:a> <urn:b> "download, LOAD, SERVICE" }', (), PREFIXES)
    check_update(
        f"INSERT {{ ?s ?p ?o }} WHERE {{ SERVICE <{ALLOWED}> {{ ?s ?p ?o }} }}", (ALLOWED,)
    )


def test_unreadable_updates_that_may_load_are_refused():
    with pytest.raises(Unreadable):
        check_update("LOAD <http://a.example/x.ttl> INTO", (), PREFIXES)


@pytest.mark.parametrize(
    "text, depth",
    [
        ("SELECT * { ?s ?p ?o }", 1),
        ("SELECT * { { FILTER((1 + [2]) > 0) } }", 5),
        ("}}} SELECT * { }", 1),
        ("", 0),
    ],
)
def test_nesting_depth_counts_brackets(text, depth):
    assert nesting_depth(text) == depth


@pytest.mark.parametrize("levels", [65, 3000, 100_000])
def test_deep_texts_are_refused_before_any_parser(levels):
    text = "SELECT * WHERE " + "{" * levels + "}" * levels
    with pytest.raises(TooDeep):
        check_query(text)
    with pytest.raises(TooDeep):
        check_update("INSERT { <urn:a> <urn:b> <urn:c> } WHERE " + text[15:])


def test_64_levels_pass():
    check_query("SELECT * WHERE " + "{" * 64 + "}" * 64)


def test_size_limit_applies_only_to_texts_that_need_parsing():
    padding = " " * 2000
    check_query("SELECT * { }" + padding, size_limit=1000)
    with pytest.raises(TooLarge):
        check_query("SELECT * { } # SERVICE" + padding, size_limit=1000)


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


def test_closing_brackets_in_strings_cannot_crash_the_parser():
    # The bracket count is fooled by "}" in strings (it measures 3 here), but the parse
    # runs on a stack that covers every opening bracket, in a thread like a server's.
    levels = 20_000
    update = (
        "INSERT { <urn:a> <urn:b> <urn:c> } WHERE { "
        + '{ FILTER("}") ' * levels
        + "}" * levels
        + "}"
    )
    assert nesting_depth(update) < 64
    check_update(update)
    store = ox.Store()
    outcome = []
    thread = threading.Thread(
        target=lambda: outcome.append(parse_safely(lambda: store.update(update), update))
    )
    thread.start()
    thread.join()
    assert outcome == [None]
    assert len(store) == 1  # every FILTER holds: the one empty solution inserts
