"""`caregov airflow up|down|status|deliver|wait`: a local Airflow, fed the way councils feed it."""

from __future__ import annotations

from pathlib import Path

import click

from caregov.settings import Settings
from cli.common import guarded

LAST_DELIVERY = "last-delivery"


@click.group("airflow")
def group() -> None:
    """Run a local Airflow (scheduler, DAG processor, triggerer, API server) on this home.

    The port is CAREGOV_AIRFLOW_PORT (default 8080); logs are in CAREGOV_HOME/airflow/logs/.
    """


@group.command("up")
@click.pass_obj
@guarded
def up(settings: Settings) -> int:
    """Start Airflow (unless running) and wait until every DAG is parsed; print the login."""
    from cli.local.airflow import USER, LocalAirflow

    local = LocalAirflow.from_env(settings)
    first = not local.password_file.exists()
    started = local.start()
    click.echo(f"Airflow {'started' if started else 'already running'}: {local.url}")
    if first:
        click.echo(f"  login: {USER} / {local.password()}  (kept in {local.password_file})")
    else:
        click.echo(f"  login: {USER}; password in {local.password_file}")
    return 0


@group.command("down")
@click.pass_obj
@guarded
def down(settings: Settings) -> int:
    """Stop Airflow and every process it started."""
    from cli.local.airflow import LocalAirflow

    click.echo(f"Airflow stopped ({LocalAirflow.from_env(settings).stop()} processes).")
    return 0


@group.command("status")
@click.pass_obj
@guarded
def status(settings: Settings) -> int:
    """Say whether Airflow runs and where; exit 3 when it does not."""
    from cli.local.airflow import USER, LocalAirflow

    local = LocalAirflow.from_env(settings)
    if not local.running():
        click.echo("Airflow is not running.")
        return 3
    click.echo(f"Airflow UI: {local.url}  (login {USER}; password in {local.password_file})")
    return 0


@group.command("deliver")
@click.argument("folder", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.pass_obj
@guarded
def deliver(settings: Settings, folder: Path) -> int:
    """Deliver FOLDER/<source>/<extract> files into the landing zone (name.part, then rename)."""
    import datetime as dt

    from caregov import fs
    from cli.local.airflow import deliver as deliver_files

    since = dt.datetime.now(dt.UTC).isoformat()
    files = deliver_files(folder, settings.landing)
    fs.write_text(settings.state / LAST_DELIVERY, since, private=True)
    click.echo(f"delivered {len(files)} files into {settings.landing}")
    return 0


@group.command("wait")
@click.option("--dashboards", is_flag=True, help="Also wait for refresh_dashboards to succeed.")
@click.option(
    "--timeout", type=float, default=1800, show_default=True, help="Seconds to wait at most."
)
@click.pass_obj
@guarded
def wait(settings: Settings, dashboards: bool, timeout: float) -> int:
    """Wait until the last delivery has been ingested, built, published and written into the
    month's board pack (and, with --dashboards, shown in Superset); print each DAG's runs. Exit
    2 if a run failed."""
    from caregov.errors import CaregovError
    from cli.local.airflow import LocalAirflow, wait_for_pipeline

    marker = settings.state / LAST_DELIVERY
    if not marker.exists():
        raise CaregovError("nothing was delivered yet; run `caregov airflow deliver DIR` first.")
    local = LocalAirflow.from_env(settings)
    if not local.running():
        raise CaregovError("Airflow is not running; start it with `caregov airflow up`.")
    api = local.api()
    states = wait_for_pipeline(api, settings, marker.read_text().strip(), timeout, dashboards)
    for dag_id, runs in sorted(states.items()):
        click.echo(f"  {dag_id:<26} {', '.join(runs) or '-'}")
    return 0
