"""A regional hub on the real local PostgreSQL: the DuckLake build, the PostgreSQL serving schema.

One small generated council is ingested once and built twice, once natively (build.duckdb) and
once as a hub (`CAREGOV_WAREHOUSE_CATALOG`: DuckLake with its catalog in PostgreSQL;
`CAREGOV_SERVING_DSN`: the marts published into PostgreSQL). Each test session gets databases of
its own on the server, dropped afterwards with the read-only role.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import stat
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass

import duckdb
import psycopg
import pytest
import sqlalchemy
from psycopg import sql

from caregov.sample import generate_council
from caregov.settings import Settings
from caregov_superset.assets import load_assets, masked_uri
from ingestion.deliveries import ingest_paths
from tests.conftest import home_environ
from warehouse import lakehouse
from warehouse.build import BuildResult, build_and_publish
from warehouse.serving import publish_to_postgres

pytestmark = pytest.mark.slow

SERVER = os.environ.get("CAREGOV_TEST_POSTGRES", "postgresql://postgres@127.0.0.1:5432")
COUNCIL = {"seed": 11, "start": "2025-04", "months": 2, "scale": 0.1, "national": True}


@dataclass
class Hub:
    native: Settings
    hub: Settings
    native_build: BuildResult
    hub_build: BuildResult
    catalog_db: str
    serving_db: str


@pytest.fixture(scope="module")
def databases() -> Iterator[tuple[str, str]]:
    """A catalog and a serving database of this session's own; dropped afterwards."""
    name = f"caregov_test_{os.getpid()}_{secrets.token_hex(4)}"
    created = (f"{name}_catalog", f"{name}_serving")
    with psycopg.connect(f"{SERVER}/postgres", autocommit=True) as admin:
        for database in created:
            admin.execute(sql.SQL("create database {}").format(sql.Identifier(database)))
    try:
        yield created
    finally:
        with psycopg.connect(f"{SERVER}/postgres", autocommit=True) as admin:
            for database in created:
                admin.execute(
                    sql.SQL("drop database if exists {} with (force)").format(
                        sql.Identifier(database)
                    )
                )
            admin.execute(
                sql.SQL("drop role if exists {}").format(
                    sql.Identifier(f"caregov_reader_{created[1]}")
                )
            )


@pytest.fixture(scope="module")
def hub(tmp_path_factory: pytest.TempPathFactory, databases: tuple[str, str]) -> Hub:
    """The council built natively and as a hub, from the same lake."""
    root = tmp_path_factory.mktemp("hub")
    generate_council(root / "extracts", **COUNCIL)  # type: ignore[arg-type]
    native_home, hub_home = root / "native", root / "hub"
    native = Settings.from_env(home_environ(native_home))
    outcomes = ingest_paths(native, [root / "extracts"], echo=lambda _line: None)
    assert all(o.status == "loaded" for o in outcomes), [o.line() for o in outcomes]
    native_build = build_and_publish(native)
    assert native_build.ok, native_build.describe()
    shutil.copytree(native.lake, hub_home / "lake")
    catalog_db, serving_db = databases
    hub_env = home_environ(hub_home) | {
        "CAREGOV_WAREHOUSE_CATALOG": f"{SERVER}/{catalog_db}",
        "CAREGOV_SERVING_DSN": f"{SERVER}/{serving_db}",
    }
    hub_settings = Settings.from_env(hub_env)
    hub_build = build_and_publish(hub_settings)
    assert hub_build.ok, hub_build.describe()
    return Hub(native, hub_settings, native_build, hub_build, catalog_db, serving_db)


def _marts(con: duckdb.DuckDBPyConnection, database: str) -> dict[str, list[str]]:
    """Each table of `database`.marts with its column types, in order."""
    tables: dict[str, list[str]] = {}
    for table, data_type in con.execute(
        "select table_name, data_type from duckdb_columns()"
        " where database_name = ? and schema_name = 'marts' order by table_name, column_index",
        [database],
    ).fetchall():
        tables.setdefault(table, []).append(data_type)
    return tables


def _differences(con: duckdb.DuckDBPyConnection, left: str, right: str, table: str) -> int:
    """Rows in one table and not the other, both ways, duplicates counted."""
    (count,) = con.execute(
        f"select (select count(*) from (select * from {left}.marts.{table}"
        f" except all select * from {right}.marts.{table}))"
        f" + (select count(*) from (select * from {right}.marts.{table}"
        f" except all select * from {left}.marts.{table}))"
    ).fetchone() or (None,)
    return int(count)


def test_the_hub_builds_into_a_ducklake_under_its_home(hub: Hub) -> None:
    """The hub's build leaves no build.duckdb: its tables are Parquet files under the home and
    a DuckLake catalog in PostgreSQL, read with extensions installed from the wheels."""
    assert not hub.hub.build_db.exists()
    assert list(hub.hub.ducklake_data.rglob("*.parquet"))
    with psycopg.connect(f"{SERVER}/{hub.catalog_db}") as con:
        (snapshots,) = con.execute("select count(*) from ducklake_snapshot").fetchone() or (0,)
    assert snapshots > 1
    installed = {p.name for p in hub.hub.duckdb_extensions.rglob("*.duckdb_extension")}
    assert installed == {"ducklake.duckdb_extension", "postgres_scanner.duckdb_extension"}
    assert hub.hub_build.run_results.count_by_kind() == hub.native_build.run_results.count_by_kind()


def test_every_mart_built_in_ducklake_equals_the_native_build(hub: Hub) -> None:
    """The marts published from the DuckLake build are the native build's, type for type and
    row for row."""
    with duckdb.connect() as con:
        con.execute(f"attach '{hub.native.serving_db}' as native (read_only)")
        con.execute(f"attach '{hub.hub.serving_db}' as lake (read_only)")
        native, lake = _marts(con, "native"), _marts(con, "lake")
        assert lake == native
        assert {t: _differences(con, "native", "lake", t) for t in native} == dict.fromkeys(
            native, 0
        )
        filled = [
            t
            for t in native
            if (con.execute(f"select count(*) from native.marts.{t}").fetchone() or (0,))[0]
        ]
    assert len(filled) >= len(native) // 2


def test_every_mart_in_postgresql_equals_the_native_build(hub: Hub) -> None:
    """Every mart in PostgreSQL's `marts` holds the native build's rows, with its
    descriptions."""
    with lakehouse.connect(hub.hub) as con:
        con.execute(f"attach '{hub.native.serving_db}' as native (read_only)")
        con.execute(f"attach '{SERVER}/{hub.serving_db}' as serving (type postgres, read_only)")
        native, served = _marts(con, "native"), _marts(con, "serving")
        assert set(served) == set(native)
        assert {t: len(served[t]) for t in native} == {t: len(native[t]) for t in native}
        assert {t: _differences(con, "native", "serving", t) for t in native} == dict.fromkeys(
            native, 0
        )
        rows = {
            t: con.execute(f"select count(*) from serving.marts.{t}").fetchone() for t in native
        }
    assert sum(count for (count,) in rows.values() if count) > 0  # type: ignore[misc]
    with psycopg.connect(f"{SERVER}/{hub.serving_db}") as pg:
        (described,) = pg.execute(
            "select obj_description('marts.governance_metrics'::regclass, 'pg_class')"
        ).fetchone() or (None,)
        schemas = {name for (name,) in pg.execute("select nspname from pg_namespace").fetchall()}
    assert described
    assert not {s for s in schemas if s.startswith(("marts_next_", "marts_retired_"))}


def test_readers_during_publishes_see_whole_marts_old_or_new(hub: Hub) -> None:
    """Readers looping on the marts while five publishes swap the schema never miss a table
    or see part of one: every read is a whole table, old or new."""
    with duckdb.connect(str(hub.hub.serving_db), read_only=True) as con:
        marts = len(_marts(con, "governance"))
        expected = {
            t: con.execute(f"select count(*) from marts.{t}").fetchone()[0]  # type: ignore[index]
            for t in ("governance_metrics", "workforce_monthly", "waiting_list_monthly")
        }
    reader = hub.hub.serving_reader_conninfo()
    stop = threading.Event()
    reads: list[tuple[str, int, int]] = []
    errors: list[str] = []

    def read() -> None:
        with psycopg.connect(**reader, autocommit=True) as con:  # type: ignore[arg-type]
            while not stop.is_set():
                for table in expected:
                    try:
                        for oid, count in con.execute(
                            sql.SQL(
                                "select tableoid::int, count(*) from marts.{} group by 1"
                            ).format(sql.Identifier(table))
                        ).fetchall():
                            reads.append((table, oid, count))
                    except psycopg.Error as error:
                        errors.append(f"{table}: {error}")

    threads = [threading.Thread(target=read) for _ in range(4)]
    for thread in threads:
        thread.start()
    try:
        time.sleep(0.2)
        outcomes = [publish_to_postgres(hub.hub, hub.hub.serving_db) for _ in range(5)]
        time.sleep(0.2)
    finally:
        stop.set()
        for thread in threads:
            thread.join()
    assert errors == []
    assert {(table, count) for table, _, count in reads} == set(expected.items())
    # The readers saw the tables of more than one publish: the swaps happened under them.
    assert len({oid for _, oid, _ in reads}) > len(expected)
    assert all(o.tables == marts for o in outcomes)


# Refusals: insufficient privilege, or a write in a read-only transaction.
REFUSED = {"42501", "25006"}


def _as_reader(hub: Hub, statement: str) -> str:
    """Run statements as the read-only role (autocommit, so it may try to open a read-write
    transaction itself); return "ok", "refused" or the unexpected error."""
    conninfo = hub.hub.serving_reader_conninfo()
    with psycopg.connect(**conninfo, autocommit=True) as con:  # type: ignore[arg-type]
        try:
            con.execute(statement)  # type: ignore[arg-type]
        except psycopg.Error as error:
            return "refused" if error.sqlstate in REFUSED else f"{error.sqlstate}: {error}"
    return "ok"


def test_the_reader_role_reads_the_marts_and_nothing_else(hub: Hub) -> None:
    """The role Superset connects as reads `marts`; it cannot write, create, switch its
    transactions to read-write, or read another schema or a server file."""
    with psycopg.connect(f"{SERVER}/{hub.serving_db}", autocommit=True) as owner:
        owner.execute("create table if not exists public.bait as select 'secret' as a")
        owner.execute("create schema if not exists other")
        owner.execute("create table if not exists other.bait as select 'secret' as a")
    assert _as_reader(hub, "select count(*) from marts.governance_metrics") == "ok"
    attacks = [
        "insert into marts.metric_catalogue (metric_id) values ('x')",
        "begin read write; delete from marts.metric_catalogue",
        "set default_transaction_read_only = off; delete from marts.metric_catalogue",
        "create table marts.planted (a int)",
        "create table public.planted (a int)",
        "create temporary table planted (a int)",
        "create schema planted",
        "select * from public.bait",
        "select * from other.bait",
        "select pg_read_file('/etc/hostname')",
        "copy marts.metric_catalogue to '/tmp/caregov-leak.csv'",
        "create temporary table t (a text); copy t from '/etc/hostname'",
        "select lo_import('/etc/hostname')",
        "drop table marts.governance_metrics",
    ]
    outcomes = {attack: _as_reader(hub, attack) for attack in attacks}
    assert {a: o for a, o in outcomes.items() if o != "refused"} == {}
    with psycopg.connect(**hub.hub.serving_reader_conninfo()) as con:  # type: ignore[arg-type]
        (count,) = con.execute("select count(*) from marts.metric_catalogue").fetchone() or (0,)
    assert count > 0


def test_superset_connects_as_the_reader_with_the_sandbox_settings(hub: Hub) -> None:
    """The connection `caregov superset sync` gives Superset opens the serving database as the
    read-only role, in read-only transactions on `marts`; Superset shows its password masked."""
    assets = load_assets(hub.hub)
    uri = assets.database.payload["sqlalchemy_uri"]
    password = hub.hub.serving_reader_password
    assert uri.startswith("postgresql+psycopg2://caregov_reader_")
    assert password not in masked_uri(uri)
    assert not assets.database.payload["allow_dml"]
    extra = json.loads(assets.database.payload["extra"])
    engine = sqlalchemy.create_engine(uri, **extra["engine_params"])
    try:
        with engine.connect() as con:
            assert con.execute(sqlalchemy.text("show transaction_read_only")).scalar() == "on"
            assert con.execute(sqlalchemy.text("select count(*) from metric_catalogue")).scalar()
    finally:
        engine.dispose()


def test_the_reader_password_is_owner_only_and_nowhere_else(hub: Hub) -> None:
    """The generated password lives in one owner-only file; no log or artefact repeats it."""
    secret = hub.hub.state / "secrets" / "serving_reader_password"
    assert stat.S_IMODE(secret.stat().st_mode) == 0o600
    password = secret.read_text().strip().encode()
    leaks = [
        path
        for path in hub.hub.home.rglob("*")
        if path.is_file() and path != secret and password in path.read_bytes()
    ]
    assert leaks == []


def test_builds_of_one_catalog_wait_for_each_other(hub: Hub) -> None:
    """A second build of the same DuckLake catalog waits for the first to finish."""
    order: list[str] = []
    first_holds = threading.Event()
    release = threading.Event()

    def first() -> None:
        with lakehouse.build_lock(hub.hub):
            order.append("first starts")
            first_holds.set()
            release.wait(10)
            order.append("first ends")

    def second() -> None:
        first_holds.wait(10)
        with lakehouse.build_lock(hub.hub):
            order.append("second starts")

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    first_holds.wait(10)
    time.sleep(0.5)
    release.set()
    for thread in threads:
        thread.join(10)
    assert order == ["first starts", "first ends", "second starts"]


def test_a_second_hub_build_runs_only_the_nightly_scope(hub: Hub) -> None:
    """With nothing new delivered, the next hub build reads the DuckLake's marts as the last
    build and runs the nightly scope only, then publishes again."""
    again = build_and_publish(hub.hub)
    assert again.ok, again.describe()
    assert again.run_results.count_by_kind().get("model", 0) <= 2


def test_every_certified_metric_gives_the_same_value_in_postgresql(hub: Hub) -> None:
    """The certified metrics' SQL (datasets.yaml), which Superset runs on whichever database
    serves, gives the same value over each whole mart in PostgreSQL as in DuckDB (a ratio of
    integer sums must not turn into integer division)."""
    assets = load_assets(hub.hub)
    differing = {}
    with (
        duckdb.connect(str(hub.native.serving_db), read_only=True) as native,
        psycopg.connect(**hub.hub.serving_reader_conninfo()) as served,  # type: ignore[arg-type]
    ):
        for dataset in assets.datasets:
            for metric in dataset.metrics:
                query = f"select {metric.sql} from marts.{dataset.table}"
                (expected,) = native.execute(query).fetchone() or (None,)
                (actual,) = served.execute(query).fetchone() or (None,)  # type: ignore[call-overload]
                same = (expected is None and actual is None) or (
                    expected is not None
                    and actual is not None
                    and float(actual) == pytest.approx(float(expected), rel=1e-12)
                )
                if not same:
                    differing[f"{dataset.table}.{metric.name}"] = (expected, actual)
    assert differing == {}
