"""Every page answers in every format it advertises; one smoke test runs the pages over the
OTI report's data as bundled."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pyoxigraph as ox
import pytest

from graph import derive, loading, paths
from server import create_app

WORLD = Path(__file__).parent / "fixtures" / "pages" / "world.ttl"

# One URL per page route at least; test_every_page_route_is_visited checks the list.
PAGES = [
    "/",
    "/models",
    "/models?developer=alpha-lab&sort=-tier",
    "/id/model/alpha",
    "/id/source/report-a",
    "/id/claim/news-alpha-weights",
    "/id/framework/oti-2024",
    "/id/criterion/oti-2024/published-weights",
    "/id/organization/watchdog",
    "/id/person/ada-author",
    "/id/score/alpha/oti-2024",
    "/id/assessment/alpha/oti-2024/published-weights",
    "/id/citation/report-a-note-1",
    "/id/grade/oti-2024/tier-2",
    "/id/family/alpha",
    "/spectrum",
    "/placement/mof",
    "/compare?model=alpha&model=beta",
    "/graph/evidence/alpha/oti-2024",
    "/graph/citations/paper-b",
    "/ns",
    "/shapes",
    "/downloads",
]
OTHERS = ["/.well-known/void", "/downloads/scores.csv", "/downloads/openness-graph.nq.gz"]
ALTERNATE = re.compile(r'<link rel="alternate" type="([^"]+)" href="([^"]+)">')


def store_of(make, *files: Path) -> ox.Store:
    """Return a store from the maker ``make`` holding the ontology and ``files``, derived."""
    store = make()
    todo, _ = loading.prepare(loading.rdf_files([paths.ONTOLOGY_DIR, *files]), paths.ROOT, store)
    list(loading.write(store, todo, paths.ROOT))
    derive.derive(store)
    return store


def make_app(store: ox.Store):
    with pytest.MonkeyPatch.context() as mp:
        for name in [n for n in os.environ if n.startswith("OPENNESS_")]:
            mp.delenv(name)
        return create_app({"STORE": store, "TESTING": True})


@pytest.fixture(scope="module")
def app(module_new_store):
    made = make_app(store_of(module_new_store, WORLD))
    yield made
    made.extensions["openness"].close()


def advertised(response) -> list[tuple[str, str]]:
    """Return (media type, URL) of every twin a response names, in its Link header and page."""
    found = re.findall(
        r'<([^>]+)>; rel="alternate"; type="([^"]+)"', response.headers.get("Link", "")
    )
    twins = {(media, url) for url, media in found}
    if response.mimetype == "text/html":
        twins |= {
            (media, url.replace("&amp;", "&")) for media, url in ALTERNATE.findall(response.text)
        }
    return sorted(twins)


def test_every_page_route_is_visited(app) -> None:
    adapter = app.url_map.bind("localhost")
    visited = set()
    for url in PAGES + OTHERS:
        endpoint, _ = adapter.match(url.split("?", 1)[0])
        visited.add(endpoint)
    pages = {r.endpoint for r in app.url_map.iter_rules() if r.endpoint.startswith("pages_")}
    assert pages <= visited, pages - visited


@pytest.mark.parametrize("url", PAGES)
def test_every_page_answers_in_every_format_it_advertises(app, url) -> None:
    client = app.test_client()
    page = client.get(url)
    assert page.status_code == 200, page.data[:300]
    assert page.mimetype == "text/html"
    twins = advertised(page)
    medias = {media for media, _ in twins}
    assert {"application/json", "text/turtle", "application/ld+json"} <= medias, url
    for media, twin in twins:
        answer = client.get(twin)
        assert answer.status_code == 200, (url, twin, answer.data[:300])
        assert answer.mimetype == media, (url, twin)
        if media == "application/json":
            assert isinstance(answer.json, dict)
        elif media in (
            "text/turtle",
            "application/ld+json",
            "application/n-triples",
            "application/rdf+xml",
        ):
            fmt = ox.RdfFormat.from_media_type(media)
            assert list(ox.parse(answer.data, format=fmt, base_iri="http://localhost/"))
        answer.close()
    # The same formats by Accept, without a suffix.
    for media in sorted(medias):
        answer = client.get(url, headers={"Accept": media})
        assert answer.status_code == 200 and answer.mimetype == media, (url, media)
        answer.close()


@pytest.mark.parametrize("url", OTHERS)
def test_the_other_documents_answer(app, url) -> None:
    answer = app.test_client().get(url)
    assert answer.status_code == 200
    answer.close()


def test_the_pages_over_the_bundled_oti_report(new_store) -> None:
    oti = paths.DATA_DIR / "oti-2024"
    app = make_app(store_of(new_store, oti, paths.DATA_DIR / "citations"))
    client = app.test_client()
    try:
        models = client.get("/models.json").json["models"]
        assert any(m["slug"] == "llama" for m in models)
        report = "/id/source/oti-2024-openness-in-ai-models"
        for url in (
            "/",
            "/models",
            "/id/model/llama",
            report,
            "/id/claim/oti-2024-spectrum-llama-published-weights",
            "/id/organization/new-america-oti",
            "/id/framework/oti-2024",
            "/spectrum",
            "/compare?model=llama&model=mistral",
            "/graph/evidence/llama/oti-2024",
            "/graph/citations/oti-2024-openness-in-ai-models",
        ):
            path, _, query = url.partition("?")
            for twin in (url, f"{'/index' if path == '/' else path}.json?{query}"):
                response = client.get(twin)
                assert response.status_code == 200, twin
        spectrum = client.get("/spectrum.json").json
        placed = {
            m["model"]["iri"].rsplit("/", 1)[-1]: r["tier"]["order"]
            for r in spectrum["rows"]
            for m in r["models"]
        }
        assert placed["mistral"] == 1 and placed["llama"] == 2
        cited = client.get(report + ".json").json["cites"]
        assert len(cited) > 10 and all(c["notes"] for c in cited)
    finally:
        app.extensions["openness"].close()
