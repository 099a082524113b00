"""Publish the marts blue/green: a new serving file beside the old one, renamed into place (and,
for a regional hub, a new schema in PostgreSQL, swapped into place: warehouse.serving).

Only if every node of a build passed are the marts written to a new file beside the serving
file, which is renamed onto `warehouse/governance.duckdb` (`caregov.fs.staged`), so readers
(Superset, `caregov metrics`) always open either yesterday's complete warehouse or today's, never
a half-built or failed one, and never meet a lock: DuckDB allows one writer or many readers per
file, and nobody writes the serving file in place.
"""

from __future__ import annotations

import logging
from pathlib import Path

import duckdb

from caregov import fs
from caregov.settings import REGION_CODE, Settings
from warehouse import lakehouse
from warehouse.project import target_path

log = logging.getLogger(__name__)

# Marts that describe the platform, not a council (the same rows in every council's build): served
# once, without `la_code`.
SHARED_MARTS = frozenset({"metric_catalogue"})
# The marts with a REGION row per figure in a hub (models/region/region_<mart>.sql).
REGION_MARTS = ("governance_metrics", "governance_metrics_spc", "ascof_measures")
LA_CODE_COMMENT = (
    "The council the row is about (CAREGOV_COUNCIL_CODE, or in a regional hub the la_code of"
    " councils.csv; REGION: the hub's councils pooled)."
)

# A build the publish reads: a DuckDB file, or the schema of the DuckLake of
# CAREGOV_WAREHOUSE_CATALOG that holds its marts (`marts`, or a hub council's `<la_code>_marts`).
Build = Path | str


def publish(settings: Settings, with_manifest: bool = True) -> None:
    """Write the marts to a new file beside the serving file and rename it into place.

    Only schema `marts` is served: Superset and `caregov metrics` read nothing else. So the
    row-level staging and intermediate relations stay in build.duckdb (or the DuckLake), and
    publishing writes a few megabytes instead of copying the whole build. Table and column
    descriptions go along, and dbt's manifest (which Superset's dataset descriptions come from)
    goes beside the serving file `with_manifest`. A nightly build writes no manifest: the one
    published with the same code, by the last full build, stays.

    With `CAREGOV_SERVING_DSN` set, the new file's marts are also published into that
    PostgreSQL database (warehouse.serving) before the file is renamed into place: if that
    fails, neither the database nor the file changes.
    """
    # A hub's council is published too (its own serving file, which its next nightly build
    # compares with); the region is published from the councils' build files.
    code = settings.build_council or settings.council_code
    _write_serving(settings, {code: _build(settings)})
    manifest = target_path(settings) / "manifest.json"
    if with_manifest and manifest.exists():
        fs.copy_file(manifest, settings.warehouse / "manifest.json")
    log.info("published %s", settings.serving_db)


def publish_region(settings: Settings) -> None:
    """Publish a hub: every council's marts, from its own build file, in one new serving file
    renamed into place, each row carrying its council's `la_code`. The manifest is the first
    council's (the same code built them all)."""
    builds = {code: _build(settings.for_council(code)) for code in settings.council_codes}
    _write_serving(settings, builds, _build(settings.for_council(REGION_CODE), "region"))
    manifest = target_path(settings.for_council(settings.council_codes[0])) / "manifest.json"
    if manifest.exists():
        fs.copy_file(manifest, settings.warehouse / "manifest.json")
    log.info("published %s (%d councils)", settings.serving_db, len(builds))


def _build(settings: Settings, schema: str = "marts") -> Build:
    """Where a build's `schema` is: its DuckDB file, or its schema's name in the DuckLake."""
    return settings.warehouse_schema(schema) if settings.warehouse_catalog else settings.build_db


def _write_serving(
    settings: Settings, builds: dict[str, Build], region: Build | None = None
) -> None:
    """The new serving file from `builds` (and the region's rows), then, serving from
    PostgreSQL, its marts there; renamed into place only when both are written."""
    for build in builds.values():
        if isinstance(build, Path):
            with duckdb.connect(str(build)) as con:
                con.execute("checkpoint")
    config: dict[str, str | bool | int | float | list[str]] = {}
    if settings.warehouse_catalog:
        lakehouse.install_extensions(settings)
        config = lakehouse.duckdb_config(settings)
    with fs.staged(settings.serving_db) as staged:
        with duckdb.connect(str(staged), config=config) as con:
            _copy_marts(con, settings, builds)
            if region is not None:
                _add_region_rows(con, settings, region)
        if settings.serving_dsn:
            from warehouse.serving import publish_to_postgres  # only a hub publishes there

            publish_to_postgres(settings, staged)


def _copy_marts(
    con: duckdb.DuckDBPyConnection, settings: Settings, builds: dict[str, Build]
) -> None:
    """Copy the marts of the builds (council code -> build; the DuckLake is read as one
    snapshot: the copy is one transaction), with the first's comments, into schema `marts` of
    the open file `con`: each table's rows of every council, led by column `la_code` (the
    SHARED_MARTS once, as they are)."""
    names = {}  # council code -> the marts schema, as `<database>.<schema>`
    for number, (code, build) in enumerate(builds.items()):
        if isinstance(build, Path):
            names[code] = f"build_{number}.marts"
            con.execute(f"attach {_literal(str(build))} as build_{number} (read_only)")
        else:
            if lakehouse.CATALOG_ALIAS not in _databases(con):
                lakehouse.attach_catalog(con, settings, read_only=True)
            names[code] = f'{lakehouse.CATALOG_ALIAS}."{build}"'
    first_database, first_schema = _split(next(iter(names.values())))
    where = f"database_name = '{first_database}' and schema_name = '{first_schema}'"
    con.execute("begin transaction")
    con.execute("create schema marts")
    relations = con.execute(
        f"select table_name, comment from duckdb_tables() where {where}"
        f" union all select view_name, comment from duckdb_views() where {where}"
        " and not internal order by 1"
    ).fetchall()
    first = next(iter(names.values()))
    for name, comment in relations:
        table = f'marts."{name}"'
        if name in SHARED_MARTS:
            con.execute(f'create table {table} as select * from {first}."{name}"')
        else:
            rows = " union all by name ".join(
                f'select {_literal(code)} as la_code, * from {schema}."{name}"'
                for code, schema in names.items()
            )
            con.execute(f"create table {table} as {rows}")
            con.execute(f"comment on column {table}.la_code is {_literal(LA_CODE_COMMENT)}")
        if comment:
            con.execute(f"comment on table {table} is {_literal(comment)}")
    for name, column, comment in con.execute(
        "select table_name, column_name, comment from duckdb_columns()"
        f" where {where} and comment is not null"
    ).fetchall():
        con.execute(f'comment on column marts."{name}"."{column}" is {_literal(comment)}')
    con.execute("commit")
    for database in {_split(schema)[0] for schema in names.values()}:
        con.execute(f"detach {database}")
    con.execute("checkpoint")


def _add_region_rows(con: duckdb.DuckDBPyConnection, settings: Settings, region: Build) -> None:
    """Append the region's pooled rows (la_code REGION, models/region/) to their marts."""
    if isinstance(region, Path):
        con.execute(f"attach {_literal(str(region))} as region_build (read_only)")
        schema, database = "region_build.region", "region_build"
    else:
        database = lakehouse.attach_catalog(con, settings, read_only=True)
        schema = f'{database}."{region}"'
    con.execute("begin transaction")
    for mart in REGION_MARTS:
        con.execute(f'insert into marts."{mart}" by name select * from {schema}."region_{mart}"')
    con.execute("commit")
    con.execute(f"detach {database}")
    con.execute("checkpoint")


def _databases(con: duckdb.DuckDBPyConnection) -> set[str]:
    rows = con.execute("select database_name from duckdb_databases()").fetchall()
    return {str(name) for (name,) in rows}


def _split(schema: str) -> tuple[str, str]:
    """`database.schema` (the schema perhaps quoted) -> (database, schema)."""
    database, name = schema.split(".", 1)
    return database, name.strip('"')


def _literal(text: str) -> str:
    """A SQL string literal."""
    return "'" + text.replace("'", "''") + "'"
