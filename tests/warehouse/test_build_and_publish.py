"""Building and publishing the warehouse: blue/green semantics, incremental equivalence, marts."""

from __future__ import annotations

import json

import duckdb

from caregov.settings import Settings
from tests.warehouse.conftest import MARTS, WarehouseLife
from warehouse.build import BuildResult

# The synthetic lake holds the council's own extracts, none of the national returns.
NEVER_DELIVERED = {"cld_events", "asc_wds_workers", "asc_wds_workplaces", "population_estimates"}


def test_build_publishes_every_marts_table_and_the_manifest(warehouse: Settings) -> None:
    """A green build leaves the contract tables in schema marts and the dbt manifest beside."""
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
    """With no improvement_actions, hr_posts or provider_invoices files the build passes and only
    their metrics are missing."""
    assert warehouse_life.first.ok
    for missing in (
        "improvement_actions_complete_rate",
        "workforce_vacancy_rate",
        "finance_avg_days_to_pay",
    ):
        assert missing not in warehouse_life.first_metric_ids
    assert "waiting_awaiting_assessment" in warehouse_life.first_metric_ids
    assert "workforce_turnover_rate_12m" in warehouse_life.first_metric_ids


def test_full_refresh_gives_the_same_marts_as_the_incremental_build(
    warehouse_life: WarehouseLife,
) -> None:
    """Incremental builds after more deliveries (a new month with the first deliveries of three
    entities, then one more cm_events delivery in that month) give the marts a full refresh of
    the same lake gives."""
    assert warehouse_life.incremental.ok and warehouse_life.same_month.ok
    assert warehouse_life.full_refresh.ok
    assert warehouse_life.incremental_marts == warehouse_life.full_refresh_marts


def test_incremental_models_are_incremental(warehouse_life: WarehouseLife) -> None:
    """The large delta entities' current-state models, and the waiting-list items and overdue
    reviews built on cm_events, are built incrementally."""
    results = {r.unique_id: r for r in warehouse_life.incremental.run_results.nodes}
    manifest = json.loads((warehouse_life.settings.warehouse / "manifest.json").read_text())
    for model in (
        "int_cm_events_current",
        "int_complaints_current",
        "int_cm_queue_items_waiting_monthly",
        "int_cm_people_overdue_for_review_monthly",
        "int_cm_review_event_people_accumulated",
    ):
        assert results[f"model.caregov.{model}"].status == "success"
        node = manifest["nodes"][f"model.caregov.{model}"]
        assert node["config"]["materialized"] == "incremental"


def test_current_versions_are_stored_in_load_order(warehouse_life: WarehouseLife) -> None:
    """The four current-version tables keep their rows in load order, through a full refresh
    and the incremental runs after it, so the rows a delta replaces are together at the end."""
    with duckdb.connect(str(warehouse_life.settings.build_db), read_only=True) as con:
        for model in (
            "int_cm_events_current",
            "int_cm_people_current",
            "int_complaints_current",
            "int_provider_invoices_current",
        ):
            loads, out_of_order = con.execute(
                f"""select count(distinct loaded_at), count(*) filter (where loaded_at < before)
                    from (select loaded_at, lag(loaded_at) over (order by rowid) as before
                          from intermediate.{model})"""
            ).fetchone()
            assert loads > 1, model
            assert out_of_order == 0, model


def _ran(result: BuildResult) -> set[str]:
    return {r.unique_id for r in result.run_results.nodes}


def test_nightly_build_runs_what_new_loads_can_change(warehouse_life: WarehouseLife) -> None:
    """Unit tests and seeds run in the first build and in a full refresh. The nightly build after
    loads of every entity (starting a new month) runs every model and data test downstream of
    the entities delivered, plus data_freshness (it depends on today's date), and nothing else: no unit test,
    no seed, not the calendar built from the seeds alone, and no staging view but those of the
    entities delivered for the first time (the others read the new files as they are)."""
    for build in (warehouse_life.first, warehouse_life.full_refresh):
        assert {"unit_test", "seed", "test", "model"} <= {u.split(".", 1)[0] for u in _ran(build)}
    manifest = json.loads((warehouse_life.settings.warehouse / "manifest.json").read_text())
    downstream: set[str] = set()
    delivered = [
        unique_id
        for unique_id, source in manifest["sources"].items()
        if source["name"] not in NEVER_DELIVERED
    ]
    frontier = [*delivered, "model.caregov.data_freshness"]
    while frontier:
        node = frontier.pop()
        if node not in downstream:
            downstream.add(node)
            frontier += manifest["child_map"].get(node, [])
    views = {
        unique_id
        for unique_id, node in manifest["nodes"].items()
        if node["config"].get("materialized") == "view"
    }
    first_delivered = {
        "model.caregov.stg_improvement_plan__actions",
        "model.caregov.stg_hr__posts",
        "model.caregov.stg_finance__provider_invoices",
    }
    expected = {
        unique_id
        for unique_id in _ran(warehouse_life.full_refresh)
        if unique_id.split(".", 1)[0] in {"model", "test"} and unique_id in downstream
    }
    assert "model.caregov.int_calendar_days_numbered" not in expected
    assert first_delivered <= views & expected
    nightly = {u for u in _ran(warehouse_life.incremental) if not u.startswith("exposure.")}
    assert nightly == expected - views | first_delivered


def test_nightly_build_in_the_same_month_leaves_other_entities_marts_alone(
    warehouse_life: WarehouseLife,
) -> None:
    """After a cm_events delivery in a month already reported, the nightly build rebuilds the
    waiting lists and the governance metrics, but not the complaints, finance or workforce marts
    (their reported months did not change), and no staging view."""
    ran = {u.split(".")[-1] for u in _ran(warehouse_life.same_month) if u.startswith("model.")}
    assert {
        "int_cm_queue_items_waiting_monthly",
        "waiting_list_monthly",
        "governance_metrics",
    } <= ran
    assert not {"complaints_monthly", "finance_monthly", "workforce_monthly"} & ran
    assert not [name for name in ran if name.startswith("stg_")]


def test_nightly_build_keeps_the_manifest_published_with_the_same_code(
    warehouse_life: WarehouseLife,
) -> None:
    """A nightly build writes no dbt manifest (nothing in it changed): the published one stays,
    and a full build publishes its own."""
    ids = warehouse_life.manifest_ids
    assert ids["incremental"] == ids["first"]
    assert ids["full_refresh"] != ids["first"]


def test_failed_build_leaves_the_serving_warehouse_untouched(warehouse_life: WarehouseLife) -> None:
    """A lake row that breaks a dbt test fails the build; the serving file keeps its bytes."""
    failed = warehouse_life.failed
    assert not failed.ok and not failed.published
    assert any("procedure" in r.unique_id for r in failed.failures())
    assert warehouse_life.serving_sha_after_failure == warehouse_life.serving_sha_before_failure
    assert "left unchanged" in failed.describe()


def test_nightly_data_tests_check_the_rows_the_build_wrote(warehouse_life: WarehouseLife) -> None:
    """A nightly build tests only the rows it wrote on the large case-management models, and
    those rows are tested: a new event with an unknown status fails the build."""
    failed = warehouse_life.failed_on_events
    assert not failed.ok and not failed.published
    failing = [r.unique_id for r in failed.failures()]
    assert [u for u in failing if "int_cm_events_current_event_status" in u], failing
    compiled = next(r.compiled_code for r in failed.run_results.nodes if r.unique_id in failing)
    assert "dbt_invocation_id = '" in compiled


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
