"""The sample council's ASC-WDS files and population estimates (`caregov generate --national`).

Each month end, the council downloads its ASC-WDS bulk-upload files from Skills for Care: a worker
file with one record per job in post (the same simulated workforce the HR snapshots come from)
and a workplace file with one record per team, whose STARTERS, LEAVERS and VACANCIES lists give,
for each job role in ALLJOBROLES, the permanent and temporary starters and leavers of the last 12
months and the posts vacant (recruiting or covered by agency). Column names and codes are
Skills for Care's (EMPLSTATUS 1 permanent, 2 temporary, 3 pool or bank, 4 agency, 7 other;
dates DD/MM/YYYY; 999 for don't know). The population estimates are one reference file of ONS
mid-year estimates for the council, 18-64 and 65+.
"""

from __future__ import annotations

import csv
import datetime as dt
from collections import defaultdict
from pathlib import Path

from caregov.sample import fake
from caregov.sample.cld import LA_CODE
from caregov.sample.timeline import FastRandom, Timeline
from caregov.sample.workforce import Job, Workforce
from caregov.sample.workforce_files import sickness_days


def _columns(names: str) -> tuple[str, ...]:
    """The columns of a file, named in one string as Skills for Care lists them."""
    return tuple(names.split())


WORKER_HEADER = _columns(
    "LOCALESTID UNIQUEWORKERID CHGUNIQUEWRKID STATUS DISPLAYID NINUMBER POSTCODE DOB GENDER "
    "ETHNICITY NATIONALITY BRITISHCITIZENSHIP COUNTRYOFBIRTH YEAROFENTRY DISABLED CARECERT "
    "L2CARECERT RECSOURCE HANDCVISA INOUTUK STARTDATE STARTINSECT APPRENTICE EMPLSTATUS "
    "ZEROHRCONT DAYSSICK SALARYINT SALARY HOURLYRATE MAINJOBROLE MAINJRDESC CONTHOURS AVGHOURS "
    "NMCREG NURSESPEC AMHP SCQUAL NONSCQUAL QUALACH01 QUALACH01NOTES QUALACH02 QUALACH02NOTES "
    "QUALACH03 QUALACH03NOTES"
)
WORKPLACE_HEADER = _columns(
    "LOCALESTID STATUS ESTNAME ADDRESS1 ADDRESS2 ADDRESS3 POSTTOWN POSTCODE ESTTYPE OTHERTYPE "
    "PERMCQC PERMLA REGTYPE PROVNUM LOCATIONID MAINSERVICE ALLSERVICES CAPACITY UTILISATION "
    "SERVICEDESC SERVICEUSERS OTHERUSERDESC DHA DHAACTIVITIES TOTALPERMTEMP ALLJOBROLES STARTERS "
    "LEAVERS VACANCIES REASONS REASONNOS REPEATTRAINING CWPAWARE CWPUSE CWPUSEDESC SICKPAY "
    "PENSION ACTUALCONT OPTOUTPEN HOLIDAY SLEEPINS SLEEPINPAY TRAVELTIME TTDIFFRATE"
)
EMPLSTATUS = {"permanent": "1", "temporary": "2", "bank_or_pool": "3", "agency": "4", "other": "7"}
SALARY = {1: 98000, 2: 72000, 3: 52000, 6: 41000, 15: 40000, 25: 24000, 36: 27000, 39: 30000}
# Mid-year population at scale 1 for the first year written, and yearly growth.
POPULATION = {"18-64": (330_000, 0.004), "65+": (82_000, 0.018)}


def write_asc_wds(workforce: Workforce, out: Path, seed: int) -> dict[str, dict[Path, int]]:
    """One worker and one workplace file per delivered month end; rows written per file."""
    tl = workforce.timeline
    rng = FastRandom(f"{seed}:asc_wds")
    details = {job.job_id: _worker_details(rng, job) for job in workforce.jobs}
    folder = out / "hr"
    folder.mkdir(parents=True, exist_ok=True)
    written: dict[str, dict[Path, int]] = {"asc_wds_workers": {}, "asc_wds_workplaces": {}}
    for month in range(tl.months):
        as_at = tl.as_at(month)
        stamp = dt.date.fromordinal(as_at).isoformat()
        in_post = [
            j for j in workforce.jobs if j.start <= as_at and (j.leave is None or j.leave > as_at)
        ]
        path = folder / f"asc_wds_workers_{stamp}.csv"
        rows = [_worker_row(job, details[job.job_id], as_at) for job in in_post]
        written["asc_wds_workers"][path] = _write(path, WORKER_HEADER, rows)
        path = folder / f"asc_wds_workplaces_{stamp}.csv"
        rows = _workplace_rows(workforce, in_post, as_at)
        written["asc_wds_workplaces"][path] = _write(path, WORKPLACE_HEADER, rows)
    return written


def write_population(out: Path, timeline: Timeline, scale: float) -> dict[Path, int]:
    """One file of ONS-style mid-year estimates, for every year the deliveries touch."""
    first = dt.date.fromordinal(timeline.month_start(-24)).year
    last = dt.date.fromordinal(timeline.end).year
    rows = []
    for year in range(first, last + 1):
        for band, (base, growth) in POPULATION.items():
            people = round(base * max(scale, 0.01) * (1 + growth) ** (year - first))
            rows.append({"la_code": LA_CODE, "year": year, "age_band": band, "population": people})
    stamp = dt.date.fromordinal(timeline.as_at(0)).isoformat()
    path = out / "reference" / f"population_estimates_{stamp}.csv"
    path.parent.mkdir(parents=True, exist_ok=True)
    return {path: _write(path, ("la_code", "year", "age_band", "population"), rows)}


def _write(path: Path, header: tuple[str, ...] | list[str], rows: list[dict[str, object]]) -> int:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(header), restval="", lineterminator="\r\n")
        writer.writeheader()
        writer.writerows(rows)
    return len(rows)


def _uk(ordinal: int) -> str:
    return dt.date.fromordinal(ordinal).strftime("%d/%m/%Y")


def _worker_details(rng: FastRandom, job: Job) -> dict[str, str]:
    """What does not change from one download to the next."""
    return {
        "POSTCODE": fake.postcode(rng),
        "GENDER": "2" if rng.random() < 0.78 else "1",
        "ETHNICITY": str(rng.choice((1, 1, 1, 2, 3, 9, 12))),
        "NATIONALITY": "826" if rng.random() < 0.85 else "372",
        "DISABLED": "2",
        "DAYSSICK_KNOWN": "0" if rng.random() < 0.03 else "1",
    }


def _worker_row(job: Job, details: dict[str, str], as_at: int) -> dict[str, object]:
    person_id, full_name, ni_number, dob = job.person
    direct = job.status in ("permanent", "temporary")
    days = sickness_days(job, as_at) if details["DAYSSICK_KNOWN"] == "1" else 999
    salary = SALARY.get(job.role, 30000) if direct else None
    return {
        "LOCALESTID": job.team.team_id, "UNIQUEWORKERID": job.job_id, "STATUS": "UPDATE",
        "DISPLAYID": full_name, "NINUMBER": ni_number, "POSTCODE": details["POSTCODE"],
        "DOB": _uk(dob), "GENDER": details["GENDER"], "ETHNICITY": details["ETHNICITY"],
        "NATIONALITY": details["NATIONALITY"], "DISABLED": details["DISABLED"],
        "STARTDATE": _uk(job.start), "EMPLSTATUS": EMPLSTATUS[job.status],
        "ZEROHRCONT": "1" if job.status == "bank_or_pool" else "2", "DAYSSICK": days,
        "SALARYINT": "1" if salary else "", "SALARY": salary or "",
        "HOURLYRATE": "" if salary else "32.50", "MAINJOBROLE": job.role,
        "CONTHOURS": job.hours if direct else "", "AVGHOURS": "" if direct else "30",
        "AMHP": "1" if job.role == 6 and person_id.endswith("7") else "",
    }  # fmt: skip


def _workplace_rows(
    workforce: Workforce, in_post: list[Job], as_at: int
) -> list[dict[str, object]]:
    """Per team: its roles, starters and leavers of the last 12 months, vacancies now."""
    year_before = as_at - 365
    roles: dict[str, set[int]] = defaultdict(set)
    starters: dict[tuple[str, int], int] = defaultdict(int)
    leavers: dict[tuple[str, int], int] = defaultdict(int)
    vacancies: dict[tuple[str, int], int] = defaultdict(int)
    teams = {}
    for job in workforce.jobs:
        team = job.team.team_id
        teams[team] = job.team
        roles[team].add(job.role)
        if job.status not in ("permanent", "temporary"):
            continue
        if year_before < job.start <= as_at:
            starters[team, job.role] += 1
        if job.leave is not None and year_before < job.leave <= as_at:
            leavers[team, job.role] += 1
    for post in workforce.posts:
        status, _ = post.status_at(as_at)
        if status in ("vacant_recruiting", "vacant_covered_by_agency"):
            vacancies[post.team.team_id, post.role] += 1
    direct: dict[str, int] = defaultdict(int)
    for job in in_post:
        if job.status in ("permanent", "temporary"):
            direct[job.team.team_id] += 1
    rows: list[dict[str, object]] = []
    for team_id in sorted(roles):
        codes = sorted(roles[team_id])
        rows.append(
            {
                "LOCALESTID": team_id, "STATUS": "UPDATE", "ESTNAME": teams[team_id].team_name,
                "ADDRESS1": "Civic Centre", "ADDRESS2": "Market Street", "POSTTOWN": "Caregov",
                "POSTCODE": "CG1 1AA", "ESTTYPE": "1", "PERMCQC": "1", "PERMLA": "1",
                "REGTYPE": "0", "MAINSERVICE": "62", "ALLSERVICES": "62",
                "TOTALPERMTEMP": direct[team_id],
                "ALLJOBROLES": ";".join(map(str, codes)),
                "STARTERS": ";".join(str(starters[team_id, c]) for c in codes),
                "LEAVERS": ";".join(str(leavers[team_id, c]) for c in codes),
                "VACANCIES": ";".join(str(vacancies[team_id, c]) for c in codes),
            }
        )  # fmt: skip
    return rows
