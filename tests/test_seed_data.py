"""Check the OTI 2024 report's data in data/oti-2024/ against the report itself."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, PROV, RDF, RDFS, XSD

from graph.evidence.passages import normalise
from graph.namespaces import BIBO, CITO, DOCO, ID, OA, OG, SCHEMA
from graph.paths import FRAMEWORKS_DIR

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "data" / "oti-2024"
SPECTRUM_ROWS = Path(__file__).parent / "fixtures" / "seed" / "spectrum-rows.txt"
REPORT_SECTIONS = Path(__file__).parent / "fixtures" / "seed" / "report-sections.txt"

REPORT = ID["source/oti-2024-openness-in-ai-models"]
SPECTRUM_MODELS = (
    "mistral",
    "llama",
    "grok",
    "chatgpt",
    "gemini",
    "claude",
)
LEVELS = {OG.open, OG.partial, OG.closed, OG.unknown}
RANKS = {OG.PreferredRank, OG.NormalRank, OG.DeprecatedRank}
DATE_TYPES = {XSD.date, XSD.gYearMonth, XSD.gYear}


@pytest.fixture(scope="module")
def files() -> list[Path]:
    """Return the Turtle files of the OTI data, failing if there are none."""
    found = sorted(DATA.glob("*.ttl"))
    assert found, f"no Turtle files in {DATA}"
    return found


@pytest.fixture(scope="module")
def g(files) -> Graph:
    """Parse every OTI data file into one graph."""
    graph = Graph()
    for path in files:
        graph.parse(path, format="turtle")
    return graph


@pytest.fixture(scope="module")
def ontology() -> Graph:
    """Parse the project's ontology, which defines the kinds of source."""
    return Graph().parse(ROOT / "ontology" / "openness.ttl", format="turtle")


@pytest.fixture(scope="module")
def rows() -> list[tuple[str, str]]:
    """Return (attributes, model examples) for each row of the report's spectrum table."""
    lines = SPECTRUM_ROWS.read_text(encoding="utf-8").splitlines()
    assert len(lines) == 5, "the spectrum table has five rows"
    return [tuple(line.split("\t")[1:3]) for line in lines]


def one(g: Graph, subject, predicate):
    """Return the single object of subject/predicate, failing on none or several."""
    values = list(g.objects(subject, predicate))
    assert len(values) == 1, f"{subject} has {len(values)} {predicate}, expected 1"
    return values[0]


def exacts(g: Graph, node) -> list[str]:
    """Return the oa:exact texts of the quotes attached to node."""
    return [
        str(exact)
        for quote in g.objects(node, OG.quote)
        for selector in g.objects(quote, OA.hasSelector)
        for exact in g.objects(selector, OA.exact)
    ]


def spectrum_claims(g: Graph) -> list[URIRef]:
    """Return the claims minted from the spectrum table."""
    prefix = str(ID["claim/oti-2024-spectrum-"])
    return [c for c in g.subjects(RDF.type, OG.Claim) if str(c).startswith(prefix)]


def test_every_file_credits_the_report_under_cc_by(files):
    for path in files:
        header = path.read_text(encoding="utf-8").split("@prefix", 1)[0]
        assert "New America's Open Technology Institute" in header, path.name
        assert "https://creativecommons.org/licenses/by/4.0/" in header, path.name
        assert "changes: encoded as RDF" in header, path.name


def test_the_report_is_a_cc_by_report_with_its_authors(g):
    assert (REPORT, RDF.type, OG.Source) in g
    assert one(g, REPORT, DCTERMS.type) == OG.Report
    assert one(g, REPORT, DCTERMS.license) == URIRef("https://creativecommons.org/licenses/by/4.0/")
    assert one(g, REPORT, DCTERMS.issued) == Literal("2024-11", datatype=XSD.gYearMonth)
    creators = set(g.objects(REPORT, DCTERMS.creator))
    assert {ID["person/prem-m-trivedi"], ID["person/nat-meysenburg"]} == creators
    for agent in creators | set(g.objects(REPORT, DCTERMS.publisher)):
        assert g.value(agent, RDFS.label) is not None, agent


def test_57_citations_numbered_1_to_57_each_once(g):
    citations = list(g.subjects(RDF.type, CITO.Citation))
    numbers = sorted(int(one(g, c, OG.noteNumber)) for c in citations)
    assert numbers == list(range(1, 58))
    for c in citations:
        assert one(g, c, CITO.hasCitingEntity) == REPORT
        assert str(one(g, c, OG.citationText)).strip()
        assert str(c) == str(ID[f"citation/oti-2024-note-{int(one(g, c, OG.noteNumber))}"])


def test_every_cited_entity_is_a_typed_source_with_a_title(g, ontology):
    cited = set(g.objects(None, CITO.hasCitedEntity))
    assert cited
    for source in cited:
        assert (source, RDF.type, OG.Source) in g, source
        assert (one(g, source, DCTERMS.type), RDF.type, OG.SourceKind) in ontology, source
        assert str(one(g, source, DCTERMS.title)).strip(), source


def test_each_cited_address_is_printed_in_every_note_that_cites_it(g):
    # A source's address must appear in the text of each note linked to it, so a
    # note cannot point at the wrong work.
    for citation, source in g.subject_objects(CITO.hasCitedEntity):
        url = str(one(g, source, SCHEMA.url))
        assert url in str(one(g, citation, OG.citationText)), (citation, source)


def test_no_two_sources_share_an_address(g):
    seen: dict[str, URIRef] = {}
    for source in g.subjects(RDF.type, OG.Source):
        for url in g.objects(source, SCHEMA.url):
            assert isinstance(url, URIRef), f"{source}: schema:url must be an IRI"
            assert str(url) not in seen, f"{source} and {seen[str(url)]} share {url}"
            seen[str(url)] = source


def test_sources_have_agents_and_well_typed_dates(g):
    for source in g.subjects(RDF.type, OG.Source):
        for agent in set(g.objects(source, DCTERMS.creator)) | set(
            g.objects(source, DCTERMS.publisher)
        ):
            assert (agent, RDF.type, PROV.Person) in g or (agent, RDF.type, PROV.Organization) in g
            assert g.value(agent, RDFS.label) is not None, agent
        for issued in g.objects(source, DCTERMS.issued):
            assert issued.datatype in DATE_TYPES, source


def test_direct_citations_match_each_citation_characterisation(g):
    for citation in g.subjects(RDF.type, CITO.Citation):
        characterisation = g.value(citation, CITO.hasCitationCharacterization)
        for source in g.objects(citation, CITO.hasCitedEntity):
            assert characterisation is not None, citation
            assert (REPORT, characterisation, source) in g, (citation, source)


def test_every_model_of_the_table_has_spectrum_claims(g):
    claims = spectrum_claims(g)
    about = {one(g, c, OG.aboutModel) for c in claims}
    for slug in SPECTRUM_MODELS:
        model = ID[f"model/{slug}"]
        assert model in about, slug
        assert (model, RDF.type, OG.Model) in g, slug
        assert g.value(model, RDFS.label) is not None, slug


def test_the_closed_rows_example_is_a_category_not_a_model(g):
    category = ID["category/companies-internal-systems"]
    assert (category, RDF.type, OG.ModelCategory) in g
    assert (category, RDF.type, OG.Model) not in g
    assert not list(g.subjects(OG.aboutModel, category))  # no claims: it is not scored
    assert not list(g.subjects(OG.aboutModel, ID["model/companies-internal-systems"]))
    frameworks = Graph().parse(FRAMEWORKS_DIR / "oti-2024.ttl")
    assert (ID["grade/oti-2024/tier-5"], OG.exampleCategory, category) in frameworks


def test_spectrum_claims_quote_the_row_naming_their_model(g, rows):
    table = SPECTRUM_ROWS.read_text(encoding="utf-8")
    model_examples = dict(rows)
    for claim in spectrum_claims(g):
        quoted = exacts(g, claim)
        assert len(quoted) == 1, claim
        assert quoted[0] in table, claim
        assert quoted[0] in model_examples, f"{claim} quotes part of a row, not its attributes"
        label = str(g.value(one(g, claim, OG.aboutModel), RDFS.label))
        assert label in model_examples[quoted[0]], f"{claim}: row does not name {label}"


def test_every_claim_is_complete(g):
    claims = list(g.subjects(RDF.type, OG.Claim))
    assert claims
    for claim in claims:
        assert (one(g, claim, OG.aboutModel), RDF.type, OG.Model) in g, claim
        assert str(one(g, claim, OG.criterion)).startswith(str(ID["criterion/"])), claim
        assert one(g, claim, OG.level) in LEVELS, claim
        assert one(g, claim, OG.rank) in RANKS, claim
        assert one(g, claim, OG.statedOn).datatype in DATE_TYPES, claim
        sources = set(g.objects(claim, PROV.wasDerivedFrom))
        assert sources, f"{claim} derives from no source"
        for source in sources:
            assert (source, RDF.type, OG.Source) in g, (claim, source)
        for quote in g.objects(claim, OG.quote):
            assert g.value(quote, OA.hasSource) in sources, claim


def test_quoted_passages_of_citations_come_from_the_report(g):
    quotes = list(g.subject_objects(OG.quote))
    cited = [(s, q) for s, q in quotes if (s, RDF.type, CITO.Citation) in g]
    assert cited
    for _, quote in cited:
        assert g.value(quote, OA.hasSource) == REPORT


def test_metas_claim_is_on_llama_3_1_405b_quoting_the_report_where_it_was_read(g):
    # The report, p. 273 of the seed text: "and Mark Zuckerberg, who noted that “the
    # bottom line is that open source AI represents the world’s best shot at harnessing
    # this technology to create the greatest economic opportunity and security for
    # everyone.”<sup>54</sup>"; note 54 is Meta's post, published with Llama 3.1 405B.
    claim = ID["claim/oti-2024-note-54-llama-called-open-source"]
    model = one(g, claim, OG.aboutModel)
    assert model == ID["model/llama-3.1-405b"]  # the model the post is about, not the family
    assert one(g, claim, OG.criterion) == ID["criterion/self-description/called-open-source"]
    assert one(g, claim, PROV.wasDerivedFrom) == REPORT  # where it was read
    assert one(g, claim, DCTERMS.references) == ID["citation/oti-2024-note-54"]
    # Meta's own words: attributed to the model's developer, so self-reported.
    assert one(g, claim, PROV.wasAttributedTo) == one(g, model, OG.developer)
    quote = one(g, claim, OG.quote)
    assert g.value(quote, OA.hasSource) == REPORT
    exact = str(g.value(g.value(quote, OA.hasSelector), OA.exact))
    passage = g.value(g.value(ID["citation/oti-2024-note-54"], OG.quote), OA.hasSelector)
    assert exact in str(g.value(passage, OA.exact))  # what the report quotes, as it prints it


# The notes that give a page of the work they cite, as the report prints them.
PAGES = {
    10: "32",
    26: "7",
    29: "x",
    31: "40",
    40: "104",
    41: "1411–1412",
    43: "10",
    44: "6",
    45: "7–8",
    46: "36",
    47: "17",
    49: "116",
}


def test_the_notes_that_give_pages_carry_them_as_locators(g):
    found = {}
    for citation, part in g.subject_objects(DCTERMS.references):
        if (citation, RDF.type, CITO.Citation) not in g:
            continue
        note = int(one(g, citation, OG.noteNumber))
        assert (part, RDF.type, OA.SpecificResource) in g, note
        work = one(g, part, OA.hasSource)
        assert (citation, CITO.hasCitedEntity, work) in g, note
        found[note] = str(one(g, part, BIBO.locator))
        assert f" {found[note]}," in str(one(g, citation, OG.citationText)), note
    assert found == PAGES


@pytest.fixture(scope="module")
def sections() -> list[tuple[str, str, str]]:
    """Return (slug, title, text) of each section of the report, in the report's order."""
    found = []
    for line in REPORT_SECTIONS.read_text(encoding="utf-8").splitlines():
        if line.startswith("@@ "):
            slug, title = line[3:].split("\t")
            found.append((slug, title, []))
        else:
            found[-1][2].append(line)
    assert len(found) > 10
    return [(slug, title, "\n".join(text)) for slug, title, text in found]


def printed(text: str) -> str:
    """Return the report's text without note markers, links and emphasis, spelled one way."""
    text = re.sub(r"<sup>\d+</sup>", "", text)
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", text)
    return normalise(text.replace("*", "").replace("\\", ""))


def section_iri(slug: str) -> URIRef:
    return ID[f"section/oti-2024/{slug}"]


def test_the_sections_have_the_reports_titles_and_order(g, sections):
    by_parent: dict = {}
    for s in g.subjects(RDF.type, DOCO.Section):
        by_parent.setdefault(one(g, s, DCTERMS.isPartOf), []).append(s)
    assert {str(s) for kids in by_parent.values() for s in kids} == {
        str(section_iri(slug)) for slug, _, _ in sections
    }
    order = []

    def walk(parent):
        for s in sorted(by_parent.get(parent, []), key=lambda s: int(one(g, s, SCHEMA.position))):
            order.append(str(s))
            walk(s)

    walk(REPORT)
    assert order == [str(section_iri(slug)) for slug, _, _ in sections]
    for slug, title, _ in sections:
        assert str(one(g, section_iri(slug), DCTERMS.title)) == title


def test_every_note_is_in_the_section_its_marker_is_printed_in(g, sections):
    where = {
        int(n): slug for slug, _, text in sections for n in re.findall(r"<sup>(\d+)</sup>", text)
    }
    assert sorted(where) == list(range(1, 58))
    for c in g.subjects(RDF.type, CITO.Citation):
        if one(g, c, CITO.hasCitingEntity) == REPORT:
            note = int(one(g, c, OG.noteNumber))
            assert one(g, c, DCTERMS.isPartOf) == section_iri(where[note]), note
            for quote in g.objects(c, OG.quote):  # the passage the note is attached to
                assert one(g, quote, DCTERMS.isPartOf) == section_iri(where[note]), note


def test_every_passage_quoted_from_the_report_is_in_its_section(g, sections):
    text = {slug: printed(body) for slug, _, body in sections}
    quoted = [q for q in g.objects(None, OG.quote) if g.value(q, OA.hasSource) == REPORT]
    assert len(quoted) > 90
    for q in quoted:
        exact = normalise(str(one(g, one(g, q, OA.hasSelector), OA.exact)))
        section = one(g, q, DCTERMS.isPartOf)
        (slug,) = [slug for slug, _, _ in sections if section_iri(slug) == section]
        assert exact in text[slug], (slug, exact)
