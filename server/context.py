"""Hold what every view shares: the store, the query runner, the settings and the write lock.

``create_app`` puts one :class:`ServerContext` in ``app.extensions["openness"]``; views
reach it with :func:`context`.
"""

from __future__ import annotations

import hmac
import threading
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, TypeVar

import pyoxigraph as ox
from flask import current_app, request

from graph.forwarding_runner import ForwardingRunner
from graph.query_pool import ProcessRunner
from graph.query_runner import InProcessRunner, QueryRequest
from graph.sparql_store import SparqlStore
from graph.store import MEMORY, default_location, is_external, open_store
from server.errors import Problem
from server.settings import write_tokens

T = TypeVar("T")
EXTENSION = "openness"


class ServerContext:
    """The store, the runner that queries it, and the rules for writing to it."""

    def __init__(self, settings: Mapping[str, Any]):
        self.settings = settings
        location = settings.get("STORE")
        self.store_path: Path | None = None
        if isinstance(location, ox.Store | SparqlStore):
            self.store = location
        elif location is not None and str(location) == MEMORY:
            self.store = open_store(MEMORY)
        else:
            where = location if location is not None else default_location()
            if is_external(where):
                self.store = open_store(where)
            else:
                self.store_path = Path(where)
                self.store = open_store(self.store_path)
        if isinstance(self.store, SparqlStore):
            self.store.timeout = max(self.store.timeout, settings["QUERY_TIMEOUT"])
            self.runner = ForwardingRunner(
                self.store, settings["QUERY_WORKERS"] or 1, settings["QUERY_QUEUE"]
            )
        elif self.store_path is not None and settings["QUERY_WORKERS"] > 0:
            snapshots = settings.get("SNAPSHOT_DIR") or self.store_path.with_name(
                self.store_path.name + ".snapshots"
            )
            self.runner = ProcessRunner(
                self.store,
                snapshots,
                settings["QUERY_WORKERS"],
                # Without an allowlist no query may reach the network: cut workers off it.
                sandbox=not settings["SERVICE_ALLOWLIST"],
                memory_mb=settings["QUERY_MEMORY_LIMIT"],
                max_waiting=settings["QUERY_QUEUE"],
            )
        else:
            self.runner = InProcessRunner(self.store)
        self.tokens = write_tokens(settings)
        self.write_lock = threading.Lock()
        self.data_version = 0
        self._cache: dict[str, tuple[int, Any]] = {}

    @property
    def writable(self) -> bool:
        """Tell whether writes are enabled (a write token is configured)."""
        return bool(self.tokens)

    def query(self, text: str, **options: Any):
        """Run ``text`` through the runner with the server's timeout; return the QueryResult."""
        options.setdefault("union_default_graph", self.settings["UNION_DEFAULT_GRAPH"])
        return self.runner.run(QueryRequest(text, **options), self.settings["QUERY_TIMEOUT"])

    def write(self, action: Callable[[ox.Store], T]) -> T:
        """Apply ``action`` to the store under the write lock, then publish the new data."""
        with self.write_lock:
            try:
                return action(self.store)
            finally:
                self.data_version += 1
                self.runner.data_changed()

    def cached(self, name: str, compute: Callable[[], T]) -> T:
        """Return ``compute()``, computed once per version of the data."""
        version = self.data_version
        hit = self._cache.get(name)
        if hit is not None and hit[0] == version:
            return hit[1]
        value = compute()
        self._cache[name] = (version, value)
        return value

    def authorize_write(self) -> str:
        """Check the bearer token of the current request; return the token's name.

        403 when writes are off, 401 without a bearer token, 403 with a wrong one.
        """
        if not self.tokens:
            raise Problem(
                403,
                "Writes are disabled on this server: no write token is configured.",
                title="Writes disabled",
            )
        header = request.headers.get("Authorization", "")
        scheme, _, given = header.partition(" ")
        if scheme.lower() != "bearer" or not given.strip():
            raise Problem(
                401,
                "Writing needs an 'Authorization: Bearer <token>' header.",
                headers={"WWW-Authenticate": 'Bearer realm="openness"'},
            )
        given_bytes = given.strip().encode("utf-8")
        for name, token in self.tokens.items():
            if hmac.compare_digest(given_bytes, token.encode("utf-8")):
                return name
        challenge = 'Bearer realm="openness", error="invalid_token"'
        raise Problem(
            403,
            "The bearer token is not a write token of this server.",
            headers={"WWW-Authenticate": challenge},
        )

    def close(self) -> None:
        """Stop the query workers."""
        self.runner.close()


def context() -> ServerContext:
    """Return the :class:`ServerContext` of the current app."""
    return current_app.extensions[EXTENSION]
