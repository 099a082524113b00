"""What a nightly build selects, on a small hand-built dbt graph and ledger (no dbt run).

The graph (a published manifest's shape): lake sources cm_events, complaints and the ledger; a
staging view per source; int_lake_entities_reported_monthly reading both entity views;
events_current; waiting (events_current + the reported months); complaints_monthly (complaints
view + the reported months); data_freshness (ledger view); data tests on waiting and
complaints_monthly, a data test reading only views, and a unit test on waiting.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json

import pytest

from caregov.settings import Settings
from tests.warehouse.lake import write_ledger
from warehouse.scope import (
    build_state,
    built_by_other_code,
    nightly_scope,
    published_state_path,
    record_published_state,
)

JAN, FEB = dt.date(2025, 1, 31), dt.date(2025, 2, 1)
AT = dt.datetime(2025, 2, 2, 2, 0)

SOURCES = {
    "cm_events": ("case_management", "cm_events"),
    "complaints": ("complaints", "complaints"),
    "ledger": ("lake", "ledger"),
}
# name → (resource type, materialized, parents)
NODES = {
    "stg_events": ("model", "view", ["source:cm_events"]),
    "stg_complaints": ("model", "view", ["source:complaints"]),
    "stg_loads": ("model", "view", ["source:ledger"]),
    "int_lake_entities_reported_monthly": ("model", "table", ["stg_events", "stg_complaints"]),
    "events_current": ("model", "incremental", ["stg_events"]),
    "waiting": ("model", "table", ["events_current", "int_lake_entities_reported_monthly"]),
    "complaints_monthly": (
        "model",
        "table",
        ["stg_complaints", "int_lake_entities_reported_monthly"],
    ),
    "data_freshness": ("model", "table", ["stg_loads"]),
    "not_null_waiting_queue": ("test", "test", ["waiting"]),
    "not_null_complaints_monthly_procedure": ("test", "test", ["complaints_monthly"]),
    "ledger_rows_reconcile": ("test", "test", ["stg_loads", "stg_events"]),
    "waiting_unit_test": ("unit_test", "unit_test", ["waiting"]),
}


def _unique_id(name: str) -> str:
    if name.startswith("source:"):
        source, table = SOURCES[name.split(":", 1)[1]]
        return f"source.caregov.{source}.{table}"
    return f"{NODES[name][0]}.caregov.{name}"


def _write_manifest(settings: Settings) -> None:
    nodes, children = {}, {}
    for name, (kind, materialized, parents) in NODES.items():
        if kind == "unit_test":
            continue
        nodes[_unique_id(name)] = {
            "name": name,
            "resource_type": kind,
            "config": {"materialized": materialized},
            "depends_on": {"nodes": [_unique_id(p) for p in parents]},
        }
    for name, (_kind, _materialized, parents) in NODES.items():
        for parent in parents:
            children.setdefault(_unique_id(parent), []).append(_unique_id(name))
    sources = {
        _unique_id(f"source:{key}"): {"source_name": source, "name": table}
        for key, (source, table) in SOURCES.items()
    }
    manifest = {"nodes": nodes, "sources": sources, "child_map": children}
    settings.warehouse.mkdir(parents=True, exist_ok=True)
    (settings.warehouse / "manifest.json").write_text(json.dumps(manifest))


@pytest.fixture
def published(settings: Settings) -> Settings:
    """A home whose published build saw one January delivery of cm_events and none of
    complaints."""
    write_ledger(settings, "L1", "cm_events", JAN, "cm_events_2025-01-31.csv", 10, AT)
    _write_manifest(settings)
    settings.serving_db.touch()
    settings.build_db.touch()
    record_published_state(settings, build_state(settings))
    return settings


def _scope(settings: Settings) -> list[str]:
    return nightly_scope(settings, build_state(settings))


def test_without_new_loads_only_data_freshness_runs(published: Settings) -> None:
    """Nothing delivered since the published build: data_freshness (today's date) alone."""
    assert _scope(published) == ["data_freshness"]


def test_everything_runs_without_a_published_build_of_the_same_code(published: Settings) -> None:
    """No published state, other code, a state written by an older version, or no manifest:
    everything runs ([])."""
    state = build_state(published)
    assert nightly_scope(published, dataclasses.replace(state, code="changed")) == []
    old = {load: dataclasses.astuple(record)[:4] for load, record in state.loads.items()}
    published_state_path(published).write_text(json.dumps({"code": state.code, "loads": old}))
    assert _scope(published) == []
    record_published_state(published, state)
    (published.warehouse / "manifest.json").unlink()
    assert _scope(published) == []


def test_a_delivery_in_the_same_month_leaves_other_entities_monthly_models_alone(
    published: Settings,
) -> None:
    """A second January cm_events delivery rebuilds what reads cm_events, but not
    complaints_monthly, which reads the unchanged reported months only; the staging views stay,
    and the data test that reads only views is named."""
    write_ledger(published, "L2", "cm_events", JAN, "cm_events_2025-01-31b.csv", 5, AT)
    assert _scope(published) == [
        "data_freshness",
        "events_current",
        "int_lake_entities_reported_monthly",
        "ledger_rows_reconcile",
        "waiting",
    ]


def test_a_delivery_in_a_new_month_rebuilds_every_monthly_model(published: Settings) -> None:
    """The first February delivery moves the latest reported month of every entity."""
    write_ledger(published, "L2", "cm_events", FEB, "cm_events_2025-02-01.csv", 5, AT)
    assert "complaints_monthly" in _scope(published)


def test_a_councils_first_month_of_its_own_rebuilds_the_monthly_models(
    published: Settings,
) -> None:
    """In a hub each council's months end at its own latest delivery: council E2's first
    (January) delivery moves E2's latest month though the hub's latest stays January."""
    write_ledger(published, "L2", "cm_events", JAN, "cm_events_2025-01-31.csv", 5, AT, la_code="E2")
    assert "complaints_monthly" in _scope(published)


def test_an_entity_first_delivered_gets_its_staging_view_created_again(
    published: Settings,
) -> None:
    """Until complaints had files (a rejected file leaves none) its view was an empty relation:
    the first loaded file has it created again."""
    write_ledger(
        published, "L2", "complaints", JAN, "complaints_2025-01-30.csv", 0, AT, status="rejected"
    )
    record_published_state(published, build_state(published))
    write_ledger(published, "L3", "complaints", JAN, "complaints_2025-01-31.csv", 5, AT)
    assert _scope(published) == [
        "complaints_monthly",
        "data_freshness",
        "int_lake_entities_reported_monthly",
        "ledger_rows_reconcile",
        "stg_complaints",
        "waiting",
    ]


def test_a_rejected_file_changes_only_what_reads_the_ledger(published: Settings) -> None:
    """A rejected file puts no rows in the lake: only the ledger's models and tests run."""
    write_ledger(
        published, "L2", "complaints", FEB, "complaints_2025-02-01.csv", 0, AT, status="rejected"
    )
    assert _scope(published) == ["data_freshness", "ledger_rows_reconcile"]


def test_a_build_by_other_code_is_rebuilt_in_full(published: Settings) -> None:
    """Incremental tables written by other code (a release that adds a column) are rebuilt in
    full by the next build; with the same code, or nothing published, they are not."""
    state = build_state(published)
    assert not built_by_other_code(published, state)
    assert built_by_other_code(published, dataclasses.replace(state, code="changed"))
    published_state_path(published).unlink()
    assert not built_by_other_code(published, dataclasses.replace(state, code="changed"))
