"""Time the evidence analytics on a synthetic claims graph of a given size.

    .venv/bin/python bench/analytics_bench.py --size 100000 [--runs 5] [--seed 1]

The graph is generated directly as N-Triples into an in-memory Oxigraph store:
the ontology and frameworks (loaded as ``openness load`` does, with catalogue
entries), models with developers, their own sources (model card, repository,
paper) and a pool of shared sources (reports, papers, news) that cite each
other in chains of 4 to 6 works, every tenth chain closed into a cycle; claims
on the OSAI index, MOF and OTI criteria with 1 to 4 sources each, some
preferred, some deprecated, some disagreeing. Assessments and scores are then
derived with ``graph.derive`` and loaded into the derived graphs. ``--size`` is
the number of triples to aim for, derived data included (about 720 a model);
the real count is printed.

Each measure is run ``--runs`` times from a cold cache (everything it needs is
read from the store again) and the median is printed, with the median of a
cached call and of computing the data version.
"""

from __future__ import annotations

import argparse
import gc
import random
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pyoxigraph as ox

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from graph import analytics, derive, loading, paths  # noqa: E402
from graph.namespaces import graph_iri  # noqa: E402

TRIPLES_PER_MODEL = 720  # measured: claims, sources and derived data, per model
ID = "https://w3id.org/openness/id/"
OG = "https://w3id.org/openness/ns#"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
PROV = "http://www.w3.org/ns/prov#"
DCT = "http://purl.org/dc/terms/"
CITO = "http://purl.org/spar/cito/"
XSD = "http://www.w3.org/2001/XMLSchema#"

OSAI = [
    "datasources_basemodel",
    "datasources_endmodel",
    "weights_basemodel",
    "weights_endmodel",
    "trainingcode",
    "code",
    "hardware_architecture",
    "preprint",
    "paper",
    "modelcard",
    "datasheet",
    "licenses",
]
MOF = [
    "model-architecture",
    "model-parameters-final",
    "model-card",
    "data-card",
    "technical-report",
    "evaluation-results",
    "sample-model-outputs",
    "training-code",
    "inference-code",
    "evaluation-code",
    "evaluation-data",
    "supporting-libraries-and-tools",
    "datasets",
    "data-preprocessing-code",
    "research-paper",
]
OTI = [
    "open-code",
    "published-weights",
    "training-data-transparency",
    "threat-transparency",
    "public-access",
    "open-licence",
]
CRITERIA = (
    [f"{ID}criterion/osai-index/{c}" for c in OSAI]
    + [f"{ID}criterion/mof/{c}" for c in MOF]
    + [f"{ID}criterion/oti-2024/{c}" for c in OTI]
)
CITES = ["cites", "citesAsEvidence", "citesAsAuthority", "obtainsSupportFrom", "usesDataFrom"]
KINDS = ["Report", "Paper", "NewsArticle", "BlogPost", "GovernmentDocument"]


def t(s: str, p: str, o: str) -> str:
    """Return one N-Triples line; ``o`` is an IRI unless it starts with a quote."""
    return f"<{s}> <{p}> {o if o.startswith(chr(34)) else f'<{o}>'} ."


def lit(text: str, datatype: str | None = None) -> str:
    return f'"{text}"' + (f"^^<{XSD}{datatype}>" if datatype else "")


def generate(models: int, seed: int) -> list[str]:
    """Return the N-Triples lines of a synthetic claims graph with ``models`` models."""
    rng = random.Random(seed)
    lines: list[str] = []
    add = lines.append
    developers = max(3, models // 4)
    publishers = 20
    for j in range(publishers):
        add(t(f"{ID}organization/press-{j}", RDF_TYPE, f"{PROV}Organization"))
    for j in range(developers):
        add(t(f"{ID}organization/dev-{j}", RDF_TYPE, f"{PROV}Organization"))
        add(t(f"{ID}organization/dev-{j}", RDFS_LABEL, lit(f"Developer {j}")))

    shared = [f"{ID}source/shared-{j}" for j in range(max(12, models // 2))]
    for j, s in enumerate(shared):
        add(t(s, RDF_TYPE, f"{OG}Source"))
        add(t(s, f"{DCT}type", f"{OG}{KINDS[j % len(KINDS)]}"))
        add(t(s, f"{DCT}title", lit(f"Shared work {j}")))
        add(t(s, f"{DCT}publisher", f"{ID}organization/press-{j % publishers}"))
    # Chains of 4 to 6 works, each citing the next; every tenth chain closes into a cycle.
    start, chain = 0, 0
    while start < len(shared):
        length = rng.randint(4, 6)
        works = shared[start : start + length]
        links = list(zip(works, works[1:], strict=False))
        if chain % 10 == 9 and len(works) > 2:
            links.append((works[-1], works[0]))
        for k, (a, b) in enumerate(links):
            if k % 5 == 4:  # some citations are cito:Citation nodes
                c = f"{ID}citation/c-{chain}-{k}"
                add(t(c, RDF_TYPE, f"{CITO}Citation"))
                add(t(c, f"{CITO}hasCitingEntity", a))
                add(t(c, f"{CITO}hasCitedEntity", b))
            else:
                add(t(a, f"{CITO}{rng.choice(CITES)}", b))
        start, chain = start + length, chain + 1

    for i in range(models):
        m, dev = f"{ID}model/m-{i}", f"{ID}organization/dev-{i % developers}"
        add(t(m, RDF_TYPE, f"{OG}Model"))
        add(t(m, RDFS_LABEL, lit(f"Model {i}")))
        add(t(m, f"{OG}developer", dev))
        own = []
        for kind, slug in (("ModelCard", "card"), ("Repository", "repo"), ("Paper", "paper")):
            s = f"{ID}source/m-{i}-{slug}"
            own.append(s)
            add(t(s, RDF_TYPE, f"{OG}Source"))
            add(t(s, f"{DCT}type", f"{OG}{kind}"))
            add(t(s, f"{DCT}publisher", dev))
        for cited in rng.sample(shared, 2):  # the paper cites into the chains
            add(t(own[2], f"{CITO}citesAsRelated", cited))
        for k, criterion in enumerate(rng.sample(CRITERIA, 18)):
            for n in range(2 if rng.random() < 0.2 else 1):  # some criteria get a second claim
                c = f"{ID}claim/m-{i}-{k}-{n}"
                sources = rng.sample(own + rng.sample(shared, 3), rng.randint(1, 4))
                rank = rng.choices(["NormalRank", "PreferredRank", "DeprecatedRank"], [90, 5, 5])[0]
                add(t(c, RDF_TYPE, f"{OG}Claim"))
                add(t(c, f"{OG}aboutModel", m))
                add(t(c, f"{OG}criterion", criterion))
                add(t(c, f"{OG}level", f"{OG}{rng.choice(['open', 'partial', 'closed'])}"))
                add(t(c, f"{OG}rank", f"{OG}{rank}"))
                add(
                    t(
                        c,
                        f"{OG}statedOn",
                        lit(f"202{rng.randint(3, 5)}-0{rng.randint(1, 9)}-15", "date"),
                    )
                )
                add(
                    t(
                        c,
                        f"{PROV}wasAttributedTo",
                        dev if sources[0] in own else f"{ID}organization/press-{k % publishers}",
                    )
                )
                for s in sources:
                    add(t(c, f"{PROV}wasDerivedFrom", s))
    return lines


def build(size: int, seed: int) -> tuple[ox.Store, dict[str, float]]:
    """Return a store holding the ontology, a synthetic graph of about ``size`` triples and its
    derived data, with the seconds each step took."""
    steps: dict[str, float] = {}
    store = ox.Store()
    clock = time.perf_counter()
    todo, _ = loading.prepare(loading.rdf_files([paths.ONTOLOGY_DIR]), paths.ROOT, store)
    list(loading.write(store, todo, paths.ROOT))
    models = max(1, round(size / TRIPLES_PER_MODEL))
    text = "\n".join(generate(models, seed)).encode()
    graph = graph_iri("synthetic/claims.nt")
    store.load(text, format=ox.RdfFormat.N_TRIPLES, to_graph=ox.NamedNode(graph))
    digest = loading.content_hash(text)
    store.update(
        f"INSERT DATA {{ GRAPH <{loading.CATALOG}> {{ <{graph}> <{OG}contentHash> {lit(digest)} }} }}"
    )
    steps["generate and load"] = time.perf_counter() - clock
    clock = time.perf_counter()
    derivations = derive.compute(store)
    stamp = derive.now_stamp()
    for name, index in (("assessments", 0), ("scores", 1)):
        lines = [
            line
            for d in derivations.values()
            for line in derive.derivation_triples(d, stamp)[index]
        ]
        store.load(
            "\n".join(lines).encode(),
            format=ox.RdfFormat.N_TRIPLES,
            to_graph=ox.NamedNode(graph_iri(f"derived/{name}")),
        )
    steps["derive"] = time.perf_counter() - clock
    steps["models"] = models
    return store, steps


def median_time(fn: Callable[[], object], runs: int, cold: bool) -> float:
    """Return the median seconds of ``runs`` calls, clearing the analytics cache before each if cold."""
    times = []
    for _ in range(runs):
        if cold:
            analytics.clear_cache()
        gc.collect()
        clock = time.perf_counter()
        fn()
        times.append(time.perf_counter() - clock)
    return statistics.median(times)


def main(argv: list[str] | None = None) -> int:
    """Build the synthetic graph, time every measure and print a Markdown table."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", type=int, default=100_000, help="triples to aim for")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--only", nargs="*", choices=list(analytics.MEASURES), help="time only these measures"
    )
    args = parser.parse_args(argv)

    store, steps = build(args.size, args.seed)
    triples = sum(1 for _ in store.quads_for_pattern(None, None, None, None))
    print(
        f"synthetic graph: {triples} triples, {int(steps['models'])} models "
        f"(generate and load {steps['generate and load']:.1f} s, derive {steps['derive']:.1f} s)"
    )
    version = median_time(lambda: analytics.data_version(store), args.runs, cold=False)
    print(f"data version: {version * 1000:.1f} ms (median of {args.runs})\n")
    print(f"| measure | cold, median of {args.runs} | cached | items |")
    print("|---|---|---|---|")
    for name, fn in analytics.MEASURES.items():
        if args.only and name not in args.only:
            continue
        cold = median_time(lambda fn=fn: fn(store, limit=20), args.runs, cold=True)
        warm = median_time(lambda fn=fn: fn(store, limit=20), args.runs, cold=False)
        total = fn(store, limit=0)["total"]
        print(f"| {name} | {_seconds(cold)} | {_seconds(warm)} | {total} |", flush=True)
    return 0


def _seconds(value: float) -> str:
    return f"{value * 1000:.0f} ms" if value < 1 else f"{value:.2f} s"


if __name__ == "__main__":
    sys.exit(main())
