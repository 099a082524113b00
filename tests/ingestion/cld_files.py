"""Write small Client Level Data submissions for tests, with the specification's headers.

`cld_file(path, rows)` writes a CSV whose rows start from a complete, valid Release 2 request
(every always-mandatory field filled) and change only what a test names, by header.
"""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path
from typing import Any

HEADER = [
    "LA Code", "Reporting Period Start Date", "Reporting Period End Date", "NHS Number",
    "LA Person Unique Identifier", "First Name", "Last Name", "GP Practice Name",
    "GP Practice Code", "Gender", "Ethnicity", "Date of Birth", "Date of Death", "Client Type",
    "Primary Support Reason", "Postcode", "Accommodation Status", "Employment Status",
    "Has Unpaid Carer", "Autism Spectrum Disorder (ASD)", "Visual Impairment",
    "Hearing Impairment", "Dementia", "Client Funding Status", "Event Type", "Event Reference",
    "Event Start Date", "Event End Date", "Event Description", "Event Outcome",
    "Request: Route of Access", "Assessment Type", "Eligible Needs Identified",
    "Method of Assessment", "Total Hrs Caring per week", "No. of adults being cared for",
    "Adult 1 Linked Person_ID", "Adult 2 Linked Person_ID", "Adult 3 Linked Person_ID",
    "Service Type", "Service Component", "Delivery Mechanism", "Provider CQC Location Name",
    "Provider CQC Location ID", "Review Reason", "Review Outcomes Achieved", "Method of Review",
    "Unit Cost", "Cost Frequency (Unit Type)", "Planned units per week",
]  # fmt: skip

REQUEST: dict[str, str] = {
    "LA Code": "E08000099", "Reporting Period Start Date": "2024-07-01",
    "Reporting Period End Date": "2025-06-30", "NHS Number": "9434765919",
    "LA Person Unique Identifier": "C001", "First Name": "Ada", "Last Name": "Lovelace",
    "Gender": "Female", "Ethnicity": "White: Irish", "Date of Birth": "1950-06-15",
    "Client Type": "Service user", "Postcode": "SW1A 1AA",
    "Accommodation Status": "Owner occupier or shared ownership scheme",
    "Has Unpaid Carer": "No", "Event Type": "Request", "Event Start Date": "2024-08-01",
    "Event End Date": "2024-08-02", "Event Outcome": "NFA: Information and advice or signposting",
    "Request: Route of Access": "Community / other route",
}  # fmt: skip

ASSESSMENT: dict[str, str] = {
    **REQUEST, "Event Type": "Assessment", "Request: Route of Access": "",
    "Primary Support Reason": "Physical Support: Personal care support",
    "Assessment Type": "Long term assessment", "Method of Assessment": "Face to face",
    "Event Outcome": "Progress to support planning or services",
}  # fmt: skip


def cld_file(path: Path, rows: list[dict[str, Any]]) -> Path:
    """A CLD submission at `path`: each row is REQUEST updated by the given headers."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=HEADER, restval="")
        writer.writeheader()
        for row in rows:
            unknown = set(row) - set(HEADER)
            assert not unknown, f"not CLD headers: {sorted(unknown)}"
            writer.writerow({**REQUEST, **row})
    return path


def requests(count: int, **changes: str) -> list[dict[str, str]]:
    """`count` distinct valid requests (one a day from 1 August 2024)."""
    days = [dt.date(2024, 8, 1) + dt.timedelta(days=n) for n in range(count)]
    return [
        {"Event Start Date": day.isoformat(), "Event End Date": day.isoformat(),
         "Event Reference": f"R{n}", **changes}
        for n, day in enumerate(days, start=1)
    ]  # fmt: skip
