"""Board pack figure of docs/specification.md §8: pack_seconds.

The scale-20 council (24 months) ingested and built once per bench run (`benchmarks.homes`);
then `caregov pack` is run for its latest complete month as a user runs it, a separate process
from start to exit (reading the serving warehouse and the ledger, laying out, printing with
Chromium), REPEATS times, and the figure is the median wall time. Set CAREGOV_BENCH_SCALE /
CAREGOV_BENCH_MONTHS for other sizes and CAREGOV_BENCH_REPEATS for the number of runs.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

from benchmarks.cache import Council
from benchmarks.environment import bench_environ
from benchmarks.homes import built_home
from boardpack.delivery import latest_complete_month

SCALE = float(os.environ.get("CAREGOV_BENCH_SCALE", "20"))
MONTHS = int(os.environ.get("CAREGOV_BENCH_MONTHS", "24"))
REPEATS = int(os.environ.get("CAREGOV_BENCH_REPEATS", "3"))
CAREGOV = Path(sys.executable).parent / "caregov"


def figures(workdir: Path) -> dict[str, float]:
    settings = built_home(Council(7, SCALE, MONTHS))
    home = settings.home
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
