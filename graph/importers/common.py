"""Build the parts every importer writes: models, families, developers, licences, claims.

Importers collect one ``ModelFacts`` per record, then ``add_models`` writes one
node per model (records of the same model merge), with one family each.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, PROV, RDF, RDFS, SKOS, XSD

from graph.importers.identity import Identity, ReviewedRow, family_of_model
from graph.importers.names import family_key
from graph.importers.organizations import (
    organization_label,
    organization_slug,
    split_organizations,
)
from graph.importers.sources import clean_url
from graph.licences import UNLICENSED_WORDS, spdx_iri
from graph.namespaces import OG, SCHEMA, mint, slugify

SPDX_CC_BY_4 = URIRef("http://spdx.org/licenses/CC-BY-4.0")
SPDX_MIT = URIRef("http://spdx.org/licenses/MIT")


@dataclass
class ImportResult:
    """What an import wrote: the files, and counts a command can report."""

    out_dir: Path
    files: list[Path] = field(default_factory=list)
    records: dict[str, int] = field(default_factory=dict)  # part -> records read
    claims: int = 0
    models: int = 0
    identities: list[Identity] = field(default_factory=list)


@dataclass
class ModelFacts:
    """What one record says about its model, besides the claims."""

    identity: Identity
    developers: list[URIRef] = field(default_factory=list)
    licence: str | None = None
    issued: str | None = None  # "YYYY-MM" release month
    version: str | None = None
    url: str | None = None


def record_slug(file_name: str) -> str:
    """Return the slug of a record's file name ('Command-R+.yml' -> 'command-r-plus')."""
    return slugify(Path(file_name).stem.replace("+", "-plus"))


def text(value: object) -> str | None:
    """Return a record value as trimmed text, or None when empty."""
    if value is None:
        return None
    out = " ".join(str(value).split()) if not isinstance(value, str) else value.strip()
    return out or None


def as_list(value: object) -> list[str]:
    """Return a link field (one string, a list, or empty) as a list of strings."""
    if value is None:
        return []
    items = value if isinstance(value, list) else [value]
    return [str(v).strip() for v in items if v is not None and str(v).strip()]


def date_literal(value: object) -> Literal | None:
    """Return an xsd:date, xsd:gYearMonth or xsd:gYear literal for a record's date, else None."""
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        return Literal(value.isoformat(), datatype=XSD.date)
    raw = text(value)
    if raw is None:
        return None
    for pattern, datatype in (
        (r"\d{4}-\d{2}-\d{2}", XSD.date),
        (r"\d{4}-\d{2}", XSD.gYearMonth),
        (r"\d{4}", XSD.gYear),
    ):
        if re.fullmatch(pattern, raw):
            return Literal(raw, datatype=datatype)
    return None


def add_organizations(graph: Graph, name: object, links: object) -> list[URIRef]:
    """Describe a record's organization(s) and return their IRIs (none for an empty name)."""
    raw = text(name)
    if raw is None:
        return []
    nodes = []
    for part, part_links in split_organizations(raw, as_list(links)):
        node = URIRef(mint("organization", organization_slug(part)))
        label = organization_label(part)
        graph.add((node, RDF.type, PROV.Organization))
        graph.add((node, RDFS.label, Literal(label)))
        if label != part:
            graph.add((node, SKOS.altLabel, Literal(part)))
        for link in part_links:
            url = clean_url(link)
            if url:
                graph.add((node, SCHEMA.url, URIRef(url)))
        nodes.append(node)
    return nodes


def add_licence(graph: Graph, subject: URIRef, licence: str | None) -> None:
    """State a licence: its SPDX IRI, else the text as written, flagged as unknown."""
    raw = text(licence)
    if raw is None or raw.lower() in UNLICENSED_WORDS:
        return
    iri = spdx_iri(raw)
    if iri:
        graph.add((subject, DCTERMS.license, URIRef(iri)))
    else:
        graph.add((subject, OG.licenseText, Literal(raw)))
        graph.add((subject, OG.flag, OG.UnknownLicense))


def model_label(key: str, names: Iterable[str]) -> str:
    """Pick one label among the names a model's records give it.

    A record whose own name is another model's is labelled with the bare key;
    a name as written is better, and the shortest of those wins.
    """
    written = [n for n in names if n != key] or [key]
    return min(written, key=lambda s: (len(s), s))


def add_models(graph: Graph, facts: Sequence[ModelFacts]) -> dict[str, str]:
    """Write one node per model and per family; return model IRI -> family IRI.

    A model is in one family: when its records disagree, ``family_of_model``
    picks one.
    """
    families = family_of_model(f.identity for f in facts)
    family_labels: dict[str, set[str]] = defaultdict(set)
    labels: dict[str, set[str]] = defaultdict(set)
    for f in facts:
        labels[f.identity.model_iri].add(f.identity.name)
    for f in facts:
        ident = f.identity
        model = URIRef(ident.model_iri)
        graph.add((model, RDF.type, OG.Model))
        graph.add((model, RDFS.label, Literal(model_label(ident.key, labels[ident.model_iri]))))
        if ident.other_name:
            graph.add((model, SKOS.altLabel, Literal(ident.other_name)))
        family = families[ident.model_iri]
        graph.add((model, OG.family, URIRef(family)))
        if family == ident.family_iri:
            family_labels[family].add(ident.family_label)
        for dev in f.developers:
            graph.add((model, OG.developer, dev))
        if ident.hf_id:
            graph.add((model, OG.huggingFaceId, Literal(ident.hf_id)))
        if ident.repository:
            graph.add((model, SCHEMA.codeRepository, URIRef(ident.repository)))
        add_licence(graph, model, f.licence)
        issued = date_literal(f.issued)
        if issued is not None:
            graph.add((model, DCTERMS.issued, issued))
        if f.version:
            graph.add((model, SCHEMA.version, Literal(f.version)))
        url = clean_url(f.url) if f.url else None
        if url:
            graph.add((model, SCHEMA.url, URIRef(url)))
    for family in set(families.values()):
        node = URIRef(family)
        graph.add((node, RDF.type, OG.ModelFamily))
        # One label per family: the shortest spelling its records use.
        labels = family_labels.get(family) or {family.rsplit("/", 1)[1]}
        graph.add((node, RDFS.label, Literal(min(labels, key=lambda s: (len(s), s)))))
    return families


def add_seed_family_links(
    graph: Graph, reviewed: Mapping[tuple[str, str], ReviewedRow], families: Iterable[str]
) -> None:
    """Place the seed report's family-level models in the families this dataset has.

    The OTI report names families ("Llama"); the reviewed mapping keeps each as
    its own model, and this links it to the family whose versions the dataset
    imports, so that family and versions are related, not merged.
    """
    present = set(families)
    for (dataset, record), row in sorted(reviewed.items()):
        if dataset != "oti-2024" or not row.reviewed:
            continue
        family = mint("family", family_key(record))
        if family in present:
            graph.add((URIRef(row.model_iri), OG.family, URIRef(family)))


def add_claim(
    graph: Graph,
    claim: URIRef,
    *,
    model: str,
    criterion: str,
    level: URIRef,
    stated_on: Literal,
    attributed_to: URIRef,
    sources: Sequence[URIRef],
    description: str | None = None,
    comment: str | None = None,
    no_link: bool = False,
) -> None:
    """Write one claim: one source's statement of a level on a criterion, with its sources."""
    graph.add((claim, RDF.type, OG.Claim))
    graph.add((claim, OG.aboutModel, URIRef(model)))
    graph.add((claim, OG.criterion, URIRef(criterion)))
    graph.add((claim, OG.level, level))
    graph.add((claim, OG.rank, OG.NormalRank))
    graph.add((claim, OG.statedOn, stated_on))
    graph.add((claim, PROV.wasAttributedTo, attributed_to))
    for source in sources:
        graph.add((claim, PROV.wasDerivedFrom, source))
    if description:
        graph.add((claim, DCTERMS.description, Literal(description)))
    if comment:
        graph.add((claim, RDFS.comment, Literal(comment, lang="en")))
    if no_link:
        graph.add((claim, OG.flag, OG.NoEvidenceLink))
