"""The `openness dump` and `openness restore` sub-commands."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from graph.cli import UsageError, command
from graph.store import transfer


def register(sub: argparse._SubParsersAction) -> None:
    """Add dump and restore."""
    p = sub.add_parser("dump", help="write every graph of the store to an N-Quads or TriG file")
    p.add_argument("file", metavar="FILE", help="where to write: .nq, .trig, .nq.gz or .trig.gz")
    p = sub.add_parser(
        "restore", help="write every graph of a dump into the store, replacing same-named graphs"
    )
    p.add_argument("file", metavar="FILE", help="a dump: .nq, .trig, .nq.gz or .trig.gz")


@command("dump")
def cmd_dump(args: argparse.Namespace) -> int:
    """Dump the store's graphs to a file."""
    from graph.cli.store import read_store_from

    path = Path(args.file)
    try:
        transfer.format_of(path)
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    moved = transfer.dump(read_store_from(args), path)
    print(f"dumped {moved.graphs} graphs ({moved.quads} quads) to {path}", file=sys.stderr)
    return 0


@command("restore")
def cmd_restore(args: argparse.Namespace) -> int:
    """Restore a dump into the store."""
    from graph.cli.store import store_from

    path = Path(args.file)
    if not path.is_file():
        raise UsageError(f"{path}: no such file")
    try:
        moved = transfer.restore(store_from(args), path)
    except ValueError as exc:
        print(f"error: {exc}; nothing was written", file=sys.stderr)
        return 1
    print(f"restored {moved.graphs} graphs ({moved.quads} quads) from {path}", file=sys.stderr)
    return 0
