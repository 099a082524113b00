"""Build the governance warehouse with dbt and publish it blue/green: `caregov build`.

One `dbt build` (models, seeds, data tests, unit tests) writes `warehouse/build.duckdb`; a
nightly (incremental) build with unchanged code runs only what the loads since the published
build and today's date can change, without unit tests and seeds (`warehouse.scope`). Only if
every node passed is the serving warehouse published (`warehouse.publish`). The parts: the
project's paths and dbt's command line (`warehouse.project`), the child process
(`warehouse.runner`), its results (`warehouse.results`).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path

from caregov import fs
from caregov.settings import Settings
from warehouse.project import run_results_path
from warehouse.publish import publish
from warehouse.results import NodeResult, RunResults
from warehouse.runner import build_lock, run_dbt_build
from warehouse.scope import (
    build_state,
    built_by_other_code,
    nightly_scope,
    record_published_state,
)


@dataclass
class BuildResult:
    """What one build did: `ok` only when every node passed and the warehouse was published."""

    ok: bool
    published: bool
    seconds: float
    serving_db: Path
    run_results: RunResults = field(default_factory=RunResults)
    error: str | None = None

    def failures(self) -> list[NodeResult]:
        """The nodes that failed (not those skipped because the build stopped at a failure)."""
        return self.run_results.failures()

    def describe(self) -> str:
        counts = ", ".join(f"{n} {kind}s" for kind, n in self.run_results.count_by_kind().items())
        if self.ok:
            return f"build passed ({counts}) in {self.seconds:.0f}s; published {self.serving_db}"
        lines = [f"build failed in {self.seconds:.0f}s; the serving warehouse was left unchanged."]
        if self.error:
            lines.append(self.error)
        for node in self.failures():
            lines.append(f"  {node.status}: {node.unique_id}: {node.message}")
        return "\n".join(lines)


def build_and_publish(settings: Settings, full_refresh: bool = False) -> BuildResult:
    """Run one `dbt build` and, only if every node passed, publish the serving warehouse.

    A regional hub is built the same way, in one run: every row of every model carries its
    council's `la_code` (dbt_project/macros/council.sql), so the councils are built side by
    side and never meet, and the region's pooled rows (models/region/) are built from them in
    the same run and published with them (`warehouse.publish`)."""
    started = time.monotonic()
    fs.ensure_dir(settings.warehouse)
    with build_lock(settings):
        # Taken before dbt reads the lake: a load that lands during the build counts as new
        # next time, whether or not this build saw it.
        state = build_state(settings)
        # New code rebuilds the incremental models in full, as `--full-refresh` would.
        full_refresh = full_refresh or built_by_other_code(settings, state)
        scope = [] if full_refresh else nightly_scope(settings, state)
        code = run_dbt_build(settings, full_refresh, scope)
        results = RunResults.read(run_results_path(settings))
        if code != 0 or not results.all_passed:
            failed = any(not node.passed for node in results.nodes)
            error = None if failed else f"dbt exited with status {code}; see its log above."
            return BuildResult(
                False, False, time.monotonic() - started, settings.serving_db, results, error
            )
        publish(settings, with_manifest=not scope)
        record_published_state(settings, state)
    return BuildResult(True, True, time.monotonic() - started, settings.serving_db, results)
