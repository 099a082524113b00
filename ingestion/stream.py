"""Two DuckDB passes over a delivered file, both run by DuckDB's parallel Parquet writer.

1. `stage()`: the validating query (validate.stage_query) parses and checks the file once and
   writes every row, in file order, to an uncompressed staging Parquet file in the load's work
   folder. The view `staged` reads it back with `_row`, the row number a user sees (for a CSV,
   the file position + 2: the header is row 1), which the parallel CSV reader cannot give.
2. `write_lake()`, once the file is judged: the good rows that are not duplicate copies go to
   the load's `part-<n>.parquet` files (one per thread), with pseudonyms computed once per
   distinct identifier of each column and joined back, and the metadata columns as constants.

Nothing is streamed through Python: DuckDB's Arrow export runs on one thread, which made it the
slowest step. A killed run's work folder still holds identifiers in clear; `load` removes such
folders when the next ingest starts.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb

from caregov import fs
from ingestion import pseudonymise, readers, validate
from ingestion.contracts import Entity
from ingestion.rejections import FileRejected

STAGED = "staged.parquet"
# DuckDB encodes a single Parquet file on one thread; a file per thread (`part-<n>.parquet`,
# docs/interfaces.md) lets every core encode. Row order does not matter: `_source_row` says it.
LAKE_FILES = "PER_THREAD_OUTPUT true, FILENAME_PATTERN 'part-{i}'"
# Read back once, straight away: no compression and no dictionaries (whose building and
# abandoning on high-cardinality columns costs more than the bytes they would save).
STAGING_OPTIONS = "FORMAT parquet, COMPRESSION uncompressed, DICTIONARY_SIZE_LIMIT 1"


def stage(
    con: duckdb.DuckDBPyConnection,
    path: Path,
    entity: Entity,
    as_at: dt.date,
    workdir: Path,
    ascii_only: bool = False,
) -> readers.SourceTable:
    """Run the validating query into the staging file and create the view `staged`; CSV bytes
    that are not UTF-8 are retried once as Windows-1252."""
    staged = workdir / STAGED
    for encoding in ("utf-8", "windows-1252"):
        source = readers.open_extract(con, path, entity, workdir, encoding)
        query = validate.stage_query(
            entity, source.columns, as_at, ascii_only and source.file_format == "csv"
        )
        try:
            with _ordered_copy_memory(con):
                con.execute(f"COPY ({query}) TO {validate.lit(str(staged))} ({STAGING_OPTIONS})")
            fs.make_private(staged)  # the delivered values, identifiers included
        except duckdb.Error as error:
            problem = readers.explain_csv_error(error, path.name)
            if not isinstance(problem, readers.EncodingFallback) or encoding != "utf-8":
                raise (problem if isinstance(problem, FileRejected) else
                       FileRejected(f"{path.name} could not be read as text.")) from None  # fmt: skip
            continue
        row = "_source_row" if source.numbers_rows else "file_row_number + 2"
        con.execute(
            f"""CREATE OR REPLACE TEMP VIEW staged AS
                SELECT * EXCLUDE (file_row_number), {row} AS _row
                FROM read_parquet({validate.lit(str(staged))}, file_row_number = true)"""
        )
        return source
    raise AssertionError("unreachable")


@contextmanager
def _ordered_copy_memory(con: duckdb.DuckDBPyConnection) -> Iterator[None]:
    """Twice the load's memory limit (CAREGOV_INGEST_MEMORY) for the staging pass. It writes
    rows in file order (their row numbers), and DuckDB's ordered copy falls back to one thread
    when the batches it holds for ordering near the limit: at 512 MB a 1 M-row CLD submission
    (50 wide columns) staged on one thread, about 2 s slower, at 1 GB on both cores. The rest of
    the load keeps its own limit (a larger one made the 5 M-row cm_events load no faster)."""
    (limit,) = con.execute("select current_setting('memory_limit')").fetchone() or ("",)
    doubled = 2 * _bytes(str(limit))
    if doubled:
        con.execute(f"set memory_limit = '{doubled}B'")
    try:
        yield
    finally:
        if doubled:
            con.execute(f"set memory_limit = '{limit}'")


def _bytes(setting: str) -> int:
    """DuckDB's memory_limit setting ("488.2 MiB", "1.0 GiB") in bytes; 0 when unreadable."""
    units = {"B": 1, "KiB": 2**10, "MiB": 2**20, "GiB": 2**30, "TiB": 2**40,
             "KB": 10**3, "MB": 10**6, "GB": 10**9, "TB": 10**12}  # fmt: skip
    number, _, unit = setting.strip().partition(" ")
    try:
        return int(float(number) * units[unit])
    except (ValueError, KeyError):
        return 0


def write_lake(
    con: duckdb.DuckDBPyConnection,
    key: bytes,
    entity: Entity,
    constants: dict[str, str],
    judgement: validate.Judgement,
    tmp: Path,
) -> None:
    """Write the load's `part-<n>.parquet` files: good rows only, pseudonymised, with metadata.

    `constants` holds `_load_id`, `_source_file` and `_la_code` (the delivering council). Each pseudonymised column is joined to a
    table of its distinct values' pseudonyms; the key reaches DuckDB only as HMAC pads.
    """
    hidden = validate.pseudonymised_columns(entity)
    names = [
        name
        for (name,) in con.execute("SELECT column_name FROM (DESCRIBE staged)").fetchall()
        if not name.startswith("_")
    ]
    keep = "s._errors IS NULL"
    if judgement.rows_to_drop:
        keep += " AND s._row NOT IN (SELECT row FROM dropped)"
    joins = []
    items = {name: f"s.{_q(name)}" for name in names}
    for column in entity.columns:  # read back from Parquet as VARCHAR; see validate.enum_type
        if column.type == "enum":
            items[column.name] = f"CAST(s.{_q(column.name)} AS {validate.enum_type(column)})"
    if hidden:
        pseudonymise.register_key(con, key)
        # One table per column, of that column's distinct values only: each join's hash table
        # is then the size of its own column (a CLD submission has five such columns, mostly
        # empty), not of every identifier in the file.
        for i, name in enumerate(hidden):
            con.execute(
                f"""CREATE OR REPLACE TEMP TABLE pseudonyms_{i} AS
                    SELECT v, {pseudonymise.pseudonym_sql("v")} AS pseudonym
                    FROM (SELECT DISTINCT s.{_q(name)} AS v FROM staged s
                          WHERE {keep} AND s.{_q(name)} IS NOT NULL) d,
                         {pseudonymise.KEY_VIEW}"""
            )
            found = con.execute(f"SELECT count(*) FROM pseudonyms_{i}").fetchone()
            if found and found[0]:
                joins.append(f"LEFT JOIN pseudonyms_{i} p{i} ON s.{_q(name)} = p{i}.v")
                items[name] = f"p{i}.pseudonym"
            else:  # an identifier column empty throughout: nothing to join
                items[name] = "CAST(NULL AS VARCHAR)"
    select = ", ".join(f"{sql} AS {_q(name)}" for name, sql in items.items())
    con.execute(
        f"""COPY (
              SELECT {select},
                     {_text_constant(constants["_load_id"])} AS _load_id,
                     CAST({validate.lit(constants["_as_at"])} AS DATE) AS _as_at,
                     {_text_constant(constants["_source_file"])} AS _source_file,
                     CAST(s._row AS BIGINT) AS _source_row,
                     CAST({validate.lit(constants["_loaded_at"])} AS TIMESTAMP) AS _loaded_at,
                     {_text_constant(constants["_la_code"])} AS _la_code
              FROM staged s {" ".join(joins)}
              WHERE {keep}
            ) TO {validate.lit(str(tmp))} (FORMAT parquet, {LAKE_FILES})"""
    )


def _text_constant(value: str) -> str:
    """A text column with one value on every row, as a one-member ENUM: the Parquet writer then
    stores a dictionary of one string and codes, not the string again for each row."""
    return f"CAST({validate.lit(value)} AS ENUM({validate.lit(value)}))"


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'
