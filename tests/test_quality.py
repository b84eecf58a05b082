"""The data-quality report finds each kind of problem, and leaves the clean cases alone."""

from __future__ import annotations

import json
from pathlib import Path

import pyoxigraph as ox
import pytest

from graph.analytics.cache import ResultCache
from graph.cli import main
from graph.data_errors import CHECKS
from graph.namespaces import ID
from graph.quality import SECTIONS, link_problem, quality_report

# The report reads the store with queries the engines may answer differently: each engine.
pytestmark = pytest.mark.every_engine

FIXTURE = Path(__file__).parent / "fixtures" / "quality" / "problems.trig"
DOCS = Path(__file__).parents[1] / "docs" / "pages.md"
M, C, S = f"{ID}model/", f"{ID}claim/", f"{ID}source/"
ACME = "Acme <script>alert(1)</script> Licence"


@pytest.fixture(scope="module")
def store(module_new_store) -> ox.Store:
    store = module_new_store()
    store.load(path=str(FIXTURE), format=ox.RdfFormat.TRIG)
    return store


@pytest.fixture
def sample_store(store) -> ox.Store:
    """Serve the problems fixture wherever an app is made without a store of its own."""
    return store


@pytest.fixture(scope="module")
def report(store) -> dict:
    return quality_report(store, cache=ResultCache())


def test_open_claims_without_a_link_are_listed_and_others_only_counted(report) -> None:
    part = report["open_without_evidence"]
    assert [i["claim"] for i in part["items"]] == [C + "open-no-link"]
    assert part["items"][0]["model"] == M + "dated"
    # The deprecated open claim counts nowhere; the closed one only in the tally.
    assert part["flagged_by_level"] == {"closed": 1, "open": 1}


def test_non_durable_links_are_found_with_the_claims_that_rest_on_them(report) -> None:
    found = {i["source"]: i for i in report["non_durable_links"]["items"]}
    assert set(found) == {S + "reddit-thread", S + "acm-page"}
    assert found[S + "reddit-thread"]["reason"] == "forum-thread"
    assert found[S + "reddit-thread"]["claims"] == 1  # the deprecated claim is not counted
    assert found[S + "acm-page"]["reason"] == "doi-available"
    assert found[S + "acm-page"]["suggestion"] == "https://doi.org/10.1145/3580305.3599790"
    assert report["non_durable_links"]["by_reason"] == {"doi-available": 1, "forum-thread": 1}


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("https://old.reddit.com/r/x/comments/1/y/", "forum-thread"),
        ("https://discord.gg/abcdef", "chat"),
        ("https://x.com/someone/status/1", "social-media"),
        ("https://twitter.com/someone/status/1", "social-media"),
        ("https://forum.example.org/t/topic/12", "forum-thread"),
        ("https://huggingface.co/org/model/discussions/8", "forum-thread"),
        ("https://github.com/org/repo/issues/3", "forum-thread"),
        ("https://writer.medium.com/a-post-1a2b", "blog-platform"),
        ("https://docs.google.com/document/d/1abc/edit", "shared-document"),
        ("https://bit.ly/3UVuyVT", "shortener"),
        ("https://link.springer.com/chapter/10.1007/978-3-031-72980-5_1", "doi-available"),
        ("https://arxiv.org/abs/2403.13784", None),
        ("https://doi.org/10.1145/3630106.3659005", None),
        ("https://huggingface.co/facebook/hybrid-magnet-medium", None),
        ("https://github.com/org/repo", None),
        ("https://dl.acm.org/doi/10.5555/3692070.3692454", None),
        ("https://notx.com/page", None),
    ],
)
def test_link_problem_tells_durable_from_fragile_addresses(url, reason) -> None:
    problem = link_problem(url)
    assert (problem[0] if problem else None) == reason


def test_a_recorded_doi_makes_a_publisher_page_durable() -> None:
    url = "https://dl.acm.org/doi/10.1145/3630106.3659005"
    assert link_problem(url)[0] == "doi-available"
    assert link_problem(url, has_doi=True) is None


def test_unknown_licences_are_grouped_by_text(report) -> None:
    part = report["unknown_licences"]
    assert [i["text"] for i in part["items"]] == [ACME]  # not the deprecated claim's licence
    assert part["items"][0]["subjects"] == 2
    assert part["items"][0]["models"] == [M + "dated", M + "undated"]


def test_models_without_a_release_date_are_listed(report) -> None:
    assert report["undated_models"]["items"] == [{"model": M + "undated"}]


def test_only_index_and_mof_disagreements_are_reported(report) -> None:
    part = report["index_mof_disagreements"]
    assert part["compared"] == 2
    assert part["total"] == 1
    item = part["items"][0]
    levels = {
        item["a"]["criterion"]: item["a"]["level"],
        item["b"]["criterion"]: item["b"]["level"],
    }
    assert levels == {
        f"{ID}criterion/osai-index/weights_endmodel": "open",
        f"{ID}criterion/mof/model-parameters-final": "closed",
    }


def test_counts_summarise_the_sections_and_labels_name_the_models(report) -> None:
    assert report["counts"] == {s: report[s]["total"] for s in SECTIONS}
    assert report["labels"][M + "undated"] == "Undated"


def test_the_report_does_not_change_the_store(store) -> None:
    before = set(store)
    quality_report(store, cache=ResultCache())
    assert set(store) == before


def test_the_command_prints_the_report_as_json_and_text(store, tmp_path, capsys) -> None:
    path = tmp_path / "store"
    disk = ox.Store(str(path))
    disk.load(path=str(FIXTURE), format=ox.RdfFormat.TRIG)
    disk.flush()
    del disk  # releases the store's lock
    assert main(["--store", str(path), "report", "quality", "--format", "json"]) == 0
    printed = json.loads(capsys.readouterr().out)
    assert printed["counts"] == quality_report(store, cache=ResultCache())["counts"]
    assert main(["--store", str(path), "report", "quality"]) == 0
    text = capsys.readouterr().out
    assert "reddit.com/r/LocalLLaMA" in text and "Undated" in text


def test_the_page_and_its_json(make_app, store) -> None:
    client = make_app(STORE=store).test_client()
    page = client.get("/quality")
    assert page.status_code == 200 and page.mimetype == "text/html"
    assert "/quality.json" in page.headers["Link"]
    html = page.get_data(as_text=True)
    assert "<script>alert" not in html
    assert "Acme &lt;script&gt;alert(1)&lt;/script&gt; Licence" in html
    assert 'href="https://www.reddit.com/r/LocalLLaMA/comments/abc/dated/"' in html
    assert 'href="https://doi.org/10.1145/3580305.3599790"' in html
    data = client.get("/quality.json").get_json()
    assert data["counts"] == quality_report(store, cache=ResultCache())["counts"]
    accepted = client.get("/quality", headers={"Accept": "application/json"})
    assert accepted.mimetype == "application/json"
    assert client.get("/quality.ttl").status_code == 404


def test_every_key_of_the_report_is_documented(report) -> None:
    text = DOCS.read_text(encoding="utf-8")
    keys: set[str] = set()
    stack: list = [report]
    while stack:
        value = stack.pop()
        if isinstance(value, dict) and value is not report["labels"]:
            keys |= {k for k in value if not k.startswith(("http", "sha256"))}
            stack.extend(value.values())
        elif isinstance(value, list):
            stack.extend(value)
    keys -= set(report["open_without_evidence"]["flagged_by_level"])
    keys -= set(report["non_durable_links"]["by_reason"])
    missing = sorted(k for k in keys if f"`{k}`" not in text)
    assert not missing, f"keys missing from docs/pages.md: {missing}"


# ---------------------------------------------------------------- data errors a review found

ERRORS = Path(__file__).parent / "fixtures" / "quality" / "data-errors.trig"


@pytest.fixture(scope="module")
def errors(module_new_store) -> dict:
    store = module_new_store()
    store.load(path=str(ERRORS), format=ox.RdfFormat.TRIG)
    return quality_report(store, cache=ResultCache())


def _found(part: dict) -> set[tuple[str, str, str]]:
    return {(i["model"].rsplit("/", 1)[-1], i["reason"], i["evidence"]) for i in part["items"]}


def test_one_model_on_two_nodes_is_found(errors) -> None:
    assert _found(errors["split_models"]) == {
        ("deepseek-r1-0528", "alias-is-another-model", "DeepSeek-R1"),
        (
            "wizardlm",
            "family-named-model-shares-repository",
            "https://github.com/nlpxucan/WizardLM",
        ),
    }
    others = {i["other"].rsplit("/", 1)[-1] for i in errors["split_models"]["items"]}
    assert others == {"deepseek-r1", "wizardlm-7b"}


def test_another_models_alias_version_and_repository_are_found(errors) -> None:
    assert _found(errors["borrowed_facts"]) == {
        ("guru-32b", "alias-of-another-family", "Qwen2.5-32B"),
        ("qwen2.5-72b-instruct", "alias-of-another-size", "Qwen2.5-32B-Instruct"),
        ("qwen2.5-72b-instruct", "version-of-another-size", "32B"),
        (
            "dbrx-instruct",
            "repository-of-another-developer",
            "https://github.com/deepseek-ai/DeepSeek-MoE",
        ),
    }


def test_malformed_repository_addresses_are_found(errors) -> None:
    assert _found(errors["malformed_repositories"]) == {
        ("yayi2-30b", "malformed-address", "https://github.com/wenge-research/YAYI2:")
    }


def test_licences_no_claim_names_are_found_only_where_a_model_has_several(errors) -> None:
    spdx = "http://spdx.org/licenses/"
    assert _found(errors["licences_without_source"]) == {
        ("mpt-30b-instruct", "licence-without-source", spdx + "Apache-2.0"),
        ("mpt-30b-instruct", "licence-without-source", spdx + "CC-BY-SA-3.0"),
        ("half", "licence-without-source", spdx + "MIT"),  # its claim is deprecated
    }


def test_open_mof_claims_on_a_spelling_the_tool_does_not_match_are_found(errors) -> None:
    [item] = errors["licence_spellings"]["items"]
    assert item["claim"].endswith("/spelled") and item["evidence"] == "Apache 2.0"


def test_each_kind_of_data_error_is_counted_documented_and_printed(errors, tmp_path, capsys):
    assert {k: errors["counts"][k] for k in CHECKS} == {
        "split_models": 2,
        "borrowed_facts": 4,
        "malformed_repositories": 1,
        "licences_without_source": 3,
        "licence_spellings": 1,
    }
    text = DOCS.read_text(encoding="utf-8")
    for key in {k for c in CHECKS for i in errors[c]["items"] for k in i} | set(CHECKS):
        assert f"`{key}`" in text, key
    for code in {i["reason"] for c in CHECKS for i in errors[c]["items"]}:
        assert f"`{code}`" in text, code
    path = tmp_path / "store"
    disk = ox.Store(str(path))
    disk.load(path=str(ERRORS), format=ox.RdfFormat.TRIG)
    disk.flush()
    del disk
    assert main(["--store", str(path), "report", "quality", "--limit", "0"]) == 0
    printed = capsys.readouterr().out
    for reason in ("alias-is-another-model", "repository-of-another-developer", "licence-spelling"):
        assert reason in printed
