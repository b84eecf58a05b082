"""Check SPARQL text before the engine sees it: nesting depth, size, SERVICE, LOAD and FROM.

Oxigraph fetches a ``SERVICE`` endpoint or a ``LOAD`` source over HTTP when it evaluates
the text, and pyoxigraph exposes no parsed algebra to look at first. These checks therefore
use rdflib's SPARQL parser (a parse tree with ``ServiceGraphPattern``, ``Load`` and
``DatasetClause`` nodes), never a hand-written lexer:

- A keyword is made of letters, so a text whose letters never spell ``SERVICE`` (or
  ``LOAD``, ``FROM``), case-insensitively, before or after decoding ``\\uXXXX`` escapes,
  cannot hold it; such a text is not parsed here at all.
- Otherwise rdflib parses it. Before that, every ``\\u``/``\\U`` escape is replaced by a
  space: rdflib decodes escapes before parsing (SPARQL 1.1) while Oxigraph reads them only
  inside strings and IRIs, so ``"\\u0022"`` would open a long string for rdflib and hide
  what Oxigraph takes for code. With escapes blanked both parsers see the same structure;
  a blank in an IRI makes rdflib fail, which refuses the text.
- A text that rdflib cannot parse is refused with its own error: nothing unchecked is
  ever handed to the engine.

Oxigraph's parser recurses once per nesting level and overflows a thread's stack near
2,200 levels (a segfault that kills the process), and its time grows steeply with nested
``[ ]`` (128 levels: 2.5 s, 256: 48 s). :func:`check_depth` refuses deep texts before any
parser sees them; :func:`parse_safely` runs the server process's own Oxigraph parses on a
stack that holds every opening bracket, which strings cannot fool.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from itertools import accumulate
from typing import TypeVar

T = TypeVar("T")

# Deeper texts are refused before any parser sees them; see the module docstring.
MAX_DEPTH = 64
# Opening brackets a thread's default stack parses safely (it overflows near 2,200).
SAFE_OPENERS = 1_000
# Bytes of stack given per opening bracket (about twice what the parser was seen to use),
# and the largest stack a parsing thread may have (address space, claimed only when used).
STACK_PER_LEVEL = 8 * 1024
MAX_STACK = 2**30
_STACK_LOCK = threading.Lock()
# Characters of text parsed with rdflib in the server process (the in-process and
# forwarding runners, updates); workers are bounded by their deadline instead.
SERVER_PARSE_LIMIT = 1_000_000
# Characters of the longest query whose check is remembered.
CACHED_TEXT = 65_536

# One message for every refusal and every failed SERVICE call, whatever the endpoint, so
# answers say nothing about which hosts or ports exist.
FETCH_REFUSED = (
    "SERVICE or LOAD was refused or did not succeed: this server fetches nothing from "
    "other hosts, except SERVICE calls to endpoints its operator allow-listed exactly."
)

_ESCAPE = re.compile(r"\\u[0-9A-Fa-f]{4}|\\U[0-9A-Fa-f]{8}")
_BRACKETS = re.compile(r"[^{}()\[\]]+")
_STEP = {"{": 1, "(": 1, "[": 1, "}": -1, ")": -1, "]": -1}
_ABSOLUTE = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*:")


class GuardError(Exception):
    """A text the checks refuse; ``status`` and ``title`` are how the endpoint answers."""

    status = 400
    title = "Query refused"


class FetchRefused(GuardError):
    """The text would make the server fetch from a host that is not allow-listed."""

    status = 403
    title = "Fetch refused"

    def __init__(self, message: str = FETCH_REFUSED):
        super().__init__(message)


class TooDeep(GuardError):
    """The text nests brackets deeper than the limit."""

    title = "Nesting too deep"


class TooLarge(GuardError):
    """The text is longer than may be parsed in the server process."""

    status = 413
    title = "Text too large"


class Unreadable(GuardError):
    """The checking parser cannot read a text that may hold SERVICE, LOAD or FROM."""

    title = "Query syntax error"


@dataclass(frozen=True)
class Plan:
    """What the checks learnt: whether the text names its dataset, whether it calls SERVICE."""

    names_dataset: bool = False
    calls_service: bool = False


def nesting_depth(text: str) -> int:
    """Return the deepest nesting of ``{ ( [`` counted over the raw text.

    Brackets inside strings and comments count too, and a closing bracket never takes the
    count below zero. A closing bracket inside a string still lowers it, so this is a
    filter, not a proof: :func:`parse_safely` is what makes the engine's parse safe.
    """
    brackets = _BRACKETS.sub("", text)
    if not brackets:
        return 0
    return max(accumulate((_STEP[c] for c in brackets), lambda depth, step: max(0, depth + step)))


def parse_safely(action: Callable[[], T], text: str) -> T:
    """Run ``action`` (which hands ``text`` to Oxigraph's parser) where its stack cannot overflow.

    Oxigraph's parser needs about 3.6 KiB of stack per nesting level; a thread's default
    stack (8 MiB) overflows near 2,200 levels, which kills the whole process. The nesting
    cannot exceed the number of opening brackets, whatever strings hide, so a text with
    more than :data:`SAFE_OPENERS` of them is parsed in a thread whose stack covers every
    one, and one with more than fit in :data:`MAX_STACK` is refused.
    """
    openers = sum(text.count(c) for c in "{([")
    if openers <= SAFE_OPENERS:
        return action()
    size = max(threading.stack_size() or 0, openers * STACK_PER_LEVEL + 8 * 2**20)
    if size > MAX_STACK:
        raise TooDeep(
            f"The text holds {openers:,} opening brackets, more than can be parsed safely "
            f"here ({MAX_STACK // STACK_PER_LEVEL:,})."
        )
    outcome: list = []

    def run() -> None:
        try:
            outcome.append((True, action()))
        except BaseException as error:  # handed to the calling thread
            outcome.append((False, error))

    with _STACK_LOCK:
        previous = threading.stack_size(size)
        try:
            thread = threading.Thread(target=run, name="deep-parse")
            thread.start()
        finally:
            threading.stack_size(previous)
    thread.join()
    ok, value = outcome[0]
    if not ok:
        raise value
    return value


def check_depth(text: str, max_depth: int = MAX_DEPTH) -> None:
    """Raise TooDeep when ``text`` nests brackets deeper than ``max_depth``."""
    depth = nesting_depth(text)
    if depth > max_depth:
        raise TooDeep(
            f"The text nests brackets {depth} levels deep; the limit is {max_depth}. "
            "Flatten the nested groups."
        )


def may_contain(text: str, word: str) -> bool:
    """Tell whether the letters of ``word`` occur in ``text``, raw or with escapes decoded."""
    if word in text.upper():
        return True
    if "\\" not in text:
        return False
    decoded = _ESCAPE.sub(lambda m: chr(int(m.group()[2:], 16)), text)
    return word in decoded.upper()


def check_query(
    text: str,
    allowlist: tuple[str, ...] = (),
    prefixes: dict[str, str] | None = None,
    *,
    max_depth: int = MAX_DEPTH,
    size_limit: int | None = None,
    always_parse: bool = False,
) -> Plan:
    """Check a query; return its Plan or raise a GuardError.

    ``prefixes`` are those the engine predefines; ``always_parse`` parses every text
    (for a store whose own extensions the keyword test does not cover).
    """
    check_depth(text, max_depth)
    service = may_contain(text, "SERVICE")
    dataset = may_contain(text, "FROM")
    if not (service or dataset or always_parse):
        return Plan()
    _check_size(text, size_limit)
    known = tuple(sorted((prefixes or {}).items()))
    # Pages and clients send the same queries again and again; huge ones are not kept.
    plan = _cached_plan if len(text) <= CACHED_TEXT else _query_plan
    return plan(text, tuple(allowlist), known)


def check_update(
    text: str,
    allowlist: tuple[str, ...] = (),
    prefixes: dict[str, str] | None = None,
    *,
    max_depth: int = MAX_DEPTH,
    size_limit: int | None = SERVER_PARSE_LIMIT,
    external: bool = False,
) -> None:
    """Refuse an update that would fetch (LOAD, or SERVICE outside ``allowlist``).

    ``external``: the update goes to another server, whose parser :func:`parse_safely`
    cannot protect; a text with more opening brackets than a default stack survives is
    then parsed here, which bounds its real nesting (the checking parser gives up near
    35 levels).
    """
    check_depth(text, max_depth)
    deep = external and sum(text.count(c) for c in "{([") > SAFE_OPENERS
    if not (deep or may_contain(text, "LOAD") or may_contain(text, "SERVICE")):
        return
    _check_size(text, size_limit)
    from rdflib.plugins.sparql.parser import parseUpdate

    tree = _parse(parseUpdate, text, "update")
    nodes = list(_walk(tree))
    if any(node.name == "Load" for node in nodes):
        raise FetchRefused()
    _check_services(nodes, allowlist, dict(prefixes or {}))


def _check_size(text: str, size_limit: int | None) -> None:
    if size_limit is not None and len(text) > size_limit:
        raise TooLarge(
            f"The text is {len(text):,} characters long; texts that may use SERVICE, LOAD or "
            f"FROM are checked up to {size_limit:,} characters here."
        )


def _query_plan(text: str, allowlist: tuple[str, ...], prefixes: tuple) -> Plan:
    from rdflib.plugins.sparql.parser import parseQuery

    tree = _parse(parseQuery, text, "query")
    nodes = list(_walk(tree))
    services = _check_services(nodes, allowlist, dict(prefixes))
    names_dataset = any(node.name.endswith("Query") and "datasetClause" in node for node in nodes)
    return Plan(names_dataset=names_dataset, calls_service=services > 0)


_cached_plan = lru_cache(maxsize=256)(lambda *args: _query_plan(*args))


def _parse(parse, text: str, what: str):
    """Parse with escapes blanked (see the module docstring); Unreadable if it fails."""
    blanked = _ESCAPE.sub(" ", text)
    try:
        return parse(blanked)
    except RecursionError:
        raise TooDeep(f"The {what} nests too deeply to be checked.") from None
    except Exception as error:  # pyparsing's ParseException and rdflib's own errors
        message = " ".join(str(error).split())[:300]
        raise Unreadable(
            f"The {what} does not parse as SPARQL 1.1: {message}. (A {what} that may use "
            "SERVICE, LOAD or FROM is read by a checking parser first.)"
        ) from None


def _walk(node):
    """Yield every parse-tree node (rdflib CompValue) under ``node``."""
    from pyparsing import ParseResults
    from rdflib.plugins.sparql.parserutils import CompValue

    stack = [node]
    while stack:
        current = stack.pop()
        if isinstance(current, CompValue):
            yield current
            stack.extend(current.values())
        elif isinstance(current, list | tuple | ParseResults):
            stack.extend(current)


def _check_services(nodes, allowlist, prefixes: dict[str, str]) -> int:
    """Raise FetchRefused unless every SERVICE names an allow-listed IRI; count them."""
    services = [node for node in nodes if node.name == "ServiceGraphPattern"]
    if not services:
        return 0
    if not allowlist:
        raise FetchRefused()
    declared = {
        str(node["prefix"] if "prefix" in node else ""): str(node["iri"])
        for node in nodes
        if node.name == "PrefixDecl"
    }
    known = {**prefixes, **declared}
    for node in services:
        target = _target(node["term"], known)
        if target is None or target not in allowlist:
            raise FetchRefused()
    return len(services)


def _target(term, prefixes: dict[str, str]) -> str | None:
    """Return the absolute IRI a SERVICE names, or None (variable, relative, unknown prefix)."""
    from rdflib.plugins.sparql.parserutils import CompValue
    from rdflib.term import URIRef

    if isinstance(term, CompValue) and term.name == "pname":
        prefix = str(term["prefix"]) if "prefix" in term else ""
        if prefix not in prefixes:
            return None
        iri = prefixes[prefix] + str(term["localname"] if "localname" in term else "")
    elif isinstance(term, URIRef):
        iri = str(term)
    else:
        return None
    return iri if _ABSOLUTE.match(iri) else None
