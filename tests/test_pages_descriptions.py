"""What an IRI's RDF says: its page's content (scores, claims, members, citations, mappings,
models), in pages when long, and the same things its HTML links to."""

from __future__ import annotations

import html
import os
import re
from urllib.parse import unquote

import pyoxigraph as ox
import pytest
import rdflib
from conftest import _run_live_server
from rdflib.compare import isomorphic
from rdflib.namespace import RDF, RDFS, SKOS
from test_pages_resources import BROWSER_ACCEPT, world_store

from graph.namespaces import CITO, DQV, HYDRA, ID, OG, PROV
from server import create_app

NT = "application/n-triples"


@pytest.fixture(scope="module")
def store(module_new_store) -> ox.Store:
    return world_store(module_new_store)


def make_client(store, **config):
    with pytest.MonkeyPatch.context() as mp:
        for name in [n for n in os.environ if n.startswith("OPENNESS_")]:
            mp.delenv(name)
        app = create_app({"STORE": store, "TESTING": True, **config})
    return app


@pytest.fixture(scope="module")
def client(store):
    app = make_client(store)
    yield app.test_client()
    app.extensions["openness"].close()


@pytest.fixture(scope="module")
def paged_client(store):
    """A client whose descriptions list three nodes a page."""
    app = make_client(store, DESCRIPTION_PAGE_NODES=3)
    yield app.test_client()
    app.extensions["openness"].close()


def rdf(client, path: str, **kwargs) -> rdflib.Graph:
    response = client.get(path, headers={"Accept": NT}, **kwargs)
    assert response.status_code == 200, response.data
    assert response.mimetype == NT
    return rdflib.Graph().parse(data=response.data.decode(), format="nt")


def all_pages(client, path: str) -> rdflib.Graph:
    """Return the union of every page of a description, following its rel="next" links."""
    graph = rdflib.Graph()
    url, seen = path, 0
    while url:
        response = client.get(url, headers={"Accept": NT})
        assert response.status_code == 200, response.data
        graph.parse(data=response.data.decode(), format="nt")
        found = re.search(r'<([^>]+)>; rel="next"', response.headers.get("Link", ""))
        url = found.group(1).replace("http://localhost", "") if found else None
        seen += 1
        assert seen < 50
    return graph


def U(kind_slug: str) -> rdflib.URIRef:
    return rdflib.URIRef(f"{ID}{kind_slug}")


# ---------------------------------------------------------------- what each kind says


def test_a_model_gives_its_scores_assessments_and_claims(client) -> None:
    g = rdf(client, "/id/model/alpha")
    alpha = U("model/alpha")
    assert (alpha, OG.family, U("family/alpha")) in g  # its own description stays
    score = U("score/alpha/oti-2024")
    assert (score, DQV.computedOn, alpha) in g
    assert (score, DQV.value, None) in g
    grade = g.value(score, OG.grade)
    assert grade is not None and g.value(grade, RDFS.label) is not None
    assessments = set(g.subjects(OG.aboutModel, alpha)) & set(g.subjects(OG.criterion, None))
    assert any((a, OG.resolvedBy, None) in g for a in assessments)
    claim = U("claim/news-alpha-weights")
    assert (claim, OG.aboutModel, alpha) in g
    assert (claim, OG.level, None) in g
    criterion = g.value(claim, OG.criterion)
    assert g.value(criterion, RDFS.label) is not None
    assert (claim, PROV.wasDerivedFrom, U("source/news-d")) in g
    assert g.value(U("source/news-d"), RDFS.label) is not None
    # Its quotes are in the claim's own description, a link away.
    assert "Alpha's weights are no longer available." not in {str(o) for o in g.objects()}


def test_a_models_flags_are_in_its_rdf_as_on_its_page(client) -> None:
    page = client.get("/id/model/alpha.json").json
    g = rdf(client, "/id/model/alpha")
    flagged = {str(f) for f in g.objects(None, OG.flag)}
    named = {f for s in page["scores"] for f in s["flags"]}
    named |= {f for grp in page["assessments"] for a in grp["criteria"] for f in a["flags"]}
    assert bool(flagged) == bool(named)


def test_a_family_gives_its_members(client) -> None:
    g = rdf(client, "/id/family/alpha")
    members = set(g.subjects(OG.family, U("family/alpha")))
    assert U("model/alpha") in members
    assert str(g.value(U("model/alpha"), RDFS.label)) == "Alpha"


def test_a_source_gives_what_it_cites_and_what_cites_it(client) -> None:
    g = rdf(client, "/id/source/report-a")
    report = U("source/report-a")
    assert (report, CITO.citesAsEvidence, U("source/paper-b")) in g
    assert (U("source/news-d"), CITO.citesForInformation, report) in g
    assert any((c, PROV.wasDerivedFrom, report) in g for c in g.subjects(OG.level, None))


def test_a_criterion_gives_its_framework_and_mappings(client) -> None:
    g = rdf(client, "/id/criterion/oti-2024/published-weights")
    c = U("criterion/oti-2024/published-weights")
    assert (c, SKOS.inScheme, U("framework/oti-2024")) in g
    # The reviewed mappings: end-model weights are narrower, base-model weights close only.
    assert (c, SKOS.narrowMatch, U("criterion/osai-index/weights_endmodel")) in g
    assert (c, SKOS.closeMatch, U("criterion/osai-index/weights_basemodel")) in g
    assert (U("criterion/osai-index/weights_endmodel"), SKOS.inScheme, None) in g
    assert (c, SKOS.broader, U("criterion/oti-2024/input-transparency")) in g


def test_an_organization_gives_its_models(client) -> None:
    g = rdf(client, "/id/organization/alpha-lab")
    lab = U("organization/alpha-lab")
    assert set(g.subjects(OG.developer, lab)) >= {U("model/alpha"), U("model/gamma")}
    assert str(g.value(U("model/gamma"), RDFS.label)) == "Gamma"


# ---------------------------------------------------------------- HTML and RDF agree

CASES = [
    "model/alpha",
    "claim/news-alpha-weights",
    "family/alpha",
    "source/report-a",
    "criterion/oti-2024/published-weights",
    "organization/watchdog",
    "organization/alpha-lab",
]


def html_links(client, path: str) -> set[str]:
    """Return the thing IRIs the HTML page links to (hrefs under /id/), itself left out."""
    page = client.get(path, headers={"Accept": BROWSER_ACCEPT})
    assert page.status_code == 200
    found = set()
    for href in re.findall(r'href="([^"]+)"', page.text):
        href = html.unescape(href).split("#", 1)[0]
        if href.startswith("/id/"):
            found.add(f"{ID}{unquote(href[len('/id/') :])}")
    itself = f"{ID}{path.removeprefix('/id/')}"
    return {i for i in found if i.partition(itself)[2].lstrip(".").isalnum() is False}


def rdf_links(graph: rdflib.Graph, iri: str) -> set[str]:
    """Return the thing IRIs the RDF names as subject or object, the described one left out."""
    named = {str(t) for s, _, o in graph for t in (s, o) if isinstance(t, rdflib.URIRef)}
    return {i for i in named if i.startswith(str(ID))} - {iri}


@pytest.mark.parametrize("path", CASES)
def test_the_html_and_the_rdf_link_the_same_things(client, path) -> None:
    iri = f"{ID}{path}"
    in_html = html_links(client, f"/id/{path}")
    in_rdf = rdf_links(rdf(client, f"/id/{path}"), iri)
    assert in_html, path
    assert in_html == in_rdf, f"{sorted(in_html - in_rdf)}\n{sorted(in_rdf - in_html)}"


# ---------------------------------------------------------------- paging


def test_a_long_description_comes_in_pages_that_add_up(client, paged_client) -> None:
    whole = rdf(client, "/id/model/alpha")
    first = paged_client.get("/id/model/alpha", headers={"Accept": NT})
    assert first.status_code == 200
    link = first.headers["Link"]
    assert '/id/model/alpha?page=2>; rel="next"' in link
    assert 'rel="alternate"' in link  # the twins are still named
    g = rdflib.Graph().parse(data=first.data.decode(), format="nt")
    here = rdflib.URIRef("http://localhost/id/model/alpha")
    assert (here, HYDRA.next, rdflib.URIRef(f"{here}?page=2")) in g
    paged = all_pages(paged_client, "/id/model/alpha")
    for t in [t for t in paged if str(t[0]).startswith("http://localhost/")]:
        paged.remove(t)
    assert isomorphic(paged, whole)


def test_the_next_page_keeps_the_format_asked_for_by_name(paged_client) -> None:
    response = paged_client.get("/id/model/alpha?format=nt")
    assert response.mimetype == NT
    assert '/id/model/alpha?format=nt&page=2>; rel="next"' in response.headers["Link"]


def test_a_page_past_the_last_or_not_a_number_says_so(paged_client) -> None:
    last = paged_client.get("/id/model/alpha?page=99", headers={"Accept": NT})
    assert last.status_code == 404
    assert "page 99" in last.json["error"]["detail"]
    bad = paged_client.get("/id/model/alpha?page=two", headers={"Accept": NT})
    assert bad.status_code == 400
    assert "?page=2" in bad.json["error"]["detail"]


def test_a_short_description_has_no_paging_links(client) -> None:
    response = client.get("/id/family/alpha", headers={"Accept": NT})
    assert 'rel="next"' not in response.headers.get("Link", "")
    assert str(HYDRA) not in response.data.decode()


# ---------------------------------------------------------------- a linked-data client


@pytest.fixture(scope="module")
def live_world(tmp_path_factory):
    """Run the server in a subprocess over an on-disk store of the pages' world."""
    root = tmp_path_factory.mktemp("described")
    location = root / "store"
    st = world_store(lambda: ox.Store(str(location)))
    st.flush()
    del st  # closes RocksDB, releasing its lock for the server process
    yield from _run_live_server(root, str(location))


def test_rdflib_alone_follows_a_model_to_its_sources(live_world) -> None:
    # Only rdflib and the published vocabularies: no project code reads the answers.
    og = rdflib.Namespace("https://w3id.org/openness/ns#")
    prov = rdflib.Namespace("http://www.w3.org/ns/prov#")
    ids = "https://w3id.org/openness/id/"
    model = rdflib.Graph().parse(f"{live_world}/id/model/alpha")
    alpha = rdflib.URIRef(f"{ids}model/alpha")
    claims = set(model.subjects(og.aboutModel, alpha)) & set(model.subjects(RDF.type, og.Claim))
    sources = {s for c in claims for s in model.objects(c, prov.wasDerivedFrom)}
    report = rdflib.URIRef(f"{ids}source/report-a")
    assert report in sources
    titles = {}
    for s in sources:
        # The IRI is the address once its w3id prefix points at this server.
        doc = rdflib.Graph().parse(live_world + "/id/" + str(s)[len(ids) :])
        titles[s] = doc.value(s, rdflib.URIRef("http://purl.org/dc/terms/title"))
        assert set(doc.subjects(prov.wasDerivedFrom, s)) & claims
    assert str(titles[report]) == "The State of Open Models"
