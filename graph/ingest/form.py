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
SOURCE_KEYS = ("iri", "title", "url", "kind", "publisher", "issued", "accessed_on", "quote")
SURROGATE = re.compile("[\ud800-\udfff]")


class FormProblems(IngestError):
    """The form has one or more problems; ``problems`` lists each, saying what and where."""

    def __init__(self, problems: list[str]):
        super().__init__("; ".join(problems))
        self.problems = list(problems)


def key_problems(form: dict, allowed: tuple[str, ...], where: str = "") -> list[str]:
    """Return a problem per key the form does not know, naming the nearest known one."""
    problems = []
    for key in form:
        if key in allowed:
            continue
        near = difflib.get_close_matches(str(key), allowed, n=1)
        hint = f"did you mean {near[0]!r}? " if near else ""
        problems.append(f"{where}{key}: unknown key; {hint}the keys are {', '.join(allowed)}")
    return problems


def check_keys(form: dict, allowed: tuple[str, ...], where: str = "") -> None:
    """Refuse keys the form does not know, suggesting the nearest one (a typo is never lost)."""
    problems = key_problems(form, allowed, where)
    if problems:
        raise FormProblems(problems)


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


def _missing(form: dict, key: str, where: str = "") -> list[str]:
    if form.get(key) in (None, ""):
        return [f"{where}{key}: missing; add it (see the template at /api/submissions/template)"]
    return []


def _iri(value: str, kind: str) -> rdflib.URIRef:
    """Return a full IRI for ``value``: kept if absolute, else minted as ``<kind>/<value>``."""
    if value.startswith(("http://", "https://")):
        return rdflib.URIRef(value)
    if "/" in value and value.split("/", 1)[0] in ("organization", "person"):
        return rdflib.URIRef(f"{ID}{value}")
    return rdflib.URIRef(mint(kind, value))


def _date(value: str) -> rdflib.Literal | None:
    for pattern, datatype in DATE_TYPES:
        if pattern.match(str(value)):
            return rdflib.Literal(str(value), datatype=datatype)
    return None


def _date_problems(form: dict, key: str, where: str = "") -> list[str]:
    value = form.get(key)
    if value in (None, "") or _date(value) is not None:
        return []
    return [f"{where}{key}: {value!r} is not a date; write YYYY-MM-DD, YYYY-MM or YYYY"]


def source_forms(form: dict) -> tuple[list[tuple[str, dict]], list[str]]:
    """Return each source's fields with where it is (``source.`` or ``source[1].``), and problems."""
    given = form.get("source")
    if given in (None, "", []):
        return [], _missing(form, "source")
    many = isinstance(given, list)
    items = given if many else [given]
    sources, problems = [], []
    for n, item in enumerate(items):
        where = f"source[{n}]." if many else "source."
        if not isinstance(item, dict):
            problems.append(
                f'{where.rstrip(".")}: must be an object, either {{"iri": ...}} or a new '
                "source's fields (a list of them for several sources)"
            )
            continue
        problems += key_problems(item, SOURCE_KEYS, where)
        if not item.get("iri"):
            problems += _missing(item, "title", where)
        for key in ("issued", "accessed_on"):
            problems += _date_problems(item, key, where)
        sources.append((where, item))
    return sources, problems


def form_problems(form: dict) -> list[str]:
    """Return every problem of the form at once: unknown keys, missing or bad values."""
    problems = key_problems(form, CLAIM_KEYS)
    for key in ("model", "criterion", "level", "stated_on"):
        problems += _missing(form, key)
    level = form.get("level")
    if level not in (None, "") and str(level) not in LEVELS:
        problems.append(f"level: {str(level)!r} is not one of {', '.join(LEVELS)}")
    rank = str(form.get("rank") or "normal")
    if rank not in RANKS:
        problems.append(f"rank: {rank!r} must be preferred or normal (deprecate with a correction)")
    problems += _date_problems(form, "stated_on")
    problems += source_forms(form)[1]
    return problems


def form_to_graph(form: dict) -> rdflib.Graph:
    """Return the claim (and its new sources) that a JSON form describes; raise IngestError.

    Every problem of the form is reported at once (FormProblems), not the first alone.
    """
    if not isinstance(form, dict):
        raise IngestError(
            "the JSON form must be an object with model, criterion, level, stated_on, source"
        )
    check_text(form)
    problems = form_problems(form)
    if problems:
        raise FormProblems(problems)
    key = hashlib.sha256(json.dumps(form, sort_keys=True).encode()).hexdigest()[:16]
    g = rdflib.Graph()
    claim = rdflib.URIRef(mint("claim", f"submitted-{key}"))
    g.add((claim, RDF.type, OG.Claim))
    g.add((claim, OG.aboutModel, _iri(str(form["model"]), "model")))
    g.add((claim, OG.criterion, _iri(str(form["criterion"]), "criterion")))
    g.add((claim, OG.level, OG[str(form["level"])]))
    g.add((claim, OG.rank, RANKS[str(form.get("rank") or "normal")]))
    g.add((claim, OG.statedOn, _date(form["stated_on"])))
    if form.get("text"):
        g.add((claim, DCTERMS.description, rdflib.Literal(form["text"])))
    if form.get("attributed_to"):
        g.add((claim, PROV.wasAttributedTo, _iri(str(form["attributed_to"]), "organization")))
    for n, (_where, source_form) in enumerate(source_forms(form)[0]):
        # The first new source keeps the name one source always had; the others are numbered.
        source = _source(g, source_form, key if n == 0 else f"{key}-{n + 1}")
        g.add((claim, PROV.wasDerivedFrom, source))
        passages = [source_form.get("quote"), form.get("quote") if n == 0 else None]
        for passage in filter(None, passages):
            _quote(g, claim, source, passage)
    return g


def _quote(g: rdflib.Graph, claim: rdflib.URIRef, source: rdflib.URIRef, passage: str) -> None:
    """Add the passage of ``source`` that states the claim (an oa:TextQuoteSelector)."""
    target, selector = rdflib.BNode(), rdflib.BNode()
    g.add((claim, OG.quote, target))
    g.add((target, RDF.type, OA.SpecificResource))
    g.add((target, OA.hasSource, source))
    g.add((target, OA.hasSelector, selector))
    g.add((selector, RDF.type, OA.TextQuoteSelector))
    g.add((selector, OA.exact, rdflib.Literal(passage)))


def _source(g: rdflib.Graph, form: dict, key: str) -> rdflib.URIRef:
    """Add a new source to ``g`` (or refer to an existing one) and return its IRI."""
    if form.get("iri"):
        return _iri(str(form["iri"]), "source")
    source = rdflib.URIRef(mint("source", f"submitted-{key}"))
    g.add((source, RDF.type, OG.Source))
    g.add((source, DCTERMS.title, rdflib.Literal(form["title"])))
    kind = str(form.get("kind") or "WebPage")
    g.add((source, DCTERMS.type, OG[kind]))
    if form.get("url"):
        g.add((source, SCHEMA.url, rdflib.URIRef(str(form["url"]))))
    if form.get("publisher"):
        g.add((source, DCTERMS.publisher, _iri(str(form["publisher"]), "organization")))
    if form.get("issued"):
        g.add((source, DCTERMS.issued, _date(form["issued"])))
    if form.get("accessed_on"):
        g.add((source, OG.accessedOn, _date(form["accessed_on"])))
    return source
