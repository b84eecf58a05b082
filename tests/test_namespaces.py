"""The namespaces in code agree with the ontology, and every term is documented."""

from __future__ import annotations

import re

import pytest
import rdflib
from rdflib.namespace import OWL, RDF, RDFS

from graph import paths
from graph.namespaces import ID, OG, mint, slugify

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
            g = rdflib.Graph().parse(f)
            used |= {
                f"{f.relative_to(paths.ROOT)}: {t}"
                for triple in g
                for t in triple
                if isinstance(t, rdflib.URIRef)
                and str(t).startswith(str(OG))
                and str(t) not in defined
            }
    assert not used, "og: terms used but not defined:\n" + "\n".join(sorted(used))


def test_mint_and_slugify() -> None:
    assert slugify("Llama 3.1 (405B)") == "llama-3.1-405b"
    assert slugify("Mistral AI’s Mixtral") == "mistral-ais-mixtral"  # apostrophes vanish
    assert mint("model", "llama") == f"{ID}model/llama"
    with pytest.raises(ValueError, match="unknown kind"):
        mint("widget", "x")
