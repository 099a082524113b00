"""Certified metrics for analysts: rates from their parts, right for one team and the council.

The metric SQL of datasets.yaml is first run on a few rows worked out by hand; then the real
Superset is asked for the same metrics by name, as an analyst's chart asks for them.
"""

from __future__ import annotations

import duckdb
import pytest

from caregov.settings import Settings
from caregov_superset.assets import ASSETS_DIR, load_assets
from caregov_superset.client import SupersetClient

# Two teams at one month end (and a month before, which must not leak in):
#   team A social workers: 3 leavers in 12 months, 20 permanent/temporary staff in post
#   team A admin:          1 leaver,               10 in post
#   team B social workers: 2 leavers,               10 in post
# Team A: (3 + 1) / (20 + 10) = 4/30 = 0.1333…; council: (3 + 1 + 2) / (20 + 10 + 10) = 6/40
# = 0.15. An average of the three rows' rates would give (0.15 + 0.1 + 0.2) / 3 = 0.15 for the
# council by chance but 0.125 for team A: the pooled 0.1333… is the Skills for Care figure.
WORKFORCE_ROWS = [
    ("2026-03-31", "T1", "Team A", "social_worker", 3, 20),
    ("2026-03-31", "T1", "Team A", "admin", 1, 10),
    ("2026-03-31", "T2", "Team B", "social_worker", 2, 10),
    ("2026-02-28", "T1", "Team A", "social_worker", 9, 10),
]


def _metric_sql(settings: Settings, table: str, name: str) -> str:
    spec = load_assets(settings, ASSETS_DIR).by_table[table]
    return next(m.sql for m in spec.metrics if m.name == name)


@pytest.fixture
def hand_worked(tmp_path_factory: pytest.TempPathFactory) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    con.execute(
        "create table workforce_monthly (period_end date, team_id varchar, team_name varchar,"
        " role_group varchar, leavers_12m bigint, directly_employed_in_post bigint)"
    )
    con.executemany("insert into workforce_monthly values (?, ?, ?, ?, ?, ?)", WORKFORCE_ROWS)
    con.execute(
        "create table governance_metrics (metric_id varchar, period_end date, value double,"
        " numerator double, denominator double)"
    )
    con.execute(
        "insert into governance_metrics values"
        " ('workforce_turnover_rate_12m', '2026-03-31', 0.15, 6, 40),"
        " ('workforce_turnover_rate_12m', '2026-02-28', 0.9, 9, 10)"
    )
    return con


def test_turnover_metric_is_pooled_for_one_team_and_for_the_council(
    hand_worked: duckdb.DuckDBPyConnection, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """workforce_monthly's turnover for team A at 31 March is 4/30, for both teams 6/40."""
    settings = Settings.from_env({"CAREGOV_HOME": str(tmp_path_factory.mktemp("home"))})
    sql = _metric_sql(settings, "workforce_monthly", "turnover_rate_12m")
    where = "period_end = date '2026-03-31'"
    (team,) = hand_worked.execute(
        f"select {sql} from workforce_monthly where {where} and team_name = 'Team A'"
    ).fetchone()
    (council,) = hand_worked.execute(
        f"select {sql} from workforce_monthly where {where}"
    ).fetchone()
    assert team == pytest.approx(4 / 30)
    assert council == pytest.approx(6 / 40)


def test_governance_rate_metric_comes_from_numerator_and_denominator(
    hand_worked: duckdb.DuckDBPyConnection, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """governance_metrics' rate for one metric and month is its numerator ÷ denominator."""
    settings = Settings.from_env({"CAREGOV_HOME": str(tmp_path_factory.mktemp("home"))})
    sql = _metric_sql(settings, "governance_metrics", "rate_from_parts")
    (value,) = hand_worked.execute(
        f"select {sql} from governance_metrics where period_end = date '2026-03-31'"
    ).fetchone()
    assert value == pytest.approx(0.15)


@pytest.mark.integration
def test_superset_serves_the_certified_metrics_by_name(
    admin: SupersetClient, make_user, superset_settings: Settings
) -> None:
    """A BI Analyst's chart asking Superset for turnover_rate_12m by name gets the pooled rate
    for one team and for the whole of workforce_monthly at the latest month."""
    analyst = make_user("analyst-metrics", "BI Analyst")
    dataset = admin.find_one("dataset", table_name="workforce_monthly")
    assert dataset is not None
    detail = admin.get("dataset", int(dataset["id"]))
    metric = next(m for m in detail["metrics"] if m["metric_name"] == "turnover_rate_12m")
    assert metric["verbose_name"] == "Staff turnover (12 months)" and metric["d3format"] == ".1%"
    assert {c["verbose_name"] for c in detail["columns"]} >= {"Team", "Month", "Role group"}
    with duckdb.connect(str(superset_settings.serving_db), read_only=True) as warehouse:
        # The team with most staff at the latest month (small teams' rows are suppressed).
        latest, team = warehouse.execute(
            "select period_end, arg_max(team_name, directly_employed_in_post)"
            " from marts.workforce_monthly group by all order by 1 desc limit 1"
        ).fetchone()
        expected = dict(
            warehouse.execute(
                "select team_name, sum(leavers_12m) / sum(directly_employed_in_post)"
                " from marts.workforce_monthly where period_end = ? group by all",
                [latest],
            ).fetchall()
        )

    def ask(team_filter: list[dict]) -> float:
        answer = analyst.post_json(
            "/api/v1/chart/data",
            {
                "datasource": {"id": dataset["id"], "type": "table"},
                "queries": [
                    {
                        "metrics": ["turnover_rate_12m"],
                        "columns": [],
                        "filters": [
                            {"col": "period_end", "op": "==", "val": str(latest)},
                            *team_filter,
                        ],
                        "row_limit": 10,
                    }
                ],
                "result_type": "full",
            },
        )
        return float(answer["result"][0]["data"][0]["turnover_rate_12m"])

    assert ask([{"col": "team_name", "op": "==", "val": team}]) == pytest.approx(expected[team])
    with duckdb.connect(str(superset_settings.serving_db), read_only=True) as warehouse:
        (everyone,) = warehouse.execute(
            "select sum(leavers_12m) / sum(directly_employed_in_post) from marts.workforce_monthly"
            " where period_end = ?",
            [latest],
        ).fetchone()
    assert ask([]) == pytest.approx(everyone)
