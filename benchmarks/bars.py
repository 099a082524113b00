"""The bars of docs/specification.md §8: each figure's limit and which way it must not cross.

A figure without a bar is information (a peer's own time, a build's wall time): reported, never
judged. Ratios against a peer are peer ÷ caregov, so their bars are floors ("at least").
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Bar:
    limit: float
    at_least: bool = False  # the figure must be at least `limit` (else: at most)

    def met(self, value: float) -> bool:
        return value >= self.limit if self.at_least else value <= self.limit

    def describe(self) -> str:
        return f"{'≥' if self.at_least else '≤'} {self.limit:g}"


BARS: dict[str, Bar] = {
    "ingest_vs_duckdb_copy": Bar(2.5),
    "ingest_vs_peer": Bar(3, at_least=True),
    "ingest_peak_rss_mb": Bar(1500),
    "build_incremental_ratio": Bar(0.25),
    "dag_parse_seconds": Bar(1.0),
    "dag_parse_vs_cosmos": Bar(10, at_least=True),
    "chart_query_p95_ms": Bar(150),
    "dashboard_p95_ms_20_viewers": Bar(1000),
    "landing_to_dashboard_s": Bar(120),
    "pack_seconds": Bar(30),
    "cld_ingest_vs_duckdb_copy": Bar(2.5),
    "cld_marts_build_s": Bar(60),
    "region_ingest_concurrent_vs_sequential": Bar(1.1),
    "region_build_vs_single": Bar(1.3),
}
