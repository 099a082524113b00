"""Integration: roles and row-level security enforced by the real Superset."""

from __future__ import annotations

import duckdb
import pytest

from caregov.settings import Settings
from caregov_superset.client import SupersetClient
from caregov_superset.errors import SupersetAuthError, SupersetError
from caregov_superset.security import COUNCIL_ROLE_PREFIX, REGIONAL_ROLE, TEAM_RULE_PREFIX

pytestmark = pytest.mark.integration


def _database_id(admin: SupersetClient) -> int:
    database = admin.find_one("database", database_name="Care governance warehouse")
    assert database is not None
    return int(database["id"])


def _execute(client: SupersetClient, database_id: int, sql: str) -> dict:
    return client.post_json(
        "/api/v1/sqllab/execute/",
        {"database_id": database_id, "sql": sql, "runAsync": False, "schema": "marts"},
    )


def _team_table_chart(admin: SupersetClient) -> int:
    chart = admin.find_one("chart", slice_name="Workforce by team and role group")
    assert chart is not None
    return int(chart["id"])


def test_governance_viewer_cannot_use_sql_lab(admin: SupersetClient, make_user) -> None:
    """SQL Lab refuses a Governance Viewer with 403, even for a marts query."""
    viewer = make_user("viewer-sqllab", "Governance Viewer")
    with pytest.raises(SupersetAuthError) as refused:
        _execute(viewer, _database_id(admin), "select count(*) from marts.governance_metrics")
    assert refused.value.status == 403


def test_governance_viewer_cannot_reach_outside_marts_through_a_chart(
    admin: SupersetClient,
    make_user,
) -> None:
    """A chart query smuggling a sub-query to another table is refused; the plain one works."""
    viewer = make_user("viewer-subquery", "Governance Viewer")
    dataset = admin.find_one("dataset", table_name="governance_metrics")
    assert dataset is not None

    def query(sql: str) -> dict:
        return viewer.post_json(
            "/api/v1/chart/data",
            {
                "datasource": {"id": dataset["id"], "type": "table"},
                "queries": [
                    {
                        "metrics": [{"expressionType": "SQL", "sqlExpression": sql, "label": "n"}],
                        "columns": [],
                        "row_limit": 10,
                    }
                ],
                "result_type": "full",
            },
        )

    assert query("COUNT(*)")["result"][0]["rowcount"] == 1
    with pytest.raises(SupersetError, match="sub-queries"):
        query("(SELECT COUNT(*) FROM information_schema.tables)")


def test_bi_analyst_queries_marts_but_not_other_schemas(
    admin: SupersetClient,
    make_user,
    superset_settings: Settings,
) -> None:
    """SQL Lab answers a BI Analyst on marts and refuses a table outside it."""
    analyst = make_user("analyst", "BI Analyst")
    database_id = _database_id(admin)
    with duckdb.connect(str(superset_settings.serving_db), read_only=True) as warehouse:
        (expected,) = warehouse.execute("select count(*) from marts.governance_metrics").fetchone()
    answer = _execute(analyst, database_id, "select count(*) as n from marts.governance_metrics")
    assert answer["data"] == [{"n": expected}]
    with pytest.raises(SupersetError, match="You need access to the following tables"):
        _execute(analyst, database_id, "select * from information_schema.tables")


def test_team_role_sees_only_its_team_rows(
    admin: SupersetClient,
    make_user,
    superset_settings: Settings,
) -> None:
    """A viewer in one team's role gets only that team's workforce rows; the admin gets all."""
    with duckdb.connect(str(superset_settings.serving_db), read_only=True) as warehouse:
        teams = warehouse.execute(
            "select distinct team_id, team_name from marts.workforce_monthly order by 1"
        ).fetchall()
        team, team_name = teams[0]
        (team_rows,) = warehouse.execute(
            "select count(*) from marts.workforce_monthly where team_id = ?", [team]
        ).fetchone()
    assert len(teams) > 1
    chart_id = _team_table_chart(admin)
    viewer = make_user("viewer-team", "Governance Viewer", f"Team: {team_name}")
    seen = viewer.get_json(f"/api/v1/chart/{chart_id}/data/")["result"][0]
    assert {row["team_name"] for row in seen["data"]} == {team_name}
    assert seen["rowcount"] == team_rows
    everything = admin.get_json(f"/api/v1/chart/{chart_id}/data/")["result"][0]
    assert len({row["team_name"] for row in everything["data"]}) > 1


def test_a_single_council_has_no_council_roles_or_rules(
    admin: SupersetClient, superset_settings: Settings
) -> None:
    """Without councils.csv the council rule of a hub (test_superset_councils.py) is absent:
    no council or regional role, no rule filtering on la_code, though every mart has it."""
    assert not superset_settings.hub
    roles = {r["name"] for r in admin.iter_list("security/roles")}
    assert not [r for r in roles if r.startswith(COUNCIL_ROLE_PREFIX) or r == REGIONAL_ROLE]
    rules = list(admin.iter_list("rowlevelsecurity"))
    assert rules and all(rule["name"].startswith(TEAM_RULE_PREFIX) for rule in rules)
    assert not [rule for rule in rules if "la_code" in rule["clause"]]
