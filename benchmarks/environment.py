"""The environment every benchmark runs caregov in: its own home, a pseudonym key of the required
length (not secret: the data is generated), and no settle wait, because the extracts are written
whole before anything reads them."""

from __future__ import annotations

import os
from pathlib import Path

PSEUDONYM_KEY = "bench-pseudonym-key-not-secret-0123456789"


def bench_environ(home: Path) -> dict[str, str]:
    return {
        **os.environ,
        "CAREGOV_HOME": str(home),
        "CAREGOV_PSEUDONYM_KEY": PSEUDONYM_KEY,
        "CAREGOV_LANDING_SETTLE_SECONDS": "0",
    }
