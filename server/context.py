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

from graph.batch_limits import BatchRefused
from graph.endpoint.forwarding import ForwardingRunner
from graph.endpoint.pool import ProcessRunner
from graph.endpoint.runner import InProcessRunner, QueryRequest
from graph.ingest import IngestError, Rejected
from graph.ingest.roles import CONTRIBUTOR, allows
from graph.store import MEMORY, default_location, is_external, is_store, open_store
from server.errors import Problem
from server.settings import Token, write_tokens

T = TypeVar("T")
EXTENSION = "openness"
# Raised before anything is written: the data, and so its version, stay as they were.
NOTHING_WRITTEN = (Rejected, IngestError, BatchRefused, Problem, SyntaxError)


class ServerContext:
    """The store, the runner that queries it, and the rules for writing to it."""

    def __init__(self, settings: Mapping[str, Any]):
        self.settings = settings
        location = settings.get("STORE")
        self.store_path: Path | None = None
        if is_store(location):
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
        if is_external(self.store):
            # A server answers the queries itself; it may take as long as one is given.
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
                long_after=settings["QUERY_LONG_AFTER"],
                max_long=settings["QUERY_LONG_MAX"],
                client_long=settings["QUERY_CLIENT_LONG"],
            )
        else:
            self.runner = InProcessRunner(self.store)
        self.tokens: dict[str, Token] = write_tokens(settings)
        self.write_lock = threading.Lock()
        self.data_version = 0
        # A write failed part way: its derive may not have run (see server.derived).
        self.derived_stale = False
        self._cache: dict[str, tuple[int, Any]] = {}

    @property
    def writable(self) -> bool:
        """Tell whether writes are enabled (a write token is configured)."""
        return bool(self.tokens)

    def query(self, text: str, client: str | None = None, **options: Any):
        """Run ``text`` through the runner with the server's timeout; return the QueryResult.

        ``client`` (the sender's address) counts against that client's long-query share.
        """
        options.setdefault("union_default_graph", self.settings["UNION_DEFAULT_GRAPH"])
        request = QueryRequest(text, **options)
        return self.runner.run(request, self.settings["QUERY_TIMEOUT"], client=client)

    def write(self, action: Callable[[ox.Store], T]) -> T:
        """Apply ``action`` to the store under the write lock, then publish the new data."""
        with self.write_lock:
            try:
                result = action(self.store)
            except NOTHING_WRITTEN:
                raise
            except BaseException:
                # The action may have written before it failed: publish whatever is there,
                # and note that its derive may not have run (see server.derived).
                self.derived_stale = True
                self._published()
                raise
            self._published()
            return result

    def _published(self) -> None:
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

    def authorize_write(self, needed: str = CONTRIBUTOR) -> str:
        """Check the bearer token of the current request; return the token's name.

        403 when writes are off, 401 without a bearer token, 403 with a wrong one or one
        whose role is below ``needed``.
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
        name = self.token_name(given.strip())
        if name is None:
            challenge = 'Bearer realm="openness", error="invalid_token"'
            raise Problem(
                403,
                "The bearer token is not a write token of this server.",
                headers={"WWW-Authenticate": challenge},
            )
        self.check_role(name, needed)
        return name

    def token_name(self, given: str) -> str | None:
        """Return the name of the write token ``given``, or None; compared in constant time."""
        given_bytes = given.encode("utf-8")
        found = None
        for name, token in self.tokens.items():
            if hmac.compare_digest(given_bytes, token.secret.encode("utf-8")):
                found = name
        return found

    def role(self, name: str) -> str:
        """Return the role of the write token called ``name``."""
        return self.tokens[name].role

    def check_role(self, name: str, needed: str) -> None:
        """Refuse with 403, naming the role needed, when the token ``name`` lacks it."""
        role = self.role(name)
        if not allows(role, needed):
            challenge = 'Bearer realm="openness", error="insufficient_scope"'
            raise Problem(
                403,
                f"This needs a token with the {needed} role; the token {name!r} has the "
                f"{role} role (see docs/endpoint.md#writes).",
                title="Role not allowed",
                headers={"WWW-Authenticate": challenge},
            )

    def close(self) -> None:
        """Stop the query workers."""
        self.runner.close()


def context() -> ServerContext:
    """Return the :class:`ServerContext` of the current app."""
    return current_app.extensions[EXTENSION]
