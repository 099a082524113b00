"""Turn dbt's `run_results.json` into a per-model summary a data engineer can read in a task log.

The warehouse is built by one `dbt build` (not one Airflow task per model), so this summary is
where the DAG shows which models, tests and snapshots ran, how long each took and what failed.
"""

from __future__ import annotations

from collections import Counter
from typing import Any


def node_summary(run_results: dict[str, Any]) -> list[dict[str, Any]]:
    """One small record per dbt node: kind, name, status, seconds, failures, message."""
    rows = []
    for result in run_results.get("results", []):
        unique_id = str(result.get("unique_id", ""))
        kind, _, rest = unique_id.partition(".")
        name = rest.split(".", 1)[-1] if rest else unique_id
        rows.append(
            {
                "kind": kind,
                "name": name,
                "status": str(result.get("status", "")),
                "seconds": round(float(result.get("execution_time") or 0.0), 3),
                "failures": result.get("failures"),
                "message": str(result.get("message") or "")[:200],
            }
        )
    return rows


def format_summary(rows: list[dict[str, Any]]) -> str:
    """A fixed-width table of the nodes (failures first), then counts by kind and status."""
    failing = {"error", "fail", "runtime error"}
    ordered = sorted(rows, key=lambda r: (r["status"] not in failing, r["kind"], r["name"]))
    width = max([len(r["name"]) for r in rows] + [4])
    lines = [f"{'kind':<9} {'name':<{width}} {'status':<8} {'seconds':>8}  message"]
    for row in ordered:
        lines.append(
            f"{row['kind']:<9} {row['name']:<{width}} {row['status']:<8} {row['seconds']:>8.2f}"
            f"  {row['message'] if row['status'] in failing | {'warn'} else ''}".rstrip()
        )
    counts = Counter((r["kind"], r["status"]) for r in rows)
    lines.append(
        "totals: "
        + ", ".join(f"{kind} {status}={n}" for (kind, status), n in sorted(counts.items()))
    )
    return "\n".join(lines)
