"""Answer queries sent by a :class:`graph.query_pool.ProcessRunner`, one at a time.

Run as ``python -m graph.query_worker FD``, where FD is this end of a socket to the
parent. Each message is ``(snapshot_directory, QueryRequest)``; the worker opens that
snapshot read-only (keeping it open while it stays the same), runs the query with
:func:`graph.query_runner.execute` and sends back ``("ok", QueryResult)`` or
``(error_kind, message)``. The parent enforces the deadline by killing this process.
"""

from __future__ import annotations

import pickle
import sys
from multiprocessing.connection import Connection

import pyoxigraph as ox

from graph.query_runner import NotAcceptable, QuerySyntaxError, execute


def serve_forever(conn: Connection) -> None:
    """Answer requests on ``conn`` until the parent closes it."""
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
        except QuerySyntaxError as error:
            reply = ("syntax", str(error))
        except NotAcceptable as error:
            reply = ("not-acceptable", str(error))
        except Exception as error:  # reported to the parent, which answers 500
            reply = ("error", f"{type(error).__name__}: {error}")
        conn.send_bytes(pickle.dumps(reply, pickle.HIGHEST_PROTOCOL))


def main(argv: list[str] | None = None) -> None:
    """Serve on the socket whose file descriptor is the first argument."""
    args = sys.argv[1:] if argv is None else argv
    serve_forever(Connection(int(args[0])))


if __name__ == "__main__":
    main()
