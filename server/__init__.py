"""The openness-graph web application: the SPARQL 1.1 protocols, the pages, submissions and health.

``create_app(config)`` builds it; ``config`` overrides the settings documented in
``docs/endpoint.md`` (defaults, then ``OPENNESS_*`` environment variables, then ``config``).
The shared :class:`server.context.ServerContext` (store, query runner, write lock) is in
``app.extensions["openness"]``.
"""

from __future__ import annotations

import importlib
from collections.abc import Mapping
from typing import Any

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from server import cors, derived, errors, settings
from server.context import EXTENSION, ServerContext
from server.pages import common

# Every blueprint of the site, by module: the protocols, health, submissions, then the
# pages. Imported when an app is made, so that importing server.settings stays light.
BLUEPRINTS = (
    "server.protocol.sparql",
    "server.protocol.graph_store",
    "server.protocol.query_page",
    "server.health",
    "server.submissions",
    "server.pages.home",
    "server.pages.lists",
    "server.pages.resources",
    "server.pages.graphs",
    "server.pages.downloads",
    "server.pages.vocabulary",
    "server.pages.quality",
    "server.pages.analytics",
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
    for name in BLUEPRINTS:
        app.register_blueprint(importlib.import_module(name).bp)
    return app
