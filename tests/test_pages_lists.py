"""The pages over many models: home, the models list with facets, the spectrum, compare."""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pyoxigraph as ox
import pytest

from graph import derive, loading, paths
from graph.namespaces import ID
from graph.views.models import ModelFilter, apply
from server import create_app

WORLD = Path(__file__).parent / "fixtures" / "pages" / "world.ttl"


def world_store(make) -> ox.Store:
    """Return a store from the maker ``make`` holding the ontology and the fixture world."""
    store = make()
    todo, _ = loading.prepare(loading.rdf_files([paths.ONTOLOGY_DIR, WORLD]), paths.ROOT, store)
    list(loading.write(store, todo, paths.ROOT))
    derive.derive(store)
    return store


@pytest.fixture(scope="module")
def client(module_new_store):
    with pytest.MonkeyPatch.context() as mp:
        for name in [n for n in os.environ if n.startswith("OPENNESS_")]:
            mp.delenv(name)
        app = create_app({"STORE": world_store(module_new_store), "TESTING": True})
    yield app.test_client()
    app.extensions["openness"].close()


def get_json(client, path: str) -> dict:
    response = client.get(path)
    assert response.status_code == 200, response.data
    return response.json


# ---------------------------------------------------------------- home


def test_home_counts_what_the_graph_holds(client) -> None:
    data = get_json(client, "/index.json")
    assert data["counts"]["models"] == 3
    assert data["counts"]["claims"] == 18
    assert data["counts"]["frameworks"] >= 5
    assert data["frameworks"][0]["iri"] == f"{ID}framework/oti-2024"
    assert data["frameworks"][0]["scored"] is True


def test_home_gives_the_licences_and_attributions_of_the_data(client) -> None:
    html = client.get("/").text
    for text in (
        "CC BY 4.0",
        "New America",
        "Liesenfeld",
        "Dingemanse",
        "MIT",
        "Model Openness Tool",
        "How to cite",
        'href="/.well-known/void"',
    ):
        assert text in html, text
    data = get_json(client, "/index.json")
    licences = {a["folder"]: a["licence"]["label"] for a in data["attributions"]}
    assert licences == {
        "data/oti-2024/": "CC BY 4.0",
        "data/osai-index/": "CC BY 4.0",
        "data/mof/": "MIT",
    }


def test_home_rdf_twin_is_the_void_description(client) -> None:
    response = client.get("/index.ttl")
    assert response.mimetype == "text/turtle"
    triples = list(ox.parse(response.data, format=ox.RdfFormat.TURTLE))
    types = {t.object.value for t in triples if t.predicate.value.endswith("#type")}
    assert "http://rdfs.org/ns/void#Dataset" in types


# ---------------------------------------------------------------- models list


def test_the_models_list_shows_stored_scores(client) -> None:
    data = get_json(client, "/models.json")
    assert data["total"] == 3
    by_slug = {m["slug"]: m for m in data["models"]}
    assert [m["label"] for m in data["models"]] == ["Alpha", "Beta Chat", "Gamma"]
    assert by_slug["beta"]["tier"] == 4
    assert by_slug["beta"]["index"] == 0
    assert by_slug["gamma"]["tier"] is None
    assert by_slug["gamma"]["mof_class"] == "none"
    assert by_slug["alpha"]["contested"] is True
    assert by_slug["alpha"]["scores"]["oti-2024"]["grade"]["iri"].startswith(f"{ID}grade/oti-2024/")


def test_facets_count_and_filters_combine(client) -> None:
    data = get_json(client, "/models.json?developer=alpha-lab")
    assert {m["slug"] for m in data["models"]} == {"alpha", "gamma"}
    developers = {f["value"]: f for f in data["facets"]["developer"]}
    # A facet's own counts ignore its own filter, so the other developer stays reachable.
    assert developers["beta-corp"]["count"] == 1
    assert developers["alpha-lab"]["selected"] is True
    assert {f["value"]: f["count"] for f in data["facets"]["contested"]} == {"yes": 1, "no": 1}
    both = get_json(client, "/models.json?developer=alpha-lab&contested=no")
    assert [m["slug"] for m in both["models"]] == ["gamma"]
    either = get_json(client, "/models.json?tier=2&tier=4&tier=3")
    assert {m["slug"] for m in either["models"]} == {"alpha", "beta"}
    licence = get_json(client, "/models.json?licence=unknown")
    assert [m["slug"] for m in licence["models"]] == ["beta"]


def test_toggle_urls_add_and_remove_a_value(client) -> None:
    data = get_json(client, "/models.json?developer=alpha-lab&page=1")
    chosen = next(f for f in data["facets"]["developer"] if f["value"] == "alpha-lab")
    other = next(f for f in data["facets"]["developer"] if f["value"] == "beta-corp")
    assert "developer" not in parse_qs(urlsplit(chosen["toggle_url"]).query)
    assert parse_qs(urlsplit(other["toggle_url"]).query)["developer"] == ["alpha-lab", "beta-corp"]
    assert urlsplit(other["toggle_url"]).path == "/models.json"
    html = client.get("/models?developer=alpha-lab").text
    assert 'href="/models?developer=alpha-lab&amp;developer=beta-corp"' in html


def test_sorting_puts_unscored_models_last_either_way(client) -> None:
    up = [m["slug"] for m in get_json(client, "/models.json?sort=tier")["models"]]
    down = [m["slug"] for m in get_json(client, "/models.json?sort=-tier")["models"]]
    assert up[-1] == down[-1] == "gamma"
    tiers = {m["slug"]: m["tier"] for m in get_json(client, "/models.json")["models"]}
    assert up[:2] == sorted(up[:2], key=tiers.get)
    assert down[:2] == sorted(down[:2], key=tiers.get, reverse=True)


def test_pages_cut_the_list_and_link_each_other(client) -> None:
    first = get_json(client, "/models.json?per_page=2")
    assert (first["page"], first["pages"], len(first["models"])) == (1, 2, 2)
    assert first["previous_url"] is None
    second = get_json(client, first["next_url"])
    assert [m["slug"] for m in second["models"]] == ["gamma"]
    assert second["next_url"] is None


def test_filtering_is_a_pure_function_of_the_entries() -> None:
    entries = [
        {
            "iri": f"m{i}",
            "slug": f"m{i}",
            "label": f"M{i}",
            "developers": [],
            "licences": [],
            "licence_text": None,
            "issued": None,
            "tier": i % 5 + 1,
            "unplaced": [],
            "index": i / 10,
            "mof_class": None,
            "contested": i % 2 == 0,
            "flags": [],
            "scores": {},
        }
        for i in range(10)
    ]
    page = apply(entries, ModelFilter({"index": ("0.25-0.5",)}, "", "-index", 1, 50))
    assert [m["index"] for m in page["models"]] == [0.4, 0.3]
    texts = apply(entries, ModelFilter({}, "m1", "label", 1, 50))
    assert [m["slug"] for m in texts["models"]] == ["m1"]


def test_the_models_page_works_as_a_form_without_javascript(client) -> None:
    html = client.get("/models?q=alp").text
    assert '<form class="filters" method="get" action="/models">' in html
    assert 'value="alp"' in html
    assert "<script" not in html


# ---------------------------------------------------------------- spectrum


def test_the_spectrum_rebuilds_the_table_with_every_cell_a_claim(client) -> None:
    data = get_json(client, "/spectrum.json")
    assert [r["tier"]["order"] for r in data["rows"]] == [1, 2, 3, 4, 5]
    columns = [c["iri"].rsplit("/", 1)[-1] for c in data["columns"]]
    assert columns[0] == "open-code"
    row2 = data["rows"][1]
    assert row2["row"].startswith("Open code + published model weights + limited/no")
    (alpha,) = row2["models"]
    assert alpha["model"]["label"] == "Alpha"
    cells = {c["criterion"].rsplit("/", 1)[-1]: c for c in alpha["cells"] if c}
    assert cells["published-weights"]["claim"] == f"{ID}claim/report-alpha-weights"
    assert cells["published-weights"]["level"] == "open"
    assert cells["published-weights"]["sources"][0]["iri"] == f"{ID}source/report-a"
    # The graph's own placement takes in the later, disagreeing press article.
    assert alpha["placed_at"]["iri"] != row2["tier"]["iri"]
    html = client.get("/spectrum").text
    assert 'href="/id/claim/report-alpha-weights"' in html


# ---------------------------------------------------------------- compare


def test_compare_puts_models_side_by_side_and_marks_differences(client) -> None:
    data = get_json(client, "/compare.json?model=alpha&model=beta")
    assert [m["slug"] for m in data["models"]] == ["alpha", "beta"]
    oti = next(f for f in data["frameworks"] if f["framework"].get("slug") == "oti-2024")
    assert [s["value"] for s in oti["scores"]] == [3, 4]
    assert oti["differs"] is True
    code = next(r for r in oti["criteria"] if r["criterion"]["iri"].endswith("open-code"))
    assert [c["level"] for c in code["cells"]] == ["open", "closed"]
    assert code["differs"] is True
    assert data["choices"] == []


def test_compare_without_two_models_offers_a_picker(client) -> None:
    data = get_json(client, "/compare.json?model=alpha")
    assert data["models"] == []
    assert {c["slug"] for c in data["choices"]} == {"alpha", "beta", "gamma"}
    assert client.get("/compare?model=alpha&model=nobody").status_code == 404
    many = "&".join(f"model=m{i}" for i in range(9))
    assert client.get(f"/compare?{many}").status_code == 400


def test_lists_follow_writes_made_through_the_server(new_store) -> None:
    with pytest.MonkeyPatch.context() as mp:
        for name in [n for n in os.environ if n.startswith("OPENNESS_")]:
            mp.delenv(name)
        app = create_app({"STORE": world_store(new_store), "TESTING": True})
    try:
        client = app.test_client()
        assert get_json(client, "/models.json")["total"] == 3
        before = get_json(client, "/index.json")["data_version"]

        def load(store):
            todo, _ = loading.prepare([WORLD.with_name("hostile.ttl")], paths.ROOT, store)
            list(loading.write(store, todo, paths.ROOT))
            derive.derive_after_load(store, [t.graph for t in todo])

        app.extensions["openness"].write(load)
        assert get_json(client, "/models.json")["total"] == 4
        assert get_json(client, "/index.json")["data_version"] != before
        (evil,) = get_json(client, "/models.json?developer=evil-corp")["models"]
        # Closed code alone does not place a model on the closed row: it is unplaced.
        assert evil["tier"] is None and evil["unplaced"] == ["oti-2024"]
    finally:
        app.extensions["openness"].close()
