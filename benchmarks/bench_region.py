"""A region of 20 councils on one hub (docs/scale-out.md): ingest concurrency and the build.

The councils are the sample region's (`caregov generate --council`): twenty codes, each a
council of its own seed and of 0.6 to 1.4 times scale 1 (`caregov.sample.council_variant`),
twelve months each, generated once and cached (`benchmarks.cache`). Figures:

- `region_ingest_concurrent_vs_sequential`: the twenty councils' extracts ingested by four
  `caregov ingest` processes at once (five councils' landing folders each) ÷ the same extracts
  ingested by one process, one council after another, into a second hub. Concurrency must not
  collapse into lock waits: ingests share nothing but the home's folders.
- `region_build_vs_single`: the hub's full build (one dbt run: every council's rows and the
  region's pooled figures, then the publish) ÷ the full build and publish of one council whose extracts
  hold about as many rows (scale = the twenty councils' scales summed). `region_rows` and
  `single_rows` say how close the two inputs are.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

from benchmarks.cache import Council, generated
from benchmarks.environment import bench_environ
from caregov.sample import council_variant
from caregov.settings import Settings
from warehouse.build import build_and_publish

ROOT = Path(__file__).resolve().parent.parent
CAREGOV = ROOT / ".venv" / "bin" / "caregov"
# The region's size and each council's scale (set smaller to try the module quickly).
COUNCILS = tuple(
    f"E0800{n:04d}"
    for n in range(1, 1 + int(os.environ.get("CAREGOV_BENCH_REGION_COUNCILS", "20")))
)
SEED, MONTHS = 7, 12
SCALE = float(os.environ.get("CAREGOV_BENCH_REGION_SCALE", "1"))
PROCESSES = 4


def figures(workdir: Path) -> dict[str, float]:
    councils = {code: Council(*council_variant(SEED, SCALE, code), MONTHS) for code in COUNCILS}
    extracts = {code: generated(council) for code, council in councils.items()}
    single = Council(SEED, round(sum(c.scale for c in councils.values()), 3), MONTHS)
    single_extracts = generated(single)

    sequential_home, concurrent_home = workdir / "sequential", workdir / "concurrent"
    for home in (sequential_home, concurrent_home):
        _hub(home, {code: found.extracts for code, found in extracts.items()})
    sequential = _ingest(sequential_home, [list(COUNCILS)])
    concurrent = _ingest(concurrent_home, [list(COUNCILS[n::PROCESSES]) for n in range(PROCESSES)])
    shutil.rmtree(sequential_home)

    region = _timed_build(Settings.from_env(_environ(concurrent_home)))
    single_home = workdir / "single"
    _landing(single_home / "landing", single_extracts.extracts)
    _ingest(single_home, [[""]], environ=bench_environ(single_home))
    alone = _timed_build(Settings.from_env(bench_environ(single_home)))
    print(
        f"ingest: one process {sequential:.1f}s, {PROCESSES} processes {concurrent:.1f}s;"
        f" build: region {region:.1f}s, one council {alone:.1f}s",
        file=sys.stderr,
    )
    return {
        "region_ingest_concurrent_vs_sequential": concurrent / sequential,
        "region_build_vs_single": region / alone,
        "region_ingest_sequential_s": sequential,
        "region_ingest_concurrent_s": concurrent,
        "region_build_s": region,
        "region_single_build_s": alone,
        "region_rows": float(sum(sum(found.rows.values()) for found in extracts.values())),
        "single_rows": float(sum(single_extracts.rows.values())),
    }


def _environ(home: Path) -> dict[str, str]:
    """A hub's environment: a pseudonym key per council, none for the home as a whole."""
    environ = bench_environ(home)
    key = environ.pop("CAREGOV_PSEUDONYM_KEY")
    return environ | {f"CAREGOV_PSEUDONYM_KEY_{code}": f"{key}-{code}" for code in COUNCILS}


def _hub(home: Path, extracts: dict[str, Path]) -> None:
    """A hub home listing the councils, each council's extracts in its landing folder."""
    home.mkdir(parents=True)
    rows = "".join(f"{code},Sample council {code}\n" for code in extracts)
    (home / "councils.csv").write_text("la_code,name\n" + rows)
    for code, folder in extracts.items():
        _landing(home / "landing" / code, folder)


def _landing(landing: Path, extracts: Path) -> None:
    """Hard links to the cached extracts (ingest archives what it loads; the cache keeps its
    own link), so that preparing a landing zone copies nothing."""
    shutil.copytree(extracts, landing, copy_function=os.link)


def _ingest(home: Path, lanes: list[list[str]], environ: dict[str, str] | None = None) -> float:
    """Seconds until every lane's `caregov ingest` process has finished; each lane ingests its
    councils' landing folders (the code "": the whole landing zone)."""
    environ = environ or _environ(home)
    os.sync()  # the landing zones are on disk before the clock starts
    started = time.monotonic()
    running = [
        subprocess.Popen(
            [str(CAREGOV), "ingest", *[str(home / "landing" / code) for code in lane]],
            env=environ,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        for lane in lanes
    ]
    failed = [(p.wait(), p.stderr.read() if p.stderr else "") for p in running]
    elapsed = time.monotonic() - started
    errors = [error for code, error in failed if code != 0]
    assert not errors, errors
    leftovers = [p for p in (home / "landing").rglob("*") if p.is_file()]
    assert not leftovers, f"not ingested: {leftovers[:5]}"
    return elapsed


def _timed_build(settings: Settings) -> float:
    started = time.monotonic()
    result = build_and_publish(settings, full_refresh=True)
    elapsed = time.monotonic() - started
    assert result.ok, result.describe()
    return elapsed
