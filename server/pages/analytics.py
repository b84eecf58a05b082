"""Serve the evidence analytics: each measure as JSON under /api/analytics, charts at /analytics.

The measures are ``graph.analytics.MEASURES`` (keys in docs/analytics.md); the
server adds nothing to their results but the request's ``limit``. The page draws
three of them as inline SVG (``server.pages.charts``), so its charts need no script.
"""

from __future__ import annotations

import re

from flask import Blueprint, g, render_template, request, url_for

from graph import analytics
from graph.sparql.formats import JSON
from server.context import context
from server.cors import read_endpoint
from server.errors import Problem
from server.pages.charts import Bar, Stack, bar_chart, histogram, stacked_bars
from server.pages.common import href
from server.rendering import render

bp = Blueprint("analytics", __name__)

# What each measure answers, shown in the index and on the page.
DESCRIPTIONS = {
    "reliance": "The sources the graph leans on most (PageRank and counts).",
    "fragility": "The scores that change when a single source is taken away.",
    "cycles": "Works that cite each other round.",
    "depth": "How many citation steps each model's evidence reaches.",
    "self-reported": "How much of each model's evidence is its developer's own word.",
    "disagreement": "Frameworks that judge a model differently on mapped criteria.",
    "distribution": "How the scores are spread under each framework.",
}
RELIANCE_ORDERS = ("pagerank", "claims", "scores")
PAGE_SOURCES = 15
PAGE_MODELS = 25
DIGITS = re.compile(r"[0-9]{1,9}")


def _limit() -> int | None:
    """Return the ``limit`` argument: absent means every item; anything but 0, 1, 2 ... is a 400."""
    given = request.args.get("limit")
    if given is None or given == "":
        return None
    if not DIGITS.fullmatch(given):
        raise Problem(400, f"limit must be a whole number, 0 or more; got {given!r}.")
    return int(given)


def _measure(name: str, **options) -> dict:
    """Run the measure ``name`` on the server's store (cached per data version)."""
    return analytics.MEASURES[name](context().store, **options)


@bp.route("/api/analytics")
@read_endpoint
def index():
    """List the measures with the URL of each."""
    data = {
        "measures": [
            {
                "name": name,
                "description": DESCRIPTIONS.get(name, ""),
                "url": url_for("analytics.measure", name=name),
            }
            for name in analytics.MEASURES
        ],
        "page": url_for("analytics.page"),
    }
    return render(data, None, JSON, headers=_page_link())


@bp.route("/api/analytics/<name>")
@read_endpoint
def measure(name: str):
    """Return one measure as JSON, its items cut to ``?limit=N``; reliance takes ``?by=``."""
    if name not in analytics.MEASURES:
        known = ", ".join(analytics.MEASURES)
        raise Problem(404, f"No measure called {name!r}; the measures are {known}.")
    options: dict = {"limit": _limit()}
    by = request.args.get("by")
    if by is not None:
        if name != "reliance" or by not in RELIANCE_ORDERS:
            orders = ", ".join(RELIANCE_ORDERS)
            raise Problem(400, f"by is only for reliance, one of {orders}; got {by!r}.")
        options["by"] = by
    return render(_measure(name, **options), None, JSON, headers=_page_link())


@bp.route("/analytics")
def page():
    """Show the score distributions, self-reported evidence and most relied-upon sources."""
    distribution = _measure("distribution")
    self_reported = _measure("self-reported", limit=PAGE_MODELS)
    reliance = _measure("reliance", limit=PAGE_SOURCES)
    labels = {**distribution["labels"], **self_reported["labels"], **reliance["labels"]}
    json_links = [
        {
            "name": name,
            "description": DESCRIPTIONS.get(name, ""),
            "url": url_for("analytics.measure", name=name),
        }
        for name in analytics.MEASURES
    ]
    # The site layout lists the page's data twins in its footer.
    g.pages_alternates = [
        {"url": url_for("analytics.index"), "type": JSON.media_type, "label": "JSON"}
    ]
    response = render_template(
        "analytics.html",
        distribution=distribution,
        self_reported=self_reported,
        reliance=reliance,
        labels=labels,
        measures=json_links,
        charts={
            "distribution": [_distribution_chart(item, labels) for item in distribution["items"]],
            "self_reported": _self_reported_chart(self_reported, labels),
            "reliance": _reliance_chart(reliance, labels),
        },
    )
    return response, 200, {"Content-Type": "text/html; charset=utf-8", **_json_link()}


def _name(iri: str, labels: dict) -> str:
    return labels.get(iri) or iri.rstrip("/").rsplit("/", 1)[-1]


def _page_link() -> dict:
    return {"Link": f'<{url_for("analytics.page")}>; rel="alternate"; type="text/html"'}


def _json_link() -> dict:
    return {"Link": f'<{url_for("analytics.index")}>; rel="alternate"; type="application/json"'}


def _distribution_chart(item: dict, labels: dict) -> dict:
    """Chart one framework's scores: by grade when it has grades, else by value."""
    framework = _name(item["framework"], labels)
    if item["grades"]:
        bars = [
            Bar(_name(gr["grade"], labels), gr["count"], href=href(gr["grade"]))
            for gr in item["grades"]
        ]
        # A score below every grade (a model reaching no MOF class) has a value but no grade.
        unplaced = item.get("unplaced", 0)
        ungraded = item["scores"] - unplaced - sum(gr["count"] for gr in item["grades"])
        if ungraded > 0:
            bars.append(Bar("no grade", ungraded))
        axis = "grade"
    else:
        bars = [Bar(_bin_label(b["low"], b["high"]), b["count"]) for b in item["histogram"]]
        axis = "value"
    if item.get("unplaced"):
        bars.append(Bar("unplaced (not enough evidence)", item["unplaced"]))
    title = f"{framework}: scores by {axis}"
    return {
        "framework": item["framework"],
        "name": framework,
        "scores": item["scores"],
        "unplaced": item.get("unplaced", 0),
        "values": item["values"],
        "svg": histogram(bars, title),
    }


def _bin_label(low: float, high: float) -> str:
    return f"{low:g}" if low == high else f"{low:g}–{high:g}"


def _self_reported_chart(result: dict, labels: dict):
    if not result["items"]:
        return None
    stacks = [
        Stack(
            _name(i["model"], labels),
            (i["self_reported"], i["mixed"], i["independent"]),
            href=href(i["model"]),
        )
        for i in result["items"]
    ]
    segments = ("self-reported", "mixed", "independent")
    return stacked_bars(stacks, segments, "Claims per model: self-reported, mixed, independent")


def _reliance_chart(result: dict, labels: dict):
    if not result["items"]:
        return None
    bars = [
        Bar(
            _name(i["source"], labels),
            i["pagerank"],
            text=f"{i['pagerank']:.3g} · {i['claims']} claim{'' if i['claims'] == 1 else 's'}",
            href=href(i["source"]),
        )
        for i in result["items"]
    ]
    return bar_chart(bars, "Most relied-upon sources by PageRank")
