"""A regional hub, end to end: the same extracts delivered as two councils (E1, E2) and another
council's as a third (E3), ingested by three processes at once, built and published. Each
council's figures equal those of the same extracts built as a single council; the region's
counts are the sums, its rates the pooled ratios and its median the median of the pooled items,
all worked out here from the delivered files; the same person has a different pseudonym in each
council."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import hmac
import shutil
import statistics
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import duckdb
import psycopg
import pytest

from caregov.settings import Settings
from tests.conftest import VENV_BIN, home_environ
from tests.warehouse.postgres import private_database
from warehouse.build import build_and_publish

KEYS = {code: f"{code.lower()}-region-build-key-0123456789abcdef" for code in ("E1", "E2", "E3")}
SEEDS = {"E1": 7, "E2": 7, "E3": 11}  # E1 and E2 deliver the same extracts
D = dt.date(2025, 3, 31)  # the last month end of the extracts
# Marts whose every column is a figure of the council's data (not of when it was loaded).
COMPARED = (
    "governance_metrics", "governance_metrics_spc", "governance_scorecard", "governance_notes",
    "ascof_measures", "workforce_monthly", "workforce_sfc", "waiting_list_monthly",
    "complaints_monthly", "finance_monthly", "provider_payments_monthly",
    "improvement_progress", "improvement_action_tracker", "cld_activity_quarterly",
    "cld_waiting_times_quarterly",
)  # fmt: skip


NEXT = dt.date(2025, 4, 30)  # E3's (seed 11's) next month, delivered by the last test


def _generate(out: Path, seed: int) -> Path:
    """Three months of a council's extracts; seed 11's fourth month is generated with them (so
    it continues the same story) but held back in `<out>-next/`."""
    from caregov.sample import generate_council

    months = 4 if seed == 11 else 3
    generate_council(out, seed=seed, start="2025-01", months=months, scale=0.1, national=True)
    for path in sorted(out.rglob(f"*_{NEXT}.*")):
        held = Path(f"{out}-next") / path.relative_to(out)
        held.parent.mkdir(parents=True, exist_ok=True)
        path.rename(held)
    return out


def _quiet(_line: str) -> None:
    pass


@pytest.fixture(scope="module")
def region(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    root = tmp_path_factory.mktemp("region-build")
    extracts = {seed: _generate(root / f"seed-{seed}", seed) for seed in set(SEEDS.values())}
    # Each set of extracts built as a single council (today's layout and key).
    singles = {}
    for seed, folder in extracts.items():
        home = root / f"single-{seed}"
        home.mkdir()
        settings = Settings.from_env(home_environ(home))
        from ingestion.deliveries import ingest_paths

        outcomes = ingest_paths(settings, [folder], _quiet)
        # Rows the sample's CLD submissions hold back on purpose are the only ones quarantined: the
        # files the figures below are worked out from load whole.
        assert all(o.status == "loaded" for o in outcomes)
        assert all(not o.rows_quarantined for o in outcomes if o.entity != "cld_events")
        assert build_and_publish(settings).ok
        singles[seed] = settings
    # The hub: three councils delivering into landing/<la_code>/, ingested concurrently.
    home = root / "hub"
    home.mkdir()
    (home / "councils.csv").write_text("la_code,name\nE1,One\nE2,Two\nE3,Three\n")
    for code, seed in SEEDS.items():
        shutil.copytree(extracts[seed], home / "landing" / code)
    env = home_environ(home)
    env.pop("CAREGOV_PSEUDONYM_KEY")
    env.update({f"CAREGOV_PSEUDONYM_KEY_{code}": key for code, key in KEYS.items()})
    ingests = [
        subprocess.Popen(
            [str(VENV_BIN / "caregov"), "ingest", str(home / "landing" / code)],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        for code in SEEDS
    ]
    outputs = [(p.wait(timeout=900), p.stdout.read() if p.stdout else "") for p in ingests]
    assert all(status == 0 for status, _ in outputs), outputs
    settings = Settings.from_env(env)
    result = build_and_publish(settings)
    assert result.ok, result.describe()
    return {"settings": settings, "singles": singles, "extracts": extracts, "env": env}


def _rows(serving: Path, table: str, where: str = "") -> set[tuple]:
    with duckdb.connect(str(serving), read_only=True) as con:
        columns = [
            c for (c,) in con.execute(
                "select column_name from duckdb_columns() where schema_name = 'marts'"
                " and table_name = ? and column_name != 'la_code' order by column_index", [table],
            ).fetchall()
        ]  # fmt: skip
        query = f'select {", ".join(columns)} from marts."{table}" {where}'
        return {tuple(_rounded(v) for v in row) for row in con.execute(query).fetchall()}


def _rounded(value: Any) -> Any:
    return round(value, 9) if isinstance(value, float) else value


def _metric(serving: Path, la_code: str, metric_id: str, at: dt.date = D) -> tuple:
    with duckdb.connect(str(serving), read_only=True) as con:
        found = con.execute(
            "select value, numerator, denominator from marts.governance_metrics"
            " where la_code = ? and metric_id = ? and period_end = ?",
            [la_code, metric_id, at],
        ).fetchall()
    assert len(found) == 1, (la_code, metric_id, found)
    return found[0]


def test_each_councils_figures_equal_its_single_council_build(region: dict[str, Any]) -> None:
    serving = region["settings"].serving_db
    for code, seed in SEEDS.items():
        for table in COMPARED:
            single = _rows(region["singles"][seed].serving_db, table)
            assert single, table
            assert _rows(serving, table, f"where la_code = '{code}'") == single, (code, table)


# -- the region's figures, worked out from the delivered files --------------------------------


def _csv(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8-sig") as handle:
        return list(csv.DictReader(handle))


def _current(folder: Path, entity: str, key: str) -> list[dict[str, str]]:
    """A delta entity's current version of each key: the row of its latest as-at file."""
    current: dict[str, dict[str, str]] = {}
    for path in sorted(folder.glob(f"{entity}_*.csv")):  # names sort by as-at date
        for row in _csv(path):
            current[row[key]] = row
    return list(current.values())


def _date(text: str) -> dt.date | None:
    return dt.date.fromisoformat(text) if text else None


def _complaints_received(extracts: Path) -> int:
    return sum(
        row["procedure"] == "asc_statutory"
        and _date(row["received_date"]).replace(day=1)  # type: ignore[union-attr]
        == D.replace(day=1)
        for row in _current(extracts / "complaints", "complaints", "complaint_id")
    )


def _turnover(extracts: Path) -> tuple[int, int]:
    """Leavers in (D-12m, D] and jobs in post at D, permanent or temporary, from D's snapshot."""
    jobs = [
        row for row in _csv(extracts / "hr" / f"hr_workers_{D}.csv")
        if row["employment_status"] in ("permanent", "temporary")
    ]  # fmt: skip
    year_before = D.replace(year=D.year - 1)
    leavers = sum(
        (left := _date(row["leave_date"])) is not None and year_before < left <= D for row in jobs
    )
    in_post = sum(
        _date(row["start_date"]) <= D  # type: ignore[operator]
        and ((left := _date(row["leave_date"])) is None or left > D)
        for row in jobs
    )
    return leavers, in_post


def _waits(extracts: Path) -> list[int]:
    """Days waited at D by each assessment requested by D and neither started nor ended by D."""
    waits = []
    for row in _current(extracts / "case_management", "cm_events", "event_id"):
        requested = _date(row["requested_date"])
        if row["event_type"] != "Assessment" or requested is None or requested > D:
            continue
        if any((day := _date(row[c])) is not None and day <= D
               for c in ("event_start_date", "event_end_date")):  # fmt: skip
            continue
        waits.append((D - requested).days)
    return waits


def test_the_regions_counts_rates_and_median_are_pooled_from_the_councils_data(
    region: dict[str, Any],
) -> None:
    serving = region["settings"].serving_db
    extracts = [region["extracts"][seed] for seed in SEEDS.values()]  # E1, E2, E3

    received = [_complaints_received(folder) for folder in extracts]
    assert _metric(serving, "E3", "complaints_received")[0] == received[2]
    assert _metric(serving, "REGION", "complaints_received")[:2] == (sum(received),) * 2

    turnover = [_turnover(folder) for folder in extracts]
    leavers, in_post = (sum(t[0] for t in turnover), sum(t[1] for t in turnover))
    assert _metric(serving, "E1", "workforce_turnover_rate_12m") == pytest.approx(
        (turnover[0][0] / turnover[0][1], *turnover[0])
    )
    assert _metric(serving, "REGION", "workforce_turnover_rate_12m") == pytest.approx(
        (leavers / in_post, leavers, in_post)
    )
    # Not the average of the councils' rates (E3's differs, so the two are not equal).
    rates = [t[0] / t[1] for t in turnover]
    assert abs(sum(rates) / 3 - leavers / in_post) > 1e-9

    waits = [_waits(folder) for folder in extracts]
    assert _metric(serving, "E3", "waiting_median_wait_days")[0] == statistics.median(waits[2])
    pooled = [w for council in waits for w in council]
    assert _metric(serving, "REGION", "waiting_median_wait_days") == pytest.approx(
        (statistics.median(pooled), None, len(pooled))
    )


def test_every_regional_rate_is_its_summed_numerator_over_its_summed_denominator(
    region: dict[str, Any],
) -> None:
    """Over every metric, month and ASCOF measure: the REGION row against the councils' rows."""
    with duckdb.connect(str(region["settings"].serving_db), read_only=True) as con:
        wrong = con.execute(
            """select r.metric_id, r.period_end, r.value, sum(c.numerator), sum(c.denominator)
               from marts.governance_metrics r join marts.governance_metrics c
                 on c.metric_id = r.metric_id and c.period_end = r.period_end
                and c.la_code != 'REGION'
               where r.la_code = 'REGION' and r.metric_id != 'waiting_median_wait_days'
               group by all
               having count(*) != 3
                   or abs(r.numerator - sum(c.numerator)) > 1e-9
                   or abs(coalesce(r.denominator, 0) - coalesce(sum(c.denominator), 0)) > 1e-9
                   or abs(r.value - case when r.unit = 'count' then sum(c.numerator)
                          else sum(c.numerator) / nullif(sum(c.denominator), 0) end) > 1e-9"""
        ).fetchall()
        assert wrong == []
        ascof = con.execute(
            """select r.measure, r.age_band, r.financial_year, r.value,
                      sum(c.numerator), sum(c.denominator)
               from marts.ascof_measures r join marts.ascof_measures c
                 using (financial_year, measure, age_band)
               where r.la_code = 'REGION' and c.la_code != 'REGION'
               group by all"""
        ).fetchall()
        assert ascof
        for measure, _band, _year, value, numerator, denominator in ascof:
            per = 100_000 if measure in ("2B", "2C") else 1
            assert value == pytest.approx(numerator * per / denominator if denominator else None)
        # The ASCOF measures in governance_metrics (checked with the rest above: 2B and 2C over the
        # population in hundreds of thousands) give the region the same figure as its ASCOF mart.
        in_metrics = con.execute(
            """select m.metric_id, m.value, a.value
               from marts.governance_metrics m join marts.ascof_measures a
                 on a.la_code = m.la_code and m.metric_id = 'ascof_' || lower(a.measure)
                and a.reported_to = m.period_end
                and a.age_band = case a.measure when '2B' then '18-64' when '2C' then '65+'
                                 else 'all' end
               where m.la_code = 'REGION'"""
        ).fetchall()
        assert {row[0] for row in in_metrics} == {
            "ascof_2a", "ascof_2b", "ascof_2c", "ascof_2e", "ascof_2e_ld", "ascof_3d_1a",
            "ascof_3d_2a",
        }  # fmt: skip
        for metric_id, value, measured in in_metrics:
            assert (value is None) == (measured is None), metric_id
            if value is not None:
                assert value == pytest.approx(measured, rel=1e-12), metric_id
        spc = con.execute(
            "select la_code, count(*) from marts.governance_metrics_spc group by 1 order by 1"
        ).fetchall()
        metrics = con.execute(
            "select la_code, count(*) from marts.governance_metrics group by 1 order by 1"
        ).fetchall()
    assert spc == metrics and [code for code, _ in spc] == ["E1", "E2", "E3", "REGION"]


def test_the_same_person_has_a_different_pseudonym_in_each_council(
    region: dict[str, Any],
) -> None:
    settings = region["settings"]
    delivered = _csv(region["extracts"][7] / "hr" / f"hr_workers_{D}.csv")
    with duckdb.connect() as con:
        rows = con.execute(
            f"select _la_code, job_id, person_id from read_parquet("
            f"'{settings.raw}/hr_workers/*/*/*.parquet') where _source_file = ?",
            [f"hr_workers_{D}.csv"],
        ).fetchall()
    lake = {(code, job): person for code, job, person in rows}
    for row in delivered:
        people = {
            code: hmac.new(
                KEYS[code].encode(), row["person_id"].encode(), hashlib.sha256
            ).hexdigest()
            for code in ("E1", "E2")
        }
        assert lake[("E1", row["job_id"])] == people["E1"]
        assert lake[("E2", row["job_id"])] == people["E2"]
        assert people["E1"] != people["E2"]


@pytest.fixture
def catalog() -> Iterator[str]:
    """A DuckLake catalog database of this test's own on the local PostgreSQL; dropped after."""
    with private_database("region_catalog") as dsn:
        yield dsn


def test_the_hub_built_into_one_shared_ducklake_serves_the_same_marts(
    region: dict[str, Any], catalog: str, tmp_path: Path
) -> None:
    """The same hub (its lake and ledger) built into one DuckLake, every council in the same
    schemas: the published marts, every council's rows and the region's, equal those of the hub
    built into a DuckDB file."""
    settings = region["settings"]
    home = tmp_path / "hub-ducklake"
    shutil.copytree(settings.home, home, ignore=shutil.ignore_patterns("warehouse"))
    lake = Settings.from_env(
        region["env"] | {"CAREGOV_HOME": str(home), "CAREGOV_WAREHOUSE_CATALOG": catalog}
    )
    result = build_and_publish(lake, full_refresh=True)
    assert result.ok, result.describe()
    assert not list((home / "warehouse").rglob("build.duckdb"))
    with duckdb.connect() as con:
        con.execute(f"attach '{settings.serving_db}' as files (read_only)")
        con.execute(f"attach '{lake.serving_db}' as ducklake (read_only)")
        tables = [t for (t,) in con.execute(
            "select table_name from duckdb_tables() where database_name = 'files'"
            " and schema_name = 'marts' order by 1").fetchall()]  # fmt: skip
        assert "governance_metrics" in tables and len(tables) > 10
        for table in tables:
            (differ,) = con.execute(
                f'select count(*) from (select * from files.marts."{table}" except all'
                f' select * from ducklake.marts."{table}" union all'
                f' select * from ducklake.marts."{table}" except all'
                f' select * from files.marts."{table}")'
            ).fetchone() or (None,)
            assert differ == 0, table
    with psycopg.connect(catalog) as pg:
        schemas = {s for (s,) in pg.execute("select schema_name from ducklake_schema"
                                             " where end_snapshot is null").fetchall()}  # fmt: skip
    assert {"marts", "region"} <= schemas


def test_a_councils_next_delivery_builds_incrementally_to_its_single_council_figures(
    region: dict[str, Any],
) -> None:
    """E3 delivers its next month; the hub's nightly (incremental) build gives E3 the figures of
    the same four months built in full as a single council, leaves E1 and E2 as they were, and
    extends the region by E3's month. (Last in this module: it changes the hub.)"""
    from ingestion.deliveries import ingest_paths

    settings, single = region["settings"], region["singles"][11]
    held = Path(f"{region['extracts'][11]}-next")
    before = {code: _rows(settings.serving_db, "governance_metrics", f"where la_code = '{code}'")
              for code in ("E1", "E2")}  # fmt: skip
    outcomes = ingest_paths(settings, [held], _quiet, la_code="E3")
    assert outcomes and all(o.status == "loaded" for o in outcomes)
    nightly = build_and_publish(settings)
    assert nightly.ok, nightly.describe()
    assert "seed.caregov.england_wales_bank_holidays" not in {
        n.unique_id for n in nightly.run_results.nodes
    }
    assert all(o.status == "loaded" for o in ingest_paths(single, [held], _quiet))
    assert build_and_publish(single, full_refresh=True).ok
    for table in COMPARED:
        assert _rows(settings.serving_db, table, "where la_code = 'E3'") == _rows(
            single.serving_db, table
        ), table
    for code, rows in before.items():
        assert _rows(settings.serving_db, "governance_metrics", f"where la_code = '{code}'") == rows
    received = [
        _metric(settings.serving_db, code, "complaints_received", NEXT)[0]
        for code in ("E3", "REGION")
    ]
    assert received[0] == received[1]  # only E3 has reached April
