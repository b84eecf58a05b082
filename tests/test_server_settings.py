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
    # WRITE_TOKEN is the operator's: admin. A named entry without a role gets the least.
    assert settings.write_tokens(values) == {
        "ci": settings.Token("x", "contributor"),
        "default": settings.Token("y", "admin"),
    }


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("alice:curator:s1,bob:s2", {"alice": ("s1", "curator"), "bob": ("s2", "contributor")}),
        ("ops:admin:a:b:c", {"ops": ("a:b:c", "admin")}),  # a token may hold colons
        ("eve:not-a-role:s3", {"eve": ("not-a-role:s3", "contributor")}),
        (
            '{"alice": {"token": "s1", "role": "curator"}, "bob": "s2"}',
            {"alice": ("s1", "curator"), "bob": ("s2", "contributor")},
        ),
    ],
)
def test_write_tokens_carry_roles(raw, expected):
    values = settings.load(environ={"OPENNESS_WRITE_TOKENS": raw})
    assert settings.write_tokens(values) == {n: settings.Token(*t) for n, t in expected.items()}


@pytest.mark.parametrize(
    ("config", "message"),
    [
        ({"WRITE_TOKENS": {"a": {"token": "s", "role": "owner"}}}, "unknown role 'owner'"),
        ({"WRITE_TOKENS": {"a": {"token": "s", "rol": "admin"}}}, "unknown keys"),
    ],
)
def test_a_bad_token_entry_is_refused_naming_it(config, message):
    with pytest.raises(ValueError, match=message):
        settings.write_tokens(settings.load(config, environ={}))


def test_a_token_entry_without_a_token_is_refused():
    with pytest.raises(ValueError, match="OPENNESS_WRITE_TOKENS"):
        settings.load(environ={"OPENNESS_WRITE_TOKENS": "alice"})


def test_a_bad_environment_value_names_the_variable():
    with pytest.raises(ValueError, match="OPENNESS_QUERY_TIMEOUT"):
        settings.load(environ={"OPENNESS_QUERY_TIMEOUT": "soon"})


def test_settings_reach_the_app(make_app):
    app = make_app(QUERY_TIMEOUT=3, MAX_BODY=1234)
    assert app.config["QUERY_TIMEOUT"] == 3
    assert app.config["MAX_CONTENT_LENGTH"] == 1234
