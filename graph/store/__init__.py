"""Open the store: Oxigraph on disk by default, in memory for tests, or an external server.

A store setting is a directory, ``":memory:"``, or a ``sparql+http(s)://`` URL naming an
external SPARQL 1.1 server (see :mod:`graph.store.setting`). The package holds all that
differs between the kinds, so no module outside it asks which kind it has:

- :mod:`graph.store.writes`: every write, and its guarantees per kind (the contract);
  ``embedded_writes`` and ``server_writes`` implement it;
- :mod:`graph.store.server`: :class:`SparqlStore`, an external server behind the parts of
  pyoxigraph's ``Store`` the application uses; ``server_text`` writes its requests,
  ``server_answers`` reads its answers, ``setting`` its ``sparql+http://`` setting;
- :mod:`graph.store.errors`: what a store that lives elsewhere raises;
- :mod:`graph.store.transfer`: dump a whole dataset, restore it into any store;
- :mod:`graph.store.snapshots`: the read-only snapshots a server shares, which
  :func:`open_for_reading` opens while the server holds the store.
"""

from __future__ import annotations

import os
from pathlib import Path

import pyoxigraph as ox

from graph.store import embedded_writes, snapshots
from graph.store.server import SparqlStore, StoreError
from graph.store.setting import is_server_url, parse_store_url

ENV_VAR = "OPENNESS_STORE"
MEMORY = ":memory:"


def default_location() -> Path | str:
    """Return the store used when none is given: $OPENNESS_STORE, else ./var/store.

    A ``sparql+http(s)://`` setting is returned as a string, a directory as a Path.
    """
    setting = os.environ.get(ENV_VAR)
    if is_server_url(setting):
        return setting
    return Path(setting or Path.cwd() / "var" / "store")


def is_external(location: object) -> bool:
    """Tell whether a store setting or an opened store is an external SPARQL server."""
    return isinstance(location, SparqlStore) or is_server_url(location)


def is_store(value: object) -> bool:
    """Tell whether ``value`` is an opened store (of either kind) rather than a setting."""
    return isinstance(value, ox.Store | SparqlStore)


def open_store(location: str | os.PathLike[str] | None = None) -> ox.Store:
    """Open (creating if needed) the Oxigraph store at ``location``, or connect to a server.

    ``":memory:"`` gives a fresh in-memory store; ``None`` the default location; a
    ``sparql+http(s)://`` URL an external SPARQL server (:class:`SparqlStore`). An
    on-disk store is first rid of the graphs a bulk write that died left half-written
    (:func:`graph.store.writes.clean_up`).
    """
    if location is None:
        location = default_location()
    if is_server_url(str(location)):
        try:
            return SparqlStore(parse_store_url(str(location)))
        except ValueError as exc:
            raise StoreError(str(exc)) from None
    if str(location) == MEMORY:
        return ox.Store()
    path = Path(location)
    path.mkdir(parents=True, exist_ok=True)
    try:
        store = ox.Store(str(path))
    except OSError as exc:
        raise StoreError(_cannot_open(path, exc)) from exc
    # A bulk write that died left its graphs marked: drop them before anyone reads them.
    embedded_writes.clean_up(store)
    return store


def open_for_reading(location: str | os.PathLike[str] | None = None) -> ox.Store:
    """Open the store to read it: as :func:`open_store` does, or, while a running server
    holds an on-disk store, the latest snapshot that server shares (read-only; see
    :mod:`graph.store.snapshots`). Nothing is loaded; a graph a killed bulk write left
    marked is dropped, as :func:`open_store` does."""
    if location is None:
        location = default_location()
    if is_server_url(str(location)) or str(location) == MEMORY:
        return open_store(location)
    path = Path(location)
    path.mkdir(parents=True, exist_ok=True)
    try:
        store = ox.Store(str(path))
    except OSError as exc:
        served = snapshots.open_latest(snapshots.snapshot_dir_for(path))
        if served is not None:
            return served
        raise StoreError(_cannot_open(path, exc)) from exc
    embedded_writes.clean_up(store)
    return store


def is_snapshot(store: object) -> bool:
    """Tell whether ``store`` is a server's snapshot, opened by :func:`open_for_reading`."""
    return snapshots.is_snapshot(store)


def _cannot_open(path: Path, exc: OSError) -> str:
    """Say why the store at ``path`` cannot be opened read-write, and what to do."""
    if snapshots.is_published(snapshots.snapshot_dir_for(path)):
        return (
            f"cannot write to the store at {path}: a running `openness serve` holds it. "
            "Stop the server first, or write through it: POST /submissions, or SPARQL "
            "Update and the Graph Store Protocol with a write token (docs/endpoint.md, "
            "Writes). Read commands (trace, query, stats, spectrum, analyze, report, dump) "
            "read the server's latest snapshot meanwhile."
        )
    return (
        f"cannot open the store at {path}: {exc}. Is another openness process using it? "
        f"Stop it, or point {ENV_VAR} / --store at another directory."
    )


def open_read_only(location: str | os.PathLike[str]) -> ox.Store:
    """Open an existing on-disk store for reading only."""
    return ox.Store.read_only(str(location))
