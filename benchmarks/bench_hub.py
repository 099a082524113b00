"""The regional hub's figures (docs/scale-out.md), on the local PostgreSQL.

One generated council is ingested once and built twice from the same lake: natively
(build.duckdb) and into DuckLake with its catalog in PostgreSQL. Then the marts are published
into PostgreSQL `PUBLISHES` times while reader threads, logged in as the read-only role, query
the marts without pause. Figures:

- `hub_ducklake_build_vs_native`: DuckLake build ÷ native build (full builds, same lake);
- `hub_publish_postgres_s`: median seconds to copy the marts into a new PostgreSQL schema;
- `hub_swap_ms_max`: the slowest of the atomic schema swaps;
- `hub_reader_queries_per_s`, `hub_reader_failures`: what the readers ran during the publishes,
  and how many of their queries failed (a missing mart among them; that no read sees part of a
  mart is checked by tests/warehouse/test_hub.py).

The databases are created for the run and dropped afterwards (`CAREGOV_BENCH_POSTGRES`, default
the local server as `postgres`).
"""

from __future__ import annotations

import os
import secrets
import shutil
import statistics
import sys
import threading
import time
from pathlib import Path

import psycopg
from psycopg import sql

from benchmarks.environment import bench_environ
from caregov.sample import generate_council
from caregov.settings import Settings
from ingestion.deliveries import ingest_paths
from warehouse.build import build_and_publish
from warehouse.serving import publish_to_postgres

SERVER = os.environ.get("CAREGOV_BENCH_POSTGRES", "postgresql://postgres@127.0.0.1:5432")
SCALE, MONTHS = 0.5, 12
PUBLISHES, READERS = 8, 8
READ = "select count(*) from marts.governance_metrics where period_end is not null"


def figures(workdir: Path) -> dict[str, float]:
    name = f"caregov_bench_{secrets.token_hex(4)}"
    databases = (f"{name}_catalog", f"{name}_serving")
    _databases(databases, create=True)
    try:
        return _measure(workdir, databases)
    finally:
        _databases(databases, create=False)
        with psycopg.connect(f"{SERVER}/postgres", autocommit=True) as admin:
            admin.execute(
                sql.SQL("drop role if exists {}").format(
                    sql.Identifier(f"caregov_reader_{databases[1]}")
                )
            )


def _measure(workdir: Path, databases: tuple[str, str]) -> dict[str, float]:
    extracts = workdir / "extracts"
    generate_council(extracts, seed=7, months=MONTHS, scale=SCALE, messy=False)
    native = Settings.from_env(bench_environ(workdir / "native"))
    ingest_paths(native, [extracts], echo=lambda _line: None)
    native_build = build_and_publish(native, full_refresh=True)
    assert native_build.ok, native_build.describe()
    shutil.copytree(native.lake, workdir / "hub" / "lake")
    hub = Settings.from_env(
        bench_environ(workdir / "hub")
        | {
            "CAREGOV_WAREHOUSE_CATALOG": f"{SERVER}/{databases[0]}",
            "CAREGOV_SERVING_DSN": f"{SERVER}/{databases[1]}",
        }
    )
    hub_build = build_and_publish(hub, full_refresh=True)
    assert hub_build.ok, hub_build.describe()

    stop = threading.Event()
    counts: list[int] = []
    failures: list[str] = []

    def read() -> None:
        done = 0
        with psycopg.connect(**hub.serving_reader_conninfo(), autocommit=True) as con:  # type: ignore[arg-type]
            while not stop.is_set():
                try:
                    con.execute(READ).fetchone()
                    done += 1
                except psycopg.Error as error:
                    failures.append(str(error))
        counts.append(done)

    readers = [threading.Thread(target=read) for _ in range(READERS)]
    started = time.monotonic()
    for reader in readers:
        reader.start()
    publishes = [publish_to_postgres(hub, hub.serving_db) for _ in range(PUBLISHES)]
    stop.set()
    for reader in readers:
        reader.join()
    elapsed = time.monotonic() - started
    print(
        f"native build {native_build.seconds:.1f}s, DuckLake build {hub_build.seconds:.1f}s;"
        f" publishes {', '.join(f'{p.copy_seconds:.2f}s/{p.swap_ms:.0f}ms' for p in publishes)}",
        file=sys.stderr,
    )
    return {
        "hub_ducklake_build_vs_native": hub_build.seconds / native_build.seconds,
        "hub_native_build_s": native_build.seconds,
        "hub_ducklake_build_s": hub_build.seconds,
        "hub_publish_postgres_s": statistics.median(p.copy_seconds for p in publishes),
        "hub_swap_ms_max": max(p.swap_ms for p in publishes),
        "hub_reader_queries_per_s": sum(counts) / elapsed,
        "hub_reader_failures": float(len(failures)),
    }


def _databases(names: tuple[str, ...], create: bool) -> None:
    with psycopg.connect(f"{SERVER}/postgres", autocommit=True) as admin:
        for database in names:
            admin.execute(
                sql.SQL("drop database if exists {} with (force)").format(sql.Identifier(database))
            )
            if create:
                admin.execute(sql.SQL("create database {}").format(sql.Identifier(database)))
