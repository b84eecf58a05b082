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
from graph.namespaces import ID
from server import create_app

WORLD = Path(__file__).parent / "fixtures" / "pages" / "world.ttl"
REPORT = f"{ID}source/oti-2024-openness-in-ai-models"
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


# What the screenshot tests measure in the page: every piece of text on the first screen
# with its font size, and every box of the evidence tree drawn (a folded one keeps a layout
# box, so visibility is asked, not the rectangles).
TEXT_ON_FIRST_SCREEN = """() => {
  const found = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const text = walker.currentNode;
    if (!text.textContent.trim()) continue;
    const range = document.createRange();
    range.selectNodeContents(text);
    const seen = [...range.getClientRects()].some(r => r.width > 0 && r.height > 0
      && r.bottom > 0 && r.top < innerHeight && r.right > 0 && r.left < innerWidth);
    const style = getComputedStyle(text.parentElement);
    if (seen && style.visibility !== "hidden")
      found.push([text.textContent.trim().slice(0, 40), parseFloat(style.fontSize)]);
  }
  return found;
}"""
BOXES = """() => [...document.querySelectorAll(".etree .box")]
  .filter(b => b.checkVisibility())
  .map(b => { const r = b.getBoundingClientRect();
    return {id: b.dataset.id, kind: b.dataset.kind,
            left: r.left, top: r.top, right: r.right, bottom: r.bottom}; })"""
SMALLEST_TEXT = 11  # px


def overlaps(boxes: list[dict]) -> list[tuple[str, str]]:
    """Return the pairs of boxes that overlap by more than a pixel either way."""
    found = []
    for i, a in enumerate(boxes):
        for b in boxes[i + 1 :]:
            wide = min(a["right"], b["right"]) - max(a["left"], b["left"])
            tall = min(a["bottom"], b["bottom"]) - max(a["top"], b["top"])
            if wide > 1 and tall > 1:
                found.append((a["id"], b["id"]))
    return found


def check_readable(page) -> list[dict]:
    """Assert the first screen's text is large enough and no two boxes overlap; return the boxes."""
    small = [t for t in page.evaluate(TEXT_ON_FIRST_SCREEN) if t[1] < SMALLEST_TEXT]
    assert small == [], f"text under {SMALLEST_TEXT}px on the first screen: {small}"
    boxes = page.evaluate(BOXES)
    assert boxes, "no box drawn"
    assert overlaps(boxes) == []
    return boxes


def test_open_the_evidence_graph_and_follow_a_node(page, site) -> None:
    page.goto(f"{site}/id/model/alpha")
    page.click("#score-oti-2024 a.evidence-graph")
    page.wait_for_url(f"{site}/graph/evidence/alpha/oti-2024")
    data = page.evaluate("() => fetch(location.pathname + '.json').then(r => r.json())")
    drawn = {b["id"] for b in page.evaluate(BOXES)}
    # Paper B's own citation (Dataset C) is folded at first; everything else is drawn.
    assert drawn == {n["id"] for n in data["nodes"]} - {f"{ID}source/dataset-c"}
    shot(page, "evidence-graph")
    page.locator(f'.etree .box[data-id="{ID}source/paper-b"] a.box-label').first.click()
    page.wait_for_url(f"{site}/id/source/paper-b")
    only_this_host(page, site)


@pytest.mark.parametrize(
    ("width", "height", "name"), [(1280, 800, "desktop"), (390, 844, "phone")], ids=str
)
def test_the_evidence_graph_reads_without_zooming(browser, site, width, height, name) -> None:
    context = browser.new_context(
        viewport={"width": width, "height": height}, is_mobile=name == "phone"
    )
    page = context.new_page()
    try:
        page.goto(f"{site}/graph/evidence/alpha/oti-2024")
        boxes = check_readable(page)
        assert max(b["right"] for b in boxes) <= width, "a box runs off the screen"
        overflow = page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 1
        shot(page, f"evidence-graph-{name}")
        # Opening what is folded draws more boxes, in place, still apart.
        before = len(boxes)
        page.locator(".etree details.fold > summary").first.click()
        opened = page.evaluate(BOXES)
        assert len(opened) > before
        assert any(b["id"] == f"{ID}source/dataset-c" for b in opened)
        assert overlaps(opened) == []
        assert page.url.endswith("/graph/evidence/alpha/oti-2024")
    finally:
        context.close()


def test_the_evidence_graph_opens_its_folds_without_javascript(browser, site) -> None:
    context = browser.new_context(
        java_script_enabled=False, viewport={"width": 1280, "height": 800}
    )
    page = context.new_page()
    try:
        page.goto(f"{site}/graph/evidence/alpha/oti-2024")
        check_readable(page)
        page.locator(".etree details.fold > summary").first.click()
        assert page.locator(f'.etree .box[data-id="{ID}source/dataset-c"]').first.is_visible()
        page.locator(f'.etree .box[data-id="{ID}source/dataset-c"] a.box-label').first.click()
        page.wait_for_url(f"{site}/id/source/dataset-c")
    finally:
        context.close()


def test_the_citation_graph_without_javascript_shows_the_svg(browser, site) -> None:
    context = browser.new_context(
        java_script_enabled=False, viewport={"width": 1280, "height": 900}
    )
    page = context.new_page()
    try:
        page.goto(f"{site}/graph/citations/paper-b")
        assert page.locator("#static-graph svg").is_visible()
        assert not page.locator("#cy").is_visible()
        shot(page, "citation-graph-no-js")
        page.locator('#static-graph a[href="/id/source/report-a"]').first.click()
        page.wait_for_url(f"{site}/id/source/report-a")
    finally:
        context.close()


@pytest.fixture(scope="module")
def seed_site():
    """Serve all of data/ from an embedded store: this checks the bundled data, not the engine."""
    store = ox.Store()
    files = loading.rdf_files([paths.ONTOLOGY_DIR, paths.DATA_DIR])
    todo, _ = loading.prepare(files, paths.ROOT, store)
    list(loading.write(store, todo, paths.ROOT))
    derive.derive(store)
    with serving(store) as base:
        yield base


@pytest.mark.parametrize(("width", "height"), [(1280, 800), (390, 844)], ids=str)
def test_llamas_spectrum_evidence_fits_a_first_view(browser, seed_site, width, height) -> None:
    context = browser.new_context(viewport={"width": width, "height": height})
    page = context.new_page()
    try:
        page.goto(f"{seed_site}/graph/evidence/llama/oti-2024")
        boxes = check_readable(page)
        assert len(boxes) <= 30
        # The spectrum row cites nothing: none of the report's 42 cited works is drawn.
        assert {b["id"] for b in boxes if b["kind"] in ("source", "citation")} == {REPORT}
        assert not page.locator(".etree .kind-citation").count()
        assert page.get_by_text("the passage cites no other work").count() >= 1
        shot(page, f"evidence-graph-llama-{width}")
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
            drawn = {b["id"] for b in page.evaluate(BOXES)}
            assert f"{ID}source/paper-b" in drawn
            page.locator(".etree details.fold > summary").first.click()
            assert f"{ID}source/dataset-c" in {b["id"] for b in page.evaluate(BOXES)}
            only_this_host(page, base)
        finally:
            context.close()
