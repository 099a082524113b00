"""The staging pass's memory: twice the load's limit while it writes rows in file order (DuckDB's
ordered copy falls back to one thread near its limit), the load's own limit again after."""

from __future__ import annotations

import duckdb

from ingestion.stream import _bytes, _ordered_copy_memory


def _limit(con: duckdb.DuckDBPyConnection) -> int:
    (setting,) = con.execute("select current_setting('memory_limit')").fetchone() or ("",)
    return _bytes(str(setting))


def test_the_staging_pass_gets_twice_the_loads_memory_limit_then_gives_it_back() -> None:
    with duckdb.connect(config={"memory_limit": "512MB"}) as con:
        own = _limit(con)
        assert 500 * 10**6 < own < 520 * 10**6
        with _ordered_copy_memory(con):
            assert abs(_limit(con) - 2 * own) < 2**20
        assert abs(_limit(con) - own) < 2**20


def test_a_memory_setting_is_read_in_duckdbs_units() -> None:
    assert _bytes("488.2 MiB") == int(488.2 * 2**20)
    assert _bytes("1.0 GiB") == 2**30
    assert _bytes("unlimited") == 0
