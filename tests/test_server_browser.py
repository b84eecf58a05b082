"""Headless Chromium on the query page: run an example query and see its results, offline."""

from __future__ import annotations

from urllib.parse import urlparse

import pytest


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
    results = page.locator(".yasr table")
    results.get_by_text("https://w3id.org/openness/graph/test/models.ttl").first.wait_for(
        timeout=15000
    )
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
