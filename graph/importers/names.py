"""Normalise model names, derive families, and read model addresses.

The keys here are how the importers recognise one model across datasets
(``graph.importers.identity``): a name's key evens out case, punctuation and
spelling variants (``Meta-Llama-3.1-405B-Instruct`` and ``Llama 3.1 405B
Instruct`` share one), while versions and sizes stay apart. A family key drops
version, size and variant words (``Llama 3.1`` and ``Meta-Llama-3-8B-Instruct``
are both ``llama``).
"""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import unquote, urlsplit

# Names that say no model was named.
PLACEHOLDERS = frozenset(
    {"", "none", "null", "undisclosed", "unknown", "unclear", "n/a", "na", "-"}
)

# Path segments of huggingface.co that are not model repositories.
HF_NON_MODEL = frozenset(
    {
        "datasets",
        "spaces",
        "papers",
        "collections",
        "docs",
        "models",
        "blog",
        "learn",
        "organizations",
        "settings",
        "join",
        "login",
        "chat",
        "api",
        "tasks",
        "posts",
    }
)
HF_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*/[A-Za-z0-9][A-Za-z0-9._-]*$")
CODE_HOSTS = ("github.com", "gitlab.com", "codeberg.org", "bitbucket.org")
# What an account or repository name may hold on the code hosts.
REPOSITORY_NAME = re.compile(r"^[A-Za-z0-9_.-]+$")
# A GitHub page's title pasted after its address, which names the repository
# itself: "https://github.com/fairseq/examples/xglm at main · facebookresearch/fairseq
# (github.com)" is the folder examples/xglm of facebookresearch/fairseq.
GITHUB_PAGE_TITLE = re.compile(
    r"^https?://(?:www\.)?github\.com/\S+ at \S+ · (?P<owner>[A-Za-z0-9_.-]+)/(?P<repo>[A-Za-z0-9_.-]+)"
)

# Words that name a size or a variant of a model, not its family.
VARIANT_WORDS = frozenset(
    {
        "instruct",
        "instruction",
        "chat",
        "base",
        "it",
        "hf",
        "sft",
        "dpo",
        "rlhf",
        "pt",
        "preview",
        "think",
        "thinking",
        "reasoning",
        "inst",
        "xxl",
        "xl",
        "large",
        "medium",
        "small",
        "mini",
        "tiny",
        "micro",
        "nano",
        "distilled",
        "pretrain",
        "pretrained",
        "deduped",
        "gguf",
        "v",
        "test",
        "ultra",
    }
)
_SIZE = re.compile(r"^(\d+x)?\d+(\.\d+)?[kmbt]$|^a\d+(\.\d+)?b$|^\d+k$")
# A version: a number, or one letter and a number ("v0.1", "K2.5", "R1", "M2.5").
_VERSION = re.compile(r"^[a-z]?\d+(\.\d+)*$|^\d")
# A version glued to a family name ("Qwen2.5", "Llama3", "StarCoder2"): the
# letters are the family. Names whose digits are part of the name stay whole.
_GLUED = re.compile(r"^([a-z]{3,})(\d+(\.\d+)*)$")
GLUED_KEEP = frozenset({"mt0", "ul2", "h2o", "ai21", "k2"})

# Family decisions the rules cannot make: one line of releases that datasets
# name differently ("Crystal" in the index, "CrystalChat" in the MOF).
FAMILY_ALIASES: dict[str, str] = {
    "crystalchat": "crystal",
    "crystalcoder": "crystal",
    "arctic": "snowflake-arctic",
    # Cohere publishes Command R as CohereForAI/c4ai-command-r-v01.
    "c4ai-command-r": "command-r",
}


def _unglue(token: str) -> str:
    """Drop a version glued to a word ("qwen2.5" -> "qwen"), except where it is part of the name."""
    glued = _GLUED.match(token)
    # T5 and its descendants (mT5, ByT5, CodeT5) carry the digit in their name.
    if glued and token not in GLUED_KEEP and not token.endswith("t5"):
        return glued.group(1)
    return token


def _ascii(text: str) -> str:
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()


def name_tokens(name: str) -> list[str]:
    """Split a model name into lower-case tokens, with its spelling variants evened out.

    ``_`` between digits is a dot (``Llama-3_3`` is ``llama 3.3``), ``+`` is the
    word "plus", a lone ``v`` joins the number after it (``v 1.3`` is ``v1.3``),
    and a leading ``meta`` before ``llama`` goes (``Meta-Llama-3`` is ``llama 3``).
    """
    text = _ascii(name).lower().strip()
    text = re.sub(r"(?<=\d)_(?=\d)", ".", text)
    text = text.replace("+", " plus ")
    tokens = [t.strip(".") for t in re.split(r"[^a-z0-9.]+", text)]
    tokens = [t for t in tokens if t]
    joined: list[str] = []
    for token in tokens:
        if joined and joined[-1] == "v" and token[:1].isdigit():
            joined[-1] = "v" + token
        else:
            joined.append(token)
    if len(joined) > 1 and joined[0] == "meta" and joined[1].startswith("llama"):
        joined = joined[1:]
    return _size_before_variant(joined)


def _size_before_variant(tokens: list[str]) -> list[str]:
    """Move a size written after a version's variant word in front of it.

    ``Llama-2-chat-70B`` is ``llama 2 70b chat``, as ``Llama-2-70B-Chat`` is; a
    variant word that is part of the name (``Neural-Chat-7B``) stays put.
    """
    for i, token in enumerate(tokens):
        if i and _SIZE.match(token) and tokens[i - 1] in VARIANT_WORDS:
            first = i - 1
            while first > 0 and tokens[first - 1] in VARIANT_WORDS:
                first -= 1
            if first == 0 or not _VERSION.match(tokens[first - 1]):
                continue
            return _size_before_variant(
                tokens[:first] + [token] + tokens[first:i] + tokens[i + 1 :]
            )
    return tokens


def normalise_name(name: str) -> str:
    """Return the matching key of a model name: its tokens joined with '-' (a valid slug)."""
    return "-".join(name_tokens(name))


def _compact(key: str) -> str:
    return re.sub(r"[-.]", "", key)


def family_key(name: str) -> str:
    """Return the family key of a model name: the words before any version, size or variant.

    ``Llama 3.1`` -> ``llama``; ``Pythia-70M`` -> ``pythia``; ``Qwen2.5-7B`` -> ``qwen``;
    ``Mistral Large 3`` -> ``mistral``; ``GPT-NeoX-20B`` -> ``gpt-neox``.
    """
    tokens = name_tokens(name)
    kept: list[str] = []
    for token in tokens:
        if kept and (_VERSION.match(token) or _SIZE.match(token) or token in VARIANT_WORDS):
            break
        kept.append(token)
    if not kept:
        return normalise_name(name)
    key = "-".join(_unglue(token) for token in kept)
    return FAMILY_ALIASES.get(key, key)


# Labels of families whose members spell the name in several ways.
FAMILY_LABELS: dict[str, str] = {
    "llama": "Llama",
    "crystal": "Crystal",
    "snowflake-arctic": "Snowflake Arctic",
    "gpt": "GPT",
    "command-r": "Command R",
}


def family_label(name: str) -> str:
    """Return a family's label: the name's words before any version, size or variant."""
    key = family_key(name)
    if key in FAMILY_LABELS:
        return FAMILY_LABELS[key]
    words = re.split(r"([\s_\-/:]+)", " ".join(name.split()))
    out, kept = "", 0
    target = len(key.split("-"))
    for i in range(0, len(words), 2):
        out += (words[i - 1] if i else "") + words[i]
        kept = len(family_key(out).split("-")) if normalise_name(out) else 0
        if family_key(out) == key or kept >= target:
            break
    last = re.split(r"[\s_\-/:]+", _ascii(out).lower())[-1]
    glued = _GLUED.match(last)
    if glued and family_key(out) == key and normalise_name(out) != key:
        out = out[: len(out) - len(glued.group(2))]
    return out.strip(" -_/:") or key


def _url(text: str | None) -> str | None:
    """Return the first URL-like word of ``text`` (sources append ' · Hugging Face' and such)."""
    if not text or not isinstance(text, str):
        return None
    word = text.strip().split()[0] if text.strip() else ""
    return word or None


def huggingface_id(text: str | None) -> str | None:
    """Return the Hugging Face model id ('owner/name') a URL or bare id names, else None.

    Dataset, space, paper and collection pages are not models and give None.
    """
    word = _url(text)
    if not word:
        return None
    if HF_ID.match(word) and "." not in word.split("/")[0]:
        return word
    parts = urlsplit(word if "://" in word else "https://" + word)
    host = parts.netloc.lower().removeprefix("www.")
    if host not in ("huggingface.co", "hf.co"):
        return None
    segments = [unquote(s) for s in parts.path.split("/") if s]
    if len(segments) < 2 or segments[0].lower() in HF_NON_MODEL:
        return None
    candidate = f"{segments[0]}/{segments[1]}"
    return candidate if HF_ID.match(candidate) else None


def repository_address(text: str | None) -> str | None:
    """Return a code repository's address ('https://github.com/owner/repo'), else None.

    A GitHub page title pasted after the address names the repository (the
    address itself is then only a path inside it); punctuation that ends a
    sentence ('https://github.com/owner/repo: a description') is not part of
    the name; a name with characters the hosts do not allow gives None.
    """
    titled = GITHUB_PAGE_TITLE.match(text.strip()) if isinstance(text, str) else None
    if titled:
        return f"https://github.com/{titled['owner']}/{titled['repo'].removesuffix('.git')}"
    word = _url(text)
    if not word or "://" not in word:
        return None
    parts = urlsplit(word)
    host = parts.netloc.lower().removeprefix("www.")
    if host not in CODE_HOSTS:
        return None
    segments = [s for s in parts.path.split("/") if s]
    if len(segments) < 2:
        return None
    owner, repo = segments[0], segments[1].rstrip(":;,)").removesuffix(".git")
    if not (REPOSITORY_NAME.match(owner) and REPOSITORY_NAME.match(repo)):
        return None
    return f"https://{host}/{owner}/{repo}"


def names_agree(name_key: str, hf_key: str) -> bool:
    """Tell whether a name and a repository name speak of the same model.

    They agree when they are the same words, when every word of the name is in
    the repository name (the repository is more specific: ``Mistral 7B-Instruct``
    and ``Mistral-7B-Instruct-v0.1``), or when the name, run together, begins the
    repository name (``CerebrasGPT`` and ``Cerebras-GPT-13B``).
    """
    if not name_key or not hf_key:
        return False
    if name_key == hf_key or _compact(name_key) == _compact(hf_key):
        return True
    if set(name_key.split("-")) <= set(hf_key.split("-")):
        return True
    return _compact(hf_key).startswith(_compact(name_key))
