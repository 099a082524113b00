"""The ingest peer does the work caregov does: on the benchmark's messy extract it loads,
quarantines and collapses the same rows and writes the same values, pseudonyms included."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from benchmarks.bench_ingest import MESS, build_events_csv, faithfulness
from benchmarks.peer_polars import pseudonyms
from ingestion.pseudonymise import pseudonym
from tests.conftest import ROOT, TEST_PSEUDONYM_KEY, home_environ

# Three rounds of every kind of broken row the benchmark file holds, and one exact copy.
ROWS = 2 * MESS + 20


@pytest.mark.slow
def test_peer_and_caregov_accept_and_reject_the_same_rows(tmp_path: Path) -> None:
    """Same rows loaded (every value equal), same rows quarantined and collapsed."""
    csv = build_events_csv(tmp_path / "cm_events_2024-03-31.csv", ROWS)
    env = home_environ(tmp_path / "home")
    subprocess.run([str(ROOT / ".venv" / "bin" / "caregov"), "ingest", str(csv)], env=env,
                   check=True, capture_output=True)  # fmt: skip
    out = tmp_path / "peer"
    subprocess.run([sys.executable, "-m", "benchmarks.peer_polars", str(csv), str(out)], env=env,
                   check=True, capture_output=True, cwd=ROOT)  # fmt: skip

    assert faithfulness(tmp_path / "home" / "lake", out / "lake") == ""
    counts = json.loads((out / "counts.json").read_text())
    assert counts["rows_quarantined"] > 0 and counts["duplicates_collapsed"] > 0
    ledger = duckdb.sql(
        "SELECT rows_in, rows_loaded, rows_quarantined, duplicates_collapsed"
        f" FROM read_parquet('{tmp_path / 'home' / 'lake' / 'ledger'}/*.parquet')"
    ).fetchone()
    peer = (counts["rows_in"], counts["rows_loaded"], counts["rows_quarantined"],
            counts["duplicates_collapsed"])  # fmt: skip
    assert ledger == peer


def test_the_peer_pseudonym_is_caregov_s() -> None:
    """The peer's HMAC is the one caregov's pseudonymiser computes."""
    import polars as pl

    key = TEST_PSEUDONYM_KEY.encode()
    codes = pseudonyms(pl.Series(["P1", "P2", None, "P1"]), key)
    assert dict(codes.iter_rows()) == {"P1": pseudonym(key, "P1"), "P2": pseudonym(key, "P2")}


def test_a_peer_lake_missing_a_row_is_refused(tmp_path: Path) -> None:
    """The comparison the bench makes before it reports a ratio notices one row gone."""
    csv = build_events_csv(tmp_path / "cm_events_2024-03-31.csv", 200)
    env = home_environ(tmp_path / "home")
    subprocess.run([str(ROOT / ".venv" / "bin" / "caregov"), "ingest", str(csv)], env=env,
                   check=True, capture_output=True)  # fmt: skip
    ours = next((tmp_path / "home" / "lake" / "raw" / "cm_events").rglob("*.parquet"))
    peer = tmp_path / "peer" / "lake" / "cm_events" / "part-0.parquet"
    peer.parent.mkdir(parents=True)
    duckdb.sql(
        f"COPY (SELECT * FROM read_parquet('{ours}', hive_partitioning=false) WHERE _source_row <> 100) TO '{peer}'"
    )

    found = faithfulness(tmp_path / "home" / "lake", tmp_path / "peer" / "lake")
    assert found.endswith("; 1 rows only in caregov's lake, 0 only in the peer's"), found
