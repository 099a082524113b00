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

# A build the publish reads: a DuckDB file, or (None) the DuckLake of CAREGOV_WAREHOUSE_CATALOG.
Build = Path | None


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
    build: Build = None if settings.warehouse_catalog else settings.build_db
    _write_serving(settings, {code: build})
    manifest = target_path(settings) / "manifest.json"
    if with_manifest and manifest.exists():
        fs.copy_file(manifest, settings.warehouse / "manifest.json")
    log.info("published %s", settings.serving_db)


def publish_region(settings: Settings) -> None:
    """Publish a hub: every council's marts, from its own build file, in one new serving file
    renamed into place, each row carrying its council's `la_code`. The manifest is the first
    council's (the same code built them all)."""
    builds: dict[str, Build] = {
        code: settings.for_council(code).build_db for code in settings.council_codes
    }
    region = settings.for_council(REGION_CODE).build_db
    _write_serving(settings, builds, region)
    manifest = target_path(settings.for_council(settings.council_codes[0])) / "manifest.json"
    if manifest.exists():
        fs.copy_file(manifest, settings.warehouse / "manifest.json")
    log.info("published %s (%d councils)", settings.serving_db, len(builds))


def _write_serving(
    settings: Settings, builds: dict[str, Build], region: Path | None = None
) -> None:
    """The new serving file from `builds` (and the region's rows), then, serving from
    PostgreSQL, its marts there; renamed into place only when both are written."""
    for build in builds.values():
        if build is not None:
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
                _add_region_rows(con, region)
        if settings.serving_dsn:
            from warehouse.serving import publish_to_postgres  # only a hub publishes there

            publish_to_postgres(settings, staged)


def _copy_marts(
    con: duckdb.DuckDBPyConnection, settings: Settings, builds: dict[str, Build]
) -> None:
    """Copy schema `marts` of the builds (council code -> build; the DuckLake is read as one
    snapshot: the copy is one transaction), with the first's comments, into the open file
    `con`: each table's rows of every council, led by column `la_code` (the SHARED_MARTS once,
    as they are)."""
    names = {}
    for number, (code, build) in enumerate(builds.items()):
        if build is None:
            names[code] = lakehouse.attach_catalog(con, settings, read_only=True)
        else:
            names[code] = f"build_{number}"
            con.execute(f"attach {_literal(str(build))} as {names[code]} (read_only)")
    first = next(iter(names.values()))
    con.execute("begin transaction")
    con.execute("create schema marts")
    relations = con.execute(
        "select table_name, comment from duckdb_tables()"
        f" where database_name = '{first}' and schema_name = 'marts'"
        " union all select view_name, comment from duckdb_views()"
        f" where database_name = '{first}' and schema_name = 'marts' and not internal"
        " order by 1"
    ).fetchall()
    for name, comment in relations:
        table = f'marts."{name}"'
        if name in SHARED_MARTS:
            con.execute(f"create table {table} as select * from {first}.{table}")
        else:
            rows = " union all by name ".join(
                f"select {_literal(code)} as la_code, * from {database}.{table}"
                for code, database in names.items()
            )
            con.execute(f"create table {table} as {rows}")
            con.execute(f"comment on column {table}.la_code is {_literal(LA_CODE_COMMENT)}")
        if comment:
            con.execute(f"comment on table {table} is {_literal(comment)}")
    for name, column, comment in con.execute(
        "select table_name, column_name, comment from duckdb_columns()"
        f" where database_name = '{first}' and schema_name = 'marts' and comment is not null"
    ).fetchall():
        con.execute(f'comment on column marts."{name}"."{column}" is {_literal(comment)}')
    con.execute("commit")
    for database in names.values():
        con.execute(f"detach {database}")
    con.execute("checkpoint")


def _add_region_rows(con: duckdb.DuckDBPyConnection, region_db: Path) -> None:
    """Append the region's pooled rows (la_code REGION, models/region/) to their marts."""
    con.execute(f"attach {_literal(str(region_db))} as region_build (read_only)")
    con.execute("begin transaction")
    for mart in REGION_MARTS:
        con.execute(
            f'insert into marts."{mart}" by name select * from region_build.region."region_{mart}"'
        )
    con.execute("commit")
    con.execute("detach region_build")
    con.execute("checkpoint")


def _literal(text: str) -> str:
    """A SQL string literal."""
    return "'" + text.replace("'", "''") + "'"
