"""Share read-only snapshots of an on-disk store with other processes while a server holds it.

A serving process keeps the store open read-write, which holds RocksDB's lock: no other
process may open it, and opening it read-only while it is written is undefined behaviour in
Oxigraph. The server's query workers read *snapshots* instead (RocksDB checkpoints, made
with ``Store.backup``: hard links that nothing writes). This module lets any other process
read them too:

- the server names its latest snapshot in the file ``current`` of the snapshot directory
  (:func:`publish`), written whole by a rename;
- a reader opens that snapshot read-only under a shared ``flock`` on its directory
  (:func:`open_latest`), held until the reading process ends;
- the server removes an old snapshot only when it can take that lock exclusively
  (:func:`remove_unless_read`), so a snapshot is never deleted under a reader.
"""

from __future__ import annotations

import fcntl
import os
import shutil
from pathlib import Path

import pyoxigraph as ox

SNAPSHOT_DIR_VAR = "OPENNESS_SNAPSHOT_DIR"
CURRENT = "current"
# RocksDB writes this file into every checkpoint; a directory without it is not one (yet).
_ROCKSDB_CURRENT = "CURRENT"

# The stores opened from snapshots in this process, by id, with the descriptor whose shared
# lock keeps the snapshot from being removed. Both live as long as the process.
_READERS: dict[int, tuple[ox.Store, int]] = {}


def snapshot_dir_for(store_path: str | os.PathLike[str]) -> Path:
    """Return where a server over ``store_path`` keeps snapshots: $OPENNESS_SNAPSHOT_DIR or
    ``<store>.snapshots`` beside it."""
    setting = os.environ.get(SNAPSHOT_DIR_VAR)
    if setting:
        return Path(setting)
    path = Path(store_path)
    return path.with_name(path.name + ".snapshots")


def publish(snapshot_dir: Path, snapshot: str | os.PathLike[str]) -> None:
    """Name ``snapshot`` the latest one for readers in other processes."""
    pending = snapshot_dir / f".{CURRENT}.{os.getpid()}"
    pending.write_text(Path(snapshot).name, encoding="utf-8")
    os.replace(pending, snapshot_dir / CURRENT)


def withdraw(snapshot_dir: Path) -> None:
    """Say that no server publishes snapshots here any more."""
    (snapshot_dir / CURRENT).unlink(missing_ok=True)


def is_published(snapshot_dir: Path) -> bool:
    """Tell whether a server names a latest snapshot in ``snapshot_dir``."""
    return (snapshot_dir / CURRENT).is_file()


def remove_unless_read(path: str | os.PathLike[str]) -> bool:
    """Remove the snapshot at ``path`` unless a reader holds it; return whether it is gone."""
    path = Path(path)
    if not path.is_dir():
        path.unlink(missing_ok=True)
        return True
    try:
        fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
    except FileNotFoundError:
        return True
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        shutil.rmtree(path, ignore_errors=True)
        return not path.exists()
    finally:
        os.close(fd)


def open_latest(snapshot_dir: Path, attempts: int = 5) -> ox.Store | None:
    """Open the latest published snapshot read-only, or return None when none is published.

    The snapshot stays locked against removal until this process ends. A snapshot replaced
    and removed between reading its name and locking it is skipped for the next one.
    """
    for _ in range(attempts):
        try:
            name = (snapshot_dir / CURRENT).read_text(encoding="utf-8").strip()
        except FileNotFoundError:
            return None
        path = snapshot_dir / name
        try:
            fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
        except FileNotFoundError:
            continue
        fcntl.flock(fd, fcntl.LOCK_SH)
        if not (path / _ROCKSDB_CURRENT).is_file():
            os.close(fd)  # removed while we waited for the lock
            continue
        store = ox.Store.read_only(str(path))
        _READERS[id(store)] = (store, fd)
        return store
    return None


def is_snapshot(store: object) -> bool:
    """Tell whether ``store`` was opened from a server's snapshot (and so cannot be written)."""
    return id(store) in _READERS and _READERS[id(store)][0] is store
