"""docker-compose.yml: a valid production shape whose secrets come only from .env."""

from __future__ import annotations

import subprocess
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent


def _config(env_file: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["docker-compose", "--env-file", str(env_file), "config"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )


def _filled_env(tmp_path: Path) -> Path:
    lines = []
    for line in (ROOT / ".env.example").read_text().splitlines():
        if line.endswith("="):
            line += "placeholder"
        lines.append(line)
    env_file = tmp_path / ".env"
    env_file.write_text("\n".join(lines) + "\n")
    return env_file


def test_compose_file_validates_with_every_secret_set(tmp_path: Path) -> None:
    """With every value of .env.example filled in, the compose file validates."""
    result = _config(_filled_env(tmp_path))
    assert result.returncode == 0, result.stderr
    services = yaml.safe_load(result.stdout)["services"]
    for name in (
        "postgres",
        "warehouse-db",
        "redis",
        "airflow-scheduler",
        "airflow-worker",
        "superset",
        "superset-worker",
        "superset-beat",
    ):
        assert name in services


def test_compose_refuses_to_start_without_a_secret(tmp_path: Path) -> None:
    """The shipped template holds no secret, so compose refuses and names what is missing."""
    result = _config(ROOT / ".env.example")
    assert result.returncode != 0
    assert "in .env" in result.stderr


def test_template_holds_no_secret_values() -> None:
    """Every secret in .env.example is empty: the template commits no secret."""
    for line in (ROOT / ".env.example").read_text().splitlines():
        key, _, value = line.partition("=")
        if any(word in key for word in ("KEY", "PASSWORD", "SECRET")):
            assert value == "", key


def test_services_run_unprivileged_and_publish_on_loopback_only(tmp_path: Path) -> None:
    """Every caregov service runs as the image's unprivileged user (never root), and the two
    web servers are published on 127.0.0.1 only (a reverse proxy faces the network)."""
    services = yaml.safe_load(_config(_filled_env(tmp_path)).stdout)["services"]
    ours = {name: spec for name, spec in services.items() if spec.get("image") == "caregov:latest"}
    assert {"superset", "superset-worker", "airflow-worker"} <= set(ours)
    assert {name: spec.get("user") for name, spec in ours.items()} == {
        name: "50000:50000" for name in ours
    }
    published = [
        (name, str(port)) for name, spec in services.items() for port in spec.get("ports", [])
    ]
    assert published
    for name, port in published:
        assert port.startswith("127.0.0.1:"), (name, port)


def test_the_warehouse_runs_as_a_hub_on_its_own_postgresql(tmp_path: Path) -> None:
    """Every Airflow service builds into the DuckLake catalog and publishes into the serving
    database on warehouse-db, which creates both; the connection strings hold no password
    (libpq reads it from PGPASSWORD, which comes from .env)."""
    compose = yaml.safe_load(_config(_filled_env(tmp_path)).stdout)
    services = compose["services"]
    airflow = [name for name in services if name.startswith("airflow-")]
    assert airflow
    for name in airflow:
        env = services[name]["environment"]
        assert env["CAREGOV_WAREHOUSE_CATALOG"] == (
            "postgresql://postgres@warehouse-db:5432/caregov_catalog"
        ), name
        assert env["CAREGOV_SERVING_DSN"] == (
            "postgresql://postgres@warehouse-db:5432/caregov_serving"
        ), name
        assert env["PGPASSWORD"] == "placeholder", name
    assert services["airflow-init"]["depends_on"]["warehouse-db"]["condition"] == "service_healthy"
    # docker-compose prints a bind mount as "source:target:mode".
    mounts = [str(v).split(":") for v in services["warehouse-db"]["volumes"]]
    (init,) = [source for source, target, *_ in mounts if target.endswith("caregov.sql")]
    created = (ROOT / "ops" / Path(init).name).read_text()
    assert "CREATE DATABASE caregov_catalog;" in created
    assert "CREATE DATABASE caregov_serving;" in created
    assert "warehouse-db-data" in compose["volumes"]
