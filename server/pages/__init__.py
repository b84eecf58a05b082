"""The linked-data pages: every IRI under /id/, the ontology, lists, graphs and downloads.

One module per family of pages, each a blueprint; ``register(app)`` adds them
all with the template helpers they share. What each page shows and its JSON
keys are documented in docs/pages.md (a test fails when a route is not).
"""

from __future__ import annotations

from flask import Flask

from server.pages import common


def register(app: Flask) -> None:
    """Register every page blueprint on ``app``."""
    from server.pages import downloads, graphs, home, lists, resources, vocabulary

    common.init_app(app)
    for module in (home, lists, resources, graphs, downloads, vocabulary):
        app.register_blueprint(module.bp)
