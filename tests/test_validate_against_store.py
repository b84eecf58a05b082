"""`openness validate` against a store: valid references pass, unknown ones get suggestions."""

from __future__ import annotations

from pathlib import Path

import pytest

from graph import paths
from graph.cli import main

WORLD = Path(__file__).parent / "fixtures" / "submissions" / "world.ttl"
PREFIXES = """@prefix og: <https://w3id.org/openness/ns#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
"""
ID = "https://w3id.org/openness/id/"


def claim(n: int, model: str, criterion: str, source: str) -> str:
    return f"""<{ID}claim/check-{n}> a og:Claim ; og:aboutModel <{ID}model/{model}> ;
      og:criterion <{ID}criterion/{criterion}> ; og:level og:closed ; og:rank og:NormalRank ;
      og:statedOn "2025-01-02"^^xsd:date ; prov:wasDerivedFrom <{ID}source/{source}> .
"""


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture(scope="module")
def loaded_store(bundled_world) -> str:
    """The bundled ontology, frameworks and data, loaded."""
    return bundled_world.location


@pytest.fixture
def no_default_store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Run where no ./var/store is and $OPENNESS_STORE is unset."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("OPENNESS_STORE", raising=False)


def test_claims_about_bundled_models_are_valid_against_the_loaded_store(
    loaded_store: str, tmp_path: Path, capsys: pytest.CaptureFixture[str], no_default_store
) -> None:
    claims = tmp_path / "claims.ttl"
    source = "oti-2024-openness-in-ai-models"
    claims.write_text(
        PREFIXES
        + claim(1, "mistral", "oti-2024/open-code", source)
        + claim(2, "mistral", "oti-2024/published-weights", source)
    )
    code, _, err = run(capsys, "--store", loaded_store, "validate", str(claims))
    assert code == 0, err
    assert "1 file conforms" in err and f"checked against the store at {loaded_store}" in err
    # Alone, the same file refers to a model and a source it does not describe.
    code, _, err = run(capsys, "validate", str(claims))
    assert code == 1 and "ClaimShape-model-class" in err and "no store" in err


def test_a_misspelt_model_is_one_violation_with_a_suggestion(
    loaded_store: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    claims = tmp_path / "claims.ttl"
    claims.write_text(
        PREFIXES + claim(1, "mistrall", "oti-2024/open-code", "oti-2024-openness-in-ai-models")
    )
    code, _, err = run(capsys, "--store", loaded_store, "validate", str(claims))
    assert code == 1
    lines = [line for line in err.splitlines() if "claim/check-1" in line]
    assert len(lines) == 1 and "claims.ttl" in lines[0]
    assert "The graph holds no model id:model/mistrall; did you mean id:model/mistral" in lines[0]
    assert "1 violation, checked against" in err


def test_claims_citing_a_framework_not_loaded_are_reported_once(
    new_store_location, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    location = new_store_location()
    assert (
        main(["--store", location, "load", str(paths.ONTOLOGY_DIR / "openness.ttl"), str(WORLD)])
        == 0
    )
    claims = tmp_path / "fmti.ttl"
    source = f'<{ID}source/fmti> a og:Source ; dcterms:title "FMTI" ; dcterms:type og:Report .\n'
    claims.write_text(
        PREFIXES
        + source
        + "".join(claim(n, "m", f"fmti-1.1/indicator-{n}", "fmti") for n in range(6))
    )
    capsys.readouterr()
    code, _, err = run(capsys, "--store", location, "validate", str(claims))
    assert code == 1
    (line,) = [line for line in err.splitlines() if "is the framework loaded?" in line]
    assert line.startswith("6 claims og:criterion: ") and "and 3 more" in line
    assert "under id:criterion/fmti-1.1/" in line
    assert "docs/frameworks.md" in err


def test_a_named_store_must_exist(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    claims = tmp_path / "claims.ttl"
    claims.write_text(PREFIXES + claim(1, "m", "t/weights", "s"))
    missing = tmp_path / "no-store"
    code, _, err = run(capsys, "--store", str(missing), "validate", str(claims))
    assert code == 2 and f"no store at {missing}" in err
    assert not missing.exists()


EXAMPLE = paths.ROOT / "docs" / "examples" / "transparency-index.ttl"


def test_the_docs_example_framework_is_valid_against_the_loaded_store(
    loaded_store: str, capsys: pytest.CaptureFixture[str]
) -> None:
    # As docs/frameworks.md writes it: the store named after the files.
    code, _, err = run(capsys, "validate", str(EXAMPLE), "--store", loaded_store)
    assert code == 0, err
    assert "1 file conforms" in err and f"checked against the store at {loaded_store}" in err


def test_the_docs_example_with_a_misspelt_mapping_is_one_violation(
    loaded_store: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = EXAMPLE.read_text()
    assert "osai:weights_endmodel" in text
    bad = tmp_path / "eti.ttl"
    bad.write_text(text.replace("osai:weights_endmodel", "osai:weights_endmodell", 1))
    code, _, err = run(capsys, "validate", str(bad), "--store", loaded_store)
    assert code == 1
    assert "1 violation, checked against" in err and "weights_endmodel" in err
    assert "docs/frameworks.md" in err


def test_validate_and_the_submit_page_name_the_guide_that_exists(client) -> None:
    from graph.cli.store import FRAMEWORKS_DOC as CLI_DOC
    from server.submissions import FRAMEWORKS_DOC as PAGE_DOC

    assert CLI_DOC == PAGE_DOC == "docs/frameworks.md"
    guide = paths.ROOT / CLI_DOC
    assert guide.is_file() and "examples/transparency-index.ttl" in guide.read_text()
    assert EXAMPLE.is_file()
    page = client.get("/submit", headers={"Accept": "text/html"})
    assert page.status_code == 200 and CLI_DOC in page.get_data(as_text=True)
