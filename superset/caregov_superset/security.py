"""Roles and row-level security as code (docs/specification.md §7).

- **Governance Viewer** opens dashboards and nothing else: no SQL Lab, no Explore, no exports,
  and data access only to the certified `marts` datasets the dashboards are built on.
- **BI Analyst** explores and uses SQL Lab, on the warehouse's `marts` schema only (schema
  access, not database access, so other schemas of the file stay out of reach).
- **Team: <team name>** roles (e.g. "Team: Occupational Therapy Service") carry a row-level
  security rule on every team-level dataset, so a user given one sees only that team's rows in
  charts and dashboards. Teams are read from the serving warehouse; the rules filter on the
  team's code, and a renamed team's role is renamed in place, keeping its members. Row-level security does not reach SQL Lab (and could not: `CALL query(…)`
  hides its tables from Superset), so BI Analysts are council-wide by rule; the rule's
  description says so where administrators read it.
"""

from __future__ import annotations

import logging
from typing import Any

from caregov_superset import rison
from caregov_superset.assets import Assets
from caregov_superset.client import SupersetClient
from caregov_superset.dashboards import DatasetInfo
from caregov_superset.report import SyncReport

log = logging.getLogger(__name__)

GOVERNANCE_VIEWER = "Governance Viewer"
BI_ANALYST = "BI Analyst"
TEAM_ROLE_PREFIX = "Team: "
# The row-level security rules are named by the team's code, which never changes.
TEAM_RULE_PREFIX = "Team "

# What a dashboard reader needs, taken from Superset's Gamma role minus every write, export,
# Explore and SQL Lab permission.
VIEWER_PERMISSIONS = {
    ("can_read", "Dashboard"),
    ("can_read", "Chart"),
    ("can_read", "Dataset"),
    ("can_dashboard", "Superset"),
    ("can_dashboard_permalink", "Superset"),
    ("can_share_dashboard", "Superset"),
    ("can_read", "DashboardFilterStateRestApi"),
    ("can_write", "DashboardFilterStateRestApi"),
    ("can_read", "DashboardPermalinkRestApi"),
    ("can_write", "DashboardPermalinkRestApi"),
    ("can_read", "CurrentUserRestApi"),
    ("can_read", "CssTemplate"),
    ("can_read", "Theme"),
    ("can_read", "AvailableDomains"),
    ("can_read", "security"),
    ("can_read", "SecurityRestApi"),
    ("can_get", "MenuApi"),
    ("can_language_pack", "Superset"),
    ("can_log", "Superset"),
    ("can_time_range", "Api"),
    ("can_recent_activity", "Log"),
    ("can_list", "AsyncEventsRestApi"),
    ("can_list", "DynamicPlugin"),
    ("can_show", "DynamicPlugin"),
    ("can_userinfo", "UserDBModelView"),
    ("resetmypassword", "UserDBModelView"),
    ("can_this_form_get", "ResetMyPasswordView"),
    ("can_this_form_post", "ResetMyPasswordView"),
    ("menu_access", "Home"),
    ("menu_access", "Dashboards"),
}
ANALYST_BASE_ROLES = ("Gamma", "sql_lab")


def ensure_security(
    client: SupersetClient,
    assets: Assets,
    datasets: dict[str, DatasetInfo],
    team_names: dict[str, str],
    report: SyncReport,
) -> None:
    """Create or update both roles, one role and RLS rule per team."""
    catalogue = permission_catalogue(client)
    database = assets.database.name
    dataset_access = {
        ("datasource_access", f"[{database}].[{table}](id:{info.id})")
        for table, info in datasets.items()
    }
    roles = role_inventory(client)
    viewer = {catalogue[p] for p in VIEWER_PERMISSIONS | dataset_access if p in catalogue}
    ensure_role(client, GOVERNANCE_VIEWER, viewer, roles, report)

    analyst: set[int] = set()
    for base in ANALYST_BASE_ROLES:
        if base in roles:
            analyst |= set(roles[base]["permission_ids"])
    analyst |= {catalogue[p] for p in dataset_access if p in catalogue}
    analyst |= {
        pvm_id
        for (permission, view), pvm_id in catalogue.items()
        if permission == "schema_access"
        and view.startswith(f"[{database}].")
        and view.endswith(f".[{assets.datasets[0].schema}]")
    }
    ensure_role(client, BI_ANALYST, analyst, roles, report)

    team_tables = {t: d for t, d in datasets.items() if d.team_column}
    rules = {row["name"]: row for row in client.iter_list("rowlevelsecurity")}
    for team_id, team_name in sorted(team_names.items()):
        role_name = f"{TEAM_ROLE_PREFIX}{team_name}"
        _rename_team_role(client, team_id, role_name, rules, roles, report)
        role_id = ensure_role(client, role_name, set(), roles, report)
        for table, info in team_tables.items():
            ensure_rls(client, team_id, team_name, role_id, table, info, rules, report)


def _rename_team_role(
    client: SupersetClient,
    team_id: str,
    role_name: str,
    rules: dict[str, dict[str, Any]],
    roles: dict[str, dict[str, Any]],
    report: SyncReport,
) -> None:
    """The role a team's rules already name keeps its members under the team's current name."""
    if role_name in roles:
        return
    for name, rule in rules.items():
        if name.startswith(f"{TEAM_RULE_PREFIX}{team_id}:") and rule.get("roles"):
            old = rule["roles"][0]
            role = next((r for r in roles.values() if int(r["id"]) == int(old["id"])), None)
            if role is None:
                return
            client.request("PUT", f"/api/v1/security/roles/{old['id']}", json={"name": role_name})
            report.record("updated", f"role {role['name']!r} renamed {role_name!r}")
            roles[role_name] = {**roles.pop(role["name"]), "name": role_name}
            return


def permission_catalogue(client: SupersetClient) -> dict[tuple[str, str], int]:
    """Every (permission, view menu) pair Superset knows, to its permission-view id."""
    return {
        (row["permission"]["name"], row["view_menu"]["name"]): int(row["id"])
        for row in client.iter_list("security/permissions-resources")
    }


def role_inventory(client: SupersetClient) -> dict[str, dict[str, Any]]:
    """Every role by name with its permission ids, from Superset's role search (one call a
    page, where FAB's own API needs one call per role)."""
    roles: dict[str, dict[str, Any]] = {}
    page = 0
    while True:
        body = client.get_json(
            "/api/v1/security/roles/search/", q=rison.dumps({"page": page, "page_size": 100})
        )
        roles.update({row["name"]: row for row in body["result"]})
        if not body["result"] or len(roles) >= int(body["count"]):
            return roles
        page += 1


def ensure_role(
    client: SupersetClient,
    name: str,
    permissions: set[int],
    roles: dict[str, dict[str, Any]],
    report: SyncReport,
) -> int:
    """The role with exactly these permissions (by permission-view id)."""
    label = f"role {name!r}"
    role = roles.get(name)
    if role is None:
        role_id = client.create("security/roles", {"name": name})
        report.record("created", label)
        current: set[int] = set()
        created = True
    else:
        role_id, created = int(role["id"]), False
        current = {int(pvm_id) for pvm_id in role["permission_ids"]}
    if current != permissions:
        client.post_json(
            f"/api/v1/security/roles/{role_id}/permissions",
            {"permission_view_menu_ids": sorted(permissions)},
        )
        if not created:
            report.record("updated", f"{label} (permissions)")
    elif not created:
        report.record("unchanged", label)
    return role_id


def ensure_rls(
    client: SupersetClient,
    team_id: str,
    team_name: str,
    role_id: int,
    table: str,
    info: DatasetInfo,
    rules: dict[str, dict[str, Any]],
    report: SyncReport,
) -> None:
    """A Regular RLS rule: members of the team's role see only that team's rows of `table`."""
    name = f"{TEAM_RULE_PREFIX}{team_id}: {table}"
    quoted = team_id.replace("'", "''")
    desired: dict[str, Any] = {
        "name": name,
        "filter_type": "Regular",
        "tables": [info.id],
        "roles": [role_id],
        "group_key": "team",
        "clause": f"{info.team_column} = '{quoted}'",
        "description": (
            f"Members of {TEAM_ROLE_PREFIX}{team_name} see only that team's rows in charts and"
            " dashboards. SQL Lab is not limited: do not give a BI Analyst role to someone who"
            " may see one team only."
        ),
    }
    label = f"row-level security {name!r}"
    existing = rules.get(name)
    if existing is None:
        client.create("rowlevelsecurity", desired)
        report.record("created", label)
        return
    current = {
        **existing,
        "tables": [t["id"] for t in existing.get("tables", [])],
        "roles": [r["id"] for r in existing.get("roles", [])],
    }
    # The list view carries every managed field but the description.
    if any(current.get(k) != v for k, v in desired.items() if k != "description"):
        client.update("rowlevelsecurity", int(existing["id"]), desired)
        report.record("updated", label)
    else:
        report.record("unchanged", label)
