"""The bars of docs/specification.md §8: each figure's limit and whether lower or higher is better."""

from __future__ import annotations

BARS: dict[str, float] = {
    "ingest_vs_duckdb_copy": 1.5,
    "ingest_peak_rss_mb": 1500,
    "build_incremental_ratio": 0.25,
    "dag_parse_seconds": 1.0,
    "chart_query_p95_ms": 150,
    "landing_to_dashboard_s": 120,
    "pack_seconds": 30,
    "cld_ingest_vs_duckdb_copy": 2.5,
    "cld_marts_build_s": 60,
}
