"""The trigger that watches a landing folder and starts `ingest_<source>` (docs/specification.md#6-airflow).

`LandingFileTrigger` runs in Airflow's triggerer and yields an event whenever a complete file
appears (or changes) in `landing/<source>/` (in a hub, any `landing/<la_code>/<source>/`), which starts `ingest_<source>` through the landing
asset's watcher. Which entries it announces is `ingestion.landing.scan`, the rule the DAGs and
`caregov run` use: files once they have settled (a file still being written is announced when
it has stopped changing), and entries the ingest must refuse (links, pipes).

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

from ingestion.landing import scan

log = logging.getLogger(__name__)

DEFAULT_POLL_SECONDS = 5.0


def _signatures(
    directories: list[Path], root: Path, settle_seconds: float
) -> dict[str, tuple[int, int]]:
    """Name (under `root`) → (size, mtime_ns) of what an ingest would take now from
    `directories`: a changed signature is a new delivery."""
    signatures: dict[str, tuple[int, int]] = {}
    for directory in directories:
        for path in scan(directory, settle_seconds).to_ingest:
            try:
                found = path.lstat()
            except FileNotFoundError:  # archived between listing and looking
                continue
            signatures[str(path.relative_to(root))] = (found.st_size, found.st_mtime_ns)
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
        return ("caregov_dags.watcher.LandingFileTrigger", {"source": self.source})

    async def run(self) -> AsyncIterator[TriggerEvent]:
        from caregov.settings import Settings

        settings = Settings.from_env()
        interval = poll_seconds()
        announced: dict[str, tuple[int, int]] = {}
        log.info(
            "watching %s every %.1fs for complete extract files",
            settings.source_landings(self.source) or settings.landing, interval,
        )  # fmt: skip
        while True:
            # Listed afresh each time: in a hub a council's folder may appear later.
            current = await asyncio.to_thread(
                _signatures,
                settings.source_landings(self.source),
                settings.landing if settings.hub else settings.landing / self.source,
                settings.landing_settle_seconds,
            )
            new = sorted(name for name, sig in current.items() if announced.get(name) != sig)
            # Forget files that left the folder (archived), so a re-delivery is noticed.
            announced = {name: sig for name, sig in announced.items() if name in current}
            if new:
                announced.update({name: current[name] for name in new})
                yield TriggerEvent({"source": self.source, "files": new})
            await asyncio.sleep(interval)
