"""One synthetic warehouse home per session, taken through the builds every test looks at.

dbt builds are the slow part of these tests, so the session fixture walks one home through the
whole life the tests check, recording what each step left behind:

1. a lake with 14 months of every entity except improvement_actions, hr_posts and
   provider_invoices (never delivered yet; the last two feed incremental models, which must take
   in their first delivery in an incremental run): build 1 must pass;
2. those three entities for all 15 months, month 15 of everything else and one more daily delta
   (append-only, like ingestion), which starts month 16: build 2 (incremental);
   then next versions of a few events, delivered the next day (the same month), that move the
   waiting-list figures of earlier months: build 2b (incremental, cm_events only);
3. `--full-refresh` while reader processes loop on the serving file: build 3;
4. a planted lake row that breaks a dbt test: build 4 must fail and leave the serving file as it
   was (the row is then removed so the lake matches the serving warehouse again).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb
import pytest

from caregov.settings import Settings
from tests.conftest import home_environ
from tests.warehouse import synthetic
from tests.warehouse.lake import lake_columns, write_delivery
from warehouse.build import BuildResult, build_and_publish

MONTHS, SCALE, START = 15, 0.1, "2024-04"
MARTS = (
    "governance_metrics",
    "metric_catalogue",
    "governance_scorecard",
    "workforce_monthly",
    "waiting_list_monthly",
    "complaints_monthly",
    "finance_monthly",
    "provider_payments_monthly",
    "improvement_progress",
    "data_freshness",
    "improvement_action_tracker",
    "governance_notes",
    "governance_metrics_spc",
    "cld_waiting_times_quarterly",
    "ascof_measures",
    "cld_activity_quarterly",
    "cld_data_quality",
    "workforce_sfc",
)

# Entities first delivered after the first build: one read by tables only, and a snapshot and a
# delta entity read by incremental models.
FIRST_DELIVERED_LATER = ("improvement_actions", "hr_posts", "provider_invoices")


@dataclass
class WarehouseLife:
    """What each build of the session's home produced."""

    settings: Settings
    first: BuildResult
    first_metric_ids: set[str]
    incremental: BuildResult
    same_month: BuildResult
    incremental_marts: dict[str, str]
    full_refresh: BuildResult
    full_refresh_marts: dict[str, str]
    failed: BuildResult
    failed_on_events: BuildResult
    serving_sha_before_failure: str
    serving_sha_after_failure: str
    manifest_ids: dict[str, str] = field(default_factory=dict)  # build → published manifest id
    reads: list[dict[str, Any]] = field(default_factory=list)


def published_manifest_id(settings: Settings) -> str:
    """The dbt invocation that wrote the manifest published beside the serving warehouse."""
    manifest = json.loads((settings.warehouse / "manifest.json").read_text())
    return str(manifest["metadata"]["invocation_id"])


def marts_digest(serving: Path) -> dict[str, str]:
    """Per marts table, a digest of its sorted rows (equal digests = identical contents)."""
    digests = {}
    with duckdb.connect(str(serving), read_only=True) as con:
        for table in MARTS:
            rows = con.execute(f"select * from marts.{table} order by all").fetchall()
            # Floating-point sums may differ in the last bits with the order rows are read in.
            text = repr([[f"{v:.10g}" if isinstance(v, float) else v for v in r] for r in rows])
            digests[table] = hashlib.sha256(text.encode()).hexdigest()
    return digests


def file_sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _write_lake(settings: Settings, months: int, skip: tuple[str, ...]) -> None:
    """Synthetic deliveries for `months` months, leaving out the entities `skip`."""
    synthetic.build_synthetic_lake(settings, start=START, months=months, scale=SCALE)
    for entity in skip:
        shutil.rmtree(settings.raw / entity)
        for ledger in settings.ledger.glob(f"{synthetic.load_prefix(entity)}*.parquet"):
            ledger.unlink()


def _new_versions_of_some_events(settings: Settings, as_at: dt.date) -> None:
    """A cm_events delivery whose versions change figures of months long past: a waiting
    assessment that started the day after its request, and an open long-term service and a
    completed review that move to another person (who gains them; their old person loses them).
    The incremental build must recompute exactly those queue items and people."""
    glob = settings.raw / "cm_events" / "as_at=*" / "load=*" / "*.parquet"
    names = [name for name, _ in lake_columns()["cm_events"] if not name.startswith("_")]
    current = (
        f"select * from read_parquet('{glob}') qualify row_number() over"
        " (partition by event_id order by _as_at desc, _loaded_at desc) = 1"
    )
    wanted = {
        "assessment": "event_type = 'Assessment' and requested_date is not null"
        " and event_start_date is null and event_end_date is null",
        "service": "event_type = 'Service' and service_type like 'Long term support%'"
        " and event_end_date is null",
        "review": "event_type = 'Review' and event_status = 'completed'",
    }
    with duckdb.connect() as con:
        picked = {}
        for kind, where in wanted.items():
            cursor = con.execute(
                f"select {', '.join(names)} from ({current}) where {where} order by event_id limit 1"
            )
            row = cursor.fetchone()
            assert row is not None, f"the synthetic lake has no {kind} to change"
            picked[kind] = dict(zip(names, row, strict=True))
        moved_from = {picked["service"]["person_id"], picked["review"]["person_id"]}
        quoted = ", ".join(f"'{p}'" for p in moved_from)
        (other,) = con.execute(
            f"select min(person_id) from ({current}) where person_id not in ({quoted})"
        ).fetchone()
    picked["assessment"]["event_start_date"] = picked["assessment"][
        "requested_date"
    ] + dt.timedelta(days=1)
    picked["service"]["person_id"] = other
    picked["review"]["person_id"] = other
    write_delivery(settings, "cm_events", as_at, list(picked.values()))


def _build_with_delivery(
    settings: Settings, entity: str, as_at: str, row: dict[str, Any]
) -> BuildResult:
    """A build after one more delivery of one row, which then leaves the lake again."""
    load = write_delivery(settings, entity, dt.date.fromisoformat(as_at), [row])
    try:
        return build_and_publish(settings)
    finally:
        shutil.rmtree(settings.raw / entity / f"as_at={as_at}")
        (settings.ledger / f"{load}.parquet").unlink()


@pytest.fixture(scope="session")
def warehouse_life(tmp_path_factory: pytest.TempPathFactory) -> WarehouseLife:
    home = tmp_path_factory.mktemp("warehouse-life") / "caregov-home"
    home.mkdir()
    settings = Settings.from_env(home_environ(home))

    # 1. 14 months, three entities never delivered.
    _write_lake(settings, MONTHS - 1, skip=FIRST_DELIVERED_LATER)
    first = build_and_publish(settings)
    assert first.ok, first.describe()
    manifest_ids = {"first": published_manifest_id(settings)}
    with duckdb.connect(str(settings.serving_db), read_only=True) as con:
        first_ids = {
            r[0] for r in con.execute("select metric_id from marts.governance_metrics").fetchall()
        }

    # 2. Month 15 and a daily delta (months 1-14 are rewritten byte for byte).
    synthetic.build_synthetic_lake(settings, start=START, months=MONTHS, scale=SCALE)
    synthetic.append_daily_delta(settings, start=START, months=MONTHS, scale=SCALE)
    incremental = build_and_publish(settings)
    assert incremental.ok, incremental.describe()
    manifest_ids["incremental"] = published_manifest_id(settings)
    # 2b. New versions of some events, the next day.
    _new_versions_of_some_events(settings, dt.date.fromisoformat("2025-07-02"))
    same_month = build_and_publish(settings)
    assert same_month.ok, same_month.describe()
    incremental_marts = marts_digest(settings.serving_db)

    # 3. Full refresh while readers loop on the serving file.
    stop = home / "stop-readers"
    logs = [home / "reads.jsonl"]
    readers = [
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "tests.warehouse.readers",
                str(settings.serving_db),
                str(stop),
                str(log),
            ],
            cwd=Path(__file__).resolve().parents[2],
        )
        for log in logs
    ]
    try:
        full_refresh = build_and_publish(settings, full_refresh=True)
        assert full_refresh.ok, full_refresh.describe()
        manifest_ids["full_refresh"] = published_manifest_id(settings)
        full_refresh_marts = marts_digest(settings.serving_db)

        # 4. A complaint with an unknown procedure breaks an accepted_values test.
        before = file_sha(settings.serving_db)
        failed = _build_with_delivery(
            settings,
            "complaints",
            "2025-07-02",
            {
                "complaint_id": "BAD-1",
                "procedure": "not_a_procedure",
                "received_date": dt.date(2025, 7, 1),
                "subject_category": "other",
            },
        )
        after = file_sha(settings.serving_db)
    finally:
        stop.touch()
        for reader in readers:
            reader.wait(timeout=60)

    # 5. An event with an unknown status breaks an accepted_values test that a nightly build runs
    #    on the rows it wrote (int_cm_events_current).
    failed_on_events = _build_with_delivery(
        settings,
        "cm_events",
        "2025-07-03",
        {
            "event_id": "BAD-EVENT-1",
            "person_id": "P-BAD-1",
            "event_type": "Request",
            "event_status": "not_a_status",
            "event_start_date": dt.date(2025, 7, 1),
            "team_id": "T1",
        },
    )

    reads = [json.loads(line) for log in logs for line in log.read_text().splitlines()]
    return WarehouseLife(
        settings=settings,
        first=first,
        first_metric_ids=first_ids,
        incremental=incremental,
        same_month=same_month,
        incremental_marts=incremental_marts,
        full_refresh=full_refresh,
        full_refresh_marts=full_refresh_marts,
        failed=failed,
        failed_on_events=failed_on_events,
        serving_sha_before_failure=before,
        serving_sha_after_failure=after,
        manifest_ids=manifest_ids,
        reads=reads,
    )


@pytest.fixture(scope="session")
def warehouse(warehouse_life: WarehouseLife) -> Settings:
    """Settings of the session's home, whose serving warehouse matches its lake."""
    return warehouse_life.settings
