"""The sample council's messy deliveries ingest cleanly: every file loaded, no row quarantined."""

from __future__ import annotations

from pathlib import Path

from caregov.sample import generate_council
from caregov.settings import Settings
from ingestion.deliveries import ingest_paths
from tests.ingestion.helpers import ledger_rows


def test_generated_messy_output_loads_with_zero_quarantined_rows(
    settings: Settings, tmp_path: Path
) -> None:
    """`caregov generate --messy` output (every messy style) passes every contract rule."""
    out = tmp_path / "extracts"
    generate_council(out, seed=11, start="2024-01", months=4, scale=0.1, messy=True)
    delivered = sorted(p for p in out.rglob("*") if p.is_file())
    outcomes = ingest_paths(settings, [out], echo=lambda _line: None)
    # Eight entities every month; the notes in month 1 and in the latest month (commentary).
    assert len(outcomes) == len(delivered) == 8 * 4 + 2
    assert [o.line() for o in outcomes if o.status != "loaded" or o.rows_quarantined] == []
    assert sum(o.duplicates_collapsed for o in outcomes) == 0
    records = ledger_rows(settings)
    assert {r["file_format"] for r in records} == {"csv", "xlsx"}
    assert {r["encoding"] for r in records} == {"utf-8", "windows-1252", "xlsx"}
    assert all(r["rows_in"] == r["rows_loaded"] > 0 for r in records)
