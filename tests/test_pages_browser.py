"""Headless Chromium on the pages: open a model, follow its evidence to a source, open the
evidence graph, read it at phone width and without JavaScript. Screenshots go to
tests/artifacts/."""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlparse

import pyoxigraph as ox
import pytest

from graph import derive, loading, paths
from server import create_app

WORLD = Path(__file__).parent / "fixtures" / "pages" / "world.ttl"
ARTIFACTS = Path(__file__).parent / "artifacts"


def world_store(store: ox.Store) -> ox.Store:
    """Load the ontology and the fixture world into ``store`` and derive the scores."""
    todo, _ = loading.prepare(loading.rdf_files([paths.ONTOLOGY_DIR, WORLD]), paths.ROOT, store)
    list(loading.write(store, todo, paths.ROOT))
    derive.derive(store)
    return store


@contextmanager
def serving(store: ox.Store) -> Iterator[str]:
    """Serve the pages over ``store`` with waitress, in a thread; yield the base URL."""
    from waitress.server import create_server

    with pytest.MonkeyPatch.context() as mp:
        for name in [n for n in os.environ if n.startswith("OPENNESS_")]:
            mp.delenv(name)
        app = create_app({"STORE": store})
    server = create_server(app, host="127.0.0.1", port=0, threads=4)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.effective_port}"
    finally:
        server.close()
        app.extensions["openness"].close()


@pytest.fixture(scope="module")
def site():
    """Serve the fixture world from an embedded store: these tests are about page behaviour."""
    with serving(world_store(ox.Store())) as base:
        yield base


@pytest.fixture
def page(browser, site):
    """Open a fresh page that records every URL it requests."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    opened = context.new_page()
    requested: list[str] = []
    opened.on("request", lambda request: requested.append(request.url))
    opened.requested = requested
    yield opened
    context.close()


def shot(page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"pages-{name}.png"), full_page=True)


def only_this_host(page, site: str) -> None:
    host = urlparse(site).netloc
    outside = [
        u
        for u in page.requested
        if not u.startswith(("data:", "blob:")) and urlparse(u).netloc != host
    ]
    assert outside == [], f"the page reached other hosts: {outside}"


def test_follow_a_score_to_its_source(page, site) -> None:
    page.goto(f"{site}/id/model/alpha")
    assert page.locator("h1").inner_text() == "Alpha"
    shot(page, "model")
    weights = page.locator("details#oti-2024-published-weights")
    weights.locator("summary").click()
    weights.locator('a[href="/id/source/news-d"]').first.click()
    page.wait_for_url(f"{site}/id/source/news-d")
    assert page.locator("h1").inner_text() == "Alpha pulls its weights"
    assert page.get_by_text("Alpha's weights are no longer available.").count() >= 1
    shot(page, "source")
    only_this_host(page, site)


def test_open_the_evidence_graph_and_follow_a_node(page, site) -> None:
    page.goto(f"{site}/id/model/alpha")
    page.click("#score-oti-2024 a.evidence-graph")
    page.wait_for_url(f"{site}/graph/evidence/alpha/oti-2024")
    page.wait_for_function("() => window.opennessGraph && window.opennessGraph.nodes().length > 0")
    count = page.evaluate("() => window.opennessGraph.nodes().length")
    data = page.evaluate("() => JSON.parse(document.getElementById('graph-data').textContent)")
    assert count == len(data["nodes"])
    assert page.locator("#cy").is_visible()
    assert not page.locator("#static-graph").is_visible()
    shot(page, "evidence-graph")
    # Click the node where cytoscape drew it.
    at = page.evaluate(
        "() => window.opennessGraph.$id('https://w3id.org/openness/id/source/paper-b')"
        ".renderedPosition()"
    )
    box = page.locator("#cy").bounding_box()
    page.mouse.click(box["x"] + at["x"], box["y"] + at["y"])
    page.wait_for_url(f"{site}/id/source/paper-b")
    only_this_host(page, site)


def test_the_graph_page_without_javascript_shows_the_svg(browser, site) -> None:
    context = browser.new_context(
        java_script_enabled=False, viewport={"width": 1280, "height": 900}
    )
    page = context.new_page()
    try:
        page.goto(f"{site}/graph/evidence/alpha/oti-2024")
        assert page.locator("#static-graph svg").is_visible()
        assert not page.locator("#cy").is_visible()
        shot(page, "evidence-graph-no-js")
        page.locator('#static-graph a[href="/id/source/report-a"]').first.click()
        page.wait_for_url(f"{site}/id/source/report-a")
    finally:
        context.close()


def test_pages_read_at_phone_width(browser, site) -> None:
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True)
    page = context.new_page()
    try:
        for path, name in (
            ("/id/model/alpha", "model-phone"),
            ("/models", "models-phone"),
            ("/spectrum", "spectrum-phone"),
        ):
            page.goto(f"{site}{path}")
            # Wide tables scroll inside their own box; the page itself does not.
            overflow = page.evaluate(
                "() => document.documentElement.scrollWidth - window.innerWidth"
            )
            assert overflow <= 1, (path, overflow)
            shot(page, name)
    finally:
        context.close()


@pytest.mark.every_store_kind
def test_a_page_served_from_each_store_kind_reaches_the_browser(browser, new_store) -> None:
    with serving(world_store(new_store())) as base:
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        page = context.new_page()
        page.requested = []
        page.on("request", lambda request: page.requested.append(request.url))
        try:
            page.goto(f"{base}/id/model/alpha")
            assert page.locator("h1").inner_text() == "Alpha"
            page.locator('a[href="/graph/evidence/alpha/oti-2024"]').first.click()
            page.wait_for_url(f"{base}/graph/evidence/alpha/oti-2024")
            page.wait_for_function(
                "() => window.opennessGraph && window.opennessGraph.nodes().length > 0"
            )
            data = page.evaluate(
                "() => JSON.parse(document.getElementById('graph-data').textContent)"
            )
            assert page.evaluate("() => window.opennessGraph.nodes().length") == len(data["nodes"])
            assert any(n["id"].endswith("/source/dataset-c") for n in data["nodes"])
            only_this_host(page, base)
        finally:
            context.close()
