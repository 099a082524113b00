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

In a regional hub (councils.csv) every dataset with a `la_code` column also carries the council
rule (docs/scale-out.md, *Row-level security in a hub*):

- **Council: <name> (<la_code>)** roles, one per council of councils.csv, each with a Regular rule
  `la_code IN ('<la_code>', 'REGION')`: its members see their council and the region. The rules
  share the group key `council`, so a user given two councils' roles sees both.
- **Regional team (all councils)**: no rule; its members see every council.
- A Base rule `la_code = 'REGION'` for everyone else: a hub user whom nobody gave a council role
  (or the regional role, or Admin) sees the region's pooled rows and no council's. It fails
  closed: a forgotten role hides councils, it never shows them.

A council taken out of councils.csv loses its role and rule (its members then see the region
only); a renamed council's role is renamed in place, keeping its members. A single council
(no councils.csv) has none of these. Row-level security does not reach SQL Lab here either: the
sync warns of every user holding a council role and SQL Lab (it changes no user).
"""

from __future__ import annotations

import logging
import re
from typing import Any

from caregov.settings import REGION_CODE
from caregov_superset import rison
from caregov_superset.assets import Assets
from caregov_superset.client import SupersetClient
from caregov_superset.dashboards import COUNCIL_COLUMN, DatasetInfo
from caregov_superset.report import SyncReport

log = logging.getLogger(__name__)

GOVERNANCE_VIEWER = "Governance Viewer"
BI_ANALYST = "BI Analyst"
TEAM_ROLE_PREFIX = "Team: "
# The row-level security rules are named by the team's code, which never changes.
TEAM_RULE_PREFIX = "Team "
# A hub's council roles are "Council: <name> (<la_code>)", like the team roles; the code never
# changes, the name may. Their rules are "Council <la_code>", and the Base rule for users with no
# council role "Council (none): region only".
COUNCIL_ROLE_PREFIX = "Council: "
COUNCIL_RULE_PREFIX = "Council "
NO_COUNCIL_RULE = "Council (none): region only"
REGIONAL_ROLE = "Regional team (all councils)"
ADMIN_ROLE = "Admin"
COUNCIL_GROUP_KEY = "council"
_COUNCIL_RULE = re.compile(rf"{re.escape(COUNCIL_RULE_PREFIX)}[A-Z0-9]{{1,16}}")
_COUNCIL_ROLE = re.compile(rf"{re.escape(COUNCIL_ROLE_PREFIX)}.*\(([A-Z0-9]{{1,16}})\)")

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
    councils: dict[str, str] | None = None,
) -> None:
    """Create or update both roles, one role and RLS rule per team, and in a hub (`councils`,
    code -> name, from councils.csv) the council roles and rules."""
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
    ensure_council_security(client, datasets, councils or {}, roles, rules, report)


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


# -- a regional hub's council rule ------------------------------------------------------------


def council_role_name(la_code: str, name: str) -> str:
    """`Council: Leeds (E08000091)`: what an administrator gives a council's users."""
    return f"{COUNCIL_ROLE_PREFIX}{name} ({la_code})"


def council_clause(la_code: str) -> str:
    """The rows a council's users see: their council's and the region's."""
    return f"{COUNCIL_COLUMN} IN ({_quote(la_code)}, {_quote(REGION_CODE)})"


def _quote(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def ensure_council_security(
    client: SupersetClient,
    datasets: dict[str, DatasetInfo],
    councils: dict[str, str],
    roles: dict[str, dict[str, Any]],
    rules: dict[str, dict[str, Any]],
    report: SyncReport,
) -> None:
    """A hub's council roles and rules on every dataset with a `la_code` column; with no
    councils (a single council) nothing, and whatever a former hub's sync made is removed."""
    tables = sorted(info.id for info in datasets.values() if COUNCIL_COLUMN in info.columns)
    wanted: dict[str, dict[str, Any]] = {}
    keep_roles: set[str] = set()
    if councils and tables:
        member_ids = []
        for la_code, name in sorted(councils.items()):
            role_name = council_role_name(la_code, name)
            _rename_council_role(client, la_code, role_name, roles, report)
            role_id = ensure_role(client, role_name, set(), roles, report)
            keep_roles.add(role_name)
            member_ids.append(role_id)
            council_rule = f"{COUNCIL_RULE_PREFIX}{la_code}"
            wanted[council_rule] = {
                "name": council_rule,
                "filter_type": "Regular",
                "tables": tables,
                "roles": [role_id],
                "group_key": COUNCIL_GROUP_KEY,
                "clause": council_clause(la_code),
                "description": (
                    f"Members of {role_name} see {name}'s rows and the region's ({REGION_CODE})"
                    " in charts, dashboards and Explore. SQL Lab is not limited: a BI Analyst"
                    " sees every council there."
                ),
            }
        regional = ensure_role(client, REGIONAL_ROLE, set(), roles, report)
        keep_roles.add(REGIONAL_ROLE)
        member_ids.append(regional)
        if ADMIN_ROLE in roles:
            member_ids.append(int(roles[ADMIN_ROLE]["id"]))
        wanted[NO_COUNCIL_RULE] = {
            "name": NO_COUNCIL_RULE,
            "filter_type": "Base",
            "tables": tables,
            "roles": sorted(member_ids),
            "group_key": COUNCIL_GROUP_KEY,
            "clause": f"{COUNCIL_COLUMN} = {_quote(REGION_CODE)}",
            "description": (
                "Everyone holding none of these roles (no council role, not the regional team,"
                f" not {ADMIN_ROLE}) sees only the region's pooled rows ({REGION_CODE}) of the"
                " council-level datasets: give each council's users their Council role."
            ),
        }
    for rule_name, desired in wanted.items():
        ensure_rule(client, desired, rules.get(rule_name), report)
    if wanted:
        report.warnings += council_analysts(client, keep_roles - {REGIONAL_ROLE})
    # A council no longer listed (or a hub turned back into one council): rules first, so no
    # moment leaves a rule naming a deleted role.
    for rule_name, rule in sorted(rules.items()):
        ours = _COUNCIL_RULE.fullmatch(rule_name) or rule_name == NO_COUNCIL_RULE
        if ours and rule_name not in wanted:
            client.delete("rowlevelsecurity", int(rule["id"]))
            report.record("removed", f"row-level security {rule_name!r}")
    for role_name, role in sorted(roles.items()):
        ours = _COUNCIL_ROLE.fullmatch(role_name) or role_name == REGIONAL_ROLE
        if ours and role_name not in keep_roles:
            client.delete("security/roles", int(role["id"]))
            report.record("removed", f"role {role_name!r}")


def _rename_council_role(
    client: SupersetClient,
    la_code: str,
    role_name: str,
    roles: dict[str, dict[str, Any]],
    report: SyncReport,
) -> None:
    """A council renamed in councils.csv keeps its role (and the role its members)."""
    if role_name in roles:
        return
    for name, role in list(roles.items()):
        found = _COUNCIL_ROLE.fullmatch(name)
        if found and found.group(1) == la_code:
            client.request("PUT", f"/api/v1/security/roles/{role['id']}", json={"name": role_name})
            report.record("updated", f"role {name!r} renamed {role_name!r}")
            roles[role_name] = {**roles.pop(name), "name": role_name}
            return


def ensure_rule(
    client: SupersetClient,
    desired: dict[str, Any],
    existing: dict[str, Any] | None,
    report: SyncReport,
) -> None:
    """The row-level security rule exactly as `desired` (tables and roles as sorted ids)."""
    label = f"row-level security {desired['name']!r}"
    if existing is None:
        client.create("rowlevelsecurity", desired)
        report.record("created", label)
        return
    current = {
        **existing,
        "tables": sorted(int(t["id"]) for t in existing.get("tables", [])),
        "roles": sorted(int(r["id"]) for r in existing.get("roles", [])),
    }
    # The list view carries every managed field but the description.
    if any(current.get(k) != v for k, v in desired.items() if k != "description"):
        client.update("rowlevelsecurity", int(existing["id"]), desired)
        report.record("updated", label)
    else:
        report.record("unchanged", label)


def council_analysts(client: SupersetClient, council_roles: set[str]) -> list[str]:
    """Users holding a council role and SQL Lab (BI Analyst or Superset's sql_lab role), where
    row-level security does not reach: they see every council there."""
    found = []
    for user in client.iter_list("security/users"):
        held = {role["name"] for role in user.get("roles", [])}
        if held & council_roles and held & {BI_ANALYST, "sql_lab"} and REGIONAL_ROLE not in held:
            found.append(
                f"user {user['username']!r} holds {', '.join(sorted(held & council_roles))} and"
                " SQL Lab, where row-level security does not reach: they see every council there."
            )
    return found
