"""Open the store: Oxigraph on disk by default, in memory for tests."""

from __future__ import annotations

import os
from pathlib import Path

import pyoxigraph as ox

ENV_VAR = "OPENNESS_STORE"
MEMORY = ":memory:"


def default_location() -> Path:
    """Return the store directory used when none is given: $OPENNESS_STORE, else ./var/store."""
    return Path(os.environ.get(ENV_VAR) or Path.cwd() / "var" / "store")


def open_store(location: str | os.PathLike[str] | None = None) -> ox.Store:
    """Open (creating if needed) the Oxigraph store at ``location``.

    ``":memory:"`` gives a fresh in-memory store; ``None`` the default location.
    """
    if location is not None and str(location) == MEMORY:
        return ox.Store()
    path = Path(location) if location is not None else default_location()
    path.mkdir(parents=True, exist_ok=True)
    try:
        return ox.Store(str(path))
    except OSError as exc:
        raise StoreError(
            f"cannot open the store at {path}: {exc}. Is another openness process using it? "
            f"Stop it, or point {ENV_VAR} / --store at another directory."
        ) from exc


def open_read_only(location: str | os.PathLike[str]) -> ox.Store:
    """Open an existing on-disk store for reading only."""
    return ox.Store.read_only(str(location))


class StoreError(RuntimeError):
    """The store could not be opened or used."""
