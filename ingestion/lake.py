"""Where a load's results go, each written so that a kill at any moment leaves no half state.

- Lake: a load is written into a hidden temporary folder beside its final place and appears
  by one `rename` (docs/interfaces.md); readers ignore names starting with `.`. A `_load.json`
  inside records the load's counts, so a re-run after a crash between the rename and the
  ledger record can finish the bookkeeping without loading anything twice.
- Archive: every delivered file, byte for byte, under `archive/<source>/<sha12>-<safe name>`
  (copied under a temporary name, fsynced, renamed); nothing is ever deleted.
- Quarantine: `quarantine/<load_id>/` with `report.json` and `rejected_rows.csv` (original
  values, row, column, reason). It may hold personal data from rejected rows (contract §2), so
  the folders are mode 0700 and the files 0600, and cells that could run as spreadsheet
  formulas are prefixed with `'`.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import shutil
import unicodedata
from pathlib import Path

import duckdb

from ingestion.settings import Settings

MANIFEST = "_load.json"


def load_id_for(entity: str, as_at: dt.date, sha256: str) -> str:
    """Deterministic: the same bytes delivered for the same entity and as-at, the same id."""
    return f"{entity}-{as_at:%Y%m%d}-{sha256[:16]}"


def load_dir(settings: Settings, entity: str, as_at: dt.date, load_id: str) -> Path:
    return settings.raw / entity / f"as_at={as_at.isoformat()}" / f"load={load_id}"


def safe_name(name: str) -> str:
    """A file name that is harmless anywhere: ASCII letters, digits, `.`, `_`, `-` only."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    cleaned = re.sub(r"[^A-Za-z0-9._-]+", "_", ascii_name).lstrip(".")
    return (cleaned or "unnamed")[:120]


def fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _fsync_file(path: Path) -> None:
    with path.open("rb") as handle:
        os.fsync(handle.fileno())


def begin_load(final: Path) -> Path:
    """A fresh hidden folder beside `final` to write a load into."""
    final.parent.mkdir(parents=True, exist_ok=True)
    for stale in final.parent.glob(f".tmp-{final.name}-*"):  # left by a killed run
        shutil.rmtree(stale, ignore_errors=True)
    tmp = final.parent / f".tmp-{final.name}-{os.getpid()}"
    tmp.mkdir()
    return tmp


def commit_load(tmp: Path, final: Path, manifest: dict[str, object]) -> None:
    """Make the load visible by one rename, after everything in it is on disk."""
    (tmp / MANIFEST).write_text(json.dumps(manifest, default=str))
    for item in tmp.iterdir():
        _fsync_file(item)
    fsync_dir(tmp)
    pause_if_asked("lake")
    os.rename(tmp, final)
    fsync_dir(final.parent)


def abandon_load(tmp: Path) -> None:
    shutil.rmtree(tmp, ignore_errors=True)


def read_manifest(final: Path) -> dict[str, object]:
    return json.loads((final / MANIFEST).read_text())


def archive(settings: Settings, path: Path, source: str, sha256: str) -> Path:
    """Copy the delivered file, byte for byte, into the archive (idempotent)."""
    folder = settings.archive / safe_name(source)
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / f"{sha256[:12]}-{safe_name(path.name)}"
    if target.exists() and target.stat().st_size == path.stat().st_size:
        return target
    tmp = folder / f".{target.name}.{os.getpid()}.tmp"
    shutil.copyfile(path, tmp)
    _fsync_file(tmp)
    os.replace(tmp, target)
    fsync_dir(folder)
    return target


def write_quarantine(
    settings: Settings,
    load_id: str,
    report: dict[str, object],
    con: duckdb.DuckDBPyConnection | None,
) -> Path:
    """Replace `quarantine/<load_id>/` with this run's report (and rejected rows, if any)."""
    settings.quarantine.mkdir(parents=True, exist_ok=True, mode=0o700)
    os.chmod(settings.quarantine, 0o700)
    final = settings.quarantine / load_id
    for stale in settings.quarantine.glob(f".tmp-{load_id}-*"):  # left by a killed run
        shutil.rmtree(stale, ignore_errors=True)
    tmp = settings.quarantine / f".tmp-{load_id}-{os.getpid()}"
    tmp.mkdir(mode=0o700)
    if con is not None:
        rows = tmp / "rejected_rows.csv"
        con.execute(
            f"""COPY (SELECT row, "column",
                         CASE WHEN regexp_matches(value, '^[=+\\-@]') THEN '''' || value
                              ELSE value END AS value, rule, message AS reason
                      FROM rejected ORDER BY row, "column")
                TO '{rows}' (HEADER, DELIMITER ',')"""
        )
        os.chmod(rows, 0o600)
    fd = os.open(tmp / "report.json", os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as handle:
        json.dump(report, handle, indent=2, default=str)
        handle.flush()
        os.fsync(handle.fileno())
    fsync_dir(tmp)
    if final.exists():  # left by an earlier, interrupted run of this same load
        shutil.rmtree(final)
    os.rename(tmp, final)
    fsync_dir(settings.quarantine)
    return final


def pause_if_asked(stage: str) -> None:
    """Test hook: `CAREGOV_TEST_PAUSE_AT=<stage>` sleeps here so a test can kill -9 mid-load."""
    if os.environ.get("CAREGOV_TEST_PAUSE_AT") == stage:
        import time

        flag = os.environ.get("CAREGOV_TEST_PAUSE_FLAG")
        if flag:
            Path(flag).write_text(str(os.getpid()))
        time.sleep(float(os.environ.get("CAREGOV_TEST_PAUSE_SECONDS", "30")))
