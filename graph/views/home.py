"""Gather the home page: what the graph holds, the frameworks, how to cite it, and the
licences and attributions the data carries (data/LICENSE.md says the same)."""

from __future__ import annotations

import pyoxigraph as ox

from graph.framework_descriptions import store_rules
from graph.labels import Labels
from graph.namespaces import BASE, CITO, DQV, OG, PROV
from graph.views.common import select

COUNTED = {
    "models": OG.Model,
    "organizations": PROV.Organization,
    "sources": OG.Source,
    "citations": CITO.Citation,
    "claims": OG.Claim,
    "frameworks": OG.Framework,
    "criteria": OG.Criterion,
    "assessments": OG.Assessment,
    "scores": DQV.QualityMeasurement,
}

CC_BY = "https://creativecommons.org/licenses/by/4.0/"

# The attributions of data/LICENSE.md, as data: the home page, its JSON and the VoID
# description all show them.
ATTRIBUTIONS = (
    {
        "name": "Openness in Artificial Intelligence Models (OTI report)",
        "folder": "data/oti-2024/",
        "creators": "Prem M. Trivedi and Nat Meysenburg, New America's Open Technology Institute",
        "licence": {"iri": CC_BY, "label": "CC BY 4.0"},
        "rights": "© New America, licensed under CC BY 4.0",
        "url": "https://www.newamerica.org/oti/reports/openness-in-artificial-intelligence-models/",
        "cite": 'Prem M. Trivedi and Nat Meysenburg, "Openness in Artificial Intelligence Models: '
        "A Key to Ensuring AI Serves Democratic Values and the Public Interest\", New America's "
        "Open Technology Institute, November 2024.",
        "changes": "Encoded as RDF: the report, its notes and its spectrum table restated as "
        "sources, citations and claims. New America does not endorse this project.",
    },
    {
        "name": "European Open Source AI Index",
        "folder": "data/osai-index/",
        "creators": "Andreas Liesenfeld and Mark Dingemanse",
        "licence": {"iri": CC_BY, "label": "CC BY 4.0"},
        "rights": "Licensed under CC BY 4.0",
        "url": "https://osai-index.eu/",
        "cite": 'Liesenfeld & Dingemanse (2024), "Rethinking open source generative AI: '
        "open-washing and the EU AI Act\", FAccT '24, doi:10.1145/3630106.3659005; the legacy "
        'table: Liesenfeld, Lopez & Dingemanse (2023), "Opening up ChatGPT", CUI \'23, '
        "doi:10.1145/3571884.3604316.",
        "changes": "Converted to RDF; each judgement restated as a claim with its evidence links "
        "as sources.",
    },
    {
        "name": "Model Openness Tool (Model Openness Framework)",
        "folder": "data/mof/",
        "creators": "The Model Openness Tool Authors, LF AI & Data",
        "licence": {"iri": "http://spdx.org/licenses/MIT", "label": "MIT"},
        "rights": "Copyright 2024 The Model Openness Tool Authors; MIT licence, whose notice "
        "travels with the data (data/mof/LICENSE)",
        "url": "https://mot.isitopen.ai",
        "cite": 'White et al. (2024), "The Model Openness Framework", arXiv:2403.13784.',
        "changes": "Converted to RDF; each listed component restated as a claim.",
    },
)

LICENCE = {
    "data": {"iri": CC_BY, "label": "CC BY 4.0", "notes": "data/LICENSE.md"},
    "code": {"iri": "http://spdx.org/licenses/Apache-2.0", "label": "Apache-2.0"},
}


def counts(store: ox.Store) -> dict[str, int]:
    """Return how many models, sources, claims ... the store holds (one query)."""
    values = " ".join(f"<{c}>" for c in COUNTED.values())
    rows = select(
        store,
        f"SELECT ?class (COUNT(DISTINCT ?x) AS ?n) WHERE {{ VALUES ?class {{ {values} }} "
        f"?x a ?class }} GROUP BY ?class",
    )
    found = {r["class"].value: int(r["n"].value) for r in rows}
    return {name: found.get(str(cls), 0) for name, cls in COUNTED.items()}


def frameworks(store: ox.Store) -> list[dict]:
    """Return every framework in the store, scored ones first (one query and labels)."""
    rows = select(store, f"SELECT DISTINCT ?f WHERE {{ ?f a <{OG.Framework}> }}")
    iris = [r["f"].value for r in rows if isinstance(r["f"], ox.NamedNode)]
    labels = Labels(store, iris)
    order = {r.iri: i for i, r in enumerate(store_rules(store))}
    return [
        labels.ref(f, scored=f in order)
        for f in sorted(iris, key=lambda f: (order.get(f, len(order)), labels(f)))
    ]


def home_page(store: ox.Store, data_version: str) -> dict:
    """Return the records of the home page (see docs/pages.md, "home")."""
    return {
        "title": "openness-graph",
        "description": "A knowledge graph of claims about how open AI models are, and of the "
        "sources behind them: every score can be followed back to its claims, the passages "
        "quoted from their sources, and what those sources cite.",
        "base": BASE,
        "data_version": data_version,
        "counts": counts(store),
        "frameworks": frameworks(store),
        "licence": LICENCE,
        "attributions": list(ATTRIBUTIONS),
        "cite": "openness-graph, a knowledge graph of claims about the openness of AI models "
        f"(data version {data_version[:12]}), {BASE}. Data licensed CC BY 4.0; please also "
        "cite the sources it is derived from (below).",
    }
