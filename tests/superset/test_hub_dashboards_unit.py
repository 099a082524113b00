"""A hub's dashboards as the sync writes them, from the real assets (no server): the Council
filter, its default and scope, and the headline numbers and notes a hub leaves out. A single
council's dashboards get none of it (the real Superset's side is test_superset_hub_dashboards.py).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from caregov.settings import REGION_CODE, Settings
from caregov_superset import charts
from caregov_superset.annotations import NoteLayers
from caregov_superset.assets import Assets, DashboardSpec, load_assets
from caregov_superset.dashboards import (
    COUNCIL_COLUMN,
    COUNCIL_FILTER,
    HUB_SUBTITLE,
    DatasetInfo,
    context,
    layout,
    metadata,
)
from caregov_superset.facts import WarehouseFacts
from tests.conftest import home_environ

# What a hub's marts look like: every mart but the metric definitions has la_code, and these
# have the region's pooled rows (docs/scale-out.md).
POOLED = frozenset({"governance_metrics", "governance_metrics_spc", "ascof_measures"})


@pytest.fixture(scope="module")
def assets(tmp_path_factory: pytest.TempPathFactory) -> Assets:
    home = tmp_path_factory.mktemp("hub-dashboards") / "home"
    home.mkdir()
    return load_assets(Settings.from_env(home_environ(Path(home))))


def _datasets(assets: Assets, hub: bool) -> dict[str, DatasetInfo]:
    return {
        spec.table: DatasetInfo(
            id=number,
            time_column=spec.time_column,
            team_column=spec.team_column,
            team_label_column=spec.team_label_column,
            columns=[
                *([COUNCIL_COLUMN] if hub and spec.table != "metric_catalogue" else []),
                *([spec.time_column] if spec.time_column else []),
            ],
        )
        for number, spec in enumerate(assets.datasets, start=1)
    }


def _chart_ids(spec: DashboardSpec) -> dict[str, int]:
    return {chart.key: 1000 + number for number, chart in enumerate(spec.charts)}


def test_a_single_councils_dashboards_have_no_council_filter(assets: Assets) -> None:
    datasets = _datasets(assets, hub=False)
    for spec in assets.dashboards:
        filters = metadata(spec, _chart_ids(spec), datasets)["native_filter_configuration"]
        assert [f["name"] for f in filters] == [f.name for f in spec.filters], spec.slug
        assert all(f["cascadeParentIds"] == [] for f in filters), spec.slug


def test_every_hub_dashboard_starts_with_a_required_single_council_filter(
    assets: Assets,
) -> None:
    datasets = _datasets(assets, hub=True)
    by_id = {info.id: table for table, info in datasets.items()}
    for spec in assets.dashboards:
        ids = _chart_ids(spec)
        filters = metadata(spec, ids, datasets, POOLED)["native_filter_configuration"]
        council, *others = filters
        assert council["id"] == COUNCIL_FILTER and council["name"] == "Council", spec.slug
        assert [f["name"] for f in others] == [f.name for f in spec.filters]
        [target] = council["targets"]
        assert target["column"]["name"] == COUNCIL_COLUMN
        values = council["controlValues"]
        assert values["multiSelect"] is False and values["enableEmptyFilter"] is True
        # Every chart of council-level data is in scope; the definitions table is not.
        in_scope = {c.key for c in spec.charts if c.dataset != "metric_catalogue"}
        assert council["chartsInScope"] == sorted(ids[k] for k in in_scope), spec.slug
        assert council["scope"]["excluded"] == sorted(
            ids[c.key] for c in spec.charts if c.key not in in_scope
        )
        # Every dashboard has charts of councils' own data, so each starts at the first
        # council the reader may see; its choices come from data with the region's rows.
        if {c.dataset for c in spec.charts} & POOLED:
            assert by_id[target["datasetId"]] in POOLED
        assert values["defaultToFirstItem"] is True and council["requiredFirst"] is True
        assert council["defaultDataMask"]["extraFormData"] == {}
        for other in others:
            cascades = other["filterType"] == "filter_select"
            assert other["cascadeParentIds"] == ([COUNCIL_FILTER] if cascades else [])
    slugs = {s.slug for s in assets.dashboards}
    assert {"governance-overview", "data-health", "workforce"} <= slugs


def test_a_dashboard_whose_every_chart_has_regional_rows_starts_at_the_region(
    assets: Assets,
) -> None:
    datasets = _datasets(assets, hub=True)
    everything = frozenset(datasets) - {"metric_catalogue"}
    for spec in assets.dashboards:
        filters = metadata(spec, _chart_ids(spec), datasets, everything)
        council = filters["native_filter_configuration"][0]
        assert council["controlValues"]["defaultToFirstItem"] is False
        assert "requiredFirst" not in council
        mask = council["defaultDataMask"]
        assert mask["filterState"]["value"] == [REGION_CODE]
        assert mask["extraFormData"]["filters"] == [
            {"col": COUNCIL_COLUMN, "op": "IN", "val": [REGION_CODE]}
        ]


def test_hub_headline_numbers_say_where_their_number_comes_from_and_charts_show_no_notes(
    assets: Assets,
) -> None:
    datasets = _datasets(assets, hub=True)
    facts = WarehouseFacts(region_tables=POOLED)
    big_numbers = 0
    for spec in assets.dashboards:
        for chart in spec.charts:
            ctx = context(assets, chart, datasets[chart.dataset], facts, NoteLayers())
            assert ctx.annotation_layers == []
            if chart.subtitle_from:
                big_numbers += 1
                assert ctx.subtitle == HUB_SUBTITLE
            else:
                assert ctx.subtitle is None
    assert big_numbers > 0


def test_a_hubs_key_to_the_spc_charts_mentions_no_notes(assets: Assets) -> None:
    for spec in assets.dashboards:
        ids = _chart_ids(spec)
        one = layout(spec, ids)["MARKDOWN-about"]["meta"]["code"]
        hub = layout(spec, ids, hub=True)["MARKDOWN-about"]["meta"]["code"]
        if charts.SPC_KEY in one:
            assert charts.SPC_KEY_HUB in hub and "Dotted vertical lines" not in hub
        else:
            assert hub == one
