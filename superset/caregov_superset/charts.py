"""Turn a chart as written in the assets YAML into Superset's `params` and `query_context`.

The YAML says what a reader should see (a trend line of some metrics, a headline number, a
table); this module knows Superset 6.1's form-data and query-context shapes for the four chart
kinds we use. Both are saved on the chart: the frontend draws from `params`, while the data
API, cache warm-up and reports need `query_context` (without it they answer 400).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

KINDS = {
    "line": "echarts_timeseries_line",
    "bar": "echarts_timeseries_bar",
    "big_number": "big_number",
    "table": "table",
}
NO_FILTER = "No filter"


@dataclass(frozen=True)
class ChartSpec:
    """One chart of a dashboard, as declared in `assets/dashboards/<slug>.yaml`."""

    key: str
    title: str
    dataset: str
    kind: str
    width: int = 6
    height: int = 50
    x: str | None = None
    series: str | None = None
    where: str | None = None
    metrics: tuple[dict[str, str], ...] = ()
    metric: dict[str, str] | None = None
    format: str = "SMART_NUMBER"
    columns: str | tuple[str, ...] = ()
    order_by: str | None = None
    row_limit: int = 10000
    stack: bool = False
    formats: tuple[tuple[str, str], ...] = ()
    description: str = ""

    @classmethod
    def from_yaml(cls, raw: dict[str, Any]) -> ChartSpec:
        if raw.get("kind") not in KINDS:
            raise ValueError(f"chart {raw.get('key')!r}: kind must be one of {sorted(KINDS)}")
        values = dict(raw)
        values["metrics"] = tuple(raw.get("metrics", ()))
        for metric in [*values["metrics"], *([raw["metric"]] if raw.get("metric") else [])]:
            # An unquoted comma in a YAML flow mapping silently splits the SQL in two.
            if set(metric) != {"label", "sql"}:
                raise ValueError(
                    f"chart {raw.get('key')!r}: a metric needs exactly 'label' and 'sql' "
                    f"(got {sorted(metric)}); quote SQL that contains commas"
                )
        values["formats"] = tuple(sorted((raw.get("formats") or {}).items()))
        columns = raw.get("columns", ())
        values["columns"] = columns if isinstance(columns, str) else tuple(columns)
        return cls(**values)

    @property
    def viz_type(self) -> str:
        return KINDS[self.kind]


def adhoc_metric(metric: dict[str, str]) -> dict[str, Any]:
    """A SQL metric with its own label (`{label, sql}` in the YAML)."""
    return {
        "expressionType": "SQL",
        "sqlExpression": metric["sql"],
        "label": metric["label"],
        "hasCustomLabel": True,
        "optionName": "metric_" + "".join(c if c.isalnum() else "_" for c in metric["label"]),
    }


def _adhoc_filters(spec: ChartSpec, time_column: str | None) -> list[dict[str, Any]]:
    filters: list[dict[str, Any]] = []
    if time_column:
        filters.append(
            {
                "clause": "WHERE",
                "expressionType": "SIMPLE",
                "subject": time_column,
                "operator": "TEMPORAL_RANGE",
                "comparator": NO_FILTER,
            }
        )
    if spec.where:
        filters.append({"clause": "WHERE", "expressionType": "SQL", "sqlExpression": spec.where})
    return filters


def _base_axis(column: str, time_column: str | None) -> dict[str, Any]:
    axis = {
        "columnType": "BASE_AXIS",
        "sqlExpression": column,
        "label": column,
        "expressionType": "SQL",
    }
    return {"timeGrain": "P1M", **axis} if column == time_column else axis


def _is_rate(column: str) -> bool:
    return column.endswith(("_rate", "_pct", "_rate_12m")) or column.startswith("pct_")


def form_data(
    spec: ChartSpec, dataset_id: int, time_column: str | None, columns: list[str]
) -> dict[str, Any]:
    """The chart's `params`: what the Explore view and the dashboard render from."""
    data: dict[str, Any] = {
        "datasource": f"{dataset_id}__table",
        "viz_type": spec.viz_type,
        "adhoc_filters": _adhoc_filters(spec, time_column),
        "row_limit": spec.row_limit,
        "extra_form_data": {},
        "dashboards": [],
    }
    if spec.kind == "table":
        data.update(
            query_mode="raw",
            all_columns=columns,
            order_by_cols=[f'["{spec.order_by}", false]'] if spec.order_by else [],
            server_pagination=False,
            table_timestamp_format="%Y-%m-%d",
            column_config={
                **{c: {"d3NumberFormat": ".1%"} for c in columns if _is_rate(c)},
                **{c: {"d3NumberFormat": fmt} for c, fmt in spec.formats},
            },
            show_cell_bars=False,
            include_search=True,
        )
    elif spec.kind == "big_number":
        assert spec.metric and spec.x, f"big_number chart {spec.key} needs metric and x"
        data.update(
            x_axis=spec.x,
            time_grain_sqla="P1M",
            metric=adhoc_metric(spec.metric),
            y_axis_format=spec.format,
            show_trend_line=True,
            start_y_axis_at_zero=False,
            compare_lag=1,
            compare_suffix="on the month before",
            time_format="smart_date",
        )
    else:
        assert spec.x and spec.metrics, f"{spec.kind} chart {spec.key} needs x and metrics"
        data.update(
            x_axis=spec.x,
            time_grain_sqla="P1M",
            metrics=[adhoc_metric(m) for m in spec.metrics],
            groupby=[spec.series] if spec.series else [],
            y_axis_format=spec.format,
            x_axis_time_format="%b %Y",
            x_axis_sort_asc=True,
            stack="Stack" if spec.stack else None,
            tooltipTimeFormat="%b %Y",
            show_legend=True,
            legendType="scroll",
            legendOrientation="top",
            rich_tooltip=True,
            order_desc=True,
            series_limit=0,
            truncate_metric=True,
            comparison_type="values",
            annotation_layers=[],
        )
    return data


def query_context(
    spec: ChartSpec, dataset_id: int, time_column: str | None, params: dict[str, Any]
) -> dict[str, Any]:
    """The saved query the data API, warm-up and reports run for this chart."""
    query: dict[str, Any] = {
        "filters": (
            [{"col": time_column, "op": "TEMPORAL_RANGE", "val": NO_FILTER}] if time_column else []
        ),
        "extras": {"having": "", "where": f"({spec.where})" if spec.where else ""},
        "applied_time_extras": {},
        "row_limit": spec.row_limit,
        "order_desc": True,
        "url_params": {},
        "custom_params": {},
        "custom_form_data": {},
        "annotation_layers": [],
        "time_offsets": [],
        "post_processing": [],
    }
    if spec.kind == "table":
        query.update(
            columns=params["all_columns"],
            metrics=[],
            orderby=[[spec.order_by, False]] if spec.order_by else [],
        )
    elif spec.kind == "big_number":
        assert spec.x and spec.metric
        metric = adhoc_metric(spec.metric)
        query.update(columns=[_base_axis(spec.x, time_column)], metrics=[metric], orderby=[])
    else:
        assert spec.x
        metrics = params["metrics"]
        query.update(
            columns=[_base_axis(spec.x, time_column), *([spec.series] if spec.series else [])],
            series_columns=[spec.series] if spec.series else [],
            series_limit=0,
            metrics=metrics,
            orderby=[[metrics[0], False]],
        )
    return {
        "datasource": {"id": dataset_id, "type": "table"},
        "force": False,
        "queries": [query],
        "form_data": params,
        "result_format": "json",
        "result_type": "full",
    }
