"""Decide what a submission may say, given who sends it and what the store already holds.

The shapes judge a batch on its own; these rules judge it against the store, so
that no one rewrites what others said (docs/submissions.md, "What a submission
may say"). Every IRI the batch makes statements about (its subjects) is:

- **new**: the store says nothing about it;
- **own**: the store says things about it only in the sender's earlier submissions;
- **others'**: anything else (seed data, another person's submission, derived data,
  the ontology, the provenance records).

A contributor may say anything about new and own subjects, and nothing about others'
ones. A curator may also add statements about others' subjects, deprecations included;
each such subject is recorded as curated (``og:curated`` on the submission record). For
everyone: the submission record is written by the server, never by the batch; a new
subject must be typed, a contributor's as a claim, source, citation, model, model family,
organisation or person; ``og:deprecatedBy`` is the sender; and the batch contains a
claim or a source, deprecates a claim, or adds to the sender's own nodes (a curator's may
instead bring new frameworks or only curate). A new framework's slug (the end of its IRI,
``id:framework/<slug>``, or its ``skos:notation``) is not one another framework already has,
in any case: the slug names a framework on every page, in the trace and in ``scores.csv``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

import pyoxigraph as ox
import rdflib
from rdflib import Literal, URIRef
from rdflib.namespace import SKOS

from graph.ingest.corrections import deprecated_in, report_graph
from graph.ingest.provenance import PROVENANCE_GRAPH, SUBMISSION_GRAPH_PREFIX, agent_iri
from graph.ingest.roles import CURATOR, allows
from graph.namespaces import CITO, DQV, GRAPH, ID, OG, PROV, RDF
from graph.queries import chunks, values_block
from graph.scoring.rules import FRAMEWORK_PREFIX
from graph.validation import ValidationReport, Violation

CHECK = "SubmissionRules"
# Nodes a contributor may introduce, under new IRIs.
CONTRIBUTOR_TYPES = frozenset(
    {OG.Claim, OG.Source, CITO.Citation, OG.Model, OG.ModelFamily, PROV.Organization, PROV.Person}
)
# Nodes that change how every model is scored, or that only the server derives.
CURATOR_TYPES = frozenset(
    {
        OG.Framework,
        OG.Criterion,
        OG.Grade,
        OG.Requirement,
        OG.ScoringRule,
        OG.LevelScale,
        OG.ScaleLevel,
        OG.Assessment,
        DQV.QualityMeasurement,
        SKOS.ConceptScheme,
    }
)
# What the server writes about a submission; a batch never states it.
PROVENANCE_PREDICATES = frozenset(
    {
        PROV.wasAssociatedWith,
        PROV.endedAtTime,
        PROV.generated,
        PROV.wasGeneratedBy,
        OG.contentHash,
        OG.loadedFrom,
        OG.curated,
    }
)
DEPRECATION_PREDICATES = frozenset(
    {OG.rank, OG.deprecationReason, OG.deprecatedBy, OG.deprecatedOn}
)
RESERVED_PREFIXES = (f"{ID}submission/", str(GRAPH))
ALLOWED = (
    "A submission may add new claims and sources (with the new models, organisations and "
    "people they need, under new IRIs) and deprecate its sender's own claims; changing or "
    "deprecating what others said needs a curator's token, and is recorded as a curation."
)


@dataclass
class Verdict:
    """The rules' judgement of a batch: what to refuse, and whose subjects it speaks about."""

    problems: list[Violation] = field(default_factory=list)
    own: set[str] = field(default_factory=set)
    curated: set[str] = field(default_factory=set)

    @property
    def report(self) -> ValidationReport | None:
        """Return a failing report of the problems, or None when there are none."""
        if not self.problems:
            return None
        return ValidationReport(False, self.problems, report_graph(self.problems))


def owners(store: ox.Store, iris: Iterable[str]) -> dict[str, set[str | None]]:
    """Return, for each IRI the store has statements about, who sent each graph holding them.

    A graph of a submission maps to its sender's agent IRI; any other graph to None.
    """
    found: dict[str, set[str | None]] = {}
    iris = sorted(iris)
    for part in chunks(iris, 500):
        query = f"""SELECT DISTINCT ?s ?g ?agent WHERE {{ {values_block("s", part)}
          GRAPH ?g {{ ?s ?p ?o }}
          OPTIONAL {{ GRAPH <{PROVENANCE_GRAPH}> {{
            ?sub <{PROV.generated}> ?g ; <{PROV.wasAssociatedWith}> ?agent }} }} }}"""
        for row in store.query(query):
            graph, agent = row["g"].value, row["agent"]
            by = (
                agent.value
                if agent is not None and graph.startswith(SUBMISSION_GRAPH_PREFIX)
                else None
            )
            found.setdefault(row["s"].value, set()).add(by)
        # The store may hold triples in its default graph (Graph Store ?default): nobody's.
        # A query names the default graph alone on every kind of store (a server keeps
        # it in a named graph of its own).
        query = f"SELECT DISTINCT ?s WHERE {{ {values_block('s', part)} ?s ?p ?o }}"
        for row in store.query(query):
            found.setdefault(row["s"].value, set()).add(None)
    return found


def judge(store: ox.Store, batch: rdflib.Graph, who: str, role: str) -> Verdict:
    """Return the rules' verdict on ``batch`` sent by ``who`` with ``role``; never writes."""
    verdict = Verdict()
    me = agent_iri(who)
    curator = allows(role, CURATOR)

    def refuse(node, path, value, message: str, tag: str) -> None:
        verdict.problems.append(
            Violation(node, path, value, message, CHECK, "Violation", None, f"{CHECK}-{tag}")
        )

    subjects = {str(s) for s in batch.subjects() if isinstance(s, URIRef)}
    stored = owners(store, subjects)
    types: dict[str, set] = {}
    for s, t in batch.subject_objects(RDF.type):
        types.setdefault(str(s), set()).add(t)

    for s, p, o in batch:
        if isinstance(s, URIRef) and str(s).startswith(RESERVED_PREFIXES):
            refuse(s, p, o, RECORD, "provenance")
        elif p in PROVENANCE_PREDICATES or (p == RDF.type and o in (OG.Submission, PROV.Activity)):
            refuse(s, p, o, RECORD, "provenance")
        elif p == OG.deprecatedBy and str(o) != me:
            refuse(
                s, p, o, f"og:deprecatedBy must be the sender, <{me}>: {RECORD}", "deprecated-by"
            )
        elif p == RDF.type and o in CURATOR_TYPES and not curator:
            refuse(s, p, o, CURATOR_TYPE, "curator-type")

    deprecated = deprecated_in(batch)
    for s in sorted(subjects):
        if s.startswith(RESERVED_PREFIXES):
            continue
        owner = stored.get(s)
        node = URIRef(s)
        if owner is None:
            given = types.get(s, set())
            foreign = sorted(
                (t for t in given & set(PROJECT_FOLDERS) if not s.startswith(PROJECT_FOLDERS[t])),
                key=str,
            )
            if foreign:
                refuse(node, RDF.type, foreign[0], foreign_message(foreign[0]), "foreign-iri")
            elif not given:
                refuse(node, RDF.type, None, UNTYPED, "untyped")
            elif not curator and not given & CONTRIBUTOR_TYPES:
                refuse(node, RDF.type, None, CONTRIBUTOR_NEW, "new-type")
        elif owner == {me}:
            verdict.own.add(s)
        elif curator:
            verdict.curated.add(s)
        elif s in deprecated:
            refuse(node, OG.rank, OG.DeprecatedRank, OTHERS_CLAIM, "others-claim")
        else:
            said = sorted({p for p in batch.predicates(node)} - DEPRECATION_PREDICATES) or [None]
            refuse(node, said[0], None, OTHERS_NODE, "others-node")

    new = {s for s in subjects if s not in stored}
    for framework, other in slug_collisions(store, batch, new, types):
        refuse(URIRef(framework), None, URIRef(other), slug_message(framework, other), "slug")
    makes = any(types.get(s, set()) & {OG.Claim, OG.Source} for s in new)
    makes = makes or bool(deprecated) or bool(verdict.own)
    if curator:
        makes = makes or bool(verdict.curated) or any(types.get(s) for s in new)
    if not makes and not verdict.problems:
        anchor = next(iter(sorted(subjects)), None)
        refuse(URIRef(anchor) if anchor else OG.Claim, None, None, NOTHING, "nothing")
    return verdict


def slugs_of(iri: str, notations: Iterable[str]) -> set[str]:
    """Return the names a framework goes by, case folded: its IRI's slug and its notations."""
    names = {str(n).casefold() for n in notations}
    if iri.startswith(FRAMEWORK_PREFIX):
        names.add(iri[len(FRAMEWORK_PREFIX) :].casefold())
    return names - {""}


def slug_collisions(
    store: ox.Store, batch: rdflib.Graph, new: set[str], types: dict[str, set]
) -> list[tuple[str, str]]:
    """Return (new framework, framework already named so) for each new framework whose slug
    another framework, in the store or earlier in the batch, already has, in any case."""
    query = f"""SELECT DISTINCT ?f ?n WHERE {{
      {{ ?f a <{OG.Framework}> OPTIONAL {{ ?f <{SKOS.notation}> ?n }} }} UNION
      {{ GRAPH ?g {{ ?f a <{OG.Framework}> }} OPTIONAL {{ GRAPH ?h {{ ?f <{SKOS.notation}> ?n }} }} }}
    }}"""
    taken: dict[str, str] = {}
    notations: dict[str, set[str]] = {}
    for row in store.query(query):
        notations.setdefault(row["f"].value, set())
        if row["n"] is not None:
            notations[row["f"].value].add(row["n"].value)
    for iri, names in sorted(notations.items()):
        for name in slugs_of(iri, names):
            taken.setdefault(name, iri)
    found = []
    for iri in sorted(s for s in new if OG.Framework in types.get(s, set())):
        own = [o for o in batch.objects(URIRef(iri), SKOS.notation) if isinstance(o, Literal)]
        names = slugs_of(iri, own)
        clash = sorted({taken[n] for n in names if n in taken and taken[n] != iri})
        found += [(iri, other) for other in clash]
        for name in names:
            taken.setdefault(name, iri)
    return found


def slug_message(framework: str, other: str) -> str:
    """Say that ``framework`` would be named like ``other``, and how to name it instead."""
    return (
        f"The framework <{framework}> would go by the slug of <{other}>, which the graph "
        "already holds (slugs are compared in any case, on the IRI's end and on "
        "skos:notation): the slug names a framework on every page, in the trace and in "
        f"scores.csv. Give the new framework a slug of its own, {FRAMEWORK_PREFIX}<new-slug>, "
        "with its criteria under criterion/<new-slug>/, or, to change the existing framework, "
        "send statements about its IRI."
    )


# New claims and sources carry project IRIs: the folder each kind is minted under.
PROJECT_FOLDERS = {OG.Claim: f"{ID}claim/", OG.Source: f"{ID}source/"}


def foreign_message(kind: URIRef) -> str:
    """Say which IRIs a new claim or source may have, and why."""
    folder = PROJECT_FOLDERS[kind]
    return (
        f"A new {kind.removeprefix(str(OG))} needs an IRI of the project, {folder}<slug> "
        "(letters, digits, dots and dashes; the JSON form mints one for you): the graph "
        "serves, traces and corrects claims and sources by those IRIs, and an IRI under "
        "another domain is that domain's to define. Keep your own identifier as "
        "dcterms:identifier, or the document's address as schema:url."
    )


RECORD = (
    "The submission record (who sent what, when, its hash, what it curated) is written by the "
    "server from the token; a batch may not state it, nor say anything about a submission "
    "or a graph."
)
CURATOR_TYPE = (
    "Only a curator may bring frameworks, criteria, grades, requirements and derived "
    "assessments or scores: they change how every model is scored. " + ALLOWED
)
UNTYPED = (
    "This IRI is new to the graph and the batch gives it no rdf:type: every node a "
    "submission introduces is a claim, source, citation, model, model family, organisation "
    "or person (say which with rdf:type), or it is not stated at all."
)
CONTRIBUTOR_NEW = (
    "A new node must be typed og:Claim, og:Source, cito:Citation, og:Model, og:ModelFamily, "
    "prov:Organization or prov:Person. " + ALLOWED
)
OTHERS_CLAIM = (
    "This claim was stated by someone else (seed data or another person's submission): only "
    "a curator may deprecate it. " + ALLOWED
)
OTHERS_NODE = (
    "The graph already holds statements about this node from someone else (seed data or "
    "another person's submission): a submission may not add to or change them. " + ALLOWED
)
NOTHING = (
    "The batch states no claim or source, deprecates no claim and adds to none of its "
    "sender's own claims or sources: a submission adds a claim or a source (with what they "
    "need), or deprecates a claim."
)
