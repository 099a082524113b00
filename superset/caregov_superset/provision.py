"""Provision the warehouse connection and the certified, documented `marts` datasets.

Descriptions come from the dbt manifest of the published build, so the words a BI user reads
in Superset are the ones the dbt docs (and their tests) carry; display names from columns.yaml;
certified metrics (rates worked out from their parts) from datasets.yaml. Columns are refreshed
from the warehouse first, so a column dbt added last night appears before its description is
set. Metrics a user added in Superset are kept.
"""

from __future__ import annotations

import json
import logging
from typing import Any

import duckdb

from caregov.errors import CaregovError
from caregov.settings import Settings
from caregov_superset.assets import Assets, DatasetSpec, TableDocs, masked_uri
from caregov_superset.client import SupersetClient
from caregov_superset.looks import GBP, NUMBER_FORMATS, ColumnLook, MetricSpec
from caregov_superset.reconcile import Inventory, ensure
from caregov_superset.report import SyncReport

log = logging.getLogger(__name__)

# Fields a dataset column PUT accepts (DatasetColumnsPutSchema); the GET returns more.
COLUMN_FIELDS = (
    "id",
    "column_name",
    "type",
    "verbose_name",
    "description",
    "expression",
    "filterable",
    "groupby",
    "is_active",
    "is_dttm",
    "python_date_format",
)


def warehouse_columns(settings: Settings, schema: str) -> dict[str, list[str]]:
    """Each table of `schema` in the serving warehouse with its columns, in order."""
    with duckdb.connect(str(settings.serving_db), read_only=True) as connection:
        rows = connection.execute(
            "select table_name, column_name from information_schema.columns "
            "where table_schema = ? order by table_name, ordinal_position",
            [schema],
        ).fetchall()
    tables: dict[str, list[str]] = {}
    for table, column in rows:
        tables.setdefault(table, []).append(column)
    return tables


def check_assets(assets: Assets, tables: dict[str, list[str]]) -> None:
    """Every dataset and every column a chart names exists in the serving warehouse."""
    problems = [f"table {d.schema}.{d.table}" for d in assets.datasets if d.table not in tables]
    for dashboard in assets.dashboards:
        for chart in dashboard.charts:
            named = [*(chart.columns if isinstance(chart.columns, tuple) else ())]
            named += [c for c in (chart.x, chart.series, chart.order_by) if c]
            missing = [c for c in named if c not in tables.get(chart.dataset, [])]
            problems += [
                f"{dashboard.slug}/{chart.key}: column {chart.dataset}.{c}" for c in missing
            ]
            certified = {m.name for m in assets.by_table[chart.dataset].metrics}
            problems += [
                f"{dashboard.slug}/{chart.key}: metric {chart.dataset}.{m}"
                for m in chart.metric_refs
                if isinstance(m, str) and m not in certified
            ]
    problems += [
        f"column {table}.{column} has no look in columns.yaml"
        for table, columns in tables.items()
        if table in assets.by_table
        for column in columns
        if column not in assets.columns
    ]
    if problems:
        raise CaregovError(
            "the Superset assets name what the serving warehouse does not have: "
            + "; ".join(problems)
        )


def ensure_database(client: SupersetClient, assets: Assets, report: SyncReport) -> int:
    spec = assets.database
    existing = client.find_one("database", database_name=spec.name)
    payload = dict(spec.payload)
    current = None
    if existing is not None:
        # The plain detail view omits the URI and `extra`; the connection view has both, with
        # the password masked (the PostgreSQL one has a password): a URI that differs only by
        # its mask is ours.
        current = client.get_json(f"/api/v1/database/{existing['id']}/connection")["result"]
        if current.get("sqlalchemy_uri") == masked_uri(payload["sqlalchemy_uri"]):
            current = {**current, "sqlalchemy_uri": payload["sqlalchemy_uri"]}
    return ensure(
        client,
        report,
        "database",
        f"database {spec.name!r}",
        {**payload, "uuid": spec.uuid},
        payload,
        existing,
        current,
    )


def dataset_extra(assets: Assets, warehouse_build: str) -> str:
    """Certification, plus the dbt build it describes.

    Recording the build matters beyond provenance: when a new build is published, the next
    sync changes this field, which moves the dataset's `changed_on`, which is part of every
    chart-data cache key, so no dashboard keeps showing yesterday's cached numbers.
    """
    return json.dumps(
        {
            "certification": {
                "certified_by": assets.certified_by,
                "details": assets.certification_details,
            },
            "warehouse_build": warehouse_build,
        },
        sort_keys=True,
    )


def ensure_dataset(
    client: SupersetClient,
    assets: Assets,
    spec: DatasetSpec,
    database_id: int,
    docs: TableDocs | None,
    warehouse_build: str,
    warehouse_columns: list[str],
    inventory: Inventory,
    report: SyncReport,
) -> tuple[int, list[str]]:
    """One mart as a certified dataset with its dbt descriptions; returns id and columns."""
    label = f"dataset {spec.schema}.{spec.table}"
    existing = inventory.find(spec.uuid, table_name=spec.table, schema=spec.schema)
    if existing is None:
        pk = client.create(
            "dataset",
            {
                "database": database_id,
                "schema": spec.schema,
                "table_name": spec.table,
                "uuid": spec.uuid,
            },
        )
        report.record("created", label)
        outcome = "created"
    else:
        pk = int(existing["id"])
        outcome = "unchanged"
    current = client.get("dataset", pk)
    if {c["column_name"] for c in current["columns"]} != set(warehouse_columns):
        # dbt added or dropped a column: have Superset re-read the table first.
        client.request("PUT", f"/api/v1/dataset/{pk}/refresh")
        current = client.get("dataset", pk)
    desired_columns, columns_changed = _columns(current["columns"], spec, docs, assets.columns)
    desired_metrics, metrics_changed = _metrics(current.get("metrics", []), spec, assets)
    desired: dict[str, Any] = {
        "description": docs.description if docs else "",
        "extra": dataset_extra(assets, warehouse_build),
    }
    if spec.time_column:
        # Left to Superset's own choice when the mart has no month axis.
        desired["main_dttm_col"] = spec.time_column
    changed = [
        key
        for key, value in desired.items()
        if (json.loads(current.get(key) or "{}") if key == "extra" else current.get(key))
        != (json.loads(value) if key == "extra" else value)
    ]
    if columns_changed:
        changed.append("columns")
    if metrics_changed:
        changed.append("metrics")
    if changed:
        client.update(
            "dataset", pk, {**desired, "columns": desired_columns, "metrics": desired_metrics}
        )
        if outcome != "created":
            report.record("updated", f"{label} ({', '.join(changed)})")
    elif outcome != "created":
        report.record("unchanged", label)
    return pk, [column["column_name"] for column in current["columns"]]


def _columns(
    current: list[dict[str, Any]],
    spec: DatasetSpec,
    docs: TableDocs | None,
    looks: dict[str, ColumnLook],
) -> tuple[list[dict[str, Any]], bool]:
    """The dataset's columns with dbt descriptions and display names; and whether any differs
    from Superset's."""
    columns, changed = [], False
    for column in current:
        name = column["column_name"]
        want = {
            "description": (docs.columns.get(name, "") if docs else "") or None,
            "verbose_name": looks[name].label if name in looks else None,
            "is_dttm": bool(column.get("is_dttm")) or name == spec.time_column,
        }
        if any((column.get(k) or None) != (v or None) for k, v in want.items()):
            changed = True
        payload = {key: column[key] for key in COLUMN_FIELDS if key in column}
        payload.update(want)
        columns.append(payload)
    return columns, changed


def _metrics(
    current: list[dict[str, Any]], spec: DatasetSpec, assets: Assets
) -> tuple[list[dict[str, Any]], bool]:
    """The dataset's metrics: the certified ones as datasets.yaml defines them (updated in
    place by name), then every other metric as it is (a user's own are kept)."""
    by_name = {m["metric_name"]: m for m in current}
    certification = {
        "certification": {
            "certified_by": assets.certified_by,
            "details": assets.certification_details,
        }
    }
    metrics, changed = [], False
    for metric in spec.metrics:
        want = _metric_payload(metric, certification)
        have = by_name.pop(metric.name, None)
        if have is None or any(_differs(have.get(k), v) for k, v in want.items()):
            changed = True
        metrics.append({**({"id": have["id"]} if have else {}), **want})
    for kept in by_name.values():
        metrics.append({k: kept[k] for k in METRIC_FIELDS if k in kept})
    return metrics, changed


METRIC_FIELDS = (
    "id",
    "metric_name",
    "verbose_name",
    "expression",
    "d3format",
    "currency",
    "description",
    "extra",
    "metric_type",
    "warning_text",
)


def _metric_payload(metric: MetricSpec, certification: dict[str, Any]) -> dict[str, Any]:
    return {
        "metric_name": metric.name,
        "verbose_name": metric.label,
        "expression": metric.sql,
        "d3format": NUMBER_FORMATS.get(metric.format),
        "currency": GBP if metric.format == "money" else None,
        "description": metric.description,
        "extra": json.dumps(certification, sort_keys=True),
    }


def _differs(have: Any, want: Any) -> bool:
    """Superset returns JSON fields (extra, currency) as text or as objects: compare parsed."""

    def parsed(value: Any) -> Any:
        if isinstance(value, str) and value[:1] in "{[":
            return json.loads(value)
        return value or None

    return bool(parsed(have) != parsed(want))
