"""The `openness report` sub-command: the data-quality report as text or JSON."""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable

import pyoxigraph as ox

from graph.cli import UsageError, command
from graph.data_errors import CHECKS as ERROR_SECTIONS
from graph.namespaces import ID

REPORTS = ("quality",)
DEFAULT_LIMIT = 20


def register(sub: argparse._SubParsersAction) -> None:
    """Add the report sub-command."""
    p = sub.add_parser(
        "report",
        help="report on the data: quality (what needs a curator's attention)",
        description="Report on the data; docs/pages.md (Data quality) explains each section.",
    )
    p.add_argument("report", choices=REPORTS, metavar="REPORT", help=", ".join(REPORTS))
    p.add_argument("--format", choices=("text", "json"), default="text")
    p.add_argument(
        "--limit",
        type=int,
        default=DEFAULT_LIMIT,
        metavar="N",
        help=f"text only: list the first N items of each section (default {DEFAULT_LIMIT}; "
        "0 for all)",
    )


@command("report")
def cmd_report(args: argparse.Namespace) -> int:
    """Compute the report and print it."""
    from graph.cli.store import read_store_from
    from graph.quality import quality_report

    if args.limit < 0:
        raise UsageError("--limit must be 0 (all) or more")
    report = quality_report(read_store_from(args))
    if args.format == "json":
        print(json.dumps(report, indent=2, ensure_ascii=False))
    else:
        print(render_text(report, args.limit or None))
    return 0


# ---------------------------------------------------------------- text

TITLES = {
    "open_without_evidence": "open judgements without an evidence link",
    "non_durable_links": "links that are not durable",
    "unknown_licences": "licences no SPDX identifier fits",
    "undated_models": "models without a release date",
    "index_mof_disagreements": "index and MOF disagree on mapped criteria",
    "split_models": "one model on two nodes",
    "borrowed_facts": "another model's alias, version or repository on a model",
    "malformed_repositories": "repository addresses that are not well formed",
    "licences_without_source": "licences no claim about the model names",
    "licence_spellings": "open MOF claims on a licence spelling the tool does not match",
}


def _namer(labels: dict[str, str]) -> Callable[[str | None], str]:
    """Return a function naming an IRI: criteria and frameworks by their slug, others by label."""

    def name(iri: str | None) -> str:
        if not iri:
            return "-"
        for kind in ("criterion/", "framework/"):
            if iri.startswith(f"{ID}{kind}"):
                return iri[len(f"{ID}{kind}") :]
        return labels.get(iri) or iri.rstrip("/#").rsplit("/", 1)[-1]

    return name


def _columns(section: str, name: Callable) -> tuple[list[str], Callable[[dict], list]]:
    if section == "open_without_evidence":
        return ["model", "criterion", "claim"], lambda i: [
            name(i["model"]),
            name(i["criterion"]),
            i["claim"][len(f"{ID}claim/") :],
        ]
    if section == "non_durable_links":
        return ["reason", "claims", "address", "use instead"], lambda i: [
            i["reason"],
            i["claims"],
            i["url"],
            i["suggestion"] or "-",
        ]
    if section == "unknown_licences":
        return ["licence text", "stated by", "models"], lambda i: [
            i["text"] or "(no text)",
            i["subjects"],
            ", ".join(name(m) for m in i["models"]) or "-",
        ]
    if section == "undated_models":
        return ["model", "iri"], lambda i: [name(i["model"]), i["model"]]
    if section in ERROR_SECTIONS:
        return ["model", "reason", "evidence", "other"], lambda i: [
            name(i["model"]),
            i["reason"],
            i["evidence"],
            name(i.get("other") or i.get("claim")),
        ]
    return ["model", "criterion a", "level a", "relation", "criterion b", "level b", "gap"], (
        lambda i: [
            name(i["model"]),
            name(i["a"]["criterion"]),
            i["a"]["level"],
            i["relation"],
            name(i["b"]["criterion"]),
            i["b"]["level"],
            i["gap"],
        ]
    )


def _notes(section: str, part: dict) -> str:
    if section == "open_without_evidence":
        levels = ", ".join(f"{k} {v}" for k, v in part["flagged_by_level"].items())
        return f"claims flagged no-evidence-link, by level: {levels or 'none'}"
    if section == "non_durable_links":
        reasons = ", ".join(f"{k} {v}" for k, v in part["by_reason"].items())
        return f"by reason: {reasons or 'none'}"
    if section == "unknown_licences":
        return f"{part['subjects']} models and claims state one of these texts"
    if section == "index_mof_disagreements":
        return f"{part['compared']} model and criterion pairs compared"
    return ""


def render_text(report: dict, limit: int | None = DEFAULT_LIMIT) -> str:
    """Render the report as a summary followed by a table per section."""
    from graph.cli.output import table

    name = _namer(report["labels"])
    lines = [f"data quality; data version {report['data_version'][:19]}…", ""]
    width = max(len(t) for t in TITLES.values())
    lines += [f"  {TITLES[s].ljust(width)}  {n}" for s, n in report["counts"].items()]
    for section, title in TITLES.items():
        part = report[section]
        lines += ["", f"== {title}: {part['total']}"]
        note = _notes(section, part)
        if note:
            lines.append(note)
        if not part["items"]:
            continue
        shown = part["items"] if limit is None else part["items"][:limit]
        headers, row = _columns(section, name)
        lines.append(table(headers, [[ox.Literal(str(c)) for c in row(i)] for i in shown]))
        if len(shown) < part["total"]:
            lines.append(f"the first {len(shown)} shown (--limit 0 for all)")
    return "\n".join(lines)
