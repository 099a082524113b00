"""The warehouse's data_freshness and `caregov status` judge staleness by one rule."""

from __future__ import annotations

import csv
from pathlib import Path

from ingestion.contracts import CADENCE_DAYS, ENTITIES, GRACE_DAYS

SEED = Path(__file__).resolve().parents[2] / "dbt_project" / "seeds" / "lake_entities.csv"


def test_seed_cadence_and_grace_match_the_ingestion_contracts() -> None:
    """Each entity's cadence and grace in the dbt seed equal its source's in ingestion.contracts."""
    with SEED.open(newline="") as handle:
        seed = {row["entity"]: row for row in csv.DictReader(handle)}
    assert set(seed) == set(ENTITIES)
    for entity, contract in ENTITIES.items():
        row = seed[entity]
        assert row["source"] == contract.source, entity
        assert int(row["expected_cadence_days"]) == CADENCE_DAYS[contract.source], entity
        assert int(row["grace_days"]) == GRACE_DAYS[contract.source], entity
