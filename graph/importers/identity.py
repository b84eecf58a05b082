"""Recognise the same model across datasets: one model, one node.

Every imported record (an index system, a legacy table row, a MOF release, a
model the seed report names) is mapped to one model IRI
``id:model/<key>``. The key is decided, in order, by:

1. a reviewed decision in ``data/model-identity.csv`` (columns ``dataset``,
   ``record``, ``model_iri``, ``reason``, ``reviewed``; only rows with
   ``reviewed`` = ``yes`` count). An optional column ``drop`` lists the
   record's fields the reviewer found to be about another model, which are
   then left out: ``name`` (not kept as a name of the model, nor as its
   family's), ``link`` (the Hugging Face id), ``repository``, ``version``;
2. the Hugging Face id the record links to, when it agrees with the record's
   name (the same words, or the name is a shorter form of the repository
   name): the key is then the normalised repository name, so records of two
   datasets that link the same repository meet on one node;
3. the normalised name (``graph.importers.names.normalise_name``).

When the Hugging Face id contradicts the name (``Qwen2.5-32B-Instruct``
linking ``Qwen/Qwen2.5-72B-Instruct``), the name wins, the id is not attached
to the model, and the mapping says ``hf-id-conflict`` so a reviewer can settle
it in the CSV. ``review_candidates`` lists what is left to look at: such
conflicts, one Hugging Face id on several models, one model in several
families.

Families (``id:family/<key>``) come from ``family_key``, so versions and sizes
stay separate models of one family.
"""

from __future__ import annotations

import csv
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from graph.importers.names import (
    PLACEHOLDERS,
    family_key,
    family_label,
    huggingface_id,
    names_agree,
    normalise_name,
    repository_address,
)
from graph.namespaces import ID, mint, slugify
from graph.paths import DATA_DIR

IDENTITY_FILE = DATA_DIR / "model-identity.csv"
CSV_COLUMNS = ("dataset", "record", "model_iri", "reason", "reviewed")
OPTIONAL_COLUMNS = ("drop",)
# The fields of a record a reviewed row can declare to be about another model.
DROPPABLE = frozenset({"name", "link", "repository", "version"})


@dataclass(frozen=True)
class ReviewedRow:
    """One reviewed decision of ``data/model-identity.csv``."""

    dataset: str
    record: str
    model_iri: str
    reason: str
    reviewed: bool
    drop: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Identity:
    """The model one dataset record is about, and how that was decided.

    ``reason`` is ``reviewed`` (a CSV row), ``hf-id`` (the Hugging Face id agrees
    with the name), ``name`` (no usable Hugging Face id) or ``hf-id-conflict``
    (the id contradicts the name; the name was used and the id dropped).
    """

    dataset: str
    record: str
    name: str
    model_iri: str
    family_iri: str
    family_label: str
    hf_id: str | None
    repository: str | None
    reason: str
    note: str = ""
    other_name: str | None = None  # the record's own name, when the node is labelled otherwise
    dropped: frozenset[str] = (
        frozenset()
    )  # record fields a reviewer found to be about another model

    @property
    def key(self) -> str:
        """Return the slug of the model IRI."""
        return self.model_iri.removeprefix(f"{ID}model/")


def expand_iri(text: str) -> str:
    """Expand 'id:model/x' to a full IRI; leave full IRIs as they are."""
    text = text.strip()
    return f"{ID}{text[3:]}" if text.startswith("id:") else text


def read_reviewed(path: Path | None = None) -> dict[tuple[str, str], ReviewedRow]:
    """Read the reviewed mapping file: (dataset, record) -> row, for every row."""
    path = IDENTITY_FILE if path is None else Path(path)
    if not path.exists():
        return {}
    rows: dict[tuple[str, str], ReviewedRow] = {}
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        missing = set(CSV_COLUMNS) - set(reader.fieldnames or ())
        if missing:
            raise ValueError(f"{path}: missing column(s) {', '.join(sorted(missing))}")
        for line, row in enumerate(reader, start=2):
            key = (row["dataset"].strip(), row["record"].strip())
            if key in rows:
                raise ValueError(f"{path}:{line}: {key[0]} record {key[1]!r} is listed twice")
            iri = expand_iri(row["model_iri"])
            if not iri.startswith(f"{ID}model/"):
                raise ValueError(f"{path}:{line}: model_iri {iri!r} is not a model IRI")
            drop = frozenset((row.get("drop") or "").split())
            if drop - DROPPABLE:
                raise ValueError(
                    f"{path}:{line}: drop {' '.join(sorted(drop - DROPPABLE))!r} is not a field; "
                    f"expected some of {', '.join(sorted(DROPPABLE))}"
                )
            rows[key] = ReviewedRow(
                dataset=key[0],
                record=key[1],
                model_iri=iri,
                reason=row["reason"].strip(),
                reviewed=row["reviewed"].strip().lower() in ("yes", "true", "1"),
                drop=drop,
            )
    return rows


def meaningful(name: object) -> str | None:
    """Return a name stripped of surrounding space, or None for a placeholder."""
    if name is None:
        return None
    text = " ".join(str(name).split())
    return None if text.lower().rstrip("?") in PLACEHOLDERS else text


def identify(
    dataset: str,
    record: str,
    name: str | None,
    *,
    links: Iterable[str | None] = (),
    repository: str | None = None,
    family_name: str | None = None,
    reviewed: Mapping[tuple[str, str], ReviewedRow] | None = None,
) -> Identity:
    """Decide which model a record is about.

    ``name`` is the model's name in the record; ``links`` the addresses that may
    name its Hugging Face repository, best first; ``family_name`` the name the
    family is derived from (default: the model name).
    """
    name = meaningful(name)
    linked = next((h for h in map(huggingface_id, links) if h), None)
    hf_name = linked.split("/", 1)[1] if linked else None
    hf_key = normalise_name(hf_name) if hf_name else ""
    name_key = normalise_name(name) if name else ""
    if not name_key and not hf_key:
        raise ValueError(f"{dataset} record {record!r} names no model and links no repository")
    hf_id, note = linked, ""
    if hf_key and (not name_key or names_agree(name_key, hf_key)):
        # The repository name labels the node, so that every dataset linking it agrees.
        key, reason, label = hf_key, "hf-id", hf_name
    elif hf_key:
        key, reason, label, hf_id = name_key, "hf-id-conflict", name, None
        note = f"Hugging Face id {linked} does not match the name {name!r}"
    else:
        key, reason, label = name_key, "name", name
    model_iri = mint("model", slugify(key))
    row = (reviewed or {}).get((dataset, record))
    dropped: frozenset[str] = frozenset()
    own_name = name
    if row is not None and row.reviewed:
        model_iri, reason, note, dropped = row.model_iri, "reviewed", row.reason, row.drop
        # Keep the Hugging Face id only if the reviewed model is the one it names.
        same = hf_key and model_iri == mint("model", slugify(hf_key))
        hf_id = linked if same and "link" not in dropped else None
        if "repository" in dropped:
            repository = None
        if "name" in dropped:
            # The name is another model's: neither a label nor an alias of this one.
            own_name = None
            if family_name and meaningful(family_name) == name:
                family_name = None
        stem = Path(record).stem
        chosen = model_iri.rsplit("/", 1)[1]
        label = next(
            (
                c
                for c in (own_name, hf_name, meaningful(family_name), stem)
                if c and slugify(normalise_name(c)) == chosen
            ),
            chosen,
        )
    family_source = meaningful(family_name) or own_name or label
    return Identity(
        dataset=dataset,
        record=record,
        name=label,
        model_iri=model_iri,
        family_iri=mint("family", slugify(family_key(family_source))),
        family_label=family_label(family_source),
        hf_id=hf_id,
        repository=repository_address(repository),
        reason=reason,
        note=note,
        other_name=own_name if own_name and own_name != label else None,
        dropped=dropped,
    )


# ---------------------------------------------------------------- review


@dataclass(frozen=True)
class Candidate:
    """Something a reviewer should decide: records that may or may not be one model."""

    records: tuple[Identity, ...]
    why: str


def review_candidates(
    identities: Iterable[Identity],
    reviewed: Mapping[tuple[str, str], ReviewedRow] | None = None,
) -> list[Candidate]:
    """List what the automatic keys leave open, for a reviewer to settle in the CSV.

    - records whose Hugging Face id contradicts their name (``hf-id-conflict``);
    - records that share a Hugging Face id but landed on different models;
    - one model that records place in different families (a model has one family);
    - records of different datasets, in one family, whose code repository is the
      same but whose models differ. A repository often holds several sizes or
      versions, so a shared repository proposes a match; it never decides one.
    Records that already have a reviewed row are not listed again, except where
    a model ends up in two families.
    """
    reviewed = reviewed or {}
    items = list(identities)
    done = {k for k, row in reviewed.items() if row.reviewed}
    found: list[Candidate] = []
    for ident in items:
        if ident.reason == "hf-id-conflict" and (ident.dataset, ident.record) not in done:
            found.append(Candidate((ident,), ident.note))
    by_hf: dict[str, set[str]] = defaultdict(set)
    holders: dict[str, list[Identity]] = defaultdict(list)
    for ident in items:
        if ident.hf_id:
            by_hf[ident.hf_id.lower()].add(ident.model_iri)
            holders[ident.hf_id.lower()].append(ident)
    for hf, models in sorted(by_hf.items()):
        if len(models) > 1:
            found.append(Candidate(tuple(holders[hf]), f"Hugging Face id {hf} on several models"))
    families: dict[str, set[str]] = defaultdict(set)
    members: dict[str, list[Identity]] = defaultdict(list)
    for ident in items:
        families[ident.model_iri].add(ident.family_iri)
        members[ident.model_iri].append(ident)
    for model, fams in sorted(families.items()):
        if len(fams) > 1:
            found.append(
                Candidate(tuple(members[model]), f"{model} is placed in families {sorted(fams)}")
            )
    by_repo: dict[tuple[str, str], list[Identity]] = defaultdict(list)
    for ident in items:
        if ident.repository and (ident.dataset, ident.record) not in done:
            by_repo[(ident.repository.lower(), ident.family_iri)].append(ident)
    for (repo, _family), group in sorted(by_repo.items()):
        datasets = {i.dataset for i in group}
        if len(datasets) > 1 and len({i.model_iri for i in group}) > 1:
            found.append(Candidate(tuple(group), f"repository {repo} on several models"))
    return found


def family_of_model(identities: Iterable[Identity]) -> dict[str, str]:
    """Return model IRI -> family IRI, one family per model.

    When records disagree, the family named most often wins, ties going to the
    shortest family key (the more general line of releases).
    """
    votes: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for ident in identities:
        votes[ident.model_iri][ident.family_iri] += 1
    return {model: min(fams, key=lambda f: (-fams[f], len(f), f)) for model, fams in votes.items()}


def write_rows(rows: Iterable[ReviewedRow], path: Path) -> None:
    """Write reviewed rows to a CSV with the standard columns, sorted by dataset and record."""
    ordered = sorted(rows, key=lambda r: (r.dataset, r.record.lower()))
    with Path(path).open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(CSV_COLUMNS + OPTIONAL_COLUMNS)
        for r in ordered:
            writer.writerow(
                [
                    r.dataset,
                    r.record,
                    r.model_iri,
                    r.reason,
                    "yes" if r.reviewed else "no",
                    " ".join(sorted(r.drop)),
                ]
            )
