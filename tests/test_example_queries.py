"""The ten competency questions, run as their shipped example queries over the bundled data.

They run on each engine (the embedded store and Virtuoso); where Virtuoso 7.2 answers
differently from the standard (docs/scaling.md lists its departures), the test says so and
is expected to fail there.

Each test runs one ``graph/queries/NN-*.rq`` file as it ships (its own PREFIX lines, the
default graph as the union of all graphs) over the bundled ontology and data with derived
assessments and scores, and checks its rows against facts read another way: straight from
the store's quads, without SPARQL, or from the Python derivation.
"""

from __future__ import annotations

import datetime as dt
import re
import time
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

import pyoxigraph as ox
import pytest

from graph import derive, paths
from graph.namespaces import CITO, DCTERMS, DQV, ID, OA, OG, PROV, RDF, SKOS
from graph.queries import example_queries
from graph.records import DERIVED_GRAPHS

# The queries run on the store's own engine: each engine.
pytestmark = pytest.mark.every_engine

QUESTIONS = {q.name: q for q in example_queries() if re.match(r"(0[1-9]|1[0-2])-", q.name)}
TEN = [name for name in QUESTIONS if int(name[:2]) <= 10]
REPORT_SECTIONS = paths.ROOT / "tests" / "fixtures" / "seed" / "report-sections.txt"
SECURITY = f"{ID}section/oti-2024/mitigated-security-risks"

OTI_REPORT = f"{ID}source/oti-2024-openness-in-ai-models"
CALLED_OPEN_SOURCE = f"{ID}criterion/self-description/called-open-source"
FRAMEWORK = f"{ID}framework/"
DEPRECATED, PREFERRED = str(OG.DeprecatedRank), str(OG.PreferredRank)
OPEN, PARTIAL, CLOSED, UNKNOWN = str(OG.open), str(OG.partial), str(OG.closed), str(OG.unknown)
MATCHES = [str(SKOS.exactMatch), str(SKOS.closeMatch), str(SKOS.broadMatch), str(SKOS.narrowMatch)]
# CiTO terms that describe a citation rather than make one.
CITO_NOT_CITING = {"hasCitingEntity", "hasCitedEntity", "hasCitationCharacterization", "isCitedBy"}

Row = dict[str, str | None]


# ---------------------------------------------------------------- the store and its facts


@pytest.fixture(scope="module")
def store(bundled_world) -> ox.Store:
    """Return the bundled ontology and data, with derived assessments and scores, in a
    store of each kind (on a server that ran nothing before: the runaway-plan test times it)."""
    return bundled_world.open()


@dataclass
class Facts:
    """Plain dictionaries read from the store's quads, every graph merged: no SPARQL."""

    store: ox.Store
    cache: dict[str, dict[str, set[str]]] = field(default_factory=dict)

    def of(self, predicate: str) -> dict[str, set[str]]:
        """Return {subject: objects} of one predicate, over every graph."""
        if predicate not in self.cache:
            found: dict[str, set[str]] = defaultdict(set)
            for quad in self.store.quads_for_pattern(None, ox.NamedNode(predicate), None, None):
                found[quad.subject.value].add(quad.object.value)
            self.cache[predicate] = found
        return self.cache[predicate]

    def one(self, subject: str, predicate: str) -> str | None:
        """Return the single object of ``subject`` and ``predicate``, or None."""
        values = self.of(predicate).get(subject, set())
        assert len(values) <= 1, (subject, predicate, values)
        return next(iter(values), None)

    def typed(self, cls: str) -> set[str]:
        """Return the subjects of rdf:type ``cls``."""
        return {s for s, types in self.of(str(RDF.type)).items() if cls in types}

    @property
    def claims(self) -> set[str]:
        """Return every claim."""
        return self.typed(str(OG.Claim))

    def counted(self, claim: str) -> bool:
        """Tell whether a claim counts today: it is not deprecated."""
        return self.one(claim, str(OG.rank)) != DEPRECATED

    def sources(self, node: str) -> set[str]:
        """Return what ``node`` was derived from."""
        return self.of(str(PROV.wasDerivedFrom)).get(node, set())

    def developers(self, model: str) -> set[str]:
        """Return a model's developers."""
        return self.of(str(OG.developer)).get(model, set())

    def self_reported(self, claim: str) -> bool:
        """Tell whether a claim is the developer's own word (the rule of docs/scoring.md)."""
        model = self.one(claim, str(OG.aboutModel))
        developers = self.developers(model)
        if developers & self.of(str(PROV.wasAttributedTo)).get(claim, set()):
            return True
        publishers = self.of(str(DCTERMS.publisher))
        sources = self.sources(claim)
        return bool(sources) and all(developers & publishers.get(s, set()) for s in sources)

    def quotes(self, claim: str, source: str) -> set[str]:
        """Return the passages ``claim`` quotes from ``source``."""
        return {
            exact
            for quote in self.of(str(OG.quote)).get(claim, set())
            if source in self.of(str(OA.hasSource)).get(quote, set())
            for selector in self.of(str(OA.hasSelector)).get(quote, set())
            for exact in self.of(str(OA.exact)).get(selector, set())
        }

    def cites(self) -> dict[str, set[str]]:
        """Return {work: works it cites}, by any citing CiTO property or cito:Citation node."""
        if "cites" not in self.cache:
            edges: dict[str, set[str]] = defaultdict(set)
            # Every graph but the derived assessments and scores (two thirds of the
            # quads), which hold no citation: reading them is most of the time on a server.
            graphs = [ox.DefaultGraph()] + [
                g for g in self.store.named_graphs() if g.value not in DERIVED_GRAPHS
            ]
            for graph in graphs:
                for quad in self.store.quads_for_pattern(None, None, None, graph):
                    p = quad.predicate.value
                    if p.startswith(str(CITO)) and p[len(str(CITO)) :] not in CITO_NOT_CITING:
                        edges[quad.subject.value].add(quad.object.value)
            for cited, citing in self.of(str(CITO.isCitedBy)).items():
                for work in citing:
                    edges[work].add(cited)
            for citation, citing in self.of(str(CITO.hasCitingEntity)).items():
                for work in citing:
                    edges[work] |= self.of(str(CITO.hasCitedEntity)).get(citation, set())
            self.cache["cites"] = edges
        return self.cache["cites"]

    def closure(self, work: str) -> set[str]:
        """Return every work ``work`` cites, directly or in turn (not itself, unless a cycle)."""
        closures = self.cache.setdefault("closure", {})
        if work not in closures:
            edges, seen, todo = self.cites(), set(), [work]
            while todo:
                for cited in edges.get(todo.pop(), ()):
                    if cited not in seen:
                        seen.add(cited)
                        todo.append(cited)
            closures[work] = seen
        return closures[work]

    def score(self, model: str, framework: str) -> str | None:
        """Return the stored score of ``model`` under ``framework`` (not a part, not "as of")."""
        found = [
            s
            for s, models in self.of(str(DQV.computedOn)).items()
            if model in models
            and framework in self.of(str(OG.framework)).get(s, set())
            and s not in self.of(str(DCTERMS.isPartOf))
            and s not in self.of(str(OG.asOf))
        ]
        assert len(found) <= 1, found
        return found[0] if found else None

    def assessments(self) -> dict[tuple[str, str], str]:
        """Return {(model, criterion): stored assessment}, "as of" results left out."""
        found = {}
        for a in self.typed(str(OG.Assessment)) - set(self.of(str(OG.asOf))):
            key = (self.one(a, str(OG.aboutModel)), self.one(a, str(OG.criterion)))
            assert key not in found, key
            found[key] = a
        return found


@pytest.fixture(scope="module")
def facts(store: ox.Store) -> Facts:
    """Return the facts of the bundled store."""
    return Facts(store)


# The answers of the shipped questions, by store (a store is its own key) and question:
# the runaway-plan test and each question's own test read the same answer of the same
# unchanged store.
_ANSWERS: dict[tuple[ox.Store, str], list[Row]] = {}


def run(store: ox.Store, name: str, text: str | None = None, fresh: bool = False) -> list[Row]:
    """Run one shipped question (or an edited copy of its text); return rows of plain strings.

    A shipped question's answer is run once per store unless ``fresh``."""
    kept = _ANSWERS.get((store, name)) if text is None and not fresh else None
    if kept is not None:
        return [dict(row) for row in kept]
    result = store.query(text or QUESTIONS[name].text, use_default_graph_as_union=True)
    variables = [v.value for v in result.variables]
    rows = [{v: (r[v].value if r[v] is not None else None) for v in variables} for r in result]
    if text is None:
        _ANSWERS[(store, name)] = rows
    return [dict(row) for row in rows]


def edit_values(text: str, pattern: str, replacement: str) -> str:
    """Return ``text`` with the one match of ``pattern`` (in its VALUES lines) replaced."""
    edited, n = re.subn(pattern, replacement, text)
    assert n >= 1, pattern
    return edited


def criteria_matching(facts: Facts, attribute: str) -> set[str]:
    """Return ``attribute`` and the criteria mapped onto it by exact, close or broad match."""
    found = {attribute}
    for predicate in (SKOS.exactMatch, SKOS.closeMatch, SKOS.broadMatch):
        found |= {s for s, objects in facts.of(str(predicate)).items() if attribute in objects}
    for predicate in (SKOS.exactMatch, SKOS.closeMatch, SKOS.narrowMatch):
        found |= facts.of(str(predicate)).get(attribute, set())
    return found


def day(value: str) -> dt.date:
    """Return the day an xsd:date, gYearMonth, gYear or dateTime stands for (its first day)."""
    return dt.date.fromisoformat((value + "-01-01")[:10])


def is_true(value: str | None) -> bool:
    """Read an xsd:boolean; Virtuoso 7.2 gives a query's boolean expressions as 1 or 0."""
    assert value in ("true", "false", "1", "0"), value
    return value in ("true", "1")


# ---------------------------------------------------------------- every question


def test_the_questions_ship_with_titles_and_descriptions() -> None:
    assert sorted(int(name[:2]) for name in QUESTIONS) == list(range(1, 13))
    for name, query in QUESTIONS.items():
        assert query.title.startswith(f"Q{int(name[:2])}. "), name
        assert len(query.description) > 40, name
        assert "PREFIX og:" in query.text, "each file runs anywhere, without predefined prefixes"


@pytest.mark.parametrize(
    "name",
    [
        pytest.param(
            name,
            marks=pytest.mark.differs_on(
                "virtuoso",
                reason="Virtuoso 7 cannot compile BIND(EXISTS {...} || NOT EXISTS {...} AS ?x) (error SQ074)",
            ),
        )
        if name.startswith("05-")
        else pytest.param(
            name,
            marks=pytest.mark.differs_on(
                "virtuoso",
                reason="Virtuoso 7.2 finds no citation through dcterms:isPartOf/dcterms:isPartOf* to a VALUES-bound section",
            ),
        )
        if name.startswith(("11-", "12-"))
        else name
        for name in sorted(QUESTIONS)
    ],
)
def test_each_question_answers_without_a_runaway_plan(
    store: ox.Store, name: str, store_kind: str
) -> None:
    # About a second at most on the bundled data; a bad join order takes minutes. The
    # bound guards the plans of the engine we ship, so it is timed afresh there; a
    # server's plans are its own, and there the answer each question's test reads will do.
    timed = store_kind == "embedded"
    start = time.perf_counter()
    found = run(store, name, fresh=timed)
    assert found
    if timed:
        assert time.perf_counter() - start < 10


# ---------------------------------------------------------------- Q1


@pytest.mark.differs_on(
    "virtuoso",
    reason="Virtuoso 7.2 answers with fewer rows than the embedded store and the oxigraph server (e.g. no row for ltx-2.3-22b-distilled's datasheet claim)",
)
def test_q1_models_with_open_weights_and_no_training_data_disclosed(
    store: ox.Store, facts: Facts
) -> None:
    weights = criteria_matching(facts, f"{ID}criterion/oti-2024/published-weights")
    data = criteria_matching(facts, f"{ID}criterion/oti-2024/training-data-transparency")
    assert f"{ID}criterion/osai-index/weights_endmodel" in weights
    by_model: dict[str, list[str]] = defaultdict(list)
    for claim in facts.claims:
        if facts.counted(claim):
            by_model[facts.one(claim, str(OG.aboutModel))].append(claim)

    def on(claims: Iterable[str], criteria: set[str], levels: set[str]) -> list[str]:
        return [
            c
            for c in claims
            if facts.one(c, str(OG.criterion)) in criteria and facts.one(c, str(OG.level)) in levels
        ]

    expected = set()
    for model, claims in by_model.items():
        said = on(claims, weights, {OPEN}) + on(claims, data, {CLOSED})
        if on(claims, weights, {OPEN}) and on(claims, data, {CLOSED}):
            if not on(claims, data, {OPEN, PARTIAL}):
                expected |= {(model, c, s) for c in said for s in facts.sources(c)}

    found = run(store, "01-weights-without-data")
    assert expected and {(r["model"], r["claim"], r["source"]) for r in found} == expected
    for row in found:
        claim = row["claim"]
        assert facts.one(claim, str(OG.level)) == row["level"]
        assert facts.one(claim, str(OG.criterion)) == row["criterion"]
        if row["aspect"] == "weights":
            assert row["criterion"] in weights and row["level"] == OPEN
        else:
            assert row["criterion"] in data and row["level"] == CLOSED


# ---------------------------------------------------------------- Q2


def check_score_walk(facts: Facts, found: list[Row], model: str, framework: str) -> str:
    """Check a Q2 answer against the stored chain; return the score."""
    score = facts.score(model, framework)
    assert score and {r["score"] for r in found} == {score}
    assert {r["value"] for r in found} == {facts.one(score, str(DQV.value))}
    assert {r["grade"] for r in found} == {facts.one(score, str(OG.grade))}
    expected = set()
    for assessment in facts.sources(score):
        claims = facts.sources(assessment) or {None}
        for claim in claims:
            for source in (facts.sources(claim) if claim else None) or {None}:
                expected.add((assessment, claim, source))
    assert {(r["assessment"], r["claim"], r["source"]) for r in found} == expected
    for row in found:
        assert facts.one(row["assessment"], str(OG.level)) == row["assessmentLevel"]
        if row["claim"] is None:
            continue
        assert facts.one(row["claim"], str(OG.criterion)) == row["claimCriterion"]
        assert facts.one(row["claim"], str(OG.level)) == row["claimLevel"]
        passages = facts.quotes(row["claim"], row["source"])
        assert (row["passage"] in passages) if passages else row["passage"] is None
        assert int(row["citedWorks"]) == len(facts.closure(row["source"]))
    return score


@pytest.mark.differs_on(
    "virtuoso",
    reason="Virtuoso 7.2 walks a different set of assessment, claim and source rows for Llama's score",
)
def test_q2_walks_llamas_spectrum_score_back_to_quoted_passages_and_citations(
    store: ox.Store, facts: Facts
) -> None:
    query = QUESTIONS["02-why-this-score"].text
    model, framework = re.search(
        r"\(<([^>]+/model/[^>]+)> <([^>]+/framework/[^>]+)>\)", query
    ).groups()
    assert (model, framework) == (f"{ID}model/llama", f"{FRAMEWORK}oti-2024")
    found = run(store, "02-why-this-score")
    check_score_walk(facts, found, model, framework)
    assert any(r["passage"] and int(r["citedWorks"]) > 0 for r in found)


def test_q2_explains_an_index_score_point_by_point(store: ox.Store, facts: Facts) -> None:
    framework = f"{FRAMEWORK}osai-index"
    scored = sorted(
        s
        for s, fws in facts.of(str(OG.framework)).items()
        if framework in fws and s not in facts.of(str(DCTERMS.isPartOf))
    )
    model = facts.one(scored[0], str(DQV.computedOn))
    text = edit_values(
        QUESTIONS["02-why-this-score"].text,
        r"\(<[^>]+/model/[^>]+> <[^>]+/framework/[^>]+>\)",
        f"(<{model}> <{framework}>)",
    )
    found = run(store, "02-why-this-score", text)
    score = check_score_walk(facts, found, model, framework)
    # The index's score is the mean of its judgements' points.
    points = {r["assessment"]: float(r["points"]) for r in found}
    assert sum(points.values()) / len(points) == pytest.approx(
        float(facts.one(score, str(DQV.value)))
    )


# ---------------------------------------------------------------- Q3


def test_q3_pairs_of_claims_that_disagree(store: ox.Store, facts: Facts) -> None:
    groups: dict[tuple[str, str], list[str]] = defaultdict(list)
    for claim in facts.claims:
        if facts.counted(claim):
            key = (facts.one(claim, str(OG.aboutModel)), facts.one(claim, str(OG.criterion)))
            groups[key].append(claim)
    expected = {
        frozenset((a, b))
        for claims in groups.values()
        for a in claims
        for b in claims
        if facts.one(a, str(OG.level)) != facts.one(b, str(OG.level))
        and facts.sources(a) != facts.sources(b)
    }
    found = run(store, "03-sources-disagree")
    assert expected and {frozenset((r["claim1"], r["claim2"])) for r in found} == expected
    assert len(found) == len(expected)
    for row in found:
        for side in ("1", "2"):
            claim = row[f"claim{side}"]
            assert facts.one(claim, str(OG.aboutModel)) == row["model"]
            assert facts.one(claim, str(OG.criterion)) == row["criterion"]
            assert facts.one(claim, str(OG.level)) == row[f"level{side}"]
        # Both claims count today, so the stored assessment is marked contested.
        assert is_true(row["contested"])
        assert row["resolvedLevel"] in (row["level1"], row["level2"])
        # Disagreeing claims are decided by the kind of evidence, or among equals by date.
        rule = row["resolvedBy"]
        assert rule in (str(OG.PrimaryEvidenceRule), str(OG.MostRecentRule), str(OG.PreferredRule))
        assert is_true(row["needsReview"]) == (
            str(OG.NeedsReview) in facts.of(str(OG.flag)).get(row["assessment"], set())
        )
    rules = {r["resolvedBy"] for r in found}
    assert str(OG.PrimaryEvidenceRule) in rules and str(OG.MostRecentRule) in rules


# ---------------------------------------------------------------- Q4


def test_q4_single_source_and_self_reported_claims(store: ox.Store, facts: Facts) -> None:
    groups: dict[tuple[str, str], list[str]] = defaultdict(list)
    for claim in facts.claims:
        if facts.counted(claim):
            key = (facts.one(claim, str(OG.aboutModel)), facts.one(claim, str(OG.criterion)))
            groups[key].append(claim)
    resting: dict[tuple[str, str], list[str]] = {}
    single: dict[tuple[str, str], bool] = {}
    for key, claims in groups.items():
        preferred = [c for c in claims if facts.one(c, str(OG.rank)) == PREFERRED]
        resting[key] = preferred or claims
        single[key] = len({s for c in resting[key] for s in facts.sources(c)}) == 1
    expected = {
        c: (single[key], facts.self_reported(c))
        for key, claims in resting.items()
        for c in claims
        if single[key] or facts.self_reported(c)
    }
    found = run(store, "04-single-source-or-self-reported")
    assert {
        r["claim"]: (is_true(r["singleSource"]), is_true(r["selfReported"])) for r in found
    } == expected
    assert len(found) == len(expected)
    assert any(self_reported for _, self_reported in expected.values())

    # The same reading as the flags the derivation stores on assessments of those criteria.
    flagged = facts.of(str(OG.flag))
    rows_by_key: dict[tuple[str, str], list[Row]] = defaultdict(list)
    for row in found:
        rows_by_key[(row["model"], row["criterion"])].append(row)
    for key, assessment in facts.assessments().items():
        if key not in groups or set(facts.sources(assessment)) != set(groups[key]):
            continue  # no claims of its own, or borrowed from matching criteria
        rows = rows_by_key.get(key, [])
        assert (str(OG.SingleSource) in flagged.get(assessment, set())) == any(
            is_true(r["singleSource"]) for r in rows
        ), key
        all_self = {r["claim"] for r in rows if is_true(r["selfReported"])} == set(resting[key])
        assert (str(OG.SelfReported) in flagged.get(assessment, set())) == all_self, key


# ---------------------------------------------------------------- Q5


@pytest.mark.differs_on(
    "virtuoso",
    reason="Virtuoso 7 cannot compile BIND(EXISTS {...} || NOT EXISTS {...} AS ?x) (error SQ074)",
)
def test_q5_called_open_source_but_short_of_osaid_or_mof_class_i(
    store: ox.Store, facts: Facts
) -> None:
    def grade(model: str, framework: str) -> str | None:
        score = facts.score(model, f"{FRAMEWORK}{framework}")
        return facts.one(score, str(OG.grade)) if score else None

    expected = {}
    for claim in facts.claims:
        if (
            facts.counted(claim)
            and facts.one(claim, str(OG.criterion)) == CALLED_OPEN_SOURCE
            and facts.one(claim, str(OG.level)) == OPEN
        ):
            model = facts.one(claim, str(OG.aboutModel))
            meets = grade(model, "osaid-1.0") == f"{ID}grade/osaid-1.0/meets"
            class_i = grade(model, "mof") == f"{ID}grade/mof/class-i"
            if not meets or not class_i:
                expected[claim] = (model, meets, class_i)
    found = run(store, "05-openwashing")
    assert expected and {r["claim"] for r in found} == set(expected)
    flagged = facts.of(str(OG.flag))
    # Only the developer's own word raises the flag: a model some row shows it saying so.
    self_called = {model for claim, (model, _, _) in expected.items() if facts.self_reported(claim)}
    for row in found:
        model, meets, class_i = expected[row["claim"]]
        assert row["model"] == model
        assert row["osaidGrade"] == grade(model, "osaid-1.0")
        assert row["mofGrade"] == grade(model, "mof")
        assert (is_true(row["meetsOsaid"]), is_true(row["mofClassI"])) == (meets, class_i)
        stored = any(
            str(OG.Openwashing) in flagged.get(s, set())
            for s, models in facts.of(str(DQV.computedOn)).items()
            if model in models
        )
        washing = not meets and not class_i and model in self_called
        assert is_true(row["flaggedOpenwashing"]) == stored == washing
        assert is_true(row["selfReported"]) == facts.self_reported(row["claim"])
        assert row["source"] in facts.sources(row["claim"])
        passages = facts.quotes(row["claim"], row["source"])
        assert (row["passage"] in passages) if passages else row["passage"] is None


# ---------------------------------------------------------------- Q6


def check_as_of(store: ox.Store, facts: Facts, found: list[Row], model: str, on: dt.date) -> None:
    """Check a Q6 answer against the Python derivation as of ``on``."""
    claims = {c for c in facts.claims if facts.one(c, str(OG.aboutModel)) == model}
    assert {r["claim"] for r in found} == claims and len(found) == len(claims)
    then = derive.compute(store, [model], as_of=on)[model]
    counted = {c for a in then.assessments.values() for c in a.counted}
    assert {r["claim"] for r in found if r["status"] in ("counted", "deprecated later")} == counted
    now = facts.assessments()
    for row in found:
        stated = facts.one(row["claim"], str(OG.statedOn))
        if row["status"] == "stated later":
            assert day(stated) > on
        elif row["status"] == "undated":
            assert stated is None
        else:
            assert day(stated) <= on
        levels_then = {
            facts.one(c, str(OG.level)).rsplit("#", 1)[-1]
            for c in counted
            if facts.one(c, str(OG.criterion)) == row["criterion"]
        }
        assert set((row["levelsAsOf"] or "").split()) == levels_then
        assert row["levelNow"] == facts.one(now[(model, row["criterion"])], str(OG.level))


@pytest.mark.differs_on(
    "virtuoso", reason="Virtuoso 7.2 leaves the levels of the as-of assessments unbound"
)
def test_q6_a_models_claims_as_of_a_date_and_what_changed_since(
    store: ox.Store, facts: Facts
) -> None:
    query = QUESTIONS["06-as-of-a-date"].text
    model, on = re.search(
        r'\(<([^>]+/model/[^>]+)> "(\d{4}-\d{2}-\d{2})"\^\^xsd:date\)', query
    ).groups()
    found = run(store, "06-as-of-a-date")
    check_as_of(store, facts, found, model, dt.date.fromisoformat(on))
    statuses = {r["status"] for r in found}
    assert {"counted", "stated later"} <= statuses, "the default date splits the model's claims"


@pytest.mark.differs_on(
    "virtuoso", reason="Virtuoso 7.2 leaves the levels of the as-of assessments unbound"
)
def test_q6_edited_to_another_date(store: ox.Store, facts: Facts) -> None:
    model = f"{ID}model/llama-3-70b-instruct"
    stated = sorted(
        day(facts.one(c, str(OG.statedOn)))
        for c in facts.claims
        if facts.one(c, str(OG.aboutModel)) == model
    )
    for on in (stated[0] - dt.timedelta(days=1), stated[-1]):
        text = edit_values(
            QUESTIONS["06-as-of-a-date"].text,
            r'"\d{4}-\d{2}-\d{2}"\^\^xsd:date',
            f'"{on}"^^xsd:date',
        )
        check_as_of(store, facts, run(store, "06-as-of-a-date", text), model, on)


# ---------------------------------------------------------------- Q7


@pytest.mark.differs_on(
    "virtuoso",
    reason="Virtuoso 7.2 gives the report itself as the way a claim reaches a cited work, which the query's FILTER inside OPTIONAL excludes on the other stores",
)
def test_q7_what_the_report_cites_for_an_argument_and_who_else_relies_on_it(
    store: ox.Store, facts: Facts
) -> None:
    query = QUESTIONS["07-sources-for-an-argument"].text
    arguments = re.findall(
        r'"([^"]+)"', re.search(r"VALUES \?argument \{([^}]*)\}", query).group(1)
    )
    assert {"security", "research", "innovation"} <= set(arguments)
    cited_by = facts.of(str(CITO.hasCitedEntity))
    expected: dict[tuple[str, str, str], set[str]] = {}
    for citation, citing in facts.of(str(CITO.hasCitingEntity)).items():
        if OTI_REPORT not in citing:
            continue
        passages = {
            exact
            for quote in facts.of(str(OG.quote)).get(citation, set())
            for selector in facts.of(str(OA.hasSelector)).get(quote, set())
            for exact in facts.of(str(OA.exact)).get(selector, set())
        }
        for argument in arguments:
            if any(argument in p.lower() for p in passages):
                for cited in cited_by.get(citation, set()):
                    expected[(argument, citation, cited)] = {
                        c
                        for c in facts.claims
                        if cited in facts.sources(c)
                        or any(
                            s != OTI_REPORT and cited in facts.closure(s) for s in facts.sources(c)
                        )
                    }
    found = run(store, "07-sources-for-an-argument")
    relying: dict[tuple[str, str, str], set[str]] = defaultdict(set)
    for row in found:
        key = (row["argument"], row["citation"], row["cited"])
        relying[key] |= {row["claim"]} if row["claim"] else set()
        assert row["argument"] in row["passage"].lower()
        assert row["note"] == facts.one(row["citation"], str(OG.noteNumber))
        if row["claim"]:
            assert row["via"] in facts.sources(row["claim"]) and row["via"] != OTI_REPORT
            assert row["via"] == row["cited"] or row["cited"] in facts.closure(row["via"])
            assert row["claimModel"] == facts.one(row["claim"], str(OG.aboutModel))
    assert expected and dict(relying) == expected


def test_q7_finds_claims_resting_on_a_work_the_report_cites_directly_or_in_turn() -> None:
    """On a graph of its own: a claim from the cited work, and one from a work citing it."""
    store = ox.Store()
    store.load(
        f"""@prefix og: <{OG}> . @prefix prov: <{PROV}> . @prefix cito: <{CITO}> .
        @prefix oa: <{OA}> . @prefix source: <{ID}source/> . @prefix claim: <{ID}claim/> .
        @prefix citation: <{ID}citation/> .
        citation:n1 cito:hasCitingEntity <{OTI_REPORT}> ; cito:hasCitedEntity source:w ;
            og:noteNumber 1 ; og:quote [ oa:hasSelector [ oa:exact "Openness helps security." ] ] .
        source:v cito:cites source:w .
        claim:direct a og:Claim ; prov:wasDerivedFrom source:w .
        claim:in-turn a og:Claim ; prov:wasDerivedFrom source:v .
        claim:on-report a og:Claim ; prov:wasDerivedFrom <{OTI_REPORT}> .""",
        format=ox.RdfFormat.TURTLE,
    )
    rows = run(store, "07-sources-for-an-argument")
    found = {(row["argument"], row["claim"], row["via"]) for row in rows}
    assert found == {
        ("security", f"{ID}claim/direct", f"{ID}source/w"),
        ("security", f"{ID}claim/in-turn", f"{ID}source/v"),
    }


# ---------------------------------------------------------------- Q11 and Q12


def markers_in(slug: str) -> set[str]:
    """Return the note numbers printed in one section of the report (its own text only)."""
    sections = REPORT_SECTIONS.read_text(encoding="utf-8").split("\n@@ ")
    (body,) = [b for b in sections if b.removeprefix("@@ ").startswith(slug + "\t")]
    return set(re.findall(r"<sup>(\d+)</sup>", body))


@pytest.mark.differs_on(
    "virtuoso",
    reason="Virtuoso 7.2 finds no citation through dcterms:isPartOf/dcterms:isPartOf* to a VALUES-bound section, where the other stores find the section's notes",
)
def test_q11_the_notes_behind_the_section_on_mitigated_security_risks(
    store: ox.Store, facts: Facts
) -> None:
    found = run(store, "11-notes-behind-a-section")
    assert SECURITY in QUESTIONS["11-notes-behind-a-section"].text
    notes = {row["note"] for row in found}
    assert notes == markers_in("mitigated-security-risks") == {str(n) for n in range(42, 53)}
    by_note = {row["note"]: row for row in found}
    ntia = f"{ID}source/ntia-2024-dual-use-foundation-models"
    assert (by_note["46"]["cited"], by_note["46"]["locator"]) == (ntia, "36")
    for row in found:
        assert row["cited"] in facts.of(str(CITO.hasCitedEntity))[row["citation"]]


@pytest.mark.differs_on(
    "virtuoso",
    reason="Virtuoso 7.2 finds no citation through dcterms:isPartOf/dcterms:isPartOf* to a VALUES-bound section, where the other stores find the section's notes",
)
def test_q11_edited_to_a_section_with_subsections_takes_their_notes(store: ox.Store) -> None:
    text = edit_values(
        QUESTIONS["11-notes-behind-a-section"].text,
        "mitigated-security-risks",
        "benefits-of-open-source-ai",
    )
    parts = [
        "public-transparency-and-democratic-accountability",
        "unexpected-innovation-and-competition",
        "educational-and-research-purposes",
        "mitigated-security-risks",
    ]
    expected = set().union(*(markers_in(p) for p in parts))
    assert {row["note"] for row in run(store, "11-notes-behind-a-section", text)} == expected


@pytest.mark.differs_on(
    "virtuoso",
    reason="Virtuoso 7.2 finds no citation through dcterms:isPartOf/dcterms:isPartOf* to a VALUES-bound section, where the other stores find the section's notes",
)
def test_q12_what_the_section_on_mitigated_security_risks_relies_on(
    store: ox.Store, facts: Facts
) -> None:
    cited_by_note = {
        facts.one(c, str(OG.noteNumber)): facts.of(str(CITO.hasCitedEntity)).get(c, set())
        for c in facts.of(str(CITO.hasCitingEntity))
        if OTI_REPORT in facts.of(str(CITO.hasCitingEntity))[c]
    }
    direct = set().union(*(cited_by_note[n] for n in markers_in("mitigated-security-risks")))
    expected = direct | set().union(*(facts.closure(w) for w in direct))
    found = run(store, "12-what-a-section-relies-on")
    assert {row["work"] for row in found} == expected
    assert {row["work"] for row in found if row["direct"] == "true"} == direct
    assert expected - direct, "the citation graph goes past the report's notes"


# ---------------------------------------------------------------- Q8


@pytest.mark.differs_on(
    "virtuoso",
    reason="Virtuoso 7.2 sometimes misses pairs of assessments on mapped criteria that the other "
    "stores find, depending on the plans it chose for the queries it ran before",
    strict=False,
)
def test_q8_frameworks_judging_a_model_differently_on_mapped_criteria(
    store: ox.Store, facts: Facts
) -> None:
    scheme = facts.of(str(SKOS.inScheme))
    stated = {(s, p, o) for p in MATCHES for s, objects in facts.of(p).items() for o in objects}
    own: dict[tuple[str, str], str] = {}
    for (model, criterion), assessment in facts.assessments().items():
        rests_on_own = any(
            facts.one(c, str(OG.criterion)) == criterion for c in facts.sources(assessment)
        )
        level = facts.one(assessment, str(OG.level))
        if rests_on_own and level != UNKNOWN:
            own[(model, criterion)] = assessment
    by_criterion: dict[str, dict[str, str]] = defaultdict(dict)
    for (model, criterion), assessment in own.items():
        by_criterion[criterion][model] = assessment
    expected = set()
    for a, match, b in stated:
        frameworks_a, frameworks_b = scheme.get(a, set()), scheme.get(b, set())
        if not frameworks_a or not frameworks_b or frameworks_a == frameworks_b:
            continue
        if b < a and any((b, m, a) in stated for m in MATCHES):
            continue  # stated both ways: one row
        for model, assessment_a in by_criterion[a].items():
            assessment_b = by_criterion[b].get(model)
            if assessment_b and facts.one(assessment_a, str(OG.level)) != facts.one(
                assessment_b, str(OG.level)
            ):
                expected.add((assessment_a, match, assessment_b))
    found = run(store, "08-frameworks-disagree")
    assert (
        expected and {(r["assessmentA"], r["match"], r["assessmentB"]) for r in found} == expected
    )
    for row in found:
        assert row["frameworkA"] in scheme[row["criterionA"]]
        assert row["frameworkB"] in scheme[row["criterionB"]]
        assert row["frameworkA"] != row["frameworkB"]
        for side in ("A", "B"):
            assessment = row[f"assessment{side}"]
            assert facts.one(assessment, str(OG.aboutModel)) == row["model"]
            assert facts.one(assessment, str(OG.level)) == row[f"level{side}"]


# ---------------------------------------------------------------- Q9


def test_q9_every_model_on_the_spectrum_with_its_evidence(store: ox.Store, facts: Facts) -> None:
    framework = f"{FRAMEWORK}oti-2024"
    columns = {
        "openCode": "open-code",
        "publishedWeights": "published-weights",
        "trainingDataTransparency": "training-data-transparency",
        "threatTransparency": "threat-transparency",
        "publicAccess": "public-access",
    }
    # The spectrum's rows as the ontology states them: requirements on levels.
    level_order = {level: int(next(iter(v))) for level, v in facts.of(str(OG.levelOrder)).items()}
    tiers = {}
    grades = facts.typed(str(OG.Grade))
    for grade in (g for g, s in facts.of(str(SKOS.inScheme)).items() if framework in s):
        if grade not in grades:
            continue
        tiers[int(facts.one(grade, str(OG.gradeOrder)))] = [
            (facts.one(r, str(OG.onCriterion)), facts.one(r, str(OG.atLeast)))
            for r in facts.of(str(OG.requirement)).get(grade, set())
            if facts.one(r, str(OG.atLeast))
        ]
    assert sorted(tiers) == [1, 2, 3, 4, 5]

    def fits(tier: int, levels: dict[str, str | None]) -> bool:
        return all(
            levels.get(criterion) not in (None, UNKNOWN)
            and level_order[levels[criterion]] >= level_order[at_least]
            for criterion, at_least in tiers[tier]
        )

    found = run(store, "09-spectrum-placement")
    assert sorted(r["model"] for r in found) == sorted(facts.typed(str(OG.Model)))
    for row in found:
        score = facts.score(row["model"], framework)
        assert row["score"] == score
        if score is None:
            assert row["tier"] is None
            continue
        assert row["tier"] == facts.one(score, str(OG.grade))
        assert row["tierNumber"] == facts.one(score, str(DQV.value))
        # Virtuoso 7.2 gives the query's EXISTS as 1 or 0, the other stores true or false.
        if row["unplaced"] in ("true", "1"):  # not enough evidence: no tier, and what is missing
            assert row["tier"] is None and row["tierNumber"] == "0" and row["missingForNextTier"]
            continue
        stored = {
            facts.one(a, str(OG.criterion)): facts.one(a, str(OG.level))
            for a in facts.sources(score)
        }
        levels = {f"{ID}criterion/oti-2024/{slug}": row[column] for column, slug in columns.items()}
        assert all(stored.get(c) == level for c, level in levels.items())
        tier = int(row["tierNumber"])
        assert (
            fits(tier, levels)
            or tier == 5
            and all(
                level_order[levels[c]] <= level_order[str(OG.closed)]
                for c in levels
                if not c.endswith("published-weights")
            )
        ), row
        assert not any(fits(higher, levels) for higher in range(1, tier)), row
        claims = {c for a in facts.sources(score) for c in facts.sources(a)}
        assert int(row["claims"]) == len(claims)
    assert {r["tierNumber"] for r in found} >= {"1", "0"}


# ---------------------------------------------------------------- Q10


def test_q10_the_sources_relied_on_most(store: ox.Store, facts: Facts) -> None:
    claims_of: dict[str, set[str]] = defaultdict(set)
    for claim in facts.claims:
        for source in facts.sources(claim):
            claims_of[source].add(claim)

    def key(source: str) -> tuple[int, int]:
        models = {facts.one(c, str(OG.aboutModel)) for c in claims_of[source]}
        return (len(models), len(claims_of[source]))

    citing: dict[str, set[str]] = defaultdict(set)
    for work, cited in facts.cites().items():
        for c in cited:
            citing[c].add(work)

    # The claims that reach each work through what their sources cite, not citing it
    # themselves: one pass over the claims rather than one per row.
    through: dict[str, int] = defaultdict(int)
    for claim in facts.claims:
        sources = facts.sources(claim)
        reached = set().union(*(facts.closure(s) for s in sources)) - sources
        for work in reached:
            through[work] += 1

    found = run(store, "10-most-relied-upon-sources")
    assert 0 < len(found) <= 100 and len({r["source"] for r in found}) == len(found)
    keys = [(int(r["models"]), int(r["claims"])) for r in found]
    assert keys == sorted(keys, reverse=True)
    for row, row_key in zip(found, keys, strict=True):
        source = row["source"]
        assert row_key == key(source)
        assert int(row["claimsThroughCitations"]) == through[source]
        assert int(row["citedBy"]) == len(citing[source])
    listed = {r["source"] for r in found}
    assert all(key(s) <= keys[-1] for s in claims_of if s not in listed)


# ---------------------------------------------------------------- the union default graph

AGGREGATE = re.compile(r"\b(COUNT|SUM|AVG|MIN|MAX|SAMPLE|GROUP_CONCAT)\s*\(", re.IGNORECASE)
# Those that read the union default graph with an aggregate (00-named-graphs counts per
# named graph, where a second copy of a graph is one more row by design).
SHIPPED = {q.name: q.text for q in example_queries()}
AGGREGATING = [
    name for name, text in SHIPPED.items() if AGGREGATE.search(text) and "GRAPH ?" not in text
]


@pytest.fixture(scope="module")
def repeated(store_kind, store: ox.Store) -> tuple[ox.Store, ox.Store]:
    """Return an in-memory copy of the store and one where some graphs are held twice.

    Repeated under a second name: the graphs describing models, sources, cited works and
    the OTI report, as when two files describe the same thing. Their triples are then each
    matched twice in the union default graph. (Not the claims and derived graphs: joins over
    many repeated patterns multiply the solutions by two per pattern, which costs minutes.)
    """
    if store_kind != "embedded":
        pytest.skip("the copies are made in memory; the query texts are the same on each kind")
    quads = list(store.quads_for_pattern(None, None, None, None))
    plain, doubled = ox.Store(), ox.Store()
    plain.extend(quads)
    doubled.extend(quads)
    wanted = ("/models.ttl", "/sources.ttl", "cited-works.ttl", "oti-2024/report.ttl")
    graphs = {
        q.graph_name
        for q in quads
        if isinstance(q.graph_name, ox.NamedNode) and any(w in q.graph_name.value for w in wanted)
    }
    assert graphs, "no graph matched; the repeated-graph test would prove nothing"
    doubled.extend(
        ox.Quad(q.subject, q.predicate, q.object, ox.NamedNode(q.graph_name.value + "#again"))
        for q in quads
        if q.graph_name in graphs
    )
    return plain, doubled


@pytest.mark.parametrize("name", AGGREGATING)
def test_aggregates_count_each_thing_once_when_graphs_repeat_it(repeated, name: str) -> None:
    plain, doubled = repeated
    once = sorted(map(sorted_row, run(plain, name, SHIPPED[name])))
    twice = sorted(map(sorted_row, run(doubled, name, SHIPPED[name])))
    assert once, f"{name} answered nothing; the comparison would prove nothing"
    assert twice == once


def test_a_plain_count_does_double_count_when_graphs_repeat(repeated) -> None:
    """The pitfall docs/endpoint.md warns about, shown on the same copies."""
    plain, doubled = repeated
    counting = "SELECT (COUNT(?m) AS ?n) WHERE { ?m a og:Model ; rdfs:label ?label }"
    distinct = counting.replace("COUNT(?m)", "COUNT(DISTINCT ?m)")
    prefixed = (
        "PREFIX og: <https://w3id.org/openness/ns#>\n"
        "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"
    )
    n = {
        (kind, which): int(run(st, "", prefixed + text)[0]["n"])
        for kind, st in (("plain", plain), ("doubled", doubled))
        for which, text in (("count", counting), ("distinct", distinct))
    }
    # The bundled files already describe some models twice: the plain count is too high.
    assert n["doubled", "distinct"] == n["plain", "distinct"] <= n["plain", "count"]
    assert n["doubled", "count"] > n["plain", "count"]


def sorted_row(row: Row) -> tuple:
    """Return a row as a sorted tuple, with the parts of GROUP_CONCAT lists sorted too."""
    return tuple(sorted((k, _parts(v) or "") for k, v in row.items()))


def _parts(value: str | None) -> str | None:
    # GROUP_CONCAT's order is unspecified: compare its parts as a set.
    if value is None:
        return None
    for separator in (" | ", ", ", " "):
        if separator in value:
            return separator.join(sorted(value.split(separator)))
    return value
