"""The generator's calendar: delivery months, their as-at dates, and the history before them.

Dates inside the generator are proleptic ordinals (`date.toordinal()`), because simulating
hundreds of thousands of careers and case histories is mostly date arithmetic and comparison.
Month index 0 is the first delivered month; negative indexes are the history held before it.
"""

from __future__ import annotations

import datetime as dt
import random
from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TypeVar

T = TypeVar("T")

# Months of history simulated before the first delivery: hr_workers lists leavers of the 24
# months before each as-at, and the first 12-month turnover window needs 12 more.
HISTORY_MONTHS = 36


def add_months(year: int, month: int, delta: int) -> tuple[int, int]:
    index = year * 12 + (month - 1) + delta
    return index // 12, index % 12 + 1


def month_end(year: int, month: int) -> dt.date:
    next_year, next_month = add_months(year, month, 1)
    return dt.date(next_year, next_month, 1) - dt.timedelta(days=1)


def default_start(months: int, today: dt.date | None = None) -> str:
    """The first month of the `months` months ending with the last complete calendar month."""
    today = today or dt.date.today()
    year, month = add_months(today.year, today.month, -months)
    return f"{year:04d}-{month:02d}"


@dataclass
class Timeline:
    """Delivery months from `start` (YYYY-MM) for `months` months, plus HISTORY_MONTHS before."""

    start: str
    months: int
    month_starts: list[int] = field(init=False)

    def __post_init__(self) -> None:
        year, month = (int(part) for part in self.start.split("-"))
        self.first_year, self.first_month = year, month
        self.month_starts = []
        for offset in range(-HISTORY_MONTHS, self.months + 1):
            y, m = add_months(year, month, offset)
            self.month_starts.append(dt.date(y, m, 1).toordinal())
        self.end = self.as_at(self.months - 1)  # the last as-at date delivered
        # Month index of every simulated day (the generator asks millions of times).
        self._first_day = self.month_starts[0]
        self._month_of_day = [
            index - HISTORY_MONTHS
            for index in range(len(self.month_starts) - 1)
            for _ in range(self.month_starts[index], self.month_starts[index + 1])
        ]

    def month_start(self, index: int) -> int:
        position = index + HISTORY_MONTHS
        if 0 <= position < len(self.month_starts):
            return self.month_starts[position]
        year, month = add_months(self.first_year, self.first_month, index)
        return dt.date(year, month, 1).toordinal()

    def as_at(self, index: int) -> int:
        """The delivery of month `index` is as at that month's last day."""
        return self.month_starts[index + HISTORY_MONTHS + 1] - 1

    def ym(self, index: int) -> tuple[int, int]:
        return add_months(self.first_year, self.first_month, index)

    @property
    def history_start(self) -> int:
        return self.month_starts[0]

    def index_of(self, ordinal: int) -> int:
        """Month index of a date; dates before the simulated history count as its first month."""
        offset = ordinal - self._first_day
        if 0 <= offset < len(self._month_of_day):
            return self._month_of_day[offset]
        position = bisect_right(self.month_starts, ordinal) - 1
        return max(position, 0) - HISTORY_MONTHS

    def delivery_of(self, ordinal: int) -> int:
        """The delivery a change on `ordinal` first appears in (0 for anything before start)."""
        offset = ordinal - self._first_day
        if 0 <= offset < len(self._month_of_day):
            return max(self._month_of_day[offset], 0)
        return max(self.index_of(ordinal), 0)

    def as_at_dates(self) -> list[dt.date]:
        return [dt.date.fromordinal(self.as_at(i)) for i in range(self.months)]


class FastRandom(random.Random):
    """`random.Random` with cheaper `randint` and `choice` (the generator calls them millions
    of times); seeded like its parent, so output stays deterministic per seed."""

    def randint(self, a: int, b: int) -> int:
        return a + int(self.random() * (b - a + 1))

    def choice(self, seq: Sequence[T]) -> T:  # type: ignore[override]
        return seq[int(self.random() * len(seq))]


def ramp(index: float, start_index: float, end_index: float, before: float, after: float) -> float:
    """A value that is `before` until start_index, moves linearly, and is `after` from end_index."""
    if index <= start_index:
        return before
    if index >= end_index:
        return after
    share = (index - start_index) / (end_index - start_index)
    return before + (after - before) * share
