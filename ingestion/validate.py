"""Vectorised validation: one SQL query types, checks and reduces personal data in a whole file.

`stage_query()` turns the reader's `src` view into the lake's columns plus three helpers: a hash
of the row's key, a hash of its original values, and — only for a row that breaks a rule — the
list of every reason (column, value, rule, message). The loader writes that query's result once
to a staging file and exposes it as the view `staged` (with `_row`, the row number a user sees);
`judge()` then works set-wise on it: exact duplicate rows collapse to their first copy, keys that
appear with different values are quarantined in every copy, and the counts decide the file's
fate (docs/specification.md §3.2). No Python code runs per row.

Formula injection: a kept text value starting with `=`, `+`, `-` or `@` — or their full-width
forms (U+FF1D, U+FF0B, U+FF0D, U+FF20), or any of them after leading blanks and control
characters such as a tab or a carriage return, which spreadsheets skip — could run as a formula
when someone opens an export in a spreadsheet, so such a row is quarantined (rule `formula`)
rather than silently altered.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import duckdb

from ingestion import pseudonymise as pii
from ingestion.contracts import Column, Entity

# What a spreadsheet reads as the start of a formula (ASCII and full-width), and what it skips
# before one: C0 controls (tab, CR, LF …), spaces, no-break and zero-width spaces, a BOM.
FORMULA_SIGNS = "=+-@\uff1d\uff0b\uff0d\uff20"
_SKIPPED = (*range(0x00, 0x21), 0x7F, 0xA0, 0x200B, 0x3000, 0xFEFF)
# RE2, for DuckDB: a value that a spreadsheet would take for a formula.
FORMULA_PATTERN = (
    r"^[\x{0000}-\x{0020}\x{007f}\x{00a0}\x{200b}\x{3000}\x{feff}]*"
    r"[=+\-@\x{ff1d}\x{ff0b}\x{ff0d}\x{ff20}]"
)


def formula_sql(value: str) -> str:
    """SQL true when `value` would be read as a formula: its first character, cheaply (every
    sign and skipped character sorts before 'A' or from DEL on, so two string comparisons of
    the value's prefix decide), then the pattern only for values that could start one. Two
    comparisons, not an IN list: DuckDB turns a long IN list into a join, which does not keep
    the rows in file order (row numbers depend on it)."""
    return (
        f"(({value} < 'A' OR {value} >= chr(127))"
        f" AND regexp_matches({value}, {lit(FORMULA_PATTERN)}))"
    )


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


def date_sql(raw: str) -> str:
    """The one date rule: ISO by cast; UK DD/MM/YYYY only where that failed (null if neither)."""
    uk = f"CAST(try_strptime({raw}, '%d/%m/%Y') AS DATE)"
    # The cast never reads NN/NN/NNNN (a four-character day), so skip its failing attempt.
    return (
        f"CASE WHEN {raw} LIKE '__/__/____' THEN {uk}"
        f" ELSE COALESCE(TRY_CAST({raw} AS DATE), {uk}) END"
    )


def _typed(column: Column, raw: str) -> str:
    if column.type == "int":
        return f"TRY_CAST({raw} AS INTEGER)"
    if column.type == "decimal":
        cleaned = f"TRY_CAST(regexp_replace({raw}, '^£|,', '', 'g') AS DOUBLE)"
        number = f"COALESCE(TRY_CAST({raw} AS DOUBLE), {cleaned})"  # the regexp only if needed
        return f"CASE WHEN isfinite({number}) THEN {number} END"
    if column.type == "date":
        return date_sql(raw)
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
        # Not `IN (…)`: DuckDB turns a long IN list into a join, and a join in the validating
        # query lets the staging file come out of file order, so `_row` would name wrong rows.
        contains = f"list_contains([{exact}], {raw})"
        # Most enum columns are empty on most rows: lower() only for a value that is there.
        canonical = (
            f"CASE WHEN {contains} THEN {raw}"
            f" WHEN {raw} IS NOT NULL THEN CASE lower({raw}) {whens} END END"
        )
        return f"CAST({canonical} AS {enum_type(column)})"
    return raw


def enum_type(column: Column) -> str:
    """The DuckDB ENUM of a column's canonical spellings.

    Given an ENUM, the Parquet writer stores the row's code and one dictionary of spellings
    instead of building a string per row; the file still holds plain VARCHAR text.
    """
    return f"ENUM({', '.join(lit(v) for v in column.values)})"


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


def _checks(entity: Entity, as_at_sql: str) -> list[tuple[str, str, str, str]]:
    """(condition SQL, column, rule, message) for every per-row rule of the entity."""
    checks: list[tuple[str, str, str, str]] = []
    for column in entity.columns:
        raw, typed = _q("r_" + column.name), _q(column.name)
        name = column.name
        if column.required:
            checks.append((f"{raw} IS NULL", name, "required", f"{name} is required"))
        if column.type != "text":
            condition = f"{raw} IS NOT NULL AND {typed} IS NULL"
            kind = "enum" if column.type == "enum" else "type"
            checks.append((condition, name, kind, f"{name} {_type_message(column)}"))
        in_range = _range_check(column, typed)
        if in_range:
            checks.append((in_range, name, "range", f"{name} {_range_message(column)}"))
        if column.pattern:
            condition = f"NOT regexp_full_match({raw}, {lit(column.pattern)})"
            checks.append((condition, name, "pattern", f"{name} is not {column.pattern_hint}"))
        if column.type == "text" and column.pii is None:
            condition = formula_sql(raw)
            message = f"{name} starts with =, +, - or @ (a spreadsheet formula is not accepted)"
            checks.append((condition, name, "formula", message))
        if column.published:
            checks.extend(_published_checks(raw, name))
        if column.pii == "nhs_pseudonym":
            condition = f"{raw} IS NOT NULL AND NOT {pii.nhs_valid_sql(_nhs_number(column))}"
            message = f"{name} is not a valid NHS number (modulus-11 check)"
            checks.append((condition, name, "nhs_number", message))
    for rule in entity.rules:
        checks.append((rule.broken.replace("{as_at}", as_at_sql), rule.column, rule.rule,
                       rule.message))  # fmt: skip
    return checks


def _published_checks(raw: str, name: str) -> list[tuple[str, str, str, str]]:
    """Text shown on dashboards as written: short, and with nothing shaped like an identifier."""
    return [
        (
            f"length({raw}) > {pii.PUBLISHED_TEXT_MAX}",
            name,
            "length",
            f"{name} is longer than {pii.PUBLISHED_TEXT_MAX} characters",
        ),
        (
            pii.identifier_sql(raw),
            name,
            "identifier",
            f"{name} looks like it holds {_either(list(pii.IDENTIFIER_PATTERNS))}; notes are"
            " published as written, so they must not identify anyone",
        ),
    ]


def _either(things: list[str]) -> str:
    return ", ".join(things[:-1]) + " or " + things[-1]


def _nhs_number(column: Column) -> str:
    return _q(column.name + "_as_number")


def _age(column: Column) -> str:
    return _q(column.name + "_age")


def _derived(entity: Entity, as_at: str) -> list[str]:
    """SELECT items over `raw` for values that a check or a lake column names several times: an
    NHS number as an integer (the modulus-11 check reads it eleven times) and an age at the
    as-at date (each age band's edge). Written out at each mention instead, DuckDB computes
    them again each time (it shares no work inside a CASE or a condition); as columns they are
    computed once per row."""
    items = []
    for column in entity.columns:
        raw = _q("r_" + column.name)
        if column.pii == "nhs_pseudonym":
            items.append(f"{pii.nhs_number_sql(raw)} AS {_nhs_number(column)}")
        elif column.pii in ("age_band", "birth_year"):
            items.append(f"{pii.age_sql(_typed(column, raw), as_at)} AS {_age(column)}")
    return items


def _lake_columns(entity: Entity) -> list[str]:
    """SELECT items giving the lake columns after the PII rules (docs/interfaces.md).

    Pseudonymised columns still hold the (trimmed) identifier here; the lake writer replaces
    them with pseudonyms, so this query never needs the key.
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
            items.append(f"{pii.workforce_age_band_sql(_age(column))} AS age_band")
        elif column.pii == "birth_year":
            items.append(f"CAST(year({typed}) AS INTEGER) AS birth_year")
            items.append(f"{pii.person_age_band_sql(_age(column))} AS age_band")
    return items


def pseudonymised_columns(entity: Entity) -> list[str]:
    """Lake columns that must be replaced by pseudonyms before anything is written."""
    names = {"pseudonym": None, "nhs_pseudonym": "nhs_number_pseudonym"}
    return [names[c.pii] or c.name for c in entity.columns if c.pii in names]


def stage_query(
    entity: Entity, present: list[str], as_at: dt.date, ascii_only: bool = False
) -> str:
    """The one query over `src`: lake columns, `_source_row`, then the HELPERS.

    `_errors` is null for a good row; for a bad one, every reason (column, value, rule,
    message). Pseudonymised columns still hold the trimmed identifier (see `_lake_columns`).
    `ascii_only` (the file has no byte above 127) spares the test for Unicode spaces.
    """
    as_at_sql = f"DATE '{as_at.isoformat()}'"
    raws = []
    for column in entity.columns:
        source = f"src.{_q(column.name)}" if column.name in present else "CAST(NULL AS VARCHAR)"
        # trim() copies every value; most are ASCII with no space to trim. A value starting
        # with a space sorts before '!' (so does one starting with a control character, which
        # trim() leaves as it is): a comparison, cheaper than starts_with(). trim() also takes
        # Unicode spaces, which only a value with a non-ASCII character (strlen <> length,
        # a count of characters that reads the whole value) can hold.
        needs_trim = f"{source} < '!' OR ends_with({source}, ' ')"
        if not ascii_only:
            needs_trim += f" OR strlen({source}) <> length({source})"
        # The readers give null for an empty value (a CSV's `""` too), so only a trimmed value
        # can be empty: NULLIF on those alone, not a second CASE on every value of every column.
        trimmed = f"CASE WHEN {needs_trim} THEN NULLIF(trim({source}), '') ELSE {source} END"
        raws.append(f"{trimmed} AS {_q('r_' + column.name)}")
    typed = [f"{_typed(c, _q('r_' + c.name))} AS {_q(c.name)}" for c in entity.columns]
    typed += _derived(entity, as_at_sql)
    checks = _checks(entity, as_at_sql)
    # No COALESCE(…, false) needed: CASE WHEN takes a null condition as false, and in an OR a
    # null only matters when nothing is true.
    any_broken = " OR ".join(f"({c[0]})" for c in checks)
    reasons = ", ".join(
        f"CASE WHEN {condition} THEN {{'column': {lit(column)},"
        f" 'value': {_q('r_' + column)}, 'rule': {lit(rule)}, 'message': {lit(message)}}} END"
        for condition, column, rule, message in checks
    )
    # Computed once, in `typed`: a "keep" entity's key hash is the same value.
    row_hash = "_row_hash_of_values"
    key_null = " OR ".join(f"{_q(k)} IS NULL" for k in entity.key)
    key_hash = (
        f"CASE WHEN {key_null} THEN NULL ELSE hash({', '.join(_q(k) for k in entity.key)}) END"
    )
    if entity.duplicate_keys == "keep":  # only exact copies are duplicates (they collapse)
        key_hash = row_hash
    return f"""
        WITH raw AS (SELECT CAST(src._source_row AS BIGINT) AS _source_row, {", ".join(raws)}
                     FROM src),
        typed AS (SELECT *, {", ".join(typed)},
                         hash({", ".join(_q("r_" + c.name) for c in entity.columns)})
                         AS {row_hash} FROM raw)
        SELECT {", ".join(_lake_columns(entity))}, _source_row,
               {key_hash} AS _key_hash, {row_hash} AS _row_hash,
               CASE WHEN {any_broken}
                    THEN list_filter([{reasons}], reason -> reason IS NOT NULL) END AS _errors
        FROM typed
    """


HELPERS = ["_key_hash", "_row_hash", "_errors"]


@dataclass
class Judgement:
    """The counts and reasons that decide a file's fate."""

    rows_in: int
    rows_quarantined: int
    duplicates_collapsed: int
    rows_to_drop: int = 0  # good rows left out as duplicate copies (TEMP TABLE dropped)
    reason_counts: dict[str, int] = field(default_factory=dict)
    examples: list[dict[str, object]] = field(default_factory=list)

    @property
    def rows_loaded(self) -> int:
        return self.rows_in - self.rows_quarantined - self.duplicates_collapsed


def judge(con: duckdb.DuckDBPyConnection, entity: Entity) -> Judgement:
    """Duplicates and conflicting keys, set-wise over the view `staged`.

    Leaves TEMP TABLE rejected (a row per reason) for the quarantine file and TEMP TABLE dropped
    (good rows not to write: every copy of a conflicting key, and repeated exact copies).
    """
    # Two steps so the common case (no repeated key) keeps no per-key state but a count.
    con.execute(
        """
        CREATE OR REPLACE TEMP TABLE repeated AS
        SELECT _key_hash AS key_hash FROM staged WHERE _key_hash IS NOT NULL
        GROUP BY _key_hash HAVING count(*) > 1
        """
    )
    con.execute(
        """
        CREATE OR REPLACE TEMP TABLE dup_keys AS
        SELECT _key_hash AS key_hash, count(*) AS copies, count(DISTINCT _row_hash) AS versions,
               min(_row) AS first_row, list(_row ORDER BY _row) AS rows
        FROM staged WHERE _key_hash IN (SELECT key_hash FROM repeated) GROUP BY _key_hash
        """
    )
    con.execute(
        """
        CREATE OR REPLACE TEMP TABLE dup_rows AS
        SELECT s._row AS row, s._errors IS NOT NULL AS bad, d.versions > 1 AS conflict,
               d.versions = 1 AND s._row <> d.first_row AS collapsed, d.rows
        FROM staged s JOIN dup_keys d ON s._key_hash = d.key_hash
        """
    )
    key = ", ".join(entity.key)
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE rejected AS
        SELECT row, "column", value, rule, message FROM (
            SELECT b._row AS row, unnest(b._errors, recursive := true)
            FROM staged b WHERE b._errors IS NOT NULL
              AND b._row NOT IN (SELECT row FROM dup_rows WHERE collapsed))
        UNION ALL
        SELECT row, {lit(entity.key[0])}, NULL, 'duplicate_key',
               'the same {key} is on rows ' || array_to_string(rows, ', ')
               || ' with different values'
        FROM dup_rows WHERE conflict
        """
    )
    con.execute(
        """CREATE OR REPLACE TEMP TABLE dropped AS
           SELECT row FROM dup_rows WHERE (conflict OR collapsed) AND NOT bad"""
    )

    def one(sql: str) -> int:
        row = con.execute(sql).fetchone()
        return int(row[0]) if row else 0

    rows_in = one("SELECT count(*) FROM staged")
    quarantined = one("SELECT count(DISTINCT row) FROM rejected")
    collapsed = one("SELECT count(*) FROM dup_rows WHERE collapsed")
    dropped = one("SELECT count(*) FROM dropped")
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
    return Judgement(rows_in, quarantined, collapsed, dropped, counts, examples)
