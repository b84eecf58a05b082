"""Read the server's settings: defaults, then ``OPENNESS_*`` environment variables, then code.

Every key is documented in ``docs/endpoint.md``; a test fails when one is not.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Mapping
from typing import Any, NamedTuple

from graph.ingest.roles import ADMIN, CONTRIBUTOR, ROLES, check_role

ENV_PREFIX = "OPENNESS_"
# A WRITE_TOKENS entry that names no role gets the least one; WRITE_TOKEN, the operator's
# single token, stays admin so deployments that predate roles keep working.
DEFAULT_ROLE = CONTRIBUTOR


def _bool(value: str) -> bool:
    lowered = value.strip().lower()
    if lowered in ("1", "true", "yes", "on"):
        return True
    if lowered in ("0", "false", "no", "off", ""):
        return False
    raise ValueError(f"expected a boolean (true/false), got {value!r}")


def _list(value: str) -> tuple[str, ...]:
    return tuple(item for item in value.replace(",", " ").split() if item)


def _tokens(value: str) -> dict[str, Any]:
    """Read JSON ``{"name": "token"}`` / ``{"name": {"token": ..., "role": ...}}``, or
    ``name:token,name:role:token``."""
    value = value.strip()
    if value.startswith("{"):
        return {str(k): v if isinstance(v, dict) else str(v) for k, v in json.loads(value).items()}
    found: dict[str, Any] = {}
    for item in (item.strip() for item in value.split(",") if item.strip()):
        name, sep, rest = item.partition(":")
        if not sep or not rest.strip():
            raise ValueError(
                f"expected name:token or name:role:token, got {name!r} without a token"
            )
        role, sep, token = rest.partition(":")
        if sep and role.strip() in ROLES:
            found[name.strip()] = {"token": token.strip(), "role": role.strip()}
        else:  # a token may itself hold colons
            found[name.strip()] = rest.strip()
    return found


def _optional(parse: Callable[[str], Any]) -> Callable[[str], Any]:
    return lambda value: parse(value) if value.strip() else None


def _cpu_default() -> int:
    return max(2, min(4, os.cpu_count() or 1))


# key: (default, how to read it from an environment variable)
SETTINGS: dict[str, tuple[Any, Callable[[str], Any]]] = {
    "STORE": (None, str),
    "QUERY_TIMEOUT": (30.0, float),
    "MAX_ROWS": (10_000, _optional(int)),
    "MAX_BODY": (10 * 1024 * 1024, int),
    "QUERY_WORKERS": (None, int),
    "UNION_DEFAULT_GRAPH": (True, _bool),
    "WRITE_TOKEN": (None, _optional(str)),
    "WRITE_TOKENS": ({}, _tokens),
    "SERVICE_ALLOWLIST": ((), _list),
    "PUBLIC_BASE_URL": (None, _optional(str)),
    "TRUST_PROXY": (0, int),
    "SNAPSHOT_DIR": (None, _optional(str)),
    "CORS_ALLOW_ORIGIN": ("*", str),
    "SERVER_THREADS": (8, int),
    "SUBMISSION_MAX_TRIPLES": (50_000, int),
    "SUBMISSION_MAX_LITERAL": (100_000, int),
    "DESCRIPTION_PAGE_NODES": (250, int),
    "QUERY_MEMORY_LIMIT": (2048, _optional(int)),
    "QUERY_QUEUE": (None, _optional(int)),
    "QUERY_LONG_AFTER": (1.0, float),
    "QUERY_LONG_MAX": (None, _optional(int)),
    "QUERY_CLIENT_LONG": (None, _optional(int)),
}


def load(
    config: Mapping[str, Any] | None = None, environ: Mapping[str, str] | None = None
) -> dict[str, Any]:
    """Return every setting: the default, overridden by ``OPENNESS_<KEY>``, then by ``config``.

    Keys in ``config`` that are not settings (Flask's own, such as ``TESTING``) pass through.
    """
    environ = os.environ if environ is None else environ
    values: dict[str, Any] = {}
    for key, (default, parse) in SETTINGS.items():
        raw = environ.get(ENV_PREFIX + key)
        if raw is None:
            values[key] = default
            continue
        try:
            values[key] = parse(raw)
        except ValueError as error:
            raise ValueError(f"{ENV_PREFIX}{key}: {error}") from None
    values.update(config or {})
    if values["QUERY_WORKERS"] is None:
        values["QUERY_WORKERS"] = _cpu_default()
    if values["QUERY_QUEUE"] is None:
        # Queries that run or wait each hold a server thread: leave two for pages and
        # health checks whatever the queries do.
        workers = values["QUERY_WORKERS"]
        values["QUERY_QUEUE"] = max(0, min(workers, values["SERVER_THREADS"] - workers - 2))
    if values["QUERY_LONG_MAX"] is None:
        # One worker stays for quick queries whatever the slow ones do.
        values["QUERY_LONG_MAX"] = max(1, values["QUERY_WORKERS"] - 1)
    if values["QUERY_CLIENT_LONG"] is None:
        # No one client holds every long place when there are several.
        values["QUERY_CLIENT_LONG"] = max(1, values["QUERY_LONG_MAX"] // 2)
    if values["TRUST_PROXY"] is True:
        values["TRUST_PROXY"] = 1
    return values


class Token(NamedTuple):
    """A write token's secret and the role it carries."""

    secret: str
    role: str


def write_tokens(settings: Mapping[str, Any]) -> dict[str, Token]:
    """Return the configured write tokens by name (WRITE_TOKEN is named "default", admin).

    A WRITE_TOKENS entry is a secret (role DEFAULT_ROLE) or ``{"token": ..., "role": ...}``.
    """
    tokens: dict[str, Token] = {}
    for name, entry in dict(settings.get("WRITE_TOKENS") or {}).items():
        if isinstance(entry, Mapping):
            unknown = set(entry) - {"token", "role"}
            if unknown:
                raise ValueError(f"WRITE_TOKENS[{name!r}]: unknown keys {sorted(unknown)}")
            secret, role = str(entry.get("token") or ""), str(entry.get("role") or DEFAULT_ROLE)
        else:
            secret, role = str(entry or ""), DEFAULT_ROLE
        try:
            check_role(role)
        except ValueError as error:
            raise ValueError(f"WRITE_TOKENS[{name!r}]: {error}") from None
        if secret:
            tokens[str(name)] = Token(secret, role)
    if settings.get("WRITE_TOKEN"):
        tokens.setdefault("default", Token(str(settings["WRITE_TOKEN"]), ADMIN))
    return tokens
