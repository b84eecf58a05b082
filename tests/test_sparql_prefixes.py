"""The project's prefixes, the same at /sparql, in `openness query` and the service description,
and the parse error that says how to write a prefixed name with a slash in it."""

from __future__ import annotations

from pathlib import Path

import pytest
import rdflib
from rdflib import Namespace

from graph.cli import main
from graph.namespaces import PREFIXES

pytestmark = pytest.mark.every_store_kind

SH = Namespace("http://www.w3.org/ns/shacl#")
LLAMA = "https://w3id.org/openness/id/model/llama"
META = "https://w3id.org/openness/id/organization/meta"
DEVELOPED = "SELECT ?s WHERE { ?s og:developer organization:meta }"
FACT = f"<{LLAMA}> <https://w3id.org/openness/ns#developer> <{META}>"


def values(response, var: str) -> list[str]:
    assert response.status_code == 200, response.data
    return [row[var]["value"] for row in response.get_json()["results"]["bindings"]]


@pytest.fixture
def llama_client(sample_store, make_app):
    sample_store.update(f"INSERT DATA {{ GRAPH <urn:g:llama> {{ {FACT} }} }}")
    return make_app().test_client()


def test_a_kind_prefix_works_as_typed_at_the_endpoint(llama_client):
    assert values(llama_client.get("/sparql", query_string={"query": DEVELOPED}), "s") == [LLAMA]
    by_form = llama_client.post("/sparql", data={"query": DEVELOPED})
    assert values(by_form, "s") == [LLAMA]


def test_a_querys_own_prefix_wins(llama_client):
    own = "PREFIX organization: <urn:elsewhere/> " + DEVELOPED
    assert values(llama_client.get("/sparql", query_string={"query": own}), "s") == []


def test_the_service_description_declares_every_prefix(client):
    response = client.get("/sparql", headers={"Accept": "text/turtle"})
    graph = rdflib.Graph().parse(data=response.data, format="turtle")
    declared = {
        str(graph.value(node, SH.prefix)): str(graph.value(node, SH.namespace))
        for node in graph.objects(None, SH.declare)
    }
    assert declared == PREFIXES
    page = client.get("/sparql", headers={"Accept": "text/html"}).get_data(as_text=True)
    assert "<code>organization:</code>" in page and f"<code>{PREFIXES['model']}</code>" in page


@pytest.mark.parametrize(
    "typed, advice",
    [
        ("id:organization/meta", "organization:meta"),
        ("id:criterion/mof/data", "criterion:mof\\/data"),
        ("og:a/b", "og:a\\/b"),
    ],
)
def test_a_slash_in_a_prefixed_name_is_explained_at_its_position(client, typed, advice):
    query = f"SELECT ?s WHERE {{\n  ?s og:developer {typed} .\n}}"
    response = client.get("/sparql", query_string={"query": query})
    assert response.status_code == 400
    detail = response.get_json()["error"]["detail"]
    assert advice in detail and "cannot hold a slash" in detail
    # The hint names the name's position and shows its line with a caret under it.
    lines = detail.splitlines()
    hint = next(i for i, line in enumerate(lines) if line.startswith("At 2:19: "))
    shown, caret = lines[hint + 1], lines[hint + 2]
    assert shown.endswith(f"og:developer {typed} .")
    assert caret.index("^") == shown.index(typed)


@pytest.mark.differs_on("virtuoso", reason="Virtuoso 7 reads no prefixed-name escapes (SP030)")
def test_the_escaped_slash_is_read(client):
    escaped = "SELECT ?s WHERE { ?s og:developer id:organization\\/acme }"
    assert values(client.get("/sparql", query_string={"query": escaped}), "s")


def test_a_broken_path_gets_no_slash_hint(client):
    broken_path = "SELECT ?s WHERE { ?s og:a/og:b ?o "
    detail = client.get("/sparql", query_string={"query": broken_path}).get_json()["error"]
    assert "slash" not in detail["detail"]


def test_an_update_with_a_slash_is_explained(make_app):
    client = make_app(WRITE_TOKEN="t").test_client()
    response = client.post(
        "/update",
        data={"update": "INSERT DATA { id:model/x og:developer id:organization/y }"},
        headers={"Authorization": "Bearer t"},
    )
    assert response.status_code == 400
    detail = response.get_json()["error"]["detail"]
    assert "model:x" in detail


def test_openness_query_predeclares_the_same_prefixes(
    new_store_location, tmp_path: Path, capsys: pytest.CaptureFixture[str]
):
    data = tmp_path / "llama.ttl"
    data.write_text(f"{FACT} .\n", encoding="utf-8")
    store = new_store_location()
    assert main(["--store", store, "load", "--no-validate", str(data)]) == 0
    capsys.readouterr()
    assert main(["--store", store, "query", DEVELOPED, "--format", "csv"]) == 0
    assert capsys.readouterr().out.split() == ["s", LLAMA]
    assert main(["--store", store, "query", "ASK { ?s rdfs:label ?l }", "--format", "json"]) == 0
    own = "PREFIX organization: <urn:elsewhere/> " + DEVELOPED
    assert main(["--store", store, "query", own, "--format", "csv"]) == 0
    assert capsys.readouterr().out.split()[-1] == "s"
    slashed = "SELECT ?s WHERE { ?s og:developer id:organization/meta }"
    assert main(["--store", store, "query", slashed]) == 1
    assert "organization:meta" in capsys.readouterr().err
