"""Read SPARQL text lexically: find SERVICE targets, LOAD operations and update WHERE clauses.

pyoxigraph does not expose the parsed algebra, so the checks that must happen before a
query reaches the engine (which would fetch a ``SERVICE`` or ``LOAD`` IRI over HTTP) work
on tokens. The tokenizer follows the SPARQL 1.1 terminals that can hide a keyword: strings
(short and long, with escapes), IRI references, comments, variables and language tags are
single tokens, so ``"SERVICE"``, ``<urn:SERVICE>``, ``# SERVICE``, ``?service`` and
``ex:service`` never count as the keyword. Any doubt errs towards finding a keyword: a
query the lexer misreads is refused, never sent out.
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


def service_targets(text: str, predefined: dict[str, str] | None = None) -> list[str | None]:
    """Return the endpoint of every SERVICE clause, None where it cannot be known statically.

    A target is None when it is a variable, a relative IRI, or a prefixed name whose
    namespace is not an absolute IRI: such a clause cannot be checked against an allowlist.
    ``predefined`` are prefixes the engine knows without a PREFIX declaration.
    """
    tokens = tokenize(text)
    _, declared = prologue(tokens)
    prefixes = {**(predefined or {}), **declared}
    targets: list[str | None] = []
    for i, token in enumerate(tokens):
        if not is_keyword(token, "SERVICE"):
            continue
        j = i + 1
        if j < len(tokens) and is_keyword(tokens[j], "SILENT"):
            j += 1
        target = tokens[j] if j < len(tokens) else None
        targets.append(_resolve(target, prefixes))
    return targets


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


def has_keyword(text: str, word: str) -> bool:
    """Tell whether the keyword ``word`` (upper case) occurs as a keyword in ``text``."""
    return any(is_keyword(token, word) for token in tokenize(text))


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
