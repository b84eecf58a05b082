"""The openness-graph web application: the SPARQL 1.1 protocols, the pages, submissions and health.

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

from server import cors, derived, errors, health, settings, submissions
from server.context import EXTENSION, ServerContext
from server.pages import (
    analytics,
    common,
    downloads,
    graphs,
    home,
    lists,
    quality,
    resources,
    vocabulary,
)
from server.protocol import graph_store, query_page, sparql

# Every blueprint of the site: the protocols, health, submissions, then the pages.
BLUEPRINTS = (
    sparql.bp,
    graph_store.bp,
    query_page.bp,
    health.bp,
    submissions.bp,
    home.bp,
    lists.bp,
    resources.bp,
    graphs.bp,
    downloads.bp,
    vocabulary.bp,
    quality.bp,
    analytics.bp,
)


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
    derived.init_app(app)
    common.init_app(app)
    for blueprint in BLUEPRINTS:
        app.register_blueprint(blueprint)
    return app
