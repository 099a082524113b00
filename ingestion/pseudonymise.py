"""Personal data rules (contract §3.2, docs/interfaces.md) as DuckDB SQL expressions.

One pseudonymiser for every entity: lowercase hex HMAC-SHA256(key, trimmed identifier), applied
to the Arrow batches streaming out of the validating query, hashing each distinct identifier
once. The key stays in Python: it never appears in SQL text, an error message or a log.

Also here: the NHS number modulus-11 check, age bands at the as-at date, and the postcode
outward code. Everything else marked PII is simply not selected.
"""

from __future__ import annotations

import hmac

import pyarrow as pa
import pyarrow.compute as pc


class Pseudonymiser:
    """HMAC-SHA256 over Arrow arrays, computing each distinct identifier once per file.

    Each batch costs one vectorised dictionary encoding plus one dictionary look-up per
    distinct value in the batch (a new identifier is hashed once and remembered) — never a
    Python call per row.
    """

    def __init__(self, key: bytes) -> None:
        self._key = key
        self._known: dict[str, str] = {}

    def _digest(self, identifier: str) -> str:
        digest = hmac.digest(self._key, identifier.encode(), "sha256").hex()
        self._known[identifier] = digest
        return digest

    def __call__(self, values: pa.Array | pa.ChunkedArray) -> pa.Array:
        if isinstance(values, pa.ChunkedArray):
            values = pa.concat_arrays(values.chunks) if values.num_chunks else pa.array([])
        encoded = pc.dictionary_encode(values.cast(pa.string()))
        known, digest = self._known, self._digest
        pseudonyms = [
            known.get(v) or digest(v) for v in encoded.dictionary.to_pylist()
        ]  # fmt: skip
        return pc.take(pa.array(pseudonyms, pa.string()), encoded.indices)


def pseudonym(key: bytes, identifier: str) -> str:
    """The pseudonym of one identifier (the same function as `Pseudonymiser`)."""
    return hmac.digest(key, identifier.strip().encode(), "sha256").hex()


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
