"""Name the organizations that develop models: one node per organization across datasets."""

from __future__ import annotations

import re

from graph.namespaces import slugify

# Spellings of one organization across datasets, mapped to one slug. The slugs of
# the seed report's developers (meta, mistral-ai, google, openai, xai, anthropic)
# are kept so that the same organization is one node everywhere.
ORGANIZATION_ALIASES: dict[str, str] = {
    "allen-institute-for-ai": "ai2",
    "allenai": "ai2",
    "mistral": "mistral-ai",
    "google-ai": "google",
    "facebook-research": "meta",
    "meta-ai": "meta",
    "fair-fundamental-artificial-intelligence-research": "meta",
    "deepseek-ai": "deepseek",
    "stabilityai": "stability-ai",
    "ai21": "ai21-labs",
    "adept-ai-labs": "adept-ai",
    "shanghai-ai-lab": "shanghai-ai-laboratory",
    "bigcode-project": "bigcode",
    "bigscience-workshop": "bigscience",
    "beijing-academy-of-artificial-intelligence": "baai",
    "beijing-academy-of-artificial-intelligence-baal": "baai",
    "togethercomputer": "together-computer",
    "togetherai": "together-computer",
    "cohere-ai": "cohere",
    "alibaba-cloud": "alibaba",
    "alibaba-group": "alibaba",
    "zhipu-ai-z.ai": "zhipu-ai",
    "bram-van-roy": "bram-vanroy",
    "blinkdl-rwkv": "rwkv",
    "carperai": "carperai",
    "lmsys": "lmsys",
    "microsoft-peking-university": "microsoft-and-peking-university",
    "technology-innovation-institute-lighton": "technology-innovation-institute",
    "tshinghua-university": "tsinghua-university",
    "together-computer": "together-computer",
}

# The label an aliased organization is given, whichever spelling a record uses.
ORGANIZATION_LABELS: dict[str, str] = {
    "ai2": "Ai2",
    "mistral-ai": "Mistral AI",
    "google": "Google",
    "meta": "Meta",
    "deepseek": "DeepSeek",
    "stability-ai": "Stability AI",
    "ai21-labs": "AI21 Labs",
    "adept-ai": "Adept AI",
    "shanghai-ai-laboratory": "Shanghai AI Laboratory",
    "bigcode": "BigCode",
    "bigscience": "BigScience",
    "baai": "Beijing Academy of Artificial Intelligence",
    "together-computer": "Together Computer",
    "cohere": "Cohere",
    "alibaba": "Alibaba",
    "zhipu-ai": "Zhipu AI",
    "bram-vanroy": "Bram Vanroy",
    "rwkv": "RWKV",
    "microsoft-and-peking-university": "Microsoft and Peking University",
    "technology-innovation-institute": "Technology Innovation Institute",
    "tsinghua-university": "Tsinghua University",
    "xai": "xAI",
    "openai": "OpenAI",
    "anthropic": "Anthropic",
}


def organization_slug(name: str) -> str:
    """Return the slug of an organization's IRI, with known spellings merged."""
    slug = slugify(re.sub(r"[&+]", " and ", name).replace(" and ", " "))
    return ORGANIZATION_ALIASES.get(slug, slug)


def organization_label(name: str) -> str:
    """Return the label an organization is given: the shared one for merged spellings."""
    return ORGANIZATION_LABELS.get(organization_slug(name), " ".join(name.split()))


def split_organizations(name: str, links: list[str]) -> list[tuple[str, list[str]]]:
    """Split 'A and B' into organizations when the record gives one link per organization.

    Names are kept whole otherwise ("Deep Cognition and Language Research Lab" is
    one lab), so only a list of links of the same length splits them.
    """
    name = " ".join(name.split())
    if len(links) > 1:
        parts = [p.strip() for p in re.split(r"\s+and\s+|\s*,\s*|\s*&\s*", name) if p.strip()]
        parts = [re.sub(r"\s*\([^)]*\)\s*$", "", p) for p in parts]
        if len(parts) == len(links):
            return [(p, [link]) for p, link in zip(parts, links, strict=True)]
    return [(name, links)]
