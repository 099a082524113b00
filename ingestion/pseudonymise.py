"""Personal data rules (contract §3.2, docs/interfaces.md) as DuckDB SQL expressions.

One pseudonymiser for every entity: lowercase hex HMAC-SHA256(key, trimmed identifier). It is
built from DuckDB's own `sha256` (HMAC = H(k⊕opad ‖ H(k⊕ipad ‖ m))), so it runs vectorised inside
the same query that validates the file, with no Python call per row. The key-derived pads live
in a one-row temporary table filled through query parameters, so the key never appears in SQL
text (and therefore never in an error message or a log).

Also here: the NHS number modulus-11 check, age bands at the as-at date, and the postcode
outward code. Everything else marked PII is simply not selected.
"""

from __future__ import annotations

import hashlib
import hmac

import duckdb

PADS_TABLE = "_pseudonym_pads"


def install_key(con: duckdb.DuckDBPyConnection, key: bytes) -> None:
    """Put the HMAC inner/outer pads for `key` into a one-row temp table on `con`."""
    if len(key) > 64:
        key = hashlib.sha256(key).digest()
    block = key.ljust(64, b"\0")
    ipad = bytes(b ^ 0x36 for b in block)
    opad = bytes(b ^ 0x5C for b in block)
    con.execute(f"CREATE OR REPLACE TEMP TABLE {PADS_TABLE} (ipad BLOB, opad BLOB)")
    con.execute(f"INSERT INTO {PADS_TABLE} VALUES (?, ?)", [ipad, opad])


def pseudonym(key: bytes, identifier: str) -> str:
    """The same pseudonym in Python (for tests and for anyone joining outside the lake)."""
    return hmac.new(key, identifier.strip().encode(), hashlib.sha256).hexdigest()


def pseudonym_sql(value: str) -> str:
    """SQL for the pseudonym of `value` (already trimmed); needs `_pads` in the FROM clause."""
    return (
        f"CASE WHEN {value} IS NULL THEN NULL ELSE"
        f" sha256(_pads.opad || unhex(sha256(_pads.ipad || encode({value})))) END"
    )


def nhs_digits_sql(raw: str) -> str:
    """An NHS number with the usual spaces/hyphens removed (`943 476 5919` -> `9434765919`)."""
    return f"regexp_replace({raw}, '[\\s-]', '', 'g')"


def nhs_valid_sql(digits: str) -> str:
    """True when `digits` is ten digits passing the modulus-11 check digit."""
    weighted = " + ".join(
        f"CAST(substr({digits}, {i}, 1) AS INTEGER) * {11 - i}" for i in range(1, 10)
    )
    check = f"(11 - (({weighted}) % 11)) % 11"
    return (
        f"(regexp_full_match({digits}, '[0-9]{{10}}')"
        f" AND {check} <> 10 AND {check} = CAST(substr({digits}, 10, 1) AS INTEGER))"
    )


def _age(date_of_birth: str, as_at: str) -> str:
    return f"date_sub('year', {date_of_birth}, {as_at})"


def workforce_age_band_sql(date_of_birth: str, as_at: str) -> str:
    """hr_workers: <25, 25-34, 35-44, 45-54, 55-64, 65+ at the as-at date."""
    age = _age(date_of_birth, as_at)
    return (
        f"CASE WHEN {date_of_birth} IS NULL THEN NULL WHEN {age} < 25 THEN '<25'"
        f" WHEN {age} < 35 THEN '25-34' WHEN {age} < 45 THEN '35-44'"
        f" WHEN {age} < 55 THEN '45-54' WHEN {age} < 65 THEN '55-64' ELSE '65+' END"
    )


def person_age_band_sql(date_of_birth: str, as_at: str) -> str:
    """cm_people: 0-17, 18-24, 25-64, 65-74, 75-84, 85+ at the as-at date."""
    age = _age(date_of_birth, as_at)
    return (
        f"CASE WHEN {date_of_birth} IS NULL THEN NULL WHEN {age} < 18 THEN '0-17'"
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
