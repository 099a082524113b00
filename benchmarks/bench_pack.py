"""Board pack figure of docs/specification.md §8: pack_seconds.

A generated council at scale 20 (24 months) is ingested and built once; then `caregov pack` is
run for its latest complete month as a user runs it, a separate process from start to exit
(reading the serving warehouse and the ledger, laying out, printing with Chromium), REPEATS
times, and the figure is the median wall time. Set CAREGOV_BENCH_SCALE / CAREGOV_BENCH_MONTHS
for other sizes, CAREGOV_BENCH_REPEATS for the number of runs, and CAREGOV_BENCH_WORKDIR to keep
the built home there (in `pack-home/`) and reuse it across runs.
"""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

from benchmarks.environment import bench_environ
from boardpack.delivery import latest_complete_month
from caregov.sample import generate_council
from caregov.settings import Settings
from ingestion.deliveries import ingest_paths
from warehouse.build import build_and_publish

SCALE = float(os.environ.get("CAREGOV_BENCH_SCALE", "20"))
MONTHS = int(os.environ.get("CAREGOV_BENCH_MONTHS", "24"))
REPEATS = int(os.environ.get("CAREGOV_BENCH_REPEATS", "3"))
CAREGOV = Path(sys.executable).parent / "caregov"
# Any key of the required length: the benchmark's people are made up.


def figures(workdir: Path) -> dict[str, float]:
    reuse = os.environ.get("CAREGOV_BENCH_WORKDIR")
    kept = (Path(reuse) if reuse else workdir) / "pack-home"
    home = kept / "caregov-home"
    home.mkdir(parents=True, exist_ok=True)
    settings = Settings.from_env(bench_environ(home))
    if not (kept / "ready").exists():
        shutil.rmtree(home, ignore_errors=True)
        _prepare(kept, settings)
        (kept / "ready").touch()
    month_end = latest_complete_month(settings)
    assert month_end is not None, "the generated council has no complete month"
    seconds = []
    for run in range(REPEATS):
        out = workdir / f"pack-{run}.pdf"
        started = time.monotonic()
        subprocess.run(
            [str(CAREGOV), "pack", "--month", f"{month_end:%Y-%m}", "--out", str(out)],
            env=bench_environ(home),
            check=True,
            capture_output=True,
        )
        seconds.append(time.monotonic() - started)
    print(f"pack for {month_end:%Y-%m}: {', '.join(f'{s:.1f}s' for s in seconds)}", file=sys.stderr)
    return {"pack_seconds": statistics.median(seconds)}


def _prepare(kept: Path, settings: Settings) -> None:
    """Generate, ingest and build the council once."""
    extracts = kept / "extracts"
    generate_council(extracts, seed=7, months=MONTHS, scale=SCALE, messy=False)
    outcomes = ingest_paths(settings, [extracts], echo=lambda _line: None)
    assert all(o.status == "loaded" for o in outcomes), [o.line() for o in outcomes]
    shutil.rmtree(extracts)  # archived in the home; not needed twice
    result = build_and_publish(settings)
    assert result.ok, result.describe()
