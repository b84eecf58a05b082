"""Text from the graph reaches every page escaped; pages load nothing from other hosts and
work without JavaScript (only the graph pages run a script)."""

from __future__ import annotations

import os
import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

import pyoxigraph as ox
import pytest

from graph import derive, loading, paths
from server import create_app

FIXTURES = Path(__file__).parent / "fixtures" / "pages"

# One page of every type, each showing some of the hostile text of hostile.ttl.
PAGES = {
    "home": "/",
    "models": "/models",
    "filtered models": "/models?q=%3Cscript%3E&developer=evil-corp",
    "model": "/id/model/evil",
    "source": "/id/source/evil-page",
    "claim": "/id/claim/evil-code",
    "organization": "/id/organization/evil-corp",
    "cited source": "/id/source/report-a",
    "framework": "/id/framework/oti-2024",
    "criterion": "/id/criterion/oti-2024/open-code",
    "generic": "/id/citation/evil-note",
    "spectrum": "/spectrum",
    "compare": "/compare?model=evil&model=alpha",
    "compare picker": "/compare?model=evil",
    "evidence graph": "/graph/evidence/evil/oti-2024",
    "citation graph": "/graph/citations/evil-page",
    "ontology": "/ns",
    "shapes": "/shapes",
    "downloads": "/downloads",
}
HOSTILE = ("alert('label')", "alert('quote')", "alert('title')", "alert('note')", "alert('org')")


def hostile_store(make) -> ox.Store:
    """Return a store from the maker ``make`` holding the world and its hostile additions."""
    store = make()
    files = [paths.ONTOLOGY_DIR, FIXTURES / "world.ttl", FIXTURES / "hostile.ttl"]
    todo, _ = loading.prepare(loading.rdf_files(files), paths.ROOT, store)
    list(loading.write(store, todo, paths.ROOT))
    derive.derive(store)
    return store


@pytest.fixture(scope="module")
def client(module_new_store):
    with pytest.MonkeyPatch.context() as mp:
        for name in [n for n in os.environ if n.startswith("OPENNESS_")]:
            mp.delenv(name)
        app = create_app({"STORE": hostile_store(module_new_store), "TESTING": True})
    yield app.test_client()
    app.extensions["openness"].close()


class Elements(HTMLParser):
    """Collect the tags, attributes and script bodies of a page."""

    def __init__(self):
        super().__init__()
        self.tags: list[tuple[str, dict]] = []
        self.scripts: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        self._in_script = tag == "script"
        if tag == "script":
            self.scripts.append("")

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_script = False

    def handle_data(self, data):
        if self._in_script:
            self.scripts[-1] += data


def parse(html: str) -> Elements:
    found = Elements()
    found.feed(html)
    return found


@pytest.fixture(scope="module")
def pages(client) -> dict[str, str]:
    out = {}
    for name, path in PAGES.items():
        response = client.get(path)
        assert response.status_code == 200, (name, response.data[:300])
        assert response.mimetype == "text/html"
        out[name] = response.text
    return out


def test_hostile_text_is_shown_but_never_as_markup(pages) -> None:
    shown = set()
    for name, html in pages.items():
        elements = parse(html)
        # No element or attribute came from the data: no <img>, <b>, event handlers.
        assert not [t for t, _ in elements.tags if t in ("img", "b", "iframe")], name
        assert not [a for _, attrs in elements.tags for a in attrs if a.startswith("on")], name
        for script in elements.scripts:
            assert "alert(" not in script or "\\u003c" in script, name
        assert "<script>alert" not in html, name
        shown |= {h for h in HOSTILE if h.replace("'", "&#39;") in html}
    assert shown == set(HOSTILE)


def test_the_pages_showing_each_kind_of_text_escape_it(pages) -> None:
    assert "Evil &lt;script&gt;alert(&#39;label&#39;)&lt;/script&gt; model" in pages["model"]
    assert "Quote &lt;script&gt;alert(&#39;quote&#39;)&lt;/script&gt; &amp; more" in pages["claim"]
    assert "Quote &lt;script&gt;" in pages["source"]
    assert "A page &lt;img src=x onerror=alert(&#39;title&#39;)&gt;" in pages["source"]
    assert (
        "Note &lt;/script&gt;&lt;script&gt;alert(&#39;note&#39;)&lt;/script&gt;"
        in pages["cited source"]
    )


def test_unknown_names_with_markup_come_back_in_the_json_error_shape(client) -> None:
    response = client.get("/compare?model=%3Cscript%3Ealert(1)%3C/script%3E&model=alpha")
    assert response.status_code == 404
    assert response.mimetype == "application/json"
    assert set(response.json["error"]) == {"status", "title", "detail"}


def test_javascript_addresses_are_never_links(pages) -> None:
    for name, html in pages.items():
        for tag, attrs in parse(html).tags:
            for key in ("href", "src", "action"):
                value = (attrs.get(key) or "").strip().lower()
                assert not value.startswith(("javascript:", "data:text")), (name, tag, value)
    assert "javascript:alert(&#39;url&#39;)" in pages["source"]  # shown as text


def test_the_graph_data_embedded_in_the_page_cannot_close_its_script(client) -> None:
    html = client.get("/graph/evidence/evil/oti-2024").text
    (data,) = re.findall(
        r'<script type="application/json" id="graph-data">(.*?)</script>', html, re.S
    )
    assert "<" not in data
    svg = client.get("/graph/evidence/evil/oti-2024.svg").text
    assert "<script" not in svg


def test_pages_load_nothing_from_other_hosts(pages) -> None:
    for name, html in pages.items():
        for tag, attrs in parse(html).tags:
            if tag in ("script", "img", "iframe") or (
                tag == "link" and attrs.get("rel") == "stylesheet"
            ):
                source = attrs.get("src") or attrs.get("href") or ""
                assert not urlsplit(source).netloc, (name, source)
        assert "@import" not in html and "fonts.googleapis" not in html


def test_only_the_graph_pages_need_javascript(pages) -> None:
    for name, html in pages.items():
        has_script = any(tag == "script" for tag, _ in parse(html).tags)
        assert has_script == name.endswith("graph"), name
    for name in ("evidence graph", "citation graph"):
        assert '<figure id="static-graph"' in pages[name]  # the drawing without JavaScript


def test_pages_fit_a_phone(pages) -> None:
    for name, html in pages.items():
        assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in html, name
    css = (paths.ROOT / "server" / "static" / "pages.css").read_text()
    assert "@media (max-width:" in css
    assert "font-family" not in css or "system-ui" in css
