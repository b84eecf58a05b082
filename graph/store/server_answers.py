"""Read a SPARQL server's answers into pyoxigraph's result types, and its refusals."""

from __future__ import annotations

import re
from collections.abc import Iterator
from urllib import error

import pyoxigraph as ox

from graph.store.errors import StoreError

_RESULTS = {
    "application/sparql-results+xml": ox.QueryResultsFormat.XML,
    "application/sparql-results+json": ox.QueryResultsFormat.JSON,
    "text/tab-separated-values": ox.QueryResultsFormat.TSV,
}
_GRAPHS = {
    "application/n-triples": ox.RdfFormat.N_TRIPLES,
    "text/plain": ox.RdfFormat.N_TRIPLES,
    "text/turtle": ox.RdfFormat.TURTLE,
    "application/rdf+xml": ox.RdfFormat.RDF_XML,
    "application/n-quads": ox.RdfFormat.N_QUADS,
}
# One media type per query form: Virtuoso answers 406 to a list mixing results and RDF types.
ACCEPT_RESULTS = "application/sparql-results+xml"
ACCEPT_TRIPLES = "application/n-triples"
_BNODE = re.compile(rb"<bnode>([^<]*)</bnode>")
_BNODE_ID = re.compile(rb"[A-Za-z0-9_][A-Za-z0-9_.-]*")
# A literal's text in XML results, with any whitespace at its ends.
_LITERAL_TEXT = re.compile(rb"(<literal[^>]*>)(\s*)([^<]*?)(\s*)</literal>")


class RemoteTriples:
    """The triples of a CONSTRUCT or DESCRIBE answer, like pyoxigraph's ``QueryTriples``."""

    def __init__(self, triples: list[ox.Triple]):
        self._triples = triples

    def __iter__(self) -> Iterator[ox.Triple]:
        return iter(self._triples)

    def __len__(self) -> int:
        return len(self._triples)

    def serialize(self, output=None, format=ox.RdfFormat.N_TRIPLES, *, prefixes=None):
        """Write the triples in an RDF format, to ``output`` or as returned bytes."""
        return ox.serialize(self._triples, output, format=format, prefixes=prefixes)


def parse_answer(media: str, body: bytes, url: str):
    """Parse a query answer by its media type into pyoxigraph's result types."""
    if media in _RESULTS:
        if media == "application/sparql-results+xml" and b"<bnode>" in body:
            body = _BNODE.sub(_bnode_label, body)
        if media == "application/sparql-results+xml":
            # pyoxigraph's XML parser trims the text of a literal; Virtuoso writes spaces at
            # its ends as they are, Oxigraph as character references, which are kept.
            body = _LITERAL_TEXT.sub(_keep_whitespace, body)
        try:
            return ox.parse_query_results(body, _RESULTS[media])
        except SyntaxError as failure:
            raise StoreError(
                f"the SPARQL server at {url} sent unreadable {media}: {failure}"
            ) from None
    if media in _GRAPHS:
        try:
            return RemoteTriples(list(ox.parse(body, _GRAPHS[media])))
        except SyntaxError as failure:
            raise StoreError(
                f"the SPARQL server at {url} sent unreadable {media}: {failure}"
            ) from None
    raise StoreError(
        f"the SPARQL server at {url} answered in {media}, which is not a SPARQL format"
    )


def explain_syntax(parse) -> None:
    """Raise the local parser's SyntaxError, if it finds one, for a text the server refused.

    Its message gives the position in the text as the caller wrote it, before the
    prologue was prepended; when the text parses here, the server's own message stands.
    """
    try:
        parse()
    except SyntaxError as local:
        raise SyntaxError(str(local)) from None
    except Exception:  # noqa: BLE001 - any other local failure leaves the server's message
        return


def _keep_whitespace(match: re.Match) -> bytes:
    """Write the whitespace at the ends of a literal's text as character references."""
    start, lead, text, trail = match.groups()
    if not lead and not trail:
        return match.group(0)
    refs = b"".join(b"&#%d;" % c for c in lead), b"".join(b"&#%d;" % c for c in trail)
    return start + refs[0] + text + refs[1] + b"</literal>"


def _bnode_label(match: re.Match) -> bytes:
    """Turn a server's blank-node id that is no RDF label (``nodeID://b1``) into one."""
    label = match.group(1)
    if _BNODE_ID.fullmatch(label):
        return match.group(0)
    return b"<bnode>x" + label.hex().encode() + b"</bnode>"


def error_detail(failure: error.HTTPError) -> str:
    """Return the text of a server's error answer, on one line and at most 500 characters."""
    try:
        text = failure.read().decode("utf-8", "replace").strip()
    except OSError:
        text = ""
    text = re.sub(r"\s+", " ", text)
    return text[:500] or failure.reason


def refusal(failure: error.HTTPError, url: str, what: str) -> Exception:
    """Return the error to raise for a server's HTTP error answer to the ``what`` request.

    400 is a SyntaxError (the request's text), as pyoxigraph raises for a local store.
    """
    detail = error_detail(failure)
    if failure.code == 400:
        return SyntaxError(f"the SPARQL server refused the {what}: {detail}")
    if failure.code in (401, 403):
        return StoreError(
            f"the SPARQL server at {url} refused the credentials for the {what} "
            f"(HTTP {failure.code}); set user:password in the store setting or "
            f"$OPENNESS_STORE_PASSWORD"
        )
    if failure.code == 404 and what != "graph read":
        return StoreError(
            f"no SPARQL endpoint answers at {url} (HTTP 404); check the store setting's "
            "path, update= and gsp="
        )
    return StoreError(
        f"the SPARQL server at {url} failed the {what} (HTTP {failure.code}): {detail}"
    )
