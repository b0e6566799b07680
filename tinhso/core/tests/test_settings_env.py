"""Environment-variable readers (tinhso.lib.env) and start-up refusing malformed settings."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from tinhso.lib.env import env_bool, env_int, env_list, env_path, env_secret, env_str

REPO = Path(__file__).resolve().parents[3]


# --- the typed readers ------------------------------------------------------------------------


@pytest.mark.parametrize("raw", ["1", "true", "TRUE", "yes", "on", " True "])
def test_bool_true_spellings(raw):
    assert env_bool("X", False, environ={"X": raw}) is True


@pytest.mark.parametrize("raw", ["0", "false", "False", "no", "off"])
def test_bool_false_spellings(raw):
    assert env_bool("X", True, environ={"X": raw}) is False


@pytest.mark.parametrize("environ", [{}, {"X": ""}, {"X": "  "}])
def test_bool_unset_or_empty_is_the_default(environ):
    assert env_bool("X", True, environ=environ) is True
    assert env_bool("X", False, environ=environ) is False


def test_bool_refuses_other_values_naming_the_variable():
    with pytest.raises(ImproperlyConfigured, match="TINHSO_DEBUG='maybe'"):
        env_bool("TINHSO_DEBUG", False, environ={"TINHSO_DEBUG": "maybe"})


def test_int_reads_and_defaults():
    assert env_int("N", 7, environ={"N": " 42 "}) == 42
    assert env_int("N", 7, environ={}) == 7
    assert env_int("N", 7, environ={"N": ""}) == 7


def test_int_refuses_non_integers():
    with pytest.raises(ImproperlyConfigured, match="N='abc'"):
        env_int("N", 1, environ={"N": "abc"})
    with pytest.raises(ImproperlyConfigured, match=r"N='1\.5'"):
        env_int("N", 1, environ={"N": "1.5"})


def test_int_bounds_are_inclusive_and_enforced():
    assert env_int("N", 1, minimum=1, maximum=10, environ={"N": "1"}) == 1
    assert env_int("N", 1, minimum=1, maximum=10, environ={"N": "10"}) == 10
    with pytest.raises(ImproperlyConfigured, match="N=0"):
        env_int("N", 1, minimum=1, environ={"N": "0"})
    with pytest.raises(ImproperlyConfigured, match="N=11"):
        env_int("N", 1, maximum=10, environ={"N": "11"})


def test_list_splits_on_commas_and_strips():
    assert env_list("L", [], environ={"L": "a.gov.vn, b.gov.vn ,c"}) == [
        "a.gov.vn",
        "b.gov.vn",
        "c",
    ]


def test_list_default_is_a_copy():
    default = ["x"]
    value = env_list("L", default, environ={})
    assert value == ["x"]
    assert value is not default


@pytest.mark.parametrize("raw", ["a,,b", "a,", ",a", "a, ,b"])
def test_list_refuses_empty_items(raw):
    with pytest.raises(ImproperlyConfigured, match="L="):
        env_list("L", [], environ={"L": raw})


def test_str_default_when_unset_or_blank():
    assert env_str("S", "d", environ={}) == "d"
    assert env_str("S", "d", environ={"S": "  "}) == "d"
    assert env_str("S", "d", environ={"S": " v "}) == "v"


def test_path_must_be_a_directory(tmp_path):
    assert env_path("P", Path("/x"), environ={"P": str(tmp_path)}) == tmp_path.resolve()
    file = tmp_path / "f"
    file.write_text("x")
    with pytest.raises(ImproperlyConfigured, match="P="):
        env_path("P", Path("/x"), environ={"P": str(file)})


def test_secret_direct_or_absent():
    assert env_secret("K", environ={"K": " s3cret "}) == "s3cret"
    assert env_secret("K", environ={}) is None
    assert env_secret("K", environ={"K": ""}) is None


def test_secret_from_file_is_stripped(tmp_path):
    path = tmp_path / "key"
    path.write_text("from-file\n", encoding="utf-8")
    assert env_secret("K", environ={"K_FILE": str(path)}) == "from-file"


def test_secret_set_both_ways_is_an_error(tmp_path):
    path = tmp_path / "key"
    path.write_text("from-file", encoding="utf-8")
    with pytest.raises(ImproperlyConfigured, match="K_FILE"):
        env_secret("K", environ={"K": "direct", "K_FILE": str(path)})


def test_secret_file_missing_or_empty_is_an_error(tmp_path):
    with pytest.raises(ImproperlyConfigured, match="K_FILE="):
        env_secret("K", environ={"K_FILE": str(tmp_path / "missing")})
    empty = tmp_path / "empty"
    empty.write_text("\n", encoding="utf-8")
    with pytest.raises(ImproperlyConfigured, match="K_FILE="):
        env_secret("K", environ={"K_FILE": str(empty)})


# --- start-up: `tinhso check` in a fresh process ----------------------------------------------


def _run_check(tmp_path: Path, **overrides: str | None) -> subprocess.CompletedProcess[str]:
    """`tinhso check` with a clean test environment plus ``overrides`` (None removes)."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("TINHSO_") and k not in {"DATABASE_URL", "DJANGO_SETTINGS_MODULE"}
    }
    env.update(TINHSO_DATA_DIR=str(tmp_path), TINHSO_TESTING="true")
    for name, value in overrides.items():
        if value is None:
            env.pop(name, None)
        else:
            env[name] = value
    return subprocess.run(
        [sys.executable, "-m", "tinhso.cli", "check"],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_well_formed_environment_starts(tmp_path):
    result = _run_check(tmp_path, TINHSO_DEBUG="false", TINHSO_LOGIN_FAILURE_LIMIT="3")
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize(
    ("variable", "overrides"),
    [
        ("TINHSO_DEBUG", {"TINHSO_DEBUG": "maybe"}),
        ("DATABASE_URL", {"DATABASE_URL": "mysql://x"}),
        ("TINHSO_LOGIN_FAILURE_LIMIT", {"TINHSO_LOGIN_FAILURE_LIMIT": "abc"}),
        ("TINHSO_LOGIN_FAILURE_LIMIT", {"TINHSO_LOGIN_FAILURE_LIMIT": "0"}),
        ("TINHSO_ALLOWED_HOSTS", {"TINHSO_ALLOWED_HOSTS": "a.gov.vn,,b.gov.vn"}),
        ("TINHSO_SECRET_KEY", {"TINHSO_DEBUG": "false", "TINHSO_TESTING": None}),
        ("TINHSO_SECRET_KEY", {"TINHSO_SECRET_KEY": "too-short"}),
    ],
    ids=["bool", "db-scheme", "int", "int-minimum", "list", "secret-missing", "secret-short"],
)
def test_malformed_environment_is_refused_naming_the_variable(tmp_path, variable, overrides):
    result = _run_check(tmp_path, **overrides)
    assert result.returncode != 0
    assert "configuration error" in result.stderr
    assert variable in result.stderr
    assert "Traceback" not in result.stderr
