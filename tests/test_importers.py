"""Importing the EU Open Source AI Index and the Model Openness Tool's records as RDF."""

from __future__ import annotations

import csv
import json
import re
import shutil
from collections import defaultdict
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib
import yaml
from rdflib import Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import DCTERMS, PROV, RDF, RDFS, SKOS, XSD

from graph.importers import identity, import_mof, import_osai_index, load_import, run_import
from graph.importers.load import dataset_prefix
from graph.importers.mof import component_level
from graph.importers.osai_index import INDEX_DATE, LEGACY_DATE
from graph.namespaces import ID, OG, SCHEMA
from graph.paths import FRAMEWORKS_DIR
from graph.scoring import legacy_score, mof_classes, osai_index_score
from graph.validation import validate_files
from graph.validation.context import to_rdflib

# Imports are loaded into the store: each engine (the conversions need none).
pytestmark = pytest.mark.every_engine

FIXTURES = Path(__file__).parent / "fixtures" / "importers"
INDEX = FIXTURES / "osai-index"
LEGACY = INDEX / "legacy-opening-up-chatgpt"
MOF = FIXTURES / "mof"
REVIEWED = FIXTURES / "model-identity.csv"
LEVEL = {"open": OG.open, "partial": OG.partial, "closed": OG.closed}


def model(slug: str) -> URIRef:
    return URIRef(f"{ID}model/{slug}")


def parse(folder: Path) -> rdflib.Graph:
    graph = rdflib.Graph()
    for path in sorted(folder.glob("*.ttl")):
        graph.parse(path, format="turtle")
    return graph


def claims_by_record(graph: rdflib.Graph, dataset: str) -> dict[str, dict[str, URIRef]]:
    """Return record slug -> judgement -> claim IRI, read from the claim IRIs."""
    found: dict[str, dict[str, URIRef]] = defaultdict(dict)
    prefix = f"{ID}claim/{dataset}/"
    for claim in graph.subjects(RDF.type, OG.Claim):
        if str(claim).startswith(prefix):
            record, judgement = str(claim)[len(prefix) :].rsplit("/", 1)
            found[record][judgement] = claim
    return found


def current_records() -> dict[str, dict]:
    return {
        p.name: yaml.safe_load(p.read_text(encoding="utf-8"))
        for p in sorted(INDEX.glob("*.yaml"))
        if p.name != "a_submission_template.yaml"
    }


def legacy_rows() -> list[dict[str, str]]:
    with (LEGACY / "docs" / "df.csv").open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture(scope="module")
def index_out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("osai-index")
    import_osai_index(INDEX, out, reviewed_path=REVIEWED)
    return out


@pytest.fixture(scope="module")
def index_graph(index_out: Path) -> rdflib.Graph:
    return parse(index_out)


@pytest.fixture(scope="module")
def mof_out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("mof")
    import_mof(MOF, out, reviewed_path=REVIEWED)
    return out


@pytest.fixture(scope="module")
def mof_graph(mof_out: Path) -> rdflib.Graph:
    return parse(mof_out)


# ---------------------------------------------------------------- the index


def test_index_writes_its_four_parts(index_out: Path) -> None:
    assert sorted(p.name for p in index_out.iterdir()) == [
        "claims.ttl",
        "legacy.ttl",
        "models.ttl",
        "sources.ttl",
    ]
    head = (index_out / "claims.ttl").read_text(encoding="utf-8").splitlines()[:9]
    assert any("CC-BY-4.0" in line for line in head)
    assert any("376230f18fa16f9d6da6fba8aeb210402c359be7" in line for line in head)


def test_the_index_is_a_dataset_source_with_licence_doi_and_creators(
    index_graph: rdflib.Graph,
) -> None:
    index = URIRef(f"{ID}source/osai-index")
    assert index_graph.value(index, DCTERMS.type) == OG.Dataset
    assert index_graph.value(index, DCTERMS.license) == URIRef("http://spdx.org/licenses/CC-BY-4.0")
    assert str(index_graph.value(index, DCTERMS.identifier)) == "doi:10.5281/zenodo.15386042"
    zenodo = json.loads((INDEX / ".zenodo.json").read_text(encoding="utf-8"))
    creators = {
        str(index_graph.value(p, rdflib.RDFS.label))
        for p in index_graph.objects(index, DCTERMS.creator)
    }
    assert len(creators) == len(zenodo["creators"])
    assert "Andreas Liesenfeld" in creators


def test_every_judgement_of_every_record_is_a_claim_with_its_class(
    index_graph: rdflib.Graph,
) -> None:
    claims = claims_by_record(index_graph, "osai-index")
    records = current_records()
    assert len(claims) == len(records)
    judgements = [
        p["ref"]
        for g in yaml.safe_load((INDEX / "_parameters.yml").read_text())
        for p in g["params"]
    ]
    for name, record in records.items():
        slug = re.sub(r"[^a-z0-9.]+", "-", Path(name).stem.lower())
        assert set(claims[slug]) == set(judgements), name
        for judgement in judgements:
            claim = claims[slug][judgement]
            assert index_graph.value(claim, OG.level) == LEVEL[record[judgement]["class"]]
            assert index_graph.value(claim, OG.statedOn) == Literal(INDEX_DATE, datatype=XSD.date)
            notes = record[judgement].get("notes")
            if notes:
                assert str(index_graph.value(claim, DCTERMS.description)) == notes.strip()


def test_each_evidence_link_is_a_source(index_graph: rdflib.Graph) -> None:
    record = yaml.safe_load((INDEX / "OLMo.yaml").read_text(encoding="utf-8"))
    links = record["datasheet"]["link"]
    assert isinstance(links, list) and len(links) > 1
    claim = URIRef(f"{ID}claim/osai-index/olmo/datasheet")
    page = URIRef(f"{ID}source/osai-index/olmo")
    sources = set(index_graph.objects(claim, PROV.wasDerivedFrom))
    assert page in sources
    urls = {str(u) for s in sources - {page} for u in index_graph.objects(s, SCHEMA.url)}
    assert urls == set(links)
    assert (claim, OG.flag, OG.NoEvidenceLink) not in index_graph
    assert (page, SCHEMA.url, URIRef("https://osai-index.eu/model/OLMo")) in index_graph
    assert index_graph.value(claim, PROV.wasAttributedTo) == URIRef(f"{ID}organization/osai-index")


def test_a_judgement_without_a_link_rests_on_the_record_alone_and_is_flagged(
    index_graph: rdflib.Graph,
) -> None:
    record = yaml.safe_load((INDEX / "lumo.yaml").read_text(encoding="utf-8"))
    unlinked = [
        j for j, v in record.items() if isinstance(v, dict) and "class" in v and not v.get("link")
    ]
    assert unlinked
    for judgement in unlinked:
        claim = URIRef(f"{ID}claim/osai-index/lumo/{judgement}")
        assert set(index_graph.objects(claim, PROV.wasDerivedFrom)) == {
            URIRef(f"{ID}source/osai-index/lumo")
        }
        assert (claim, OG.flag, OG.NoEvidenceLink) in index_graph


def test_a_record_page_with_a_space_in_its_name_is_a_valid_address(
    index_graph: rdflib.Graph,
) -> None:
    page = URIRef(f"{ID}source/osai-index/snowflake-arctic")
    assert index_graph.value(page, SCHEMA.url) == URIRef(
        "https://osai-index.eu/model/Snowflake%20Arctic"
    )


def test_licences_map_to_spdx_or_stay_text_and_flagged(index_graph: rdflib.Graph) -> None:
    olmo = model("olmo-3.1-32b-think")
    assert index_graph.value(olmo, DCTERMS.license) == URIRef("http://spdx.org/licenses/Apache-2.0")
    assert (olmo, OG.flag, OG.UnknownLicense) not in index_graph
    llama = model("llama-3.1-405b-instruct")
    written = yaml.safe_load((INDEX / "llama-3.1.yaml").read_text(encoding="utf-8"))["system"]
    assert "Llama" in written["endmodellicense"]  # a licence SPDX does not list
    assert index_graph.value(llama, DCTERMS.license) is None
    assert str(index_graph.value(llama, OG.licenseText)) == written["endmodellicense"]
    assert (llama, OG.flag, OG.UnknownLicense) in index_graph
    # Four records spell the key "endmodel license"; it is read all the same.
    record = yaml.safe_load((INDEX / "StableAudio.yaml").read_text(encoding="utf-8"))
    assert "endmodel license" in record["system"]
    audio = model("stable-audio-open-1.0")
    assert (audio, DCTERMS.license, None) in index_graph or (
        audio,
        OG.licenseText,
        None,
    ) in index_graph


def test_models_have_developers_families_and_release_months(index_graph: rdflib.Graph) -> None:
    olmo = model("olmo-3.1-32b-think")
    assert index_graph.value(olmo, OG.developer) == URIRef(f"{ID}organization/ai2")
    assert index_graph.value(olmo, OG.family) == URIRef(f"{ID}family/olmo")
    assert index_graph.value(olmo, DCTERMS.issued) == Literal("2025-12", datatype=XSD.gYearMonth)
    assert str(index_graph.value(olmo, OG.huggingFaceId)) == "allenai/Olmo-3.1-32B-Think"
    # A model whose end model is undisclosed is named after the system.
    assert (model("lumo-ai"), RDF.type, OG.Model) in index_graph


def test_a_reviewed_mapping_settles_a_record_the_keys_get_wrong(index_graph: rdflib.Graph) -> None:
    # Guru's record gives its base model (Qwen2.5-32B) as the end model.
    claim = URIRef(f"{ID}claim/osai-index/guru/weights_endmodel")
    assert index_graph.value(claim, OG.aboutModel) == model("guru-32b")
    assert (model("qwen2.5-32b"), None, None) not in index_graph


def test_legacy_records_have_fourteen_claims_stated_on_the_legacy_date(
    index_graph: rdflib.Graph,
) -> None:
    claims = claims_by_record(index_graph, "opening-up-chatgpt")
    rows = legacy_rows()
    assert len(claims) == len(rows)
    for row in rows:
        slug = Path(row["source.file"]).stem.lower()
        assert len(claims[slug]) == 14
        for judgement, claim in claims[slug].items():
            assert index_graph.value(claim, OG.level) == LEVEL[row[f"{judgement}.class"]]
            assert index_graph.value(claim, OG.statedOn) == Literal(LEGACY_DATE, datatype=XSD.date)
            assert index_graph.value(claim, OG.criterion) == URIRef(
                f"{ID}criterion/opening-up-chatgpt/{judgement}"
            )


def test_the_legacy_sample_and_non_model_entries_are_not_records(tmp_path: Path) -> None:
    # Without df.csv, the projects folder decides: the sample and the non-model entry have no name.
    copy = tmp_path / "index"
    shutil.copytree(INDEX, copy)
    (copy / "legacy-opening-up-chatgpt" / "docs" / "df.csv").unlink()
    result = import_osai_index(copy, tmp_path / "out", reviewed_path=REVIEWED)
    projects = sorted((copy / "legacy-opening-up-chatgpt" / "projects").glob("*.yaml"))
    assert result.records["legacy"] == len(projects) - 2


def test_the_same_system_in_both_tables_keeps_versions_apart(index_graph: rdflib.Graph) -> None:
    current = index_graph.value(URIRef(f"{ID}claim/osai-index/llama-3.1/paper"), OG.aboutModel)
    legacy = index_graph.value(
        URIRef(f"{ID}claim/opening-up-chatgpt/llama-3.1/paper"), OG.aboutModel
    )
    assert current != legacy  # the 405B instruct model and the 405B base model
    family = URIRef(f"{ID}family/llama")
    assert index_graph.value(current, OG.family) == index_graph.value(legacy, OG.family) == family
    # The report's family-level Llama joins the family; it is not merged with a version.
    assert (model("llama"), OG.family, family) in index_graph
    assert (model("llama"), RDF.type, OG.Model) not in index_graph
    # The legacy ChatGPT record is the report's ChatGPT.
    chatgpt = index_graph.value(URIRef(f"{ID}claim/opening-up-chatgpt/chatgpt/api"), OG.aboutModel)
    assert chatgpt == model("chatgpt")


def test_index_scores_equal_the_index_formula(index_graph: rdflib.Graph) -> None:
    """Our score, from the claims, is the site's: open 1, partial 0.5, closed 0, mean of twelve."""
    claims = claims_by_record(index_graph, "osai-index")
    points = {"open": 1.0, "partial": 0.5, "closed": 0.0}
    for name, record in current_records().items():
        slug = re.sub(r"[^a-z0-9.]+", "-", Path(name).stem.lower())
        judgements = [j for j, v in record.items() if isinstance(v, dict) and "class" in v]
        expected = sum(points[record[j]["class"]] for j in judgements) / 12
        levels = {
            str(index_graph.value(c, OG.criterion)): str(index_graph.value(c, OG.level))
            for c in claims[slug].values()
        }
        assert osai_index_score(levels).value == pytest.approx(expected), name


def test_legacy_scores_equal_the_tables_own(index_graph: rdflib.Graph) -> None:
    claims = claims_by_record(index_graph, "opening-up-chatgpt")
    for row in legacy_rows():
        slug = Path(row["source.file"]).stem.lower()
        levels = {
            str(index_graph.value(c, OG.criterion)): str(index_graph.value(c, OG.level))
            for c in claims[slug].values()
        }
        assert legacy_score(levels).value == pytest.approx(float(row["openness"])), slug


def test_index_import_conforms_to_the_shapes(index_out: Path) -> None:
    report = validate_files([index_out], [FRAMEWORKS_DIR])
    assert report.conforms, str(report)


def test_importing_again_writes_the_same_bytes(index_out: Path, tmp_path: Path) -> None:
    import_osai_index(INDEX, tmp_path, reviewed_path=REVIEWED)
    for path in index_out.glob("*.ttl"):
        assert (tmp_path / path.name).read_bytes() == path.read_bytes(), path.name


def test_an_unknown_class_is_refused_with_its_file(tmp_path: Path) -> None:
    copy = tmp_path / "index"
    copy.mkdir()
    text = (
        (INDEX / "OLMo.yaml")
        .read_text(encoding="utf-8")
        .replace("class: partial", "class: maybe", 1)
    )
    (copy / "OLMo.yaml").write_text(text, encoding="utf-8")
    with pytest.raises(ValueError, match=r"OLMo\.yaml: .*maybe"):
        import_osai_index(copy, tmp_path / "out", reviewed_path=REVIEWED)


# ---------------------------------------------------------------- the MOF


def test_mof_writes_seventeen_claims_per_record(mof_graph: rdflib.Graph) -> None:
    claims = claims_by_record(mof_graph, "mof")
    records = sorted((MOF / "models").glob("*.yml"))
    assert len(claims) == len(records)
    assert all(len(c) == 17 for c in claims.values())
    # Command-R and Command-R+ differ only by '+': two records, two sets of claims.
    assert {"command-r", "command-r-plus"} <= set(claims)


def test_mof_levels_follow_inclusion_and_licence(mof_graph: rdflib.Graph) -> None:
    record = yaml.safe_load((MOF / "models" / "Pythia-70M.yml").read_text(encoding="utf-8"))
    listed = {c["name"] for c in record["release"]["components"]}
    claims = claims_by_record(mof_graph, "mof")["pythia-70m"]
    assert str(mof_graph.value(claims["datasets"], OG.level)).endswith(
        "open" if "Datasets" in listed else "closed"
    )
    unlisted = [
        slug
        for slug, claim in claims.items()
        if not any(
            slug == n.lower().replace("(", "").replace(")", "").replace(" ", "-") for n in listed
        )
    ]
    assert unlisted
    for slug in unlisted:
        assert mof_graph.value(claims[slug], OG.level) == OG.closed
        assert (claims[slug], OG.flag, OG.NoEvidenceLink) in mof_graph
    date = record["release"]["date"]
    assert mof_graph.value(claims["model-card"], OG.statedOn) == Literal(
        str(date), datatype=XSD.date
    )


def test_component_levels() -> None:
    licences = {"distribution": "Apache-2.0", "code": None, "data": None, "document": None}
    assert component_level(None, "code", licences)[0] == "closed"
    assert component_level({"name": "Training code"}, "code", licences)[:2] == (
        "open",
        "Apache-2.0",
    )
    assert component_level({"name": "x", "license": "unlicensed"}, "code", licences)[:2] == (
        "partial",
        None,
    )
    level, licence, why = component_level(
        {"name": "x", "license": "Llama 2 Community License"}, "data", licences
    )
    assert (level, licence) == ("partial", "Llama 2 Community License")
    assert "not an open licence" in why
    assert component_level({"name": "x", "license": "Component not included"}, "data", licences)[
        0
    ] == ("closed")
    closed = {"distribution": None, "code": None, "data": None, "document": None}
    assert component_level({"name": "x"}, "document", closed)[:2] == ("partial", None)


def test_mof_classes_reproduce_the_tools_expected_results(tmp_path: Path) -> None:
    """Import the tool's own test records and class them from our claims."""
    result = import_mof(MOF, tmp_path, records_dir="Test_Data", reviewed_path=REVIEWED)
    graph = parse(tmp_path)
    levels: dict[str, dict[str, str]] = defaultdict(dict)
    for claim in graph.subjects(RDF.type, OG.Claim):
        levels[str(graph.value(claim, OG.aboutModel))][str(graph.value(claim, OG.criterion))] = str(
            graph.value(claim, OG.level)
        )
    raw = (MOF / "Test_Data" / "expected_results.json").read_text(encoding="utf-8")
    expected = {
        m["release"]["name"]: m["classification"]
        for m in json.loads(re.sub(r",(\s*[}\]])", r"\1", raw))["models"]
    }
    assert len(result.identities) == len(expected) == len(list((MOF / "Test_Data").glob("*.yml")))
    for ident in result.identities:
        want = expected[ident.name]
        score = mof_classes(levels[ident.model_iri])
        assert score.value == want["class"], ident.name
        progress = {
            f"{ID}grade/mof/class-{r}": want["progress"][k]
            for k, r in (("1", "i"), ("2", "ii"), ("3", "iii"))
        }
        assert score.progress == pytest.approx(progress), ident.name


def test_mof_models_sizes_stay_apart_in_one_family(mof_graph: rdflib.Graph) -> None:
    small, smaller = model("pythia-160m"), model("pythia-70m")
    assert (small, RDF.type, OG.Model) in mof_graph and (smaller, RDF.type, OG.Model) in mof_graph
    assert mof_graph.value(small, OG.family) == mof_graph.value(smaller, OG.family)
    assert str(mof_graph.value(smaller, SCHEMA.version)) == "70M"


def test_mof_reviewed_mapping_and_developer_evidence(mof_graph: rdflib.Graph) -> None:
    # release.name says 32B; the file and the link say 72B, and the reviewed row agrees.
    claim = URIRef(f"{ID}claim/mof/qwen2.5-72b-instruct/model-card")
    qwen = model("qwen2.5-72b-instruct")
    assert mof_graph.value(claim, OG.aboutModel) == qwen
    assert str(mof_graph.value(qwen, OG.huggingFaceId)) == "Qwen/Qwen2.5-72B-Instruct"
    # The seed report's Grok joins the family of the MOF's Grok release.
    assert (model("grok"), OG.family, URIRef(f"{ID}family/grok")) in mof_graph
    assert (model("claude"), OG.family, None) not in mof_graph  # no Claude release here
    # A component address on the developer's own account is published by the developer.
    own = [
        s
        for s in mof_graph.subjects(RDF.type, OG.Source)
        if str(mof_graph.value(s, SCHEMA.url)).startswith("https://github.com/EleutherAI/")
    ]
    assert own
    for source in own:
        assert mof_graph.value(source, DCTERMS.publisher) == URIRef(f"{ID}organization/eleutherai")
    arxiv = [
        s
        for s in mof_graph.subjects(RDF.type, OG.Source)
        if str(mof_graph.value(s, SCHEMA.url)).startswith("https://arxiv.org/")
    ]
    assert arxiv and all(mof_graph.value(s, DCTERMS.publisher) is None for s in arxiv)


def test_mof_import_conforms_to_the_shapes(mof_out: Path) -> None:
    report = validate_files([mof_out], [FRAMEWORKS_DIR])
    assert report.conforms, str(report)


# ---------------------------------------------------------------- both, in the store


def test_one_model_in_both_datasets_is_one_node(index_out: Path, mof_out: Path) -> None:
    report = validate_files([index_out, mof_out], [FRAMEWORKS_DIR])
    assert report.conforms, str(report)
    graph = parse(index_out) + parse(mof_out)
    zephyr = model("zephyr-orpo-141b-a35b-v0.1")
    about = set(graph.subjects(OG.aboutModel, zephyr))
    assert {str(c).split("/")[-3] for c in about} == {"osai-index", "mof"}
    assert len(set(graph.objects(zephyr, OG.family))) == 1


def test_loading_replaces_a_datasets_graphs_and_is_idempotent(
    index_out: Path, tmp_path: Path, new_store
) -> None:
    root = tmp_path
    out = root / "data" / "osai-index"
    shutil.copytree(index_out, out)
    store = new_store()
    first = load_import(store, out, root)
    assert len(first.loaded) == 4 and not first.unchanged
    again = load_import(store, out, root)
    assert again.loaded == [] and len(again.unchanged) == 4
    prefix = dataset_prefix(out, root)
    graph_name = ox.NamedNode(prefix + "claims.ttl")
    stored = to_rdflib(store.quads_for_pattern(None, None, None, graph_name))
    assert isomorphic(stored, rdflib.Graph().parse(out / "claims.ttl"))
    # A new import without the legacy table drops the legacy graph.
    (out / "legacy.ttl").unlink()
    load_import(store, out, root)
    names = {g.value for g in store.named_graphs()}
    assert prefix + "legacy.ttl" not in names
    assert prefix + "claims.ttl" in names


def test_run_import_converts_and_loads(tmp_path: Path, new_store) -> None:
    store = new_store()
    out = tmp_path / "data" / "mof"
    result, loaded = run_import("mof", MOF, out_dir=out, store=store, root=tmp_path, progress=False)
    assert result.records == {"records": len(list((MOF / "models").glob("*.yml")))}
    assert loaded is not None and len(loaded.loaded) == len(result.files) == 3
    query = f"SELECT (COUNT(*) AS ?n) {{ GRAPH ?g {{ ?c a <{OG.Claim}> }} }}"
    count = next(iter(store.query(query)))["n"]
    assert int(count.value) == result.claims
    with pytest.raises(ValueError, match="unknown dataset"):
        run_import("fmti", MOF, out_dir=out)


def test_the_import_command_loads_into_any_store(
    tmp_path: Path, new_store_location, capsys: pytest.CaptureFixture[str]
) -> None:
    from graph.cli import main

    location = new_store_location()
    out = tmp_path / "mof"
    assert main(["--store", location, "import", "mof", str(MOF), "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    claims = int(re.search(r"(\d+) claims", printed).group(1))
    query = f"SELECT (COUNT(*) AS ?n) {{ GRAPH ?g {{ ?c a <{OG.Claim}> }} }}"
    assert main(["--store", location, "query", query, "--format", "csv"]) == 0
    assert capsys.readouterr().out.split() == ["n", str(claims)]


# ---------------------------------------------------------------- the data errors a review found


def write_mof_record(folder: Path, file_name: str, release: dict) -> None:
    """Write one small MOF record; ``release`` overrides the defaults."""
    base = {
        "name": Path(file_name).stem,
        "version": "",
        "date": "2024-11-15",
        "producer": "Acme",
        "license": {},
        "components": [],
    }
    record = {"framework": {"name": "Model Openness Framework"}, "release": base | release}
    (folder / "models").mkdir(parents=True, exist_ok=True)
    (folder / "models" / file_name).write_text(yaml.safe_dump(record), encoding="utf-8")


def write_rows(path: Path, rows: list[str]) -> Path:
    header = ",".join((*identity.CSV_COLUMNS, "drop"))
    path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    return path


def test_mof_licences_are_matched_as_the_tool_matches_them(tmp_path: Path) -> None:
    # Records such as OLMo-7B list "license: Apache 2.0"; the tool compares the text with
    # SPDX ids in PHP's in_array, so only "Apache-2.0" counts.
    write_mof_record(
        tmp_path / "in",
        "Acme-7B.yml",
        {
            "components": [
                {"name": "Model architecture", "license": "Apache 2.0"},
                {"name": "Training code", "license": "Apache-2.0"},
                {"name": "Model card", "license": "MIT license"},
            ]
        },
    )
    import_mof(tmp_path / "in", tmp_path / "out", reviewed_path=write_rows(tmp_path / "r.csv", []))
    graph = parse(tmp_path / "out")
    claim = {
        c: URIRef(f"{ID}claim/mof/acme-7b/{c}")
        for c in ("model-architecture", "training-code", "model-card")
    }
    spelled = claim["model-architecture"]
    assert graph.value(spelled, OG.level) == OG.partial
    assert (spelled, OG.flag, OG.LicenseSpelling) in graph
    assert str(graph.value(spelled, OG.licenseText)) == "Apache 2.0"
    assert graph.value(spelled, DCTERMS.license) == URIRef("http://spdx.org/licenses/Apache-2.0")
    assert "only the spelling" in str(graph.value(spelled, RDFS.comment))
    exact = claim["training-code"]
    assert graph.value(exact, OG.level) == OG.open
    assert (exact, OG.flag, OG.LicenseSpelling) not in graph
    assert graph.value(exact, OG.licenseText) is None
    assert graph.value(claim["model-card"], OG.level) == OG.partial


def test_mof_facts_a_reviewer_drops_stay_off_the_model(tmp_path: Path) -> None:
    # Qwen2.5-72B-Instruct.yml: "name: Qwen2.5-32B-Instruct, version: 32B, huggingface:
    # https://huggingface.co/Qwen/Qwen2.5-72B-Instruct"; dbrx-instruct.yml links DeepSeek-MoE;
    # Qwen1.5-7B.yml: "version: 14B"; XGLM.yml and Yayi-2.yml paste text after the address.
    source = tmp_path / "in"
    write_mof_record(
        source,
        "Qwen2.5-72B-Instruct.yml",
        {
            "name": "Qwen2.5-32B-Instruct",
            "version": "32B",
            "huggingface": "https://huggingface.co/Qwen/Qwen2.5-72B-Instruct",
        },
    )
    write_mof_record(
        source,
        "dbrx-instruct.yml",
        {
            "version": "132B ",
            "repository": "https://github.com/deepseek-ai/DeepSeek-MoE/blob/main/README.md",
            "huggingface": "https://huggingface.co/deepseek-ai/deepseek-moe-16b-base",
        },
    )
    write_mof_record(
        source,
        "XGLM.yml",
        {
            "repository": "https://github.com/fairseq/examples/xglm at main · facebookresearch/fairseq (github.com)"
        },
    )
    write_mof_record(
        source,
        "Yayi-2.yml",
        {
            "name": "Yayi-2",
            "repository": "https://github.com/wenge-research/YAYI2: YAYI 2 (github.com)",
        },
    )
    rows = write_rows(
        tmp_path / "r.csv",
        [
            "mof,Qwen2.5-72B-Instruct.yml,id:model/qwen2.5-72b-instruct,why,yes,name version",
            "mof,dbrx-instruct.yml,id:model/dbrx-instruct,why,yes,link repository",
        ],
    )
    import_mof(source, tmp_path / "out", reviewed_path=rows)
    graph = parse(tmp_path / "out")
    qwen = model("qwen2.5-72b-instruct")
    assert graph.value(qwen, SCHEMA.version) is None
    assert graph.value(qwen, SKOS.altLabel) is None
    assert [str(x) for x in graph.objects(qwen, RDFS.label)] == ["Qwen2.5-72B-Instruct"]
    dbrx = model("dbrx-instruct")
    assert graph.value(dbrx, SCHEMA.codeRepository) is None
    assert str(graph.value(dbrx, SCHEMA.version)) == "132B"
    assert graph.value(model("xglm"), SCHEMA.codeRepository) == URIRef(
        "https://github.com/facebookresearch/fairseq"
    )
    assert graph.value(model("yayi-2"), SCHEMA.codeRepository) == URIRef(
        "https://github.com/wenge-research/YAYI2"
    )


def write_index_record(folder: Path, file_name: str, system: dict, licenses: dict) -> None:
    record = {
        "system": {"type": "text", "releasedate": "2023-06"} | system,
        "org": {"name": "MosaicML", "link": "https://www.mosaicml.com"},
        "licenses": licenses,
    }
    folder.mkdir(parents=True, exist_ok=True)
    (folder / file_name).write_text(yaml.safe_dump(record), encoding="utf-8")


def test_each_licence_a_model_is_given_is_named_by_the_claim_of_the_record_that_gives_it(
    tmp_path: Path,
) -> None:
    # MPT.yaml: "endmodellicense: Apache-2.0"; projects/MPT-30b-instruct.yaml:
    # "license: CC-By-SA-3.0"; both link https://huggingface.co/mosaicml/mpt-30b-instruct.
    source = tmp_path / "in"
    link = "https://huggingface.co/mosaicml/mpt-30b-instruct"
    write_index_record(
        source,
        "MPT.yaml",
        {
            "name": "MPT",
            "link": link,
            "endmodelname": "MPT-30B-Instruct",
            "endmodellicense": "Apache-2.0",
        },
        {"class": "open", "link": link, "notes": "Apache 2.0"},
    )
    projects = source / "legacy-opening-up-chatgpt" / "projects"
    projects.mkdir(parents=True)
    legacy = {
        "project": {"name": "MPT-30B Instruct", "link": link, "license": "CC-By-SA-3.0"},
        "org": {"name": "MosaicML", "link": "https://www.mosaicml.com"},
        "license": {"class": "partial", "link": link, "notes": "CC-BY-SA"},
    }
    (projects / "MPT-30b-instruct.yaml").write_text(yaml.safe_dump(legacy), encoding="utf-8")
    import_osai_index(source, tmp_path / "out", reviewed_path=write_rows(tmp_path / "r.csv", []))
    graph = parse(tmp_path / "out")
    mpt = model("mpt-30b-instruct")
    spdx = "http://spdx.org/licenses/"
    assert set(graph.objects(mpt, DCTERMS.license)) == {
        URIRef(spdx + "Apache-2.0"),
        URIRef(spdx + "CC-BY-SA-3.0"),
    }
    index_claim = URIRef(f"{ID}claim/osai-index/mpt/licenses")
    legacy_claim = URIRef(f"{ID}claim/opening-up-chatgpt/mpt-30b-instruct/license")
    assert graph.value(index_claim, DCTERMS.license) == URIRef(spdx + "Apache-2.0")
    assert graph.value(legacy_claim, DCTERMS.license) == URIRef(spdx + "CC-BY-SA-3.0")
    assert (
        graph.value(index_claim, OG.aboutModel) == graph.value(legacy_claim, OG.aboutModel) == mpt
    )
