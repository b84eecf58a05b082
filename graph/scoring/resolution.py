"""Resolve one model's claims on one criterion into an assessment, by a written rule.

Which claims count:

- deprecated claims never count;
- with ``as_of``, a claim counts only if it was stated by then (see dates below).

Then, of the claims that count:

1. none: the level is "unknown" (``og:NoClaimRule``);
2. any preferred claim: the first preferred claim in the order below decides
   (``og:PreferredRule``); the assessment is contested only if preferred
   claims disagree among themselves. Normal claims that the preferred claim
   overrode stay visible in ``claims_by_level`` but are not among the claims
   the level rests on;
3. exactly one claim: it decides (``og:SingleClaimRule``);
4. several claims, all stating the same level: that level (``og:AgreementRule``);
5. several claims that disagree, some on primary evidence and some not, the
   primary ones agreeing among themselves: the primary evidence decides
   (``og:PrimaryEvidenceRule``), and the assessment is contested;
6. any other disagreement: the first claim in the order below decides
   (``og:MostRecentRule``: the most recent of the weightiest evidence), and the
   assessment is contested.

The order, first to last:

1. primary evidence first (``Claim.primary``: the model's own artefact, such as
   its release, repository, model card or licence text, on what an artefact can
   show); a third party's statement and the developer's description of its own
   model weigh the same, below it;
2. then most recently stated first;
3. then the lower level first (unknown < closed < partial < open): when
   evidence of the same weight and date disagrees, the conservative reading wins;
4. then by claim IRI, so that the result never depends on input order.

Whenever the claims the level rests on include a primary and a secondary claim
that disagree, the assessment needs review (``Assessment.needs_review``): a
third party contradicts the model's own artefact, and a person should look.

Dates. ``stated_on`` may be a full date (xsd:date, "2024-11-19"), a month
(xsd:gYearMonth, "2024-11") or a year (xsd:gYear, "2024"). A partial date
stands for its first day: "2024-11" is 2024-11-01 and "2024" is 2024-01-01,
both for ordering and for ``as_of``. So "2024-11" and "2024-11-01" tie, and
"2024-11" sorts before "2024-11-19"; with ``as_of`` 2024-11-05 a claim stated
"2024-11" counts (it may have been stated by then) and one stated "2024-12"
does not. ``as_of`` itself must be a full date. A timezone on a date is
ignored; a dateTime counts as its date.

Deprecation is read as it stands now: a claim deprecated today is left out of
every ``as_of`` view too, because the graph's current knowledge is what answers
"what was M's openness on date D".
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Iterable

from graph.scoring.levels import (
    AGREEMENT_RULE,
    DEPRECATED,
    LEVEL_ORDER,
    LEVELS,
    MOST_RECENT_RULE,
    NO_CLAIM_RULE,
    PREFERRED,
    PREFERRED_RULE,
    PRIMARY_EVIDENCE_RULE,
    SINGLE_CLAIM_RULE,
    UNKNOWN,
    Assessment,
    Claim,
    as_level,
    as_rank,
)

_DATE = re.compile(r"^(-?\d{4,})(?:-(\d{2})(?:-(\d{2}))?)?(?:Z|[+-]\d{2}:\d{2})?$")


def first_day(value: dt.date | str) -> dt.date:
    """Return the first day a (possibly partial) date can mean: "2024-11" -> 2024-11-01."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return _first_day(str(value))


@functools.lru_cache(maxsize=8192)
def _first_day(value: str) -> dt.date:
    """``first_day`` of a text: claims share a few thousand dates, read again at each sort."""
    text = value.strip().split("T", 1)[0]
    match = _DATE.match(text)
    if not match:
        raise ValueError(f"not a date, year-month or year: {value!r}")
    year, month, day = match.groups()
    return dt.date(int(year), int(month or 1), int(day or 1))


def as_of_date(value: dt.date | str) -> dt.date:
    """Return ``value`` as a full date, rejecting a year or a year-month."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = str(value).strip().split("T", 1)[0]
    match = _DATE.match(text)
    if not match or match.group(3) is None:
        raise ValueError(f"as_of must be a full date (YYYY-MM-DD), not {value!r}")
    return first_day(text)


def claim_order(claims: Iterable[Claim]) -> list[Claim]:
    """Return claims in deciding order: primary, most recent, lower level, then IRI."""
    return sorted(
        claims,
        key=lambda c: (
            not c.primary,
            -first_day(c.stated_on).toordinal(),
            LEVEL_ORDER[as_level(c.level)],
            c.iri,
        ),
    )


def counted_claims(claims: Iterable[Claim], as_of: dt.date | str | None = None) -> list[Claim]:
    """Return the claims that count: not deprecated, and stated by ``as_of`` if given."""
    limit = as_of_date(as_of) if as_of is not None else None
    return [
        c
        for c in claims
        if as_rank(c.rank) != DEPRECATED and (limit is None or first_day(c.stated_on) <= limit)
    ]


def _common(claims: list[Claim], attr: str, given: str | None) -> str | None:
    values = {getattr(c, attr) for c in claims if getattr(c, attr) is not None}
    if given is not None:
        values.add(given)
    if len(values) > 1:
        raise ValueError(f"claims about different {attr}s cannot be resolved together: {values}")
    return next(iter(values), None)


def resolve_claims(
    claims: Iterable[Claim],
    *,
    criterion: str | None = None,
    model: str | None = None,
    as_of: dt.date | str | None = None,
) -> Assessment:
    """Resolve the claims about one model on one criterion into an assessment (rules above)."""
    claims = list(dict.fromkeys(claims))  # the same claim read twice counts once
    criterion = _common(claims, "criterion", criterion)
    model = _common(claims, "model", model)
    if criterion is None:
        raise ValueError("the criterion is unknown: pass criterion= or set it on the claims")
    limit = as_of_date(as_of) if as_of is not None else None
    counted = claim_order(counted_claims(claims, limit))

    grouped: dict[str, list[str]] = {}
    for c in counted:
        grouped.setdefault(as_level(c.level), []).append(c.iri)
    by_level = {level: tuple(grouped[level]) for level in reversed(LEVELS) if level in grouped}

    if not counted:
        return Assessment(model, criterion, UNKNOWN, (), False, NO_CLAIM_RULE, {}, None, limit)

    preferred = [c for c in counted if as_rank(c.rank) == PREFERRED]
    deciding = preferred or counted
    winner = deciding[0]
    disagree = len({as_level(c.level) for c in deciding}) > 1
    primary_levels = {as_level(c.level) for c in deciding if c.primary}
    secondary_levels = {as_level(c.level) for c in deciding if not c.primary}
    needs_review = bool(primary_levels and secondary_levels - primary_levels)
    if preferred:
        rule = PREFERRED_RULE
    elif len(counted) == 1:
        rule = SINGLE_CLAIM_RULE
    elif not disagree:
        rule = AGREEMENT_RULE
    elif len(primary_levels) == 1 and secondary_levels:
        rule = PRIMARY_EVIDENCE_RULE
    else:
        rule = MOST_RECENT_RULE
    return Assessment(
        model=model,
        criterion=criterion,
        level=as_level(winner.level),
        claims=tuple(c.iri for c in deciding),
        contested=disagree,
        rule=rule,
        claims_by_level=by_level,
        decided_by=winner.iri,
        as_of=limit,
        needs_review=needs_review,
    )
