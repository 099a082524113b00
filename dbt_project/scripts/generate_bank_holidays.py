"""Regenerate seeds/england_wales_bank_holidays.csv from the maintained `holidays` package.

Working-day rules (complaint acknowledgement within 3 working days) need England and Wales bank
holidays. The `holidays` package tracks the gov.uk list, including one-off days (coronations,
jubilees, state funerals), so the seed is generated from it rather than typed by hand. Run it
offline-safe with any environment that has the package, for example:

    .tools/bin/uv run --no-project --with holidays python dbt_project/scripts/generate_bank_holidays.py

and commit the CSV. The years cover the data the platform expects (2015 onwards) plus ten years
ahead; extend FIRST_YEAR/LAST_YEAR when needed.
"""

from __future__ import annotations

import csv
from pathlib import Path

import holidays

FIRST_YEAR = 2015
LAST_YEAR = 2036
SEED = Path(__file__).resolve().parent.parent / "seeds" / "england_wales_bank_holidays.csv"


def main() -> None:
    calendar = holidays.country_holidays(
        "GB", subdiv="ENG", years=range(FIRST_YEAR, LAST_YEAR + 1), observed=True
    )
    with SEED.open("w", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["holiday_date", "holiday_name"])
        for day, name in sorted(calendar.items()):
            writer.writerow([day.isoformat(), name])


if __name__ == "__main__":
    main()
