"""The `openness derive` and `openness trace` sub-commands: parse their arguments and print.

The trace as a readable tree is ``graph.evidence.as_text``.
"""

from __future__ import annotations

import argparse
import json

from graph.cli import UsageError, command

FORMATS = ("text", "json", "turtle")


def register(sub: argparse._SubParsersAction) -> None:
    """Add the derive and trace sub-commands."""
    p = sub.add_parser(
        "derive", help="resolve claims into assessments and scores, and store them as derived data"
    )
    p.add_argument(
        "models", nargs="*", metavar="MODEL", help="model IRI, slug or label (default: every model)"
    )

    p = sub.add_parser(
        "trace", help="trace a model's scores back to claims, sources and what those cite"
    )
    p.add_argument("model", metavar="MODEL", help="model IRI, slug (llama) or label")
    p.add_argument(
        "--framework",
        metavar="F",
        help="only this framework (oti-2024, osai-index, mof, osaid-1.0 ...)",
    )
    p.add_argument("--as-of", metavar="DATE", help="count only claims stated by DATE (YYYY-MM-DD)")
    p.add_argument(
        "--depth",
        metavar="N",
        type=int,
        help="show at most N citation steps below each claim's source (text only; 0: the sources)",
    )
    p.add_argument("--format", choices=FORMATS, default="text")


def _model(store, name: str):  # noqa: ANN001, ANN202
    from graph.records import UnknownModel, resolve_model

    try:
        return resolve_model(store, name)
    except UnknownModel as exc:
        raise UsageError(str(exc)) from None


def _verdict(score) -> str:  # noqa: ANN001
    if score.unplaced:
        return "unplaced"
    return (score.grade or "").rsplit("/", 1)[-1] or f"{score.value:.3g}"


@command("derive")
def cmd_derive(args: argparse.Namespace) -> int:
    """Recompute and store the assessments and scores of some models, or all."""
    from graph.cli.store import flush, store_from
    from graph.derive import derive
    from graph.derive.flags import NAMES, ordered

    store = store_from(args)
    models = [_model(store, name).iri for name in args.models] if args.models else None
    report = derive(store, models)
    flush(store)
    print(
        f"derived {len(report.models)} model{'s' if len(report.models) != 1 else ''} "
        f"in {report.seconds * 1000:.0f} ms: {report.assessments} assessments, "
        f"{report.scores} scores; {report.changed} changed."
    )
    for d in report.derivations.values():
        parts = [f"{s.rule.slug} {_verdict(s.score)}" for s in d.stored_scores]
        flagged = [NAMES[f] for f in ordered(f for s in d.stored_scores for f in s.flags)]
        line = f"  {d.model.slug}: {', '.join(parts) or 'no score'}"
        print(line + (f"  [flags: {', '.join(flagged)}]" if flagged else ""))
    return 0


@command("trace")
def cmd_trace(args: argparse.Namespace) -> int:
    """Print a model's chain of evidence: scores, assessments, claims, sources, citations."""
    from graph.cli.store import read_store_from
    from graph.evidence import UnknownFramework, trace
    from graph.evidence.as_text import trace_text

    if args.depth is not None and args.depth < 0:
        raise UsageError(f"--depth must be 0 or more, not {args.depth}")
    if args.depth is not None and args.format != "text":
        raise UsageError(f"--depth cuts the text tree; the {args.format} trace is always whole")
    store = read_store_from(args)
    model = _model(store, args.model)
    try:
        result = trace(store, model, framework=args.framework, as_of=args.as_of)
    except UnknownFramework as exc:
        raise UsageError(str(exc)) from None
    except ValueError as exc:  # a bad --as-of date
        raise UsageError(str(exc)) from None
    if args.format == "json":
        print(json.dumps(result.as_dict(), indent=2, ensure_ascii=False))
    elif args.format == "turtle":
        print(result.as_turtle())
    else:
        print(trace_text(result.as_dict(), args.depth))
    return 0
