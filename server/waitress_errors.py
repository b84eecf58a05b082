"""Give the errors waitress answers itself the application's JSON error shape.

Waitress refuses some requests before the application sees them: a request line and
headers over ``max_request_header_size`` (431), a body over ``max_request_body_size``
(413), a request it cannot parse (400) or chunked encoding it does not implement (501).
It answers those in plain text; :func:`install` makes every server it built answer them
with :func:`server.errors.error_body` instead, so a client reads one shape everywhere.
"""

from __future__ import annotations

import json

from waitress.channel import HTTPChannel
from waitress.server import BaseWSGIServer
from waitress.task import ErrorTask
from waitress.utilities import Error, RequestEntityTooLarge, RequestHeaderFieldsTooLarge

from server.errors import MEDIA_TYPE, error_body

DETAILS = {
    RequestEntityTooLarge: "The request body is larger than this server accepts (MAX_BODY).",
    RequestHeaderFieldsTooLarge: (
        "The request line and headers are larger than this server accepts ({limit} bytes). "
        "Send a long query in a POST body instead of the URL."
    ),
}


def error_response(error: Error, header_limit: int) -> tuple[str, list[tuple[str, str]], bytes]:
    """Return (status line, headers, body) answering a waitress ``error`` in the JSON shape."""
    detail = DETAILS.get(type(error), error.body or error.reason)
    detail = detail.format(limit=header_limit)
    body = json.dumps(error_body(error.code, error.reason, detail)) + "\n"
    return f"{error.code} {error.reason}", [("Content-Type", MEDIA_TYPE)], body.encode("utf-8")


class JsonErrorTask(ErrorTask):
    """Write waitress's own error responses as the application's JSON error document."""

    def execute(self) -> None:
        """Answer the request's parse error (as ErrorTask does, in another body)."""
        adj = self.channel.server.adj
        status, headers, body = error_response(self.request.error, adj.max_request_header_size)
        self.status = status
        self.response_headers.extend(headers)
        self.set_close_on_finish()
        self.content_length = len(body)
        self.write(body)


class JsonErrorChannel(HTTPChannel):
    """A waitress channel whose own errors come in the JSON shape."""

    error_task_class = JsonErrorTask


def install(server: object) -> None:
    """Make the waitress ``server`` (from ``waitress.create_server``) answer in JSON."""
    servers = [server] if isinstance(server, BaseWSGIServer) else []
    # Several listeners come back as a MultiSocketServer holding each one in its map.
    servers += [s for s in getattr(server, "map", {}).values() if isinstance(s, BaseWSGIServer)]
    for each in servers:
        each.channel_class = JsonErrorChannel
