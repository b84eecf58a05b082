"""Run the endpoint's queries on an external SPARQL server, with the endpoint's own limits.

The query goes to the server as it came (the refusals of SERVICE and LOAD happen before
any runner is asked); the answer is parsed and written again here, so the row cap, the
formats and the timeout behave as they do on the embedded store. A server that does not
answer before the deadline gives the usual timeout; one that is unreachable raises
:class:`graph.store.server.StoreUnavailable`, which the web application answers with 503.
"""

from __future__ import annotations

import time

from graph.query_runner import QueryRequest, QueryResult, QueryTimeout, execute
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

    def __init__(self, store: SparqlStore):
        self.store = store

    def run(self, request: QueryRequest, timeout: float) -> QueryResult:
        """Run ``request`` on the server; raise QueryTimeout after ``timeout`` seconds."""
        deadline = time.monotonic() + timeout
        try:
            result = execute(_UntilDeadline(self.store, deadline), request, deadline)
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
        return {"mode": "external", "server": self.store.settings.label}

    def close(self) -> None:
        """Do nothing: the server outlives this application."""
