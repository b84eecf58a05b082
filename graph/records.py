"""Read plain records from the store: models, claims with their sources and quotes, mappings.

The stored scores are read by ``graph.stored_scores``, and what a change
touches by ``graph.derive.changes``. Everything here is a read with
SPARQL over the union of the store's graphs; the records are dataclasses that
``graph.scoring``, ``graph.derive`` and ``graph.evidence`` work on without
touching RDF. The citation graph behind sources is read by ``graph.citations``;
the SPARQL helpers these reads share (``select``, ``values_block``, ``restrict``
...) are in ``graph.queries``.

Time lives here, so that ``graph.scoring.resolve_claims`` stays pure:
``claims_as_of`` turns stored claims into scoring claims for a date. A
deprecated claim keeps counting "as of" any day before its ``og:deprecatedOn``
(it was not deprecated yet, and counts with normal rank); without a date, and
on or after that day, it never counts. A claim with no ``og:statedOn`` never
counts in an "as of" view.
"""

from __future__ import annotations

import datetime as dt
import difflib
import logging
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import pyoxigraph as ox

from graph.namespaces import DCTERMS, ID, OA, OG, PROV, RDFS, SCHEMA, graph_iri, slugify
from graph.queries import chunks, one_of, property_columns, select, values_block
from graph.scoring import Claim, mappings
from graph.scoring.levels import DEPRECATED, NORMAL, as_level, as_rank
from graph.scoring.resolution import first_day

# Where graph.derive stores what it derives; read here to find what a change touches.
ASSESSMENTS_GRAPH = graph_iri("derived/assessments")
SCORES_GRAPH = graph_iri("derived/scores")
DERIVED_GRAPHS = (ASSESSMENTS_GRAPH, SCORES_GRAPH)
ONTOLOGY_GRAPHS = graph_iri("ontology/")
IRI_LIKE = re.compile(r"https?://[^\s<>\"{}|^`\\]+")
MODEL_PREFIX = f"{ID}model/"
log = logging.getLogger(__name__)

# Source kinds that are primary evidence about a model: its own artefacts (release,
# repository, model card, licence text), for what an artefact can show.
PRIMARY_KINDS = frozenset(
    str(OG[k]) for k in ("Release", "ModelCard", "Repository", "LicenseDocument")
)
# Criteria on how a model is described: no artefact shows them, so no claim on them is primary.
DESCRIPTION_CRITERIA = f"{ID}criterion/self-description/"


@dataclass(frozen=True)
class ModelRecord:
    """A model: its IRI, label, slug (for minting derived IRIs) and developers."""

    iri: str
    label: str
    slug: str
    developers: tuple[str, ...] = ()


@dataclass(frozen=True)
class Quote:
    """A passage quoted from a source (``oa:TextQuoteSelector``)."""

    source: str
    exact: str
    prefix: str | None = None
    suffix: str | None = None


@dataclass(frozen=True)
class SourceRecord:
    """A source as the claims query sees it: title, address, date, publishers and kinds."""

    iri: str
    title: str | None = None
    url: str | None = None
    issued: str | None = None
    publishers: tuple[str, ...] = ()
    kinds: tuple[str, ...] = ()


@dataclass(frozen=True)
class ClaimRecord:
    """A claim as stored: rank as it stands now, with its sources, agents and quotes."""

    iri: str
    model: str
    criterion: str
    level: str
    rank: str
    stated_on: str | None
    deprecated_on: dt.date | None = None
    deprecation_reason: str | None = None
    sources: tuple[str, ...] = ()
    attributed_to: tuple[str, ...] = ()
    quotes: tuple[Quote, ...] = ()

    def rank_as_of(self, as_of: dt.date | None) -> str:
        """Return the rank the claim had on ``as_of`` (now when None)."""
        if self.rank != DEPRECATED or as_of is None or self.deprecated_on is None:
            return self.rank
        return NORMAL if as_of < self.deprecated_on else DEPRECATED


@dataclass(frozen=True)
class Evidence:
    """What the store says about some models: the models, their claims and those claims' sources."""

    models: Mapping[str, ModelRecord]
    claims: tuple[ClaimRecord, ...]
    sources: Mapping[str, SourceRecord] = field(default_factory=dict)

    def claims_of(self, model: str) -> list[ClaimRecord]:
        """Return the claims about ``model``."""
        return [c for c in self.claims if c.model == model]


class UnknownModel(LookupError):
    """No model matches the name given; ``suggestions`` lists close matches."""

    def __init__(self, name: str, suggestions: Sequence[str]):
        hint = f"; did you mean {', '.join(suggestions)}?" if suggestions else ""
        super().__init__(f"no model called {name!r}{hint}")
        self.name = name
        self.suggestions = tuple(suggestions)


def _date(value: str | None) -> dt.date | None:
    return first_day(value) if value else None


def model_slug(iri: str, label: str | None = None) -> str:
    """Return the slug derived IRIs use for a model: its id/model/ slug, else from its label."""
    if iri.startswith(MODEL_PREFIX) and "/" not in iri[len(MODEL_PREFIX) :]:
        return iri[len(MODEL_PREFIX) :]
    return slugify(label or iri.rstrip("/#").rsplit("/", 1)[-1])


# ---------------------------------------------------------------- models

IS_MODEL = f"""
  {{ ?model a <{OG.Model}> }} UNION {{ ?claim <{OG.aboutModel}> ?model . ?claim a <{OG.Claim}> }}
"""
ABOUT_MODEL = f"""
  OPTIONAL {{ ?model <{RDFS.label}> ?name }}
  OPTIONAL {{ ?model <{OG.developer}> ?developer }}
"""
# Every model: the distinct models first, then what is said about them.
ALL_MODELS_QUERY = f"""SELECT ?model ?name ?developer WHERE {{
  {{ SELECT DISTINCT ?model WHERE {{ {IS_MODEL} }} }}
  {ABOUT_MODEL}
}}"""


def some_models_query(models: Sequence[str]) -> str:
    """Return the query for some models: VALUES inside each branch, so that each is a lookup.

    As ``FILTER EXISTS`` over the UNION, Oxigraph scanned every claim for each
    model (100 models: 1.9 s at 5M triples, 0.11 s as lookups).
    """
    named = values_block("model", models)
    return f"""SELECT ?model ?name ?developer WHERE {{
  {{ SELECT DISTINCT ?model WHERE {{
    {{ {named} ?model a <{OG.Model}> }}
    UNION {{ {named} ?claim <{OG.aboutModel}> ?model . ?claim a <{OG.Claim}> }}
  }} }}
  {ABOUT_MODEL}
}}"""


def read_models(store: ox.Store, models: Iterable[str] | None = None) -> dict[str, ModelRecord]:
    """Return the models (typed og:Model or named by a claim), by IRI; ``models`` narrows them."""
    if models is None:
        query = ALL_MODELS_QUERY
    else:
        query = some_models_query(sorted(set(models)))
    found: dict[str, dict] = {}
    for row in select(store, query):
        if not isinstance(row.get("model"), ox.NamedNode):
            continue
        entry = found.setdefault(row["model"].value, {"names": set(), "developers": set()})
        if "name" in row:
            entry["names"].add(row["name"].value)
        if "developer" in row:
            entry["developers"].add(row["developer"].value)
    records = {}
    for iri, entry in sorted(found.items()):
        label = min(entry["names"], default=None) or iri.rstrip("/#").rsplit("/", 1)[-1]
        records[iri] = ModelRecord(
            iri, label, model_slug(iri, label), tuple(sorted(entry["developers"]))
        )
    return records


def resolve_model(store: ox.Store, name: str) -> ModelRecord:
    """Find a model by full IRI, slug or label (case-insensitive); raise UnknownModel."""
    wanted = name.strip()
    for iri in (wanted, MODEL_PREFIX + wanted):  # the cheap lookups first
        if not IRI_LIKE.fullmatch(iri):
            continue
        found = read_models(store, [iri])
        if iri in found:
            return found[iri]
    models = read_models(store)
    if wanted in models:
        return models[wanted]
    folded = wanted.casefold()
    for model in models.values():
        if folded in (model.slug.casefold(), model.label.casefold()):
            return model
    names = {m.slug: m for m in models.values()} | {m.label.casefold(): m for m in models.values()}
    close = difflib.get_close_matches(folded, list(names), n=5, cutoff=0.5)
    close += [n for n in names if folded and folded in n and n not in close]
    suggestions = list(dict.fromkeys(names[n].slug for n in close))[:5]
    raise UnknownModel(name, suggestions)


# ---------------------------------------------------------------- claims and sources


# A claim's, a source's and a quote's properties come one per row (``?node ?p ?o``,
# ``?p`` among these), not as one row of OPTIONALs per claim: Oxigraph answers the
# first with one index scan per node, the second with a lookup per OPTIONAL and a
# row for every combination of a claim's sources, agents and quotes.
CLAIM_PROPERTIES = {
    str(OG.aboutModel): "model",
    str(OG.criterion): "criterion",
    str(OG.level): "level",
    str(OG.rank): "rank",
    str(OG.statedOn): "stated_on",
    str(OG.deprecatedOn): "deprecated_on",
    str(OG.deprecationReason): "reason",
    str(PROV.wasAttributedTo): "agents",
    str(PROV.wasDerivedFrom): "sources",
}
SOURCE_PROPERTIES = {
    str(DCTERMS.title): "title",
    str(SCHEMA.url): "url",
    str(DCTERMS.issued): "issued",
    str(DCTERMS.publisher): "publishers",
    str(DCTERMS.type): "kinds",
}
IRI_VALUED = ("model", "sources")  # a claim's model and sources count only as IRIs
SELECTOR_PROPERTIES = {str(OA.exact): "exact", str(OA.prefix): "prefix", str(OA.suffix): "suffix"}


def _claims_about(models: Sequence[str] | None) -> str:
    """Return the pattern binding ?claim to the claims about ``models`` (every claim when None)."""
    if models is None:
        return f"?claim a <{OG.Claim}> ."
    # The claims first, in a subquery: with VALUES beside ``?claim ?p ?o`` Virtuoso can
    # start from the property rows and run past its time limit (60 s on 95,000 triples).
    return f"""{{ SELECT DISTINCT ?claim WHERE {{
    {values_block("model", models)} ?claim <{OG.aboutModel}> ?model . ?claim a <{OG.Claim}> .
  }} }}"""


def claims_query(models: Sequence[str] | None) -> str:
    """Return the query for the claims about ``models``: one row per claim and property."""
    return f"""SELECT ?claim ?p ?o WHERE {{
  {_claims_about(models)}
  ?claim ?p ?o . {one_of(CLAIM_PROPERTIES)}
}}"""


def sources_query(sources: Sequence[str]) -> str:
    """Return the query for the named sources: one row per source and property."""
    return f"""SELECT ?source ?p ?o WHERE {{
  {values_block("source", sources)}
  ?source ?p ?o . {one_of(SOURCE_PROPERTIES)}
}}"""


def quotes_query(models: Sequence[str] | None) -> str:
    """Return the query for the passages those claims quote: one row per selector and property."""
    return f"""SELECT ?claim ?source ?selector ?p ?o WHERE {{
  {_claims_about(models)}
  ?claim <{OG.quote}> ?quote .
  ?quote <{OA.hasSource}> ?source ; <{OA.hasSelector}> ?selector .
  ?selector ?p ?o . {one_of(SELECTOR_PROPERTIES)}
}}"""


def read_evidence(
    store: ox.Store, models: Iterable[str] | None = None, quotes: bool = True
) -> Evidence:
    """Return the models, their claims with sources and quotes, and those sources.

    ``models`` narrows the read to some models; ``quotes=False`` leaves the
    quoted passages out (scoring does not use them).
    """
    wanted = None if models is None else sorted(set(models))
    model_records = read_models(store, wanted)
    claims = _read_claims(store, wanted)
    linked = {s for c in claims.values() for s in c["sources"]}
    sources = _read_sources(store, linked)
    if quotes:
        _read_quotes(store, wanted, claims)
    records = tuple(r for iri, e in sorted(claims.items()) if (r := _scorable(iri, e)))
    for record in records:  # a model only claims name still gets a record
        if record.model not in model_records:
            model_records[record.model] = ModelRecord(
                record.model, record.model, model_slug(record.model)
            )
    return Evidence(dict(sorted(model_records.items())), records, sources)


def read_properties(store: ox.Store, query: str, names: Mapping[str, str]) -> dict[str, dict]:
    """Gather the rows of a ``SELECT ?node ?p ?o`` into node IRI -> property name -> values;
    ``names`` maps each property IRI the query keeps to the name it is gathered under."""
    return _gather(store, query, names, terms=True)


def _gather(store: ox.Store, query: str, names: Mapping[str, str], iris=(), terms=False):
    """Gather the (node, property, object) rows of a query as ``read_properties`` says, as
    values unless ``terms`` (only IRIs for the names in ``iris``), read by position."""
    rows = store.query(query, use_default_graph_as_union=True)
    found: dict[str, dict[str, set]] = {}
    for node, p, o in rows:
        if not isinstance(node, ox.NamedNode):
            continue
        entry = found.get(node.value)
        if entry is None:
            entry = found[node.value] = {name: set() for name in names.values()}
        name = names[p.value]
        if name not in iris or isinstance(o, ox.NamedNode):
            entry[name].add(o if terms else o.value)
    return found


def _read_claims(store: ox.Store, wanted: Sequence[str] | None) -> dict[str, dict]:
    if wanted is None:  # every claim: a column per property, over the graphs not derived
        found = property_columns(store, OG.Claim, CLAIM_PROPERTIES, DERIVED_GRAPHS, IRI_VALUED)
        claims = {i: {n: col.get(i, set()) for n, col in found.items()} for i in found["model"]}
    else:
        claims, narrowed = (
            _gather(store, claims_query(wanted), CLAIM_PROPERTIES, IRI_VALUED),
            set(wanted),
        )
        for entry in claims.values():
            entry["model"] &= narrowed
    return {  # a claim the shapes would refuse has nothing to score
        iri: e | {"quotes": set()}
        for iri, e in claims.items()
        if e["model"] and e["criterion"] and e["level"]
    }


# Sources named in one query; a source IRI is about 60 characters. The sources are
# named even when every claim is read: as a subquery over every claim's sources the
# read took twice as long on Oxigraph (11.7 s against 5.2 s for 47,347 sources at 5M
# triples), and rdflib's engine joined that subquery with every triple in the store.
SOURCES_PER_QUERY = 2_000


def _read_sources(store: ox.Store, linked: set[str]) -> dict[str, SourceRecord]:
    """Return a record of each linked source, read by name in chunks."""
    found: dict[str, dict] = {}
    for chunk in chunks(sorted(linked), SOURCES_PER_QUERY):
        found |= _gather(store, sources_query(chunk), SOURCE_PROPERTIES)
    records = {}
    for iri in sorted(linked):
        about = found.get(iri, {})
        records[iri] = SourceRecord(
            iri,
            min(about.get("title", ()), default=None),
            min(about.get("url", ()), default=None),
            min(about.get("issued", ()), default=None),
            tuple(sorted(about.get("publishers", ()))),
            tuple(sorted(about.get("kinds", ()))),
        )
    return records


def _read_quotes(store: ox.Store, wanted: Sequence[str] | None, claims: dict[str, dict]) -> None:
    selectors: dict[tuple[str, str, object], dict[str, set[str]]] = {}
    for row in select(store, quotes_query(wanted)):
        claim, source = row["claim"].value, row["source"].value
        if claim not in claims or source not in claims[claim]["sources"]:
            continue  # a quote counts only from a source the claim derives from
        parts = selectors.setdefault((claim, source, row["selector"]), {})
        parts.setdefault(SELECTOR_PROPERTIES[row["p"].value], set()).add(row["o"].value)
    for (claim, source, _), parts in selectors.items():
        for exact in parts.get("exact", ()):
            for prefix in parts.get("prefix") or (None,):
                for suffix in parts.get("suffix") or (None,):
                    claims[claim]["quotes"].add(Quote(source, exact, prefix, suffix))


def _scorable(iri: str, e: Mapping[str, set]) -> ClaimRecord | None:
    """Return the claim's record, or None with a warning when its level or rank is unknown.

    The shapes refuse such claims, but a file loaded before they did, or a raw write,
    can still hold one: it is left out so that it does not stop every other model's derive.
    """
    try:
        return _claim_record(iri, e)
    except ValueError as exc:
        log.warning("claim <%s> cannot be scored and is left out: %s", iri, exc)
        return None


def _claim_record(iri: str, e: Mapping[str, set]) -> ClaimRecord:
    ranks = {as_rank(v) for v in e["rank"]}
    # A correction adds og:DeprecatedRank beside the claim's first rank, in its own
    # graph: the deprecation wins. A claim with no rank is an ordinary statement.
    rank = DEPRECATED if DEPRECATED in ranks else min(ranks, default=NORMAL)
    return ClaimRecord(
        iri=iri,
        model=min(e["model"]),
        criterion=min(e["criterion"]),
        level=as_level(min(e["level"])),
        rank=rank,
        stated_on=min(e["stated_on"], default=None),
        deprecated_on=_date(min(e["deprecated_on"], default=None)),
        deprecation_reason=min(e["reason"], default=None),
        sources=tuple(sorted(e["sources"])),
        attributed_to=tuple(sorted(e["agents"])),
        quotes=tuple(sorted(e["quotes"], key=_quote_order)),
    )


def _quote_order(q: Quote) -> tuple[str, str, str, str]:
    return (q.source, q.exact, q.prefix or "", q.suffix or "")


def is_primary(record: ClaimRecord, sources: Mapping[str, SourceRecord]) -> bool:
    """Tell whether a claim rests on primary evidence: one of the model's own artefacts.

    A source is primary when its kind is a release, repository, model card or
    licence text (``PRIMARY_KINDS``), whoever published it. A developer's
    blog post or web page is its description of its own model, and a report,
    paper or dataset is a third party's statement: neither is primary. A claim
    on how the model is described (``DESCRIPTION_CRITERIA``) is never primary.
    """
    if record.criterion.startswith(DESCRIPTION_CRITERIA):
        return False
    return any(
        iri in sources and PRIMARY_KINDS.intersection(sources[iri].kinds) for iri in record.sources
    )


def claims_as_of(
    records: Iterable[ClaimRecord],
    sources: Mapping[str, SourceRecord],
    as_of: dt.date | None = None,
) -> list[Claim]:
    """Turn stored claims into scoring claims as they stood on ``as_of`` (now when None).

    The rank is the one the claim had that day (see the module docstring); a
    claim with no ``og:statedOn`` is left out of an "as of" view, and counts as
    the oldest statement otherwise.
    """
    claims = []
    for r in records:
        if r.stated_on is None and as_of is not None:
            continue
        claims.append(
            Claim(
                iri=r.iri,
                level=r.level,
                rank=r.rank_as_of(as_of),
                stated_on=r.stated_on or dt.date.min,
                primary=is_primary(r, sources),
                sources=r.sources,
                model=r.model,
                criterion=r.criterion,
            )
        )
    return claims


# ---------------------------------------------------------------- mappings

MATCHES_QUERY = f"""
SELECT DISTINCT ?a ?p ?b WHERE {{
  VALUES ?p {{ {" ".join(f"<{p}>" for p in mappings.LENDING)} }}
  ?a ?p ?b .
  FILTER (isIRI(?a) && isIRI(?b) && ?a != ?b)
}}
"""


def read_matches(store: ox.Store) -> dict[str, dict[str, str]]:
    """Return criterion -> {criterion lending it evidence: "full" or "analogy"}.

    ``graph.scoring.mappings`` says which mappings lend and how far.
    """
    rows = select(store, MATCHES_QUERY)
    return mappings.lenders((r["a"].value, r["p"].value, r["b"].value) for r in rows)
