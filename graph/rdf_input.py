"""Refuse RDF input whose parsing would cost far more than its size, before parsing it.

Checked on the raw bytes, in linear time, wherever RDF comes in (submissions, the
Graph Store, loaded files); a big file is checked block by block (:func:`check_file`),
never held whole:

- RDF/XML may not declare a DOCTYPE: Oxigraph expands internal entities, so a
  539-byte body of nested entities stored a 100,000,000-character literal
  ("billion laughs"). RDF needs no DTD; without a DOCTYPE there are no entities
  beyond XML's five.
- JSON-LD may nest at most MAX_JSON_DEPTH arrays and objects: Oxigraph's JSON-LD
  parser recurses, and about 5,000 levels overflow the stack and kill the process.
"""

from __future__ import annotations

import codecs
import json
import re
import sys
from collections.abc import Iterable
from pathlib import Path

import pyoxigraph as ox

MAX_JSON_DEPTH = 128
DECLARATION = re.compile(rb"<!\s*(DOCTYPE|ENTITY)", re.IGNORECASE)
UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
# What may be the start of a declaration cut by the end of a block.
PARTIAL_DECLARATION = re.compile(rb"<(?:!\s*[A-Za-z]{0,6})?\Z")
# JSON's structure outside strings, and the rest of a string after its opening quote.
STRUCTURE = re.compile(rb'[\[\]{}"]')
STRING_REST = re.compile(rb'(?:[^"\\]|\\.)*"', re.DOTALL)
BLOCK = 8 * 2**20


class UnsafeInput(ValueError):
    """The input is refused before parsing; the message says why and what to change."""


def xml_declaration(data: bytes) -> str | None:
    """Return the DOCTYPE or ENTITY declaration an XML document makes, or None."""
    return xml_declaration_in([data])


def _utf16(start: bytes) -> str | None:
    """Return the UTF-16 codec an XML text starting with ``start`` is in, or None."""
    if start.startswith(UTF16_BOMS) or start[:4] in (b"<\x00?\x00", b"\x00<\x00?"):
        if start.startswith(b"\x00<"):
            return "utf-16-be"
        return "utf-16" if start.startswith(UTF16_BOMS) else "utf-16-le"
    return None


def _at_least_four_first(blocks: Iterable[bytes]) -> Iterable[bytes]:
    """Yield ``blocks``, the first holding at least four bytes (or all there are)."""
    first = b""
    for block in blocks:
        if len(first) >= 4:
            yield block
            continue
        first += block
        if len(first) >= 4:
            yield first
    if len(first) < 4:
        yield first


def xml_declaration_in(blocks: Iterable[bytes]) -> str | None:
    """Return the DOCTYPE or ENTITY declaration the XML text in ``blocks`` makes, or None;
    a declaration cut by the end of a block is found whole."""
    decoder, tail, start = None, b"", b""
    for block in _at_least_four_first(blocks):
        if not start:
            start = block
            encoding = _utf16(start)
            if encoding:  # UTF-16 text: look at the characters, not the bytes.
                decoder = codecs.getincrementaldecoder(encoding)(errors="replace")
        if decoder is not None:
            block = decoder.decode(block).encode("utf-8")
        text = tail + block
        found = DECLARATION.search(text)
        if found is not None:
            return found.group(1).decode().upper()
        partial = PARTIAL_DECLARATION.search(text)
        tail = b"" if partial is None else text[partial.start() :]
    return None


def json_depth(data: bytes) -> int | None:
    """Return how deep arrays and objects nest in JSON text; None if it is not JSON.

    Python's C decoder is linear and stops at its recursion limit (about 1,000
    levels) with RecursionError, reported here as that limit.
    """
    try:
        doc = json.loads(data)
    except RecursionError:
        return sys.getrecursionlimit()
    except ValueError:  # not JSON (or not UTF-8): the RDF parser will say where
        return None
    deepest, todo = 0, [(doc, 1)]
    while todo:
        node, depth = todo.pop()
        if isinstance(node, dict | list):
            deepest = max(deepest, depth)
            todo.extend(
                (child, depth + 1) for child in (node.values() if isinstance(node, dict) else node)
            )
    return deepest


def json_depth_in(blocks: Iterable[bytes]) -> int:
    """Return how deep arrays and objects nest in the JSON text in ``blocks``, outside its
    strings, without parsing it (the RDF parser says where a text is not JSON)."""
    depth = deepest = 0
    buffer = b""
    for block in blocks:
        buffer += block
        at = 0
        while (found := STRUCTURE.search(buffer, at)) is not None:
            if buffer[found.start()] == ord('"'):
                end = STRING_REST.match(buffer, found.end())
                if end is None:  # the string goes on in the next block
                    break
                at = end.end()
                continue
            at = found.end()
            if buffer[found.start()] in b"[{":
                depth += 1
                deepest = max(deepest, depth)
            else:
                depth -= 1
        else:
            at = len(buffer)
        buffer = buffer[at:]
    return deepest


def blocks_of(path: Path, size: int = BLOCK) -> Iterable[bytes]:
    """Yield the bytes of the file at ``path`` in blocks of ``size``."""
    with open(path, "rb") as data:
        while block := data.read(size):
            yield block


def check_file(path: Path, fmt: ox.RdfFormat, block: int = BLOCK) -> None:
    """Raise UnsafeInput as :func:`check_input` does, reading the file in blocks."""
    if fmt == ox.RdfFormat.RDF_XML:
        _refuse_declaration(xml_declaration_in(blocks_of(path, block)))
    elif fmt == ox.RdfFormat.JSON_LD:
        _refuse_depth(json_depth_in(blocks_of(path, block)))


def check_input(data: bytes, fmt: ox.RdfFormat) -> None:
    """Raise UnsafeInput when ``data`` in ``fmt`` would cost more to parse than its size."""
    if fmt == ox.RdfFormat.RDF_XML:
        _refuse_declaration(xml_declaration(data))
    elif fmt == ox.RdfFormat.JSON_LD:
        _refuse_depth(json_depth(data))


def _refuse_declaration(declared: str | None) -> None:
    if declared:
        raise UnsafeInput(
            f"the RDF/XML declares a {declared}: DTDs and entity declarations are refused "
            "(their expansion can turn a few bytes into gigabytes); remove the <!DOCTYPE …> "
            "and write the text out"
        )


def _refuse_depth(depth: int | None) -> None:
    if depth is not None and depth > MAX_JSON_DEPTH:
        raise UnsafeInput(
            f"the JSON-LD nests arrays and objects {depth} or more levels deep; at most "
            f"{MAX_JSON_DEPTH} are read"
        )
