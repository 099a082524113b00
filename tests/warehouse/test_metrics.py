"""Governance metrics as the CLI reads them: every metric, its months, formats, suppression."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import subprocess
from pathlib import Path

import duckdb
import pytest
import yaml

from caregov.errors import CaregovError
from caregov.settings import Settings
from tests.conftest import VENV_BIN, home_environ
from tests.warehouse.conftest import WarehouseLife
from warehouse.metrics import format_metrics, read_metrics

ROOT = Path(__file__).resolve().parents[2]
METRIC_IDS = {
    "workforce_turnover_rate_12m",
    "workforce_starters_rate_12m",
    "workforce_agency_rate",
    "workforce_nq_sw_starter_share_12m",
    "workforce_vacancy_rate",
    "waiting_awaiting_assessment",
    "waiting_awaiting_assessment_over_6m",
    "waiting_awaiting_ot_assessment",
    "waiting_median_wait_days",
    "waiting_overdue_reviews",
    "complaints_received",
    "complaints_ack_within_3wd_rate",
    "complaints_upheld_rate",
    "finance_forecast_variance_pct",
    "finance_avg_days_to_pay",
    "finance_paid_within_30d_rate",
    "improvement_actions_complete_rate",
    "improvement_actions_overdue",
}


def test_every_contract_metric_is_reported(warehouse: Settings) -> None:
    """governance_metrics holds exactly the 18 metric ids of docs/specification.md §4."""
    assert {row["metric_id"] for row in read_metrics(warehouse)} == METRIC_IDS


def test_rows_run_to_the_month_of_the_latest_as_at_date(warehouse: Settings) -> None:
    """Delta metrics reach July 2025 (the daily delta's as-at month); snapshot metrics stop at
    June 2025, the last month with a snapshot; both start in April 2024."""
    waiting = [r["period_end"] for r in read_metrics(warehouse, "waiting_awaiting_assessment")]
    turnover = [r["period_end"] for r in read_metrics(warehouse, "workforce_turnover_rate_12m")]
    assert (waiting[0], waiting[-1], len(waiting)) == (
        dt.date(2024, 4, 30),
        dt.date(2025, 7, 31),
        16,
    )
    assert (turnover[0], turnover[-1], len(turnover)) == (
        dt.date(2024, 4, 30),
        dt.date(2025, 6, 30),
        15,
    )


def test_read_metrics_filters_by_metric_and_months(warehouse: Settings) -> None:
    """--metric, --from and --to select one metric's months, both ends included."""
    rows = read_metrics(warehouse, "complaints_received", "2024-06", "2024-08")
    assert [(r["metric_id"], r["period_end"]) for r in rows] == [
        ("complaints_received", dt.date(2024, 6, 30)),
        ("complaints_received", dt.date(2024, 7, 31)),
        ("complaints_received", dt.date(2024, 8, 31)),
    ]


def test_unknown_metric_is_a_user_error(warehouse: Settings) -> None:
    """Asking for a metric that does not exist is one sentence naming it."""
    with pytest.raises(CaregovError, match="no metric 'turnover'"):
        read_metrics(warehouse, "turnover")


def test_csv_has_exactly_the_contract_columns(warehouse: Settings) -> None:
    """CSV: header metric_id,period_end,value,numerator,denominator,unit; nulls are empty."""
    text = format_metrics(read_metrics(warehouse, "waiting_median_wait_days"), "csv")
    lines = text.splitlines()
    assert lines[0] == "metric_id,period_end,value,numerator,denominator,unit"
    first = next(csv.DictReader(io.StringIO(text)))
    assert first["numerator"] == "" and first["unit"] == "days"
    assert first["period_end"] == "2024-04-30"


def test_json_format_is_a_list_of_rows(warehouse: Settings) -> None:
    """JSON: one object per row with ISO dates and numbers or nulls."""
    rows = json.loads(format_metrics(read_metrics(warehouse, "complaints_received"), "json"))
    assert rows[0]["period_end"] == "2024-04-30"
    assert isinstance(rows[0]["value"], float)


def test_caregov_metrics_command_prints_csv(warehouse: Settings) -> None:
    """`caregov metrics --format csv` prints every metric for every month."""
    done = subprocess.run(
        [
            str(VENV_BIN / "caregov"),
            "metrics",
            "--format",
            "csv",
            "--metric",
            "workforce_agency_rate",
        ],
        env=home_environ(warehouse.home),
        capture_output=True,
        text=True,
        check=True,
    )
    lines = done.stdout.splitlines()
    assert lines[0] == "metric_id,period_end,value,numerator,denominator,unit"
    assert len(lines) == 1 + 15


def test_metrics_before_any_build_is_a_user_error(settings: Settings) -> None:
    """Without a serving warehouse the reader says to run `caregov build` first."""
    with pytest.raises(CaregovError, match="caregov build"):
        read_metrics(settings)


def test_team_level_figures_on_few_people_are_null_never_zero(warehouse: Settings) -> None:
    """Teams with fewer than 10 staff (workforce) or 5 people waiting show null, not small numbers."""
    with duckdb.connect(str(warehouse.serving_db), read_only=True) as con:
        small_staff = con.execute(
            "select count(*), count(staff_in_post), count(turnover_rate_12m) "
            "from marts.workforce_monthly where is_suppressed"
        ).fetchone()
        shown_staff = con.execute(
            "select min(staff_in_post) from marts.workforce_monthly where not is_suppressed"
        ).fetchone()[0]
        shown_waiting = con.execute(
            "select min(waiting_people), count(*) filter (where waiting_people = 0) "
            "from marts.waiting_list_monthly"
        ).fetchone()
    assert small_staff[0] > 0 and small_staff[1:] == (0, 0)
    assert shown_staff >= 10
    assert shown_waiting[0] >= 5 and shown_waiting[1] == 0


def test_scorecard_rates_every_metric(warehouse: Settings) -> None:
    """The scorecard has one row per metric with a RAG of green, amber, red or grey."""
    with duckdb.connect(str(warehouse.serving_db), read_only=True) as con:
        rows = con.execute(
            "select metric_id, rag, trend from marts.governance_scorecard"
        ).fetchall()
    assert {r[0] for r in rows} == METRIC_IDS
    assert {r[1] for r in rows} <= {"green", "amber", "red", "grey"}


def test_every_metric_has_a_passing_dbt_unit_test(warehouse_life: WarehouseLife) -> None:
    """Each contract metric appears in a dbt unit test's expected rows, and all unit tests pass."""
    covered: set[str] = set()
    for path in (ROOT / "dbt_project" / "models").rglob("*unit_tests.yml"):
        for unit_test in yaml.safe_load(path.read_text())["unit_tests"]:
            covered |= {row.get("metric_id") for row in unit_test["expect"]["rows"]}
    assert covered >= METRIC_IDS
    unit_results = [
        r
        for r in warehouse_life.full_refresh.run_results.nodes
        if r.unique_id.startswith("unit_test.")
    ]
    assert len(unit_results) >= 8 and {r.status for r in unit_results} == {"pass"}


def test_complaints_received_reconcile_to_the_lake(warehouse: Settings) -> None:
    """Statutory complaints received per month in the marts equal a direct count of the lake."""
    glob = warehouse.raw / "complaints" / "as_at=*" / "load=*" / "*.parquet"
    with duckdb.connect() as con:
        lake = dict(
            con.execute(f"""
                with current_version as (
                    select *, row_number() over (
                        partition by complaint_id order by _as_at desc, _loaded_at desc) as n
                    from read_parquet('{glob}')
                )
                select last_day(received_date), count(*)
                from current_version
                where n = 1 and procedure = 'asc_statutory'
                group by 1
            """).fetchall()
        )
    marts = {r["period_end"]: r["value"] for r in read_metrics(warehouse, "complaints_received")}
    assert {d: v for d, v in marts.items() if v} == {
        d: float(n) for d, n in lake.items() if d in marts
    }
