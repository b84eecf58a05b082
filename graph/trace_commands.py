"""The `openness derive` and `openness trace` sub-commands, and the trace as a readable tree."""

from __future__ import annotations

import argparse
import json
from collections.abc import Iterator

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
    p.add_argument("--format", choices=FORMATS, default="text")


def _model(store, name: str):  # noqa: ANN001, ANN202
    from graph.records import UnknownModel, resolve_model

    try:
        return resolve_model(store, name)
    except UnknownModel as exc:
        raise UsageError(str(exc)) from None


@command("derive")
def cmd_derive(args: argparse.Namespace) -> int:
    """Recompute and store the assessments and scores of some models, or all."""
    from graph.commands import flush, store_from
    from graph.derive import derive
    from graph.flags import NAMES, ordered

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
        parts = [
            f"{s.rule.slug} {(s.score.grade or '').rsplit('/', 1)[-1] or f'{s.score.value:.3g}'}"
            for s in d.stored_scores
        ]
        flagged = [NAMES[f] for f in ordered(f for s in d.stored_scores for f in s.flags)]
        line = f"  {d.model.slug}: {', '.join(parts) or 'no score'}"
        print(line + (f"  [flags: {', '.join(flagged)}]" if flagged else ""))
    return 0


@command("trace")
def cmd_trace(args: argparse.Namespace) -> int:
    """Print a model's chain of evidence: scores, assessments, claims, sources, citations."""
    from graph.commands import store_from
    from graph.evidence import UnknownFramework, trace

    store = store_from(args)
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
        print(trace_text(result.as_dict()))
    return 0


# ---------------------------------------------------------------- the trace as a tree


def _names(refs: list[dict]) -> str:
    return ", ".join(r["label"] for r in refs)


def _tree(
    node: tuple[str, list], prefix: str = "", last: bool = True, top: bool = True
) -> Iterator[str]:
    text, children = node
    lines = text.split("\n")
    if top:
        yield lines[0]
        inner = prefix
    else:
        yield prefix + ("└── " if last else "├── ") + lines[0]
        inner = prefix + ("    " if last else "│   ")
    pad = inner + ("│   " if children else "    ")
    for extra in lines[1:]:
        yield pad + extra
    for i, child in enumerate(children):
        yield from _tree(child, inner, i == len(children) - 1, False)


def trace_text(data: dict) -> str:
    """Render the trace dictionary (``Trace.as_dict``) as a readable tree."""
    sources = data["sources"]
    expanded: set[str] = set()

    def source_node(iri: str, quotes: list[dict], path: tuple[str, ...]) -> tuple[str, list]:
        s = sources.get(iri, {"iri": iri, "title": None, "url": None, "cites": []})
        about = [k["label"] for k in s.get("kinds", [])] + [
            p["label"] for p in s.get("publishers", [])
        ]
        if s.get("issued"):
            about.append(s["issued"])
        text = f"source: {s.get('title') or iri}" + (f" ({'; '.join(about)})" if about else "")
        text += f"\n<{s['url'] or iri}>"
        text += "".join(f'\nquote: "{q["exact"]}"' for q in quotes)
        children = []
        cites = s.get("cites", [])
        if cites and iri in expanded:
            children.append((f"cites {len(cites)} source(s), shown above", []))
        elif cites:
            expanded.add(iri)
            for c in cites:
                how = ", ".join(p.rsplit("/", 1)[-1] for p in c["properties"]) or "cites"
                if c["notes"]:
                    how += ", note " + ", ".join(str(n) for n in c["notes"])
                if c["source"] in path:
                    title = sources.get(c["source"], {}).get("title") or c["source"]
                    children.append(
                        (f"{how}: {title} (cycle: already on this path, not followed)", [])
                    )
                    continue
                sub = source_node(c["source"], [], (*path, c["source"]))
                passages = "".join(f'\nfor: "{p}"' for p in c["passages"])
                children.append((f"{how}: {sub[0]}{passages}", sub[1]))
        return text, children

    def claim_node(c: dict, criterion: str, reason: str | None = None) -> tuple[str, list]:
        who = _names(c["attributed_to"]) or "no one named"
        when = c["stated_on"] or "on no date"
        text = f"claim: {c['level']}, {c['rank']} rank, stated {when}, by {who}"
        notes = []
        if c["criterion"]["iri"] != criterion:
            notes.append(f"mapped from {c['criterion']['label']}")
        if c["self_reported"]:
            notes.append("self-reported")
        if reason:
            notes.append(f"not counted: {reason}")
        elif c["decides"]:
            notes.append("decides")
        text += (f" [{'; '.join(notes)}]" if notes else "") + f"\n<{c['iri']}>"
        kids = [source_node(s["iri"], s["quotes"], (s["iri"],)) for s in c["sources"]]
        return text, kids

    def assessment_node(a: dict) -> tuple[str, list]:
        criterion = a["criterion"]["iri"]
        text = f"{a['criterion']['label']}: {a['level']} ({a['rule']['label']})"
        if a["points"] is not None:
            text += f", {a['points']} point{'s' if a['points'] != 1 else ''}"
        if a["flags"]:
            text += f"  [{', '.join(a['flags'])}]"
        if a["mapped_from"]:
            text += f"\nno claim of its own: evidence mapped from {_names(a['mapped_from'])}"
        kids = [claim_node(c, criterion) for c in a["claims"]]
        kids += [claim_node(c, criterion, c["reason"]) for c in a["not_counted"]]
        return text, kids

    model = data["model"]
    out = [f"{model['label']} <{model['iri']}>"]
    if model["developers"]:
        out.append(f"developer: {_names(model['developers'])}")
    out.append(f"as of: {data['as_of'] or 'now'}")
    if data["flags"]:
        out.append(f"flags: {', '.join(data['flags'])}")
    washing = data["openwashing"]
    if washing["flagged"]:
        out.append(
            "openwashing: called open source by "
            f"{len(washing['called_open_by'])} claim(s), yet meets neither the OSI definition "
            "nor MOF Class I"
        )
    for score in data["scores"]:
        grade = score["grade"]["label"] if score["grade"] else "no grade"
        text = f"{score['framework']['label']}: {grade} (value {score['value']})\n<{score['iri']}>"
        if score["missing"]:
            text += f"\nmissing for the next grade up: {_names(score['missing'])}"
        for part in score["sub_scores"]:
            text += f"\n{part['measures']['label']}: {part['value']}"
        if score["flags"]:
            text += f"\nflags: {', '.join(score['flags'])}"
        out.append("")
        out += _tree((text, [assessment_node(a) for a in score["assessments"]]))
    for entry in data["unscored"]:
        out += ["", f"{entry['framework']['label']}: no score ({entry['reason']})"]
    if data["other_assessments"]:
        out.append("")
        others = [assessment_node(a) for a in data["other_assessments"]]
        out += _tree(("other assessments (read by no score shown)", others))
    out.append("")
    out.append(f"citation depth: {data['citation_depth']}; sources reached: {len(sources)}")
    for cycle in data["cycles"]:
        out.append("cycle: " + " -> ".join(cycle))
    return "\n".join(out)
