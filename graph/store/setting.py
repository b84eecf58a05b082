"""Read a store setting that names an external SPARQL 1.1 server.

The setting is one string, so that ``--store`` and ``$OPENNESS_STORE`` can carry it::

    sparql+http://[user:password@]host:port/query-path?update=/update-path&gsp=/gsp-path
        [&exclude=<graph IRI prefix>]...[&dataset=server]

The path is the SPARQL 1.1 Query endpoint; ``update`` and ``gsp`` are the Update and
Graph Store HTTP Protocol endpoints on the same host (absolute URLs are accepted too); both
default to the query endpoint. ``exclude`` names graphs the server keeps for itself (a
prefix of their IRIs) which the application must neither read nor count. The password may
also come from ``$OPENNESS_STORE_PASSWORD``, which keeps it out of process listings.

``dataset=server`` says the server's own default dataset is the application's: it holds
no other graphs, and its default graph is the union of its named graphs (``oxigraph serve
--union-default-graph``, Fuseki's ``unionDefaultGraph``). Requests then name no dataset,
which Oxigraph answers several times faster than a listed one, and writes go as one
update request each, which the server applies atomically (SPARQL 1.1 Update, 2.2).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from urllib.parse import parse_qs, unquote, urljoin, urlsplit, urlunsplit

SCHEMES = ("sparql+http", "sparql+https")
PASSWORD_VAR = "OPENNESS_STORE_PASSWORD"
_KNOWN = {"update", "gsp", "exclude", "dataset"}
DATASETS = ("listed", "server")


@dataclass(frozen=True)
class ServerSettings:
    """Where an external SPARQL server answers and how to sign in."""

    query_url: str
    update_url: str
    gsp_url: str
    user: str | None = None
    password: str | None = None
    exclude: tuple[str, ...] = ()
    # True: the server's default dataset is the application's (see the module's text).
    server_dataset: bool = False

    @property
    def label(self) -> str:
        """Return the query URL without credentials, for messages."""
        return self.query_url


def is_server_url(location: object) -> bool:
    """Tell whether a store setting names an external SPARQL server."""
    return isinstance(location, str) and location.split(":", 1)[0].lower() in SCHEMES


def parse_store_url(location: str) -> ServerSettings:
    """Parse a ``sparql+http(s)://`` store setting; raise ValueError saying what is wrong."""
    parts = urlsplit(location)
    if parts.scheme.lower() not in SCHEMES:
        raise ValueError(
            f"{location!r} is not an external store setting: it must start with "
            "sparql+http:// or sparql+https://"
        )
    if not parts.hostname:
        raise ValueError(f"{_safe(location)}: the store setting names no host")
    scheme = parts.scheme.split("+", 1)[1].lower()
    netloc = parts.hostname if parts.port is None else f"{parts.hostname}:{parts.port}"
    if ":" in (parts.hostname or ""):
        netloc = f"[{parts.hostname}]" + (f":{parts.port}" if parts.port else "")
    query_url = urlunsplit((scheme, netloc, parts.path or "/", "", ""))
    options = parse_qs(parts.query, keep_blank_values=True)
    unknown = sorted(set(options) - _KNOWN)
    if unknown:
        raise ValueError(
            f"{_safe(location)}: unknown store option(s) {', '.join(unknown)}; "
            f"use {', '.join(sorted(_KNOWN))}"
        )
    for key in ("update", "gsp", "dataset"):
        if len(options.get(key, [])) > 1:
            raise ValueError(f"{_safe(location)}: give {key}= once")
    update_url = urljoin(query_url, options["update"][0]) if "update" in options else query_url
    gsp_url = urljoin(query_url, options["gsp"][0]) if "gsp" in options else query_url
    user = unquote(parts.username) if parts.username else None
    password = unquote(parts.password) if parts.password else os.environ.get(PASSWORD_VAR)
    exclude = tuple(e for e in options.get("exclude", []) if e)
    dataset = options.get("dataset", ["listed"])[0]
    if dataset not in DATASETS:
        raise ValueError(
            f"{_safe(location)}: dataset={dataset} is not known; use dataset=server when the "
            "server's default graph is the union of graphs that are all the application's, "
            "or leave it out"
        )
    if dataset == "server" and exclude:
        raise ValueError(
            f"{_safe(location)}: dataset=server and exclude= cannot go together: with "
            "dataset=server every graph on the server is the application's; leave out one"
        )
    return ServerSettings(
        query_url,
        update_url,
        gsp_url,
        user,
        password if user else None,
        exclude,
        server_dataset=dataset == "server",
    )


def _safe(location: str) -> str:
    """Return ``location`` with any password replaced by ``***``."""
    parts = urlsplit(location)
    if parts.password is None:
        return location
    host = parts.netloc.rsplit("@", 1)[1]
    return urlunsplit(parts._replace(netloc=f"{parts.username}:***@{host}"))
