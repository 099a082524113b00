"""The SPC chart's marks and the words the pack uses, on small made-up metrics."""

from __future__ import annotations

import datetime as dt
import re

from boardpack.chart import COLOURS, spc_chart
from boardpack.content import Metric, Point, months_before
from boardpack.words import value_words, variation_words

END = dt.date(2026, 3, 31)


def _metric(
    values: list[float | None], variation: str = "common_cause", **fields: object
) -> Metric:
    days = [months_before(END, len(values) - 1 - n) for n in range(len(values))]
    base: dict[str, object] = {
        "metric_id": "made_up",
        "title": "Made-up measure",
        "definition": "",
        "unit": "count",
        "polarity": "lower_is_better",
        "quality_statement": "QS8",
        "target": None,
        "amber_threshold": None,
        "source_standard": "",
        "area": "workforce",
        "month_end": END,
        "points": tuple(
            Point(
                day,
                value,
                variation != "common_cause",
                "",
                variation if value is not None else None,
            )
            for day, value in zip(days, values, strict=True)
        ),
        "mean": None,
        "ucl": None,
        "lcl": None,
        "assurance": None,
    }
    return Metric(**{**base, **fields})  # type: ignore[arg-type]


def test_points_are_coloured_by_their_variation() -> None:
    """Special cause improvement is blue, concern orange; common cause grey."""
    improving = spc_chart(_metric([3, 2, 1], "improvement", mean=2.0, ucl=4.0, lcl=0.0))
    concern = spc_chart(_metric([1, 2, 3], "concern"))
    usual = spc_chart(_metric([1, 2, 3]))
    assert improving.count(f'fill="{COLOURS["improvement"]}"') == 3
    assert concern.count(f'fill="{COLOURS["concern"]}"') == 3
    assert usual.count(f'fill="{COLOURS["common_cause"]}"') == 3


def test_a_month_without_a_value_breaks_the_line() -> None:
    """Values either side of an empty month are two lines, not one joined across it."""
    chart = spc_chart(_metric([1, 2, None, 4, 5]))
    assert chart.count("<polyline") == 2
    assert chart.count("<circle") == 4


def test_a_flat_series_and_an_empty_one_still_draw() -> None:
    """Equal values get a range around them; no values at all say so."""
    flat = spc_chart(_metric([0, 0, 0], mean=0.0))
    assert flat.count("<circle") == 3
    assert re.search(r'y1="(\d+\.\d)"', flat)
    assert "No values yet" in spc_chart(_metric([None, None]))


def test_values_read_in_their_units() -> None:
    """Rates as percentages, counts whole with thousands separators, days to a tenth."""
    assert value_words(0.10914, "rate") == "10.9%"
    assert value_words(1234.0, "count") == "1,234"
    assert value_words(28.25, "days") == "28.2 days"
    assert value_words(None, "rate") == "no value"


def test_variation_names_the_rules_it_meets() -> None:
    """A special-cause month says which rules it meets, in words."""
    assert variation_words("concern", "outside_limits,trend") == (
        "Special cause variation: concern (outside the control limits; 7 or more months in a row"
        " each rising or each falling)"
    )
    assert variation_words(None, "") == "No value this month"
