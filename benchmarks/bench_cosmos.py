"""caregov's DAGs against the same dbt project rendered by astronomer-cosmos (docs/specification.md §8).

`dag_parse_vs_cosmos`: the parse time of one DAG file that renders caregov's dbt project with
Cosmos the way its documentation shows (`DbtDag`, manifest load mode, the default "after each"
test behaviour: one task group per model, running the model then its tests; tests on two models
detached into their own task, Cosmos's own switch for a project whose tests join models) ÷ the
parse time of the whole `dags/` folder, each parsed REPEATS times in a fresh process the way the
DAG processor parses a file (`benchmarks.bench_dags`), side by side; medians.

Information (no bar): the wall time of one full build of a small council (scale 1, 12 months)
by each — caregov's `caregov build` (one `dbt build`, then publish), and the Cosmos DAG run by
`dag.test()` in its default local execution mode (each task a dbt invocation in the worker) —
each a fresh process from start to exit.
"""

from __future__ import annotations

import importlib.metadata
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

from benchmarks.bench_dags import dag_parse_seconds, parse_seconds
from benchmarks.cache import Council
from benchmarks.environment import bench_environ
from benchmarks.homes import ingested_home, settings_for
from warehouse.project import dbt_command, dbt_environment, target_path

ROOT = Path(__file__).resolve().parent.parent
REPEATS = int(os.environ.get("CAREGOV_BENCH_REPEATS", "3"))
BUILD_COUNCIL = Council(7, 1, 12)
DAG_ID = "dbt_build_cosmos"

NOTES = (
    "astronomer-cosmos renders the same dbt project (manifest load mode) as one task group per"
    " model; every test that joins two models (relationships, one current version per key) is"
    " detached into its own task (`should_detach_multiple_parents_tests`), without which Cosmos"
    " runs such a test before the second model exists and the build fails. Its build runs each"
    " model and test as a separate dbt invocation, as Cosmos's default local execution mode does;"
    " caregov runs one `dbt build` and then publishes the serving warehouse, which Cosmos does not.",
)

_COSMOS_DAG = '''"""The caregov dbt project rendered as an Airflow DAG by Cosmos."""

from datetime import datetime

from cosmos import DbtDag, ExecutionConfig, ProfileConfig, ProjectConfig, RenderConfig
from cosmos.constants import LoadMode

{dag_id} = DbtDag(
    dag_id="{dag_id}",
    project_config=ProjectConfig(
        dbt_project_path="{root}",
        manifest_path="{manifest}",
        models_relative_path="dbt_project/models",
        seeds_relative_path="dbt_project/seeds",
        snapshots_relative_path="dbt_project/snapshots",
    ),
    profile_config=ProfileConfig(
        profile_name="caregov",
        target_name="build",
        profiles_yml_filepath="{root}/dbt_project/profiles.yml",
    ),
    execution_config=ExecutionConfig(dbt_executable_path="{dbt}"),
    render_config=RenderConfig(
        load_method=LoadMode.DBT_MANIFEST, should_detach_multiple_parents_tests=True
    ),
    schedule=None,
    start_date=datetime(2026, 1, 1),
    catchup=False,
)
'''

_RUN = """
import sys, time
from pathlib import Path
from airflow.dag_processing.dagbag import BundleDagBag
folder = Path(sys.argv[1])
bag = BundleDagBag(dag_folder=str(folder), bundle_path=folder, bundle_name="dags-folder")
assert not bag.import_errors, bag.import_errors
run = bag.dags[sys.argv[2]].test()
print(run.state)
"""


def figures(workdir: Path) -> dict[str, float]:
    home = workdir / "home"
    shutil.copytree(ingested_home(BUILD_COUNCIL), home, symlinks=True)
    settings = settings_for(home)
    dags = write_cosmos_dag(workdir / "cosmos-dags", manifest(settings))
    ours, theirs = [], []
    for _ in range(REPEATS):
        ours.append(dag_parse_seconds())
        theirs.append(parse_seconds(dags))
    print(f"parse: dags/ {ours}, cosmos {theirs}", file=sys.stderr)
    caregov_build = _timed([str(ROOT / ".venv" / "bin" / "caregov"), "build"], bench_environ(home))
    (settings.warehouse / "build.duckdb").unlink()  # Cosmos builds from nothing too
    cosmos_build = cosmos_build_seconds(workdir, dags, home)
    print(f"full build: caregov {caregov_build:.0f}s, cosmos {cosmos_build:.0f}s", file=sys.stderr)
    return {
        "dag_parse_vs_cosmos": statistics.median(theirs) / statistics.median(ours),
        "dag_parse_cosmos_s": statistics.median(theirs),
        "build_full_s_scale_1[caregov]": caregov_build,
        "build_full_s_scale_1[cosmos]": cosmos_build,
    }


def peers() -> dict[str, dict[str, str]]:
    versions = ", ".join(
        f"{lib} {importlib.metadata.version(lib)}" for lib in ("astronomer-cosmos", "dbt-core")
    )
    return {"dag_parse_vs_cosmos": {"astronomer-cosmos": versions}}


def manifest(settings: object) -> Path:
    """dbt's manifest of the project, written by `dbt parse` (what manifest load mode reads)."""
    from caregov.settings import Settings

    assert isinstance(settings, Settings)
    settings.warehouse.mkdir(parents=True, exist_ok=True)
    env = dbt_environment(settings)
    subprocess.run(dbt_command(settings, "parse"), env=env, check=True, capture_output=True)
    return target_path(settings) / "manifest.json"


def write_cosmos_dag(folder: Path, manifest_path: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    dbt = ROOT / ".venv" / "bin" / "dbt"
    text = _COSMOS_DAG.format(dag_id=DAG_ID, root=ROOT, manifest=manifest_path, dbt=dbt)
    (folder / f"{DAG_ID}.py").write_text(text)
    return folder


def cosmos_build_seconds(workdir: Path, dags: Path, home: Path) -> float:
    """Wall time of one `dag.test()` run of the Cosmos DAG, in a fresh process."""
    airflow_home = workdir / "airflow-home"
    env = {
        **bench_environ(home),
        "AIRFLOW_HOME": str(airflow_home),
        "AIRFLOW__CORE__DAGS_FOLDER": str(dags),
        "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
        # Cosmos reports each run to its maker over the internet; there is none here.
        "AIRFLOW__COSMOS__ENABLE_TELEMETRY": "False",
    }
    airflow = str(ROOT / ".venv" / "bin" / "airflow")
    subprocess.run([airflow, "db", "migrate"], env=env, check=True, capture_output=True)
    started = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-c", _RUN, str(dags), DAG_ID], env=env, capture_output=True, text=True
    )
    seconds = time.monotonic() - started
    state = done.stdout.strip().splitlines()[-1:] if done.returncode == 0 else []
    if state != ["success"]:
        (workdir / "cosmos-run.log").write_text(done.stdout + done.stderr)
        raise RuntimeError(f"the Cosmos build did not succeed: {done.stderr[-2000:]}")
    return seconds


def _timed(command: list[str], env: dict[str, str]) -> float:
    started = time.monotonic()
    subprocess.run(command, env=env, check=True, capture_output=True)
    return time.monotonic() - started
