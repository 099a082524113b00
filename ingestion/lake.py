"""Where a load's results go, each written so that a kill at any moment leaves no half state.

- Lake: a load is written into a hidden temporary folder beside its final place and appears
  by one `rename` (`caregov.fs.staged`, docs/interfaces.md); readers ignore names starting with `.`. A `_load.json`
  inside records the load's counts, so a re-run after a crash between the rename and the
  ledger record can finish the bookkeeping without loading anything twice.
- Archive: every delivered file, byte for byte, under `archive/<source>/<sha12>-<safe name>`
  (copied under a temporary name, fsynced, renamed); nothing is ever deleted.
- Quarantine: `quarantine/<load_id>/` with `report.json` and `rejected_rows.csv` (original
  values, row, column, reason). It may hold personal data from rejected rows, so
  the folders are mode 0700 and the files 0600, and cells that could run as spreadsheet
  formulas are prefixed with `'`.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import re
import shutil
import unicodedata
from collections.abc import Iterator
from pathlib import Path

import duckdb

from caregov import fs
from caregov.settings import Settings
from ingestion.validate import formula_sql

MANIFEST = "_load.json"


def load_id_for(entity: str, as_at: dt.date, sha256: str, la_code: str | None = None) -> str:
    """Deterministic: the same bytes delivered for the same entity and as-at (in a hub: by the
    same council, whose code leads the id), the same id."""
    load_id = f"{entity}-{as_at:%Y%m%d}-{sha256[:16]}"
    return f"{la_code}-{load_id}" if la_code else load_id


def load_dir(settings: Settings, entity: str, as_at: dt.date, load_id: str) -> Path:
    return settings.raw / entity / f"as_at={as_at.isoformat()}" / f"load={load_id}"


def safe_name(name: str) -> str:
    """A file name that is harmless anywhere: ASCII letters, digits, `.`, `_`, `-` only."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    cleaned = re.sub(r"[^A-Za-z0-9._-]+", "_", ascii_name).lstrip(".")
    return (cleaned or "unnamed")[:120]


@contextlib.contextmanager
def new_load(final: Path, manifest: dict[str, object]) -> Iterator[Path]:
    """A fresh hidden folder to write a load into. When the block ends without error,
    `manifest` (the load's counts, which the block may still fill in) is written into it and it
    becomes `final` by one rename: a kill before leaves nothing visible, and the next run of the
    same load clears the leftover (`caregov.fs.staged`)."""
    with fs.staged(final, folder=True) as tmp:
        yield tmp
        (tmp / MANIFEST).write_text(json.dumps(manifest, default=str))
        pause_if_asked("lake")


def read_manifest(final: Path) -> dict[str, object]:
    return json.loads((final / MANIFEST).read_text())


def archive(
    settings: Settings, path: Path, source: str, sha256: str, la_code: str | None = None
) -> Path:
    """Copy the delivered file, byte for byte, into the archive (idempotent): in a hub under
    `archive/<la_code>/<source>/`."""
    folder = settings.archive / safe_name(la_code) if settings.hub and la_code else settings.archive
    target = folder / safe_name(source) / f"{sha256[:12]}-{safe_name(path.name)}"
    if target.exists() and target.stat().st_size == path.stat().st_size:
        return target
    return fs.copy_file(path, target, private=True)


def write_quarantine(
    settings: Settings,
    load_id: str,
    report: dict[str, object],
    con: duckdb.DuckDBPyConnection | None,
) -> Path:
    """Replace `quarantine/<load_id>/` with this run's report (and rejected rows, if any)."""
    final = settings.quarantine / load_id
    with fs.staged(final, private=True, folder=True) as tmp:
        if con is not None:
            rows = tmp / "rejected_rows.csv"
            con.execute(
                f"""COPY (SELECT row, "column",
                             CASE WHEN {formula_sql("value")} THEN '''' || value
                                  ELSE value END AS value, rule, message AS reason
                          FROM rejected ORDER BY row, "column")
                    TO '{rows}' (HEADER, DELIMITER ',')"""
            )
        (tmp / "report.json").write_text(json.dumps(report, indent=2, default=str))
        if final.exists():  # left by an earlier, interrupted run of this same load
            shutil.rmtree(final)
    return final


def pause_if_asked(stage: str) -> None:
    """Test hook: `CAREGOV_TEST_PAUSE_AT=<stage>` sleeps here so a test can kill -9 mid-load."""
    if os.environ.get("CAREGOV_TEST_PAUSE_AT") == stage:
        import time

        flag = os.environ.get("CAREGOV_TEST_PAUSE_FLAG")
        if flag:
            Path(flag).write_text(str(os.getpid()))
        time.sleep(float(os.environ.get("CAREGOV_TEST_PAUSE_SECONDS", "30")))
