"""Fuzz every way in: hostile queries, updates, submissions, Graph Store requests and page URLs.

Hypothesis builds requests from fragments an attacker would reach for (keywords, brackets,
escapes, control characters, lone surrogates, odd media types) mixed with arbitrary text,
with a fixed seed so a run is reproducible. Whatever comes in, the server answers without a
5xx, every error in the JSON error shape, and a refused write leaves every quad of the store
as it was. OPENNESS_FUZZ_EXAMPLES sets the examples per test (default 300; more for a deeper run).
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from urllib.parse import quote

import pyoxigraph as ox
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from graph import derive, loading, paths
from server import create_app

WORLD = Path(__file__).parent / "fixtures" / "pages" / "world.ttl"
TOKEN = "fuzz-admin-token"
CONTRIBUTOR = "fuzz-contributor-token"
EXAMPLES = int(os.environ.get("OPENNESS_FUZZ_EXAMPLES", "300"))

FUZZ = settings(
    max_examples=EXAMPLES,
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)


@pytest.fixture(scope="module")
def world():
    """Return an app over the page tests' world with writes on, and its store."""
    store = ox.Store()
    todo, _ = loading.prepare(loading.rdf_files([paths.ONTOLOGY_DIR, WORLD]), paths.ROOT, store)
    list(loading.write(store, todo, paths.ROOT))
    derive.derive(store)
    with pytest.MonkeyPatch.context() as mp:
        for name in [n for n in os.environ if n.startswith("OPENNESS_")]:
            mp.delenv(name)
        app = create_app(
            {
                "STORE": store,
                "TESTING": True,
                "WRITE_TOKEN": TOKEN,
                "WRITE_TOKENS": {"carol": {"token": CONTRIBUTOR, "role": "contributor"}},
                "QUERY_TIMEOUT": 5,
            }
        )
    yield app, store
    app.extensions["openness"].close()


def put_back(store: ox.Store, quads: list[ox.Quad]) -> None:
    """Return ``store`` to ``quads`` after a write the server was right to accept."""
    store.clear()
    store.extend(quads)


def check(
    response, *, store: ox.Store | None = None, before: frozenset[ox.Quad] | None = None
) -> None:
    """Assert no 5xx, the JSON error shape on errors, and an unchanged store when refused."""
    status = response.status_code
    body = response.get_data()
    assert status < 500, (status, body[:800])
    if status >= 400 and body:  # a HEAD answer has no body to check
        assert response.mimetype == "application/json", (status, response.mimetype, body[:300])
        error = json.loads(body)["error"]
        assert error["status"] == status and error["title"] and error["detail"]
        if store is not None:
            assert frozenset(store) == before, f"a refused request ({status}) changed the store"


# The world as every example starts from it, by store (a store is its own key): an
# accepted write is put back and a refused one must change nothing, so it is read once,
# not before each example.
_AS_IT_WAS: dict[ox.Store, tuple[list[ox.Quad], frozenset[ox.Quad]]] = {}


def as_it_was(store: ox.Store) -> tuple[list[ox.Quad], frozenset[ox.Quad]]:
    """Return the quads every example starts from, as a list and as a set."""
    if store not in _AS_IT_WAS:
        quads = list(store)
        _AS_IT_WAS[store] = (quads, frozenset(quads))
    return _AS_IT_WAS[store]


def written(world, request) -> None:
    """Send ``request`` (a callable returning a response) as a write and check the answer."""
    app, store = world
    quads, before = as_it_was(store)
    try:
        response = request(app.test_client())
        check(response, store=store, before=before)
    except BaseException:
        put_back(store, quads)  # the next example starts from the same world
        raise
    if response.status_code < 400:
        put_back(store, quads)


# ------------------------------------------------------------------ building blocks

CONTROL = st.sampled_from(["\x00", "\x01", "\x08", "\x0b", "\x1f", "\x7f", "\u2028", "\ufeff"])
PUNCT = st.sampled_from(list("{}()[]<>\"'#\\^|`.;,*?$@:=!&/") + ["\\u0053", "\\U00000053"])
JUNK = st.text(max_size=12)
# A query argument's value: junk, or a near miss of a flag's words.
HOSTILE_ARG = st.one_of(JUNK, st.sampled_from(["%", "\ud800", "true\x00", "TRUE", "yes", "2"]))

SPARQL_BITS = st.sampled_from(
    [
        "SELECT",
        "ASK",
        "CONSTRUCT",
        "DESCRIBE",
        "WHERE",
        "FROM",
        "FROM NAMED",
        "GRAPH",
        "SERVICE",
        "SERVICE SILENT",
        "\\u0053ERVICE",
        "s\\u0065rvice",
        "OPTIONAL",
        "MINUS",
        "FILTER",
        "EXISTS",
        "NOT EXISTS",
        "UNION",
        "BIND",
        "VALUES",
        "LIMIT 1",
        "ORDER BY",
        "GROUP BY",
        "HAVING",
        "COUNT(*)",
        "AS",
        "?s",
        "?p",
        "?o",
        "?x",
        "*",
        "a",
        ".",
        ";",
        "{",
        "}",
        "(",
        ")",
        "[",
        "]",
        "<http://127.0.0.1:9/x>",
        "<urn:x>",
        "<>",
        "<#a>",
        "PREFIX ex: <http://ex/>",
        "BASE <http://ex/>",
        "ex:a\\#",
        "ex:a\\'",
        "ex:a\\/b",
        "og:Model",
        "id:model/alpha",
        "rdfs:label",
        '"x"',
        "'y'",
        '"""z"""',
        "'''w'''",
        '"x"@en',
        '"1"^^xsd:integer',
        "xsd:dateTime(1, 2)",
        "STRDT(1, 2)",
        "REGEX(?s, '(')",
        "1e999999",
        "-0.0",
        "<<?s ?p ?o>>",
        "# comment\n",
        "\n",
        "\t",
    ]
)
UPDATE_BITS = st.sampled_from(
    [
        "INSERT DATA",
        "DELETE DATA",
        "DELETE WHERE",
        "INSERT",
        "DELETE",
        "WHERE",
        "WITH",
        "USING",
        "USING NAMED",
        "LOAD",
        "LOAD SILENT",
        "INTO GRAPH",
        "CLEAR",
        "CLEAR ALL",
        "DROP",
        "DROP SILENT",
        "CREATE",
        "ADD",
        "MOVE",
        "COPY",
        "TO",
        "DEFAULT",
        "NAMED",
        "ALL",
        "GRAPH",
        "SERVICE",
        ";",
        "<http://127.0.0.1:9/x>",
        "<urn:g>",
        "<https://w3id.org/openness/id/claim/alpha>",
        "og:level og:closed",
        "?s ?p ?o",
        "{",
        "}",
        "(",
        ")",
        "[",
        "]",
        '"x"',
        "PREFIX og: <https://w3id.org/openness/ns#>",
    ]
)


def assembled(bits) -> st.SearchStrategy[str]:
    """Text made of grammar fragments, punctuation, control characters and anything else."""
    piece = st.one_of(bits, bits, bits, PUNCT, CONTROL, JUNK)
    return st.lists(piece, max_size=40).map(" ".join)


def prefixed(text: st.SearchStrategy[str], starts: list[str]) -> st.SearchStrategy[str]:
    """Sometimes start ``text`` with a well-formed opening, so the parser goes deeper."""
    return st.tuples(st.sampled_from(["", *starts]), text, st.sampled_from(["", "}", "} }"])).map(
        "".join
    )


QUERIES = st.one_of(
    prefixed(assembled(SPARQL_BITS), ["SELECT * WHERE { ", "ASK { ", "CONSTRUCT WHERE { "]),
    st.integers(1, 4000).map(lambda n: "SELECT * WHERE " + "{" * n + "}" * n),
    st.integers(1, 4000).map(lambda n: "ASK { FILTER(" + "(" * n + "1" + ")" * n + ") }"),
)
UPDATES = st.one_of(
    prefixed(assembled(UPDATE_BITS), ["INSERT DATA { ", "DELETE WHERE { ", "WITH <urn:g> "]),
    st.integers(1, 4000).map(lambda n: "INSERT { ?s ?p ?o } WHERE " + "{" * n + "}" * n),
)


def encoded(text: str) -> bytes:
    """Encode ``text`` as UTF-8, keeping lone surrogates as the bytes an attacker would send."""
    return text.encode("utf-8", "surrogatepass")


def url_quoted(text: str) -> str:
    return quote(encoded(text), safe="")


# ------------------------------------------------------------------ the SPARQL endpoint


@FUZZ
@given(
    text=QUERIES,
    how=st.sampled_from(["get", "form", "direct"]),
    accept=st.sampled_from([None, "*/*", "text/turtle", "application/sparql-results+xml", "x/y"]),
)
def test_queries_never_fail_the_server(world, text, how, accept):
    app, store = world
    client = app.test_client()
    headers = {"Accept": accept} if accept else {}
    size = len(store)
    if how == "get":
        response = client.get(f"/sparql?query={url_quoted(text)}", headers=headers)
    elif how == "form":
        response = client.post(
            "/sparql",
            data=b"query=" + url_quoted(text).encode(),
            content_type="application/x-www-form-urlencoded",
            headers=headers,
        )
    else:
        response = client.post(
            "/sparql", data=encoded(text), content_type="application/sparql-query", headers=headers
        )
    check(response)
    assert len(store) == size


@FUZZ
@given(
    text=UPDATES,
    token=st.sampled_from([None, TOKEN, CONTRIBUTOR, "wrong"]),
    path=st.sampled_from(["/update", "/sparql"]),
)
def test_updates_never_fail_the_server(world, text, token, path):
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    written(
        world,
        lambda client: client.post(
            path, data=encoded(text), content_type="application/sparql-update", headers=headers
        ),
    )


# ------------------------------------------------------------------ submissions

TURTLE_BITS = st.sampled_from(
    [
        "@prefix og: <https://w3id.org/openness/ns#> .",
        "@prefix id: <https://w3id.org/openness/id/> .",
        "@base <http://ex/> .",
        "<https://w3id.org/openness/id/claim/fuzz>",
        "<https://w3id.org/openness/id/claim/news-alpha-weights>",
        "<https://w3id.org/openness/id/model/alpha>",
        "<https://example.org/c1>",
        "a og:Claim ;",
        "og:level og:closed ;",
        "og:aboutModel",
        "og:criterion",
        'og:statedOn "2024-01-01"^^<http://www.w3.org/2001/XMLSchema#date> ;',
        "<javascript:alert(1)>",
        "[",
        "]",
        "(",
        ")",
        ".",
        ";",
        ",",
        "_:b",
        "_:c",
        '"""',
        '"x"',
        "'y'",
        "\\u0000",
        '"\\u0000"',
        "<a b>",
        "true",
        "1.5e3",
    ]
)
JSON_VALUES = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.text(max_size=30)),
    lambda inner: st.one_of(
        st.lists(inner, max_size=4),
        st.dictionaries(
            st.one_of(
                st.sampled_from(
                    [
                        "model",
                        "criterion",
                        "level",
                        "stated_on",
                        "source",
                        "quote",
                        "qoute",
                        "text",
                        "rank",
                        "attributed_to",
                        "deprecate",
                        "iri",
                        "title",
                        "url",
                        "kind",
                        "@context",
                        "@id",
                        "@graph",
                        "@type",
                        "reason",
                    ]
                ),
                st.text(max_size=8),
            ),
            inner,
            max_size=6,
        ),
    ),
    max_leaves=20,
)
SUBMISSION_TYPES = [
    "text/turtle",
    "application/n-triples",
    "application/ld+json",
    "application/json",
    "application/rdf+xml",
    "text/plain",
    "application/x-www-form-urlencoded",
]


def submission_bodies() -> st.SearchStrategy[tuple[str, bytes]]:
    turtle = assembled(TURTLE_BITS).map(encoded)
    form = JSON_VALUES.map(lambda v: json.dumps(v).encode())
    lone_surrogate = st.just(b'{"model": "\\ud800", "criterion": "x"}')
    deep_list = st.integers(1, 3000).map(
        lambda n: (
            "@prefix og: <https://w3id.org/openness/ns#> .\n<urn:x> og:p "
            + "(" * n
            + ")" * n
            + " ."
        ).encode()
    )
    entity = st.just(
        b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "aaaaaaaaaa">'
        b'<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>'
        b'<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
        b'<rdf:Description rdf:about="urn:x"><rdf:value>&b;</rdf:value></rdf:Description>'
        b"</rdf:RDF>"
    )
    body = st.one_of(turtle, form, lone_surrogate, deep_list, entity, st.binary(max_size=64))
    return st.tuples(st.sampled_from(SUBMISSION_TYPES), body)


@FUZZ
@given(
    body=submission_bodies(),
    token=st.sampled_from([None, TOKEN, CONTRIBUTOR]),
    dry_run=st.one_of(st.sampled_from([None, "true", "false", "1", ""]), HOSTILE_ARG),
)
def test_submissions_never_fail_the_server(world, body, token, dry_run):
    media_type, data = body
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    path = "/api/submissions" + ("" if dry_run is None else f"?dry_run={url_quoted(dry_run)}")
    if dry_run == "true":  # a dry run writes nothing, accepted or not
        app, store = world
        quads, before = as_it_was(store)
        response = app.test_client().post(path, data=data, content_type=media_type, headers=headers)
        check(response)
        if frozenset(store) != before:
            put_back(store, quads)
            raise AssertionError(f"a dry run ({response.status_code}) changed the store")
        return
    written(
        world,
        lambda client: client.post(path, data=data, content_type=media_type, headers=headers),
    )


# ------------------------------------------------------------------ the Graph Store

GRAPH_TARGETS = st.one_of(
    st.sampled_from(
        ["", "?default", "?graph=urn:fuzz", "?graph=", "?graph=rel", "?default&graph=urn:a"]
    ),
    JUNK.map(lambda t: "?graph=" + url_quoted(t)),
    # direct identification: the graph whose IRI is the URL itself
    st.sampled_from(["/fuzz", "/a/b", "/%2e%2e/x", "/x?graph=urn:a", "/x?default"]),
    JUNK.map(lambda t: "/" + url_quoted(t or "g")),
)
MULTIPART_BODIES = st.sampled_from(
    [
        (
            "multipart/form-data; boundary=fz",
            b'--fz\r\nContent-Disposition: form-data; name="a"; filename="a.ttl"\r\n'
            b"Content-Type: text/turtle\r\n\r\n<urn:s> <urn:p> <urn:o> .\r\n--fz--\r\n",
        ),
        (
            "multipart/form-data; boundary=fz",
            b'--fz\r\nContent-Disposition: form-data; name="a"; filename="a.ttl"\r\n'
            b"Content-Type: text/turtle\r\n\r\n<urn:s> <urn:p> .\r\n--fz--\r\n",
        ),
        (
            "multipart/form-data; boundary=fz",
            b'--fz\r\nContent-Disposition: form-data; name="a"\r\n'
            b"Content-Type: application/x-unknown\r\n\r\nxx\r\n--fz--\r\n",
        ),
        ("multipart/form-data", b"--fz\r\n\r\n--fz--"),
        ("multipart/form-data; boundary=fz", b"not multipart at all"),
    ]
)


@FUZZ
@given(
    method=st.sampled_from(["GET", "HEAD", "PUT", "POST", "DELETE"]),
    target=GRAPH_TARGETS,
    body=st.one_of(submission_bodies(), MULTIPART_BODIES),
    token=st.sampled_from([None, TOKEN, CONTRIBUTOR]),
)
def test_graph_store_never_fails_the_server(world, method, target, body, token):
    media_type, data = body
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    writes = method in ("PUT", "POST")
    written(
        world,
        lambda client: client.open(
            "/rdf-graph-store" + target,
            method=method,
            data=data if writes else None,
            content_type=media_type if writes else None,
            headers=headers,
        ),
    )


# ------------------------------------------------------------------ pages

HOSTILE = st.one_of(
    JUNK,
    st.lists(st.one_of(PUNCT, CONTROL, JUNK, st.just("\ud800"), st.just("%")), max_size=8).map(
        "".join
    ),
    st.integers(1, 200).map(lambda n: "a" * (n * 100)),
    st.sampled_from(["alpha", "oti-2024", "report-a", "..", ".", "%2e%2e", "/", "a/b"]),
)
PAGE_TEMPLATES = [
    "/id/{kind}/{a}",
    "/id/model/{a}",
    "/id/criterion/{a}/{b}",
    "/id/score/{a}/{b}",
    "/compare?model={a}&model={b}",
    "/compare.{ext}?model={a}",
    "/graph/evidence/{a}/{b}",
    "/graph/citations/{a}",
    "/placement/{a}",
    "/placement/{a}.{ext}?page={b}",
    "/id/model/{a}?page={b}",
    "/id/family/{a}.{ext}?page={b}",
    "/models?developer={a}&sort={b}",
    "/models.{ext}?{a}={b}",
    "/spectrum.{ext}",
    "/index.{ext}",
    "/ns.{ext}",
    "/shapes.{ext}",
    "/quality.{ext}",
    "/downloads/{a}",
    "/downloads.{ext}",
    "/api/analytics/{a}",
    "/api/submissions/{a}",
    "/api/submissions/template.{ext}",
    "/query?query={a}",
    "/submit?format={ext}",
    "/{a}",
]


@FUZZ
@given(
    template=st.sampled_from(PAGE_TEMPLATES),
    kind=st.one_of(st.sampled_from(["model", "source", "claim", "family", "grade"]), HOSTILE),
    a=HOSTILE,
    b=HOSTILE,
    ext=st.one_of(st.sampled_from(["json", "ttl", "html", "csv", "rdf", "jsonld"]), HOSTILE),
    accept=st.sampled_from([None, "text/html", "application/json", "text/turtle", "*/*;q=x"]),
)
def test_pages_never_fail_the_server(world, template, kind, a, b, ext, accept):
    app, store = world
    path = template.format(
        kind=url_quoted(kind), a=url_quoted(a), b=url_quoted(b), ext=url_quoted(ext)
    )
    headers = {"Accept": accept} if accept else {}
    size = len(store)
    response = app.test_client().get(path, headers=headers)
    status = response.status_code
    assert status < 500, (path, status, response.get_data()[:800])
    if status >= 400 and response.mimetype == "application/json":
        assert json.loads(response.get_data())["error"]["status"] == status
    assert len(store) == size
