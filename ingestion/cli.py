"""The `caregov` command line (contract §1.2).

A thin layer: parse options, read settings once, call the library, print results. Every verb
imports its implementation lazily so `caregov --help` stays instant. User mistakes
(`CaregovError`) become one sentence on stderr and exit 2; anything else is an internal error,
exit 1, with the traceback logged for whoever debugs it.
"""

from __future__ import annotations

import functools
import logging
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from ingestion.console import configure_logging
from ingestion.errors import CaregovError
from ingestion.settings import Settings

log = logging.getLogger("caregov")


def _guarded(command: Callable[..., int | None]) -> Callable[..., None]:
    """Turn the library's outcome into the contract's exit codes and messages."""

    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> None:
        try:
            code = command(*args, **kwargs)
        except CaregovError as error:
            click.echo(f"caregov: {error}", err=True)
            sys.exit(error.exit_code)
        except KeyboardInterrupt:
            click.echo("caregov: interrupted", err=True)
            sys.exit(130)
        except click.exceptions.Exit:
            raise
        except Exception:
            log.exception("internal error")
            click.echo("caregov: internal error (details above); please report it.", err=True)
            sys.exit(1)
        sys.exit(code or 0)

    return wrapper


def _month(value: str | None) -> str | None:
    if value is None:
        return None
    import datetime as dt

    try:
        dt.datetime.strptime(value, "%Y-%m")
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a month in the form YYYY-MM") from None
    return value


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option("-v", "--verbose", is_flag=True, help="Log debug detail.")
@click.pass_context
def main(ctx: click.Context, verbose: bool) -> None:
    """caregov: governance evidence for adult social care, from extracts to dashboards.

    All state lives under CAREGOV_HOME (default ./caregov-home).
    """
    configure_logging(verbose)
    ctx.obj = Settings.from_env()


@main.command()
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    required=True,
    help="Folder to write <source>/<entity>_<YYYY-MM-DD>.<csv|xlsx> deliveries into.",
)
@click.option(
    "--seed", type=int, default=7, show_default=True, help="Random seed; same seed, same files."
)
@click.option(
    "--start",
    callback=lambda _c, _p, v: _month(v),
    default=None,
    help="First month delivered (YYYY-MM); default: the months ending with last month.",
)
@click.option(
    "--months",
    type=click.IntRange(1, 120),
    default=30,
    show_default=True,
    help="Number of monthly deliveries.",
)
@click.option(
    "--scale",
    type=click.FloatRange(0.01, 1000),
    default=1.0,
    show_default=True,
    help="1 = a city council (~2,000 staff jobs); 100 = national volume.",
)
@click.option(
    "--messy",
    is_flag=True,
    help="Vary formatting the way real council exports do (UK dates, BOM, cp1252, XLSX title rows).",
)
@_guarded
def generate(
    out: Path, seed: int, start: str | None, months: int, scale: float, messy: bool
) -> int:
    """Write a realistic synthetic council's monthly extracts for every entity."""
    from ingestion.generate import generate_council

    summary = generate_council(out, seed=seed, start=start, months=months, scale=scale, messy=messy)
    click.echo(summary.describe())
    return 0


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.pass_obj
@_guarded
def ingest(settings: Settings, paths: tuple[Path, ...]) -> int:
    """Validate, pseudonymise and load extract files (or folders of them) into the lake.

    Prints one line per file: loaded, skipped or rejected. Exit 0 if every file was loaded or
    skipped, 2 if any was rejected, 1 on an internal error.
    """
    from ingestion.load import ingest_paths

    outcomes = ingest_paths(settings, list(paths), echo=click.echo)
    return 2 if any(o.status == "rejected" for o in outcomes) else 0


@main.command()
@click.pass_obj
@_guarded
def status(settings: Settings) -> int:
    """Per entity: last as-at date, last load, rows loaded and quarantined, stale or not."""
    from ingestion.ledger import entity_status, format_status

    click.echo(format_status(entity_status(settings)))
    return 0


@main.command()
@click.option(
    "--full-refresh", is_flag=True, help="Rebuild incremental models from the whole lake."
)
@click.pass_obj
@_guarded
def build(settings: Settings, full_refresh: bool) -> int:
    """Run the dbt build and, only if everything passed, publish the serving warehouse."""
    from ingestion.warehouse import build_and_publish

    result = build_and_publish(settings, full_refresh=full_refresh)
    click.echo(result.describe())
    return 0 if result.ok else 2


@main.command()
@click.option(
    "--landing",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Landing folder to drain (default: CAREGOV_HOME/landing).",
)
@click.pass_obj
@_guarded
def run(settings: Settings, landing: Path | None) -> int:
    """The nightly job without Airflow: ingest everything waiting, then build and publish."""
    from ingestion.load import ingest_landing
    from ingestion.warehouse import build_and_publish

    outcomes = ingest_landing(settings, landing or settings.landing, echo=click.echo)
    result = build_and_publish(settings)
    click.echo(result.describe())
    if not result.ok:
        return 2
    return 2 if any(o.status == "rejected" for o in outcomes) else 0


@main.command()
@click.option("--metric", "metric_id", default=None, help="Only this metric id.")
@click.option(
    "--from",
    "from_month",
    callback=lambda _c, _p, v: _month(v),
    default=None,
    help="First month (YYYY-MM).",
)
@click.option(
    "--to",
    "to_month",
    callback=lambda _c, _p, v: _month(v),
    default=None,
    help="Last month (YYYY-MM).",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "csv", "json"]),
    default="table",
    show_default=True,
)
@click.pass_obj
@_guarded
def metrics(
    settings: Settings,
    metric_id: str | None,
    from_month: str | None,
    to_month: str | None,
    fmt: str,
) -> int:
    """Print marts.governance_metrics from the serving warehouse."""
    from ingestion.warehouse import format_metrics, read_metrics

    rows = read_metrics(settings, metric_id=metric_id, from_month=from_month, to_month=to_month)
    click.echo(format_metrics(rows, fmt), nl=False)
    return 0


@main.group()
def superset() -> None:
    """Run a local Superset and provision its objects from code."""


@superset.command("up")
@click.pass_obj
@_guarded
def superset_up(settings: Settings) -> int:
    """Start a local Superset (initialising it on first start), wait for health, then sync."""
    from caregov_superset.server import up

    click.echo(up(settings))
    return 0


@superset.command("sync")
@click.pass_obj
@_guarded
def superset_sync(settings: Settings) -> int:
    """Create or update every Superset object from code (idempotent)."""
    from caregov_superset.sync import sync

    report = sync(settings)
    click.echo(report.describe())
    return 0


@superset.command("down")
@click.pass_obj
@_guarded
def superset_down(settings: Settings) -> int:
    """Stop the local Superset started by `caregov superset up`."""
    from caregov_superset.server import down

    click.echo(down(settings))
    return 0


if __name__ == "__main__":
    main()
