"""Answer health checks at /healthz without touching the query workers."""

from __future__ import annotations

from flask import Blueprint, jsonify

from server.context import context
from server.cors import read_endpoint

bp = Blueprint("health", __name__)


@bp.route("/healthz")
@read_endpoint
def healthz():
    """Report that the server is up, with the data version and the runner's state."""
    ctx = context()
    return jsonify(
        status="ok",
        data_version=ctx.data_version,
        runner=ctx.runner.status(),
        writable=ctx.writable,
    )
