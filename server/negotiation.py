"""Pick the response format: an explicit name, then the Accept header, then a default."""

from __future__ import annotations

from collections.abc import Sequence

from graph.sparql.formats import Format


def _media_ranges(accept: str) -> list[tuple[str, str, float]]:
    """Parse an Accept header into (type, subtype, q) triples, skipping malformed parts."""
    ranges = []
    for part in accept.split(","):
        fields = [f.strip() for f in part.split(";")]
        media = fields[0].lower()
        if "/" not in media:
            continue
        main, sub = media.split("/", 1)
        q = 1.0
        for param in fields[1:]:
            name, _, value = param.partition("=")
            if name.strip().lower() == "q":
                try:
                    q = max(0.0, min(1.0, float(value)))
                except ValueError:
                    q = 0.0
        ranges.append((main, sub, q))
    return ranges


def _quality(media_type: str, ranges: list[tuple[str, str, float]]) -> tuple[float, int]:
    """Return the q of the most specific range matching ``media_type`` and that specificity.

    Specificity is 2 for an exact range, 1 for ``type/*``, 0 for ``*/*``, -1 for no match.
    """
    main, sub = media_type.split("/", 1)
    best_specificity, best_q = -1, 0.0
    for r_main, r_sub, q in ranges:
        if r_main == main and r_sub == sub:
            specificity = 2
        elif r_main == main and r_sub == "*":
            specificity = 1
        elif r_main == "*" and r_sub == "*":
            specificity = 0
        else:
            continue
        if specificity > best_specificity:
            best_specificity, best_q = specificity, q
    return best_q, best_specificity


def _score(fmt: Format, ranges: list[tuple[str, str, float]]) -> tuple[float, int]:
    """Rank a format: its best q, and 1 when that q comes from its canonical media type.

    A format whose canonical type is refused outright (``type/sub;q=0``) scores 0 even if
    an alias would match a wildcard.
    """
    q, specificity = _quality(fmt.media_type, ranges)
    if specificity == 2 and q == 0:
        return 0.0, 0
    best = (q, 1)
    for alias in fmt.aliases:
        alias_q, _ = _quality(alias, ranges)
        best = max(best, (alias_q, 0))
    return best


def negotiate(
    offered: Sequence[Format],
    *,
    requested: str | None = None,
    accept: str | None = None,
    default: Format | None = None,
) -> Format | None:
    """Return the format to answer in, or None when nothing offered is acceptable.

    ``requested`` is a URL suffix or a ``format=`` value: a format name (``json``, ``ttl``)
    or a media type; when given it decides alone. Otherwise the Accept header decides by
    q-value, the most specific range for each media type counting; a match on a format's
    canonical media type beats one on an alias (``text/*`` picks CSV, not XML as
    ``text/xml``), and remaining ties go to the default, then to the earlier format.
    Without a usable Accept header the answer is ``default`` (the first offered format
    when no default is given).
    """
    if requested:
        wanted = requested.strip().lower()
        for fmt in offered:
            if wanted in fmt.names or wanted in fmt.media_types:
                return fmt
        return None
    fallback = default if default is not None else (offered[0] if offered else None)
    ranges = _media_ranges(accept or "")
    if not ranges:
        return fallback
    best, best_score = None, (0.0, 0)
    if fallback is not None and fallback in offered:
        # The default goes first so that "*/*" picks it.
        offered = [fallback, *(f for f in offered if f != fallback)]
    for fmt in offered:
        score = _score(fmt, ranges)
        if score[0] > 0 and score > best_score:
            best, best_score = fmt, score
    return best
