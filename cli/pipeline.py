"""The pipeline's verbs: `generate`, `ingest`, `status`, `build`, `run`, `metrics`."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from caregov.settings import Settings
from cli.common import guarded, month


@click.command()
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
    callback=lambda _c, _p, v: month(v),
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
@click.option(
    "--national",
    is_flag=True,
    help="Also write the council's national returns: quarterly CLD submissions (Release 1 before"
    " July 2025, Release 2 after, and a resubmission), monthly ASC-WDS files, population estimates.",
)
@click.option(
    "--council",
    metavar="LA_CODE",
    default=None,
    help="A council of a sample region: a different council for each code (its own seed and a"
    " size of 0.6 to 1.4 times --scale, from --seed and the code), written into OUT/LA_CODE/.",
)
@guarded
def generate(
    out: Path,
    seed: int,
    start: str | None,
    months: int,
    scale: float,
    messy: bool,
    national: bool,
    council: str | None,
) -> int:
    """Write a realistic synthetic council's monthly extracts for every entity."""
    from caregov.sample import generate_council
    from caregov.settings import check_la_code

    la_code = check_la_code(council, "--council") if council is not None else None
    summary = generate_council(
        out, seed=seed, start=start, months=months, scale=scale, messy=messy, national=national,
        council=la_code,
    )  # fmt: skip
    click.echo(summary.describe())
    return 0


@click.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option(
    "--council",
    metavar="LA_CODE",
    help="The council the files come from (default: the council whose landing folder holds"
    " them; in single-council mode the one council).",
)
@click.pass_obj
@guarded
def ingest(settings: Settings, paths: tuple[Path, ...], council: str | None) -> int:
    """Validate, pseudonymise and load extract files (or folders of them) into the lake.

    Prints one line per file: loaded, skipped or rejected. Exit 0 if every file was loaded or
    skipped, 2 if any was rejected, 1 on an internal error.
    """
    from ingestion.deliveries import ingest_paths

    outcomes = ingest_paths(settings, list(paths), echo=click.echo, la_code=council)
    return 2 if any(o.status == "rejected" for o in outcomes) else 0


@click.command()
@click.pass_obj
@guarded
def status(settings: Settings) -> int:
    """Per entity: last as-at date, last load, rows loaded and quarantined, stale or not."""
    from ingestion.ledger import entity_status, format_status

    click.echo(format_status(entity_status(settings)))
    return 0


@click.command()
@click.option(
    "--full-refresh", is_flag=True, help="Rebuild incremental models from the whole lake."
)
@click.option(
    "--engine",
    type=click.Choice(["duckdb", "postgres"]),
    default="duckdb",
    show_default=True,
    help="postgres: a full build of the same models in CAREGOV_WAREHOUSE_BUILD_DSN's database,"
    " from a copy of the lake; nothing is published (docs/scale-out.md).",
)
@click.pass_obj
@guarded
def build(settings: Settings, full_refresh: bool, engine: str) -> int:
    """Run the dbt build and, only if everything passed, publish the serving warehouse."""
    from warehouse.build import build_and_publish

    if engine == "postgres":
        from warehouse.portable import build_on_postgres

        portable = build_on_postgres(settings)
        click.echo(portable.describe())
        return 0 if portable.ok else 2
    result = build_and_publish(settings, full_refresh=full_refresh)
    click.echo(result.describe())
    return 0 if result.ok else 2


@click.command()
@click.option(
    "--landing",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Landing folder to drain (default: CAREGOV_HOME/landing).",
)
@click.pass_obj
@guarded
def run(settings: Settings, landing: Path | None) -> int:
    """The nightly job without Airflow: ingest everything waiting, then build and publish."""
    from ingestion.deliveries import ingest_landing
    from warehouse.build import build_and_publish

    outcomes = ingest_landing(settings, landing or settings.landing, echo=click.echo)
    result = build_and_publish(settings)
    click.echo(result.describe())
    if not result.ok:
        return 2
    return 2 if any(o.status == "rejected" for o in outcomes) else 0


@click.command()
@click.option(
    "--metric",
    "metric_id",
    default=None,
    help="Only this metric id (the ids are in --format csv or json).",
)
@click.option(
    "--from",
    "from_month",
    callback=lambda _c, _p, v: month(v),
    default=None,
    help="First month (YYYY-MM).",
)
@click.option(
    "--to",
    "to_month",
    callback=lambda _c, _p, v: month(v),
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
@click.option(
    "--council",
    metavar="LA_CODE",
    default=None,
    help="Whose figures: a council's code, or in a regional hub REGION (the default there)."
    " Default: the council (CAREGOV_COUNCIL_CODE).",
)
@click.pass_obj
@guarded
def metrics(
    settings: Settings,
    metric_id: str | None,
    from_month: str | None,
    to_month: str | None,
    fmt: str,
    council: str | None,
) -> int:
    """Print the governance metrics (marts.governance_metrics) from the serving warehouse.

    \b
    table: one line per metric with its title, its latest month, value, target, RAG and the
           change on the month and on the year (rates as percentages, their changes in
           percentage points); with --from or --to, one line per metric per month in that
           range, and RAG only on each metric's latest month, the one the scorecard rates.
    csv:   metric_id,period_end,value,numerator,denominator,unit for every month (or the
           --from/--to range).
    json:  the same rows, with title, target, rag, previous_month_value and value_12m_ago.
    """
    from warehouse.metrics import read_metrics
    from warehouse.metrics_format import format_metrics

    latest_only = fmt == "table" and from_month is None and to_month is None
    rows = read_metrics(
        settings, metric_id, from_month, to_month, latest_only=latest_only, la_code=council
    )
    colour = fmt == "table" and sys.stdout.isatty() and not os.environ.get("NO_COLOR")
    click.echo(format_metrics(rows, fmt, colour=colour), nl=False)
    return 0


COMMANDS = (generate, ingest, status, build, run, metrics)
