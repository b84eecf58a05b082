"""Derived data stays true to the claims after a crash or a raw write, and every refusal, the
web server's own included, comes in the one JSON error shape."""

from __future__ import annotations

import json
import socket
from urllib.parse import urlsplit

import requests
from test_server_errors import assert_error_shape
from waitress.utilities import BadRequest, RequestEntityTooLarge, RequestHeaderFieldsTooLarge

from server.errors import error_body
from server.waitress_errors import error_response

# ---------------------------------------------------------------- waitress's own refusals


class Answer:
    """Enough of a response for ``assert_error_shape``."""

    def __init__(self, status: int, content_type: str, data: bytes):
        self.status_code, self.data = status, data
        self.mimetype = content_type.split(";", 1)[0].strip()


def raw_request(base: str, head: bytes) -> Answer:
    """Send ``head`` (request line and headers, no body) to the server; read its answer."""
    where = urlsplit(base)
    with socket.create_connection((where.hostname, where.port), timeout=10) as sock:
        sock.sendall(head)
        received = b""
        while chunk := sock.recv(65536):
            received += chunk
    header, _, body = received.partition(b"\r\n\r\n")
    lines = header.decode("latin-1").split("\r\n")
    fields = dict(line.split(": ", 1) for line in lines[1:])
    return Answer(int(lines[0].split()[1]), fields["Content-Type"], body)


def test_a_url_over_the_header_limit_answers_431_in_the_error_shape(live_server):
    response = requests.get(f"{live_server}/sparql", params={"query": "a" * 400_000}, timeout=30)
    answer = Answer(response.status_code, response.headers["Content-Type"], response.content)
    assert_error_shape(answer, 431)
    assert "POST" in response.json()["error"]["detail"]


def test_a_body_over_the_limit_answers_413_in_the_error_shape(live_server):
    answer = raw_request(
        live_server,
        b"POST /sparql HTTP/1.1\r\nHost: localhost\r\n"
        b"Content-Type: application/sparql-query\r\nContent-Length: 50000000\r\n\r\n",
    )
    assert_error_shape(answer, 413)
    assert "MAX_BODY" in json.loads(answer.data)["error"]["detail"]


def test_a_request_waitress_cannot_parse_answers_400_in_the_error_shape(live_server):
    assert_error_shape(raw_request(live_server, b"NOT HTTP AT ALL\r\n\r\n"), 400)


def test_waitress_errors_are_written_with_the_application_error_body():
    status, headers, body = error_response(RequestHeaderFieldsTooLarge("over"), 1234)
    assert status == "431 Request Header Fields Too Large"
    assert headers == [("Content-Type", "application/json")]
    document = json.loads(body)
    assert document == error_body(
        431, "Request Header Fields Too Large", document["error"]["detail"]
    )
    assert "1234 bytes" in document["error"]["detail"]
    assert json.loads(error_response(RequestEntityTooLarge("x"), 1)[2])["error"]["status"] == 413
    # Other parse errors keep waitress's own explanation as the detail.
    assert (
        json.loads(error_response(BadRequest("Malformed"), 1)[2])["error"]["detail"] == "Malformed"
    )
