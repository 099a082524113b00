"""Vectorised validation: one SQL query types, checks and reduces personal data in a whole file.

`stage_query()` turns the reader's `src` view into the lake's columns plus three helpers: a hash
of the row's key, a hash of its original values, and — only for a row that breaks a rule — the
list of every reason (column, value, rule, message). The loader streams that query's Arrow
batches once; `Tally` keeps the hashes and the bad rows, and `judge()` then works set-wise:
exact duplicate rows collapse to their first copy, keys that appear with different values are
quarantined in every copy, and the counts decide the file's fate (contract §3.2). No Python code
runs per row.

Formula injection: a kept text value starting with `=`, `+`, `-` or `@` could run as a formula
when someone opens an export in a spreadsheet, so such a row is quarantined (rule `formula`)
rather than silently altered.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import duckdb
import pyarrow as pa
import pyarrow.compute as pc

from ingestion import pseudonymise as pii
from ingestion.contracts import Column, Entity


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
        cleaned = f"TRY_CAST(regexp_replace({raw}, '^£|,', '', 'g') AS DOUBLE)"
        number = f"COALESCE(TRY_CAST({raw} AS DOUBLE), {cleaned})"  # the regexp only if needed
        return f"CASE WHEN isfinite({number}) THEN {number} END"
    if column.type == "date":  # ISO by cast; UK DD/MM/YYYY only where that failed
        return f"COALESCE(TRY_CAST({raw} AS DATE), CAST(try_strptime({raw}, '%d/%m/%Y') AS DATE))"
    if column.type == "bool":
        return (
            f"CASE lower({raw}) WHEN 'true' THEN true WHEN 'yes' THEN true WHEN 'y' THEN true"
            f" WHEN '1' THEN true WHEN 'false' THEN false WHEN 'no' THEN false"
            f" WHEN 'n' THEN false WHEN '0' THEN false END"
        )
    if column.type == "enum":  # canonical spellings first: no lower() in the common case
        keys = _enum_keys(column)
        exact = ", ".join(lit(v) for v in column.values if keys.get(v.lower()) == v)
        whens = " ".join(f"WHEN {lit(k)} THEN {lit(v)}" for k, v in keys.items())
        return f"CASE WHEN {raw} IN ({exact}) THEN {raw} ELSE CASE lower({raw}) {whens} END END"
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
            condition = f"left({raw}, 1) IN ('=', '+', '-', '@')"
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
    """SELECT items giving the lake columns after the PII rules (docs/interfaces.md).

    Pseudonymised columns still hold the (trimmed) identifier here; `Stream` replaces them
    with pseudonyms batch by batch, so the query itself never sees the key.
    """
    items = []
    for column in entity.columns:
        typed = _q(column.name)
        if column.pii is None or column.pii == "pseudonym":
            items.append(typed)
        elif column.pii == "nhs_pseudonym":
            items.append(f"{pii.nhs_digits_sql(typed)} AS nhs_number_pseudonym")
        elif column.pii == "postcode_district":
            items.append(f"{pii.postcode_district_sql(typed)} AS postcode_district")
        elif column.pii == "age_band":
            items.append(f"{pii.workforce_age_band_sql(typed, as_at)} AS age_band")
        elif column.pii == "birth_year":
            items.append(f"CAST(year({typed}) AS INTEGER) AS birth_year")
            items.append(f"{pii.person_age_band_sql(typed, as_at)} AS age_band")
    return items


def pseudonymised_columns(entity: Entity) -> list[str]:
    """Lake columns that must be replaced by pseudonyms before anything is written."""
    names = {"pseudonym": None, "nhs_pseudonym": "nhs_number_pseudonym"}
    return [names[c.pii] or c.name for c in entity.columns if c.pii in names]


def stage_query(
    entity: Entity, present: list[str], as_at: dt.date, metadata: dict[str, str]
) -> str:
    """The one query over `src`: lake columns, metadata, then `_key_hash`, `_row_hash`, `_errors`.

    `_errors` is null for a good row; for a bad one, every reason (column, value, rule,
    message). `metadata` maps metadata column -> SQL literal (`_source_row` comes from `src`).
    """
    as_at_sql = f"DATE '{as_at.isoformat()}'"
    raws = []
    for column in entity.columns:
        source = f"src.{_q(column.name)}" if column.name in present else "CAST(NULL AS VARCHAR)"
        trimmed = (  # trim() copies every value; most are ASCII with no space to trim
            f"CASE WHEN starts_with({source}, ' ') OR ends_with({source}, ' ')"
            f" OR strlen({source}) <> length({source}) THEN trim({source}) ELSE {source} END"
        )
        raws.append(f"NULLIF({trimmed}, '') AS {_q('r_' + column.name)}")
    typed = [f"{_typed(c, _q('r_' + c.name))} AS {_q(c.name)}" for c in entity.columns]
    checks = _checks(entity)
    any_broken = " OR ".join(f"COALESCE({c[0]}, false)" for c in checks)
    reasons = ", ".join(
        f"CASE WHEN COALESCE({condition}, false) THEN {{'column': {lit(column)},"
        f" 'value': {_q('r_' + column)}, 'rule': {lit(rule)}, 'message': {lit(message)}}} END"
        for condition, column, rule, message in checks
    )
    row_hash = "hash(" + ", ".join(_q("r_" + c.name) for c in entity.columns) + ")"
    key_null = " OR ".join(f"{_q(k)} IS NULL" for k in entity.key)
    key_hash = (
        f"CASE WHEN {key_null} THEN NULL ELSE hash({', '.join(_q(k) for k in entity.key)}) END"
    )
    meta = [f"{sql} AS {name}" for name, sql in metadata.items()]
    return f"""
        WITH raw AS (SELECT src._source_row, {", ".join(raws)} FROM src),
        typed AS (SELECT *, {", ".join(typed)} FROM raw)
        SELECT {", ".join(_lake_columns(entity, as_at_sql))}, {", ".join(meta)},
               {key_hash} AS _key_hash, {row_hash} AS _row_hash,
               CASE WHEN {any_broken}
                    THEN list_filter([{reasons}], reason -> reason IS NOT NULL) END AS _errors
        FROM typed
    """


HELPERS = ["_key_hash", "_row_hash", "_errors"]


@dataclass
class Tally:
    """What the stream saw: every row's number and hashes, and the bad rows' reasons."""

    rows: list[pa.Array] = field(default_factory=list)
    key_hashes: list[pa.Array] = field(default_factory=list)
    row_hashes: list[pa.Array] = field(default_factory=list)
    bad: list[pa.RecordBatch] = field(default_factory=list)

    def add(self, batch: pa.RecordBatch) -> pa.RecordBatch:
        """Record a batch; return its good rows without the helper columns."""
        # Copies: a column exported by DuckDB keeps its whole batch alive while referenced.
        self.rows.append(pa.concat_arrays([batch.column("_source_row")]))
        self.key_hashes.append(pa.concat_arrays([batch.column("_key_hash")]))
        self.row_hashes.append(pa.concat_arrays([batch.column("_row_hash")]))
        errors = batch.column("_errors")
        good = pc.is_null(errors)
        if errors.null_count != len(errors):
            self.bad.append(batch.select(["_source_row", "_errors"]).filter(pc.invert(good)))
            batch = batch.filter(good)
        return batch.drop_columns(HELPERS)


@dataclass
class Judgement:
    """The counts and reasons that decide a file's fate."""

    rows_in: int
    rows_quarantined: int
    duplicates_collapsed: int
    rows_to_drop: list[int] = field(default_factory=list)  # written, but duplicates
    reason_counts: dict[str, int] = field(default_factory=dict)
    examples: list[dict[str, object]] = field(default_factory=list)

    @property
    def rows_loaded(self) -> int:
        return self.rows_in - self.rows_quarantined - self.duplicates_collapsed


def judge(con: duckdb.DuckDBPyConnection, entity: Entity, tally: Tally) -> Judgement:
    """Duplicates and conflicting keys, set-wise; leaves TEMP TABLE rejected (row per reason)."""
    seen = pa.table(
        {
            "row": pa.chunked_array(tally.rows, pa.int64()),
            "key_hash": pa.chunked_array(tally.key_hashes, pa.uint64()),
            "row_hash": pa.chunked_array(tally.row_hashes, pa.uint64()),
        }
    )
    bad = (
        pa.Table.from_batches(tally.bad)
        if tally.bad
        else pa.table({"_source_row": pa.array([], pa.int64()), "_errors": pa.nulls(0)})
    )
    con.register("seen_rows", seen)
    con.register("bad_rows", bad)
    # Two steps so the common case (no repeated key) keeps no per-key state but a count.
    con.execute(
        """
        CREATE OR REPLACE TEMP TABLE repeated AS
        SELECT key_hash FROM seen_rows WHERE key_hash IS NOT NULL
        GROUP BY key_hash HAVING count(*) > 1
        """
    )
    con.execute(
        """
        CREATE OR REPLACE TEMP TABLE dup_keys AS
        SELECT key_hash, count(*) AS copies, count(DISTINCT row_hash) AS versions,
               min(row) AS first_row, list(row ORDER BY row) AS rows
        FROM seen_rows SEMI JOIN repeated USING (key_hash) GROUP BY key_hash
        """
    )
    con.execute(
        """
        CREATE OR REPLACE TEMP TABLE dup_rows AS
        SELECT s.row, d.versions > 1 AS conflict, d.versions = 1 AND s.row <> d.first_row
               AS collapsed, d.rows
        FROM seen_rows s JOIN dup_keys d USING (key_hash)
        """
    )
    key = ", ".join(entity.key)
    errors_sql = (
        """SELECT b._source_row AS row, unnest(b._errors, recursive := true)
           FROM bad_rows b WHERE b._source_row NOT IN (SELECT row FROM dup_rows WHERE collapsed)"""
        if tally.bad
        else "SELECT NULL::BIGINT AS row, NULL::VARCHAR AS column, NULL::VARCHAR AS value,"
        " NULL::VARCHAR AS rule, NULL::VARCHAR AS message WHERE false"
    )
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE rejected AS
        SELECT row, "column", value, rule, message FROM ({errors_sql})
        UNION ALL
        SELECT row, {lit(entity.key[0])}, NULL, 'duplicate_key',
               'the same {key} is on rows ' || array_to_string(rows, ', ')
               || ' with different values'
        FROM dup_rows WHERE conflict
        """
    )
    one = lambda sql: con.execute(sql).fetchone()[0]  # noqa: E731
    rows_in = seen.num_rows
    quarantined = one("SELECT count(DISTINCT row) FROM rejected")
    collapsed = one("SELECT count(*) FROM dup_rows WHERE collapsed")
    drop = [
        r[0]
        for r in con.execute(
            "SELECT row FROM dup_rows WHERE (conflict OR collapsed)"
            " AND row NOT IN (SELECT _source_row FROM bad_rows)"
        ).fetchall()
    ]
    counts = dict(
        con.execute(
            """SELECT "column" || ': ' || rule, count(*) FROM rejected
               GROUP BY ALL ORDER BY 2 DESC, 1"""
        ).fetchall()
    )
    examples = [
        dict(zip(("row", "column", "value", "rule", "message"), r, strict=True))
        for r in con.execute(
            """SELECT * FROM rejected ORDER BY row, "column" LIMIT 20"""
        ).fetchall()
    ]
    return Judgement(rows_in, quarantined, collapsed, drop, counts, examples)
