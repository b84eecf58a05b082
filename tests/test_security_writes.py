"""Writes cannot rewrite what others said, forge who said it, or cost more than their size.

Each refusal is checked for its status and message and for leaving every quad of the
store, and the server's data version, as they were.
"""

from __future__ import annotations

import json
from pathlib import Path

import pyoxigraph as ox
import pytest

from graph import loading, paths
from graph.ingest.provenance import PROVENANCE_GRAPH
from graph.namespaces import ID, OG
from graph.rdf_input import check_input, xml_declaration

# Refused writes must leave the store as it was: each engine. What is refused is decided
# by the application before the store is written; the store's own all-or-nothing writes
# are the subject of test_store_writes and test_store_outage, on every store kind.
pytestmark = pytest.mark.every_engine

FRAMEWORKS = paths.ONTOLOGY_DIR / "frameworks"
WORLD = Path(__file__).parent / "fixtures" / "submissions" / "world.ttl"
URL = "/api/submissions"
GSP = "/rdf-graph-store"
SEED_CLAIM = f"{ID}claim/seed-llama-published-weights"
LLAMA = f"{ID}model/llama"
SEED = f"""@prefix og: <https://w3id.org/openness/ns#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
<{SEED_CLAIM}> a og:Claim ; og:aboutModel <{LLAMA}> ;
    og:criterion <{ID}criterion/oti-2024/published-weights> ; og:level og:open ;
    og:rank og:NormalRank ; og:statedOn "2024-07-23"^^xsd:date ;
    prov:wasDerivedFrom <{ID}source/seed-post> .
<{ID}source/seed-post> a og:Source ; dcterms:title "A seed post" ; dcterms:type og:BlogPost .
"""
TOKENS = {
    "alice": "alice-token",  # a contributor: no role named
    "carol": {"token": "carol-token", "role": "contributor"},
    "bob": {"token": "bob-token", "role": "curator"},
    "root": {"token": "root-token", "role": "admin"},
}
ALICE, CAROL, BOB, ROOT = (
    {"Authorization": f"Bearer {name}-token"} for name in ("alice", "carol", "bob", "root")
)
PREFIXES = """@prefix og: <https://w3id.org/openness/ns#> .
@prefix schema: <http://schema.org/> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix ex: <http://example.org/> .
"""
FORM = {
    "model": "llama",
    "criterion": "oti-2024/published-weights",
    "level": "open",
    "stated_on": "2025-03-01",
    "quote": "the weights are on the hub",
    "source": {"title": "A blog post", "url": "https://example.org/post", "kind": "BlogPost"},
}


def dump(store: ox.Store) -> set[str]:
    """Return every quad of the store, catalogue included."""
    return {str(q) for q in store}


@pytest.fixture
def store(new_store, tmp_path: Path) -> ox.Store:
    """The ontology, two frameworks, two models, and one seed claim with its source."""
    s = new_store()
    (tmp_path / "seed.ttl").write_text(SEED)
    files = [
        paths.ONTOLOGY_DIR / "openness.ttl",
        FRAMEWORKS / "osai-index.ttl",
        FRAMEWORKS / "oti-2024.ttl",
        WORLD,
        tmp_path / "seed.ttl",
    ]
    todo, _ = loading.prepare(files, tmp_path, s)
    list(loading.write(s, todo, tmp_path))
    return s


@pytest.fixture
def app(make_app, store):
    return make_app(STORE=store, WRITE_TOKENS=TOKENS)


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def unchanged(app, store):
    """Assert, after the test's refusal, that no quad and not the data version moved."""
    ctx = app.extensions["openness"]
    writes: list[object] = []
    original = ctx.write

    def spy(action):
        writes.append(action)
        return original(action)

    class Watch:
        def start(self) -> None:
            self.before, self.version = dump(store), ctx.data_version
            writes.clear()

        def check(self, *, locked: bool = True) -> None:
            assert dump(store) == self.before
            assert ctx.data_version == self.version
            if not locked:
                assert writes == [], "the refusal took the write path"

    ctx.write = spy
    return Watch()


def turtle(client, body: str, who: dict, **kwargs):
    return client.post(URL, data=PREFIXES + body, content_type="text/turtle", headers=who, **kwargs)


def constraints(response) -> set[str]:
    assert response.status_code == 422, response.get_data(as_text=True)
    return {v["constraint"] for v in response.get_json()["violations"]}


# ---------------------------------------------------------------- what others said


def test_a_contributor_cannot_change_a_seed_claim(client, unchanged) -> None:
    unchanged.start()
    response = turtle(client, f"<{SEED_CLAIM}> og:level og:closed .", ALICE)
    assert constraints(response) == {"SubmissionRules-others-node"}
    (violation,) = response.get_json()["violations"]
    assert violation["focus_node"] == SEED_CLAIM and "curator" in violation["message"]
    unchanged.check()


def test_a_contributor_cannot_add_to_a_seed_model(client, unchanged) -> None:
    unchanged.start()
    response = turtle(client, f"<{LLAMA}> schema:codeRepository <javascript:alert(1)> .", ALICE)
    assert constraints(response) == {"SubmissionRules-others-node"}
    unchanged.check()


def test_a_contributor_cannot_change_or_deprecate_another_contributors_claim(
    client, unchanged
) -> None:
    (claim,) = client.post(URL, json=FORM, headers=CAROL).get_json()["claims_added"]
    unchanged.start()
    changed = turtle(client, f"<{claim}> og:level og:closed .", ALICE)
    assert constraints(changed) == {"SubmissionRules-others-node"}
    fix = {"deprecate": [{"claim": claim, "reason": "I disagree"}]}
    deprecated = client.post(URL, json=fix, headers=ALICE)
    assert constraints(deprecated) == {"SubmissionRules-others-claim"}
    seed = client.post(
        URL, json={"deprecate": [{"claim": SEED_CLAIM, "reason": "no"}]}, headers=ALICE
    )
    assert constraints(seed) == {"SubmissionRules-others-claim"}
    # Nor by hanging a quote of its own on the other's claim.
    quoted = turtle(client, f'<{claim}> og:quote [ a ex:Quote ; rdfs:label "x" ] .', ALICE)
    assert constraints(quoted) == {"SubmissionRules-others-node"}
    unchanged.check()


def test_a_contributor_cannot_use_raw_update_or_the_graph_store(client, unchanged) -> None:
    unchanged.start()
    update = f"DELETE WHERE {{ GRAPH ?g {{ <{SEED_CLAIM}> ?p ?o }} }}"
    for who in (ALICE, BOB):  # a curator neither
        for response in (
            client.post("/update", data={"update": update}, headers=who),
            client.post("/sparql", data={"update": update}, headers=who),
            client.put(f"{GSP}?default", data=b"", content_type="text/turtle", headers=who),
            client.post(
                GSP, data=b"<urn:a> <urn:b> <urn:c> .", content_type="text/turtle", headers=who
            ),
            client.delete(GSP, query_string={"graph": PROVENANCE_GRAPH}, headers=who),
        ):
            assert response.status_code == 403, response.get_data(as_text=True)
            assert "admin role" in response.get_json()["error"]["detail"]
    unchanged.check(locked=False)


def test_an_admin_still_writes_through_the_graph_store(client, store) -> None:
    response = client.put(
        GSP,
        query_string={"graph": "urn:x:g"},
        data=b"<urn:a> <urn:b> <urn:c> .",
        content_type="application/n-triples",
        headers=ROOT,
    )
    assert response.status_code == 201


def test_a_curator_deprecates_anothers_claim_and_the_curation_is_recorded(client, store) -> None:
    (claim,) = client.post(URL, json=FORM, headers=CAROL).get_json()["claims_added"]
    fix = {
        "deprecate": [
            {"claim": claim, "reason": "the post was retracted"},
            {"claim": SEED_CLAIM, "reason": "superseded"},
        ]
    }
    response = client.post(URL, json=fix, headers=BOB)
    assert response.status_code == 201, response.get_data(as_text=True)
    body = response.get_json()
    assert body["curated"] == sorted([claim, SEED_CLAIM])
    record = ox.NamedNode(body["submission"])
    curated = {
        q.object.value
        for q in store.quads_for_pattern(
            record, ox.NamedNode(str(OG.curated)), None, ox.NamedNode(PROVENANCE_GRAPH)
        )
    }
    assert curated == {claim, SEED_CLAIM}
    by = {
        q.object.value
        for q in store.quads_for_pattern(
            ox.NamedNode(claim), ox.NamedNode(str(OG.deprecatedBy)), None
        )
    }
    assert by == {f"{ID}person/bob"}
    described = client.get(response.headers["Location"]).get_json()
    assert described["submitted_by"] == "bob" and described["curated"] == sorted(
        [claim, SEED_CLAIM]
    )


def test_a_curator_may_add_to_a_seed_claim_and_it_is_recorded(client, store) -> None:
    response = turtle(client, f'<{SEED_CLAIM}> rdfs:comment "checked against the report" .', BOB)
    assert response.status_code == 201, response.get_data(as_text=True)
    assert response.get_json()["curated"] == [SEED_CLAIM]


def test_a_contributor_deprecates_and_extends_its_own_claims(client) -> None:
    (claim,) = client.post(URL, json=FORM, headers=ALICE).get_json()["claims_added"]
    added = turtle(client, f'<{claim}> rdfs:comment "seen again in May" .', ALICE)
    assert added.status_code == 201, added.get_data(as_text=True)
    assert added.get_json()["curated"] == []
    fix = {"deprecate": [{"claim": claim, "reason": "my mistake"}]}
    response = client.post(URL, json=fix, headers=ALICE)
    assert response.status_code == 201, response.get_data(as_text=True)
    assert response.get_json()["claims_deprecated"] == [claim]


def test_a_second_level_on_ones_own_claim_breaks_the_claim_shape(client, unchanged) -> None:
    (claim,) = client.post(URL, json=FORM, headers=ALICE).get_json()["claims_added"]
    unchanged.start()
    response = turtle(client, f"<{claim}> og:level og:closed .", ALICE)
    assert response.status_code == 422
    assert all(v["shape"] == "ClaimShape" for v in response.get_json()["violations"])
    unchanged.check()


@pytest.mark.parametrize(
    ("body", "constraint"),
    [
        ('ex:thing rdfs:label "a node of no kind" .', "SubmissionRules-untyped"),
        (
            f'<{ID}framework/mine> a og:Framework ; rdfs:label "mine" .',
            "SubmissionRules-curator-type",
        ),
        (f'<{ID}model/new> a og:Model ; rdfs:label "New" .', "SubmissionRules-nothing"),
        ('ex:thing a ex:Widget ; rdfs:label "w" .', "SubmissionRules-new-type"),
    ],
)
def test_a_batch_that_is_not_a_claim_or_a_source_is_refused(
    client, unchanged, body, constraint
) -> None:
    unchanged.start()
    response = turtle(client, body, ALICE)
    assert constraint in constraints(response)
    message = " ".join(v["message"] for v in response.get_json()["violations"])
    assert "claim" in message and "source" in message  # says what is allowed
    unchanged.check()


def test_junk_blank_nodes_are_refused_before_the_lock(client, unchanged) -> None:
    unchanged.start()
    response = turtle(client, '[] ex:p "junk" ; ex:q [ ex:r "more" ] .', ALICE)
    assert response.status_code == 422
    assert "hang from a claim or source" in response.get_json()["error"]["detail"]
    unchanged.check(locked=False)


# ---------------------------------------------------------------- provenance


@pytest.mark.parametrize(
    "forged",
    [
        f"<{ID}submission/0123456789abcdef0123456789abcdef> prov:wasAssociatedWith <{ID}person/carol> .",
        '<https://w3id.org/openness/graph/submissions/x> rdfs:label "mine" .',
        f"ex:claim prov:wasAssociatedWith <{ID}person/carol> .",
        "ex:act a og:Submission .",
    ],
)
def test_a_batch_cannot_state_a_submission_record(client, unchanged, forged) -> None:
    (claim,) = client.post(URL, json=FORM, headers=ALICE).get_json()["claims_added"]
    unchanged.start()
    body = f'<{claim}> rdfs:comment "more" .\n{forged}'
    response = turtle(client, body, ALICE)
    assert "SubmissionRules-provenance" in constraints(response)
    unchanged.check()


def test_a_deprecation_names_its_sender(client, unchanged) -> None:
    (claim,) = client.post(URL, json=FORM, headers=ALICE).get_json()["claims_added"]
    unchanged.start()
    body = (
        f'<{claim}> og:rank og:DeprecatedRank ; og:deprecationReason "wrong" ;\n'
        f"  og:deprecatedBy <{ID}person/carol> ;\n"
        '  og:deprecatedOn "2025-01-01T00:00:00Z"^^<http://www.w3.org/2001/XMLSchema#dateTime> .'
    )
    assert constraints(turtle(client, body, ALICE)) == {"SubmissionRules-deprecated-by"}
    unchanged.check()


def test_the_record_names_the_token_not_the_batch(client) -> None:
    response = client.post(URL, json=FORM, headers=ALICE)
    assert client.get(response.headers["Location"]).get_json()["submitted_by"] == "alice"


# ---------------------------------------------------------------- bounded work


def triangles(count: int) -> str:
    """Return Turtle of ``count`` disjoint blank-node triangles (about 700 bytes for 6)."""
    lines = []
    for n in range(count):
        a, b, c = (f"_:t{n}{x}" for x in "abc")
        lines.append(f"{a} ex:p {b} . {b} ex:p {c} . {c} ex:p {a} .")
    return "\n".join(lines)


def test_six_blank_node_triangles_are_refused_before_the_write_lock(client, unchanged) -> None:
    unchanged.start()
    body = triangles(6)
    assert len(PREFIXES + body) < 1000
    response = turtle(client, body, ALICE)
    assert response.status_code == 422
    assert "cycle" in response.get_json()["error"]["detail"]
    unchanged.check(locked=False)


def test_a_blank_node_shared_by_two_parents_is_refused(client, unchanged) -> None:
    unchanged.start()
    body = '_:q rdfs:label "shared" . ex:a ex:p _:q . ex:b ex:p _:q .'
    response = turtle(client, body, ALICE)
    assert response.status_code == 422
    assert "more than one statement" in response.get_json()["error"]["detail"]
    unchanged.check(locked=False)


DEPTH = 5000


@pytest.mark.parametrize(
    "nested",
    [
        "(" * DEPTH + ")" * DEPTH,  # a collection of collections
        "[ ex:q " * DEPTH + "ex:z" + " ]" * DEPTH,  # nested blank nodes
        "(" + " ".join(['"x"'] * DEPTH) + ")",  # a long list: one level per item
    ],
)
def test_deep_nesting_is_refused_with_4xx(client, unchanged, nested) -> None:
    unchanged.start()
    response = turtle(client, f"<{ID}claim/deep> a og:Claim ; ex:p {nested} .", ALICE)
    assert response.status_code == 422
    assert "at most 50 deep" in response.get_json()["error"]["detail"]
    unchanged.check(locked=False)


def test_deep_json_is_refused_with_400(client, unchanged) -> None:
    unchanged.start()
    jsonld = '{"@id": "http://example.org/a", "http://example.org/p": ' + (
        '{"http://example.org/q": ' * DEPTH + '"x"' + "}" * DEPTH + "}"
    )
    for media_type in ("application/ld+json", "application/json"):
        response = client.post(URL, data=jsonld, content_type=media_type, headers=ALICE)
        assert response.status_code == 400, response.get_data(as_text=True)
    form = '{"model": ' + "[" * DEPTH + "]" * DEPTH + "}"
    response = client.post(URL, data=form, content_type="application/json", headers=ALICE)
    assert response.status_code == 400
    unchanged.check(locked=False)


def test_deep_json_ld_through_the_graph_store_is_400(client, store) -> None:
    before = dump(store)
    jsonld = '{"@id": "http://example.org/a", "http://example.org/p": ' + (
        '{"http://example.org/q": ' * DEPTH + '"x"' + "}" * DEPTH + "}"
    )
    response = client.put(
        GSP,
        query_string={"graph": "urn:x:g"},
        data=jsonld,
        content_type="application/ld+json",
        headers=ROOT,
    )
    assert response.status_code == 400
    assert "levels deep" in response.get_json()["error"]["detail"]
    assert dump(store) == before


def test_a_deep_turtle_list_through_the_graph_store_is_no_server_error(client) -> None:
    body = "<http://example.org/a> <http://example.org/p> " + "(" * DEPTH + ")" * DEPTH + " ."
    response = client.put(
        GSP,
        query_string={"graph": "urn:x:deep"},
        data=body,
        content_type="text/turtle",
        headers=ROOT,
    )
    assert response.status_code == 201
    assert client.get(GSP, query_string={"graph": "urn:x:deep"}).status_code == 200


def test_a_literal_longer_than_the_limit_is_413(make_app, store) -> None:
    client = make_app(STORE=store, WRITE_TOKENS=TOKENS, SUBMISSION_MAX_LITERAL=1000).test_client()
    before = dump(store)
    response = client.post(URL, json={**FORM, "quote": "x" * 1001}, headers=ALICE)
    assert response.status_code == 413
    detail = response.get_json()["error"]["detail"]
    assert "1001 characters" in detail and "SUBMISSION_MAX_LITERAL" in detail
    assert dump(store) == before


def test_a_batch_with_more_triples_than_the_limit_is_413(make_app, store) -> None:
    client = make_app(STORE=store, WRITE_TOKENS=TOKENS, SUBMISSION_MAX_TRIPLES=5).test_client()
    before = dump(store)
    response = client.post(URL, json=FORM, headers=ALICE)
    assert response.status_code == 413
    assert "SUBMISSION_MAX_TRIPLES" in response.get_json()["error"]["detail"]
    assert dump(store) == before


def test_a_megabyte_quote_within_the_limit_is_taken_whole(make_app, store) -> None:
    client = make_app(
        STORE=store, WRITE_TOKENS=TOKENS, SUBMISSION_MAX_LITERAL=2_000_000
    ).test_client()
    quote = "the weights are on the hub. " * 40_000  # 1.1 MB
    body = PREFIXES + (
        f"<{ID}claim/long-quote> a og:Claim ; og:aboutModel <{LLAMA}> ;\n"
        f"  og:criterion <{ID}criterion/oti-2024/published-weights> ; og:level og:open ;\n"
        '  og:rank og:NormalRank ; og:statedOn "2025-01-01"^^<http://www.w3.org/2001/XMLSchema#date> ;\n'
        f"  prov:wasDerivedFrom <{ID}source/seed-post> ;\n"
        f"  og:quote [ a <http://www.w3.org/ns/oa#SpecificResource> ;\n"
        f"    <http://www.w3.org/ns/oa#hasSource> <{ID}source/seed-post> ;\n"
        "    <http://www.w3.org/ns/oa#hasSelector> [ a <http://www.w3.org/ns/oa#TextQuoteSelector> ;\n"
        f'      <http://www.w3.org/ns/oa#exact> "{quote}" ] ] .'
    )
    response = client.post(URL, data=body, content_type="text/turtle", headers=ALICE)
    assert response.status_code == 201, response.get_data(as_text=True)[:2000]
    exact = ox.NamedNode("http://www.w3.org/ns/oa#exact")
    (stored,) = [q.object.value for q in store.quads_for_pattern(None, exact, None)]
    assert stored == quote


# ---------------------------------------------------------------- characters


@pytest.mark.parametrize(
    ("body", "where"),
    [
        (f'<{ID}claim/c> a og:Claim ; rdfs:label "a\\u0000b" .', "U+0000"),
        (f'<{ID}claim/c> a og:Claim ; rdfs:label "bell\\u0007" .', "U+0007"),
        (f'<{ID}claim/c> a og:Claim ; rdfs:label "del\\u007F" .', "U+007F"),
    ],
)
def test_control_characters_in_a_submission_are_422_naming_the_node(
    client, unchanged, body, where
) -> None:
    unchanged.start()
    response = turtle(client, body, ALICE)
    assert response.status_code == 422
    detail = response.get_json()["error"]["detail"]
    assert where in detail and f"{ID}claim/c" in detail and "rdfs" not in detail.split(where)[1]
    unchanged.check(locked=False)


def test_control_characters_in_the_json_form_are_422(client, unchanged) -> None:
    unchanged.start()
    response = client.post(URL, json={**FORM, "text": "weights\u0000"}, headers=ALICE)
    assert response.status_code == 422
    assert "U+0000" in response.get_json()["error"]["detail"]
    unchanged.check(locked=False)


def test_tab_newline_and_carriage_return_are_text(client) -> None:
    response = client.post(URL, json={**FORM, "text": "one\ttwo\r\nthree"}, headers=ALICE)
    assert response.status_code == 201, response.get_data(as_text=True)


def test_control_characters_through_the_graph_store_are_422(client, store) -> None:
    before = dump(store)
    response = client.put(
        GSP,
        query_string={"graph": "urn:x:g"},
        data=b'<http://example.org/a> <http://example.org/p> "a\\u0000b" .',
        content_type="application/n-triples",
        headers=ROOT,
    )
    assert response.status_code == 422
    assert "U+0000" in response.get_json()["error"]["detail"]
    assert dump(store) == before


def test_a_loaded_file_with_a_control_character_is_refused_naming_it(tmp_path, new_store) -> None:
    bad = tmp_path / "bad.nt"
    bad.write_text('<http://example.org/a> <http://example.org/p> "a\\u0001b" .\n')
    with pytest.raises(loading.ParseError, match=r"bad\.nt.*U\+0001"):
        loading.prepare([bad], tmp_path, new_store())


# ---------------------------------------------------------------- RDF/XML entities

LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE r [
 <!ENTITY a "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa">
 <!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">
 <!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">
 <!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">
 <!ENTITY e "&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;">
 <!ENTITY f "&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;">
 <!ENTITY g "&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;">
]>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:ex="http://example.org/">
 <rdf:Description rdf:about="http://example.org/a"><ex:p>&g;</ex:p></rdf:Description>
</rdf:RDF>
"""


def test_rdf_xml_entities_through_the_graph_store_are_refused(client, store) -> None:
    before = dump(store)
    response = client.put(
        GSP,
        query_string={"graph": "urn:x:laughs"},
        data=LAUGHS,
        content_type="application/rdf+xml",
        headers=ROOT,
    )
    assert response.status_code == 400
    assert "DOCTYPE" in response.get_json()["error"]["detail"]
    assert dump(store) == before


def test_rdf_xml_without_a_doctype_is_still_taken(client) -> None:
    plain = LAUGHS.split(b"]>", 1)[1].replace(b"&g;", b"text &amp; more")
    response = client.put(
        GSP,
        query_string={"graph": "urn:x:plain"},
        data=plain,
        content_type="application/rdf+xml",
        headers=ROOT,
    )
    assert response.status_code == 201
    assert (
        b"text &amp; more"
        in client.get(
            GSP, query_string={"graph": "urn:x:plain"}, headers={"Accept": "application/rdf+xml"}
        ).data
    )


def test_a_loaded_rdf_xml_file_with_entities_is_refused(tmp_path, new_store) -> None:
    path = tmp_path / "laughs.rdf"
    path.write_bytes(LAUGHS)
    with pytest.raises(loading.ParseError, match=r"laughs\.rdf.*DOCTYPE"):
        loading.prepare([path], tmp_path, new_store())


def test_a_doctype_is_found_in_utf16_too() -> None:
    assert xml_declaration(LAUGHS.decode().encode("utf-16")) == "DOCTYPE"
    assert xml_declaration(b'<?xml version="1.0"?><rdf:RDF/>') is None
    with pytest.raises(ValueError, match="DOCTYPE"):
        check_input(LAUGHS, ox.RdfFormat.RDF_XML)


# ---------------------------------------------------------------- the JSON form


def test_a_lone_surrogate_in_the_json_form_is_400(client, unchanged) -> None:
    unchanged.start()
    for body in (
        '{"model": "llama", "criterion": "oti-2024/published-weights", "level": "open", '
        '"stated_on": "2024", "text": "\\ud800", "source": {"title": "t"}}',
        '{"deprecate": [{"claim": "https://w3id.org/openness/id/claim/x", "reason": "\\udfff"}]}',
    ):
        response = client.post(URL, data=body, content_type="application/json", headers=ALICE)
        assert response.status_code == 400, response.get_data(as_text=True)
        assert "lone surrogate" in response.get_json()["error"]["detail"]
    unchanged.check(locked=False)


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ({**FORM, "qoute": "typo"}, "qoute: unknown key; did you mean 'quote'?"),
        (
            {**FORM, "source": {**FORM["source"], "titel": "x"}},
            "source.titel: unknown key; did you mean 'title'?",
        ),
        (
            {"deprecate": [{"claim": SEED_CLAIM, "reason": "r", "resaon": "r"}]},
            "deprecate[0].resaon: unknown key; did you mean 'reason'?",
        ),
        ({**FORM, "zzz": 1}, "zzz: unknown key; the keys are"),
    ],
)
def test_unknown_keys_in_the_json_form_are_400_with_a_suggestion(
    client, unchanged, body, expected
) -> None:
    unchanged.start()
    response = client.post(URL, json=body, headers=ALICE)
    assert response.status_code == 400
    assert expected in response.get_json()["error"]["detail"]
    unchanged.check(locked=False)


# ---------------------------------------------------------------- the data version


def test_a_rejected_submission_leaves_the_data_version(client, app) -> None:
    version = client.get("/healthz").get_json()["data_version"]
    assert turtle(client, f"<{SEED_CLAIM}> og:level og:closed .", ALICE).status_code == 422
    bad = {**FORM, "level": "closed", "criterion": "t/weights", "model": "m", "rank": "normal"}
    bad["source"] = {"iri": "no-such-source"}
    assert client.post(URL, json=bad, headers=ALICE).status_code == 422
    assert client.get("/healthz").get_json()["data_version"] == version
    assert client.post(URL, json=FORM, headers=ALICE).status_code == 201
    assert client.get("/healthz").get_json()["data_version"] == version + 1


def test_a_failed_update_leaves_the_data_version(client) -> None:
    version = client.get("/healthz").get_json()["data_version"]
    response = client.post("/update", data={"update": "INSERT DATA { <urn:x> }"}, headers=ROOT)
    assert response.status_code == 400
    assert client.get("/healthz").get_json()["data_version"] == version
    assert json.loads(client.get("/healthz").data)["status"] == "ok"
