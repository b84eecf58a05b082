"""Answer queries sent by a :class:`graph.query_pool.ProcessRunner`, one at a time.

Run as ``python -m graph.query_worker FD [--sandbox] [--memory-mb N]``, where FD is this
end of a socket to the parent. Before anything else the worker confines itself:

- ``--sandbox``: a new user and network namespace (``unshare(CLONE_NEWUSER |
  CLONE_NEWNET)``), which holds only a loopback interface that is down, so no connection
  can leave the process, whatever the query says. It must happen while the process has a
  single thread, before pyoxigraph (RocksDB starts threads) is imported. Where the kernel
  refuses (no unprivileged user namespaces, seccomp in a container), the worker goes on
  and says so; the parse-based checks of graph/query_guard.py still apply.
- ``--memory-mb N``: ``RLIMIT_DATA`` of N MiB. ``RLIMIT_AS`` would also count address
  space that is only reserved (RocksDB's cache mapping fails under it at 300 MiB);
  ``RLIMIT_DATA`` counts what the heap and anonymous mappings really claim. Past it an
  allocation fails, and the engine aborts the process.

Workers also run at a lower CPU priority (nice 10) than the server process.

The first message sent is ``("hello", {"sandboxed": bool, "sandbox_error": str | None})``.
Then each message is ``(snapshot_directory, QueryRequest)``; the worker opens that snapshot
read-only (keeping it open while it stays the same), checks and runs the query with
:func:`graph.query_runner.execute` and sends back ``("ok", QueryResult)`` or
``(error_kind, message)``. The parent enforces the deadline by killing this process.
"""

from __future__ import annotations

import argparse
import ctypes
import os
import pickle
import resource
from multiprocessing.connection import Connection

NICENESS = 10
CLONE_NEWUSER = 0x10000000
CLONE_NEWNET = 0x40000000


def enter_sandbox() -> str | None:
    """Move this process into new user and network namespaces; return why not, or None."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        if libc.unshare(CLONE_NEWUSER | CLONE_NEWNET) != 0:
            return f"unshare: {os.strerror(ctypes.get_errno())}"
    except (OSError, AttributeError) as error:
        return f"unshare: {error}"
    return None


def limit_memory(megabytes: int) -> None:
    """Cap the data this process may claim at ``megabytes`` MiB."""
    limit = megabytes * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_DATA, (limit, limit))


def serve_forever(conn: Connection) -> None:
    """Answer requests on ``conn`` until the parent closes it."""
    import pyoxigraph as ox

    from graph.query_guard import GuardError
    from graph.query_runner import QueryError, execute

    store: ox.Store | None = None
    opened: str | None = None
    while True:
        try:
            snapshot, request = pickle.loads(conn.recv_bytes())
        except EOFError:
            return
        try:
            if snapshot != opened:
                store = None
                store = ox.Store.read_only(snapshot)
                opened = snapshot
            reply = ("ok", execute(store, request))
        except (GuardError, QueryError) as error:
            reply = ("raise", (type(error).__name__, str(error)))
        except MemoryError:
            reply = ("memory", "")
        except Exception as error:  # reported to the parent, which answers 500
            reply = ("error", f"{type(error).__name__}: {error}")
        conn.send_bytes(pickle.dumps(reply, pickle.HIGHEST_PROTOCOL))


def main(argv: list[str] | None = None) -> None:
    """Confine this process as asked, then serve on the socket given as first argument."""
    parser = argparse.ArgumentParser(prog="graph.query_worker")
    parser.add_argument("fd", type=int)
    parser.add_argument("--sandbox", action="store_true")
    parser.add_argument("--memory-mb", type=int, default=None)
    args = parser.parse_args(argv)
    conn = Connection(args.fd)
    # Below the server's priority: with every core busy with queries, pages and health
    # checks in the server process still get the CPU first.
    os.nice(NICENESS)
    sandbox_error = enter_sandbox() if args.sandbox else "not asked for"
    if args.memory_mb:
        limit_memory(args.memory_mb)
    hello = {"sandboxed": sandbox_error is None, "sandbox_error": sandbox_error}
    conn.send_bytes(pickle.dumps(("hello", hello), pickle.HIGHEST_PROTOCOL))
    serve_forever(conn)


if __name__ == "__main__":
    main()
