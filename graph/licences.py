"""Name licences by their SPDX identifiers and judge whether they are open.

Three jobs, all pure and all read from the tables in ``graph/licence_data/``
(see its README for where they come from):

- ``spdx_id(text)`` / ``spdx_iri(text)``: map a licence as a source writes it
  ("Apache 2.0", "MIT License", "cc-by-4.0") to its SPDX identifier and to the
  IRI ``http://spdx.org/licenses/<id>``; ``None`` where SPDX has no such licence
  ("Llama 3 Community License", "proprietary").
- ``resolve_licence(...)``: the licence that governs one component of a release,
  following the Model Openness Tool: the component's own licence, else the
  release's licence for the component's content type (code, data, document),
  else the release's distribution licence, else none.
- ``licence_openness(text)``: whether a licence is open, not open, or absent.
  A licence is open when the SPDX list marks it OSI-approved or FSF-libre, when
  it is on the Model Openness Tool's list of open-data licences, or when it is
  ``OpenMDW-1.0``. ``is_type_appropriate`` says whether the tool lists it for a
  content type; that only ever produces a warning, never changes openness.
- ``tool_licence_openness(text)``: the same verdict reached the way the Model
  Openness Tool reaches it (``LicenseHandler::isOpenSourceLicense``): the text
  must be an SPDX identifier spelled exactly, case included, or an entry of the
  tool's lists as the tool spells it. "Apache 2.0", "MIT License" or "BSD-3"
  name open licences, yet the tool does not count them open; MOF claims follow
  the tool and say when the spelling alone made the difference.

How a text is matched, in order (all case-insensitive):

1. an SPDX identifier, exactly (``apache-2.0`` -> ``Apache-2.0``);
2. a short list of common spellings that no rule below can find
   (``CC0``, ``BSD-3``, ``Public Domain Dedication and License``);
3. a normalised form of the identifier or of the SPDX full name: the words
   "license", "licence", "version" and "the", a "v" before a digit, and every
   character other than letters, digits, '.' and '+' are dropped
   (``Apache License, Version 2.0`` and ``Apache 2.0`` both give ``apache2.0``,
   the normalised form of ``Apache-2.0``);
4. the same with ".0" added to a bare trailing major version (``Apache 2`` ->
   ``apache2.0``; ``GPLv3`` -> ``gpl3.0`` -> the deprecated id ``GPL-3.0``,
   which keeps the source's silence about "only" or "or later").

A normalised form shared by several licences means the one whose id is not
deprecated (SPDX keeps the old id "GPL-3.0" with the full name of its successor
"GPL-3.0-only"); if that does not single one out, the form never matches.
A deprecated id written out is kept as written: "GPL-3.0" maps to
``http://spdx.org/licenses/GPL-3.0``, which SPDX still serves.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

DATA_DIR = Path(__file__).resolve().parent / "licence_data"
SPDX_BASE = "http://spdx.org/licenses/"

OPEN = "open"
NOT_OPEN = "not-open"
UNLICENSED = "unlicensed"

CONTENT_TYPES = ("code", "data", "document")

# The Model Openness Tool's list of licences that are open for data
# (LicenseHandler::OPEN_DATA_LICENSES). The tool spells the Open Data Commons
# PDDL "ODC-PDDL-1.0", which is not an SPDX id and so never matched there; we
# keep the SPDX id PDDL-1.0 so that the licence the list means is counted.
OPEN_DATA_LICENCES = frozenset(
    {
        "CC0-1.0",
        "CC-BY-1.0",
        "CC-BY-2.0",
        "CC-BY-2.5",
        "CC-BY-2.5-AU",
        "CC-BY-3.0",
        "CC-BY-3.0-AT",
        "CC-BY-3.0-AU",
        "CC-BY-3.0-DE",
        "CC-BY-3.0-IGO",
        "CC-BY-3.0-NL",
        "CC-BY-3.0-US",
        "CC-BY-4.0",
        "CC-BY-SA-1.0",
        "CC-BY-SA-2.0",
        "CC-BY-SA-2.0-UK",
        "CC-BY-SA-2.1-JP",
        "CC-BY-SA-2.5",
        "CC-BY-SA-3.0",
        "CC-BY-SA-3.0-AT",
        "CC-BY-SA-4.0",
        "CDLA-Permissive-1.0",
        "CDLA-Permissive-2.0",
        "CDLA-Sharing-1.0",
        "PDDL-1.0",
        "ODC-By-1.0",
        "ODbL-1.0",
        "GFDL-1.3",
        "OGL-Canada-2.0",
        "OGL-UK-2.0",
        "OGL-UK-3.0",
    }
)

# The open-data list exactly as the tool spells it, for matching as the tool does.
TOOL_OPEN_DATA_LICENCES = (OPEN_DATA_LICENCES - {"PDDL-1.0"}) | {"ODC-PDDL-1.0"}

# Open Model, Data and Weights licence: the tool counts it open, though the
# SPDX list copied here predates it.
OPENMDW = "OpenMDW-1.0"

# Spellings the normalisation cannot reach: short names and names that differ
# from SPDX's wording. Keys are compared after lower-casing and trimming.
COMMON_SPELLINGS = {
    "cc0": "CC0-1.0",
    "cc-0": "CC0-1.0",
    "cc0 1.0": "CC0-1.0",
    "bsd-3": "BSD-3-Clause",
    "bsd 3": "BSD-3-Clause",
    "3-clause bsd": "BSD-3-Clause",
    "new bsd": "BSD-3-Clause",
    "bsd-2": "BSD-2-Clause",
    "bsd 2": "BSD-2-Clause",
    "2-clause bsd": "BSD-2-Clause",
    "simplified bsd": "BSD-2-Clause",
    "odc-pddl-1.0": "PDDL-1.0",
    "odc-pddl": "PDDL-1.0",
    "public domain dedication and license": "PDDL-1.0",
    "odc-by": "ODC-By-1.0",
    "odbl": "ODbL-1.0",
    "mpl2": "MPL-2.0",
    "mozilla public license 2.0": "MPL-2.0",
    "unlicense": "Unlicense",
    "the unlicense": "Unlicense",
}

# Words a licence string often carries that say nothing about which licence it is.
_FILLER = re.compile(r"\b(the|licen[cs]e[ds]?|version)\b")
_VERSION_V = re.compile(r"v(?=\d)")
_NOT_KEPT = re.compile(r"[^a-z0-9.+]")
_BARE_MAJOR = re.compile(r"(?<![\d.])(\d+)$")

# How a record says "no licence": the tool writes "unlicensed", SPDX writes NONE.
UNLICENSED_WORDS = frozenset({"", "unlicensed", "none"})
_OPEN_DATA_KEYS = frozenset(x.lower() for x in OPEN_DATA_LICENCES)


@dataclass(frozen=True)
class SpdxLicence:
    """One entry of the SPDX License List."""

    id: str
    name: str
    osi_approved: bool
    fsf_libre: bool
    deprecated: bool


@dataclass(frozen=True)
class LicenceOpenness:
    """The verdict on one licence: its status, its SPDX id if any, and why."""

    text: str | None
    status: str  # OPEN, NOT_OPEN or UNLICENSED
    spdx_id: str | None
    reasons: tuple[str, ...]  # "osi-approved", "fsf-libre", "open-data", "openmdw"

    @property
    def is_open(self) -> bool:
        """Return True when the licence is open."""
        return self.status == OPEN


def _normalise(text: str) -> str:
    text = _FILLER.sub(" ", text.lower())
    text = _VERSION_V.sub("", text)
    return _NOT_KEPT.sub("", text)


@lru_cache(maxsize=1)
def spdx_licences() -> dict[str, SpdxLicence]:
    """Return the SPDX License List, keyed by licence id as SPDX spells it."""
    data = json.loads((DATA_DIR / "licenses.json").read_text(encoding="utf-8"))
    return {
        entry["licenseId"]: SpdxLicence(
            id=entry["licenseId"],
            name=entry["name"],
            osi_approved=bool(entry.get("isOsiApproved")),
            fsf_libre=bool(entry.get("isFsfLibre")),
            deprecated=bool(entry.get("isDeprecatedLicenseId")),
        )
        for entry in data["licenses"]
    }


@lru_cache(maxsize=1)
def _indexes() -> tuple[dict[str, str], dict[str, str]]:
    licences = spdx_licences()
    exact = {lid.lower(): lid for lid in licences}
    owners: dict[str, set[str]] = {}
    for lic in licences.values():
        for form in {_normalise(lic.id), _normalise(lic.name)}:
            if form:
                owners.setdefault(form, set()).add(lic.id)
    normal: dict[str, str] = {}
    for form, ids in owners.items():
        # A deprecated id shares its full name with the id that replaced it
        # ("GPL-3.0" and "GPL-3.0-only"): the name means the current one.
        current = {i for i in ids if not licences[i].deprecated}
        if len(ids) == 1:
            normal[form] = next(iter(ids))
        elif len(current) == 1:
            normal[form] = next(iter(current))
    return exact, normal


def spdx_id(text: str | None) -> str | None:
    """Return the SPDX identifier a licence string names, or None if SPDX has none."""
    if text is None:
        return None
    key = " ".join(text.split()).lower()
    if not key:
        return None
    exact, normal = _indexes()
    if key in exact:
        return exact[key]
    if key in COMMON_SPELLINGS and COMMON_SPELLINGS[key] in spdx_licences():
        return COMMON_SPELLINGS[key]
    form = _normalise(key)
    if form in normal:
        return normal[form]
    padded = _BARE_MAJOR.sub(r"\1.0", form)
    if padded != form and padded in normal:
        return normal[padded]
    return None


def spdx_iri(text: str | None) -> str | None:
    """Return the SPDX IRI (http://spdx.org/licenses/<id>) for a licence string, or None."""
    lid = spdx_id(text)
    return SPDX_BASE + lid if lid else None


def licence_openness(text: str | None) -> LicenceOpenness:
    """Judge whether a licence is open, not open, or absent (unlicensed)."""
    if text is None or text.strip().lower() in UNLICENSED_WORDS:
        return LicenceOpenness(text, UNLICENSED, None, ())
    lid = spdx_id(text)
    name = (lid or text.strip()).lower()
    reasons: list[str] = []
    lic = spdx_licences().get(lid) if lid else None
    if lic and lic.osi_approved:
        reasons.append("osi-approved")
    if lic and lic.fsf_libre:
        reasons.append("fsf-libre")
    if name in _OPEN_DATA_KEYS:
        reasons.append("open-data")
    if name == OPENMDW.lower():
        reasons.append("openmdw")
    return LicenceOpenness(text, OPEN if reasons else NOT_OPEN, lid, tuple(reasons))


def tool_licence_openness(text: str | None) -> LicenceOpenness:
    """Judge a licence as the Model Openness Tool does: by its exact identifier.

    The tool compares the text with SPDX identifiers and its own lists using
    PHP's ``in_array``, so only an exact spelling counts ("Apache-2.0", not
    "Apache 2.0" or "apache-2.0"). Empty, "unlicensed" and "none" are unlicensed
    here as in ``licence_openness``; the tool calls "none" invalid rather than
    unlicensed, and counts neither, so the level is the same.
    """
    if text is None or text.strip().lower() in UNLICENSED_WORDS:
        return LicenceOpenness(text, UNLICENSED, None, ())
    lid = text.strip()
    lic = spdx_licences().get(lid)
    reasons: list[str] = []
    if lic and lic.osi_approved:
        reasons.append("osi-approved")
    if lic and lic.fsf_libre:
        reasons.append("fsf-libre")
    if lid in TOOL_OPEN_DATA_LICENCES:
        reasons.append("open-data")
    if lid == OPENMDW:
        reasons.append("openmdw")
    return LicenceOpenness(
        text, OPEN if reasons else NOT_OPEN, lic.id if lic else None, tuple(reasons)
    )


def spelling_differs(text: str | None) -> bool:
    """Tell whether a licence is open as named yet not as the tool matches its spelling."""
    return licence_openness(text).is_open and not tool_licence_openness(text).is_open


def is_open_licence(text: str | None) -> bool:
    """Return True when the licence is open (see licence_openness)."""
    return licence_openness(text).is_open


@lru_cache(maxsize=1)
def _type_appropriate() -> dict[str, frozenset[str]]:
    data = json.loads((DATA_DIR / "mof-licenses.json").read_text(encoding="utf-8"))
    table: dict[str, set[str]] = {t: set() for t in CONTENT_TYPES}
    for entry in data["licenses"]:
        types = entry["ContentType"]
        for t in [types] if isinstance(types, str) else types:
            table.setdefault(t, set()).add(entry["licenseId"].lower())
    return {t: frozenset(ids) for t, ids in table.items()}


def is_type_appropriate(text: str | None, content_type: str) -> bool:
    """Return True when the Model Openness Tool lists the licence for this content type."""
    if text is None:
        return False
    lid = spdx_id(text) or text.strip()
    return lid.lower() in _type_appropriate().get(content_type, frozenset())


def resolve_licence(
    own: str | None,
    content_type: str,
    release_licences: Mapping[str, str | None],
) -> str | None:
    """Return the licence that governs a component, or None when it has none.

    ``own`` is the component's own licence: None when the component names none
    (so the release's licences apply), or a string; an empty string or
    "unlicensed" means the component is explicitly unlicensed, and then no
    release licence applies. ``release_licences`` maps "code", "data",
    "document" and "distribution" to licence names (missing or empty: none).
    """
    if content_type not in CONTENT_TYPES:
        raise ValueError(f"unknown content type {content_type!r}; expected {CONTENT_TYPES}")
    if own is not None:
        own = own.strip()
        return None if own.lower() in UNLICENSED_WORDS else own
    for key in (content_type, "distribution"):
        name = (release_licences.get(key) or "").strip()
        if name:
            return name
    return None
