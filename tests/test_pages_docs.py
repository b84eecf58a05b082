"""A page route or JSON key that docs/pages.md does not name fails the build."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from graph import derive, loading, paths
from server import create_app

DOCS = (paths.ROOT / "docs" / "pages.md").read_text(encoding="utf-8")
WORLD = Path(__file__).parent / "fixtures" / "pages" / "world.ttl"
JSON_PAGES = [
    "/index.json",
    "/models.json?developer=alpha-lab",
    "/id/model/alpha.json",
    "/id/model/beta.json",
    "/id/source/report-a.json",
    "/id/claim/news-alpha-weights.json",
    "/id/framework/oti-2024.json",
    "/id/framework/osai-index.json",
    "/id/framework/mof.json",
    "/id/criterion/oti-2024/published-weights.json",
    "/id/organization/watchdog.json",
    "/id/person/ada-author.json",
    "/id/score/alpha/oti-2024.json",
    "/spectrum.json",
    "/compare.json?model=alpha&model=beta",
    "/compare.json",
    "/graph/evidence/alpha/oti-2024.json",
    "/graph/citations/paper-b.json",
    "/ns.json",
    "/shapes.json",
    "/downloads.json",
]


@pytest.fixture(scope="module")
def app(module_new_store):
    store = module_new_store()
    todo, _ = loading.prepare(loading.rdf_files([paths.ONTOLOGY_DIR, WORLD]), paths.ROOT, store)
    list(loading.write(store, todo, paths.ROOT))
    derive.derive(store)
    with pytest.MonkeyPatch.context() as mp:
        for name in [n for n in os.environ if n.startswith("OPENNESS_")]:
            mp.delenv(name)
        made = create_app({"STORE": store, "TESTING": True})
    yield made
    made.extensions["openness"].close()


def test_every_page_route_is_documented(app) -> None:
    rules = [r.rule for r in app.url_map.iter_rules() if r.endpoint.startswith("pages_")]
    assert len(rules) >= 10
    for rule in rules:
        stem = rule.split("<", 1)[0].rstrip(".")
        assert f"`{stem}" in DOCS, rule


def keys_of(value: object, found: set[str]) -> set[str]:
    if isinstance(value, dict):
        for key, item in value.items():
            found.add(key)
            keys_of(item, found)
    elif isinstance(value, list):
        for item in value:
            keys_of(item, found)
    return found


def test_every_json_key_is_documented(app) -> None:
    client = app.test_client()
    found: set[str] = set()
    for url in JSON_PAGES:
        response = client.get(url)
        assert response.status_code == 200, url
        keys_of(response.json, found)
    # Keys that are names of things (framework slugs like "oti-2024") are data, not fields.
    fields = {k for k in found if re.fullmatch(r"[a-z_]+", k)}
    assert {"models", "scores", "nodes", "edges", "claims"} <= fields
    missing = sorted(k for k in fields if f"`{k}`" not in DOCS)
    assert missing == []
