"""Load the named example queries shipped as ``graph/queries/*.rq``.

Each file is one SPARQL query. Its first lines are comments giving a title and a
description::

    # title: Named graphs
    # description: List the named graphs and how many triples each holds.
    SELECT ...

The file name without ``.rq`` is the query's stable name; files sort by name.
"""

from __future__ import annotations

import re
from importlib import resources
from typing import NamedTuple

_HEADER = re.compile(r"#\s*(title|description)\s*:\s*(.*?)\s*$", re.IGNORECASE)


class ExampleQuery(NamedTuple):
    """One named example query: its file stem, title, description and text."""

    name: str
    title: str
    description: str
    text: str


def parse_example(name: str, text: str) -> ExampleQuery:
    """Read the ``# title:`` and ``# description:`` header comments of one query."""
    fields = {"title": "", "description": ""}
    for line in text.splitlines():
        stripped = line.strip()
        if not stripped:
            continue
        if not stripped.startswith("#"):
            break
        match = _HEADER.match(stripped)
        if match:
            fields[match.group(1).lower()] = match.group(2)
    if not fields["title"]:
        raise ValueError(f"example query {name}.rq has no '# title:' comment line")
    return ExampleQuery(name, fields["title"], fields["description"], text)


def example_queries() -> list[ExampleQuery]:
    """Return every example query in this package, sorted by file name."""
    folder = resources.files(__package__)
    files = sorted(
        (entry for entry in folder.iterdir() if entry.name.endswith(".rq")),
        key=lambda entry: entry.name,
    )
    return [parse_example(f.name[: -len(".rq")], f.read_text(encoding="utf-8")) for f in files]
