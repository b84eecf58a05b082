"""Compute each model's assessments and scores from its claims, and store them as derived data.

``derive_model`` (:mod:`graph.derive.model`) is pure: a model's claim records in, a
``ModelDerivation`` out (assessments per criterion, one score per framework, flags).
``derive`` reads the claims, runs it and writes the result as triples
(:mod:`graph.derive.triples`); ``derive_after_load`` recomputes only the models a
change touches (:mod:`graph.derive.changes`). The rules
are written down in docs/scoring.md. A write marks what it may make stale
(``graph.staleness``) and the derive that follows removes the marks with the
data it writes, so a derive a crash prevented runs at the next one
(``derive_marked``).

Derived data lives in three named graphs, ``graph/derived/assessments``,
``graph/derived/scores`` and ``graph/derived/citations``. Recomputing some models
rewrites exactly those of their nodes that changed (every derived node names its model
with ``og:aboutModel`` or ``dqv:computedOn``), in one write
(``graph.store.writes.edit_graphs``); the citation closure (:mod:`graph.derive.citations`)
is recomputed with every model, and after a change that holds citation edges or may
have removed some, in the same write. "As of"
results are computed on the fly and never stored; their IRIs end in
``/as-of-YYYY-MM-DD``.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import gc
import time
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass

import pyoxigraph as ox

from graph import staleness
from graph.derive import flags as fl
from graph.derive.changes import affected_models
from graph.derive.citations import closure_edits, holds_citations
from graph.derive.families import EVERY, Family, families_of, flagged_pairs, peers
from graph.derive.model import ModelDerivation, derive_model
from graph.derive.triples import new_nodes, node_edits, now_stamp, stored_nodes
from graph.framework_descriptions import store_rules
from graph.records import ClaimRecord, read_evidence, read_matches
from graph.store import writes


def compute(
    store: ox.Store, models: Iterable[str] | None = None, as_of: dt.date | str | None = None
) -> dict[str, ModelDerivation]:
    """Read the claims of ``models`` (all when None) and derive them, writing nothing.

    Today's derivations carry the family disagreement flags ``derive`` stores
    (``with_family_flags``; the stored levels stand in for the family members not
    derived here), so deriving again what is stored gives what is stored. "As of"
    derivations are never stored and carry none.
    """
    with collection_paused():
        return _compute(store, None if models is None else sorted(set(models)), as_of)


@contextlib.contextmanager
def collection_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while deriving, and restore it after.

    Scoring every model builds hundreds of thousands of records that stay alive until it
    ends, and the collector walked them again and again as they grew: 13% of ``compute``'s
    CPU time on the bundled data. Reference counting still frees what is dropped meanwhile,
    and the next collection any cycle.
    """
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def _compute(
    store: ox.Store, wanted: list[str] | None, as_of: dt.date | str | None
) -> dict[str, ModelDerivation]:
    evidence, matches = read_evidence(store, wanted, quotes=False), read_matches(store)
    rules = store_rules(store)
    by_model: dict[str, list[ClaimRecord]] = {}
    for claim in evidence.claims:
        by_model.setdefault(claim.model, []).append(claim)
    derived = {
        iri: derive_model(model, by_model.get(iri, []), evidence.sources, matches, as_of, rules)
        for iri, model in evidence.models.items()
    }
    if as_of is not None or not derived:
        return derived
    known = EVERY if wanted is None else derived.keys()  # the stored levels of the others
    return with_family_flags(derived, families_of(store, wanted, known))


@dataclass(frozen=True)
class DeriveReport:
    """What ``derive`` did: the models recomputed and what it wrote."""

    models: tuple[str, ...]
    assessments: int
    scores: int
    changed: int  # derived nodes written anew
    seconds: float
    derivations: Mapping[str, ModelDerivation]


def derive(
    store: ox.Store,
    models: Iterable[str] | None = None,
    *,
    when: str | None = None,
    answers: Iterable[str] | None = None,
    citations: bool | None = None,
) -> DeriveReport:
    """Recompute and store the assessments and scores of ``models`` (every model when None).

    ``answers`` names the staleness marks (``graph.staleness``) this derive answers; they
    are removed in the transaction that writes the derived data. Deriving every model
    answers every mark. ``citations`` says whether to recompute the citation closure too
    (by default, when deriving every model); it is written in the same transaction.
    """
    start = time.perf_counter()
    wanted = None if models is None else sorted(set(models))
    if answers is None:
        answers = staleness.marks(store) if wanted is None else ()
    done = staleness.clear_update(answers)
    if citations is None:
        citations = wanted is None
    cited = closure_edits(store) if citations else {}
    if wanted == []:
        if cited:
            writes.edit_graphs(store, cited, then=done or "")
        elif done:
            store.update(done)
        return DeriveReport((), 0, 0, 0, 0.0, {})
    if wanted is not None:  # the members' names are enough to find the peers
        wanted = sorted({*wanted, *peers(families_of(store, wanted, EVERY), wanted)})
    derivations = compute(store, wanted)  # with their family flags (``with_family_flags``)
    old = stored_nodes(store, wanted)
    new = new_nodes(derivations.values(), when or now_stamp())
    edits, changed = node_edits(old, new)
    edits.update(cited)
    # The marks go only with or after the derived data: a crash before leaves them, and
    # deriving again writes nothing new.
    if edits:
        writes.edit_graphs(store, edits, then=done or "")
    elif done:
        store.update(done)
    return DeriveReport(
        models=tuple(wanted if wanted is not None else derivations),
        assessments=sum(len(d.stored_assessments) for d in derivations.values()),
        scores=sum(len(d.stored_scores) for d in derivations.values()),
        changed=changed,
        seconds=time.perf_counter() - start,
        derivations=derivations,
    )


def with_family_flags(
    derivations: dict[str, ModelDerivation], families: Mapping[str, Family]
) -> dict[str, ModelDerivation]:
    """Flag the assessments on either side of a family disagreement (``og:FamilyDisagreement``).

    The levels just derived stand in for the stored ones of the same models;
    ``derive`` recomputes a family's peers with a member (``families.peers``).
    """
    levels = {m: {c: a.level for c, a in d.assessments.items()} for m, d in derivations.items()}
    lent = {
        m: {c for c, a in d.assessments.items() if a.mapped_from} for m, d in derivations.items()
    }
    pairs = flagged_pairs(dict(families), levels, lent)
    out = {}
    for m, d in derivations.items():
        hit = {c for model, c in pairs if model == m and c in d.assessments}
        if not hit:
            out[m] = d
            continue
        assessments = dict(d.assessments)
        for c in hit:
            a = assessments[c]
            assessments[c] = dataclasses.replace(
                a, flags=fl.ordered((*a.flags, fl.FAMILY_DISAGREEMENT))
            )
        out[m] = dataclasses.replace(d, assessments=assessments)
    return out


def derive_after_load(
    store: ox.Store, changed_graph_iris: Iterable[str], added_only: bool = False
) -> list[str]:
    """Recompute the models a load touched, and those the store's marks name; return them.

    ``added_only`` says the change only added triples (an ingested batch in a graph of its
    own), which cannot leave a model's assessments resting on claims that are gone, so the
    check for such models, a walk over every derived link, is left out unless marks left
    by some other write are pending. The marks are removed with the derived data.

    The citation closure is recomputed when the changed or marked graphs hold a citation
    edge, or when the change may have removed triples (it cannot tell whether those
    cited anything); an added batch without citations leaves it as it is.
    """
    changed = set(changed_graph_iris)
    marked = staleness.marks(store)
    if staleness.EVERY_MODEL in marked:
        return list(derive(store, None, answers=marked).models)
    others = bool(marked - changed)
    removing = others or not added_only
    affected = affected_models(store, changed | marked, stale=removing)
    citations = removing or holds_citations(store, changed | marked)
    derive(store, affected, answers=marked, citations=citations)
    return affected


def derive_marked(store: ox.Store) -> list[str] | None:
    """Recompute what the store's staleness marks name; None when there are none."""
    if not staleness.marks(store):
        return None
    return derive_after_load(store, ())
