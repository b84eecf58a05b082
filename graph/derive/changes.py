"""Find the models a change touches: those whose derived assessments and scores it may alter.

``affected_models`` takes the named graphs or nodes a load, an update or a
submission changed, and answers with SPARQL over the union of the store's
graphs (see its docstring for the rules). It reads only; ``graph.derive``
recomputes what it names.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import pyoxigraph as ox

from graph.namespaces import OG, PROV
from graph.queries import select, values_block
from graph.records import ASSESSMENTS_GRAPH, DERIVED_GRAPHS, ONTOLOGY_GRAPHS, read_models
from graph.scoring.mappings import LENDING


def affected_models(store: ox.Store, changed: Iterable[str], stale: bool = True) -> list[str]:
    """Return the models whose derived data a change may alter, sorted.

    ``changed`` holds named-graph IRIs or node IRIs (a model, claim or source).
    A model is affected when it, one of its claims, or a source of its claims
    is described in a changed graph or named directly; when a changed graph
    defines frameworks, criteria or mappings (or is an ontology graph), every
    model is. Models whose stored assessments rest on claims that are gone or
    no longer about them, or that no longer exist, are affected too, unless ``stale`` is
    false (a change that only adds triples cannot make them).
    """
    iris = sorted(set(changed) - set(DERIVED_GRAPHS))
    found: set[str] = set(_stale_models(store)) if stale else set()
    if not iris:
        return sorted(found)
    if any(i.startswith(ONTOLOGY_GRAPHS) for i in iris) or _defines_frameworks(store, iris):
        return sorted(found | set(read_models(store)))
    nodes = _nodes_in(store, iris, NODES_BY_LOOKUP)
    query = _models_by_lookup(nodes) if nodes is not None else _models_by_scan(iris)
    found |= {
        r["model"].value for r in select(store, query) if isinstance(r.get("model"), ox.NamedNode)
    }
    return sorted(found)


# Up to this many changed nodes, the models are looked up node by node; above it, one
# pass over every claim's sources is cheaper (at a million triples: 404 nodes 0.2 s
# looked up, 1.5 s scanned; a whole dataset file holds a hundred thousand nodes).
NODES_BY_LOOKUP = 5_000


def _nodes_in(store: ox.Store, iris: Sequence[str], limit: int) -> list[str] | None:
    """Return the IRIs named or described in the graphs named, or None if over ``limit``."""
    query = f"""SELECT DISTINCT ?node WHERE {{
      {values_block("g", iris)} GRAPH ?g {{ ?node ?p ?o }} FILTER (isIRI(?node))
    }} LIMIT {limit + 1}"""
    nodes = set(iris) | {r["node"].value for r in select(store, query) if "node" in r}
    return sorted(nodes) if len(nodes) <= limit else None


def _models_by_lookup(nodes: Sequence[str]) -> str:
    # VALUES inside each branch: outside the UNION, Oxigraph evaluates each branch over
    # the whole store before joining (minutes at a million triples).
    nodes_block = values_block("node", nodes)
    return f"""
    SELECT DISTINCT ?model WHERE {{
      {{ {nodes_block} ?node a <{OG.Model}> . BIND (?node AS ?model) }}
      UNION {{ {nodes_block} ?node a <{OG.Claim}> ; <{OG.aboutModel}> ?model }}
      UNION {{
        {nodes_block} ?claim <{PROV.wasDerivedFrom}> ?node .
        ?claim a <{OG.Claim}> ; <{OG.aboutModel}> ?model
      }}
    }}"""


def _models_by_scan(iris: Sequence[str]) -> str:
    # The named IRIs are bound through BIND: Virtuoso empties a whole UNION one of whose
    # branches holds nothing but VALUES.
    return f"""
    SELECT DISTINCT ?model WHERE {{
      {{ SELECT DISTINCT ?node WHERE {{
          {{ {values_block("g", iris)} GRAPH ?g {{ ?node ?p ?o }} FILTER (isIRI(?node)) }}
          UNION {{ {values_block("named", iris)} BIND (?named AS ?node) }}
      }} }}
      {{ ?node a <{OG.Model}> . BIND (?node AS ?model) }}
      UNION {{ ?node a <{OG.Claim}> ; <{OG.aboutModel}> ?model }}
      UNION {{ ?claim <{PROV.wasDerivedFrom}> ?node ; a <{OG.Claim}> ; <{OG.aboutModel}> ?model }}
    }}"""


def _defines_frameworks(store: ox.Store, graphs: Sequence[str]) -> bool:
    query = f"""
    ASK {{
      {values_block("g", graphs)}
      GRAPH ?g {{
        {{ ?s a <{OG.Criterion}> }} UNION {{ ?s a <{OG.Framework}> }} UNION {{ ?s a <{OG.Grade}> }}
        UNION {{ ?s {"|".join(f"<{p}>" for p in LENDING)} ?o }}
        UNION {{ ?s <{OG.scoring}>|<{OG.levelScale}>|<{OG.scaleLevel}>|<{OG.group}> ?o }}
      }}
    }}"""
    return bool(store.query(query))


def _stale_models(store: ox.Store) -> list[str]:
    """Return models whose stored assessments rest on claims gone, or that are gone themselves."""
    # Distinct pairs first, and the bound variable first in each pattern: evaluated row by
    # row over every derived link, the checks are otherwise seconds long on a disk store.
    query = f"""
    SELECT DISTINCT ?model WHERE {{
      {{
        {{ SELECT DISTINCT ?model WHERE {{
          GRAPH <{ASSESSMENTS_GRAPH}> {{ ?a <{OG.aboutModel}> ?model }}
        }} }}
        FILTER NOT EXISTS {{ ?model a <{OG.Model}> }}
        FILTER NOT EXISTS {{ ?c <{OG.aboutModel}> ?model . ?c a <{OG.Claim}> }}
      }} UNION {{
        {{ SELECT DISTINCT ?model ?claim WHERE {{
          GRAPH <{ASSESSMENTS_GRAPH}> {{
            ?a <{OG.aboutModel}> ?model ; <{PROV.wasDerivedFrom}> ?claim
          }}
        }} }}
        FILTER NOT EXISTS {{ ?claim <{OG.aboutModel}> ?model . ?claim a <{OG.Claim}> }}
      }}
    }}"""
    # Some servers (Virtuoso) answer a UNION of two empty branches with one empty row.
    return [r["model"].value for r in select(store, query) if "model" in r]
