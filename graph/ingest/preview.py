"""Say how a valid batch would move the scores, without writing it: a dry run on a copy.

The batch is added to an in-memory copy of the store, and the models it touches are
recomputed there exactly as an ingest would recompute them in the store
(``graph.derive.derive_after_load``); the scores read back from the copy are the
"after", the store's stored scores the "before". The store itself is only read. The
copy costs time in the size of the store (a few seconds for the bundled data), which a
dry run pays instead of a write.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

import pyoxigraph as ox
import rdflib

from graph.ingest.provenance import SUBMISSION_GRAPH_PREFIX
from graph.stored_scores import read_scores

# The graph the batch would go into; the copy is thrown away, so the name never shows.
DRY_RUN_GRAPH = SUBMISSION_GRAPH_PREFIX + "dry-run"

Scores = dict[str, dict[str, dict]]


@dataclass
class Preview:
    """What a batch would do: the models recomputed, their scores before and after."""

    models: list[str] = field(default_factory=list)
    before: Scores = field(default_factory=dict)
    after: Scores = field(default_factory=dict)

    def changes(self) -> list[dict]:
        """Return one ``{model, framework, before, after}`` per score the batch would move."""
        out = []
        for model in self.models:
            old, new = self.before.get(model, {}), self.after.get(model, {})
            for framework in sorted(set(old) | set(new)):
                if old.get(framework) != new.get(framework):
                    out.append(
                        {
                            "model": model,
                            "framework": framework,
                            "before": old.get(framework),
                            "after": new.get(framework),
                        }
                    )
        return out


def stored_scores(store: ox.Store, models: Iterable[str] | None) -> Scores:
    """Return {model: {framework: {"value", "grade"}}} of the stored (not "as of") scores."""
    found: Scores = {}
    for s in read_scores(store, models):
        if s.whole is None and s.as_of is None:
            found.setdefault(s.model, {})[s.framework] = {"value": s.value, "grade": s.grade}
    return found


def preview(store: ox.Store, batch: rdflib.Graph) -> Preview:
    """Recompute on a copy of ``store`` with ``batch`` added; return the scores that would move."""
    from graph.derive import derive_after_load

    copy = ox.Store()
    copy.bulk_extend(store.quads_for_pattern(None, None, None, None))
    graph = ox.NamedNode(DRY_RUN_GRAPH)
    copy.bulk_extend(
        ox.Quad(t.subject, t.predicate, t.object, graph)
        for t in ox.parse(batch.serialize(format="nt").encode(), ox.RdfFormat.N_TRIPLES)
    )
    models = sorted(derive_after_load(copy, [DRY_RUN_GRAPH], added_only=True))
    return Preview(models, stored_scores(store, models), stored_scores(copy, models))


def as_table(models: Iterable[str], before: Mapping, after: Mapping) -> list[dict]:
    """Return, per model, each framework's score before and after (the answer's table)."""
    out = []
    for model in models:
        old, new = before.get(model, {}), after.get(model, {})
        scores = [
            {
                "framework": f,
                "before": old.get(f),
                "after": new.get(f),
                "changed": old.get(f) != new.get(f),
            }
            for f in sorted(set(old) | set(new))
        ]
        out.append({"model": model, "scores": scores})
    return out
