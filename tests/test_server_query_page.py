"""The query page (/query), the example queries it offers, and the vendored YASGUI."""

from __future__ import annotations

import hashlib
import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pyoxigraph as ox
import pytest
from markupsafe import escape as html_escape

from graph.namespaces import PREFIXES, sparql_prefixes
from graph.queries import example_queries, parse_example

ROOT = Path(__file__).resolve().parent.parent
VENDOR = ROOT / "server" / "static" / "vendor" / "yasgui"


class _Assets(HTMLParser):
    def __init__(self):
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        for name in ("src", "href"):
            if tag in ("script", "link", "img") and attributes.get(name):
                self.urls.append(attributes[name])


# Each store's engine must parse the examples; the page itself is the same over any store.
@pytest.mark.every_store_kind
@pytest.mark.differs_on(
    "virtuoso",
    reason="Virtuoso 7 cannot compile BIND(EXISTS {...} || NOT EXISTS {...} AS ?x), "
    "which example query 05 uses (error SQ074)",
)
def test_example_queries_have_titles_and_parse(sample_store):
    examples = example_queries()
    names = [q.name for q in examples]
    assert {"00-count-by-class", "00-named-graphs"} <= set(names)
    assert names == sorted(names)
    for query in examples:
        assert query.title and query.text.strip()
        sample_store.query(query.text, prefixes=PREFIXES)  # raises SyntaxError if invalid


def test_header_comments_are_read():
    query = parse_example("x", "# title: Some title\n# description: What it does\nASK {}\n")
    assert (query.title, query.description) == ("Some title", "What it does")
    with pytest.raises(ValueError, match="title"):
        parse_example("y", "ASK {}\n")


def test_page_lists_the_examples_and_loads_only_local_assets(client):
    response = client.get("/query")
    assert response.status_code == 200
    assert response.mimetype == "text/html"
    html = response.data.decode()
    for query in example_queries():
        assert str(html_escape(query.title)) in html
    parser = _Assets()
    parser.feed(html)
    local = [url for url in parser.urls if not url.startswith("data:")]
    assert local and all(url.startswith("/static/") for url in local)
    for url in local:
        with client.get(url) as asset:  # static files are streamed: close them
            assert asset.status_code == 200, url


def test_examples_as_json(client):
    response = client.get("/query", query_string={"format": "json"})
    names = [q["name"] for q in response.get_json()["examples"]]
    assert names == [q.name for q in example_queries()]


def test_the_editor_completes_the_ontology_and_the_frameworks_in_names_that_parse(client):
    terms = client.get("/query", query_string={"format": "json"}).get_json()["terms"]
    assert "og:Model" in terms["classes"] and "og:developer" in terms["properties"]
    things = terms["things"]
    assert {"og:open", "og:Contested", "framework:oti-2024"} <= set(things)
    assert "criterion:oti-2024\\/open-code" in things
    assert "grade:oti-2024\\/tier-1" in things
    # Every suggestion is a prefixed name the endpoint reads with its predeclared prefixes.
    store = ox.Store()
    for name in [*terms["classes"], *terms["properties"], *things]:
        store.query(f"{sparql_prefixes()}ASK {{ {name} ?p ?o }}")


def test_vendored_yasgui_matches_its_manifest_and_the_lock_file():
    manifest = json.loads((VENDOR / "MANIFEST.json").read_text())
    lock = json.loads((ROOT / "package-lock.json").read_text())
    locked = lock["packages"]["node_modules/@zazuko/yasgui"]
    assert manifest["version"] == locked["version"]
    assert manifest["integrity"] == locked["integrity"]
    for name, digest in manifest["files"].items():
        assert hashlib.sha256((VENDOR / name).read_bytes()).hexdigest() == digest, name
    assert "MIT License" in (VENDOR / "LICENSE").read_text()
    assert "codemirror" in (VENDOR / "THIRD-PARTY-LICENSES.txt").read_text()


def test_styles_load_nothing_from_other_hosts():
    for css in [VENDOR / "yasgui.min.css", ROOT / "server" / "static" / "site.css"]:
        text = css.read_text(encoding="utf-8")
        assert not re.search(r"@import|url\(\s*['\"]?(https?:)?//", text), css
