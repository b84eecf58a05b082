"""Run queries in worker processes over read-only snapshots of an on-disk store.

Each worker (:mod:`graph.query_worker`) opens a *snapshot* of the store read-only; a worker
that passes the deadline is killed and replaced, which really stops the work, aggregates
included. A snapshot is a RocksDB checkpoint made with ``Store.backup`` (hard links, a few
milliseconds); a new one is taken after every write, so no worker ever reads files that
another process is writing, and snapshots no worker has open are removed.
"""

from __future__ import annotations

import os
import pickle
import shutil
import socket
import subprocess
import sys
import threading
import time
import uuid
import weakref
from multiprocessing.connection import Connection
from pathlib import Path
from queue import Empty, Queue

import pyoxigraph as ox

from graph.query_runner import (
    NotAcceptable,
    QueryError,
    QueryRequest,
    QueryResult,
    QuerySyntaxError,
    QueryTimeout,
    RunnerBusy,
)


class _Worker:
    """One worker process and the socket to it."""

    def __init__(self):
        parent, child = socket.socketpair()
        package_root = str(Path(__file__).resolve().parent.parent)
        env = dict(os.environ)
        env["PYTHONPATH"] = os.pathsep.join(p for p in (package_root, env.get("PYTHONPATH")) if p)
        self.process = subprocess.Popen(
            [sys.executable, "-m", "graph.query_worker", str(child.fileno())],
            pass_fds=(child.fileno(),),
            env=env,
            stdin=subprocess.DEVNULL,
        )
        child.close()
        self.conn = Connection(parent.detach())
        self.snapshot: str | None = None

    def kill(self) -> None:
        self.process.kill()
        self.process.wait()
        self.conn.close()


class ProcessRunner:
    """Run queries in worker processes over read-only snapshots of an on-disk store."""

    def __init__(self, store: ox.Store, snapshot_dir: str | os.PathLike[str], workers: int = 2):
        if workers < 1:
            raise ValueError("a ProcessRunner needs at least one worker")
        self.store = store
        self.snapshot_dir = Path(snapshot_dir)
        self.size = workers
        self._idle: Queue[_Worker] = Queue()
        self._all: set[_Worker] = set()
        self._lock = threading.Lock()
        self._version = 0
        self._snapshot: str | None = None
        self._snapshot_version = -1
        # Whether a snapshot may be left to remove; most requests find nothing to collect
        # and skip the directory listing.
        self._stale = False
        self._closed = False
        # Workers die with this process anyway (their socket closes); this also stops them
        # when a runner is dropped without close(), e.g. by a test.
        self._finalizer = weakref.finalize(self, _stop_workers, self._all)
        self.snapshot_dir.mkdir(parents=True, exist_ok=True)
        for stale in self.snapshot_dir.iterdir():
            # Left by a server that did not shut down cleanly; the store's lock proves no
            # other server uses this directory now.
            shutil.rmtree(stale, ignore_errors=True)

    def data_changed(self) -> None:
        """Note a write: the next query runs on a fresh snapshot."""
        with self._lock:
            self._version += 1

    def start(self) -> None:
        """Start every worker now rather than at first use, and tune thread switching.

        A request thread that waits on a worker releases the GIL and needs it back to read
        the answer; with the other server threads running Python, the default switch
        interval (5 ms) makes each such wait last up to 5 ms, which capped 8 concurrent
        clients at the rate of one. A shorter interval hands the GIL over sooner.
        """
        sys.setswitchinterval(min(sys.getswitchinterval(), SWITCH_INTERVAL))
        workers = []
        for _ in range(self.size):
            worker = self._acquire(time.monotonic() + 60)
            workers.append(worker)
        for worker in workers:
            self._idle.put(worker)

    def run(self, request: QueryRequest, timeout: float) -> QueryResult:
        """Run ``request`` in a worker; kill the worker if it passes ``timeout`` seconds."""
        deadline = time.monotonic() + timeout
        worker = self._acquire(deadline)
        snapshot = self._current_snapshot()
        try:
            worker.conn.send_bytes(pickle.dumps((snapshot, request), pickle.HIGHEST_PROTOCOL))
            if not worker.conn.poll(max(0.0, deadline - time.monotonic())):
                self._discard(worker)
                worker = None
                raise QueryTimeout(f"the query ran longer than {timeout:g} s and was stopped")
            status, payload = pickle.loads(worker.conn.recv_bytes())
        except (EOFError, OSError) as error:
            if worker is not None:
                self._discard(worker)
                worker = None
            raise QueryError(f"the query worker died: {error}") from None
        finally:
            if worker is not None:
                self._release(worker, snapshot)
        if status == "ok":
            return payload
        raise _ERRORS.get(status, QueryError)(payload)

    def _acquire(self, deadline: float) -> _Worker:
        try:
            return self._idle.get_nowait()
        except Empty:
            pass
        with self._lock:
            if self._closed:
                raise QueryError("the query runner is closed")
            if len(self._all) < self.size:
                worker = _Worker()
                self._all.add(worker)
                return worker
        try:
            return self._idle.get(timeout=max(0.0, deadline - time.monotonic()))
        except Empty:
            raise RunnerBusy("every query worker stayed busy until the deadline") from None

    def _release(self, worker: _Worker, snapshot: str) -> None:
        worker.snapshot = snapshot
        self._idle.put(worker)
        if self._stale:
            self._collect()

    def _discard(self, worker: _Worker) -> None:
        worker.kill()
        with self._lock:
            self._all.discard(worker)
            self._stale = True
        self._collect()

    def _current_snapshot(self) -> str:
        with self._lock:
            if self._snapshot_version != self._version:
                version = self._version
                path = self.snapshot_dir / f"v{version}-{uuid.uuid4().hex[:8]}"
                self.store.flush()
                self.store.backup(str(path))
                self._snapshot, self._snapshot_version = str(path), version
                self._stale = True
            return self._snapshot

    def _collect(self) -> None:
        """Remove snapshots that no worker has open and that are no longer current."""
        with self._lock:
            in_use = {w.snapshot for w in self._all} | {self._snapshot}
            for entry in self.snapshot_dir.iterdir():
                if str(entry) not in in_use:
                    shutil.rmtree(entry, ignore_errors=True)
            # Snapshots still open by a worker are removed once it moves on.
            self._stale = len(in_use - {None}) > 1

    def status(self) -> dict:
        """Describe the worker pool for health checks."""
        return {
            "mode": "processes",
            "workers": len(self._all),
            "max_workers": self.size,
            "idle": self._idle.qsize(),
        }

    def close(self) -> None:
        """Stop every worker and remove the snapshots."""
        with self._lock:
            self._closed = True
        self._finalizer()
        shutil.rmtree(self.snapshot_dir, ignore_errors=True)


def _stop_workers(workers: set[_Worker]) -> None:
    """Kill every worker in ``workers`` and forget them."""
    for worker in list(workers):
        worker.kill()
    workers.clear()


# Seconds; see ProcessRunner.start.
SWITCH_INTERVAL = 0.0005

_ERRORS = {"syntax": QuerySyntaxError, "not-acceptable": NotAcceptable, "timeout": QueryTimeout}
