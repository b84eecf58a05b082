"""The `openness` command line: load, validate, query, stats, spectrum, serve.

Each area registers its own sub-commands: a module of this package listed in
COMMAND_MODULES has ``register(sub)``, which adds parsers to the sub-parser set and
handlers with the ``@command`` decorator.
"""

from __future__ import annotations

import argparse
import gc
import importlib
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from graph import __version__

Handler = Callable[[argparse.Namespace], int]
COMMANDS: dict[str, Handler] = {}
COMMAND_MODULES = (
    "graph.cli.store",
    "graph.cli.trace",
    "graph.cli.ingest",
    "graph.cli.serve",
    "graph.cli.transfer",
    "graph.cli.imports",
    "graph.cli.analyze",
    "graph.cli.report",
)


class UsageError(Exception):
    """A command was given input it cannot use; the message says what to do instead."""


def command(name: str) -> Callable[[Handler], Handler]:
    """Register a handler for a sub-command."""

    def wrap(fn: Handler) -> Handler:
        COMMANDS[name] = fn
        return fn

    return wrap


def build_parser() -> argparse.ArgumentParser:
    """Build the argument parser for every sub-command."""
    parser = argparse.ArgumentParser(
        prog="openness",
        description="openness-graph: claims about how open AI models are, "
        "and the sources behind them.",
    )
    parser.add_argument("--version", action="version", version=f"openness-graph {__version__}")
    parser.add_argument(
        "--store",
        help="store directory (default: $OPENNESS_STORE, else ./var/store); "
        "':memory:' for a throw-away store; or an external SPARQL 1.1 server, "
        "'sparql+http://host:port/query?update=/update&gsp=/store' (see docs/scaling.md)",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    for name in COMMAND_MODULES:
        importlib.import_module(name).register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit status."""
    args = build_parser().parse_args(argv)
    try:
        return COMMANDS[args.command](args)
    except UsageError as exc:
        print(f"openness {args.command}: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    finally:
        # An on-disk store keeps its lock until the object is freed; a reference
        # cycle would hold it past return, so collect before anyone reopens it.
        gc.collect()


def read_query_arg(text: str) -> str:
    """Return the query text, reading it from a file when given as @path."""
    if not text.startswith("@"):
        return text
    path = Path(text[1:])
    if not path.is_file():
        raise UsageError(f"{path}: no such query file")
    return path.read_text(encoding="utf-8")
