"""The dbt project's own rules (dbt_project/README.md), read from its files without running dbt."""

from __future__ import annotations

import re
from collections import defaultdict

import yaml

from caregov.settings import PROJECT_ROOT

DBT = PROJECT_ROOT / "dbt_project"
# The README's "Naming intermediate models": int_<entities>_<verb>[_monthly], <verb> from its list.
VERBS = (
    "numbered",
    "flagged",
    "classified",
    "identified",
    "snapshotted",
    "accumulated",
    "reported",
    "computed",
    "current",
    "waiting",
    "overdue_for_review",
)
INTERMEDIATE_NAME = re.compile(rf"int_[a-z][a-z0-9_]*?_({'|'.join(VERBS)})(_monthly)?")


def _column_descriptions() -> dict[str, list[str]]:
    """Every plain (not doc block) column description of the models, sources and seeds, with
    where it is written."""
    found: dict[str, list[str]] = defaultdict(list)
    for path in sorted(DBT.glob("**/*.yml")):
        document = yaml.safe_load(path.read_text()) or {}
        tables = [*document.get("models", []), *document.get("seeds", [])]
        tables += [t for source in document.get("sources", []) for t in source.get("tables", [])]
        for table in tables:
            for column in table.get("columns", []):
                text = " ".join(str(column.get("description", "")).split())
                if text and "doc(" not in text:
                    found[text].append(f"{path.name}: {table['name']}.{column['name']}")
    return found


def test_intermediate_models_are_named_for_their_rows_and_what_was_done_to_them() -> None:
    """Every intermediate model is int_<entities>_<verb>[_monthly] with a verb of the README."""
    names = [path.stem for path in (DBT / "models" / "intermediate").glob("**/*.sql")]
    assert names
    assert [name for name in names if not INTERMEDIATE_NAME.fullmatch(name)] == []


def test_a_column_description_written_twice_is_a_doc_block() -> None:
    """No column description is written out in two places: a shared one is a doc block."""
    repeated = {text: where for text, where in _column_descriptions().items() if len(where) > 1}
    assert repeated == {}


# DuckDB-only SQL the models once used, which the project's dispatched macros
# (macros/portable.sql) or plain SQL now replace, so the same models build on PostgreSQL
# (tests/warehouse/test_portable.py). Reading the lake (macros/lake_source.sql), the macros'
# DuckDB implementations (macros/portable.sql) and the region's attaching of council files
# (macros/region.sql) are the places DuckDB's own SQL belongs.
DUCKDB_ONLY = {
    "union by name": re.compile(r"\bunion\s+(all\s+)?by\s+name\b"),
    "qualify": re.compile(r"\bqualify\b"),
    "select * exclude/replace": re.compile(r"\*\s*(exclude|replace)\s*\("),
    "group/order by all": re.compile(r"\b(group|order)\s+by\s+all\b"),
    "double or varchar cast": re.compile(r"\bas\s+(double|varchar)\s*\)|::"),
    "DuckDB function": re.compile(
        r"\b(string_split|printf|arg_min|arg_max|any_value|count_if|list_(?!positions)\w+|struct_\w+|"
        r"map_keys|map_values|read_parquet|range|len|strftime|epoch|date_diff|median|"
        r"quantile_cont)\s*\("
    ),
    "DuckDB format": re.compile(r"\bformat\s*\(\s*'\{"),
    "DuckDB map type": re.compile(r"\bmap\s*\(\s*(varchar|text|integer|bigint)"),
}
DUCKDB_SQL_PLACES = {"lake_source.sql", "portable.sql", "region.sql"}


def _sql_without_comments(text: str) -> str:
    text = re.sub(r"\{#.*?#\}", "", text, flags=re.DOTALL)
    return re.sub(r"--[^\n]*", "", text)


def test_models_and_macros_use_no_duckdb_only_sql() -> None:
    """Outside the source macros and the dispatched macros' DuckDB implementations, the SQL is
    what DuckDB and PostgreSQL both run: no DuckDB-only clause, type or function."""
    found = []
    for folder in ("models", "macros", "tests"):
        for path in sorted((DBT / folder).rglob("*.sql")):
            if path.name in DUCKDB_SQL_PLACES:
                continue
            text = _sql_without_comments(path.read_text()).lower()
            found += [
                f"{path.relative_to(DBT)}: {name}"
                for name, pattern in DUCKDB_ONLY.items()
                if pattern.search(text)
            ]
    assert found == []


def test_names_fit_postgresql_identifiers() -> None:
    """Models, seeds and unit tests are named in at most 63 characters: PostgreSQL's limit for
    the relations dbt creates for them (a longer unit test name fails there)."""
    names = [path.stem for path in DBT.glob("models/**/*.sql")]
    names += [path.stem for path in DBT.glob("seeds/*.csv")]
    for path in DBT.glob("models/**/*.yml"):
        document = yaml.safe_load(path.read_text()) or {}
        names += [test["name"] for test in document.get("unit_tests", [])]
    assert len(names) > 100
    assert [name for name in names if len(name) > 63] == []
