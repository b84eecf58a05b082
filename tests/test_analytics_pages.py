"""The analytics page: three server-drawn SVG charts, links to every measure, seen in Chromium."""

from __future__ import annotations

import re
import threading
import xml.etree.ElementTree as ET
from pathlib import Path

import pyoxigraph as ox
import pytest
from werkzeug.serving import make_server

from graph import analytics, derive, loading
from graph.namespaces import graph_iri
from graph.store import writes
from server import charts

WORLD = Path(__file__).parent / "fixtures" / "analytics" / "world.ttl"
ARTIFACTS = Path(__file__).parent / "artifacts"
SVG_NS = "{http://www.w3.org/2000/svg}"


def world_store(new_store) -> ox.Store:
    """Load the fixture as a load would (with its catalogue entry), then derive the scores."""
    data = WORLD.read_bytes()
    graph = graph_iri("test/analytics")
    quads = [
        ox.Quad(t.subject, t.predicate, t.object, ox.NamedNode(graph))
        for t in ox.parse(data, format=ox.RdfFormat.TURTLE)
    ]
    store = new_store()
    entry = writes.catalogue_entry(graph, loading.content_hash(data), "world")
    writes.replace_graph(store, graph, quads, catalogue=entry)
    derive.derive(store, when="2025-01-01T00:00:00Z")
    return store


def svgs(html: str) -> dict[str, ET.Element]:
    """Parse every inline chart of a page as XML, keyed by the section it is in."""
    found = {}
    for section in re.finditer(r'<section id="([\w-]+)">(.*?)</section>', html, re.S):
        for i, svg in enumerate(re.findall(r"<svg .*?</svg>", section.group(2), re.S)):
            found[f"{section.group(1)}/{i}"] = ET.fromstring(svg)
    return found


def bars(svg: ET.Element) -> list[ET.Element]:
    return [r for r in svg.iter(f"{SVG_NS}rect") if r.get("class") == "bar"]


@pytest.fixture(scope="module")
def world(module_new_store) -> ox.Store:
    """Return the derived fixture, shared by the tests that only read it."""
    return world_store(module_new_store)


@pytest.fixture
def sample_store(world) -> ox.Store:
    """Serve the derived fixture wherever an app is made without a store of its own."""
    return world


@pytest.fixture(autouse=True)
def fresh_cache():
    analytics.clear_cache()
    yield
    analytics.clear_cache()


@pytest.fixture
def app(make_app):
    return make_app()


def test_page_draws_the_three_charts_without_script(app):
    response = app.test_client().get("/analytics")
    assert response.status_code == 200 and response.mimetype == "text/html"
    assert response.headers["Link"] == '</api/analytics>; rel="alternate"; type="application/json"'
    html = response.get_data(as_text=True)
    assert "<script" not in html
    charts_on_page = svgs(html)
    assert sorted(charts_on_page) == ["distribution/0", "reliance/0", "self-reported/0"]
    # Distribution: one column per OTI grade, tier 2 (one model) half as tall as tier 3 (two).
    tier2, tier3 = (float(r.get("height")) for r in bars(charts_on_page["distribution/0"]))
    assert tier3 == pytest.approx(2 * tier2) and tier2 > 0
    # Self-reported: C is one self-reported segment; M has all three (1, 1, 2); B one independent.
    stacked = bars(charts_on_page["self-reported/0"])
    assert [r.get("fill") for r in stacked] == [
        charts.COLOURS[0],
        charts.COLOURS[0],
        charts.COLOURS[1],
        charts.COLOURS[2],
        charts.COLOURS[2],
    ]
    m_widths = [float(r.get("width")) for r in stacked[1:4]]
    assert m_widths[2] == pytest.approx(2 * m_widths[0]) and m_widths[0] == pytest.approx(
        m_widths[1]
    )
    # Reliance: one bar per source, longest first (ordered by PageRank).
    widths = [float(r.get("width")) for r in bars(charts_on_page["reliance/0"])]
    assert len(widths) == 3 and widths == sorted(widths, reverse=True) and widths[-1] > 0


def test_page_links_every_measures_json_and_model_pages(app):
    html = app.test_client().get("/analytics").get_data(as_text=True)
    for name in analytics.MEASURES:
        assert f'href="/api/analytics/{name}"' in html
    # Chart labels link to the things' pages on this site.
    assert 'href="/id/model/m"' in html and 'href="/id/source/q"' in html


def test_labels_are_escaped_in_the_charts(app):
    html = app.test_client().get("/analytics").get_data(as_text=True)
    assert "Model &lt;M&gt; &amp; co" in html and "<M>" not in html
    assert "Press &lt;b&gt;review&lt;/b&gt;" in html and "<b>review" not in html


def test_chart_functions_escape_and_scale():
    svg = charts.bar_chart(
        [charts.Bar('"><script>x</script>', 4, href="javascript:'x'"), charts.Bar("b", 2)], "T<1>"
    )
    tree = ET.fromstring(str(svg))
    assert "<script" not in str(svg) and tree.get("aria-label") == "T<1>"
    first, second = (float(r.get("width")) for r in bars(tree))
    assert first == pytest.approx(2 * second)
    empty = ET.fromstring(str(charts.histogram([], "nothing")))
    assert bars(empty) == []


def test_page_over_an_empty_store_says_so(make_app, new_store):
    html = make_app(STORE=new_store()).test_client().get("/analytics").get_data(as_text=True)
    assert "No scores yet" in html and "No claims about models yet" in html
    assert "No sources yet" in html and svgs(html) == {}


@pytest.fixture
def served(app):
    """Serve ``app`` on a loopback port from a thread; yield its base URL."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join()


def test_charts_show_in_a_browser_with_scripts_off(browser, served):
    # Scripts off: the charts must not depend on JavaScript.
    context = browser.new_context(
        java_script_enabled=False, viewport={"width": 1100, "height": 900}
    )
    page = context.new_page()
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    try:
        page.goto(f"{served}/analytics")
        charts_shown = page.locator("svg.chart")
        assert charts_shown.count() == 3
        for i in range(3):
            chart = charts_shown.nth(i)
            assert chart.is_visible()
            box = chart.bounding_box()
            assert box is not None and box["width"] > 100 and box["height"] > 20
            bar_boxes = [b.bounding_box() for b in chart.locator("rect.bar").all()]
            assert bar_boxes and all(b["width"] > 0 and b["height"] > 0 for b in bar_boxes)
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "analytics.png"), full_page=True)
        assert (ARTIFACTS / "analytics.png").stat().st_size > 10_000
        assert all(url.startswith((served, "data:")) for url in requested), requested
    finally:
        context.close()


def test_scores_without_a_grade_get_a_column_of_their_own(app):
    from server.analytics import _distribution_chart

    # Five MOF scores, two of them in Class I: the other three reach no class.
    item = {
        "framework": "https://w3id.org/openness/id/framework/mof",
        "scores": 5,
        "grades": [
            {"grade": "https://w3id.org/openness/id/grade/mof/class-1", "order": 1, "count": 2}
        ],
        "values": {"min": 0, "max": 1, "mean": 0.4, "median": 0},
        "histogram": [],
    }
    with app.test_request_context():
        chart = _distribution_chart(item, {})
    columns = ET.fromstring(str(chart["svg"]))
    shown = [r.find(f"{SVG_NS}title").text for r in bars(columns)]
    assert shown == ["class-1: 2", "no grade: 3"]
