"""Start the web application under waitress, the production WSGI server."""

from __future__ import annotations

import logging
import os
import signal
import sys
import threading
from typing import Any

log = logging.getLogger(__name__)


def serve(
    store_location: str | os.PathLike[str] | None,
    host: str = "127.0.0.1",
    port: int = 8000,
    **settings: Any,
) -> None:
    """Serve the SPARQL endpoint over the store at ``store_location`` until interrupted.

    ``settings`` are the keys of docs/endpoint.md, in any case (``query_timeout=10`` or
    ``QUERY_TIMEOUT=10``); None values are ignored so unset command-line options keep the
    defaults and environment variables.
    """
    import waitress

    from server import create_app, waitress_errors

    config = {key.upper(): value for key, value in settings.items() if value is not None}
    if store_location is not None:
        config["STORE"] = os.fspath(store_location)
    app = create_app(config)
    ctx = app.extensions["openness"]
    held = app.config["QUERY_WORKERS"] + app.config["QUERY_QUEUE"]
    if held >= app.config["SERVER_THREADS"]:
        log.warning(
            "SERVER_THREADS (%s) is not above QUERY_WORKERS + QUERY_QUEUE (%s): slow queries "
            "can hold every thread, and pages and /healthz wait for them",
            app.config["SERVER_THREADS"],
            held,
        )
    if threading.current_thread() is threading.main_thread():
        # Stop cleanly on SIGTERM (systemd, docker, CI) so the workers and snapshots go too.
        signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    try:
        start = getattr(ctx.runner, "start", None)
        if start is not None:
            start()
        server = waitress.create_server(
            app,
            host=host,
            port=port,
            threads=app.config["SERVER_THREADS"],
            # Waitress refuses a body of exactly its limit; the application accepts MAX_BODY.
            max_request_body_size=app.config["MAX_BODY"] + 1,
            ident="openness-graph",
            # TRUST_PROXY is applied by the application (ProxyFix); waitress leaves it alone.
            clear_untrusted_proxy_headers=False,
        )
        waitress_errors.install(server)
        logging.basicConfig()  # as waitress.serve does, so its warnings are seen
        log.info("serving on http://%s:%s/sparql", host, port)
        server.run()
    finally:
        ctx.close()
