"""Run queries in worker processes over read-only snapshots of an on-disk store.

Each worker (:mod:`graph.endpoint.worker`) opens a *snapshot* of the store read-only; a worker
that passes the deadline is killed and replaced, which really stops the work, aggregates
included. A snapshot is a RocksDB checkpoint made with ``Store.backup`` (hard links, a few
milliseconds); a new one is taken after every write, so no worker ever reads files that
another process is writing, and snapshots no worker has open are removed. When a new
snapshot cannot be made (a full disk, a store left failing by a failed write), queries go
on over the last good one and the next query tries again.

Workers may run without network access and under a memory limit (see
:mod:`graph.endpoint.worker`); one that dies is replaced by the next query that needs it.
At most ``max_waiting`` requests wait for a busy worker; any more are answered at once
with RunnerBusy, so that a burst of slow queries cannot hold every server thread.

Workers are shared fairly between slow and quick queries. A query that has run longer than
``long_after`` seconds is *long*; at most ``max_long`` queries may be long at once (by
default one fewer than there are workers), and at most ``client_long`` of them may come
from one client. A query that turns long past either limit is stopped then and answered
with LaneFull, which says to retry later: so at least one worker always takes quick
queries, each of which holds it under ``long_after`` seconds, and two slow queries cannot
starve everyone else; nor can one client hold every long place.
"""

from __future__ import annotations

import logging
import os
import pickle
import shutil
import signal
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

from graph.endpoint import runner
from graph.endpoint import worker as worker_module
from graph.endpoint.runner import (
    LaneFull,
    OutOfMemory,
    QueryError,
    QueryRequest,
    QueryResult,
    QueryTimeout,
    RunnerBusy,
    StoreUnreadable,
)
from graph.sparql import guard
from graph.store import snapshots

log = logging.getLogger(__name__)


class _Worker:
    """One worker process and the socket to it."""

    def __init__(self, sandbox: bool, memory_mb: int | None):
        parent, child = socket.socketpair()
        package_root = str(Path(__file__).resolve().parent.parent)
        env = dict(os.environ)
        env["PYTHONPATH"] = os.pathsep.join(p for p in (package_root, env.get("PYTHONPATH")) if p)
        command = [sys.executable, "-m", "graph.endpoint.worker", str(child.fileno())]
        if sandbox:
            command.append("--sandbox")
        if memory_mb:
            command += ["--memory-mb", str(memory_mb)]
        self.process = subprocess.Popen(
            command, pass_fds=(child.fileno(),), env=env, stdin=subprocess.DEVNULL
        )
        child.close()
        self.conn = Connection(parent.detach())
        self.snapshot: str | None = None
        self.hello: dict | None = None
        # Set while a long query runs in this worker at the lowest CPU priority.
        self.demoted = False

    def set_niceness(self, niceness: int) -> bool:
        """Set the worker's CPU priority; return False where the system refuses."""
        try:
            os.setpriority(os.PRIO_PROCESS, self.process.pid, niceness)
        except OSError:
            return False
        return True

    def ready(self, deadline: float) -> dict:
        """Read the worker's greeting (its sandbox state) once, waiting until ``deadline``."""
        if self.hello is None:
            if not self.conn.poll(max(0.0, deadline - time.monotonic())):
                raise QueryTimeout("the query worker did not start before the deadline")
            kind, self.hello = pickle.loads(self.conn.recv_bytes())
        return self.hello

    def exit_code(self) -> int | None:
        """Return the exit code of a worker whose socket closed (it may still be exiting)."""
        try:
            return self.process.wait(timeout=2)
        except subprocess.TimeoutExpired:
            return None

    def kill(self) -> None:
        self.process.kill()
        self.process.wait()
        self.conn.close()


class ProcessRunner:
    """Run queries in worker processes over read-only snapshots of an on-disk store."""

    def __init__(
        self,
        store: ox.Store,
        snapshot_dir: str | os.PathLike[str],
        workers: int = 2,
        *,
        sandbox: bool = False,
        memory_mb: int | None = None,
        max_waiting: int | None = None,
        long_after: float = 1.0,
        max_long: int | None = None,
        client_long: int | None = None,
    ):
        if workers < 1:
            raise ValueError("a ProcessRunner needs at least one worker")
        self.long_after = long_after
        self.max_long = max(1, workers - 1) if max_long is None else max(1, max_long)
        self.client_long = self.max_long if client_long is None else max(1, client_long)
        # Queries running past long_after, in all and by client.
        self._long = 0
        self._long_by: dict[str, int] = {}
        self.store = store
        self.snapshot_dir = Path(snapshot_dir)
        self.size = workers
        self.sandbox = sandbox
        self.memory_mb = memory_mb
        self.max_waiting = workers if max_waiting is None else max_waiting
        self._waiting = 0
        # What the last worker to start said about its sandbox; None until one has.
        self._sandbox_state: dict | None = None
        self._snapshot_error: str | None = None
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
        snapshots.withdraw(self.snapshot_dir)
        for stale in self.snapshot_dir.iterdir():
            # Left by a server that did not shut down cleanly; the store's lock proves no
            # other server uses this directory now (a command may still read one).
            snapshots.remove_unless_read(stale)

    def data_changed(self) -> None:
        """Note a write: take a fresh snapshot for the next query and for other readers."""
        with self._lock:
            self._version += 1
        self._share_snapshot()

    def _share_snapshot(self) -> None:
        """Snapshot the latest data now, so that commands in other processes read it."""
        try:
            self._current_snapshot()
        except StoreUnreadable:
            return  # said in status(); the next query tries again
        if self._stale:
            # Writes with no query between them leave no worker on the older snapshots.
            self._collect()

    def start(self) -> None:
        """Start every worker now rather than at first use, and tune thread switching.

        A request thread that waits on a worker releases the GIL and needs it back to read
        the answer; with the other server threads running Python, the default switch
        interval (5 ms) makes each such wait last up to 5 ms, which capped 8 concurrent
        clients at the rate of one. A shorter interval hands the GIL over sooner.
        """
        sys.setswitchinterval(min(sys.getswitchinterval(), SWITCH_INTERVAL))
        self._share_snapshot()
        workers = []
        for _ in range(self.size):
            worker = self._acquire(time.monotonic() + 60)
            workers.append(worker)
        for worker in workers:
            self._sandbox_state = worker.ready(time.monotonic() + 60)
            self._idle.put(worker)

    def run(self, request: QueryRequest, timeout: float, client: str | None = None) -> QueryResult:
        """Run ``request`` in a worker; kill the worker if it passes ``timeout`` seconds.

        ``client`` names who sent it (an address), for the long-query shares. Whatever
        fails, the worker goes back to the pool or is killed and forgotten (a new one starts
        when needed): none is ever lost to the pool's accounting.
        """
        deadline = time.monotonic() + timeout
        worker: _Worker | None = self._acquire(deadline)
        snapshot = worker.snapshot
        try:
            snapshot = self._current_snapshot()
            hello = worker.ready(deadline)
            self._sandbox_state = hello
            worker.conn.send_bytes(pickle.dumps((snapshot, request), pickle.HIGHEST_PROTOCOL))
            if not self._answered(worker, deadline, client):
                self._discard(worker)
                worker = None
                raise QueryTimeout(f"the query ran longer than {timeout:g} s and was stopped")
            status, payload = pickle.loads(worker.conn.recv_bytes())
            if status == "memory":
                # Python ran out of memory in the worker; start afresh rather than trust it.
                self._discard(worker)
                worker = None
        except (EOFError, OSError):
            dead, worker = worker, None
            code = dead.exit_code()
            self._discard(dead)
            raise self._death(code) from None
        except (QueryTimeout, LaneFull):
            if worker is not None:
                self._discard(worker)
                worker = None
            raise
        finally:
            if worker is not None:
                self._release(worker, snapshot)
        if status == "ok":
            return payload
        if status == "raise":
            name, message = payload
            raise _ERRORS.get(name, QueryError)(message)
        if status == "memory":
            raise self._death(None, memory=True)
        raise QueryError(payload)

    def _answered(self, worker: _Worker, deadline: float, client: str | None) -> bool:
        """Wait for the worker's answer until ``deadline``; return whether it came.

        Past ``long_after`` seconds the query takes a long-query place, or raises LaneFull
        when none is left for it (the caller then stops the worker).
        """
        quick = min(deadline, time.monotonic() + self.long_after)
        if worker.conn.poll(max(0.0, quick - time.monotonic())):
            return True
        if time.monotonic() >= deadline:
            return False
        self._take_long(client)
        # The long query yields the CPU to quick ones (and to the server) from now on.
        worker.demoted = worker.set_niceness(LONG_NICENESS)
        try:
            return worker.conn.poll(max(0.0, deadline - time.monotonic()))
        finally:
            with self._lock:
                self._long -= 1
                if client is not None:
                    self._long_by[client] -= 1
                    if not self._long_by[client]:
                        del self._long_by[client]

    def _take_long(self, client: str | None) -> None:
        """Count one more long query, for ``client`` too, or raise LaneFull."""
        with self._lock:
            running = self._long
            if running >= self.max_long:
                raise LaneFull(
                    f"the query ran longer than {self.long_after:g} s while {running} other "
                    f"long queries ran, the most at once (QUERY_LONG_MAX)"
                )
            if client is not None and self._long_by.get(client, 0) >= self.client_long:
                raise LaneFull(
                    f"the query ran longer than {self.long_after:g} s while this client "
                    f"already ran {self._long_by[client]} long queries, the most one client may "
                    f"(QUERY_CLIENT_LONG)"
                )
            self._long = running + 1
            if client is not None:
                self._long_by[client] = self._long_by.get(client, 0) + 1

    def _death(self, code: int | None, memory: bool = False) -> QueryError:
        """Say why a worker stopped: over its memory limit, or otherwise."""
        aborted = code in (-signal.SIGABRT, -signal.SIGKILL)
        if self.memory_mb and (memory or aborted):
            return OutOfMemory(
                f"the query needed more memory than a query worker may use "
                f"({self.memory_mb} MiB, QUERY_MEMORY_LIMIT) and was stopped"
            )
        return QueryError(f"the query worker stopped (exit code {code}); it has been replaced")

    def _acquire(self, deadline: float) -> _Worker:
        try:
            return self._idle.get_nowait()
        except Empty:
            pass
        with self._lock:
            if self._closed:
                raise QueryError("the query runner is closed")
            if len(self._all) < self.size:
                worker = _Worker(self.sandbox, self.memory_mb)
                self._all.add(worker)
                return worker
            if self._waiting >= self.max_waiting:
                raise RunnerBusy(
                    f"every query worker is busy and {self._waiting} requests already wait"
                )
            self._waiting += 1
        try:
            return self._idle.get(timeout=max(0.0, deadline - time.monotonic()))
        except Empty:
            raise RunnerBusy("every query worker stayed busy until the deadline") from None
        finally:
            with self._lock:
                self._waiting -= 1

    def _release(self, worker: _Worker, snapshot: str | None) -> None:
        if worker.demoted:
            # Raising a priority back may need a privilege; a fresh worker starts where
            # the system refuses.
            if not worker.set_niceness(worker_module.NICENESS):
                self._discard(worker)
                return
            worker.demoted = False
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
        """Return the snapshot of the latest data, or the last good one if none can be made."""
        with self._lock:
            if self._snapshot_version != self._version:
                version = self._version
                path = self.snapshot_dir / f"v{version}-{uuid.uuid4().hex[:8]}"
                try:
                    self.store.flush()
                    self.store.backup(str(path))
                except Exception as error:
                    shutil.rmtree(path, ignore_errors=True)
                    self._snapshot_error = f"{type(error).__name__}: {error}"
                    log.warning("cannot snapshot the store: %s", self._snapshot_error)
                    if self._snapshot is None:
                        raise StoreUnreadable("no snapshot of the store could be made") from None
                    return self._snapshot
                self._snapshot, self._snapshot_version = str(path), version
                self._snapshot_error = None
                snapshots.publish(self.snapshot_dir, path)
                self._stale = True
            return self._snapshot

    def _collect(self) -> None:
        """Remove snapshots that no worker has open and that are no longer current."""
        with self._lock:
            in_use = {w.snapshot for w in self._all} | {self._snapshot}
            kept = False
            for entry in self.snapshot_dir.iterdir():
                if entry.is_dir() and str(entry) not in in_use:
                    # One a command in another process reads stays until it is done.
                    kept |= not snapshots.remove_unless_read(entry)
            # Snapshots still open by a worker are removed once it moves on.
            self._stale = kept or len(in_use - {None}) > 1

    def status(self) -> dict:
        """Describe the worker pool for health checks."""
        if not self.sandbox:
            sandbox = "off: a SERVICE allowlist is configured"
        elif self._sandbox_state is None:
            sandbox = "unknown: no worker has started yet"
        elif self._sandbox_state["sandboxed"]:
            sandbox = "on"
        else:
            sandbox = f"unavailable: {self._sandbox_state['sandbox_error']}"
        status = {
            "mode": "processes",
            "workers": len(self._all),
            "max_workers": self.size,
            "idle": self._idle.qsize(),
            "waiting": self._waiting,
            "max_waiting": self.max_waiting,
            "long": self._long,
            "max_long": self.max_long,
            "client_long": self.client_long,
            "long_after": self.long_after,
            "sandboxed": bool(self._sandbox_state and self._sandbox_state["sandboxed"]),
            "sandbox": sandbox,
            "memory_limit_mb": self.memory_mb,
        }
        if self._snapshot_error:
            status["snapshot_error"] = self._snapshot_error
        return status

    def close(self) -> None:
        """Stop every worker and remove the snapshots."""
        with self._lock:
            self._closed = True
        self._finalizer()
        if not self.snapshot_dir.is_dir():
            return
        snapshots.withdraw(self.snapshot_dir)
        for entry in self.snapshot_dir.iterdir():
            snapshots.remove_unless_read(entry)
        try:
            self.snapshot_dir.rmdir()
        except OSError:
            pass  # a command still reads a snapshot; the next server removes it


def _stop_workers(workers: set[_Worker]) -> None:
    """Kill every worker in ``workers`` and forget them."""
    for worker in list(workers):
        worker.kill()
    workers.clear()


# The CPU priority of a worker while its query is long: below quick queries' (worker.py).
LONG_NICENESS = 19

# Seconds; see ProcessRunner.start.
SWITCH_INTERVAL = 0.0005

# The errors a worker may report, by class name.
_ERRORS: dict[str, type[Exception]] = {
    cls.__name__: cls
    for module in (guard, runner)
    for cls in vars(module).values()
    if isinstance(cls, type) and issubclass(cls, guard.GuardError | runner.QueryError)
}
