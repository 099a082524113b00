"""The regional hub's shared lakehouse: DuckLake with its catalog in PostgreSQL.

With `CAREGOV_WAREHOUSE_CATALOG` set, dbt builds into a DuckLake (the profile's `lakehouse`
target) instead of `build.duckdb`: the catalog (which Parquet files make up which table at which
snapshot) is that PostgreSQL database, the data files are under `warehouse/ducklake/`. Every
DuckLake commit is one catalog transaction, so a reader of the lake sees whole snapshots, never a
half-written table; publishing reads every mart in one transaction, from one snapshot.

DuckDB cannot download extensions here (and a production host should not): the DuckLake and
PostgreSQL extensions come from PyPI wheels of DuckDB's exact version, locked with the project,
and are copied into the home's extension folder (`INSTALL '<file>'` copies a local file).
Connections that need them turn off DuckDB's automatic installation, so a missing extension is
an error, not a download.

A hub's councils are built together, in one run, each row carrying its `la_code`. Builds of one catalog are serialised across machines by a PostgreSQL advisory lock (`build_lock`),
held by a session of its own for the whole build and publish: the home's file lock only covers
one machine, and two builds of the same schemas would interleave their tables.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb

from caregov import fs
from caregov.errors import CaregovError
from caregov.settings import Settings

# The extensions' wheel modules (duckdb_extension_<name>) and the names DuckDB lists them by.
EXTENSIONS = {"ducklake": "ducklake", "postgres": "postgres_scanner"}
CATALOG_ALIAS = "lake"
# The advisory lock every build of a catalog takes (PostgreSQL hashes the name to a lock key).
BUILD_LOCK_NAME = "caregov.warehouse.build"


def wheel_file(name: str) -> Path:
    """The extension file a locked wheel ships for this DuckDB version."""
    module = importlib.import_module(f"duckdb_extension_{name}")
    assert module.__file__ is not None
    path = (
        Path(module.__file__).parent
        / "extensions"
        / f"v{duckdb.__version__}"
        / f"{name}.duckdb_extension"
    )
    if not path.is_file():
        raise CaregovError(
            f"the {name} extension for DuckDB {duckdb.__version__} is missing from its wheel"
            f" ({path}); reinstall with `make install`."
        )
    return path


def duckdb_config(settings: Settings) -> dict[str, str | bool | int | float | list[str]]:
    """Connection settings: extensions from the home's folder only, never downloaded."""
    return {
        "extension_directory": str(settings.duckdb_extensions),
        "autoinstall_known_extensions": False,
        "autoload_known_extensions": True,
    }


def install_extensions(settings: Settings) -> None:
    """Copy the DuckLake and PostgreSQL extensions from their wheels into the home's extension
    folder, once (a second call finds them installed)."""
    fs.ensure_dir(settings.duckdb_extensions)
    with (
        fs.exclusive_lock(settings.state / "duckdb-extensions.lock"),
        duckdb.connect(config=duckdb_config(settings)) as con,
    ):
        installed = {
            str(name)
            for (name,) in con.execute(
                "select extension_name from duckdb_extensions() where installed"
            ).fetchall()
        }
        for name, listed_as in EXTENSIONS.items():
            if listed_as not in installed:
                con.execute(f"install {literal(str(wheel_file(name)))}")


def connect(settings: Settings) -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB with the hub's extensions available."""
    install_extensions(settings)
    return duckdb.connect(config=duckdb_config(settings))


def attach_catalog(
    con: duckdb.DuckDBPyConnection, settings: Settings, read_only: bool = False
) -> str:
    """Attach the home's DuckLake as `lake` (as the profile's `lakehouse` target does) and
    return the alias."""
    catalog = _catalog(settings)
    options = f"data_path {literal(str(settings.ducklake_data) + '/')}"
    if read_only:
        options += ", read_only"
    con.execute(f"attach {literal('ducklake:postgres:' + catalog)} as {CATALOG_ALIAS} ({options})")
    return CATALOG_ALIAS


def has_marts(settings: Settings) -> bool:
    """Whether the lakehouse holds the build's marts (schema `marts`): what a nightly build
    needs to run incrementally."""
    with connect(settings) as con:
        attach_catalog(con, settings, read_only=True)
        (count,) = con.execute(
            "select count(*) from duckdb_tables() where database_name = ? and schema_name = ?",
            [CATALOG_ALIAS, "marts"],
        ).fetchone() or (0,)
    return bool(count)


@contextmanager
def build_lock(settings: Settings) -> Iterator[None]:
    """One build of the catalog at a time, whichever machine runs it (others wait their turn).

    A session-level advisory lock on its own connection: PostgreSQL releases it when the
    session ends, so a build killed outright never leaves the catalog locked."""
    import psycopg  # only a hub's builds need it

    with psycopg.connect(_catalog(settings), autocommit=True) as session:
        session.execute("select pg_advisory_lock(hashtext(%s))", [BUILD_LOCK_NAME])
        try:
            yield
        finally:
            session.execute("select pg_advisory_unlock(hashtext(%s))", [BUILD_LOCK_NAME])


def _catalog(settings: Settings) -> str:
    catalog = settings.warehouse_catalog
    if catalog is None:
        raise CaregovError("CAREGOV_WAREHOUSE_CATALOG is not set.")
    return catalog


def literal(text: str) -> str:
    """A SQL string literal."""
    return "'" + text.replace("'", "''") + "'"
