"""Build the graphs the graph pages draw: a score's evidence chain, a source's citations.

Both are plain ``{"nodes": [...], "edges": [...]}`` dicts: a node has ``id``
(its IRI), ``kind`` (``score``, ``assessment``, ``claim``, ``source``),
``label``, ``level`` (assessments and claims) and ``layer`` (the column it is
drawn in); an edge has ``source``, ``target`` and ``relation`` (a property
IRI). ``as_networkx`` turns one into a ``networkx.DiGraph`` for GraphML.

The evidence chain of a score comes from ``graph.evidence.trace`` (score ->
assessments -> claims -> sources -> the works cited in the passages the claims
quote -> what those cite), so it holds the nodes the trace holds; its ``tree``
(``graph.views.evidence_tree``) is the same evidence as the page draws it. The citation
neighbourhood of a source is cut from the whole citation network, read in one
query and meant to be cached per version of the data.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterable

import networkx as nx
import pyoxigraph as ox

from graph.evidence import trace
from graph.labels import Labels
from graph.namespaces import CITO, OG, PROV
from graph.records import ModelRecord
from graph.views.common import CITO_VALUES, select
from graph.views.evidence_tree import evidence_tree

DERIVED_FROM = str(PROV.wasDerivedFrom)
CITES = str(CITO.cites)
KINDS = ("score", "assessment", "claim", "source")


def _node(iri: str, kind: str, label: str, layer: int, **extra) -> dict:
    return {
        "id": iri,
        "kind": kind,
        "label": label,
        "level": extra.pop("level", None),
        "layer": layer,
        **extra,
    }


def evidence_graph(store: ox.Store, model: ModelRecord, framework: str) -> dict | None:
    """Return the evidence chain of ``model``'s score under ``framework``; None without one."""
    t = trace(store, model, framework=framework)
    data = t.as_dict()
    if not data["scores"]:
        return None
    score = data["scores"][0]
    nodes: dict[str, dict] = {}
    edges: list[dict] = []
    value = score["value"]
    grade = f" ({score['grade']['label']})" if score["grade"] else ""
    nodes[score["iri"]] = _node(
        score["iri"],
        "score",
        f"{data['model']['label']}: {score['framework']['label']} = {value}{grade}",
        0,
        flags=score["flags"],
    )
    claims_seen: set[str] = set()
    for a in score["assessments"]:
        if not a["claims"] and not a["not_counted"]:
            continue  # a criterion no claim is about adds no evidence to follow
        nodes[a["iri"]] = _node(
            a["iri"],
            "assessment",
            f"{a['criterion']['label']}: {a['level']}",
            1,
            level=a["level"],
            flags=a["flags"],
        )
        edges.append({"source": score["iri"], "target": a["iri"], "relation": DERIVED_FROM})
        for c in [*a["claims"], *a["not_counted"]]:
            if c["iri"] not in claims_seen:
                claims_seen.add(c["iri"])
                who = ", ".join(x["label"] for x in c["attributed_to"]) or "claim"
                nodes[c["iri"]] = _node(
                    c["iri"],
                    "claim",
                    f"{c['level']}: {who}, {c['stated_on'] or 'undated'}",
                    2,
                    level=c["level"],
                    self_reported=c["self_reported"],
                    counted="reason" not in c,
                )
                for s in c["sources"]:
                    edges.append({"source": c["iri"], "target": s["iri"], "relation": DERIVED_FROM})
            edges.append({"source": a["iri"], "target": c["iri"], "relation": DERIVED_FROM})
    _add_sources(nodes, edges, data["sources"], t.label)
    unique = list({(e["source"], e["target"], e["relation"]): e for e in edges}.values())
    return {
        "title": f"Evidence for {data['model']['label']} under {score['framework']['label']}",
        "root": score["iri"],
        "nodes": list(nodes.values()),
        "edges": [e for e in unique if e["source"] in nodes and e["target"] in nodes],
        "tree": evidence_tree(data, score),
    }


NETWORK_QUERY = f"""
SELECT DISTINCT ?citing ?property ?cited WHERE {{
  {{ VALUES ?property {{ {CITO_VALUES} }} ?citing ?property ?cited }}
  UNION {{ BIND (<{CITO.cites}> AS ?property) ?cited <{CITO.isCitedBy}> ?citing }}
  UNION {{
    ?c <{CITO.hasCitingEntity}> ?citing ; <{CITO.hasCitedEntity}> ?cited .
    OPTIONAL {{ ?c <{CITO.hasCitationCharacterization}> ?characterization }}
    BIND (COALESCE(?characterization, <{CITO.cites}>) AS ?property)
  }}
  FILTER (isIRI(?citing) && isIRI(?cited))
}}"""


def _add_sources(
    nodes: dict[str, dict], edges: list[dict], sources: dict, label: Callable[[str], str]
) -> None:
    """Add the sources the edges reach, and those they cite in turn, breadth first."""
    reached = {
        e["target"] for e in edges if e["relation"] == DERIVED_FROM and e["target"] not in nodes
    }
    frontier = sorted(reached)
    while frontier:
        nxt = []
        for iri in frontier:
            info = sources.get(iri, {})
            nodes[iri] = _node(
                iri,
                "source",
                info.get("title") or label(iri),
                3 + info.get("depth", 0),
                self_published=bool(info.get("self_published")),
            )
            for cited in info.get("cites", []):
                for prop in cited["properties"] or [CITES]:
                    edges.append({"source": iri, "target": cited["source"], "relation": prop})
                if (
                    cited["source"] not in nodes
                    and cited["source"] not in nxt
                    and cited["source"] not in frontier
                ):
                    nxt.append(cited["source"])
        frontier = sorted(nxt)


def citation_network(store: ox.Store) -> nx.MultiDiGraph:
    """Return every citation between sources as a directed multigraph keyed by property (one query)."""
    network = nx.MultiDiGraph()
    for row in select(store, NETWORK_QUERY):
        network.add_edge(row["citing"].value, row["cited"].value, key=row["property"].value)
    return network


def citation_graph(store: ox.Store, network: nx.MultiDiGraph, source: str, radius: int = 2) -> dict:
    """Return the sources within ``radius`` citation steps of ``source``, either way.

    Layers: what cites the source to the left (negative), the source at 0,
    what it cites to the right; each source's layer is its shortest signed
    distance.
    """
    nodes_in = {source}
    if source in network:
        nodes_in = set(nx.ego_graph(network.to_undirected(as_view=True), source, radius=radius))
    sub = network.subgraph(nodes_in)
    forward = nx.single_source_shortest_path_length(sub, source) if source in sub else {source: 0}
    backward = (
        nx.single_source_shortest_path_length(sub.reverse(copy=False), source)
        if source in sub
        else {}
    )
    layers = {**{i: -d for i, d in backward.items()}, **forward}
    while len(layers) < len(nodes_in):
        # Reached by a mixed path (it cites something the source cites): put it one
        # column before what it cites, or one after what cites it.
        for iri in sorted(nodes_in - set(layers)):
            cited = [layers[b] for b in sub.successors(iri) if b in layers]
            citing = [layers[a] for a in sub.predecessors(iri) if a in layers]
            if cited or citing:
                layers[iri] = min(cited) - 1 if cited else max(citing) + 1
                break
        else:
            break
    labels = Labels(store, nodes_in)
    counts = _claim_counts(store, nodes_in)
    nodes = []
    for iri in sorted(nodes_in, key=lambda i: labels(i).casefold()):
        layer = layers.get(iri, 0)
        nodes.append(
            _node(iri, "source", labels(iri), layer, claims=counts.get(iri, 0), root=iri == source)
        )
    shift = -min(n["layer"] for n in nodes)
    for n in nodes:
        n["layer"] += shift
    edges = [
        {"source": a, "target": b, "relation": key} for a, b, key in sorted(sub.edges(keys=True))
    ]
    return {
        "title": f"Citations around {labels(source)}",
        "root": source,
        "nodes": nodes,
        "edges": edges,
    }


def _claim_counts(store: ox.Store, sources: Iterable[str]) -> dict[str, int]:
    values = " ".join(f"<{s}>" for s in sorted(sources))
    rows = select(
        store,
        f"""SELECT ?s (COUNT(DISTINCT ?c) AS ?n) WHERE {{ VALUES ?s {{ {values} }}
  ?c <{PROV.wasDerivedFrom}> ?s ; a <{OG.Claim}> }} GROUP BY ?s""",
    )
    return {r["s"].value: int(r["n"].value) for r in rows}


def as_networkx(graph: dict) -> nx.MultiDiGraph:
    """Return a graph dict as a networkx multigraph with GraphML-safe attributes."""
    g = nx.MultiDiGraph(name=graph.get("title", ""))
    for n in graph["nodes"]:
        attrs = {}
        for key, value in n.items():
            if key == "id" or value is None:
                continue
            attrs[key] = ", ".join(value) if isinstance(value, list) else value
        g.add_node(n["id"], **attrs)
    for e in graph["edges"]:
        g.add_edge(e["source"], e["target"], key=e["relation"], relation=e["relation"])
    return g


def graphml_bytes(graph: dict) -> bytes:
    """Return a graph dict as GraphML (``networkx.write_graphml``)."""
    out = io.BytesIO()
    nx.write_graphml(as_networkx(graph), out, encoding="utf-8")
    return out.getvalue()
