"""Keep the derived data (assessments, scores) true to the claims after every write the server makes.

Submissions derive what they touch themselves (graph.ingest). Raw writes, SPARQL Update
and the Graph Store, go through :func:`admin_write`: the graphs they name (every model
when unknown) are marked stale (graph.staleness) before the write, and recomputed after
it. A derive that a crash or a failure prevented is run at start, and before the next
request after a failed write (:func:`init_app`).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from typing import TypeVar

import pyoxigraph as ox
from flask import Flask

from graph import staleness
from graph.changes import affected_models
from graph.derive import derive_after_load, derive_marked
from graph.store import writes
from server.context import EXTENSION, ServerContext, context

T = TypeVar("T")
log = logging.getLogger(__name__)


def admin_write(action: Callable[[ox.Store], T], graphs: Sequence[str] | None) -> T:
    """Apply a raw write under the write lock, then recompute the derived data it may change.

    ``graphs`` names the graphs the write changes (None when unknown: every model). One
    transaction before the write marks them, and the models they describe now, stale,
    and forgets their catalogue entries (a bundled graph changed or dropped is then
    written again by the next load). The derive after the write removes the marks.
    """

    def unit(store: ox.Store) -> T:
        if graphs is None:
            touched = None
        else:
            touched = [*graphs, *affected_models(store, graphs, stale=False)]
        pending = staleness.marks(store)
        forget = writes.forget_update(graphs or ())
        store.update(" ;\n".join(op for op in (staleness.mark_update(touched), forget) if op))
        try:
            result = action(store)
        except SyntaxError:
            # Refused before anything was written: take back the marks this write added.
            added = ({staleness.EVERY_MODEL} if touched is None else set(touched)) - pending
            undo = staleness.clear_update(added)
            if undo:
                store.update(undo)
            raise
        derive_after_load(store, graphs or ())
        return result

    return context().write(unit)


def recompute_marked(ctx: ServerContext) -> None:
    """Recompute what the store's staleness marks name, if anything; log a failure."""
    try:
        if staleness.marks(ctx.store):
            models = ctx.write(derive_marked)
            log.warning("recomputed the derived data a write left stale: %s", models)
        ctx.derived_stale = False
    except Exception:  # whatever it is, the server keeps answering (it is logged)
        # Left for the next request: the store may be back, or the disk freed, by then.
        log.exception("could not recompute stale derived data")
        ctx.derived_stale = True


def init_app(app: Flask) -> None:
    """Recompute what a crash left stale now, and after a failed write before the next request."""
    ctx: ServerContext = app.extensions[EXTENSION]
    recompute_marked(ctx)

    @app.before_request
    def recompute_after_failed_write() -> None:
        if ctx.derived_stale:
            recompute_marked(ctx)
