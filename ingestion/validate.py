"""Vectorised validation: one SQL pass types, checks and pseudonymises a whole file.

`stage()` turns the reader's `src` view into a temporary table `staged` holding, per row, the
lake columns (typed, PII rules applied), a hash of the row's original values, and — only for a
row that breaks a rule — the list of every reason (column, value, rule, message). `judge()` then
works set-wise on `staged`: exact duplicate rows collapse to their first copy, keys that appear
with different values are quarantined in every copy, and the counts decide the file's fate
(contract §3.2). No Python code runs per row.

Formula injection: a kept text value starting with `=`, `+`, `-` or `@` could run as a formula
when someone opens an export in a spreadsheet, so such a row is quarantined (rule `formula`)
rather than silently altered.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import duckdb

from ingestion import pseudonymise as pii
from ingestion.contracts import Column, Entity

TRIM = "' \t\r\n\u00a0'"


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def lit(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _enum_keys(column: Column) -> dict[str, str]:
    keys: dict[str, str] = {}
    for value in column.values:
        keys[value.lower()] = value
        if "_" in value and " " not in value:
            keys[value.replace("_", " ").lower()] = value
            keys[value.replace("_", "-").lower()] = value
    keys.update({alias.lower(): canonical for alias, canonical in column.aliases.items()})
    return keys


def _typed(column: Column, raw: str) -> str:
    if column.type == "int":
        return f"TRY_CAST({raw} AS INTEGER)"
    if column.type == "decimal":
        number = f"TRY_CAST(regexp_replace({raw}, '^£|,', '', 'g') AS DOUBLE)"
        return f"CASE WHEN isfinite({number}) THEN {number} END"
    if column.type == "date":
        return (
            f"CAST(COALESCE(try_strptime({raw}, '%Y-%m-%d'),"
            f" try_strptime({raw}, '%d/%m/%Y')) AS DATE)"
        )
    if column.type == "bool":
        return (
            f"CASE lower({raw}) WHEN 'true' THEN true WHEN 'yes' THEN true WHEN 'y' THEN true"
            f" WHEN '1' THEN true WHEN 'false' THEN false WHEN 'no' THEN false"
            f" WHEN 'n' THEN false WHEN '0' THEN false END"
        )
    if column.type == "enum":
        whens = " ".join(f"WHEN {lit(k)} THEN {lit(v)}" for k, v in _enum_keys(column).items())
        return f"CASE lower({raw}) {whens} END"
    return raw


def _type_message(column: Column) -> str:
    if column.type == "enum":
        shown = ", ".join(column.values[:8]) + (", …" if len(column.values) > 8 else "")
        return f"is not one of: {shown}"
    return {
        "int": "is not a whole number",
        "decimal": "is not a number",
        "date": "is not a date (YYYY-MM-DD or DD/MM/YYYY)",
        "bool": "is not true/false, yes/no, y/n or 1/0",
    }[column.type]


def _range_check(column: Column, typed: str) -> str | None:
    parts = []
    if column.minimum is not None:
        parts.append(f"{typed} {'<=' if column.exclusive_minimum else '<'} {column.minimum}")
    if column.maximum is not None:
        parts.append(f"{typed} > {column.maximum}")
    return " OR ".join(parts) or None


def _range_message(column: Column) -> str:
    low = column.minimum
    if low is not None and column.maximum is not None:
        above = "above" if column.exclusive_minimum else "from"
        return f"must be {above} {low:g} up to {column.maximum:g}"
    if low is not None:
        return f"must be {'above' if column.exclusive_minimum else 'at least'} {low:g}"
    return f"must be at most {column.maximum:g}"


def _checks(entity: Entity) -> list[tuple[str, str, str, str]]:
    """(condition SQL, column, rule, message) for every per-row rule of the entity."""
    checks = []
    for column in entity.columns:
        raw, typed = _q("r_" + column.name), _q(column.name)
        name = column.name
        if column.required:
            checks.append((f"{raw} IS NULL", name, "required", f"{name} is required"))
        if column.type != "text":
            condition = f"{raw} IS NOT NULL AND {typed} IS NULL"
            rule = "enum" if column.type == "enum" else "type"
            checks.append((condition, name, rule, f"{name} {_type_message(column)}"))
        in_range = _range_check(column, typed)
        if in_range:
            checks.append((in_range, name, "range", f"{name} {_range_message(column)}"))
        if column.pattern:
            condition = f"NOT regexp_full_match({raw}, {lit(column.pattern)})"
            checks.append((condition, name, "pattern", f"{name} is not {column.pattern_hint}"))
        if column.type == "text" and column.pii is None:
            condition = f"regexp_matches({raw}, '^[=+\\-@]')"
            message = f"{name} starts with =, +, - or @ (a spreadsheet formula is not accepted)"
            checks.append((condition, name, "formula", message))
        if column.pii == "nhs_pseudonym":
            condition = f"{raw} IS NOT NULL AND NOT {pii.nhs_valid_sql(pii.nhs_digits_sql(raw))}"
            message = f"{name} is not a valid NHS number (modulus-11 check)"
            checks.append((condition, name, "nhs_number", message))
    for rule in entity.rules:
        checks.append((rule.broken, rule.column, "cross_field", rule.message))
    return checks


def _lake_columns(entity: Entity, as_at: str) -> list[str]:
    """SELECT items producing the lake columns after the PII rules (docs/interfaces.md)."""
    items = []
    for column in entity.columns:
        typed = _q(column.name)
        if column.pii is None:
            items.append(typed)
        elif column.pii == "pseudonym":
            items.append(f"{pii.pseudonym_sql(typed)} AS {typed}")
        elif column.pii == "nhs_pseudonym":
            digits = pii.nhs_digits_sql(typed)
            items.append(f"{pii.pseudonym_sql(digits)} AS nhs_number_pseudonym")
        elif column.pii == "postcode_district":
            items.append(f"{pii.postcode_district_sql(typed)} AS postcode_district")
        elif column.pii == "age_band":
            items.append(f"{pii.workforce_age_band_sql(typed, as_at)} AS age_band")
        elif column.pii == "birth_year":
            items.append(f"CAST(year({typed}) AS INTEGER) AS birth_year")
            items.append(f"{pii.person_age_band_sql(typed, as_at)} AS age_band")
    return items


def stage(
    con: duckdb.DuckDBPyConnection, entity: Entity, present: list[str], as_at: dt.date
) -> None:
    """Create TEMP TABLE staged from the `src` view (see module docstring)."""
    as_at_sql = f"DATE '{as_at.isoformat()}'"
    raws = []
    for column in entity.columns:
        source = f"src.{_q(column.name)}" if column.name in present else "CAST(NULL AS VARCHAR)"
        raws.append(f"NULLIF(trim({source}, {TRIM}), '') AS {_q('r_' + column.name)}")
    typed = [f"{_typed(c, _q('r_' + c.name))} AS {_q(c.name)}" for c in entity.columns]
    checks = _checks(entity)
    any_broken = " OR ".join(f"COALESCE({c[0]}, false)" for c in checks)
    reasons = ", ".join(
        f"CASE WHEN COALESCE({condition}, false) THEN {{'column': {lit(column)},"
        f" 'value': {_q('r_' + column)}, 'rule': {lit(rule)}, 'message': {lit(message)}}} END"
        for condition, column, rule, message in checks
    )
    row_hash = "hash(" + ", ".join(_q("r_" + c.name) for c in entity.columns) + ")"
    key = ", ".join(_q(k) for k in entity.key)
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE staged AS
        WITH raw AS (SELECT src._source_row, {", ".join(raws)} FROM src),
        typed AS (SELECT *, {", ".join(typed)} FROM raw)
        SELECT typed._source_row,
               {", ".join(_lake_columns(entity, as_at_sql))},
               struct_pack({key}) AS _key,
               {row_hash} AS _row_hash,
               CASE WHEN {any_broken}
                    THEN list_filter([{reasons}], reason -> reason IS NOT NULL) END AS _errors
        FROM typed, {pii.PADS_TABLE} AS _pads
        """
    )


@dataclass
class Judgement:
    """The counts and reasons that decide a file's fate."""

    rows_in: int
    rows_quarantined: int
    duplicates_collapsed: int
    has_duplicate_keys: bool
    reason_counts: dict[str, int] = field(default_factory=dict)
    examples: list[dict[str, object]] = field(default_factory=list)

    @property
    def rows_loaded(self) -> int:
        return self.rows_in - self.rows_quarantined - self.duplicates_collapsed


def judge(con: duckdb.DuckDBPyConnection, entity: Entity) -> Judgement:
    """Find duplicates and conflicting keys; build TEMP TABLE rejected (one row per reason)."""
    con.execute(
        """
        CREATE OR REPLACE TEMP TABLE dup_keys AS
        SELECT _key, count(*) AS copies, count(DISTINCT _row_hash) AS versions,
               min(_source_row) AS first_row
        FROM staged WHERE _key IS NOT NULL GROUP BY _key HAVING count(*) > 1
        """
    )
    rows_in = con.execute("SELECT count(*) FROM staged").fetchone()[0]
    has_dups = con.execute("SELECT count(*) FROM dup_keys").fetchone()[0] > 0
    key_label = ", ".join(entity.key)
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE rejected AS
        WITH fate AS (
            SELECT s._source_row, s._errors, s._key,
                   COALESCE(d.versions > 1, false) AS conflict,
                   COALESCE(d.versions = 1 AND s._source_row <> d.first_row, false) AS collapsed
            FROM staged s LEFT JOIN dup_keys d ON {"s._key = d._key" if has_dups else "false"}
            WHERE s._errors IS NOT NULL {"OR d._key IS NOT NULL" if has_dups else ""}
        )
        SELECT _source_row AS row, reason.column AS "column", reason.value AS value,
               reason.rule AS rule, reason.message AS message
        FROM (SELECT _source_row, unnest(_errors) AS reason FROM fate
              WHERE NOT collapsed AND _errors IS NOT NULL)
        UNION ALL
        SELECT _source_row, {lit(entity.key[0])}, CAST(_key AS VARCHAR), 'duplicate_key',
               {lit(f"the same {key_label} appears on other rows with different values")}
        FROM fate WHERE conflict
        """
    )
    quarantined = con.execute("SELECT count(DISTINCT row) FROM rejected").fetchone()[0]
    collapsed = con.execute(
        "SELECT COALESCE(sum(copies - 1), 0) FROM dup_keys WHERE versions = 1"
    ).fetchone()[0]
    counts = dict(
        con.execute(
            """SELECT "column" || ': ' || rule, count(*) FROM rejected GROUP BY ALL ORDER BY 2 DESC"""
        ).fetchall()
    )
    examples = [
        dict(zip(("row", "column", "value", "rule", "message"), r, strict=True))
        for r in con.execute(
            """SELECT * FROM rejected ORDER BY row, "column" LIMIT 20"""
        ).fetchall()
    ]
    return Judgement(rows_in, quarantined, int(collapsed), has_dups, counts, examples)


def accepted_rows_sql(has_duplicate_keys: bool) -> str:
    """SELECT of the staged rows that go to the lake (lake columns + `_source_row`)."""
    exclude = "EXCLUDE (_key, _row_hash, _errors)"
    if not has_duplicate_keys:
        return f"SELECT * {exclude} FROM staged WHERE _errors IS NULL"
    return f"""
        SELECT s.* {exclude} FROM staged s LEFT JOIN dup_keys d ON s._key = d._key
        WHERE s._errors IS NULL
          AND (d._key IS NULL OR (d.versions = 1 AND s._source_row = d.first_row))
    """
