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

SLOWEST = 10  # rows of the summary's table of the slowest nodes
MAX_PROBLEMS = 20  # failures and warnings listed one by one; more are only counted
NAME_WIDTH = 60  # the widest name the table shows whole; dbt's test names reach 400
MESSAGE_CHARS = 200


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
    """The nodes one dbt invocation ran (empty when dbt wrote no results), and its wall time."""

    nodes: tuple[NodeResult, ...] = ()
    elapsed: float = 0.0

    @classmethod
    def read(cls, path: Path) -> RunResults:
        try:
            data: dict[str, Any] = json.loads(path.read_text())
        except FileNotFoundError:
            return cls()
        return cls(
            tuple(_node(result) for result in data.get("results", [])),
            round(float(data.get("elapsed_time") or 0.0), 3),
        )

    @property
    def all_passed(self) -> bool:
        return bool(self.nodes) and all(node.passed for node in self.nodes)

    def failures(self) -> list[NodeResult]:
        return [node for node in self.nodes if node.failed]

    def slowest(self, count: int) -> list[NodeResult]:
        """The `count` nodes that took longest, longest first (ties by name, so stable)."""
        return sorted(self.nodes, key=lambda node: (-node.seconds, node.name))[:count]

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
        message=" ".join(str(result.get("message") or "").split())[:MESSAGE_CHARS],
        compiled_code=str(result.get("compiled_code") or ""),
    )


def format_summary(results: RunResults, slowest: int = SLOWEST) -> str:
    """The run as a data engineer reads it in a task log: failures, the slowest nodes, counts.

    Failed nodes (and warnings) come first, each with its full name and dbt's message; then the
    `slowest` nodes as a table (name, kind, status, seconds) whose columns are as wide as what
    they show, long names clipped in the middle so their hash suffix stays; then the counts by
    kind and status. No line is padded beyond its content, so a log viewer shows the status
    and seconds of every row on screen.
    """
    nodes = results.nodes
    if not nodes:
        return "dbt wrote no run results."
    failed = results.failures()
    skipped = sum(node.status == "skipped" for node in nodes)
    lines = [
        f"dbt ran {len(nodes)} nodes in {results.elapsed:.1f}s: "
        f"{len(failed)} failed, {skipped} skipped"
    ]
    problems = failed + [node for node in nodes if node.status == "warn"]
    if problems:
        lines.append("failures and warnings:")
        for node in problems[:MAX_PROBLEMS]:
            lines.append(f"  {node.status} {node.kind} {node.name}")
            if node.message:
                lines.append(f"    {node.message}")
        if len(problems) > MAX_PROBLEMS:
            lines.append(f"  ... and {len(problems) - MAX_PROBLEMS} more in dbt's log")
    top = results.slowest(slowest)
    rows = [("name", "kind", "status", "seconds")]
    rows += [(_clip(n.name), n.kind, n.status, f"{n.seconds:.2f}") for n in top]
    widths = [max(len(row[i]) for row in rows) for i in range(4)]
    lines.append(f"slowest {len(top)} of {len(nodes)} nodes:")
    for name, kind, status, seconds in rows:
        lines.append(
            f"  {name:<{widths[0]}}  {kind:<{widths[1]}}  {status:<{widths[2]}}"
            f"  {seconds:>{widths[3]}}"
        )
    by_kind: dict[str, Counter[str]] = {}
    for node in nodes:
        by_kind.setdefault(node.kind, Counter())[node.status] += 1
    lines.append(
        "counts: "
        + "; ".join(
            f"{kind} " + ", ".join(f"{n} {status}" for status, n in sorted(statuses.items()))
            for kind, statuses in sorted(by_kind.items())
        )
    )
    return "\n".join(lines)


def _clip(name: str, width: int = NAME_WIDTH) -> str:
    """`name` in at most `width` characters, its middle cut: dbt's long test names differ in
    their ends (the model and column first, a hash last)."""
    if len(name) <= width:
        return name
    tail = 12
    return f"{name[: width - tail - 3]}...{name[-tail:]}"
