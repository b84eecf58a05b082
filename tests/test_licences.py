"""Licences map to SPDX, resolve as the Model Openness Tool does, and are judged open or not."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml

from graph import licences
from graph.licences import (
    NOT_OPEN,
    OPEN,
    UNLICENSED,
    is_type_appropriate,
    licence_openness,
    resolve_licence,
    spdx_id,
    spdx_iri,
    spelling_differs,
    tool_licence_openness,
)

MOF = Path(__file__).parent / "fixtures" / "mof"
MOF_RECORDS = sorted((MOF / "Test_Data").glob("*.yml"))
SPDX_DATA = json.loads((licences.DATA_DIR / "licenses.json").read_text(encoding="utf-8"))


# ---------------------------------------------------------------- SPDX identifiers


def test_every_spdx_id_maps_to_itself_whatever_the_case() -> None:
    ids = [entry["licenseId"] for entry in SPDX_DATA["licenses"]]
    assert len(ids) > 500
    for lid in ids:
        assert spdx_id(lid) == lid
        assert spdx_id(lid.upper()) == lid
        assert spdx_id(f"  {lid.lower()} ") == lid
        assert spdx_iri(lid) == f"http://spdx.org/licenses/{lid}"


def test_every_current_licence_is_found_by_its_full_name() -> None:
    for entry in SPDX_DATA["licenses"]:
        if not entry.get("isDeprecatedLicenseId"):
            assert spdx_id(entry["name"]) == entry["licenseId"], entry["name"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Apache 2.0", "Apache-2.0"),
        ("apache-2.0", "Apache-2.0"),
        ("Apache License 2.0", "Apache-2.0"),
        ("Apache License, Version 2.0", "Apache-2.0"),
        ("Apache 2", "Apache-2.0"),
        ("MIT License", "MIT"),
        ("mit", "MIT"),
        ("CC BY 4.0", "CC-BY-4.0"),
        ("CC-BY 4.0", "CC-BY-4.0"),
        ("CC BY-SA 4.0", "CC-BY-SA-4.0"),
        ("cc by-nc 4.0", "CC-BY-NC-4.0"),
        ("Creative Commons Attribution 4.0 International", "CC-BY-4.0"),
        ("BSD 3-Clause", "BSD-3-Clause"),
        ("BSD-3", "BSD-3-Clause"),
        ("CC0", "CC0-1.0"),
        ("GPLv3", "GPL-3.0"),
        ("GPL-3.0-or-later", "GPL-3.0-or-later"),
        ("GNU General Public License v3.0 only", "GPL-3.0-only"),
        ("MPL 2.0", "MPL-2.0"),
        ("ODC-PDDL-1.0", "PDDL-1.0"),
        ("zlib", "Zlib"),
    ],
)
def test_common_spellings_map_to_spdx(text: str, expected: str) -> None:
    assert spdx_id(text) == expected
    assert spdx_iri(text) == f"http://spdx.org/licenses/{expected}"


@pytest.mark.parametrize(
    "text",
    [
        "Llama 3 Community License",
        "Meta Llama 3 Community License",
        "Gemma Terms of Use",
        "Stability AI Community License",
        "bigscience-openrail-m",
        "OpenRAIL-M",
        "proprietary",
        "other",
        "unknown",
        "",
        None,
        "OpenMDW-1.0",  # newer than the SPDX list shipped here
    ],
)
def test_licences_spdx_does_not_list_have_no_iri(text) -> None:
    assert spdx_id(text) is None
    assert spdx_iri(text) is None


# ---------------------------------------------------------------- openness


@pytest.mark.parametrize(
    ("text", "status", "reasons"),
    [
        ("Apache-2.0", OPEN, ("osi-approved", "fsf-libre")),
        ("MIT License", OPEN, ("osi-approved", "fsf-libre")),
        ("0BSD", OPEN, ("osi-approved",)),
        ("Apache-1.0", OPEN, ("fsf-libre",)),
        ("CC-BY-4.0", OPEN, ("fsf-libre", "open-data")),
        ("CC BY-SA 3.0", OPEN, ("open-data",)),
        ("CDLA-Permissive-2.0", OPEN, ("open-data",)),
        ("ODC-PDDL-1.0", OPEN, ("open-data",)),
        ("OpenMDW-1.0", OPEN, ("openmdw",)),
        ("openmdw-1.0", OPEN, ("openmdw",)),
        ("CC-BY-NC-4.0", NOT_OPEN, ()),
        ("C-UDA-1.0", NOT_OPEN, ()),
        ("Llama 3 Community License", NOT_OPEN, ()),
        ("proprietary", NOT_OPEN, ()),
        (None, UNLICENSED, ()),
        ("", UNLICENSED, ()),
        ("unlicensed", UNLICENSED, ()),
        ("Unlicensed", UNLICENSED, ()),
    ],
)
def test_licence_openness(text, status, reasons) -> None:
    verdict = licence_openness(text)
    assert verdict.status == status
    assert verdict.reasons == reasons
    assert verdict.is_open == (status == OPEN)


def test_the_unlicense_is_a_licence_not_the_absence_of_one() -> None:
    assert licence_openness("Unlicense").status == OPEN


def test_openness_follows_the_spdx_flags_for_every_listed_licence() -> None:
    open_data = {x.lower() for x in licences.OPEN_DATA_LICENCES}
    for entry in SPDX_DATA["licenses"]:
        expected = bool(
            entry.get("isOsiApproved")
            or entry.get("isFsfLibre")
            or entry["licenseId"].lower() in open_data
        )
        assert licence_openness(entry["licenseId"]).is_open == expected, entry["licenseId"]


# ---------------------------------------------------------------- type-appropriate licences


def test_type_appropriate_licences() -> None:
    assert is_type_appropriate("MIT", "code")
    assert is_type_appropriate("mit license", "code")
    assert not is_type_appropriate("MIT", "data")
    assert is_type_appropriate("Apache-2.0", "document")
    assert is_type_appropriate("CC0-1.0", "data") and is_type_appropriate("CC0-1.0", "document")
    assert all(is_type_appropriate("OpenMDW-1.0", t) for t in licences.CONTENT_TYPES)
    assert not is_type_appropriate(None, "code")


# ---------------------------------------------------------------- resolving a component's licence

RELEASE = {"code": "MIT", "data": "CC-BY-4.0", "document": None, "distribution": "Apache-2.0"}


def test_a_components_own_licence_wins() -> None:
    assert resolve_licence("BSD-3-Clause", "code", RELEASE) == "BSD-3-Clause"


def test_then_the_licence_for_its_content_type() -> None:
    assert resolve_licence(None, "code", RELEASE) == "MIT"
    assert resolve_licence(None, "data", RELEASE) == "CC-BY-4.0"


def test_then_the_distribution_licence() -> None:
    assert resolve_licence(None, "document", RELEASE) == "Apache-2.0"
    assert resolve_licence(None, "document", {"document": "  ", "distribution": "MIT"}) == "MIT"


def test_else_none() -> None:
    assert resolve_licence(None, "code", {}) is None
    assert resolve_licence(None, "code", {"data": "CC0-1.0"}) is None


def test_an_explicitly_unlicensed_component_takes_no_release_licence() -> None:
    assert resolve_licence("unlicensed", "code", RELEASE) is None
    assert resolve_licence("", "code", RELEASE) is None


def test_an_unknown_content_type_is_refused() -> None:
    with pytest.raises(ValueError, match="content type"):
        resolve_licence(None, "weights", RELEASE)


# ---------------------------------------------------------------- the tool's own fixtures

COUNTS = re.compile(r"_(\d+)C_(\d+)G_(\d+)L_(\d+)V_(\d+)I_\d+T$")


@pytest.fixture(scope="module")
def content_types() -> dict[str, str]:
    settings = yaml.safe_load((MOF / "mof.settings.yml").read_text(encoding="utf-8"))
    return {c["name"]: c["content_type"] for c in settings["components"]}


def test_mof_fixtures_are_present() -> None:
    assert len(MOF_RECORDS) == 27


@pytest.mark.parametrize("path", MOF_RECORDS, ids=lambda p: p.stem)
def test_licence_counts_match_the_tools_fixture_names(path: Path, content_types) -> None:
    """Each fixture's name counts components (C), release licences (G), component
    licences (L), components under an open licence (V) and under one that is not (I)."""
    components, n_global, n_own, n_open, n_not_open = map(int, COUNTS.search(path.stem).groups())
    release = yaml.safe_load(path.read_text(encoding="utf-8"))["release"]
    release_licences = {k: (v or {}).get("name") for k, v in (release.get("license") or {}).items()}
    statuses = [
        licence_openness(
            resolve_licence(comp.get("license"), content_types[comp["name"]], release_licences)
        ).status
        for comp in release.get("components") or []
    ]
    assert len(statuses) == components
    assert sum(1 for v in release_licences.values() if v) == n_global
    assert sum(1 for comp in release.get("components") or [] if "license" in comp) == n_own
    assert statuses.count(OPEN) == n_open
    assert statuses.count(NOT_OPEN) == n_not_open


def test_the_mit_notice_travels_with_the_tools_data() -> None:
    notice = (licences.DATA_DIR / "LICENSE-model_openness_tool").read_text(encoding="utf-8")
    assert "The Model Openness Tool Authors" in notice
    assert "Permission is hereby granted" in notice


@pytest.mark.parametrize(
    ("text", "tool_open"),
    [
        ("Apache-2.0", True),
        ("Apache 2.0", False),  # the spellings records use, which the tool does not match
        ("apache-2.0", False),
        ("Apache license 2.0", False),
        ("MIT License", False),
        ("MIT license", False),
        ("BSD-3", False),
        ("CC BY-SA 4.0", False),
        ("CC-BY-SA-4.0", True),
        ("ODC-PDDL-1.0", True),  # the tool's own spelling on its open-data list
        ("PDDL-1.0", False),  # the SPDX id, which the tool's list does not carry
        ("OpenMDW-1.0", True),
        ("Llama 3 Community License", False),
    ],
)
def test_the_tool_matches_licence_identifiers_exactly(text: str, tool_open: bool) -> None:
    """LicenseHandler::isOpenSourceLicense tests in_array($license, <ids>), case and all."""
    assert tool_licence_openness(text).is_open is tool_open
    assert spelling_differs(text) is (licence_openness(text).is_open and not tool_open)


def test_the_tool_and_our_reading_agree_on_no_licence() -> None:
    for text in (None, "", "unlicensed", "none"):
        assert tool_licence_openness(text).status == UNLICENSED
        assert not spelling_differs(text)
