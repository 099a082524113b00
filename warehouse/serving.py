"""Serve the marts from PostgreSQL (a regional hub, `CAREGOV_SERVING_DSN`): new schema, atomic swap.

A DuckDB file serves one machine's readers; a region's many dashboard readers are better served
by PostgreSQL. Publishing copies the just-published marts (the staged serving file) into a new
schema `marts_next_<stamp>`, with their comments, grants the read-only role SELECT on it, and
then, in one short transaction, renames `marts` away and the new schema to `marts`. A reader's
query resolves `marts.<table>` to either the old tables or the new ones: PostgreSQL's schema
renames are transactional, and a query that looked up an old table just before the swap keeps
reading it (its lock holds off the drop of the retired schema, which happens afterwards, in a
transaction of its own). A publish that fails before the swap drops its new schema and leaves
`marts` as it was.

Superset reads through a role of its own, `caregov_reader_<database>`: LOGIN, nothing else
(no superuser, database or role creation, no inherited rights), CONNECT on the serving database
only, USAGE and SELECT on `marts` only, no TEMPORARY tables, transactions read-only by default.
PUBLIC's default rights to the serving database and its `public` schema are revoked, so the role
reads nothing outside the marts; reading server files takes rights it never gets. Its password
is generated once into `state/secrets/serving_reader_password` (owner-only) and sent to
PostgreSQL already hashed (SCRAM): the password itself appears in no statement or server log.

The publishing connection's user must own the serving database and be allowed to create roles.
Publishes into one serving database are serialised by an advisory lock there.
"""

from __future__ import annotations

import logging
import os
import secrets
import time
from dataclasses import dataclass
from pathlib import Path

import duckdb
import psycopg
from psycopg import sql

from caregov.errors import CaregovError
from caregov.settings import Settings
from warehouse import lakehouse

log = logging.getLogger(__name__)

SCHEMA = "marts"
NEXT_PREFIX = "marts_next_"
RETIRED_PREFIX = "marts_retired_"
PUBLISH_LOCK_NAME = "caregov.serving.publish"


@dataclass(frozen=True)
class ServingPublish:
    """How long one publish into PostgreSQL took: copying the marts, and the swap itself."""

    tables: int
    copy_seconds: float
    swap_ms: float


def publish_to_postgres(settings: Settings, marts_file: Path) -> ServingPublish:
    """Copy schema `marts` of the DuckDB file `marts_file` into the serving database and swap
    it into place (see the module docstring)."""
    stamp = f"{time.strftime('%Y%m%d%H%M%S')}_{os.getpid()}_{secrets.token_hex(3)}"
    staged = NEXT_PREFIX + stamp
    with psycopg.connect(_dsn(settings), autocommit=True) as session:
        # Held by this session for the whole publish: the next publish waits.
        session.execute("select pg_advisory_lock(hashtext(%s))", [PUBLISH_LOCK_NAME])
        try:
            _drop_leftovers(session)
            role = ensure_reader_role(session, settings)
            started = time.monotonic()
            try:
                tables = _copy(settings, marts_file, staged)
                _describe_and_grant(session, marts_file, staged, role)
            except BaseException:
                _drop_schema(session, staged)
                raise
            copied = time.monotonic() - started
            swap_ms = _swap(session, staged, RETIRED_PREFIX + stamp)
        finally:
            session.execute("select pg_advisory_unlock(hashtext(%s))", [PUBLISH_LOCK_NAME])
    outcome = ServingPublish(tables, copied, swap_ms)
    log.info(
        "published %d marts into PostgreSQL in %.2f s (swap %.1f ms)",
        tables,
        outcome.copy_seconds,
        outcome.swap_ms,
    )
    return outcome


def ensure_reader_role(session: psycopg.Connection, settings: Settings) -> str:
    """Create or update the read-only role and the serving database's rights (idempotent)."""
    role = settings.serving_reader_role
    ident = sql.Identifier(role)
    (database,) = session.execute("select current_database()").fetchone() or ("",)
    db = sql.Identifier(database)
    exists = session.execute("select 1 from pg_roles where rolname = %s", [role]).fetchone()
    if not exists:
        session.execute(sql.SQL("create role {} login").format(ident))
    hashed = session.pgconn.encrypt_password(
        settings.serving_reader_password.encode(), role.encode(), b"scram-sha-256"
    )
    statements: list[sql.Composed] = [
        sql.SQL(
            "alter role {} with login nosuperuser nocreatedb nocreaterole noinherit"
            " noreplication nobypassrls password {}"
        ).format(ident, sql.Literal(hashed.decode())),
        sql.SQL("alter role {} set default_transaction_read_only = on").format(ident),
        sql.SQL("revoke all on database {} from public").format(db),
        sql.SQL("revoke all on schema {} from public").format(sql.Identifier("public")),
        sql.SQL("grant connect on database {} to {}").format(db, ident),
    ]
    for statement in statements:
        session.execute(statement)
    return role


def _copy(settings: Settings, marts_file: Path, staged: str) -> int:
    """Copy every table of `marts` in the DuckDB file into the new schema, through DuckDB's
    PostgreSQL extension (binary COPY; one transaction)."""
    with lakehouse.connect(settings) as con:
        con.execute(f"attach {lakehouse.literal(str(marts_file))} as published (read_only)")
        con.execute(f"attach {lakehouse.literal(_dsn(settings))} as serving (type postgres)")
        tables = [
            str(name)
            for (name,) in con.execute(
                "select table_name from duckdb_tables()"
                " where database_name = 'published' and schema_name = ? order by 1",
                [SCHEMA],
            ).fetchall()
        ]
        con.execute("begin transaction")
        con.execute(f'create schema serving."{staged}"')
        for table in tables:
            con.execute(
                f'create table serving."{staged}"."{table}" as'
                f' select {_columns(con, table)} from published.{SCHEMA}."{table}"'
            )
        con.execute("commit")
    return len(tables)


# How DuckDB's integer types are held in PostgreSQL. DuckDB's `/` always divides exactly, while
# PostgreSQL divides integers as integers; but PostgreSQL sums a bigint into a numeric, so with
# every integer column stored as a bigint the certified metrics' ratios of sums (datasets.yaml)
# give DuckDB's values. 128-bit integers (a DuckDB `sum` of bigints) become numeric(38, 0), which
# PostgreSQL has, rather than a lossy double.
WIDENED = {
    "TINYINT": "bigint",
    "SMALLINT": "bigint",
    "INTEGER": "bigint",
    "UTINYINT": "bigint",
    "USMALLINT": "bigint",
    "UINTEGER": "bigint",
    "UBIGINT": "decimal(38, 0)",
    "HUGEINT": "decimal(38, 0)",
    "UHUGEINT": "decimal(38, 0)",
}


def _columns(con: duckdb.DuckDBPyConnection, table: str) -> str:
    """A mart's columns as PostgreSQL should hold them (`WIDENED`)."""
    names = []
    for column, data_type in con.execute(
        "select column_name, data_type from duckdb_columns()"
        " where database_name = 'published' and schema_name = ? and table_name = ?"
        " order by column_index",
        [SCHEMA, table],
    ).fetchall():
        quoted = '"' + str(column).replace('"', '""') + '"'
        widened = WIDENED.get(str(data_type))
        names.append(f"cast({quoted} as {widened}) as {quoted}" if widened else quoted)
    return ", ".join(names)


def _describe_and_grant(
    session: psycopg.Connection, marts_file: Path, staged: str, role: str
) -> None:
    """The marts' table and column descriptions, and SELECT for the read-only role."""
    with duckdb.connect(str(marts_file), read_only=True) as con:
        tables = con.execute(
            "select table_name, comment from duckdb_tables()"
            " where schema_name = ? and comment is not null",
            [SCHEMA],
        ).fetchall()
        columns = con.execute(
            "select table_name, column_name, comment from duckdb_columns()"
            " where schema_name = ? and comment is not null",
            [SCHEMA],
        ).fetchall()
    schema, ident = sql.Identifier(staged), sql.Identifier(role)
    with session.transaction():
        for table, comment in tables:
            session.execute(
                sql.SQL("comment on table {}.{} is {}").format(
                    schema, sql.Identifier(table), sql.Literal(comment)
                )
            )
        for table, column, comment in columns:
            session.execute(
                sql.SQL("comment on column {}.{}.{} is {}").format(
                    schema, sql.Identifier(table), sql.Identifier(column), sql.Literal(comment)
                )
            )
        session.execute(sql.SQL("grant usage on schema {} to {}").format(schema, ident))
        session.execute(
            sql.SQL("grant select on all tables in schema {} to {}").format(schema, ident)
        )


def _swap(session: psycopg.Connection, staged: str, retired: str) -> float:
    """Put the new schema in place of `marts` in one transaction; drop the old one after.
    Returns the swap's milliseconds."""
    started = time.monotonic()
    with session.transaction():
        exists = session.execute(
            "select 1 from pg_namespace where nspname = %s", [SCHEMA]
        ).fetchone()
        if exists:
            session.execute(
                sql.SQL("alter schema {} rename to {}").format(
                    sql.Identifier(SCHEMA), sql.Identifier(retired)
                )
            )
        session.execute(
            sql.SQL("alter schema {} rename to {}").format(
                sql.Identifier(staged), sql.Identifier(SCHEMA)
            )
        )
    swap_ms = (time.monotonic() - started) * 1000
    _drop_schema(session, retired)
    return swap_ms


def _drop_leftovers(session: psycopg.Connection) -> None:
    """Schemas a killed publish left behind (new ones never swapped in, retired ones not yet
    dropped): only one publish runs at a time, so none of them is in use by a publish."""
    for (name,) in session.execute(
        "select nspname from pg_namespace where nspname like %s or nspname like %s",
        [NEXT_PREFIX + "%", RETIRED_PREFIX + "%"],
    ).fetchall():
        _drop_schema(session, str(name))


def _drop_schema(session: psycopg.Connection, name: str) -> None:
    session.execute(sql.SQL("drop schema if exists {} cascade").format(sql.Identifier(name)))


def _dsn(settings: Settings) -> str:
    dsn = settings.serving_dsn
    if dsn is None:
        raise CaregovError("CAREGOV_SERVING_DSN is not set.")
    return dsn
