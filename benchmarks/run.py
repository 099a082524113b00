"""`make bench`: run every benchmark module, print a table, write bench/results.json.

Each `benchmarks/bench_*.py` exposes `figures(workdir) -> dict[str, float]`. Ratios are measured
side by side inside one module so machine noise affects both sides alike. Every figure is
compared with its bar (docs/specification.md §8); the exit code is non-zero when a bar is missed.
"""

from __future__ import annotations

import importlib
import json
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.bars import BARS

ROOT = Path(__file__).resolve().parent.parent


def main(argv: list[str] | None = None) -> int:
    only = set(argv if argv is not None else sys.argv[1:])
    results: dict[str, dict[str, object]] = {}
    for module_path in sorted((ROOT / "benchmarks").glob("bench_*.py")):
        name = module_path.stem
        if only and name not in only:
            continue
        module = importlib.import_module(f"benchmarks.{name}")
        with tempfile.TemporaryDirectory(prefix=f"caregov-{name}-") as workdir:
            started = time.monotonic()
            figures = module.figures(Path(workdir))
            print(f"{name}: {time.monotonic() - started:.0f}s", file=sys.stderr)
        for figure, value in figures.items():
            bar = BARS.get(figure)
            results[figure] = {"value": value, "bar": bar, "met": bar is None or value <= bar}
    out = ROOT / "bench" / "results.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(results, indent=2) + "\n")
    print(f"{'figure':<26} {'value':>12} {'bar':>10}  met")
    for figure, row in results.items():
        print(
            f"{figure:<26} {row['value']:>12.3f} {row['bar'] or '-':>10}  {'yes' if row['met'] else 'NO'}"
        )
    return 0 if all(row["met"] for row in results.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
