"""Recognising one model across datasets: names, Hugging Face ids, families, reviewed rows."""

from __future__ import annotations

from pathlib import Path

import pytest

from graph.importers import identity
from graph.importers.identity import (
    ReviewedRow,
    family_of_model,
    identify,
    read_reviewed,
    review_candidates,
)
from graph.importers.names import (
    family_key,
    family_label,
    huggingface_id,
    names_agree,
    normalise_name,
    repository_address,
)
from graph.importers.organizations import organization_slug, split_organizations
from graph.namespaces import ID

FIXTURES = Path(__file__).parent / "fixtures" / "importers"


def model(slug: str) -> str:
    return f"{ID}model/{slug}"


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Meta-Llama-3.1-405B-Instruct", "Llama 3.1 405B Instruct"),
        ("Llama-2-chat-70B", "Llama-2-70B-Chat"),
        ("Llama-3_3-Nemotron-Super-49B-v1_5", "Llama 3.3 Nemotron Super 49B v1.5"),
        ("Vicuna 13B v 1.3", "vicuna-13b-v1.3"),
        ("OpenELM-1_1B-Instruct", "openelm-1.1b-instruct"),
    ],
)
def test_spellings_of_one_name_share_a_key(a: str, b: str) -> None:
    assert normalise_name(a) == normalise_name(b)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Pythia-70M", "Pythia-160M"),
        ("Llama 3", "Llama 3.1"),
        ("Command-R", "Command-R+"),
        ("Mistral-7B-Instruct-v0.1", "Mistral-7B-Instruct-v0.2"),
        ("Neural-Chat-7B", "Neural-7B-Chat-v1"),
    ],
)
def test_versions_and_sizes_keep_distinct_keys(a: str, b: str) -> None:
    assert normalise_name(a) != normalise_name(b)


@pytest.mark.parametrize(
    ("name", "family"),
    [
        ("Llama 3.1", "llama"),
        ("Meta-Llama-3-8B-Instruct", "llama"),
        ("LLaMA2 Chat", "llama"),
        ("Pythia-70M", "pythia"),
        ("Qwen2.5-7B-Instruct", "qwen"),
        ("Mistral Large 3", "mistral"),
        ("GPT-NeoX-20B", "gpt-neox"),
        ("mT5-XXL", "mt5"),
        ("CodeT5", "codet5"),
        ("Kimi K2.5", "kimi"),
        ("CrystalChat", "crystal"),
    ],
)
def test_family_key_drops_versions_sizes_and_variants(name: str, family: str) -> None:
    assert family_key(name) == family


def test_family_label_keeps_the_spelling_of_the_name() -> None:
    assert family_label("GPT-NeoX-20B") == "GPT-NeoX"
    assert family_label("Tülu") == "Tülu"
    assert family_label("Qwen2.5-7B") == "Qwen"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("https://huggingface.co/allenai/Olmo-3.1-32B-Think", "allenai/Olmo-3.1-32B-Think"),
        ("https://huggingface.co/microsoft/phi-1/blob/main/README.md", "microsoft/phi-1"),
        ("https://huggingface.co/x/y-7b · Hugging Face", "x/y-7b"),
        ("mistralai/Mistral-7B-v0.1", "mistralai/Mistral-7B-v0.1"),
        ("https://huggingface.co/datasets/allenai/dolma", None),
        (
            "https://huggingface.co/collections/meta-llama/meta-llama-3-66214712577ca38149ebb2b6",
            None,
        ),
        ("https://huggingface.co/papers/2309.16609", None),
        ("https://huggingface.co", None),
        ("https://github.com/allenai/OLMo", None),
        ("Baichuan 2: Open Large-scale Language Models", None),
        (None, None),
    ],
)
def test_huggingface_id(text: str | None, expected: str | None) -> None:
    assert huggingface_id(text) == expected


def test_repository_address() -> None:
    assert repository_address("https://github.com/salesforce/CodeT5/tree/main/CodeT5%2B") == (
        "https://github.com/salesforce/CodeT5"
    )
    assert repository_address("https://www.github.com/a/b.git") == "https://github.com/a/b"
    assert repository_address("https://huggingface.co/a/b") is None
    assert repository_address("") is None


def test_names_agree_when_the_repository_is_the_more_specific_name() -> None:
    assert names_agree(
        normalise_name("Mistral 7B-Instruct"), normalise_name("Mistral-7B-Instruct-v0.1")
    )
    assert names_agree(normalise_name("CerebrasGPT"), normalise_name("Cerebras-GPT-13B"))
    assert not names_agree(normalise_name("CodeGemma-2B"), normalise_name("codegemma-7b"))
    assert not names_agree(
        normalise_name("Qwen2.5-32B-Instruct"), normalise_name("Qwen2.5-72B-Instruct")
    )


def test_identify_prefers_an_agreeing_huggingface_id() -> None:
    ident = identify(
        "a",
        "r",
        "Llama 3.1 405B Instruct",
        links=["https://huggingface.co/meta-llama/Meta-Llama-3.1-405B-Instruct"],
        family_name="Llama 3.1",
    )
    assert ident.reason == "hf-id"
    assert ident.model_iri == model("llama-3.1-405b-instruct")
    assert ident.hf_id == "meta-llama/Meta-Llama-3.1-405B-Instruct"
    assert ident.family_iri == f"{ID}family/llama"
    # The repository's name labels the node, so datasets linking it agree on the label.
    assert ident.name == "Meta-Llama-3.1-405B-Instruct"
    assert ident.other_name == "Llama 3.1 405B Instruct"


def test_two_datasets_linking_one_repository_meet_on_one_model() -> None:
    a = identify(
        "index",
        "Zephyr.yaml",
        "Zephyr-ORPO-141B-A35B-v0.1",
        links=["https://huggingface.co/HuggingFaceH4/zephyr-orpo-141b-A35b-v0.1"],
        family_name="Zephyr",
    )
    b = identify(
        "mof",
        "Zephyr-141B.yml",
        "Zephyr-141B",
        links=["https://huggingface.co/HuggingFaceH4/zephyr-orpo-141b-A35b-v0.1 · Hugging Face"],
    )
    assert a.model_iri == b.model_iri
    assert a.family_iri == b.family_iri


def test_a_contradicting_huggingface_id_is_dropped_and_reported() -> None:
    ident = identify(
        "mof",
        "CodeGemma-2B.yml",
        "CodeGemma-2B",
        links=["https://huggingface.co/google/codegemma-7b"],
    )
    assert ident.reason == "hf-id-conflict"
    assert ident.model_iri == model("codegemma-2b")
    assert ident.hf_id is None
    [candidate] = review_candidates([ident])
    assert candidate.records == (ident,)
    assert "google/codegemma-7b" in candidate.why


def test_a_reviewed_row_decides_and_an_unreviewed_one_does_not() -> None:
    rows = read_reviewed(FIXTURES / "model-identity.csv")
    guru = identify(
        "osai-index",
        "Guru.yaml",
        "Qwen2.5-32B",
        links=["https://huggingface.co/LLM360/guru-32B"],
        reviewed=rows,
    )
    assert guru.reason == "reviewed"
    assert guru.model_iri == model("guru-32b")
    assert guru.hf_id == "LLM360/guru-32B"  # the reviewed model is the one the link names
    assert guru.name == "guru-32B"
    pythia = identify("mof", "Pythia-70M.yml", "Pythia-70M", reviewed=rows)
    assert pythia.reason == "name"
    assert pythia.model_iri == model("pythia-70m")
    assert review_candidates([guru, pythia], rows) == []


def test_a_reviewed_row_that_moves_a_record_drops_the_link_to_the_other_model() -> None:
    rows = {("mof", "X.yml"): ReviewedRow("mof", "X.yml", model("codet5p-220m"), "why", True)}
    ident = identify(
        "mof",
        "X.yml",
        "CodeT5+-220M",
        links=["https://huggingface.co/Salesforce/codet5p-16b"],
        reviewed=rows,
    )
    assert ident.model_iri == model("codet5p-220m")
    assert ident.hf_id is None
    assert ident.name == "codet5p-220m"


def test_identify_refuses_a_record_that_names_nothing() -> None:
    with pytest.raises(ValueError, match="names no model"):
        identify("a", "r.yaml", "Undisclosed")


def test_review_lists_one_model_placed_in_two_families() -> None:
    a = identify("index", "a", "Foo-7B", family_name="Foobar")
    b = identify("mof", "b", "Foo-7B")
    assert a.model_iri == b.model_iri
    [candidate] = review_candidates([a, b])
    assert "families" in candidate.why
    # Within one import, the most common family wins, then the shortest key.
    c = identify("mof", "c", "Foo-7B")
    assert family_of_model([a, b, c]) == {a.model_iri: b.family_iri}
    assert family_of_model([a, b]) == {a.model_iri: b.family_iri}


def test_organization_spellings_merge() -> None:
    assert organization_slug("Allen Institute for AI") == organization_slug("Ai2") == "ai2"
    assert organization_slug("Mistral") == organization_slug("Mistral AI") == "mistral-ai"
    assert organization_slug("Facebook Research") == "meta"
    assert organization_slug("Snowflake") == "snowflake"


def test_organizations_split_only_with_one_link_each() -> None:
    assert split_organizations(
        "Mistral AI and NVIDIA", ["https://mistral.ai/", "https://nvidia.com"]
    ) == [
        ("Mistral AI", ["https://mistral.ai/"]),
        ("NVIDIA", ["https://nvidia.com"]),
    ]
    assert split_organizations("Deep Cognition and Language Research Lab", ["https://x.org"]) == [
        ("Deep Cognition and Language Research Lab", ["https://x.org"])
    ]


def test_read_reviewed_rejects_bad_files(tmp_path: Path) -> None:
    header = ",".join(identity.CSV_COLUMNS)
    twice = tmp_path / "twice.csv"
    twice.write_text(f"{header}\nmof,a.yml,id:model/a,r,yes\nmof,a.yml,id:model/b,r,yes\n")
    with pytest.raises(ValueError, match="listed twice"):
        read_reviewed(twice)
    not_model = tmp_path / "family.csv"
    not_model.write_text(f"{header}\nmof,a.yml,id:family/a,r,yes\n")
    with pytest.raises(ValueError, match="not a model IRI"):
        read_reviewed(not_model)
    columns = tmp_path / "columns.csv"
    columns.write_text("dataset,record,model_iri\nmof,a.yml,id:model/a\n")
    with pytest.raises(ValueError, match="missing column"):
        read_reviewed(columns)


def test_write_rows_round_trips(tmp_path: Path) -> None:
    rows = read_reviewed(FIXTURES / "model-identity.csv")
    out = tmp_path / "out.csv"
    identity.write_rows(rows.values(), out)
    assert read_reviewed(out) == rows


def test_the_committed_mapping_file_is_well_formed() -> None:
    rows = read_reviewed(identity.IDENTITY_FILE)
    for (dataset, record), row in rows.items():
        assert dataset in {"osai-index", "opening-up-chatgpt", "mof", "oti-2024"}, record
        assert row.reason, f"{dataset} {record}: a reviewed decision says why"
        assert row.model_iri.startswith(f"{ID}model/")


def test_a_shared_repository_proposes_a_match_but_does_not_decide_it() -> None:
    a = identify("osai-index", "Bark.yaml", "Bark", repository="https://github.com/suno-ai/bark")
    b = identify(
        "mof",
        "Bark-Small.yml",
        "Bark-Small",
        repository="https://github.com/suno-ai/bark/tree/main",
    )
    assert a.model_iri != b.model_iri
    assert a.repository == b.repository == "https://github.com/suno-ai/bark"
    [candidate] = review_candidates([a, b])
    assert set(candidate.records) == {a, b}
    # Two sizes in one dataset's repository are no question for a reviewer.
    c = identify(
        "mof", "Bark-Large.yml", "Bark-Large", repository="https://github.com/suno-ai/bark"
    )
    assert review_candidates([b, c]) == []


# ---------------------------------------------------------------- the data errors a review found


def row(dataset: str, record: str, slug: str, drop: str = "") -> dict:
    return {
        (dataset, record): ReviewedRow(
            dataset, record, model(slug), "why", True, frozenset(drop.split())
        )
    }


def test_an_index_record_linking_a_later_update_joins_the_model_it_names() -> None:
    # deepseek-R1.yaml: "name: DeepSeek R1, link: .../deepseek-ai/DeepSeek-R1-0528,
    # endmodelname: DeepSeek-R1, releasedate: 2025-01"; MOF DeepSeek-R1.yml links DeepSeek-R1.
    args = ("osai-index", "deepseek-R1.yaml", "DeepSeek-R1")
    links = ["https://huggingface.co/deepseek-ai/DeepSeek-R1-0528"]
    mof = identify(
        "mof",
        "DeepSeek-R1.yml",
        "DeepSeek-R1",
        links=["https://huggingface.co/deepseek-ai/DeepSeek-R1"],
    )
    assert identify(*args, links=links).model_iri == model("deepseek-r1-0528")  # the keys alone
    index = identify(*args, links=links, reviewed=row(*args[:2], "deepseek-r1", "link"))
    assert index.model_iri == mof.model_iri == model("deepseek-r1")
    assert (index.name, index.other_name, index.hf_id) == ("DeepSeek-R1", None, None)


def test_a_record_whose_links_are_all_another_models_speaks_for_that_model() -> None:
    # projects/command-r.yaml: "name: Command R+, link: .../CohereForAI/c4ai-command-r-v01".
    args = ("opening-up-chatgpt", "projects/command-r.yaml", "Command R+")
    links = ["https://huggingface.co/CohereForAI/c4ai-command-r-v01"]
    ident = identify(
        *args,
        links=links,
        family_name="Command R+",
        reviewed=row(*args[:2], "c4ai-command-r-v01", "name"),
    )
    mof = identify("mof", "Command-R.yml", "Command-R", links=links)
    assert ident.model_iri == mof.model_iri == model("c4ai-command-r-v01")
    assert ident.other_name is None  # "Command R+" is not a name of Command R
    assert ident.family_iri == mof.family_iri == f"{ID}family/command-r"
    assert ident.hf_id == "CohereForAI/c4ai-command-r-v01"


def test_the_index_wizardlm_record_is_the_legacy_wizardlm_7b() -> None:
    # WizardLM.yaml: "endmodelname: Evol-Instruct (synthetic)", base LLaMA-7B, weights
    # and model card at WizardLM/WizardLM-7B-V1.0; projects/wizardlm-7B-V1.yaml: "WizardLM-7B".
    github = ["https://github.com/nlpxucan/WizardLM"]
    legacy = identify(
        "opening-up-chatgpt", "projects/wizardlm-7B-V1.yaml", "WizardLM-7B", links=github
    )
    index = identify(
        "osai-index",
        "WizardLM.yaml",
        "Evol-Instruct (synthetic)",
        links=github,
        family_name="WizardLM",
        reviewed=row("osai-index", "WizardLM.yaml", "wizardlm-7b", "name"),
    )
    assert index.model_iri == legacy.model_iri == model("wizardlm-7b")
    assert index.family_iri == legacy.family_iri
    assert index.other_name is None  # the training data is not a name of the model


def test_a_dropped_name_is_neither_a_name_nor_the_family_of_the_model() -> None:
    # Guru.yaml: "basemodelname: Guru-32B, endmodelname: Qwen2.5-32B" (the fields swapped).
    args = ("osai-index", "Guru.yaml", "Qwen2.5-32B")
    links = ["https://huggingface.co/LLM360/guru-32B"]
    kept = identify(*args, links=links, family_name="Guru", reviewed=row(*args[:2], "guru-32b"))
    assert kept.other_name == "Qwen2.5-32B"  # what a row without 'drop' leaves
    guru = identify(
        *args, links=links, family_name="Guru", reviewed=row(*args[:2], "guru-32b", "name")
    )
    assert (guru.name, guru.other_name) == ("guru-32B", None)
    assert guru.family_iri == f"{ID}family/guru"
    assert guru.dropped == {"name"}


def test_a_dropped_repository_is_not_the_models() -> None:
    # dbrx-instruct.yml: "repository: https://github.com/deepseek-ai/DeepSeek-MoE/blob/main/
    # README.md, huggingface: https://huggingface.co/deepseek-ai/deepseek-moe-16b-base".
    args = ("mof", "dbrx-instruct.yml", "dbrx-instruct")
    repo = "https://github.com/deepseek-ai/DeepSeek-MoE/blob/main/README.md"
    links = ["https://huggingface.co/deepseek-ai/deepseek-moe-16b-base"]
    assert identify(*args, links=links, repository=repo).repository is not None
    dbrx = identify(
        *args,
        links=links,
        repository=repo,
        reviewed=row(*args[:2], "dbrx-instruct", "link repository"),
    )
    assert (dbrx.model_iri, dbrx.hf_id, dbrx.repository) == (model("dbrx-instruct"), None, None)


def test_repository_addresses_pasted_with_a_page_title_or_a_description() -> None:
    # XGLM.yml and Yayi-2.yml, as written.
    xglm = (
        "https://github.com/fairseq/examples/xglm at main · facebookresearch/fairseq (github.com)"
    )
    assert repository_address(xglm) == "https://github.com/facebookresearch/fairseq"
    yayi = "https://github.com/wenge-research/YAYI2: YAYI 2 是中科闻歌研发的新一代开源大语言模型"
    assert repository_address(yayi) == "https://github.com/wenge-research/YAYI2"
    assert repository_address("https://github.com/owner/na%20me") is None
    assert (
        repository_address("https://github.com/owner/repo.git") == "https://github.com/owner/repo"
    )


def test_read_reviewed_reads_and_checks_the_drop_column(tmp_path: Path) -> None:
    header = ",".join((*identity.CSV_COLUMNS, "drop"))
    good = tmp_path / "good.csv"
    good.write_text(
        f"{header}\nmof,a.yml,id:model/a,r,yes,version name\nmof,b.yml,id:model/b,r,yes,\n"
    )
    rows = read_reviewed(good)
    assert rows[("mof", "a.yml")].drop == {"version", "name"}
    assert rows[("mof", "b.yml")].drop == frozenset()
    bad = tmp_path / "bad.csv"
    bad.write_text(f"{header}\nmof,a.yml,id:model/a,r,yes,licence\n")
    with pytest.raises(ValueError, match=r"bad.csv:2: drop 'licence' is not a field"):
        read_reviewed(bad)
    # A file without the column reads as before.
    assert read_reviewed(FIXTURES / "model-identity.csv")[("osai-index", "Guru.yaml")].drop == set()


# The committed decisions for the records the review found wrong: (dataset, record) ->
# (model, fields dropped).
REVIEWED_FIXES = {
    ("osai-index", "deepseek-R1.yaml"): ("deepseek-r1", {"link"}),
    ("opening-up-chatgpt", "projects/command-r.yaml"): ("c4ai-command-r-v01", {"name"}),
    ("osai-index", "WizardLM.yaml"): ("wizardlm-7b", {"name"}),
    ("mof", "Qwen2.5-72B-Instruct.yml"): ("qwen2.5-72b-instruct", {"name", "version"}),
    ("mof", "dbrx-instruct.yml"): ("dbrx-instruct", {"link", "repository"}),
    ("osai-index", "Guru.yaml"): ("guru-32b", {"name"}),
    ("osai-index", "SynLogic.yaml"): ("synlogic-32b", {"name"}),
}


def test_the_committed_mapping_settles_the_records_the_review_found_wrong() -> None:
    rows = read_reviewed(identity.IDENTITY_FILE)
    for key, (slug, drop) in REVIEWED_FIXES.items():
        assert rows[key].reviewed and rows[key].model_iri == model(slug), key
        assert rows[key].drop == drop, key
