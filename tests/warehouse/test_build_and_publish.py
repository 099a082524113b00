"""Building and publishing the warehouse: blue/green semantics, incremental equivalence, marts."""

from __future__ import annotations

import json

import duckdb

from ingestion.settings import Settings
from tests.warehouse.conftest import MARTS, WarehouseLife


def test_build_publishes_every_marts_table_and_the_manifest(warehouse: Settings) -> None:
    """A green build leaves the ten contract tables in schema marts and the dbt manifest beside."""
    with duckdb.connect(str(warehouse.serving_db), read_only=True) as con:
        tables = {
            row[0]
            for row in con.execute(
                "select table_name from information_schema.tables where table_schema = 'marts'"
            ).fetchall()
        }
    assert set(MARTS) <= tables
    manifest = json.loads((warehouse.warehouse / "manifest.json").read_text())
    assert manifest["nodes"]["model.caregov.governance_metrics"]["description"]


def test_entity_never_delivered_does_not_stop_the_build(warehouse_life: WarehouseLife) -> None:
    """With no improvement_actions files the build passes and only those metrics are missing."""
    assert warehouse_life.first.ok
    assert "improvement_actions_complete_rate" not in warehouse_life.first_metric_ids
    assert "waiting_awaiting_assessment" in warehouse_life.first_metric_ids
    assert "workforce_turnover_rate_12m" in warehouse_life.first_metric_ids


def test_full_refresh_gives_the_same_marts_as_the_incremental_build(
    warehouse_life: WarehouseLife,
) -> None:
    """An incremental build after more deliveries equals a full refresh of the same lake."""
    assert warehouse_life.incremental.ok and warehouse_life.full_refresh.ok
    assert warehouse_life.incremental_marts == warehouse_life.full_refresh_marts


def test_incremental_models_are_incremental(warehouse_life: WarehouseLife) -> None:
    """The large delta entities' current-state models are built incrementally."""
    results = {r["unique_id"]: r for r in warehouse_life.incremental.run_results["results"]}
    for model in ("int_cm_events_current", "int_complaints_current"):
        assert results[f"model.caregov.{model}"]["status"] == "success"
    manifest = json.loads((warehouse_life.settings.warehouse / "manifest.json").read_text())
    node = manifest["nodes"]["model.caregov.int_cm_events_current"]
    assert node["config"]["materialized"] == "incremental"


def test_failed_build_leaves_the_serving_warehouse_untouched(warehouse_life: WarehouseLife) -> None:
    """A lake row that breaks a dbt test fails the build; the serving file keeps its bytes."""
    failed = warehouse_life.failed
    assert not failed.ok and not failed.published
    assert any("procedure" in r["unique_id"] for r in failed.failures())
    assert warehouse_life.serving_sha_after_failure == warehouse_life.serving_sha_before_failure
    assert "left unchanged" in failed.describe()


def test_readers_never_fail_or_see_partial_data_while_builds_run(
    warehouse_life: WarehouseLife,
) -> None:
    """Read-only readers looping through a publish and a failed build always read whole marts."""
    reads = warehouse_life.reads
    assert reads, "the readers did not run"
    assert [r for r in reads if "error" in r] == []
    assert len({tuple(r["fingerprint"]) for r in reads}) == 1
    assert len({r["inode"] for r in reads}) >= 2, "no publish happened while readers read"


def test_build_result_describes_what_ran(warehouse_life: WarehouseLife) -> None:
    """The build's one-paragraph summary names the published file and what ran."""
    text = warehouse_life.full_refresh.describe()
    assert "build passed" in text and "unit_tests" in text
    assert str(warehouse_life.settings.serving_db) in text
