"""The project's namespaces and the rules for minting IRIs.

Ontology terms live under ``OG`` (``https://w3id.org/openness/ns#``); things the
graph describes live under ``ID`` as ``<ID><kind>/<slug>``; named graphs live
under ``GRAPH``. A test checks every ``OG`` term used in code against
``ontology/openness.ttl``.
"""

from __future__ import annotations

import re
import unicodedata

from rdflib import Namespace
from rdflib.namespace import DCTERMS, FOAF, OWL, PROV, RDF, RDFS, SKOS, XSD

BASE = "https://w3id.org/openness/"
OG = Namespace(BASE + "ns#")
ID = Namespace(BASE + "id/")
GRAPH = Namespace(BASE + "graph/")

CITO = Namespace("http://purl.org/spar/cito/")
DQV = Namespace("http://www.w3.org/ns/dqv#")
OA = Namespace("http://www.w3.org/ns/oa#")
SCHEMA = Namespace("https://schema.org/")
SPDX = Namespace("http://spdx.org/licenses/")
SH = Namespace("http://www.w3.org/ns/shacl#")
DCAT = Namespace("http://www.w3.org/ns/dcat#")
VOID = Namespace("http://rdfs.org/ns/void#")
SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
BIBO = Namespace("http://purl.org/ontology/bibo/")
DOCO = Namespace("http://purl.org/spar/doco/")
VANN = Namespace("http://purl.org/vocab/vann/")
HYDRA = Namespace("http://www.w3.org/ns/hydra/core#")

# cito:cites and its sub-properties: the direct citation links.
CITO_PROPERTIES = tuple(
    str(CITO[name])
    for name in (
        "cites agreesWith citesAsAuthority citesAsDataSource citesAsEvidence "
        "citesAsMetadataDocument citesAsPotentialSolution citesAsRecommendedReading "
        "citesAsRelated citesAsSourceDocument citesForInformation compiles confirms "
        "containsAssertionFrom corrects credits critiques derides describes disagreesWith "
        "discusses disputes documents extends includesExcerptFrom includesQuotationFrom "
        "linksTo obtainsBackgroundFrom obtainsSupportFrom parodies plagiarizes qualifies "
        "refutes repliesTo retracts reviews ridicules speculatesOn supports updates "
        "usesConclusionsFrom usesDataFrom usesMethodIn"
    ).split()
)

# The kinds of thing the graph describes, each minted as <ID><kind>/<slug>.
KINDS = (
    "model",
    "family",
    "organization",
    "person",
    "source",
    "citation",
    "section",
    "claim",
    "framework",
    "criterion",
    "grade",
    "assessment",
    "score",
    "submission",
    "category",
    "scoring",
    "scale",
)

# The vocabularies the data uses. schema: is https, as the data writes it (not http).
VOCABULARIES: dict[str, str] = {
    "og": str(OG),
    "rdf": str(RDF),
    "rdfs": str(RDFS),
    "xsd": str(XSD),
    "owl": str(OWL),
    "skos": str(SKOS),
    "prov": str(PROV),
    "dcterms": str(DCTERMS),
    "foaf": str(FOAF),
    "cito": str(CITO),
    "dqv": str(DQV),
    "oa": str(OA),
    "schema": str(SCHEMA),
    "spdx": str(SPDX),
    "sh": str(SH),
    "dcat": str(DCAT),
    "void": str(VOID),
    "bibo": str(BIBO),
    "doco": str(DOCO),
    "vann": str(VANN),
}

# One prefix per kind, so an IRI a page shows is typed as it reads: model:llama, not
# id:model\/llama (a prefixed name's local part cannot hold an unescaped slash).
KIND_PREFIXES: dict[str, str] = {kind: f"{ID}{kind}/" for kind in KINDS}

# The one table of predeclared prefixes: the endpoint, `openness query`, the query page and
# the service description all read it.
PREFIXES: dict[str, str] = {**VOCABULARIES, "id": str(ID), **KIND_PREFIXES}


def sparql_prefixes() -> str:
    """Return PREFIX lines for every project prefix, for prepending to queries."""
    return "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in PREFIXES.items())


def slugify(text: str) -> str:
    """Turn a name into a lower-case slug of letters, digits, dots and dashes."""
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    text = re.sub(r"[^A-Za-z0-9.]+", "-", text).strip("-.").lower()
    return re.sub(r"-{2,}", "-", text) or "unnamed"


def mint(kind: str, slug: str) -> str:
    """Return the IRI of a thing of ``kind`` with ``slug`` (which may contain '/')."""
    if kind not in KINDS:
        raise ValueError(f"unknown kind {kind!r}; expected one of {', '.join(KINDS)}")
    return f"{ID}{kind}/{slug}"


def graph_iri(name: str) -> str:
    """Return the IRI of the named graph called ``name`` (a relative file path or a label)."""
    return f"{GRAPH}{name}"
