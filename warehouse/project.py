"""Where the dbt project is and how dbt is started for a home: the one place that knows.

The project file (`dbt_project.yml`) sits at the repository root and its code under
`dbt_project/`; dbt's target and log folders go inside the home (`warehouse/dbt-target`,
`warehouse/dbt-logs`), so two homes never collide. The target is `build.duckdb`, or a DuckLake
when the home is a regional hub's (`dbt_target`). dbt runs through `warehouse.launcher`.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
from importlib import metadata
from pathlib import Path

from caregov.settings import PROJECT_ROOT, Settings

PROFILES_DIR = PROJECT_ROOT / "dbt_project"
# The environment variable the launcher writes a nightly build's run results to.
RUN_RESULTS_VARIABLE = "CAREGOV_DBT_RUN_RESULTS"


def dbt_python() -> Path:
    """The interpreter of the virtualenv dbt is installed in: this one, or the project's."""
    here = Path(sys.executable)
    return here if (here.parent / "dbt").exists() else PROJECT_ROOT / ".venv" / "bin" / "python"


def target_path(settings: Settings, target: str | None = None) -> Path:
    """dbt's target folder for this home: compiled SQL, manifest, run results. A build on
    another engine than the home's own (`target`, warehouse.portable) has a folder of its own,
    so it never replaces the artifacts the publish step reads."""
    return settings.warehouse / ("dbt-target" if target is None else f"dbt-target-{target}")


def log_path(settings: Settings, target: str | None = None) -> Path:
    return settings.warehouse / ("dbt-logs" if target is None else f"dbt-logs-{target}")


def run_results_path(settings: Settings, target: str | None = None) -> Path:
    return target_path(settings, target) / "run_results.json"


def dbt_command(settings: Settings, *args: str, target: str | None = None) -> list[str]:
    """dbt's own command line for this home, through `warehouse.launcher`, which skips the
    interpreter's teardown once dbt has finished. `target`: another of the profile's targets
    than the home's own (`dbt_target`), with target and log folders of its own."""
    return [
        str(dbt_python()),
        "-m",
        "warehouse.launcher",
        "--no-use-colors",
        *args,
        "--project-dir",
        str(PROJECT_ROOT),
        "--profiles-dir",
        str(PROFILES_DIR),
        "--target",
        target or dbt_target(settings),
        "--target-path",
        str(target_path(settings, target)),
        "--log-path",
        str(log_path(settings, target)),
        "--vars",
        json.dumps(dbt_vars(settings)),
    ]


def dbt_target(settings: Settings) -> str:
    """The profile's target: `build.duckdb`, or the DuckLake of a regional hub
    (`CAREGOV_WAREHOUSE_CATALOG`, warehouse.lakehouse)."""
    return "lakehouse" if settings.warehouse_catalog else "build"


def dbt_vars(settings: Settings) -> dict[str, object]:
    """The build's variables: the home's own council (rows of the lake written before they
    carried their council belong to it, macros/council.sql) and, in a regional hub, `hub`,
    which enables the region's pooled rows (models/region/), and the councils it serves
    (macros/council.sql)."""
    return {
        "council_code": settings.council_code,
        "councils": list(settings.council_codes),
        "hub": settings.hub,
    }


def dbt_environment(settings: Settings) -> dict[str, str]:
    env = dict(os.environ)
    env["CAREGOV_HOME"] = str(settings.home)
    if settings.warehouse_catalog:
        # The `lakehouse` target's DuckLake catalog (dbt_project/profiles.yml).
        env["CAREGOV_WAREHOUSE_CATALOG"] = settings.warehouse_catalog
    env["CAREGOV_BUILD_DB"] = str(settings.build_db)
    env["DBT_SEND_ANONYMOUS_USAGE_STATS"] = "false"
    # dbt's log file at info level: each node's start, result and errors. Debug level (set
    # DBT_LOG_LEVEL_FILE=debug) adds every SQL statement, about 2 MB and a tenth of a nightly
    # build's time.
    env.setdefault("DBT_LOG_LEVEL_FILE", "info")
    # Importing dbt compiles hundreds of modules: with their bytecode cached (in the home's own
    # folder, never in the repository or the virtualenv) every dbt run starts seconds sooner.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env.setdefault("PYTHONPYCACHEPREFIX", str(settings.cache / "pycache"))
    return env


def code_version() -> str:
    """A digest of the dbt project's files (SQL, YAML, seeds, the doc blocks under docs/) and of
    the dbt, adapter and DuckDB versions."""
    digest = hashlib.sha256()
    for package in ("dbt-core", "dbt-duckdb", "duckdb"):
        digest.update(f"{package}=={metadata.version(package)}\n".encode())
    project = sorted(
        path
        for path in PROFILES_DIR.rglob("*")
        if path.is_file()
        and (path.suffix in {".sql", ".yml", ".yaml", ".csv"} or path.parent.name == "docs")
        and not {"target", "dbt_packages", "logs"} & set(path.relative_to(PROFILES_DIR).parts)
    )
    for path in [PROJECT_ROOT / "dbt_project.yml", *project]:
        digest.update(f"{path.relative_to(PROJECT_ROOT)}\n".encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()
