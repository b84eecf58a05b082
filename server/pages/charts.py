"""Draw charts as inline SVG on the server: bar charts, histograms and stacked bars.

The charts are plain markup (no JavaScript, nothing fetched), so they show in
any browser, in a saved page and in a screenshot alike. Every label is escaped;
a bar may link to a page (an SVG ``<a>``), and each chart carries a ``<title>``
and an ``aria-label`` so screen readers name it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from markupsafe import Markup, escape

FONT = 13
ROW = 24
LABEL_WIDTH = 280
RIGHT = 150
WIDTH = 760
COLOURS = ("#2e8b57", "#b87800", "#c0392b", "#3b6fb6", "#8a94a6")
CHAR_WIDTH = 7.5  # a generous average glyph width at FONT, to keep labels inside their room


@dataclass(frozen=True)
class Bar:
    """One bar: its label, its value, the text shown beside it and where it links."""

    label: str
    value: float
    text: str | None = None
    href: str | None = None


@dataclass(frozen=True)
class Stack:
    """One stacked bar: its label, a value per segment and where it links."""

    label: str
    values: Sequence[float]
    href: str | None = None


def _short(label: str, room: float) -> str:
    """Cut ``label`` to what fits in ``room`` pixels, marking the cut with an ellipsis."""
    most = max(int(room / CHAR_WIDTH), 3)
    return label if len(label) <= most else label[: most - 1] + "…"


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:.3g}"


def _svg(title: str, width: int, height: int, body: list[str], css_class: str) -> Markup:
    name = escape(title)
    return Markup(
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart {css_class}" role="img" '
        f'aria-label="{name}" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" font-family="system-ui, sans-serif" '
        f'font-size="{FONT}"><title>{name}</title>' + "".join(body) + "</svg>"
    )


def _label(
    text: str, x: float, y: float, href: str | None, room: float, anchor: str = "end"
) -> str:
    full = escape(text)
    label = (
        f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}" fill="#1f2933">'
        f"<title>{full}</title>{escape(_short(text, room))}</text>"
    )
    if href:
        return f'<a href="{escape(href)}">{label}</a>'
    return label


def bar_chart(bars: Sequence[Bar], title: str, *, colour: str = COLOURS[3]) -> Markup:
    """Return horizontal bars, one row per bar, longest for the largest value."""
    plot = WIDTH - LABEL_WIDTH - RIGHT
    top = max((b.value for b in bars), default=0) or 1
    height = ROW * len(bars) + 8
    body = []
    for i, bar in enumerate(bars):
        y = 4 + i * ROW
        length = max(bar.value, 0) / top * plot
        body.append(_label(bar.label, LABEL_WIDTH - 8, y + ROW / 2 + 4, bar.href, LABEL_WIDTH - 12))
        body.append(
            f'<rect class="bar" x="{LABEL_WIDTH}" y="{y + 3}" width="{length:.1f}" '
            f'height="{ROW - 6}" fill="{colour}"><title>{escape(bar.label)}: '
            f"{escape(bar.text or _number(bar.value))}</title></rect>"
        )
        body.append(
            f'<text x="{LABEL_WIDTH + length + 6:.1f}" y="{y + ROW / 2 + 4:.1f}" '
            f'fill="#52606d">{escape(bar.text or _number(bar.value))}</text>'
        )
    return _svg(title, WIDTH, height, body, "bar-chart")


def histogram(bins: Sequence[Bar], title: str, *, colour: str = COLOURS[3]) -> Markup:
    """Return vertical columns side by side, one per bin, with the count above each."""
    height, bottom, left = 220, 40, 10
    count = max(len(bins), 1)
    slot = min((WIDTH - 2 * left) / count, 120)
    width = int(2 * left + slot * count)
    top = max((b.value for b in bins), default=0) or 1
    plot = height - bottom - 24
    body = [
        f'<line x1="{left}" y1="{height - bottom}" x2="{width - left}" y2="{height - bottom}" '
        'stroke="#9aa5b1"/>'
    ]
    for i, column in enumerate(bins):
        x = left + i * slot
        tall = max(column.value, 0) / top * plot
        y = height - bottom - tall
        body.append(
            f'<rect class="bar" x="{x + 3:.1f}" y="{y:.1f}" width="{slot - 6:.1f}" '
            f'height="{tall:.1f}" fill="{colour}"><title>{escape(column.label)}: '
            f"{escape(column.text or _number(column.value))}</title></rect>"
        )
        body.append(
            f'<text x="{x + slot / 2:.1f}" y="{y - 5:.1f}" text-anchor="middle" '
            f'fill="#52606d">{escape(column.text or _number(column.value))}</text>'
        )
        body.append(
            _label(
                column.label, x + slot / 2, height - bottom + 18, column.href, slot - 4, "middle"
            )
        )
    return _svg(title, width, height, body, "histogram")


def stacked_bars(
    stacks: Sequence[Stack], segments: Sequence[str], title: str, *, colours=COLOURS
) -> Markup:
    """Return horizontal bars split into ``segments``, each bar scaled to the largest total."""
    plot = WIDTH - LABEL_WIDTH - RIGHT
    top = max((sum(s.values) for s in stacks), default=0) or 1
    legend = 28
    height = legend + ROW * len(stacks) + 8
    body = []
    for k, name in enumerate(segments):
        x = LABEL_WIDTH + k * 150
        body.append(
            f'<rect x="{x}" y="6" width="12" height="12" fill="{colours[k % len(colours)]}"/>'
            f'<text x="{x + 18}" y="16" fill="#1f2933">{escape(name)}</text>'
        )
    for i, stack in enumerate(stacks):
        y = legend + i * ROW
        body.append(
            _label(stack.label, LABEL_WIDTH - 8, y + ROW / 2 + 4, stack.href, LABEL_WIDTH - 12)
        )
        x = float(LABEL_WIDTH)
        for k, (name, value) in enumerate(zip(segments, stack.values, strict=True)):
            length = max(value, 0) / top * plot
            if length > 0:
                body.append(
                    f'<rect class="bar" x="{x:.1f}" y="{y + 3}" width="{length:.1f}" '
                    f'height="{ROW - 6}" fill="{colours[k % len(colours)]}">'
                    f"<title>{escape(stack.label)}: {escape(name)} {_number(value)}</title></rect>"
                )
            x += length
        body.append(
            f'<text x="{x + 6:.1f}" y="{y + ROW / 2 + 4:.1f}" fill="#52606d">'
            f"{escape(' / '.join(_number(v) for v in stack.values))}</text>"
        )
    return _svg(title, WIDTH, height, body, "stacked-bars")
