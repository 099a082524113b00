"""A reader of the serving warehouse that loops until told to stop, run as its own process.

Used by the publish test: it opens `governance.duckdb` read-only again and again while builds
run, and records for every read the file's inode, a fingerprint of the marts it read, or the
error it met, one JSON line per read.
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path

import duckdb

FINGERPRINT = """
    select
        (select count(*) from marts.governance_metrics),
        (select sum(hash(metric_id, period_end, round(value, 9), numerator, denominator, unit))
           from marts.governance_metrics),
        (select count(*) from marts.workforce_monthly),
        (select count(*) from marts.waiting_list_monthly)
"""


def main(serving: Path, stop: Path, out: Path) -> None:
    with out.open("w") as log:
        while not stop.exists():
            record: dict[str, object] = {}
            try:
                record["inode"] = os.stat(serving).st_ino
                with duckdb.connect(str(serving), read_only=True) as con:
                    record["fingerprint"] = [str(v) for v in con.execute(FINGERPRINT).fetchone()]
            except Exception as error:  # every failure is what the test looks for
                record["error"] = f"{type(error).__name__}: {error}"
            log.write(json.dumps(record) + "\n")
            log.flush()
            time.sleep(0.05)


if __name__ == "__main__":
    main(Path(sys.argv[1]), Path(sys.argv[2]), Path(sys.argv[3]))
