"""Integration: a regional hub's dashboards in the real Superset (the hub and server of
test_superset_councils.py: two councils, E1 and E2, and the region).

Every dashboard carries a Council filter: one council, or the region, at a time. With it applied
as the dashboard sends it, a council's reader gets that council's rows and nothing else; the
headline numbers carry no council's figures in their text, and no dashboard, chart or
annotation shows a reader another council's notes. A second sync changes nothing. A council's
reader opens a dashboard in headless Chromium: it starts at their council and draws, and again
once they pick the region.
"""

from __future__ import annotations

import json
import math
import os
import secrets
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import duckdb
import pytest
from playwright.sync_api import Browser, Page

from caregov.settings import REGION_CODE, Settings
from caregov_superset import browser
from caregov_superset.annotations import EVENTS_LAYER, MARKER
from caregov_superset.assets import Assets, DashboardSpec, load_assets
from caregov_superset.client import SupersetClient
from caregov_superset.dashboards import COUNCIL_COLUMN, COUNCIL_FILTER, HUB_SUBTITLE
from caregov_superset.errors import SupersetAuthError
from caregov_superset.security import council_role_name
from caregov_superset.sync import sync
from tests.superset.test_superset_councils import (  # noqa: F401 (the shared hub's fixtures)
    COUNCILS,
    ONE,
    OWN_NOTE_DETAIL,
    OWN_NOTE_TITLE,
    TWO,
    hub,
    hub_admin,
    hub_user,
)

pytestmark = pytest.mark.integration

# Screenshots for a person to look at (outside the repository).
SCREENSHOTS = Path(os.environ.get("CAREGOV_HUB_SCREENSHOTS", "/tmp/caregov-hub-dashboards"))


@pytest.fixture(scope="module")
def assets(hub: Settings) -> Assets:  # noqa: F811
    return load_assets(hub)


@pytest.fixture(scope="module")
def viewer_one(hub_user: Callable[..., SupersetClient]) -> SupersetClient:  # noqa: F811
    return hub_user("hub-viewer-e1", "Governance Viewer", council_role_name(ONE, COUNCILS[ONE]))


def _warehouse(hub: Settings) -> duckdb.DuckDBPyConnection:  # noqa: F811
    return duckdb.connect(str(hub.serving_db), read_only=True)


def _council_tables(hub: Settings) -> tuple[set[str], set[str]]:  # noqa: F811
    """The served marts with a la_code column, and those of them with regional rows."""
    with _warehouse(hub) as con:
        tables = {
            t
            for (t,) in con.execute(
                "select table_name from duckdb_columns() where schema_name = 'marts'"
                " and column_name = 'la_code'"
            ).fetchall()
        }
        pooled = {
            t
            for t in tables
            if con.execute(
                f'select 1 from marts."{t}" where la_code = ? limit 1', [REGION_CODE]
            ).fetchone()
        }
    return tables, pooled


def _dashboard(client: SupersetClient, slug: str) -> dict[str, Any]:
    return dict(client.get_json(f"/api/v1/dashboard/{slug}")["result"])


def _charts(admin: SupersetClient, spec: DashboardSpec) -> dict[str, dict[str, Any]]:
    """The dashboard's charts by key, each with its id, dataset table and saved query context."""
    tables = {int(d["id"]): d["table_name"] for d in admin.iter_list("dataset")}
    found = {}
    for chart in spec.charts:
        row = admin.find_one("chart", uuid=spec.chart_uuid(chart))
        assert row is not None, chart.key
        detail = admin.get("chart", int(row["id"]))
        context = json.loads(detail["query_context"])
        found[chart.key] = {
            "id": int(row["id"]),
            "table": tables[int(context["datasource"]["id"])],
            "context": context,
        }
    return found


def _council_filter(values: list[str]) -> dict[str, Any]:
    """The filter a dashboard adds to every query of a chart in the Council filter's scope
    (its extra_form_data, merged into the query's filters)."""
    return {"col": COUNCIL_COLUMN, "op": "IN", "val": values}


def _ask(client: SupersetClient, context: dict[str, Any], la_code: str) -> list[dict[str, Any]]:
    """The chart's own queries with the Council filter on `la_code`: the result of each."""
    payload = json.loads(json.dumps(context))
    payload["form_data"] = {
        **payload.get("form_data", {}),
        "extra_form_data": {"filters": [_council_filter([la_code])]},
    }
    for query in payload["queries"]:
        query["filters"] = [*query.get("filters", []), _council_filter([la_code])]
    answer = client.post_json("/api/v1/chart/data", payload)
    return list(answer["result"])


def _codes(client: SupersetClient, context: dict[str, Any], la_code: str) -> dict[str, int]:
    """Rows by la_code that the chart's queries reach with the Council filter on `la_code`
    (its where clause and filter, counted by council instead of drawn)."""
    seen: dict[str, int] = {}
    for query in context["queries"]:
        probe = {
            "datasource": context["datasource"],
            "queries": [
                {
                    "filters": [_council_filter([la_code])],
                    "extras": query.get("extras", {}),
                    "columns": [COUNCIL_COLUMN],
                    "metrics": [
                        {"expressionType": "SQL", "sqlExpression": "COUNT(*)", "label": "n"}
                    ],
                    "row_limit": 10000,
                }
            ],
            "result_type": "full",
        }
        for row in client.post_json("/api/v1/chart/data", probe)["result"][0]["data"]:
            seen[row[COUNCIL_COLUMN]] = seen.get(row[COUNCIL_COLUMN], 0) + int(row["n"])
    return seen


def test_every_hub_dashboard_has_the_council_filter_with_its_default_and_scope(
    hub: Settings,  # noqa: F811
    hub_admin: SupersetClient,  # noqa: F811
    assets: Assets,
) -> None:
    tables, pooled = _council_tables(hub)
    assert {"governance_metrics", "governance_metrics_spc", "ascof_measures"} <= pooled
    datasets = {int(d["id"]): d["table_name"] for d in hub_admin.iter_list("dataset")}
    for spec in assets.dashboards:
        charts = _charts(hub_admin, spec)
        metadata = json.loads(_dashboard(hub_admin, spec.slug)["json_metadata"])
        council, *others = metadata["native_filter_configuration"]
        assert (council["id"], council["name"]) == (COUNCIL_FILTER, "Council"), spec.slug
        assert [f["name"] for f in others] == [f.name for f in spec.filters], spec.slug
        values = council["controlValues"]
        assert values["multiSelect"] is False and values["enableEmptyFilter"] is True
        [target] = council["targets"]
        assert target["column"]["name"] == COUNCIL_COLUMN
        in_scope = sorted(c["id"] for c in charts.values() if c["table"] in tables)
        assert council["chartsInScope"] == in_scope, spec.slug
        assert council["scope"]["excluded"] == sorted(
            c["id"] for c in charts.values() if c["table"] not in tables
        )
        # Only the metric definitions (one list for every council) are out of scope.
        assert {c["table"] for c in charts.values() if c["table"] not in tables} <= {
            "metric_catalogue"
        }
        council_level = {c["table"] for c in charts.values() if c["table"] in tables}
        if council_level & pooled:
            assert datasets[target["datasetId"]] in pooled
        if council_level <= pooled:
            assert council["defaultDataMask"]["filterState"]["value"] == [REGION_CODE]
            assert values["defaultToFirstItem"] is False
        else:
            assert values["defaultToFirstItem"] is True and council["requiredFirst"] is True
            assert council["defaultDataMask"]["extraFormData"] == {}


def test_with_the_council_filter_a_council_reader_gets_that_council_only(
    hub: Settings,  # noqa: F811
    hub_admin: SupersetClient,  # noqa: F811
    viewer_one: SupersetClient,
    assets: Assets,
) -> None:
    """Every chart in the filter's scope, its own queries with the filter as the dashboard
    sends it: they run for a council's reader, reach that council's rows only (or the region's
    when the region is chosen), and nothing when another council is asked for. The headline
    numbers show the council's own values, not those added up with the region's."""
    tables, _ = _council_tables(hub)
    checked_numbers = 0
    for spec in assets.dashboards:
        for key, chart in _charts(hub_admin, spec).items():
            if chart["table"] not in tables:
                continue
            where = f"{spec.slug}/{key}"
            for result in _ask(viewer_one, chart["context"], ONE):
                assert result.get("error") is None, where
            assert set(_codes(viewer_one, chart["context"], ONE)) <= {ONE}, where
            assert set(_codes(viewer_one, chart["context"], REGION_CODE)) <= {REGION_CODE}
            assert _codes(viewer_one, chart["context"], TWO) == {}, where
            assert set(_codes(hub_admin, chart["context"], TWO)) <= {TWO}, where
            spec_chart = next(c for c in spec.charts if c.key == key)
            if spec_chart.kind == "big_number" and chart["table"] == "governance_metrics":
                _check_big_number(hub, assets, viewer_one, chart, spec_chart)
                checked_numbers += 1
    assert checked_numbers >= 4


def _check_big_number(
    hub: Settings,  # noqa: F811
    assets: Assets,
    viewer: SupersetClient,
    chart: dict[str, Any],
    spec_chart: Any,
) -> None:
    """A headline number's months for the council equal its own rows in the served warehouse
    (the certified metric's formula over that council's rows only)."""
    if isinstance(spec_chart.metric, dict):
        formula = spec_chart.metric["sql"]
    else:
        certified = assets.by_table["governance_metrics"].metrics
        formula = next(m.sql for m in certified if m.name == spec_chart.metric)
    context = json.loads(json.dumps(chart["context"]))
    context["queries"][0]["filters"] = []  # every month, not the period shown
    [result] = _ask(viewer, context, ONE)
    shown = sorted(
        round(float(v), 6)
        for row in result["data"]
        for k, v in row.items()
        if k != "period_end" and isinstance(v, int | float) and not k.startswith("__")
    )
    with _warehouse(hub) as con:
        expected = sorted(
            round(float(v), 6)
            for (v,) in con.execute(
                f"select {formula} from marts.governance_metrics"
                f" where la_code = ? and ({spec_chart.where}) group by period_end",
                [ONE],
            ).fetchall()
            if v is not None and not math.isnan(float(v))
        )
    assert shown and shown == expected, spec_chart.key


def _notes_of(hub: Settings, la_code: str) -> set[str]:  # noqa: F811
    with _warehouse(hub) as con:
        rows = con.execute(
            "select note_title, detail from marts.governance_notes where la_code = ?", [la_code]
        ).fetchall()
    return {text for row in rows for text in row if text}


def test_no_reader_sees_another_councils_notes_or_figures_in_dashboard_text(
    hub: Settings,  # noqa: F811
    hub_admin: SupersetClient,  # noqa: F811
    hub_user: Callable[..., SupersetClient],  # noqa: F811
    viewer_one: SupersetClient,
    assets: Assets,
) -> None:
    """The notes stay in marts.governance_notes, where row-level security applies: the charts
    carry no annotation layer, caregov's annotation layers hold none of its notes, and no
    dashboard, chart or chart data the council's reader can read holds the other council's
    note text. Headline numbers name where their number comes from instead of a comparison."""
    others = _notes_of(hub, TWO) - _notes_of(hub, ONE) - _notes_of(hub, REGION_CODE)
    assert {OWN_NOTE_TITLE, OWN_NOTE_DETAIL} <= others
    read: list[str] = []
    for spec in assets.dashboards:
        read.append(json.dumps(_dashboard(viewer_one, spec.slug)))
        read.append(json.dumps(viewer_one.get_json(f"/api/v1/dashboard/{spec.slug}/charts")))
        for key, chart in _charts(hub_admin, spec).items():
            form_data = chart["context"]["form_data"]
            assert not [
                layer
                for layer in form_data.get("annotation_layers", [])
                if layer.get("sourceType") == "NATIVE"
            ], key
            if form_data.get("viz_type") == "big_number":
                assert form_data["subtitle"] == HUB_SUBTITLE, key
            answer = viewer_one.get_json(f"/api/v1/chart/{chart['id']}/data/")
            assert all(not r.get("annotation_data") for r in answer["result"]), key
            read.append(json.dumps(answer))
    try:
        layers = list(viewer_one.iter_list("annotation_layer"))
    except SupersetAuthError as refused:
        assert refused.status in (401, 403)
        layers = []
    read.append(json.dumps(layers))
    text = "\n".join(read)
    assert not [note for note in others if json.dumps(note)[1:-1] in text]
    # The other council's reader does read it, in the improvement plan's notes table.
    two = hub_user("hub-viewer-e2", "Governance Viewer", council_role_name(TWO, COUNCILS[TWO]))
    plan = next(s for s in assets.dashboards if s.slug == "improvement-plan")
    [notes_chart] = [
        c for c in _charts(hub_admin, plan).values() if c["table"] == "governance_notes"
    ]
    shown = json.dumps(two.get_json(f"/api/v1/chart/{notes_chart['id']}/data/"))
    assert json.dumps(OWN_NOTE_TITLE)[1:-1] in shown
    # caregov keeps no note of any council in Superset's annotation layers.
    for layer in hub_admin.iter_list("annotation_layer"):
        path = f"/api/v1/annotation_layer/{layer['id']}/annotation/"
        for row in hub_admin.get_json(path, q="(page_size:100)")["result"]:
            detail = hub_admin.get_json(f"{path}{row['id']}")["result"]
            assert MARKER not in (detail.get("json_metadata") or ""), layer["name"]
    assert EVENTS_LAYER not in {layer["name"] for layer in hub_admin.iter_list("annotation_layer")}


def test_a_second_hub_sync_changes_nothing(
    hub: Settings,  # noqa: F811
    hub_admin: SupersetClient,  # noqa: F811
) -> None:
    report = sync(hub, hub_admin)
    assert report.created == []
    assert report.updated == []
    assert report.removed == []


@pytest.fixture(scope="module")
def chromium() -> Iterator[Browser]:
    with browser.chromium() as launched:
        yield launched


def _chosen(page: Page) -> str:
    """The value the filter bar's Council filter (its first) shows."""
    return page.locator("[data-test='form-item-value']").first.inner_text().strip()


def _pick_council(page: Page, la_code: str) -> None:
    """Choose `la_code` in the filter bar's Council filter and apply it, as a reader does."""
    control = page.locator("[data-test='form-item-value']").first
    control.locator(".ant-select-selector").click()
    page.locator(f".ant-select-item-option[title='{la_code}']").click()
    page.keyboard.press("Escape")
    page.locator("[data-test='filter-bar__apply-button']").click()


def _no_chart_errors(page: Page) -> None:
    errors = page.locator(
        f"{browser.CHART} .ant-alert-error, {browser.CHART} [data-test='error-tooltip'],"
        f" {browser.CHART} :text('Unexpected error')"
    )
    assert errors.count() == 0


def test_a_council_reader_opens_a_hub_dashboard_on_their_council_and_picks_the_region(
    hub: Settings,  # noqa: F811
    hub_admin: SupersetClient,  # noqa: F811
    assets: Assets,
    chromium: Browser,
) -> None:
    """The governance overview as E1's reader sees it: the Council filter starts at their
    council, every chart draws with no error and the headline numbers say where their number
    comes from; they pick the region and the charts draw again."""
    reader, password = "hub-reader-e1", secrets.token_urlsafe(12)
    roles = {r["name"]: r["id"] for r in hub_admin.iter_list("security/roles")}
    hub_admin.create(
        "security/users",
        {
            "first_name": "Council",
            "last_name": "Reader",
            "username": reader,
            "email": f"{reader}@caregov.invalid",
            "active": True,
            "password": password,
            "roles": [roles["Governance Viewer"], roles[council_role_name(ONE, COUNCILS[ONE])]],
        },
    )
    spec = next(s for s in assets.dashboards if s.slug == "governance-overview")
    page = browser.new_page(chromium)
    browser.log_in(page, hub.superset_url, reader, password)
    seen = browser.open_dashboard(page, hub.superset_url, spec.slug, len(spec.charts))
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    browser.screenshot(page, SCREENSHOTS / f"governance-overview-{ONE}.png")
    assert "Council" in seen.page_text
    assert _chosen(page) == ONE
    _no_chart_errors(page)
    assert HUB_SUBTITLE in seen.page_text
    _pick_council(page, REGION_CODE)
    browser.open_dashboard(page, hub.superset_url, spec.slug, len(spec.charts), navigate=False)
    browser.screenshot(page, SCREENSHOTS / "governance-overview-region.png")
    assert _chosen(page) == REGION_CODE
    _no_chart_errors(page)
