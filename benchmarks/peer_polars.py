"""The ingest peer: the cm_events contract done the way a polars + pandera user would do it.

This is what a council's data engineer would write instead of caregov for one extract: polars
reads the CSV (all columns as text, on every core), trims, types and canonicalises the values with
polars expressions, a pandera schema (polars backend, lazy validation so every failure is
collected) checks required columns, enumerations, ranges, the spreadsheet-formula rule and the
eleven cross-field rules, and polars finds exact duplicate rows and keys repeated with different
values. The person identifier is replaced by the keyed pseudonym caregov uses (lowercase hex
HMAC-SHA256 of the trimmed identifier), computed once per distinct identifier with Python's
`hmac` (polars has no keyed hash) and joined back, the accepted rows are written as one Parquet
file with caregov's lake columns and metadata, and the rejected rows with their reasons as
another. The file's fate follows docs/specification.md §3.2 (more than 5 % bad: rejected whole).

Only the enumerations' canonical spellings are taken from caregov's contract declaration (the
same lists a user would copy from the specification); every check is the peer's own code.

What it does not do that caregov does: no archive copy of the delivered file, no load ledger,
no crash-safe exactly-once commit, no encoding detection (UTF-8 only), no header-name
normalisation and no XLSX. Those make caregov's side slower, not the peer's.

Run as `python -m benchmarks.peer_polars CSV OUT_DIR`: prints the counts as one JSON line.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import os
import sys
from pathlib import Path

import pandera.polars as pa
import polars as pl
from pandera.errors import SchemaErrors

from caregov.settings import DEFAULT_COUNCIL_CODE
from ingestion.contracts import CM_EVENTS

REJECT_THRESHOLD = 0.05
KEY = "event_id"
DATES = ("requested_date", "event_start_date", "event_end_date")
DECIMALS = ("unit_cost", "planned_units_per_week")
REQUIRED = ("event_id", "person_id", "event_type", "event_status", "team_id")
# Text columns kept as written: a value a spreadsheet would run as a formula is refused.
PLAIN_TEXT = (
    "event_id",
    "team_id",
    "service_component",
    "delivery_mechanism",
    "allocated_worker_id",
)
FORMULA = (
    r"^[\x{0000}-\x{0020}\x{007f}\x{00a0}\x{200b}\x{3000}\x{feff}]*"
    r"[=+\-@\x{ff1d}\x{ff0b}\x{ff0d}\x{ff20}]"
)
ENUMS = {column.name: column.values for column in CM_EVENTS.columns if column.type == "enum"}
COLUMNS = [column.name for column in CM_EVENTS.columns]


def _spellings(values: tuple[str, ...]) -> dict[str, str]:
    """Lower-case spelling -> canonical value (snake_case values also with spaces or hyphens)."""
    keys: dict[str, str] = {}
    for value in values:
        keys[value.lower()] = value
        if "_" in value and " " not in value:
            keys[value.replace("_", " ").lower()] = value
            keys[value.replace("_", "-").lower()] = value
    return keys


def _raw(name: str) -> pl.Expr:
    return pl.col(f"r_{name}")


def typed_columns() -> list[pl.Expr]:
    """The typed value of every column, from its trimmed raw text (null when it does not parse)."""
    exprs = []
    for name in COLUMNS:
        raw = _raw(name)
        if name in DATES:
            iso = raw.str.strptime(pl.Date, "%Y-%m-%d", strict=False)
            uk = raw.str.strptime(pl.Date, "%d/%m/%Y", strict=False)
            exprs.append(pl.coalesce(iso, uk).alias(name))
        elif name in DECIMALS:
            number = raw.str.replace_all(r"^£|,", "").cast(pl.Float64, strict=False)
            exprs.append(pl.when(number.is_finite()).then(number).alias(name))
        elif name in ENUMS:
            keys = _spellings(ENUMS[name])
            lower = raw.str.to_lowercase()
            # An unknown spelling is kept as written, for the schema's isin check to refuse.
            canonical = pl.when(lower.is_in(list(keys))).then(lower.replace_strict(keys))
            exprs.append(canonical.otherwise(raw).alias(name))
        else:
            exprs.append(raw.alias(name))
    return exprs


def _rule(name: str, broken: pl.Expr) -> pa.Check:
    """A cross-field rule: the row passes unless `broken` is true."""
    return pa.Check(lambda data: data.lazyframe.select(~broken.fill_null(False)), name=name)


def _required_when(column: str, condition: pl.Expr) -> pa.Check:
    return _rule(f"{column}_required", pl.col(column).is_null() & condition)


def _not_before(column: str, earliest: str) -> pa.Check:
    return _rule(f"{column}_before_{earliest}", pl.col(column) < pl.col(earliest))


def schema() -> pa.DataFrameSchema:
    """The contract as a pandera schema over the typed columns and their raw text (`r_…`)."""
    columns: dict[str, pa.Column] = {}
    for name in COLUMNS:
        checks = []
        if name in ENUMS:
            checks.append(pa.Check.isin(ENUMS[name]))
        if name in DECIMALS:
            checks.append(pa.Check.ge(0))
        if name in PLAIN_TEXT:
            checks.append(
                pa.Check(lambda data, n=name: data.lazyframe.select(~pl.col(n).str.contains(FORMULA)),
                         name="formula")
            )  # fmt: skip
        dtype = pl.Date if name in DATES else pl.Float64 if name in DECIMALS else pl.Utf8
        columns[name] = pa.Column(dtype, checks, nullable=name not in REQUIRED)
    parsed = [  # a value was given but is not a date or a number
        _rule(f"{name}_type", _raw(name).is_not_null() & pl.col(name).is_null())
        for name in (*DATES, *DECIMALS)
    ]
    event_type, status = pl.col("event_type"), pl.col("event_status")
    rules = [
        _required_when("requested_date", event_type.is_in(["Assessment", "Review"])),
        _required_when("event_start_date", event_type.is_in(["Request", "Service"])),
        _required_when("event_end_date", status.is_in(["completed", "cancelled"])),
        _not_before("event_end_date", "event_start_date"),
        _not_before("event_end_date", "requested_date"),
        _required_when("event_outcome", status == "completed"),
        _required_when("request_route_of_access", event_type == "Request"),
        _required_when("assessment_type", event_type == "Assessment"),
        _required_when("assessment_subtype", event_type == "Assessment"),
        _required_when("service_type", event_type == "Service"),
        _required_when("review_reason", event_type == "Review"),
    ]
    return pa.DataFrameSchema(columns, checks=parsed + rules, strict=False)


def pseudonyms(identifiers: pl.Series, key: bytes) -> pl.DataFrame:
    """Distinct identifier -> HMAC-SHA256 hex, the pseudonym caregov computes."""
    distinct = identifiers.drop_nulls().unique()
    hashed = [hmac.new(key, value.encode(), hashlib.sha256).hexdigest() for value in distinct]
    return pl.DataFrame({"identifier": distinct, "pseudonym": hashed})


def ingest(csv: Path, out: Path, key: bytes, la_code: str) -> dict[str, int | str]:
    """Validate, pseudonymise and write one cm_events extract; the counts caregov reports."""
    as_at = dt.date.fromisoformat(csv.stem.rsplit("_", 1)[1])
    started = dt.datetime.now()
    load_id = f"cm_events-{as_at:%Y%m%d}-peer"
    text = pl.read_csv(csv, infer_schema=False, encoding="utf8")
    frame = text.select(
        pl.int_range(2, pl.len() + 2, dtype=pl.Int64).alias("_source_row"),
        *[
            pl.col(name).str.strip_chars(" ").replace("", None).alias(f"r_{name}")
            if name in text.columns
            else pl.lit(None, pl.Utf8).alias(f"r_{name}")
            for name in COLUMNS
        ],
    ).with_columns(typed_columns())

    try:
        schema().validate(frame, lazy=True)
        failures = pl.DataFrame({"index": [], "column": [], "check": []},
                                schema={"index": pl.Int64, "column": pl.Utf8, "check": pl.Utf8})  # fmt: skip
    except SchemaErrors as errors:
        failures = errors.failure_cases.select(
            pl.col("index").cast(pl.Int64), pl.col("column"), pl.col("check")
        ).drop_nulls("index")
    bad = failures.get_column("index").unique()

    # Exact copies collapse to their first row; a key with two versions holds back every copy.
    # Only rows whose key repeats need their values compared.
    frame = frame.with_row_index("_i")
    repeated = frame.filter(pl.col(KEY).is_duplicated()).with_columns(
        pl.struct([f"r_{n}" for n in COLUMNS]).hash().alias("_row_hash")
    )
    dup = repeated.with_columns(
        pl.col("_row_hash").n_unique().over(KEY).alias("versions"),
        pl.col("_i").min().over(KEY).alias("first"),
    )
    conflict = dup.filter(pl.col("versions") > 1).get_column("_i")
    collapsed_rows = dup.filter(
        (pl.col("versions") == 1) & (pl.col("_i") != pl.col("first"))
    ).get_column("_i")
    quarantined = pl.concat([bad.cast(pl.UInt32).filter(~bad.cast(pl.UInt32).is_in(collapsed_rows.implode())),
                             conflict]).unique()  # fmt: skip
    rows_in = frame.height
    counts: dict[str, int | str] = {
        "rows_in": rows_in,
        "rows_quarantined": quarantined.len(),
        "duplicates_collapsed": collapsed_rows.len(),
    }
    considered = rows_in - collapsed_rows.len()
    if rows_in == 0 or quarantined.len() / considered > REJECT_THRESHOLD:
        counts.update(status="rejected", rows_loaded=0)
        return counts

    held_back = pl.concat([quarantined, collapsed_rows]).implode()
    good = frame.filter(~pl.col("_i").is_in(held_back))
    codes = pseudonyms(good.get_column("person_id"), key)
    lake = good.with_columns(
        pl.col("person_id").replace_strict(
            codes.get_column("identifier"), codes.get_column("pseudonym")
        )
    )
    lake = lake.select(
        *[pl.col(n) for n in COLUMNS],
        pl.lit(load_id).alias("_load_id"), pl.lit(as_at).alias("_as_at"),
        pl.lit(csv.name).alias("_source_file"), pl.col("_source_row"),
        pl.lit(started).alias("_loaded_at"), pl.lit(la_code).alias("_la_code"),
    )  # fmt: skip
    partition = out / "lake" / "cm_events" / f"as_at={as_at}" / f"load={load_id}"
    partition.mkdir(parents=True, exist_ok=True)
    lake.write_parquet(partition / "part-0.parquet")
    rejected = failures.join(frame.select(pl.col("_i").cast(pl.Int64), "_source_row"),
                             left_on="index", right_on="_i").drop("index")  # fmt: skip
    (out / "quarantine").mkdir(parents=True, exist_ok=True)
    rejected.write_parquet(out / "quarantine" / f"{load_id}.parquet")
    counts.update(status="loaded", rows_loaded=lake.height)
    return counts


def main(argv: list[str]) -> int:
    csv, out = Path(argv[0]), Path(argv[1])
    key = os.environ["CAREGOV_PSEUDONYM_KEY"].encode()
    # The delivering council, which caregov's lake rows carry as `_la_code`.
    la_code = os.environ.get("CAREGOV_COUNCIL_CODE", "").strip() or DEFAULT_COUNCIL_CODE
    counts = ingest(csv, out, key, la_code)
    out.mkdir(parents=True, exist_ok=True)
    (out / "counts.json").write_text(json.dumps(counts))
    print(json.dumps(counts))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
