"""The assets that chain the caregov DAGs: landing folders, raw lake entities, the marts.

`landing_<source>` carries an asset watcher (see `caregov_dags.watcher`), so a file arriving
in `landing/<source>/` starts `ingest_<source>`; each accepted load emits an event on the
entity's raw asset through the source's alias; raw events (or 02:00 London time) start
`build_warehouse`, whose publish emits `marts`, which starts `refresh_dashboards`.
"""

from __future__ import annotations

from airflow.sdk import Asset, AssetAlias, AssetWatcher

from caregov_dags.watcher import LandingFileTrigger
from ingestion.contracts import ENTITIES_BY_SOURCE


def landing_asset(source: str) -> Asset:
    """The landing folder of one source, watched for complete extract files."""
    return Asset(
        name=f"landing_{source}",
        uri=f"caregov://landing/{source}",
        group="landing",
        watchers=[
            AssetWatcher(
                name=f"landing_{source}_watcher", trigger=LandingFileTrigger(source=source)
            )
        ],
    )


def raw_asset(entity: str) -> Asset:
    """One entity's accepted rows in the Parquet lake (`lake/raw/<entity>/`)."""
    return Asset(name=f"raw_{entity}", uri=f"caregov://lake/raw/{entity}", group="lake")


def raw_alias(source: str) -> AssetAlias:
    """The alias an ingest task emits through: only entities actually loaded get an event."""
    return AssetAlias(name=f"raw_{source}_loads")


RAW_ASSETS: tuple[Asset, ...] = tuple(
    raw_asset(entity) for entities in ENTITIES_BY_SOURCE.values() for entity in entities
)

MARTS = Asset(name="marts", uri="caregov://warehouse/marts", group="warehouse")
