"""Unit tests of the council rule's provisioning against an in-memory stand-in for Superset's
roles and row-level security endpoints (the real server's behaviour is in
test_superset_councils.py)."""

from __future__ import annotations

from typing import Any

from caregov_superset.dashboards import DatasetInfo
from caregov_superset.report import SyncReport
from caregov_superset.security import (
    NO_COUNCIL_RULE,
    REGIONAL_ROLE,
    council_clause,
    council_role_name,
    ensure_council_security,
)


class Roles:
    """Superset's roles and rules as the sync reads and writes them, kept in memory."""

    def __init__(self) -> None:
        self.roles: dict[int, str] = {1: "Admin", 2: "Gamma", 3: "Team: Locality North"}
        self.rules: dict[int, dict[str, Any]] = {}
        self.next_id = 100
        self.writes: list[str] = []
        self.users: list[dict[str, Any]] = []

    # the inventories ensure_security passes in
    def role_inventory(self) -> dict[str, dict[str, Any]]:
        return {n: {"id": i, "name": n, "permission_ids": []} for i, n in self.roles.items()}

    def rule_inventory(self) -> dict[str, dict[str, Any]]:
        return {
            r["name"]: {
                **{k: v for k, v in r.items() if k not in ("tables", "roles", "description")},
                "id": i,
                "tables": [{"id": t} for t in r["tables"]],
                "roles": [{"id": x, "name": self.roles[x]} for x in r["roles"]],
            }
            for i, r in self.rules.items()
        }

    # the client calls
    def iter_list(self, resource: str) -> list[dict[str, Any]]:
        assert resource == "security/users"
        return self.users

    def create(self, resource: str, payload: dict[str, Any]) -> int:
        self.next_id += 1
        if resource == "security/roles":
            self.roles[self.next_id] = payload["name"]
        else:
            self.rules[self.next_id] = dict(payload)
        self.writes.append(f"create {resource}")
        return self.next_id

    def update(self, resource: str, pk: int, payload: dict[str, Any]) -> None:
        self.rules[pk] = dict(payload)
        self.writes.append(f"update {resource} {pk}")

    def delete(self, resource: str, pk: int) -> None:
        (self.roles if resource == "security/roles" else self.rules).pop(pk)
        self.writes.append(f"delete {resource} {pk}")

    def request(self, method: str, path: str, json: dict[str, Any]) -> None:
        self.roles[int(path.rstrip("/").rsplit("/", 1)[1])] = json["name"]
        self.writes.append(f"{method} {path}")


DATASETS = {
    "governance_metrics": DatasetInfo(11, "period_end", None, ["la_code", "metric_id", "value"]),
    "workforce_monthly": DatasetInfo(12, "period_end", "team_id", ["la_code", "team_id"]),
    "metric_catalogue": DatasetInfo(13, None, None, ["metric_id", "title"]),
}


def run(superset: Roles, councils: dict[str, str] | None) -> SyncReport:
    report = SyncReport()
    ensure_council_security(
        superset,  # type: ignore[arg-type]
        DATASETS,
        councils or {},
        superset.role_inventory(),
        superset.rule_inventory(),
        report,
    )
    return report


def by_name(superset: Roles) -> dict[str, dict[str, Any]]:
    return {r["name"]: r for r in superset.rules.values()}


def role_id(superset: Roles, name: str) -> int:
    return next(i for i, n in superset.roles.items() if n == name)


def test_single_council_gets_no_council_role_or_rule() -> None:
    superset = Roles()
    report = run(superset, None)
    assert superset.writes == [] and not report.changed


def test_hub_gets_a_role_and_rule_per_council_and_a_closed_base_rule() -> None:
    superset = Roles()
    run(superset, {"E2": "St Helen's", "E1": "North Borough"})
    e1, e2 = council_role_name("E1", "North Borough"), council_role_name("E2", "St Helen's")
    assert e1 == "Council: North Borough (E1)"
    assert {e1, e2, REGIONAL_ROLE} <= set(superset.roles.values())
    rules = by_name(superset)
    assert rules["Council E1"] | {"description": ""} == {
        "name": "Council E1",
        "filter_type": "Regular",
        "tables": [11, 12],  # the datasets with la_code only
        "roles": [role_id(superset, e1)],
        "group_key": "council",
        "clause": "la_code IN ('E1', 'REGION')",
        "description": "",
    }
    base = rules[NO_COUNCIL_RULE]
    assert base["filter_type"] == "Base" and base["clause"] == "la_code = 'REGION'"
    assert base["tables"] == [11, 12]
    assert base["roles"] == sorted(role_id(superset, n) for n in ("Admin", e1, e2, REGIONAL_ROLE))


def test_clause_quotes_its_literals() -> None:
    assert council_clause("E08000091") == "la_code IN ('E08000091', 'REGION')"
    assert council_clause("X'; DROP") == "la_code IN ('X''; DROP', 'REGION')"


def test_a_second_run_writes_nothing() -> None:
    superset = Roles()
    councils = {"E1": "North Borough", "E2": "St Helen's"}
    run(superset, councils)
    superset.writes.clear()
    report = run(superset, councils)
    assert superset.writes == [] and not report.changed


def test_removed_council_loses_role_and_rule_renamed_one_keeps_its_role() -> None:
    superset = Roles()
    run(superset, {"E1": "North Borough", "E2": "St Helen's"})
    kept = role_id(superset, council_role_name("E1", "North Borough"))
    report = run(superset, {"E1": "North Borough Council"})
    assert superset.roles[kept] == council_role_name("E1", "North Borough Council")
    assert council_role_name("E2", "St Helen's") not in superset.roles.values()
    assert "Council E2" not in by_name(superset)
    assert sorted(report.removed) == [
        'role "Council: St Helen\'s (E2)"',
        "row-level security 'Council E2'",
    ]
    assert kept in by_name(superset)[NO_COUNCIL_RULE]["roles"]


def test_a_hub_turned_single_council_removes_only_what_the_council_rule_made() -> None:
    superset = Roles()
    run(superset, {"E1": "North Borough"})
    run(superset, None)
    assert superset.rules == {}
    assert set(superset.roles.values()) == {"Admin", "Gamma", "Team: Locality North"}


def test_a_council_user_with_sql_lab_is_named_in_a_warning() -> None:
    """Row-level security does not reach SQL Lab: the sync names who would see every council."""
    superset = Roles()
    e1 = council_role_name("E1", "North Borough")
    superset.users = [
        {"username": "viewer", "roles": [{"name": "Governance Viewer"}, {"name": e1}]},
        {"username": "analyst", "roles": [{"name": "BI Analyst"}, {"name": e1}]},
        {"username": "regional", "roles": [{"name": "BI Analyst"}, {"name": REGIONAL_ROLE}]},
    ]
    report = run(superset, {"E1": "North Borough"})
    assert len(report.warnings) == 1
    assert report.warnings[0].startswith(f"user 'analyst' holds {e1} and SQL Lab")
    assert run(superset, None).warnings == []
