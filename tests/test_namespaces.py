"""The namespaces in code agree with the ontology, and every term is documented."""

from __future__ import annotations

import re

import pyoxigraph as ox
import pytest
import rdflib
from rdflib.namespace import OWL, RDF, RDFS

from graph import paths
from graph.namespaces import (
    BASE,
    ID,
    KIND_PREFIXES,
    KINDS,
    OG,
    PREFIXES,
    VOCABULARIES,
    mint,
    slugify,
)

SOURCE_DIRS = [paths.ROOT / "graph", paths.ROOT / "server"]
OG_USE = re.compile(r"\bOG\.([A-Za-z_][A-Za-z0-9_]*)|\bOG\[\"([^\"]+)\"\]")


@pytest.fixture(scope="module")
def ontology() -> rdflib.Graph:
    return rdflib.Graph().parse(paths.ONTOLOGY_DIR / "openness.ttl")


def defined_terms(ontology: rdflib.Graph) -> set[str]:
    return {str(s) for s in ontology.subjects() if str(s).startswith(str(OG))}


def test_every_og_term_used_in_code_is_defined(ontology: rdflib.Graph) -> None:
    files = [p for d in SOURCE_DIRS if d.is_dir() for p in d.rglob("*.py")]
    assert files, "no source files found"
    used = {
        (path, m.group(1) or m.group(2))
        for path in files
        for m in OG_USE.finditer(path.read_text(encoding="utf-8"))
    }
    assert used, "no OG terms found in code"
    defined = defined_terms(ontology)
    missing = sorted(
        f"{p.relative_to(paths.ROOT)}: og:{t}" for p, t in used if str(OG[t]) not in defined
    )
    assert not missing, (
        "terms used in code but not defined in ontology/openness.ttl:\n" + "\n".join(missing)
    )


def test_every_term_has_a_label_and_a_comment(ontology: rdflib.Graph) -> None:
    kinds = {OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty}
    terms = {s for k in kinds for s in ontology.subjects(RDF.type, k)}
    terms |= {s for s in ontology.subjects(RDF.type, None) if str(s).startswith(str(OG))}
    assert len(terms) > 40
    undocumented = sorted(
        str(t)
        for t in terms
        if ontology.value(t, RDFS.label) is None or ontology.value(t, RDFS.comment) is None
    )
    assert not undocumented, f"terms without rdfs:label or rdfs:comment: {undocumented}"


def test_every_og_term_in_any_ttl_is_defined(ontology: rdflib.Graph) -> None:
    defined = defined_terms(ontology)
    used: set[str] = set()
    for folder in (paths.ONTOLOGY_DIR, paths.SHAPES_DIR, paths.DATA_DIR):
        for f in folder.rglob("*.ttl"):
            triples = ox.parse(path=str(f), format=ox.RdfFormat.TURTLE)
            used |= {
                f"{f.relative_to(paths.ROOT)}: {t.value}"
                for triple in triples
                for t in (triple.subject, triple.predicate, triple.object)
                if isinstance(t, ox.NamedNode)
                and t.value.startswith(str(OG))
                and t.value not in defined
            }
    assert not used, "og: terms used but not defined:\n" + "\n".join(sorted(used))


def test_mint_and_slugify() -> None:
    assert slugify("Llama 3.1 (405B)") == "llama-3.1-405b"
    assert slugify("Mistral AI’s Mixtral") == "mistral-ais-mixtral"  # apostrophes vanish
    assert mint("model", "llama") == f"{ID}model/llama"
    with pytest.raises(ValueError, match="unknown kind"):
        mint("widget", "x")


TTL_DIRS = (paths.ONTOLOGY_DIR, paths.SHAPES_DIR, paths.DATA_DIR)
DECLARED = re.compile(r"^@prefix\s+([A-Za-z][\w.-]*)?:\s*<([^>]*)>", re.MULTILINE)
THING = re.compile(re.escape(str(ID)) + r"([a-z-]+)/")


def declared_prefixes() -> list[tuple[str, str, str]]:
    """Return (file, prefix, namespace) for every @prefix in ontology/, shapes/ and data/."""
    found = [
        (str(f.relative_to(paths.ROOT)), m.group(1) or "", m.group(2))
        for folder in TTL_DIRS
        for f in folder.rglob("*.ttl")
        for m in DECLARED.finditer(f.read_text(encoding="utf-8"))
    ]
    assert found, "no @prefix declarations found"
    return found


def test_every_kind_of_thing_has_its_own_prefix() -> None:
    kinds = {
        m.group(1)
        for folder in TTL_DIRS
        for f in folder.rglob("*.ttl")
        for m in THING.finditer(f.read_text(encoding="utf-8"))
    }
    assert {"model", "claim", "source", "organization"} <= kinds
    assert not kinds - set(KINDS), f"kinds of IRI without a prefix: {kinds - set(KINDS)}"
    for kind in KINDS:
        assert PREFIXES[kind] == f"{ID}{kind}/" == KIND_PREFIXES[kind]


def test_the_files_prefixes_agree_with_the_table() -> None:
    """A vocabulary a file declares is in the table under the same name; a project prefix a
    file declares means the table's namespace or a narrower one (section: for one report)."""
    wrong = []
    for file, prefix, namespace in declared_prefixes():
        if not namespace.startswith(BASE):
            if VOCABULARIES.get(prefix) != namespace:
                wrong.append(f"{file}: {prefix}: <{namespace}> (table: {PREFIXES.get(prefix)})")
        elif prefix in PREFIXES and not namespace.startswith(PREFIXES[prefix]):
            wrong.append(f"{file}: {prefix}: <{namespace}> (table: {PREFIXES[prefix]})")
    assert not wrong, "prefixes that disagree with graph/namespaces.py:\n" + "\n".join(wrong)


def test_the_vocabularies_researchers_expect_are_predeclared() -> None:
    expected = {
        "og": str(OG),
        "cito": "http://purl.org/spar/cito/",
        "prov": "http://www.w3.org/ns/prov#",
        "dcterms": "http://purl.org/dc/terms/",
        "skos": "http://www.w3.org/2004/02/skos/core#",
        "dqv": "http://www.w3.org/ns/dqv#",
        "oa": "http://www.w3.org/ns/oa#",
        "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
        "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
        "xsd": "http://www.w3.org/2001/XMLSchema#",
        "schema": "https://schema.org/",  # as the data writes it: https, not http
        "owl": "http://www.w3.org/2002/07/owl#",
    }
    assert {p: PREFIXES[p] for p in expected} == expected
    # A prefix names one namespace: no two prefixes share one.
    assert len(set(PREFIXES.values())) == len(PREFIXES)
