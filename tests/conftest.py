"""Shared fixtures: an isolated CAREGOV_HOME per test, and one generated sample council.

The sample council (and the warehouse built from it) is made once per test session and shared
read-only by the warehouse, DAG and Superset tests, because generating, ingesting and building
it is the slowest thing the suite does. Tests that change state build their own home.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from caregov.settings import Settings

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = ROOT / ".venv" / "bin"
TEST_PSEUDONYM_KEY = "test-pseudonym-key-not-secret-0123456789"

# The sample council every integration test shares: small enough to build in well under a
# minute, long enough (24 months) for the 12-month metrics and the generated story to show.
SAMPLE = {"seed": 7, "start": "2024-04", "months": 24, "scale": 0.5}

os.environ.setdefault("AIRFLOW__CORE__LOAD_EXAMPLES", "False")


def home_environ(home: Path) -> dict[str, str]:
    """The environment a caregov process needs to work on `home` (for subprocesses too)."""
    env = dict(os.environ)
    env.update(
        CAREGOV_HOME=str(home),
        CAREGOV_PSEUDONYM_KEY=TEST_PSEUDONYM_KEY,
        CAREGOV_DEMO="0",
        # Test files are written whole before a run starts; the settle rule has its own tests.
        CAREGOV_LANDING_SETTLE_SECONDS="0",
        PATH=f"{VENV_BIN}{os.pathsep}{env.get('PATH', '')}",
    )
    return env


@pytest.fixture
def caregov_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh, empty CAREGOV_HOME, also set in this process's environment."""
    home = tmp_path / "caregov-home"
    home.mkdir()
    for key, value in home_environ(home).items():
        monkeypatch.setenv(key, value)
    return home


@pytest.fixture
def settings(caregov_home: Path) -> Settings:
    return Settings.from_env(home_environ(caregov_home))


@pytest.fixture(scope="session")
def sample_extracts(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The generated sample council's extract deliveries (clean formatting), with its national
    returns, so every dashboard has data."""
    from caregov.sample import generate_council

    out = tmp_path_factory.mktemp("sample") / "extracts"
    generate_council(out, messy=False, national=True, **SAMPLE)
    return out


@pytest.fixture(scope="session")
def sample_warehouse(tmp_path_factory: pytest.TempPathFactory, sample_extracts: Path) -> Settings:
    """A home with the sample council ingested, built and published. Treat as read-only."""
    from ingestion.deliveries import ingest_paths
    from warehouse.build import build_and_publish

    home = tmp_path_factory.mktemp("sample-home") / "caregov-home"
    home.mkdir()
    settings = Settings.from_env(home_environ(home))
    outcomes = ingest_paths(settings, [sample_extracts], echo=lambda _line: None)
    assert all(o.status == "loaded" for o in outcomes), [o.line() for o in outcomes]
    result = build_and_publish(settings)
    assert result.ok, result.describe()
    return settings


@pytest.fixture
def sample_published(caregov_home: Path, sample_warehouse: Settings) -> Settings:
    """What the sample council's build published (the serving warehouse and its manifest) and
    the load ledger, copied into this test's CAREGOV_HOME, for tests that write beside them."""
    settings = Settings.from_env(home_environ(caregov_home))
    shutil.copytree(sample_warehouse.ledger, settings.ledger)
    settings.warehouse.mkdir(parents=True)
    for name in ("governance.duckdb", "manifest.json"):
        shutil.copy2(sample_warehouse.warehouse / name, settings.warehouse / name)
    return settings
