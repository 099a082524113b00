"""Turn a chart as written in the assets YAML into Superset's `params` and `query_context`.

The YAML says what a reader should see (a trend with its target line, a headline number, a
table); this module knows Superset 6.1's form-data and query-context shapes for the chart kinds
we use. Both are saved on the chart: the frontend draws from `params`, while the data API, cache
warm-up and reports need `query_context` (without it they answer 400).

What a chart needs from outside the YAML comes in a `ChartContext`: the dataset, how each column
is shown (columns.yaml), the dataset's certified metrics, and — worked out by the sync from the
serving warehouse — the target line and a headline number's comparison text.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from caregov_superset.looks import DATE_FORMATS, GBP, NUMBER_FORMATS, ColumnLook, MetricSpec

KINDS = {
    "line": "echarts_timeseries_line",
    "bar": "echarts_timeseries_bar",
    "big_number": "big_number",
    "table": "table",
    "spc": "mixed_timeseries",  # the value, mean and limits as lines, special causes as points
}
NO_FILTER = "No filter"
# Superset's conditional-formatting colours: the RAG column is coloured by its words.
RAG_COLOURS = {"Green": "#ACE1C4", "Amber": "#FDE380", "Red": "#EFA1AA"}
TARGET_COLOUR = "#B03A2E"
# An SPC chart (governance_metrics_spc's certified metrics): lines, then special-cause points in
# Making Data Count's colours (blue improvement, orange concern, purple for neutral metrics).
SPC_LINES = ("spc_value", "spc_mean", "spc_upper_limit", "spc_lower_limit")
SPC_POINTS = ("spc_improvement", "spc_concern", "spc_special_cause")
# A regional hub's charts carry no notes, so its dashboards' key stops before the last sentence.
SPC_KEY_HUB = (
    "**Reading the SPC charts** (statistical process control, as in NHS England's Making Data"
    " Count): the grey line joins the months, the black line is their mean and the light grey"
    " lines are the control limits, the range a stable process stays within; the dashed red line"
    " is the target. A blue point is special-cause improvement, an orange one a concern, a purple"
    " one a change in a measure where neither direction is better."
)
SPC_KEY = (
    f"{SPC_KEY_HUB} Dotted vertical lines mark governance events and commentary: hover over them"
    " to read the note."
)
SPC_COLOURS = {
    "spc_value": "#8A8D8F",
    "spc_mean": "#212B32",
    "spc_upper_limit": "#AEB7BD",
    "spc_lower_limit": "#AEB7BD",
    "spc_improvement": "#289DE0",
    "spc_concern": "#F5A623",
    "spc_special_cause": "#5B2C83",
}


@dataclass(frozen=True)
class ChartSpec:
    """One chart of a dashboard, as declared in `assets/dashboards/<slug>.yaml`."""

    key: str
    title: str
    dataset: str
    kind: str
    description: str
    width: int = 6
    height: int = 50
    x: str | None = None
    series: str | None = None
    where: str | None = None
    metrics: tuple[str | dict[str, str], ...] = ()
    metric: str | dict[str, str] | None = None
    format: str | None = None  # a format name of columns.yaml; default: the metric's
    columns: str | tuple[str, ...] = ()
    order_by: str | None = None
    ascending: bool = False
    row_limit: int = 10000
    stack: bool = False
    totals: bool = False  # label each stacked bar with its total
    horizontal: bool = False  # a bar chart of categories (x is not a month)
    target: str | None = None  # metric id whose target is drawn as a line
    subtitle_from: str | None = None  # metric id whose changes a big number shows
    period_filter: bool = True  # False: the Period filter leaves this chart alone
    time_range: str = NO_FILTER  # the months shown until a reader picks a Period

    @classmethod
    def from_yaml(cls, raw: dict[str, Any]) -> ChartSpec:
        key = raw.get("key")
        if raw.get("kind") not in KINDS:
            raise ValueError(f"chart {key!r}: kind must be one of {sorted(KINDS)}")
        if not str(raw.get("description", "")).strip():
            raise ValueError(f"chart {key!r}: every chart needs a one-line description")
        values = dict(raw)
        values["description"] = " ".join(str(raw["description"]).split())
        values["metrics"] = tuple(raw.get("metrics", ()))
        for metric in [*values["metrics"], *([raw["metric"]] if raw.get("metric") else [])]:
            # An unquoted comma in a YAML flow mapping silently splits the SQL in two.
            if isinstance(metric, dict) and not {"label", "sql"} <= set(metric) <= {
                "label",
                "sql",
                "format",
            }:
                raise ValueError(
                    f"chart {key!r}: a metric is a certified metric's name or has 'label' and "
                    f"'sql' (and 'format'); got {sorted(metric)}; quote SQL that contains commas"
                )
        columns = raw.get("columns", ())
        values["columns"] = columns if isinstance(columns, str) else tuple(columns)
        if raw["kind"] == "spc" and not (raw.get("where") and raw.get("format")):
            raise ValueError(
                f"chart {key!r}: an SPC chart needs 'where' (its metric) and 'format' (its unit)"
            )
        return cls(**values)

    @property
    def viz_type(self) -> str:
        return KINDS[self.kind]

    @property
    def metric_refs(self) -> list[str | dict[str, str]]:
        if self.kind == "spc":
            return [*SPC_LINES, *SPC_POINTS]
        return [self.metric] if self.metric else list(self.metrics)


@dataclass(frozen=True)
class Target:
    """A target line: its value and the words of its legend entry."""

    value: float
    label: str


@dataclass(frozen=True)
class ChartContext:
    """What a chart's form data needs beyond its spec."""

    dataset_id: int
    time_column: str | None
    columns: list[str]
    looks: dict[str, ColumnLook] = field(default_factory=dict)
    metrics: dict[str, MetricSpec] = field(default_factory=dict)
    target: Target | None = None
    subtitle: str | None = None
    annotation_layers: list[dict[str, Any]] = field(default_factory=list)


def _adhoc_metric(metric: dict[str, str]) -> dict[str, Any]:
    """A SQL metric with its own label (`{label, sql}` in the YAML)."""
    return {
        "expressionType": "SQL",
        "sqlExpression": metric["sql"],
        "label": metric["label"],
        "hasCustomLabel": True,
        "optionName": "metric_" + "".join(c if c.isalnum() else "_" for c in metric["label"]),
    }


def _metric(ref: str | dict[str, str], ctx: ChartContext) -> str | dict[str, Any]:
    """A certified metric by name, or an ad-hoc one."""
    if isinstance(ref, str):
        if ref not in ctx.metrics:
            raise ValueError(f"{ref!r} is not a certified metric of this dataset")
        return ref
    return _adhoc_metric(ref)


def _number_format(spec: ChartSpec, ctx: ChartContext) -> str:
    """The format name of the chart's numbers: its own, else its first metric's."""
    if spec.format:
        return spec.format
    first = spec.metric_refs[0] if spec.metric_refs else None
    if isinstance(first, str):
        return ctx.metrics[first].format
    if isinstance(first, dict) and first.get("format"):
        return first["format"]
    return "decimal"


def _number_options(format_name: str, prefix: str = "y_axis_format") -> dict[str, Any]:
    options: dict[str, Any] = {prefix: NUMBER_FORMATS.get(format_name, NUMBER_FORMATS["decimal"])}
    if format_name == "money":
        options["currency_format"] = GBP
    return options


def _adhoc_filters(spec: ChartSpec, time_column: str | None) -> list[dict[str, Any]]:
    filters: list[dict[str, Any]] = []
    if time_column:
        filters.append(
            {
                "clause": "WHERE",
                "expressionType": "SIMPLE",
                "subject": time_column,
                "operator": "TEMPORAL_RANGE",
                "comparator": spec.time_range,
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


def target_layer(target: Target) -> dict[str, Any]:
    """A dashed horizontal line at the target (Superset's formula annotation layer)."""
    return {
        "name": target.label,
        "annotationType": "FORMULA",
        "sourceType": "",
        "value": repr(target.value),
        "overrides": {"time_range": None},
        "show": True,
        "showLabel": True,
        "showMarkers": False,
        "hideLine": False,
        "titleColumn": "",
        "descriptionColumns": [],
        "timeColumn": "",
        "intervalEndColumn": "",
        "color": TARGET_COLOUR,
        "opacity": "",
        "style": "dashed",
        "width": 2,
    }


def _table_options(spec: ChartSpec, ctx: ChartContext, columns: list[str]) -> dict[str, Any]:
    config: dict[str, Any] = {}
    time_format: str | None = None
    for column in columns:
        look = ctx.looks.get(column)
        if look is None:
            continue
        if look.format in NUMBER_FORMATS:
            config[column] = {"d3NumberFormat": NUMBER_FORMATS[look.format]}
            if look.format == "money":
                config[column]["currencyFormat"] = GBP
        elif look.format in DATE_FORMATS and time_format is None:
            time_format = DATE_FORMATS[look.format]  # a table's dates share one format
    rag = [
        {"column": column, "operator": "=", "targetValue": words, "colorScheme": colour}
        for column in columns
        if column.endswith("rag_label")
        for words, colour in RAG_COLOURS.items()
    ]
    order = [f'["{spec.order_by}", {str(spec.ascending).lower()}]'] if spec.order_by else []
    return {
        "query_mode": "raw",
        "all_columns": columns,
        "order_by_cols": order,
        "server_pagination": False,
        "table_timestamp_format": time_format or DATE_FORMATS["date"],
        "column_config": config,
        "conditional_formatting": rag,
        "show_cell_bars": False,
        "include_search": True,
        "allow_rearrange_columns": False,
    }


def form_data(spec: ChartSpec, ctx: ChartContext) -> dict[str, Any]:
    """The chart's `params`: what the Explore view and the dashboard render from."""
    data: dict[str, Any] = {
        "datasource": f"{ctx.dataset_id}__table",
        "viz_type": spec.viz_type,
        "adhoc_filters": _adhoc_filters(spec, ctx.time_column),
        "row_limit": spec.row_limit,
        "extra_form_data": {},
        "dashboards": [],
    }
    if spec.kind == "table":
        columns = ctx.columns if spec.columns == "all" else list(spec.columns)
        data.update(_table_options(spec, ctx, columns))
    elif spec.kind == "spc":
        data.update(_spc_options(spec, ctx))
    elif spec.kind == "big_number":
        assert spec.metric and spec.x, f"big_number chart {spec.key} needs metric and x"
        data.update(
            x_axis=spec.x,
            time_grain_sqla="P1M",
            metric=_metric(spec.metric, ctx),
            show_trend_line=True,
            show_timestamp=True,
            start_y_axis_at_zero=False,
            time_format="%b %Y",
            subtitle=ctx.subtitle or "",
            **_number_options(_number_format(spec, ctx)),
        )
    else:
        assert spec.x and spec.metric_refs, f"{spec.kind} chart {spec.key} needs x and metrics"
        categories = spec.x != ctx.time_column
        data.update(
            x_axis=spec.x,
            time_grain_sqla="P1M",
            metrics=[_metric(m, ctx) for m in spec.metric_refs],
            groupby=[spec.series] if spec.series else [],
            x_axis_time_format="%b %Y",
            x_axis_sort_asc=True,
            stack="Stack" if spec.stack else None,
            show_value=spec.totals,
            only_total=spec.totals,
            orientation="horizontal" if spec.horizontal else "vertical",
            tooltipTimeFormat="%b %Y",
            show_legend=True,
            legendType="plain",
            legendOrientation="top",
            rich_tooltip=True,
            order_desc=True,
            series_limit=0,
            truncate_metric=True,
            truncateXAxis=False,
            comparison_type="values",
            annotation_layers=[
                *([target_layer(ctx.target)] if ctx.target else []),
                *ctx.annotation_layers,
            ],
            **_number_options(_number_format(spec, ctx)),
        )
        if categories:
            data.update(x_axis_sort="", x_axis_sort_asc=True, x_axis_title_margin=15)
    return data


def _spc_options(spec: ChartSpec, ctx: ChartContext) -> dict[str, Any]:
    """Superset's mixed chart: query A draws the value, mean and control limits as lines, query
    B the special-cause months as points; both on one axis, with the target line."""
    return {
        "x_axis": spec.x or ctx.time_column,
        "time_grain_sqla": "P1M",
        "metrics": [_metric(m, ctx) for m in SPC_LINES],
        "metrics_b": [_metric(m, ctx) for m in SPC_POINTS],
        "groupby": [],
        "groupby_b": [],
        "adhoc_filters_b": _adhoc_filters(spec, ctx.time_column),
        "row_limit_b": spec.row_limit,
        "order_desc": True,
        "order_desc_b": True,
        "truncate_metric": True,
        "truncate_metric_b": True,
        "seriesType": "line",
        "seriesTypeB": "scatter",
        "markerEnabled": False,
        "markerEnabledB": True,
        "markerSize": 6,
        "markerSizeB": 10,
        "yAxisIndex": 0,
        "yAxisIndexB": 0,
        # No legend, as in Making Data Count: the dashboard's introduction carries the key
        # (SPC_KEY), and the tooltip names every line and point.
        "show_legend": False,
        "rich_tooltip": True,
        "tooltipTimeFormat": "%b %Y",
        "x_axis_time_format": "%b %Y",
        "annotation_layers": [
            *([target_layer(ctx.target)] if ctx.target else []),
            *ctx.annotation_layers,
        ],
        **_number_options(_number_format(spec, ctx)),
    }


def query_context(spec: ChartSpec, ctx: ChartContext, params: dict[str, Any]) -> dict[str, Any]:
    """The saved query the data API, warm-up and reports run for this chart."""
    time_column = ctx.time_column
    query: dict[str, Any] = {
        "filters": (
            [{"col": time_column, "op": "TEMPORAL_RANGE", "val": spec.time_range}]
            if time_column
            else []
        ),
        "extras": {"having": "", "where": f"({spec.where})" if spec.where else ""},
        "applied_time_extras": {},
        "row_limit": spec.row_limit,
        "order_desc": True,
        "url_params": {},
        "custom_params": {},
        "custom_form_data": {},
        # The server fetches what native layers hold; formula lines are drawn by the browser.
        "annotation_layers": [
            layer
            for layer in params.get("annotation_layers", [])
            if layer.get("sourceType") == "NATIVE"
        ],
        "time_offsets": [],
        "post_processing": [],
    }
    queries = [query]
    if spec.kind == "table":
        # Raw rows: no `metrics` at all (an empty list would make Superset group by every
        # column, and then refuse to order by one not shown), as Superset's own table sends.
        query.update(
            columns=params["all_columns"],
            orderby=[[spec.order_by, spec.ascending]] if spec.order_by else [],
        )
    elif spec.kind == "big_number":
        assert spec.x and spec.metric
        query.update(
            columns=[_base_axis(spec.x, time_column)], metrics=[params["metric"]], orderby=[]
        )
    elif spec.kind == "spc":
        axis = _base_axis(params["x_axis"], time_column)
        lines, points = dict(query), dict(query)
        lines.update(columns=[axis], metrics=params["metrics"], orderby=[])
        points.update(columns=[axis], metrics=params["metrics_b"], orderby=[])
        queries = [lines, points]
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
        "datasource": {"id": ctx.dataset_id, "type": "table"},
        "force": False,
        "queries": queries,
        "form_data": params,
        "result_format": "json",
        "result_type": "full",
    }
