"""Serving sandbox: no SQL a BI Analyst types in SQL Lab touches the host, only the marts.

Each statement goes through the real SQL Lab API of the real Superset as a user holding the BI
Analyst role. Bait files sit on the host beside the test: a CSV, Parquet and JSON file holding a
marker, and a second DuckDB file; the write attacks aim at a folder that must stay empty.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import duckdb
import pytest

from caregov.settings import Settings
from caregov_superset.client import SupersetClient
from caregov_superset.errors import SupersetError

pytestmark = pytest.mark.integration

MARKER = "NHS-NUMBER-9434765919-BAIT"


@pytest.fixture(scope="module")
def bait(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Files an attacker would like to read, and a folder they would like to write into."""
    folder = tmp_path_factory.mktemp("bait")
    paths = {
        "csv": folder / "archive.csv",
        "parquet": folder / "archive.parquet",
        "json": folder / "archive.json",
        "duckdb": folder / "other.duckdb",
        "out": folder / "out",
    }
    paths["csv"].write_text(f"a,b\n{MARKER},1\n")
    paths["json"].write_text(json.dumps([{"a": MARKER}]))
    with duckdb.connect(str(paths["duckdb"])) as con:
        con.execute(f"create table secrets as select '{MARKER}' as a")
        con.execute(f"copy secrets to '{paths['parquet']}' (format parquet)")
    paths["out"].mkdir()
    return paths


@pytest.fixture(scope="module")
def analyst_sql(
    admin: SupersetClient, make_user: Callable[..., SupersetClient]
) -> Callable[[str], dict[str, Any]]:
    """Run one statement in SQL Lab as a BI Analyst (raises SupersetError when refused)."""
    analyst = make_user("analyst-sandbox", "BI Analyst")
    database = admin.find_one("database", database_name="Care governance warehouse")
    assert database is not None

    def run(sql: str) -> dict[str, Any]:
        answer: dict[str, Any] = analyst.post_json(
            "/api/v1/sqllab/execute/",
            {"database_id": database["id"], "sql": sql, "runAsync": False, "schema": "marts"},
        )
        return answer

    return run


def _attacks(bait: dict[str, Path]) -> list[str]:
    csv, parquet, js, other, out = (
        bait["csv"],
        bait["parquet"],
        bait["json"],
        bait["duckdb"],
        bait["out"],
    )
    return [
        # read a file
        f"CALL read_text('{csv}')",
        f"SELECT * FROM read_text('{csv}')",
        f"CALL query('SELECT * FROM read_csv(''{csv}'')')",
        f"SUMMARIZE SELECT * FROM read_csv('{csv}')",
        f"PIVOT read_csv('{csv}') ON a USING count(*)",
        f"SELECT * FROM read_parquet('{parquet}')",
        f"SELECT * FROM read_json('{js}')",
        f"SELECT * FROM read_blob('{csv}')",
        f"SELECT * FROM '{csv}'",
        f"CALL glob('{csv.parent}/*')",
        # write a file
        f"COPY (SELECT 1 AS x) TO '{out}/copy.csv'",
        f"COPY (SELECT 1 AS x) TO '{out}/copy.parquet' (FORMAT parquet)",
        f"EXPORT DATABASE '{out}/export'",
        # another database
        f"ATTACH '{other}' AS other",
        f"ATTACH '{out}/new.duckdb' AS new",
        # extensions
        "INSTALL httpfs",
        "LOAD httpfs",
        # settings
        "SET enable_external_access = true",
        "SET lock_configuration = false",
        "RESET threads",
        "PRAGMA threads = 1",
    ]


def test_every_attack_is_refused_and_nothing_leaks(
    analyst_sql: Callable[[str], dict[str, Any]], bait: dict[str, Path]
) -> None:
    """Reading, writing, attaching, loading and re-configuring all fail; no bait value comes
    back and nothing is written."""
    passed = []
    for sql in _attacks(bait):
        try:
            answer = analyst_sql(sql)
        except SupersetError as refused:
            assert MARKER not in str(refused), sql
            continue
        passed.append((sql, json.dumps(answer)[:300]))
    assert passed == []
    assert list(bait["out"].iterdir()) == []


def test_the_connection_reports_external_access_off_and_locked(
    analyst_sql: Callable[[str], dict[str, Any]],
) -> None:
    """DuckDB itself says external access is disabled and the configuration is locked."""
    answer = analyst_sql(
        "SELECT current_setting('enable_external_access') AS external,"
        " current_setting('lock_configuration') AS locked"
    )
    assert answer["data"] == [{"external": False, "locked": True}]


def test_select_on_the_marts_still_works(
    analyst_sql: Callable[[str], dict[str, Any]], superset_settings: Settings
) -> None:
    """The sandbox takes nothing from an analyst's real work: queries on marts answer."""
    with duckdb.connect(str(superset_settings.serving_db), read_only=True) as warehouse:
        (expected,) = warehouse.execute("select count(*) from marts.workforce_monthly").fetchone()
    answer = analyst_sql(
        "SELECT count(*) AS n FROM marts.workforce_monthly"
        " WHERE team_id IN (SELECT team_id FROM marts.workforce_monthly)"
    )
    assert answer["data"] == [{"n": expected}]


def test_the_served_file_holds_the_marts_only(superset_settings: Settings) -> None:
    """What SQL Lab can reach beyond Superset's table check (`CALL query`, `SUMMARIZE`) is the
    served file itself: it holds schema marts and nothing else (no row-level staging)."""
    with duckdb.connect(str(superset_settings.serving_db), read_only=True) as warehouse:
        schemas = warehouse.execute(
            "select distinct schema_name from duckdb_tables()"
            " union select distinct schema_name from duckdb_views() where not internal"
        ).fetchall()
    assert schemas == [("marts",)]
