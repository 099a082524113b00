"""`caregov pack --month YYYY-MM [--out FILE]`: write one month's board pack as a PDF."""

from __future__ import annotations

from pathlib import Path

import click

from caregov.settings import Settings
from cli.common import guarded, month


@click.command()
@click.option(
    "--month",
    "month_",
    callback=lambda _c, _p, v: month(v),
    required=True,
    help="The month the pack reports (YYYY-MM).",
)
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="The PDF to write (default: CAREGOV_HOME/packs/board-pack-YYYY-MM.pdf).",
)
@click.pass_obj
@guarded
def pack(settings: Settings, month_: str, out: Path | None) -> int:
    """Write the board pack for a month from the serving warehouse: SPC charts, scorecard,
    data quality and definitions. The same published warehouse gives the same PDF."""
    from boardpack.pack import write_pack

    written = write_pack(settings, month_, out)
    click.echo(written.describe())
    return 0
