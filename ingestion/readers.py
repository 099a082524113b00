"""Readers: turn a delivered CSV or XLSX file into a DuckDB view of text columns.

Every reader ends the same way: a temporary view (`src`) with one VARCHAR column per contract
column found in the header (names normalised per docs/specification.md §3.1) plus `_source_row`, the row
number a user sees (the CSV header is row 1; for XLSX the sheet's own row number). Typing is
the validator's job, so nothing here guesses types. Parsing is DuckDB's (CSV, strict RFC 4180)
and calamine's (XLSX); this module only checks that a file is what its name says, finds the
header, and explains parser failures in one sentence without quoting the file's contents
(they may be personal data).
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import hashlib
import io
import logging
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path

import duckdb

from caregov import fs
from ingestion.contracts import Entity
from ingestion.rejections import FileRejected

log = logging.getLogger(__name__)

SNIFF_BYTES = 64 * 1024
ZIP_SIGNATURE = b"PK\x03\x04"  # an xlsx workbook is a zip file
HEADER_BYTES = 1024 * 1024
MAX_LINE_BYTES = 2 * 1024 * 1024  # a longer CSV line (one huge field) rejects the file
MAX_XLSX_UNCOMPRESSED = 512 * 1024 * 1024
MAX_XLSX_RATIO = 200  # declared uncompressed ÷ compressed size of one workbook part
_MULTIBYTE_UTF8 = re.compile(rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}")


@dataclass
class SourceTable:
    """What a reader produced: the view name and what it found in the header."""

    view: str
    columns: list[str]
    extra_columns: list[str]
    file_format: str
    encoding: str
    numbers_rows: bool = False  # True when `src._source_row` is already the user's row number


class EncodingFallback(Exception):
    """DuckDB found bytes that are not UTF-8: retry the CSV as Windows-1252."""


@dataclass
class Scan:
    """One pass over the delivered bytes: their hash, and the first line too long to read."""

    sha256: str
    long_line: int | None  # line number, for CSV files only
    ascii: bool = False  # every byte is ASCII, so no value holds a Unicode space to trim
    nul_line: int | None = None  # the first line holding a NUL byte, for CSV files only


def scan(path: Path) -> Scan:
    """Hash the file and find any line over MAX_LINE_BYTES, and any NUL byte, in the same read.

    DuckDB's CSV reader silently drops a line longer than its buffer instead of failing, and
    reads a NUL byte into a value, so both are caught here, before parsing, and the file is
    refused. Newlines are counted (to name the line) only when there is such a line: counting
    them all costs a third of the read.
    """
    digest = hashlib.sha256()
    chunk_bytes = MAX_LINE_BYTES // 2
    since_newline, offset, long_start, nul_at, ascii_only = 0, 0, None, None, True
    zipped = False
    with path.open("rb") as handle:
        while chunk := handle.read(chunk_bytes):
            zipped = zipped or (offset == 0 and chunk.startswith(ZIP_SIGNATURE))
            digest.update(chunk)
            ascii_only = ascii_only and chunk.isascii()
            if nul_at is None and (found := chunk.find(b"\x00")) != -1:
                nul_at = offset + found
            if long_start is None:
                first = chunk.find(b"\n")
                if first == -1:
                    since_newline += len(chunk)
                else:
                    if since_newline + first > MAX_LINE_BYTES:
                        long_start = offset - since_newline
                    since_newline = len(chunk) - chunk.rfind(b"\n") - 1
                if since_newline > MAX_LINE_BYTES:
                    long_start = offset + len(chunk) - since_newline
            offset += len(chunk)
    long_line = nul_line = None
    if file_format(path) == "csv" and not zipped:  # a workbook under a .csv name says so itself
        if long_start is not None:
            long_line = _newlines_before(path, long_start) + 1
        if nul_at is not None:
            nul_line = _newlines_before(path, nul_at) + 1
    return Scan(digest.hexdigest(), long_line, ascii_only, nul_line)


def _newlines_before(path: Path, end: int) -> int:
    count = 0
    with path.open("rb") as handle:
        while end > 0 and (chunk := handle.read(min(end, MAX_LINE_BYTES))):
            count += chunk.count(b"\n")
            end -= len(chunk)
    return count


def holds_nul(path: Path, line: int) -> FileRejected:
    return FileRejected(
        f"{path.name} is a binary file, not a CSV text file: line {line} holds a NUL byte."
    )


def too_long(path: Path, line: int) -> FileRejected:
    return FileRejected(
        f"{path.name}: line {line} is longer than the {MAX_LINE_BYTES // (1024 * 1024)} MB a line"
        " may have (one value is far too long)."
    )


def normalise_header(name: object) -> str:
    """`Event Start Date` -> `event_start_date` (docs/specification.md §3.1); the national
    returns' punctuation goes the same way: `Request: Route of Access` ->
    `request_route_of_access`, `Autism Spectrum Disorder (ASD)` ->
    `autism_spectrum_disorder_asd`, `No. of adults being cared for` -> `no_of_adults_…`."""
    text = str(name if name is not None else "").replace("\ufeff", "").strip().lower()
    return re.sub(r"[\s\-:.()]+", "_", text).strip("_")


def file_format(path: Path) -> str:
    return path.suffix.lower().lstrip(".")


def open_extract(
    con: duckdb.DuckDBPyConnection,
    path: Path,
    entity: Entity,
    workdir: Path,
    encoding: str = "utf-8",
) -> SourceTable:
    """Create the `src` view for `path`; raise FileRejected if it is not a readable extract."""
    size = path.stat().st_size
    if size == 0:
        raise FileRejected(f"{path.name} is empty.")
    with path.open("rb") as handle:
        head = handle.read(SNIFF_BYTES)
    is_zip = head.startswith(ZIP_SIGNATURE)
    if file_format(path) == "xlsx":
        if not is_zip:
            raise FileRejected(
                f"{path.name} is not an Excel workbook (.xlsx): its content is not a workbook"
                " (is it a CSV file renamed?)."
            )
        return _open_xlsx(con, path, entity)
    if is_zip:
        raise FileRejected(f"{path.name} is a zip or Excel workbook, not a CSV text file.")
    readable = path if encoding == "utf-8" else _transcode_cp1252(path, workdir)
    return _open_csv(con, readable, entity, encoding, path.name)


# -- CSV --------------------------------------------------------------------------------


def _csv_header(path: Path, display_name: str) -> list[str]:
    with path.open("rb") as handle:
        head = handle.read(HEADER_BYTES)
    try:
        text = head.decode("utf-8-sig")
    except UnicodeDecodeError:  # header names are ASCII; the body's encoding is found later
        text = head.decode("cp1252", errors="replace")
    first = text.splitlines()[0] if text.strip() else ""
    if not first.strip():
        raise FileRejected(f"{display_name} has no header row (the first line is blank).")
    return next(csv.reader(io.StringIO(first)))


def _open_csv(
    con: duckdb.DuckDBPyConnection, path: Path, entity: Entity, encoding: str, display: str
) -> SourceTable:
    header = _csv_header(path, display)
    names = [normalise_header(h) for h in header]
    if len(names) == 1:
        for delimiter, label in ((";", "semicolons"), ("\t", "tabs"), ("|", "pipes")):
            if delimiter in header[0]:
                raise FileRejected(
                    f"{display} is not comma-separated: its header is separated by {label}."
                )
    table = _select_columns(names, entity, display)
    columns = ", ".join(f"'c{i}': 'VARCHAR'" for i in range(len(names)))
    selected = ", ".join(f'"c{i}" AS "{name}"' for name, i in table.items())
    con.execute(
        f"""
        CREATE OR REPLACE TEMP VIEW src AS
        SELECT CAST(NULL AS BIGINT) AS _source_row, {selected}
        FROM read_csv({_lit(str(path))}, columns = {{{columns}}}, header = true, auto_detect = false,
                      delim = ',', quote = '"', escape = '"', strict_mode = true,
                      max_line_size = {MAX_LINE_BYTES}, encoding = 'utf-8')
        """
    )
    extra = [n or f"(unnamed column {i + 1})" for i, n in enumerate(names) if n not in table]
    return SourceTable("src", list(table), extra, "csv", encoding)


def explain_csv_error(error: duckdb.Error, name: str) -> Exception:
    """A DuckDB CSV failure as one sentence, never quoting the offending line (PII)."""
    message = str(error)
    if "Invalid unicode" in message or "not utf-8 encoded" in message:
        return EncodingFallback()
    line_match = re.search(r"CSV Error on Line: (\d+)", message)
    where = f"line {line_match.group(1)}" if line_match else "a line"
    fields = re.search(r"Expected Number of Columns: (\d+) Found: (\d+)", message)
    if fields:
        return FileRejected(
            f"{name}: {where} has {fields.group(2)} fields but the header has {fields.group(1)}"
            " (wrong delimiter, an unquoted comma, or a truncated line)."
        )
    if "unterminated quote" in message:
        return FileRejected(
            f"{name}: {where} has a quoted value that never ends (is the file truncated?)."
        )
    if "Maximum line size" in message or "max_line_size" in message:
        return too_long(Path(name), int(line_match.group(1)) if line_match else 0)
    return FileRejected(f"{name}: could not be read as a CSV file at {where}.")


def _transcode_cp1252(path: Path, workdir: Path) -> Path:
    """Stream a Windows-1252 file into a UTF-8 copy; refuse files that mix encodings."""
    mixed = False
    decoder = codecs.getincrementaldecoder("cp1252")(errors="strict")
    target = workdir / "transcoded.csv"
    line = 1
    with (
        path.open("rb") as source,
        fs.open_private(target, "w", encoding="utf-8", newline="") as out,
    ):
        while chunk := source.read(1024 * 1024):
            mixed = mixed or bool(_MULTIBYTE_UTF8.search(chunk))
            try:
                out.write(decoder.decode(chunk))
            except UnicodeDecodeError as error:
                line += chunk[: error.start].count(b"\n")
                raise FileRejected(
                    f"{path.name}: line {line} holds bytes that are neither UTF-8 nor"
                    " Windows-1252 (is it a text file?)."
                ) from None
            line += chunk.count(b"\n")
        out.write(decoder.decode(b"", final=True))
    if mixed:
        raise FileRejected(
            f"{path.name} mixes UTF-8 and Windows-1252 encodings; save it again in one"
            " encoding (UTF-8 preferred)."
        )
    return target


# -- XLSX -------------------------------------------------------------------------------


def _check_workbook_zip(path: Path) -> None:
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
    except zipfile.BadZipFile:
        raise FileRejected(f"{path.name} is not a readable Excel workbook (damaged zip).") from None
    names = {m.filename for m in members}
    if not {"[Content_Types].xml", "xl/workbook.xml"} <= names:
        raise FileRejected(f"{path.name} is a zip file but not an Excel workbook (.xlsx).")
    declared = sum(m.file_size for m in members)
    worst = max((m.file_size / max(m.compress_size, 1) for m in members), default=0)
    if declared > MAX_XLSX_UNCOMPRESSED or (worst > MAX_XLSX_RATIO and declared > 10_000_000):
        raise FileRejected(
            f"{path.name} would expand to {declared // (1024 * 1024)} MB when opened; refused as"
            " unsafe (a zip bomb?). Deliver large extracts as CSV."
        )


def _cell_text(value: object) -> str | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def _open_xlsx(con: duckdb.DuckDBPyConnection, path: Path, entity: Entity) -> SourceTable:
    import pyarrow as pa  # here, not at the top: a CSV ingest does not pay for its import
    from python_calamine import CalamineWorkbook

    _check_workbook_zip(path)
    try:
        workbook = CalamineWorkbook.from_path(str(path))
        if entity.sheet and entity.sheet not in workbook.sheet_names:
            raise FileRejected(f"{path.name} has no sheet named {entity.sheet!r}.")
        sheet = (
            workbook.get_sheet_by_name(entity.sheet)
            if entity.sheet
            else workbook.get_sheet_by_index(0)
        )
        rows = sheet.to_python(skip_empty_area=False)
    except FileRejected:
        raise
    except Exception:
        raise FileRejected(f"{path.name} could not be opened as an Excel workbook.") from None
    required = set(entity.required_names)
    header_index = next(
        (i for i, row in enumerate(rows) if required <= {normalise_header(c) for c in row}),
        None,
    )
    if header_index is None:
        best = max(
            ({normalise_header(c) for c in row} & required for row in rows), key=len, default=set()
        )
        missing = [c for c in entity.required_names if c not in best]
        raise FileRejected(
            f"{path.name}: no row holds all required columns; missing: {', '.join(missing)}."
        )
    names = [normalise_header(c) for c in rows[header_index]]
    table = _select_columns(names, entity, path.name)
    row_numbers, data = [], []
    for index in range(header_index + 1, len(rows)):
        row = rows[index]
        if all(c is None or c == "" for c in row):
            continue
        row_numbers.append(index + 1)
        data.append(row)
    arrays = {"_source_row": pa.array(row_numbers, pa.int64())}
    for name, position in table.items():
        arrays[name] = pa.array(
            [_cell_text(r[position]) if position < len(r) else None for r in data], pa.string()
        )
    con.register("xlsx_rows", pa.table(arrays))
    con.execute("CREATE OR REPLACE TEMP VIEW src AS SELECT * FROM xlsx_rows")
    extra = [n or f"(unnamed column {i + 1})" for i, n in enumerate(names) if n not in table]
    extra = [e for e in extra if not e.startswith("(unnamed")]
    return SourceTable("src", list(table), extra, "xlsx", "xlsx", numbers_rows=True)


# -- shared -----------------------------------------------------------------------------


def _lit(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _select_columns(names: list[str], entity: Entity, display: str) -> dict[str, int]:
    """Contract column -> position in the header; reject missing required or doubled names."""
    wanted = {c.name for c in entity.columns}
    table: dict[str, int] = {}
    for position, name in enumerate(names):
        if name in wanted:
            if name in table:
                raise FileRejected(f"{display}: column {name} appears twice in the header.")
            table[name] = position
    missing = [c for c in entity.required_names if c not in table]
    if missing:
        raise FileRejected(
            f"{display}: required column{'s' if len(missing) > 1 else ''} missing from the"
            f" header: {', '.join(missing)}."
        )
    return table
