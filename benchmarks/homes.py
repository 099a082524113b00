"""The homes the benchmarks measure: a cached council, ingested (and built) once per bench run.

`ingested_home` copies nothing: it ingests the cached extracts (`benchmarks.cache`) into a new
home; `built_home` also runs one build and publish. Both are made once per `make bench` run,
in the run's folder (CAREGOV_BENCH_RUN_DIR, set by `benchmarks.run`), so the board pack, the
chart queries and the dashboard load all read the same scale-20 serving warehouse. Set
CAREGOV_BENCH_WORKDIR to keep them there across runs while working on one figure.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

from benchmarks.cache import Council, generated
from benchmarks.environment import bench_environ
from caregov.settings import Settings
from ingestion.deliveries import ingest_paths
from warehouse.build import build_and_publish


def run_dir() -> Path:
    kept = os.environ.get("CAREGOV_BENCH_WORKDIR") or os.environ.get("CAREGOV_BENCH_RUN_DIR")
    if not kept:
        kept = tempfile.mkdtemp(prefix="caregov-bench-")
        os.environ["CAREGOV_BENCH_RUN_DIR"] = kept
    return Path(kept)


def settings_for(home: Path) -> Settings:
    home.mkdir(parents=True, exist_ok=True)
    return Settings.from_env(bench_environ(home))


def ingested_home(council: Council) -> Path:
    """A home holding the council's extracts, ingested."""
    kept = run_dir() / f"ingested-{council.family}"
    home = kept / "caregov-home"
    if not (kept / "ready").exists():
        shutil.rmtree(kept, ignore_errors=True)
        extracts = generated(council).extracts
        outcomes = ingest_paths(settings_for(home), [extracts], echo=lambda _line: None)
        assert all(o.status == "loaded" for o in outcomes), [o.line() for o in outcomes]
        shutil.rmtree(home / "archive")  # a copy of the cached extracts; nothing reads it
        (kept / "ready").touch()
    return home


def built_home(council: Council) -> Settings:
    """The settings of a home with the council ingested, built and published."""
    kept = run_dir() / f"built-{council.family}"
    if not (kept / "ready").exists():
        shutil.rmtree(kept, ignore_errors=True)
        shutil.copytree(ingested_home(council), kept / "caregov-home", symlinks=True)
        result = build_and_publish(settings_for(kept / "caregov-home"))
        assert result.ok, result.describe()
        (kept / "ready").touch()
    return settings_for(kept / "caregov-home")
