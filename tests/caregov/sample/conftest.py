"""Generated councils shared by the generator tests (made once per session, read-only).

`council` is a clean city-sized council over 30 months: large enough that the story's rates are
stable. `messy_council` and `clean_twin` are small councils with the same seed and period, one
messy and one clean, so the messy formatting can be checked to change spelling only.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from caregov.sample import GenerateSummary, generate_council
from tests.caregov.sample import contract

COUNCIL = {"seed": 7, "start": "2023-04", "months": 30, "scale": 1.0}
SMALL = {"seed": 11, "start": "2024-01", "months": 6, "scale": 0.15}

ENTITIES = contract.SOURCES  # entity -> source


@pytest.fixture(scope="session")
def council(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, GenerateSummary]:
    out = tmp_path_factory.mktemp("council")
    return out, generate_council(out, messy=False, **COUNCIL)


@pytest.fixture(scope="session")
def messy_council(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("messy")
    generate_council(out, messy=True, **SMALL)
    return out


@pytest.fixture(scope="session")
def clean_twin(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("clean-twin")
    generate_council(out, messy=False, **SMALL)
    return out


@pytest.fixture(scope="session")
def story(council: tuple[Path, GenerateSummary]) -> duckdb.DuckDBPyConnection:
    """DuckDB over the council's files: one table per entity with `as_at` from the file name,
    and `current_<entity>` tables holding each delta key's latest version."""
    out, _ = council
    con = duckdb.connect()
    for entity, source in ENTITIES.items():
        con.execute(
            f"""
            create table {entity} as
            select *, cast(regexp_extract(filename, '_(\\d{{4}}-\\d{{2}}-\\d{{2}})\\.csv$', 1)
                           as date) as as_at
            from read_csv('{out}/{source}/{entity}_*.csv', filename = true, header = true,
                          quote = '"', escape = '"')
            """
        )
    for entity, key in (
        ("cm_events", "event_id"),
        ("complaints", "complaint_id"),
        ("provider_invoices", "invoice_id"),
    ):
        con.execute(
            f"""
            create table current_{entity} as
            select * exclude (version) from (
                select *, row_number() over (partition by {key} order by as_at desc) as version
                from {entity}
            ) where version = 1
            """
        )
    con.execute("create table month_ends as select distinct as_at as d from hr_workers")
    return con
