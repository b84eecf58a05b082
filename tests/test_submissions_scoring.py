"""Every claim the shapes accept can be scored, and an ingest is all or nothing.

Each kind of claim a sender can make (each framework's criteria, with and without a
mapping, at every level) is sent through the API: accepted, its model derives and its
page answers; or refused, with every quad of the store as it was. A level, criterion or
mapping the scoring does not know is refused at the gate, and a recompute that fails
after validation takes the batch back.
"""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib
from rdflib.namespace import RDF, SKOS

from graph import loading, paths
from graph.derive import compute
from graph.namespaces import ID, OG

pytestmark = pytest.mark.every_engine

FRAMEWORKS = paths.ONTOLOGY_DIR / "frameworks"
WORLD = Path(__file__).parent / "fixtures" / "submissions" / "world.ttl"
URL = "/api/submissions"
MODEL = f"{ID}model/m"
TOKENS = {"alice": "alice-token", "bob": {"token": "bob-token", "role": "curator"}}
ALICE, BOB = ({"Authorization": f"Bearer {n}-token"} for n in ("alice", "bob"))
LEVELS = ("open", "partial", "closed", "unknown")
PREFIXES = """@prefix og: <https://w3id.org/openness/ns#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix id: <https://w3id.org/openness/id/> .
"""


def _criteria_kinds() -> list[tuple[str, frozenset[str]]]:
    """Return, per framework, a criterion with a mapping and one without, with their levels."""
    g = rdflib.Graph()
    for path in sorted(FRAMEWORKS.glob("*.ttl")):
        g.parse(path)
    g.parse(WORLD)
    matches = (SKOS.exactMatch, SKOS.closeMatch, SKOS.broadMatch, SKOS.narrowMatch)
    mapped = {s for p in matches for s, o in g.subject_objects(p)} | {
        o for p in matches for s, o in g.subject_objects(p)
    }
    chosen: dict[tuple[str, bool], str] = {}
    for criterion in sorted(g.subjects(RDF.type, OG.Criterion)):
        scheme = str(g.value(criterion, SKOS.inScheme))
        chosen.setdefault((scheme, criterion in mapped), str(criterion))
    return [
        (
            c,
            frozenset(
                str(level).removeprefix(str(OG))
                for level in g.objects(rdflib.URIRef(c), OG.allowedLevel)
            ),
        )
        for _, c in sorted(chosen.items())
    ]


KINDS = _criteria_kinds()


def dump(store: ox.Store) -> set[str]:
    """Return every quad of the store, catalogue and provenance included."""
    return {str(q) for q in store}


@pytest.fixture
def store(new_store, tmp_path: Path) -> ox.Store:
    """The ontology, every framework with its mappings, and two models."""
    s = new_store()
    files = [paths.ONTOLOGY_DIR / "openness.ttl", *sorted(FRAMEWORKS.glob("*.ttl")), WORLD]
    todo, _ = loading.prepare(files, tmp_path, s)
    list(loading.write(s, todo, tmp_path))
    return s


@pytest.fixture
def client(make_app, store):
    return make_app(STORE=store, WRITE_TOKENS=TOKENS).test_client()


def claim(criterion: str, level: str, n: int = 0) -> dict:
    """Return the JSON form of one claim on model m."""
    return {
        "model": "m",
        "criterion": criterion.removeprefix(f"{ID}criterion/"),
        "level": level,
        "stated_on": f"2025-03-{n + 1:02d}",
        "quote": f"what the source says, {level}",
        "source": {"title": "A post", "url": "https://example.org/post", "kind": "BlogPost"},
    }


def test_the_kinds_cover_every_framework_with_and_without_mappings() -> None:
    frameworks = {c.rsplit("/", 1)[0] for c, _ in KINDS}
    assert len(frameworks) >= 6, frameworks
    assert len(KINDS) > len(frameworks), "no framework has both a mapped and an unmapped criterion"


# On the external servers the write and its refusal take the same path whatever the
# criterion: a sample runs there (a criterion taking every level, one refusing some, and
# the last kind), every kind on the embedded store.
SERVER_SAMPLE = {
    next(c for c, allowed in KINDS if allowed == set(LEVELS)),
    next(c for c, allowed in KINDS if allowed != set(LEVELS)),
    KINDS[-1][0],
}


@pytest.fixture
def sampled(store_kind: str, criterion: str) -> None:
    """Skip a kind of claim outside the servers' sample before any store is made."""
    if store_kind != "embedded" and criterion not in SERVER_SAMPLE:
        pytest.skip("on a server only a sample of the kinds of claim runs (SERVER_SAMPLE)")


@pytest.mark.parametrize(
    ("criterion", "allowed"), KINDS, ids=[c.split("criterion/")[1] for c, _ in KINDS]
)
def test_each_kind_of_claim_is_scored_or_refused_with_nothing_written(
    sampled, client, store, criterion: str, allowed: frozenset[str]
) -> None:
    for n, level in enumerate(LEVELS):
        before = dump(store)
        response = client.post(URL, json=claim(criterion, level, n), headers=ALICE)
        if level in allowed:
            assert response.status_code == 201, response.get_data(as_text=True)
            assert response.get_json()["models_recomputed"]
            derived = compute(store, [MODEL])[MODEL]
            assert derived.assessments[criterion].level in LEVELS
            assert client.get("/id/model/m").status_code == 200
        else:
            assert response.status_code == 422, response.get_data(as_text=True)
            assert dump(store) == before


CUSTOM_LEVEL = f"""
<http://example.org/level/great> a og:Level ; rdfs:label "great" ; og:levelOrder 4 .
<{ID}criterion/t/weights> og:allowedLevel <http://example.org/level/great> .
<{ID}claim/m-great> a og:Claim ; og:aboutModel <{MODEL}> ;
    og:criterion <{ID}criterion/t/weights> ; og:level <http://example.org/level/great> ;
    og:rank og:NormalRank ; og:statedOn "2025-03-01"^^xsd:date ;
    prov:wasDerivedFrom <{ID}source/great-post> .
<{ID}source/great-post> a og:Source ; dcterms:title "A post" ; dcterms:type og:BlogPost .
"""


def turtle(client, body: str, who: dict):
    return client.post(URL, data=PREFIXES + body, content_type="text/turtle", headers=who)


def test_a_claim_at_a_custom_level_is_refused_with_the_store_unchanged(client, store) -> None:
    before = dump(store)
    response = turtle(client, CUSTOM_LEVEL, BOB)
    assert response.status_code == 422, response.get_data(as_text=True)
    body = response.get_json()
    assert set(body["error"]) == {"status", "title", "detail"}
    found = {v["constraint"]: v for v in body["violations"]}
    level = found["ClaimShape-level-known"]
    assert level["focus_node"] == f"{ID}claim/m-great" and level["path"] == str(OG.level)
    assert all(f"og:{name}" in level["message"] for name in LEVELS)
    assert "CriterionShape-allowedLevel-known" in found
    assert dump(store) == before
    assert client.get("/id/model/m").status_code == 200


def test_a_new_criterion_with_a_level_of_its_own_is_refused(client, store) -> None:
    before = dump(store)
    body = CUSTOM_LEVEL.replace(
        f"<{ID}criterion/t/weights> og:allowedLevel",
        f"<{ID}criterion/t/custom> a og:Criterion ; skos:inScheme <{ID}framework/t> ;\n"
        '    skos:prefLabel "custom"@en ; og:allowedLevel',
    ).replace(f"<{ID}criterion/t/weights> ; og:level", f"<{ID}criterion/t/custom> ; og:level")
    response = turtle(client, body, BOB)
    assert response.status_code == 422, response.get_data(as_text=True)
    found = {v["constraint"] for v in response.get_json()["violations"]}
    assert {"ClaimShape-level-known", "CriterionShape-allowedLevel-known"} <= found
    assert dump(store) == before


@pytest.mark.parametrize(
    "match", ["exactMatch", "closeMatch", "broadMatch", "narrowMatch", "standsInFor"]
)
def test_a_mapping_to_a_criterion_that_does_not_exist_is_refused(client, store, match) -> None:
    before = dump(store)
    prefix = "og" if match == "standsInFor" else "skos"
    body = (
        f"<{ID}criterion/t/weights> {prefix}:{match} <{ID}criterion/oti-2024/no-such-criterion> .\n"
        f'<{ID}source/map-post> a og:Source ; dcterms:title "A post" ; dcterms:type og:BlogPost .\n'
    )
    response = turtle(client, body, BOB)
    assert response.status_code == 422, response.get_data(as_text=True)
    (violation,) = [v for v in response.get_json()["violations"] if v["shape"] == "MappingShape"]
    assert violation["constraint"] == f"MappingShape-{match}"
    assert violation["focus_node"] == f"{ID}criterion/t/weights"
    assert violation["path"] == str((OG if match == "standsInFor" else SKOS)[match])
    assert violation["value"] == f"{ID}criterion/oti-2024/no-such-criterion"
    assert dump(store) == before


def test_a_mapping_between_criteria_is_accepted(client, store) -> None:
    body = (
        f"<{ID}criterion/t/weights> skos:closeMatch <{ID}criterion/oti-2024/published-weights> .\n"
    )
    response = turtle(client, body, BOB)
    assert response.status_code == 201, response.get_data(as_text=True)


def test_a_failed_recompute_takes_the_batch_back(client, store, monkeypatch) -> None:
    first = client.post(
        URL, json=claim(f"{ID}criterion/oti-2024/published-weights", "open"), headers=ALICE
    )
    assert first.status_code == 201  # the sender's agent record is in the store now
    before = dump(store)

    def broken(*args, **kwargs):
        raise RuntimeError("injected failure in the recompute")

    monkeypatch.setattr("graph.derive.compute", broken)
    response = client.post(
        URL, json=claim(f"{ID}criterion/oti-2024/open-code", "closed", 1), headers=ALICE
    )
    assert response.status_code == 500, response.get_data(as_text=True)
    error = response.get_json()["error"]
    assert set(error) == {"status", "title", "detail"} and error["status"] == 500
    assert "injected failure" in error["detail"] and "nothing was written" in error["detail"]
    assert dump(store) == before
    monkeypatch.undo()
    again = client.post(
        URL, json=claim(f"{ID}criterion/oti-2024/open-code", "closed", 1), headers=ALICE
    )
    assert again.status_code == 201, "a batch taken back can be sent again"
