"""Export the graph: whole-graph dumps, the scores as CSV, and a VoID/DCAT description.

Dumps are written once per version of the data into a cache directory and
served from there. The data version is a hash of what the loader records in
the catalogue graph (each loaded graph's content hash) and of the derived
graphs' size and newest ``prov:generatedAtTime``, so it changes whenever a
file is (re)loaded, evidence is ingested or scores are derived, and survives
restarts.
"""

from __future__ import annotations

import csv
import gzip
import hashlib
import io
import os
import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from graph.framework_descriptions import store_rules
from graph.labels import Labels
from graph.loading import CATALOG
from graph.namespaces import BASE, DCAT, DCTERMS, ID, OG, OWL, PREFIXES, PROV, RDF, VOID, XSD
from graph.records import DERIVED_GRAPHS
from graph.scoring.rules import CRITERION_PREFIX, FRAMEWORK_PREFIX
from graph.sparql.formats import JSON_LD, N_QUADS, TRIG, TURTLE, Format
from graph.stored_scores import contests_of, read_contests, read_scores
from graph.views.common import flag_name


@dataclass(frozen=True)
class Dump:
    """One downloadable dump: its file name, RDF format and what it holds."""

    name: str
    format: Format
    description: str


DUMPS: tuple[Dump, ...] = (
    Dump("openness-graph.nq.gz", N_QUADS, "every named graph, as N-Quads"),
    Dump("openness-graph.trig.gz", TRIG, "every named graph, as TriG"),
    Dump("openness-graph.ttl.gz", TURTLE, "the union of all graphs as one graph, as Turtle"),
    Dump("openness-graph.jsonld.gz", JSON_LD, "every named graph, as JSON-LD"),
)
DUMPS_BY_NAME = {d.name: d for d in DUMPS}
GZIP = "application/gzip"

_STAMPS = f"""
SELECT ?g (COUNT(?s) AS ?n) (MAX(STR(?t)) AS ?newest) WHERE {{
  VALUES ?g {{ {" ".join(f"<{g}>" for g in DERIVED_GRAPHS)} }}
  GRAPH ?g {{ ?s <{PROV.generatedAtTime}> ?t }}
}} GROUP BY ?g ORDER BY ?g"""


def data_version(store: ox.Store) -> str:
    """Return a hash that changes whenever the loaded, ingested or derived data changes."""
    digest = hashlib.sha256()
    catalogue = sorted(
        str(q.triple) for q in store.quads_for_pattern(None, None, None, ox.NamedNode(CATALOG))
    )
    for line in catalogue:
        digest.update(line.encode("utf-8") + b"\n")
    for row in store.query(_STAMPS):
        digest.update(f"{row['g'].value} {row['n'].value} {row['newest'].value}\n".encode())
    return digest.hexdigest()


def write_dump(store: ox.Store, dump: Dump, output) -> None:
    """Write ``dump`` of ``store``, gzipped, to a binary file object."""
    prefixes = PREFIXES if dump.format in (TURTLE, TRIG) else None
    with gzip.GzipFile(fileobj=output, mode="wb", compresslevel=6, mtime=0) as gz:
        if dump.format.datasets:
            store.dump(gz, format=dump.format.ox_format, prefixes=prefixes)
        else:
            # The union of all graphs: a triple held by several graphs is written once per
            # graph, which an RDF reader merges back into one.
            triples = (ox.Triple(q.subject, q.predicate, q.object) for q in store)
            ox.serialize(triples, gz, format=dump.format.ox_format, prefixes=prefixes)


class DumpCache:
    """Dumps on disk, one file per name and data version, made when first asked for."""

    def __init__(self, directory: Path):
        self.directory = Path(directory)
        self._lock = threading.Lock()

    def path(self, store: ox.Store, dump: Dump, version: str) -> Path:
        """Return the file of ``dump`` for ``version``, writing it first if needed."""
        target = self.directory / f"{version[:16]}-{dump.name}"
        if target.exists():
            return target
        with self._lock:
            if target.exists():
                return target
            self.directory.mkdir(parents=True, exist_ok=True)
            partial = target.with_name(target.name + ".part")
            with partial.open("wb") as out:
                write_dump(store, dump, out)
            os.replace(partial, target)
            for old in self.directory.glob(f"*-{dump.name}"):
                if old != target:
                    old.unlink(missing_ok=True)
        return target


# ---------------------------------------------------------------- scores as CSV

CSV_COLUMNS = (
    "model",
    "model_label",
    "framework",
    "value",
    "grade",
    "grade_label",
    "unplaced",
    "missing",
    "flags",
    "contested",
    "score",
)


def score_rows(store: ox.Store) -> list[dict]:
    """Return one row per stored score (parts left out), by model then framework (four queries).

    ``contested`` lists the criteria whose claims disagree, each with the rule that
    decided it and "needs review" when a secondary claim contradicts primary evidence.
    """
    rows: dict[str, dict] = {}
    contests = read_contests(store)
    for s in read_scores(store):
        if s.whole is not None:
            continue
        row = rows.setdefault(
            s.iri,
            {
                "score": s.iri,
                "model": s.model,
                "framework": s.framework.removeprefix(FRAMEWORK_PREFIX),
                "value": s.value,
                "grade": s.grade or "",
                "missing": " ".join(sorted(s.missing)),
                "flags": set(),
                "contests": contests_of(s, contests),
            },
        )
        row["flags"] |= {flag_name(f) for f in s.flags}
    labels = Labels(
        store,
        {r["model"] for r in rows.values()}
        | {r["grade"] for r in rows.values()}
        | {c.rule for r in rows.values() for c in r["contests"]},
    )
    order = {r.slug: i for i, r in enumerate(store_rules(store))}
    out = []
    for row in rows.values():
        contested = row.pop("contests")
        out.append(
            {
                **row,
                "model_label": labels(row["model"]),
                "grade_label": labels(row["grade"]) if row["grade"] else "",
                "unplaced": "true" if "unplaced" in row["flags"] else "false",
                # An unplaced score has no value: 0 would read as the bottom of the scale.
                "value": "" if "unplaced" in row["flags"] else row["value"],
                "flags": " ".join(sorted(row["flags"])),
                "contested": "; ".join(
                    f"{c.criterion.removeprefix(CRITERION_PREFIX)}: decided by {labels(c.rule)}"
                    + (", needs review" if c.needs_review else "")
                    for c in contested
                ),
            }
        )
    out.sort(key=lambda r: (r["model_label"].casefold(), r["model"], order.get(r["framework"], 99)))
    return out


def scores_csv(store: ox.Store) -> str:
    """Return the stored scores as CSV with a header row (columns: ``CSV_COLUMNS``)."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=CSV_COLUMNS, lineterminator="\r\n")
    writer.writeheader()
    for row in score_rows(store):
        writer.writerow({k: row[k] for k in CSV_COLUMNS})
    return out.getvalue()


# ---------------------------------------------------------------- VoID and DCAT

DATASET = BASE
CC_BY = "https://creativecommons.org/licenses/by/4.0/"
UPSTREAM = (
    "https://www.newamerica.org/oti/reports/openness-in-artificial-intelligence-models/",
    "https://osai-index.eu/",
    "https://mot.isitopen.ai",
)


def void_triples(
    *,
    version: str,
    triples: int,
    sparql: str,
    home: str,
    dumps: Mapping[str, str],
    documents: Sequence[tuple[str, str, str, str]],
    example: str | None = None,
) -> list[ox.Triple]:
    """Describe the dataset in VoID and DCAT.

    ``dumps`` maps each dump's name to its URL; ``documents`` lists other
    distributions as (URL, media type, title, licence IRI): the scores CSV,
    the ontology, the shapes.
    """

    def n(iri: str) -> ox.NamedNode:
        return ox.NamedNode(iri)

    def lit(text: str, datatype: str | None = None) -> ox.Literal:
        return ox.Literal(text, datatype=n(datatype)) if datatype else ox.Literal(text)

    d = n(DATASET)
    out = [
        ox.Triple(d, n(str(RDF.type)), n(str(VOID.Dataset))),
        ox.Triple(d, n(str(RDF.type)), n(str(DCAT.Dataset))),
        ox.Triple(d, n(str(DCTERMS.title)), lit("openness-graph")),
        ox.Triple(
            d,
            n(str(DCTERMS.description)),
            lit(
                "A knowledge graph of claims about how open AI models are, and of the sources "
                "behind them, with the assessments and scores derived from them."
            ),
        ),
        ox.Triple(d, n(str(DCTERMS.license)), n(CC_BY)),
        ox.Triple(d, n(str(OWL.versionInfo)), lit(version)),
        ox.Triple(d, n(str(DCAT.landingPage)), n(home)),
        ox.Triple(d, n(str(VOID.sparqlEndpoint)), n(sparql)),
        ox.Triple(d, n(str(VOID.uriSpace)), lit(str(ID))),
        ox.Triple(d, n(str(VOID.vocabulary)), n(str(OG))),
        ox.Triple(d, n(str(VOID.triples)), lit(str(triples), str(XSD.integer))),
    ]
    out += [ox.Triple(d, n(str(DCTERMS.source)), n(u)) for u in UPSTREAM]
    if example:
        out.append(ox.Triple(d, n(str(VOID.exampleResource)), n(example)))
    service = ox.BlankNode()
    out += [
        ox.Triple(service, n(str(RDF.type)), n(str(DCAT.DataService))),
        ox.Triple(service, n(str(DCAT.endpointURL)), n(sparql)),
        ox.Triple(service, n(str(DCAT.servesDataset)), d),
    ]
    for dump in DUMPS:
        url = dumps[dump.name]
        out.append(ox.Triple(d, n(str(VOID.dataDump)), n(url)))
        title = f"openness-graph: {dump.description}"
        out += _distribution(d, url, dump.format.media_type, title, CC_BY, gzipped=True)
    for url, media_type, title, licence in documents:
        out += _distribution(d, url, media_type, title, licence, gzipped=False)
    return out


def _distribution(
    dataset, url: str, media_type: str, title: str, licence: str, gzipped: bool
) -> list[ox.Triple]:
    node = ox.BlankNode()
    t = [
        ox.Triple(dataset, ox.NamedNode(str(DCAT.distribution)), node),
        ox.Triple(node, ox.NamedNode(str(RDF.type)), ox.NamedNode(str(DCAT.Distribution))),
        ox.Triple(node, ox.NamedNode(str(DCTERMS.title)), ox.Literal(title)),
        ox.Triple(node, ox.NamedNode(str(DCAT.downloadURL)), ox.NamedNode(url)),
        ox.Triple(node, ox.NamedNode(str(DCAT.mediaType)), ox.Literal(media_type)),
        ox.Triple(node, ox.NamedNode(str(DCTERMS.license)), ox.NamedNode(licence)),
    ]
    if gzipped:
        t.append(ox.Triple(node, ox.NamedNode(str(DCAT.compressFormat)), ox.Literal(GZIP)))
    return t
