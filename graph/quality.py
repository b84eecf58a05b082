"""Report what in the data needs a curator's attention: the data-quality report.

``quality_report(store)`` returns one JSON-ready dict (documented in
docs/pages.md, "Data quality") with a section per kind of problem:

- ``open_without_evidence``: claims at ``og:open`` flagged
  ``og:NoEvidenceLink``: a judgement that something is open, resting on no
  document that shows it. Closed and partial claims without a link are only
  counted (``flagged_by_level``): "not listed" needs no link to show it.
- ``non_durable_links``: sources whose ``schema:url`` may not last or cannot
  be cited: social media, chat servers, forum and discussion threads, blog
  platforms, shared documents, link shorteners, and publisher pages whose
  address holds a DOI while the source records none (use ``https://doi.org/``).
- ``unknown_licences``: licence texts flagged ``og:UnknownLicense`` (no SPDX
  identifier fits them), one item per text, with the models they concern.
- ``undated_models``: models without ``dcterms:issued`` (their release date).
- ``index_mof_disagreements``: where the EU Open Source AI Index and the MOF
  judge the same model differently on criteria mapped to each other, as
  ``graph.analytics.disagreement`` finds them (it reads the stored assessments).
- ``split_models``, ``borrowed_facts``, ``malformed_repositories``,
  ``licences_without_source``, ``licence_spellings``: the kinds of data error a
  review of the imported data found (``graph.data_errors``).

Deprecated claims are left out everywhere: they support nothing any more.
Each section has ``total`` and ``items``; ``counts`` repeats every total and
``labels`` names every IRI the items mention.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from urllib.parse import urlsplit

import pyoxigraph as ox

from graph.analytics import disagreement
from graph.analytics.cache import ResultCache, data_version
from graph.data_errors import CHECKS, data_errors
from graph.labels import ENGLISH_FIRST, last_segment, read_names
from graph.namespaces import ID, sparql_prefixes

INDEX = f"{ID}framework/osai-index"
MOF = f"{ID}framework/mof"
SECTIONS = (
    "open_without_evidence",
    "non_durable_links",
    "unknown_licences",
    "undated_models",
    "index_mof_disagreements",
    *CHECKS,
)


def _live(var: str) -> str:
    return f"FILTER NOT EXISTS {{ ?{var} og:rank og:DeprecatedRank }}"


NO_LINK_QUERY = f"""
SELECT ?claim ?model ?criterion ?level WHERE {{
  ?claim og:flag og:NoEvidenceLink ; og:level ?level .
  OPTIONAL {{ ?claim og:aboutModel ?model }}
  OPTIONAL {{ ?claim og:criterion ?criterion }}
  {_live("claim")}
}}"""

# Each source with an address, whether it records a DOI, and how many live claims rest on it.
LINKS_QUERY = f"""
SELECT ?source ?url (SAMPLE(?id) AS ?doi) (COUNT(DISTINCT ?claim) AS ?claims) WHERE {{
  ?source a og:Source ; schema:url ?url .
  OPTIONAL {{
    ?source dcterms:identifier ?id .
    FILTER (STRSTARTS(LCASE(STR(?id)), "doi:") || CONTAINS(LCASE(STR(?id)), "doi.org/"))
  }}
  OPTIONAL {{ ?claim prov:wasDerivedFrom ?source ; a og:Claim . {_live("claim")} }}
}} GROUP BY ?source ?url"""

LICENCE_QUERY = f"""
SELECT ?subject ?text ?model WHERE {{
  ?subject og:flag og:UnknownLicense .
  OPTIONAL {{ ?subject og:licenseText ?text }}
  OPTIONAL {{ ?subject og:aboutModel ?about }}
  OPTIONAL {{ ?subject a og:Model . BIND (?subject AS ?self) }}
  BIND (COALESCE(?about, ?self) AS ?model)
  {_live("subject")}
}}"""

UNDATED_QUERY = """
SELECT DISTINCT ?model WHERE {
  ?model a og:Model .
  FILTER NOT EXISTS { ?model dcterms:issued ?issued }
}"""

# ---------------------------------------------------------------- durable links

# reason code -> (what the address is, hosts that make it so; a host matches its subdomains).
NON_DURABLE_HOSTS: dict[str, tuple[str, frozenset[str]]] = {
    "social-media": (
        "a social media post",
        frozenset(
            {"twitter.com", "x.com", "facebook.com", "linkedin.com", "threads.net", "bsky.app"}
        ),
    ),
    "chat": (
        "a chat message",
        frozenset({"discord.com", "discord.gg", "discordapp.com", "t.me", "slack.com"}),
    ),
    "forum-thread": (
        "a forum thread",
        frozenset({"reddit.com", "redd.it", "news.ycombinator.com", "stackoverflow.com"}),
    ),
    "blog-platform": ("a post on a blog platform", frozenset({"medium.com", "substack.com"})),
    "shared-document": (
        "a shared document that its owner can change or withdraw",
        frozenset(
            {"docs.google.com", "drive.google.com", "dropbox.com", "notion.site", "notion.so"}
        ),
    ),
    "shortener": (
        "a shortened link that hides where it goes",
        frozenset(
            {
                "bit.ly",
                "t.co",
                "tinyurl.com",
                "goo.gl",
                "ow.ly",
                "buff.ly",
                "is.gd",
                "lnkd.in",
                "rb.gy",
                "cutt.ly",
                "shorturl.at",
            }
        ),
    ),
}
FORUM_PREFIXES = ("forum.", "forums.", "discuss.", "discourse.", "community.")
# Discussion threads on code and model hosts: huggingface.co/<owner>/<model>/discussions/7.
THREAD_PATH = re.compile(r"/(discussions|issues)/\d+")
THREAD_HOSTS = frozenset({"huggingface.co", "hf.co", "github.com", "gitlab.com"})
DOI = re.compile(r"\b(10\.\d{4,9}/[^\s?#]+)")
DOI_HOSTS = frozenset({"doi.org", "dx.doi.org"})
# ACM files work without a DOI under the unregistered prefix 10.5555: not a DOI at all.
NOT_DOIS = ("10.5555/",)
EXPLAIN = {code: what for code, (what, _) in NON_DURABLE_HOSTS.items()} | {
    "doi-available": "a publisher's page for a work that has a DOI",
}


def _on(host: str, names: frozenset[str]) -> bool:
    return any(host == n or host.endswith("." + n) for n in names)


def link_problem(url: str, *, has_doi: bool = False) -> tuple[str, str | None] | None:
    """Return why an address is not a durable link (a reason code and a better address), or None.

    The better address is ``https://doi.org/<doi>`` when the address holds a
    DOI; otherwise None. ``has_doi`` says the source records a DOI of its own.
    """
    parts = urlsplit(url)
    host = parts.netloc.lower().rsplit("@", 1)[-1].split(":", 1)[0].removeprefix("www.")
    for code, (_, hosts) in NON_DURABLE_HOSTS.items():
        if _on(host, hosts):
            return code, None
    if host.startswith(FORUM_PREFIXES):
        return "forum-thread", None
    if _on(host, THREAD_HOSTS) and THREAD_PATH.search(parts.path):
        return "forum-thread", None
    if host in DOI_HOSTS or has_doi:
        return None
    found = DOI.search(parts.path)
    if found and not found.group(1).startswith(NOT_DOIS):
        return "doi-available", "https://doi.org/" + found.group(1).rstrip(".")
    return None


# ---------------------------------------------------------------- the report


def _rows(store: ox.Store, query: str):
    solutions = store.query(sparql_prefixes() + query, use_default_graph_as_union=True)
    names = [v.value for v in solutions.variables]
    for solution in solutions:
        yield {n: t.value for n, t in zip(names, solution, strict=True) if t is not None}


def _level(iri: str) -> str:
    return iri.rsplit("#", 1)[-1]


def open_without_evidence(store: ox.Store) -> dict:
    """Return the open claims with no evidence link, and how many flagged claims each level has."""
    by_level: Counter[str] = Counter()
    items = []
    for row in _rows(store, NO_LINK_QUERY):
        level = _level(row["level"])
        by_level[level] += 1
        if level == "open":
            items.append(
                {
                    "claim": row["claim"],
                    "model": row.get("model"),
                    "criterion": row.get("criterion"),
                }
            )
    items.sort(key=lambda i: (i["model"] or "", i["criterion"] or "", i["claim"]))
    return {"total": len(items), "flagged_by_level": dict(sorted(by_level.items())), "items": items}


def non_durable_links(store: ox.Store) -> dict:
    """Return the sources whose address is not a durable link, most relied on first."""
    items = []
    for row in _rows(store, LINKS_QUERY):
        problem = link_problem(row["url"], has_doi="doi" in row)
        if problem is None:
            continue
        code, better = problem
        items.append(
            {
                "source": row["source"],
                "url": row["url"],
                "reason": code,
                "explanation": EXPLAIN[code],
                "suggestion": better,
                "claims": int(row["claims"]),
            }
        )
    items.sort(key=lambda i: (-i["claims"], i["reason"], i["url"]))
    reasons = Counter(i["reason"] for i in items)
    return {"total": len(items), "by_reason": dict(sorted(reasons.items())), "items": items}


def unknown_licences(store: ox.Store) -> dict:
    """Return each licence text no SPDX identifier fits, with what states it and the models concerned."""
    subjects: dict[str, set[str]] = defaultdict(set)
    models: dict[str, set[str]] = defaultdict(set)
    for row in _rows(store, LICENCE_QUERY):
        text = row.get("text", "")
        subjects[text].add(row["subject"])
        if "model" in row:
            models[text].add(row["model"])
    items = [
        {"text": text or None, "subjects": len(subjects[text]), "models": sorted(models[text])}
        for text in subjects
    ]
    items.sort(key=lambda i: (-i["subjects"], i["text"] or ""))
    return {
        "total": len(items),
        "subjects": sum(i["subjects"] for i in items),
        "items": items,
    }


def undated_models(store: ox.Store) -> dict:
    """Return the models with no release date (``dcterms:issued``)."""
    items = [{"model": row["model"]} for row in _rows(store, UNDATED_QUERY)]
    items.sort(key=lambda i: i["model"])
    return {"total": len(items), "items": items}


def index_mof_disagreements(store: ox.Store, cache: ResultCache | None = None) -> dict:
    """Return the index-versus-MOF part of the disagreement measure."""
    result = disagreement(store, cache=cache)
    pair = sorted((INDEX, MOF))
    compared = sum(f["compared"] for f in result["by_frameworks"] if f["frameworks"] == pair)
    items = [
        i for i in result["items"] if sorted((i["a"]["framework"], i["b"]["framework"])) == pair
    ]
    return {"total": len(items), "compared": compared, "items": items}


def _mentioned(value: object) -> set[str]:
    """Return every string under ``value`` that is an IRI of a thing."""
    found: set[str] = set()
    stack = [value]
    while stack:
        v = stack.pop()
        if isinstance(v, str) and v.startswith(str(ID)):
            found.add(v)
        elif isinstance(v, dict):
            stack.extend(v.values())
        elif isinstance(v, list | tuple):
            stack.extend(v)
    return found


def quality_report(store: ox.Store, *, cache: ResultCache | None = None) -> dict:
    """Find the data's quality problems; return the report described in the module doc.

    ``cache`` is where the disagreement measure keeps its result (the analytics
    default when None).
    """
    sections = {
        "open_without_evidence": open_without_evidence(store),
        "non_durable_links": non_durable_links(store),
        "unknown_licences": unknown_licences(store),
        "undated_models": undated_models(store),
        "index_mof_disagreements": index_mof_disagreements(store, cache),
        **data_errors(store),
    }
    return {
        "data_version": data_version(store),
        "counts": {name: sections[name]["total"] for name in SECTIONS},
        **sections,
        "labels": read_names(store, _mentioned(sections), ENGLISH_FIRST, fallback=last_segment),
    }
