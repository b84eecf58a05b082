"""Tell which version of the data a store holds, and keep analytics results per version.

The data version is a SHA-256 over the rows of one query
(``graph/queries/analytics-data-version.rq``):

- the catalogue graph: every loaded graph's IRI and ``og:contentHash``. A load,
  a reload of a changed file and an accepted submission all change it;
- the derived graphs' state: for each of ``graph/derived/assessments`` and
  ``graph/derived/scores``, how many nodes carry ``prov:generatedAtTime`` and
  the latest of those times. A derive changes it.

Results are cached in-process under ``(store, measure, version, args)``: the
same question about the same data is answered once. ``store`` is the store
object's identity, so two stores never share results even when their
catalogues happen to agree; the cache holds at most ``max_entries`` results
and drops the least recently used. Writes that bypass the loader and the
derivation (a raw SPARQL Update, ``Store.load`` in a script) leave the version
as it was: call ``clear_cache()`` after them.
"""

from __future__ import annotations

import copy
import hashlib
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any

import pyoxigraph as ox

from graph.queries import load_query

VERSION_QUERY = load_query("analytics-data-version")


def data_version(store: ox.Store) -> str:
    """Return the store's data version, ``sha256:<hex>``, from one query (see the module doc)."""
    lines = sorted(
        "\t".join("" if term is None else term.value for term in solution)
        for solution in store.query(VERSION_QUERY)
    )
    return "sha256:" + hashlib.sha256("\n".join(lines).encode()).hexdigest()


class ResultCache:
    """A bounded, thread-safe map from (store, measure, version, args) to a computed result.

    ``get_or_compute`` runs ``compute`` once per key even when several threads
    ask at the same time: the others wait for the first and share its result.
    """

    def __init__(self, max_entries: int = 64):
        self.max_entries = max_entries
        self._entries: OrderedDict[Hashable, Any] = OrderedDict()
        self._lock = threading.Lock()
        self._pending: dict[Hashable, threading.Lock] = {}

    def __len__(self) -> int:
        return len(self._entries)

    def clear(self) -> None:
        """Forget every result."""
        with self._lock:
            self._entries.clear()

    def get_or_compute(self, key: Hashable, compute: Callable[[], Any]) -> Any:
        """Return the result stored under ``key``, computing and storing it if there is none."""
        with self._lock:
            if key in self._entries:
                self._entries.move_to_end(key)
                return self._entries[key]
            gate = self._pending.setdefault(key, threading.Lock())
        with gate:
            with self._lock:
                if key in self._entries:
                    return self._entries[key]
            try:
                value = compute()
                with self._lock:
                    self._entries[key] = value
                    while len(self._entries) > self.max_entries:
                        self._entries.popitem(last=False)
            finally:
                with self._lock:
                    self._pending.pop(key, None)
            return value


DEFAULT_CACHE = ResultCache()


def clear_cache() -> None:
    """Forget every cached analytics result of this process."""
    DEFAULT_CACHE.clear()


class Snapshot:
    """One store at one data version: the key under which its results are cached."""

    def __init__(self, store: ox.Store, cache: ResultCache | None = None):
        self.store = store
        self.cache = DEFAULT_CACHE if cache is None else cache
        self.version = data_version(store)

    def get(self, name: str, args: tuple, compute: Callable[[], Any]) -> Any:
        """Return the cached value of ``name`` with ``args`` at this version, computing it once."""
        return self.cache.get_or_compute((id(self.store), name, self.version, args), compute)


def finish(result: dict, limit: int | None) -> dict:
    """Return a copy of a full result with its items cut to ``limit`` and its labels to match.

    The cached result is never handed out, so a caller may change what it gets.
    """
    if limit is not None and limit < 0:
        raise ValueError("limit must be zero or more")
    items = result["items"] if limit is None else result["items"][:limit]
    out = {k: v for k, v in result.items() if k not in ("items", "labels")}
    out["limit"] = limit
    out["items"] = copy.deepcopy(items)
    labels = result.get("labels", {})
    if limit is None:
        out["labels"] = dict(labels)
    else:
        wanted = _strings(items) | _strings({k: v for k, v in out.items() if k != "items"})
        out["labels"] = {k: v for k, v in labels.items() if k in wanted}
    return out


def _strings(value: object) -> set[str]:
    found: set[str] = set()
    stack = [value]
    while stack:
        v = stack.pop()
        if isinstance(v, str):
            found.add(v)
        elif isinstance(v, dict):
            stack.extend(v.values())
        elif isinstance(v, list | tuple):
            stack.extend(v)
    return found
