"""The `openness serve` sub-command: load the bundled data, derive scores, serve."""

from __future__ import annotations

import argparse
import gc
import sys

from graph.cli import command


def register(sub: argparse._SubParsersAction) -> None:
    """Add `openness serve`."""
    p = sub.add_parser(
        "serve",
        help="load the bundled data, derive the scores and serve the web application",
    )
    p.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    p.add_argument("--port", type=int, default=8000, help="port to listen on (default 8000)")
    p.add_argument("--no-load", action="store_true", help="serve the store as it is")
    p.add_argument("--query-timeout", type=float, help="seconds before a query is stopped (30)")
    p.add_argument("--max-rows", type=int, help="rows before a result is cut (10000)")
    p.add_argument("--public-base-url", help="the URL the endpoint is reached at, behind a proxy")


@command("serve")
def cmd_serve(args: argparse.Namespace) -> int:
    """Bring the store up to date with the bundled files, then serve until interrupted."""
    from graph.cli.store import load_bundled, store_from
    from graph.store import default_location
    from server.serve import serve

    if not args.no_load:
        store = store_from(args)
        status = load_bundled(store)
        if status:
            return status
        del store
        gc.collect()  # release the store's lock before the server opens it
    location = args.store or default_location()
    print(
        f"serving http://{args.host}:{args.port}/ (SPARQL at /sparql, queries at /query)",
        file=sys.stderr,
    )
    serve(
        location,
        host=args.host,
        port=args.port,
        query_timeout=args.query_timeout,
        max_rows=args.max_rows,
        public_base_url=args.public_base_url,
    )
    return 0
