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
from server.pages.common import LINK_LIMIT, link_header

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
    html = client.get("/graph/citations/evil-page").text
    (data,) = re.findall(
        r'<script type="application/json" id="graph-data">(.*?)</script>', html, re.S
    )
    assert "<" not in data
    for path in ("/graph/evidence/evil/oti-2024.svg", "/graph/citations/evil-page.svg"):
        assert "<script" not in client.get(path).text


def test_the_evidence_tree_shows_hostile_names_as_text(pages) -> None:
    html = pages["evidence graph"]
    assert '<ol class="etree">' in html
    assert "Evil &lt;script&gt;alert(&#39;label&#39;)&lt;/script&gt; model" in html
    assert "A page &lt;img src=x onerror=alert(&#39;title&#39;)&gt;" in html


def test_pages_load_nothing_from_other_hosts(pages) -> None:
    for name, html in pages.items():
        for tag, attrs in parse(html).tags:
            if tag in ("script", "img", "iframe") or (
                tag == "link" and attrs.get("rel") == "stylesheet"
            ):
                source = attrs.get("src") or attrs.get("href") or ""
                assert not urlsplit(source).netloc, (name, source)
        assert "@import" not in html and "fonts.googleapis" not in html


def test_only_the_citation_graph_needs_javascript(pages) -> None:
    for name, html in pages.items():
        has_script = any(tag == "script" for tag, _ in parse(html).tags)
        # The citation graph is drawn by a script; the evidence graph is HTML and CSS.
        assert has_script == (name == "citation graph"), name
    assert '<figure id="static-graph"' in pages["citation graph"]  # the drawing without it


def test_pages_fit_a_phone(pages) -> None:
    for name, html in pages.items():
        assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in html, name
    css = (paths.ROOT / "server" / "static" / "pages.css").read_text()
    assert "@media (max-width:" in css
    assert "font-family" not in css or "system-ui" in css


# Values no slug or parameter can hold: control characters, brackets, quotes, a lone
# surrogate (percent-encoded UTF-8), and values long enough to hit any length limit.
HOSTILE_VALUES = {
    "nul": "%00",
    "unit separator": "%1F",
    "delete": "%7F",
    "open bracket": "%5B",
    "close bracket": "%5D",
    "less than": "%3C",
    "quote": "%22",
    "brace": "%7B",
    "backslash": "%5C",
    "lone surrogate": "%ED%A0%80",
    "long": "a" * 20_000,
    "long hostile": "%5B" * 3_000,
}
# A harmless value for each route argument that is not the one under attack.
ROUTE_DEFAULTS = {
    "kind": "model",
    "rest": "evil",
    "model": "evil",
    "framework": "oti-2024",
    "slug": "oti-2024",
    "ext": "json",
    "name": "scores.csv",
    "key": "0" * 32,
    "suffix": "json",
}
# The query parameters each route reads, besides format= (tried on every route).
ROUTE_PARAMETERS = {
    "/compare": ("model",),
    "/models": ("q", "sort", "page", "per_page", "developer", "licence"),
    "/graph/citations/<path:rest>": ("radius",),
    "/api/analytics": ("limit",),
    "/api/analytics/<name>": ("limit", "by"),
    "/rdf-graph-store": ("graph",),
    "/sparql": ("default-graph-uri",),
}


def route_url(rule: str, values: dict[str, str]) -> str:
    """Return ``rule`` (a Werkzeug rule string) with its arguments replaced by ``values``."""
    for name, value in values.items():
        rule = re.sub(rf"<(?:[a-z]+:)?{name}>", value, rule)
    return rule


def hostile_urls(app) -> list[str]:
    """Return a URL for every GET route, argument and parameter, each with one hostile value."""
    urls = []
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods or rule.endpoint == "static":
            continue
        defaults = {n: ROUTE_DEFAULTS[n] for n in rule.arguments}
        plain = route_url(rule.rule, defaults)
        for value in HOSTILE_VALUES.values():
            for target in rule.arguments:
                urls.append(route_url(rule.rule, {**defaults, target: value}))
            for parameter in ("format", *ROUTE_PARAMETERS.get(rule.rule, ())):
                urls.append(f"{plain}?{parameter}={value}")
            if rule.rule == "/compare":
                urls.append(f"/compare?model=evil&model={value}")
    return urls


def test_hostile_slugs_and_parameters_answer_4xx_in_the_error_shape(client) -> None:
    client.application.testing = False  # let the error handler answer a failure
    urls = hostile_urls(client.application)
    assert any(u.startswith("/id/") for u in urls) and any("/compare?" in u for u in urls)
    failures = []
    for url in urls:
        response = client.get(url)
        if response.status_code >= 500:
            failures.append((response.status_code, url[:120]))
        elif response.status_code >= 400:
            assert response.mimetype == "application/json", url[:120]
            assert set(response.json["error"]) == {"status", "title", "detail"}, url[:120]
        response.close()
    assert not failures


@pytest.mark.parametrize("name", ["nul", "open bracket", "close bracket", "lone surrogate"])
def test_a_slug_that_cannot_name_a_thing_is_not_found(client, name) -> None:
    value = HOSTILE_VALUES[name]
    for url in (
        f"/id/model/{value}",
        f"/id/source/{value}.json",
        f"/graph/evidence/{value}/oti-2024",
        f"/graph/citations/{value}",
        f"/compare?model={value}&model=evil",
    ):
        response = client.get(url)
        assert response.status_code == 404, url
        assert response.json["error"]["status"] == 404


def test_the_link_header_stays_small_behind_a_long_url(client) -> None:
    long = "x" * 35_000
    response = client.get(f"/models?q={long}&junk={long}")
    assert response.status_code == 200
    assert len(response.headers.get("Link", "")) <= LINK_LIMIT
    # The twins named in the page carry the arguments the page reads, never the others.
    assert "junk" not in response.text


def test_the_link_header_names_each_twin_once_with_the_arguments_it_needs(client) -> None:
    response = client.get("/models?developer=evil-corp&junk=1&junk=2")
    links = re.findall(r'<([^>]+)>; rel="alternate"; type="([^"]+)"', response.headers["Link"])
    assert sorted(t for _, t in links) == ["application/json", "application/ld+json", "text/turtle"]
    for url, _ in links:
        assert "developer=evil-corp" in url and "junk" not in url


def test_link_header_leaves_out_the_twins_that_do_not_fit() -> None:
    alternates = [{"url": "/a" * n, "type": "text/x"} for n in (10, 5_000, 20)]
    header = link_header(alternates, limit=200)
    assert header.count("rel=") == 2 and len(header) <= 200
    assert link_header(alternates[1:2], limit=200) == ""
