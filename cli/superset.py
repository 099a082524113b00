"""`caregov superset up|sync|check|down`: a local Superset, provisioned and checked from code."""

from __future__ import annotations

from pathlib import Path

import click

from caregov.settings import Settings
from cli.common import guarded


@click.group("superset")
def group() -> None:
    """Run a local Superset and provision its objects from code."""


@group.command("up")
@click.pass_obj
@guarded
def up(settings: Settings) -> int:
    """Start a local Superset (initialising it on first start), wait for health, then sync."""
    from cli.local.superset import up as start_superset

    click.echo(start_superset(settings))
    return 0


@group.command("sync")
@click.pass_obj
@guarded
def sync(settings: Settings) -> int:
    """Create or update every Superset object from code (idempotent)."""
    from caregov_superset.sync import sync as sync_superset

    click.echo(sync_superset(settings).describe())
    return 0


@group.command("check")
@click.pass_obj
@guarded
def check(settings: Settings) -> int:
    """Refresh dataset metadata, warm every chart's cache, and check every chart returns rows.

    Exit 0 when every chart of every dashboard returned data, 2 otherwise (naming the charts).
    """
    from caregov_superset.upkeep import health_check, refresh_datasets, warm_up

    click.echo(f"refreshed {refresh_datasets(settings)} datasets")
    click.echo(f"warmed {warm_up(settings)} charts")
    report = health_check(settings)
    click.echo(report.describe())
    return 0 if report.ok else 2


@group.command("screenshots")
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Folder for <slug>.png (default: CAREGOV_HOME/screenshots).",
)
@click.pass_obj
@guarded
def screenshots(settings: Settings, out: Path | None) -> int:
    """Write a 1600 px screenshot of every dashboard, drawn by headless Chromium."""
    from caregov_superset.browser import screenshot_dashboards

    for path in screenshot_dashboards(settings, out or settings.home / "screenshots"):
        click.echo(f"wrote {path}")
    return 0


@group.command("down")
@click.pass_obj
@guarded
def down(settings: Settings) -> int:
    """Stop the local Superset started by `caregov superset up`."""
    from cli.local.superset import down as stop_superset

    click.echo(stop_superset(settings))
    return 0
