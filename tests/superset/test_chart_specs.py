"""Chart specs from the assets YAML into Superset's form data: the SPC chart kind."""

from __future__ import annotations

import pytest

from caregov_superset import charts
from caregov_superset.looks import MetricSpec

SPC_METRICS = [*charts.SPC_LINES, *charts.SPC_POINTS]


def _spc(**extra: object) -> charts.ChartSpec:
    raw = {
        "key": "turnover-spc",
        "title": "Staff turnover with control limits",
        "description": "Turnover by month.",
        "dataset": "governance_metrics_spc",
        "kind": "spc",
        "where": "metric_id = 'workforce_turnover_rate_12m'",
        "format": "percent",
        "target": "workforce_turnover_rate_12m",
        "x": "period_end",
    }
    return charts.ChartSpec.from_yaml({**raw, **extra})


def _context() -> charts.ChartContext:
    metric = MetricSpec(name="m", label="M", sql="MAX(value)", format="decimal", description="")
    return charts.ChartContext(
        dataset_id=7,
        time_column="period_end",
        columns=["period_end", "value"],
        metrics={name: metric for name in SPC_METRICS},
        target=charts.Target(0.15, "Target 15.0%"),
    )


@pytest.mark.parametrize("missing", ["where", "format"])
def test_an_spc_chart_must_name_its_metric_and_unit(missing: str) -> None:
    with pytest.raises(ValueError, match="an SPC chart needs 'where'"):
        _spc(**{missing: None})


def test_spc_lines_and_special_cause_points_share_one_axis_with_the_target() -> None:
    params = charts.form_data(_spc(), _context())
    assert params["viz_type"] == "mixed_timeseries"
    assert params["metrics"] == list(charts.SPC_LINES)
    assert params["metrics_b"] == list(charts.SPC_POINTS)
    assert (params["seriesType"], params["seriesTypeB"]) == ("line", "scatter")
    assert (params["markerEnabled"], params["markerEnabledB"]) == (False, True)
    assert params["yAxisIndex"] == params["yAxisIndexB"] == 0
    assert params["y_axis_format"] == ".1%"
    assert params["adhoc_filters_b"] == params["adhoc_filters"]
    [target] = params["annotation_layers"]
    assert (target["annotationType"], target["value"]) == ("FORMULA", "0.15")


def test_spc_query_context_asks_for_lines_and_points_separately() -> None:
    spec, ctx = _spc(), _context()
    lines, points = charts.query_context(spec, ctx, charts.form_data(spec, ctx))["queries"]
    assert lines["metrics"] == list(charts.SPC_LINES)
    assert points["metrics"] == list(charts.SPC_POINTS)
    for query in (lines, points):
        assert query["extras"]["where"] == "(metric_id = 'workforce_turnover_rate_12m')"
        assert query["columns"][0]["sqlExpression"] == "period_end"
