"""List every model with its stored scores, and filter, facet, sort and page that list.

``model_entries(store)`` reads the list in two queries (the models with their
developers and licences; every stored score from the derived graph) and is
meant to be cached per version of the data. ``ModelFilter`` and ``apply``
are pure: they narrow the entries, count the facets and cut a page.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import pyoxigraph as ox

from graph.framework_descriptions import store_rules
from graph.labels import Labels, short
from graph.namespaces import DCTERMS, OG, RDFS, SPDX
from graph.records import model_slug
from graph.scoring.rules import FRAMEWORK_PREFIX, RULES_BY_IRI
from graph.stored_scores import read_scores
from graph.views.common import flag_name, select

TIER = "oti-2024"
INDEX = "osai-index"
MOF = "mof"

MODELS_QUERY = f"""
SELECT ?model ?label ?developer ?developerLabel ?licence ?licenceText ?issued WHERE {{
  ?model a <{OG.Model}> .
  OPTIONAL {{ ?model <{RDFS.label}> ?label }}
  OPTIONAL {{ ?model <{OG.developer}> ?developer OPTIONAL {{ ?developer <{RDFS.label}> ?developerLabel }} }}
  OPTIONAL {{ ?model <{DCTERMS.license}> ?licence }}
  OPTIONAL {{ ?model <{OG.licenseText}> ?licenceText }}
  OPTIONAL {{ ?model <{DCTERMS.issued}> ?issued }}
}}"""

FACETS = ("developer", "tier", "index", "mof", "licence", "contested")
FACET_LABELS = {
    "developer": "Developer",
    "tier": "OTI spectrum tier",
    "index": "EU Open Source AI Index score",
    "mof": "MOF class",
    "licence": "Licence",
    "contested": "Contested",
}
INDEX_BANDS = (
    ("0-0.25", 0.0, 0.25),
    ("0.25-0.5", 0.25, 0.5),
    ("0.5-0.75", 0.5, 0.75),
    ("0.75-1", 0.75, 1.01),
)
MOF_LABELS = {
    "class-i": "Class I",
    "class-ii": "Class II",
    "class-iii": "Class III",
    "none": "no class",
    "unplaced": "unplaced (not enough evidence)",
}
MOF_ORDER = {"class-i": 1, "class-ii": 2, "class-iii": 3, "none": 4, "unplaced": 5, "unscored": 6}
UNPLACED_FLAG = str(OG.Unplaced)
SORTS = ("label", "developer", "tier", "index", "mof")
PER_PAGE = 50
MAX_PER_PAGE = 500


def described_facets(store: ox.Store) -> dict[str, str]:
    """Return a facet per framework described as data: its slug -> the framework's name.

    Each such framework is a facet of the list, by the grade a model's score reaches
    (``unplaced`` when a score has no grade, ``unscored`` when there is no score). The
    shipped frameworks scored from data keep the facets of their own (``FACETS``).
    """
    described = [
        r for r in store_rules(store) if r.description is not None and r.iri not in RULES_BY_IRI
    ]
    labels = Labels(store, [r.iri for r in described])
    return {r.slug: labels(r.iri) for r in described if r.slug not in FACETS}


def model_entries(store: ox.Store) -> list[dict]:
    """Return every model with its developers, licences and stored scores, sorted by label."""
    rules = store_rules(store)
    models: dict[str, dict] = {}
    for row in select(store, MODELS_QUERY):
        if not isinstance(row["model"], ox.NamedNode):
            continue
        iri = row["model"].value
        label = row["label"].value if "label" in row else short(iri)
        m = models.setdefault(
            iri,
            {
                "iri": iri,
                "slug": model_slug(iri, label),
                "label": label,
                "developers": {},
                "licences": {},
                "licence_text": None,
                "issued": row["issued"].value if "issued" in row else None,
                "scores": {},
                "flags": set(),
            },
        )
        if "developer" in row:
            dev = row["developer"].value
            m["developers"][dev] = (
                row["developerLabel"].value if "developerLabel" in row else short(dev)
            )
        if "licence" in row:
            lic = row["licence"].value
            m["licences"][lic] = lic[len(str(SPDX)) :] if lic.startswith(str(SPDX)) else short(lic)
        if "licenceText" in row:
            m["licence_text"] = row["licenceText"].value
    grades: set[str] = set()
    for s in read_scores(store):
        m = models.get(s.model)
        if m is None or s.whole is not None:
            continue
        framework = s.framework.removeprefix(FRAMEWORK_PREFIX)
        score = m["scores"].setdefault(
            framework, {"value": s.value, "grade": None, "unplaced": UNPLACED_FLAG in s.flags}
        )
        if s.grade is not None:
            score["grade"] = s.grade
            grades.add(s.grade)
        m["flags"] |= {flag_name(f) for f in s.flags}
    labels = Labels(store, grades)
    entries = []
    for m in models.values():
        for score in m["scores"].values():
            score["grade"] = labels.ref(score["grade"])
        entries.append(
            {
                **m,
                "developers": [{"iri": k, "label": v} for k, v in sorted(m["developers"].items())],
                "licences": [{"iri": k, "label": v} for k, v in sorted(m["licences"].items())],
                "flags": sorted(m["flags"]),
                "scores": {r.slug: m["scores"][r.slug] for r in rules if r.slug in m["scores"]},
                "tier": _tier(m["scores"]),
                "unplaced": [r.slug for r in rules if m["scores"].get(r.slug, {}).get("unplaced")],
                "index": m["scores"].get(INDEX, {}).get("value"),
                "mof_class": _mof_class(m["scores"]),
                "contested": "contested" in m["flags"],
            }
        )
    return sorted(entries, key=lambda e: (e["label"].casefold(), e["iri"]))


def _tier(scores: Mapping[str, dict]) -> int | None:
    score = scores.get(TIER)
    return int(score["value"]) if score and not score.get("unplaced") else None


def _mof_class(scores: Mapping[str, dict]) -> str | None:
    score = scores.get(MOF)
    if not score:
        return None
    if score.get("unplaced"):
        return "unplaced"
    grade = score["grade"]
    grade = grade["iri"] if isinstance(grade, dict) else grade
    return grade.rsplit("/", 1)[-1] if grade else "none"


# ---------------------------------------------------------------- facets and filters


def facet_values(entry: Mapping, extra: Iterable[str] = ()) -> dict[str, list[tuple[str, str]]]:
    """Return each facet's (value, label) pairs for one entry; ``extra`` are described ones."""
    index = entry["index"]
    band = next(
        ((k, k) for k, lo, hi in INDEX_BANDS if index is not None and lo <= index < hi), None
    )
    if entry["licences"]:
        licences = [(lic["label"], lic["label"]) for lic in entry["licences"]]
    elif entry["licence_text"]:
        licences = [("unknown", "not an SPDX licence")]
    else:
        licences = [("none", "not stated")]
    tier = entry["tier"]
    mof = entry["mof_class"]
    return {
        "developer": [(short(d["iri"]).split("/", 1)[-1], d["label"]) for d in entry["developers"]]
        or [("none", "not stated")],
        "tier": [(str(tier), f"tier {tier}")]
        if tier
        else [("unplaced", "unplaced (not enough evidence)")]
        if TIER in entry.get("unplaced", ())
        else [("unscored", "not scored")],
        "index": [band] if band else [("unscored", "not scored")],
        "mof": [(mof, MOF_LABELS.get(mof, mof))] if mof else [("unscored", "not scored")],
        "licence": licences,
        "contested": [("yes", "contested")] if entry["contested"] else [("no", "not contested")],
        **{slug: [_grade_value(entry["scores"].get(slug))] for slug in extra},
    }


def _grade_value(score: Mapping | None) -> tuple[str, str]:
    """Return the facet value of a described framework's score: its grade, or why none."""
    if score is None:
        return ("unscored", "not scored")
    grade = score["grade"]
    if not grade:
        return ("unplaced", "no grade")
    iri = grade["iri"] if isinstance(grade, dict) else grade
    label = grade.get("label", iri) if isinstance(grade, dict) else short(grade)
    return (iri.rsplit("/", 1)[-1], label)


@dataclass(frozen=True)
class ModelFilter:
    """What the models list shows: facet values (OR within a facet), a text, a sort, a page."""

    selected: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    text: str = ""
    sort: str = "label"
    page: int = 1
    per_page: int = PER_PAGE

    @classmethod
    def from_args(cls, get_list, get, extra: Iterable[str] = ()) -> ModelFilter:
        """Read the filter from request arguments (``get_list(name)``, ``get(name)``)."""
        facets = (*FACETS, *extra)
        selected = {f: tuple(dict.fromkeys(v for v in get_list(f) if v)) for f in facets}
        sort = get("sort") or "label"
        if sort.lstrip("-") not in SORTS:
            sort = "label"
        return cls(
            selected={k: v for k, v in selected.items() if v},
            text=(get("q") or "").strip(),
            sort=sort,
            page=max(1, _int(get("page"), 1)),
            per_page=min(MAX_PER_PAGE, max(1, _int(get("per_page"), PER_PAGE))),
        )

    def matches(
        self, entry: Mapping, values: Mapping[str, list[tuple[str, str]]], skip: str = ""
    ) -> bool:
        """Tell whether an entry passes every facet filter (but ``skip``) and the text."""
        for facet, wanted in self.selected.items():
            if facet != skip and not {v for v, _ in values[facet]} & set(wanted):
                return False
        if self.text:
            folded = self.text.casefold()
            return folded in entry["label"].casefold() or folded in entry["slug"]
        return True


def _int(text: str | None, default: int) -> int:
    try:
        return int(text) if text is not None else default
    except ValueError:
        return default


def _sort_key(sort: str):
    field_name = sort.lstrip("-")

    def key(entry: Mapping):
        if field_name == "developer":
            value = entry["developers"][0]["label"].casefold() if entry["developers"] else None
        elif field_name == "tier":
            value = entry["tier"]
        elif field_name == "index":
            value = entry["index"]
        elif field_name == "mof":
            value = MOF_ORDER.get(entry["mof_class"] or "unscored")
            value = None if value >= MOF_ORDER["unplaced"] else value
        else:
            value = entry["label"].casefold()
        return value

    return key


def apply(entries: Sequence[Mapping], selection: ModelFilter, extra: Iterable[str] = ()) -> dict:
    """Filter, facet, sort and page ``entries``; return the list page's records.

    ``extra`` names the facets of frameworks described as data (``described_facets``).
    """
    extra = tuple(extra)
    values = [facet_values(e, extra) for e in entries]
    kept = [e for e, v in zip(entries, values, strict=True) if selection.matches(e, v)]
    facets = {}
    for facet in (*FACETS, *extra):
        # Counts within a facet ignore its own selection, so other values stay reachable.
        counts: dict[str, list] = {}
        for e, v in zip(entries, values, strict=True):
            if selection.matches(e, v, skip=facet):
                for value, label in v[facet]:
                    counts.setdefault(value, [label, 0])[1] += 1
        chosen = selection.selected.get(facet, ())
        facets[facet] = sorted(
            (
                {"value": k, "label": lab, "count": n, "selected": k in chosen}
                for k, (lab, n) in counts.items()
            ),
            key=lambda f, facet=facet: _facet_order(facet, f),
        )
    key = _sort_key(selection.sort)
    descending = selection.sort.startswith("-")
    known = [e for e in kept if key(e) is not None]
    unknown = [e for e in kept if key(e) is None]
    known.sort(key=lambda e: (key(e), e["label"].casefold()), reverse=descending)
    ordered = known + unknown  # unscored models last, whichever the direction
    pages = max(1, -(-len(ordered) // selection.per_page))
    page = min(selection.page, pages)
    start = (page - 1) * selection.per_page
    return {
        "total": len(ordered),
        "page": page,
        "pages": pages,
        "per_page": selection.per_page,
        "models": [_public(e) for e in ordered[start : start + selection.per_page]],
        "facets": facets,
    }


def _facet_order(facet: str, item: Mapping) -> tuple:
    value = item["value"]
    if facet in ("developer", "licence"):
        return (-item["count"], item["label"].casefold())
    if facet == "mof":
        return (MOF_ORDER.get(value, 9), value)
    if facet == "contested":
        return (value != "yes", value)
    return (value in ("unplaced", "unscored"), value == "unscored", value)


def _public(entry: Mapping) -> dict:
    """Return an entry as the JSON of one row of the list."""
    return {
        k: entry[k]
        for k in (
            "iri",
            "slug",
            "label",
            "developers",
            "licences",
            "licence_text",
            "issued",
            "tier",
            "unplaced",
            "index",
            "mof_class",
            "contested",
            "flags",
            "scores",
        )
    }


def entries_by(entries: Iterable[Mapping], iris: Iterable[str]) -> list[Mapping]:
    """Return the entries of the given model IRIs, in that order."""
    index = {e["iri"]: e for e in entries}
    return [index[i] for i in iris if i in index]
