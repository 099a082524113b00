"""What an operator sees of DAG runs: task logs and XComs (real Airflow, `dag.test()`).

`dag.test()` runs every task in this process and writes the task logs to stdout, so each run's
output is captured and cut into the tasks' sections, the text the Airflow UI shows for each
task. For `build_warehouse`, one home is built by a manual run (real dbt), then an
asset-triggered run finds nothing new.
"""

from __future__ import annotations

import contextlib
import io
import json
import logging
import re
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml

from caregov.settings import Settings
from tests.conftest import home_environ
from tests.dags.test_dag_runs import _asset_events, _fresh_dag, _task_states

TASK_START = re.compile(r"\[DAG TEST\] running task <TaskInstance: \w+\.(\w+) ")
FIXTURES = Path(__file__).parent / "fixtures"
EXPOSURES = Path(__file__).parents[2] / "dbt_project/models/marts/_exposures.yml"


@dataclass
class Run:
    """One dag.test() run: its id, task states, XComs and each task's log."""

    run_id: str
    states: dict[str, str]
    xcoms: dict[tuple[str, str], Any]
    logs: dict[str, str]


@dataclass
class Runs:
    settings: Settings
    built: Run
    skipped: Run
    serving_mtime_before_skip: float
    serving_mtime_after_skip: float


def _xcoms(run_id: str) -> dict[tuple[str, str], Any]:
    from airflow.models.xcom import XComModel
    from airflow.utils.session import create_session
    from sqlalchemy import select

    with create_session() as session:
        rows = session.scalars(select(XComModel).where(XComModel.run_id == run_id)).all()
        return {(row.task_id, row.key): row.value for row in rows}


def _task_logs(output: str) -> dict[str, str]:
    """The captured output cut at each task's start: task id → the lines it logged."""
    logs: dict[str, str] = {}
    task = None
    for line in output.splitlines():
        started = TASK_START.search(line)
        if started:
            task = started.group(1)
        if task:
            logs[task] = logs.get(task, "") + line + "\n"
    return logs


@contextlib.contextmanager
def _console() -> Iterator[io.StringIO]:
    """Everything dag.test() writes, in order and once: the tasks' logs go to stdout, Airflow's
    own lines (such as each task's start) to the stream handler Airflow puts on the root logger.
    pytest's own capture handlers keep their streams, or each line would be written again."""
    output = io.StringIO()
    root = logging.getLogger()
    handlers = [h for h in root.handlers if type(h) is logging.StreamHandler]
    streams = [handler.setStream(output) for handler in handlers]
    try:
        with contextlib.redirect_stdout(output):
            yield output
    finally:
        for handler, stream in zip(handlers, streams, strict=True):
            handler.setStream(stream)


def _run(dag_id: str) -> Run:
    with _console() as output:
        run = _fresh_dag(dag_id).test()
    return Run(
        run.run_id, _task_states(run.run_id), _xcoms(run.run_id), _task_logs(output.getvalue())
    )


@pytest.fixture(scope="module")
def runs(airflow_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Runs]:
    """A manual run that builds and publishes, then an asset-triggered run with no new load.

    `dag.test()` only makes manual runs; the second run is given the type raw-asset events
    give a run, before any of its tasks starts."""
    from airflow.models import dagrun
    from airflow.utils.types import DagRunType

    from tests.warehouse.synthetic import build_synthetic_lake

    home = tmp_path_factory.mktemp("build-logs") / "caregov-home"
    home.mkdir()
    settings = Settings.from_env(home_environ(home))
    build_synthetic_lake(settings, start="2025-01", months=13, scale=0.1)
    with pytest.MonkeyPatch.context() as patch:
        for key, value in home_environ(home).items():
            patch.setenv(key, value)
        built = _run("build_warehouse")
        before = settings.serving_db.stat().st_mtime

        create = dagrun.get_or_create_dagrun

        def asset_triggered(**kwargs: Any) -> Any:
            run = create(**kwargs)
            run.run_type = DagRunType.ASSET_TRIGGERED
            kwargs["session"].commit()
            return run

        patch.setattr(dagrun, "get_or_create_dagrun", asset_triggered)
        skipped = _run("build_warehouse")
        yield Runs(settings, built, skipped, before, settings.serving_db.stat().st_mtime)


def test_every_build_task_returns_a_small_value(runs: Runs) -> None:
    """The built run's XComs are one small value per task (the build's is its node counts by
    status), and no task log prints a returned value longer than a line."""
    assert runs.built.states == dict.fromkeys(runs.built.states, "success")
    sizes = {key: len(json.dumps(value)) for key, value in runs.built.xcoms.items()}
    assert set(sizes) == {
        ("source_freshness", "return_value"),
        ("dbt_build_and_publish", "return_value"),
    }
    assert max(sizes.values()) < 200
    counts = runs.built.xcoms[("dbt_build_and_publish", "return_value")]
    assert set(counts) <= {"success", "pass", "no-op"} and counts["success"] > 40
    returned = [
        line for log in runs.built.logs.values() for line in log.splitlines() if "Returned" in line
    ]
    assert any("Returned value was: {" in line for line in returned)
    assert max(len(line) for line in returned) < 300


def test_model_summary_logs_a_compact_table_of_the_slowest_nodes(runs: Runs) -> None:
    """model_summary's log: the node count and failures, the 10 slowest nodes (name, kind,
    status, seconds) in columns no wider than their longest cell, then counts by kind."""
    log = runs.built.logs["model_summary"]
    lines = log.splitlines()
    [first] = [n for n, line in enumerate(lines) if "dbt ran " in line]
    assert re.search(r"dbt ran (\d+) nodes in [\d.]+s: 0 failed, 0 skipped$", lines[first])
    nodes = int(re.findall(r"dbt ran (\d+) nodes", lines[first])[0])
    assert lines[first + 1] == f"slowest 10 of {nodes} nodes:"
    table = lines[first + 2 : first + 13]
    assert table[0].split() == ["name", "kind", "status", "seconds"]
    assert all(re.fullmatch(r"  \S+ +\S+ +\S+ +\d+\.\d\d", row) for row in table[1:])
    assert max(len(row) for row in table) <= 2 + 60 + 2 + 9 + 2 + 13 + 2 + 7
    seconds = [float(row.split()[-1]) for row in table[1:]]
    assert seconds == sorted(seconds, reverse=True)
    exposures = yaml.safe_load(EXPOSURES.read_text())["exposures"]
    assert lines[first + 13].startswith(f"counts: exposure {len(exposures)} no-op; model ")


def test_a_run_with_nothing_new_is_visibly_skipped(runs: Runs) -> None:
    """An asset-triggered run with no load since the publish skips the build and what follows
    it (skipped in the grid), says BUILD SKIPPED and why in source_freshness's log, and leaves
    the serving warehouse and the marts asset alone."""
    assert runs.skipped.states == {
        "landing_drained": "success",
        "source_freshness": "success",
        "dbt_build_and_publish": "skipped",
        "model_summary": "skipped",
        "announce_marts": "skipped",
    }
    [warning] = [
        line
        for line in runs.skipped.logs["source_freshness"].splitlines()
        if "BUILD SKIPPED" in line
    ]
    assert "[warning" in warning
    assert re.search(
        r"BUILD SKIPPED: no load finished after the serving warehouse was published at "
        r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC \(latest load [^)]+\), so there is nothing to "
        r"rebuild; skipping dbt_build_and_publish, model_summary, announce_marts; ",
        warning,
    )
    assert runs.serving_mtime_after_skip == runs.serving_mtime_before_skip
    assert _asset_events(runs.skipped.run_id) == []


def test_ingest_logs_how_many_files_wait_not_their_paths(
    airflow_db: Path, caregov_home: Path
) -> None:
    """ingest_<source>'s first task logs the number of waiting files; their paths (a long line
    for a backlog of months) stay in its XCom, which feeds one mapped task per file."""
    landing = caregov_home / "landing" / "hr"
    landing.mkdir(parents=True)
    shutil.copyfile(FIXTURES / "hr_posts_2026-01-31.csv", landing / "hr_posts_2026-01-31.csv")

    run = _run("ingest_hr")

    log = run.logs["waiting_files"]
    assert f"1 file(s) to ingest from {landing}" in log
    assert "Returned value not shown" in log
    assert "hr_posts_2026-01-31.csv" not in log
    assert run.xcoms[("waiting_files", "return_value")] == [
        str(landing / "hr_posts_2026-01-31.csv")
    ]
    assert run.states == {"waiting_files": "success", "hr_posts_2026-01-31.csv": "success"}
