"""Private databases on the local PostgreSQL server for the warehouse tests: each made for one
test (or module) under a name nobody else uses, and dropped afterwards, even when the test fails."""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from contextlib import contextmanager

import psycopg
from psycopg import sql

SERVER = os.environ.get("CAREGOV_TEST_POSTGRES", "postgresql://postgres@127.0.0.1:5432")


@contextmanager
def private_database(label: str) -> Iterator[str]:
    """A new database `caregov_test_<label>_…`; yields its connection string."""
    name = f"caregov_test_{label}_{os.getpid()}_{secrets.token_hex(4)}"
    with psycopg.connect(f"{SERVER}/postgres", autocommit=True) as admin:
        admin.execute(sql.SQL("create database {}").format(sql.Identifier(name)))
    try:
        yield f"{SERVER}/{name}"
    finally:
        with psycopg.connect(f"{SERVER}/postgres", autocommit=True) as admin:
            admin.execute(
                sql.SQL("drop database if exists {} with (force)").format(sql.Identifier(name))
            )
