"""The same dbt project built on PostgreSQL (dbt-postgres) gives the DuckDB build's marts.

One small generated council, with its national returns, is ingested once and built twice from
the same lake: as always, with DuckDB (`build.duckdb`), and with the profile's `postgres` target
into a database of this session's own on the local server (`warehouse.portable`: the lake copied
into its `lake` schema first), dropped afterwards. Every model, seed, data test and unit test
must pass on both, and every mart under dbt_project/models/marts/ must hold the same rows:
compared order-independently, floating-point values to a relative 1e-9, everything else exactly.
"""

from __future__ import annotations

import datetime as dt
import decimal
import math
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import duckdb
import psycopg
import pytest
from psycopg import sql

from caregov.sample import generate_council
from caregov.settings import PROJECT_ROOT, Settings
from ingestion.deliveries import ingest_paths
from tests.conftest import home_environ
from tests.warehouse.postgres import private_database
from warehouse.build import BuildResult, build_and_publish
from warehouse.portable import LAKE_SCHEMA, PortableBuild, build_on_postgres, lake_tables

pytestmark = pytest.mark.slow

COUNCIL = {"seed": 11, "start": "2025-04", "months": 6, "scale": 0.1, "national": True}
MARTS = sorted(path.stem for path in (PROJECT_ROOT / "dbt_project/models/marts").rglob("*.sql"))
RELATIVE = 1e-9


@dataclass
class TwoBuilds:
    settings: Settings
    duckdb_build: BuildResult
    postgres_build: PortableBuild
    dsn: str


@pytest.fixture(scope="module")
def database() -> Iterator[str]:
    """A build database of this session's own on the local server; dropped afterwards."""
    with private_database("portable") as dsn:
        yield dsn


@pytest.fixture(scope="module")
def builds(tmp_path_factory: pytest.TempPathFactory, database: str) -> TwoBuilds:
    """The council built with DuckDB, then on PostgreSQL, from the same lake."""
    root = tmp_path_factory.mktemp("portable")
    generate_council(root / "extracts", **COUNCIL)  # type: ignore[arg-type]
    settings = Settings.from_env(
        home_environ(root / "home") | {"CAREGOV_WAREHOUSE_BUILD_DSN": database}
    )
    outcomes = ingest_paths(settings, [root / "extracts"], echo=lambda _line: None)
    assert all(o.status == "loaded" for o in outcomes), [o.line() for o in outcomes]
    duckdb_build = build_and_publish(settings)
    assert duckdb_build.ok, duckdb_build.describe()
    postgres_build = build_on_postgres(settings)
    failures = [f"{n.unique_id}: {n.message}" for n in postgres_build.run_results.failures()]
    assert postgres_build.ok, failures or postgres_build.exit_code
    return TwoBuilds(settings, duckdb_build, postgres_build, database)


def _value(value: Any) -> Any:
    """A value as compared: PostgreSQL's numerics (its exact division and sums of integers)
    as floats, like DuckDB's doubles."""
    return float(value) if isinstance(value, decimal.Decimal) else value


def _sort_key(row: tuple[Any, ...]) -> tuple[tuple[int, str], ...]:
    """Rows sort the same way from both engines: floats by their first 6 significant digits."""
    return tuple(
        (0, "")
        if v is None
        else (1, f"{v:.6g}")
        if isinstance(v, float)
        else (2, v.isoformat())
        if isinstance(v, dt.date)
        else (3, str(v))
        for v in row
    )


def _same(left: Any, right: Any) -> bool:
    if left is None or right is None:
        return left is None and right is None
    if isinstance(left, float) or isinstance(right, float):
        return math.isclose(float(left), float(right), rel_tol=RELATIVE, abs_tol=1e-12)
    return bool(left == right)


def _rows(cursor: Any, query: str) -> list[tuple[Any, ...]]:
    return sorted(
        (tuple(_value(v) for v in row) for row in cursor.execute(query).fetchall()),
        key=_sort_key,
    )


def test_the_project_builds_on_postgresql_with_every_node_passing(builds: TwoBuilds) -> None:
    """Every model, seed, data test and unit test of the DuckDB build ran and passed on
    PostgreSQL too."""
    postgres = builds.postgres_build.run_results
    duckdb_counts = builds.duckdb_build.run_results.count_by_kind()
    assert postgres.all_passed
    assert postgres.count_by_kind() == duckdb_counts
    assert {"model", "seed", "test", "unit_test"} <= set(duckdb_counts)


def test_postgresql_reads_the_lake_copied_into_its_lake_schema(builds: TwoBuilds) -> None:
    """Before the build every lake entity with files, and the ledger, is a table of the `lake`
    schema holding all their rows; the models compiled for PostgreSQL read those tables, never
    the Parquet files."""
    tables = lake_tables(builds.settings)
    assert {"ledger", "cm_events", "hr_workers", "cld_events"} <= set(tables)
    with duckdb.connect() as con, psycopg.connect(builds.dsn) as pg:
        for table, files in tables.items():
            (expected,) = con.execute(
                "select count(*) from read_parquet(?, union_by_name=true)", [files]
            ).fetchone() or (None,)
            (copied,) = pg.execute(
                sql.SQL("select count(*) from {}.{}").format(
                    sql.Identifier(LAKE_SCHEMA), sql.Identifier(table)
                )
            ).fetchone() or (None,)
            assert copied == expected, table
    compiled = builds.settings.warehouse / "dbt-target-postgres" / "compiled"
    staging = {
        path.stem: path.read_text()
        for path in compiled.glob("caregov/dbt_project/models/staging/**/*.sql")
    }
    assert len(staging) >= len(tables)
    assert [name for name, text in staging.items() if "read_parquet" in text] == []
    # Each reads its lake table, or is the typed empty relation of an entity never delivered.
    assert [
        name
        for name, text in staging.items()
        if f'"{LAKE_SCHEMA}".' not in text and "where 1 = 0" not in text
    ] == []


def test_every_mart_built_on_postgresql_equals_the_duckdb_build(builds: TwoBuilds) -> None:
    """Every mart has the same columns in the same order and the same rows in both builds."""
    assert {"governance_metrics", "cld_activity_quarterly", "workforce_sfc"} <= set(MARTS)
    differences: dict[str, str] = {}
    filled = []
    with (
        duckdb.connect(str(builds.settings.build_db), read_only=True) as con,
        psycopg.connect(builds.dsn) as pg,
    ):
        for table in MARTS:
            columns = [
                name
                for (name,) in con.execute(
                    "select column_name from duckdb_columns() where schema_name = 'marts'"
                    " and table_name = ? order by column_index",
                    [table],
                ).fetchall()
            ]
            pg_columns = [
                name
                for (name,) in pg.execute(
                    "select column_name from information_schema.columns"
                    " where table_schema = 'marts' and table_name = %s order by ordinal_position",
                    [table],
                ).fetchall()
            ]
            if pg_columns != columns:
                differences[table] = f"columns {columns} != {pg_columns}"
                continue
            expected = _rows(con, f'select * from marts."{table}"')
            built = _rows(pg.cursor(), f'select * from marts."{table}"')
            if len(built) != len(expected):
                differences[table] = f"{len(expected)} rows in DuckDB, {len(built)} in PostgreSQL"
                continue
            for left, right in zip(expected, built, strict=True):
                unequal = [
                    f"{c}: {a!r} != {b!r}"
                    for c, a, b in zip(columns, left, right, strict=True)
                    if not _same(a, b)
                ]
                if unequal:
                    differences[table] = "; ".join(unequal)
                    break
            if expected:
                filled.append(table)
    assert differences == {}
    # The fixture fills nearly every mart, the national returns' among them.
    assert {"ascof_measures", "cld_activity_quarterly", "workforce_sfc"} <= set(filled)
    assert len(filled) >= len(MARTS) - 2
