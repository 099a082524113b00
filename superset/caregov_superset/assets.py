"""Read the Superset assets as code (`superset/assets/*.yaml`) and the dbt docs they cite.

Assets are plain YAML so a BI lead can review a dashboard change in a pull request. Every
object gets a stable UUID derived from its natural key (database name, table, dashboard slug
and chart key), so sync finds the object it created even after someone renames it in the UI.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit, urlunsplit

import yaml

from caregov.errors import CaregovError
from caregov.settings import Settings
from caregov_superset.charts import ChartSpec
from caregov_superset.looks import FORMATS, ColumnLook, MetricSpec

ASSETS_DIR = Path(__file__).resolve().parent.parent / "assets"
# What Superset shows instead of a connection's password.
PASSWORD_MASK = "XXXXXXXXXX"
NAMESPACE = uuid.UUID("6f1c3a52-3d1e-4c55-9a4e-2b8f0c7d9e10")

TEAM_FILTER = "team"
PERIOD_FILTER = "period"
SELECT_FILTER = "select"


def stable_uuid(kind: str, key: str) -> str:
    return str(uuid.uuid5(NAMESPACE, f"{kind}:{key}"))


@dataclass(frozen=True)
class DatabaseSpec:
    name: str
    uuid: str
    payload: dict[str, Any]


@dataclass(frozen=True)
class DatasetSpec:
    table: str
    schema: str
    uuid: str
    time_column: str | None = None
    team_column: str | None = None
    team_label_column: str | None = None
    metrics: tuple[MetricSpec, ...] = ()


@dataclass(frozen=True)
class FilterSpec:
    """A dashboard's native filter: `period` (the month axis), `team` (a team-level dataset's
    team names), or a choice among one column's values (`select`)."""

    kind: str
    name: str
    dataset: str | None = None
    column: str | None = None

    @classmethod
    def from_yaml(cls, raw: str | dict[str, str]) -> FilterSpec:
        if raw == PERIOD_FILTER:
            return cls(PERIOD_FILTER, "Period")
        if raw == TEAM_FILTER:
            return cls(TEAM_FILTER, "Team")
        if isinstance(raw, dict) and {"name", "dataset", "column"} == set(raw):
            return cls(SELECT_FILTER, raw["name"], raw["dataset"], raw["column"])
        raise CaregovError(
            f"filter {raw!r}: use period, team or {{name, dataset, column}} for a choice of values."
        )


@dataclass(frozen=True)
class DashboardSpec:
    slug: str
    title: str
    uuid: str
    description: str
    filters: tuple[FilterSpec, ...]
    rows: tuple[tuple[ChartSpec, ...], ...]
    # Lake entities the charts read that a council may not deliver from the start (the national
    # returns): until each has been loaded, an empty chart is waiting for data, not broken.
    needs: tuple[str, ...] = ()

    @property
    def charts(self) -> list[ChartSpec]:
        return [chart for row in self.rows for chart in row]

    def chart_uuid(self, chart: ChartSpec) -> str:
        return stable_uuid("chart", f"{self.slug}/{chart.key}")


@dataclass(frozen=True)
class Assets:
    database: DatabaseSpec
    datasets: tuple[DatasetSpec, ...]
    dashboards: tuple[DashboardSpec, ...]
    certified_by: str = ""
    certification_details: str = ""
    by_table: dict[str, DatasetSpec] = field(default_factory=dict)
    columns: dict[str, ColumnLook] = field(default_factory=dict)


def _yaml(path: Path) -> Any:
    with path.open(encoding="utf-8") as handle:
        return yaml.safe_load(handle)


def dashboard_slugs(assets_dir: Path = ASSETS_DIR) -> tuple[str, ...]:
    """The slug of every dashboard defined as code, in file order."""
    return tuple(
        str(_yaml(path)["slug"]) for path in sorted((assets_dir / "dashboards").glob("*.yaml"))
    )


def dashboard_needs(assets_dir: Path = ASSETS_DIR) -> dict[str, tuple[str, ...]]:
    """Per dashboard slug, the entities it `needs` before an empty chart counts as broken."""
    return {
        str(raw["slug"]): tuple(raw.get("needs", ()))
        for raw in (_yaml(path) for path in sorted((assets_dir / "dashboards").glob("*.yaml")))
    }


def postgres_uri(template: str, settings: Settings) -> str:
    """The serving database's SQLAlchemy URI for the read-only role (password included)."""
    params = settings.serving_reader_conninfo()
    return template.format(
        user=quote(params["user"], safe=""),
        password=quote(params["password"], safe=""),
        host=params.get("host") or "localhost",
        port=params.get("port") or "5432",
        dbname=quote(params["dbname"], safe=""),
    )


def masked_uri(uri: str) -> str:
    """The URI as Superset shows it: with the password replaced by its mask."""
    parts = urlsplit(uri)
    if parts.password is None:
        return uri
    user, _, host = parts.netloc.rpartition("@")
    name = user.split(":", 1)[0]
    return urlunsplit(parts._replace(netloc=f"{name}:{PASSWORD_MASK}@{host}"))


def load_assets(settings: Settings, assets_dir: Path = ASSETS_DIR) -> Assets:
    """Every asset, with the database URI pointing at this home's serving warehouse."""
    raw_db = _yaml(assets_dir / "database.yaml")
    payload = {k: v for k, v in raw_db.items() if k not in {"extra", "postgresql"}}
    if settings.serving_dsn:
        served = raw_db["postgresql"]
        payload["sqlalchemy_uri"] = postgres_uri(served["sqlalchemy_uri"], settings)
        payload["extra"] = json.dumps(served.get("extra", {}), sort_keys=True)
    else:
        payload["sqlalchemy_uri"] = raw_db["sqlalchemy_uri"].format(serving_db=settings.serving_db)
        payload["extra"] = json.dumps(raw_db.get("extra", {}), sort_keys=True)
    database = DatabaseSpec(
        raw_db["database_name"], stable_uuid("database", raw_db["database_name"]), payload
    )

    columns = {
        name: ColumnLook(str(look["label"]), _format(str(look["format"]), f"column {name}"))
        for name, look in _yaml(assets_dir / "columns.yaml").items()
    }
    raw_ds = _yaml(assets_dir / "datasets.yaml")
    schema = raw_ds["schema"]
    datasets = tuple(
        DatasetSpec(
            table=item["table"],
            schema=schema,
            uuid=stable_uuid("dataset", f"{schema}.{item['table']}"),
            time_column=item.get("time_column"),
            team_column=item.get("team_column"),
            team_label_column=item.get("team_label_column"),
            metrics=tuple(
                MetricSpec(
                    name=m["name"],
                    label=m["label"],
                    sql=" ".join(str(m["sql"]).split()),
                    format=_format(m["format"], f"metric {item['table']}.{m['name']}"),
                    description=" ".join(str(m["description"]).split()),
                )
                for m in item.get("metrics", ())
            ),
        )
        for item in raw_ds["datasets"]
    )
    by_table = {d.table: d for d in datasets}

    dashboards = []
    for path in sorted((assets_dir / "dashboards").glob("*.yaml")):
        raw = _yaml(path)
        rows = tuple(
            tuple(ChartSpec.from_yaml(chart) for chart in row["charts"]) for row in raw["rows"]
        )
        spec = DashboardSpec(
            slug=raw["slug"],
            title=raw["title"],
            uuid=stable_uuid("dashboard", raw["slug"]),
            description=" ".join(str(raw.get("description", "")).split()),
            filters=tuple(FilterSpec.from_yaml(f) for f in raw.get("filters", ())),
            rows=rows,
            needs=tuple(raw.get("needs", ())),
        )
        for chart in spec.charts:
            if chart.dataset not in by_table:
                raise CaregovError(
                    f"{path.name}: chart {chart.key!r} uses {chart.dataset!r}, "
                    "which is not a dataset in datasets.yaml."
                )
        dashboards.append(spec)
    return Assets(
        database=database,
        datasets=datasets,
        dashboards=tuple(dashboards),
        certified_by=raw_ds.get("certified_by", ""),
        certification_details=raw_ds.get("certification_details", ""),
        by_table=by_table,
        columns=columns,
    )


def _format(name: str, where: str) -> str:
    if name not in FORMATS:
        raise CaregovError(f"{where}: format {name!r} is not one of {sorted(FORMATS)}.")
    return name


@dataclass(frozen=True)
class TableDocs:
    """A mart's documentation from the dbt manifest."""

    description: str
    columns: dict[str, str]


def read_manifest(settings: Settings) -> dict[str, Any]:
    """The dbt manifest published beside the serving warehouse."""
    path = settings.warehouse / "manifest.json"
    if not path.exists():
        raise CaregovError(
            f"{path} is missing: run 'caregov build' so the warehouse and its docs are published."
        )
    manifest: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return manifest


def build_id(manifest: dict[str, Any]) -> str:
    """Which dbt build produced the serving warehouse (its invocation id)."""
    metadata = manifest.get("metadata") or {}
    return str(metadata.get("invocation_id") or metadata.get("generated_at") or "")


def load_dbt_docs(manifest: dict[str, Any]) -> dict[str, TableDocs]:
    """Model and column descriptions of the published build, keyed by table name."""
    docs: dict[str, TableDocs] = {}
    for node in manifest.get("nodes", {}).values():
        if node.get("resource_type") not in ("model", "seed", "snapshot"):
            continue
        name = node.get("alias") or node.get("name")
        # A mart wins over a same-named model in another schema.
        if not str(node.get("schema", "")).endswith("marts") and name in docs:
            continue
        docs[name] = TableDocs(
            description=(node.get("description") or "").strip(),
            columns={
                col_name: (col.get("description") or "").strip()
                for col_name, col in (node.get("columns") or {}).items()
            },
        )
    return docs
