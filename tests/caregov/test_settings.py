"""The settings object: places under CAREGOV_HOME and secrets from the environment only."""

from __future__ import annotations

import re
import stat
from pathlib import Path

import pytest

from caregov.errors import SettingsError
from caregov.settings import Settings


def test_home_defaults_to_caregov_home_under_the_current_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without CAREGOV_HOME the state folder is ./caregov-home."""
    monkeypatch.chdir(tmp_path)
    assert Settings.from_env({}).home == tmp_path / "caregov-home"


def test_places_follow_the_contract_layout(tmp_path: Path) -> None:
    """Landing, lake, archive, quarantine and both warehouses sit where docs/specification.md §2 says."""
    settings = Settings.from_env({"CAREGOV_HOME": str(tmp_path)})
    assert settings.landing == tmp_path / "landing"
    assert settings.raw == tmp_path / "lake" / "raw"
    assert settings.archive == tmp_path / "archive"
    assert settings.quarantine == tmp_path / "quarantine"
    assert settings.build_db == tmp_path / "warehouse" / "build.duckdb"
    assert settings.serving_db == tmp_path / "warehouse" / "governance.duckdb"
    assert settings.packs == tmp_path / "packs"


def test_missing_secret_outside_demo_names_the_variable(tmp_path: Path) -> None:
    """Outside demo mode a missing pseudonym key is an error naming CAREGOV_PSEUDONYM_KEY."""
    settings = Settings.from_env({"CAREGOV_HOME": str(tmp_path)})
    with pytest.raises(SettingsError, match="CAREGOV_PSEUDONYM_KEY"):
        _ = settings.pseudonym_key


def test_secret_from_environment_is_used_as_given(tmp_path: Path) -> None:
    """A secret set in the environment is used and nothing is written to disk."""
    env = {"CAREGOV_HOME": str(tmp_path), "CAREGOV_SUPERSET_SECRET_KEY": "from-env"}
    assert Settings.from_env(env).superset_secret_key == "from-env"
    assert not (tmp_path / "state").exists()


def test_demo_generates_each_secret_once_with_mode_0600(tmp_path: Path) -> None:
    """In demo mode a missing secret is generated into the home, private, and reused."""
    env = {"CAREGOV_HOME": str(tmp_path), "CAREGOV_DEMO": "1"}
    first = Settings.from_env(env).superset_admin_password
    again = Settings.from_env(env).superset_admin_password
    path = tmp_path / "state" / "secrets" / "superset_admin_password"
    assert first == again and len(first) >= 32
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_short_pseudonym_key_is_refused_naming_the_variable(tmp_path: Path) -> None:
    """Outside demo mode a key shorter than 32 characters is an error naming the variable."""
    env = {"CAREGOV_HOME": str(tmp_path), "CAREGOV_PSEUDONYM_KEY": "x"}
    with pytest.raises(SettingsError, match=r"CAREGOV_PSEUDONYM_KEY is 1 characters long.*32"):
        _ = Settings.from_env(env).pseudonym_key
    env["CAREGOV_PSEUDONYM_KEY"] = "k" * 32
    assert Settings.from_env(env).pseudonym_key == b"k" * 32


def test_council_name_comes_from_the_environment_with_a_default(tmp_path: Path) -> None:
    """CAREGOV_COUNCIL_NAME names the council on the board pack; unset or blank, a sample name."""
    home = {"CAREGOV_HOME": str(tmp_path)}
    assert Settings.from_env(home).council_name == "Sample council"
    assert (
        Settings.from_env({**home, "CAREGOV_COUNCIL_NAME": "  "}).council_name == "Sample council"
    )
    named = {**home, "CAREGOV_COUNCIL_NAME": " Borough of Eastfield "}
    assert Settings.from_env(named).council_name == "Borough of Eastfield"


def test_pack_recipients_are_comma_separated_addresses(tmp_path: Path) -> None:
    """CAREGOV_PACK_RECIPIENTS lists addresses; blanks are dropped, none is an empty list."""
    home = {"CAREGOV_HOME": str(tmp_path)}
    assert Settings.from_env(home).pack_recipients == ()
    env = {**home, "CAREGOV_PACK_RECIPIENTS": " dass@council.example, ,board@council.example "}
    assert Settings.from_env(env).pack_recipients == (
        "dass@council.example",
        "board@council.example",
    )


def test_a_pack_recipient_that_is_no_address_is_refused(tmp_path: Path) -> None:
    """A recipient without an @ (say, separated by semicolons) is an error naming the variable."""
    env = {"CAREGOV_HOME": str(tmp_path), "CAREGOV_PACK_RECIPIENTS": "a@x.example; b@x.example"}
    with pytest.raises(
        SettingsError, match=re.escape("CAREGOV_PACK_RECIPIENTS holds 'a@x.example; b@")
    ):
        _ = Settings.from_env(env).pack_recipients


def test_the_hub_settings_are_off_unless_set(tmp_path: Path) -> None:
    """Without CAREGOV_WAREHOUSE_CATALOG and CAREGOV_SERVING_DSN the warehouse is the DuckDB
    files, as before."""
    settings = Settings.from_env({"CAREGOV_HOME": str(tmp_path), "CAREGOV_SERVING_DSN": " "})
    assert settings.warehouse_catalog is None
    assert settings.serving_dsn is None


def test_the_serving_reader_is_named_for_its_database_and_keeps_only_its_address(
    tmp_path: Path,
) -> None:
    """The read-only role is named for the serving database, and Superset's connection keeps
    the DSN's server and database but never the publishing user or its password."""
    settings = Settings.from_env(
        {
            "CAREGOV_HOME": str(tmp_path),
            "CAREGOV_SERVING_DSN": "postgresql://owner:owner-secret@db.example:6543/Region-Serving",
            "CAREGOV_SERVING_READER_PASSWORD": "reader-secret",
        }
    )
    assert settings.serving_reader_role == "caregov_reader_region_serving"
    assert settings.serving_reader_conninfo() == {
        "host": "db.example",
        "port": "6543",
        "dbname": "Region-Serving",
        "user": "caregov_reader_region_serving",
        "password": "reader-secret",
    }


def test_a_malformed_serving_dsn_is_named(tmp_path: Path) -> None:
    """A serving DSN libpq cannot read is one sentence naming the variable."""
    settings = Settings.from_env(
        {"CAREGOV_HOME": str(tmp_path), "CAREGOV_SERVING_DSN": "host=db port"}
    )
    with pytest.raises(SettingsError, match="CAREGOV_SERVING_DSN"):
        settings.serving_conninfo()


def test_a_hubs_councils_share_the_ducklake(tmp_path: Path) -> None:
    """With councils.csv listing councils the catalog serves them all, from one build in the
    home's own warehouse folder."""
    (tmp_path / "councils.csv").write_text("la_code,name\nE1,East\nW1,West\n")
    settings = Settings.from_env(
        {"CAREGOV_HOME": str(tmp_path), "CAREGOV_WAREHOUSE_CATALOG": "postgresql:///catalog"}
    )
    assert settings.warehouse_catalog == "postgresql:///catalog"
    assert settings.hub
    assert settings.build_db == tmp_path / "warehouse" / "build.duckdb"
