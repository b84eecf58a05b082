"""The SPARQL texts a store is sent: graph names, prologues, swaps and inserts.

Also reads what a query's text says of its dataset (FROM, FROM NAMED, GRAPH), and which
graphs an update drops.

Inserts are written so every server takes them. SPARQL 1.1 allows blank nodes in ``INSERT
DATA``, but Virtuoso refuses them ("Blank node is not allowed in a constant clause").
``INSERT { ... } WHERE {}`` means the same thing — one solution, each blank-node label a
fresh node — and every server takes it, so blocks that may hold blank nodes are written
that way; blocks without keep the cheaper ``INSERT DATA``.
"""

from __future__ import annotations

import re
import time
import uuid
from collections.abc import Iterable

import pyoxigraph as ox

from graph.namespaces import graph_iri
from graph.sparql.lexer import _resolve, is_keyword, prologue, tokenize

STAGING = graph_iri("staging/")
# The default graph lives in this named graph: servers differ on what their own default
# graph is (Virtuoso's is the union of everything), so the dataset sent with each request
# names it explicitly.
DEFAULT = graph_iri("default")
# Used when the dataset has no graph at all: naming a graph that does not exist keeps the
# server from falling back to its own default dataset (Virtuoso's is every graph it has).
EMPTY = graph_iri("none")
_PREFIX_DECL = re.compile(r"\bPREFIX\s+([A-Za-z][\w.-]*)?:", re.IGNORECASE)
_LEADING_BASE = re.compile(r"(?:\s|#[^\r\n]*)*BASE\s*<[^<>\s]*>", re.IGNORECASE)
# A cheap look before any lexing: most updates drop no graph, some are megabytes long.
_MAY_DROP_GRAPH = re.compile(r"\bDROP(?:\s|#[^\r\n]*)+GRAPH\b", re.IGNORECASE)


def insert(block: str) -> str:
    """Return one operation inserting ``block`` (``GRAPH <g> { triples }`` groups).

    Any ``_:`` in the text, even inside a literal, chooses the template form, which is
    correct either way.
    """
    if "_:" in block:
        return f"INSERT {{\n{block}\n}} WHERE {{}}"
    return f"INSERT DATA {{\n{block}\n}}"


def staging_name() -> str:
    """Return a new staging graph IRI; its time stamp lets a later run find it stale."""
    return f"{STAGING}{int(time.time())}-{uuid.uuid4().hex}"


def clear_subjects(graph: str, subjects: list[str]) -> str:
    """Return one operation removing the triples of ``subjects`` from ``graph``."""
    values = " ".join(f"<{iri}>" for iri in subjects)
    return (
        f"DELETE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }} WHERE {{ "
        f"GRAPH <{graph}> {{ VALUES ?s {{ {values} }} ?s ?p ?o }} }}"
    )


def swap_operation(staged: dict[str, str], records: str, forget: tuple[str, ...]) -> str:
    """Return one DELETE/INSERT operation putting each staging graph in place of its graph.

    ``staged`` maps graphs to their staging graphs; ``records`` are constant blocks to
    insert, ``forget`` ``"<graph> <subject>"`` pairs whose statements go. The staging
    graphs are dropped by a second operation, which may fail harmlessly.
    """
    gone, put, where = [], [], []
    for i, (graph, staging) in enumerate(staged.items()):
        gone.append(f"GRAPH <{graph}> {{ ?s{i} ?p{i} ?o{i} }}")
        where.append(f"{{ GRAPH <{graph}> {{ ?s{i} ?p{i} ?o{i} }} }}")
        put.append(f"GRAPH <{graph}> {{ ?ns{i} ?np{i} ?no{i} }}")
        where.append(f"{{ GRAPH <{staging}> {{ ?ns{i} ?np{i} ?no{i} }} }}")
    for i, pair in enumerate(forget):
        graph, subject = pair.split(" ", 1)
        gone.append(f"GRAPH {graph} {{ {subject} ?fp{i} ?fo{i} }}")
        where.append(f"{{ GRAPH {graph} {{ {subject} ?fp{i} ?fo{i} }} }}")
    # One empty solution, so the records go in even when nothing else matches.
    where.append("{ }")
    drops = " ;\n".join(f"DROP SILENT GRAPH <{s}>" for s in staged.values())
    return (
        f"DELETE {{ {' '.join(gone)} }}\n"
        f"INSERT {{ {' '.join(put)}\n{records} }}\n"
        f"WHERE {{ {' UNION '.join(where)} }} ;\n{drops}"
    )


def insert_data(quads: Iterable[ox.Quad]) -> str:
    """Return one insert of ``quads`` grouped by graph (the default graph's into DEFAULT)."""
    return insert(quad_text(quads))


def quad_text(quads: Iterable[ox.Quad]) -> str:
    """Return ``quads`` as GRAPH blocks of N-Triples lines (the default graph's in DEFAULT)."""
    by_graph: dict[str, list[str]] = {}
    for quad in quads:
        graph = DEFAULT if isinstance(quad.graph_name, ox.DefaultGraph) else quad.graph_name.value
        by_graph.setdefault(graph, []).append(f"{quad.triple} .")
    return "\n".join(f"GRAPH <{g}> {{\n" + "\n".join(t) + "\n}" for g, t in by_graph.items())


def dataset_clauses(
    tokens: list, prefixes: dict[str, str] | None
) -> tuple[list[str], list[str]] | None:
    """Return the IRIs of a query's FROM and FROM NAMED clauses (None: one is unresolved)."""
    _, declared = prologue(tokens)
    known = {**(prefixes or {}), **declared}
    default, named = [], []
    for i, token in enumerate(tokens):
        if not is_keyword(token, "FROM"):
            continue
        is_named = i + 1 < len(tokens) and is_keyword(tokens[i + 1], "NAMED")
        at = i + 2 if is_named else i + 1
        iri = _resolve(tokens[at] if at < len(tokens) else None, known)
        if iri is None:
            return None
        (named if is_named else default).append(iri)
    return default, named


def graph_targets(tokens: list, prefixes: dict[str, str] | None) -> tuple[set[str], bool]:
    """Return the IRIs that follow a GRAPH keyword in a query's tokens, and whether a
    GRAPH is followed by anything else (a variable, a relative IRI)."""
    _, declared = prologue(tokens)
    known = {**(prefixes or {}), **declared}
    found, open_graph = set(), False
    for i, token in enumerate(tokens):
        if is_keyword(token, "GRAPH"):
            iri = _resolve(tokens[i + 1] if i + 1 < len(tokens) else None, known)
            if iri:
                found.add(iri)
            else:
                open_graph = True
    return found, open_graph


def graph_drops(text: str, prefixes: dict[str, str] | None) -> list[tuple[int, str]]:
    """Return each ``DROP GRAPH`` without ``SILENT`` in an update: (where its ``GRAPH``
    keyword starts in ``text``, the graph's IRI). A graph named otherwise is left out."""
    if not _MAY_DROP_GRAPH.search(text):
        return []
    tokens = tokenize(text)
    _, declared = prologue(tokens)
    known = {**(prefixes or {}), **declared}
    found = []
    for i, token in enumerate(tokens[:-2]):
        if is_keyword(token, "DROP") and is_keyword(tokens[i + 1], "GRAPH"):
            iri = _resolve(tokens[i + 2], known)
            if iri is not None:
                found.append((tokens[i + 1].start, iri))
    return found


def silenced(text: str, offsets: Iterable[int]) -> str:
    """Return ``text`` with ``SILENT`` written before each of ``offsets``."""
    for at in sorted(offsets, reverse=True):
        text = f"{text[:at]}SILENT {text[at:]}"
    return text


def with_prologue(text: str, base_iri: str | None, prefixes: dict[str, str] | None) -> str:
    """Prepend BASE and the PREFIX declarations ``text`` does not make itself."""
    # A text's own BASE wins anyway, and Virtuoso refuses a BASE after a PREFIX: a text
    # that opens with its BASE keeps it first, with the declarations after it.
    own_base = _LEADING_BASE.match(text)
    lead, text = (text[: own_base.end()] + "\n", text[own_base.end() :]) if own_base else ("", text)
    head = f"BASE <{base_iri}>\n" if base_iri and not own_base else ""
    if prefixes:
        declared = {m.group(1) or "" for m in _PREFIX_DECL.finditer(text)}
        head += "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in prefixes.items() if p not in declared)
    return lead + head + text
