"""`caregov pack`: write one month's board pack as a PDF.

The pack is read from the published warehouse and the ledger (`boardpack.content`), laid out
(`boardpack.document`) and printed (`boardpack.pdf`). Its PDF dates are the newest load the
published warehouse holds, so writing the pack again from the same warehouse gives the same
bytes; a new build gives a new build id on the cover.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from pathlib import Path

from boardpack.content import Pack, month_end_of, read_pack
from boardpack.document import paginate, render_html
from boardpack.pdf import print_pdf
from boardpack.words import month_words
from caregov.settings import Settings

log = logging.getLogger(__name__)

# The document date of a pack whose warehouse records no load (nothing was ever delivered).
NO_LOADS = dt.datetime(2000, 1, 1)


@dataclass(frozen=True)
class WrittenPack:
    """A pack on disk, and what it holds."""

    path: Path
    month_end: dt.date
    pages: int
    build_id: str

    def describe(self) -> str:
        return (
            f"wrote the board pack for {month_words(self.month_end)} ({self.pages} pages, build"
            f" {self.build_id}) to {self.path}"
        )


def pack_path(settings: Settings, month_end: dt.date) -> Path:
    """Where a month's pack is kept: `CAREGOV_HOME/packs/board-pack-YYYY-MM.pdf`."""
    return settings.packs / f"board-pack-{month_end:%Y-%m}.pdf"


def write_pack(settings: Settings, month: str | dt.date, out: Path | None = None) -> WrittenPack:
    """Write the board pack for `month` (`YYYY-MM`, or a date in the month) to `out`, by default
    `pack_path`."""
    month_end = month_end_of(month if isinstance(month, str) else f"{month:%Y-%m}")
    pack: Pack = read_pack(settings, month_end)
    target = out if out is not None else pack_path(settings, month_end)
    html = render_html(pack)
    print_pdf(html, target, pack.loaded_to or NO_LOADS)
    written = WrittenPack(target, month_end, len(paginate(pack)), pack.build_id)
    log.info(written.describe())
    return written
