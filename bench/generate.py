"""Generate a synthetic claims graph shaped like the real data, at a given size.

    .venv/bin/python -m bench.generate --triples 100000 [--seed 1] [--format nt|nq] [--out FILE]

The graph conforms to ``shapes/`` when validated with the ontology and
frameworks: organizations with labels; models with developers; per model a
model card, a repository and a paper published by its developer, the paper
citing two shared works; a pool of shared works (half as many as models) by
twenty other publishers, citing each other in chains of 4 to 6 (so citation
walks run at least 3 deep), every tenth chain closed into a cycle, one citation
in five written as a ``cito:Citation`` node; per model 18 criteria drawn from
the OSAI index, the MOF and the OTI attributes, each with one claim (a second,
disagreeing claim on one in five: contested), each claim with 1 to 4 sources,
a quote from its first source, a date stated, a rank (5 % preferred, 5 %
deprecated with a reason) and the agent who asserted it. The output is the
same for the same ``--seed`` and size. ``--triples`` counts generated triples
only, not the ontology or derived data.
"""

from __future__ import annotations

import argparse
import random
import sys

ID = "https://w3id.org/openness/id/"
OG = "https://w3id.org/openness/ns#"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
PROV = "http://www.w3.org/ns/prov#"
DCT = "http://purl.org/dc/terms/"
CITO = "http://purl.org/spar/cito/"
OA = "http://www.w3.org/ns/oa#"
SCHEMA = "https://schema.org/"
XSD = "http://www.w3.org/2001/XMLSchema#"
GRAPH = "https://w3id.org/openness/graph/synthetic/claims"

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
LEVELS = ["open", "partial", "closed"]
CITES = ["cites", "citesAsEvidence", "citesAsAuthority", "obtainsSupportFrom", "usesDataFrom"]
KINDS = ["Report", "Paper", "NewsArticle", "BlogPost", "GovernmentDocument"]
PUBLISHERS = 20


def t(s: str, p: str, o: str) -> str:
    """Return one N-Triples line; ``o`` is an IRI unless it is a literal or a blank node."""
    return f"<{s}> <{p}> {o if o[0] in chr(34) + '_' else f'<{o}>'} ."


def lit(text: str, datatype: str | None = None) -> str:
    """Return an N-Triples literal, typed with an XSD datatype when one is given."""
    return f'"{text}"' + (f"^^<{XSD}{datatype}>" if datatype else "")


def _source(add, iri: str, kind: str, title: str, publisher: str, rng: random.Random) -> None:
    add(t(iri, RDF_TYPE, f"{OG}Source"))
    add(t(iri, f"{DCT}type", f"{OG}{kind}"))
    add(t(iri, f"{DCT}title", lit(title)))
    add(t(iri, f"{DCT}publisher", publisher))
    add(
        t(
            iri,
            f"{DCT}issued",
            lit(f"202{rng.randint(2, 5)}-{rng.randint(1, 12):02d}", "gYearMonth"),
        )
    )
    add(t(iri, f"{OG}accessedOn", lit(f"2025-{rng.randint(1, 12):02d}-01", "date")))
    add(t(iri, f"{SCHEMA}url", "https://example.org/" + iri.removeprefix(ID)))


def generate(models: int, seed: int) -> list[str]:
    """Return the N-Triples lines of a synthetic claims graph with ``models`` models."""
    rng = random.Random(seed)
    lines: list[str] = []
    add = lines.append
    developers = max(3, models // 4)
    for j in range(PUBLISHERS):
        add(t(f"{ID}organization/press-{j}", RDF_TYPE, f"{PROV}Organization"))
        add(t(f"{ID}organization/press-{j}", RDFS_LABEL, lit(f"Publisher {j}")))
    for j in range(developers):
        add(t(f"{ID}organization/dev-{j}", RDF_TYPE, f"{PROV}Organization"))
        add(t(f"{ID}organization/dev-{j}", RDFS_LABEL, lit(f"Developer {j}")))

    shared = [f"{ID}source/shared-{j}" for j in range(max(12, models // 2))]
    for j, s in enumerate(shared):
        press = f"{ID}organization/press-{j % PUBLISHERS}"
        _source(add, s, KINDS[j % len(KINDS)], f"Shared work {j}", press, rng)
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
            _source(add, s, kind, f"Model {i} {slug}", dev, rng)
        for cited in rng.sample(shared, 2):  # the paper cites into the chains
            add(t(own[2], f"{CITO}citesAsRelated", cited))
        for k, criterion in enumerate(rng.sample(CRITERIA, 18)):
            first = rng.choice(LEVELS)
            contested = rng.random() < 0.2
            for n in range(2 if contested else 1):
                level = first if n == 0 else rng.choice([x for x in LEVELS if x != first])
                claim(
                    add, rng, f"{ID}claim/m-{i}-{k}-{n}", m, criterion, level, own, shared, dev, k
                )
    return lines


def claim(add, rng, c, model, criterion, level, own, shared, dev, k, rank=None) -> None:
    """Add one claim with 1 to 4 sources, a quote from its first source and a date."""
    sources = rng.sample(own + rng.sample(shared, 3), rng.randint(1, 4))
    rank = rank or rng.choices(["NormalRank", "PreferredRank", "DeprecatedRank"], [90, 5, 5])[0]
    add(t(c, RDF_TYPE, f"{OG}Claim"))
    add(t(c, f"{OG}aboutModel", model))
    add(t(c, f"{OG}criterion", criterion))
    add(t(c, f"{OG}level", f"{OG}{level}"))
    add(t(c, f"{OG}rank", f"{OG}{rank}"))
    if rank == "DeprecatedRank":
        add(t(c, f"{OG}deprecationReason", lit("Superseded by a later release of the source.")))
    day = f"202{rng.randint(3, 5)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
    add(t(c, f"{OG}statedOn", lit(day, "date")))
    who = dev if sources[0] in own else f"{ID}organization/press-{k % PUBLISHERS}"
    add(t(c, f"{PROV}wasAttributedTo", who))
    for s in sources:
        add(t(c, f"{PROV}wasDerivedFrom", s))
    node = "_:q" + c.removeprefix(ID).replace("/", "_").replace("-", "_")
    add(t(c, f"{OG}quote", node))
    add(f"{node} <{RDF_TYPE}> <{OA}SpecificResource> .")
    add(f"{node} <{OA}hasSource> <{sources[0]}> .")
    add(f"{node} <{OA}hasSelector> {node}s .")
    add(f"{node}s <{RDF_TYPE}> <{OA}TextQuoteSelector> .")
    add(f"{node}s <{OA}exact> {lit(f'The {criterion.rsplit(chr(47), 1)[1]} is {level}.')} .")


def models_for(triples: int, seed: int = 1) -> int:
    """Return how many models make about ``triples`` generated triples."""
    sample = 40
    per_model = len(generate(sample, seed)) / sample
    return max(1, round(triples / per_model))


def batch(models: int, claims: int, tag: str, seed: int) -> str:
    """Return N-Triples for ``claims`` new claims about existing models ``m-0 .. m-<models-1>``.

    They cite the models' own and shared sources, so the batch needs the store for context;
    ``tag`` makes the claim IRIs (and so the batch) distinct.
    """
    rng = random.Random(f"{seed}-{tag}")
    shared = [f"{ID}source/shared-{j}" for j in range(max(12, models // 2))]
    lines: list[str] = []
    for n in range(claims):
        i = rng.randrange(models)
        own = [f"{ID}source/m-{i}-{slug}" for slug in ("card", "repo", "paper")]
        dev = f"{ID}organization/dev-{i % max(3, models // 4)}"
        c = f"{ID}claim/batch-{tag}-{n}"
        claim(
            lines.append,
            rng,
            c,
            f"{ID}model/m-{i}",
            rng.choice(CRITERIA),
            rng.choice(LEVELS),
            own,
            shared,
            dev,
            n,
            rank="NormalRank",
        )
    return "\n".join(lines) + "\n"


def write(lines: list[str], out, fmt: str) -> None:
    """Write ``lines`` as N-Triples, or as N-Quads in the synthetic graph."""
    for line in lines:
        out.write(line if fmt == "nt" else f"{line[:-1]} <{GRAPH}> .")
        out.write("\n")


def main(argv: list[str] | None = None) -> int:
    """Generate the graph for ``--triples`` and write it to ``--out`` (standard output by default)."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--triples", type=int, default=100_000, help="triples to aim for")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--format", choices=["nt", "nq"], default="nt")
    parser.add_argument("--out", help="file to write (default: standard output)")
    args = parser.parse_args(argv)
    lines = generate(models_for(args.triples, args.seed), args.seed)
    if args.out:
        with open(args.out, "w", encoding="utf-8") as out:
            write(lines, out, args.format)
    else:
        write(lines, sys.stdout, args.format)
    print(f"{len(lines)} triples", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
