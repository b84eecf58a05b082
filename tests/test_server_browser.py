"""Headless Chromium on the query page: run an example query and see its results, offline."""

from __future__ import annotations

import urllib.request
from urllib.parse import urlparse

import pytest


@pytest.fixture(scope="module")
def live_server(patient_live_server):
    return patient_live_server


def wait_for_results(page, text: str) -> None:
    """Wait for the results table to show ``text``; fail with YASR's message if it shows one."""
    page.locator(".yasr table, .yasr .errorResult").first.wait_for(timeout=30000)
    error = page.locator(".yasr .errorResult")
    if error.count():
        pytest.fail(f"the query page showed an error: {error.first.inner_text()}")
    page.locator(".yasr table").get_by_text(text).first.wait_for(timeout=15000)


@pytest.fixture
def page(browser, live_server):
    """Open a fresh page that records every URL it requests."""
    context = browser.new_context()
    opened = context.new_page()
    requested: list[str] = []
    opened.on("request", lambda request: requested.append(request.url))
    opened.requested = requested
    yield opened
    context.close()


def test_query_page_runs_an_example(page, live_server):
    page.goto(f"{live_server}/query")
    page.click("button.example[data-name='00-named-graphs']")
    page.wait_for_function(
        "() => window.opennessYasgui.getTab().getQuery().includes('GRAPH ?graph')"
    )
    page.click(".yasqe_queryButton")
    wait_for_results(page, "https://w3id.org/openness/graph/test/models.ttl")
    results = page.locator(".yasr table")
    assert results.get_by_text("https://w3id.org/openness/graph/test/claims.ttl").count() >= 1
    host = urlparse(live_server).netloc
    outside = [
        url
        for url in page.requested
        if not url.startswith(("data:", "blob:")) and urlparse(url).netloc != host
    ]
    assert outside == [], f"the page reached other hosts: {outside}"


def test_endpoint_page_links_the_query_page(page, live_server):
    page.goto(f"{live_server}/sparql")
    page.click("text=Open the query page")
    page.wait_for_url(f"{live_server}/query")
    assert page.locator("#yasgui .yasqe").count() == 1


def test_query_page_opens_the_example_named_in_the_fragment(page, live_server):
    page.goto(f"{live_server}/query#00-named-graphs")
    page.wait_for_function(
        "() => window.opennessYasgui.getTab().getQuery().includes('GRAPH ?graph')"
    )


TYPED = "SELECT ?s WHERE { ?s og:developer organization:meta }"
LLAMA = "https://w3id.org/openness/id/model/llama"
TYPED_GRAPH = "urn:test:typed-query"


def _update(live_server: str, token: str, text: str) -> None:
    request = urllib.request.Request(
        f"{live_server}/update",
        data=text.encode("utf-8"),
        headers={"Content-Type": "application/sparql-update", "Authorization": f"Bearer {token}"},
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        assert response.status == 204


@pytest.fixture
def meta_model(live_server, live_write_token):
    """Give the live server one model developed by organization:meta, in a graph of its own."""
    fact = (
        f"<{LLAMA}> <https://w3id.org/openness/ns#developer> "
        "<https://w3id.org/openness/id/organization/meta>"
    )
    _update(live_server, live_write_token, f"INSERT DATA {{ GRAPH <{TYPED_GRAPH}> {{ {fact} }} }}")
    yield
    _update(live_server, live_write_token, f"DROP SILENT GRAPH <{TYPED_GRAPH}>")


def test_a_query_typed_key_by_key_runs_as_typed_and_stays_offline(page, live_server, meta_model):
    page.goto(f"{live_server}/query")
    page.wait_for_function("() => window.opennessYasgui && window.opennessYasgui.getTab()")
    # Start from an empty editor, then type as a person would: one key at a time, so every
    # completer and every change handler of the editor runs on each character.
    page.evaluate("() => window.opennessYasgui.getTab().getYasqe().setValue('')")
    page.click(".CodeMirror")
    for key in TYPED:
        page.keyboard.type(key)  # a suggestion list closes on the next space or bracket
    assert _outside(page, live_server) == [], "typing reached other origins"
    query = page.evaluate("() => window.opennessYasgui.getTab().getQuery()")
    assert "PREFIX" not in query.upper(), f"the editor inserted a declaration: {query!r}"
    assert query.strip() == TYPED
    with page.expect_response(lambda r: "/sparql" in r.url) as answered:
        page.click(".yasqe_queryButton")
    assert answered.value.status == 200
    body = answered.value.json()
    assert [row["s"]["value"] for row in body["results"]["bindings"]] == [LLAMA]
    page.locator(".yasr_response_chip").get_by_text("1 result").wait_for(timeout=15000)
    assert "llama" in page.locator(".yasr table tbody").inner_text()
    assert any(urlparse(url).path == "/sparql" for url in page.requested)
    assert _outside(page, live_server) == [], "running the query reached other origins"


def _outside(page, live_server: str) -> list[str]:
    """Return the URLs the page requested from any origin but the test server's own."""
    own = urlparse(live_server)
    return [
        url
        for url in page.requested
        if not url.startswith(("data:", "blob:"))
        and (urlparse(url).scheme, urlparse(url).netloc) != (own.scheme, own.netloc)
    ]


def test_the_editor_completes_from_the_projects_terms(page, live_server):
    page.goto(f"{live_server}/query")
    page.wait_for_function("() => window.opennessYasgui && window.opennessYasgui.getTab()")
    page.evaluate("() => window.opennessYasgui.getTab().getYasqe().setValue('')")
    page.click(".CodeMirror")
    page.keyboard.type("SELECT ?s WHERE { ?s og:deve")
    page.keyboard.press("Control+Space")
    hints = page.locator(".CodeMirror-hints li")
    hints.first.wait_for(timeout=5000)
    assert "og:developer" in hints.all_inner_texts()


def _type_and_hints(page, live_server: str, text: str, then: str = "") -> list[str]:
    """Type ``text`` key by key into an empty editor; return the suggestions shown unasked."""
    page.goto(f"{live_server}/query")
    page.wait_for_function("() => window.opennessYasgui && window.opennessYasgui.getTab()")
    page.evaluate("() => window.opennessYasgui.getTab().getYasqe().setValue('')")
    page.click(".CodeMirror")
    for key in text:
        page.keyboard.type(key)
    hints = page.locator(".CodeMirror-hints li")
    hints.first.wait_for(timeout=5000)
    return hints.all_inner_texts()


def test_typing_og_offers_the_ontologys_terms_and_asks_no_one_else(page, live_server):
    shown = _type_and_hints(page, live_server, "SELECT ?s WHERE { ?s og:")
    assert "og:developer" in shown
    assert not any(h.startswith("http") for h in shown)
    assert _outside(page, live_server) == [], "completing reached other origins"


def test_the_editor_completes_levels_and_the_frameworks_criteria(page, live_server):
    shown = _type_and_hints(page, live_server, "SELECT ?c WHERE { ?c og:level og:op")
    assert "og:open" in shown
    shown = _type_and_hints(page, live_server, "SELECT ?c WHERE { ?c og:criterion criterion:oti")
    assert "criterion:oti-2024\\/open-code" in shown
    assert _outside(page, live_server) == [], "completing reached other origins"
