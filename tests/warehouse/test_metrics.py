"""Governance metrics as the CLI reads them: every metric, its months, formats, suppression.

Most tests read the session's synthetic warehouse; the `caregov metrics` output tests read a
warehouse built by real dbt from a few complaints written by hand, so every figure they expect
is worked out below from those complaints.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import subprocess
from pathlib import Path
from typing import Any

import duckdb
import pytest
import yaml

from caregov.errors import CaregovError
from caregov.settings import Settings
from tests.conftest import VENV_BIN, home_environ
from tests.warehouse.conftest import WarehouseLife
from tests.warehouse.lake import write_delivery
from warehouse.build import build_and_publish
from warehouse.metrics import MetricRow, read_metrics
from warehouse.metrics_format import change_text, format_metrics, value_text

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
# The yearly ASCOF measures, from the CLD submissions: in the catalogue and the scorecard always,
# in governance_metrics only for complete financial years the council has delivered.
ASCOF_IDS = {
    "ascof_2a",
    "ascof_2b",
    "ascof_2c",
    "ascof_2e",
    "ascof_2e_ld",
    "ascof_3d_1a",
    "ascof_3d_2a",
}


def test_every_contract_metric_is_reported(warehouse: Settings) -> None:
    """governance_metrics holds exactly the 18 monthly metric ids of docs/specification.md §4:
    this council has never delivered CLD, so it has no ASCOF rows."""
    assert {row.metric_id for row in read_metrics(warehouse)} == METRIC_IDS


def test_rows_run_to_the_month_of_the_latest_as_at_date(warehouse: Settings) -> None:
    """Delta metrics reach July 2025 (the daily delta's as-at month); snapshot metrics stop at
    June 2025, the last month with a snapshot; both start in April 2024."""
    waiting = [r.period_end for r in read_metrics(warehouse, "waiting_awaiting_assessment")]
    turnover = [r.period_end for r in read_metrics(warehouse, "workforce_turnover_rate_12m")]
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
    assert [(r.metric_id, r.period_end) for r in rows] == [
        ("complaints_received", dt.date(2024, 6, 30)),
        ("complaints_received", dt.date(2024, 7, 31)),
        ("complaints_received", dt.date(2024, 8, 31)),
    ]


def test_csv_has_exactly_the_contract_columns(warehouse: Settings) -> None:
    """CSV: header metric_id,period_end,value,numerator,denominator,unit; nulls are empty."""
    text = format_metrics(read_metrics(warehouse, "waiting_median_wait_days"), "csv")
    lines = text.splitlines()
    assert lines[0] == "metric_id,period_end,value,numerator,denominator,unit"
    first = next(csv.DictReader(io.StringIO(text)))
    assert first["numerator"] == "" and first["unit"] == "days"
    assert first["period_end"] == "2024-04-30"


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
    """The scorecard has one row per metric with a RAG of green, amber, red or grey; the ASCOF
    measures of a council that never delivered CLD are there, grey, with no month or value."""
    with duckdb.connect(str(warehouse.serving_db), read_only=True) as con:
        rows = con.execute(
            "select metric_id, rag, trend, period_end, latest_value, latest_display"
            " from marts.governance_scorecard"
        ).fetchall()
    assert {r[0] for r in rows} == METRIC_IDS | ASCOF_IDS
    assert {r[1] for r in rows} <= {"green", "amber", "red", "grey"}
    assert {r[1:] for r in rows if r[0] in ASCOF_IDS} == {
        ("grey", "no_comparison", None, None, None)
    }


def test_every_metric_has_a_passing_dbt_unit_test(warehouse_life: WarehouseLife) -> None:
    """Each contract metric appears in a dbt unit test's expected rows, and all unit tests pass."""
    covered: set[str] = set()
    for path in (ROOT / "dbt_project" / "models").rglob("*unit_tests.yml"):
        for unit_test in yaml.safe_load(path.read_text())["unit_tests"]:
            covered |= {row.get("metric_id") for row in unit_test["expect"]["rows"]}
    assert covered >= METRIC_IDS | ASCOF_IDS
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
    marts = {r.period_end: r.value for r in read_metrics(warehouse, "complaints_received")}
    assert {d: v for d, v in marts.items() if v} == {
        d: float(n) for d, n in lake.items() if d in marts
    }


def test_latest_rows_agree_with_the_scorecard(warehouse: Settings) -> None:
    """Each metric's latest row carries the scorecard's value, month before, year before and RAG."""
    latest = {r.metric_id: r for r in read_metrics(warehouse, latest_only=True)}
    with duckdb.connect(str(warehouse.serving_db), read_only=True) as con:
        scorecard = con.execute(
            "select metric_id, period_end, latest_value, previous_month_value, value_12m_ago,"
            " rag from marts.governance_scorecard"
        ).fetchall()
    assert sorted(latest) == sorted(METRIC_IDS)
    # The ASCOF measures have no rows (no CLD), so their scorecard rows have no month.
    assert {row[0] for row in scorecard if row[1] is None} == ASCOF_IDS
    for metric_id, period_end, value, month_before, year_before, rag in scorecard:
        if period_end is None:
            continue
        row = latest[metric_id]
        assert (row.period_end, row.value, row.rag) == (period_end, value, rag), metric_id
        assert (row.previous_month_value, row.value_12m_ago) == (month_before, year_before)


# A council whose only extracts are a few complaints, each figure worked out by hand. Mondays
# received, so the 3rd working day is the Thursday; C1 is corporate and counts nowhere.
#   Jan 2024: A1-A4 received; A1, A2 acknowledged in time, A3 late, A4 never: 2 / 4 = 50.0 %.
#   Feb 2024: B1, B2 received and acknowledged the next day: 2 / 2 = 100.0 %.
#   Mar-Dec 2024: none (received 0, rates null).
#   Jan 2025: J1-J5 received, J1-J4 in time, J5 late: 4 / 5 = 80.0 %; received 5.
#   Feb 2025: F1 received, in time: 1 / 1 = 100.0 %; received 1. J1-J5 closed: upheld, upheld,
#   partially upheld, not upheld, withdrawn: (2 + 1) / 4 decided = 75.0 % upheld.
# So in Feb 2025: acknowledged 100.0 % (target 95 %, green), +20.0 pp on January, +0.0 pp on
# Feb 2024; received 1 (no target, grey), -4 on January, -1 on Feb 2024; upheld 75.0 % (target
# 40 %, amber to 55 %: red), nothing to compare with (none closed in Jan 2025 or Feb 2024).


def _complaint(
    complaint_id: str, received: str, acknowledged: str | None, procedure: str = "asc_statutory"
) -> dict[str, Any]:
    return {
        "complaint_id": complaint_id,
        "procedure": procedure,
        "received_date": dt.date.fromisoformat(received),
        "subject_category": "contact_delay",
        "acknowledged_date": dt.date.fromisoformat(acknowledged) if acknowledged else None,
    }


@pytest.fixture(scope="module")
def complaints_only(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """A home built and published by real dbt from the hand-written complaints above."""
    home = tmp_path_factory.mktemp("complaints-only") / "caregov-home"
    home.mkdir()
    settings = Settings.from_env(home_environ(home))
    write_delivery(
        settings,
        "complaints",
        "2024-01-31",
        [
            _complaint("A1", "2024-01-08", "2024-01-09"),
            _complaint("A2", "2024-01-08", "2024-01-10"),
            _complaint("A3", "2024-01-08", "2024-01-15"),
            _complaint("A4", "2024-01-08", None),
            _complaint("C1", "2024-01-08", "2024-01-09", procedure="corporate"),
        ],
    )
    write_delivery(
        settings,
        "complaints",
        "2024-02-29",
        [
            _complaint("B1", "2024-02-05", "2024-02-06"),
            _complaint("B2", "2024-02-05", "2024-02-06"),
        ],
    )
    january = [_complaint(f"J{n}", "2025-01-06", "2025-01-07") for n in range(1, 5)]
    january.append(_complaint("J5", "2025-01-06", "2025-01-20"))
    write_delivery(settings, "complaints", "2025-01-31", january)
    outcomes = ["upheld", "upheld", "partially_upheld", "not_upheld", "withdrawn"]
    closed = [
        {**complaint, "closed_date": dt.date(2025, 2, 20), "outcome": outcome}
        for complaint, outcome in zip(january, outcomes, strict=True)
    ]
    write_delivery(
        settings,
        "complaints",
        "2025-02-28",
        [*closed, _complaint("F1", "2025-02-03", "2025-02-04")],
    )
    result = build_and_publish(settings)
    assert result.ok, result.describe()
    return settings


def _caregov_metrics(settings: Settings, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(VENV_BIN / "caregov"), "metrics", *args],
        env=home_environ(settings.home),
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_table_shows_title_value_target_rag_and_changes_of_the_latest_month(
    complaints_only: Settings,
) -> None:
    """`caregov metrics`: one line per metric, its latest month, rates in % and their changes in
    percentage points, counts whole, a missing target or comparison as -."""
    done = _caregov_metrics(complaints_only)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == [
        "Metric                                         Month end    Value  Target  RAG    "
        "Change on month  Change on year",
        "---------------------------------------------  ----------  ------  ------  -----  "
        "---------------  --------------",
        "Complaints acknowledged within 3 working days  2025-02-28  100.0%   95.0%  Green  "
        "       +20.0 pp         +0.0 pp",
        "Statutory complaints received                  2025-02-28       1       -  Grey   "
        "             -4              -1",
        "Complaints upheld rate                         2025-02-28   75.0%   40.0%  Red    "
        "              -               -",
    ]


def test_table_for_a_range_has_a_line_per_month_and_rag_on_the_latest_only(
    complaints_only: Settings,
) -> None:
    """--from/--to: each month of the range, changes against the months before (also those
    outside the range), and the scorecard's RAG on the latest month only."""
    done = _caregov_metrics(
        complaints_only,
        *("--metric", "complaints_ack_within_3wd_rate", "--from", "2025-01", "--to", "2025-02"),
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[2:] == [
        "Complaints acknowledged within 3 working days  2025-01-31   80.0%   95.0%  -      "
        "              -        +30.0 pp",
        "Complaints acknowledged within 3 working days  2025-02-28  100.0%   95.0%  Green  "
        "       +20.0 pp         +0.0 pp",
    ]


def test_csv_has_the_specified_columns_and_whole_counts(complaints_only: Settings) -> None:
    """--format csv: exactly metric_id,period_end,value,numerator,denominator,unit; counts as
    integers (5, not 5.0), rates as fractions, nulls empty."""
    counts = _caregov_metrics(
        complaints_only, "--format", "csv", "--metric", "complaints_received", "--from", "2024-12"
    )
    rates = _caregov_metrics(
        complaints_only,
        *("--format", "csv", "--metric", "complaints_ack_within_3wd_rate", "--to", "2024-03"),
    )
    assert counts.stdout.splitlines() == [
        "metric_id,period_end,value,numerator,denominator,unit",
        "complaints_received,2024-12-31,0,0,,count",
        "complaints_received,2025-01-31,5,5,,count",
        "complaints_received,2025-02-28,1,1,,count",
    ]
    assert rates.stdout.splitlines()[1:] == [
        "complaints_ack_within_3wd_rate,2024-01-31,0.5,2,4,rate",
        "complaints_ack_within_3wd_rate,2024-02-29,1.0,2,2,rate",
        "complaints_ack_within_3wd_rate,2024-03-31,,0,0,rate",
    ]


def test_json_carries_ids_titles_and_whole_counts_as_integers(complaints_only: Settings) -> None:
    """--format json: every field under its id; counts are JSON integers; RAG on the latest."""
    done = _caregov_metrics(
        complaints_only, "--format", "json", "--metric", "complaints_received", "--from", "2025-02"
    )
    rows = json.loads(done.stdout)
    assert rows == [
        {
            "metric_id": "complaints_received",
            "period_end": "2025-02-28",
            "value": 1,
            "numerator": 1,
            "denominator": None,
            "unit": "count",
            "title": "Statutory complaints received",
            "target": None,
            "rag": "grey",
            "previous_month_value": 5,
            "value_12m_ago": 2,
        }
    ]
    assert all(type(rows[0][key]) is int for key in ("value", "numerator", "value_12m_ago"))


def test_a_wrong_metric_id_exits_2_listing_the_valid_ids(complaints_only: Settings) -> None:
    """--metric turnover: exit 2 and one sentence on stderr naming every valid metric id."""
    done = _caregov_metrics(complaints_only, "--metric", "turnover")
    assert done.returncode == 2
    assert done.stdout == ""
    assert done.stderr == (
        "caregov: there is no metric 'turnover'; the metrics are: "
        + ", ".join(sorted(METRIC_IDS | ASCOF_IDS))
        + ".\n"
    )


def test_values_are_formatted_by_unit() -> None:
    """Rates as percentages with one decimal, counts whole with thousands separators, days with
    one decimal, ratios with two; a missing value is -."""
    assert value_text(0.7391, "rate") == "73.9%"
    assert value_text(-0.0125, "rate") == "-1.2%"
    assert value_text(1056.0, "count") == "1,056"
    assert value_text(34.56, "days") == "34.6"
    assert value_text(1.2345, "ratio") == "1.23"
    assert value_text(None, "rate") == "-"


def test_changes_of_rates_are_percentage_points() -> None:
    """73.9 % after 94.4 % is -20.5 pp (not a relative -21.7 %); other units change in their own
    unit, always signed, and a change that rounds to nothing is +0.0, never -0.0."""
    assert change_text(0.739 - 0.944, "rate") == "-20.5 pp"
    assert change_text(-0.00001, "rate") == "+0.0 pp"
    assert change_text(1200.0, "count") == "+1,200"
    assert change_text(-3.44, "days") == "-3.4"
    assert change_text(0.05, "ratio") == "+0.05"
    assert change_text(None, "count") == "-"


def _row(rag: str) -> MetricRow:
    return MetricRow(
        metric_id="complaints_upheld_rate",
        period_end=dt.date(2025, 2, 28),
        value=0.75,
        numerator=3,
        denominator=4,
        unit="rate",
        title="Complaints upheld rate",
        target=0.4,
        rag=rag,
        previous_month_value=None,
        value_12m_ago=None,
    )


def test_table_paints_rag_for_a_terminal_only_when_asked() -> None:
    """With colour, a red RAG cell is wrapped in the ANSI red code; without, no escape codes."""
    assert "\x1b[31mRed\x1b[0m" in format_metrics([_row("red")], "table", colour=True)
    assert "\x1b" not in format_metrics([_row("red")], "table")


def test_a_yearly_ascof_row_prints_its_year_before_and_no_month_before() -> None:
    """ASCOF 2C for 2024-25: 36 admissions of people aged 65+ over a population of 45,000, that
    is 0.45 hundred thousand: 36 / 0.45 = 80.0 per 100,000 (a ratio, two decimals). 2023-24 was
    72.5: +7.50 on the year; there is no row a month before, and no target, so the RAG is grey
    and target and change on the month are -. CSV keeps the parts as the warehouse holds them."""
    row = MetricRow(
        metric_id="ascof_2c",
        period_end=dt.date(2025, 3, 31),
        value=80.0,
        numerator=36.0,
        denominator=0.45,
        unit="ratio",
        title="Care home admissions aged 65+ per 100,000 (ASCOF 2C, financial year)",
        target=None,
        rag="grey",
        previous_month_value=None,
        value_12m_ago=72.5,
    )
    line = format_metrics([row], "table").splitlines()[2]
    assert line.startswith(row.title + "  ")
    assert line.split()[-6:] == ["2025-03-31", "80.00", "-", "Grey", "-", "+7.50"]
    assert format_metrics([row], "csv").splitlines()[1] == "ascof_2c,2025-03-31,80.0,36,0.45,ratio"
