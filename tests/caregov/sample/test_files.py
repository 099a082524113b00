"""The generated deliveries follow docs/specification.md §3: names, headers, value lists and every rule."""

from __future__ import annotations

import datetime as dt
import re
import subprocess

import pytest

from caregov.sample import generate_council
from tests.caregov.sample import contract
from tests.caregov.sample.reading import FILE_NAME
from tests.conftest import VENV_BIN, home_environ


def _month_ends(year: int, month: int, count: int) -> list[dt.date]:
    ends = []
    for offset in range(1, count + 1):
        index = year * 12 + month - 1 + offset
        ends.append(dt.date(index // 12, index % 12 + 1, 1) - dt.timedelta(days=1))
    return ends


MONTH_ENDS = _month_ends(2023, 4, 30)  # 2023-04-30 … 2025-09-30, as in COUNCIL


# The notes are delivered when they change: the months (from 0) where the story adds an event or
# a decision (0, 7, 9, 11, 14, 17, 20) or commentary (8, then every 3 months, and the last).
NOTE_MONTHS = (0, 7, 8, 9, 11, 14, 17, 20, 23, 26, 29)


def test_every_entity_has_one_delivery_per_month_named_by_its_as_at_date(council):
    """Each entity has 30 files `<source>/<entity>_<month end>.csv`, one per month; the notes
    one in each month they changed."""
    out, _ = council
    for entity, source in contract.SOURCES.items():
        names = sorted(path.name for path in (out / source).glob(f"{entity}_*"))
        months = NOTE_MONTHS if entity == "governance_notes" else range(len(MONTH_ENDS))
        assert names == [f"{entity}_{MONTH_ENDS[m].isoformat()}.csv" for m in months], entity
    assert {p.name for p in out.iterdir()} == set(contract.SOURCES.values())


def test_headers_are_exactly_the_contract_columns(council):
    """Every file's header row is the specified column names in the specified order."""
    out, _ = council
    for path in out.glob("*/*.csv"):
        entity = FILE_NAME.match(path.name)["entity"]
        with path.open(encoding="utf-8") as handle:
            assert handle.readline().rstrip("\n").split(",") == contract.HEADERS[entity]


def _violations(story, entity: str, condition: str) -> int:
    return story.sql(f"select count(*) from {entity} where {condition}").fetchone()[0]


def test_required_columns_are_always_filled(story):
    """No row leaves a required column empty."""
    for entity, columns in contract.REQUIRED.items():
        for column in columns:
            assert _violations(story, entity, f"{column} is null") == 0, (entity, column)


def test_enumerations_use_the_contract_spellings(story):
    """Every enumeration value is one of the specified canonical spellings."""
    for entity, enums in contract.ENUMS.items():
        for column, options in enums.items():
            listed = ", ".join("'" + option.replace("'", "''") + "'" for option in options)
            bad = _violations(story, entity, f"{column} is not null and {column} not in ({listed})")
            assert bad == 0, (entity, column)


def test_keys_are_unique_within_each_file(story):
    """No key appears twice in one delivery."""
    for entity, key in contract.KEYS.items():
        duplicates = story.sql(
            f"select count(*) from (select filename, {key} from {entity} group by all "
            f"having count(*) > 1)"
        ).fetchone()[0]
        assert duplicates == 0, entity


RULES = {
    "hr_workers": [
        "contracted_hours_per_week not between 0 and 60",
        "leave_date < start_date",
        "sickness_days_12m < 0",
        "start_date > as_at",
        "leave_date > as_at",
        "leave_date <= as_at - interval 24 month",
    ],
    "hr_posts": [
        "funded_fte <= 0 or funded_fte > 1.5",
        "post_status like 'vacant_%' and vacant_since is null",
        "post_status not like 'vacant_%' and vacant_since is not null",
    ],
    "cm_people": ["date_of_death < date_of_birth"],
    "cm_events": [
        "event_type in ('Assessment', 'Review') and requested_date is null",
        "event_type in ('Request', 'Service') and event_start_date is null",
        "event_status in ('completed', 'cancelled') and event_end_date is null",
        "event_status = 'open' and event_end_date is not null",
        "event_end_date < event_start_date or event_end_date < requested_date",
        "event_status = 'completed' and event_outcome is null",
        "event_type = 'Request' and request_route_of_access is null",
        "event_type = 'Assessment' and (assessment_type is null or assessment_subtype is null)",
        "event_type = 'Service' and service_type is null",
        "event_type = 'Review' and review_reason is null",
        "unit_cost < 0 or planned_units_per_week < 0",
        "coalesce(requested_date, event_start_date) > as_at or event_end_date > as_at",
    ],
    "complaints": [
        "acknowledged_date < received_date or agreed_response_date < received_date",
        "response_date < received_date or closed_date < received_date",
        "received_date > as_at",
    ],
    "finance_ledger": [
        "not regexp_full_match(financial_year, '\\d{4}-\\d{2}')",
        "cast(right(financial_year, 2) as int) <> (cast(left(financial_year, 4) as int) + 1) % 100",
        "period not between 1 and 12",
        "period <> (month(as_at) + 8) % 12 + 1",
    ],
    "provider_invoices": [
        "invoice_received_date < invoice_date",
        "validated_date < invoice_received_date or payment_date < invoice_received_date",
        "amount_gross <= 0",
    ],
    "improvement_actions": [
        "status = 'complete' and completed_date is null",
        "percent_complete not between 0 and 100",
        "last_updated_date > as_at",
    ],
}


@pytest.mark.parametrize("entity", sorted(RULES))
def test_no_row_breaks_a_contract_rule(story, entity):
    """Ranges, cross-field rules and as-at consistency hold on every row of the entity."""
    for rule in RULES[entity]:
        assert _violations(story, entity, rule) == 0, (entity, rule)


def _nhs_valid(number: str) -> bool:
    digits = [int(c) for c in number]
    total = sum(d * w for d, w in zip(digits[:9], range(10, 1, -1), strict=True))
    check = 11 - total % 11
    check = 0 if check == 11 else check
    return len(digits) == 10 and check != 10 and check == digits[9]


def test_nhs_numbers_pass_the_modulus_11_check(story):
    """Every NHS number present is ten digits with a valid modulus-11 check digit."""
    numbers = [
        row[0]
        for row in story.sql(
            "select distinct cast(nhs_number as varchar) from cm_people where nhs_number is not null"
        ).fetchall()
    ]
    assert len(numbers) > 5000
    assert all(_nhs_valid(n) for n in numbers)
    assert not _nhs_valid("9434765918")  # the check itself rejects a wrong check digit


def test_personal_data_columns_hold_realistic_fake_values(story):
    """Names, NI numbers, postcodes and birth dates are filled in realistic formats."""
    ni = story.sql("select ni_number from hr_workers").fetchall()
    assert all(re.fullmatch(r"[A-CEGHJ-PR-TW-Z]{2}\d{6}[A-D]", row[0]) for row in ni)
    postcodes = story.sql("select postcode from cm_people").fetchall()
    assert all(re.fullmatch(r"[A-Z]{1,2}\d{1,2} \d[A-Z]{2}", row[0]) for row in postcodes)
    for entity, columns in {
        "hr_workers": ["full_name", "date_of_birth"],
        "cm_people": ["first_name", "last_name", "date_of_birth"],
        "complaints": ["complainant_name", "description"],
    }.items():
        for column in columns:
            assert _violations(story, entity, f"{column} is null") == 0, (entity, column)
    accented = _violations(story, "cm_people", "regexp_matches(first_name || last_name, '[éëöúá]')")
    assert accented > 0


def test_people_are_mostly_older_adults(story):
    """Most people in case management are aged 65 or over at their record's as-at date."""
    older = story.sql(
        "select avg(case when date_diff('year', date_of_birth, as_at) >= 65 then 1 else 0 end) "
        "from cm_people"
    ).fetchone()[0]
    assert 0.6 <= older <= 0.9


def test_allocated_workers_are_real_hr_jobs_in_the_team(story):
    """Every allocated_worker_id is an hr job_id of the event's team."""
    orphans = story.sql(
        """
        select count(*) from (select distinct allocated_worker_id, team_id from cm_events
                              where allocated_worker_id is not null) e
        anti join (select distinct job_id, team_id from hr_workers) w
          on e.allocated_worker_id = w.job_id and e.team_id = w.team_id
        """
    ).fetchone()[0]
    assert orphans == 0
    assert _violations(story, "cm_events", "allocated_worker_id is not null") > 10000


def test_events_refer_to_people_already_delivered(story):
    """Each event's person is in cm_people in the same or an earlier delivery."""
    missing = story.sql(
        """
        select count(*) from (select person_id, min(as_at) as first_seen from cm_events group by 1) e
        left join (select person_id, min(as_at) as first_seen from cm_people group by 1) p
          using (person_id)
        where p.first_seen is null or p.first_seen > e.first_seen
        """
    ).fetchone()[0]
    assert missing == 0


def test_an_assessment_appears_open_then_completed_in_later_deliveries(story):
    """Delta deliveries carry changes: an assessment open in one month is completed in a later one."""
    changed = story.sql(
        """
        select count(distinct a.event_id) from cm_events a join cm_events b
          on a.event_id = b.event_id and a.as_at < b.as_at
        where a.event_type = 'Assessment' and a.event_status = 'open'
          and b.event_status = 'completed'
        """
    ).fetchone()[0]
    assert changed > 1000


def test_staff_roles_sit_in_teams_that_fit(story):
    """Social workers work in assessment teams, OTs and OT assistants mainly in OT, admin in
    business support."""
    placements = dict(
        story.sql(
            f"""
            select main_job_role_code, list(distinct service_area order by service_area)
            from hr_workers where as_at = date '{MONTH_ENDS[-1]}' group by 1
            """
        ).fetchall()
    )
    assert set(placements[6]) <= {"front_door", "locality", "hospital_discharge", "safeguarding"}
    assert "occupational_therapy" in placements[15]
    assert placements[36] == ["occupational_therapy"]
    assert "business_support" in placements[25]
    assert set(placements[1]) == {"management"}


def test_scale_one_is_a_city_council(story):
    """At scale 1: about 2,000 staff jobs and about 25,000 case events a year."""
    in_post = _violations(story, "hr_workers", f"as_at = date '{MONTH_ENDS[-1]}'")
    assert 1800 <= in_post <= 3200
    per_year = story.sql(
        f"""
        select count(*) from current_cm_events
        where coalesce(requested_date, event_start_date) > date '{MONTH_ENDS[-13]}'
          and coalesce(requested_date, event_start_date) <= date '{MONTH_ENDS[-1]}'
        """
    ).fetchone()[0]
    assert 20000 <= per_year <= 30000


def test_without_a_start_the_deliveries_end_with_the_last_complete_month(tmp_path):
    """start=None delivers the N months ending with the last complete calendar month."""
    generate_council(tmp_path, seed=3, months=2, scale=0.02)
    today = dt.date.today()
    last_month_end = today.replace(day=1) - dt.timedelta(days=1)
    month_before_end = last_month_end.replace(day=1) - dt.timedelta(days=1)
    names = sorted(p.name for p in (tmp_path / "finance").glob("finance_ledger_*"))
    assert names == [
        f"finance_ledger_{month_before_end.isoformat()}.csv",
        f"finance_ledger_{last_month_end.isoformat()}.csv",
    ]


def test_cli_generate_writes_every_entity(tmp_path):
    """`caregov generate` writes all eight entities and summarises rows per entity."""
    result = subprocess.run(
        [
            str(VENV_BIN / "caregov"),
            "generate",
            "--out",
            str(tmp_path / "x"),
            "--start",
            "2024-01",
            "--months",
            "1",
            "--scale",
            "0.05",
        ],
        capture_output=True,
        text=True,
        env=home_environ(tmp_path / "home"),
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    for entity, source in contract.SOURCES.items():
        assert (tmp_path / "x" / source / f"{entity}_2024-01-31.csv").exists()
        assert entity in result.stdout


def test_rows_grow_linearly_with_scale(tmp_path):
    """Doubling the scale about doubles the case events, staff jobs and invoices."""
    small = generate_council(tmp_path / "a", seed=5, start="2024-01", months=1, scale=0.4)
    large = generate_council(tmp_path / "b", seed=5, start="2024-01", months=1, scale=0.8)
    for entity in ("cm_events", "hr_workers", "provider_invoices"):
        assert 1.7 <= large.rows(entity) / small.rows(entity) <= 2.3, entity


def test_people_whose_support_ended_in_death_have_a_date_of_death(story):
    """Everyone with an `NFA: Deceased` outcome has that date as date_of_death in cm_people."""
    mismatched = story.sql(
        """
        with latest_person as (
            select person_id, arg_max(date_of_death, as_at) as died from cm_people group by 1),
        deaths as (
            select person_id, max(event_end_date) as ended from current_cm_events
            where event_outcome = 'NFA: Deceased' group by 1)
        select count(*), count(*) filter (where died is distinct from ended)
        from deaths join latest_person using (person_id)
        """
    ).fetchone()
    assert mismatched[0] > 500
    assert mismatched[1] == 0
