"""Build the public URLs the server advertises, behind a proxy or not."""

from __future__ import annotations

from flask import current_app, request, url_for


def public_url(endpoint: str, **values) -> str:
    """Return the absolute public URL of ``endpoint``.

    With PUBLIC_BASE_URL set, it replaces the scheme, host and mount point the request came
    in on; otherwise the request's own (after TRUST_PROXY has applied the X-Forwarded-*
    headers) is used.
    """
    base = current_app.config.get("PUBLIC_BASE_URL")
    if not base:
        return url_for(endpoint, _external=True, **values)
    path = url_for(endpoint, **values)
    root = request.script_root if request else ""
    if root and path.startswith(root):
        path = path[len(root) :]
    return base.rstrip("/") + path
