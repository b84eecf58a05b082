"""The `openness ingest` sub-command: submit files as one validated, all-or-nothing batch."""

from __future__ import annotations

import argparse
import getpass
import json
import sys
from pathlib import Path

import rdflib

from graph.batch_limits import BatchRefused, check_shape
from graph.cli import UsageError, command
from graph.ingest import SUFFIXES, IngestError, Outcome, Rejected, ingest, parse_batch
from graph.ingest.form import form_to_graph
from graph.ingest.roles import CURATOR, ROLES
from graph.validation.report import group_results


def register(sub: argparse._SubParsersAction) -> None:
    """Add `openness ingest`."""
    p = sub.add_parser("ingest", help="validate files as one batch and write it atomically")
    p.add_argument("paths", nargs="+", metavar="FILE", help=".ttl, .jsonld, .nt, or a .json form")
    p.add_argument(
        "--as", dest="who", default=None, help="who is submitting (default: your user name)"
    )
    p.add_argument("--no-recompute", action="store_true", help="do not recompute scores")
    p.add_argument(
        "--dry-run",
        action="store_true",
        help="judge the batch and show the scores it would move; write nothing",
    )
    p.add_argument(
        "--role",
        choices=ROLES,
        default=CURATOR,
        help="the role the batch is judged with (default: curator, as the operator)",
    )


def read_batch(paths: list[str]) -> rdflib.Graph:
    """Parse every file into one batch; a JSON file that is not JSON-LD is read as the form."""
    batch = rdflib.Graph()
    for raw in paths:
        path = Path(raw)
        if not path.is_file():
            raise UsageError(f"{path}: no such file")
        data = path.read_bytes()
        if path.suffix == ".json" and b"@context" not in data:
            try:
                form = json.loads(data)
            except json.JSONDecodeError as exc:
                raise IngestError(f"{path}:{exc.lineno}:{exc.colno}: not JSON: {exc.msg}") from None
            try:
                batch += form_to_graph(form)
            except IngestError as exc:
                raise IngestError(f"{path}: {exc}") from None
            continue
        fmt = SUFFIXES.get(path.suffix)
        if fmt is None:
            raise UsageError(f"{path}: unknown extension; use {', '.join(SUFFIXES)}")
        batch += parse_batch(data, fmt, str(path))
    return batch


@command("ingest")
def cmd_ingest(args: argparse.Namespace) -> int:
    """Validate and write the files; print what changed, or the violations."""
    from graph.cli.store import store_from

    try:
        batch = read_batch(args.paths)
        check_shape(batch)
    except (IngestError, BatchRefused) as exc:
        print(f"error: {exc}\nNothing was written.", file=sys.stderr)
        return 1
    who = args.who or getpass.getuser()
    store = store_from(args)
    try:
        outcome = ingest(
            store,
            batch,
            who,
            " ".join(args.paths),
            role=args.role,
            recompute=not args.no_recompute,
            dry_run=args.dry_run,
        )
    except Rejected as exc:
        for group in group_results(exc.report, exc.report.data_results):
            print(group.line, file=sys.stderr)
        print(f"{exc}.", file=sys.stderr)
        return 1
    if args.dry_run:
        return print_dry_run(outcome)
    store.flush()
    if not outcome.created:
        print(f"unchanged: the same batch was already submitted as {outcome.submission}")
        return 0
    print(f"accepted {outcome.submission}: {outcome.triples} triples into {outcome.graph}")
    for claim in outcome.claims:
        print(f"  claim       {claim}")
    for claim in outcome.deprecated:
        print(f"  deprecated  {claim}")
    for model in outcome.recomputed:
        print(f"  recomputed  {model}")
    return 0


def print_dry_run(outcome: Outcome) -> int:
    """Print what a valid batch would add and the scores it would move; nothing is written."""
    if not outcome.created:
        print(f"unchanged: the same batch was already submitted as {outcome.submission}")
        print("Dry run: nothing was written.")
        return 0
    print(f"valid: {outcome.triples} triples would go into {outcome.graph}")
    for claim in outcome.claims:
        print(f"  claim       {claim}")
    for claim in outcome.deprecated:
        print(f"  deprecated  {claim}")
    changes = outcome.preview.changes() if outcome.preview else []
    for change in changes:
        print(
            f"  score       {change['model']} {change['framework']}: "
            f"{shown(change['before'])} -> {shown(change['after'])}"
        )
    if not changes:
        print("  no score would change")
    print("Dry run: nothing was written.")
    return 0


def shown(score: dict | None) -> str:
    """Render a score (value and grade) for a line, or 'none'."""
    if score is None:
        return "none"
    grade = f" ({score['grade'].rsplit('/', 1)[-1]})" if score.get("grade") else ""
    return f"{score['value']}{grade}"
