"""Print query results as a table, JSON, CSV or Turtle."""

from __future__ import annotations

import csv
import io
import json
import shutil
from collections.abc import Sequence

import pyoxigraph as ox

FORMATS = ("table", "json", "csv", "turtle")


def term_text(term: object) -> str:
    """Return a term as a person reads it: IRIs and literals without syntax, blank nodes as _:id."""
    if term is None:
        return ""
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    return term.value  # type: ignore[attr-defined]


def rows_of(solutions: ox.QuerySolutions) -> tuple[list[str], list[list[object]]]:
    """Return (variable names, rows of terms) from SELECT solutions."""
    names = [v.value for v in solutions.variables]
    return names, [[sol[n] for n in names] for sol in solutions]


def table(names: Sequence[str], rows: Sequence[Sequence[object]], width: int | None = None) -> str:
    """Format rows as an aligned text table, shortening cells to fit the terminal."""
    width = width or shutil.get_terminal_size((160, 20)).columns
    cells = [[term_text(t) for t in row] for row in rows]
    limit = max(12, (width - 3 * len(names)) // max(1, len(names)))
    cells = [[c if len(c) <= limit else c[: limit - 1] + "…" for c in row] for row in cells]
    widths = [max([len(n)] + [len(r[i]) for r in cells]) for i, n in enumerate(names)]
    line = " | ".join(n.ljust(w) for n, w in zip(names, widths, strict=True))
    out = [line, "-+-".join("-" * w for w in widths)]
    out += [" | ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)) for r in cells]
    out.append(f"({len(cells)} row{'s' if len(cells) != 1 else ''})")
    return "\n".join(out)


def render(result: object, fmt: str) -> str:
    """Render a pyoxigraph query result in ``fmt`` (one of FORMATS)."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}; use one of {', '.join(FORMATS)}")
    if isinstance(result, ox.QueryBoolean):
        return json.dumps({"boolean": bool(result)}) if fmt == "json" else str(bool(result)).lower()
    if not isinstance(result, ox.QuerySolutions):
        data = result.serialize(format=ox.RdfFormat.TURTLE) if fmt in ("turtle", "table") else None
        if data is None:
            data = result.serialize(format=ox.RdfFormat.N_TRIPLES)
        return data.decode()
    if fmt == "turtle":
        raise ValueError("--format turtle is for CONSTRUCT and DESCRIBE; use table, json or csv")
    names, rows = rows_of(result)  # type: ignore[arg-type]
    if fmt == "table":
        return table(names, rows)
    if fmt == "json":
        return json.dumps(
            [
                {n: term_text(t) for n, t in zip(names, row, strict=True) if t is not None}
                for row in rows
            ],
            indent=2,
            ensure_ascii=False,
        )
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(names)
    writer.writerows([[term_text(t) for t in row] for row in rows])
    return buf.getvalue().rstrip("\n")
