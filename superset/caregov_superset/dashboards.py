"""Provision one dashboard: its charts (with saved query contexts), layout and native filters.

Order matters to Superset: the dashboard must exist before a chart can name it in its
`dashboards` field (that, not the layout, is what links a chart to a dashboard), and the layout
and filters need the chart and dataset ids.

In a regional hub every dashboard also gets a **Council** filter (docs/scale-out.md, *Reading a
hub's dashboards*): one council, or the region's pooled rows, at a time, so no chart adds up
rows of several councils. Its choices are the `la_code` values the reader's row-level security
lets through; it is required, and starts at the region where every chart's data has regional
rows, else at the first council the reader may see. The headline numbers carry no comparison text
there (it would be one council's, written into the chart where row-level security cannot reach)
and the charts no notes (annotations.py says why).
"""

from __future__ import annotations

import dataclasses
import json
import logging
import math
from typing import Any

from caregov.settings import REGION_CODE
from caregov_superset import charts
from caregov_superset.annotations import NoteLayers, event_layer
from caregov_superset.assets import (
    PERIOD_FILTER,
    TEAM_FILTER,
    Assets,
    DashboardSpec,
    FilterSpec,
)
from caregov_superset.client import SupersetClient
from caregov_superset.facts import WarehouseFacts
from caregov_superset.looks import MetricSpec
from caregov_superset.reconcile import Inventory, differs, ensure
from caregov_superset.report import SyncReport

log = logging.getLogger(__name__)

COUNCIL_COLUMN = "la_code"
COUNCIL_FILTER = "NATIVE_FILTER-council"
# A hub's headline numbers: instead of the change on the month and year (one council's figures
# written into the chart), where the number comes from.
HUB_SUBTITLE = "For the council or region chosen in the Council filter"

# Keys Superset normalises into every saved json_metadata; we state them so a re-sync matches.
METADATA_DEFAULTS: dict[str, Any] = {
    "timed_refresh_immune_slices": [],
    "expanded_slices": {},
    "refresh_frequency": 0,
    "color_scheme": "supersetColors",
    "label_colors": dict(charts.SPC_COLOURS),
    "shared_label_colors": [],
    "map_label_colors": {},
    "color_scheme_domain": [],
    "cross_filters_enabled": False,
}


@dataclasses.dataclass(frozen=True)
class DatasetInfo:
    id: int
    time_column: str | None
    team_column: str | None
    columns: list[str]
    team_label_column: str | None = None
    metrics: dict[str, MetricSpec] = dataclasses.field(default_factory=dict)


def ensure_dashboard(
    client: SupersetClient,
    assets: Assets,
    spec: DashboardSpec,
    datasets: dict[str, DatasetInfo],
    facts: WarehouseFacts,
    layers: NoteLayers,
    inventory: dict[str, Inventory],
    report: SyncReport,
) -> int:
    existing = inventory["dashboard"].find(spec.uuid, slug=spec.slug)
    label = f"dashboard {spec.slug}"
    if existing is None:
        dashboard_id = client.create(
            "dashboard",
            {"dashboard_title": spec.title, "slug": spec.slug, "uuid": spec.uuid},
        )
        report.record("created", label)
        created = True
    else:
        dashboard_id, created = int(existing["id"]), False

    chart_ids = {
        chart.key: ensure_chart(
            client,
            spec,
            chart,
            context(assets, chart, datasets[chart.dataset], facts, layers),
            dashboard_id,
            inventory["chart"],
            report,
        )
        for chart in spec.charts
    }
    wanted_metadata = metadata(spec, chart_ids, datasets, facts.region_tables)
    desired = {
        "dashboard_title": spec.title,
        "slug": spec.slug,
        "published": True,
        "certified_by": assets.certified_by,
        "certification_details": assets.certification_details,
        "position_json": json.dumps(layout(spec, chart_ids, facts.hub), sort_keys=True),
        "json_metadata": json.dumps(wanted_metadata, sort_keys=True),
    }
    current = client.get("dashboard", dashboard_id)
    changed = differs({k: v for k, v in desired.items() if k != "json_metadata"}, current)
    current_md = json.loads(current.get("json_metadata") or "{}")
    if any(current_md.get(k) != v for k, v in wanted_metadata.items()):
        changed.append("json_metadata")
    if changed:
        client.update("dashboard", dashboard_id, desired)
        if not created:
            report.record("updated", f"{label} ({', '.join(changed)})")
    elif not created:
        report.record("unchanged", label)
    return dashboard_id


EVENT_COLOUR = "#5D6D7E"
COMMENTARY_COLOUR = "#1F618D"


def context(
    assets: Assets,
    chart: charts.ChartSpec,
    dataset: DatasetInfo,
    facts: WarehouseFacts,
    layers: NoteLayers,
) -> charts.ChartContext:
    """What `chart` needs beyond its spec: its dataset, the columns' looks, the certified
    metrics, its target line, its comparison text, and the notes it shows: a chart with a month
    axis shows the governance events and board decisions, and one about a single metric (its
    target) that metric's commentary."""
    notes = []
    over_time = (
        chart.kind in {"line", "bar", "spc"} and not chart.horizontal and dataset.time_column
    )
    if facts.hub:
        subtitle = HUB_SUBTITLE if chart.subtitle_from else None
    else:
        subtitle = facts.comparisons.get(chart.subtitle_from) if chart.subtitle_from else None
    if over_time and layers.events is not None:
        notes.append(event_layer("Events and decisions", layers.events, EVENT_COLOUR))
    if over_time and chart.target in layers.commentary:
        notes.append(event_layer("Commentary", layers.commentary[chart.target], COMMENTARY_COLOUR))
    return charts.ChartContext(
        dataset_id=dataset.id,
        time_column=dataset.time_column,
        columns=dataset.columns,
        looks=assets.columns,
        metrics=dataset.metrics,
        target=facts.targets.get(chart.target) if chart.target else None,
        subtitle=subtitle,
        annotation_layers=notes,
    )


def ensure_chart(
    client: SupersetClient,
    dashboard: DashboardSpec,
    chart: charts.ChartSpec,
    ctx: charts.ChartContext,
    dashboard_id: int,
    inventory: Inventory,
    report: SyncReport,
) -> int:
    if chart.kind != "table" and chart.x is None:
        chart = dataclasses.replace(chart, x=ctx.time_column)
    params = charts.form_data(chart, ctx)
    query_context = charts.query_context(chart, ctx, params)
    uuid = dashboard.chart_uuid(chart)
    existing = inventory.find(uuid)
    payload: dict[str, Any] = {
        "slice_name": chart.title,
        "viz_type": chart.viz_type,
        "description": chart.description or None,
        "params": json.dumps(params, sort_keys=True),
        "query_context": json.dumps(query_context, sort_keys=True),
        "datasource_id": ctx.dataset_id,
        "datasource_type": "table",
    }
    label = f"chart {dashboard.slug}/{chart.key}"
    current = None
    dashboards = [dashboard_id]
    if existing is not None:
        current = client.get("chart", int(existing["id"]))
        linked = [d["id"] for d in current.get("dashboards", [])]
        dashboards = linked if dashboard_id in linked else [*linked, dashboard_id]
        current = {**current, "dashboards": linked}
        # The detail view names the dataset through query_context; compare its id directly.
        current["datasource_id"] = (
            json.loads(current.get("query_context") or "{}").get("datasource", {}).get("id")
        )
        current["datasource_type"] = "table"
    return ensure(
        client,
        report,
        "chart",
        label,
        {**payload, "dashboards": dashboards, "uuid": uuid},
        {**payload, "dashboards": dashboards},
        existing,
        current,
    )


def layout(spec: DashboardSpec, chart_ids: dict[str, int], hub: bool = False) -> dict[str, Any]:
    """position_json: an introduction, then the rows of charts as declared (a hub's key to the
    SPC charts mentions no notes: its charts show none)."""
    nodes: dict[str, Any] = {
        "DASHBOARD_VERSION_KEY": "v2",
        "ROOT_ID": {"type": "ROOT", "id": "ROOT_ID", "children": ["GRID_ID"]},
        "HEADER_ID": {"id": "HEADER_ID", "type": "HEADER", "meta": {"text": spec.title}},
        "GRID_ID": {"type": "GRID", "id": "GRID_ID", "children": [], "parents": ["ROOT_ID"]},
    }
    introduction = f"**{spec.title}.** {spec.description}"
    height = _text_height(spec.description)
    if any(chart.kind == "spc" for row in spec.rows for chart in row):
        key = charts.SPC_KEY_HUB if hub else charts.SPC_KEY
        introduction += f"\n\n{key}"
        height = _text_height(f"{spec.description} {key}") + 2
    rows = [("ROW-about", ["MARKDOWN-about"])]
    nodes["MARKDOWN-about"] = {
        "type": "MARKDOWN",
        "id": "MARKDOWN-about",
        "children": [],
        "parents": ["ROOT_ID", "GRID_ID", "ROW-about"],
        "meta": {"width": 12, "height": height, "code": introduction},
    }
    for number, row in enumerate(spec.rows):
        row_id = f"ROW-{number}"
        children = []
        for chart in row:
            node_id = f"CHART-{chart.key}"
            children.append(node_id)
            nodes[node_id] = {
                "type": "CHART",
                "id": node_id,
                "children": [],
                "parents": ["ROOT_ID", "GRID_ID", row_id],
                "meta": {
                    "chartId": chart_ids[chart.key],
                    "width": chart.width,
                    "height": chart.height,
                    "sliceName": chart.title,
                    "uuid": spec.chart_uuid(chart),
                },
            }
        rows.append((row_id, children))
    for row_id, children in rows:
        nodes["GRID_ID"]["children"].append(row_id)
        nodes[row_id] = {
            "type": "ROW",
            "id": row_id,
            "children": children,
            "parents": ["ROOT_ID", "GRID_ID"],
            "meta": {"background": "BACKGROUND_TRANSPARENT"},
        }
    return nodes


def _text_height(text: str) -> int:
    """Grid units a full-width paragraph needs (about 170 characters a line at 1600 px)."""
    return 5 + 3 * math.ceil(len(text) / 170)


def metadata(
    spec: DashboardSpec,
    chart_ids: dict[str, int],
    datasets: dict[str, DatasetInfo],
    region_tables: frozenset[str] | None = None,
) -> dict[str, Any]:
    """json_metadata: the native filters, each scoped to the charts it can filter (a chart it
    cannot filter shows no filter mark, and its title says it is council-wide). In a hub
    (`region_tables`, the marts with regional rows) the Council filter comes first, and the
    filters of a council's own data (teams, plans) offer the chosen council's values."""
    filters = [
        _filter(spec, chart_ids, datasets, number, wanted)
        for number, wanted in enumerate(spec.filters)
    ]
    if region_tables is not None:
        council = _council_filter(spec, chart_ids, datasets, region_tables)
        if council is not None:
            for child in filters:
                source = child["targets"][0].get("datasetId")
                if source is not None and any(
                    info.id == source and COUNCIL_COLUMN in info.columns
                    for info in datasets.values()
                ):
                    child["cascadeParentIds"] = [COUNCIL_FILTER]
            filters = [council, *filters]
    return {**METADATA_DEFAULTS, "native_filter_configuration": filters}


def _council_filter(
    spec: DashboardSpec,
    chart_ids: dict[str, int],
    datasets: dict[str, DatasetInfo],
    region_tables: frozenset[str],
) -> dict[str, Any] | None:
    """A hub's Council filter: a single `la_code`, required, on every chart whose data has
    one (the metric definitions have none). It starts at REGION where every chart in its scope
    has the region's pooled rows; otherwise at the first council the reader may see (a council's
    reader: their own), since REGION would leave the charts of councils' own data (a team table,
    the scorecard) empty. Its choices come from data with the region's rows where the dashboard
    has some, so REGION is always among them."""
    applies = [c for c in spec.charts if COUNCIL_COLUMN in datasets[c.dataset].columns]
    if not applies:
        return None
    pooled = [c for c in applies if c.dataset in region_tables]
    at_region = len(pooled) == len(applies)
    source = datasets[(pooled or applies)[0].dataset]
    options = {
        "enableEmptyFilter": True,
        "defaultToFirstItem": not at_region,
        "multiSelect": False,
        "searchAllOptions": False,
        "inverseSelection": False,
        "sortAscending": True,
    }
    description = (
        "One council at a time, or the region (REGION: the councils' figures pooled); the"
        " choices are those your roles let you see."
    )
    if pooled and not at_region:
        description += (
            " Charts of a council's own data (teams, the scorecard, its returns) are empty"
            " for the region."
        )
    config = _native_filter(
        COUNCIL_FILTER,
        "Council",
        "filter_select",
        [{"datasetId": source.id, "column": {"name": COUNCIL_COLUMN}}],
        description,
        options,
    ) | _scope(spec, chart_ids, applies)
    if at_region:
        config["defaultDataMask"] = {
            "extraFormData": {
                "filters": [{"col": COUNCIL_COLUMN, "op": "IN", "val": [REGION_CODE]}]
            },
            "filterState": {"value": [REGION_CODE], "label": REGION_CODE},
            "ownState": {},
        }
    else:
        # Superset waits for the choices before the charts load, then takes the first.
        config["requiredFirst"] = True
    return config


def _filter(
    spec: DashboardSpec,
    chart_ids: dict[str, int],
    datasets: dict[str, DatasetInfo],
    number: int,
    wanted: FilterSpec,
) -> dict[str, Any]:
    select_options = {
        "enableEmptyFilter": False,
        "defaultToFirstItem": False,
        "multiSelect": True,
        "searchAllOptions": False,
        "inverseSelection": False,
    }
    if wanted.kind == PERIOD_FILTER:
        applies = [c for c in spec.charts if datasets[c.dataset].time_column and c.period_filter]
        return _native_filter(
            "NATIVE_FILTER-period",
            wanted.name,
            "filter_time",
            [{}],
            "Months shown in the charts with a month axis (not the headline numbers, which"
            " always show the latest month).",
            {},
        ) | _scope(spec, chart_ids, applies)
    if wanted.kind == TEAM_FILTER:
        applies = [c for c in spec.charts if datasets[c.dataset].team_column]
        source = datasets[applies[0].dataset]
        return _native_filter(
            "NATIVE_FILTER-team",
            wanted.name,
            "filter_select",
            [{"datasetId": source.id, "column": {"name": source.team_label_column}}],
            "Teams shown in the team-level charts and tables; charts marked council-wide do"
            " not change.",
            select_options,
        ) | _scope(spec, chart_ids, applies)
    assert wanted.dataset and wanted.column
    applies = [c for c in spec.charts if c.dataset == wanted.dataset]
    return _native_filter(
        f"NATIVE_FILTER-{number}-{wanted.column}",
        wanted.name,
        "filter_select",
        [{"datasetId": datasets[wanted.dataset].id, "column": {"name": wanted.column}}],
        f"{wanted.name}s shown in the charts built on the same data.",
        select_options,
    ) | _scope(spec, chart_ids, applies)


def _native_filter(
    filter_id: str,
    name: str,
    filter_type: str,
    targets: list[dict[str, Any]],
    description: str,
    control_values: dict[str, Any],
) -> dict[str, Any]:
    return {
        "id": filter_id,
        "name": name,
        "filterType": filter_type,
        "targets": targets,
        "controlValues": control_values,
        "defaultDataMask": {"extraFormData": {}, "filterState": {}, "ownState": {}},
        "cascadeParentIds": [],
        "type": "NATIVE_FILTER",
        "description": description,
        "tabsInScope": [],
    }


def _scope(
    spec: DashboardSpec, chart_ids: dict[str, int], applies: list[charts.ChartSpec]
) -> dict[str, Any]:
    keys = {c.key for c in applies}
    excluded = sorted(chart_ids[c.key] for c in spec.charts if c.key not in keys)
    return {
        "scope": {"rootPath": ["ROOT_ID"], "excluded": excluded},
        "chartsInScope": sorted(chart_ids[k] for k in keys),
    }
