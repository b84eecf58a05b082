"""The openness-graph web application: a SPARQL 1.1 endpoint, its query page and health check.

``create_app(config)`` builds it; ``config`` overrides the settings documented in
``docs/endpoint.md`` (defaults, then ``OPENNESS_*`` environment variables, then ``config``).
The shared :class:`server.context.ServerContext` (store, query runner, write lock) is in
``app.extensions["openness"]``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from server import cors, errors, settings
from server.context import EXTENSION, ServerContext


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    """Create the Flask application over the store named by the STORE setting."""
    values = settings.load(config)
    app = Flask(__name__)
    app.config.update(values)
    app.config["MAX_CONTENT_LENGTH"] = values["MAX_BODY"]
    # Werkzeug caps form fields at 500 kB by default; a form-encoded query may be as large
    # as any other body.
    app.config["MAX_FORM_MEMORY_SIZE"] = values["MAX_BODY"]
    proxies = int(values["TRUST_PROXY"] or 0)
    if proxies:
        app.wsgi_app = ProxyFix(
            app.wsgi_app,
            x_for=proxies,
            x_proto=proxies,
            x_host=proxies,
            x_port=proxies,
            x_prefix=proxies,
        )
    errors.init_app(app)
    cors.init_app(app)
    app.extensions[EXTENSION] = ServerContext(app.config)
    from server import derived

    derived.init_app(app)

    from server import graph_store, health, query_page, sparql

    for blueprint in (sparql.bp, graph_store.bp, query_page.bp, health.bp):
        app.register_blueprint(blueprint)
    from server import submissions

    app.register_blueprint(submissions.bp)
    from server import pages

    pages.register(app)
    from server import quality

    app.register_blueprint(quality.bp)
    from server import analytics

    app.register_blueprint(analytics.bp)
    return app
