"""The store's read interface over rdflib's in-memory SPARQL engine.

The benchmark runs the project's own scoring (``graph.derive.compute``) on this store and on
Oxigraph, so the two engines answer the same queries over the same claims and the scores
they lead to can be compared, not only their times.
"""

from __future__ import annotations

import io
import warnings

import pyoxigraph as ox
import rdflib

from graph.records import DERIVED_GRAPHS


class RdflibStore:
    """A read-only store whose ``query`` answers as ``pyoxigraph.Store.query`` does."""

    def __init__(self, dataset: rdflib.Dataset):
        self.dataset = dataset

    @classmethod
    def copy_of(cls, store: ox.Store) -> RdflibStore:
        """Copy every named graph of ``store`` but the derived ones into an rdflib Dataset."""
        dataset = rdflib.Dataset()
        skip = {str(g) for g in DERIVED_GRAPHS}
        for graph in store.named_graphs():
            if graph.value in skip:
                continue
            text = store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=graph)
            dataset.graph(rdflib.URIRef(graph.value)).parse(data=text.decode("utf-8"), format="nt")
        return cls(dataset)

    def __len__(self) -> int:
        return sum(len(g) for g in self.dataset.graphs())

    def query(self, text: str, use_default_graph_as_union: bool = False):
        """Run a SELECT or ASK query; return pyoxigraph's solutions or boolean."""
        self.dataset.default_union = use_default_graph_as_union
        with warnings.catch_warnings():
            # rdflib's own evaluator still reads the Dataset property it deprecates.
            warnings.filterwarnings("ignore", "Dataset.default_context is deprecated")
            # ... and, for a GRAPH ?g pattern, the Dataset.contexts it deprecates for graphs().
            warnings.filterwarnings("ignore", "Dataset.contexts is deprecated")
            result = self.dataset.query(text)
            if result.type not in ("SELECT", "ASK"):
                raise ValueError(f"only SELECT and ASK are answered here, not {result.type}")
            answer = io.BytesIO(result.serialize(format="json"))
        return ox.parse_query_results(answer, ox.QueryResultsFormat.JSON)
