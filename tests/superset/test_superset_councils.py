"""Integration: a regional hub's council rule of row-level security, enforced by the real Superset.

A hub of two councils (E1, E2: different synthetic councils) is ingested, built and published as
tests/warehouse/test_region.py does, and served by a Superset of its own, started and synced by
`caregov superset up` and stopped at the end. A council's users see their council's rows and the
region's, never the other council's; the administrator and the regional team see every council;
a hub user nobody gave a council role sees the region only. Re-syncing changes no role or rule;
a council taken out of councils.csv loses its role and rule, a renamed one keeps its members.
"""

from __future__ import annotations

import csv
import dataclasses
import secrets
from collections.abc import Callable, Iterator
from pathlib import Path

import duckdb
import pytest

from caregov.settings import REGION_CODE, Settings
from caregov_superset.client import SupersetClient
from caregov_superset.errors import SupersetAuthError
from caregov_superset.report import SyncReport
from caregov_superset.security import (
    NO_COUNCIL_RULE,
    REGIONAL_ROLE,
    council_clause,
    council_role_name,
)
from caregov_superset.sync import client_for, sync
from cli.local.superset import down, up
from tests.conftest import home_environ
from tests.superset.conftest import free_port, user_maker

pytestmark = pytest.mark.integration

COUNCILS = {"E1": "North Borough", "E2": "St Helen's"}
SEEDS = {"E1": 7, "E2": 11}
ONE, TWO = sorted(COUNCILS)


def _councils_csv(home: Path, councils: dict[str, str]) -> None:
    lines = ["la_code,name", *(f'{code},"{name}"' for code, name in councils.items())]
    (home / "councils.csv").write_text("\n".join(lines) + "\n")


# A note only the second council has (the synthetic councils' notes read alike), so a test can
# tell whether its text reaches another council's reader.
OWN_NOTE_TITLE = f"{COUNCILS[TWO]} night-time reablement pilot paused"
OWN_NOTE_DETAIL = f"Only {COUNCILS[TWO]}'s board has read this decision."


def _add_a_note_of_its_own(landing: Path) -> None:
    """Add OWN_NOTE_* to the council's latest governance notes (the whole list each time)."""
    latest = sorted(landing.glob("improvement_plan/governance_notes_*.csv"))[-1]
    with latest.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert rows, latest
    when = max(row["note_date"] for row in rows)
    with latest.open("a", newline="", encoding="utf-8") as handle:
        csv.writer(handle, lineterminator="\n").writerow(
            ["X900001", "decision", when, "", OWN_NOTE_TITLE, OWN_NOTE_DETAIL]
        )


@pytest.fixture(scope="module")
def hub(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """Two councils' extracts delivered into a hub, ingested, built and published; the settings
    carry a Superset of the hub's own (free port, generated admin password)."""
    from caregov.sample import generate_council
    from ingestion.deliveries import ingest_paths
    from warehouse.build import build_and_publish

    home = tmp_path_factory.mktemp("council-rls") / "caregov-home"
    home.mkdir()
    _councils_csv(home, COUNCILS)
    for code, seed in SEEDS.items():
        generate_council(
            home / "landing" / code, seed=seed, start="2025-01", months=3, scale=0.1, national=True
        )
    _add_a_note_of_its_own(home / "landing" / TWO)
    env = home_environ(home)
    env.pop("CAREGOV_PSEUDONYM_KEY")
    env.update(
        {f"CAREGOV_PSEUDONYM_KEY_{code}": secrets.token_hex(16) for code in COUNCILS},
        CAREGOV_SUPERSET_URL=f"http://127.0.0.1:{free_port()}",
        CAREGOV_SUPERSET_ADMIN_USER="admin",
        CAREGOV_SUPERSET_ADMIN_PASSWORD=secrets.token_urlsafe(16),
        CAREGOV_SUPERSET_SECRET_KEY=secrets.token_urlsafe(32),
    )
    for name in [k for k in env if k.startswith("CAREGOV_SMTP_")]:
        env.pop(name)
    settings = Settings.from_env(env)
    assert settings.hub
    outcomes = ingest_paths(settings, [home / "landing"], lambda _line: None)
    assert all(o.status == "loaded" for o in outcomes), [o.line() for o in outcomes]
    result = build_and_publish(settings)
    assert result.ok, result.describe()
    return settings


@pytest.fixture(scope="module")
def hub_admin(hub: Settings) -> Iterator[SupersetClient]:
    """`caregov superset up` on the hub (initialise, start, sync); `down` at the end."""
    try:
        up(hub)
        yield client_for(hub)
    finally:
        down(hub)


@pytest.fixture(scope="module")
def hub_user(hub_admin: SupersetClient, hub: Settings) -> Callable[..., SupersetClient]:
    return user_maker(hub_admin, hub)


def _served(hub: Settings, table: str) -> dict[str, int]:
    """Rows of a served mart by la_code, read from the serving warehouse itself."""
    with duckdb.connect(str(hub.serving_db), read_only=True) as warehouse:
        rows = warehouse.execute(
            f'select la_code, count(*) from marts."{table}" group by la_code'
        ).fetchall()
    return {code: int(n) for code, n in rows}


def _dataset_id(admin: SupersetClient, table: str) -> int:
    dataset = admin.find_one("dataset", table_name=table)
    assert dataset is not None, table
    return int(dataset["id"])


def _seen(client: SupersetClient, dataset_id: int) -> dict[str, int]:
    """What `client` gets from /api/v1/chart/data for the dataset: rows by la_code."""
    answer = client.post_json(
        "/api/v1/chart/data",
        {
            "datasource": {"id": dataset_id, "type": "table"},
            "queries": [
                {
                    "columns": ["la_code"],
                    "metrics": [
                        {"expressionType": "SQL", "sqlExpression": "COUNT(*)", "label": "n"}
                    ],
                    "row_limit": 1000,
                }
            ],
            "result_type": "full",
        },
    )
    return {row["la_code"]: int(row["n"]) for row in answer["result"][0]["data"]}


def _chart_sql(client: SupersetClient, chart_id: int) -> str:
    """The SQL a saved chart runs for `client` (its own query context, RLS applied)."""
    answer = client.get_json(f"/api/v1/chart/{chart_id}/data/", type="query")
    return str(answer["result"][0]["query"])


def _metrics_chart(admin: SupersetClient, dataset_id: int) -> int:
    """A dashboard chart of governance_metrics (the first the sync made)."""
    charts = [int(c["id"]) for c in admin.iter_list("chart") if c["datasource_id"] == dataset_id]
    assert charts
    return min(charts)


def _only(expected: dict[str, int], *codes: str) -> dict[str, int]:
    return {code: n for code, n in expected.items() if code in codes}


def test_council_users_see_their_council_and_the_region_never_the_other(
    hub: Settings, hub_admin: SupersetClient, hub_user: Callable[..., SupersetClient]
) -> None:
    metrics = _served(hub, "governance_metrics")
    assert set(metrics) == {ONE, TWO, REGION_CODE}
    dataset = _dataset_id(hub_admin, "governance_metrics")
    one = hub_user("viewer-e1", "Governance Viewer", council_role_name(ONE, COUNCILS[ONE]))
    two = hub_user("viewer-e2", "Governance Viewer", council_role_name(TWO, COUNCILS[TWO]))
    assert _seen(one, dataset) == _only(metrics, ONE, REGION_CODE)
    assert _seen(two, dataset) == _only(metrics, TWO, REGION_CODE)
    assert _seen(hub_admin, dataset) == metrics
    # A dashboard chart's own query carries the reader's council rule, and only theirs.
    chart = _metrics_chart(hub_admin, dataset)
    sql = _chart_sql(one, chart)
    assert council_clause(ONE) in sql and f"'{TWO}'" not in sql
    assert council_clause(TWO) in _chart_sql(two, chart)
    assert "la_code" not in _chart_sql(hub_admin, chart)
    # A council's viewer has no SQL Lab at all, so no way round the rule there.
    database = hub_admin.find_one("database", database_name="Care governance warehouse")
    assert database is not None
    with pytest.raises(SupersetAuthError) as refused:
        one.post_json(
            "/api/v1/sqllab/execute/",
            {
                "database_id": database["id"],
                "sql": "select la_code, count(*) from marts.governance_metrics group by 1",
                "runAsync": False,
                "schema": "marts",
            },
        )
    assert refused.value.status == 403


def test_every_council_level_dataset_carries_the_rule(
    hub: Settings, hub_admin: SupersetClient, hub_user: Callable[..., SupersetClient]
) -> None:
    """Every served table with a la_code column: a council's analyst exploring it (chart data,
    as Explore asks) gets their council's and the region's rows only."""
    with duckdb.connect(str(hub.serving_db), read_only=True) as warehouse:
        tables = [
            t
            for (t,) in warehouse.execute(
                "select table_name from duckdb_columns() where schema_name = 'marts'"
                " and column_name = 'la_code' order by 1"
            ).fetchall()
        ]
    datasets = {d["table_name"]: int(d["id"]) for d in hub_admin.iter_list("dataset")}
    covered = [t for t in tables if t in datasets]
    assert "workforce_monthly" in covered and "governance_metrics_spc" in covered
    analyst = hub_user("analyst-e2", "BI Analyst", council_role_name(TWO, COUNCILS[TWO]))
    for table in covered:
        served = _served(hub, table)
        assert ONE in served and TWO in served, table
        assert _seen(analyst, datasets[table]) == _only(served, TWO, REGION_CODE), table


def test_a_hub_user_without_a_council_role_sees_the_region_only(
    hub: Settings, hub_admin: SupersetClient, hub_user: Callable[..., SupersetClient]
) -> None:
    """Fail closed: no council role, no council's rows; the regional team sees them all."""
    metrics = _served(hub, "governance_metrics")
    dataset = _dataset_id(hub_admin, "governance_metrics")
    workforce = _dataset_id(hub_admin, "workforce_monthly")
    nobody = hub_user("viewer-no-council", "Governance Viewer")
    assert _seen(nobody, dataset) == _only(metrics, REGION_CODE)
    # The workforce mart has no pooled rows: nothing at all.
    assert _seen(nobody, workforce) == {}
    regional = hub_user("viewer-region", "Governance Viewer", REGIONAL_ROLE)
    assert _seen(regional, dataset) == metrics
    assert _seen(regional, workforce) == _served(hub, "workforce_monthly")


def _security_changes(report: SyncReport) -> list[str]:
    return [
        label
        for label in report.created + report.updated + report.removed
        if label.startswith(("role ", "row-level security "))
    ]


def test_resync_changes_nothing_and_councils_csv_drives_roles(
    hub: Settings, hub_admin: SupersetClient, hub_user: Callable[..., SupersetClient]
) -> None:
    """A second sync changes no role or rule. Taking E2 out of councils.csv removes its role and
    rule (its users then see the region only); renaming E1 renames its role, members kept. A
    council's user who holds SQL Lab too is named in a warning."""
    hub_user("analyst-e1-warned", "BI Analyst", council_role_name(ONE, COUNCILS[ONE]))
    report = sync(hub, hub_admin)
    assert _security_changes(report) == []
    assert [w for w in report.warnings if w.startswith("user 'analyst-e1-warned' holds")]
    metrics = _served(hub, "governance_metrics")
    dataset = _dataset_id(hub_admin, "governance_metrics")
    one = hub_user("viewer-e1-rename", "Governance Viewer", council_role_name(ONE, COUNCILS[ONE]))
    two = hub_user("viewer-e2-removed", "Governance Viewer", council_role_name(TWO, COUNCILS[TWO]))
    home = hub.home
    try:
        _councils_csv(home, {ONE: "North Borough Council"})
        # Settings read councils.csv once; each sync (a CLI run, a DAG task) makes its own.
        report = sync(dataclasses.replace(hub), hub_admin)
        assert sorted(report.removed) == [
            f"role {council_role_name(TWO, COUNCILS[TWO])!r}",
            f"row-level security 'Council {TWO}'",
        ]
        assert (
            f"role {council_role_name(ONE, COUNCILS[ONE])!r} renamed"
            f" {council_role_name(ONE, 'North Borough Council')!r}"
        ) in report.updated
        roles = {r["name"] for r in hub_admin.iter_list("security/roles")}
        assert council_role_name(ONE, "North Borough Council") in roles
        assert not any(f"({TWO})" in r for r in roles)
        assert _seen(one, dataset) == _only(metrics, ONE, REGION_CODE)
        assert _seen(two, dataset) == _only(metrics, REGION_CODE)
        rules = {r["name"]: r for r in hub_admin.iter_list("rowlevelsecurity")}
        assert {r["name"] for r in rules[NO_COUNCIL_RULE]["roles"]} == {
            "Admin",
            REGIONAL_ROLE,
            council_role_name(ONE, "North Borough Council"),
        }
        assert _security_changes(sync(dataclasses.replace(hub), hub_admin)) == []
    finally:
        _councils_csv(home, COUNCILS)
        sync(dataclasses.replace(hub), hub_admin)
    assert _seen(hub_admin, dataset) == metrics
