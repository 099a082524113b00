"""`make bench`: run every benchmark module, print a table, write bench/results.json and report.md.

Each `benchmarks/bench_*.py` exposes `figures(workdir) -> dict[str, float]`; one that measures
peers also exposes `peers() -> dict[str, str]` (peer -> versions) and `NOTES` (what its peers do
not do). Ratios are measured side by side inside one module so machine noise affects both sides
alike. Every figure is compared with its bar (docs/specification.md §8); the exit code is
non-zero when a bar is missed. Name modules (`bench_ingest bench_dags`) to run only those.
"""

from __future__ import annotations

import importlib
import json
import os
import shutil
import sys
import tempfile
import time
import traceback
from pathlib import Path
from typing import Any

from benchmarks import report

ROOT = Path(__file__).resolve().parent.parent


def main(argv: list[str] | None = None) -> int:
    only = set(argv if argv is not None else sys.argv[1:])
    context: dict[str, Any] = {"commit": report.commit(), "machine": report.machine()}
    context["only"] = sorted(only)
    began = time.monotonic()
    figures: dict[str, float] = {}
    peers: dict[str, dict[str, str]] = {}
    notes: list[str] = []
    failed: list[str] = []
    # One folder for the run: the homes the modules share (benchmarks.homes) live there.
    run_dir = tempfile.mkdtemp(prefix="caregov-bench-run-")
    os.environ["CAREGOV_BENCH_RUN_DIR"] = run_dir
    try:
        for module_path in sorted((ROOT / "benchmarks").glob("bench_*.py")):
            name = module_path.stem
            if only and name not in only:
                continue
            module = importlib.import_module(f"benchmarks.{name}")
            with tempfile.TemporaryDirectory(prefix=f"caregov-{name}-") as workdir:
                started = time.monotonic()
                try:
                    figures.update(module.figures(Path(workdir)))
                except Exception as failure:  # the other modules still run; the run fails
                    traceback.print_exc()
                    failed.append(f"{name}: {failure}".splitlines()[0][:300])
                print(f"{name}: {time.monotonic() - started:.0f}s", file=sys.stderr)
            if hasattr(module, "peers"):
                peers.update(module.peers())
            notes.extend(getattr(module, "NOTES", ()))
    finally:
        shutil.rmtree(run_dir, ignore_errors=True)
    context.update(finished_at=report.now(), seconds=round(time.monotonic() - began))
    context["failed"] = failed
    result = report.results(figures, peers, notes, context)
    out = ROOT / "bench"
    out.mkdir(exist_ok=True)
    (out / "results.json").write_text(json.dumps(result, indent=2) + "\n")
    (out / "report.md").write_text(report.markdown(result))
    print(f"{'figure':<34} {'value':>12} {'bar':>8}  met")
    for figure, row in result["figures"].items():
        met = {True: "yes", False: "NO", None: "-"}[row["met"]]
        print(f"{figure:<34} {row['value']:>12.3f} {row['bar'] or '-':>8}  {met}")
    for failure in failed:
        print(f"FAILED {failure}")
    met = all(row["met"] is not False for row in result["figures"].values())
    return 0 if met and not failed else 1


if __name__ == "__main__":
    sys.exit(main())
