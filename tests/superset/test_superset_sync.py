"""Integration: `caregov superset up` and `sync` against a real Superset and the sample warehouse."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import duckdb
import pytest

from caregov.settings import Settings
from caregov_superset.annotations import EVENTS_LAYER
from caregov_superset.assets import ASSETS_DIR, load_assets
from caregov_superset.client import SupersetClient
from caregov_superset.sync import sync
from tests.conftest import VENV_BIN

pytestmark = pytest.mark.integration

# docs/specification.md §5, written out by hand.
MARTS = {
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
}
SLUGS = {
    "governance-overview",
    "workforce",
    "waiting-lists",
    "complaints",
    "finance",
    "improvement-plan",
    "data-health",
    "national-returns",
}


def test_up_reports_the_url_and_the_login(
    superset_server: str, superset_settings: Settings
) -> None:
    """`up` says where Superset runs and who logs in, without printing the password."""
    assert f"at {superset_settings.superset_url}" in superset_server
    assert "login: admin (password from CAREGOV_SUPERSET_ADMIN_PASSWORD)" in superset_server
    assert superset_settings.superset_admin_password not in superset_server


def test_second_sync_changes_nothing(admin: SupersetClient, superset_settings: Settings) -> None:
    """After `up` has synced once, syncing again creates and updates nothing."""
    report = sync(superset_settings, admin)
    assert report.created == []
    assert report.updated == []
    assert "0 created, 0 updated" in report.describe()


def test_the_eight_dashboards_exist_with_their_slugs(admin: SupersetClient) -> None:
    """Every dashboard slug of docs/specification.md §7 is published."""
    found = {d["slug"]: d for d in admin.iter_list("dashboard", columns=["slug", "published"])}
    assert set(found) >= SLUGS
    assert all(found[slug]["published"] for slug in SLUGS)


def test_database_is_the_serving_warehouse_read_only(
    admin: SupersetClient, superset_settings: Settings
) -> None:
    """One connection, Care governance warehouse, to governance.duckdb with read_only set."""
    database = admin.find_one("database", database_name="Care governance warehouse")
    assert database is not None
    connection = admin.get_json(f"/api/v1/database/{database['id']}/connection")["result"]
    serving = superset_settings.home / "warehouse" / "governance.duckdb"
    assert connection["sqlalchemy_uri"] == f"duckdb:///{serving}"
    connect_args = json.loads(connection["extra"])["engine_params"]["connect_args"]
    assert connect_args["read_only"] is True
    assert connect_args["config"]["enable_external_access"] is False
    assert connect_args["config"]["lock_configuration"] is True
    assert connection["allow_dml"] is False


def test_datasets_are_the_marts_certified_with_dbt_descriptions(
    admin: SupersetClient, sample_warehouse: Settings
) -> None:
    """One certified dataset per marts table; table and column descriptions equal the dbt docs."""
    manifest = json.loads((sample_warehouse.warehouse / "manifest.json").read_text())
    models = {
        node["name"]: node
        for node in manifest["nodes"].values()
        if node["resource_type"] == "model" and node["name"] in MARTS
    }
    datasets = list(admin.iter_list("dataset", columns=["id", "table_name", "schema"]))
    assert {d["table_name"] for d in datasets} == MARTS
    assert {d["schema"] for d in datasets} == {"marts"}
    for row in datasets:
        dataset = admin.get("dataset", row["id"])
        model = models[row["table_name"]]
        assert model["description"].strip(), f"{row['table_name']} has no dbt description"
        assert dataset["description"] == model["description"].strip()
        certification = json.loads(dataset["extra"])["certification"]
        assert certification["certified_by"]
        columns = {c["column_name"]: c.get("description") for c in dataset["columns"]}
        for name, column in model["columns"].items():
            if column.get("description"):
                assert columns[name] == column["description"].strip(), (row["table_name"], name)


def test_every_chart_returns_rows_from_the_serving_warehouse(
    admin: SupersetClient, superset_settings: Settings
) -> None:
    """Each chart's saved query answers with rows; a full-table chart has the mart's row count."""
    assets = load_assets(superset_settings)
    chart_ids = {str(c["uuid"]): c["id"] for c in admin.iter_list("chart", columns=["id", "uuid"])}
    with duckdb.connect(str(superset_settings.serving_db), read_only=True) as warehouse:
        for dashboard in assets.dashboards:
            for chart in dashboard.charts:
                chart_id = chart_ids[dashboard.chart_uuid(chart)]
                result = admin.get_json(f"/api/v1/chart/{chart_id}/data/")["result"][0]
                assert result["rowcount"] > 0, f"{dashboard.slug}/{chart.key} has no rows"
                if chart.kind == "table" and not chart.where:
                    (count,) = warehouse.execute(
                        f"select count(*) from marts.{chart.dataset}"
                    ).fetchone()
                    assert result["rowcount"] == min(count, chart.row_limit), chart.key


def test_superset_check_finds_data_in_every_chart(
    superset_server: str, superset_environ: dict[str, str]
) -> None:
    """`caregov superset check` refreshes the datasets, warms the charts and exits 0 when every
    chart of every dashboard returned data."""
    done = subprocess.run(
        [str(VENV_BIN / "caregov"), "superset", "check"],
        env=superset_environ,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert f"refreshed {len(MARTS)} datasets" in done.stdout
    assert f"on {len(SLUGS)} dashboards." in done.stdout
    assert "every chart returned data" in done.stdout


def test_editing_a_chart_in_code_updates_it_in_place(
    admin: SupersetClient, superset_settings: Settings, tmp_path: Path
) -> None:
    """A changed chart title in the YAML updates the same chart (same id) on the next sync."""
    edited = tmp_path / "assets"
    shutil.copytree(ASSETS_DIR, edited)
    path = edited / "dashboards" / "complaints.yaml"
    path.write_text(
        path.read_text().replace(
            "title: Statutory complaints received in the latest month",
            "title: Complaints received (statutory)",
        )
    )
    before = admin.find_one("chart", slice_name="Statutory complaints received in the latest month")
    assert before is not None
    try:
        report = sync(superset_settings, admin, assets_dir=edited)
        after = admin.get("chart", before["id"])
        assert after["slice_name"] == "Complaints received (statutory)"
        assert [u for u in report.updated if u.startswith("chart complaints/received-now")]
        assert report.created == []
    finally:
        sync(superset_settings, admin)
    assert admin.get("chart", before["id"])["slice_name"] == (
        "Statutory complaints received in the latest month"
    )


def test_objects_not_in_code_are_left_alone_and_listed(
    admin: SupersetClient, superset_settings: Settings
) -> None:
    """A chart a BI user made survives a sync and is named in the report."""
    dataset = admin.find_one("dataset", table_name="governance_metrics")
    assert dataset is not None
    chart_id = admin.create(
        "chart",
        {
            "slice_name": "My own turnover chart",
            "viz_type": "table",
            "datasource_id": dataset["id"],
            "datasource_type": "table",
            "params": json.dumps({"query_mode": "raw", "all_columns": ["metric_id"]}),
        },
    )
    try:
        report = sync(superset_settings, admin)
        assert f"chart 'My own turnover chart' (id {chart_id})" in report.unmanaged
        assert admin.get("chart", chart_id)["slice_name"] == "My own turnover chart"
        assert report.updated == []
    finally:
        admin.delete("chart", chart_id)


def test_annotations_a_user_adds_survive_two_syncs(
    admin: SupersetClient, superset_settings: Settings
) -> None:
    """A governance lead's own annotation, in caregov's events layer or in a layer of their own,
    is still there, unchanged, after two syncs; caregov's own annotations stay as they were."""
    events = admin.find_one("annotation_layer", name=EVENTS_LAYER)
    assert events is not None
    in_events = f"/api/v1/annotation_layer/{events['id']}/annotation/"
    own_layer = admin.create("annotation_layer", {"name": "My board dates", "descr": ""})
    in_own = f"/api/v1/annotation_layer/{own_layer}/annotation/"
    mine = {
        "short_descr": "Peer review visit",
        "long_descr": "LGA peer challenge on site.",
        "start_dttm": "2024-02-14 00:00:00",
        "end_dttm": "2024-02-14 00:00:00",
    }
    before = _annotation_titles(admin, in_events)
    first = admin.post_json(in_events, mine)["id"]
    second = admin.post_json(in_own, {**mine, "short_descr": "Budget council"})["id"]
    try:
        sync(superset_settings, admin)
        report = sync(superset_settings, admin)
        assert report.created == [] and report.updated == []
        kept = admin.get_json(f"{in_events}{first}")["result"]
        assert (kept["short_descr"], kept["long_descr"]) == (
            mine["short_descr"],
            mine["long_descr"],
        )
        assert admin.get_json(f"{in_own}{second}")["result"]["short_descr"] == "Budget council"
        assert _annotation_titles(admin, in_events) == before | {"Peer review visit"}
    finally:
        admin.request("DELETE", f"{in_events}{first}")
        admin.request("DELETE", f"{in_own}{second}")
        admin.delete("annotation_layer", own_layer)


def _annotation_titles(admin: SupersetClient, path: str) -> set[str]:
    return {row["short_descr"] for row in admin.get_json(path, q="(page_size:100)")["result"]}
