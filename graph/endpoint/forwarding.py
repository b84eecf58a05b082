"""Run the endpoint's queries on an external SPARQL server, with the endpoint's own limits.

The query goes to the server as it came, once :func:`graph.endpoint.runner.execute` has
checked it; here every query is parsed by the checking parser, not only those that spell
SERVICE or FROM, since a server may have its own extensions that fetch (Virtuoso's
``DEFINE get:soft``), which no standard parser accepts. The answer is parsed and written again here, so the row cap, the
formats and the timeout behave as they do on the embedded store. A server that does not
answer before the deadline gives the usual timeout; one that is unreachable raises
:class:`graph.store.server.StoreUnavailable`, which the web application answers with 503.
"""

from __future__ import annotations

import threading
import time

from graph.endpoint.runner import QueryRequest, QueryResult, QueryTimeout, RunnerBusy, execute
from graph.sparql.guard import SERVER_PARSE_LIMIT, parse_safely
from graph.store.server import SparqlStore, StoreTimeout


class _UntilDeadline:
    """Give ``execute`` a store whose queries wait for the server no longer than a deadline."""

    def __init__(self, store: SparqlStore, deadline: float):
        self.store = store
        self.deadline = deadline

    def query(self, text: str, **options):
        left = self.deadline - time.monotonic()
        if left <= 0:
            raise QueryTimeout("deadline passed before the query was sent")
        return self.store.query(text, timeout=left, **options)


class ForwardingRunner:
    """Send each query to the external server; time out at the endpoint's deadline."""

    def __init__(
        self, store: SparqlStore, max_running: int | None = None, max_waiting: int | None = None
    ):
        self.store = store
        # Each forwarded query holds a server thread until the server answers: as with the
        # worker pool, at most ``max_running`` run and ``max_waiting`` wait for one of them;
        # any more are answered RunnerBusy at once, so slow queries cannot take every thread.
        self.max_running = max_running
        self.max_waiting = max_running if max_waiting is None else max_waiting
        self._slots = threading.BoundedSemaphore(max_running) if max_running else None
        self._waiting = 0
        self._lock = threading.Lock()

    def run(self, request: QueryRequest, timeout: float, client: str | None = None) -> QueryResult:
        """Run ``request`` on the server; raise QueryTimeout after ``timeout`` seconds.

        ``client`` is accepted as the worker pool takes it: a query the server runs cannot
        be stopped part way here, so the long-query places do not apply.
        """
        if self._slots is None:
            return self._run(request, timeout)
        started = time.monotonic()
        if not self._slots.acquire(blocking=False):
            with self._lock:
                if self._waiting >= self.max_waiting:
                    raise RunnerBusy(
                        f"{self.max_running} queries run on the SPARQL server and "
                        f"{self._waiting} wait"
                    )
                self._waiting += 1
            try:
                if not self._slots.acquire(timeout=timeout):
                    raise RunnerBusy("no query slot came free before the deadline")
            finally:
                with self._lock:
                    self._waiting -= 1
        try:
            return self._run(request, timeout - (time.monotonic() - started))
        finally:
            self._slots.release()

    def _run(self, request: QueryRequest, timeout: float) -> QueryResult:
        deadline = time.monotonic() + timeout
        try:
            # The store parses the text with Oxigraph to explain a syntax error.
            result = parse_safely(
                lambda: execute(
                    _UntilDeadline(self.store, deadline),
                    request,
                    deadline,
                    size_limit=SERVER_PARSE_LIMIT,
                    always_parse=True,
                ),
                request.query,
            )
        except StoreTimeout:
            raise QueryTimeout(
                f"the SPARQL server did not answer within {timeout:g} s; the request was dropped"
            ) from None
        if time.monotonic() > deadline:
            raise QueryTimeout(f"the query ran longer than {timeout:g} s")
        return result

    def data_changed(self) -> None:
        """Note a write: the next query lists the server's graphs again."""
        self.store.forget_graphs()

    def status(self) -> dict:
        """Describe the runner for health checks."""
        return {
            "mode": "external",
            "server": self.store.settings.label,
            "max_running": self.max_running,
            "waiting": self._waiting,
            "max_waiting": self.max_waiting,
        }

    def close(self) -> None:
        """Do nothing: the server outlives this application."""
