"""The `caregov` group and its verbs (docs/specification.md#12-the-caregov-command-line).

A thin layer: parse options, read settings once, call the library, print results. Every verb
imports its implementation lazily so `caregov --help` stays instant. The verbs live beside
this module by part: the pipeline (`generate`, `ingest`, `status`, `build`, `run`,
`metrics`), the board pack (`pack`), `caregov airflow …` and `caregov superset …`.
"""

from __future__ import annotations

import click

from caregov.console import configure_logging
from caregov.settings import Settings
from cli import airflow, pipeline, superset
from cli.pack import pack


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option("-v", "--verbose", is_flag=True, help="Log debug detail.")
@click.pass_context
def main(ctx: click.Context, verbose: bool) -> None:
    """caregov: governance evidence for adult social care, from extracts to dashboards.

    All state lives under CAREGOV_HOME (default ./caregov-home).
    """
    configure_logging(verbose)
    ctx.obj = Settings.from_env()


for command in pipeline.COMMANDS:
    main.add_command(command)
main.add_command(pack)
main.add_command(airflow.group)
main.add_command(superset.group)
