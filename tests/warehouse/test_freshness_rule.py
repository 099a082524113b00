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


def test_every_entity_and_source_has_words_for_readers() -> None:
    """Each entity and source the contracts declare has a label in the code_labels seed, so the
    dashboards and the board pack never show a code such as asc_wds_workers."""
    with (SEED.parent / "code_labels.csv").open(newline="") as handle:
        labelled = {(row["domain"], row["code"]) for row in csv.DictReader(handle)}
    declared = {("entity", row["entity"]) for row in lake_entities_seed()}
    declared |= {("source", row["source"]) for row in lake_entities_seed()}
    assert declared - labelled == set()
