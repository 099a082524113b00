"""dbt's `run_results.json`, read once into typed records, and the summary a data engineer reads.

The warehouse is built by one `dbt build` (not one Airflow task per model), so these results are
where the CLI and the `build_warehouse` DAG learn which models, tests and seeds ran, how long
each took and what failed. This module is the only reader of `run_results.json`.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

# Node statuses that let a build publish; "skipped" nodes follow a failure, so they do not.
PASSED = frozenset({"success", "pass", "warn", "no-op"})
FAILING = frozenset({"error", "fail", "runtime error"})


@dataclass(frozen=True)
class NodeResult:
    """One dbt node's result: `model.caregov.governance_metrics` passed in 0.21 s, say."""

    unique_id: str
    status: str
    seconds: float
    failures: int | None
    message: str
    compiled_code: str = ""

    @property
    def kind(self) -> str:
        """model, test, seed, unit_test, snapshot, …"""
        return self.unique_id.split(".", 1)[0]

    @property
    def name(self) -> str:
        _kind, _, rest = self.unique_id.partition(".")
        return rest.split(".", 1)[-1] if rest else self.unique_id

    @property
    def passed(self) -> bool:
        return self.status in PASSED

    @property
    def failed(self) -> bool:
        """Failed itself (not merely skipped because something upstream failed)."""
        return not self.passed and self.status != "skipped"


@dataclass(frozen=True)
class RunResults:
    """The nodes one dbt invocation ran (empty when dbt wrote no results)."""

    nodes: tuple[NodeResult, ...] = ()

    @classmethod
    def read(cls, path: Path) -> RunResults:
        try:
            data: dict[str, Any] = json.loads(path.read_text())
        except FileNotFoundError:
            return cls()
        return cls(tuple(_node(result) for result in data.get("results", [])))

    @property
    def all_passed(self) -> bool:
        return bool(self.nodes) and all(node.passed for node in self.nodes)

    def failures(self) -> list[NodeResult]:
        return [node for node in self.nodes if node.failed]

    def count_by_kind(self) -> dict[str, int]:
        return dict(sorted(Counter(node.kind for node in self.nodes).items()))

    def count_by_status(self) -> dict[str, int]:
        return dict(sorted(Counter(node.status for node in self.nodes).items()))


def _node(result: dict[str, Any]) -> NodeResult:
    failures = result.get("failures")
    return NodeResult(
        unique_id=str(result.get("unique_id", "")),
        status=str(result.get("status", "")),
        seconds=round(float(result.get("execution_time") or 0.0), 3),
        failures=int(failures) if failures is not None else None,
        message=" ".join(str(result.get("message") or "").split())[:200],
        compiled_code=str(result.get("compiled_code") or ""),
    )


def format_summary(results: RunResults) -> str:
    """A fixed-width table of the nodes (failures first), then counts by kind and status."""
    rows = results.nodes
    ordered = sorted(rows, key=lambda r: (r.status not in FAILING, r.kind, r.name))
    width = max([len(r.name) for r in rows] + [4])
    lines = [f"{'kind':<9} {'name':<{width}} {'status':<8} {'seconds':>8}  message"]
    for row in ordered:
        message = row.message if row.status in FAILING | {"warn"} else ""
        lines.append(
            f"{row.kind:<9} {row.name:<{width}} {row.status:<8} {row.seconds:>8.2f}  {message}".rstrip()
        )
    counts = Counter((r.kind, r.status) for r in rows)
    lines.append(
        "totals: "
        + ", ".join(f"{kind} {status}={n}" for (kind, status), n in sorted(counts.items()))
    )
    return "\n".join(lines)
