"""The warehouse's data_freshness and `caregov status` judge staleness by one rule."""

from __future__ import annotations

import csv

from caregov.settings import PROJECT_ROOT
from ingestion.contracts import lake_entities_seed

SEED = PROJECT_ROOT / "dbt_project" / "seeds" / "lake_entities.csv"


def test_lake_entities_seed_equals_the_ingestion_contracts() -> None:
    """Every row and column of the dbt seed lake_entities equals what ingestion.contracts
    declares (source, kind, key, cadence, grace), so the two cannot drift."""
    with SEED.open(newline="") as handle:
        seed = list(csv.DictReader(handle))
    assert seed == lake_entities_seed()
