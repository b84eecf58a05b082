"""Find where what is said of a model family and its members' own evidence disagree.

A member whose name is the family's own ("Llama" in the family Llama) is the
family's *family-level* member: a source that speaks of the family as a whole
is recorded on it. Members do not inherit its claims (versions differ); a
*disagreement* is a member whose stored assessment on a criterion has a known
level other than the family-level member's (unknown never disagrees), unless a
mapped criterion lent both levels: that pair repeats one on the criteria the
claims were stated on. The rule
is written down in docs/scoring.md ("Families"); ``graph/queries/family-disagreements.rq``
finds the same pairs over SPARQL.
"""

from __future__ import annotations

from collections.abc import Container
from dataclasses import dataclass, field

import pyoxigraph as ox

from graph.namespaces import OG, PROV, RDFS
from graph.queries import select, values_block
from graph.records import ASSESSMENTS_GRAPH
from graph.scoring.levels import UNKNOWN, as_level


@dataclass(frozen=True)
class Disagreement:
    """A member's known level on a criterion differs from the family-level member's."""

    family: str
    criterion: str
    family_level: str  # the member named as the family
    family_level_level: str
    member: str
    member_level: str


@dataclass(frozen=True)
class Family:
    """A family's members (IRI -> label), their stored levels, and the family-level members."""

    iri: str
    label: str
    members: dict[str, str]
    levels: dict[str, dict[str, str]]  # model -> criterion -> short level
    lent: dict[str, set[str]] = field(default_factory=dict)  # model -> criteria a mapping lent

    @property
    def family_level(self) -> list[str]:
        """Return the members named as the family itself (case and spacing aside)."""
        return family_level(self.label, self.members)

    def disagreements(self) -> list[Disagreement]:
        """Return every disagreement between a family-level member and another member."""
        found = disagreements(self.levels, self.family_level, self.lent)
        return [Disagreement(self.iri, *d) for d in found]


def family_level(family_label: str, members: dict[str, str]) -> list[str]:
    """Return the members named as the family itself (case and spacing aside)."""
    name = " ".join(family_label.split()).casefold()
    return sorted(m for m, label in members.items() if " ".join(label.split()).casefold() == name)


def disagreements(
    levels: dict[str, dict[str, str]],
    family_models: list[str],
    lent: dict[str, set[str]] | None = None,
) -> list[tuple[str, str, str, str, str]]:
    """Return (criterion, family-level model, its level, member, member level) where they differ.

    ``levels`` is model -> criterion -> short level; only known levels (not unknown)
    on both sides count. ``lent`` (model -> criteria) names the levels a mapped
    criterion lent: a pair whose two levels were both lent repeats a pair on the
    criteria the claims were stated on, and is left out.
    """
    lent = lent or {}
    found = []
    for top in family_models:
        for criterion, said in sorted(levels.get(top, {}).items()):
            if said == UNKNOWN:
                continue
            for member, theirs in sorted(levels.items()):
                level = theirs.get(criterion)
                if member in family_models or level in (None, UNKNOWN) or level == said:
                    continue
                if criterion in lent.get(top, ()) and criterion in lent.get(member, ()):
                    continue
                found.append((criterion, top, said, member, level))
    return found


MEMBERS_QUERY = """
SELECT ?family ?familyLabel ?model ?label WHERE {{
  {values}
  ?model <{family}> ?family .
  OPTIONAL {{ ?family <{label}> ?familyLabel }}
  OPTIONAL {{ ?model <{label}> ?label }}
}}"""

# The named members' stored levels: looked up by model, so that a caller who has just
# derived most members reads only the others' (every member's, at 0.8 s on the bundled
# data, was most of a family read).
LEVELS_QUERY = """
SELECT ?model ?criterion ?level WHERE {{
  {values}
  GRAPH <{graph}> {{
    ?assessment <{about}> ?model ; <{criterion}> ?criterion ; <{level}> ?level .
    FILTER NOT EXISTS {{ ?assessment <{as_of}> ?day }}
  }}
}}"""

# The members' assessments whose level a mapped criterion lent: their claims were stated
# on another criterion.
LENT_QUERY = """
SELECT DISTINCT ?model ?criterion WHERE {{
  {values}
  GRAPH <{graph}> {{ ?assessment <{about}> ?model ; <{criterion}> ?criterion ; <{derived_from}> ?claim }}
  ?claim <{criterion}> ?stated .
  FILTER (?stated != ?criterion)
}}"""

TERMS = {
    "family": OG.family,
    "label": RDFS.label,
    "graph": ASSESSMENTS_GRAPH,
    "about": OG.aboutModel,
    "criterion": OG.criterion,
    "level": OG.level,
    "as_of": OG.asOf,
    "derived_from": PROV.wasDerivedFrom,
}


class _Every:
    """Every model: ``known`` when the caller has derived them all."""

    def __contains__(self, item: object) -> bool:
        return True


EVERY = _Every()


def read_families(
    store: ox.Store, families: list[str], known: Container[str] = frozenset()
) -> dict[str, Family]:
    """Return the families named, with their members' stored levels and which of them a
    mapped criterion lent. ``known`` names the members whose levels the caller has (``EVERY``
    for all): their stored levels are not read, and stay empty in the records."""
    found: dict[str, Family] = {}
    query = MEMBERS_QUERY.format(values=values_block("family", families), **TERMS)
    for row in select(store, query):
        iri, model = row["family"].value, row["model"].value
        label = row["familyLabel"].value if "familyLabel" in row else iri
        family = found.setdefault(iri, Family(iri, label, {}, {}))
        family.members.setdefault(model, row["label"].value if "label" in row else model)
        family.levels.setdefault(model, {})
    members = sorted({m for f in found.values() for m in f.members if m not in known})
    if not members:
        return found
    owners: dict[str, list[Family]] = {}
    for f in found.values():
        for m in f.members:
            owners.setdefault(m, []).append(f)
    values = values_block("model", members)
    for row in select(store, LEVELS_QUERY.format(values=values, **TERMS)):
        model = row["model"].value
        for f in owners[model]:
            f.levels[model][row["criterion"].value] = as_level(row["level"].value)
    for row in select(store, LENT_QUERY.format(values=values, **TERMS)):
        model = row["model"].value
        for f in owners[model]:
            f.lent.setdefault(model, set()).add(row["criterion"].value)
    return found


def model_disagreements(store: ox.Store, model: str) -> list[Disagreement]:
    """Return the disagreements ``model`` is on either side of, in its families."""
    query = f"SELECT DISTINCT ?f WHERE {{ <{model}> <{OG.family}> ?f }}"
    families = sorted(r["f"].value for r in select(store, query))
    return [
        d
        for family in read_families(store, families).values()
        for d in family.disagreements()
        if model in (d.family_level, d.member)
    ]


def families_of(
    store: ox.Store, models: list[str] | None, known: Container[str] = frozenset()
) -> dict[str, Family]:
    """Return the families of ``models`` (every family when None) that have a family-level
    member; ``known`` as ``read_families`` says."""
    named = "" if models is None else values_block("m", models)
    query = f"SELECT DISTINCT ?f WHERE {{ {named} ?m <{OG.family}> ?f }}"
    found = sorted(r["f"].value for r in select(store, query))
    if not found:
        return {}
    return {i: f for i, f in read_families(store, found, known).items() if f.family_level}


def peers(families: dict[str, Family], models: list[str]) -> set[str]:
    """Return the models whose family flags a change to ``models`` may change.

    A member's flag compares it with the family-level members; a family-level
    member's, with every member.
    """
    wanted, out = set(models), set()
    for family in families.values():
        top = set(family.family_level)
        if wanted & top:
            out |= set(family.members)
        elif wanted & set(family.members):
            out |= top
    return out - wanted


def flagged_pairs(
    families: dict[str, Family],
    levels: dict[str, dict[str, str]],
    lent: dict[str, set[str]] | None = None,
) -> set[tuple[str, str]]:
    """Return the (model, criterion) pairs on either side of a disagreement.

    ``levels`` (model -> criterion -> level) and ``lent`` (model -> criteria a
    mapping lent) override the stored ones of the models just derived.
    """
    lent = lent or {}
    pairs = set()
    for family in families.values():
        merged = {m: levels.get(m, family.levels.get(m, {})) for m in family.members}
        merged_lent = {
            m: lent[m] if m in levels else family.lent.get(m, set()) for m in family.members
        }
        for c, top, _, member, _ in disagreements(merged, family.family_level, merged_lent):
            pairs |= {(top, c), (member, c)}
    return pairs
