"""Find where what is said of a model family and its members' own evidence disagree.

A member whose name is the family's own ("Llama" in the family Llama) is the
family's *family-level* member: a source that speaks of the family as a whole
is recorded on it. Members do not inherit its claims (versions differ); a
*disagreement* is a member whose stored assessment on a criterion has a known
level other than the family-level member's (unknown never disagrees). The rule
is written down in docs/scoring.md ("Families"); ``graph/queries/family-disagreements.rq``
finds the same pairs over SPARQL.
"""

from __future__ import annotations

from dataclasses import dataclass

import pyoxigraph as ox

from graph.namespaces import OG, RDFS
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

    @property
    def family_level(self) -> list[str]:
        """Return the members named as the family itself (case and spacing aside)."""
        return family_level(self.label, self.members)

    def disagreements(self) -> list[Disagreement]:
        """Return every disagreement between a family-level member and another member."""
        return [Disagreement(self.iri, *d) for d in disagreements(self.levels, self.family_level)]


def family_level(family_label: str, members: dict[str, str]) -> list[str]:
    """Return the members named as the family itself (case and spacing aside)."""
    name = " ".join(family_label.split()).casefold()
    return sorted(m for m, label in members.items() if " ".join(label.split()).casefold() == name)


def disagreements(
    levels: dict[str, dict[str, str]], family_models: list[str]
) -> list[tuple[str, str, str, str, str]]:
    """Return (criterion, family-level model, its level, member, member level) where they differ.

    ``levels`` is model -> criterion -> short level; only known levels (not unknown)
    on both sides count.
    """
    found = []
    for top in family_models:
        for criterion, said in sorted(levels.get(top, {}).items()):
            if said == UNKNOWN:
                continue
            for member, theirs in sorted(levels.items()):
                level = theirs.get(criterion)
                if member in family_models or level in (None, UNKNOWN) or level == said:
                    continue
                found.append((criterion, top, said, member, level))
    return found


MEMBERS_QUERY = """
SELECT ?family ?familyLabel ?model ?label ?criterion ?level WHERE {{
  {values}
  ?model <{family}> ?family .
  OPTIONAL {{ ?family <{label}> ?familyLabel }}
  OPTIONAL {{ ?model <{label}> ?label }}
  OPTIONAL {{
    GRAPH <{graph}> {{
      ?assessment <{about}> ?model ; <{criterion}> ?criterion ; <{level}> ?level .
      FILTER NOT EXISTS {{ ?assessment <{as_of}> ?day }}
    }}
  }}
}}"""


def read_families(store: ox.Store, families: list[str]) -> dict[str, Family]:
    """Return the families named, with their members' stored levels (one query)."""
    query = MEMBERS_QUERY.format(
        values=values_block("family", families),
        family=OG.family,
        label=RDFS.label,
        graph=ASSESSMENTS_GRAPH,
        about=OG.aboutModel,
        criterion=OG.criterion,
        level=OG.level,
        as_of=OG.asOf,
    )
    found: dict[str, Family] = {}
    for row in select(store, query):
        iri, model = row["family"].value, row["model"].value
        label = row["familyLabel"].value if "familyLabel" in row else iri
        family = found.setdefault(iri, Family(iri, label, {}, {}))
        family.members.setdefault(model, row["label"].value if "label" in row else model)
        levels = family.levels.setdefault(model, {})
        if "criterion" in row:
            levels[row["criterion"].value] = as_level(row["level"].value)
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


def families_of(store: ox.Store, models: list[str] | None) -> dict[str, Family]:
    """Return the families of ``models`` (every family when None) that have a family-level member."""
    named = "" if models is None else values_block("m", models)
    query = f"SELECT DISTINCT ?f WHERE {{ {named} ?m <{OG.family}> ?f }}"
    found = sorted(r["f"].value for r in select(store, query))
    return {i: f for i, f in read_families(store, found).items() if f.family_level} if found else {}


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
    families: dict[str, Family], levels: dict[str, dict[str, str]]
) -> set[tuple[str, str]]:
    """Return the (model, criterion) pairs on either side of a disagreement.

    ``levels`` (model -> criterion -> level) overrides the stored levels of the
    models just derived.
    """
    pairs = set()
    for family in families.values():
        merged = {m: levels.get(m, family.levels.get(m, {})) for m in family.members}
        for c, top, _, member, _ in disagreements(merged, family.family_level):
            pairs |= {(top, c), (member, c)}
    return pairs
