"""A local service's components, found again through their pid file (real processes)."""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

from cli.local.processes import ServiceProcesses


def test_exited_names_components_that_ended_or_never_started(tmp_path: Path) -> None:
    """`exited` names the component whose process has ended and the expected one that was
    never recorded, not the one still running; `stop` then ends the rest."""
    service = ServiceProcesses("test service", tmp_path / "service.json")
    service.start(
        {
            "web": [sys.executable, "-c", "import time; time.sleep(60)"],
            "worker": [sys.executable, "-c", "pass"],
        },
        dict(os.environ),
        tmp_path,
    )
    deadline = time.monotonic() + 30
    while "worker" not in service.exited() and time.monotonic() < deadline:
        time.sleep(0.1)
    assert service.exited(["web", "worker", "beat"]) == ["beat", "worker"]
    assert service.stop(grace=5) == 1
    assert service.exited(["web"]) == ["web"]
