"""Build the same dbt models on PostgreSQL (`CAREGOV_WAREHOUSE_BUILD_DSN`): the portable build.

The models are written in SQL that DuckDB and PostgreSQL both run: types and dates through dbt's
cross-database macros, and the few functions the two spell differently through the project's
dispatched macros (dbt_project/macros/portable.sql). Only reading the lake is engine-specific,
and only in the source macros (dbt_project/macros/lake_source.sql): DuckDB reads the Parquet
files where they lie; PostgreSQL cannot, so this module first copies every lake entity, and the
load ledger, into tables of the build database's `lake` schema (through DuckDB's PostgreSQL
extension, from the locked wheel: binary COPY, no download), and the source macros read those.

The build uses the profile's `postgres` target, whose connection parts (`CAREGOV_PG_BUILD_*`)
are taken from the DSN here; the password comes from the DSN or `PGPASSWORD`. It is a full
`dbt build` (models, seeds, data tests and unit tests) with its own target and log folders, and
publishes nothing: the DuckDB build stays the one that is served (docs/scale-out.md).
"""

from __future__ import annotations

import functools
import os
import subprocess
import time
from dataclasses import dataclass

import psycopg
from psycopg import sql
from psycopg.conninfo import conninfo_to_dict

from caregov.errors import CaregovError
from caregov.settings import PROJECT_ROOT, Settings
from warehouse import lakehouse, runner
from warehouse.project import dbt_command, dbt_environment, run_results_path
from warehouse.results import RunResults

TARGET = "postgres"
LAKE_SCHEMA = "lake"
# How the source macros read each entity on DuckDB (the sources' `external_location`).
ENTITY_FILES = "{root}/raw/{entity}/as_at=*/load=*/*.parquet"
LEDGER_FILES = "{root}/ledger/*.parquet"


@dataclass(frozen=True)
class PortableBuild:
    """What one build on PostgreSQL did: the lake copy, then dbt."""

    ok: bool
    exit_code: int
    tables_loaded: int
    load_seconds: float
    build_seconds: float
    run_results: RunResults

    def describe(self) -> str:
        counts = ", ".join(f"{n} {kind}s" for kind, n in self.run_results.count_by_kind().items())
        verdict = "passed" if self.ok else "failed"
        lines = [
            f"PostgreSQL build {verdict} ({counts}): lake copied ({self.tables_loaded} tables) in"
            f" {self.load_seconds:.1f}s, dbt build in {self.build_seconds:.1f}s; nothing published."
        ]
        lines += [f"  {n.status}: {n.unique_id}: {n.message}" for n in self.run_results.failures()]
        return "\n".join(lines)


def build_dsn(settings: Settings) -> str:
    dsn = settings.warehouse_build_dsn
    if dsn is None:
        raise CaregovError("CAREGOV_WAREHOUSE_BUILD_DSN is not set.")
    return dsn


def profile_environment(dsn: str) -> dict[str, str]:
    """The profile's `postgres` target's connection parts (dbt_project/profiles.yml)."""
    try:
        params = {k: str(v) for k, v in conninfo_to_dict(dsn).items() if v}
    except psycopg.ProgrammingError:
        raise CaregovError(
            "CAREGOV_WAREHOUSE_BUILD_DSN is not a PostgreSQL connection string"
            " (postgresql://user@host:port/database)."
        ) from None
    user = params.get("user") or os.environ.get("PGUSER") or "postgres"
    return {
        "CAREGOV_PG_BUILD_HOST": params.get("host") or os.environ.get("PGHOST") or "127.0.0.1",
        "CAREGOV_PG_BUILD_PORT": params.get("port") or os.environ.get("PGPORT") or "5432",
        "CAREGOV_PG_BUILD_USER": user,
        "CAREGOV_PG_BUILD_PASSWORD": params.get("password") or os.environ.get("PGPASSWORD", ""),
        "CAREGOV_PG_BUILD_DBNAME": params.get("dbname") or os.environ.get("PGDATABASE") or user,
    }


def lake_tables(settings: Settings) -> dict[str, str]:
    """Each lake table that has rows to read, and the Parquet files it is read from."""
    root = str(settings.lake)
    entities = sorted(settings.raw.iterdir()) if settings.raw.is_dir() else []
    tables = {
        entity.name: ENTITY_FILES.format(root=root, entity=entity.name)
        for entity in entities
        if entity.is_dir() and next(entity.glob("as_at=*/load=*/*.parquet"), None)
    }
    if next(settings.ledger.glob("*.parquet"), None):
        tables["ledger"] = LEDGER_FILES.format(root=root)
    return tables


def load_lake(settings: Settings, dsn: str) -> int:
    """Replace the build database's `lake` schema with a copy of the lake: one table per entity
    (every delivery's rows, columns matched by name as DuckDB's sources read them) and the
    ledger. One transaction: a failed copy leaves the previous one. Return the tables copied."""
    tables = lake_tables(settings)
    with lakehouse.connect(settings) as con:
        con.execute(f"attach {lakehouse.literal(dsn)} as build (type postgres)")
        con.execute("begin transaction")
        con.execute(f"drop schema if exists build.{LAKE_SCHEMA} cascade")
        con.execute(f"create schema build.{LAKE_SCHEMA}")
        for table, files in tables.items():
            hive = ", hive_partitioning=false" if table != "ledger" else ""
            con.execute(
                f'create table build.{LAKE_SCHEMA}."{table}" as select * from'
                f" read_parquet({lakehouse.literal(files)}, union_by_name=true{hive})"
            )
        con.execute("commit")
    with psycopg.connect(dsn, autocommit=True) as session:
        for table in tables:
            session.execute(
                sql.SQL("analyze {}.{}").format(sql.Identifier(LAKE_SCHEMA), sql.Identifier(table))
            )
    return len(tables)


def build_on_postgres(settings: Settings) -> PortableBuild:
    """Copy the lake into the build database, then run a full `dbt build` there (see the module
    docstring). The DuckDB build, its state and the serving warehouse are not touched."""
    dsn = build_dsn(settings)
    started = time.monotonic()
    loaded = load_lake(settings, dsn)
    loaded_at = time.monotonic()
    results_file = run_results_path(settings, TARGET)
    results_file.unlink(missing_ok=True)
    # As the DuckDB build's dbt (warehouse.runner): the child dies with this process, however
    # it dies, and an interrupted build stops it.
    with subprocess.Popen(
        dbt_command(settings, "build", "--full-refresh", target=TARGET),
        cwd=PROJECT_ROOT,
        env=dbt_environment(settings) | profile_environment(dsn),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
        preexec_fn=functools.partial(runner.die_with_parent, os.getpid()),
    ) as process:
        try:
            output, _ = process.communicate()
        except BaseException:
            runner.stop_group(process)
            raise
    finished = time.monotonic()
    results = RunResults.read(results_file)
    if process.returncode != 0 and not results.nodes:
        raise CaregovError(f"dbt build on PostgreSQL failed to run:\n{output[-4000:]}")
    return PortableBuild(
        ok=process.returncode == 0 and results.all_passed,
        exit_code=process.returncode,
        tables_loaded=loaded,
        load_seconds=loaded_at - started,
        build_seconds=finished - loaded_at,
        run_results=results,
    )
