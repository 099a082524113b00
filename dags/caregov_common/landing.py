"""The landing-zone protocol and the trigger that watches it (contract §2, §6).

A delivering system writes an extract under a temporary name (a leading `.` or a trailing
`.part`) and renames it into place, so a visible name is a complete file. `complete_files`
lists those; `LandingFileTrigger` runs in Airflow's triggerer and yields an event whenever a
complete file appears (or changes) in `landing/<source>/`, which starts `ingest_<source>`
through the landing asset's watcher.

The trigger only looks: it never deletes, moves or opens an extract (Airflow's own
`FileDeleteTrigger` deletes what it sees, which would break "nothing delivered is ever
deleted"). Files leave the landing folder when the ingest task archives them.
"""

from __future__ import annotations

import asyncio
import logging
import os
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

from airflow.triggers.base import BaseEventTrigger, TriggerEvent

log = logging.getLogger(__name__)

DEFAULT_POLL_SECONDS = 5.0


def is_complete_name(name: str) -> bool:
    """True for a delivered file's final name; false while it is still being written."""
    return not name.startswith(".") and not name.endswith(".part")


def complete_files(directory: Path) -> list[Path]:
    """Every complete file under `directory` (recursively, skipping hidden folders), sorted."""
    found: list[Path] = []
    for root, folders, names in os.walk(directory):
        folders[:] = sorted(f for f in folders if not f.startswith("."))
        found.extend(Path(root) / n for n in names if is_complete_name(n))
    return sorted(p for p in found if p.is_file())


def _signatures(directory: Path) -> dict[str, tuple[int, int]]:
    """Name → (size, mtime_ns) of the complete files: a changed signature is a new delivery."""
    signatures: dict[str, tuple[int, int]] = {}
    for path in complete_files(directory):
        try:
            stat = path.stat()
        except FileNotFoundError:  # archived between listing and stat
            continue
        signatures[str(path.relative_to(directory))] = (stat.st_size, stat.st_mtime_ns)
    return signatures


def poll_seconds() -> float:
    """How often the triggerer looks at a landing folder (`CAREGOV_LANDING_POLL_SECONDS`)."""
    try:
        return max(0.2, float(os.environ.get("CAREGOV_LANDING_POLL_SECONDS", DEFAULT_POLL_SECONDS)))
    except ValueError:
        return DEFAULT_POLL_SECONDS


class LandingFileTrigger(BaseEventTrigger):
    """Yield once per newly delivered complete file batch in `CAREGOV_HOME/landing/<source>/`.

    The folder is resolved in the triggerer from its own environment (so the serialized
    trigger holds only the source). Files already announced are remembered while they stay in
    the folder; after a triggerer restart, files still waiting are announced again, which is
    right: they have not been ingested yet.
    """

    def __init__(self, source: str) -> None:
        super().__init__()
        self.source = source

    def serialize(self) -> tuple[str, dict[str, Any]]:
        return ("caregov_common.landing.LandingFileTrigger", {"source": self.source})

    def directory(self) -> Path:
        from ingestion.settings import Settings

        return Settings.from_env().landing / self.source

    async def run(self) -> AsyncIterator[TriggerEvent]:
        directory = self.directory()
        interval = poll_seconds()
        announced: dict[str, tuple[int, int]] = {}
        log.info("watching %s every %.1fs for complete extract files", directory, interval)
        while True:
            current = await asyncio.to_thread(_signatures, directory)
            new = sorted(name for name, sig in current.items() if announced.get(name) != sig)
            # Forget files that left the folder (archived), so a re-delivery is noticed.
            announced = {name: sig for name, sig in announced.items() if name in current}
            if new:
                announced.update({name: current[name] for name in new})
                yield TriggerEvent({"source": self.source, "files": new})
            await asyncio.sleep(interval)
