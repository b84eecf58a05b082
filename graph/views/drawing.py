"""Lay a graph dict out in columns and draw it as SVG, for pages read without JavaScript.

The layout is a simple layered one: each node's ``layer`` is its column, and
within a column nodes are ordered by the mean position of their neighbours in
the columns already placed (two sweeps, left to right then back), so edges
cross less. ``layout`` adds ``x`` and ``y`` (the node's centre) to each node;
``svg`` draws the result with every node a link to its page. Every piece of
text goes through XML escaping.
"""

from __future__ import annotations

from collections.abc import Callable
from xml.sax.saxutils import escape, quoteattr

NODE_W, NODE_H = 200, 46
GAP_X, GAP_Y = 70, 14
MARGIN = 16
LINE_CHARS = 30

COLOURS = {
    "score": "#dbe7fb",
    "assessment": "#eef1f6",
    "claim": "#fff7e0",
    "source": "#e8f5ec",
}
LEVEL_COLOURS = {"open": "#2e8b57", "partial": "#d08b00", "closed": "#c0392b", "unknown": "#8a94a6"}


def layout(graph: dict) -> dict:
    """Return ``graph`` with ``x``/``y`` on every node and its ``width``/``height``."""
    nodes = [dict(n) for n in graph["nodes"]]
    by_id = {n["id"]: n for n in nodes}
    neighbours: dict[str, set[str]] = {n["id"]: set() for n in nodes}
    for e in graph["edges"]:
        if e["source"] in by_id and e["target"] in by_id and e["source"] != e["target"]:
            neighbours[e["source"]].add(e["target"])
            neighbours[e["target"]].add(e["source"])
    layers = sorted({n["layer"] for n in nodes})
    columns = {layer: [n for n in nodes if n["layer"] == layer] for layer in layers}
    for column in columns.values():
        column.sort(key=lambda n: (n["label"].casefold(), n["id"]))
    position = {n["id"]: float(i) for column in columns.values() for i, n in enumerate(column)}

    def sweep(order: list[int]) -> None:
        placed: set[str] = set()
        for layer in order:
            column = columns[layer]

            def centre(n: dict, placed: set[str] = placed) -> float:
                near = [position[m] for m in neighbours[n["id"]] if m in placed]
                return sum(near) / len(near) if near else position[n["id"]]

            column.sort(key=lambda n: (centre(n), n["label"].casefold(), n["id"]))
            for i, n in enumerate(column):
                position[n["id"]] = float(i)
            placed |= {n["id"] for n in column}

    sweep(layers)
    sweep(list(reversed(layers)))
    tallest = max((len(c) for c in columns.values()), default=0)
    height = MARGIN * 2 + max(tallest, 1) * (NODE_H + GAP_Y) - GAP_Y
    for i, layer in enumerate(layers):
        column = columns[layer]
        top = (height - (len(column) * (NODE_H + GAP_Y) - GAP_Y)) / 2
        for j, n in enumerate(column):
            n["x"] = MARGIN + i * (NODE_W + GAP_X) + NODE_W / 2
            n["y"] = top + j * (NODE_H + GAP_Y) + NODE_H / 2
    width = MARGIN * 2 + max(len(layers), 1) * (NODE_W + GAP_X) - GAP_X
    return {**graph, "nodes": nodes, "width": width, "height": height}


def _lines(text: str) -> list[str]:
    """Split a label into at most two lines of about LINE_CHARS characters."""
    words, lines, current = text.split(), [], ""
    for word in words:
        if len(current) + len(word) + 1 > LINE_CHARS and current:
            lines.append(current)
            current = word
        else:
            current = f"{current} {word}".strip()
    lines.append(current)
    if len(lines) > 2:
        lines = [lines[0], lines[1]]
        lines[1] = lines[1][: LINE_CHARS - 1].rstrip() + "…"
    return [line if len(line) <= LINE_CHARS + 8 else line[: LINE_CHARS + 7] + "…" for line in lines]


def _edge_path(a: dict, b: dict) -> str:
    half = NODE_W / 2
    if b["x"] > a["x"]:
        x1, x2 = a["x"] + half, b["x"] - half
    elif b["x"] < a["x"]:
        x1, x2 = a["x"] - half, b["x"] + half
    else:  # same column: loop out to the right
        x1 = x2 = a["x"] + half
        bend = x1 + GAP_X * 0.6
        return f"M{x1:.1f},{a['y']:.1f} C{bend:.1f},{a['y']:.1f} {bend:.1f},{b['y']:.1f} {x2:.1f},{b['y']:.1f}"
    mid = (x1 + x2) / 2
    return f"M{x1:.1f},{a['y']:.1f} C{mid:.1f},{a['y']:.1f} {mid:.1f},{b['y']:.1f} {x2:.1f},{b['y']:.1f}"


def svg(graph: dict, href: Callable[[str], str | None]) -> str:
    """Draw a laid-out graph (see ``layout``) as a standalone SVG document."""
    placed = graph if "width" in graph else layout(graph)
    by_id = {n["id"]: n for n in placed["nodes"]}
    w, h = placed["width"], placed["height"]
    title = escape(placed.get("title", "graph"))
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {w:.0f} {h:.0f}" '
        f'width="{w:.0f}" height="{h:.0f}" role="img" aria-labelledby="graph-title" '
        'class="evidence-graph" font-family="system-ui, sans-serif" font-size="12">',
        f'<title id="graph-title">{title}</title>',
        '<defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" '
        'markerWidth="7" markerHeight="7" orient="auto-start-reverse">'
        '<path d="M0,0 L10,5 L0,10 z" fill="#7a8496"/></marker></defs>',
        '<g class="edges" fill="none" stroke="#9aa3b2" stroke-width="1.2">',
    ]
    for e in placed["edges"]:
        a, b = by_id.get(e["source"]), by_id.get(e["target"])
        if a is None or b is None:
            continue
        relation = e["relation"].rsplit("/", 1)[-1].rsplit("#", 1)[-1]
        dash = "" if relation == "wasDerivedFrom" else ' stroke-dasharray="5 3"'
        out.append(
            f'<path d="{_edge_path(a, b)}" marker-end="url(#arrow)"{dash}>'
            f"<title>{escape(relation)}</title></path>"
        )
    out.append("</g>")
    out.append('<g class="nodes">')
    for n in placed["nodes"]:
        x, y = n["x"] - NODE_W / 2, n["y"] - NODE_H / 2
        fill = COLOURS.get(n["kind"], "#ffffff")
        stroke = "#2456a4" if n.get("root") or n["kind"] == "score" else "#b5bccb"
        parts = [
            f'<rect x="{x:.1f}" y="{y:.1f}" width="{NODE_W}" height="{NODE_H}" rx="6" '
            f'fill="{fill}" stroke="{stroke}"/>'
        ]
        if n.get("level"):
            colour = LEVEL_COLOURS.get(n["level"], "#8a94a6")
            parts.append(
                f'<rect x="{x:.1f}" y="{y:.1f}" width="6" height="{NODE_H}" rx="3" fill="{colour}"/>'
            )
        lines = _lines(n["label"])
        first = n["y"] - (len(lines) - 1) * 8 + 4
        spans = "".join(
            f'<tspan x="{x + 12:.1f}" y="{first + i * 16:.1f}">{escape(line)}</tspan>'
            for i, line in enumerate(lines)
        )
        parts.append(f'<text fill="#1d2330">{spans}</text>')
        tip = escape(f"{n['kind']}: {n['label']}")
        body = f"<title>{tip}</title>" + "".join(parts)
        classes = f"node kind-{escape(n['kind'])}"
        link = href(n["id"])
        if link:
            out.append(f'<a href={quoteattr(link)} class="{classes}">{body}</a>')
        else:
            out.append(f'<g class="{classes}">{body}</g>')
    out.append("</g></svg>")
    return "\n".join(out)
