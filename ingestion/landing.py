"""The landing-zone rule: which files under a folder are complete deliveries to ingest.

A delivering system writes an extract under a temporary name (a leading `.` or a trailing
`.part`) and renames it into place, so only a visible, regular file counts. Hidden folders
(`landing/hr/.staging/…`) are a writer's own work space and are never entered. Symbolic links
and other non-regular files (FIFOs, sockets, devices) are never followed or read. This is the
one rule: `caregov ingest DIR`, `caregov run`, the landing watcher and the DAGs all call
`complete_files`.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

PARTIAL_SUFFIX = ".part"


def is_complete_name(name: str) -> bool:
    """True for a delivered file's final name; false while it is still being written."""
    return not name.startswith(".") and not name.endswith(PARTIAL_SUFFIX)


def complete_files(directory: Path) -> list[Path]:
    """Every complete regular file under `directory` (recursively, skipping hidden folders and
    never following links), sorted by name then path; [] when the folder does not exist."""
    found: list[Path] = []
    for root, folders, names in os.walk(directory, followlinks=False):
        folders[:] = sorted(f for f in folders if is_complete_name(f))
        found.extend(
            Path(root) / n for n in names if is_complete_name(n) and _regular(Path(root) / n)
        )
    return sorted(found, key=lambda p: (p.name, str(p)))


def _regular(path: Path) -> bool:
    """A regular file, not a link to one (checked without following the link)."""
    try:
        return stat.S_ISREG(path.lstat().st_mode)
    except FileNotFoundError:  # taken by another process between listing and looking
        return False
