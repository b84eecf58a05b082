"""Read SPARQL text lexically: tokens, the prologue, and update WHERE clauses.

This serves conveniences only: inserting the protocol's ``USING`` clauses into an update
(:func:`add_using`) and the external store's rewriting of its own queries
(graph/store/server_text.py). It decides nothing that matters for security: a lexer that does
not know every SPARQL terminal (prefixed-name escapes such as ``ex:a\\#``) misreads
text, so SERVICE, LOAD and FROM are decided by a parser in graph/query_guard.py.

Strings (short and long, with escapes), IRI references, comments, variables and language
tags are single tokens, so ``"WHERE"``, ``<urn:WHERE>`` or ``# WHERE`` never count as the
keyword.
"""

from __future__ import annotations

import re
from typing import NamedTuple

_TOKEN = re.compile(
    r"""
    (?P<ws>\s+)
  | (?P<comment>\#[^\r\n]*)
  | (?P<string>
        \"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"
      | '''(?:[^'\\]|\\.|'(?!''))*'''
      | "(?:[^"\\\r\n]|\\.)*"
      | '(?:[^'\\\r\n]|\\.)*'
    )
  | (?P<iri><[^<>"{}|^`\\\x00-\x20]*>)
  | (?P<var>[?$][\w\u00b7\u0300-\u036f\u203f-\u2040]+)
  | (?P<lang>@[A-Za-z]+(?:-[A-Za-z0-9]+)*)
  | (?P<name>(?:[\w:%\\]|(?<=[\w:%])[.\-])+)
  | (?P<punct>\^\^|&&|\|\||!=|<=|>=|.)
    """,
    re.VERBOSE | re.DOTALL,
)


class Token(NamedTuple):
    """One lexical token: its kind (iri, var, name, string, lang, punct) and text."""

    kind: str
    text: str
    start: int


def tokenize(text: str) -> list[Token]:
    """Split SPARQL text into tokens, dropping white space and comments."""
    tokens: list[Token] = []
    for match in _TOKEN.finditer(text):
        kind = match.lastgroup or "punct"
        if kind in ("ws", "comment"):
            continue
        value = match.group()
        if kind == "name" and value.endswith("."):
            # A name never ends with '.': a trailing dot ends a triple ("?o.SERVICE" is
            # "?o", ".", "SERVICE" to the real parser).
            stripped = value.rstrip(".")
            if stripped:
                tokens.append(Token("name", stripped, match.start()))
            tokens.extend(
                Token("punct", ".", match.start() + i) for i in range(len(stripped), len(value))
            )
            continue
        tokens.append(Token(kind, value, match.start()))
    return _split_glued_keywords(tokens)


def _split_glued_keywords(tokens: list[Token]) -> list[Token]:
    """Split names such as ``o.SERVICE`` that the parser reads as two tokens."""
    out: list[Token] = []
    for token in tokens:
        if token.kind == "name" and ":" not in token.text and "." in token.text:
            # A bare name with an inner dot is no SPARQL term except a decimal number; split
            # it so a keyword after the dot is still seen.
            if not re.fullmatch(r"[0-9.eE+\-]+", token.text):
                offset = token.start
                for part in re.split(r"(\.)", token.text):
                    if part:
                        out.append(Token("punct" if part == "." else "name", part, offset))
                    offset += len(part)
                continue
        out.append(token)
    return out


def is_keyword(token: Token, word: str) -> bool:
    """Tell whether ``token`` is the (case-insensitive) keyword ``word``."""
    return token.kind == "name" and token.text.upper() == word


def prologue(tokens: list[Token]) -> tuple[str | None, dict[str, str]]:
    """Return the BASE IRI (or None) and the PREFIX map declared anywhere in the text."""
    base: str | None = None
    prefixes: dict[str, str] = {}
    for i, token in enumerate(tokens):
        if is_keyword(token, "BASE") and i + 1 < len(tokens) and tokens[i + 1].kind == "iri":
            base = tokens[i + 1].text[1:-1]
        elif (
            is_keyword(token, "PREFIX")
            and i + 2 < len(tokens)
            and tokens[i + 1].kind == "name"
            and tokens[i + 1].text.endswith(":")
            and tokens[i + 2].kind == "iri"
        ):
            prefixes[tokens[i + 1].text[:-1]] = tokens[i + 2].text[1:-1]
    return base, prefixes


_ABSOLUTE = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*:")


def _resolve(token: Token | None, prefixes: dict[str, str]) -> str | None:
    """Turn an IRI or prefixed-name token into an absolute IRI, or None."""
    if token is None:
        return None
    if token.kind == "iri":
        iri = token.text[1:-1]
    elif token.kind == "name" and ":" in token.text:
        prefix, local = token.text.split(":", 1)
        if prefix not in prefixes:
            return None
        iri = prefixes[prefix] + local
    else:
        return None
    return iri if _ABSOLUTE.match(iri) else None


def add_using(text: str, using: list[str], using_named: list[str]) -> str:
    """Insert ``USING`` / ``USING NAMED`` clauses before the WHERE of every update operation.

    This is how the protocol's ``using-graph-uri`` and ``using-named-graph-uri`` parameters
    take effect. Raises ValueError when the update already names its dataset (``USING`` or
    ``WITH``), which the SPARQL 1.1 Protocol answers with 400.
    """
    if not using and not using_named:
        return text
    tokens = tokenize(text)
    if any(is_keyword(t, "USING") or is_keyword(t, "WITH") for t in tokens):
        raise ValueError(
            "using-graph-uri / using-named-graph-uri cannot be combined with USING or WITH "
            "in the update"
        )
    clause = "".join(f" USING <{iri}>" for iri in using) + "".join(
        f" USING NAMED <{iri}>" for iri in using_named
    )
    depth = 0
    inserts: list[int] = []
    previous: Token | None = None
    for token in tokens:
        if token.kind == "punct" and token.text == "{":
            depth += 1
        elif token.kind == "punct" and token.text == "}":
            depth -= 1
        elif depth == 0 and is_keyword(token, "WHERE"):
            # "DELETE WHERE { ... }" has no dataset clause; a WHERE after a template does.
            if previous is not None and previous.text == "}":
                inserts.append(token.start)
        previous = token
    for position in reversed(inserts):
        text = text[:position] + clause.lstrip() + " " + text[position:]
    return text
