"""Turn the small JSON form for one claim and its source into RDF.

The form (all keys snake_case; documented in docs/submissions.md)::

    {
      "model": "llama",                                # slug or full IRI
      "criterion": "osai-index/weights_endmodel",      # framework/criterion slug or IRI
      "level": "open",                                 # open | partial | closed | unknown
      "stated_on": "2024-07-23",                       # YYYY, YYYY-MM or YYYY-MM-DD
      "rank": "normal",                                # optional: preferred | normal
      "text": "Weights are downloadable ...",          # optional: the claim in words
      "quote": "We are releasing the weights ...",     # optional: the passage that states it
      "attributed_to": "organization/meta",            # optional: who made the statement
      "source": {                                      # an existing source: {"iri": ...}
        "title": "Open Source AI Is the Path Forward",
        "url": "https://about.fb.com/news/2024/07/open-source-ai-is-the-path-forward/",
        "kind": "BlogPost",                            # an og:SourceKind local name
        "publisher": "organization/meta",              # optional
        "issued": "2024-07-23",                        # optional
        "accessed_on": "2024-11-01"                    # optional
      }
    }
"""

from __future__ import annotations

import difflib
import hashlib
import json
import re
from typing import Any

import rdflib
from rdflib.namespace import XSD

from graph.ingest import IngestError
from graph.namespaces import DCTERMS, ID, OA, OG, PROV, RDF, SCHEMA, mint

LEVELS = ("open", "partial", "closed", "unknown")
RANKS = {"preferred": OG.PreferredRank, "normal": OG.NormalRank}
DATE_TYPES = (
    (re.compile(r"^\d{4}-\d{2}-\d{2}$"), XSD.date),
    (re.compile(r"^\d{4}-\d{2}$"), XSD.gYearMonth),
    (re.compile(r"^\d{4}$"), XSD.gYear),
)
TEMPLATE: dict[str, Any] = {
    "model": "llama",
    "criterion": "oti-2024/published-weights",
    "level": "open",
    "stated_on": "2024-07-23",
    "rank": "normal",
    "text": "Meta publishes the model weights for download.",
    "quote": "the passage of the source that states the claim",
    "source": {
        "title": "Title of the source",
        "url": "https://example.org/where-it-is",
        "kind": "BlogPost",
        "publisher": "organization/meta",
        "issued": "2024-07-23",
    },
}


CLAIM_KEYS = (
    "model",
    "criterion",
    "level",
    "stated_on",
    "rank",
    "text",
    "quote",
    "attributed_to",
    "source",
)
SOURCE_KEYS = ("iri", "title", "url", "kind", "publisher", "issued", "accessed_on")
SURROGATE = re.compile("[\ud800-\udfff]")


def check_keys(form: dict, allowed: tuple[str, ...], where: str = "") -> None:
    """Refuse keys the form does not know, suggesting the nearest one (a typo is never lost)."""
    for key in form:
        if key in allowed:
            continue
        near = difflib.get_close_matches(str(key), allowed, n=1)
        hint = f"did you mean {near[0]!r}? " if near else ""
        raise IngestError(f"{where}{key}: unknown key; {hint}the keys are {', '.join(allowed)}")


def check_text(doc: Any) -> None:
    """Refuse strings (keys or values, at any depth) that hold a lone surrogate: not text."""
    todo: list[tuple[Any, str]] = [(doc, "")]
    while todo:
        node, where = todo.pop()
        if isinstance(node, dict):
            for key, value in node.items():
                todo += [(key, f"{where}{key}"), (value, f"{where}{key}.")]
        elif isinstance(node, list):
            todo += [(value, f"{where}[{n}].") for n, value in enumerate(node)]
        elif isinstance(node, str) and (found := SURROGATE.search(node)):
            code = f"\\u{ord(found.group()):04x}"
            raise IngestError(
                f"{where.rstrip('.') or 'the body'}: holds a lone surrogate ({code}), which is "
                "not a character; send UTF-8 text (a pair \\ud83d\\ude00 is fine)"
            )


def _need(form: dict, key: str, where: str = "") -> Any:
    value = form.get(key)
    if value in (None, ""):
        raise IngestError(
            f"{where}{key}: missing; add it (see the template at /api/submissions/template)"
        )
    return value


def _iri(value: str, kind: str) -> rdflib.URIRef:
    """Return a full IRI for ``value``: kept if absolute, else minted as ``<kind>/<value>``."""
    if value.startswith(("http://", "https://")):
        return rdflib.URIRef(value)
    if "/" in value and value.split("/", 1)[0] in ("organization", "person"):
        return rdflib.URIRef(f"{ID}{value}")
    return rdflib.URIRef(mint(kind, value))


def _date(value: str, key: str) -> rdflib.Literal:
    for pattern, datatype in DATE_TYPES:
        if pattern.match(str(value)):
            return rdflib.Literal(str(value), datatype=datatype)
    raise IngestError(f"{key}: {value!r} is not a date; write YYYY-MM-DD, YYYY-MM or YYYY")


def form_to_graph(form: dict) -> rdflib.Graph:
    """Return the claim (and source, if new) that a JSON form describes; raise IngestError."""
    if not isinstance(form, dict):
        raise IngestError(
            "the JSON form must be an object with model, criterion, level, stated_on, source"
        )
    check_text(form)
    check_keys(form, CLAIM_KEYS)
    level = str(_need(form, "level"))
    if level not in LEVELS:
        raise IngestError(f"level: {level!r} is not one of {', '.join(LEVELS)}")
    rank = str(form.get("rank") or "normal")
    if rank not in RANKS:
        raise IngestError(
            f"rank: {rank!r} must be preferred or normal (deprecate with a correction)"
        )
    source_form = _need(form, "source")
    if not isinstance(source_form, dict):
        raise IngestError(
            'source: must be an object, either {"iri": ...} or a new source\'s fields'
        )
    check_keys(source_form, SOURCE_KEYS, "source.")
    key = hashlib.sha256(json.dumps(form, sort_keys=True).encode()).hexdigest()[:16]
    g = rdflib.Graph()
    claim = rdflib.URIRef(mint("claim", f"submitted-{key}"))
    g.add((claim, RDF.type, OG.Claim))
    g.add((claim, OG.aboutModel, _iri(str(_need(form, "model")), "model")))
    g.add((claim, OG.criterion, _iri(str(_need(form, "criterion")), "criterion")))
    g.add((claim, OG.level, OG[level]))
    g.add((claim, OG.rank, RANKS[rank]))
    g.add((claim, OG.statedOn, _date(_need(form, "stated_on"), "stated_on")))
    if form.get("text"):
        g.add((claim, DCTERMS.description, rdflib.Literal(form["text"])))
    if form.get("attributed_to"):
        g.add((claim, PROV.wasAttributedTo, _iri(str(form["attributed_to"]), "organization")))
    source = _source(g, source_form, key)
    g.add((claim, PROV.wasDerivedFrom, source))
    if form.get("quote"):
        target, selector = rdflib.BNode(), rdflib.BNode()
        g.add((claim, OG.quote, target))
        g.add((target, RDF.type, OA.SpecificResource))
        g.add((target, OA.hasSource, source))
        g.add((target, OA.hasSelector, selector))
        g.add((selector, RDF.type, OA.TextQuoteSelector))
        g.add((selector, OA.exact, rdflib.Literal(form["quote"])))
    return g


def _source(g: rdflib.Graph, form: dict, key: str) -> rdflib.URIRef:
    """Add a new source to ``g`` (or refer to an existing one) and return its IRI."""
    if form.get("iri"):
        return _iri(str(form["iri"]), "source")
    source = rdflib.URIRef(mint("source", f"submitted-{key}"))
    g.add((source, RDF.type, OG.Source))
    g.add((source, DCTERMS.title, rdflib.Literal(_need(form, "title", "source."))))
    kind = str(form.get("kind") or "WebPage")
    g.add((source, DCTERMS.type, OG[kind]))
    if form.get("url"):
        g.add((source, SCHEMA.url, rdflib.URIRef(str(form["url"]))))
    if form.get("publisher"):
        g.add((source, DCTERMS.publisher, _iri(str(form["publisher"]), "organization")))
    if form.get("issued"):
        g.add((source, DCTERMS.issued, _date(form["issued"], "source.issued")))
    if form.get("accessed_on"):
        g.add((source, OG.accessedOn, _date(form["accessed_on"], "source.accessed_on")))
    return source
