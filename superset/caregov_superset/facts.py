"""What the dashboards take from the serving warehouse at sync time.

A chart's target line comes from the metric catalogue (the seed a council reviews), a headline
number's comparison text from the scorecard, team names from the team-level marts, and the
governance lead's notes (shown as annotations) from marts.governance_notes. Reading
them at sync keeps one source for each: `refresh_dashboards` syncs after every publish, so a
changed target or a new month reaches the dashboards with the numbers.

A regional hub's dashboards take neither comparison texts nor notes: both would be written into
the dashboards as text, where row-level security cannot reach, and they are each council's own
(docs/scale-out.md, *Reading a hub's dashboards*). What a hub reads instead is which marts have
the region's pooled rows, for the Council filter's default.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import duckdb

from caregov.settings import REGION_CODE, Settings
from caregov_superset.annotations import Note
from caregov_superset.charts import Target


@dataclass(frozen=True)
class WarehouseFacts:
    """Targets and comparison texts by metric id; team names by team id. In a hub,
    `region_tables` names the marts that have the region's pooled rows (la_code REGION); it is
    None for a single council."""

    targets: dict[str, Target] = field(default_factory=dict)
    comparisons: dict[str, str] = field(default_factory=dict)
    team_names: dict[str, str] = field(default_factory=dict)
    notes: list[Note] = field(default_factory=list)
    region_tables: frozenset[str] | None = None

    @property
    def hub(self) -> bool:
        return self.region_tables is not None


def read_facts(settings: Settings, team_tables: list[tuple[str, str, str]]) -> WarehouseFacts:
    """Read the facts; `team_tables` are (table, team id column, team name column)."""
    with duckdb.connect(str(settings.serving_db), read_only=True) as con:
        if settings.hub:
            return WarehouseFacts(
                targets=_targets(con),
                team_names=_team_names(con, team_tables),
                region_tables=_region_tables(con),
            )
        targets = _targets(con)
        comparisons = {
            metric_id: comparison(period_end, on_month, on_year)
            for metric_id, period_end, on_month, on_year in con.execute(
                "select metric_id, period_end, change_on_month_display, change_on_year_display"
                " from marts.governance_scorecard"
            ).fetchall()
        }
        notes = [
            Note(*row)
            for row in con.execute(
                "select note_id, note_type, note_date, metric_id, metric_title, note_title, detail"
                " from marts.governance_notes order by note_date, note_id"
            ).fetchall()
        ]
        names = _team_names(con, team_tables)
    return WarehouseFacts(targets, comparisons, names, notes)


def _targets(con: duckdb.DuckDBPyConnection) -> dict[str, Target]:
    return {
        metric_id: Target(float(target), f"Target {display}")
        for metric_id, target, display in con.execute(
            "select metric_id, target, target_display from marts.metric_catalogue"
            " where target is not null"
        ).fetchall()
    }


def _team_names(
    con: duckdb.DuckDBPyConnection, team_tables: list[tuple[str, str, str]]
) -> dict[str, str]:
    names: dict[str, str] = {}
    for table, id_column, name_column in team_tables:
        names.update(
            con.execute(
                f'select distinct "{id_column}", "{name_column}" from marts."{table}"'
                f' where "{id_column}" is not null'
            ).fetchall()
        )
    return names


def _region_tables(con: duckdb.DuckDBPyConnection) -> frozenset[str]:
    """The marts with a row of the region's pooled figures (la_code REGION)."""
    tables = [
        table
        for (table,) in con.execute(
            "select table_name from duckdb_columns()"
            " where schema_name = 'marts' and column_name = 'la_code'"
        ).fetchall()
    ]
    return frozenset(
        table
        for table in tables
        if con.execute(
            f'select 1 from marts."{table}" where la_code = ? limit 1', [REGION_CODE]
        ).fetchone()
    )


def comparison(period_end: dt.date | None, on_month: str | None, on_year: str | None) -> str:
    """`−0.4 pp on Feb 2026 · −7.7 pp on Mar 2025`: the change on the month before and on the
    same month a year before (percentage points for rates)."""
    if period_end is None:
        return ""
    month_before = (period_end.replace(day=1) - dt.timedelta(days=1)).strftime("%b %Y")
    year_before = period_end.replace(year=period_end.year - 1, day=1).strftime("%b %Y")
    parts = [
        f"{change} on {when}"
        for change, when in ((on_month, month_before), (on_year, year_before))
        if change
    ]
    return " · ".join(parts)
