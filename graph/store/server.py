"""Use an external SPARQL 1.1 server as the store, through the standard protocols only.

:class:`SparqlStore` offers the part of pyoxigraph's ``Store`` that the application uses
(``query``, ``update``, ``quads_for_pattern``, ``named_graphs``, ``dump``, ``extend``...)
and does each with SPARQL 1.1 Query, SPARQL 1.1 Update or the Graph Store HTTP Protocol,
so that every module runs unchanged on Oxigraph server, Virtuoso, Fuseki or GraphDB.
Answers are parsed into pyoxigraph's own result types.

The application's dataset on the server is every named graph except those the setting
excludes (a server's own system graphs) and the staging graphs of its writes
(:mod:`graph.store.server_writes`). Queries that ask
for the union default graph send that list as ``default-graph-uri`` and ``named-graph-uri``
(the protocol's way to name a dataset); the list is cached and refreshed after
every write made through this object; graphs another client makes appear within ten seconds.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterable, Iterator
from urllib import error, request
from urllib.parse import urlencode

import pyoxigraph as ox

from graph.sparql.lexer import is_keyword, tokenize
from graph.store.errors import StoreError, StoreTimeout, StoreUnavailable
from graph.store.server_answers import (
    ACCEPT_RESULTS,
    ACCEPT_TRIPLES,
    explain_syntax,
    parse_answer,
    pattern_quads,
    refusal,
)
from graph.store.server_text import (
    DEFAULT,
    EMPTY,
    STAGING,
    dataset_clauses,
    graph_drops,
    graph_targets,
    insert_data,
    quad_text,
    silenced,
    with_prologue,
)
from graph.store.setting import ServerSettings

__all__ = [
    "DEFAULT",
    "LIST_GRAPHS",
    "STAGING",
    "SparqlStore",
    "StoreError",
    "StoreTimeout",
    "StoreUnavailable",
    "insert_data",
]

# GROUP BY, not DISTINCT: Virtuoso answers this in 20 ms and the DISTINCT form in 12 s.
LIST_GRAPHS = "SELECT ?g WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"
_FORMS = ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE")


class SparqlStore:
    """An external SPARQL 1.1 server behind the parts of pyoxigraph's ``Store`` API we use."""

    def __init__(self, settings: ServerSettings, timeout: float = 300.0):
        self.settings = settings
        self.timeout = timeout
        # Graphs made by another client appear in union queries after at most this long;
        # writes through this object refresh the list at once.
        self.cache_seconds = 10.0
        # Triples per update when deleting in chunks: Virtuoso turns an update into SQL
        # and refuses one past 10,000 lines of it, which 2,000 triples can reach.
        self.chunk_triples = 500
        self.post_triples_per_request = 50_000
        self._own_dataset = settings.server_dataset
        self._default_used: tuple[float, bool] | None = None
        self._graphs: tuple[float, list[str]] | None = None
        self._lock = threading.Lock()
        passwords = request.HTTPPasswordMgrWithDefaultRealm()
        if settings.user:
            for url in {settings.query_url, settings.update_url, settings.gsp_url}:
                passwords.add_password(None, url, settings.user, settings.password or "")
        self._opener = request.build_opener(
            request.HTTPBasicAuthHandler(passwords), request.HTTPDigestAuthHandler(passwords)
        )

    def __repr__(self) -> str:
        return f"<SparqlStore {self.settings.label}>"

    # -- the protocol --------------------------------------------------------------------

    @property
    def own_dataset(self) -> bool:
        """Tell whether the server's default dataset is the application's (``dataset=server``)."""
        return self._own_dataset

    def _send(
        self,
        method: str,
        url: str,
        body: bytes | None,
        content_type: str | None,
        accept: str,
        timeout: float | None,
        what: str,
    ) -> tuple[str, bytes]:
        """Send one request; return (media type, body) or raise a StoreError naming ``what``."""
        headers = {"Accept": accept, "User-Agent": "openness-graph"}
        if content_type:
            headers["Content-Type"] = content_type
        req = request.Request(url, data=body, headers=headers, method=method)
        wait = self.timeout if timeout is None else timeout
        deadline = time.monotonic() + wait
        try:
            with self._opener.open(req, timeout=wait) as response:
                media = response.headers.get_content_type()
                # The socket timeout bounds each read, not the whole answer: check the
                # deadline between chunks and hang up on a server still streaming past it.
                parts = []
                while chunk := response.read(1 << 16):
                    parts.append(chunk)
                    if time.monotonic() > deadline:
                        raise TimeoutError
                return media, b"".join(parts)
        except error.HTTPError as failure:
            raise refusal(failure, url, what) from None
        except TimeoutError:
            raise StoreTimeout(
                f"the SPARQL server at {url} did not answer the {what} within {wait:g} s"
            ) from None
        except (error.URLError, OSError) as failure:
            reason = getattr(failure, "reason", failure)
            if isinstance(reason, (TimeoutError, socket.timeout)):
                raise StoreTimeout(
                    f"the SPARQL server at {url} did not answer the {what} within {wait:g} s"
                ) from None
            raise StoreUnavailable(
                f"cannot reach the SPARQL server at {url} for the {what}: {reason}. "
                "Is it running, and is the store setting right?"
            ) from None

    def _query_raw(
        self,
        text: str,
        params: list[tuple[str, str]],
        timeout: float | None,
        accept: str = ACCEPT_RESULTS,
    ) -> tuple[str, bytes]:
        body = urlencode([("query", text), *params]).encode("utf-8")
        return self._send(
            "POST",
            self.settings.query_url,
            body,
            "application/x-www-form-urlencoded",
            accept,
            timeout,
            "query",
        )

    # -- queries -------------------------------------------------------------------------

    def query(
        self,
        query: str,
        *,
        base_iri: str | None = None,
        prefixes: dict[str, str] | None = None,
        use_default_graph_as_union: bool = False,
        default_graph=None,
        named_graphs=None,
        timeout: float | None = None,
    ):
        """Run a SPARQL query; return QuerySolutions, QueryBoolean or RemoteTriples."""
        text = with_prologue(query, base_iri, prefixes)
        params: list[tuple[str, str]] = []
        tokens = tokenize(query)
        names_dataset = any(is_keyword(t, "FROM") for t in tokens)
        if names_dataset and self._own_dataset and default_graph is None and named_graphs is None:
            # Oxigraph's --union-default-graph overrides FROM in the text, but not the
            # protocol's parameters, which mean the same: send them instead.
            clauses = dataset_clauses(tokens, prefixes)
            if clauses is not None:
                default_graph, named_graphs = clauses
        form = next(
            (t.text.upper() for t in tokens if t.kind == "name" and t.text.upper() in _FORMS), ""
        )
        targets, open_graph = graph_targets(tokens, prefixes)
        if (
            self._own_dataset
            and use_default_graph_as_union
            and default_graph is None
            and named_graphs is None
            and not self._default_graph_used()
        ):
            pass  # the server's default dataset is the application's union: name nothing
        elif default_graph is not None:
            graphs = (
                [default_graph] if not isinstance(default_graph, list | tuple) else default_graph
            )
            params += [("default-graph-uri", _iri(g)) for g in graphs]
        elif use_default_graph_as_union and not names_dataset:
            params += [("default-graph-uri", g) for g in [DEFAULT, *self._dataset_graphs()]]
        elif not names_dataset:
            params.append(("default-graph-uri", DEFAULT))
        if named_graphs is not None:
            params += [("named-graph-uri", _iri(g)) for g in named_graphs]
        elif params and not names_dataset:
            # Virtuoso answers a GRAPH <g> pattern whose g is not in the request's named
            # graphs with one empty solution (ASK true, COUNT 1): name every graph the text
            # names, which adds nothing where it has no triples. When every GRAPH names
            # its IRI, those are all the query can reach: a short list is much faster.
            listed = self._dataset_graphs() if open_graph else []
            extra = sorted(g for g in targets - set(listed) if not self._excluded(g))
            params += [("named-graph-uri", g) for g in [*listed, *extra]]
        named = [value for key, value in params if key == "named-graph-uri"]
        if open_graph and len(named) == 1 and named != [EMPTY]:
            # Virtuoso reads GRAPH ?g as GRAPH <g> when a request names one graph, and a ?g
            # bound outside it, as in FILTER EXISTS { GRAPH ?g { ... } }, then matches any
            # graph. A second named graph, one holding nothing, keeps ?g a variable.
            params.append(("named-graph-uri", EMPTY))
        accept = ACCEPT_TRIPLES if form in ("CONSTRUCT", "DESCRIBE") else ACCEPT_RESULTS
        try:
            media, body = self._query_raw(text, params, timeout, accept)
        except SyntaxError:
            explain_syntax(lambda: ox.Store().query(query, base_iri=base_iri, prefixes=prefixes))
            raise
        return parse_answer(media, body, self.settings.query_url)

    def named_graphs(self) -> Iterator[ox.NamedNode]:
        """Yield the named graphs of the application's dataset."""
        return iter([ox.NamedNode(g) for g in self._dataset_graphs(fresh=True) if g != EMPTY])

    def contains_named_graph(self, graph) -> bool:
        """Tell whether ``graph`` holds at least one triple (servers drop empty graphs)."""
        name = _iri(graph)
        return not self._excluded(name) and self._holds_triples(name)

    def quads_for_pattern(self, subject, predicate, object, graph_name=None) -> Iterator[ox.Quad]:
        """Yield the quads matching a pattern; None matches anything."""
        terms = {"s": subject, "p": predicate, "o": object}
        for term in terms.values():
            if isinstance(term, ox.BlankNode):
                raise ValueError(
                    "a blank node of an external store cannot be looked up by itself: "
                    "reach it from an IRI in one query"
                )
        pattern = " ".join(str(t) if t is not None else f"?{k}" for k, t in terms.items())
        if self._own_dataset:
            # The default graph's triples are kept in DEFAULT, a named graph like the others.
            if graph_name is None:
                where = f"GRAPH ?g {{ {pattern} }}"
            else:
                where = f"GRAPH <{_iri(graph_name)}> {{ {pattern} }}"
            params = []
        elif graph_name is None:
            where, params = f"{{ GRAPH ?g {{ {pattern} }} }} UNION {{ {pattern} }}", None
        elif isinstance(graph_name, ox.DefaultGraph):
            where, params = pattern, [("default-graph-uri", DEFAULT)]
        else:
            name = _iri(graph_name)
            if self._excluded(name):
                return iter(())
            where, params = f"GRAPH <{name}> {{ {pattern} }}", [("named-graph-uri", name)]
        if params is None and not self._own_dataset:
            params = [("default-graph-uri", DEFAULT)]
            params += [("named-graph-uri", g) for g in self._dataset_graphs()]
        rows = self._parsed(f"SELECT * WHERE {{ {where} }}", params)
        if graph_name is None:
            fixed = None
        elif isinstance(graph_name, ox.DefaultGraph):
            fixed = ox.DefaultGraph()
        else:
            fixed = ox.NamedNode(_iri(graph_name))
        return iter(pattern_quads(rows, terms, fixed))

    def __iter__(self) -> Iterator[ox.Quad]:
        return self.quads_for_pattern(None, None, None)

    def __len__(self) -> int:
        if self._own_dataset:
            rows = list(self._parsed("SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }", []))
            return int(rows[0]["n"].value) if rows else 0
        params = [("default-graph-uri", DEFAULT)]
        params += [("named-graph-uri", g) for g in self._dataset_graphs(fresh=True)]
        query = "SELECT (COUNT(*) AS ?n) WHERE { { GRAPH ?g { ?s ?p ?o } } UNION { ?s ?p ?o } }"
        rows = list(self._parsed(query, params))
        return int(rows[0]["n"].value) if rows else 0

    def dump(self, output=None, format=None, *, from_graph=None, prefixes=None):
        """Serialise the dataset (or one graph) like ``Store.dump``."""
        if from_graph is None:
            quads: Iterable = iter(self)
        else:
            quads = (q.triple for q in self.quads_for_pattern(None, None, None, from_graph))
        return ox.serialize(quads, output, format=format, prefixes=prefixes)

    def _parsed(self, text: str, params: list[tuple[str, str]]):
        media, body = self._query_raw(text, params, None)
        return parse_answer(media, body, self.settings.query_url)

    def _excluded(self, iri: str) -> bool:
        """Tell whether a graph is outside the named graphs of the application's dataset."""
        return (
            iri == DEFAULT
            or iri.startswith(STAGING)
            or any(iri.startswith(p) for p in self.settings.exclude)
        )

    def _dataset_graphs(self, fresh: bool = False) -> list[str]:
        """Return the application's named graphs (never empty: EMPTY stands for none)."""
        with self._lock:
            cached = self._graphs
        if cached is not None and not fresh and time.monotonic() - cached[0] < self.cache_seconds:
            return cached[1]
        rows = self._parsed(LIST_GRAPHS, [])
        graphs = sorted(
            r["g"].value
            for r in rows
            if isinstance(r["g"], ox.NamedNode) and not self._excluded(r["g"].value)
        )
        listed = graphs or [EMPTY]
        with self._lock:
            self._graphs = (time.monotonic(), listed)
        return listed

    def _default_graph_used(self) -> bool:
        """Tell whether the default graph (kept in DEFAULT) holds triples; cached like the
        graph list, but one lookup rather than a scan of every graph."""
        with self._lock:
            cached = self._default_used
        if cached is not None and time.monotonic() - cached[0] < self.cache_seconds:
            return cached[1]
        ask = f"ASK WHERE {{ GRAPH <{DEFAULT}> {{ ?s ?p ?o }} }}"
        used = bool(self._parsed(ask, [("named-graph-uri", DEFAULT)]))
        with self._lock:
            self._default_used = (time.monotonic(), used)
        return used

    def forget_graphs(self) -> None:
        """Drop the cached graph list: the next query lists the graphs again."""
        with self._lock:
            self._graphs = None
            self._default_used = None

    # -- writes --------------------------------------------------------------------------

    def update(
        self,
        update: str,
        *,
        base_iri: str | None = None,
        prefixes: dict[str, str] | None = None,
        timeout: float | None = None,
        using: Iterable[str] = (),
        using_named: Iterable[str] = (),
    ) -> None:
        """Run a SPARQL update as one request (the server applies all of it or none).

        ``using`` and ``using_named`` go as the protocol's ``using-graph-uri`` and
        ``using-named-graph-uri`` parameters. ``DROP GRAPH`` of a graph that holds triples
        goes as ``DROP SILENT GRAPH``, which means the same for it (see :meth:`_drop_text`).
        """
        text = with_prologue(self._drop_text(update, prefixes), base_iri, prefixes)
        dataset = [("using-graph-uri", g) for g in using]
        dataset += [("using-named-graph-uri", g) for g in using_named]
        url = self.settings.update_url
        if dataset:
            url += ("&" if "?" in url else "?") + urlencode(dataset)
        try:
            self._send(
                "POST",
                url,
                text.encode("utf-8"),
                "application/sparql-update",
                "*/*",
                timeout,
                "update",
            )
        except SyntaxError:
            # Small updates only: parsing a bulk write again here would cost its memory twice.
            if len(update) < 1_000_000:
                explain_syntax(
                    lambda: ox.Store().update(update, base_iri=base_iri, prefixes=prefixes)
                )
            raise
        finally:
            self.forget_graphs()

    def _drop_text(self, update: str, prefixes: dict[str, str] | None) -> str:
        """Return ``update`` with ``SILENT`` added to each ``DROP GRAPH`` of a graph that
        holds triples.

        Virtuoso refuses ``DROP GRAPH <g>`` for a graph not made by ``CREATE GRAPH`` ("has
        not been explicitly created"), even one holding triples, which is every graph
        written by inserts. For a graph that exists, ``SILENT`` changes nothing the
        standard defines, so the drop does what it does on other stores; a graph with no
        triples is left to the server to judge (Oxigraph keeps empty graphs, Virtuoso
        does not). The check is made before the request: a graph an earlier operation of
        the same request fills is judged as it was before.
        """
        drops = graph_drops(update, prefixes)
        held = [at for at, graph in drops if self._holds_triples(graph)]
        return silenced(update, held) if held else update

    def _holds_triples(self, graph: str) -> bool:
        """Tell whether ``graph`` holds a triple, whether or not the dataset lists it."""
        ask = f"ASK WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}"
        return bool(self._parsed(ask, [("named-graph-uri", graph)]))

    def extend(self, quads: Iterable[ox.Quad]) -> None:
        """Add quads in one update."""
        self.update(insert_data(quads))

    def add(self, quad: ox.Quad) -> None:
        """Add one quad."""
        self.extend([quad])

    def remove(self, quad: ox.Quad) -> None:
        """Remove one quad."""
        self.update(f"DELETE DATA {{ {quad_text([quad])} }}")

    def add_graph(self, graph) -> None:
        """Create a named graph (a no-op on servers that keep no empty graphs)."""
        self.update(f"CREATE SILENT GRAPH <{_iri(graph)}>")

    def remove_graph(self, graph) -> None:
        """Remove a named graph and its triples."""
        self.update(f"DROP SILENT GRAPH <{_iri(graph)}>")

    def clear_graph(self, graph) -> None:
        """Remove the triples of a named graph."""
        self.update(f"CLEAR SILENT GRAPH <{_iri(graph)}>")

    def load(self, input=None, format=None, *, path=None, base_iri=None, to_graph=None) -> None:
        """Parse RDF here and add it in one update, like ``Store.load``."""
        source = {"path": path} if path is not None else {"input": input}
        target = to_graph
        quads = [
            ox.Quad(
                t.subject, t.predicate, t.object, target if target is not None else t.graph_name
            )
            if isinstance(t, ox.Quad)
            else ox.Quad(t.subject, t.predicate, t.object, target or ox.DefaultGraph())
            for t in ox.parse(format=format, base_iri=base_iri, **source)
        ]
        self.extend(quads)

    bulk_load = load

    def post_triples(self, graph: str, lines: Iterable[str]) -> int:
        """Append N-Triples ``lines`` to ``graph`` with Graph Store Protocol POSTs; count them.

        The server's own RDF parser reads them: no size limit of an Update text. A blank
        label names one node within one request, so lines that may hold one (``_:``) go
        together in the last request.
        """
        url = f"{self.settings.gsp_url}?{urlencode({'graph': graph})}"
        count, batch, blank = 0, [], []

        def send(lines: list[str]) -> int:
            body = ("\n".join(lines) + "\n").encode("utf-8")
            self._send("POST", url, body, "text/turtle", "*/*", None, "graph write")
            return len(lines)

        try:
            for line in lines:
                (blank if "_:" in line else batch).append(line)
                if len(batch) >= self.post_triples_per_request:
                    count += send(batch)
                    batch = []
            for rest in (batch, blank):
                if rest:
                    count += send(rest)
        finally:
            self.forget_graphs()
        return count

    def server_graphs(self) -> list[str]:
        """Return every graph the server holds, its own and staging graphs included."""
        return [
            r["g"].value for r in self._parsed(LIST_GRAPHS, []) if isinstance(r["g"], ox.NamedNode)
        ]

    def flush(self) -> None:
        """Do nothing: the server persists each request."""

    def optimize(self) -> None:
        """Do nothing: the server manages its own storage."""


def _iri(graph) -> str:
    if isinstance(graph, ox.DefaultGraph):
        return DEFAULT
    return graph.value if isinstance(graph, ox.NamedNode) else str(graph)
