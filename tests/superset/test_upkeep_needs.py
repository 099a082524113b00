"""A dashboard that needs the national returns waits for them instead of failing the check."""

from __future__ import annotations

import duckdb

from caregov.settings import Settings
from caregov_superset.assets import dashboard_needs
from caregov_superset.upkeep import HealthReport, undelivered

NATIONAL = {"cld_events", "asc_wds_workers", "asc_wds_workplaces", "population_estimates"}


def _serving(settings: Settings, loaded: dict[str, str | None]) -> None:
    """A serving warehouse whose data_freshness says when each entity was last loaded."""
    settings.serving_db.parent.mkdir(parents=True, exist_ok=True)
    with duckdb.connect(str(settings.serving_db)) as con:
        con.execute("create schema marts")
        con.execute("create table marts.data_freshness (entity varchar, last_loaded_at timestamp)")
        con.executemany("insert into marts.data_freshness values (?, ?)", list(loaded.items()))


def test_national_returns_dashboard_needs_the_national_returns() -> None:
    """The national-returns dashboard names the four national entities; the others need none."""
    needs = dashboard_needs()
    assert set(needs["national-returns"]) == NATIONAL
    assert needs["governance-overview"] == ()


def test_undelivered_lists_the_needed_entities_never_loaded(settings: Settings) -> None:
    """Of the entities asked about, those data_freshness shows without a load are undelivered."""
    _serving(settings, {"cld_events": "2026-01-02 03:00:00", "asc_wds_workers": None,
                        "hr_workers": "2026-01-02 03:00:00"})  # fmt: skip
    assert undelivered(settings, NATIONAL) == {
        "asc_wds_workers", "asc_wds_workplaces", "population_estimates",
    }  # fmt: skip


def test_charts_waiting_for_data_do_not_fail_the_check() -> None:
    """A report with only waiting charts is ok and says which are waiting; an empty one is not."""
    waiting = HealthReport(
        {"national-returns": 11}, [], ["national-returns: x (no cld_events yet)"]
    )
    assert waiting.ok
    assert "1 waiting for their first delivery" in waiting.describe()
    assert not HealthReport({"workforce": 8}, ["workforce: turnover"]).ok
