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
from caregov.settings import REGION_CODE, Settings
from warehouse.project import run_results_path
from warehouse.publish import publish, publish_region
from warehouse.results import NodeResult, RunResults
from warehouse.runner import build_lock, run_dbt_build
from warehouse.scope import build_state, nightly_scope, record_published_state

REGION_MODELS = "dbt_project/models/region"


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

    In a regional hub each council is built on its own, from its own lake rows, into
    `warehouse/councils/<la_code>/` (its keys never meet another council's); only if every
    council's build passed is the region published: every council's marts in one serving file,
    each row with its `la_code` (`warehouse.publish.publish_region`)."""
    fs.ensure_dir(settings.warehouse)
    with build_lock(settings):
        if settings.hub and not settings.build_council:
            return _build_region(settings, full_refresh)
        return _build_one(settings, full_refresh)


def _build_one(settings: Settings, full_refresh: bool) -> BuildResult:
    started = time.monotonic()
    fs.ensure_dir(settings.warehouse)
    # Taken before dbt reads the lake: a load that lands during the build counts as new next
    # time, whether or not this build saw it.
    state = build_state(settings)
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


def _build_region(settings: Settings, full_refresh: bool) -> BuildResult:
    """Build every council of the hub, then publish the region (see build_and_publish)."""
    started = time.monotonic()
    nodes: list[NodeResult] = []
    elapsed = 0.0
    for la_code in settings.council_codes:
        council = _build_one(settings.for_council(la_code), full_refresh)
        nodes += council.run_results.nodes
        elapsed += council.run_results.elapsed
        if not council.ok:
            error = f"council {la_code}: " + (council.error or "a model or test failed.")
            return BuildResult(
                False, False, time.monotonic() - started, settings.serving_db,
                RunResults(tuple(nodes), elapsed), error,
            )  # fmt: skip
    # The region's pooled rows, from the councils' build files (models/region/).
    region = settings.for_council(REGION_CODE)
    fs.ensure_dir(region.warehouse)
    code = run_dbt_build(region, False, [f"path:{REGION_MODELS}"])
    results = RunResults.read(run_results_path(region))
    nodes += results.nodes
    elapsed += results.elapsed
    if code != 0 or not results.all_passed:
        return BuildResult(
            False, False, time.monotonic() - started, settings.serving_db,
            RunResults(tuple(nodes), elapsed), f"the region's figures: dbt exited with {code}.",
        )  # fmt: skip
    publish_region(settings)
    return BuildResult(
        True, True, time.monotonic() - started, settings.serving_db,
        RunResults(tuple(nodes), elapsed),
    )  # fmt: skip
