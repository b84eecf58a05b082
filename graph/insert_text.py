"""Write the ``INSERT`` operations of the application's updates so every server takes them.

SPARQL 1.1 allows blank nodes in ``INSERT DATA``, but Virtuoso refuses them ("Blank node is
not allowed in a constant clause"). ``INSERT { ... } WHERE {}`` means the same thing — one
solution, each blank-node label a fresh node — and every server takes it, so blocks that
may hold blank nodes are written that way; blocks without keep the cheaper ``INSERT DATA``.
"""

from __future__ import annotations


def insert(block: str) -> str:
    """Return one operation inserting ``block`` (``GRAPH <g> { triples }`` groups).

    Any ``_:`` in the text, even inside a literal, chooses the template form, which is
    correct either way.
    """
    if "_:" in block:
        return f"INSERT {{\n{block}\n}} WHERE {{}}"
    return f"INSERT DATA {{\n{block}\n}}"
