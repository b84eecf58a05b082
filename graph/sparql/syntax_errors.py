"""Explain a SPARQL syntax error: where it is, the text around it, and how to fix a slash.

The engine's message gives a position ("error at 3:14") and what it expected there, often a
list of character classes nobody can read. :func:`explain` keeps the position, shortens the
list, shows the line with a caret under the position and, when the text holds a prefixed
name with a slash in it (``id:model/llama``, as the pages show IRIs), says how to write it:
a prefixed name's local part cannot hold an unescaped slash, so it is read as a property
path and the parser stops somewhere unhelpful.
"""

from __future__ import annotations

import re

from graph.namespaces import ID, KIND_PREFIXES
from graph.sparql.lexer import Token, prologue, tokenize

# Oxigraph says "at 3:14"; the checking parser (rdflib's) says "(line:3, col:14)".
_POSITION = re.compile(r"\bat (\d+):(\d+)|\bline:(\d+), col:(\d+)")
# A bracketed character class of the engine's expectations: ['a' ..= 'z' | '\u{00B7}'].
_CLASS = re.compile(r"\[(?:'(?:[^'\\]|\\.)*'|[^\]'])*\]")
_CONTEXT = 30  # characters shown on each side of the position on a long line


def explain(text: str, message: str, prefixes: dict[str, str]) -> str:
    """Return ``message`` made readable for ``text``, parsed with ``prefixes`` predeclared."""
    lines = [_shorten(message)]
    position = _POSITION.search(message)
    if position:
        line, column = (int(g) for g in position.groups() if g is not None)
        lines += _pointer(text, line, column)
    lines += _slash_hints(text, prefixes)
    return "\n".join(lines)


def _shorten(message: str) -> str:
    """Replace the engine's character classes by words; collapse its line breaks."""
    message = " ".join(message.split())
    if not _CLASS.search(message):
        return message
    shortened = _CLASS.sub("", message)
    shortened = re.sub(r"(,\s*)+(?=,|$)", "", shortened).rstrip(", ")
    return shortened + ", or a name"


def _pointer(text: str, line: int, column: int) -> list[str]:
    """Return the line at ``line`` (1-based) with a caret under ``column`` (1-based)."""
    rows = text.split("\n")
    if not 1 <= line <= len(rows):
        return []
    row = rows[line - 1].rstrip("\r")
    at = min(max(column - 1, 0), len(row))
    start = max(at - _CONTEXT, 0)
    end = min(at + _CONTEXT, len(row))
    shown = ("..." if start else "") + row[start:end] + ("..." if end < len(row) else "")
    caret = at - start + (3 if start else 0)
    gutter = f"{line} | "
    return [f"  {gutter}{shown}", "  " + " " * (len(gutter) - 2) + "| " + " " * caret + "^"]


def _slash_hints(text: str, prefixes: dict[str, str]) -> list[str]:
    """Say how to write each prefixed name that a slash splits (``id:model/llama``)."""
    tokens = tokenize(text)
    _, declared = prologue(tokens)
    known = {**prefixes, **declared}
    hints: list[str] = []
    for i in range(len(tokens) - 2):
        name, slash, rest = tokens[i : i + 3]
        if not _glued(name, slash, rest) or ":" not in name.text or ":" in rest.text:
            continue
        if name.text.endswith("\\"):  # id:model\/llama: escaped already
            continue
        # Take in every further "/segment" glued on: id:criterion/mof/data.
        parts = [rest.text]
        j = i + 3
        while j + 1 < len(tokens) and _glued(tokens[j - 1], tokens[j], tokens[j + 1]):
            if tokens[j].text != "/" or ":" in tokens[j + 1].text:
                break
            parts.append(tokens[j + 1].text)
            j += 2
        written = "/".join([name.text, *parts])
        hint = _hint(written, known)
        if hint and hint not in hints:
            line = text.count("\n", 0, name.start) + 1
            column = name.start - (text.rfind("\n", 0, name.start) + 1) + 1
            hints += [f"At {line}:{column}: {hint}", *_pointer(text, line, column)]
    return hints


def _glued(first: Token, slash: Token, rest: Token) -> bool:
    """Tell whether ``first``, a "/" and ``rest`` are written with nothing between them."""
    return (
        slash.kind == "punct"
        and slash.text == "/"
        and rest.kind == "name"
        and first.start + len(first.text) == slash.start
        and slash.start + 1 == rest.start
    )


def _hint(written: str, known: dict[str, str]) -> str | None:
    prefix, local = written.split(":", 1)
    if prefix not in known:
        return None
    escaped = f"{prefix}:{local.replace('/', chr(92) + '/')}"
    iri = known[prefix] + local
    kind, _, slug = local.partition("/")
    if known[prefix] == str(ID) and KIND_PREFIXES.get(kind) == known.get(kind) and slug:
        better = f"{kind}:{slug.replace('/', chr(92) + '/')}"
        return (
            f"A prefixed name cannot hold a slash: {written} is read as a property path. "
            f"Write {better} (the {kind}: prefix is predeclared), {escaped}, or <{iri}>."
        )
    return (
        f"A prefixed name cannot hold a slash: {written} is read as a property path. "
        f"Write {escaped} (the slash escaped) or <{iri}>."
    )
