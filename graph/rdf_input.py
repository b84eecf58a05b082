"""Refuse RDF input whose parsing would cost far more than its size, before parsing it.

Checked on the raw bytes, in linear time, wherever RDF comes in (submissions, the
Graph Store, loaded files):

- RDF/XML may not declare a DOCTYPE: Oxigraph expands internal entities, so a
  539-byte body of nested entities stored a 100,000,000-character literal
  ("billion laughs"). RDF needs no DTD; without a DOCTYPE there are no entities
  beyond XML's five.
- JSON-LD may nest at most MAX_JSON_DEPTH arrays and objects: Oxigraph's JSON-LD
  parser recurses, and about 5,000 levels overflow the stack and kill the process.
"""

from __future__ import annotations

import json
import re
import sys

import pyoxigraph as ox

MAX_JSON_DEPTH = 128
DECLARATION = re.compile(rb"<!\s*(DOCTYPE|ENTITY)", re.IGNORECASE)
UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")


class UnsafeInput(ValueError):
    """The input is refused before parsing; the message says why and what to change."""


def xml_declaration(data: bytes) -> str | None:
    """Return the DOCTYPE or ENTITY declaration an XML document makes, or None."""
    if data.startswith(UTF16_BOMS) or data[:4] in (b"<\x00?\x00", b"\x00<\x00?"):
        # UTF-16 text: look at the characters, not the bytes.
        encoding = "utf-16" if data.startswith(UTF16_BOMS) else "utf-16-le"
        if data.startswith(b"\x00<"):
            encoding = "utf-16-be"
        data = data.decode(encoding, errors="replace").encode("utf-8")
    found = DECLARATION.search(data)
    return None if found is None else found.group(1).decode().upper()


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


def check_input(data: bytes, fmt: ox.RdfFormat) -> None:
    """Raise UnsafeInput when ``data`` in ``fmt`` would cost more to parse than its size."""
    if fmt == ox.RdfFormat.RDF_XML:
        declared = xml_declaration(data)
        if declared:
            raise UnsafeInput(
                f"the RDF/XML declares a {declared}: DTDs and entity declarations are refused "
                "(their expansion can turn a few bytes into gigabytes); remove the <!DOCTYPE …> "
                "and write the text out"
            )
    elif fmt == ox.RdfFormat.JSON_LD:
        depth = json_depth(data)
        if depth is not None and depth > MAX_JSON_DEPTH:
            raise UnsafeInput(
                f"the JSON-LD nests arrays and objects {depth} or more levels deep; at most "
                f"{MAX_JSON_DEPTH} are read"
            )
