"""Run SPARQL queries with a hard timeout and a row cap.

:func:`execute` runs one query on a pyoxigraph store and serialises the answer; it is the
only code that evaluates queries, whether it runs in this process or in a worker.

Two runners call it:

- :class:`InProcessRunner`, for a store without a directory (tests, in-memory use). The
  deadline is checked while rows are written, so a query that yields rows stops on time;
  an aggregate yields nothing until it ends and cannot be stopped.
- :class:`graph.endpoint.pool.ProcessRunner`, for an on-disk store: worker processes, killed
  at the deadline.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass

import pyoxigraph as ox

from graph.namespaces import PREFIXES
from graph.sparql.formats import (
    RESULTS_TSV,
    Format,
    compact_jsonld,
    graph_format,
    results_format,
)
from graph.sparql.guard import (
    FETCH_REFUSED,
    MAX_DEPTH,
    SERVER_PARSE_LIMIT,
    Plan,
    check_query,
    parse_safely,
)
from graph.sparql.syntax_errors import explain
from graph.store.errors import StoreError, StoreUnavailable


class QueryError(Exception):
    """A query could not be answered."""


class QueryTimeout(QueryError):
    """The query ran past its deadline and was stopped."""


class QuerySyntaxError(QueryError):
    """The query does not parse; the message gives the parser's position."""


class NotAcceptable(QueryError):
    """The query's result type has no acceptable format (e.g. SELECT asked for as Turtle)."""


class RunnerBusy(QueryError):
    """Every worker stayed busy, or too many requests already wait for one."""


class LaneFull(RunnerBusy):
    """A query turned long while every long-query place (or its client's share) was taken."""


class StoreUnreadable(QueryError):
    """The store cannot be read right now (no snapshot of it could be made)."""


class EvaluationError(QueryError):
    """The engine refused to evaluate a query that parses (e.g. a function given two arguments)."""


class ServiceFailed(QueryError):
    """A SERVICE call to an allow-listed endpoint failed; the message never says how."""


class OutOfMemory(QueryError):
    """The query needed more memory than a worker may use."""


@dataclass(frozen=True)
class QueryRequest:
    """One query and how to run and serialise it.

    ``results_format`` and ``graph_format`` are format keys (or None when no format of that
    family is acceptable): which one applies depends on the query form, known after parsing.
    ``default_graph`` and ``named_graphs`` are graph IRIs from the protocol (None: the
    store's own dataset); ``max_rows`` caps solutions or triples (None: no cap).
    ``service_allowlist`` holds the only SERVICE endpoints the query may call;
    ``max_depth`` is the deepest bracket nesting accepted (see graph/sparql/guard.py).
    """

    query: str
    results_format: str | None = "json"
    graph_format: str | None = "turtle"
    default_graph: tuple[str, ...] | None = None
    named_graphs: tuple[str, ...] | None = None
    union_default_graph: bool = True
    max_rows: int | None = None
    base_iri: str | None = None
    service_allowlist: tuple[str, ...] = ()
    max_depth: int = MAX_DEPTH


@dataclass(frozen=True)
class QueryResult:
    """A serialised answer: its kind (solutions, boolean, graph), format key, bytes, cap flag."""

    kind: str
    format: str
    body: bytes
    truncated: bool = False

    @property
    def media_format(self) -> Format:
        """Return the :class:`Format` the body is written in."""
        if self.kind == "graph":
            return graph_format(self.format)
        return results_format(self.format)


class _Overflow(Exception):
    """Raised inside a writer to stop serialising once the row cap is passed."""


class _Sink:
    """A binary writer that keeps what it is given, counts row markers and checks a deadline."""

    def __init__(self, marker: bytes, offset: int, limit: float, deadline: float):
        self.parts: list[bytes] = []
        self.marker = marker
        self.offset = offset
        self.limit = limit
        self.deadline = deadline
        self.count = 0
        self.tail = b""

    def write(self, data: bytes) -> int:
        if time.monotonic() > self.deadline:
            raise QueryTimeout("deadline passed while writing results")
        data = bytes(data)
        self.parts.append(data)
        # The tail is one byte shorter than the marker, so a marker split across two
        # writes is counted once.
        window = self.tail + data
        self.count += window.count(self.marker)
        self.tail = window[-(len(self.marker) - 1) :] if len(self.marker) > 1 else b""
        if self.count + self.offset > self.limit:
            raise _Overflow()
        return len(data)

    def flush(self) -> None:
        """Do nothing: everything is kept in memory."""

    def getvalue(self) -> bytes:
        return b"".join(self.parts)


def _dataset(store: ox.Store, request: QueryRequest, text: str, plan: Plan):
    """Run ``store.query`` with the request's dataset options."""
    # The project's prefixes are predefined, as Wikidata's are; a query's PREFIX wins.
    options: dict = {"base_iri": request.base_iri, "prefixes": PREFIXES}
    if request.default_graph is not None:
        options["default_graph"] = [ox.NamedNode(iri) for iri in request.default_graph]
    elif request.union_default_graph and not plan.names_dataset:
        # The union stands in for the default graph only when the query names no dataset
        # of its own: pyoxigraph's union option would override FROM.
        options["use_default_graph_as_union"] = True
    if request.named_graphs is not None:
        options["named_graphs"] = [ox.NamedNode(iri) for iri in request.named_graphs]
    try:
        return store.query(text, **options)
    except SyntaxError as error:
        raise QuerySyntaxError(explain(text, str(error), PREFIXES)) from None


def execute(
    store: ox.Store,
    request: QueryRequest,
    deadline: float = math.inf,
    *,
    size_limit: int | None = None,
    always_parse: bool = False,
) -> QueryResult:
    """Check ``request`` (graph/sparql/guard.py), evaluate it and serialise the answer.

    ``size_limit`` and ``always_parse`` go to :func:`graph.sparql.guard.check_query`. The
    engine's evaluation errors become EvaluationError; a failed SERVICE call becomes
    ServiceFailed, with a message that says nothing about the network.
    """
    plan = check_query(
        request.query,
        request.service_allowlist,
        PREFIXES,
        max_depth=request.max_depth,
        size_limit=size_limit,
        always_parse=always_parse,
    )
    try:
        return _evaluate(store, request, plan, deadline)
    except (QueryError, StoreUnavailable):
        raise
    except Exception as error:
        # Whatever a SERVICE call did (refused, reset, garbled an answer, or an external
        # server's own error about it) may describe the network: one fixed message.
        if plan.calls_service:
            raise ServiceFailed(FETCH_REFUSED) from None
        if isinstance(error, RuntimeError) and not isinstance(error, StoreError):
            raise EvaluationError(str(error)) from None
        raise


def _evaluate(store, request: QueryRequest, plan: Plan, deadline: float) -> QueryResult:
    answer = _dataset(store, request, request.query, plan)
    if isinstance(answer, ox.QueryBoolean):
        fmt = _require(request.results_format, "ASK", "results")
        return QueryResult("boolean", fmt, answer.serialize(format=results_format(fmt).ox_format))
    if isinstance(answer, ox.QuerySolutions):
        fmt = _require(request.results_format, "SELECT", "results")
        return _solutions(request, answer, results_format(fmt), deadline)
    fmt = _require(request.graph_format, "CONSTRUCT and DESCRIBE", "RDF")
    return _triples(answer, graph_format(fmt), request.max_rows, deadline)


def _require(key: str | None, form: str, family: str) -> str:
    if key is None:
        raise NotAcceptable(f"{form} queries answer in {family} formats; none is acceptable")
    return key


def _solutions(request, answer, fmt: Format, deadline: float) -> QueryResult:
    """Serialise solutions in one evaluation; under a row cap, cut them exactly through TSV."""
    if request.max_rows is None:
        sink = _Sink(b"\n", 0, math.inf, deadline)
        answer.serialize(sink, format=fmt.ox_format)
        return QueryResult("solutions", fmt.key, sink.getvalue())
    # TSV writes one row per line (line breaks in literals are escaped), so counting lines
    # cuts at exactly max_rows while the query runs once; other formats are written from the
    # kept rows, which costs far less than evaluating the query a second time.
    limit = request.max_rows
    exact = _Sink(b"\n", -1, limit, deadline)
    try:
        answer.serialize(exact, format=RESULTS_TSV.ox_format)
        truncated = False
    except _Overflow:
        truncated = True
    kept = exact.getvalue()
    if truncated:
        kept = b"\n".join(kept.split(b"\n")[: limit + 1]) + b"\n"
    if fmt.key == RESULTS_TSV.key:
        return QueryResult("solutions", fmt.key, kept, truncated)
    rows = ox.parse_query_results(kept, RESULTS_TSV.ox_format)
    return QueryResult("solutions", fmt.key, rows.serialize(format=fmt.ox_format), truncated)


class _Capped:
    """Iterate over at most ``limit`` triples, noting whether more were left."""

    def __init__(self, triples, limit: int | None, deadline: float, as_quads: bool):
        self.triples = triples
        self.limit = limit
        self.deadline = deadline
        self.as_quads = as_quads
        self.truncated = False

    def __iter__(self):
        limit, deadline, as_quads = self.limit, self.deadline, self.as_quads
        for index, triple in enumerate(self.triples):
            if limit is not None and index >= limit:
                self.truncated = True
                return
            if not index & 1023 and time.monotonic() > deadline:
                raise QueryTimeout("deadline passed while writing triples")
            yield ox.Quad(triple.subject, triple.predicate, triple.object) if as_quads else triple


def _triples(answer, fmt: Format, limit: int | None, deadline: float) -> QueryResult:
    """Serialise CONSTRUCT or DESCRIBE triples, in the default graph for dataset formats."""
    capped = _Capped(answer, limit, deadline, fmt.datasets)
    body = ox.serialize(capped, format=fmt.ox_format, prefixes=_prefixes(fmt))
    if fmt.key == "jsonld":
        body = compact_jsonld(body)
    return QueryResult("graph", fmt.key, body, capped.truncated)


def _prefixes(fmt: Format) -> dict[str, str] | None:
    return PREFIXES if fmt.key in ("turtle", "trig", "rdfxml") else None


class InProcessRunner:
    """Run queries in the calling thread on a store held in this process."""

    def __init__(self, store: ox.Store):
        self.store = store

    def run(self, request: QueryRequest, timeout: float, client: str | None = None) -> QueryResult:
        """Run ``request``; raise QueryTimeout when it ends after ``timeout`` seconds.

        ``client`` is accepted as the worker pool takes it; one query runs per thread here.
        """
        deadline = time.monotonic() + timeout
        result = parse_safely(
            lambda: execute(self.store, request, deadline, size_limit=SERVER_PARSE_LIMIT),
            request.query,
        )
        if time.monotonic() > deadline:
            raise QueryTimeout(f"the query ran longer than {timeout:g} s")
        return result

    def data_changed(self) -> None:
        """Do nothing: queries read the live store."""

    def status(self) -> dict:
        """Describe the runner for health checks."""
        return {"mode": "in-process"}

    def close(self) -> None:
        """Do nothing: there are no workers."""
