"""Find the kinds of data error a review of the imported data found.

Each check reads the stored models and claims and returns a report section
(``total`` and ``items``) that ``graph.quality`` adds to the data-quality report.
Every item names a ``model``, a ``reason`` code and the ``evidence`` (the alias,
version, address or licence at fault); some name the ``other`` model too.

- ``split_models``: one model on two nodes. A model's alias is another model's
  name (``alias-is-another-model``: the index's DeepSeek R1 record read as
  DeepSeek-R1-0528 beside the MOF's DeepSeek-R1), or a model named only by its
  family shares its code repository with a member of the family
  (``family-named-model-shares-repository``: WizardLM beside WizardLM-7B).
- ``borrowed_facts``: another model's facts on a model: an alias of another
  family or size (``alias-of-another-family``: guru-32B called "Qwen2.5-32B";
  ``alias-of-another-size``), a version that is another size of the family
  (``version-of-another-size``: Qwen2.5-72B-Instruct at "32B"), a repository
  under an account whose other repositories are other developers' models'
  (``repository-of-another-developer``: dbrx-instruct with DeepSeek-MoE).
- ``malformed_repositories``: repository addresses that are not
  ``host/account/name`` with the characters the hosts allow
  (``https://github.com/wenge-research/YAYI2:``).
- ``licences_without_source``: a model given several licences, one of which no
  claim about it names, so nothing says which source gave it (mpt-30b-instruct).
- ``licence_spellings``: MOF claims at ``og:open`` whose licence the record
  spells otherwise than its identifier ("Apache 2.0"): the Model Openness Tool
  matches identifiers exactly and does not count such a component.

Only what the store holds can be checked. A wrong address that is well formed
and under no other developer's account (XGLM's "github.com/fairseq/examples",
read from a pasted page title) does not show here; the importer reads such
titles (``graph.importers.names.repository_address``). Deprecated claims are
left out.
"""

from __future__ import annotations

from collections import defaultdict
from urllib.parse import urlsplit

import pyoxigraph as ox

from graph.importers.names import REPOSITORY_NAME, family_key, names_agree, normalise_name
from graph.licences import tool_licence_openness
from graph.namespaces import DCTERMS, ID, OG, SCHEMA, SKOS, sparql_prefixes

MODEL = f"{ID}model/"
FAMILY = f"{ID}family/"
MOF_CRITERION = f"{ID}criterion/mof/"
CHECKS = (
    "split_models",
    "borrowed_facts",
    "malformed_repositories",
    "licences_without_source",
    "licence_spellings",
)
# The model facts the checks compare, by the short name they are kept under.
FACTS = {
    str(OG.family): "family",
    str(SKOS.altLabel): "alias",
    str(SCHEMA.version): "version",
    str(SCHEMA.codeRepository): "repository",
    str(OG.developer): "developer",
    str(DCTERMS.license): "licence",
    str(OG.licenseText): "licence",
}

MODELS_QUERY = f"""
SELECT ?model ?p ?o WHERE {{
  VALUES ?p {{ {" ".join(f"<{p}>" for p in FACTS)} }}
  ?model a og:Model ; ?p ?o .
}}"""

CLAIM_LICENCES_QUERY = """
SELECT DISTINCT ?model ?licence WHERE {
  ?claim og:aboutModel ?model .
  { ?claim dcterms:license ?licence } UNION { ?claim og:licenseText ?licence }
  FILTER NOT EXISTS { ?claim og:rank og:DeprecatedRank }
}"""

SPELLING_QUERY = f"""
SELECT ?claim ?model ?text WHERE {{
  ?claim og:level og:open ; og:licenseText ?text ; og:criterion ?criterion .
  FILTER STRSTARTS(STR(?criterion), "{MOF_CRITERION}")
  OPTIONAL {{ ?claim og:aboutModel ?model }}
  FILTER NOT EXISTS {{ ?claim og:rank og:DeprecatedRank }}
}}"""


def _rows(store: ox.Store, query: str):
    solutions = store.query(sparql_prefixes() + query, use_default_graph_as_union=True)
    names = [v.value for v in solutions.variables]
    for solution in solutions:
        yield {n: t.value for n, t in zip(names, solution, strict=True) if t is not None}


def _section(items: list[dict]) -> dict:
    items.sort(key=lambda i: (i["model"] or "", i["reason"], i["evidence"]))
    return {"total": len(items), "items": items}


def _key(iri: str) -> str:
    return iri.removeprefix(MODEL)


def sizes(key: str) -> set[str]:
    """Return the parameter counts a name key states ('7b', '8x7b', '350m'), not context lengths."""
    found = set()
    for token in key.split("-"):
        digits = token[:-1].replace(".", "").replace("x", "")
        if token[-1:] in ("b", "m", "t") and digits.isdigit():
            found.add(token)
    return found


def repository_parts(url: str) -> tuple[str, list[str]]:
    """Return a repository address's host and path segments."""
    parts = urlsplit(url)
    return parts.netloc.lower(), [s for s in parts.path.split("/") if s]


class Models:
    """The stored facts of every model that the checks compare."""

    def __init__(self, store: ox.Store) -> None:
        facts: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
        for row in _rows(store, MODELS_QUERY):
            facts[row["model"]][FACTS[row["p"]]].add(row["o"])
        self.facts = facts
        self.by_key = {_key(m): m for m in facts}
        self.families = {f for f_ in facts.values() for f in f_["family"]}
        self.by_size: dict[tuple[str, str], set[str]] = defaultdict(set)
        for model, f in facts.items():
            for family in f["family"]:
                for size in sizes(_key(model)):
                    self.by_size[(family, size)].add(model)
        self.account_developers: dict[tuple[str, str], dict[str, set[str]]] = defaultdict(dict)
        for model, f in facts.items():
            for repo in f["repository"]:
                host, path = repository_parts(repo)
                if path:
                    self.account_developers[(host, path[0])][model] = f["developer"]


def split_models(models: Models) -> dict:
    """Return the models that look like one model on two nodes."""
    items = []
    for model, facts in models.facts.items():
        for alias in facts["alias"]:
            other = models.by_key.get(normalise_name(alias))
            if other and other != model:
                items.append(
                    {
                        "model": model,
                        "other": other,
                        "reason": "alias-is-another-model",
                        "evidence": alias,
                    }
                )
        if FAMILY + _key(model) not in facts["family"]:
            continue
        for repo in facts["repository"]:
            for other, theirs in models.facts.items():
                if other != model and repo in theirs["repository"]:
                    if facts["family"] & theirs["family"]:
                        items.append(
                            {
                                "model": model,
                                "other": other,
                                "reason": "family-named-model-shares-repository",
                                "evidence": repo,
                            }
                        )
    return _section(items)


def _alias_problem(models: Models, model: str, alias: str) -> str | None:
    key, alias_key = _key(model), normalise_name(alias)
    if not alias_key or names_agree(alias_key, key) or names_agree(key, alias_key):
        return None
    if FAMILY + family_key(alias) in models.families - models.facts[model]["family"]:
        return "alias-of-another-family"
    mine, theirs = sizes(key), sizes(alias_key)
    if mine and theirs and not mine & theirs:
        return "alias-of-another-size"
    return None


def _version_of_another_size(models: Models, model: str, version: str) -> bool:
    mine = sizes(_key(model))
    if not mine:
        return False
    for size in sizes(normalise_name(version)) - mine:
        for family in models.facts[model]["family"]:
            if models.by_size.get((family, size), set()) - {model}:
                return True
    return False


def _repository_of_another_developer(models: Models, model: str, repo: str) -> bool:
    developers = models.facts[model]["developer"]
    host, path = repository_parts(repo)
    if not developers or not path:
        return False
    others = {
        d
        for other, theirs in models.account_developers[(host, path[0])].items()
        if other != model
        for d in theirs
    }
    return bool(others) and not others & developers


def borrowed_facts(models: Models) -> dict:
    """Return the aliases, versions and repositories on a model that are another model's."""
    items = []
    for model, facts in models.facts.items():
        for alias in facts["alias"]:
            reason = _alias_problem(models, model, alias)
            if reason:
                items.append({"model": model, "reason": reason, "evidence": alias})
        for version in facts["version"]:
            if _version_of_another_size(models, model, version):
                items.append(
                    {"model": model, "reason": "version-of-another-size", "evidence": version}
                )
        for repo in facts["repository"]:
            if _repository_of_another_developer(models, model, repo):
                items.append(
                    {
                        "model": model,
                        "reason": "repository-of-another-developer",
                        "evidence": repo,
                    }
                )
    return _section(items)


def malformed_repositories(models: Models) -> dict:
    """Return the repository addresses that are not host/account/name in allowed characters."""
    items = []
    for model, facts in models.facts.items():
        for repo in facts["repository"]:
            _host, path = repository_parts(repo)
            if len(path) != 2 or not all(REPOSITORY_NAME.match(s) for s in path):
                items.append({"model": model, "reason": "malformed-address", "evidence": repo})
    return _section(items)


def licences_without_source(store: ox.Store, models: Models) -> dict:
    """Return the licences of a model with several that no claim about the model names."""
    named: dict[str, set[str]] = defaultdict(set)
    for row in _rows(store, CLAIM_LICENCES_QUERY):
        named[row["model"]].add(row["licence"])
    items = [
        {"model": model, "reason": "licence-without-source", "evidence": licence}
        for model, facts in models.facts.items()
        if len(facts["licence"]) > 1
        for licence in facts["licence"] - named[model]
    ]
    return _section(items)


def licence_spellings(store: ox.Store) -> dict:
    """Return the open MOF claims whose licence spelling the Model Openness Tool does not match."""
    items = [
        {
            "model": row.get("model"),
            "claim": row["claim"],
            "reason": "licence-spelling",
            "evidence": row["text"],
        }
        for row in _rows(store, SPELLING_QUERY)
        if not tool_licence_openness(row["text"]).is_open
    ]
    return _section(items)


def data_errors(store: ox.Store) -> dict[str, dict]:
    """Run every check; return check name -> section."""
    models = Models(store)
    return {
        "split_models": split_models(models),
        "borrowed_facts": borrowed_facts(models),
        "malformed_repositories": malformed_repositories(models),
        "licences_without_source": licences_without_source(store, models),
        "licence_spellings": licence_spellings(store),
    }
