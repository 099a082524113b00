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


def publish(settings: Settings, with_manifest: bool = True) -> None:
    """Write the marts to a new file beside the serving file and rename it into place.

    Only schema `marts` is served: Superset and `caregov metrics` read nothing else. So the
    row-level staging and intermediate relations stay in build.duckdb (or the hub's DuckLake),
    and publishing writes a few megabytes instead of copying the whole build. Table and column
    descriptions go along, and dbt's manifest (which Superset's dataset descriptions come from)
    goes beside the serving file `with_manifest`. A nightly build writes no manifest: the one
    published with the same code, by the last full build, stays.

    With `CAREGOV_SERVING_DSN` set, the new file's marts are also published into that
    PostgreSQL database (warehouse.serving) before the file is renamed into place: if that
    fails, neither the database nor the file changes.
    """
    if settings.warehouse_catalog is None:
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
    """Copy schema `marts` of the build (the file, or the DuckLake as one snapshot: the copy is
    one transaction), with its comments, into the open file `con`."""
    if settings.warehouse_catalog:
        build = lakehouse.attach_catalog(con, settings, read_only=True)
    else:
        build = "build"
        con.execute(f"attach {_literal(str(settings.build_db))} as build (read_only)")
    con.execute("begin transaction")
    con.execute("create schema marts")
    relations = con.execute(
        "select table_name, comment from duckdb_tables()"
        " where database_name = $build and schema_name = 'marts'"
        " union all select view_name, comment from duckdb_views()"
        " where database_name = $build and schema_name = 'marts' and not internal"
        " order by 1",
        {"build": build},
    ).fetchall()
    for name, comment in relations:
        table = f'marts."{name}"'
        con.execute(f"create table {table} as select * from {build}.{table}")
        if comment:
            con.execute(f"comment on table {table} is {_literal(comment)}")
    for name, column, comment in con.execute(
        "select table_name, column_name, comment from duckdb_columns()"
        " where database_name = ? and schema_name = 'marts' and comment is not null",
        [build],
    ).fetchall():
        con.execute(f'comment on column marts."{name}"."{column}" is {_literal(comment)}')
    con.execute("commit")
    con.execute(f"detach {build}")
    con.execute("checkpoint")


def _literal(text: str) -> str:
    """A SQL string literal."""
    return "'" + text.replace("'", "''") + "'"
