"""`caregov generate --national`: the sample council's CLD submissions, ASC-WDS files and population
estimates, as the council sends them nationally, and loadable as delivered."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import subprocess
from pathlib import Path

import pytest

from caregov.sample import generate_council
from caregov.settings import Settings
from ingestion.deliveries import ingest_paths
from tests.conftest import VENV_BIN, home_environ

# April 2024 to March 2026: quarter ends Jun 2024 … Mar 2026, across the Release 2 change.
NATIONAL = {"seed": 5, "start": "2024-04", "months": 24, "scale": 0.1, "national": True}
QUARTER_ENDS = [
    "20240630", "20240930", "20241231", "20250331", "20250630", "20250930", "20251231", "20260331",
]  # fmt: skip


@pytest.fixture(scope="module")
def national(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("national-council")
    generate_council(out, **NATIONAL)
    return out


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _submission(out: Path, end: str, suffix: str = "") -> Path:
    (path,) = (out / "case_management").glob(f"CLD_*_{end}{suffix}.csv")
    return path


def test_one_cld_submission_per_quarter_each_covering_twelve_months(national: Path) -> None:
    """Eight quarterly submissions (and one resubmission); each file's rows cover the 12 months
    to its quarter end, so consecutive submissions overlap by nine months."""
    names = sorted(p.name for p in (national / "case_management").glob("CLD_*.csv"))
    assert len(names) == 9
    for end in QUARTER_ENDS:
        rows = _rows(_submission(national, end))
        stated = {(r["Reporting Period Start Date"], r["Reporting Period End Date"]) for r in rows}
        (start, finish) = stated.pop()
        first = dt.date(int(end[:4]) - 1, int(end[4:6]), 1) + dt.timedelta(days=31)
        assert _date(finish) == dt.datetime.strptime(end, "%Y%m%d").date()
        assert _date(start) == first.replace(day=1)


def _date(text: str) -> dt.date:
    fmt = "%d/%m/%Y" if "/" in text else "%Y-%m-%d"
    return dt.datetime.strptime(text, fmt).date()


def test_release_1_before_july_2025_and_release_2_after(national: Path) -> None:
    """Submissions for periods ending before July 2025 spell Release 1 (Service User, Long Term,
    Long Term Support: …); later ones Release 2."""
    june, september = (
        _rows(_submission(national, "20250630")),
        _rows(_submission(national, "20250930")),
    )
    assert {r["Client Type"] for r in june} <= {
        "Service User",
        "Carer",
        "Carer known by association",
    }
    assert {r["Client Type"] for r in september} <= {
        "Service user", "Unpaid carer", "Unpaid carer known by association",
    }  # fmt: skip
    assert "Long Term" in {r["Assessment Type"] for r in june}
    assert "Long term assessment" in {r["Assessment Type"] for r in september}


def test_the_resubmission_corrects_events_of_the_latest_submission(national: Path) -> None:
    """The latest period is delivered twice: the first has assessments without a method and
    services left open that had ended; the resubmission, for the same period, has neither."""
    first = _rows(_submission(national, "20260331"))
    corrected = _rows(_submission(national, "20260331", "_resubmission"))
    missing = [
        r for r in first
        if r["Event Type"] == "Assessment" and r["Assessment Type"] != "Financial assessment"
        and not r["Method of Assessment"]
    ]  # fmt: skip
    assert missing
    assert not [r for r in corrected if r["Event Type"] == "Assessment" and not r["Method of Assessment"]
                and r["Assessment Type"] != "Financial assessment"]  # fmt: skip

    def open_services(rows: list[dict[str, str]]) -> int:
        return sum(r["Event Type"] == "Service" and not r["Event End Date"] for r in rows)

    assert open_services(first) > open_services(corrected)
    assert {r["Reporting Period End Date"] for r in first} == {
        r["Reporting Period End Date"] for r in corrected
    }


def test_asc_wds_files_are_written_each_month_with_skills_for_care_codes(national: Path) -> None:
    """A worker and a workplace file for every month end; EMPLSTATUS uses the ASC-WDS codes and
    each workplace's lists align with its job roles."""
    workers = sorted((national / "hr").glob("asc_wds_workers_*.csv"))
    workplaces = sorted((national / "hr").glob("asc_wds_workplaces_*.csv"))
    assert len(workers) == len(workplaces) == 24
    rows = _rows(workers[-1])
    assert {r["EMPLSTATUS"] for r in rows} <= {"1", "2", "3", "4", "7"}
    for place in _rows(workplaces[-1]):
        lengths = {
            len(place[c].split(";")) for c in ("ALLJOBROLES", "STARTERS", "LEAVERS", "VACANCIES")
        }
        assert len(lengths) == 1, place["LOCALESTID"]


def test_population_estimates_cover_every_year_of_the_deliveries(national: Path) -> None:
    """One reference file with both age bands for each year from the history to the last
    delivery (2022 to 2026)."""
    (path,) = (national / "reference").glob("population_estimates_*.csv")
    rows = _rows(path)
    assert {(r["year"], r["age_band"]) for r in rows} == {
        (str(year), band) for year in range(2022, 2027) for band in ("18-64", "65+")
    }


def test_national_files_load_as_delivered(national: Path, settings: Settings) -> None:
    """Every national file loads through the real ingest (none rejected); rows held back are
    few (people without an NHS number, and the errors of the first latest submission)."""
    paths = [national / "case_management", national / "hr", national / "reference"]
    files = [
        p for folder in paths for p in folder.glob("*") if not p.name.startswith(("cm_", "hr_"))
    ]
    outcomes = ingest_paths(settings, files, echo=lambda _line: None)
    assert {o.status for o in outcomes} == {"loaded"}
    loaded = sum(o.rows_loaded for o in outcomes)
    quarantined = sum(o.rows_quarantined for o in outcomes)
    assert quarantined < 0.03 * (loaded + quarantined)


def test_same_seed_gives_byte_identical_national_files(tmp_path: Path) -> None:
    """Two runs with the same seed and start write the same national files, byte for byte."""
    small = {**NATIONAL, "months": 6, "scale": 0.05}
    digests = []
    for run in ("a", "b"):
        out = tmp_path / run
        generate_council(out, **small)
        files = sorted(
            p for p in out.rglob("*.csv")
            if p.name.startswith(("CLD_", "asc_wds_", "population_"))
        )  # fmt: skip
        digests.append({p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in files})
    assert digests[0] == digests[1] and digests[0]


def test_cli_generate_national_writes_the_national_returns(tmp_path: Path) -> None:
    """`caregov generate --national` lists the national returns in its summary."""
    out = tmp_path / "out"
    run = subprocess.run(
        [str(VENV_BIN / "caregov"), "generate", "--out", str(out), "--start", "2025-01",
         "--months", "3", "--scale", "0.05", "--national"],
        env=home_environ(tmp_path / "home"), capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert run.returncode == 0, run.stderr
    assert "case_management/cld_events" in run.stdout
    assert "reference/population_estimates" in run.stdout
    assert list((out / "case_management").glob("CLD_*_20250331.csv"))
