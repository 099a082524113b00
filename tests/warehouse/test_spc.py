"""marts.governance_metrics_spc against SPC worked out here, in plain Python, on the generated
24-month sample council: every metric, every month, every column.

The dbt unit tests (dbt_project/models/marts/governance/_governance__unit_tests.yml) pin each
rule on hand-worked series; this test checks the macro on a real council's series, whose limits
and runs nobody chose. The rules are written out again below from the issue's wording, not from
the SQL.
"""

from __future__ import annotations

import datetime as dt
import itertools
from dataclasses import dataclass

import duckdb
import pytest

from caregov.settings import Settings

MINIMUM_POINTS = 15
LIMIT = 2.66
NEAR = 2 * (LIMIT / 3)
SCREEN = 3.267


@dataclass
class Expected:
    mean: float | None
    ucl: float | None
    lcl: float | None
    special_cause: bool
    rules: str
    variation: str | None
    assurance: str | None


def _runs(flags: list[int], length: int) -> set[int]:
    """Indexes of items in a run of at least `length` equal, non-zero items."""
    found: set[int] = set()
    start = 0
    for end in range(1, len(flags) + 1):
        if end == len(flags) or flags[end] != flags[start]:
            if flags[start] != 0 and end - start >= length:
                found |= set(range(start, end))
            start = end
    return found


def expected_spc(values: list[float | None], polarity: str, target: float | None) -> list[Expected]:
    """SPC of one metric's monthly values (None: a month without a value), per issue 18."""
    points = [v for v in values if v is not None]
    if len(points) < MINIMUM_POINTS:
        return [Expected(None, None, None, False, "", "insufficient_data", None) for _ in values]
    mean = sum(points) / len(points)
    ranges = [abs(b - a) for a, b in itertools.pairwise(points)]
    unscreened = sum(ranges) / len(ranges)
    kept = [r for r in ranges if r < SCREEN * unscreened]
    amr = sum(kept) / len(kept) if kept else None
    ucl = lcl = near_ucl = near_lcl = None
    if amr is not None:
        ucl, lcl = mean + LIMIT * amr, mean - LIMIT * amr
        near_ucl, near_lcl = mean + NEAR * amr, mean - NEAR * amr

    sides = [(p > mean) - (p < mean) for p in points]
    outside = [ucl is not None and lcl is not None and (p > ucl or p < lcl) for p in points]
    near = [
        not out and near_ucl is not None and near_lcl is not None and (p > near_ucl or p < near_lcl)
        for p, out in zip(points, outside, strict=True)
    ]
    shift = _runs(sides, 7)
    # A step's direction; a run of 6 equal steps covers 7 points (the step's two ends).
    steps = [(b > a) - (b < a) for a, b in itertools.pairwise(points)]
    trend = {i + k for i in _runs(steps, 6) for k in (0, 1)}
    two_of_three: set[int] = set()
    for start in range(len(points) - 2):
        window = range(start, start + 3)
        same_side = sides[start] != 0 and all(sides[i] == sides[start] for i in window)
        if same_side and sum(near[i] for i in window) >= 2:
            two_of_three |= {i for i in window if near[i]}

    if target is None or polarity not in ("higher_is_better", "lower_is_better"):
        assurance = None
    elif polarity == "higher_is_better":
        assurance = (
            "consistently_pass"
            if lcl is not None and lcl > target
            else "consistently_fail"
            if ucl is not None and ucl < target
            else "hit_and_miss"
        )
    else:
        assurance = (
            "consistently_pass"
            if ucl is not None and ucl < target
            else "consistently_fail"
            if lcl is not None and lcl > target
            else "hit_and_miss"
        )

    out, index = [], 0
    for value in values:
        if value is None:
            out.append(Expected(mean, ucl, lcl, False, "", None, assurance))
            continue
        rules = [
            name
            for name, members in (
                ("outside_limits", {i for i, o in enumerate(outside) if o}),
                ("shift", shift),
                ("trend", trend),
                ("two_of_three", two_of_three),
            )
            if index in members
        ]
        good = (polarity == "higher_is_better" and value > mean) or (
            polarity == "lower_is_better" and value < mean
        )
        if not rules:
            variation = "common_cause"
        elif polarity not in ("higher_is_better", "lower_is_better"):
            variation = "special_cause"
        else:
            variation = "improvement" if good else "concern"
        out.append(Expected(mean, ucl, lcl, bool(rules), ",".join(rules), variation, assurance))
        index += 1
    return out


@pytest.fixture(scope="module")
def spc_rows(sample_warehouse: Settings) -> list[tuple]:
    with duckdb.connect(str(sample_warehouse.serving_db), read_only=True) as con:
        return con.execute(
            "select spc.metric_id, spc.period_end, spc.value, spc.mean, spc.ucl, spc.lcl,"
            " spc.special_cause, spc.rules, spc.variation, spc.assurance, metrics.value,"
            " catalogue.polarity, catalogue.target"
            " from marts.governance_metrics as metrics"
            " left join marts.governance_metrics_spc as spc using (metric_id, period_end)"
            " join marts.metric_catalogue as catalogue using (metric_id)"
            " order by metrics.metric_id, metrics.period_end"
        ).fetchall()


def test_the_mart_matches_spc_worked_out_in_python(spc_rows: list[tuple]) -> None:
    """Every row's mean, limits, special cause, rules, variation and assurance equal those
    computed here from the metric's series in governance_metrics."""
    by_metric: dict[str, list[tuple]] = {}
    for row in spc_rows:
        by_metric.setdefault(row[0], []).append(row)
    assert len(by_metric) == 25  # 18 monthly metrics and 7 yearly ASCOF measures
    # Two financial years are far too few points for SPC: not judged, never special cause.
    yearly = {(row[6], row[8], row[9]) for row in spc_rows if str(row[0]).startswith("ascof_")}
    assert yearly == {(False, "insufficient_data", None)}
    for metric_id, rows in by_metric.items():
        polarity, target = rows[0][11], rows[0][12]
        expected = expected_spc([row[10] for row in rows], polarity, target)
        for row, want in zip(rows, expected, strict=True):
            period_end: dt.date = row[1]
            where = f"{metric_id} {period_end}"
            assert row[2] == row[10], where
            for got, wanted in zip(row[3:6], (want.mean, want.ucl, want.lcl), strict=True):
                if wanted is None:  # too few points (the yearly ASCOF measures): no limits
                    assert got is None, where
                else:
                    assert got == pytest.approx(wanted, rel=1e-9, abs=1e-12), where
            assert row[6:10] == (
                want.special_cause,
                want.rules,
                want.variation,
                want.assurance,
            ), where


def test_the_sample_council_exercises_every_rule(spc_rows: list[tuple]) -> None:
    """The comparison above means something: the council's series meet each of the four rules,
    both kinds of special-cause variation, and every assurance."""
    rules = {rule for row in spc_rows for rule in (row[7] or "").split(",") if rule}
    assert rules == {"outside_limits", "shift", "trend", "two_of_three"}
    assert {"improvement", "concern", "special_cause", "common_cause"} <= {r[8] for r in spc_rows}
    assert {"consistently_pass", "consistently_fail", "hit_and_miss", None} == {
        r[9] for r in spc_rows
    }
