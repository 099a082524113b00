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

import duckdb

from caregov import fs
from caregov.settings import Settings
from warehouse import lakehouse
from warehouse.project import target_path

log = logging.getLogger(__name__)

# Marts that describe the platform, not a council: no `la_code`.
SHARED_MARTS = frozenset({"metric_catalogue"})
# The marts with a REGION row per figure in a hub (models/region/region_<mart>.sql).
REGION_MARTS = ("governance_metrics", "governance_metrics_spc", "ascof_measures")
LA_CODE_COMMENT = (
    "The council the row is about (CAREGOV_COUNCIL_CODE, or in a regional hub the la_code of"
    " councils.csv; REGION: the hub's councils pooled)."
)


def publish(settings: Settings, with_manifest: bool = True) -> None:
    """Write the marts to a new file beside the serving file and rename it into place.

    Only schema `marts` is served: Superset and `caregov metrics` read nothing else. So the
    row-level staging and intermediate relations stay in build.duckdb (or the DuckLake), and
    publishing writes a few megabytes instead of copying the whole build. Table and column
    descriptions go along, and dbt's manifest (which Superset's dataset descriptions come from)
    goes beside the serving file `with_manifest`. A nightly build writes no manifest: the one
    published with the same code, by the last full build, stays.

    Every mart's rows carry their council's `la_code` (but SHARED_MARTS); in a regional hub
    the region's pooled rows (la_code REGION, built in schema `region`, models/region/) are
    appended to their marts.

    With `CAREGOV_SERVING_DSN` set, the new file's marts are also published into that
    PostgreSQL database (warehouse.serving) before the file is renamed into place: if that
    fails, neither the database nor the file changes.
    """
    if not settings.warehouse_catalog:
        with duckdb.connect(str(settings.build_db)) as con:
            con.execute("checkpoint")
    config: dict[str, str | bool | int | float | list[str]] = {}
    if settings.warehouse_catalog:
        lakehouse.install_extensions(settings)
        config = lakehouse.duckdb_config(settings)
    with fs.staged(settings.serving_db) as staged:
        with duckdb.connect(str(staged), config=config) as con:
            _copy_marts(con, settings)
        if settings.serving_dsn:
            from warehouse.serving import publish_to_postgres  # only a hub publishes there

            publish_to_postgres(settings, staged)
    manifest = target_path(settings) / "manifest.json"
    if with_manifest and manifest.exists():
        fs.copy_file(manifest, settings.warehouse / "manifest.json")
    log.info("published %s", settings.serving_db)


def _copy_marts(con: duckdb.DuckDBPyConnection, settings: Settings) -> None:
    """Copy the build's marts, with their comments, into schema `marts` of the open file `con`
    (the DuckLake is read as one snapshot: the copy is one transaction), and a hub's REGION
    rows after its councils' rows."""
    if settings.warehouse_catalog:
        database = lakehouse.attach_catalog(con, settings, read_only=True)
    else:
        database = "build"
        con.execute(f"attach {_literal(str(settings.build_db))} as {database} (read_only)")
    where = f"database_name = '{database}' and schema_name = 'marts'"
    con.execute("begin transaction")
    con.execute("create schema marts")
    relations = con.execute(
        f"select table_name, comment from duckdb_tables() where {where}"
        f" union all select view_name, comment from duckdb_views() where {where}"
        " and not internal order by 1"
    ).fetchall()
    for name, comment in relations:
        table = f'marts."{name}"'
        con.execute(f'create table {table} as select * from {database}.marts."{name}"')
        if settings.hub and name in REGION_MARTS:
            con.execute(
                f'insert into {table} by name select * from {database}.region."region_{name}"'
            )
        if comment:
            con.execute(f"comment on table {table} is {_literal(comment)}")
    for name, column, comment in con.execute(
        "select table_name, column_name, comment from duckdb_columns()"
        f" where {where} and comment is not null"
    ).fetchall():
        con.execute(f'comment on column marts."{name}"."{column}" is {_literal(comment)}')
    for (name,) in con.execute(
        "select table_name from duckdb_columns() where database_name = current_database()"
        " and schema_name = 'marts' and column_name = 'la_code' and comment is null"
    ).fetchall():
        con.execute(f'comment on column marts."{name}".la_code is {_literal(LA_CODE_COMMENT)}')
    con.execute("commit")
    con.execute(f"detach {database}")
    con.execute("checkpoint")


def _literal(text: str) -> str:
    """A SQL string literal."""
    return "'" + text.replace("'", "''") + "'"
