"""Settings: every key documented, environment variables read, code winning over them."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from server import settings

DOC = Path(__file__).resolve().parent.parent / "docs" / "endpoint.md"


def documented_keys() -> set[str]:
    text = DOC.read_text(encoding="utf-8")
    section = text.split("## Settings", 1)[1].split("\n## ", 1)[0]
    return set(re.findall(r"^\| `([A-Z_]+)` \|", section, flags=re.MULTILINE))


def test_every_setting_is_documented():
    keys = set(settings.SETTINGS)
    assert keys, "no settings found"
    assert keys - documented_keys() == set(), "settings missing from docs/endpoint.md"


def test_docs_list_no_setting_that_does_not_exist():
    assert documented_keys() - set(settings.SETTINGS) == set()


def test_environment_variables_override_defaults_and_code_overrides_them():
    env = {
        "OPENNESS_QUERY_TIMEOUT": "12.5",
        "OPENNESS_MAX_ROWS": "",
        "OPENNESS_TRUST_PROXY": "2",
        "OPENNESS_SERVICE_ALLOWLIST": "http://a.example/s, http://b.example/s",
        "OPENNESS_WRITE_TOKENS": "alice:one,bob:two",
        "OPENNESS_UNION_DEFAULT_GRAPH": "off",
    }
    values = settings.load({"TRUST_PROXY": 1}, environ=env)
    assert values["QUERY_TIMEOUT"] == 12.5
    assert values["MAX_ROWS"] is None
    assert values["TRUST_PROXY"] == 1
    assert values["SERVICE_ALLOWLIST"] == ("http://a.example/s", "http://b.example/s")
    assert values["WRITE_TOKENS"] == {"alice": "one", "bob": "two"}
    assert values["UNION_DEFAULT_GRAPH"] is False


def test_write_tokens_as_json_and_single_token():
    values = settings.load(
        environ={"OPENNESS_WRITE_TOKENS": '{"ci": "x"}', "OPENNESS_WRITE_TOKEN": "y"}
    )
    assert settings.write_tokens(values) == {"ci": "x", "default": "y"}


def test_a_bad_environment_value_names_the_variable():
    with pytest.raises(ValueError, match="OPENNESS_QUERY_TIMEOUT"):
        settings.load(environ={"OPENNESS_QUERY_TIMEOUT": "soon"})


def test_settings_reach_the_app(make_app):
    app = make_app(QUERY_TIMEOUT=3, MAX_BODY=1234)
    assert app.config["QUERY_TIMEOUT"] == 3
    assert app.config["MAX_CONTENT_LENGTH"] == 1234
