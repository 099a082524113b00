"""The benchmark report: `bench/results.json` and `bench/report.md` from one run's figures.

Each figure is judged against its bar (`benchmarks.bars`); a figure without a bar is information.
The report names every peer with the versions it ran on and what it does not do, the machine
(cores, memory, load when the run began) and the commit measured, because a figure means little
without them.
"""

from __future__ import annotations

import datetime as dt
import os
import platform
import subprocess
from pathlib import Path
from typing import Any

import psutil

from benchmarks.bars import BARS

ROOT = Path(__file__).resolve().parent.parent


def judged(figures: dict[str, float]) -> dict[str, dict[str, Any]]:
    """Each figure with its bar (or None) and whether it met it (None: information only)."""
    rows: dict[str, dict[str, Any]] = {}
    for name, value in figures.items():
        bar = BARS.get(name)
        rows[name] = {
            "value": value,
            "bar": bar.describe() if bar else None,
            "met": bar.met(value) if bar else None,
        }
    return rows


def machine() -> dict[str, Any]:
    """What the figures were measured on."""
    load = os.getloadavg()
    return {
        "cores": os.cpu_count(),
        "memory_gb": round(psutil.virtual_memory().total / 2**30, 1),
        "load_average_at_start": [round(x, 2) for x in load],
        "python": platform.python_version(),
        "system": f"{platform.system()} {platform.machine()}",
    }


def commit(root: Path = ROOT) -> str:
    """The commit measured, with `+changes` when the work tree differs from it."""

    def git(*args: str) -> str:
        done = subprocess.run(["git", "-C", str(root), *args], capture_output=True, text=True)
        return done.stdout.strip() if done.returncode == 0 else ""

    head = git("rev-parse", "HEAD") or "unknown"
    return head + ("+changes" if git("status", "--porcelain", "--untracked-files=no") else "")


def results(
    figures: dict[str, float],
    peers: dict[str, dict[str, str]],
    notes: list[str],
    context: dict[str, Any],
) -> dict[str, Any]:
    """The whole of results.json."""
    return {
        **context,
        "figures": judged(figures),
        "peers": peers,
        "notes": notes,
    }


def _value(value: float) -> str:
    if abs(value) >= 100:
        return f"{value:,.0f}"
    if abs(value) >= 10:
        return f"{value:.1f}"
    return f"{value:.3g}" if abs(value) < 1 else f"{value:.2f}"


def markdown(result: dict[str, Any]) -> str:
    """bench/report.md: the table, the peers, the notes, the machine and the commit."""
    lines = [
        "# caregov benchmark report",
        "",
        f"Measured {result['finished_at']} on commit `{result['commit']}` by "
        + (
            f"`python -m benchmarks.run {' '.join(result['only'])}`"
            if result.get("only")
            else "`make bench`"
        )
        + f" ({result['seconds'] / 60:.0f} minutes).",
        "",
        "| figure | value | bar | met |",
        "|---|---:|---|---|",
    ]
    for name, row in result["figures"].items():
        met = {True: "yes", False: "**no**", None: "information"}[row["met"]]
        lines.append(f"| `{name}` | {_value(row['value'])} | {row['bar'] or '—'} | {met} |")
    missing = [name for name in BARS if name not in result["figures"]]
    if missing:
        lines += ["", "Not measured in this run: " + ", ".join(f"`{m}`" for m in missing) + "."]
    if result.get("failed"):
        lines += ["", "Could not be measured (the run failed there):", ""]
        lines += [f"- {failure}" for failure in result["failed"]]
    lines += ["", "## Peers", ""]
    for figure, peers in result["peers"].items():
        for name, versions in peers.items():
            lines.append(f"- `{figure}`: **{name}** ({versions})")
    if result["notes"]:
        lines += ["", "## How faithfully the peers do the same work", ""]
        lines += [f"- {note}" for note in result["notes"]]
    m = result["machine"]
    lines += [
        "",
        "## Machine",
        "",
        f"{m['cores']} cores, {m['memory_gb']} GB memory, {m['system']}, Python {m['python']};"
        f" load average {', '.join(str(x) for x in m['load_average_at_start'])} when the run"
        " began. Figures on a shared, loaded machine move by a fifth or more between runs;"
        " ratios are measured side by side in the same run, so load affects both sides alike.",
        "",
    ]
    return "\n".join(lines)


def now() -> str:
    return dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
