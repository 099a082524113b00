"""Personal data rules (docs/specification.md §3.2, docs/interfaces.md) as DuckDB SQL expressions.

One pseudonym for every entity: lowercase hex HMAC-SHA256(key, trimmed identifier). The loader
computes it in DuckDB once per distinct identifier and joins it to the rows. The key reaches
DuckDB only as its two HMAC pads, bound as query parameters into a temporary table: it never
appears in SQL text, an error message or a log.

Also here: the NHS number modulus-11 check, age bands at the as-at date, and the postcode
outward code. Everything else marked PII is simply not selected.
"""

from __future__ import annotations

import hashlib
import hmac

import duckdb

KEY_VIEW = "pseudonym_key"
_SHA256_BLOCK = 64


def hmac_pads(key: bytes) -> tuple[bytes, bytes]:
    """The inner and outer padded keys of HMAC-SHA256 (RFC 2104).

    With them SQL computes the HMAC as sha256(opad || sha256(ipad || message)) while the key
    itself stays out of the query text: the pads reach DuckDB as bound parameters.
    """
    if len(key) > _SHA256_BLOCK:
        key = hashlib.sha256(key).digest()
    key = key.ljust(_SHA256_BLOCK, b"\0")
    return bytes(b ^ 0x36 for b in key), bytes(b ^ 0x5C for b in key)


def register_key(con: duckdb.DuckDBPyConnection, key: bytes) -> None:
    """Make the one-row table `pseudonym_key(ipad, opad)` that `pseudonym_sql` reads.

    Bound parameters rather than an Arrow table: a CSV ingest then never imports pyarrow. Like
    the staging data, the table lives in DuckDB's memory or at worst the load's work folder.
    """
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE {KEY_VIEW} AS"
        " SELECT CAST($ipad AS BLOB) AS ipad, CAST($opad AS BLOB) AS opad",
        dict(zip(("ipad", "opad"), hmac_pads(key), strict=True)),
    )


def pseudonym_sql(identifier: str) -> str:
    """SQL for the pseudonym of `identifier` (needs `pseudonym_key` in the FROM clause).

    Meant for distinct identifiers, joined back to the rows: two SHA-256 runs per value are
    cheap once per person, not once per row.
    """
    inner = f"unhex(sha256({KEY_VIEW}.ipad || encode({identifier})))"
    return f"sha256({KEY_VIEW}.opad || {inner})"


def pseudonym(key: bytes, identifier: str) -> str:
    """The pseudonym of one identifier (the same function as `pseudonym_sql`)."""
    return hmac.digest(key, identifier.strip().encode(), "sha256").hex()


def nhs_digits_sql(raw: str) -> str:
    """An NHS number with the usual spaces/hyphens removed (`943 476 5919` -> `9434765919`). A
    value of ten characters is left as it is: it is either ten digits already or, holding a
    space, fewer than ten digits and not an NHS number either way."""
    return (
        f"CASE WHEN length({raw}) = 10 THEN {raw} ELSE regexp_replace({raw}, '[\\s-]', '', 'g') END"
    )


def nhs_number_sql(raw: str) -> str:
    """The NHS number in `raw` as an integer, or null unless its digits (`nhs_digits_sql`) are
    ten. The validator computes it once per row, as a column of its own, for `nhs_valid_sql`."""
    digits = nhs_digits_sql(raw)
    return f"CASE WHEN regexp_full_match({digits}, '[0-9]{{10}}') THEN CAST({digits} AS BIGINT) END"


def nhs_valid_sql(number: str) -> str:
    """True when `number` (a column of `nhs_number_sql`) passes the modulus-11 check digit.

    The weights apply to the digits of the integer (arithmetic, not nine substrings per row).
    `number` is a column, not the text's expression: the check names it eleven times, and DuckDB
    does not share repeated work inside a condition, so an expression would parse the text
    eleven times per row (the largest single cost of validating a CLD submission). A computed
    check digit of 10 means an invalid number; it never equals a last digit, so one comparison
    decides both.
    """
    weighted = " + ".join(f"({number} // {10 ** (10 - i)}) % 10 * {11 - i}" for i in range(1, 10))
    return f"({number} IS NOT NULL AND (11 - (({weighted}) % 11)) % 11 = {number} % 10)"


def age_sql(date_of_birth: str, as_at: str) -> str:
    """Age in whole years at the as-at date (null without a date of birth)."""
    return f"date_sub('year', {date_of_birth}, {as_at})"


def workforce_age_band_sql(age: str) -> str:
    """hr_workers: <25, 25-34, 35-44, 45-54, 55-64, 65+, from `age` (a column of `age_sql`: the
    bands name it at each edge)."""
    return (
        f"CASE WHEN {age} IS NULL THEN NULL WHEN {age} < 25 THEN '<25'"
        f" WHEN {age} < 35 THEN '25-34' WHEN {age} < 45 THEN '35-44'"
        f" WHEN {age} < 55 THEN '45-54' WHEN {age} < 65 THEN '55-64' ELSE '65+' END"
    )


def person_age_band_sql(age: str) -> str:
    """cm_people: 0-17, 18-24, 25-64, 65-74, 75-84, 85+, from `age` (a column of `age_sql`)."""
    return (
        f"CASE WHEN {age} IS NULL THEN NULL WHEN {age} < 18 THEN '0-17'"
        f" WHEN {age} < 25 THEN '18-24' WHEN {age} < 65 THEN '25-64'"
        f" WHEN {age} < 75 THEN '65-74' WHEN {age} < 85 THEN '75-84' ELSE '85+' END"
    )


def postcode_district_sql(raw: str) -> str:
    """The outward code (`SW1A 1AA` -> `SW1A`); null unless the postcode looks like one."""
    compact = f"upper(regexp_replace({raw}, '\\s', '', 'g'))"
    return (
        f"CASE WHEN regexp_full_match({compact}, '[A-Z]{{1,2}}[0-9][A-Z0-9]?[0-9][A-Z]{{2}}')"
        f" THEN left({compact}, length({compact}) - 3) END"
    )


# Identifiers a person could be found by, as they are written in prose (RE2, case-insensitive).
# Published text (a governance note) holding one is quarantined, never reduced: we cannot tell
# which words around it are personal too.
IDENTIFIER_PATTERNS = {
    "an NHS number": r"\b\d{3}[ -]?\d{3}[ -]?\d{4}\b",
    "a National Insurance number": r"\b[a-z]{2} ?\d{2} ?\d{2} ?\d{2} ?[a-d]\b",
    "a postcode": r"\b[a-z]{1,2}\d[a-z\d]? ?\d[a-z]{2}\b",
    "an e-mail address": r"[^\s@]+@[^\s@]+\.[a-z]{2,}",
    "a phone number": r"(\+44 ?|\b0)\d{2,4}[ -]?\d{3,4}[ -]?\d{3,4}\b",
}
PUBLISHED_TEXT_MAX = 500  # characters: a chart annotation, not a report


def identifier_sql(raw: str) -> str:
    """SQL true when the text holds something shaped like a personal identifier."""
    pattern = "|".join(f"({p})" for p in IDENTIFIER_PATTERNS.values()).replace("'", "''")
    return f"regexp_matches({raw}, '{pattern}', 'i')"
