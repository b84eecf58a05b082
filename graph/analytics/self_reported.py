"""Measure, per model, how much of its evidence comes from its own developer.

Each claim about a model that is not deprecated falls in one of three groups:

- self-reported: the developer's own statement, as ``og:SelfReported`` reads
  it (``graph.derive.flags.is_self_reported``): the claim is ``prov:wasAttributedTo``
  one of the model's ``og:developer``, or every one of its sources has a
  developer as ``dcterms:publisher``;
- mixed: not self-reported, but some of its sources are the developer's;
- independent: neither.

The share is self-reported claims over all claims; it is null for a model
with no known developer, since nothing can be told apart there.
"""

from __future__ import annotations

import pyoxigraph as ox

from graph.analytics.cache import ResultCache, Snapshot, finish
from graph.analytics.graphs import names_of
from graph.analytics.inputs import claims_by_model, evidence_records
from graph.derive.flags import is_self_reported
from graph.records import ClaimRecord, ModelRecord, SourceRecord
from graph.scoring.levels import DEPRECATED


def self_reported(
    store: ox.Store, *, limit: int | None = None, cache: ResultCache | None = None
) -> dict:
    """Count, per model, self-reported, mixed and independent claims (keys in docs/analytics.md)."""
    snap = Snapshot(store, cache)
    return finish(snap.get("self-reported", (), lambda: _self_reported(snap)), limit)


def model_shares(
    model: ModelRecord, claims: list[ClaimRecord], sources: dict[str, SourceRecord]
) -> dict:
    """Return one model's counts of self-reported, mixed and independent claims, and its share."""
    devs = set(model.developers)
    counted = [c for c in claims if c.rank != DEPRECATED]
    own_sources = {
        s for c in counted for s in c.sources if s in sources and devs & set(sources[s].publishers)
    }
    groups = {"self_reported": 0, "mixed": 0, "independent": 0}
    for claim in counted:
        if is_self_reported(claim, sources, devs):
            groups["self_reported"] += 1
        elif own_sources.intersection(claim.sources):
            groups["mixed"] += 1
        else:
            groups["independent"] += 1
    return {
        "model": model.iri,
        "developers": list(model.developers),
        "claims": len(counted),
        **groups,
        "self_reported_share": groups["self_reported"] / len(counted) if devs and counted else None,
        "sources": len({s for c in counted for s in c.sources}),
        "developer_sources": len(own_sources),
    }


def _self_reported(snap: Snapshot) -> dict:
    evidence, _ = evidence_records(snap)
    grouped = claims_by_model(snap)
    items = [
        model_shares(evidence.models[m], claims, evidence.sources)
        for m, claims in grouped.items()
        if any(c.rank != DEPRECATED for c in claims)
    ]
    items.sort(
        key=lambda i: (
            i["self_reported_share"] is None,
            -(i["self_reported_share"] or 0),
            -i["claims"],
            i["model"],
        )
    )
    known = [i for i in items if i["self_reported_share"] is not None]
    claims = sum(i["claims"] for i in known)
    own = sum(i["self_reported"] for i in known)
    return {
        "measure": "self-reported",
        "data_version": snap.version,
        "claims": claims,
        "self_reported": own,
        "share": own / claims if claims else None,
        "models_all_self_reported": sum(1 for i in known if i["self_reported_share"] == 1),
        "models_without_developer": len(items) - len(known),
        "total": len(items),
        "items": items,
        "labels": names_of(snap, {x for i in items for x in (i["model"], *i["developers"])}),
    }
