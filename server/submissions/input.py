"""Turn what a submitter sends (RDF, the JSON form, corrections, the page's fields) into a batch.

Bodies are parsed with Oxigraph, whose errors name line and column and which
never fetches a remote JSON-LD ``@context``. Every failure is a
:class:`server.errors.Problem` with status 400 saying what to change.
Corrections are also checked against the store: a claim can only be deprecated
if the graph holds it and has not deprecated it already.
"""

from __future__ import annotations

import json
from collections.abc import Mapping

import pyoxigraph as ox
import rdflib
from rdflib import URIRef

from graph.ingest import IngestError, empty_reason
from graph.ingest.corrections import deprecation_triples
from graph.ingest.form import check_keys, check_text, form_to_graph
from graph.rdf_input import UnsafeInput, check_input
from graph.sparql.formats import JSON_LD, N_TRIPLES, TURTLE, Format
from graph.validation.context import to_rdflib
from server.errors import Problem

RDF_BODIES: dict[str, Format] = {
    "text/turtle": TURTLE,
    "application/x-turtle": TURTLE,
    "application/ld+json": JSON_LD,
    "application/n-triples": N_TRIPLES,
    "text/plain": N_TRIPLES,
}
JSON_BODY = "application/json"
# ---------------------------------------------------------------- reading a body into a batch


def parse_rdf(data: bytes, fmt: Format, where: str = "the body") -> rdflib.Graph:
    """Parse RDF with Oxigraph, which names line and column and never fetches a remote context."""
    try:
        check_input(data, fmt.ox_format)
    except UnsafeInput as exc:
        raise Problem(400, f"{where}: {exc}", title="Malformed RDF") from None
    try:
        quads = list(ox.parse(data, format=fmt.ox_format))
    except SyntaxError as exc:
        if "remote context" in str(exc):
            detail = "a remote JSON-LD @context is not fetched here; put the context inline"
        elif exc.lineno:
            detail = f"line {exc.lineno}, column {exc.offset}: {exc.msg}"
        else:
            detail = str(exc)
        raise Problem(
            400, f"{where}: the {fmt.label} does not parse: {detail}", title="Malformed RDF"
        ) from None
    if any(isinstance(q, ox.Quad) and not isinstance(q.graph_name, ox.DefaultGraph) for q in quads):
        raise Problem(
            400,
            f"{where}: a submission may not name graphs; send triples only",
            title="Malformed RDF",
        )
    if not quads:
        raise Problem(
            400,
            f"{where}: the batch is empty; {empty_reason('json-ld' if fmt is JSON_LD else fmt.label)}",
            title="Empty submission",
        )
    return to_rdflib(quads)


def read_json(data: bytes, who: str) -> rdflib.Graph:
    """Read an application/json body: JSON-LD when it uses @ keywords, else the form."""
    try:
        doc = json.loads(data)
    except json.JSONDecodeError as exc:
        detail = f"line {exc.lineno}, column {exc.colno}: {exc.msg}"
        raise Problem(400, f"the body is not JSON: {detail}", title="Malformed JSON") from None
    except UnicodeDecodeError as exc:
        raise Problem(
            400, f"the body is not UTF-8 text: {exc.reason}", title="Malformed JSON"
        ) from None
    except RecursionError:
        raise Problem(
            400, "the body nests arrays and objects too deeply", title="Malformed JSON"
        ) from None
    is_jsonld = isinstance(doc, list) or (
        isinstance(doc, dict) and any(k.startswith("@") for k in doc)
    )
    if is_jsonld:
        return parse_rdf(data, JSON_LD)
    try:
        check_text(doc)
    except IngestError as exc:
        raise Problem(400, str(exc), title="Invalid form") from None
    return form_batch(doc, who)


def form_batch(doc: object, who: str) -> rdflib.Graph:
    """Turn the JSON form, its ``deprecate`` list, or both, into one batch."""
    if not isinstance(doc, dict):
        raise Problem(
            400,
            'send an object: the JSON form (see /api/submissions/template), {"deprecate": [...]}, or both',
            title="Invalid form",
        )
    fields = {k: v for k, v in doc.items() if k != "deprecate"}
    batch = rdflib.Graph()
    if fields:
        try:
            batch += form_to_graph(fields)
        except IngestError as exc:
            problem = Problem(400, str(exc), title="Invalid form")
            # The page lists each problem of the form on a line of its own.
            problem.problems = getattr(exc, "problems", [str(exc)])
            raise problem from None
    for triple in corrections(doc.get("deprecate"), who):
        batch.add(triple)
    if not len(batch):
        raise Problem(
            400,
            "nothing to submit: give a claim's fields, a deprecate list, or both",
            title="Empty submission",
        )
    for node in batch.all_nodes():
        if isinstance(node, URIRef):
            try:
                ox.NamedNode(str(node))
            except ValueError as exc:
                raise Problem(
                    400,
                    f"{str(node)!r} is not a valid IRI ({exc}): use a slug of letters, digits, dots and dashes, or a full IRI",
                    title="Invalid form",
                ) from None
    return batch


def corrections(items: object, who: str) -> list[tuple]:
    """Return the triples that deprecate each ``{"claim": IRI, "reason": text}``."""
    if items is None:
        return []
    if not isinstance(items, list):
        raise Problem(
            400,
            'deprecate: must be a list of {"claim": IRI, "reason": "..."}',
            title="Invalid form",
        )
    triples = []
    for n, item in enumerate(items):
        where = f"deprecate[{n}]"
        if not isinstance(item, dict):
            raise Problem(
                400, f'{where}: must be {{"claim": IRI, "reason": "..."}}', title="Invalid form"
            )
        try:
            check_keys(item, ("claim", "reason"), f"{where}.")
        except IngestError as exc:
            raise Problem(400, str(exc), title="Invalid form") from None
        claim, reason = item.get("claim"), item.get("reason")
        if not isinstance(claim, str) or not claim.strip():
            raise Problem(
                400,
                f"{where}.claim: missing; give the IRI of the claim to deprecate",
                title="Invalid form",
            )
        if not isinstance(reason, str) or not reason.strip():
            raise Problem(
                400,
                f"{where}.reason: missing; say why the claim no longer holds",
                title="Invalid form",
            )
        try:
            ox.NamedNode(claim.strip())
        except ValueError:
            raise Problem(
                400, f"{where}.claim: {claim!r} is not an absolute IRI", title="Invalid form"
            ) from None
        triples += deprecation_triples(claim.strip(), reason.strip(), who)
    return triples


CLAIM_FIELDS = ("model", "criterion", "level", "stated_on", "text", "quote", "attributed_to")
SOURCE_FIELDS = ("title", "url", "kind", "publisher", "issued", "accessed_on")


# The page's sources: the first one's passage is the claim's "quote" field.
SOURCE_PREFIXES = ("source", "source2", "source3")


def page_source(get, prefix: str) -> dict:  # noqa: ANN001
    """Return one source's fields from the page (empty when none is filled in)."""
    if get(f"{prefix}_iri"):
        found = {"iri": get(f"{prefix}_iri")}
    else:
        found = {k: get(f"{prefix}_{k}") for k in SOURCE_FIELDS if get(f"{prefix}_{k}")}
    if prefix != SOURCE_PREFIXES[0] and get(f"{prefix}_quote"):
        found["quote"] = get(f"{prefix}_quote")
    return found


def page_batch(form: Mapping[str, str], who: str) -> rdflib.Graph:
    """Build one batch from the page's claim fields, its Turtle and its correction."""

    def get(name: str) -> str:
        return (form.get(name) or "").strip()

    doc: dict = {k: get(k) for k in (*CLAIM_FIELDS, "rank") if get(k)}
    sources = [s for prefix in SOURCE_PREFIXES if (s := page_source(get, prefix))]
    has_claim = any(k in doc for k in CLAIM_FIELDS) or bool(sources)
    # One source is sent as the object it always was, so its claim keeps its name.
    source = sources[0] if len(sources) == 1 else sources
    doc = {**doc, "source": source} if has_claim else {}
    if get("deprecate_claim") or get("deprecate_reason"):
        doc["deprecate"] = [{"claim": get("deprecate_claim"), "reason": get("deprecate_reason")}]
    turtle = form.get("turtle") or ""
    if not doc and not turtle.strip():
        raise Problem(
            400,
            "Nothing to submit: fill in the claim's fields, paste Turtle, or name a claim to deprecate.",
            title="Empty submission",
        )
    batch = form_batch(doc, who) if doc else rdflib.Graph()
    if turtle.strip():
        batch += parse_rdf(turtle.encode("utf-8"), TURTLE, "the Turtle field")
    return batch
